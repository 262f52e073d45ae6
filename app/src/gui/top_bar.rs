//! The top bar: play/pause, step, speed, the virtual clock and the scenario's name.

use super::dialogs::Purpose;
use super::{Action, Inspector};
use kinescope_core::clock::Speed;
use kinescope_core::time::Timestamp;

/// Speeds offered, as the issue lists them.
const SPEEDS: [(&str, Speed); 5] = [
    ("1x", Speed::Factor(1.0)),
    ("10x", Speed::Factor(10.0)),
    ("60x", Speed::Factor(60.0)),
    ("3600x", Speed::Factor(3_600.0)),
    ("max", Speed::AsFastAsPossible),
];

/// Draws the bar.
pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    egui::Panel::top("top_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.menu_button("File", |ui| file_menu(ui, app));
            ui.separator();
            let paused = app.view.speed == Speed::Paused;
            let play = if paused { "Play" } else { "Pause" };
            if ui
                .button(play)
                .on_hover_text("Start or stop virtual time (Space)")
                .clicked()
            {
                app.act(Action::TogglePlay);
            }
            if ui
                .button("Step")
                .on_hover_text("Move virtual time on by one second")
                .clicked()
            {
                app.act(Action::Step(1_000));
            }
            ui.separator();
            ui.label("Speed");
            for (label, speed) in SPEEDS {
                let selected = app.view.speed == speed;
                if ui
                    .selectable_label(selected, label)
                    .on_hover_text(format!("Run virtual time at {label}"))
                    .clicked()
                {
                    app.act(Action::SetSpeed(speed));
                }
            }
            ui.separator();
            ui.monospace(clock_text(app.view.now_ms)).on_hover_text(
                "Virtual time: every limit window, retention and timeout runs on it",
            );
            if paused {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "paused: limit windows and retention are paused too",
                );
            }
            busy(ui, app);
            super::recorder::progress_bar(ui, &app.recorder);
            ui.separator();
            let scenario = app.view.scenario.as_deref().unwrap_or("no scenario");
            ui.label(format!("scenario: {scenario}"));
            ui.separator();
            // The theme may have been set elsewhere (the system, a test): show what is in force.
            app.light_theme = ui.ctx().theme() == egui::Theme::Light;
            if ui
                .checkbox(&mut app.light_theme, "Light")
                .on_hover_text("Light or dark theme")
                .changed()
            {
                ui.ctx().set_theme(if app.light_theme {
                    egui::Theme::Light
                } else {
                    egui::Theme::Dark
                });
            }
            if ui
                .button("Present")
                .on_hover_text(
                    "Presenter's mode: full screen, one view, large type in high contrast, \
                     keyboard shortcuts and annotations (P; Esc leaves)",
                )
                .clicked()
            {
                let ctx = ui.ctx().clone();
                super::presenter::set(app, &ctx, true);
            }
            if ui
                .checkbox(&mut app.presentation, "Presentation")
                .on_hover_text("Larger text for projecting to a room")
                .changed()
            {
                ui.ctx()
                    .set_zoom_factor(if app.presentation { 1.4 } else { 1.0 });
            }
        });
    });
}

/// The virtual clock as people read it.
pub fn clock_text(now_ms: i64) -> String {
    let iso = Timestamp(now_ms).iso8601();
    // 2026-11-25T10:42:17.123Z -> 2026-11-25 10:42:17
    iso.get(..19).unwrap_or(&iso).replace('T', " ")
}

/// Long work in progress, each with a spinner.
fn busy(ui: &mut egui::Ui, app: &Inspector) {
    let dialog = app
        .dialogs
        .waiting()
        .map(|_| "Waiting for the file dialog".to_owned());
    for label in dialog
        .into_iter()
        .chain(app.jobs.labels().map(str::to_owned))
    {
        ui.separator();
        ui.spinner();
        ui.label(format!("{label}..."));
    }
}

/// Open / save a scenario and export: with the desktop's file dialog, or from a typed path.
fn file_menu(ui: &mut egui::Ui, app: &mut Inspector) {
    for (label, purpose) in [
        ("Open scenario...", Purpose::OpenScenario),
        ("Save scenario as...", Purpose::SaveScenario),
        ("Export metrics as CSV...", Purpose::ExportCsv),
        ("Export window as PNG...", Purpose::ExportPng),
    ] {
        if ui.button(label).clicked() {
            app.ask_for_path(purpose, ui.ctx());
            ui.close();
        }
    }
    ui.separator();
    ui.label("Or type a path:");
    let label = ui.label("Path");
    ui.add(
        egui::TextEdit::singleline(&mut app.file_path)
            .desired_width(320.0)
            .hint_text("e.g. assets/scenarios/hot-shard.json"),
    )
    .labelled_by(label.id);
    let path = std::path::PathBuf::from(app.file_path.trim());
    let has_path = !app.file_path.trim().is_empty();
    if ui
        .add_enabled(has_path, egui::Button::new("Open scenario"))
        .clicked()
    {
        app.act(Action::OpenScenario(path.clone(), app.account.clone()));
        ui.close();
    }
    if ui
        .add_enabled(has_path, egui::Button::new("Save scenario"))
        .clicked()
    {
        app.act(Action::SaveScenario(path.clone()));
        ui.close();
    }
    if ui
        .add_enabled(has_path, egui::Button::new("Export metrics as CSV"))
        .on_hover_text("IncomingRecords and WriteProvisionedThroughputExceeded per second of the selected stream")
        .clicked()
    {
        app.export_csv(path.clone());
        ui.close();
    }
    if ui
        .add_enabled(has_path, egui::Button::new("Export window as PNG"))
        .clicked()
    {
        app.export_png(ui.ctx(), path.clone());
        ui.close();
    }
    ui.separator();
    ui.horizontal(|ui| {
        let label = ui.label("Demo length (s)");
        ui.add(egui::DragValue::new(&mut app.recorder.seconds).range(1.0..=600.0))
            .labelled_by(label.id);
    });
    let recordable = has_path && app.recorder.recording.is_none();
    if ui
        .add_enabled(recordable, egui::Button::new("Record a demo (GIF or MP4)"))
        .on_hover_text("Records the window for the length given into the path (.gif or .mp4)")
        .clicked()
    {
        let seconds = app.recorder.seconds;
        if let Err(e) = app.recorder.start(path, seconds, false) {
            app.notices.push(e);
        }
        ui.close();
    }
}
