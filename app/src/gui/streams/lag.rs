//! Consumers and lag: each application's MillisBehindLatest and records behind over time (a
//! sparkline per application and per shard, and a full plot), a trend, its counters, and where it
//! is on each shard (its KCL checkpoint too).

use super::lag_history::SHARD_SAMPLES;
use crate::gui::learn::spotlight;
use crate::gui::top_bar::clock_text;
use crate::gui::widgets::numbers::{axis_count, axis_time, span_text};
use crate::gui::widgets::sparkline::sparkline;
use crate::gui::widgets::table;
use crate::gui::{Action, Inspector};
use egui::Color32;
use egui_plot::{Legend, Line, Plot};
use kinescope_core::learn::look::Chart;

const LAG_COLOR: Color32 = Color32::from_rgb(230, 150, 40);

/// Draws the tables and the chart.
pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    if app.view.consumers.is_empty() {
        ui.label(
            "No consumer applications: open a scenario with consumers, or add one in Simulators.",
        );
        return;
    }
    egui::ScrollArea::vertical().show(ui, |ui| {
        // Tables wider than the view (beside the lesson card) scroll sideways on their own, so
        // the plot below keeps the view's width.
        egui::ScrollArea::horizontal()
            .id_salt("lag tables")
            .show(ui, |ui| {
                table::unwrapped(ui, |ui| {
                    applications(ui, app);
                    ui.add_space(4.0);
                    per_shard(ui, app);
                    lambda_failures(ui, app);
                });
            });
        ui.add_space(8.0);
        plot(ui, app);
    });
}

fn applications(ui: &mut egui::Ui, app: &mut Inspector) {
    egui::Grid::new("consumers").striped(true).show(ui, |ui| {
        for title in ["Application", "Kind", "Stream", "Processed", "Duplicates", "MillisBehindLatest", "Records behind", "Last 2 minutes", "Trend", "Invariants", ""] {
            ui.strong(title);
        }
        ui.end_row();
        for consumer in app.view.consumers.clone() {
            let first = ui.label(&consumer.name);
            ui.label(consumer.kind).on_hover_text(kind_help(consumer.kind));
            ui.label(&consumer.stream);
            ui.label(consumer.records_processed.to_string());
            ui.label(consumer.duplicates.to_string());
            ui.label(format!("{} ms", consumer.millis_behind))
                .on_hover_text("How far the application's last read was behind the newest record of the shard (the worst shard)");
            let records_behind = app.lag.recent(&consumer.name, 1, true);
            ui.label(format!("{:.0}", records_behind.last().unwrap_or(&0.0)))
                .on_hover_text("Records between its position and the tip, summed over its shards");
            let history = app.lag.recent(&consumer.name, SHARD_SAMPLES, false);
            sparkline(ui, egui::vec2(140.0, 18.0), &history, 1_000.0, LAG_COLOR)
                .on_hover_text(format!("MillisBehindLatest of {} over the last two virtual minutes", consumer.name));
            ui.label(app.lag.trend(&consumer.name));
            if consumer.invariants_ok {
                ui.label("hold");
            } else {
                ui.colored_label(Color32::from_rgb(220, 50, 47), "BROKEN");
            }
            let (label, paused) = if consumer.paused {
                ("Resume", false)
            } else {
                ("Pause", true)
            };
            let last = ui
                .button(label)
                .on_hover_text(format!("{label} {}", consumer.name));
            if last.clicked() {
                app.act(Action::SetPaused {
                    name: consumer.name.clone(),
                    paused,
                });
            }
            if app.spotlight.consumer(&consumer.name) {
                let row = first.rect.union(last.rect);
                spotlight::outline_row(ui, row, &format!("consumer {}", consumer.name));
            }
            ui.end_row();
        }
    });
}

/// Each Lambda trigger's batches given up: what its on-failure destination received.
fn lambda_failures(ui: &mut egui::Ui, app: &Inspector) {
    for consumer in app.view.consumers.iter().filter(|c| c.kind == "lambda") {
        let destination = match &consumer.spec {
            kinescope_core::sim::scenario::ConsumerSpec::Lambda(spec) => spec
                .on_failure_stream
                .as_ref()
                .map_or("listed here".to_owned(), |s| format!("stream {s}")),
            _ => continue,
        };
        egui::CollapsingHeader::new(format!(
            "{}: batches given up ({}), on-failure destination {destination}",
            consumer.name,
            consumer.failures.len()
        ))
        .id_salt(("failures", &consumer.name))
        .show(ui, |ui| {
            if consumer.failures.is_empty() {
                ui.label("None: every batch succeeded or is still being retried.");
                return;
            }
            egui::Grid::new(("failure-rows", &consumer.name))
                .striped(true)
                .show(ui, |ui| {
                    for title in ["Given up", "Condition", "Shard", "Records", "Invocations", "Sequence numbers"] {
                        ui.strong(title);
                    }
                    ui.end_row();
                    for failed in &consumer.failures {
                        ui.label(clock_text(failed.at_ms));
                        ui.label(format!("{:?}", failed.condition)).on_hover_text(
                            "RetryAttemptsExhausted: MaximumRetryAttempts used up; RecordAgeExceeded: older than MaximumRecordAgeInSeconds or the stream's retention",
                        );
                        ui.monospace(failed.shard.to_string());
                        ui.label(failed.batch_size.to_string());
                        ui.label(failed.invocations.to_string());
                        let first = &failed.start_sequence_number;
                        ui.monospace(format!("{}… to …{}", &first[..8.min(first.len())], tail(&failed.end_sequence_number)))
                            .on_hover_text(format!("{first}\n{}", failed.end_sequence_number));
                        ui.end_row();
                    }
                });
        });
    }
}

fn tail(text: &str) -> &str {
    &text[text.len().saturating_sub(8)..]
}

fn per_shard(ui: &mut egui::Ui, app: &Inspector) {
    let looking_at_a_row = app.spotlight.any_reader();
    egui::CollapsingHeader::new("Per shard: where each application is")
        .default_open(app.view.readers.len() <= 24)
        // A row the lesson points at must be seen.
        .open(looking_at_a_row.then_some(true))
        .show(ui, |ui| {
            egui::Grid::new("readers").striped(true).show(ui, |ui| {
                for title in ["Application", "Reads with", "Stream", "Shard", "Last read", "MillisBehindLatest", "Records behind", "Last 2 minutes", "Lease owner", "Lease counter", "Checkpoint"] {
                    ui.strong(title);
                }
                ui.end_row();
                for reader in app.view.readers.iter() {
                    let first = ui.label(&*reader.reader);
                    if reader.enhanced {
                        ui.label("EFO pipe").on_hover_text("SubscribeToShard: its own 2 MiB/s per shard, pushed");
                    } else {
                        ui.label("shared polling").on_hover_text("GetRecords: 2 MiB/s and 5 reads/s per shard, shared with every polling application");
                    }
                    ui.label(&*reader.stream);
                    ui.monospace(reader.shard.to_string());
                    let idle_ms = (app.view.now_ms - reader.last_read_ms).max(0);
                    let stale = idle_ms >= STALE_AFTER_MS;
                    let dim = |text: String| {
                        let text = egui::RichText::new(text);
                        if stale { text.weak() } else { text }
                    };
                    ui.label(dim(idle_text(idle_ms)));
                    let as_of = format!("As of its last read, {}: the numbers come with each read, so nobody has moved them since (a lease not yet taken over, a paused application)", idle_text(idle_ms));
                    let behind = ui.label(dim(format!("{} ms", reader.millis_behind)));
                    let records = ui.label(dim(reader.records_behind.to_string()));
                    if stale {
                        behind.on_hover_text(&as_of);
                        records.on_hover_text(&as_of);
                    }
                    let history: Vec<f32> = app
                        .lag
                        .shards
                        .get(&(reader.reader.clone(), reader.shard))
                        .map_or_else(Vec::new, |s| s.iter().copied().collect());
                    sparkline(ui, egui::vec2(120.0, 16.0), &history, 1_000.0, LAG_COLOR)
                        .on_hover_text(format!("MillisBehindLatest of {} on {}", reader.reader, reader.shard));
                    let checkpoint = app
                        .view
                        .consumers
                        .iter()
                        .filter(|c| *c.name == *reader.reader)
                        .flat_map(|c| &c.leases)
                        .find(|l| l.shard == reader.shard);
                    let last = match checkpoint {
                        Some(lease) => {
                            ui.label(lease.owner.as_deref().unwrap_or("-"));
                            ui.label(lease.counter.to_string());
                            ui.monospace(&lease.checkpoint)
                        }
                        None => {
                            ui.label("-");
                            ui.label("-");
                            ui.label("-")
                        }
                    };
                    if looking_at_a_row {
                        let shard = reader.shard.to_string();
                        if app.spotlight.reader(&reader.reader, &shard) {
                            let row = first.rect.union(last.rect);
                            spotlight::outline_row(ui, row, &format!("{} on {shard}", reader.reader));
                        }
                    }
                    ui.end_row();
                }
            });
        });
}

/// A reader that has not read a shard for this long is shown as not reading it (a poller reads
/// every second or few; KCL's default failover is 10 s).
const STALE_AFTER_MS: i64 = 10_000;

/// How long ago a read was, in virtual time.
fn idle_text(idle_ms: i64) -> String {
    match idle_ms {
        ..1_000 => "now".into(),
        _ => format!("{} ago", span_text(idle_ms)),
    }
}

fn plot(ui: &mut egui::Ui, app: &mut Inspector) {
    ui.horizontal(|ui| {
        ui.label("Plot");
        ui.selectable_value(&mut app.lag_plot_records, false, "MillisBehindLatest");
        ui.selectable_value(&mut app.lag_plot_records, true, "Records behind");
    });
    let records = app.lag_plot_records;
    let plot = Plot::new("lag")
        .height(ui.available_height().clamp(200.0, 320.0))
        .legend(Legend::default())
        .x_axis_label("virtual time")
        .x_axis_formatter(|mark, _| axis_time(mark.value))
        .y_axis_formatter(|mark, _| axis_count(mark.value))
        .y_axis_label(if records {
            "records behind (sum over shards)"
        } else {
            "MillisBehindLatest (ms)"
        })
        .include_y(0.0)
        .include_y(if records { 10.0 } else { 1_000.0 })
        .show(ui, |plot| {
            for (name, series) in &app.lag.apps {
                let points = if records {
                    &series.records_behind
                } else {
                    &series.millis_behind
                };
                plot.line(Line::new(name.clone(), points.clone()));
            }
        });
    if let Some(span) = app.spotlight.chart(Chart::Lag) {
        spotlight::mark_plot(ui, &plot, span, "chart lag");
    }
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
