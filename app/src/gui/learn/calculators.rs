//! The calculators in the Learn tab: shards for a workload (the formula, KPL aggregation,
//! on-demand, a month's cost from prices you can edit, and the answer run as a scenario),
//! Firehose buffering, and retention and replay.

use super::LearnRequest;
use crate::gui::Inspector;
use kinescope_core::learn::calculators::{
    Prices, Workload, firehose, proving_scenario, retention, shards,
};

/// What the calculators are given.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub workload: Workload,
    pub prices: Prices,
    pub firehose: (f64, f64, f64, f64),
    pub retention: (f64, f64, f64),
}

impl Default for Inputs {
    fn default() -> Self {
        Self {
            workload: Workload {
                records_per_second: 2_500.0,
                record_bytes: 500.0,
                consumers: 2,
                enhanced_fan_out: false,
            },
            prices: Prices::default(),
            firehose: (500.0, 1_000.0, 5.0, 300.0),
            retention: (24.0, 6.0, 1_000.0),
        }
    }
}

fn number(ui: &mut egui::Ui, label: &str, value: &mut f64, range: std::ops::RangeInclusive<f64>) {
    let label = ui.label(label);
    ui.add(egui::DragValue::new(value).range(range).speed(1.0))
        .labelled_by(label.id);
    ui.end_row();
}

pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    let inputs = &mut app.learn.calculators;
    let mut request = None;
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading("Shards");
        let w = &mut inputs.workload;
        egui::Grid::new("shard inputs").num_columns(2).show(ui, |ui| {
            number(ui, "Records per second", &mut w.records_per_second, 1.0..=10_000_000.0);
            number(ui, "Record size (bytes)", &mut w.record_bytes, 1.0..=1_048_576.0);
            let label = ui.label("Consumer applications");
            ui.add(egui::DragValue::new(&mut w.consumers).range(1..=50))
                .labelled_by(label.id);
            ui.end_row();
            ui.label("Fan-out");
            ui.horizontal(|ui| {
                ui.radio_value(&mut w.enhanced_fan_out, false, "shared (polling)");
                ui.radio_value(&mut w.enhanced_fan_out, true, "enhanced fan-out");
            });
            ui.end_row();
        });
        let answer = shards(w, &inputs.prices);
        ui.label(
            egui::RichText::new(format!("{} shards", answer.shards))
                .strong()
                .size(20.0),
        );
        ui.label(&answer.formula);
        ui.label(format!(
            "With KPL aggregation (50 KiB aggregates): {} shards. {}",
            answer.with_kpl, answer.on_demand
        ));
        for warning in &answer.warnings {
            ui.colored_label(ui.visuals().warn_fg_color, warning);
        }
        ui.label(format!(
            "A month: provisioned ${:.2}, on-demand ${:.2} (730 hours)",
            answer.monthly_provisioned, answer.monthly_on_demand
        ));
        ui.collapsing("Prices (US dollars; AWS's us-east-1 list prices when written: edit them)", |ui| {
            let p = &mut inputs.prices;
            egui::Grid::new("prices").num_columns(2).show(ui, |ui| {
                for (label, value) in [
                    ("Shard-hour", &mut p.shard_hour),
                    ("Million PUT payload units (25 KB)", &mut p.put_units_per_million),
                    ("Enhanced fan-out consumer-shard-hour", &mut p.efo_consumer_shard_hour),
                    ("Enhanced fan-out GB read", &mut p.efo_gb_read),
                    ("On-demand stream-hour", &mut p.on_demand_stream_hour),
                    ("On-demand GB written", &mut p.on_demand_gb_written),
                    ("On-demand GB read", &mut p.on_demand_gb_read),
                ] {
                    let label = ui.label(label);
                    ui.add(egui::DragValue::new(value).range(0.0..=100.0).speed(0.001).max_decimals(4))
                        .labelled_by(label.id);
                    ui.end_row();
                }
            });
        });
        // The emulator's default account takes 500 shards (AWS's quota in us-east-1).
        let runnable = answer.shards <= 500;
        let run = ui
            .add_enabled(
                runnable,
                egui::Button::new(format!("Run it: {} shards with this workload", answer.shards)),
            )
            .on_hover_text(
                "Opens a scenario of this workload on the shards calculated: nothing should throttle",
            )
            .on_disabled_hover_text("More than the account's 500 shards");
        if run.clicked() {
            request = Some(LearnRequest::RunScenario(proving_scenario(w, answer.shards)));
        }

        ui.add_space(12.0);
        ui.heading("Firehose buffering");
        let (rate, size, hint_mib, hint_s) = &mut inputs.firehose;
        egui::Grid::new("firehose inputs").num_columns(2).show(ui, |ui| {
            number(ui, "Records per second", rate, 0.001..=10_000_000.0);
            number(ui, "Record size (bytes)", size, 1.0..=1_024_000.0);
            number(ui, "Buffer size hint (MiB)", hint_mib, 1.0..=128.0);
            number(ui, "Buffer interval hint (s)", hint_s, 0.0..=900.0);
        });
        let buffered = firehose(*rate, *size, *hint_mib, *hint_s);
        if *hint_s == 0.0 {
            ui.label(
                "An interval of 0 s: no buffering, records are delivered as they arrive, \
                 in small objects.",
            );
        } else {
            ui.label(format!(
            "The {} hint is reached first: a record waits at most {:.1} s; objects of {:.2} MiB, {:.0} an hour.",
            buffered.flushed_by,
            buffered.latency_seconds,
            buffered.object_bytes / 1_048_576.0,
            buffered.objects_per_hour
        ));
        }

        ui.add_space(12.0);
        ui.heading("Retention and replay");
        let (hours, lag, rate) = &mut inputs.retention;
        egui::Grid::new("retention inputs").num_columns(2).show(ui, |ui| {
            number(ui, "Retention (hours, 24 to 8,760)", hours, 24.0..=8_760.0);
            number(ui, "Consumer lag (hours)", lag, 0.0..=10_000.0);
            number(ui, "Records written per second", rate, 0.0..=10_000_000.0);
        });
        let kept = retention(*hours, *lag, *rate);
        ui.label(format!(
            "A consumer can start up to {:.0} h back (TRIM_HORIZON or AT_TIMESTAMP).",
            kept.replayable_hours
        ));
        ui.label(&kept.verdict);
        if kept.records_lost_per_hour > 0.0 {
            ui.label(format!("{:.0} records expire unread every hour", kept.records_lost_per_hour));
        }
    });
    if request.is_some() {
        app.learn.request = request;
    }
}
