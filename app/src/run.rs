//! `kinescope run`: a scenario headless on the virtual clock, as fast as possible, with a JSON report.

use crate::account::AccountArgs;
use anyhow::{Context, Result};
use kinescope_core::Settings;
use kinescope_core::clock::Speed;
use kinescope_core::sim::report::Report;
use kinescope_core::sim::scenario::Scenario;
use kinescope_core::sim::simulation::Simulation;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Options of `kinescope run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Scenario file (see assets/scenarios/).
    scenario: PathBuf,
    /// Virtual seconds to run (default: the scenario's duration).
    #[arg(long = "for")]
    for_seconds: Option<f64>,
    /// Seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// How fast virtual time runs: `max` (as fast as possible) or a factor of real time (1, 10, 0.5).
    #[arg(long, default_value = "max", value_parser = parse_speed)]
    speed: Speed,
    /// Write the JSON report here.
    #[arg(long)]
    report: Option<PathBuf>,
    #[command(flatten)]
    account: AccountArgs,
}

/// Runs the scenario; exit code 0 when every invariant holds, 1 when one fails, 2 on a bad scenario.
pub fn run(args: RunArgs) -> Result<ExitCode> {
    let text = match std::fs::read_to_string(&args.scenario) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("cannot read {}: {e}", args.scenario.display());
            return Ok(ExitCode::from(2));
        }
    };
    let scenario = match Scenario::from_json(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}: {e}", args.scenario.display());
            return Ok(ExitCode::from(2));
        }
    };
    let seed = args.seed.unwrap_or(scenario.seed);
    let seconds = args.for_seconds.unwrap_or(scenario.duration_seconds);
    if !(seconds.is_finite() && seconds > 0.0) {
        eprintln!("--for {seconds}: give a positive number of virtual seconds");
        return Ok(ExitCode::from(2));
    }
    let started = Instant::now();
    let settings = scenario
        .settings
        .then(&args.account.overrides())
        .apply_to(Settings::default());
    let mut simulation = Simulation::with_settings(scenario, seed, settings);
    let total_ms = (seconds * 1_000.0) as i64;
    // Paced runs step often so the progress bar (and anyone watching) sees time pass smoothly.
    let chunk = match args.speed {
        Speed::Factor(_) => 100,
        _ => (total_ms / 20).max(1_000),
    };
    let terminal = std::io::stderr().is_terminal();
    while simulation.elapsed_ms() < total_ms {
        simulation.step(chunk.min(total_ms - simulation.elapsed_ms()));
        if let Speed::Factor(factor) = args.speed {
            let due = std::time::Duration::from_secs_f64(
                simulation.elapsed_ms() as f64 / 1_000.0 / factor,
            );
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        if terminal {
            let done = simulation.elapsed_ms() as f64 / total_ms as f64;
            let bar = "#".repeat((done * 30.0) as usize);
            eprint!(
                "\r[{bar:<30}] {:>5.1}% of {seconds} virtual seconds",
                100.0 * done
            );
        }
    }
    if terminal {
        eprintln!();
    }
    let report = Report::of(&simulation, seed, started.elapsed().as_millis() as u64);
    for p in &report.producers {
        println!(
            "producer {}: {} sent, {} acknowledged, {} throttled, {} retries, {} dropped",
            p.name,
            p.records_sent,
            p.records_acknowledged,
            p.records_throttled,
            p.retries,
            p.dropped
        );
    }
    for c in &report.consumers {
        println!(
            "consumer {} ({}): {} processed, {} duplicates, {} ms behind at most, {} ms at the end",
            c.name,
            c.kind,
            c.records_processed,
            c.duplicates,
            c.max_millis_behind_latest,
            c.final_millis_behind_latest
        );
    }
    for f in &report.firehoses {
        let by_reason = |reason: &str| {
            f.flushes
                .iter()
                .filter(|x| x.reason.text() == reason)
                .count()
        };
        println!(
            "firehose {}: {} records in, {} throttled, {} objects delivered ({} by size, {} by interval, {} flushed now), {} ms freshness at most",
            f.name,
            f.records_in,
            f.throttled,
            f.objects_delivered,
            by_reason("size"),
            by_reason("interval"),
            by_reason("flush-now"),
            f.max_data_freshness_ms
        );
    }
    for failed in report.invariants.iter().filter(|i| !i.ok) {
        println!("invariant failed: {}: {}", failed.name, failed.detail);
    }
    if let Some(path) = &args.report {
        let json = serde_json::to_string_pretty(&report).context("cannot encode the report")?;
        std::fs::write(path, json).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let ok = report.invariants.iter().all(|i| i.ok);
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `max` (as fast as possible) or a positive factor of real time.
fn parse_speed(text: &str) -> Result<Speed, String> {
    match Speed::parse(text) {
        Some(speed @ (Speed::Factor(_) | Speed::AsFastAsPossible)) => Ok(speed),
        _ => Err(format!(
            "{text:?} is not a speed: give max or a positive factor such as 1, 10 or 0.5"
        )),
    }
}
