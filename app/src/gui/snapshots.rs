//! Image snapshots: a few screens rendered with wgpu on Mesa's software renderer and compared with
//! the PNGs in app/tests/snapshots (`UPDATE_SNAPSHOTS=1 cargo test -p kinescope snapshot` rewrites
//! them after an intended change). The Makefile pins WGPU_BACKEND so every machine renders alike.

use super::tests::{inspector_of, step_seconds};
use super::{Inspector, Tab};
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotOptions};

fn harness_of(
    scenario: &str,
    tab: Tab,
    seconds: usize,
    theme: egui::Theme,
) -> Harness<'static, Inspector> {
    let scenario = scenario.to_owned();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 720.0))
        .with_theme(theme)
        // The video decoder thread asks for a repaint with each picture it delivers.
        .with_max_steps(64)
        .wgpu()
        .build_eframe(move |_| {
            let mut inspector = inspector_of(&scenario);
            inspector.open_tab(tab);
            inspector
        });
    harness.run();
    step_seconds(&mut harness, seconds);
    harness
}

/// Font rasterisation may differ by a few edge pixels between Mesa builds; layouts may not.
fn options() -> SnapshotOptions {
    SnapshotOptions::default().max_failed_pixels(200)
}

#[test]
fn snapshot_of_a_hot_shard_on_the_stream_map() {
    let mut harness = harness_of(
        include_str!("../../../assets/scenarios/hot-shard.json"),
        Tab::StreamMap,
        5,
        egui::Theme::Dark,
    );
    harness.snapshot_options("stream_map_hot_shard", &options());
}

#[test]
fn snapshot_of_consumer_lag() {
    let mut harness = harness_of(
        include_str!("../../../assets/scenarios/slow-consumer-lag.json"),
        Tab::ConsumersAndLag,
        20,
        egui::Theme::Dark,
    );
    harness.snapshot_options("consumers_and_lag", &options());
}

#[test]
fn snapshot_of_the_simulators_in_the_light_theme() {
    let mut harness = harness_of(
        include_str!("../../../assets/scenarios/kcl-failover-duplicates.json"),
        Tab::Simulators,
        3,
        egui::Theme::Light,
    );
    harness.snapshot_options("simulators_light", &options());
}

#[test]
fn snapshot_of_a_firehose_buffer_filling() {
    let mut harness = harness_of(
        include_str!("../../../assets/scenarios/firehose-buffering.json"),
        Tab::Firehose,
        70,
        egui::Theme::Dark,
    );
    harness.snapshot_options("firehose_buffer", &options());
}

#[test]
fn snapshot_of_the_demo_camera_on_the_video_tab() {
    let mut harness = harness_of(
        include_str!("../../../assets/scenarios/demo.json"),
        Tab::Video,
        7,
        egui::Theme::Dark,
    );
    // The picture and thumbnails come from the decoder thread: wait for them, as a viewer would.
    for _ in 0..3 {
        harness.run();
        let ctx = harness.ctx.clone();
        harness.state_mut().video.player.wait_for_decoder(&ctx);
    }
    harness.run();
    harness.snapshot_options("video_demo_camera", &options());
}

#[test]
fn snapshot_of_anomaly_scores_on_the_analytics_tab() {
    let mut harness = harness_of(
        include_str!("../../../assets/scenarios/anomaly-detection.json"),
        Tab::Analytics,
        45,
        egui::Theme::Dark,
    );
    harness.snapshot_options("analytics_anomaly_scores", &options());
}

#[test]
fn snapshot_of_a_lesson_step_judged_by_the_engine() {
    let mut harness = harness_of(
        include_str!("../../../assets/scenarios/demo.json"),
        Tab::Learn,
        0,
        egui::Theme::Dark,
    );
    harness.state_mut().learn.run_speed = Some(kinescope_core::clock::Speed::AsFastAsPossible);
    harness.state_mut().learn.request = Some(super::learn::LearnRequest::Open("hot-shards".into()));
    harness.run();
    // The second step: the hot lane and the chart's span outlined once the moment is reached.
    for (pick, request) in [(2, Some(super::learn::LearnRequest::Next)), (1, None)] {
        harness.state_mut().learn.active.as_mut().unwrap().picked = Some(pick);
        harness.state_mut().learn.request = Some(super::learn::LearnRequest::Run);
        for _ in 0..200 {
            harness.step();
        }
        harness.run();
        if let Some(request) = request {
            harness.state_mut().learn.request = Some(request);
            harness.run();
        }
    }
    assert!(harness.state().learn.outcome().is_some());
    harness.snapshot_options("learn_lesson_step", &options());
}

#[test]
fn snapshot_of_an_exam_practice_question() {
    let mut harness = harness_of(
        include_str!("../../../assets/scenarios/demo.json"),
        Tab::Learn,
        0,
        egui::Theme::Dark,
    );
    let learn = &mut harness.state_mut().learn;
    learn.section = super::learn::Section::Practice;
    learn.practice.seed = Some(3);
    harness.run();
    harness.get_by_label("Data Streams (90)").click();
    harness.run();
    harness.state_mut().learn.practice.picked = vec![0];
    harness.get_by_label("Submit").click();
    harness.run();
    harness.snapshot_options("learn_exam_practice", &options());
}
