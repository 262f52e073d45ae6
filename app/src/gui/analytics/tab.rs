//! The Analytics tab's layout: the application's state and its Start / Stop, the SQL editor
//! (errors underlined where they are, saved with UpdateApplication), then what the code computes —
//! windows on a time axis, the anomaly chart, hotspots — and each in-application stream's rows.

use super::charts;
use super::view::AppDetail;
use super::{AnalyticsPanel, TEMPLATES};
use crate::gui::widgets::table::{cell, heading, mono};
use crate::gui::{Action, Inspector};
use kinescope_core::analytics::command::AnalyticsCommand;
use kinescope_core::analytics::ops::lifecycle::{
    InputConfiguration, StartApplicationInput, StopApplicationInput,
};
use kinescope_core::analytics::ops::update::{ApplicationUpdate, UpdateApplicationInput};
use kinescope_core::analytics::runtime;
use kinescope_core::analytics::shapes::InputStartingPositionConfiguration;

pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    if app.view.analytics.is_empty() {
        ui.heading("No analytics application yet");
        ui.label(
            "An application reads a stream through an input schema, runs SQL over it on the \
             virtual clock, and writes its results to another stream.",
        );
        ui.add_space(6.0);
        create_form(ui, app);
        return;
    }
    let Some(detail) = app.view.analytics_detail.clone() else {
        ui.label("Select an application in the tree.");
        return;
    };
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            summary(ui, app, &detail);
            ui.add_space(4.0);
            // The picture first; the code below it, in a box of its own height.
            charts::show(ui, &mut app.analytics, &detail, &app.spotlight);
            ui.add_space(6.0);
            editor(ui, app, &detail);
            ui.add_space(6.0);
            flink(ui, &detail);
            ui.add_space(6.0);
            tables(ui, &detail);
            ui.add_space(6.0);
            egui::CollapsingHeader::new("New application…")
                .id_salt("new analytics application")
                .show(ui, |ui| create_form(ui, app));
        });
}

fn summary(ui: &mut egui::Ui, app: &mut Inspector, detail: &AppDetail) {
    ui.horizontal(|ui| {
        ui.heading(&detail.name);
        let status = egui::RichText::new(&detail.status).strong();
        ui.label(status).on_hover_text(
            "READY, then StartApplication: STARTING, then RUNNING; StopApplication: STOPPING, then \
             READY; a change to a running application is UPDATING for a moment",
        );
        ui.label(format!("version {}", detail.version))
            .on_hover_text("Every change of configuration makes a new version; each change names the version it changes (CurrentApplicationVersionId)");
        match detail.status.as_str() {
            "READY" if ui.button("Start").clicked() => {
                app.act(Action::Analytics(AnalyticsCommand::StartApplication(
                    StartApplicationInput {
                        application_name: Some(detail.name.clone()),
                        input_configurations: Some(vec![InputConfiguration {
                            id: detail.input_id.clone(),
                            input_starting_position_configuration: Some(
                                InputStartingPositionConfiguration {
                                    input_starting_position: Some("NOW".into()),
                                },
                            ),
                        }]),
                    },
                )));
            }
            "RUNNING" if ui.button("Stop").clicked() => {
                app.act(Action::Analytics(AnalyticsCommand::StopApplication(
                    StopApplicationInput {
                        application_name: Some(detail.name.clone()),
                    },
                )));
            }
            // STARTING, STOPPING, UPDATING, DELETING: the status says it; nothing to press.
            _ => {}
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("source {}", detail.source));
        for output in &detail.outputs {
            ui.label(format!("· output {output}"));
        }
        ui.label(format!(
            "· {} records in · {} did not fit the schema · {} errors",
            detail.records_in, detail.records_rejected, detail.errors_total
        ))
        .on_hover_text("Records that do not fit the input schema, and rows a pump cannot compute, go to error_stream");
    });
    if let Some(error) = &detail.source_error {
        ui.colored_label(ui.visuals().error_fg_color, format!("Source: {error}"));
    }
    for error in &detail.errors {
        ui.colored_label(ui.visuals().warn_fg_color, error);
    }
}

/// The code as written and where it fails, if it does: (line, column, message).
fn check(panel: &AnalyticsPanel, detail: &AppDetail) -> Option<(u64, u64, String)> {
    let input = detail.input.as_ref()?;
    match runtime::compile(Some(&panel.code), input, &detail.references) {
        Ok(_) => None,
        Err(e) => {
            let message = e.message().to_owned();
            // "Invalid application code: line L, column C: …"
            let place = message.split("line ").nth(1)?;
            let (line, rest) = place.split_once(", column ")?;
            let (column, text) = rest.split_once(": ").unwrap_or((rest, ""));
            Some((line.parse().ok()?, column.parse().ok()?, text.to_owned()))
        }
    }
}

/// The byte range of the word at 1-based `line` and `column` of `code`.
fn error_span(code: &str, line: u64, column: u64) -> std::ops::Range<usize> {
    let start_of_line: usize = code
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let row = &code[start_of_line.min(code.len())..];
    let start = start_of_line
        + row
            .char_indices()
            .nth(column.saturating_sub(1) as usize)
            .map_or(row.len(), |(i, _)| i);
    let rest = &code[start.min(code.len())..];
    let end = start
        + rest
            .find(|c: char| c.is_whitespace() || c == ';' || c == ',')
            .unwrap_or(rest.len())
            .max(1.min(rest.len()));
    start.min(code.len())..end.min(code.len())
}

fn editor(ui: &mut egui::Ui, app: &mut Inspector, detail: &AppDetail) {
    let panel = &mut app.analytics;
    if panel.editing.as_deref() != Some(&detail.name) || (!panel.dirty && panel.code != detail.code)
    {
        panel.editing = Some(detail.name.clone());
        panel.code = detail.code.clone();
        panel.dirty = false;
    }
    // Compiling on every frame would cost the UI thread: only when the code (or version) changed.
    let key = (panel.code.clone(), detail.name.clone(), detail.version);
    if panel.checked.as_ref().map(|(k, _)| k) != Some(&key) {
        let failure = check(panel, detail);
        panel.checked = Some((key, failure));
    }
    let failure = panel.checked.as_ref().and_then(|(_, f)| f.clone());
    let span = failure
        .as_ref()
        .map(|(line, column, _)| error_span(&panel.code, *line, *column));
    let error_color = ui.visuals().error_fg_color;
    let mut layouter = |ui: &egui::Ui, text: &dyn egui::TextBuffer, wrap: f32| {
        let text = text.as_str();
        let font = egui::TextStyle::Monospace.resolve(ui.style());
        let color = ui.visuals().text_color();
        let plain = egui::TextFormat::simple(font.clone(), color);
        let mut job = egui::text::LayoutJob::default();
        // The span was found in the text before this frame's edit: used only if it still fits.
        let parts = span.clone().and_then(|s| {
            Some((
                text.get(..s.start)?,
                text.get(s.clone())?,
                text.get(s.end..)?,
            ))
        });
        match parts {
            Some((before, marked_text, after)) => {
                job.append(before, 0.0, plain.clone());
                let mut marked = egui::TextFormat::simple(font, error_color);
                marked.underline = egui::Stroke::new(2.0, error_color);
                job.append(marked_text, 0.0, marked);
                job.append(after, 0.0, plain);
            }
            None => job.append(text, 0.0, plain),
        }
        job.wrap.max_width = wrap;
        ui.fonts_mut(|f| f.layout_job(job))
    };
    let label = ui.label(egui::RichText::new("Application code").strong());
    let edit = egui::TextEdit::multiline(&mut panel.code)
        .code_editor()
        .desired_rows(10)
        .desired_width(f32::INFINITY)
        .layouter(&mut layouter);
    let response = egui::ScrollArea::vertical()
        .id_salt("analytics code")
        .max_height(240.0)
        .show(ui, |ui| ui.add(edit).labelled_by(label.id))
        .inner;
    if response.changed() {
        panel.dirty = true;
    }
    let code = panel.code.clone();
    let dirty = panel.dirty;
    ui.horizontal(|ui| {
        match &failure {
            Some((line, column, message)) => {
                ui.colored_label(error_color, format!("line {line}, column {column}: {message}"));
                ui.label(egui::RichText::new("CodeValidationException").small());
            }
            None if detail.input.is_some() => {
                ui.label("The code compiles against the input schema");
            }
            None => {
                ui.label("The code is checked once the application has an input");
            }
        }
        let save = ui.add_enabled(dirty && failure.is_none(), egui::Button::new("Save code"));
        if save
            .on_hover_text("UpdateApplication with ApplicationCodeUpdate: a running application restarts its pumps with the new code, keeping its place in the stream")
            .clicked()
        {
            app.act(Action::Analytics(AnalyticsCommand::UpdateApplication(
                UpdateApplicationInput {
                    application_name: Some(detail.name.clone()),
                    current_application_version_id: Some(detail.version),
                    application_update: Some(ApplicationUpdate {
                        application_code_update: Some(code),
                        ..ApplicationUpdate::default()
                    }),
                },
            )));
            app.analytics.dirty = false;
        }
        if dirty && ui.button("Revert").clicked() {
            app.analytics.code = detail.code.clone();
            app.analytics.dirty = false;
        }
    });
}

/// The code as Flink SQL (AWS retired the dialect for Managed Service for Apache Flink), what did
/// not carry over, and — when it all did — how the two agree, run side by side.
fn flink(ui: &mut egui::Ui, detail: &AppDetail) {
    let Some(flink) = &detail.flink else {
        return;
    };
    egui::CollapsingHeader::new("As Flink SQL")
        .id_salt("analytics flink")
        .show(ui, |ui| {
            ui.label(
                "AWS retired this SQL dialect; Managed Service for Apache Flink runs Flink SQL. This is the same application in Flink SQL's windowing table functions.",
            );
            for (stream, matched, total) in &flink.agreement {
                let text = format!(
                    "{stream}: Flink SQL agrees on {matched} of {total} rows, run beside it on the same records"
                );
                if matched == total {
                    ui.label(text);
                } else {
                    ui.colored_label(ui.visuals().warn_fg_color, text);
                }
            }
            if !flink.running && flink.notes.is_empty() {
                ui.label("The Flink SQL runs once the application has run.");
            }
            for note in &flink.notes {
                ui.colored_label(ui.visuals().warn_fg_color, note);
            }
            if let Some(error) = &flink.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            let mut text = flink.sql.as_str();
            let label = ui.label(egui::RichText::new("Flink SQL").strong());
            egui::ScrollArea::vertical()
                .id_salt("flink sql")
                .max_height(260.0)
                .show(ui, |ui| {
                    ui.add(
                        egui::TextEdit::multiline(&mut text)
                            .code_editor()
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(label.id)
                    .on_hover_text("Flink SQL, read-only: copy it into a Managed Flink Studio notebook or a Flink SQL job");
                });
        });
}

fn tables(ui: &mut egui::Ui, detail: &AppDetail) {
    for stream in &detail.streams {
        let title = format!("{} · {} rows", stream.name, stream.total);
        egui::CollapsingHeader::new(title)
            .id_salt(("analytics stream", &stream.name))
            .default_open(stream.name.contains("DESTINATION"))
            .show(ui, |ui| {
                egui::ScrollArea::both()
                    .id_salt(("rows", &stream.name))
                    .max_height(220.0)
                    .show(ui, |ui| {
                        egui::Grid::new(("grid", &stream.name))
                            .striped(true)
                            .show(ui, |ui| {
                                heading(ui, "ROWTIME");
                                for column in &stream.columns {
                                    heading(ui, column);
                                }
                                ui.end_row();
                                for (at, values) in stream.rows.iter().rev() {
                                    mono(
                                        ui,
                                        kinescope_core::analytics::value::Value::Timestamp(*at)
                                            .to_string(),
                                    );
                                    for value in values {
                                        let shown: String = value.chars().take(60).collect();
                                        cell(ui, shown).on_hover_text(value);
                                    }
                                    ui.end_row();
                                }
                            });
                    });
            });
    }
}

fn create_form(ui: &mut egui::Ui, app: &mut Inspector) {
    let streams: Vec<String> = app.view.streams.iter().map(|s| s.name.clone()).collect();
    let form = &mut app.analytics.form;
    if form.source.is_empty() {
        form.source = streams.first().cloned().unwrap_or_default();
    }
    egui::Grid::new("create analytics application").show(ui, |ui| {
        let label = ui.label("Name");
        ui.add(egui::TextEdit::singleline(&mut form.name).hint_text("e.g. click-counts"))
            .labelled_by(label.id);
        ui.end_row();
        let label = ui.label("Source stream");
        egui::ComboBox::from_id_salt("analytics source")
            .selected_text(&form.source)
            .show_ui(ui, |ui| {
                for s in &streams {
                    ui.selectable_value(&mut form.source, s.clone(), s);
                }
            })
            .response
            .labelled_by(label.id);
        ui.end_row();
        let label = ui.label("Output stream");
        egui::ComboBox::from_id_salt("analytics output")
            .selected_text(if form.output.is_empty() {
                "none"
            } else {
                &form.output
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut form.output, String::new(), "none");
                for s in &streams {
                    ui.selectable_value(&mut form.output, s.clone(), s);
                }
            })
            .response
            .labelled_by(label.id);
        ui.end_row();
        let label = ui.label("Start from");
        egui::ComboBox::from_id_salt("analytics template")
            .selected_text(TEMPLATES[form.template].0)
            .show_ui(ui, |ui| {
                for (i, (name, _)) in TEMPLATES.iter().enumerate() {
                    ui.selectable_value(&mut form.template, i, *name);
                }
            })
            .response
            .labelled_by(label.id);
        ui.end_row();
    });
    ui.label(
        "The input schema is discovered from the records the source stream holds \
         (DiscoverInputSchema); edit the SQL once the application exists.",
    );
    let ready = !form.name.trim().is_empty() && !form.source.is_empty();
    if ui
        .add_enabled(ready, egui::Button::new("Create application"))
        .clicked()
    {
        let action = Action::CreateAnalyticsApplication {
            name: form.name.trim().to_owned(),
            source: form.source.clone(),
            output: (!form.output.is_empty()).then(|| form.output.clone()),
            code: TEMPLATES[form.template].1.to_owned(),
        };
        app.selection.analytics = Some(form.name.trim().to_owned());
        app.act(action);
    }
}
