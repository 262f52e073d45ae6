//! The simulation benchmark of issue 4: 100 shards written at 1,000 records/s each, read by one
//! polling and one enhanced fan-out application, on the virtual clock as fast as possible.
//!
//! `cargo bench -p kinescope-tests --bench simulation` runs 60 simulated seconds;
//! `KINESCOPE_BENCH_SECONDS=3600` runs the full hour. Prints wall time, records, rates, the wall
//! time an hour takes at the measured pace, and peak memory.

use kinescope_core::sim::report::Report;
use kinescope_core::sim::scenario::Scenario;
use kinescope_core::sim::simulation::Simulation;
use std::time::Instant;

/// The allocator `kinescope` itself uses, tuned as it is (kinescope_core::allocator).
#[global_allocator]
static ALLOCATOR: kinescope_core::allocator::Allocator = kinescope_core::allocator::Allocator;

const SHARDS: u32 = 100;
const RECORDS_PER_SHARD_PER_SECOND: u32 = 1_000;

fn scenario(seconds: u64, record_bytes: u64) -> Scenario {
    let json = serde_json::json!({
        "name": "bench-100-shards",
        "description": "100 shards at 1,000 records/s each, one polling and one EFO application.",
        "seed": 1,
        "duration_seconds": seconds,
        "streams": [{ "name": "bench", "shards": SHARDS }],
        "producers": [{
            "name": "load",
            "stream": "bench",
            "rate": { "kind": "constant", "per_second": SHARDS * RECORDS_PER_SHARD_PER_SECOND },
            "size": { "kind": "fixed", "bytes": record_bytes },
            "payload": "opaque",
            // Explicit hash keys drawn uniformly: 1,000 records/s per shard on average (a shard's
            // busier seconds go over its limit and are throttled: about 2 % of the records).
            "keys": { "kind": "explicit_hash_keys" },
            "api": { "kind": "put_records", "batch_size": 500, "linger_ms": 100 }
        }],
        "consumers": [
            { "kind": "polling", "name": "polling-app", "stream": "bench", "poll_interval_ms": 1000 },
            { "kind": "efo", "name": "efo-app", "stream": "bench" }
        ]
    });
    Scenario::from_json(&json.to_string()).expect("a valid scenario")
}

fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// CPU seconds the calling thread has used (user + system), from /proc: less moved by other load
/// on the machine than wall time, so changes to the engine thread's work show in it.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    kinescope_core::allocator::tune();
    let seconds: u64 = std::env::var("KINESCOPE_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let record_bytes: u64 = std::env::var("KINESCOPE_BENCH_RECORD_BYTES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(16);
    let started = Instant::now();
    let mut simulation = Simulation::new(scenario(seconds, record_bytes), 1);
    simulation.step(seconds as i64 * 1_000);
    let wall = started.elapsed().as_secs_f64();
    let report = Report::of(&simulation, 1, (wall * 1_000.0) as u64);
    let produced = report.producers[0].records_acknowledged;
    println!(
        "{seconds} simulated s, {SHARDS} shards × {RECORDS_PER_SHARD_PER_SECOND} records/s of {record_bytes} B: {wall:.1} s wall"
    );
    println!(
        "  {produced} records written ({} throttled); {:.0} records/s written+read by 2 apps",
        report.producers[0].records_throttled,
        produced as f64 / wall
    );
    for c in &report.consumers {
        println!(
            "  {} ({}): {} processed, max {} ms behind",
            c.name, c.kind, c.records_processed, c.max_millis_behind_latest
        );
    }
    for i in report.invariants.iter().filter(|i| !i.ok) {
        println!("  INVARIANT FAILED {}: {}", i.name, i.detail);
    }
    if let Some(cpu) = thread_cpu_seconds() {
        println!(
            "  engine thread: {cpu:.1} s of CPU ({:.0} s an hour at this pace)",
            cpu * 3_600.0 / seconds as f64
        );
    }
    println!(
        "  one simulated hour at this pace: {:.0} s wall; peak memory {} MiB",
        wall * 3_600.0 / seconds as f64,
        peak_rss_mib().map_or("?".into(), |m| m.to_string())
    );
}
