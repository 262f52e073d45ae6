//! What a headless run reports of each Firehose delivery stream (`firehoses[]` of
//! `kinescope run --report`): records and bytes in, throttling, every flush with its reason, and
//! what was delivered. Times are milliseconds since the scenario started.

use crate::firehose::buffer::FlushReason;
use crate::world::World;
use serde::Serialize;

/// One delivery of a buffer.
#[derive(Debug, Clone, Serialize)]
pub struct FlushReport {
    pub at_ms: i64,
    pub reason: FlushReason,
    pub records: u64,
    pub bytes: u64,
    pub key: String,
}

/// Lambda transform outcomes.
#[derive(Debug, Clone, Serialize)]
pub struct TransformReport {
    pub ok: u64,
    pub dropped: u64,
    pub processing_failed: u64,
}

/// One delivery stream.
#[derive(Debug, Clone, Serialize)]
pub struct FirehoseReport {
    pub name: String,
    pub records_in: u64,
    pub bytes_in: u64,
    pub throttled: u64,
    pub flushes: Vec<FlushReport>,
    pub objects_delivered: u64,
    pub transform: TransformReport,
    pub conversion_failed: u64,
    pub error_objects: u64,
    pub max_data_freshness_ms: i64,
}

/// Every delivery stream of `world`, in name order; `started_ms` is the scenario's start.
pub fn firehose_reports(world: &World, started_ms: i64) -> Vec<FirehoseReport> {
    world
        .delivery_streams()
        .values()
        .map(|s| {
            let c = &s.counters;
            FirehoseReport {
                name: s.name.clone(),
                records_in: c.records_in,
                bytes_in: c.bytes_in,
                throttled: c.throttled,
                flushes: s
                    .flushes
                    .iter()
                    .map(|f| FlushReport {
                        at_ms: f.at_ms - started_ms,
                        reason: f.reason,
                        records: f.records,
                        bytes: f.bytes,
                        key: f.key.clone(),
                    })
                    .collect(),
                objects_delivered: c.objects_delivered,
                transform: TransformReport {
                    ok: c.transform_ok,
                    dropped: c.transform_dropped,
                    processing_failed: c.transform_processing_failed,
                },
                conversion_failed: c.conversion_failed,
                error_objects: c.error_objects,
                max_data_freshness_ms: c.max_data_freshness_ms,
            }
        })
        .collect()
}
