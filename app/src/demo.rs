//! The engine demo: a 4-shard stream with a steady producer and a hot key, one polling reader,
//! printed second by second so a newcomer sees records land, a shard throttle and a reader lag.

use anyhow::Result;
use kinescope_core::metrics::MetricName;
use kinescope_core::streams::ops::lifecycle::CreateStreamInput;
use kinescope_core::streams::ops::put::{PutRecordsInput, PutRecordsRequestEntry};
use kinescope_core::streams::ops::read::{GetRecordsInput, GetShardIteratorInput};
use kinescope_core::streams::shapes::{ShardId, ShardIteratorType};
use kinescope_core::{Driver, Settings, Speed, World};
use std::io::Write;
use std::time::{Duration, Instant};

/// Options of `kinescope demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Virtual seconds to run.
    #[arg(long, default_value_t = 10)]
    seconds: u32,
    /// Seed of the world.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How fast virtual time runs: paused, max, or a factor such as 1 or 60.
    #[arg(long, default_value = "max", value_parser = parse_speed)]
    speed: Speed,
}

fn parse_speed(text: &str) -> Result<Speed, String> {
    Speed::parse(text).ok_or_else(|| format!("{text:?} is not paused, max or a positive factor"))
}

impl From<DemoArgs> for DemoOptions {
    fn from(args: DemoArgs) -> Self {
        Self {
            seconds: args.seconds,
            seed: args.seed,
            speed: args.speed,
        }
    }
}

/// What the demo runs.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Virtual seconds to run.
    pub seconds: u32,
    /// Seed of the world.
    pub seed: u64,
    /// How fast virtual time runs.
    pub speed: Speed,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            seconds: 10,
            seed: 1,
            speed: Speed::AsFastAsPossible,
        }
    }
}

const STREAM: &str = "demo-clickstream";

/// What the demo measured.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoSummary {
    /// Records refused with ProvisionedThroughputExceededException.
    pub throttled_records: f64,
    /// The polling reader's MillisBehindLatest at the end.
    pub reader_lag_ms: i64,
}

/// Runs the demo and writes its report to `out`.
pub fn run(options: &DemoOptions, out: &mut impl Write) -> Result<DemoSummary> {
    let mut world = World::new(Settings::default(), options.seed);
    world.apply(CreateStreamInput::provisioned(STREAM, 4))?;
    world.step(1_000);
    writeln!(
        out,
        "Stream {STREAM}: 4 shards, provisioned, each taking 1 MiB/s or 1,000 records/s"
    )?;
    let mut iterator = world
        .apply(GetShardIteratorInput::new(
            STREAM,
            ShardId(0),
            ShardIteratorType::TrimHorizon,
        ))?
        .shard_iterator;
    let mut driver = Driver::new(options.speed);
    let mut wall = Instant::now();
    for second in 1..=options.seconds {
        // 1,600 records of 200 bytes per virtual second: 400 spread over many keys and 1,200 on one
        // hot key, more than its shard's 1,000 records/s.
        for batch in 0..4 {
            let records = (0..400)
                .map(|i| {
                    let key = if batch > 0 {
                        "hot-user".to_owned()
                    } else {
                        format!("user-{}", (second * 1_000 + i) % 997)
                    };
                    PutRecordsRequestEntry::new(&key, vec![b'x'; 200])
                })
                .collect();
            world.apply(PutRecordsInput::new(STREAM, records))?;
        }
        if let Some(it) = iterator.take() {
            let page = world.apply(GetRecordsInput::new(&it, Some(500)))?;
            iterator = page.next_shard_iterator;
        }
        let mut stepped = 0;
        while stepped < 1_000 {
            let now = Instant::now();
            let dt = driver.virtual_ms_for(now - wall).min(1_000 - stepped);
            wall = now;
            if dt == 0 {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            }
            world.step(dt);
            stepped += dt;
        }
        print_second(&world, second, out)?;
    }
    let lag = world
        .readers()
        .iter()
        .map(|(_, p)| p.millis_behind_latest)
        .max()
        .unwrap_or(0);
    writeln!(
        out,
        "The polling reader on shard 0 reads 500 records/s and is {lag} ms behind the tip."
    )?;
    let stream = world.stream(STREAM).expect("the demo stream exists");
    let throttled_records = stream
        .metrics
        .lifetime_sum(MetricName::WriteProvisionedThroughputExceeded);
    writeln!(
        out,
        "{throttled_records} records were throttled: the hot key's shard cannot take more than 1,000 records/s."
    )?;
    Ok(DemoSummary {
        throttled_records,
        reader_lag_ms: lag,
    })
}

fn print_second(world: &World, second: u32, out: &mut impl Write) -> Result<()> {
    let stream = world.stream(STREAM).expect("the demo stream exists");
    let last = world.now_ms() / 1_000 - 1;
    let lanes: Vec<String> = stream
        .open_shards()
        .map(|s| {
            let incoming = s
                .metrics
                .series(MetricName::IncomingRecords)
                .at_second(last)
                .sum;
            let throttled = s
                .metrics
                .series(MetricName::WriteProvisionedThroughputExceeded)
                .at_second(last)
                .sum;
            format!("{}: {:>4} in {:>4} throttled", s.id, incoming, throttled)
        })
        .collect();
    writeln!(out, "t={second:>3}s  {}", lanes.join(" | "))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_shows_the_hot_shard_throttling() {
        let mut out = Vec::new();
        let summary = run(
            &DemoOptions {
                seconds: 3,
                ..DemoOptions::default()
            },
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("t=  3s"), "{text}");
        // 1,200 hot records a second against a 1,000 records/s shard: about 200 refused each second.
        assert!(summary.throttled_records >= 400.0, "{summary:?}");
    }
}
