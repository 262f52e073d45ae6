//! The Learn tab's calculators, on AWS's numbers (reference A.4, A.11, A.15, B.3, E): shards for a
//! workload (with what KPL aggregation and on-demand change, and a month's cost from an editable
//! price table), a scenario that proves the answer, Firehose buffering, and retention and replay.

use crate::decimal::grouped;
use serde_json::json;

const MIB: f64 = 1_048_576.0;
/// Write limits per shard.
const SHARD_WRITE_BYTES: f64 = MIB;
const SHARD_WRITE_RECORDS: f64 = 1_000.0;
/// Shared read limit per shard, split among every polling application.
const SHARD_READ_BYTES: f64 = 2.0 * MIB;
const SHARD_READ_CALLS: f64 = 5.0;
/// The KPL's default AggregationMaxSize.
const KPL_AGGREGATE_BYTES: f64 = 51_200.0;
/// Enhanced fan-out consumers a stream may register.
const EFO_CONSUMERS: u32 = 20;
/// A new on-demand stream's write capacity.
const ON_DEMAND_START_BYTES: f64 = 4.0 * MIB;
const ON_DEMAND_START_RECORDS: f64 = 4_000.0;
/// An on-demand stream's classic maximum write throughput.
const ON_DEMAND_MAX_BYTES: f64 = 200.0 * MIB;
const HOURS_A_MONTH: f64 = 730.0;
/// PUT payload units are 25 KB each.
const PUT_UNIT_BYTES: f64 = 25.0 * 1_024.0;

/// A Data Streams workload.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    pub records_per_second: f64,
    pub record_bytes: f64,
    /// Applications reading every record.
    pub consumers: u32,
    pub enhanced_fan_out: bool,
}

/// Prices in US dollars; AWS's list prices for us-east-1 when this was written — edit them to
/// your region's and today's.
#[derive(Debug, Clone, PartialEq)]
pub struct Prices {
    pub shard_hour: f64,
    pub put_units_per_million: f64,
    pub efo_consumer_shard_hour: f64,
    pub efo_gb_read: f64,
    pub on_demand_stream_hour: f64,
    pub on_demand_gb_written: f64,
    pub on_demand_gb_read: f64,
}

impl Default for Prices {
    fn default() -> Self {
        Self {
            shard_hour: 0.015,
            put_units_per_million: 0.014,
            efo_consumer_shard_hour: 0.015,
            efo_gb_read: 0.013,
            on_demand_stream_hour: 0.04,
            on_demand_gb_written: 0.08,
            on_demand_gb_read: 0.04,
        }
    }
}

/// The shards a workload needs, each limit's share, and what changes with the KPL or on-demand.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardAnswer {
    pub write_mib_per_second: f64,
    pub for_bytes: u32,
    pub for_records: u32,
    pub for_reads: u32,
    pub shards: u32,
    /// The formula with the workload's numbers in it.
    pub formula: String,
    /// Shards with KPL aggregation (records packed into 50 KiB aggregates).
    pub with_kpl: u32,
    /// Whether an on-demand stream takes this from its start, and its note.
    pub on_demand: String,
    /// Warnings: more polling applications than GetRecords calls, too many EFO consumers.
    pub warnings: Vec<String>,
    pub monthly_provisioned: f64,
    pub monthly_on_demand: f64,
}

fn at_least_one(x: f64) -> u32 {
    (x.ceil() as u32).max(1)
}

/// The shards `w` needs: `max(write bytes / 1 MiB, records / 1,000, shared reads / 2 MiB)`.
pub fn shards(w: &Workload, prices: &Prices) -> ShardAnswer {
    let bytes = w.records_per_second * w.record_bytes;
    let for_bytes = at_least_one(bytes / SHARD_WRITE_BYTES);
    let for_records = at_least_one(w.records_per_second / SHARD_WRITE_RECORDS);
    let shared_readers = if w.enhanced_fan_out { 0 } else { w.consumers };
    let for_reads = at_least_one(bytes * f64::from(shared_readers) / SHARD_READ_BYTES);
    let shards = for_bytes.max(for_records).max(for_reads);
    let per_aggregate = (KPL_AGGREGATE_BYTES / w.record_bytes.max(1.0))
        .floor()
        .max(1.0);
    let with_kpl = for_bytes
        .max(at_least_one(
            w.records_per_second / per_aggregate / SHARD_WRITE_RECORDS,
        ))
        .max(for_reads);
    let mib = bytes / MIB;
    let reads = match w.enhanced_fan_out {
        true => "enhanced fan-out: each consumer has its own 2 MiB/s per shard".to_owned(),
        false => format!(
            "{mib:.2} MiB/s × {} applications / 2 MiB/s = {for_reads}",
            w.consumers
        ),
    };
    let formula = format!(
        "max(write {mib:.2} MiB/s / 1 MiB/s = {for_bytes}, {} records/s / 1,000 = {for_records}, \
         shared reads {reads}) = {shards} shards",
        grouped(w.records_per_second)
    );
    let mut warnings = Vec::new();
    if !w.enhanced_fan_out && f64::from(w.consumers) > SHARD_READ_CALLS {
        warnings.push(format!(
            "{} polling applications make more than the 5 GetRecords calls a second a shard \
             takes: use enhanced fan-out",
            w.consumers
        ));
    }
    if w.enhanced_fan_out && w.consumers > EFO_CONSUMERS {
        warnings.push(format!(
            "a stream registers at most {EFO_CONSUMERS} enhanced fan-out consumers"
        ));
    }
    if w.record_bytes > MIB {
        warnings.push("a record holds at most 1 MiB (data and partition key)".into());
    }
    let on_demand =
        if bytes <= ON_DEMAND_START_BYTES && w.records_per_second <= ON_DEMAND_START_RECORDS {
            "on-demand takes it from the start (a new stream writes 4 MiB/s and 4,000 records/s), \
         and keeps capacity for twice the peak of the last 30 days"
                .to_owned()
        } else if bytes <= ON_DEMAND_MAX_BYTES {
            "on-demand grows to it (twice the previous peak; a jump above twice the peak within 15 \
         minutes is throttled until it has)"
                .to_owned()
        } else {
            "beyond an on-demand stream's 200 MiB/s: provisioned, or several streams".to_owned()
        };
    let gb_written_a_month = bytes * 3_600.0 * HOURS_A_MONTH / 1e9;
    let put_units = w.records_per_second
        * (w.record_bytes / PUT_UNIT_BYTES).ceil().max(1.0)
        * 3_600.0
        * HOURS_A_MONTH;
    let mut monthly_provisioned = f64::from(shards) * HOURS_A_MONTH * prices.shard_hour
        + put_units / 1e6 * prices.put_units_per_million;
    if w.enhanced_fan_out {
        monthly_provisioned += f64::from(w.consumers)
            * f64::from(shards)
            * HOURS_A_MONTH
            * prices.efo_consumer_shard_hour
            + gb_written_a_month * f64::from(w.consumers) * prices.efo_gb_read;
    }
    let monthly_on_demand = HOURS_A_MONTH * prices.on_demand_stream_hour
        + gb_written_a_month * prices.on_demand_gb_written
        + gb_written_a_month * f64::from(w.consumers) * prices.on_demand_gb_read;
    ShardAnswer {
        write_mib_per_second: mib,
        for_bytes,
        for_records,
        for_reads,
        shards,
        formula,
        with_kpl,
        on_demand,
        warnings,
        monthly_provisioned,
        monthly_on_demand,
    }
}

/// A scenario that runs `w` on `shards` shards for two minutes: a producer with random keys, and
/// its readers — watch whether anything throttles.
pub fn proving_scenario(w: &Workload, shards: u32) -> String {
    let consumers: Vec<serde_json::Value> = (1..=w.consumers)
        .map(|i| match w.enhanced_fan_out {
            true => json!({"kind": "efo", "name": format!("reader-{i}"), "stream": "sized"}),
            false => json!({"kind": "polling", "name": format!("reader-{i}"), "stream": "sized",
                            "poll_interval_ms": 1000}),
        })
        .collect();
    let scenario = json!({
        "name": "calculated",
        "description": format!(
            "{} records/s of {} bytes on {shards} shards, read by {} application(s) with {}: \
             the calculator's answer, running.",
            w.records_per_second, w.record_bytes, w.consumers,
            if w.enhanced_fan_out { "enhanced fan-out" } else { "shared throughput" }
        ),
        "seed": 1,
        "duration_seconds": 120,
        "streams": [{"name": "sized", "mode": "provisioned", "shards": shards}],
        "producers": [{
            "name": "workload",
            "stream": "sized",
            "rate": {"kind": "constant", "per_second": w.records_per_second},
            "size": {"kind": "fixed", "bytes": w.record_bytes.round() as u64},
            "payload": "opaque",
            "keys": {"kind": "random_uuid"},
            "api": {"kind": "put_records", "batch_size": 500, "linger_ms": 100},
            "retry": {"kind": "none"}
        }],
        "consumers": consumers,
    });
    serde_json::to_string_pretty(&scenario).unwrap_or_default()
}

/// Firehose buffering: how long a record waits, how big objects are, how many an hour.
#[derive(Debug, Clone, PartialEq)]
pub struct BufferAnswer {
    /// Seconds from a buffer's first record to its delivery.
    pub latency_seconds: f64,
    pub object_bytes: f64,
    pub objects_per_hour: f64,
    /// "size" or "interval": which hint is reached first.
    pub flushed_by: &'static str,
}

/// A delivery stream taking `records_per_second` of `record_bytes` with hints of `size_mib` and
/// `interval_seconds`: whichever is reached first delivers the buffer.
pub fn firehose(
    records_per_second: f64,
    record_bytes: f64,
    size_mib: f64,
    interval_seconds: f64,
) -> BufferAnswer {
    let bytes_per_second = (records_per_second * record_bytes).max(f64::MIN_POSITIVE);
    let fill_seconds = size_mib * MIB / bytes_per_second;
    let (latency_seconds, flushed_by) = if fill_seconds < interval_seconds {
        (fill_seconds, "size")
    } else {
        (interval_seconds, "interval")
    };
    let latency_seconds = latency_seconds.max(f64::MIN_POSITIVE);
    BufferAnswer {
        latency_seconds,
        object_bytes: (bytes_per_second * latency_seconds).min(size_mib * MIB),
        objects_per_hour: 3_600.0 / latency_seconds,
        flushed_by,
    }
}

/// Retention and replay: how far back a consumer can start, and what its lag risks.
#[derive(Debug, Clone, PartialEq)]
pub struct RetentionAnswer {
    /// Hours of records a consumer can replay from TRIM_HORIZON.
    pub replayable_hours: f64,
    /// Hours before a consumer this far behind starts losing records (0: losing them now).
    pub margin_hours: f64,
    /// Records expiring unread each hour once the lag passes the retention.
    pub records_lost_per_hour: f64,
    pub verdict: String,
}

/// A stream keeping `retention_hours` (24 to 8,760), written at `records_per_second`, read by a
/// consumer `lag_hours` behind.
pub fn retention(retention_hours: f64, lag_hours: f64, records_per_second: f64) -> RetentionAnswer {
    let retention_hours = retention_hours.clamp(24.0, 8_760.0);
    let margin_hours = (retention_hours - lag_hours).max(0.0);
    let losing = lag_hours >= retention_hours;
    let verdict = if losing {
        "the consumer is past the retention: records expire before it reads them (records_expired_unread); \
         raise the retention (IncreaseStreamRetentionPeriod) or make it read faster"
            .to_owned()
    } else if lag_hours >= retention_hours / 2.0 {
        format!(
            "at risk: {margin_hours:.1} h before records expire unread; watch \
             GetRecords.IteratorAgeMilliseconds"
        )
    } else {
        format!("safe: {margin_hours:.1} h of margin before the retention")
    };
    RetentionAnswer {
        replayable_hours: retention_hours,
        margin_hours,
        records_lost_per_hour: if losing {
            records_per_second * 3_600.0
        } else {
            0.0
        },
        verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_follow_the_tightest_limit() {
        let prices = Prices::default();
        // 3,000 records/s of 100 bytes: the records limit decides (0.29 MiB/s of bytes).
        let small = Workload {
            records_per_second: 3_000.0,
            record_bytes: 100.0,
            consumers: 1,
            enhanced_fan_out: false,
        };
        let answer = shards(&small, &prices);
        assert_eq!(
            (answer.for_bytes, answer.for_records, answer.shards),
            (1, 3, 3)
        );
        assert_eq!(
            answer.with_kpl, 1,
            "512 records of 100 bytes in each 50 KiB aggregate"
        );
        // 2 MiB/s written, read by 3 applications sharing: 6 MiB/s of reads need 3 shards.
        let shared = Workload {
            records_per_second: 2_048.0,
            record_bytes: 1_024.0,
            consumers: 3,
            enhanced_fan_out: false,
        };
        let answer = shards(&shared, &prices);
        assert_eq!(
            (answer.for_bytes, answer.for_reads, answer.shards),
            (2, 3, 3)
        );
        assert!(answer.formula.contains("= 3 shards"), "{}", answer.formula);
        let fanned = Workload {
            enhanced_fan_out: true,
            ..shared.clone()
        };
        assert_eq!(shards(&fanned, &prices).shards, 3, "records: 2,048 / 1,000");
        let many = Workload {
            consumers: 6,
            ..shared
        };
        assert!(shards(&many, &prices).warnings[0].contains("5 GetRecords calls"));
        // A month of one shard: 730 h × $0.015, plus PUT units.
        let one = Workload {
            records_per_second: 1.0,
            record_bytes: 1.0,
            consumers: 1,
            enhanced_fan_out: false,
        };
        let cost = shards(&one, &prices).monthly_provisioned;
        assert!((cost - (10.95 + 2.628 * 0.014)).abs() < 1e-6, "{cost}");
    }

    #[test]
    fn firehose_delivers_on_whichever_hint_comes_first() {
        // 500 records/s of 1,000 bytes into 1 MiB: full in 2.1 s.
        let busy = firehose(500.0, 1_000.0, 1.0, 900.0);
        assert_eq!(busy.flushed_by, "size");
        assert!((busy.latency_seconds - 2.097).abs() < 0.001);
        // 20 records/s of 200 bytes: the 60 s interval first, 240,000 bytes an object.
        let slow = firehose(20.0, 200.0, 128.0, 60.0);
        assert_eq!(slow.flushed_by, "interval");
        assert_eq!(slow.object_bytes, 240_000.0);
        assert_eq!(slow.objects_per_hour, 60.0);
    }

    #[test]
    fn retention_says_how_far_back_and_what_a_lag_risks() {
        let safe = retention(24.0, 2.0, 100.0);
        assert_eq!(safe.margin_hours, 22.0);
        assert!(safe.verdict.starts_with("safe"));
        let lost = retention(24.0, 25.0, 100.0);
        assert_eq!(lost.records_lost_per_hour, 360_000.0);
        assert_eq!(
            retention(1.0, 0.0, 1.0).replayable_hours,
            24.0,
            "24 h at least"
        );
    }

    #[test]
    fn the_proving_scenario_runs_clean_on_the_answer_and_throttles_on_one_shard_fewer() {
        let w = Workload {
            records_per_second: 2_500.0,
            record_bytes: 200.0,
            consumers: 2,
            enhanced_fan_out: true,
        };
        let answer = shards(&w, &Prices::default());
        assert_eq!(answer.shards, 3, "2,500 records/s");
        // The answer's shards take the workload; one fewer throttles.
        for (count, throttles) in [(answer.shards, false), (answer.shards - 1, true)] {
            let text = proving_scenario(&w, count);
            let scenario = crate::sim::scenario::Scenario::from_json(&text).unwrap();
            assert_eq!(scenario.consumers.len(), 2);
            let mut simulation = crate::sim::simulation::Simulation::new(scenario, 1);
            simulation.step(20_000);
            let report = crate::learn::check::report_json(&simulation);
            let throttled = report["producers"][0]["records_throttled"]
                .as_u64()
                .unwrap();
            assert_eq!(
                throttled > 0,
                throttles,
                "{count} shards: {throttled} throttled"
            );
        }
    }
}
