//! Throughput of the selected stream or one of its shards: writes and reads per second under
//! their CloudWatch names, each against its AWS limit, throttled seconds marked. The stream map
//! reuses the IncomingRecords chart.

use super::throughput_data::Chart;
use crate::gui::Inspector;
use crate::gui::learn::spotlight::{self, Span};
use crate::gui::view::{SHARD_WRITE_RECORDS, StreamView};
use crate::gui::widgets::numbers::{axis_count, axis_time, grouped};
use egui_plot::{HLine, Legend, Line, LineStyle, Plot, Points};
use kinescope_core::learn::look::Chart as LookChart;

/// Draws the charts of the selected stream, or of one of its shards.
pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    let Some(stream) = app.selected_stream(ui) else {
        return;
    };
    ui.horizontal(|ui| {
        let label = ui.label("Show");
        let shown = match app.throughput_shard {
            Some(id) => id.to_string(),
            None => format!("the whole stream {}", stream.name),
        };
        egui::ComboBox::from_id_salt("throughput scope")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut app.throughput_shard, None, "the whole stream");
                for shard in &stream.shards {
                    let state = if shard.open { "open" } else { "closed" };
                    ui.selectable_value(
                        &mut app.throughput_shard,
                        Some(shard.id),
                        format!("{} ({state})", shard.id),
                    );
                }
            })
            .response
            .labelled_by(label.id);
        ui.label("Red points: seconds with throttled calls. Dashed: the AWS limit.");
    });
    let Some(charts) = app.view.charts.clone() else {
        ui.label("Waiting for the next frame...");
        return;
    };
    ui.strong(&charts.scope);
    let height = ((ui.available_height() - 80.0) / 2.0).max(140.0);
    // The lessons' throughput chart is IncomingRecords against the write limit.
    let span = app.spotlight.chart(LookChart::Throughput);
    for pair in charts.charts.chunks(2) {
        ui.columns(2, |columns| {
            for (column, chart) in columns.iter_mut().zip(pair) {
                let span = span.filter(|_| chart.metric == "IncomingRecords");
                metric_chart(column, chart, height, span);
            }
        });
    }
}

fn metric_chart(ui: &mut egui::Ui, chart: &Chart, height: f32, span: Option<Span>) {
    ui.label(chart.metric).on_hover_text(chart.note);
    let plot = Plot::new(("metric", chart.metric))
        .height(height)
        .legend(Legend::default())
        .x_axis_label("virtual time")
        .y_axis_label(format!("{} ({})", chart.metric, chart.unit))
        .x_axis_formatter(|mark, _| axis_time(mark.value))
        .y_axis_formatter(|mark, _| axis_count(mark.value))
        .include_y(0.0)
        .include_y(chart.limit * 1.1)
        .show(ui, |plot| {
            plot.line(
                Line::new(chart.metric, chart.points.clone())
                    .color(egui::Color32::from_rgb(110, 170, 230))
                    .width(2.0),
            );
            if chart.limit > 0.0 {
                plot.hline(
                    HLine::new(format!("limit: {}", chart.limit_label), chart.limit)
                        .style(LineStyle::dashed_loose())
                        .color(egui::Color32::from_gray(170)),
                );
            }
            if !chart.throttled.is_empty() {
                plot.points(
                    Points::new(chart.throttle_metric, chart.throttled.clone())
                        .radius(3.5)
                        .color(egui::Color32::from_rgb(220, 50, 47)),
                );
            }
        });
    if let Some(span) = span {
        spotlight::mark_plot(ui, &plot, span, "chart throughput");
    }
}

/// IncomingRecords per second of `stream` against its write limit, throttled seconds marked.
pub fn chart(ui: &mut egui::Ui, stream: &StreamView, span: Option<Span>) {
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
    let plot = Plot::new("incoming_records")
        .height(ui.available_height().min(360.0))
        .legend(Legend::default())
        .x_axis_label("virtual time")
        .y_axis_label("IncomingRecords (Count/s)")
        .x_axis_formatter(|mark, _| axis_time(mark.value))
        .y_axis_formatter(|mark, _| axis_count(mark.value))
        .include_y(0.0)
        .include_y(limit * 1.1)
        .show(ui, |plot| {
            plot.line(
                Line::new("IncomingRecords", stream.incoming_records.clone())
                    .color(egui::Color32::from_rgb(110, 170, 230))
                    .width(2.0),
            );
            plot.hline(
                HLine::new(format!("write limit: {} records/s", grouped(limit)), limit)
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
    if let Some(span) = span {
        spotlight::mark_plot(ui, &plot, span, "chart throughput");
    }
}
