//! `kinescope quiz check`: every exam-practice question parses, claims as many right choices as
//! it marks, has a unique id, and its "Show me" scenario exists and reaches its moment.

use crate::authoring;
use anyhow::Result;
use kinescope_core::learn::quiz::{self, TOPICS};
use kinescope_core::learn::{catalog, quiz_check};
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `kinescope quiz`.
#[derive(Debug, clap::Args)]
pub struct QuizArgs {
    #[command(subcommand)]
    command: QuizCommand,
}

#[derive(Debug, clap::Subcommand)]
enum QuizCommand {
    /// Check every question (exit 1 if one is wrong) and count them by topic.
    Check {
        /// Read the questions from this directory's *.md files instead of the built-in ones.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Look for "Show me" scenarios in this directory first (NAME.json).
        #[arg(long)]
        scenarios: Option<PathBuf>,
    },
}

pub fn run(args: QuizArgs) -> Result<ExitCode> {
    let QuizCommand::Check { dir, scenarios } = args.command;
    let sources = match authoring::sources(dir.as_deref(), catalog::QUIZ) {
        Ok(sources) => sources,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut problems = Vec::new();
    let mut questions = Vec::new();
    for (name, text) in &sources {
        match quiz::parse(text) {
            Ok(parsed) => questions.extend(parsed),
            Err(e) => problems.push(format!("{name}: {e}")),
        }
    }
    let scenario = |name: &str| authoring::scenario(name, scenarios.as_deref());
    problems.extend(quiz_check::problems(&questions, scenario));
    for topic in TOPICS {
        let count = questions.iter().filter(|q| q.topic == topic).count();
        println!("{topic:<20} {count:>4} questions");
    }
    let shown = questions.iter().filter(|q| q.show.is_some()).count();
    println!(
        "{:<20} {:>4} questions ({shown} with Show me)",
        "total",
        questions.len()
    );
    for problem in &problems {
        println!("FAIL {problem}");
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
