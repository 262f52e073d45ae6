//! Annotations over the running view: arrows and boxes dragged out with the mouse, notes placed
//! with a click and typed. They sit above every panel, in window coordinates, until cleared.

use super::Presenter;

const INK: egui::Color32 = egui::Color32::from_rgb(0xff, 0xc1, 0x07);
const WIDTH: f32 = 4.0;

/// The annotation tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Arrow,
    Box,
    Note,
}

impl Tool {
    pub const ALL: [Tool; 3] = [Tool::Arrow, Tool::Box, Tool::Note];

    pub fn label(self) -> &'static str {
        match self {
            Tool::Arrow => "Arrow",
            Tool::Box => "Box",
            Tool::Note => "Note",
        }
    }

    pub fn key(self) -> egui::Key {
        match self {
            Tool::Arrow => egui::Key::A,
            Tool::Box => egui::Key::B,
            Tool::Note => egui::Key::T,
        }
    }

    pub fn key_name(self) -> &'static str {
        match self {
            Tool::Arrow => "A",
            Tool::Box => "B",
            Tool::Note => "T",
        }
    }
}

/// One mark on the view.
#[derive(Debug, Clone, PartialEq)]
pub enum Annotation {
    Arrow { from: egui::Pos2, to: egui::Pos2 },
    Box(egui::Rect),
    Note { at: egui::Pos2, text: String },
}

/// Draws the annotations, and while a tool is chosen takes the pointer to make new ones.
pub fn show(ctx: &egui::Context, presenter: &mut Presenter) {
    // Kept for the next presentation, shown only in one.
    if !presenter.on {
        return;
    }
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("annotations"),
    ));
    for annotation in &presenter.annotations {
        draw(&painter, annotation);
    }
    let Some(tool) = presenter.tool else {
        return;
    };
    // A sheet over the whole window catches the pointer so the view under it does not react.
    let screen = ctx.content_rect();
    egui::Area::new(egui::Id::unique("annotation sheet"))
        .order(egui::Order::Foreground)
        .fixed_pos(screen.min)
        .show(ctx, |ui| {
            let sheet = ui.allocate_rect(
                egui::Rect::from_min_size(egui::Pos2::ZERO, screen.size()),
                egui::Sense::click_and_drag(),
            );
            match tool {
                Tool::Note => note(ui, &sheet, presenter),
                Tool::Arrow | Tool::Box => drag(&painter, &sheet, tool, presenter),
            }
        });
}

fn drag(painter: &egui::Painter, sheet: &egui::Response, tool: Tool, presenter: &mut Presenter) {
    if sheet.drag_started() {
        presenter.drag_from = sheet.interact_pointer_pos();
    }
    let (Some(from), Some(to)) = (presenter.drag_from, sheet.interact_pointer_pos()) else {
        return;
    };
    let shape = match tool {
        Tool::Arrow => Annotation::Arrow { from, to },
        _ => Annotation::Box(egui::Rect::from_two_pos(from, to)),
    };
    if sheet.drag_stopped() {
        presenter.drag_from = None;
        if from.distance(to) > 4.0 {
            presenter.annotations.push(shape);
        }
    } else {
        draw(painter, &shape);
    }
}

fn note(ui: &mut egui::Ui, sheet: &egui::Response, presenter: &mut Presenter) {
    let mut created = false;
    if sheet.clicked()
        && let Some(at) = sheet.interact_pointer_pos()
    {
        presenter.note = Some((at, String::new()));
        created = true;
    }
    let Some((at, text)) = presenter.note.as_mut() else {
        return;
    };
    if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
        presenter.note = None;
        return;
    }
    let mut done = false;
    egui::Area::new(egui::Id::unique("note being typed"))
        .order(egui::Order::Tooltip)
        .fixed_pos(*at)
        .show(ui.ctx(), |ui| {
            let label = ui.label("Note");
            let field = ui
                .add(
                    egui::TextEdit::singleline(text)
                        .hint_text("Enter places it")
                        .desired_width(260.0),
                )
                .labelled_by(label.id);
            if created {
                field.request_focus();
            }
            done = ui.input(|i| i.key_pressed(egui::Key::Enter));
        });
    if done {
        let (at, text) = presenter.note.take().unwrap_or_default();
        if !text.trim().is_empty() {
            presenter.annotations.push(Annotation::Note { at, text });
        }
    }
}

fn draw(painter: &egui::Painter, annotation: &Annotation) {
    let stroke = egui::Stroke::new(WIDTH, INK);
    match annotation {
        Annotation::Arrow { from, to } => {
            painter.arrow(*from, *to - *from, stroke);
        }
        Annotation::Box(rect) => {
            painter.rect_stroke(*rect, 4.0, stroke, egui::StrokeKind::Outside);
        }
        Annotation::Note { at, text } => {
            let galley = painter.layout_no_wrap(
                text.clone(),
                egui::FontId::proportional(22.0),
                egui::Color32::BLACK,
            );
            let rect = egui::Rect::from_min_size(*at, galley.size()).expand(6.0);
            painter.rect_filled(rect, 4.0, INK);
            painter.galley(*at, galley, egui::Color32::BLACK);
        }
    }
}
