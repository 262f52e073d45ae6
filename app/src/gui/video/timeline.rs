//! The archive's timeline: time on x (producer time, zoomable from seconds to days), each
//! fragment a bar as wide as its duration and as tall as its bitrate, gaps left open and named,
//! the retention window shaded and sliding with the clock, the playhead, and thumbnails along the
//! top once the fragments are wide enough. A click or drag seeks.

use super::player::Player;
use super::view::FragmentMark;
use crate::gui::widgets::numbers::{bytes_text, span_text};
use egui::{Color32, CursorIcon, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, pos2, vec2};
use kinescope_core::time::Timestamp;
use kinescope_core::video::fragment::HOST_BUFFER_MS;

/// Narrowest and widest spans the timeline shows.
pub const MIN_SPAN_MS: i64 = 10_000;
pub const MAX_SPAN_MS: i64 = 30 * 86_400_000;
/// Breaks longer than this between fragments are gaps.
const GAP_MS: i64 = 1_000;
const BAR_COLOUR: Color32 = Color32::from_rgb(90, 140, 200);
const PLAYING_COLOUR: Color32 = Color32::from_rgb(240, 180, 60);

/// What the timeline shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub span_ms: i64,
    /// Keep the right edge at the clock's now.
    pub follow: bool,
    /// The right edge when not following.
    pub end_ms: i64,
    /// Widens with the archive until the user zooms.
    pub auto: bool,
}

impl Default for Timeline {
    fn default() -> Self {
        Self {
            span_ms: 60_000,
            follow: true,
            end_ms: 0,
            auto: true,
        }
    }
}

impl Timeline {
    /// A span wide enough for all of `archive` (a minute to a week).
    fn fitting(archive: &[FragmentMark], now_ms: i64) -> i64 {
        let extent = archive.first().map_or(0, |f| now_ms - f.producer_ms);
        (extent * 5 / 4).clamp(60_000, 7 * 86_400_000)
    }

    /// Sets the span the user chose.
    pub fn zoom(&mut self, span_ms: i64) {
        self.span_ms = span_ms.clamp(MIN_SPAN_MS, MAX_SPAN_MS);
        self.auto = false;
    }
}

/// A tick step that gives about eight marks across `span_ms`.
fn tick_step(span_ms: i64) -> i64 {
    const STEPS: [i64; 14] = [
        1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000,
        10_800_000, 21_600_000, 43_200_000, 86_400_000,
    ];
    STEPS
        .into_iter()
        .find(|s| span_ms / s <= 8)
        .unwrap_or(86_400_000 * ((span_ms / 86_400_000 / 8).max(1)))
}

fn clock(ms: i64, long: bool) -> String {
    let iso = Timestamp(ms).iso8601();
    match long {
        true => iso.get(5..16).unwrap_or(&iso).replace('T', " "),
        false => iso.get(11..19).unwrap_or(&iso).to_owned(),
    }
}

/// Draws the timeline; a time the user clicked or dragged to.
pub fn show(
    ui: &mut egui::Ui,
    timeline: &mut Timeline,
    player: &mut Player,
    archive: &[FragmentMark],
    retention_hours: i64,
    now_ms: i64,
) -> Option<i64> {
    let height = 96.0;
    let (rect, response) =
        ui.allocate_exact_size(vec2(ui.available_width(), height), Sense::click_and_drag());
    let response = response.on_hover_cursor(CursorIcon::PointingHand);
    if response.hovered() {
        let scroll = ui.input(|i| i.smooth_scroll_delta);
        if scroll.y != 0.0 {
            let factor = (-scroll.y / 200.0).exp();
            timeline.zoom((timeline.span_ms as f32 * factor) as i64);
        }
        if scroll.x != 0.0 {
            timeline.follow = false;
            timeline.end_ms -=
                (scroll.x as f64 / rect.width() as f64 * timeline.span_ms as f64) as i64;
        }
    }
    if timeline.auto {
        timeline.span_ms = Timeline::fitting(archive, now_ms);
    }
    if timeline.follow || timeline.end_ms == 0 {
        timeline.end_ms = now_ms;
    }
    let end = timeline.end_ms;
    let start = end - timeline.span_ms;
    let x_of =
        |ms: i64| rect.left() + ((ms - start) as f32 / timeline.span_ms as f32) * rect.width();
    let ms_of =
        |x: f32| start + (((x - rect.left()) / rect.width()) * timeline.span_ms as f32) as i64;
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, 4.0, visuals.extreme_bg_color);
    let bars_top = rect.top() + 52.0;
    let axis_y = rect.bottom() - 14.0;

    // The retention window: what the archive may hold, sliding with the clock.
    let kept_ms = match retention_hours {
        0 => HOST_BUFFER_MS,
        hours => hours * 3_600_000,
    };
    let band = Rect::from_x_y_ranges(
        x_of(now_ms - kept_ms).max(rect.left())..=x_of(now_ms).min(rect.right()),
        rect.top()..=axis_y,
    );
    if band.width() > 0.0 {
        painter.rect_filled(band, 0.0, visuals.faint_bg_color.gamma_multiply(2.5));
        let label = match retention_hours {
            0 => "host buffer: 5 min (no retention)".to_owned(),
            hours => format!("retention: {hours} h"),
        };
        painter.text(
            band.left_top() + vec2(4.0, 2.0),
            egui::Align2::LEFT_TOP,
            label,
            FontId::proportional(11.0),
            visuals.weak_text_color(),
        );
    }

    // Fragments: one bar per pixel column at most, as tall as the busiest fragment in it.
    let first = archive.partition_point(|f| f.end_ms() < start);
    let last = archive.partition_point(|f| f.producer_ms <= end);
    let visible = &archive[first..last];
    let peak = visible
        .iter()
        .map(FragmentMark::bitrate)
        .fold(1.0, f64::max);
    let playing = super::player::fragment_at(archive, player.playhead_ms).map(|f| f.number.clone());
    let mut column: Option<(f32, f32, f64, bool)> = None;
    let wide = visible.len() as f32 * 4.0 < rect.width();
    let bar = |painter: &egui::Painter, (x0, x1, rate, hot): (f32, f32, f64, bool)| {
        let share = (rate / peak).clamp(0.25, 1.0) as f32;
        let top = axis_y - (axis_y - bars_top) * share;
        let colour = if hot { PLAYING_COLOUR } else { BAR_COLOUR };
        painter.rect_filled(
            Rect::from_min_max(
                pos2(x0, top),
                pos2(x1.max(x0 + 1.0) + if wide { 0.0 } else { 1.0 }, axis_y),
            ),
            1.0,
            colour,
        );
    };
    for fragment in visible {
        let x0 = x_of(fragment.producer_ms);
        let x1 = x_of(fragment.end_ms()) - if wide { 1.0 } else { 0.0 };
        let hot = playing.as_deref() == Some(fragment.number.as_str());
        column = match column {
            Some((cx0, cx1, rate, was_hot)) if x0 < cx0.floor() + 1.0 => Some((
                cx0,
                x1.max(cx1),
                rate.max(fragment.bitrate()),
                was_hot || hot,
            )),
            Some(done) => {
                bar(&painter, done);
                Some((x0, x1, fragment.bitrate(), hot))
            }
            None => Some((x0, x1, fragment.bitrate(), hot)),
        };
    }
    if let Some(done) = column {
        bar(&painter, done);
    }

    // Thumbnails, once a fragment is wide enough to show one.
    let thumb_top = rect.top() + 16.0;
    for fragment in visible {
        let width = x_of(fragment.end_ms()) - x_of(fragment.producer_ms);
        if width < 24.0 {
            break;
        }
        if let Some(texture) = player.thumbnail(&fragment.number) {
            let size = texture.size_vec2();
            let scale = (32.0 / size.y).min((width - 2.0) / size.x);
            let image = Rect::from_min_size(
                pos2(x_of(fragment.producer_ms) + 1.0, thumb_top),
                size * scale,
            );
            painter.image(
                texture.id(),
                image,
                Rect::from_min_max(Pos2::ZERO, pos2(1.0, 1.0)),
                Color32::WHITE,
            );
        }
    }

    // Gaps: breaks in the archive, named when there is room.
    for pair in visible.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if b.producer_ms - a.end_ms() > GAP_MS {
            let (x0, x1) = (x_of(a.end_ms()), x_of(b.producer_ms));
            let y = axis_y - 8.0;
            painter.line_segment(
                [pos2(x0, y), pos2(x1, y)],
                Stroke::new(1.0, visuals.weak_text_color()),
            );
            if x1 - x0 > 60.0 {
                let text = format!("gap {}", span_text(b.producer_ms - a.end_ms()));
                painter.text(
                    pos2((x0 + x1) / 2.0, y - 2.0),
                    egui::Align2::CENTER_BOTTOM,
                    text,
                    FontId::proportional(11.0),
                    visuals.weak_text_color(),
                );
            }
        }
    }

    // The time axis.
    let step = tick_step(timeline.span_ms);
    let long = step >= 3_600_000;
    let mut tick = (start / step + 1) * step;
    while tick <= end {
        let x = x_of(tick);
        painter.line_segment(
            [pos2(x, axis_y), pos2(x, axis_y + 3.0)],
            Stroke::new(1.0, visuals.weak_text_color()),
        );
        painter.text(
            pos2(x, rect.bottom() - 1.0),
            egui::Align2::CENTER_BOTTOM,
            clock(tick, long),
            FontId::proportional(10.0),
            visuals.weak_text_color(),
        );
        tick += step;
    }

    // The playhead.
    let x = x_of(player.playhead_ms);
    if rect.x_range().contains(x) {
        painter.line_segment(
            [pos2(x, rect.top()), pos2(x, axis_y)],
            Stroke::new(2.0, PLAYING_COLOUR),
        );
        painter.circle_filled(pos2(x, rect.top() + 4.0), 4.0, PLAYING_COLOUR);
    }
    painter.rect_stroke(
        rect,
        4.0,
        Stroke::new(1.0, visuals.widgets.noninteractive.bg_stroke.color),
        StrokeKind::Inside,
    );

    if let Some(pointer) = response.hover_pos() {
        let at = ms_of(pointer.x);
        let text = match super::player::fragment_at(archive, at) {
            Some(f) => format!(
                "Fragment {}\nproducer time {}, arrived {}\n{:.3} s, {} ({:.0} kbit/s){}",
                f.number,
                Timestamp(f.producer_ms).iso8601(),
                Timestamp(f.server_ms).iso8601(),
                f.duration_ms as f64 / 1_000.0,
                bytes_text(f.size),
                f.bitrate() / 1_000.0,
                if f.persisted {
                    ""
                } else {
                    "\nin the host buffer only (retention 0)"
                }
            ),
            None => format!(
                "{}\nKinesis Video Streams keeps a fragment DataRetentionInHours after it arrives \
                 (1 h to 10 years), then deletes it; with 0 it keeps nothing, and GetMedia reads a \
                 5-minute host buffer",
                Timestamp(at).iso8601()
            ),
        };
        response.clone().on_hover_text(text);
    }
    (response.clicked() || response.dragged())
        .then(|| response.interact_pointer_pos())
        .flatten()
        .map(|p| ms_of(p.x.clamp(rect.left(), rect.right())))
}
