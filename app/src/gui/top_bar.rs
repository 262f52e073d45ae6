//! The top bar: play/pause, step, speed, the virtual clock and the scenario's name.

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
            let paused = app.view.speed == Speed::Paused;
            let play = if paused { "Play" } else { "Pause" };
            if ui
                .button(play)
                .on_hover_text("Start or stop virtual time (Space)")
                .clicked()
                || ui.input(|i| i.key_pressed(egui::Key::Space))
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
            ui.separator();
            let scenario = app.view.scenario.as_deref().unwrap_or("no scenario");
            ui.label(format!("scenario: {scenario}"));
            ui.separator();
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
