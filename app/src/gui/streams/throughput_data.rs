//! What the Throughput panel plots, copied out of the engine only while that panel is open: for a
//! stream or one of its shards, each CloudWatch metric per second against the AWS limit it meets.

use crate::gui::view::{CHART_SECONDS, SHARD_WRITE_BYTES, SHARD_WRITE_RECORDS};
use crate::gui::widgets::numbers::grouped;
use kinescope_core::metrics::{MetricName, MetricSet};
use kinescope_core::streams::capacity;
use kinescope_core::streams::shapes::ShardId;
use kinescope_core::world::World;

/// Shared read throughput per shard, as the engine enforces it: 2 MiB/s and 5 GetRecords calls/s.
const SHARD_READ_BYTES: f64 = capacity::READ_BYTES_PER_SECOND as f64;
const SHARD_READ_CALLS: f64 = capacity::READ_CALLS_PER_SECOND as f64;

/// One chart: a metric per second, its limit, and the seconds that were throttled.
#[derive(Debug, Clone)]
pub struct Chart {
    /// The CloudWatch metric name.
    pub metric: &'static str,
    /// Axis unit, as CloudWatch names it.
    pub unit: &'static str,
    pub points: Vec<[f64; 2]>,
    pub limit: f64,
    pub limit_label: String,
    /// The throttling metric marked on it, and `[second, value]` of each throttled second.
    pub throttle_metric: &'static str,
    pub throttled: Vec<[f64; 2]>,
    /// What the chart counts, for the hover text.
    pub note: &'static str,
}

/// The charts of a stream or a shard.
#[derive(Debug, Clone)]
pub struct Charts {
    /// "stream clicks" or "shard shardId-000000000002 of clicks".
    pub scope: String,
    pub charts: Vec<Chart>,
}

/// Charts of `stream`, or of its `shard` when given and still listed.
pub fn build(world: &World, stream: &str, shard: Option<ShardId>) -> Option<Charts> {
    let state = world.stream(stream)?;
    let last_second = world.now_ms() / 1_000 - 1;
    let first = (last_second - CHART_SECONDS + 1).max(state.created_ms / 1_000);
    let series = |metrics: &MetricSet, metric: MetricName| -> Vec<[f64; 2]> {
        let series = metrics.series(metric);
        (first..=last_second)
            .map(|s| [s as f64, series.at_second(s).sum])
            .collect()
    };
    let marks = |metrics: &MetricSet, throttle: MetricName, on: &[[f64; 2]]| -> Vec<[f64; 2]> {
        let throttles = series(metrics, throttle);
        on.iter()
            .zip(throttles)
            .filter(|(_, [_, n])| *n > 0.0)
            .map(|(point, _)| *point)
            .collect()
    };
    let chart = |metrics: &MetricSet,
                 metric: MetricName,
                 name: &'static str,
                 unit: &'static str,
                 (limit, limit_label): (f64, String),
                 throttle: MetricName,
                 note: &'static str| {
        let points = series(metrics, metric);
        Chart {
            metric: name,
            unit,
            throttled: marks(metrics, throttle, &points),
            points,
            limit,
            limit_label,
            throttle_metric: throttle_name(throttle),
            note,
        }
    };
    use MetricName::*;
    let (write, read) = (
        WriteProvisionedThroughputExceeded,
        ReadProvisionedThroughputExceeded,
    );
    Some(match shard.and_then(|id| state.shard(id)) {
        Some(shard) => {
            let m = &shard.metrics;
            Charts {
                scope: format!("shard {} of {stream}", shard.id),
                charts: vec![
                    chart(
                        m,
                        IncomingBytes,
                        "IncomingBytes",
                        "Bytes/s",
                        (SHARD_WRITE_BYTES, "1 MiB/s per shard".into()),
                        write,
                        "bytes written to the shard",
                    ),
                    chart(
                        m,
                        IncomingRecords,
                        "IncomingRecords",
                        "Count/s",
                        (SHARD_WRITE_RECORDS, "1,000 records/s per shard".into()),
                        write,
                        "records written to the shard",
                    ),
                    chart(
                        m,
                        OutgoingBytes,
                        "OutgoingBytes",
                        "Bytes/s",
                        (
                            SHARD_READ_BYTES,
                            "2 MiB/s shared by GetRecords callers".into(),
                        ),
                        read,
                        "bytes read: GetRecords, and enhanced fan-out pushes, which have 2 MiB/s of their own per consumer",
                    ),
                    chart(
                        m,
                        OutgoingRecords,
                        "OutgoingRecords",
                        "Count/s",
                        (0.0, String::new()),
                        read,
                        "records read: GetRecords and enhanced fan-out",
                    ),
                ],
            }
        }
        None => {
            let m = &state.metrics;
            let shards = state.open_shard_count() as f64;
            let per = |value: f64, unit: &str| {
                format!(
                    "{} {unit} ({} open shards)",
                    grouped(value * shards),
                    grouped(shards)
                )
            };
            Charts {
                scope: format!("stream {stream}"),
                charts: vec![
                    chart(
                        m,
                        IncomingBytes,
                        "IncomingBytes",
                        "Bytes/s",
                        (shards * SHARD_WRITE_BYTES, per(1.0, "MiB/s")),
                        write,
                        "bytes written to the stream",
                    ),
                    chart(
                        m,
                        IncomingRecords,
                        "IncomingRecords",
                        "Count/s",
                        (shards * SHARD_WRITE_RECORDS, per(1_000.0, "records/s")),
                        write,
                        "records written to the stream",
                    ),
                    chart(
                        m,
                        GetRecordsBytes,
                        "GetRecords.Bytes",
                        "Bytes/s",
                        (shards * SHARD_READ_BYTES, per(2.0, "MiB/s")),
                        read,
                        "bytes returned by GetRecords (enhanced fan-out is not counted here)",
                    ),
                    chart(
                        m,
                        GetRecordsSuccess,
                        "GetRecords.Success",
                        "Count/s",
                        (shards * SHARD_READ_CALLS, per(5.0, "calls/s")),
                        read,
                        "successful GetRecords calls",
                    ),
                ],
            }
        }
    })
}

fn throttle_name(metric: MetricName) -> &'static str {
    match metric {
        MetricName::WriteProvisionedThroughputExceeded => "WriteProvisionedThroughputExceeded",
        _ => "ReadProvisionedThroughputExceeded",
    }
}
