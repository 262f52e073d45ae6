//! `kinescope lessons`: the shipped lessons listed, or run headless with every number they teach
//! checked against the engine (`kinescope lessons check`, exit 1 when one does not hold).

use crate::authoring;
use anyhow::Result;
use kinescope_core::learn::catalog;
use kinescope_core::learn::check::{self, LessonOutcome};
use kinescope_core::learn::lesson::Lesson;
use kinescope_core::sim::scenario::Scenario;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `kinescope lessons`.
#[derive(Debug, clap::Args)]
pub struct LessonsArgs {
    #[command(subcommand)]
    command: LessonsCommand,
}

#[derive(Debug, clap::Subcommand)]
enum LessonsCommand {
    /// List the lessons: name, topic and title.
    List,
    /// Run lessons headless and report each number they teach (exit 1 if one does not hold).
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Lessons to check, by name (default: every lesson).
    names: Vec<String>,
    /// Read the lessons from this directory's *.md files instead of the built-in ones (to check
    /// a lesson while writing it).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Look for scenarios in this directory first (NAME.json), then among the built-in ones.
    #[arg(long)]
    scenarios: Option<PathBuf>,
    /// Also write the outcome as JSON here.
    #[arg(long)]
    report: Option<PathBuf>,
}

pub fn run(args: LessonsArgs) -> Result<ExitCode> {
    match args.command {
        LessonsCommand::List => {
            match catalog::lessons() {
                Ok(lessons) => {
                    for lesson in lessons {
                        println!("{:<28} {:<16} {}", lesson.name, lesson.topic, lesson.title);
                    }
                }
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::FAILURE);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        LessonsCommand::Check(args) => check_lessons(args),
    }
}

fn check_lessons(args: CheckArgs) -> Result<ExitCode> {
    let sources = match authoring::sources(args.dir.as_deref(), catalog::LESSONS) {
        Ok(sources) => sources,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(2));
        }
    };
    let unknown: Vec<&String> = args
        .names
        .iter()
        .filter(|n| !sources.iter().any(|(name, _)| name == *n))
        .collect();
    if !unknown.is_empty() {
        let known: Vec<&str> = sources.iter().map(|(n, _)| n.as_str()).collect();
        eprintln!(
            "no lesson named {unknown:?} (there are: {})",
            known.join(", ")
        );
        return Ok(ExitCode::from(2));
    }
    let mut outcomes = Vec::new();
    let (mut attempted, mut failed) = (0, 0);
    for (name, text) in &sources {
        if !args.names.is_empty() && !args.names.contains(name) {
            continue;
        }
        attempted += 1;
        match prepare(name, text, args.scenarios.as_deref()) {
            Ok((lesson, scenario)) => {
                let outcome = check::run(&lesson, scenario);
                print!("{}", check::describe(&outcome));
                failed += usize::from(!outcome.ok());
                outcomes.push(outcome);
            }
            Err(e) => {
                println!("FAIL {name} — {e}");
                failed += 1;
            }
        }
    }
    if let Some(path) = &args.report {
        let json: Vec<&LessonOutcome> = outcomes.iter().collect();
        std::fs::write(path, serde_json::to_string_pretty(&json)?)?;
    }
    println!("{attempted} lessons checked, {failed} failed");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The lesson and the scenario it runs.
fn prepare(
    name: &str,
    text: &str,
    scenarios: Option<&std::path::Path>,
) -> Result<(Lesson, Scenario), String> {
    let lesson = Lesson::parse(name, text).map_err(|e| e.to_string())?;
    let scenario = authoring::scenario(&lesson.scenario, scenarios)?;
    Ok((lesson, scenario))
}
