//! The simulators: each producer's rate (a slider, applied live) and pause; each consumer
//! application's pause; a KCL application's workers (kill one, add one) and its lease table.

use super::{Action, Inspector};
use kinescope_core::sim::rate::MAX_RATE;

/// Draws the panel.
pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    if app.view.producers.is_empty() && app.view.consumers.is_empty() {
        ui.label("No simulators: open a scenario with producers and consumers.");
        return;
    }
    ui.heading("Producers");
    egui::Grid::new("producers").striped(true).show(ui, |ui| {
        for title in [
            "Producer",
            "Stream",
            "Rate (records/s)",
            "Sent",
            "Acknowledged",
            "Throttled",
            "Dropped",
            "",
        ] {
            ui.strong(title);
        }
        ui.end_row();
        for producer in app.view.producers.clone() {
            ui.label(&producer.name);
            ui.label(&producer.stream);
            let mut rate = producer.rate_now;
            let slider = ui.add(
                egui::Slider::new(&mut rate, 0.0..=20_000.0_f64.min(MAX_RATE))
                    .logarithmic(true)
                    .integer(),
            );
            let slider =
                slider.on_hover_text(format!("Records per second {} makes", producer.name));
            if slider.changed() {
                app.act(Action::SetRate {
                    producer: producer.name.clone(),
                    per_second: rate,
                });
            }
            ui.label(producer.sent.to_string());
            ui.label(producer.acknowledged.to_string());
            ui.label(producer.throttled.to_string());
            ui.label(producer.dropped.to_string());
            pause_button(ui, app, &producer.name, producer.paused);
            ui.end_row();
        }
    });
    ui.separator();
    ui.heading("Consumer applications");
    for consumer in app.view.consumers.clone() {
        ui.horizontal(|ui| {
            ui.strong(&consumer.name);
            ui.label(format!("{} on {}", consumer.kind, consumer.stream));
            pause_button(ui, app, &consumer.name, consumer.paused);
            if consumer.kind == "kcl"
                && ui
                    .button(format!("Add worker to {}", consumer.name))
                    .on_hover_text("Start one more worker: it steals leases one at a time until the shards are balanced")
                    .clicked()
            {
                app.act(Action::AddWorker {
                    consumer: consumer.name.clone(),
                });
            }
        });
        if consumer.kind != "kcl" {
            continue;
        }
        egui::Grid::new(("workers", &consumer.name)).striped(true).show(ui, |ui| {
            for (id, alive, shards) in &consumer.workers {
                ui.label(id);
                ui.label(if *alive { format!("{shards} leases") } else { "killed".into() });
                if *alive
                    && ui
                        .button(format!("Kill {id}"))
                        .on_hover_text("Stop the worker at once, without checkpointing: its leases expire after failoverTimeMillis and another worker restarts them from their last checkpoint")
                        .clicked()
                {
                    app.act(Action::KillWorker {
                        consumer: consumer.name.clone(),
                        worker: id.clone(),
                    });
                }
                ui.end_row();
            }
        });
        ui.label("Lease table (the application's DynamoDB table in real KCL)");
        egui::Grid::new(("leases", &consumer.name))
            .striped(true)
            .show(ui, |ui| {
                for title in ["leaseKey", "leaseOwner", "leaseCounter", "checkpoint"] {
                    ui.strong(title);
                }
                ui.end_row();
                for lease in &consumer.leases {
                    ui.monospace(lease.shard.to_string());
                    ui.label(lease.owner.as_deref().unwrap_or("-"));
                    ui.label(lease.counter.to_string());
                    ui.monospace(&lease.checkpoint);
                    ui.end_row();
                }
            });
        ui.add_space(8.0);
    }
}

fn pause_button(ui: &mut egui::Ui, app: &mut Inspector, name: &str, paused: bool) {
    let label = if paused {
        format!("Resume {name}")
    } else {
        format!("Pause {name}")
    };
    if ui.button(label).clicked() {
        app.act(Action::SetPaused {
            name: name.to_owned(),
            paused: !paused,
        });
    }
}
