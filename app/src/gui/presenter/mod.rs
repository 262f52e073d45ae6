//! Presenter's mode: the window full screen with one view, large type in high contrast, a slim bar,
//! keyboard shortcuts for time and for moving through a lesson, and annotations — arrows, boxes
//! and notes — drawn over the running view.

pub mod annotations;
pub mod keys;

#[cfg(test)]
mod tests;

pub use annotations::{Annotation, Tool};

use super::Inspector;
use super::learn::LearnRequest;

/// Zoom in presenter's mode: large type for a room.
pub const PRESENTER_ZOOM: f32 = 1.6;

/// The presenter's state.
#[derive(Debug, Default)]
pub struct Presenter {
    pub on: bool,
    pub tool: Option<Tool>,
    pub annotations: Vec<Annotation>,
    /// Where a drag with the arrow or box tool began.
    pub drag_from: Option<egui::Pos2>,
    /// A note being typed, and where it goes.
    pub note: Option<(egui::Pos2, String)>,
}

impl Presenter {
    /// Puts the annotation tool down, dropping a drag or a note half made.
    pub fn put_down(&mut self) {
        self.tool = None;
        self.drag_from = None;
        self.note = None;
    }
}

/// Enters or leaves presenter's mode: full screen, zoom and contrast on entering, back on leaving.
pub fn set(app: &mut Inspector, ctx: &egui::Context, on: bool) {
    let presenter = &mut app.presenter;
    if presenter.on == on {
        return;
    }
    presenter.on = on;
    presenter.put_down();
    ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(on));
    let zoom = match (on, app.presentation) {
        (true, _) => PRESENTER_ZOOM,
        (false, true) => 1.4,
        (false, false) => 1.0,
    };
    ctx.set_zoom_factor(zoom);
    ctx.all_styles_mut(|style| high_contrast(style, on));
}

/// High contrast: pure black or white behind the text, the text and lines at full strength.
fn high_contrast(style: &mut egui::Style, on: bool) {
    let dark = style.visuals.dark_mode;
    let (ink, paper) = match dark {
        true => (egui::Color32::WHITE, egui::Color32::BLACK),
        false => (egui::Color32::BLACK, egui::Color32::WHITE),
    };
    let visuals = &mut style.visuals;
    match on {
        true => {
            visuals.override_text_color = Some(ink);
            visuals.panel_fill = paper;
            visuals.window_fill = paper;
            visuals.extreme_bg_color = paper;
            visuals.widgets.noninteractive.fg_stroke.width = 1.5;
        }
        false => {
            let base = match dark {
                true => egui::Visuals::dark(),
                false => egui::Visuals::light(),
            };
            *visuals = base;
        }
    }
}

/// The slim bar presenter's mode shows in place of the top bar: time, the lesson's place, the
/// annotation tools, and the way out.
pub fn bar(ui: &mut egui::Ui, app: &mut Inspector) {
    egui::Panel::top("presenter_bar").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            let paused = app.view.speed == kinescope_core::clock::Speed::Paused;
            if ui.button(if paused { "Play" } else { "Pause" }).clicked() {
                app.act(super::Action::TogglePlay);
            }
            ui.monospace(super::top_bar::clock_text(app.view.now_ms));
            super::recorder::progress_bar(ui, &app.recorder);
            if let Some(active) = &app.learn.active {
                ui.separator();
                ui.label(format!(
                    "{} · step {} of {}",
                    active.lesson.title,
                    active.step + 1,
                    active.lesson.steps.len()
                ));
            }
            ui.separator();
            for tool in Tool::ALL {
                let selected = app.presenter.tool == Some(tool);
                let label = format!("{} ({})", tool.label(), tool.key_name());
                if ui.selectable_label(selected, label).clicked() {
                    app.presenter.tool = (!selected).then_some(tool);
                }
            }
            if ui.button("Clear (C)").clicked() {
                app.presenter.annotations.clear();
            }
            ui.separator();
            if ui.button("Leave (Esc)").clicked() {
                let ctx = ui.ctx().clone();
                set(app, &ctx, false);
            }
        });
    });
}

/// The lesson's next move in presenter's mode: run to the step's moment (the room predicts
/// aloud, so no choice is needed), or go to the next step once it has been judged.
pub fn advance_lesson(app: &mut Inspector) {
    let Some(active) = &app.learn.active else {
        return;
    };
    app.learn.request = Some(match (active.running, active.outcome.is_some()) {
        (_, true) => LearnRequest::Next,
        (false, false) => LearnRequest::Run,
        (true, false) => return, // on its way to the moment
    });
}
