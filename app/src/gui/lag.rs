//! Consumers and lag: each application's MillisBehindLatest over time (sampled once per virtual
//! second), with a trend arrow and its counters.

use super::top_bar::clock_text;
use super::view::View;
use super::{Action, Inspector};
use egui_plot::{Legend, Line, Plot};
use std::collections::BTreeMap;

/// Samples kept per consumer (one per virtual second: ten minutes).
const SAMPLES: usize = 600;

/// MillisBehindLatest per consumer over virtual time.
#[derive(Debug, Default)]
pub struct LagHistory {
    last_second: Option<i64>,
    series: BTreeMap<String, Vec<[f64; 2]>>,
}

impl LagHistory {
    /// Records each consumer's lag once per virtual second.
    pub fn sample(&mut self, view: &View) {
        let second = view.now_ms / 1_000;
        if self.last_second == Some(second) {
            return;
        }
        self.last_second = Some(second);
        for consumer in &view.consumers {
            let points = self.series.entry(consumer.name.clone()).or_default();
            points.push([second as f64, consumer.millis_behind as f64]);
            if points.len() > SAMPLES {
                points.drain(..points.len() - SAMPLES);
            }
        }
    }

    /// The worst lag of any application at each of the last `n` samples (0 before any).
    pub fn worst(&self, n: usize) -> Vec<f64> {
        let mut worst = vec![0.0; n];
        for points in self.series.values() {
            let start = points.len().saturating_sub(n);
            for (i, [_, v]) in points[start..].iter().enumerate() {
                let slot = n - (points.len() - start) + i;
                worst[slot] = f64::max(worst[slot], *v);
            }
        }
        worst
    }

    /// Growing, shrinking or steady over the last 30 samples.
    pub fn trend(&self, name: &str) -> &'static str {
        let Some(points) = self.series.get(name) else {
            return "steady";
        };
        let recent = &points[points.len().saturating_sub(30)..];
        match (recent.first(), recent.last()) {
            (Some(a), Some(b)) if b[1] > a[1] + 1_000.0 => "growing",
            (Some(a), Some(b)) if b[1] + 1_000.0 < a[1] => "shrinking",
            _ => "steady",
        }
    }
}

/// Draws the table and the chart.
pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    if app.view.consumers.is_empty() {
        ui.label("No consumer applications: open a scenario with consumers.");
        return;
    }
    egui::Grid::new("consumers").striped(true).show(ui, |ui| {
        for title in ["Application", "Kind", "Stream", "Processed", "Duplicates", "MillisBehindLatest", "Trend", "Invariants", ""] {
            ui.strong(title);
        }
        ui.end_row();
        for consumer in app.view.consumers.clone() {
            ui.label(&consumer.name);
            ui.label(consumer.kind).on_hover_text(kind_help(consumer.kind));
            ui.label(&consumer.stream);
            ui.label(consumer.records_processed.to_string());
            ui.label(consumer.duplicates.to_string());
            ui.label(format!("{} ms", consumer.millis_behind))
                .on_hover_text("How far the application's last read was behind the newest record of the shard (the worst shard)");
            ui.label(app.lag.trend(&consumer.name));
            if consumer.invariants_ok {
                ui.label("hold");
            } else {
                ui.colored_label(egui::Color32::from_rgb(220, 50, 47), "BROKEN");
            }
            let (label, paused) = if consumer.paused {
                ("Resume", false)
            } else {
                ("Pause", true)
            };
            if ui
                .button(label)
                .on_hover_text(format!("{label} {}", consumer.name))
                .clicked()
            {
                app.act(Action::SetPaused {
                    name: consumer.name.clone(),
                    paused,
                });
            }
            ui.end_row();
        }
    });
    ui.add_space(4.0);
    ui.collapsing("Per shard: where each application is", |ui| {
        egui::Grid::new("readers").striped(true).show(ui, |ui| {
            for title in [
                "Application",
                "Stream",
                "Shard",
                "MillisBehindLatest",
                "Records behind",
            ] {
                ui.strong(title);
            }
            ui.end_row();
            for reader in &app.view.readers {
                ui.label(&reader.reader);
                ui.label(&reader.stream);
                ui.monospace(reader.shard.to_string());
                ui.label(format!("{} ms", reader.millis_behind));
                ui.label(reader.records_behind.to_string());
                ui.end_row();
            }
        });
    });
    ui.add_space(8.0);
    Plot::new("lag")
        .height(ui.available_height().min(320.0))
        .legend(Legend::default())
        .x_axis_label("virtual time")
        .x_axis_formatter(|mark, _| {
            let text = clock_text((mark.value * 1_000.0) as i64);
            text.get(11..).map_or(text.clone(), str::to_owned)
        })
        .y_axis_label("MillisBehindLatest (ms)")
        .include_y(0.0)
        .show(ui, |plot| {
            for (name, points) in &app.lag.series {
                plot.line(Line::new(name.clone(), points.clone()));
            }
        });
}

fn kind_help(kind: &str) -> &'static str {
    match kind {
        "polling" => {
            "Shared throughput: GetRecords against the shard's 2 MiB/s and 5 calls/s, shared by every polling application"
        }
        "efo" => {
            "Enhanced fan-out: a dedicated 2 MiB/s push pipe per consumer and shard (SubscribeToShard)"
        }
        "kcl" => "KCL application: workers share a lease table; one worker holds a shard at a time",
        "lambda" => "Lambda event source mapping: batches per shard, retries block the shard",
        _ => "",
    }
}
