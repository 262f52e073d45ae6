//! Reading over shared throughput: GetShardIterator (all five types) and GetRecords (reference A.7),
//! with the per-shard read limits, iterator expiry, MillisBehindLatest and the end of closed shards.

use crate::events::EventKind;
use crate::metrics::MetricName;
use crate::streams::capacity::{GET_RECORDS_MAX_BYTES, ThrottleMode};
use crate::streams::error::{KinesisError, KinesisResult};
use crate::streams::messages;
use crate::streams::readers::{ReaderKind, ReaderPosition, millis_behind_latest, records_behind};
use crate::streams::record_page::RecordPage;
use crate::streams::sequence::SequenceNumber;
use crate::streams::shapes::{ChildShard, ShardId, ShardIteratorType};
use crate::streams::shard::ShardState;
use crate::streams::spare_pages::SparePages;
use crate::streams::stream::StreamState;
use crate::streams::token::{TOKEN_LIFETIME_MS, TokenWriter};
use crate::time::Timestamp;
use crate::validate::{Pattern, Validator};
use crate::world::{Operation, World};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

const ITERATOR_TOKEN: u8 = 1;
/// Records one GetRecords returns at most.
pub const GET_RECORDS_MAX_RECORDS: usize = 10_000;

/// GetShardIterator.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetShardIteratorInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub shard_id: Option<String>,
    pub shard_iterator_type: Option<String>,
    pub starting_sequence_number: Option<String>,
    pub timestamp: Option<Timestamp>,
    /// Engine extension, never on the wire: names the reader for the lag views.
    #[serde(skip)]
    pub reader_label: Option<String>,
}

impl GetShardIteratorInput {
    /// An iterator of `kind` on shard `shard` of the named stream.
    pub fn new(stream: &str, shard: ShardId, kind: ShardIteratorType) -> Self {
        Self {
            stream_name: Some(stream.into()),
            shard_id: Some(shard.to_string()),
            shard_iterator_type: Some(kind.to_string()),
            ..Self::default()
        }
    }

    /// Sets StartingSequenceNumber.
    pub fn at_sequence(mut self, sequence: &SequenceNumber) -> Self {
        self.starting_sequence_number = Some(sequence.to_string());
        self
    }

    /// Sets Timestamp.
    pub fn at_time(mut self, timestamp: Timestamp) -> Self {
        self.timestamp = Some(timestamp);
        self
    }
}

/// GetShardIterator's output.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetShardIteratorOutput {
    pub shard_iterator: Option<String>,
}

/// The iterator types in the order AWS lists them in its enum message.
pub const ITERATOR_TYPES: &[&str] = &[
    "AFTER_SEQUENCE_NUMBER",
    "LATEST",
    "AT_TIMESTAMP",
    "AT_SEQUENCE_NUMBER",
    "TRIM_HORIZON",
];

/// What a starting position asks for, before it is resolved against a shard.
pub(crate) struct StartRequest<'a> {
    pub kind: ShardIteratorType,
    pub sequence_number: Option<&'a str>,
    pub timestamp: Option<Timestamp>,
}

impl World {
    /// Resolves a shard id given by a client to an existing shard of `stream`.
    pub(crate) fn find_shard<'s>(
        &self,
        stream: &'s StreamState,
        given: &str,
    ) -> KinesisResult<&'s ShardState> {
        let account = self.account_id();
        let id = ShardId::parse(given)
            .ok_or_else(|| messages::could_not_find_shard(given, &stream.name, account))?;
        stream
            .shard(id)
            .ok_or_else(|| messages::shard_not_found(&id.to_string(), &stream.name, account))
    }

    /// The ordinal a reader starting at `start` on `shard` reads first, with AWS's messages for
    /// every inconsistent request (A.7).
    pub(crate) fn starting_ordinal(
        &self,
        stream: &StreamState,
        shard: &ShardState,
        start: &StartRequest,
    ) -> KinesisResult<u64> {
        let account = self.account_id();
        let needs_sequence = matches!(
            start.kind,
            ShardIteratorType::AtSequenceNumber | ShardIteratorType::AfterSequenceNumber
        );
        let takes_no_sequence = matches!(
            start.kind,
            ShardIteratorType::TrimHorizon | ShardIteratorType::Latest
        );
        let mixup = |has: &str| {
            KinesisError::InvalidArgumentException(format!(
                "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified {} and {has} StartingSequenceNumber.",
                start.kind
            ))
        };
        if needs_sequence && start.sequence_number.is_none() {
            return Err(mixup("no"));
        }
        if takes_no_sequence && start.sequence_number.is_some() {
            return Err(mixup("also a"));
        }
        match start.kind {
            ShardIteratorType::TrimHorizon => Ok(shard.log.trim_ordinal()),
            ShardIteratorType::Latest => Ok(shard.log.end_ordinal()),
            ShardIteratorType::AtTimestamp => {
                let ts = start.timestamp.ok_or_else(|| {
                    KinesisError::InvalidArgumentException(
                        "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.".into(),
                    )
                })?;
                if ts.millis() > self.now_ms() {
                    return Err(KinesisError::InvalidArgumentException(format!(
                        "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {}, currentTimestampInMillis: {}",
                        ts.millis(),
                        self.now_ms()
                    )));
                }
                Ok(shard.log.first_at_or_after_time(ts.millis()))
            }
            ShardIteratorType::AtSequenceNumber | ShardIteratorType::AfterSequenceNumber => {
                let text = start.sequence_number.unwrap_or_default();
                let invalid = |why: &str| {
                    KinesisError::InvalidArgumentException(format!(
                        "StartingSequenceNumber {text} used in GetShardIterator on shard {} in stream {} under account {account} is invalid{why}.",
                        shard.id, stream.name
                    ))
                };
                let seq = SequenceNumber::parse(text).ok_or_else(|| invalid(""))?;
                if seq.shard_index != shard.id.0 {
                    return Err(KinesisError::InvalidArgumentException(format!(
                        "Invalid StartingSequenceNumber. It encodes {}, while it was used in a call to a shard with {}",
                        ShardId(seq.shard_index),
                        shard.id
                    )));
                }
                if seq.shard_created_s != (shard.created_ms / 1_000) as u64 {
                    return Err(invalid(" because it did not come from this stream"));
                }
                let counter = match start.kind {
                    ShardIteratorType::AfterSequenceNumber => seq.counter.saturating_add(1),
                    _ => seq.counter,
                };
                Ok(shard.log.first_at_or_after_counter(counter))
            }
        }
    }

    /// GetShardIterator's 5 calls per second per shard (A.4), in faithful mode.
    fn admit_get_shard_iterator(&mut self, stream: &str, shard: ShardId) -> KinesisResult<()> {
        let now = self.now_ms();
        let state = self.stream_named_mut(stream)?;
        if state.throttle != ThrottleMode::Faithful {
            return Ok(());
        }
        if state.shards[shard.0 as usize].read.try_admit_iterator(now) {
            return Ok(());
        }
        Err(messages::iterator_throttled(
            shard,
            stream,
            self.account_id(),
        ))
    }

    fn seal_iterator(
        &self,
        stream: &StreamState,
        shard: ShardId,
        ordinal: u64,
        reader: u64,
    ) -> String {
        let body = TokenWriter::default()
            .i64(stream.created_ms)
            .i64(self.now_ms())
            .u64(u64::from(shard.0))
            .u64(ordinal)
            .u64(reader)
            .str(&stream.name);
        self.sealer().seal_iterator(ITERATOR_TOKEN, body)
    }
}

impl Operation for GetShardIteratorInput {
    type Output = GetShardIteratorOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<GetShardIteratorOutput> {
        let mut v = Validator::new();
        v.stream_address(&self.stream_name, &self.stream_arn);
        v.required_string("shardId", &self.shard_id, 1, 128, Some(Pattern::Name));
        v.required("shardIteratorType", &self.shard_iterator_type);
        let kind = v.parse_enum(
            "shardIteratorType",
            self.shard_iterator_type.as_deref(),
            ITERATOR_TYPES,
        );
        v.string(
            "startingSequenceNumber",
            &self.starting_sequence_number,
            0,
            usize::MAX,
            Some(Pattern::SequenceNumber),
        );
        v.finish()?;
        let kind = kind.expect("validated");
        let name =
            world.resolve_stream_name(self.stream_name.as_deref(), self.stream_arn.as_deref())?;
        world.readable_stream_mut(&name)?;
        let stream = world.stream_named(&name)?;
        let shard_id = world
            .find_shard(stream, self.shard_id.as_deref().unwrap_or_default())?
            .id;
        world.admit_get_shard_iterator(&name, shard_id)?;
        let stream = world.stream_named(&name)?;
        let shard = stream.shard(shard_id).expect("found above");
        let start = StartRequest {
            kind,
            sequence_number: self.starting_sequence_number.as_deref(),
            timestamp: self.timestamp,
        };
        let ordinal = world.starting_ordinal(stream, shard, &start)?;
        let shard_id = shard.id;
        let reader = world.kinesis.readers.allocate();
        let iterator = world.seal_iterator(world.stream_named(&name)?, shard_id, ordinal, reader);
        let now = world.now_ms();
        let shard = world
            .stream_named(&name)?
            .shard(shard_id)
            .expect("found above");
        let position = ReaderPosition {
            stream: name.clone(),
            shard: shard_id,
            kind: ReaderKind::Polling,
            label: self.reader_label,
            next_ordinal: ordinal,
            millis_behind_latest: millis_behind_latest(shard, ordinal, now),
            records_behind: records_behind(shard, ordinal),
            last_read_ms: now,
        };
        world.kinesis.readers.update(reader, position);
        Ok(GetShardIteratorOutput {
            shard_iterator: Some(iterator),
        })
    }
}

/// GetRecords.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetRecordsInput {
    pub shard_iterator: Option<String>,
    pub limit: Option<i64>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
}

impl GetRecordsInput {
    /// Reads with `iterator`, at most `limit` records (None = 10,000).
    pub fn new(iterator: &str, limit: Option<u32>) -> Self {
        Self {
            shard_iterator: Some(iterator.into()),
            limit: limit.map(i64::from),
            stream_arn: None,
        }
    }
}

/// GetRecords' output.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRecordsOutput {
    pub records: RecordPage,
    pub next_shard_iterator: Option<String>,
    pub millis_behind_latest: i64,
    pub child_shards: Option<Vec<ChildShard>>,
}

/// A decoded shard iterator.
struct IteratorState {
    stream_created_ms: i64,
    issued_ms: i64,
    shard: ShardId,
    ordinal: u64,
    reader: u64,
    stream: String,
}

/// Reads records of `shard` from `ordinal`: at most `limit` records and `max_bytes` (unless the
/// first record alone is larger). The records' keys and data are views of the log, not copies.
pub(crate) fn read_records(
    shard: &mut ShardState,
    ordinal: u64,
    limit: usize,
    max_bytes: u64,
    spare: &mut SparePages,
) -> (RecordPage, u64, u64) {
    let mut page = spare.take(shard.created_ms, shard.id.0);
    let extent = shard.log.read_into(ordinal, limit, max_bytes, &mut page);
    (page, extent.next, extent.bytes)
}

/// The children of `shard`, once a reader has reached its end.
pub(crate) fn children_at_end(
    stream: &StreamState,
    shard: &ShardState,
    next: u64,
) -> Option<Vec<ChildShard>> {
    let at_end = !shard.is_open() && next >= shard.log.end_ordinal();
    at_end.then(|| {
        shard
            .children
            .iter()
            .filter_map(|c| stream.shards.get(c.0 as usize))
            .map(ShardState::as_child)
            .collect()
    })
}

impl World {
    fn open_iterator(&self, text: &str) -> KinesisResult<IteratorState> {
        let invalid = || KinesisError::InvalidArgumentException("Invalid ShardIterator.".into());
        let mut scratch = Vec::new();
        let mut r = self
            .sealer()
            .open(ITERATOR_TOKEN, text, &mut scratch)
            .ok_or_else(invalid)?;
        let state = IteratorState {
            stream_created_ms: r.i64().ok_or_else(invalid)?,
            issued_ms: r.i64().ok_or_else(invalid)?,
            shard: ShardId(r.u64().ok_or_else(invalid)? as u32),
            ordinal: r.u64().ok_or_else(invalid)?,
            reader: r.u64().ok_or_else(invalid)?,
            stream: r.str().ok_or_else(invalid)?.to_owned(),
        };
        if !r.is_done() {
            return Err(invalid());
        }
        Ok(state)
    }

    fn log_read_throttle(&mut self, stream: &str, shard: ShardId) {
        let now = self.now_ms();
        let Some(state) = self.kinesis.streams.get_mut(stream) else {
            return;
        };
        state
            .metrics
            .record(MetricName::ReadProvisionedThroughputExceeded, now, 1.0);
        let Some(shard_state) = state.shard_mut(shard) else {
            return;
        };
        shard_state
            .metrics
            .record(MetricName::ReadProvisionedThroughputExceeded, now, 1.0);
        if ShardState::first_throttle_this_second(&mut shard_state.last_read_throttle_event_s, now)
        {
            self.log_event(
                EventKind::ReadThrottled,
                Some(stream),
                format!("Reads of {shard} exceeded 5 GetRecords/s or 2 MiB/s"),
            );
        }
    }
}

impl Operation for GetRecordsInput {
    type Output = GetRecordsOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<GetRecordsOutput> {
        let mut v = Validator::new();
        v.required_string("shardIterator", &self.shard_iterator, 1, 512, None);
        v.range("limit", self.limit, 1, GET_RECORDS_MAX_RECORDS as i64);
        v.string(
            "streamARN",
            &self.stream_arn,
            1,
            2048,
            Some(Pattern::StreamArn),
        );
        v.finish()?;
        let it = world.open_iterator(self.shard_iterator.as_deref().unwrap_or_default())?;
        let account = world.account_id().to_owned();
        let now = world.now_ms();
        if now - it.issued_ms > TOKEN_LIFETIME_MS {
            return Err(KinesisError::ExpiredIteratorException(format!(
                "Iterator expired. The iterator was created at time {} while right now it is {} which is further in the future than the tolerated delay of {TOKEN_LIFETIME_MS} milliseconds.",
                Timestamp(it.issued_ms).java_date_string(),
                Timestamp(now).java_date_string()
            )));
        }
        let gone = || messages::shard_not_found(&it.shard.to_string(), &it.stream, &account);
        let stream = world
            .kinesis
            .streams
            .get(&it.stream)
            .filter(|s| s.created_ms == it.stream_created_ms)
            .ok_or_else(gone)?;
        stream.shard(it.shard).ok_or_else(gone)?;
        let throttle = stream.throttle;
        let admitted = match throttle {
            ThrottleMode::Unthrottled => true,
            ThrottleMode::FaultInjection { probability } => {
                world.rng.random::<f64>() >= probability
            }
            ThrottleMode::Faithful => {
                let stream = world
                    .kinesis
                    .streams
                    .get_mut(&it.stream)
                    .expect("checked above");
                stream.shards[it.shard.0 as usize].read.try_admit_call(now)
            }
        };
        if !admitted {
            world.log_read_throttle(&it.stream, it.shard);
            return Err(messages::read_throttled(it.shard, &it.stream, &account));
        }
        let limit = self.limit.map_or(GET_RECORDS_MAX_RECORDS, |l| l as usize);
        let stream = world
            .kinesis
            .streams
            .get_mut(&it.stream)
            .expect("checked above");
        let shard = &mut stream.shards[it.shard.0 as usize];
        let (records, next, bytes) = read_records(
            shard,
            it.ordinal,
            limit,
            GET_RECORDS_MAX_BYTES,
            &mut world.kinesis.spare_pages,
        );
        if throttle == ThrottleMode::Faithful {
            shard.read.charge(bytes, now);
        }
        let millis_behind = millis_behind_latest(shard, next, now);
        let age = records.last().map_or(0, |r| now - r.arrival_ms());
        let count = records.len() as f64;
        shard
            .metrics
            .record(MetricName::OutgoingBytes, now, bytes as f64);
        shard
            .metrics
            .record(MetricName::OutgoingRecords, now, count);
        shard
            .metrics
            .record(MetricName::IteratorAgeMilliseconds, now, age as f64);
        let behind = records_behind(shard, next);
        let m = &mut stream.metrics;
        m.record(MetricName::GetRecordsBytes, now, bytes as f64);
        m.record(MetricName::GetRecordsRecords, now, count);
        m.record(MetricName::GetRecordsSuccess, now, 1.0);
        m.record(
            MetricName::GetRecordsIteratorAgeMilliseconds,
            now,
            age as f64,
        );
        let stream = world.stream_named(&it.stream)?;
        let shard = stream.shard(it.shard).ok_or_else(gone)?;
        let child_shards = children_at_end(stream, shard, next);
        let next_shard_iterator = match child_shards {
            Some(_) => None,
            None => Some(world.seal_iterator(stream, it.shard, next, it.reader)),
        };
        let label = world.kinesis.readers.label(it.reader);
        world.kinesis.readers.update(
            it.reader,
            ReaderPosition {
                stream: it.stream.clone(),
                shard: it.shard,
                kind: ReaderKind::Polling,
                label,
                next_ordinal: next,
                millis_behind_latest: millis_behind,
                records_behind: behind,
                last_read_ms: now,
            },
        );
        Ok(GetRecordsOutput {
            records,
            next_shard_iterator,
            millis_behind_latest: millis_behind,
            child_shards,
        })
    }
}
