//! A small line chart of recent values, drawn in place (tables, the bottom strip).

use egui::{Color32, Pos2, Response, Sense, Shape, Stroke, Vec2};

/// Draws `values` (oldest first) scaled to their own peak (at least `floor`).
pub fn sparkline(
    ui: &mut egui::Ui,
    size: Vec2,
    values: &[f32],
    floor: f32,
    color: Color32,
) -> Response {
    let (response, painter) = ui.allocate_painter(size, Sense::hover());
    let rect = response.rect;
    painter.rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
    let max = values.iter().copied().fold(floor, f32::max);
    let n = values.len().max(2) - 1;
    let points: Vec<Pos2> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            Pos2::new(
                rect.left() + rect.width() * i as f32 / n as f32,
                rect.bottom() - rect.height() * (v / max),
            )
        })
        .collect();
    painter.add(Shape::line(points, Stroke::new(1.5, color)));
    response
}
