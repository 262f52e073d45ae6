//! `kinescope quiz check`: every exam-practice question parses, claims as many right choices as
//! it marks, has a unique id, and its "Show me" scenario exists and reaches its moment.

use anyhow::Result;
use kinescope_core::learn::quiz::{self, TOPICS};
use kinescope_core::learn::{catalog, quiz_check};
use kinescope_core::sim::scenario::Scenario;
use std::path::{Path, PathBuf};
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
    let sources: Vec<(String, String)> = match &dir {
        Some(dir) => match markdown_files(dir) {
            Ok(sources) => sources,
            Err(e) => {
                eprintln!("{}: {e}", dir.display());
                return Ok(ExitCode::from(2));
            }
        },
        None => catalog::QUIZ
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
    };
    let mut problems = Vec::new();
    let mut questions = Vec::new();
    for (name, text) in &sources {
        match quiz::parse(text) {
            Ok(parsed) => questions.extend(parsed),
            Err(e) => problems.push(format!("{name}: {e}")),
        }
    }
    let scenario = |name: &str| -> Result<Scenario, String> {
        let file = scenarios.as_ref().map(|d| d.join(format!("{name}.json")));
        match file.filter(|f| f.exists()) {
            Some(file) => std::fs::read_to_string(&file)
                .map_err(|e| e.to_string())
                .and_then(|t| Scenario::from_json(&t).map_err(|e| e.to_string())),
            None => catalog::scenario(name),
        }
    };
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

/// The *.md files of `dir`, by name, in name order.
pub fn markdown_files(dir: &Path) -> std::io::Result<Vec<(String, String)>> {
    let mut sources = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "md") {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            sources.push((name, std::fs::read_to_string(&path)?));
        }
    }
    sources.sort();
    Ok(sources)
}
