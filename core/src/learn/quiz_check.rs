//! Checking the exam-practice questions as a whole: ids unique, and each "Show me" opening a
//! scenario that exists and reaches the moment it names (run headless to it).

use super::quiz::QuizQuestion;
use crate::sim::scenario::Scenario;
use crate::sim::simulation::Simulation;
use std::collections::{BTreeMap, HashSet};

/// What is wrong with `questions`, one line each (empty when nothing is).
pub fn problems(
    questions: &[QuizQuestion],
    scenario: impl Fn(&str) -> Result<Scenario, String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids = HashSet::new();
    for q in questions {
        if !ids.insert(q.id.as_str()) {
            problems.push(format!("{}: the id is used twice", q.id));
        }
    }
    // Each scenario is run once, to the latest moment any question shows of it.
    let mut moments: BTreeMap<&str, Vec<(&str, f64)>> = BTreeMap::new();
    for q in questions {
        if let Some((name, at)) = &q.show {
            moments.entry(name).or_default().push((&q.id, *at));
        }
    }
    for (name, shown) in moments {
        let scenario = match scenario(name) {
            Ok(s) => s,
            Err(e) => {
                problems.extend(shown.iter().map(|(id, _)| format!("{id}: show: {e}")));
                continue;
            }
        };
        let duration = scenario.duration_seconds;
        for (id, at) in &shown {
            if *at > duration {
                problems.push(format!(
                    "{id}: show: {name} at {at} is past the scenario's end ({duration} s)"
                ));
            }
        }
        let latest = shown
            .iter()
            .map(|(_, at)| *at)
            .fold(0.0, f64::max)
            .min(duration);
        let seed = scenario.seed;
        let mut simulation = Simulation::new(scenario, seed);
        let target_ms = (latest * 1_000.0) as i64;
        while simulation.elapsed_ms() < target_ms {
            simulation.step((target_ms - simulation.elapsed_ms()).min(10_000));
        }
    }
    problems
}
