//! Running a lesson headless (`kinescope lessons check`, and the tests): its scenario on the
//! virtual clock, stopping at each step's moment to judge its question and the numbers it
//! teaches against the engine's report there.

use super::lesson::{Lesson, Step};
use super::query::Moments;
use crate::sim::report::Report;
use crate::sim::scenario::Scenario;
use crate::sim::simulation::Simulation;
use serde::Serialize;
use serde_json::Value;

/// How one asserted number came out.
#[derive(Debug, Clone, Serialize)]
pub struct ExpectOutcome {
    pub expect: String,
    pub actual: String,
    pub ok: bool,
}

/// How one step came out.
#[derive(Debug, Clone, Serialize)]
pub struct StepOutcome {
    pub title: String,
    pub at_seconds: f64,
    /// The engine's answer to the step's question and the choice it makes right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correct_choice: Option<String>,
    pub expects: Vec<ExpectOutcome>,
    /// What is wrong with the step at its moment: a question no choice answers, a highlight of
    /// something that is not there.
    pub problems: Vec<String>,
}

/// How a whole lesson came out.
#[derive(Debug, Clone, Serialize)]
pub struct LessonOutcome {
    pub lesson: String,
    pub title: String,
    pub steps: Vec<StepOutcome>,
}

impl LessonOutcome {
    pub fn ok(&self) -> bool {
        self.steps
            .iter()
            .all(|s| s.problems.is_empty() && s.expects.iter().all(|e| e.ok))
    }
}

/// The run's report as JSON, as the lesson's queries read it.
pub fn report_json(simulation: &Simulation) -> Value {
    serde_json::to_value(Report::of(simulation, simulation.scenario().seed, 0)).unwrap_or_default()
}

/// Runs `lesson` on `scenario` from the start, judging each step at its moment.
pub fn run(lesson: &Lesson, scenario: Scenario) -> LessonOutcome {
    let seed = scenario.seed;
    let mut simulation = Simulation::new(scenario, seed);
    let mut before = report_json(&simulation);
    let mut before_seconds = 0.0;
    let duration = simulation.scenario().duration_seconds;
    let mut steps = Vec::new();
    for step in &lesson.steps {
        let mut problems = Vec::new();
        if step.at_seconds < before_seconds {
            problems.push(format!(
                "at: {} comes before the previous step's {}",
                step.at_seconds, before_seconds
            ));
        }
        if step.at_seconds > duration {
            problems.push(format!(
                "at: {} is past the scenario's end ({duration} s)",
                step.at_seconds
            ));
            steps.push(judge(step, Moments::between(&before, &before), problems));
            continue;
        }
        let target_ms = (step.at_seconds * 1_000.0) as i64;
        while simulation.elapsed_ms() < target_ms {
            simulation.step((target_ms - simulation.elapsed_ms()).min(1_000));
        }
        let now = report_json(&simulation);
        let moments = Moments::between(&before, &now);
        steps.push(judge(step, moments, problems));
        before = now;
        before_seconds = step.at_seconds;
    }
    LessonOutcome {
        lesson: lesson.name.clone(),
        title: lesson.title.clone(),
        steps,
    }
}

/// Judges `step` at `moments`: its question, its numbers, its highlights.
pub fn judge(step: &Step, moments: Moments<'_>, mut problems: Vec<String>) -> StepOutcome {
    let (mut answer, mut correct_choice) = (None, None);
    if let Some(question) = &step.question {
        match question.answer.answer(moments) {
            Ok(engine) => {
                match question.correct_choice(&engine) {
                    Ok(i) => correct_choice = Some(question.choices[i].clone()),
                    Err(e) => problems.push(format!("question {:?}: {e}", question.prompt)),
                }
                answer = Some(engine.to_string());
            }
            Err(e) => problems.push(format!("answer: {e}")),
        }
    }
    let expects = step
        .expects
        .iter()
        .map(|expect| match expect.query.answer(moments) {
            Ok(actual) => ExpectOutcome {
                expect: expect.text.clone(),
                ok: expect.compare.holds(&actual),
                actual: actual.to_string(),
            },
            Err(e) => ExpectOutcome {
                expect: expect.text.clone(),
                actual: e,
                ok: false,
            },
        })
        .collect();
    problems.extend(
        step.looks
            .iter()
            .filter_map(|look| look.missing_in(moments.now)),
    );
    StepOutcome {
        title: step.title.clone(),
        at_seconds: step.at_seconds,
        answer,
        correct_choice,
        expects,
        problems,
    }
}

/// The outcome as the lines `kinescope lessons check` prints.
pub fn describe(outcome: &LessonOutcome) -> String {
    let mut out = format!(
        "{} {} — {}\n",
        if outcome.ok() { "ok  " } else { "FAIL" },
        outcome.lesson,
        outcome.title
    );
    for step in &outcome.steps {
        out.push_str(&format!("  [{:>5}s] {}\n", step.at_seconds, step.title));
        if let (Some(answer), Some(choice)) = (&step.answer, &step.correct_choice) {
            out.push_str(&format!(
                "           engine: {answer} → right choice: {choice}\n"
            ));
        }
        for e in &step.expects {
            let mark = if e.ok { "ok  " } else { "FAIL" };
            out.push_str(&format!(
                "    {mark} {}  (engine: {})\n",
                e.expect, e.actual
            ));
        }
        for p in &step.problems {
            out.push_str(&format!("    FAIL {p}\n"));
        }
    }
    out
}
