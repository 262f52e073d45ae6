//! Exam practice (`assets/quiz/*.md`): questions in the style of the AWS associate and
//! professional exams, written for this project.
//!
//! ```text
//! ## kds-hot-key
//! topic: Data Streams
//! show: hot-shard at 30
//! A stem: the scenario, then the question. (Choose two.)
//! - [ ] a wrong choice
//! - [x] a right choice
//! - [x] another right choice
//! - [ ] a wrong choice
//! > Why, citing the rule (Markdown; as many > lines as it takes).
//! ```
//!
//! The id follows `## `; `topic` is one of the four services or "Choosing a service"; `show`
//! (optional) opens a shipped scenario at a virtual second ("Show me"). A question has four or
//! five choices; one is right unless the stem says "(Choose two.)" or "(Choose three.)", and
//! then exactly that many are.

use std::fmt;

/// The topics, in the order practice offers them.
pub const TOPICS: [&str; 5] = [
    "Data Streams",
    "Firehose",
    "Video Streams",
    "Analytics",
    "Choosing a service",
];

/// One question.
#[derive(Debug, Clone, PartialEq)]
pub struct QuizQuestion {
    pub id: String,
    pub topic: String,
    pub stem: String,
    pub choices: Vec<String>,
    /// The indexes of the right choices.
    pub correct: Vec<usize>,
    pub explanation: String,
    /// "Show me": a shipped scenario and the virtual second to open it at.
    pub show: Option<(String, f64)>,
}

impl QuizQuestion {
    /// Whether `picked` (indexes) is exactly the right set.
    pub fn is_right(&self, picked: &[usize]) -> bool {
        let mut picked = picked.to_vec();
        picked.sort_unstable();
        picked.dedup();
        picked == self.correct
    }
}

/// A mistake in a quiz file, at its line.
#[derive(Debug, Clone, PartialEq)]
pub struct QuizError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for QuizError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// How many choices the stem says are right: "(Choose two.)" → 2, otherwise 1.
pub fn claimed_answers(stem: &str) -> usize {
    let lower = stem.to_ascii_lowercase();
    [("choose two", 2), ("choose three", 3)]
        .iter()
        .find(|(phrase, _)| lower.contains(phrase))
        .map_or(1, |(_, n)| *n)
}

/// Parses a quiz file's questions.
pub fn parse(text: &str) -> Result<Vec<QuizQuestion>, QuizError> {
    let mut questions = Vec::new();
    let mut current: Option<(usize, QuizQuestion)> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let err = |message: String| QuizError {
            line: number,
            message,
        };
        if let Some(id) = line.strip_prefix("## ") {
            if let Some(done) = current.take() {
                questions.push(finish(done)?);
            }
            let id = id.trim();
            if id.is_empty() || id.contains(char::is_whitespace) {
                return Err(err(format!("a question's id is one word, not {id:?}")));
            }
            current = Some((
                number,
                QuizQuestion {
                    id: id.to_owned(),
                    topic: String::new(),
                    stem: String::new(),
                    choices: Vec::new(),
                    correct: Vec::new(),
                    explanation: String::new(),
                    show: None,
                },
            ));
            continue;
        }
        let Some((_, question)) = current.as_mut() else {
            if line.trim().is_empty() || line.starts_with("# ") {
                continue; // the file's title
            }
            return Err(err("text before the first ## question".into()));
        };
        if let Some(topic) = line.strip_prefix("topic:") {
            let topic = topic.trim();
            if !TOPICS.contains(&topic) {
                return Err(err(format!("topic {topic:?} is not one of {TOPICS:?}")));
            }
            question.topic = topic.to_owned();
        } else if let Some(show) = line.strip_prefix("show:") {
            let (scenario, at) = show
                .trim()
                .split_once(" at ")
                .ok_or_else(|| err("show: SCENARIO at SECONDS".into()))?;
            let at: f64 = at
                .trim()
                .parse()
                .ok()
                .filter(|s: &f64| s.is_finite() && *s >= 0.0)
                .ok_or_else(|| err(format!("show: {at:?} is not a number of seconds")))?;
            question.show = Some((scenario.trim().to_owned(), at));
        } else if let Some(choice) = line.strip_prefix("- [") {
            let (mark, text) = choice
                .split_once("] ")
                .ok_or_else(|| err("a choice is - [ ] text or - [x] text".into()))?;
            match mark {
                "x" | "X" => question.correct.push(question.choices.len()),
                " " => {}
                other => return Err(err(format!("[{other}] is neither [ ] nor [x]"))),
            }
            question.choices.push(text.trim().to_owned());
        } else if let Some(why) = line.strip_prefix('>') {
            question
                .explanation
                .push_str(why.strip_prefix(' ').unwrap_or(why));
            question.explanation.push('\n');
        } else if question.choices.is_empty() {
            question.stem.push_str(line);
            question.stem.push('\n');
        } else if !line.trim().is_empty() {
            return Err(err("after the choices only > explanation lines".into()));
        }
    }
    if let Some(done) = current.take() {
        questions.push(finish(done)?);
    }
    Ok(questions)
}

fn finish((line, mut question): (usize, QuizQuestion)) -> Result<QuizQuestion, QuizError> {
    let err = |message: String| QuizError {
        line,
        message: format!("{}: {message}", question.id),
    };
    question.stem = question.stem.trim().to_owned();
    question.explanation = question.explanation.trim().to_owned();
    if question.topic.is_empty() {
        return Err(err("no topic:".into()));
    }
    if question.stem.is_empty() {
        return Err(err("no stem".into()));
    }
    if !(4..=5).contains(&question.choices.len()) {
        return Err(err(format!(
            "{} choices; a question has four or five",
            question.choices.len()
        )));
    }
    let claimed = claimed_answers(&question.stem);
    if question.correct.len() != claimed {
        return Err(err(format!(
            "{} choices are marked [x], but the stem asks for {claimed}",
            question.correct.len()
        )));
    }
    if question.explanation.is_empty() {
        return Err(err("no > explanation".into()));
    }
    Ok(question)
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUIZ: &str = "# Data Streams

## kds-hot-key
topic: Data Streams
show: hot-shard at 30
A producer writes 1,800 records/s to four shards. (Choose two.)
- [ ] Nothing
- [x] Split the hot shard
- [x] Add randomness to the key
- [ ] Lower the retention
> A shard takes 1,000 records/s.
> The key decides the shard.
";

    #[test]
    fn questions_read_with_their_right_choices_and_explanation() {
        let questions = parse(QUIZ).unwrap();
        let q = &questions[0];
        assert_eq!(q.id, "kds-hot-key");
        assert_eq!(q.correct, [1, 2]);
        assert_eq!(q.show, Some(("hot-shard".into(), 30.0)));
        assert_eq!(
            q.explanation,
            "A shard takes 1,000 records/s.\nThe key decides the shard."
        );
        assert!(q.is_right(&[2, 1]));
        assert!(!q.is_right(&[1]));
    }

    #[test]
    fn a_question_has_exactly_the_choices_it_claims() {
        let one = QUIZ.replace(" (Choose two.)", "");
        let error = parse(&one).unwrap_err();
        assert!(
            error
                .message
                .contains("2 choices are marked [x], but the stem asks for 1")
        );
        let three = QUIZ.replace("- [ ] Nothing\n", "");
        assert!(parse(&three).unwrap_err().message.contains("four or five"));
        let topic = QUIZ.replace("topic: Data Streams", "topic: Kafka");
        assert_eq!(parse(&topic).unwrap_err().line, 4);
        let no_why = QUIZ.replace(
            "> A shard takes 1,000 records/s.\n> The key decides the shard.\n",
            "",
        );
        assert!(
            parse(&no_why)
                .unwrap_err()
                .message
                .contains("no > explanation")
        );
    }
}
