//! PutRecord and PutRecordBatch (reference B.2): records of up to 1,000 KiB, batches of up to 500
//! records and 4 MiB, the stream's Direct PUT quota, per-entry failures; records enter the buffer
//! (or, with immediate buffering, leave at once as their own object).

use super::lifecycle::validate_name;
use crate::firehose::buffer::{BufferingMode, FlushReason};
use crate::firehose::error::FirehoseError;
use crate::firehose::messages;
use crate::firehose::metrics::FirehoseMetric;
use crate::firehose::shapes::*;
use crate::streams::capacity::ThrottleMode;
use crate::streams::shapes::Blob;
use crate::validate::Validator;
use crate::world::{Operation, World};
use base64::Engine;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Largest record (1,000 KiB before base64).
pub const MAX_RECORD_BYTES: usize = 1_024_000;
/// Most records in a PutRecordBatch.
pub const MAX_BATCH_RECORDS: usize = 500;
/// Most bytes in a PutRecordBatch.
pub const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;

/// A record to put.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Record {
    pub data: Option<Blob>,
}

impl Record {
    /// A record holding `data`.
    pub fn new(data: impl Into<Blob>) -> Self {
        Self {
            data: Some(data.into()),
        }
    }
}

/// PutRecord.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PutRecordInput {
    pub delivery_stream_name: Option<String>,
    pub record: Option<Record>,
}

/// PutRecord's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordOutput {
    pub record_id: String,
    pub encrypted: bool,
}

/// PutRecordBatch.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PutRecordBatchInput {
    pub delivery_stream_name: Option<String>,
    pub records: Option<Vec<Record>>,
}

/// One entry of PutRecordBatch's answer, in the order of the records sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordBatchResponseEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// PutRecordBatch's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordBatchOutput {
    pub failed_put_count: u64,
    pub encrypted: bool,
    pub request_responses: Vec<PutRecordBatchResponseEntry>,
}

fn record_id(world: &mut World) -> String {
    let bytes: [u8; 48] = world.rng.random();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Whether the Direct PUT quota is enforced: not with `--throttle unthrottled` (every rate limit
/// off).
fn quota_applies(world: &World) -> bool {
    world.settings().default_throttle != ThrottleMode::Unthrottled
}

/// Admits a call to `name`: the stream must be ACTIVE, take direct puts, and have request rate
/// left. Returns whether its records are encrypted.
fn admit_call(world: &mut World, name: &str, records: u64) -> Result<bool, FirehoseError> {
    let account = world.account_id().to_owned();
    let now = world.now_ms();
    let limited = quota_applies(world);
    let stream = world.delivery_stream_named_mut(name)?;
    if stream.status != DeliveryStreamStatus::Active {
        return Err(messages::not_found(name, &account));
    }
    if stream.kind != DeliveryStreamType::DirectPut {
        return Err(messages::not_direct_put("KinesisStreamAsSource"));
    }
    stream.counters.put_requests += 1;
    stream
        .metrics
        .record(FirehoseMetric::IncomingPutRequests, now, 1.0);
    if limited && !stream.quota.admit_request(now) {
        stream.counters.throttled += records;
        let throttled = FirehoseMetric::ThrottledRecords;
        stream.metrics.record(throttled, now, records as f64);
        return Err(messages::slow_down());
    }
    Ok(stream.encryption.status == EncryptionStatus::Enabled)
}

/// Puts one record into the buffer of `name` if the quota has room.
fn accept(world: &mut World, name: &str, data: Blob) -> bool {
    let now = world.now_ms();
    let limited = quota_applies(world);
    let Some(stream) = world.firehose.delivery_streams.get_mut(name) else {
        return false;
    };
    if limited && !stream.quota.admit_record(data.0.len() as u64, now) {
        stream.counters.throttled += 1;
        stream
            .metrics
            .record(FirehoseMetric::ThrottledRecords, now, 1.0);
        return false;
    }
    world.ingest(name, data.0, now);
    true
}

/// After a call: immediate buffering delivers what it put; an interval of 0 delivers at once.
fn after_call(world: &mut World, name: &str) {
    if world.settings().firehose_buffering == BufferingMode::Immediate {
        world.flush_processing(name);
        world.flush_delivery_stream(name, FlushReason::Immediate);
    } else if world
        .delivery_stream(name)
        .is_some_and(|s| s.hints().interval_in_seconds == 0)
    {
        world.flush_delivery_stream(name, FlushReason::Interval);
    }
}

impl Operation for PutRecordInput {
    type Output = PutRecordOutput;
    type Error = FirehoseError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<PutRecordOutput, FirehoseError> {
        let mut v = Validator::new();
        validate_name(&mut v, &self.delivery_stream_name);
        if let Some(record) = v.required("record", &self.record)
            && let Some(data) = v.required("record.data", &record.data)
        {
            v.blob_size("record.data", data.0.len(), MAX_RECORD_BYTES);
        }
        v.finish_as(FirehoseError::ValidationException)?;
        let name = self.delivery_stream_name.unwrap_or_default();
        let encrypted = admit_call(world, &name, 1)?;
        let data = self.record.and_then(|r| r.data).unwrap_or_default();
        if !accept(world, &name, data) {
            return Err(messages::slow_down());
        }
        after_call(world, &name);
        Ok(PutRecordOutput {
            record_id: record_id(world),
            encrypted,
        })
    }
}

impl Operation for PutRecordBatchInput {
    type Output = PutRecordBatchOutput;
    type Error = FirehoseError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<PutRecordBatchOutput, FirehoseError> {
        let mut v = Validator::new();
        validate_name(&mut v, &self.delivery_stream_name);
        if let Some(records) = v.required("records", &self.records) {
            v.list_size("records", records.len(), 1, MAX_BATCH_RECORDS);
            for (i, record) in records.iter().enumerate() {
                let member = format!("records.{}.member.data", i + 1);
                if let Some(data) = v.required(&member, &record.data) {
                    v.blob_size(&member, data.0.len(), MAX_RECORD_BYTES);
                }
            }
        }
        v.finish_as(FirehoseError::ValidationException)?;
        let records = self.records.unwrap_or_default();
        let total: usize = records
            .iter()
            .map(|r| r.data.as_ref().map_or(0, |d| d.0.len()))
            .sum();
        if total > MAX_BATCH_BYTES {
            return Err(messages::invalid(format!(
                "Records size exceeds the PutRecordBatch limit of {MAX_BATCH_BYTES} bytes: {total} bytes sent."
            )));
        }
        let name = self.delivery_stream_name.unwrap_or_default();
        let encrypted = admit_call(world, &name, records.len() as u64)?;
        let mut failed = 0;
        let mut responses = Vec::with_capacity(records.len());
        for record in records {
            let entry = if accept(world, &name, record.data.unwrap_or_default()) {
                PutRecordBatchResponseEntry {
                    record_id: Some(record_id(world)),
                    error_code: None,
                    error_message: None,
                }
            } else {
                failed += 1;
                PutRecordBatchResponseEntry {
                    record_id: None,
                    error_code: Some("ServiceUnavailableException".into()),
                    error_message: Some(messages::SLOW_DOWN.into()),
                }
            };
            responses.push(entry);
        }
        after_call(world, &name);
        Ok(PutRecordBatchOutput {
            failed_put_count: failed,
            encrypted,
            request_responses: responses,
        })
    }
}
