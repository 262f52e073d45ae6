//! Under the stream map, one row per application reading the stream: in each open shard's column,
//! where the application reads (at the right edge when it is at the tip, further left the further
//! behind), its KCL checkpoint, and how it reads: enhanced fan-out as a pipe of its own, shared
//! polling as a dashed line, because all polling applications share the shard's 2 MiB/s.

use super::stream_map::x_of;
use crate::gui::Inspector;
use crate::gui::view::{ReaderView, StreamView};
use egui::{Align2, Color32, CornerRadius, FontId, Pos2, Rect, Sense, Shape, Stroke, Vec2};
use std::collections::BTreeMap;

/// How far behind the left edge of a column stands for.
const WINDOW_MS: i64 = 60_000;
const ROW_HEIGHT: f32 = 30.0;
/// Rows drawn at most; the rest are named under the band (all are in Consumers & lag).
const MAX_ROWS: usize = 10;
/// Narrowest column drawn with a track of its own.
const NARROW: f32 = 24.0;

/// One application's row.
struct Row<'a> {
    name: &'a str,
    kind: &'a str,
    enhanced: bool,
    readers: Vec<&'a ReaderView>,
    /// KCL: each shard's checkpoint age.
    checkpoints: Vec<(kinescope_core::streams::shapes::ShardId, i64)>,
}

fn rows<'a>(app: &'a Inspector, stream: &StreamView) -> Vec<Row<'a>> {
    let mut by_name: BTreeMap<&str, Row<'a>> = BTreeMap::new();
    for reader in app
        .view
        .readers
        .iter()
        .filter(|r| *r.stream == *stream.name)
    {
        let row = by_name.entry(&*reader.reader).or_insert_with(|| Row {
            name: &reader.reader,
            kind: if reader.enhanced { "efo" } else { "polling" },
            enhanced: reader.enhanced,
            readers: Vec::new(),
            checkpoints: Vec::new(),
        });
        row.readers.push(reader);
    }
    for consumer in app
        .view
        .consumers
        .iter()
        .filter(|c| c.stream == stream.name)
    {
        if let Some(row) = by_name.get_mut(consumer.name.as_str()) {
            row.kind = consumer.kind;
            row.checkpoints = consumer
                .leases
                .iter()
                .filter_map(|l| Some((l.shard, l.checkpoint_age_ms?)))
                .collect();
        }
    }
    by_name.into_values().collect()
}

/// Draws the rows, or nothing when no application reads the stream.
pub fn show(ui: &mut egui::Ui, app: &Inspector, stream: &StreamView) {
    let mut rows = rows(app, stream);
    if rows.is_empty() {
        return;
    }
    let hidden = rows.len().saturating_sub(MAX_ROWS);
    rows.truncate(MAX_ROWS);
    let height = rows.len() as f32 * ROW_HEIGHT;
    let (response, painter) =
        ui.allocate_painter(Vec2::new(ui.available_width(), height), Sense::hover());
    // The same horizontal geometry as the map above.
    let area = response.rect.shrink2(Vec2::new(4.0, 0.0));
    let visuals = ui.visuals().clone();
    let pointer = response.hover_pos();
    let mut hover_text = None;
    // Below this column width a row draws one track across and plain marks.
    let narrow = stream
        .open_shards()
        .any(|s| x_of(area, s.range.end) - x_of(area, s.range.start) < NARROW);
    for (index, row) in rows.iter().enumerate() {
        let top = area.top() + index as f32 * ROW_HEIGHT;
        painter.text(
            Pos2::new(area.left() + 2.0, top + 1.0),
            Align2::LEFT_TOP,
            format!("{} ({})", row.name, row.kind),
            FontId::proportional(11.0),
            visuals.text_color(),
        );
        let track_y = top + 15.0 + (ROW_HEIGHT - 18.0) / 2.0;
        if narrow {
            track(
                &painter,
                &visuals,
                row.enhanced,
                area.left(),
                area.right(),
                track_y,
            );
        }
        for shard in stream.open_shards() {
            let column = Rect::from_min_max(
                Pos2::new(x_of(area, shard.range.start) + 3.0, top + 15.0),
                Pos2::new(
                    x_of(area, shard.range.end).max(x_of(area, shard.range.start) + 8.0) - 3.0,
                    top + ROW_HEIGHT - 3.0,
                ),
            );
            let y = column.center().y;
            if !narrow {
                track(
                    &painter,
                    &visuals,
                    row.enhanced,
                    column.left(),
                    column.right(),
                    y,
                );
            }
            let x_at = |behind_ms: i64| {
                let fraction = (behind_ms.max(0) as f32 / WINDOW_MS as f32).min(1.0);
                column.right() - fraction * column.width()
            };
            // Both lists are sorted by shard.
            let checkpoint = row
                .checkpoints
                .binary_search_by_key(&shard.id, |(s, _)| *s)
                .ok()
                .map(|i| &row.checkpoints[i]);
            if let Some((_, age)) = checkpoint {
                let x = x_at(*age);
                painter.line_segment(
                    [Pos2::new(x, y - 7.0), Pos2::new(x, y + 7.0)],
                    Stroke::new(2.0, Color32::from_rgb(108, 113, 196)),
                );
            }
            let reader = row
                .readers
                .binary_search_by_key(&shard.id, |r| r.shard)
                .ok()
                .map(|i| &row.readers[i]);
            if let Some(reader) = reader {
                let at = Pos2::new(x_at(reader.millis_behind), y);
                if narrow {
                    painter.rect_filled(
                        Rect::from_center_size(at, Vec2::splat(4.0)),
                        CornerRadius::ZERO,
                        lag_color(reader.millis_behind),
                    );
                } else {
                    painter.circle_filled(at, 4.5, lag_color(reader.millis_behind));
                }
                if reader.millis_behind > WINDOW_MS && column.width() > 40.0 {
                    painter.text(
                        Pos2::new(column.left() + 8.0, y),
                        Align2::LEFT_CENTER,
                        format!("{} s", reader.millis_behind / 1_000),
                        FontId::proportional(10.0),
                        lag_color(reader.millis_behind),
                    );
                }
            }
            let cell = column.expand2(Vec2::new(3.0, 15.0));
            if pointer.is_some_and(|p| cell.contains(p)) {
                hover_text = Some(cell_text(row, shard.id, reader, checkpoint));
            }
        }
    }
    if let Some(text) = hover_text {
        response.on_hover_text(text);
    }
    if hidden > 0 {
        ui.label(format!(
            "... and {hidden} more applications: see Consumers & lag for every one."
        ));
    }
    ui.label(
        "Dot: where each application reads (right edge = at the tip, left edge = 60 s or more \
         behind). Tube: enhanced fan-out, a 2 MiB/s pipe of its own. Dashed: shared polling, \
         every polling application splits the shard's 2 MiB/s and 5 reads/s. Bar: KCL checkpoint.",
    );
}

fn cell_text(
    row: &Row<'_>,
    shard: kinescope_core::streams::shapes::ShardId,
    reader: Option<&&ReaderView>,
    checkpoint: Option<&(kinescope_core::streams::shapes::ShardId, i64)>,
) -> String {
    let mut text = format!("{} ({}) on {shard}\n", row.name, row.kind);
    match reader {
        Some(r) => text.push_str(&format!(
            "MillisBehindLatest {} ms, {} records behind the tip",
            r.millis_behind, r.records_behind
        )),
        None => text.push_str("not reading this shard yet"),
    }
    if let Some((_, age)) = checkpoint {
        text.push_str(&format!(
            "\ncheckpoint at a record {} s old: a new worker would restart there",
            age / 1_000
        ));
    }
    text.push_str(if row.enhanced {
        "\nenhanced fan-out: SubscribeToShard pushes over its own 2 MiB/s"
    } else {
        "\nshared throughput: GetRecords against 2 MiB/s and 5 reads/s per shard, shared"
    });
    text
}

/// At the tip, a little behind, far behind.
fn lag_color(millis_behind: i64) -> Color32 {
    if millis_behind < 2_000 {
        Color32::from_rgb(133, 153, 0)
    } else if millis_behind < 10_000 {
        Color32::from_rgb(181, 137, 0)
    } else {
        Color32::from_rgb(220, 50, 47)
    }
}

/// How a row reads, drawn from `left` to `right`: a tube for an enhanced fan-out pipe of its own,
/// a dashed line for shared polling.
fn track(
    painter: &egui::Painter,
    visuals: &egui::Visuals,
    enhanced: bool,
    left: f32,
    right: f32,
    y: f32,
) {
    if enhanced {
        painter.rect_filled(
            Rect::from_min_max(Pos2::new(left, y - 3.5), Pos2::new(right, y + 3.5)),
            CornerRadius::same(3),
            Color32::from_rgba_unmultiplied(42, 161, 152, 110),
        );
    } else {
        painter.extend(Shape::dashed_line(
            &[Pos2::new(left, y), Pos2::new(right, y)],
            Stroke::new(1.5, visuals.weak_text_color()),
            5.0,
            4.0,
        ));
    }
}
