//! What a Lambda event source mapping does with a batch the function failed: report the first
//! failed record (ReportBatchItemFailures: what came before it is done), retry or split it in two
//! (BisectBatchOnFunctionError), and give it up — once MaximumRetryAttempts are used, its oldest
//! record is older than MaximumRecordAgeInSeconds, or it passed the stream's retention — by sending
//! an invocation record describing it to the on-failure destination: a stream of the scenario, or
//! a list the app shows. The record has AWS's shape (`requestContext`, `responseContext`,
//! `KinesisBatchInfo`); the records themselves are not in it, as at AWS.

use super::lambda::{Batch, LambdaSpec, Lane, user_records};
use crate::streams::ops::put::PutRecordInput;
use crate::streams::shapes::{Record, ShardId};
use crate::time::Timestamp;
use crate::world::World;
use serde::Serialize;
use serde_json::json;

/// Why a batch was given up (AWS's `requestContext.condition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum GiveUp {
    /// MaximumRetryAttempts used up.
    RetryAttemptsExhausted,
    /// Its oldest record passed MaximumRecordAgeInSeconds, or the stream's retention.
    RecordAgeExceeded,
}

/// One batch given up, as the on-failure destination receives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailedBatch {
    /// When it was given up (virtual time, epoch ms).
    pub at_ms: i64,
    /// Why.
    pub condition: GiveUp,
    /// Invocations it took.
    pub invocations: u64,
    /// Its shard.
    pub shard: ShardId,
    /// First and last sequence numbers.
    pub start_sequence_number: String,
    pub end_sequence_number: String,
    /// Arrival of its first and last records (epoch ms).
    pub first_arrival_ms: i64,
    pub last_arrival_ms: i64,
    /// Kinesis records in it.
    pub batch_size: usize,
    /// User records in it (KPL aggregates unpacked).
    pub user_records: u64,
}

impl FailedBatch {
    /// Describes `records` given up at `now_ms`.
    pub fn of(
        records: &[Record],
        shard: ShardId,
        condition: GiveUp,
        invocations: u64,
        now_ms: i64,
    ) -> Option<FailedBatch> {
        let (first, last) = (records.first()?, records.last()?);
        Some(FailedBatch {
            at_ms: now_ms,
            condition,
            invocations,
            shard,
            start_sequence_number: first.sequence_number.to_string(),
            end_sequence_number: last.sequence_number.to_string(),
            first_arrival_ms: first.approximate_arrival_timestamp.millis(),
            last_arrival_ms: last.approximate_arrival_timestamp.millis(),
            batch_size: records.len(),
            user_records: records.iter().map(user_records).sum(),
        })
    }

    /// The invocation record AWS sends to an on-failure destination for a Kinesis source.
    pub fn invocation_record(&self, world: &World, function: &str, stream: &str) -> String {
        let settings = world.settings();
        let iso = |ms: i64| Timestamp(ms).iso8601();
        json!({
            "requestContext": {
                "requestId": format!("{}-{}", self.shard, self.start_sequence_number),
                "functionArn": format!(
                    "arn:aws:lambda:{}:{}:function:{function}",
                    settings.region, settings.account_id
                ),
                "condition": self.condition,
                "approximateInvokeCount": self.invocations,
            },
            "responseContext": {
                "statusCode": 200,
                "executedVersion": "$LATEST",
                "functionError": "Unhandled",
            },
            "version": "1.0",
            "timestamp": iso(self.at_ms),
            "KinesisBatchInfo": {
                "shardId": self.shard.to_string(),
                "startSequenceNumber": self.start_sequence_number,
                "endSequenceNumber": self.end_sequence_number,
                "approximateArrivalOfFirstRecord": iso(self.first_arrival_ms),
                "approximateArrivalOfLastRecord": iso(self.last_arrival_ms),
                "batchSize": self.batch_size,
                "streamArn": world.stream_arn(stream),
            },
        })
        .to_string()
    }

    /// Sends the invocation record to `destination` (a stream); `false` if the stream refused it.
    pub fn send(&self, world: &mut World, function: &str, stream: &str, destination: &str) -> bool {
        let record = self.invocation_record(world, function, stream);
        let input = PutRecordInput::new(destination, &self.shard.to_string(), record.into_bytes());
        world.apply(input).is_ok()
    }
}

/// The mapping's rules for a failed batch, at one moment.
pub(super) struct FailureRules<'a> {
    pub(super) spec: &'a LambdaSpec,
    pub(super) shard: ShardId,
    /// Records that arrived before this are too old to invoke again.
    pub(super) oldest_allowed_ms: i64,
    pub(super) now: i64,
}

impl FailureRules<'_> {
    /// Whether the batch's oldest record is past MaximumRecordAgeInSeconds (or retention).
    pub(super) fn too_old(&self, batch: &Batch) -> bool {
        batch
            .records
            .first()
            .is_some_and(|r| r.approximate_arrival_timestamp.millis() < self.oldest_allowed_ms)
    }

    /// The batch, described for the on-failure destination.
    pub(super) fn give_up(&self, batch: Batch, condition: GiveUp) -> Option<FailedBatch> {
        FailedBatch::of(
            &batch.records,
            self.shard,
            condition,
            batch.invocations,
            self.now,
        )
    }

    /// Handles a batch the function failed at record `failed_at`: what comes back to the lane
    /// to retry, or what is given up.
    pub(super) fn handle(
        &self,
        lane: &mut Lane,
        mut batch: Batch,
        failed_at: usize,
    ) -> Option<FailedBatch> {
        if self.spec.report_batch_item_failures {
            // The records before the first reported failure are done; the retry starts there.
            batch.records.drain(..failed_at);
        }
        let exhausted =
            self.spec.max_retry_attempts >= 0 && batch.retries >= self.spec.max_retry_attempts;
        if exhausted {
            return self.give_up(batch, GiveUp::RetryAttemptsExhausted);
        }
        if self.too_old(&batch) {
            return self.give_up(batch, GiveUp::RecordAgeExceeded);
        }
        let not_before_ms = self.now + self.spec.retry_delay_ms;
        if self.spec.bisect_batch_on_function_error && batch.records.len() > 1 {
            // Splitting does not count against the retry quota (AWS), so each half keeps it.
            let second = batch.records.split_off(batch.records.len() / 2);
            lane.retry.push_front(Batch {
                records: second,
                not_before_ms,
                ..batch.clone()
            });
            lane.retry.push_front(Batch {
                not_before_ms,
                ..batch
            });
        } else {
            lane.retry.push_front(Batch {
                retries: batch.retries + 1,
                not_before_ms,
                ..batch
            });
        }
        None
    }
}

/// The position of the first record of `records` the function reports failed, by its rule
/// (`fails`); `None` when all succeeded.
pub fn first_failure(records: &[Record], fails: impl Fn(&Record) -> bool) -> Option<usize> {
    records.iter().position(fails)
}

/// Bytes a record adds to an invocation's event: its data in base64 plus the JSON of its
/// metadata (event source, IDs, partition key, sequence number, arrival time, ...).
pub fn event_bytes(record: &Record) -> usize {
    const METADATA_BYTES: usize = 400;
    record.data.0.len().div_ceil(3) * 4 + record.partition_key.len() + METADATA_BYTES
}

/// The most an invocation's event may hold (Lambda's 6 MB synchronous payload limit).
pub const INVOCATION_PAYLOAD_LIMIT: usize = 6 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;
    use crate::streams::ops::lifecycle::CreateStreamInput;
    use crate::streams::ops::read::{GetRecordsInput, GetShardIteratorInput};
    use crate::streams::shapes::ShardIteratorType;

    #[test]
    fn a_given_up_batch_reaches_the_destination_stream_in_aws_shape() {
        let mut world = World::new(Settings::default(), 1);
        for name in ["source", "failures"] {
            world
                .apply(CreateStreamInput::provisioned(name, 1))
                .unwrap();
        }
        world.step(500);
        for data in ["a", "b"] {
            world
                .apply(PutRecordInput::new("source", "k", data))
                .unwrap();
        }
        let read = |world: &mut World, stream: &str| {
            let it = world
                .apply(GetShardIteratorInput::new(
                    stream,
                    ShardId(0),
                    ShardIteratorType::TrimHorizon,
                ))
                .unwrap()
                .shard_iterator
                .unwrap();
            world
                .apply(GetRecordsInput::new(&it, None))
                .unwrap()
                .records
                .to_records()
        };
        let records = read(&mut world, "source");
        let now = world.now_ms();
        let failed =
            FailedBatch::of(&records, ShardId(0), GiveUp::RetryAttemptsExhausted, 3, now).unwrap();
        assert!(failed.send(&mut world, "fn", "source", "failures"));
        let sent = read(&mut world, "failures");
        let doc: serde_json::Value = serde_json::from_slice(&sent[0].data.0).unwrap();
        assert_eq!(doc["requestContext"]["condition"], "RetryAttemptsExhausted");
        assert_eq!(doc["requestContext"]["approximateInvokeCount"], 3);
        assert_eq!(
            doc["requestContext"]["functionArn"],
            "arn:aws:lambda:us-east-1:000000000000:function:fn"
        );
        let info = &doc["KinesisBatchInfo"];
        assert_eq!(info["batchSize"], 2);
        assert_eq!(info["shardId"], "shardId-000000000000");
        assert_eq!(
            info["startSequenceNumber"],
            records[0].sequence_number.to_string()
        );
        assert_eq!(
            info["streamArn"],
            "arn:aws:kinesis:us-east-1:000000000000:stream/source"
        );
    }
}
