//! The Video tab's layout: the stream's summary, the player with its modes, the timeline, and
//! the ways video gets in (a file, a simulated camera).

use super::player::{Mode, fragment_at};
use super::timeline::{self, MAX_SPAN_MS};
use super::view::VideoStreamView;
use crate::gui::dialogs::Purpose;
use crate::gui::learn::spotlight;
use crate::gui::widgets::numbers::{bytes_text, span_text};
use crate::gui::{Action, Inspector};
use kinescope_core::time::Timestamp;

/// Spans the zoom buttons offer.
const SPANS: [(&str, i64); 5] = [
    ("1 min", 60_000),
    ("10 min", 600_000),
    ("1 h", 3_600_000),
    ("1 day", 86_400_000),
    ("7 days", 7 * 86_400_000),
];

pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    if app.view.video_streams.is_empty() {
        no_streams(ui, app);
        return;
    }
    let selected = app
        .selection
        .video_stream
        .clone()
        .filter(|name| app.view.video_streams.iter().any(|s| &s.name == name))
        .unwrap_or_else(|| app.view.video_streams[0].name.clone());
    app.selection.video_stream = Some(selected.clone());
    let Some(stream) = app
        .view
        .video_streams
        .iter()
        .find(|s| s.name == selected)
        .cloned()
    else {
        return;
    };
    let archive = std::mem::take(&mut app.view.video_archive);
    if app.video.player.select(&stream.name) {
        app.video.timeline = timeline::Timeline::default();
    }
    summary(ui, app, &stream);
    ui.add_space(4.0);
    let now = app.view.now_ms;
    let player = &mut app.video.player;
    player.advance(&archive, now);
    player.update_picture(ui.ctx(), &archive);
    controls(ui, app, &archive);
    let picture_height = (ui.available_height() - 200.0).max(120.0);
    let shown = picture(ui, app, &archive, picture_height);
    if app.spotlight.video(&stream.name) {
        spotlight::outline_inside(ui, shown, &format!("video {}", stream.name));
    }
    ui.add_space(4.0);
    zoom(ui, app);
    let seek = timeline::show(
        ui,
        &mut app.video.timeline,
        &mut app.video.player,
        &archive,
        stream.retention_hours,
        now,
    );
    if let Some(at) = seek {
        app.video.player.seek(at, &archive);
    }
    ui.add_space(6.0);
    sources(ui, app, &stream);
    app.view.video_archive = archive;
}

fn summary(ui: &mut egui::Ui, app: &mut Inspector, stream: &VideoStreamView) {
    ui.horizontal(|ui| {
        if app.view.video_streams.len() > 1 {
            let mut chosen = stream.name.clone();
            egui::ComboBox::from_id_salt("video stream")
                .selected_text(&chosen)
                .show_ui(ui, |ui| {
                    for s in &app.view.video_streams {
                        ui.selectable_value(&mut chosen, s.name.clone(), &s.name);
                    }
                });
            if chosen != stream.name {
                app.selection.video_stream = Some(chosen);
            }
        } else {
            ui.strong(&stream.name);
        }
        let kept = match stream.retention_hours {
            0 => "no retention (5-minute host buffer)".to_owned(),
            h => format!("kept {h} h"),
        };
        ui.label(format!(
            "{} · {kept} · {} fragments · {} · {}",
            stream.status,
            stream.fragments,
            bytes_text(stream.bytes),
            stream.media_type.as_deref().unwrap_or("no media type")
        ))
        .on_hover_text(
            "DataRetentionInHours: 0 keeps nothing (GetMedia reads a 5-minute host buffer), \
             otherwise 1 to 87,600 hours; each fragment is deleted that long after it arrived",
        );
    });
}

fn controls(ui: &mut egui::Ui, app: &mut Inspector, archive: &[super::view::FragmentMark]) {
    let player = &mut app.video.player;
    ui.horizontal(|ui| {
        for mode in [Mode::Live, Mode::LiveReplay, Mode::OnDemand] {
            let hint = match mode {
                Mode::Live => "The newest fragment as it arrives (HLS / DASH PlaybackMode LIVE)",
                Mode::LiveReplay => {
                    "From the playhead on, into what arrives meanwhile (LIVE_REPLAY)"
                }
                Mode::OnDemand => {
                    "From the playhead to the end of the archive as it is now (ON_DEMAND)"
                }
            };
            if ui
                .selectable_label(player.mode == mode, mode.label())
                .on_hover_text(hint)
                .clicked()
            {
                player.set_mode(mode, archive);
            }
        }
        ui.separator();
        let label = match player.mode != Mode::Live && !player.playing {
            true => "Play",
            false => "Pause",
        };
        if ui.button(label).clicked() {
            player.toggle(archive);
        }
        if let Some(fragment) = fragment_at(archive, player.playhead_ms) {
            ui.monospace(Timestamp(player.playhead_ms).iso8601())
                .on_hover_text(format!(
                    "Producer time of the picture, in fragment {}",
                    fragment.number
                ));
        }
    });
}

fn picture(
    ui: &mut egui::Ui,
    app: &mut Inspector,
    archive: &[super::view::FragmentMark],
    height: f32,
) -> egui::Rect {
    let player = &app.video.player;
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(ui.available_width(), height),
        egui::Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, egui::Color32::BLACK);
    let here = fragment_at(archive, player.playhead_ms);
    let message = match (&player.texture, here, &player.error) {
        (_, _, Some(error)) => Some(error.clone()),
        (_, None, _) if archive.is_empty() => {
            Some("Nothing archived yet: start a camera or send a file".into())
        }
        (_, None, _) => Some("No video at this time (a gap, or outside the archive)".into()),
        (None, Some(_), _) => Some("Decoding…".into()),
        (Some(_), Some(_), _) => None,
    };
    if let (Some(texture), Some(_)) = (&player.texture, here) {
        let size = texture.size_vec2();
        let scale = (rect.width() / size.x).min(rect.height() / size.y);
        let image = egui::Rect::from_center_size(rect.center(), size * scale);
        painter.image(
            texture.id(),
            image,
            egui::Rect::from_min_max(egui::Pos2::ZERO, egui::pos2(1.0, 1.0)),
            egui::Color32::WHITE,
        );
    }
    if let Some(message) = message {
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            message,
            egui::FontId::proportional(16.0),
            egui::Color32::LIGHT_GRAY,
        );
    }
    let badge = match player.mode {
        Mode::Live => "LIVE",
        Mode::LiveReplay => "LIVE REPLAY",
        Mode::OnDemand => "ON DEMAND",
    };
    painter.text(
        rect.left_top() + egui::vec2(10.0, 8.0),
        egui::Align2::LEFT_TOP,
        badge,
        egui::FontId::proportional(14.0),
        egui::Color32::from_rgb(240, 180, 60),
    );
    rect
}

fn zoom(ui: &mut egui::Ui, app: &mut Inspector) {
    let timeline = &mut app.video.timeline;
    ui.horizontal(|ui| {
        ui.label(format!("Timeline: {}", span_text(timeline.span_ms)))
            .on_hover_text("Scroll over the timeline to zoom, shift-scroll to move along it; click or drag to seek");
        for (label, span) in SPANS {
            if ui
                .selectable_label(!timeline.auto && timeline.span_ms == span, label)
                .clicked()
            {
                timeline.zoom(span.min(MAX_SPAN_MS));
            }
        }
        ui.checkbox(&mut timeline.follow, "Follow the clock");
    });
}

fn sources(ui: &mut egui::Ui, app: &mut Inspector, stream: &VideoStreamView) {
    ui.horizontal(|ui| {
        ui.label("Send a file:");
        ui.add(
            egui::TextEdit::singleline(&mut app.video.ingest_path)
                .hint_text("path to .mkv, .webm, .mp4, .ts")
                .desired_width(280.0),
        );
        if ui.button("Open file…").clicked() {
            app.ask_for_path(Purpose::IngestVideo, ui.ctx());
        }
        let path = app.video.ingest_path.trim().to_owned();
        if ui
            .add_enabled(!path.is_empty(), egui::Button::new("Send file"))
            .on_hover_text(
                "PutMedia, fragment by fragment (MP4 and other files remuxed without re-encoding)",
            )
            .clicked()
        {
            app.act(Action::IngestVideo {
                stream: stream.name.clone(),
                path: path.into(),
            });
        }
        ui.separator();
        if stream.cameras.is_empty() && ui.button("Add a camera").clicked() {
            app.act(Action::AddCamera {
                stream: stream.name.clone(),
            });
        }
        for camera in &stream.cameras {
            let state = match (camera.running, &camera.last_error) {
                (false, _) => "off".to_owned(),
                (true, Some(error)) => format!("failing: {error}"),
                (true, None) => "sending".to_owned(),
            };
            ui.label(format!(
                "{} {}×{} {} fps · {state} · {} fragments",
                camera.name, camera.width, camera.height, camera.fps, camera.fragments_sent
            ));
            let label = if camera.running {
                "Stop camera"
            } else {
                "Start camera"
            };
            if ui.button(label).clicked() {
                app.act(Action::SetPaused {
                    name: camera.name.clone(),
                    paused: camera.running,
                });
            }
        }
    });
}

fn no_streams(ui: &mut egui::Ui, app: &mut Inspector) {
    ui.label("No video streams in this world.");
    ui.label(
        "Create one here (or with `aws kinesisvideo create-stream`), then send a file or add \
         a simulated camera; the demo scenario has one.",
    );
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut app.video.new_stream)
                .hint_text("stream name")
                .desired_width(180.0),
        );
        ui.add(
            egui::TextEdit::singleline(&mut app.video.new_retention)
                .hint_text("retention hours (24)")
                .desired_width(140.0),
        );
        if ui.button("Create video stream").clicked() {
            let retention = app.video.new_retention.trim();
            match retention.parse::<i64>() {
                Ok(hours) => app.act(Action::CreateVideoStream {
                    name: app.video.new_stream.trim().to_owned(),
                    retention_hours: hours,
                }),
                Err(_) if retention.is_empty() => app.act(Action::CreateVideoStream {
                    name: app.video.new_stream.trim().to_owned(),
                    retention_hours: 24,
                }),
                Err(_) => app
                    .notices
                    .push(format!("{retention:?} is not a number of hours")),
            }
        }
    });
}
