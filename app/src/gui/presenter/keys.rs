//! The keyboard, never while a text field has it: Space plays or pauses, P or F11 enters or
//! leaves presenter's mode; in presenter's mode S steps a second, 1 to 5 choose the speed (1x,
//! 10x, 60x, 3600x, max), N or Page Down moves the lesson on, A / B / T pick the arrow, box or
//! note tool, C clears the annotations, Esc puts the tool down or leaves.

use super::{Tool, advance_lesson, set};
use crate::gui::{Action, Inspector};
use egui::Key;
use kinescope_core::clock::Speed;

const SPEED_KEYS: [(Key, Speed); 5] = [
    (Key::Num1, Speed::Factor(1.0)),
    (Key::Num2, Speed::Factor(10.0)),
    (Key::Num3, Speed::Factor(60.0)),
    (Key::Num4, Speed::Factor(3_600.0)),
    (Key::Num5, Speed::AsFastAsPossible),
];

/// Acts on the keys pressed this frame.
pub fn handle(ctx: &egui::Context, app: &mut Inspector) {
    if ctx.egui_wants_keyboard_input() {
        return;
    }
    let pressed = |key| ctx.input(|i| i.key_pressed(key));
    if pressed(Key::F11) || pressed(Key::P) {
        let on = !app.presenter.on;
        set(app, ctx, on);
        return;
    }
    if pressed(Key::Space) {
        app.act(Action::TogglePlay);
    }
    if !app.presenter.on {
        return;
    }
    if pressed(Key::Escape) {
        match app.presenter.tool.is_some() {
            true => app.presenter.put_down(),
            false => set(app, ctx, false),
        }
        return;
    }
    if pressed(Key::S) {
        app.act(Action::Step(1_000));
    }
    for (key, speed) in SPEED_KEYS {
        if pressed(key) {
            app.act(Action::SetSpeed(speed));
        }
    }
    if pressed(Key::N) || pressed(Key::PageDown) {
        advance_lesson(app);
    }
    for tool in Tool::ALL {
        if pressed(tool.key()) {
            app.presenter.tool = match app.presenter.tool == Some(tool) {
                true => None,
                false => Some(tool),
            };
        }
    }
    if pressed(Key::C) {
        app.presenter.annotations.clear();
    }
}
