//! The stream map: the hash-key space 0 ... 2^128-1 as a bar, each open shard a segment as wide as
//! its range, filled by the share of its write limit used in the last second, red when it was
//! throttled; closed shards above as faded ancestors with lines to their children. Split, merge and
//! UpdateShardCount act on it, and a key box shows where a partition key goes.

use crate::gui::learn::spotlight;
use crate::gui::view::{ChangeView, ShardView, StreamView};
use crate::gui::{Action, Inspector};
use egui::{Align2, Color32, CornerRadius, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, Vec2};
use kinescope_core::learn::look::Chart;
use kinescope_core::streams::hashkey::hash_partition_key;
use kinescope_core::streams::shapes::StreamMode;
use std::collections::{HashMap, HashSet};

const LANE_HEIGHT: f32 = 90.0;
const ROW_GAP: f32 = 26.0;
/// "Shard count", its field and "Update shard count", side by side.
const SHARD_COUNT_ROW_WIDTH: f32 = 300.0;

/// Draws the map of the selected stream with its actions.
pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    let Some(name) = app.selection.stream.clone() else {
        ui.label("No stream yet. Run a scenario, or create one with the AWS CLI.");
        return;
    };
    let Some(stream) = app.view.stream(&name).cloned() else {
        ui.label(format!("Stream {name} no longer exists."));
        return;
    };
    ui.horizontal(|ui| {
        ui.heading(&stream.name);
        ui.label(format!(
            "{:?} · {} · {} open shards · retention {} h",
            stream.mode,
            stream.status,
            stream.open_shards().count(),
            stream.retention_hours
        ));
    });
    if let Some(change) = &stream.change {
        change_progress(ui, &stream.status, change);
    }
    ui.label("Each open shard owns a slice of the 128-bit hash-key space; fill = share of its write limit (1 MiB/s or 1,000 records/s) used in the last second.");
    let probe = probe_key(&app.key_probe);
    draw_map(ui, app, &stream, probe);
    super::reader_band::show(ui, app, &stream);
    ui.add_space(8.0);
    actions(ui, app, &stream);
    ui.add_space(8.0);
    key_box(ui, app, &stream, probe);
    ui.separator();
    // Cause and effect on one screen: the lanes above, the stream's writes against its limit below.
    let span = app.spotlight.chart(Chart::Throughput);
    super::throughput::chart(ui, &stream, span);
}

/// The stream's asynchronous change as a progress bar, with the AWS rule on hover.
fn change_progress(ui: &mut egui::Ui, status: &str, change: &ChangeView) {
    let text = format!(
        "{status}: {} · {:.0} s left",
        change.what,
        (change.remaining_ms as f64 / 1_000.0).ceil()
    );
    ui.add(
        egui::ProgressBar::new(change.progress)
            .desired_width(ui.available_width().min(520.0))
            .text(text),
    )
    .on_hover_text(
        "While a stream is UPDATING, writes and reads go on to the current shards and control \
         operations get ResourceInUseException; the children open when the change completes. \
         A split or merge takes seconds, UpdateShardCount up to minutes on large streams.",
    );
}

fn probe_key(text: &str) -> Option<u128> {
    (!text.is_empty()).then(|| hash_partition_key(text))
}

/// Generation of each shard: 0 for the open ones, 1 for their parents, and so on, so ancestors
/// stack upwards.
fn rows(stream: &StreamView) -> Vec<(usize, &ShardView)> {
    // By id, so that a stream with thousands of shards in its history is drawn in linear time.
    let by_id: HashMap<_, &ShardView> = stream.shards.iter().map(|s| (s.id, s)).collect();
    let mut seen = HashSet::new();
    let mut depth: Vec<(usize, &ShardView)> = Vec::new();
    let mut frontier: Vec<&ShardView> = stream.open_shards().collect();
    let mut level = 0;
    while !frontier.is_empty() && level < 6 {
        let mut next = Vec::new();
        for shard in frontier {
            if !seen.insert(shard.id) {
                continue;
            }
            depth.push((level, shard));
            next.extend(shard.parents.iter().filter_map(|parent| by_id.get(parent)));
        }
        frontier = next;
        level += 1;
    }
    depth
}

pub(super) fn x_of(rect: Rect, key: u128) -> f32 {
    let fraction = (key >> 64) as f64 / u64::MAX as f64;
    rect.left() + rect.width() * fraction as f32
}

fn draw_map(ui: &mut egui::Ui, app: &mut Inspector, stream: &StreamView, probe: Option<u128>) {
    let rows = rows(stream);
    let levels = rows.iter().map(|(l, _)| *l).max().unwrap_or(0) + 1;
    let height = levels as f32 * (LANE_HEIGHT + ROW_GAP) + 24.0;
    let (response, painter) =
        ui.allocate_painter(Vec2::new(ui.available_width(), height), Sense::click());
    let area = response.rect.shrink2(Vec2::new(4.0, 4.0));
    let visuals = ui.visuals().clone();
    let spans = animated_spans(ui.ctx(), stream, &rows, area);
    let lane_rect = |level: usize, shard: &ShardView| {
        let top = area.bottom() - 20.0 - (level as f32 + 1.0) * (LANE_HEIGHT + ROW_GAP) + ROW_GAP;
        let (left, right) = spans[&shard.id];
        Rect::from_min_max(
            Pos2::new(left, top),
            Pos2::new(right.max(left + 2.0), top + LANE_HEIGHT),
        )
    };
    // Lineage first, so lanes are drawn over the lines.
    for (level, shard) in &rows {
        for parent in &shard.parents {
            if let Some((plevel, p)) = rows.iter().find(|(_, s)| s.id == *parent) {
                let child = lane_rect(*level, shard);
                let parent_rect = lane_rect(*plevel, p);
                painter.line_segment(
                    [parent_rect.center_bottom(), child.center_top()],
                    Stroke::new(1.5, visuals.weak_text_color()),
                );
            }
        }
    }
    let pointer = response.hover_pos();
    let mut hovered = None;
    // Outlined after every lane is drawn: the next lane, 2 px away, would cover its edge.
    let mut looked_at = None;
    for (level, shard) in &rows {
        let rect = lane_rect(*level, shard).shrink2(Vec2::new(1.0, 0.0));
        let selected = app.selection.shard == Some(shard.id);
        let base = visuals.extreme_bg_color;
        painter.rect_filled(rect, CornerRadius::same(3), base);
        if shard.open {
            let share = shard.write_share.clamp(0.0, 1.0) as f32;
            let fill = Rect::from_min_max(
                Pos2::new(rect.left(), rect.bottom() - rect.height() * share),
                rect.max,
            );
            painter.rect_filled(
                fill,
                CornerRadius::same(3),
                pressure_color(shard.write_share),
            );
        }
        // A throttle flashes in and fades out rather than blinking.
        let throttle = ui.ctx().animate_bool_with_time(
            egui::Id::unique(("throttle", &stream.name, shard.id)),
            shard.throttled,
            0.3,
        );
        let stroke = if throttle > 0.0 {
            Stroke::new(
                3.0,
                Color32::from_rgb(220, 50, 47).gamma_multiply(throttle.max(0.3)),
            )
        } else if selected {
            Stroke::new(2.5, visuals.selection.stroke.color)
        } else {
            Stroke::new(1.0, visuals.widgets.noninteractive.bg_stroke.color)
        };
        painter.rect_stroke(rect, CornerRadius::same(3), stroke, StrokeKind::Inside);
        let text_color = if shard.open {
            visuals.strong_text_color()
        } else {
            visuals.weak_text_color()
        };
        if rect.width() > 70.0 {
            painter.text(
                rect.center_top() + Vec2::new(0.0, 4.0),
                Align2::CENTER_TOP,
                shard.id.to_string().trim_start_matches("shardId-"),
                FontId::proportional(12.0),
                text_color,
            );
            let status = if shard.throttled {
                format!("{:.0} rec/s · THROTTLED", shard.records_last_second)
            } else if shard.open {
                format!("{:.0} rec/s", shard.records_last_second)
            } else {
                "closed".to_owned()
            };
            painter.text(
                rect.center_bottom() - Vec2::new(0.0, 4.0),
                Align2::CENTER_BOTTOM,
                status,
                FontId::proportional(12.0),
                text_color,
            );
        }
        // Newest records as dots at their hash key, falling through the lane as they age.
        for (key, age_ms) in &shard.recent {
            let y = rect.top() + 20.0 + (rect.height() - 40.0) * (*age_ms as f32 / 2_000.0);
            painter.circle_filled(
                Pos2::new(
                    // max/min rather than clamp: a lane can be narrower than a dot.
                    x_of(area, *key)
                        .max(rect.left() + 3.0)
                        .min(rect.right() - 3.0),
                    y,
                ),
                2.5,
                visuals.strong_text_color(),
            );
        }
        if shard.read_throttled {
            painter.text(
                rect.right_top() + Vec2::new(-4.0, 4.0),
                Align2::RIGHT_TOP,
                "READ",
                FontId::proportional(11.0),
                Color32::from_rgb(220, 50, 47),
            );
        }
        if pointer.is_some_and(|p| rect.contains(p)) {
            hovered = Some((*shard).clone());
        }
        let shard_id = shard.id.to_string();
        if app.spotlight.lane(&stream.name, &shard_id) {
            looked_at = Some((rect, shard_id));
        }
    }
    // The hash-key axis.
    let axis_y = area.bottom() - 8.0;
    painter.line_segment(
        [
            Pos2::new(area.left(), axis_y),
            Pos2::new(area.right(), axis_y),
        ],
        Stroke::new(1.0, visuals.weak_text_color()),
    );
    painter.text(
        Pos2::new(area.left(), axis_y + 1.0),
        Align2::LEFT_TOP,
        "0",
        FontId::monospace(10.0),
        visuals.weak_text_color(),
    );
    painter.text(
        Pos2::new(area.right(), axis_y + 1.0),
        Align2::RIGHT_TOP,
        "2^128 - 1",
        FontId::monospace(10.0),
        visuals.weak_text_color(),
    );
    if let Some(key) = probe {
        let x = x_of(area, key);
        painter.line_segment(
            [Pos2::new(x, area.top()), Pos2::new(x, axis_y)],
            Stroke::new(2.0, visuals.selection.stroke.color),
        );
    }
    if let Some((rect, shard_id)) = looked_at {
        spotlight::outline(ui, rect, &format!("lane {}/{shard_id}", stream.name));
    }
    if app.spotlight.stream(&stream.name) {
        spotlight::outline(ui, area, &format!("stream {}", stream.name));
    }
    if let Some(shard) = hovered {
        if response.clicked() {
            app.selection.shard = Some(shard.id);
        }
        response.on_hover_text(shard_tooltip(&shard));
    }
}

/// Each lane's left and right edge on screen. A reshard is animated: children grow out of their
/// parents' span; lanes of a stream seen for the first time are placed at once.
fn animated_spans(
    ctx: &egui::Context,
    stream: &StreamView,
    rows: &[(usize, &ShardView)],
    area: Rect,
) -> std::collections::HashMap<kinescope_core::streams::shapes::ShardId, (f32, f32)> {
    const SECONDS: f32 = 0.6;
    let stream_id = egui::Id::unique(("lanes", &stream.name));
    let stream_seen =
        ctx.data_mut(|d| std::mem::replace(d.get_temp_mut_or_default::<bool>(stream_id), true));
    // A map that changed size (a resize, presenter's zoom) is redrawn at once, not animated.
    let width = ctx.data_mut(|d| {
        std::mem::replace(
            d.get_temp_mut_or_default::<f32>(stream_id.with("width")),
            area.width(),
        )
    });
    let seconds = if width == area.width() { SECONDS } else { 0.0 };
    let target = |shard: &ShardView| (x_of(area, shard.range.start), x_of(area, shard.range.end));
    rows.iter()
        .map(|(_, shard)| {
            let id = stream_id.with(shard.id);
            let seen = ctx.data_mut(|d| {
                std::mem::replace(d.get_temp_mut_or_default::<bool>(id.with("seen")), true)
            });
            let (left, right) = target(shard);
            if stream_seen && !seen {
                // First sight of a child: start from its parents' span.
                let parents: Vec<_> = shard
                    .parents
                    .iter()
                    .filter_map(|p| stream.shards.iter().find(|s| s.id == *p))
                    .map(target)
                    .collect();
                if !parents.is_empty() {
                    let from_left = parents.iter().map(|p| p.0).fold(f32::INFINITY, f32::min);
                    let from_right = parents
                        .iter()
                        .map(|p| p.1)
                        .fold(f32::NEG_INFINITY, f32::max);
                    ctx.animate_value_with_time(id.with("l"), from_left, SECONDS);
                    ctx.animate_value_with_time(id.with("r"), from_right, SECONDS);
                }
            }
            let left = ctx.animate_value_with_time(id.with("l"), left, seconds);
            let right = ctx.animate_value_with_time(id.with("r"), right, seconds);
            (shard.id, (left, right))
        })
        .collect()
}

/// Neutral below 80 % of the limit, warm from 80 %, red at or over it.
fn pressure_color(share: f64) -> Color32 {
    if share >= 1.0 {
        Color32::from_rgb(220, 50, 47)
    } else if share >= 0.8 {
        Color32::from_rgb(230, 150, 40)
    } else {
        Color32::from_rgb(70, 130, 180)
    }
}

fn shard_tooltip(shard: &ShardView) -> String {
    let state = if shard.open {
        "OPEN"
    } else {
        "CLOSED (read-only until its records expire)"
    };
    let reads = if shard.read_throttled {
        "\nREAD marks a read throttled in the last second: polling applications share 5 GetRecords calls/s and 2 MiB/s per shard."
    } else {
        ""
    };
    format!(
        "{} · {state}\nhash keys {} ... {}\nlast second: {:.0} records, {:.0} bytes ({:.0}% of the write limit)\n\
         A shard accepts up to 1 MiB/s or 1,000 records/s of writes; beyond that, PutRecord fails with ProvisionedThroughputExceededException.\n\
         {} records written since it opened{reads}",
        shard.id,
        shard.range.start,
        shard.range.end,
        shard.records_last_second,
        shard.bytes_last_second,
        shard.write_share * 100.0,
        shard.records_total
    )
}

fn actions(ui: &mut egui::Ui, app: &mut Inspector, stream: &StreamView) {
    // Wrapped: beside the lesson card a row this long would widen the chart below past the panel.
    ui.horizontal_wrapped(|ui| {
        let selected = app
            .selection
            .shard
            .and_then(|id| stream.shards.iter().find(|s| s.id == id && s.open))
            .cloned();
        let split = ui.add_enabled(selected.is_some(), egui::Button::new("Split selected shard"));
        if split
            .on_hover_text("SplitShard: the shard closes and two children open, the second starting at the new starting hash key")
            .on_disabled_hover_text("Select an open shard on the map or in the tree first")
            .clicked()
            && let Some(shard) = &selected
        {
            let typed = app.split_key.trim();
            match typed.parse::<u128>() {
                _ if typed.is_empty() => app.act(Action::Split {
                    stream: stream.name.clone(),
                    shard: shard.id,
                    at: shard.range.midpoint(),
                }),
                Ok(at) => app.act(Action::Split {
                    stream: stream.name.clone(),
                    shard: shard.id,
                    at,
                }),
                Err(_) => app.notices.push(format!(
                    "New starting hash key {typed:?} is not a whole number between 0 and 2^128-1"
                )),
            }
        }
        let label = ui.label("at hash key");
        ui.add(
            egui::TextEdit::singleline(&mut app.split_key)
                .desired_width(150.0)
                .hint_text("middle of the range"),
        )
        .labelled_by(label.id)
        .on_hover_text("NewStartingHashKey, a decimal number inside the shard's range; empty splits at the middle");
        let neighbour = selected.as_ref().and_then(|s| {
            stream
                .open_shards()
                .find(|o| o.range.start == s.range.end.wrapping_add(1))
                .cloned()
        });
        let merge = ui.add_enabled(neighbour.is_some(), egui::Button::new("Merge with next shard"));
        if merge
            .on_hover_text("MergeShards with the adjacent shard to the right: both close, one child opens")
            .on_disabled_hover_text("Select an open shard that has an open neighbour to its right")
            .clicked()
            && let (Some(shard), Some(next)) = (&selected, &neighbour)
        {
            app.act(Action::Merge {
                stream: stream.name.clone(),
                shard: shard.id,
                adjacent: next.id,
            });
        }
        ui.separator();
        // The label, its field and its button wrap together (a nested row cannot wrap).
        if ui.available_size_before_wrap().x < SHARD_COUNT_ROW_WIDTH {
            ui.end_row();
        }
        let update = ui.horizontal(|ui| {
            let label = ui.label("Shard count");
            ui.add(
                egui::TextEdit::singleline(&mut app.shard_count_target)
                    .desired_width(50.0)
                    .hint_text("e.g. 8"),
            )
            .labelled_by(label.id);
            ui.button("Update shard count")
                .on_hover_text("UpdateShardCount with UNIFORM_SCALING: at most double or halve, 10 times in a rolling 24 hours")
                .clicked()
        });
        if update.inner {
            match app.shard_count_target.trim().parse::<u32>() {
                Ok(target) => app.act(Action::UpdateShardCount {
                    stream: stream.name.clone(),
                    target,
                }),
                Err(_) => app.notices.push(format!(
                    "Shard count {:?} is not a whole number",
                    app.shard_count_target
                )),
            }
        }
        ui.separator();
        let (label, mode, help) = match stream.mode {
            StreamMode::Provisioned => (
                "Switch to on-demand",
                StreamMode::OnDemand,
                "UpdateStreamMode to ON_DEMAND: the stream scales itself (4 shards to start, up to double its 30-day peak); twice per rolling 24 hours",
            ),
            StreamMode::OnDemand => (
                "Switch to provisioned",
                StreamMode::Provisioned,
                "UpdateStreamMode to PROVISIONED: the shard count stays as it is and you scale it yourself; twice per rolling 24 hours",
            ),
        };
        if ui.button(label).on_hover_text(help).clicked() {
            app.act(Action::SetCapacityMode {
                stream: stream.name.clone(),
                mode,
            });
        }
    });
}

fn key_box(ui: &mut egui::Ui, app: &mut Inspector, stream: &StreamView, probe: Option<u128>) {
    ui.horizontal(|ui| {
        let label = ui.label("Where does my key go?");
        ui.add(
            egui::TextEdit::singleline(&mut app.key_probe)
                .desired_width(180.0)
                .hint_text("partition key"),
        )
        .labelled_by(label.id);
        if let Some(hash) = probe {
            let shard = stream
                .open_shards()
                .find(|s| s.range.contains(hash))
                .map_or("no open shard".to_owned(), |s| s.id.to_string());
            ui.label(format!("MD5 -> {hash} -> {shard}"));
        }
    });
}
