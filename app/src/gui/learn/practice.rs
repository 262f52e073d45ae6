//! Exam practice in the Learn tab: practice a topic (each answer judged at once, with why and
//! "Show me"), or a timed mock exam (judged at the end, every explanation then). The score history
//! and the questions missed are kept in the data directory (`learn/quiz-history.json`); missed
//! questions come back first until answered right twice.

use super::{BAD, GOOD, LearnRequest};
use crate::gui::Inspector;
use egui_commonmark::{CommonMarkCache, CommonMarkViewer};
use kinescope_core::learn::catalog;
use kinescope_core::learn::practice::{
    History, MOCK_EXAM_MINUTES, MOCK_EXAM_QUESTIONS, Session, SessionKind,
};
use kinescope_core::learn::quiz::{QuizQuestion, TOPICS, claimed_answers};
use std::time::{Duration, Instant, SystemTime};

/// The practice panel's state.
#[derive(Debug, Default)]
pub struct PracticePanel {
    pub questions: Vec<QuizQuestion>,
    pub history: History,
    /// Loaded from the data directory on first use.
    loaded: bool,
    pub session: Option<Session>,
    /// The choices ticked for the current question.
    pub picked: Vec<usize>,
    /// A mock exam's deadline.
    deadline: Option<Instant>,
    /// The order of the next session (tests fix it).
    pub seed: Option<u64>,
    /// The history file could not be read: it is left as it is, not overwritten.
    keep_file: bool,
    pub error: Option<String>,
}

impl PracticePanel {
    fn history_path(app_data: Option<&std::path::Path>) -> Option<std::path::PathBuf> {
        app_data.map(|dir| dir.join("learn").join("quiz-history.json"))
    }

    fn load(&mut self, data_dir: Option<&std::path::Path>) {
        if self.loaded {
            return;
        }
        self.loaded = true;
        match catalog::questions() {
            Ok(questions) => self.questions = questions,
            Err(e) => self.error = Some(e),
        }
        if let Some(path) = Self::history_path(data_dir) {
            match History::load(&path) {
                Ok(history) => self.history = history,
                Err(e) => {
                    self.keep_file = true;
                    self.error = Some(format!("{e}; this session's scores are not saved"));
                }
            }
        }
    }

    fn save(&mut self, data_dir: Option<&std::path::Path>) {
        if let Some(path) = Self::history_path(data_dir).filter(|_| !self.keep_file)
            && let Err(e) = self.history.save(&path)
        {
            self.error = Some(e);
        }
    }

    fn start(&mut self, kind: SessionKind) {
        let seed = self
            .seed
            .unwrap_or_else(|| now_s().wrapping_mul(2_654_435_761));
        self.deadline = (kind == SessionKind::MockExam)
            .then(|| Instant::now() + Duration::from_secs(MOCK_EXAM_MINUTES * 60));
        self.session = Some(Session::new(kind, &self.questions, &self.history, seed));
        self.picked.clear();
    }
}

fn now_s() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    let data_dir = app.account.data_dir.clone();
    let learn = &mut app.learn;
    learn.practice.load(data_dir.as_deref());
    let practice = &mut learn.practice;
    if let Some(error) = &practice.error {
        ui.colored_label(BAD, error);
    }
    let mut request = None;
    let mut changed = false;
    match practice.session.is_some() {
        false => menu(ui, practice),
        true => {
            egui::ScrollArea::vertical().show(ui, |ui| {
                (request, changed) = session(ui, practice, &mut learn.markdown);
            });
        }
    }
    if changed {
        practice.save(data_dir.as_deref());
    }
    if request.is_some() {
        learn.request = request;
    }
}

/// Choosing what to practise, and the scores so far.
fn menu(ui: &mut egui::Ui, practice: &mut PracticePanel) {
    ui.label(
        "Questions written for Kinescope in the style of the AWS associate and professional \
         exams. Questions you miss come back first until you answer them right twice.",
    );
    ui.add_space(6.0);
    let mut start = None;
    ui.horizontal_wrapped(|ui| {
        for topic in TOPICS {
            let count = practice
                .questions
                .iter()
                .filter(|q| q.topic == topic)
                .count();
            let button = ui.add_enabled(count > 0, egui::Button::new(format!("{topic} ({count})")));
            if button.clicked() {
                start = Some(SessionKind::Topic(topic.to_owned()));
            }
        }
    });
    ui.add_space(4.0);
    let exam = format!(
        "Mock exam: {MOCK_EXAM_QUESTIONS} questions, {MOCK_EXAM_MINUTES} minutes, every topic"
    );
    let enough = practice.questions.len() >= MOCK_EXAM_QUESTIONS;
    if ui.add_enabled(enough, egui::Button::new(exam)).clicked() {
        start = Some(SessionKind::MockExam);
    }
    let review = practice.history.in_review().count();
    ui.label(format!("{review} missed questions waiting for review"));
    if let Some(kind) = start {
        practice.start(kind);
    }
    ui.add_space(8.0);
    ui.label(egui::RichText::new("Your scores").strong());
    if practice.history.sessions.is_empty() {
        ui.label(egui::RichText::new("No session finished yet.").weak());
    }
    egui::Grid::new("scores").striped(true).show(ui, |ui| {
        for score in practice.history.sessions.iter().rev().take(10) {
            ui.label(&score.kind);
            let percent = 100 * score.right / score.total.max(1);
            ui.label(format!(
                "{} of {} right ({percent} %)",
                score.right, score.total
            ));
            ui.end_row();
        }
    });
}

/// The session: the current question, or the results at the end. Returns a request (Show me)
/// and whether the history changed.
fn session(
    ui: &mut egui::Ui,
    practice: &mut PracticePanel,
    markdown: &mut CommonMarkCache,
) -> (Option<LearnRequest>, bool) {
    let (mut request, mut changed) = (None, false);
    let Some(session) = practice.session.as_mut() else {
        return (None, false);
    };
    let mock = session.kind == SessionKind::MockExam;
    let timed_out = practice.deadline.is_some_and(|d| Instant::now() >= d);
    if timed_out && !session.finished() {
        while !session.finished() {
            session.next(&mut practice.history, now_s());
        }
        changed = true;
    }
    let (label, finished) = (session.kind.label(), session.finished());
    let mut end = false;
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new(label).strong());
        if let Some(deadline) = practice.deadline.filter(|_| !finished) {
            let left = deadline.saturating_duration_since(Instant::now()).as_secs();
            ui.label(format!("{}:{:02} left", left / 60, left % 60));
            ui.ctx().request_repaint_after(Duration::from_secs(1));
        }
        end = ui.button("End session").clicked();
    });
    if end {
        practice.deadline = None;
        practice.session = None;
    }
    let Some(session) = practice.session.as_mut() else {
        return (None, changed);
    };
    if session.finished() {
        results(ui, session, &practice.questions, markdown, &mut request);
        return (request, changed);
    }
    let index = session.question().unwrap_or_default();
    let question = &practice.questions[index];
    ui.label(format!(
        "Question {} of {} · {}",
        session.current + 1,
        session.order.len(),
        question.topic
    ));
    ui.separator();
    CommonMarkViewer::new().show(ui, markdown, &question.stem);
    let answered = session.answers.get(session.current).cloned();
    let several = claimed_answers(&question.stem) > 1;
    for (i, choice) in question.choices.iter().enumerate() {
        let ticked = practice.picked.contains(&i);
        let mut text = egui::RichText::new(choice);
        if answered.is_some() && !mock {
            if question.correct.contains(&i) {
                text = text.color(GOOD).strong();
            } else if ticked {
                text = text.color(BAD);
            }
        }
        let clicked = match several {
            true => ui.checkbox(&mut ticked.clone(), text).clicked(),
            false => ui.radio(ticked, text).clicked(),
        };
        if clicked && answered.is_none() {
            match (several, ticked) {
                (true, true) => practice.picked.retain(|&p| p != i),
                (true, false) => practice.picked.push(i),
                (false, _) => practice.picked = vec![i],
            }
        }
    }
    ui.add_space(6.0);
    match answered {
        None => {
            let submit = ui.add_enabled(!practice.picked.is_empty(), egui::Button::new("Submit"));
            if submit.clicked() {
                let picked = std::mem::take(&mut practice.picked);
                session.answer(&practice.questions, picked.clone(), &mut practice.history);
                practice.picked = picked;
                changed = true;
                if mock {
                    session.next(&mut practice.history, now_s());
                    practice.picked.clear();
                }
            }
        }
        Some((_, right)) => {
            match right {
                true => ui.colored_label(GOOD, "Right."),
                false => ui.colored_label(BAD, "Not this time."),
            };
            explanation(ui, question, markdown, &mut request);
            if ui.button("Next question").clicked() {
                session.next(&mut practice.history, now_s());
                practice.picked.clear();
                changed |= session.finished();
            }
        }
    }
    (request, changed)
}

/// Why, and the "Show me" button when the question has a scenario.
fn explanation(
    ui: &mut egui::Ui,
    question: &QuizQuestion,
    markdown: &mut CommonMarkCache,
    request: &mut Option<LearnRequest>,
) {
    CommonMarkViewer::new().show(ui, markdown, &question.explanation);
    if let Some((scenario, at)) = &question.show {
        let label = format!("Show me: {scenario} at {at} s");
        if ui.button(label).clicked() {
            *request = Some(LearnRequest::ShowMe(scenario.clone(), *at));
        }
    }
}

/// The end of a session: the score, then every question with the answer given, the right one
/// and why.
fn results(
    ui: &mut egui::Ui,
    session: &Session,
    questions: &[QuizQuestion],
    markdown: &mut CommonMarkCache,
    request: &mut Option<LearnRequest>,
) {
    let score = session.score(0);
    let percent = 100 * score.right / score.total.max(1);
    ui.heading(format!(
        "{} of {} right ({percent} %)",
        score.right, score.total
    ));
    for (n, &index) in session.order.iter().enumerate() {
        let question = &questions[index];
        let answer = session.answers.get(n);
        let (mark, color) = match answer {
            Some((_, true)) => ("right", GOOD),
            Some((_, false)) => ("wrong", BAD),
            None => ("not answered", BAD),
        };
        ui.separator();
        ui.label(egui::RichText::new(format!("{}. {} ({mark})", n + 1, question.id)).color(color));
        CommonMarkViewer::new().show(ui, markdown, &question.stem);
        for (i, choice) in question.choices.iter().enumerate() {
            let picked = answer.is_some_and(|(p, _)| p.contains(&i));
            let right = question.correct.contains(&i);
            let prefix = match (picked, right) {
                (true, true) => "your answer, right",
                (true, false) => "your answer",
                (false, true) => "right answer",
                (false, false) => "",
            };
            let text = match prefix.is_empty() {
                true => format!("   {choice}"),
                false => format!("   {choice}  ({prefix})"),
            };
            let color = if right {
                GOOD
            } else {
                ui.visuals().text_color()
            };
            ui.label(egui::RichText::new(text).color(color));
        }
        explanation(ui, question, markdown, request);
    }
}
