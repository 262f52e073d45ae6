//! The Learn tab driven as a student would: a whole mock exam answered and scored, every
//! explanation shown at the end with its "Show me"; a topic practised with the verdict at once;
//! a missed question back first next time; "Which service?" pointing at a lesson; the shard
//! calculator's formula and its answer run as a scenario.

use super::Section;
use crate::gui::Tab;
use crate::gui::tests::harness;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use kinescope_core::clock::Speed;
use kinescope_core::learn::practice::MOCK_EXAM_QUESTIONS;

type Inspector = crate::gui::Inspector;

fn open_practice(harness: &mut Harness<'_, Inspector>) {
    harness.get_by_label("Learn").click();
    harness.run();
    harness.get_by_label("Exam practice").click();
    harness.run();
    let practice = &mut harness.state_mut().learn.practice;
    practice.seed = Some(42);
    harness.state_mut().learn.run_speed = Some(Speed::AsFastAsPossible);
}

/// The right choices of the question being asked.
fn right_choices(harness: &Harness<'_, Inspector>) -> Vec<usize> {
    let practice = &harness.state().learn.practice;
    let session = practice.session.as_ref().unwrap();
    practice.questions[session.question().unwrap()]
        .correct
        .clone()
}

#[test]
fn a_mock_exam_is_answered_to_the_end_and_each_explanation_shown() {
    let mut harness = harness();
    open_practice(&mut harness);
    harness
        .get_by_label_contains("Mock exam: 65 questions")
        .click();
    harness.run();
    for n in 0..MOCK_EXAM_QUESTIONS {
        harness.get_by_label_contains(&format!("Question {} of 65", n + 1));
        // Every even question answered right, every odd one wrong.
        let right = right_choices(&harness);
        let picked = match n % 2 {
            0 => right,
            _ => vec![(right[0] + 1) % 4],
        };
        harness.state_mut().learn.practice.picked = picked;
        harness.get_by_label("Submit").click();
        harness.run();
    }
    harness.get_by_label("33 of 65 right (50 %)");
    let history = &harness.state().learn.practice.history;
    assert_eq!(history.sessions.last().unwrap().kind, "mock exam");
    assert_eq!(
        history.in_review().count(),
        32,
        "the missed ones wait for review"
    );
    // The results show each question's explanation; a "Show me" opens its scenario (the one
    // with the earliest moment, so the run there stays short).
    let at = |label: &str| -> f64 {
        let seconds = label.rsplit(" at ").next().unwrap().trim_end_matches(" s");
        seconds.parse().unwrap()
    };
    let labels: Vec<String> = harness
        .get_all_by_label_contains("Show me: ")
        .map(|node| node.accesskit_node().label().unwrap_or_default())
        .collect();
    let earliest = labels
        .iter()
        .min_by(|a, b| at(a).total_cmp(&at(b)))
        .unwrap();
    let moment_ms = (at(earliest) * 1_000.0) as i64;
    harness.get_by_label(earliest).scroll_to_me();
    harness.run();
    harness.get_by_label(earliest).click();
    harness.run();
    for _ in 0..500 {
        harness.step();
        if harness.state().world.speed() == Speed::Paused {
            break;
        }
    }
    harness.run();
    assert_ne!(
        harness.state().tab,
        Tab::Learn,
        "the scenario's view is shown"
    );
    assert_eq!(
        harness.state().view.scenario_elapsed_ms,
        moment_ms,
        "{earliest}"
    );
    assert_eq!(harness.state().world.speed(), Speed::Paused);
}

#[test]
fn a_topic_is_practised_with_the_verdict_at_once_and_a_miss_comes_back_first() {
    let mut harness = harness();
    open_practice(&mut harness);
    harness.get_by_label("Firehose (45)").click();
    harness.run();
    let missed = {
        let practice = &harness.state().learn.practice;
        let session = practice.session.as_ref().unwrap();
        practice.questions[session.question().unwrap()].id.clone()
    };
    let wrong = (right_choices(&harness)[0] + 1) % 4;
    harness.state_mut().learn.practice.picked = vec![wrong];
    harness.get_by_label("Submit").click();
    harness.run();
    harness.get_by_label("Not this time.");
    harness.get_by_label("Next question").click();
    harness.run();
    harness.get_by_label("Question 2 of 45 · Firehose");
    harness.get_by_label("End session").click();
    harness.run();
    harness.get_by_label("1 missed questions waiting for review");
    harness.state_mut().learn.practice.seed = Some(7);
    harness.get_by_label("Firehose (45)").click();
    harness.run();
    let practice = &harness.state().learn.practice;
    let first = practice.session.as_ref().unwrap().question().unwrap();
    assert_eq!(
        practice.questions[first].id, missed,
        "the missed question first"
    );
}

#[test]
fn which_service_names_the_service_and_opens_its_lesson() {
    let mut harness = harness();
    harness.get_by_label("Learn").click();
    harness.run();
    harness.get_by_label("Which service?").click();
    harness.run();
    assert_eq!(harness.state().learn.section, Section::WhichService);
    harness
        .get_by_label_contains("Do several applications read the same data")
        .click();
    harness
        .get_by_label_contains("without writing a consumer")
        .click();
    harness.run();
    harness.get_by_label("Use Kinesis Data Streams");
    harness.get_by_label("With Amazon Data Firehose (reading the data stream)");
    harness
        .get_by_label("Lesson: Shared throughput or enhanced fan-out")
        .click();
    harness.run();
    let active = harness.state().learn.active.as_ref().unwrap();
    assert_eq!(active.lesson.name, "shared-vs-enhanced-fan-out");
}

#[test]
fn the_shard_calculator_shows_its_formula_and_runs_its_answer() {
    let mut harness = harness();
    harness.get_by_label("Learn").click();
    harness.run();
    harness.get_by_label("Calculators").click();
    harness.run();
    // The defaults: 2,500 records/s of 500 bytes, two applications sharing the reads.
    harness.get_by_label("3 shards");
    harness.get_by_label_contains("2,500 records/s / 1,000 = 3");
    // 500 KB/s fills 5 MiB in 10.5 s, long before 300 s.
    harness.get_by_label_contains("The size hint is reached first: a record waits at most 10.5 s");
    harness
        .get_by_label("Run it: 3 shards with this workload")
        .click();
    harness.run();
    assert_eq!(harness.state().tab, Tab::StreamMap);
    assert_eq!(harness.state().view.scenario.as_deref(), Some("calculated"));
    assert_eq!(harness.state().view.streams[0].open_shards().count(), 3);
}
