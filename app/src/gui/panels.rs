//! The smaller panels: the resource tree (streams, delivery streams, consumers, producers),
//! notices and the event log.

use super::top_bar::clock_text;
use super::view::ShardView;
use super::widgets::table;
use super::{Inspector, Tab};

/// Closed shards of a stream listed without unfolding them.
const FEW_CLOSED_SHARDS: usize = 8;
/// Open shards of a stream listed without folding them.
const MANY_OPEN_SHARDS: usize = 100;

/// Shards of one state under a "STATE shards (N)" line that unfolds them.
fn folded_shards(
    ui: &mut egui::Ui,
    app: &mut Inspector,
    stream: &str,
    state: &str,
    shards: &[&ShardView],
    open: bool,
) {
    egui::CollapsingHeader::new(format!("{state} shards ({})", shards.len()))
        .id_salt((stream, state))
        .default_open(open)
        .show(ui, |ui| {
            for shard in shards {
                shard_entry(ui, app, stream, shard);
            }
        });
}

/// One shard in the resource tree; selecting it shows it on the stream map.
fn shard_entry(ui: &mut egui::Ui, app: &mut Inspector, stream: &str, shard: &ShardView) {
    let state = if shard.open { "open" } else { "closed" };
    let selected =
        app.selection.shard == Some(shard.id) && app.selection.stream.as_deref() == Some(stream);
    if ui
        .selectable_label(selected, format!("{} ({state})", shard.id))
        .clicked()
    {
        app.selection.stream = Some(stream.to_owned());
        app.selection.shard = Some(shard.id);
        app.tab = Tab::StreamMap;
    }
}

/// The resource tree: streams -> shards, consumers, producers. Selecting drives the centre.
pub fn resources(ui: &mut egui::Ui, app: &mut Inspector) {
    egui::Panel::left("resources")
        .resizable(true)
        .default_size(230.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.heading("Streams");
                let streams = app.view.streams.clone();
                for stream in &streams {
                    let selected = app.selection.stream.as_deref() == Some(stream.name.as_str());
                    let status = match &stream.change {
                        Some(change) => {
                            format!("{} {:.0}%", stream.status, change.progress * 100.0)
                        }
                        None => stream.status.clone(),
                    };
                    let label = format!(
                        "{} · {} open shards · {status}",
                        stream.name,
                        stream.open_shards().count(),
                    );
                    if ui.selectable_label(selected, label).clicked() {
                        app.selection.stream = Some(stream.name.clone());
                        app.selection.shard = None;
                        app.tab = Tab::StreamMap;
                    }
                    ui.indent(&stream.name, |ui| {
                        // One line per shard however narrow the panel: a long name ends in "…".
                        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                        let (open, closed): (Vec<_>, Vec<_>) =
                            stream.shards.iter().partition(|s| s.open);
                        // Hundreds of lines would cost every frame, and the stream map is where
                        // a shard among hundreds is found: long lists are folded (and then not
                        // laid out), the closed ones sooner.
                        if open.len() <= MANY_OPEN_SHARDS {
                            for shard in open {
                                shard_entry(ui, app, &stream.name, shard);
                            }
                        } else {
                            folded_shards(ui, app, &stream.name, "open", &open, false);
                        }
                        if !closed.is_empty() {
                            let unfold = closed.len() <= FEW_CLOSED_SHARDS;
                            folded_shards(ui, app, &stream.name, "closed", &closed, unfold);
                        }
                    });
                }
                if !app.view.firehoses.is_empty() {
                    ui.separator();
                    ui.heading("Delivery streams");
                    for firehose in app.view.firehoses.clone() {
                        let selected =
                            app.selection.delivery_stream.as_deref() == Some(&firehose.name);
                        let label = format!(
                            "{} · {} · {}",
                            firehose.name, firehose.source, firehose.status
                        );
                        if ui.selectable_label(selected, label).clicked() {
                            app.selection.delivery_stream = Some(firehose.name.clone());
                            app.firehose_object = None;
                            app.tab = Tab::Firehose;
                        }
                    }
                }
                if !app.view.video_streams.is_empty() {
                    ui.separator();
                    ui.heading("Video streams");
                    for video in app.view.video_streams.clone() {
                        let selected = app.selection.video_stream.as_deref() == Some(&video.name);
                        let cameras = match video.cameras.iter().filter(|c| c.running).count() {
                            0 => String::new(),
                            1 => " · camera on".to_owned(),
                            n => format!(" · {n} cameras on"),
                        };
                        let label = format!(
                            "{} · {} fragments · {}{cameras}",
                            video.name, video.fragments, video.status
                        );
                        if ui.selectable_label(selected, label).clicked() {
                            app.selection.video_stream = Some(video.name.clone());
                            app.tab = Tab::Video;
                        }
                    }
                }
                if !app.view.analytics.is_empty() {
                    ui.separator();
                    ui.heading("Analytics applications");
                    for application in app.view.analytics.clone() {
                        let selected =
                            app.selection.analytics.as_deref() == Some(&application.name);
                        let label = format!(
                            "{} · {} · {} records in",
                            application.name, application.status, application.records_in
                        );
                        if ui.selectable_label(selected, label).clicked() {
                            app.selection.analytics = Some(application.name.clone());
                            app.tab = Tab::Analytics;
                        }
                    }
                }
                ui.separator();
                ui.heading("Consumers");
                for consumer in app.view.consumers.clone() {
                    let selected = app.selection.consumer.as_deref() == Some(&consumer.name);
                    let mark = if consumer.invariants_ok {
                        ""
                    } else {
                        " (invariant broken)"
                    };
                    if ui
                        .selectable_label(
                            selected,
                            format!("{} ({}){mark}", consumer.name, consumer.kind),
                        )
                        .clicked()
                    {
                        app.selection.consumer = Some(consumer.name.clone());
                        app.tab = Tab::ConsumersAndLag;
                    }
                }
                ui.separator();
                ui.heading("Producers");
                for producer in &app.view.producers {
                    ui.label(format!("{} writes {}", producer.name, producer.stream))
                        .on_hover_text(format!(
                            "{} sent, {} acknowledged, {} throttled, {} dropped",
                            producer.sent,
                            producer.acknowledged,
                            producer.throttled,
                            producer.dropped
                        ));
                }
            });
        });
}

/// Notices (failed actions and the like), newest last, each dismissable.
pub fn notices(ui: &mut egui::Ui, app: &mut Inspector) {
    if app.notices.is_empty() {
        return;
    }
    egui::Panel::bottom("notices").show(ui, |ui| {
        let mut dismiss = None;
        for (i, notice) in app.notices.iter().enumerate().rev().take(3) {
            ui.horizontal(|ui| {
                ui.colored_label(ui.visuals().warn_fg_color, notice);
                if ui.small_button("Dismiss").clicked() {
                    dismiss = Some(i);
                }
            });
        }
        if let Some(i) = dismiss {
            app.notices.remove(i);
        }
    });
}

/// The event log, newest first: the engine's (throttles, reshards, scaling, subscriptions) and the
/// simulators' (lease moves, failovers, workers, broken invariants), filtered by a typed text.
pub fn events(ui: &mut egui::Ui, app: &mut Inspector) {
    use egui_extras::{Column, TableBuilder};
    ui.horizontal(|ui| {
        let label = ui.label("Filter");
        ui.add(
            egui::TextEdit::singleline(&mut app.event_filter)
                .desired_width(260.0)
                .hint_text("kind, stream or text, e.g. Failover"),
        )
        .labelled_by(label.id);
    });
    let needle = app.event_filter.trim().to_lowercase();
    let events: Vec<&super::view::EventView> = app
        .view
        .events
        .iter()
        .filter(|e| {
            needle.is_empty()
                || e.kind.to_lowercase().contains(&needle)
                || e.stream
                    .as_deref()
                    .is_some_and(|s| s.to_lowercase().contains(&needle))
                || e.detail.to_lowercase().contains(&needle)
        })
        .collect();
    if events.is_empty() {
        ui.label(if needle.is_empty() {
            "No events yet: throttles, reshards, subscriptions, lease moves and failovers appear here."
        } else {
            "No event matches the filter."
        });
        return;
    }
    table::unwrapped(ui, |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .column(Column::auto())
            .column(Column::auto())
            .column(Column::auto())
            .column(Column::remainder())
            .header(20.0, |mut header| {
                for title in ["Virtual time", "Kind", "Stream", "Detail"] {
                    header.col(|ui| {
                        table::heading(ui, title);
                    });
                }
            })
            .body(|body| {
                body.rows(18.0, events.len(), |mut row| {
                    let event = &events[row.index()];
                    row.col(|ui| {
                        table::mono(ui, clock_text(event.at_ms));
                    });
                    row.col(|ui| {
                        table::cell(ui, &event.kind);
                    });
                    row.col(|ui| {
                        table::elided(ui, event.stream.as_deref().unwrap_or("-"));
                    });
                    row.col(|ui| {
                        table::rest(ui, &event.detail);
                    });
                });
            });
    });
}

/// Calls from real clients (the AWS CLI, SDKs) to the API served beside the app, newest first.
pub fn traffic(ui: &mut egui::Ui, app: &mut Inspector) {
    use egui_extras::{Column, TableBuilder};
    let calls = &app.view.calls;
    if calls.is_empty() {
        ui.label("No API calls yet. Point a client at the app, e.g. AWS_ENDPOINT_URL=http://127.0.0.1:4567 aws kinesis list-streams");
        return;
    }
    table::unwrapped(ui, |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .columns(Column::auto(), 7)
            .column(Column::remainder())
            .header(20.0, |mut header| {
                for title in [
                    "Virtual time",
                    "Client",
                    "Operation",
                    "Stream",
                    "Status",
                    "Latency",
                    "Bytes",
                    "Error",
                ] {
                    header.col(|ui| {
                        table::heading(ui, title);
                    });
                }
            })
            .body(|body| {
                body.rows(18.0, calls.len(), |mut row| {
                    let call = &calls[row.index()];
                    row.col(|ui| {
                        table::mono(ui, clock_text(call.at_ms));
                    });
                    row.col(|ui| {
                        table::cell(ui, format!("{} · {}", call.client_kind, call.client))
                            .on_hover_text(
                                "What the client is, from its User-Agent, and its address",
                            );
                    });
                    row.col(|ui| {
                        table::cell(ui, &call.operation);
                    });
                    row.col(|ui| {
                        table::elided(ui, call.stream.as_deref().unwrap_or("-"));
                    });
                    row.col(|ui| {
                        table::cell(ui, call.status.to_string());
                    });
                    row.col(|ui| {
                        table::cell(ui, format!("{:.2} ms", call.latency_us as f64 / 1_000.0));
                    });
                    row.col(|ui| {
                        table::cell(ui, call.bytes.to_string());
                    });
                    row.col(|ui| {
                        table::rest(ui, call.error.as_deref().unwrap_or(""));
                    });
                });
            });
    });
}

/// The bottom strip: live sparklines of the whole world (writes/s, write throttles/s, the worst
/// MillisBehindLatest) and the newest event.
pub fn bottom_strip(ui: &mut egui::Ui, app: &mut Inspector) {
    egui::Panel::bottom("strip").show(ui, |ui| {
        ui.horizontal(|ui| {
            let last_minute = |pick: fn(&super::view::StreamView) -> &Vec<[f64; 2]>| {
                let mut sums = vec![0.0; 60];
                for stream in &app.view.streams {
                    let points = pick(stream);
                    let start = points.len().saturating_sub(60);
                    for (i, [_, v]) in points[start..].iter().enumerate() {
                        sums[60 - (points.len() - start) + i] += v;
                    }
                }
                sums
            };
            let incoming = last_minute(|s| &s.incoming_records);
            let throttles = last_minute(|s| &s.write_throttles);
            sparkline(
                ui,
                "IncomingRecords/s",
                &incoming,
                egui::Color32::from_rgb(110, 170, 230),
            );
            sparkline(
                ui,
                "WriteProvisionedThroughputExceeded/s",
                &throttles,
                egui::Color32::from_rgb(220, 50, 47),
            );
            sparkline(
                ui,
                "max MillisBehindLatest",
                &app.lag.worst(60),
                egui::Color32::from_rgb(230, 150, 40),
            );
            if let Some(event) = app.view.events.first() {
                ui.separator();
                ui.label(format!(
                    "{} {}: {}",
                    clock_text(event.at_ms),
                    event.kind,
                    event.detail
                ));
            }
        });
    });
}

/// A small chart of `values` with its label and latest value.
fn sparkline(ui: &mut egui::Ui, label: &str, values: &[f64], color: egui::Color32) {
    ui.vertical(|ui| {
        let latest = values.last().copied().unwrap_or(0.0);
        ui.small(format!("{label}: {latest:.0}"));
        let values: Vec<f32> = values.iter().map(|v| *v as f32).collect();
        let max = values.iter().copied().fold(1.0, f32::max);
        super::widgets::sparkline::sparkline(ui, egui::vec2(220.0, 28.0), &values, 1.0, color)
            .on_hover_text(format!(
                "{label} over the last minute of virtual time (peak {max:.0})"
            ));
    });
}
