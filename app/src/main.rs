//! `kinescope`: the command-line entry point. The desktop inspector, `serve` and `run` arrive in
//! later milestones; today the binary runs a short engine demo and prints what happened.

mod demo;

use anyhow::{Context, Result, bail};
use kinescope_core::Speed;

const USAGE: &str = "\
kinescope — an emulator and inspector of AWS Kinesis

USAGE:
    kinescope [demo] [--seconds N] [--seed N]   run the engine demo and print shards, throughput and lag
    kinescope --help                            show this help

The desktop inspector (`kinescope --scenario FILE`), `kinescope serve` and `kinescope run` are
not built yet; see README.md for what works today.";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut options = demo::DemoOptions::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "demo" => {}
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            "--seconds" => {
                let value = iter
                    .next()
                    .context("--seconds needs a number of virtual seconds")?;
                options.seconds = value
                    .parse()
                    .with_context(|| format!("--seconds: {value:?} is not a whole number"))?;
            }
            "--seed" => {
                let value = iter.next().context("--seed needs a number")?;
                options.seed = value
                    .parse()
                    .with_context(|| format!("--seed: {value:?} is not a whole number"))?;
            }
            "--speed" => {
                let value = iter
                    .next()
                    .context("--speed needs paused, max or a factor such as 60")?;
                options.speed = Speed::parse(value).with_context(|| {
                    format!("--speed: {value:?} is not paused, max or a positive factor")
                })?;
            }
            other => bail!("unknown argument {other:?}\n\n{USAGE}"),
        }
    }
    demo::run(&options, &mut std::io::stdout())?;
    Ok(())
}
