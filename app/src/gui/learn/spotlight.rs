//! What a lesson's step points at, outlined in amber by the view that draws it: a lane, a row,
//! a buffer gauge, a player, a chart with the span of time to read shaded on it. It lights once
//! the step's moment is reached — before, it would give the prediction away.

use super::LearnPanel;
use crate::gui::view::View;
use egui::{Color32, Rect, Stroke, StrokeKind};
use kinescope_core::learn::look::{Chart, Look};

/// The highlight's colour: apart from the views' blue, green and red.
const AMBER: Color32 = Color32::from_rgb(0xff, 0xc8, 0x00);
/// The same on a light background, dark enough to read.
const DARK_AMBER: Color32 = Color32::from_rgb(0xa8, 0x6a, 0x00);

/// The highlight's colour for the theme in use.
pub fn amber(visuals: &egui::Visuals) -> Color32 {
    if visuals.dark_mode { AMBER } else { DARK_AMBER }
}

/// The looks of the step on show, in the views' own terms.
#[derive(Debug, Clone, Default)]
pub struct Spotlight {
    looks: Vec<Look>,
    /// The scenario's start on the charts' time axis (epoch seconds).
    start_s: f64,
}

/// A span of a chart's time axis (epoch seconds); an open end runs to the chart's edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub from: Option<f64>,
    pub to: Option<f64>,
}

impl Spotlight {
    /// What the lesson's current step points at, once its moment is reached.
    pub fn of(panel: &LearnPanel, view: &View) -> Self {
        let looks = match &panel.active {
            Some(active) if active.outcome.is_some() => active.current().looks.clone(),
            _ => Vec::new(),
        };
        Self {
            looks,
            start_s: (view.now_ms - view.scenario_elapsed_ms) as f64 / 1_000.0,
        }
    }

    fn any(&self, wanted: impl Fn(&Look) -> bool) -> bool {
        self.looks.iter().any(wanted)
    }

    pub fn lane(&self, stream_name: &str, shard_id: &str) -> bool {
        self.any(|l| matches!(l, Look::Lane { stream, shard } if stream == stream_name && shard == shard_id))
    }

    pub fn stream(&self, name: &str) -> bool {
        self.any(|l| matches!(l, Look::Stream(n) if n == name))
    }

    pub fn producer(&self, name: &str) -> bool {
        self.any(|l| matches!(l, Look::Producer(n) if n == name))
    }

    pub fn consumer(&self, name: &str) -> bool {
        self.any(|l| matches!(l, Look::Consumer(n) if n == name))
    }

    /// An application's row on a shard in the per-shard lag table.
    pub fn reader(&self, consumer_name: &str, shard_id: &str) -> bool {
        self.any(|l| matches!(l, Look::Reader { consumer, shard } if consumer == consumer_name && shard == shard_id))
    }

    /// A KCL application's lease of a shard, in its lease table.
    pub fn lease(&self, consumer_name: &str, shard_id: &str) -> bool {
        self.any(|l| matches!(l, Look::Lease { consumer, shard } if consumer == consumer_name && shard == shard_id))
    }

    /// Whether the step looks at some row of the per-shard lag table.
    pub fn any_reader(&self) -> bool {
        self.any(|l| matches!(l, Look::Reader { .. }))
    }

    pub fn firehose(&self, name: &str) -> bool {
        self.any(|l| matches!(l, Look::Firehose(n) if n == name))
    }

    pub fn video(&self, name: &str) -> bool {
        self.any(|l| matches!(l, Look::Video(n) if n == name))
    }

    pub fn application(&self, name: &str) -> bool {
        self.any(|l| matches!(l, Look::Application(n) if n == name))
    }

    /// The span to shade on `chart` (on its time axis) when the step looks at it.
    pub fn chart(&self, wanted: Chart) -> Option<Span> {
        self.looks.iter().find_map(|look| match look {
            Look::Chart {
                chart,
                from_s,
                to_s,
            } if *chart == wanted => Some(Span {
                from: from_s.map(|s| self.start_s + s),
                to: to_s.map(|s| self.start_s + s),
            }),
            _ => None,
        })
    }
}

/// Outlines `rect` (a lane, a gauge, a player) in amber, a "look here" tag above its right end.
pub fn outline(ui: &egui::Ui, rect: Rect, what: &str) {
    draw(ui, rect.expand(3.0), Some(Tag::Above), what);
}

/// Outlines `rect` (a gauge, a player, charts) with the tag inside its top right corner, where
/// text above would be covered.
pub fn outline_inside(ui: &egui::Ui, rect: Rect, what: &str) {
    draw(ui, rect.expand(3.0), Some(Tag::Inside), what);
}

/// Outlines a table row: no tag, which would cover the rows around it (and a wide row's end may
/// be scrolled out of view).
pub fn outline_row(ui: &egui::Ui, rect: Rect, what: &str) {
    draw(ui, rect.expand(4.0), None, what);
}

enum Tag {
    Above,
    Inside,
}

fn draw(ui: &egui::Ui, frame: Rect, tag: Option<Tag>, what: &str) {
    let painter = ui.painter();
    let amber = amber(ui.visuals());
    painter.rect_stroke(frame, 4.0, Stroke::new(3.0, amber), StrokeKind::Inside);
    if let Some(tag) = tag {
        let font = egui::FontId::proportional(11.0);
        let ink = if ui.visuals().dark_mode {
            Color32::BLACK
        } else {
            Color32::WHITE
        };
        let text = painter.layout_no_wrap("look here".to_owned(), font, ink);
        let size = text.size() + egui::vec2(8.0, 2.0);
        let corner = match tag {
            Tag::Above => frame.right_top() - size,
            Tag::Inside => frame.right_top() + egui::vec2(-size.x - 3.0, 3.0),
        };
        let tag_rect = Rect::from_min_size(corner, size);
        painter.rect_filled(tag_rect, 3.0, amber);
        painter.galley(tag_rect.min + egui::vec2(4.0, 1.0), text, ink);
    }
    if scroll_asked(ui.ctx()) {
        // Its start, with as little scrolling as will do: a wide row begins with its name.
        let start = Rect::from_min_size(
            frame.min,
            egui::vec2(frame.width().min(160.0), frame.height()),
        );
        ui.scroll_to_rect(start, None);
    }
    remember(ui.ctx(), what);
}

/// Asks the views to scroll what they outline in this pass into view (the step has just
/// arrived at its moment: what it points at may be below the fold).
pub fn scroll_into_view(ctx: &egui::Context) {
    let pass = ctx.cumulative_pass_nr();
    ctx.data_mut(|d| d.insert_temp(egui::Id::unique(SCROLL), pass));
}

fn scroll_asked(ctx: &egui::Context) -> bool {
    let pass = ctx.cumulative_pass_nr();
    ctx.data(|d| d.get_temp::<u64>(egui::Id::unique(SCROLL))) == Some(pass)
}

const SCROLL: &str = "spotlight scroll";

/// Outlines a plot and shades `span` of its time axis.
pub fn mark_plot<R>(ui: &egui::Ui, plot: &egui_plot::PlotResponse<R>, span: Span, what: &str) {
    shade_span(ui, plot, span);
    outline_plot(ui, plot.response.rect, what);
}

/// Shades `span` of a plot's time axis, edges drawn.
pub fn shade_span<R>(ui: &egui::Ui, plot: &egui_plot::PlotResponse<R>, span: Span) {
    let frame = *plot.transform.frame();
    let x = |seconds: Option<f64>, edge: f32| {
        seconds.map_or(edge, |s| plot.transform.position_from_point_x(s))
    };
    let (left, right) = (x(span.from, frame.left()), x(span.to, frame.right()));
    let band = Rect::from_x_y_ranges(
        left.max(frame.left())..=right.min(frame.right()),
        frame.y_range(),
    );
    if band.width() > 0.0 {
        let painter = ui.painter_at(frame);
        let amber = amber(ui.visuals());
        painter.rect_filled(band, 0.0, amber.gamma_multiply(0.12));
        for edge in [band.left(), band.right()] {
            painter.vline(edge, frame.y_range(), Stroke::new(1.5, amber));
        }
    }
}

/// Outlines a plot inside its own rect: charts fill their column to its edge.
pub fn outline_plot(ui: &egui::Ui, rect: Rect, what: &str) {
    draw(ui, rect, Some(Tag::Above), what);
}

/// What the last frame outlined, by name (for tests: painting leaves no other trace).
pub fn outlined(ctx: &egui::Context) -> Vec<String> {
    let last_pass = ctx.cumulative_pass_nr().saturating_sub(1);
    ctx.data(|d| d.get_temp::<(u64, Vec<String>)>(egui::Id::unique(OUTLINED)))
        .filter(|(pass, _)| *pass == last_pass)
        .map(|(_, names)| names)
        .unwrap_or_default()
}

const OUTLINED: &str = "spotlight outlined";

fn remember(ctx: &egui::Context, what: &str) {
    let pass = ctx.cumulative_pass_nr();
    ctx.data_mut(|d| {
        let (at, names) =
            d.get_temp_mut_or_default::<(u64, Vec<String>)>(egui::Id::unique(OUTLINED));
        if *at != pass {
            *at = pass;
            names.clear();
        }
        names.push(what.to_owned());
    });
}
