//! The Firehose tab: delivery streams on the left; for the selected one, its buffer as a vessel
//! filling toward SizeInMBs beside a ring counting down IntervalInSeconds, "Flush now", its
//! counters, every flush on a timeline with its reason, and the objects it delivered with a preview.

use super::preview::Preview;
use super::view::{FirehoseView, FlushView, SeriesView};
use crate::gui::learn::spotlight::{self, Spotlight};
use crate::gui::widgets::numbers::{axis_count, axis_time, bytes_text, grouped};
use crate::gui::widgets::table;
use crate::gui::{Action, Inspector};
use egui::{Color32, Stroke, pos2, vec2};
use egui_plot::{Legend, Line, Plot, Points};
use kinescope_core::firehose::conversion::preview::RowsPreview;
use kinescope_core::firehose::object_store::ObjectRole;
use kinescope_core::learn::look::Chart;

/// Virtual seconds the flush timeline shows at least.
const TIMELINE_SECONDS: f64 = 300.0;

/// Colour of each flush reason (labels say the reason too: never colour alone).
fn reason_color(reason: &str) -> Color32 {
    match reason {
        "size" => Color32::from_rgb(90, 160, 230),
        "interval" => Color32::from_rgb(120, 190, 120),
        "flush-now" => Color32::from_rgb(220, 170, 60),
        _ => Color32::from_rgb(170, 170, 170),
    }
}

/// Draws the tab.
pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    if app.view.firehoses.is_empty() {
        ui.label("No delivery streams. Create one with `aws firehose create-delivery-stream` against the API, or open a scenario with `firehoses`.");
        return;
    }
    let selected = app
        .selection
        .delivery_stream
        .clone()
        .filter(|n| app.view.firehoses.iter().any(|f| &f.name == n))
        .unwrap_or_else(|| app.view.firehoses[0].name.clone());
    app.selection.delivery_stream = Some(selected.clone());
    egui::Panel::left("delivery-streams")
        .resizable(true)
        .default_size(220.0)
        .show(ui, |ui| {
            ui.heading("Delivery streams");
            egui::ScrollArea::vertical().show(ui, |ui| {
                for f in app.view.firehoses.clone() {
                    let fill = f.buffered_bytes as f32 / f.size_hint_bytes.max(1) as f32;
                    let label = format!("{} · {:.0}% full · {}", f.name, fill * 100.0, f.status);
                    if ui.selectable_label(f.name == selected, label).clicked() {
                        app.selection.delivery_stream = Some(f.name.clone());
                        app.firehose_object = None;
                    }
                }
            });
        });
    let Some(firehose) = app
        .view
        .firehoses
        .iter()
        .find(|f| f.name == selected)
        .cloned()
    else {
        return;
    };
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.heading(&firehose.name);
            ui.label(format!(
                "{} · from {} into {} · {}{}",
                firehose.status,
                firehose.source,
                firehose.target,
                firehose.compression,
                firehose
                    .partitions
                    .map(|n| format!(" · {n} active partitions, one buffer each"))
                    .unwrap_or_default()
            ));
        });
        // Wider than the view beside the lesson card: it scrolls, and the charts below keep the
        // view's width.
        egui::ScrollArea::horizontal().id_salt("firehose gauges").show(ui, |ui| ui.horizontal(|ui| {
            let gauge = vessel(ui, &firehose, app.view.now_ms);
            if app.spotlight.firehose(&firehose.name) {
                spotlight::outline_inside(ui, gauge, &format!("the buffer of {}", firehose.name));
            }
            ring(ui, &firehose, app.view.now_ms);
            ui.vertical(|ui| {
                let flush = ui
                    .add_enabled(
                        firehose.buffered_records > 0,
                        egui::Button::new("Flush now"),
                    )
                    .on_hover_text("Deliver what the buffer holds at once (a flush with reason flush-now). AWS has no such call: Kinescope offers it so you need not wait for a hint.");
                if flush.clicked() {
                    app.act(Action::FlushDeliveryStream(firehose.name.clone()));
                }
                counters(ui, &firehose);
            });
        }));
        ui.separator();
        let spot = &app.spotlight;
        timeline(ui, &firehose.flushes, app.view.now_ms, spot);
        over_time(ui, &app.view.firehose_series, app.view.now_ms, spot);
        ui.separator();
        objects(ui, app, &firehose);
    });
}

/// The buffer as a vessel filling toward SizeInMBs, records dropping in at its mouth.
fn vessel(ui: &mut egui::Ui, f: &FirehoseView, now_ms: i64) -> egui::Rect {
    let (rect, response) = ui.allocate_exact_size(vec2(130.0, 170.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let body = egui::Rect::from_min_max(rect.min + vec2(20.0, 24.0), rect.max - vec2(20.0, 20.0));
    let share = (f.buffered_bytes as f32 / f.size_hint_bytes.max(1) as f32).clamp(0.0, 1.0);
    let level = body.bottom() - body.height() * share;
    let water = egui::Rect::from_min_max(pos2(body.left(), level), body.max);
    // Filling is the buffer's normal work, not pressure: one calm colour whatever the level.
    let color = Color32::from_rgb(70, 130, 200);
    painter.rect_filled(water, 2.0, color);
    painter.rect_stroke(
        body,
        2.0,
        Stroke::new(1.5, ui.visuals().text_color()),
        egui::StrokeKind::Outside,
    );
    // Records dropping in: a few dots, moving with the clock, while records wait.
    if f.buffered_records > 0 && f.status == "ACTIVE" {
        for i in 0..6 {
            let phase = ((now_ms / 40 + i * 7) % 24) as f32 / 24.0;
            let x = body.left() + body.width() * (0.15 + 0.7 * ((i * 37 % 10) as f32 / 10.0));
            let y = rect.top() + 4.0 + (level - rect.top() - 8.0).max(0.0) * phase;
            painter.circle_filled(pos2(x, y), 2.5, color);
        }
    }
    painter.text(
        pos2(rect.center().x, rect.bottom() - 8.0),
        egui::Align2::CENTER_CENTER,
        format!(
            "{} of {}",
            bytes_text(f.buffered_bytes),
            bytes_text(f.size_hint_bytes)
        ),
        egui::FontId::proportional(12.0),
        ui.visuals().text_color(),
    );
    response.on_hover_text(format!(
        "Buffer: {} records, {} — delivered when it holds SizeInMBs ({}) or IntervalInSeconds after its oldest record arrived, whichever comes first",
        grouped(f.buffered_records as f64),
        bytes_text(f.buffered_bytes),
        bytes_text(f.size_hint_bytes)
    ));
    rect
}

/// A ring counting down IntervalInSeconds from the oldest waiting record.
fn ring(ui: &mut egui::Ui, f: &FirehoseView, now_ms: i64) {
    let (rect, response) = ui.allocate_exact_size(vec2(150.0, 170.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let center = rect.center() - vec2(0.0, 10.0);
    let radius = 52.0;
    painter.circle_stroke(
        center,
        radius,
        Stroke::new(8.0, ui.visuals().faint_bg_color),
    );
    let elapsed = f.oldest_arrival_ms.map_or(0, |t| now_ms - t).max(0);
    let share = if f.interval_ms == 0 {
        1.0
    } else {
        (elapsed as f32 / f.interval_ms as f32).clamp(0.0, 1.0)
    };
    if f.oldest_arrival_ms.is_some() && share > 0.0 {
        let steps = (64.0 * share).ceil() as usize;
        let points: Vec<egui::Pos2> = (0..=steps)
            .map(|i| {
                let angle = -std::f32::consts::FRAC_PI_2
                    + std::f32::consts::TAU * share * i as f32 / steps as f32;
                center + radius * vec2(angle.cos(), angle.sin())
            })
            .collect();
        painter.add(egui::Shape::line(
            points,
            Stroke::new(8.0, Color32::from_rgb(120, 190, 120)),
        ));
    }
    let left = match f.oldest_arrival_ms {
        Some(_) => format!(
            "{} s left",
            ((f.interval_ms - elapsed).max(0) + 999) / 1_000
        ),
        None => "empty".into(),
    };
    painter.text(
        center,
        egui::Align2::CENTER_CENTER,
        left,
        egui::FontId::proportional(16.0),
        ui.visuals().text_color(),
    );
    painter.text(
        pos2(rect.center().x, rect.bottom() - 8.0),
        egui::Align2::CENTER_CENTER,
        format!("interval {} s", f.interval_ms / 1_000),
        egui::FontId::proportional(12.0),
        ui.visuals().text_color(),
    );
    response.on_hover_text("IntervalInSeconds counts from the oldest record in the buffer: when it has passed, the buffer is delivered however little it holds");
}

fn counters(ui: &mut egui::Ui, f: &FirehoseView) {
    egui::Grid::new(("firehose-counters", &f.name)).num_columns(2).show(ui, |ui| {
        let row = |ui: &mut egui::Ui, name: &str, value: String, help: &str| {
            ui.label(name).on_hover_text(help);
            ui.monospace(value);
            ui.end_row();
        };
        row(ui, "IncomingRecords", grouped(f.records_in as f64), "Records taken in (PutRecord, PutRecordBatch, or read from the source stream)");
        row(ui, "IncomingBytes", bytes_text(f.bytes_in), "Bytes taken in");
        row(ui, "ThrottledRecords", grouped(f.throttled as f64), "Records refused over the Direct PUT quota (ServiceUnavailableException \"Slow down.\")");
        if let Some(copy) = &f.copy {
            row(ui, "DeliveryToS3.ObjectCount", grouped(f.objects_delivered as f64), "Objects staged in the S3 configuration's bucket for COPY");
            row(ui, "COPY commands", grouped(copy.copies as f64), "COPYs that loaded (each takes every staged object, listed in a manifest under manifests/)");
            row(ui, "Rows loaded", grouped(copy.rows_loaded as f64), "Rows the COPYs put into the table");
            row(ui, "Records waiting for COPY", grouped(copy.records_waiting as f64), "Staged records not in the table yet: waiting, or in a COPY under way or being retried");
            if copy.skipped_batches > 0 {
                row(ui, "Skipped after retries", format!("{} batches ({} records)", copy.skipped_batches, grouped(copy.skipped_records as f64)), "Batches whose COPY failed for the whole retry duration: their manifests are under errors/manifests/ for a manual backfill");
            }
        } else if f.delivery_metric == "DeliveryToS3" {
            row(ui, "DeliveryToS3.ObjectCount", grouped(f.objects_delivered as f64), "Objects delivered");
        } else {
            row(ui, &format!("{}.Requests", f.delivery_metric), grouped(f.objects_delivered as f64), "Requests the destination took");
        }
        // Redshift's freshness is the staging bucket's: CloudWatch has no DeliveryToRedshift.DataFreshness.
        let freshness = if f.copy.is_some() { "DeliveryToS3" } else { f.delivery_metric };
        row(ui, &format!("{freshness}.DataFreshness"), format!("{:.1} s max", f.max_freshness_ms as f64 / 1_000.0), "Age of the oldest record when it was delivered");
        row(ui, "Transform Ok / Dropped / Failed", format!(
                "{} / {} / {}",
                grouped(f.transform[0] as f64),
                grouped(f.transform[1] as f64),
                grouped(f.transform[2] as f64)
            ), "Lambda transform outcomes per record");
        if let Some(failed) = f.conversion_failed {
            row(ui, "FailedConversion.Records", grouped(failed as f64), "Records format conversion refused (not JSON, or not fitting the Glue table's columns): under the error prefix, format-conversion-failed");
        }
        if f.waiting_objects > 0 {
            row(ui, "Retrying", format!("{} objects ({} failures)", f.waiting_objects, f.delivery_failures), "Objects that could not be stored yet; S3 delivery is retried for up to 24 hours");
        }
    });
    if let Some(failure) = f.copy.as_ref().and_then(|c| c.last_failure.as_ref()) {
        ui.label("Last COPY failure").on_hover_text(
            "What the cluster said to the last COPY that failed (Firehose's error code first)",
        );
        ui.add(egui::Label::new(egui::RichText::new(failure).monospace().small()).wrap());
    }
}

/// Every flush on the virtual clock: size of the object, coloured and named by its reason.
fn timeline(ui: &mut egui::Ui, flushes: &[FlushView], now_ms: i64, spot: &Spotlight) {
    let now = now_ms as f64 / 1_000.0;
    ui.label("Flushes (object size before compression, by reason)");
    let plot = Plot::new("firehose-flushes")
        .height(180.0)
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .x_axis_label("virtual time")
        .x_axis_formatter(|mark, _| axis_time(mark.value))
        .y_axis_label("bytes")
        .y_axis_formatter(|mark, _| axis_count(mark.value))
        .include_y(0.0)
        // Room above the largest object and after now, so no point sits on the frame.
        .include_y(flushes.iter().map(|f| f.bytes).max().unwrap_or(0) as f64 * 1.15)
        .include_x(now - TIMELINE_SECONDS)
        .include_x(now + TIMELINE_SECONDS / 30.0)
        .show(ui, |plot| {
            for reason in [
                "size",
                "interval",
                "flush-now",
                "shutdown",
                "immediate",
                "reconfigured",
            ] {
                let points: Vec<[f64; 2]> = flushes
                    .iter()
                    .filter(|f| f.reason == reason)
                    .map(|f| [f.at_ms as f64 / 1_000.0, f.bytes as f64])
                    .collect();
                if !points.is_empty() {
                    plot.points(
                        Points::new(reason, points)
                            .radius(5.0)
                            .color(reason_color(reason)),
                    );
                }
            }
        });
    if let Some(span) = spot.chart(Chart::Flushes) {
        spotlight::mark_plot(ui, &plot, span, "chart flushes");
    }
}

/// Records per second (in, and Lambda's outcomes) and DataFreshness, side by side.
fn over_time(ui: &mut egui::Ui, series: &SeriesView, now_ms: i64, spot: &Spotlight) {
    let now = now_ms as f64 / 1_000.0;
    ui.columns(2, |columns| {
        columns[0].label("Records per second");
        Plot::new("firehose-records")
            .height(160.0)
            .legend(Legend::default().position(egui_plot::Corner::LeftTop))
            .x_axis_formatter(|mark, _| axis_time(mark.value))
            .y_axis_formatter(|mark, _| axis_count(mark.value))
            .include_y(0.0)
            .include_x(now - TIMELINE_SECONDS)
            .include_x(now)
            .show(&mut columns[0], |plot| {
                for (name, points) in &series.records {
                    plot.line(Line::new(*name, points.clone()));
                }
            });
        columns[1].label(format!(
            "{} (seconds, oldest record at delivery)",
            series.freshness_name
        ));
        let plot = Plot::new("firehose-freshness")
            .height(160.0)
            .x_axis_formatter(|mark, _| axis_time(mark.value))
            .include_y(0.0)
            .include_x(now - TIMELINE_SECONDS)
            .include_x(now)
            .show(&mut columns[1], |plot| {
                plot.points(
                    Points::new(series.freshness_name, series.freshness.clone()).radius(4.0),
                );
            });
        if let Some(span) = spot.chart(Chart::Freshness) {
            spotlight::mark_plot(&columns[1], &plot, span, "chart freshness");
        }
    });
}

/// The objects delivered (newest first) and the selected one's contents.
fn objects(ui: &mut egui::Ui, app: &mut Inspector, f: &FirehoseView) {
    use egui_extras::{Column, TableBuilder};
    ui.label(format!(
        "Objects in s3://{}/ (this run, newest first)",
        f.bucket
    ));
    let rows = app.view.firehose_objects.clone();
    if rows.is_empty() {
        ui.label("Nothing delivered yet.");
        return;
    }
    table::unwrapped(ui, |ui| {
        TableBuilder::new(ui)
            .id_salt("firehose-objects")
            .striped(true)
            .max_scroll_height(220.0)
            .column(Column::auto())
            .column(Column::auto())
            .column(Column::auto())
            .column(Column::auto())
            .column(Column::remainder())
            .header(20.0, |mut header| {
                for title in ["delivered", "kind", "size", "records", "key"] {
                    header.col(|ui| {
                        table::heading(ui, title);
                    });
                }
            })
            .body(|body| {
                body.rows(20.0, rows.len(), |mut row| {
                    let object = &rows[row.index()];
                    let selected = app.firehose_object.as_deref() == Some(object.key.as_str());
                    row.col(|ui| {
                        table::mono(ui, crate::gui::top_bar::clock_text(object.at_ms));
                    });
                    row.col(|ui| {
                        // The error output is the red-edged bucket: named, not only coloured.
                        match object.role {
                            ObjectRole::ErrorOutput => {
                                ui.colored_label(ui.visuals().error_fg_color, "error output")
                                    .on_hover_text("Error records (under ErrorOutputPrefix): JSON documents with errorCode, errorMessage and the record's rawData");
                            }
                            ObjectRole::Manifest => {
                                table::cell(ui, "manifest").on_hover_text("The objects one Redshift COPY loads (under errors/manifests/ when the COPY was skipped after its retries)");
                            }
                            ObjectRole::Data => {
                                table::cell(ui, "data");
                            }
                        }
                    });
                    row.col(|ui| {
                        table::cell(ui, bytes_text(object.size));
                    });
                    row.col(|ui| {
                        table::cell(ui, grouped(object.records as f64));
                    });
                    row.col(|ui| {
                        if ui.selectable_label(selected, &object.key).clicked() {
                            app.firehose_object = Some(object.key.clone());
                        }
                    });
                });
            });
    });
    if let Some((key, preview)) = &app.firehose_preview {
        ui.separator();
        ui.label(format!("s3://{}/{key}", f.bucket));
        match preview {
            Preview::Text(text) => {
                egui::ScrollArea::vertical()
                    .id_salt("firehose-preview")
                    .max_height(240.0)
                    .show(ui, |ui| {
                        ui.add(
                            egui::Label::new(egui::RichText::new(text).monospace())
                                .wrap_mode(egui::TextWrapMode::Extend),
                        );
                    });
            }
            Preview::Rows(rows) => columnar_rows(ui, rows),
        }
    }
}

/// A Parquet or ORC object's first rows, one column per table column.
fn columnar_rows(ui: &mut egui::Ui, preview: &RowsPreview) {
    use egui_extras::{Column, TableBuilder};
    ui.label(format!(
        "{} rows, {} columns{}",
        grouped(preview.total_rows as f64),
        preview.columns.len(),
        if preview.rows.len() < preview.total_rows {
            format!(" (first {} shown)", preview.rows.len())
        } else {
            String::new()
        }
    ));
    egui::ScrollArea::horizontal()
        .id_salt("firehose-rows-scroll")
        .show(ui, |ui| {
            table::unwrapped(ui, |ui| {
                TableBuilder::new(ui)
                    .id_salt("firehose-rows")
                    .striped(true)
                    .max_scroll_height(240.0)
                    .columns(Column::auto().at_least(60.0), preview.columns.len())
                    .header(20.0, |mut header| {
                        for title in &preview.columns {
                            header.col(|ui| {
                                table::heading(ui, title);
                            });
                        }
                    })
                    .body(|body| {
                        body.rows(20.0, preview.rows.len(), |mut row| {
                            for value in &preview.rows[row.index()] {
                                row.col(|ui| {
                                    table::mono(ui, value.clone());
                                });
                            }
                        });
                    });
            });
        });
}
