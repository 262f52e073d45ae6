//! A lesson (`assets/lessons/NAME.md`): a scenario and steps, written as Markdown.
//!
//! ```text
//! ---
//! title: The write limit and hot shards
//! topic: Data Streams
//! scenario: hot-shard
//! ---
//! An introduction (Markdown).
//!
//! ## A step's title
//! at: 30
//! look: lane clicks/shardId-000000000002
//! What to read before the question (Markdown).
//! ? The question
//! - a choice
//! - another choice
//! answer: argmax(delta(/streams/0/shards/*/WriteProvisionedThroughputExceeded), shard_id)
//! Why, shown once the learner has answered (Markdown).
//! expect: max(rate(/streams/0/shards/*/IncomingRecords)) = 1000 ± 1%
//! ```
//!
//! `at` is the virtual second the app runs the scenario to before pausing on the step; `look`
//! what it highlights there (learn::look); `answer` the query (learn::query) whose value at that moment decides
//! which choice is right — the engine's, never a stored letter; `expect` a number the lesson
//! teaches, checked whenever the lesson runs headless.

use super::look::Look;
use super::query::{Answer, Query};
use std::fmt;

/// A parsed lesson.
#[derive(Debug, Clone)]
pub struct Lesson {
    pub name: String,
    pub title: String,
    pub topic: String,
    pub scenario: String,
    pub intro: String,
    pub steps: Vec<Step>,
}

/// One stop of a lesson.
#[derive(Debug, Clone)]
pub struct Step {
    pub title: String,
    pub at_seconds: f64,
    pub looks: Vec<Look>,
    pub text: String,
    pub question: Option<Question>,
    pub explanation: String,
    pub expects: Vec<Expect>,
}

/// A prediction question: the right choice is the one the engine's answer picks.
#[derive(Debug, Clone)]
pub struct Question {
    pub prompt: String,
    pub choices: Vec<String>,
    pub answer: Query,
}

/// A number (or name) the lesson teaches, with how close the engine must come.
#[derive(Debug, Clone)]
pub struct Expect {
    pub query: Query,
    pub compare: Compare,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Compare {
    /// Within `tolerance` of `value` (absolute).
    Near {
        value: f64,
        tolerance: f64,
    },
    AtLeast(f64),
    AtMost(f64),
    Is(String),
}

impl Compare {
    /// Whether `answer` satisfies this.
    pub fn holds(&self, answer: &Answer) -> bool {
        match (self, answer) {
            (Compare::Near { value, tolerance }, Answer::Number(n)) => {
                (n - value).abs() <= *tolerance
            }
            (Compare::AtLeast(min), Answer::Number(n)) => n >= min,
            (Compare::AtMost(max), Answer::Number(n)) => n <= max,
            (Compare::Is(want), Answer::Label(got)) => want == got,
            _ => false,
        }
    }
}

/// A mistake in a lesson file, at its line.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl Question {
    /// The choice the engine's answer makes right: the choice naming the element, or the number
    /// nearest the engine's within 10 % of it (a question whose choices are all far from what
    /// the engine shows has no right answer, and says so).
    pub fn correct_choice(&self, answer: &Answer) -> Result<usize, String> {
        match answer {
            Answer::Label(label) => {
                let hits: Vec<usize> = (0..self.choices.len())
                    .filter(|&i| choice_value(&self.choices[i]) == label)
                    .collect();
                match hits.as_slice() {
                    [one] => Ok(*one),
                    [] => Err(format!("the engine shows {label}, which no choice names")),
                    _ => Err(format!("several choices name {label}")),
                }
            }
            Answer::Number(n) => {
                let nearest = (0..self.choices.len())
                    .filter_map(|i| leading_number(choice_value(&self.choices[i])).map(|v| (i, v)))
                    .min_by(|a, b| (a.1 - n).abs().total_cmp(&(b.1 - n).abs()));
                match nearest {
                    Some((i, v)) if (v - n).abs() <= 0.1 * n.abs().max(1.0) => Ok(i),
                    _ => Err(format!(
                        "the engine shows {answer}, which no choice comes within 10 % of"
                    )),
                }
            }
        }
    }
}

/// A choice's value: its text before ` — ` (what follows is a gloss).
pub fn choice_value(choice: &str) -> &str {
    choice.split(" — ").next().unwrap_or(choice).trim()
}

/// The number a choice starts with (`1,000 records/s` → 1000, `2.5 MiB` → 2.5).
fn leading_number(text: &str) -> Option<f64> {
    let digits: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-'))
        .filter(|c| *c != ',')
        .collect();
    digits.parse().ok()
}

impl Lesson {
    /// Parses the lesson file `text`, named `name`.
    pub fn parse(name: &str, text: &str) -> Result<Lesson, LessonError> {
        let err = |line: usize, message: String| LessonError { line, message };
        let lines: Vec<&str> = text.lines().collect();
        if lines.first().map(|l| l.trim()) != Some("---") {
            return Err(err(
                1,
                "a lesson starts with its front matter between --- lines".into(),
            ));
        }
        let close = lines
            .iter()
            .skip(1)
            .position(|l| l.trim() == "---")
            .map(|p| p + 1)
            .ok_or_else(|| err(1, "the front matter has no closing ---".into()))?;
        let mut front = std::collections::HashMap::new();
        for (i, line) in lines[1..close].iter().enumerate() {
            let (key, value) = line
                .split_once(':')
                .ok_or_else(|| err(i + 2, format!("expected key: value, not {line:?}")))?;
            front.insert(key.trim().to_owned(), value.trim().to_owned());
        }
        let field = |key: &str| {
            front
                .get(key)
                .filter(|v| !v.is_empty())
                .cloned()
                .ok_or_else(|| err(1, format!("the front matter has no {key}")))
        };
        let mut lesson = Lesson {
            name: name.to_owned(),
            title: field("title")?,
            topic: field("topic")?,
            scenario: field("scenario")?,
            intro: String::new(),
            steps: Vec::new(),
        };
        let mut intro = Vec::new();
        let mut current: Option<StepBuilder> = None;
        for (index, line) in lines.iter().enumerate().skip(close + 1) {
            let number = index + 1;
            if let Some(title) = line.strip_prefix("## ") {
                if let Some(done) = current.take() {
                    lesson.steps.push(done.finish()?);
                }
                current = Some(StepBuilder::new(title.trim(), number));
                continue;
            }
            match current.as_mut() {
                Some(step) => step.line(line, number)?,
                None => intro.push(*line),
            }
        }
        if let Some(done) = current.take() {
            lesson.steps.push(done.finish()?);
        }
        lesson.intro = intro.join("\n").trim().to_owned();
        if lesson.steps.is_empty() {
            return Err(err(close + 1, "a lesson has at least one ## step".into()));
        }
        Ok(lesson)
    }
}

/// A step as its lines are read.
struct StepBuilder {
    line: usize,
    step: Step,
    at: Option<f64>,
    prompt: Option<String>,
    choices: Vec<String>,
    answer: Option<Query>,
    /// Prose after the question belongs to the explanation.
    after_question: bool,
}

impl StepBuilder {
    fn new(title: &str, line: usize) -> Self {
        Self {
            line,
            step: Step {
                title: title.to_owned(),
                at_seconds: 0.0,
                looks: Vec::new(),
                text: String::new(),
                question: None,
                explanation: String::new(),
                expects: Vec::new(),
            },
            at: None,
            prompt: None,
            choices: Vec::new(),
            answer: None,
            after_question: false,
        }
    }

    fn line(&mut self, line: &str, number: usize) -> Result<(), LessonError> {
        let err = |message: String| LessonError {
            line: number,
            message,
        };
        if let Some(at) = line.strip_prefix("at:") {
            let seconds: f64 = at
                .trim()
                .parse()
                .map_err(|_| err(format!("at: takes virtual seconds, not {:?}", at.trim())))?;
            if !(seconds.is_finite() && seconds >= 0.0) {
                return Err(err(format!("at: {seconds} must be 0 or more seconds")));
            }
            self.at = Some(seconds);
        } else if let Some(look) = line.strip_prefix("look:") {
            self.step.looks.push(Look::parse(look.trim()).map_err(err)?);
        } else if let Some(answer) = line.strip_prefix("answer:") {
            self.answer = Some(Query::parse(answer).map_err(err)?);
        } else if let Some(expect) = line.strip_prefix("expect:") {
            self.step
                .expects
                .push(parse_expect(expect.trim()).map_err(err)?);
        } else if let Some(prompt) = line.strip_prefix("? ") {
            if self.prompt.is_some() {
                return Err(err("a step asks one question".into()));
            }
            self.prompt = Some(prompt.trim().to_owned());
            self.after_question = true;
        } else if let (Some(choice), true) = (line.strip_prefix("- "), self.in_choices()) {
            self.choices.push(choice.trim().to_owned());
        } else {
            let prose = match self.after_question {
                true => &mut self.step.explanation,
                false => &mut self.step.text,
            };
            prose.push_str(line);
            prose.push('\n');
        }
        Ok(())
    }

    /// Choices follow the question directly, before any explanation.
    fn in_choices(&self) -> bool {
        self.prompt.is_some() && self.step.explanation.trim().is_empty()
    }

    fn finish(mut self) -> Result<Step, LessonError> {
        let err = |message: String| LessonError {
            line: self.line,
            message: format!("step {:?}: {message}", self.step.title),
        };
        self.step.at_seconds = self
            .at
            .ok_or_else(|| err("no at: (the virtual second it shows)".into()))?;
        super::look::check_step(&self.step.looks, self.step.at_seconds).map_err(err)?;
        self.step.question = match (self.prompt.take(), self.answer.take()) {
            (Some(prompt), Some(answer)) => {
                if self.choices.len() < 2 {
                    return Err(err("a question has at least two choices (- lines)".into()));
                }
                Some(Question {
                    prompt,
                    choices: std::mem::take(&mut self.choices),
                    answer,
                })
            }
            (Some(_), None) => return Err(err("the question has no answer: query".into())),
            (None, Some(_)) => return Err(err("answer: without a ? question".into())),
            (None, None) => None,
        };
        self.step.text = self.step.text.trim().to_owned();
        self.step.explanation = self.step.explanation.trim().to_owned();
        Ok(self.step)
    }
}

/// `query = 1000`, `query = 1000 ± 2%`, `query = 5 ± 1`, `query >= 1`, `query <= 0`,
/// `query = shardId-000000000002`.
fn parse_expect(text: &str) -> Result<Expect, String> {
    let (query, compare) = if let Some((q, v)) = text.split_once(">=") {
        (q, Compare::AtLeast(number(v)?))
    } else if let Some((q, v)) = text.split_once("<=") {
        (q, Compare::AtMost(number(v)?))
    } else if let Some((q, v)) = text.rsplit_once(" = ") {
        let (value, tolerance) = match v.split_once('±') {
            Some((value, tolerance)) => (value, Some(tolerance.trim())),
            None => (v, None),
        };
        match (number(value), tolerance) {
            (Ok(value), None) => (
                q,
                Compare::Near {
                    value,
                    tolerance: 0.0,
                },
            ),
            (Ok(value), Some(t)) => {
                let tolerance = match t.strip_suffix('%') {
                    Some(percent) => number(percent)? / 100.0 * value.abs(),
                    None => number(t)?,
                };
                (q, Compare::Near { value, tolerance })
            }
            (Err(_), None) => (q, Compare::Is(value.trim().to_owned())),
            (Err(e), Some(_)) => return Err(e),
        }
    } else {
        return Err(format!("expect: {text:?} compares with =, >= or <="));
    };
    Ok(Expect {
        query: Query::parse(query)?,
        compare,
        text: text.to_owned(),
    })
}

fn number(text: &str) -> Result<f64, String> {
    let cleaned: String = text.trim().chars().filter(|c| *c != ',').collect();
    cleaned
        .parse()
        .map_err(|_| format!("{:?} is not a number", text.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LESSON: &str = "---
title: Hot shards
topic: Data Streams
scenario: hot-shard
---
Intro.

## Predict
at: 30
look: lane clicks/shardId-000000000002
Read this.
? Which shard throttles?
- s0
- s1 — the hot one
answer: argmax(/streams/0/shards/*/IncomingRecords, shard_id)
Because of the key.
expect: max(/streams/0/shards/*/IncomingRecords) = 1,000 ± 1%
expect: count(/streams/0/shards/*) >= 2
";

    #[test]
    fn a_lesson_reads_into_steps_with_questions_and_numbers() {
        let lesson = Lesson::parse("hot", LESSON).unwrap();
        assert_eq!(
            (lesson.title.as_str(), lesson.intro.as_str()),
            ("Hot shards", "Intro.")
        );
        let step = &lesson.steps[0];
        assert_eq!(step.at_seconds, 30.0);
        assert_eq!(step.text, "Read this.");
        assert_eq!(step.explanation, "Because of the key.");
        let question = step.question.as_ref().unwrap();
        assert_eq!(question.choices, ["s0", "s1 — the hot one"]);
        assert_eq!(question.correct_choice(&Answer::Label("s1".into())), Ok(1));
        assert_eq!(
            step.expects[0].compare,
            Compare::Near {
                value: 1000.0,
                tolerance: 10.0
            }
        );
        assert!(step.expects[0].compare.holds(&Answer::Number(1_009.0)));
        assert!(!step.expects[0].compare.holds(&Answer::Number(1_011.0)));
        assert_eq!(step.expects[1].compare, Compare::AtLeast(2.0));
    }

    #[test]
    fn numeric_choices_are_judged_by_the_nearest_within_ten_percent() {
        let question = Question {
            prompt: String::new(),
            choices: vec![
                "500 records/s".into(),
                "1,000 records/s".into(),
                "2,000".into(),
            ],
            answer: Query::parse("/x").unwrap(),
        };
        assert_eq!(question.correct_choice(&Answer::Number(990.0)), Ok(1));
        assert!(question.correct_choice(&Answer::Number(1_400.0)).is_err());
    }

    #[test]
    fn mistakes_name_their_line() {
        let no_at = LESSON.replace("at: 30\n", "");
        let error = Lesson::parse("x", &no_at).unwrap_err();
        assert!(error.message.contains("no at:"), "{error}");
        let bad_look = LESSON.replace("look: lane", "look: pie");
        assert_eq!(Lesson::parse("x", &bad_look).unwrap_err().line, 10);
        let late_span = LESSON.replace(
            "look: lane clicks/shardId-000000000002",
            "look: chart lag 0..31",
        );
        let error = Lesson::parse("x", &late_span).unwrap_err();
        assert!(error.message.contains("after the step's moment"), "{error}");
        let one_choice = LESSON.replace("- s0\n", "");
        let error = Lesson::parse("x", &one_choice).unwrap_err();
        assert!(error.message.contains("at least two choices"), "{error}");
        assert!(Lesson::parse("x", "no front matter").is_err());
    }
}
