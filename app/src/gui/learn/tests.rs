//! A lesson followed as a student would: started from the Learn tab, a prediction picked before
//! the scenario runs, the run stopping at the step's moment, the verdict given by the engine's
//! answer — the same answer `kinescope lessons check` finds headless — and the lesson finished.

use super::spotlight;
use crate::gui::Tab;
use crate::gui::tests::harness;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kinescope_core::clock::Speed;
use kinescope_core::learn::lesson::Step;
use kinescope_core::learn::look::Look;
use kinescope_core::learn::{catalog, check};

type Inspector = crate::gui::Inspector;

/// Runs frames until the step's moment is reached and judged (the world runs as fast as it can
/// in virtual time: no wall clock decides anything).
fn run_to_moment(harness: &mut Harness<'_, Inspector>) {
    harness.get_by_label_contains("and see").click();
    for _ in 0..5_000 {
        harness.step();
        if harness.state().learn.outcome().is_some() {
            break;
        }
    }
    harness.run();
}

/// What the step's looks outline once its moment is reached, as the views name them (a chart
/// by its name alone: the span is shaded inside it).
fn outline_names(step: &Step) -> Vec<String> {
    step.looks
        .iter()
        .map(|look| match look {
            Look::Chart { chart, .. } => format!("chart {}", chart.name()),
            other => other.to_string(),
        })
        .collect()
}

fn assert_outlined(harness: &Harness<'_, Inspector>, step: &Step) {
    let outlined = spotlight::outlined(&harness.ctx);
    for name in outline_names(step) {
        assert!(outlined.contains(&name), "{name} not in {outlined:?}");
    }
}

fn predict(harness: &mut Harness<'_, Inspector>, choice: &str) {
    harness.get_by_label(choice).click();
    harness.run();
}

#[test]
fn a_student_predicts_watches_and_is_told_why_through_a_whole_lesson() {
    let mut harness = harness();
    harness.get_by_label("Learn").click();
    harness.run();
    harness.state_mut().learn.run_speed = Some(Speed::AsFastAsPossible);
    harness
        .get_by_label("Start The write limit and hot shards")
        .click();
    harness.run();
    assert_eq!(
        harness.state().tab,
        Tab::StreamMap,
        "the step looks at the stream"
    );
    assert_eq!(harness.state().view.scenario.as_deref(), Some("hot-shard"));
    harness.get_by_label("Pick your prediction first.");
    assert_eq!(
        harness.state().view.scenario_elapsed_ms,
        0,
        "nothing runs before the prediction"
    );

    // Step 1: a wrong prediction, corrected by what the engine shows at 0:05.
    predict(&mut harness, "shardId-000000000000");
    run_to_moment(&mut harness);
    assert_eq!(
        harness.state().view.scenario_elapsed_ms,
        5_000,
        "paused exactly at the moment"
    );
    assert_eq!(harness.state().world.speed(), Speed::Paused);
    harness.get_by_label(
        "Not this time: the engine shows shardId-000000000002, so the answer is shardId-000000000002.",
    );
    harness.get_by_label_contains("The hot key's MD5 falls");
    harness.get_by_label("Next step").click();
    harness.run();

    // Step 2: the stream is shown, but the hot lane is neither selected nor outlined before the
    // prediction (that would give it away); at the moment both are, and the chart's span.
    assert_eq!(harness.state().selection.shard, None);
    assert_eq!(spotlight::outlined(&harness.ctx), Vec::<String>::new());
    predict(&mut harness, "1,000 records/s");
    run_to_moment(&mut harness);
    let shard = harness.state().selection.shard.map(|s| s.to_string());
    assert_eq!(shard.as_deref(), Some("shardId-000000000002"));
    assert_eq!(
        spotlight::outlined(&harness.ctx),
        ["lane clicks/shardId-000000000002", "chart throughput"]
    );
    harness.get_by_label(
        "Look at: lane clicks/shardId-000000000002, chart throughput 5–30 s (outlined)",
    );
    harness.get_by_label("Right: the engine shows 1000.");
    harness.get_by_label_contains(
        "max(rate(/streams/0/shards/*/IncomingRecords)) = 1,000 ± 1%: 1000 (holds)",
    );
    harness.get_by_label("Next step").click();
    harness.run();

    // Step 3, then back to the Learn tab.
    predict(&mut harness, "22 %");
    run_to_moment(&mut harness);
    harness.get_by_label_contains("Right: the engine shows 21.9");
    harness.get_by_label("Finish the lesson").click();
    harness.run();
    assert!(harness.state().learn.active.is_none());
    assert_eq!(harness.state().tab, Tab::Learn);
}

#[test]
fn the_app_judges_each_step_as_the_headless_check_does() {
    // Minute windows too: a lesson runs from a whole minute in the app as headless.
    for name in ["kcl-leases", "windowed-sql"] {
        let lesson = catalog::lesson(name).unwrap();
        let headless = check::run(&lesson, catalog::scenario(&lesson.scenario).unwrap());
        let mut harness = harness();
        harness.state_mut().learn.run_speed = Some(Speed::AsFastAsPossible);
        harness.state_mut().learn.request = Some(super::LearnRequest::Open(name.into()));
        harness.run();
        for (i, expected) in headless.steps.iter().enumerate() {
            // The choice's words also name things in the view: the prediction is set directly.
            harness.state_mut().learn.active.as_mut().unwrap().picked = Some(0);
            harness.run();
            run_to_moment(&mut harness);
            let outcome = harness.state().learn.outcome().cloned().unwrap();
            assert_eq!(outcome.answer, expected.answer, "{name} step {i}");
            assert_eq!(
                outcome.correct_choice, expected.correct_choice,
                "{name} step {i}"
            );
            assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
            assert_outlined(&harness, &lesson.steps[i]);
            harness.state_mut().learn.request = Some(super::LearnRequest::Next);
            harness.run();
        }
        assert!(harness.state().learn.active.is_none());
    }
}

#[test]
fn each_step_outlines_what_it_looks_at_in_every_service() {
    // Lanes, the throughput chart, a lease row and the windows chart are walked above; here a
    // reader's row and the lag chart, a buffer gauge and the flushes chart, the anomaly chart,
    // and a video player.
    for name in [
        "shared-vs-enhanced-fan-out",
        "firehose-buffering",
        "anomaly-detection",
        "video-retention-playback",
    ] {
        let lesson = catalog::lesson(name).unwrap();
        let mut harness = harness();
        harness.state_mut().learn.run_speed = Some(Speed::AsFastAsPossible);
        harness.state_mut().learn.request = Some(super::LearnRequest::Open(name.into()));
        harness.run();
        for step in &lesson.steps {
            harness.state_mut().learn.active.as_mut().unwrap().picked = Some(0);
            harness.run();
            assert!(step.question.is_some(), "these lessons ask at every step");
            run_to_moment(&mut harness);
            assert_outlined(&harness, step);
            harness.state_mut().learn.request = Some(super::LearnRequest::Next);
            harness.run();
        }
    }
}
