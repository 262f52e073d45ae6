//! Table cells that never wrap: columns are sized to their content, and a value that could be
//! long (a stream name, an error, a detail) is cut with "…" and shown whole on hover. Every table
//! of the inspector (traffic, events, consumers, readers, leases, records, ...) writes its cells
//! here, so no row grows a second line while half the window is empty.

use egui::{Label, Response, RichText, Ui, WidgetText};

/// Characters a possibly long value shows before it is cut.
pub const LONG_VALUE_CHARS: usize = 48;

/// A cell of text, whole and on one line.
pub fn cell(ui: &mut Ui, text: impl Into<WidgetText>) -> Response {
    ui.add(Label::new(text).extend())
}

/// A cell of monospaced text (times, ids, sequence numbers).
pub fn mono(ui: &mut Ui, text: impl Into<String>) -> Response {
    cell(ui, RichText::new(text.into()).monospace())
}

/// A column heading.
pub fn heading(ui: &mut Ui, text: &str) -> Response {
    cell(ui, RichText::new(text).strong())
}

/// A cell for a value that may be long: at most [`LONG_VALUE_CHARS`] characters, cut with "…",
/// the whole value on hover.
pub fn elided(ui: &mut Ui, text: &str) -> Response {
    match text.char_indices().nth(LONG_VALUE_CHARS) {
        Some((cut, _)) => cell(ui, format!("{}…", &text[..cut])).on_hover_text(text),
        None => cell(ui, text),
    }
}

/// The last, widest column: the value fills what is left of the row and is cut with "…" there,
/// the whole value on hover.
pub fn rest(ui: &mut Ui, text: impl Into<WidgetText>) -> Response {
    ui.add(Label::new(text).truncate())
}

/// Lets the grid or table drawn by `body` size its columns to their content: text inside does
/// not wrap.
pub fn unwrapped<R>(ui: &mut Ui, body: impl FnOnce(&mut Ui) -> R) -> R {
    ui.scope(|ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        body(ui)
    })
    .inner
}
