//! The Video tab driven as a person would: the demo's camera seen live, playing back on demand,
//! the camera stopped and started, a file sent in, a stream created where there was none.

use crate::gui::Tab;
use crate::gui::tests::{harness, harness_of, settle, step_seconds};
use crate::gui::video::player::Mode;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

type Inspector = crate::gui::Inspector;

/// Runs frames until the decoder thread has answered what the tab asked for.
fn decoded(harness: &mut Harness<'_, Inspector>) {
    for _ in 0..3 {
        harness.run();
        let ctx = harness.ctx.clone();
        harness.state_mut().video.player.wait_for_decoder(&ctx);
    }
    harness.run();
}

fn open_video(harness: &mut Harness<'_, Inspector>) {
    harness.get_by_label("Video").click();
    harness.run();
    assert_eq!(harness.state().tab, Tab::Video);
}

#[test]
fn the_demo_camera_plays_live_and_on_demand() {
    let mut harness = harness();
    open_video(&mut harness);
    step_seconds(&mut harness, 7);
    decoded(&mut harness);
    let state = harness.state();
    assert_eq!(state.selection.video_stream.as_deref(), Some("porch"));
    let archive = &state.view.video_archive;
    assert_eq!(
        archive.len(),
        3,
        "a two-second fragment for each two seconds"
    );
    let player = &state.video.player;
    assert!(player.texture.is_some(), "a decoded picture is shown");
    let (shown, _) = player.shown().unwrap();
    assert_eq!(
        shown,
        &archive.last().unwrap().number,
        "live: the newest fragment"
    );

    harness.get_by_label("On demand").click();
    harness.run();
    let first = harness.state().view.video_archive[0].clone();
    harness
        .state_mut()
        .video
        .player
        .seek(first.producer_ms + 500, std::slice::from_ref(&first));
    decoded(&mut harness);
    let player = &harness.state().video.player;
    assert_eq!(player.mode, Mode::OnDemand);
    assert_eq!(
        player.shown().unwrap().0,
        first.number,
        "the picture seeked to"
    );
    harness.get_by_label("Live").click();
    harness.run();
    assert_eq!(harness.state().video.player.mode, Mode::Live);
}

#[test]
fn the_camera_stops_and_starts() {
    let mut harness = harness();
    open_video(&mut harness);
    harness.get_by_label("Stop camera").click();
    harness.run();
    step_seconds(&mut harness, 6);
    assert!(
        harness.state().view.video_archive.is_empty(),
        "stopped: nothing sent"
    );
    harness.get_by_label("Start camera").click();
    harness.run();
    step_seconds(&mut harness, 4);
    assert_eq!(harness.state().view.video_archive.len(), 2);
}

#[test]
fn a_file_is_sent_in_and_a_stream_created_where_there_was_none() {
    let mut harness = harness_of(include_str!(
        "../../../../assets/scenarios/firehose-buffering.json"
    ));
    open_video(&mut harness);
    harness.get_by_label("Create video stream").click();
    harness.run();
    settle(&mut harness);
    let notices = harness.state().notices.clone();
    assert!(
        notices
            .iter()
            .any(|n| n.contains("InvalidArgumentException")),
        "an empty name is refused with AWS's error: {notices:?}"
    );
    harness.state_mut().video.new_stream = "garage".into();
    harness.get_by_label("Create video stream").click();
    harness.run();
    step_seconds(&mut harness, 1);
    assert_eq!(harness.state().view.video_streams[0].name, "garage");
    // The file dialog (answered as a person would pick the sample) sends the file at once.
    harness.state_mut().dialogs =
        crate::gui::dialogs::Dialogs::with_picker(crate::gui::workflow_tests::dialog_path);
    harness.get_by_label("Open file…").click();
    harness.step();
    settle(&mut harness);
    assert!(harness.state().video.ingest_path.ends_with("sample.mkv"));
    let notices = harness.state().notices.clone();
    assert!(
        notices.iter().any(|n| n.contains("5 fragments persisted")),
        "{notices:?}"
    );
    harness.run();
    assert_eq!(harness.state().view.video_archive.len(), 5);
    harness.get_by_label("Add a camera").click();
    harness.run();
    assert_eq!(
        harness.state().view.video_streams[0].cameras[0].name,
        "garage-camera"
    );
}

#[test]
fn a_typed_path_that_is_not_video_is_refused_in_words() {
    let mut harness = harness();
    open_video(&mut harness);
    harness.state_mut().video.ingest_path = "/etc/hostname".into();
    harness.get_by_label("Send file").click();
    harness.step();
    settle(&mut harness);
    let notices = harness.state().notices.clone();
    assert!(
        notices
            .iter()
            .any(|n| n.contains("cannot be read as video")),
        "{notices:?}"
    );
}
