//! Learn mode: the Learn tab (the lessons), and the lesson card beside whatever view a lesson's
//! step looks at. A lesson loads its scenario paused, runs it to each step's moment and stops
//! there exactly (SharedWorld::run_until); the learner's prediction is judged by the engine's
//! answer at that moment (learn::check::judge), as `kinescope lessons check` judges it headless.

pub mod calculators;
pub mod card;
pub mod practice;
pub mod spotlight;
pub mod tab;
pub mod which_service;

#[cfg(test)]
mod tab_tests;
#[cfg(test)]
mod tests;

use super::{Inspector, Tab};
use kinescope_core::clock::Speed;
use kinescope_core::learn::catalog;
use kinescope_core::learn::check::{self, StepOutcome};
use kinescope_core::learn::lesson::Lesson;
use kinescope_core::learn::look::{Look, View};
use kinescope_core::learn::query::Moments;
use kinescope_core::streams::shapes::ShardId;
use serde_json::Value;

/// Ten times real time: fast enough not to wait, slow enough to watch.
pub const WATCH_SPEED: f64 = 10.0;

/// How fast a lesson runs to a moment `gap_s` virtual seconds on: at [`WATCH_SPEED`], or faster
/// when the gap is long (a day of retention), so no moment is more than about fifteen seconds
/// away.
pub fn lesson_speed(gap_s: f64) -> Speed {
    Speed::Factor((gap_s / 15.0).max(WATCH_SPEED))
}

/// A right answer, and a wrong one.
pub const GOOD: egui::Color32 = egui::Color32::from_rgb(0x3f, 0xb9, 0x50);
pub const BAD: egui::Color32 = egui::Color32::from_rgb(0xe5, 0x53, 0x4b);

/// What the Learn panel asks the next `logic()` to do.
#[derive(Debug, Clone, PartialEq)]
pub enum LearnRequest {
    Open(String),
    /// Run the scenario to the step's moment (after the prediction).
    Run,
    Next,
    Close,
    /// Open a shipped scenario at a virtual second (a question's "Show me").
    ShowMe(String, f64),
    /// Run a scenario made here (a calculator's answer), from its JSON text.
    RunScenario(String),
}

/// A lesson being followed.
#[derive(Debug, Clone)]
pub struct ActiveLesson {
    pub lesson: Lesson,
    pub step: usize,
    /// The report at the previous step's moment (the start, for the first step) and that moment.
    before: (Value, f64),
    /// The step judged once its moment is reached.
    pub outcome: Option<StepOutcome>,
    /// The choice the learner picked before running to the moment.
    pub picked: Option<usize>,
    /// Whether the scenario runs (or has run) to the step's moment.
    pub running: bool,
}

impl ActiveLesson {
    pub fn current(&self) -> &kinescope_core::learn::lesson::Step {
        &self.lesson.steps[self.step]
    }

    pub fn is_last_step(&self) -> bool {
        self.step + 1 == self.lesson.steps.len()
    }

    /// The step's moment in virtual ms since the scenario started.
    pub fn moment_ms(&self) -> i64 {
        (self.current().at_seconds * 1_000.0) as i64
    }
}

/// The Learn tab's and the lesson card's state.
#[derive(Debug)]
pub struct LearnPanel {
    /// How fast a step runs to its moment (tests fix it; else from the gap).
    pub run_speed: Option<Speed>,
    /// What the Markdown viewer keeps between frames.
    pub markdown: egui_commonmark::CommonMarkCache,
    pub active: Option<ActiveLesson>,
    pub request: Option<LearnRequest>,
    /// The lessons that ship, parsed once.
    pub lessons: Vec<Lesson>,
    /// Why the shipped lessons could not be read, if they could not.
    pub catalog_error: Option<String>,
    /// Which part of the Learn tab is open.
    pub section: Section,
    /// Exam practice.
    pub practice: practice::PracticePanel,
    /// "Which service?": the workload's yes/no answers.
    pub workload: kinescope_core::learn::which_service::Answers,
    /// The calculators' inputs.
    pub calculators: calculators::Inputs,
}

impl LearnPanel {
    /// How the lesson's current step came out, once its moment is reached.
    pub fn outcome(&self) -> Option<&StepOutcome> {
        self.active.as_ref()?.outcome.as_ref()
    }
}

/// The parts of the Learn tab.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Section {
    #[default]
    Lessons,
    Practice,
    WhichService,
    Calculators,
}

impl Default for LearnPanel {
    fn default() -> Self {
        let (lessons, catalog_error) = match catalog::lessons() {
            Ok(lessons) => (lessons, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        Self {
            run_speed: None,
            markdown: Default::default(),
            active: None,
            request: None,
            lessons,
            catalog_error,
            section: Section::default(),
            practice: practice::PracticePanel::default(),
            workload: Default::default(),
            calculators: calculators::Inputs::default(),
        }
    }
}

/// Carries out the panel's request, and judges the step once the world has stopped at its
/// moment.
pub fn logic(app: &mut Inspector, ctx: &egui::Context) {
    match app.learn.request.take() {
        Some(LearnRequest::Open(name)) => {
            if let Err(e) = open(app, &name) {
                app.notices.push(e);
            }
        }
        Some(LearnRequest::Run) => run_to_moment(app),
        Some(LearnRequest::Next) => next(app),
        Some(LearnRequest::Close) => {
            app.learn.active = None;
            app.world.cancel_pause();
        }
        Some(LearnRequest::ShowMe(scenario, at_seconds)) => {
            if let Err(e) = show_me(app, &scenario, at_seconds) {
                app.notices.push(e);
            }
        }
        Some(LearnRequest::RunScenario(text)) => {
            let loaded = kinescope_core::sim::scenario::Scenario::from_json(&text)
                .map_err(|e| e.to_string())
                .and_then(|scenario| load(app, scenario));
            match loaded {
                Ok(_) => {
                    app.tab = Tab::StreamMap;
                    app.world.set_speed(Speed::Factor(WATCH_SPEED));
                }
                Err(e) => app.notices.push(e),
            }
        }
        None => {}
    }
    let Some(active) = &mut app.learn.active else {
        return;
    };
    if active.outcome.is_some() {
        return;
    }
    if !active.running {
        // Time waits for the prediction: the moment must not be seen before it is made.
        if app.world.speed() != Speed::Paused {
            app.world.set_speed(Speed::Paused);
            app.notices
                .push("The lesson holds time until you predict and press Run".into());
        }
        return;
    }
    let moment = active.moment_ms();
    let reached = app.world.read_running(|_, sim| {
        sim.filter(|s| s.elapsed_ms() >= moment)
            .map(check::report_json)
    });
    let Some(now) = reached else {
        return;
    };
    if app.world.speed() != Speed::Paused {
        app.world.set_speed(Speed::Paused);
    }
    let step = active.current();
    let moments = Moments::between(&active.before.0, &now);
    let outcome = check::judge(step, moments, Vec::new());
    let at_seconds = step.at_seconds;
    let looks = step.looks.clone();
    active.outcome = Some(outcome);
    active.before = (now, at_seconds);
    // The moment is here: back to what it shows, now outlined (the spotlight) and scrolled into
    // view.
    for look in &looks {
        show(app, look, true);
    }
    spotlight::scroll_into_view(ctx);
}

/// Replaces what runs with the shipped scenario `name`, paused at its start; the report there.
pub fn load_scenario(app: &mut Inspector, name: &str) -> Result<Value, String> {
    load(app, catalog::scenario(name)?)
}

/// Replaces what runs with `scenario`, paused at its start; the report there. It runs with its
/// own settings (not the command line's `--throttle` or buffering), from the next whole minute of
/// the world's clock, as `kinescope lessons check` runs it.
fn load(
    app: &mut Inspector,
    scenario: kinescope_core::sim::scenario::Scenario,
) -> Result<Value, String> {
    let own_settings = kinescope_core::settings::AccountOverrides::default();
    let simulation =
        crate::gui::files::simulation_from_next_minute(&app.world, scenario, &own_settings);
    let start = check::report_json(&simulation);
    app.world.set_speed(Speed::Paused);
    app.world.load(simulation);
    app.forget_scenario();
    Ok(start)
}

/// Loads the lesson's scenario, paused, and runs it to the first step.
pub fn open(app: &mut Inspector, name: &str) -> Result<(), String> {
    let lesson = catalog::lesson(name)?;
    let start = load_scenario(app, &lesson.scenario)?;
    app.learn.active = Some(ActiveLesson {
        lesson,
        step: 0,
        before: (start, 0.0),
        outcome: None,
        picked: None,
        running: false,
    });
    start_step(app);
    Ok(())
}

/// Moves to the next step (or ends the lesson after its last).
fn next(app: &mut Inspector) {
    let Some(active) = &mut app.learn.active else {
        return;
    };
    if active.is_last_step() {
        app.learn.active = None;
        app.tab = Tab::Learn;
        return;
    }
    active.step += 1;
    active.outcome = None;
    active.picked = None;
    active.running = false;
    start_step(app);
}

/// Shows what the step looks at; a step without a question runs to its moment at once, one with
/// a question waits for the prediction.
fn start_step(app: &mut Inspector) {
    let Some(active) = &app.learn.active else {
        return;
    };
    let looks = active.current().looks.clone();
    let asks = active.current().question.is_some();
    let moment = active.moment_ms();
    for look in &looks {
        show(app, look, false);
    }
    // Armed now, so the Step button stops at the moment too.
    app.world.run_until(moment, Speed::Paused);
    if !asks {
        run_to_moment(app);
    }
}

/// Runs the scenario to the step's moment, where it pauses.
fn run_to_moment(app: &mut Inspector) {
    let Some(active) = &mut app.learn.active else {
        return;
    };
    active.running = true;
    let gap_s = active.current().at_seconds - active.before.1;
    let speed = app.learn.run_speed.unwrap_or_else(|| lesson_speed(gap_s));
    app.world.run_until(active.moment_ms(), speed);
}

/// Opens `scenario`, runs it to `at_seconds` and shows it in the tab that suits it best.
fn show_me(app: &mut Inspector, scenario: &str, at_seconds: f64) -> Result<(), String> {
    let parsed = catalog::scenario(scenario)?;
    let tab = if !parsed.analytics.is_empty() {
        Tab::Analytics
    } else if !parsed.video_streams.is_empty() {
        Tab::Video
    } else if !parsed.firehoses.is_empty() {
        Tab::Firehose
    } else {
        Tab::StreamMap
    };
    load(app, parsed)?;
    app.tab = tab;
    let speed = app
        .learn
        .run_speed
        .unwrap_or_else(|| lesson_speed(at_seconds));
    app.world.run_until((at_seconds * 1_000.0) as i64, speed);
    app.notices.push(format!(
        "Showing {scenario} at {at_seconds} s; your question waits in the Learn tab"
    ));
    Ok(())
}

/// Opens the tab that shows `look` and selects its stream, delivery stream, application... A
/// lane's shard is selected only once the step has `arrived` at its moment: selecting it sooner
/// would give the prediction away.
fn show(app: &mut Inspector, look: &Look, arrived: bool) {
    app.tab = match look.view() {
        View::StreamMap => Tab::StreamMap,
        View::Simulators => Tab::Simulators,
        View::ConsumersAndLag => Tab::ConsumersAndLag,
        View::Firehose => Tab::Firehose,
        View::Video => Tab::Video,
        View::Analytics => Tab::Analytics,
    };
    match look {
        Look::Lane { stream, shard } => {
            app.selection.stream = Some(stream.clone());
            app.selection.shard = ShardId::parse(shard).filter(|_| arrived);
        }
        Look::Stream(name) => {
            app.selection.stream = Some(name.clone());
            app.selection.shard = None;
        }
        Look::Consumer(name)
        | Look::Reader { consumer: name, .. }
        | Look::Lease { consumer: name, .. } => {
            app.selection.consumer = Some(name.clone());
        }
        Look::Firehose(name) => app.selection.delivery_stream = Some(name.clone()),
        Look::Video(name) => app.selection.video_stream = Some(name.clone()),
        Look::Application(name) => app.selection.analytics = Some(name.clone()),
        // The step names what a chart draws with another look (look::check_step).
        Look::Producer(_) | Look::Chart { .. } => {}
    }
}
