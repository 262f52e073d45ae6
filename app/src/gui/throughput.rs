//! Throughput of the selected stream: IncomingRecords per second against the stream's write limit
//! (open shards × 1,000 records/s), with write throttles marked.

use super::Inspector;
use super::top_bar::clock_text;
use super::view::{SHARD_WRITE_RECORDS, StreamView};
use egui_plot::{HLine, Legend, Line, LineStyle, Plot, Points};

/// Draws the charts.
pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    let Some(stream) = app.selected_stream(ui) else {
        return;
    };
    chart(ui, &stream);
}

/// IncomingRecords per second of `stream` against its write limit, throttled seconds marked.
pub fn chart(ui: &mut egui::Ui, stream: &StreamView) {
    let limit = stream.open_shards().count() as f64 * SHARD_WRITE_RECORDS;
    ui.strong(format!("{} · IncomingRecords per second", stream.name));
    let throttled: Vec<[f64; 2]> = stream
        .write_throttles
        .iter()
        .filter(|[_, n]| *n > 0.0)
        .filter_map(|[s, _]| {
            stream
                .incoming_records
                .iter()
                .find(|[t, _]| t == s)
                .copied()
        })
        .collect();
    Plot::new("incoming_records")
        .height(ui.available_height().min(360.0))
        .legend(Legend::default())
        .x_axis_label("virtual time")
        .y_axis_label("IncomingRecords (Count/s)")
        .x_axis_formatter(|mark, _| {
            let text = clock_text((mark.value * 1_000.0) as i64);
            text.get(11..).map_or(text.clone(), str::to_owned)
        })
        .include_y(0.0)
        .include_y(limit * 1.1)
        .show(ui, |plot| {
            plot.line(
                Line::new("IncomingRecords", stream.incoming_records.clone())
                    .color(egui::Color32::from_rgb(110, 170, 230))
                    .width(2.0),
            );
            plot.hline(
                HLine::new(format!("write limit: {limit:.0} records/s"), limit)
                    .style(LineStyle::dashed_loose())
                    .color(egui::Color32::from_gray(170)),
            );
            if !throttled.is_empty() {
                plot.points(
                    Points::new("WriteProvisionedThroughputExceeded", throttled)
                        .radius(3.5)
                        .color(egui::Color32::from_rgb(220, 50, 47)),
                );
            }
        });
}
