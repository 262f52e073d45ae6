//! Exam practice: a session of questions (by topic, or a timed mock exam over every topic), and
//! the score history kept between runs — each answer, each session's score, and the questions
//! missed, which come back first until answered right twice.

use super::quiz::QuizQuestion;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A mock exam: as many questions as an AWS associate exam, in its time.
pub const MOCK_EXAM_QUESTIONS: usize = 65;
pub const MOCK_EXAM_MINUTES: u64 = 130;
/// Right answers that take a missed question out of review.
pub const RIGHT_TO_CLEAR: u32 = 2;

/// What is remembered of one question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionRecord {
    pub attempts: u32,
    pub right: u32,
    /// Right answers since it was last missed; it is in review while missed and below
    /// [`RIGHT_TO_CLEAR`].
    pub right_since_miss: u32,
    pub missed: bool,
}

impl QuestionRecord {
    pub fn in_review(&self) -> bool {
        self.missed && self.right_since_miss < RIGHT_TO_CLEAR
    }
}

/// One finished session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionScore {
    /// Wall-clock seconds since the Unix epoch when it ended.
    pub ended_s: u64,
    /// "mock exam" or the topic practised.
    pub kind: String,
    pub right: usize,
    pub total: usize,
}

/// Everything kept between runs (the data directory's `learn/quiz-history.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub questions: BTreeMap<String, QuestionRecord>,
    pub sessions: Vec<SessionScore>,
}

impl History {
    /// Reads the history at `path`; none yet is an empty history, an unreadable one an error.
    pub fn load(path: &std::path::Path) -> Result<History, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| format!("{} is not a quiz history: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(History::default()),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// Writes the history to `path` (through a temporary file, so a crash never leaves half).
    pub fn save(&self, path: &std::path::Path) -> Result<(), String> {
        let write = || -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let temporary = path.with_extension("json.tmp");
            std::fs::write(&temporary, serde_json::to_vec_pretty(self)?)?;
            std::fs::rename(&temporary, path)
        };
        write().map_err(|e| format!("cannot save {}: {e}", path.display()))
    }

    /// Counts an answer to `id`.
    pub fn answered(&mut self, id: &str, right: bool) {
        let record = self.questions.entry(id.to_owned()).or_default();
        record.attempts += 1;
        if right {
            record.right += 1;
            record.right_since_miss += 1;
        } else {
            record.missed = true;
            record.right_since_miss = 0;
        }
    }

    /// The questions in review, by id.
    pub fn in_review(&self) -> impl Iterator<Item = &str> {
        self.questions
            .iter()
            .filter(|(_, r)| r.in_review())
            .map(|(id, _)| id.as_str())
    }
}

/// What a session draws from.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionKind {
    Topic(String),
    MockExam,
}

impl SessionKind {
    pub fn label(&self) -> String {
        match self {
            SessionKind::Topic(topic) => topic.clone(),
            SessionKind::MockExam => "mock exam".into(),
        }
    }
}

/// A session in progress: its questions (indexes into the question list), the answers given.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub kind: SessionKind,
    pub order: Vec<usize>,
    pub current: usize,
    /// For each question asked so far: the choices picked, and whether that was right.
    pub answers: Vec<(Vec<usize>, bool)>,
    /// Whether the score has gone into the history.
    scored: bool,
}

impl Session {
    /// A session of `kind` over `questions`: questions in review first, then those never
    /// answered, then the rest — each group in an order drawn from `seed`. A topic session
    /// takes every question of the topic; a mock exam [`MOCK_EXAM_QUESTIONS`] of them.
    pub fn new(
        kind: SessionKind,
        questions: &[QuizQuestion],
        history: &History,
        seed: u64,
    ) -> Session {
        let eligible: Vec<usize> = (0..questions.len())
            .filter(|&i| match &kind {
                SessionKind::Topic(topic) => questions[i].topic == *topic,
                SessionKind::MockExam => true,
            })
            .collect();
        let rank = |i: &usize| {
            let id = &questions[*i].id;
            match history.questions.get(id) {
                Some(r) if r.in_review() => 0,
                None => 1,
                Some(_) => 2,
            }
        };
        let mut order = eligible;
        // A small deterministic shuffle (splitmix64 keys): the same seed, the same exam.
        let key = |i: usize| {
            let mut z = seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        order.sort_by_key(|i| (rank(i), key(*i)));
        if kind == SessionKind::MockExam {
            order.truncate(MOCK_EXAM_QUESTIONS);
        }
        Session {
            kind,
            order,
            current: 0,
            answers: Vec::new(),
            scored: false,
        }
    }

    /// The question being asked (an index into the question list), if any is left.
    pub fn question(&self) -> Option<usize> {
        self.order.get(self.current).copied()
    }

    /// Answers the current question with `picked`; returns whether it was right. The history
    /// counts it.
    pub fn answer(
        &mut self,
        questions: &[QuizQuestion],
        picked: Vec<usize>,
        history: &mut History,
    ) -> Option<bool> {
        let index = self.question()?;
        if self.answers.len() > self.current {
            return Some(self.answers[self.current].1); // answered already
        }
        let right = questions[index].is_right(&picked);
        history.answered(&questions[index].id, right);
        self.answers.push((picked, right));
        Some(right)
    }

    /// Moves to the next question; at the end the session's score is added to the history.
    pub fn next(&mut self, history: &mut History, now_s: u64) {
        if self.current < self.order.len() {
            self.current += 1;
        }
        if self.finished() && !self.scored {
            self.scored = true;
            history.sessions.push(self.score(now_s));
        }
    }

    pub fn finished(&self) -> bool {
        self.current >= self.order.len()
    }

    /// The session's score as it stands.
    pub fn score(&self, now_s: u64) -> SessionScore {
        SessionScore {
            ended_s: now_s,
            kind: self.kind.label(),
            right: self.answers.iter().filter(|(_, right)| *right).count(),
            total: self.order.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn questions(n: usize) -> Vec<QuizQuestion> {
        (0..n)
            .map(|i| QuizQuestion {
                id: format!("q{i}"),
                topic: if i % 2 == 0 {
                    "Data Streams"
                } else {
                    "Firehose"
                }
                .into(),
                stem: "?".into(),
                choices: vec!["a".into(), "b".into(), "c".into(), "d".into()],
                correct: vec![1],
                explanation: "b".into(),
                show: None,
            })
            .collect()
    }

    #[test]
    fn a_missed_question_comes_back_first_until_answered_right_twice() {
        let all = questions(10);
        let mut history = History::default();
        let topic = SessionKind::Topic("Data Streams".into());
        let mut session = Session::new(topic.clone(), &all, &history, 1);
        assert_eq!(session.order.len(), 5);
        let missed = session.question().unwrap();
        assert_eq!(session.answer(&all, vec![0], &mut history), Some(false));
        session.next(&mut history, 100);
        for _ in 1..5 {
            assert_eq!(session.answer(&all, vec![1], &mut history), Some(true));
            session.next(&mut history, 100);
        }
        assert!(session.finished());
        assert_eq!(history.sessions.last().unwrap().right, 4);
        for round in 0..RIGHT_TO_CLEAR {
            let mut again = Session::new(topic.clone(), &all, &history, 2 + round as u64);
            assert_eq!(
                again.question(),
                Some(missed),
                "the missed question comes first"
            );
            again.answer(&all, vec![1], &mut history);
        }
        assert_eq!(
            history.in_review().count(),
            0,
            "cleared after two right answers"
        );
    }

    #[test]
    fn a_mock_exam_draws_every_topic_and_the_history_survives_a_restart() {
        let all = questions(100);
        let history = History::default();
        let exam = Session::new(SessionKind::MockExam, &all, &history, 9);
        assert_eq!(exam.order.len(), MOCK_EXAM_QUESTIONS);
        assert_eq!(exam, Session::new(SessionKind::MockExam, &all, &history, 9));
        let topics: std::collections::HashSet<_> =
            exam.order.iter().map(|&i| all[i].topic.clone()).collect();
        assert_eq!(topics.len(), 2);

        let dir = std::env::temp_dir().join(format!("kinescope-history-{}", std::process::id()));
        let path = dir.join("learn/quiz-history.json");
        assert_eq!(History::load(&path), Ok(History::default()));
        let mut history = History::default();
        history.answered("q1", false);
        history.save(&path).unwrap();
        assert_eq!(History::load(&path), Ok(history));
        std::fs::write(&path, "not json").unwrap();
        assert!(
            History::load(&path)
                .unwrap_err()
                .contains("is not a quiz history")
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
