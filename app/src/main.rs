//! `kinescope`: the entry point. Without a subcommand it opens the desktop inspector; `demo` runs a
//! text demo of the engine, `serve` serves the Kinesis API headless and `run` plays a scenario.

use anyhow::Result;
use clap::{Parser, Subcommand};
use kinescope::{demo, desktop, lessons, quiz, run, serve, video};
use std::process::ExitCode;

/// The allocator `kinescope` itself uses, tuned as it is (kinescope_core::allocator).
#[global_allocator]
static ALLOCATOR: kinescope_core::allocator::Allocator = kinescope_core::allocator::Allocator;

/// An emulator and inspector of AWS Kinesis.
#[derive(Debug, Parser)]
#[command(name = "kinescope", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Commands>,
    /// Without a subcommand: open the desktop inspector.
    #[command(flatten)]
    desktop: desktop::DesktopArgs,
}

#[derive(Debug, Subcommand)]
enum Commands {
    /// Run a short engine demo and print shards, throughput and throttling.
    Demo(demo::DemoArgs),
    /// Serve the Kinesis Data Streams, Firehose and Video Streams APIs headless until interrupted (Ctrl-C).
    Serve(serve::ServeArgs),
    /// Run a scenario headless on the virtual clock and report what happened.
    Run(run::RunArgs),
    /// Kinesis Video Streams clients: `video put` streams a file through PutMedia.
    Video(video::VideoArgs),
    /// Lessons: `lessons list`, and `lessons check` runs every lesson headless and reports each
    /// number it teaches.
    Lessons(lessons::LessonsArgs),
    /// Exam practice: `quiz check` checks every question (choices, ids, Show me scenarios).
    Quiz(quiz::QuizArgs),
}

fn main() -> ExitCode {
    kinescope_core::allocator::tune();
    match dispatch(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            // One readable line (with its causes), not a backtrace.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Some(Commands::Run(args)) => run::run(args),
        Some(Commands::Serve(args)) => serve::run(args).map(|_| ExitCode::SUCCESS),
        Some(Commands::Video(args)) => video::run(args),
        Some(Commands::Lessons(args)) => lessons::run(args),
        Some(Commands::Quiz(args)) => quiz::run(args),
        Some(Commands::Demo(args)) => {
            demo::run(&args.into(), &mut std::io::stdout()).map(|_| ExitCode::SUCCESS)
        }
        None => desktop::run(cli.desktop),
    }
}
