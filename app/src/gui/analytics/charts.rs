//! What an application computes, drawn on the virtual clock: each closed tumbling window a box
//! over its interval with its rows written in it; the anomaly chart — the input series, the
//! ANOMALY_SCORE beneath it on the same time axis, the threshold dashed, points above it marked;
//! and the hotspots as rectangles over the scatter of the points they were found among.

use super::AnalyticsPanel;
use super::view::{AppDetail, HotspotView, ScoreView, WindowBox};
use crate::gui::learn::spotlight::{self, Span, Spotlight};
use crate::gui::widgets::numbers::axis_time;
use egui::Color32;
use egui_plot::{HLine, Legend, Line, LineStyle, Plot, Points, Polygon, Text};
use kinescope_core::learn::look::Chart;

const ACCENT: Color32 = Color32::from_rgb(110, 170, 230);
const ANOMALY: Color32 = Color32::from_rgb(220, 50, 47);
/// Lines of a window's rows written in its box.
const LINES_IN_BOX: usize = 4;

pub fn show(ui: &mut egui::Ui, panel: &mut AnalyticsPanel, detail: &AppDetail, spot: &Spotlight) {
    let drawn = ui.vertical(|ui| {
        if !detail.windows.is_empty() {
            windows(ui, &detail.windows, spot.chart(Chart::Windows));
        }
        if let Some(scores) = &detail.scores {
            anomaly_chart(ui, panel, scores, spot.chart(Chart::Anomaly));
        }
        if let Some(hotspots) = &detail.hotspots {
            hotspot_chart(ui, hotspots, spot.chart(Chart::Hotspots).is_some());
        }
        if detail.windows.is_empty() && detail.scores.is_none() && detail.hotspots.is_none() {
            ui.label(match detail.status.as_str() {
                "RUNNING" => "Windows appear here as they close, scores as rows are scored.",
                _ => "Start the application to see what its code computes.",
            });
        }
    });
    if spot.application(&detail.name) {
        spotlight::outline_inside(
            ui,
            drawn.response.rect,
            &format!("application {}", detail.name),
        );
    }
}

fn seconds(ms: i64) -> f64 {
    ms as f64 / 1_000.0
}

fn windows(ui: &mut egui::Ui, windows: &[WindowBox], span: Option<Span>) {
    ui.label(egui::RichText::new("Tumbling windows").strong()).on_hover_text(
        "A tumbling window (GROUP BY STEP(ROWTIME BY INTERVAL …) or FLOOR(ROWTIME TO …)) closes \
         once ROWTIME passes its end; only then do its rows enter the next stream",
    );
    let plot = Plot::new("analytics windows")
        .height(170.0)
        .x_axis_label("ROWTIME (virtual time)")
        .x_axis_formatter(|mark, _| axis_time(mark.value))
        .show_y(false)
        .show_axes([true, false])
        .include_y(0.0)
        .include_y(1.0)
        .allow_scroll(false)
        .show(ui, |plot| {
            for (i, window) in windows.iter().enumerate() {
                let (x0, x1) = (seconds(window.start_ms), seconds(window.end_ms));
                let (y0, y1) = (0.05, 0.95);
                let shade = if i % 2 == 0 { 60 } else { 90 };
                plot.polygon(
                    Polygon::new(
                        format!("{} window", window.pump),
                        vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1]],
                    )
                    .fill_color(Color32::from_rgba_unmultiplied(110, 170, 230, shade))
                    .stroke(egui::Stroke::new(1.0, ACCENT)),
                );
                let mut text: Vec<String> =
                    window.lines.iter().take(LINES_IN_BOX).cloned().collect();
                if window.lines.len() > LINES_IN_BOX {
                    text.push(format!("+{} more", window.lines.len() - LINES_IN_BOX));
                }
                plot.text(
                    Text::new(
                        "rows",
                        egui_plot::PlotPoint::new(x0 + (x1 - x0) * 0.04, y1 - 0.04),
                        egui::RichText::new(text.join("\n")).small(),
                    )
                    .anchor(egui::Align2::LEFT_TOP),
                );
            }
        });
    if let Some(span) = span {
        spotlight::mark_plot(ui, &plot, span, "chart windows");
    }
}

fn anomaly_chart(
    ui: &mut egui::Ui,
    panel: &mut AnalyticsPanel,
    scores: &ScoreView,
    span: Option<Span>,
) {
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new("Anomaly scores").strong())
            .on_hover_text(
                "RANDOM_CUT_FOREST scores each row by how much it changes the forest; 0 while the \
             forest learns its first subSampleSize rows (256 by default)",
            );
        ui.label(format!("{} · highest {:.2}", scores.stream, scores.max));
        ui.add(
            egui::Slider::new(&mut panel.threshold, 0.5..=6.0)
                .text("threshold")
                .step_by(0.1),
        );
        if let Some(strongest) = &scores.strongest {
            ui.label(format!("explanation: {strongest} moved most"));
        }
    });
    let threshold = panel.threshold;
    let above: Vec<[f64; 2]> = scores
        .scores
        .iter()
        .filter(|[_, s]| *s > threshold)
        .copied()
        .collect();
    let flagged: Vec<[f64; 2]> = scores
        .input
        .iter()
        .zip(&scores.scores)
        .filter(|(_, [_, s])| *s > threshold)
        .map(|(point, _)| *point)
        .collect();
    let link = egui::Id::unique("analytics anomaly axis");
    if !scores.input.is_empty() {
        let input = Plot::new("analytics input series")
            .height(130.0)
            .legend(Legend::default())
            .link_axis(link, [true, false])
            .y_axis_label(scores.input_name.clone())
            .x_axis_formatter(|mark, _| axis_time(mark.value))
            .show(ui, |plot| {
                plot.line(Line::new(scores.input_name.clone(), scores.input.clone()).color(ACCENT));
                plot.points(
                    Points::new("above the threshold", flagged.clone())
                        .radius(4.0)
                        .color(ANOMALY),
                );
            });
        if let Some(span) = span {
            // The same time axis as the scores below, outlined there: the same span.
            spotlight::shade_span(ui, &input, span);
        }
    }
    let plot = Plot::new("analytics score series")
        .height(130.0)
        .legend(Legend::default())
        .link_axis(link, [true, false])
        .y_axis_label("ANOMALY_SCORE")
        .x_axis_label("ROWTIME (virtual time)")
        .x_axis_formatter(|mark, _| axis_time(mark.value))
        .include_y(0.0)
        .show(ui, |plot| {
            plot.line(
                Line::new("ANOMALY_SCORE", scores.scores.clone()).color(Color32::from_gray(170)),
            );
            plot.hline(
                HLine::new(format!("threshold {threshold:.1}"), threshold)
                    .style(LineStyle::dashed_loose())
                    .color(ANOMALY),
            );
            plot.points(Points::new("anomalies", above).radius(4.0).color(ANOMALY));
        });
    if let Some(span) = span {
        spotlight::mark_plot(ui, &plot, span, "chart anomaly");
    }
}

/// `looked_at`: the lesson points at it (its axes are not time: the whole chart).
fn hotspot_chart(ui: &mut egui::Ui, hotspots: &HotspotView, looked_at: bool) {
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new("Hotspots").strong()).on_hover_text(
            "HOTSPOTS(cursor, windowSize, scanRadius, minimumNumberOfPointsInAHotspot): regions \
             where points have enough neighbours within scanRadius, among the last windowSize",
        );
        ui.label(format!(
            "{} points · {} hotspots",
            hotspots.points.len(),
            hotspots.boxes.len()
        ));
    });
    // Square, so that a hotspot's box keeps its true shape.
    let plot = Plot::new("analytics hotspots")
        .height(300.0)
        .width(340.0)
        .data_aspect(1.0)
        .legend(Legend::default())
        .x_axis_label(hotspots.x_name.clone())
        .y_axis_label(hotspots.y_name.clone())
        .show(ui, |plot| {
            plot.points(
                Points::new("points", hotspots.points.clone())
                    .radius(1.5)
                    .color(Color32::from_gray(150)),
            );
            for (i, (lo, hi, density)) in hotspots.boxes.iter().enumerate() {
                plot.polygon(
                    Polygon::new(
                        format!("hotspot {}", i + 1),
                        vec![
                            [lo[0], lo[1]],
                            [hi[0], lo[1]],
                            [hi[0], hi[1]],
                            [lo[0], hi[1]],
                        ],
                    )
                    .fill_color(Color32::from_rgba_unmultiplied(220, 50, 47, 40))
                    .stroke(egui::Stroke::new(2.0, ANOMALY)),
                );
                plot.text(
                    Text::new(
                        "density",
                        egui_plot::PlotPoint::new(lo[0], hi[1]),
                        format!("density {density:.0}"),
                    )
                    .anchor(egui::Align2::LEFT_BOTTOM)
                    .color(ANOMALY),
                );
            }
        });
    if looked_at {
        spotlight::outline_plot(ui, plot.response.rect, "chart hotspots");
    }
}
