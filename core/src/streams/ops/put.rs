//! Writing: PutRecord and PutRecords (reference A.6) — validation, MD5 routing, per-shard write
//! limits with per-record partial failure, sequence numbers and write metrics.

use crate::events::EventKind;
use crate::metrics::MetricName;
use crate::streams::capacity::{MIB, ThrottleMode};
use crate::streams::error::{KinesisError, KinesisResult};
use crate::streams::hashkey::{ExplicitHashKey, hash_partition_key};
use crate::streams::messages;
use crate::streams::sequence::SequenceNumber;
use crate::streams::shapes::{Blob, EncryptionType, ShardId, StreamMode};
use crate::streams::shard::ShardState;
use crate::streams::shared_str::SharedStr;
use crate::streams::stream::StreamState;
use crate::validate::{Pattern, Validator};
use crate::world::{Operation, World};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Records one PutRecords call takes at most.
pub const PUT_RECORDS_MAX_RECORDS: usize = 500;
/// Classic record-size limit, and the model's Data limit on a default stream (A.4).
const CLASSIC_MAX_DATA: usize = 1_048_576;
/// The model's largest Data blob (10 MiB streams).
const MODEL_MAX_DATA: usize = 10_485_760;

/// PutRecord.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PutRecordInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub data: Option<Blob>,
    pub partition_key: Option<SharedStr>,
    pub explicit_hash_key: Option<ExplicitHashKey>,
    pub sequence_number_for_ordering: Option<String>,
}

impl PutRecordInput {
    /// A record for the named stream.
    pub fn new(stream: &str, partition_key: &str, data: impl Into<Blob>) -> Self {
        Self {
            stream_name: Some(stream.into()),
            data: Some(data.into()),
            partition_key: Some(partition_key.into()),
            ..Self::default()
        }
    }
}

/// PutRecord's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordOutput {
    pub shard_id: ShardId,
    pub sequence_number: SequenceNumber,
    pub encryption_type: EncryptionType,
}

/// One entry of PutRecords.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PutRecordsRequestEntry {
    pub data: Option<Blob>,
    pub explicit_hash_key: Option<ExplicitHashKey>,
    pub partition_key: Option<SharedStr>,
}

impl PutRecordsRequestEntry {
    /// An entry routed by `partition_key`.
    pub fn new(partition_key: &str, data: impl Into<Blob>) -> Self {
        Self {
            data: Some(data.into()),
            partition_key: Some(partition_key.into()),
            explicit_hash_key: None,
        }
    }
}

/// PutRecords.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PutRecordsInput {
    pub records: Option<Vec<PutRecordsRequestEntry>>,
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
}

impl PutRecordsInput {
    /// A batch for the named stream.
    pub fn new(stream: &str, records: Vec<PutRecordsRequestEntry>) -> Self {
        Self {
            records: Some(records),
            stream_name: Some(stream.into()),
            stream_arn: None,
        }
    }
}

/// One entry of PutRecords' result: a sequence number, or an error code and message.
#[derive(Debug, Clone, PartialEq)]
pub struct PutRecordsResultEntry {
    pub sequence_number: Option<SequenceNumber>,
    pub shard_id: Option<ShardId>,
    /// Why the record was not written. Boxed: most entries have none, and a call writes one
    /// entry per record (56 bytes each rather than 96).
    pub error: Option<Box<EntryError>>,
}

/// As a struct of the members present, like the other shapes (a map of known length in CBOR).
impl Serialize for PutRecordsResultEntry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let members = usize::from(self.sequence_number.is_some())
            + usize::from(self.shard_id.is_some())
            + 2 * usize::from(self.error.is_some());
        let mut out = serializer.serialize_struct("PutRecordsResultEntry", members)?;
        if let Some(sequence_number) = &self.sequence_number {
            out.serialize_field("SequenceNumber", sequence_number)?;
        }
        if let Some(shard_id) = &self.shard_id {
            out.serialize_field("ShardId", shard_id)?;
        }
        if let Some(error) = &self.error {
            out.serialize_field("ErrorCode", &error.error_code)?;
            out.serialize_field("ErrorMessage", &error.error_message)?;
        }
        out.end()
    }
}

/// A PutRecords entry's ErrorCode and ErrorMessage.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryError {
    pub error_code: String,
    pub error_message: String,
}

impl PutRecordsResultEntry {
    /// The entry's ErrorCode, if the record was not written.
    pub fn error_code(&self) -> Option<&str> {
        self.error.as_ref().map(|e| e.error_code.as_str())
    }

    /// The entry's ErrorMessage, if the record was not written.
    pub fn error_message(&self) -> Option<&str> {
        self.error.as_ref().map(|e| e.error_message.as_str())
    }
}

/// PutRecords' output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordsOutput {
    pub failed_record_count: u32,
    pub records: Vec<PutRecordsResultEntry>,
    pub encryption_type: EncryptionType,
}

/// Checks one record's members; returns its explicit hash key's value when it gave one that is
/// plainly valid (the common case), so that routing does not parse it again.
fn validate_record(
    v: &mut Validator,
    entry: Option<usize>,
    data: &Option<Blob>,
    key: &Option<SharedStr>,
    hash: &Option<ExplicitHashKey>,
) -> Option<u128> {
    let parsed = hash.as_ref().map(ExplicitHashKey::value);
    let plainly_valid = data.as_ref().is_some_and(|d| d.0.len() <= MODEL_MAX_DATA)
        && key
            .as_ref()
            .is_some_and(|k| !k.is_empty() && k.len() <= 256)
        && parsed.is_none_or(|p| p.is_some());
    if plainly_valid {
        return parsed.flatten(); // checked without building member paths
    }
    let prefix = entry.map_or(String::new(), |i| format!("records.{}.member.", i + 1));
    v.required(&format!("{prefix}data"), data);
    if let Some(data) = data {
        v.blob_size(&format!("{prefix}data"), data.0.len(), MODEL_MAX_DATA);
    }
    v.required(&format!("{prefix}partitionKey"), key);
    v.string(&format!("{prefix}partitionKey"), key, 1, 256, None);
    v.string(
        &format!("{prefix}explicitHashKey"),
        &hash.as_ref().map(ExplicitHashKey::text),
        0,
        usize::MAX,
        Some(Pattern::HashKey),
    );
    None
}

/// Why one record was not written.
enum Refusal {
    Throttled,
}

/// One record to write, already routed to the open shard at `index`.
struct RecordWrite<'a> {
    index: usize,
    key: &'a str,
    data: &'a [u8],
    min_counter: u64,
}

/// Per-shard counts of one call, recorded into the metrics once at the end rather than per record.
/// Only the shards the call wrote to are visited (a stream may have thousands of closed ones).
struct WriteTally {
    /// (shard index, bytes in, records in, records throttled), in first-touched order.
    shards: Vec<(usize, u64, u64, u64)>,
    /// By shard index, its slot in `shards` (`u32::MAX`: not touched).
    slots: Vec<u32>,
    /// Bytes refused, for an on-demand stream's demand.
    refused_bytes: u64,
}

impl WriteTally {
    fn new(stream: &StreamState) -> Self {
        Self {
            shards: Vec::new(),
            slots: vec![u32::MAX; stream.shards.len()],
            refused_bytes: 0,
        }
    }

    fn count(&mut self, index: usize, bytes: u64, throttled: bool) {
        let slot = match self.slots[index] {
            u32::MAX => {
                self.slots[index] = self.shards.len() as u32;
                self.shards.push((index, 0, 0, 0));
                self.shards.len() - 1
            }
            slot => slot as usize,
        };
        let (_, bytes_in, records_in, refused) = &mut self.shards[slot];
        let entry = (bytes_in, records_in, refused);
        if throttled {
            *entry.2 += 1;
            self.refused_bytes += bytes;
        } else {
            *entry.0 += bytes;
            *entry.1 += 1;
        }
    }

    /// The shards the call wrote records to.
    fn written_shards(&self, stream: &StreamState) -> Vec<ShardId> {
        self.shards
            .iter()
            .filter(|(_, _, records, _)| *records > 0)
            .map(|(index, ..)| stream.shards[*index].id)
            .collect()
    }

    /// Records IncomingBytes / IncomingRecords / WriteProvisionedThroughputExceeded for the stream
    /// and each shard touched; returns the shards that throttled.
    fn record(self, stream: &mut StreamState, now: i64) -> Vec<ShardId> {
        let mut throttled = Vec::new();
        let (mut bytes, mut records, mut refused) = (0, 0, 0);
        for (index, b, r, t) in self.shards {
            let shard = &mut stream.shards[index];
            if r > 0 {
                shard
                    .metrics
                    .record(MetricName::IncomingBytes, now, b as f64);
                shard
                    .metrics
                    .record(MetricName::IncomingRecords, now, r as f64);
            }
            if t > 0 {
                shard.metrics.record(
                    MetricName::WriteProvisionedThroughputExceeded,
                    now,
                    t as f64,
                );
                throttled.push(shard.id);
            }
            (bytes, records, refused) = (bytes + b, records + r, refused + t);
        }
        if records > 0 {
            stream
                .metrics
                .record(MetricName::IncomingBytes, now, bytes as f64);
            stream
                .metrics
                .record(MetricName::IncomingRecords, now, records as f64);
        }
        if refused > 0 {
            stream.metrics.record(
                MetricName::WriteProvisionedThroughputExceeded,
                now,
                refused as f64,
            );
            if stream.mode == StreamMode::OnDemand {
                stream
                    .on_demand
                    .note_refused(now, self.refused_bytes, refused);
            }
        }
        throttled
    }
}

impl World {
    /// Checks what depends on the stream: its record size, the hash key's range.
    fn check_record_fits(
        stream: &StreamState,
        entry: Option<usize>,
        data: &[u8],
        key: &str,
        hash: Option<&ExplicitHashKey>,
        parsed: Option<u128>,
    ) -> KinesisResult<u128> {
        let max = stream.max_record_size_kib as usize * 1_024;
        if max == CLASSIC_MAX_DATA && data.len() > CLASSIC_MAX_DATA {
            let member = match entry {
                Some(i) => format!("records.{}.member.data", i + 1),
                None => "data".to_owned(),
            };
            let mut v = Validator::new();
            v.blob_size(&member, data.len(), CLASSIC_MAX_DATA);
            v.finish()?;
        }
        if data.len() + key.len() > max {
            return Err(KinesisError::InvalidArgumentException(format!(
                "Record size {} bytes (data plus partition key) exceeds the maximum record size of {max} bytes for stream {}.",
                data.len() + key.len(),
                stream.name
            )));
        }
        match (hash, parsed) {
            (_, Some(value)) => Ok(value),
            (None, None) => Ok(hash_partition_key(key)),
            (Some(hash), None) => hash.value().ok_or_else(|| {
                KinesisError::InvalidArgumentException(format!(
                    "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {}",
                    hash.text()
                ))
            }),
        }
    }

    /// Admits and stores one record on the open shard at `index`, counting it in `tally`.
    fn write_record(
        stream: &mut StreamState,
        rng: &mut ChaCha8Rng,
        now: i64,
        write: RecordWrite<'_>,
        tally: &mut WriteTally,
    ) -> Result<(ShardId, SequenceNumber), Refusal> {
        let size = (write.data.len() + write.key.len()) as u64;
        let admitted = match stream.throttle {
            ThrottleMode::Unthrottled => true,
            ThrottleMode::Faithful => stream.shards[write.index].write.try_admit(size, now),
            ThrottleMode::FaultInjection { probability } => rng.random::<f64>() >= probability,
        };
        let encrypted = stream.encryption_key.is_some();
        let shard: &mut ShardState = &mut stream.shards[write.index];
        if !admitted {
            tally.count(write.index, size, true);
            return Err(Refusal::Throttled);
        }
        let counter = shard.next_counter(now, write.min_counter);
        shard
            .log
            .append(counter, now, write.key, write.data, encrypted);
        tally.count(write.index, size, false);
        Ok((shard.id, shard.sequence_number(counter, now)))
    }

    fn log_write_throttle(&mut self, stream_name: &str, shard: ShardId) {
        let now = self.now_ms();
        let Some(state) = self.kinesis.streams.get_mut(stream_name) else {
            return;
        };
        let Some(shard_state) = state.shard_mut(shard) else {
            return;
        };
        if ShardState::first_throttle_this_second(&mut shard_state.last_write_throttle_event_s, now)
        {
            self.log_event(
                EventKind::WriteThrottled,
                Some(stream_name),
                format!("Writes to {shard} exceeded 1 MiB/s or 1,000 records/s"),
            );
        }
    }
}

impl Operation for PutRecordInput {
    type Output = PutRecordOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<PutRecordOutput> {
        let mut v = Validator::new();
        v.stream_address(&self.stream_name, &self.stream_arn);
        let parsed = validate_record(
            &mut v,
            None,
            &self.data,
            &self.partition_key,
            &self.explicit_hash_key,
        );
        v.string(
            "sequenceNumberForOrdering",
            &self.sequence_number_for_ordering,
            0,
            usize::MAX,
            Some(Pattern::SequenceNumber),
        );
        v.finish()?;
        let name =
            world.resolve_stream_name(self.stream_name.as_deref(), self.stream_arn.as_deref())?;
        let account = world.account_id().to_owned();
        let now = world.now_ms();
        let (data, key) = (
            self.data.unwrap_or_default().0,
            self.partition_key.unwrap_or_default(),
        );
        let stream = world.readable_stream_mut(&name)?;
        stream.index_routing();
        let hash = World::check_record_fits(
            stream,
            None,
            &data,
            &key,
            self.explicit_hash_key.as_ref(),
            parsed,
        )?;
        let index = stream
            .route(hash)
            .ok_or_else(|| messages::stream_not_found(&name, &account))?;
        // Any well-formed SequenceNumberForOrdering is accepted (kinesis-wire.md §2): it is
        // compared with this shard's numbers, never looked up. One of this shard's own sets the
        // floor for the new record's; any other (all zeros, another shard's, the older layout)
        // is below every number the shard gives.
        let shard = &stream.shards[index];
        let min_counter = self
            .sequence_number_for_ordering
            .as_deref()
            .and_then(SequenceNumber::parse)
            .filter(|seq| {
                seq.shard_index == shard.id.0
                    && seq.shard_created_s == (shard.created_ms / 1_000) as u64
            })
            .map_or(0, |seq| seq.counter.saturating_add(1));
        let stream = world
            .kinesis
            .streams
            .get_mut(&name)
            .expect("resolved above");
        let mut tally = WriteTally::new(stream);
        let write = RecordWrite {
            index,
            key: &key,
            data: &data,
            min_counter,
        };
        let result = World::write_record(stream, &mut world.rng, now, write, &mut tally);
        if world.kinesis.subscriptions.any() {
            world
                .kinesis
                .subscriptions
                .note_written(&name, &tally.written_shards(stream));
        }
        let throttled = tally.record(stream, now);
        let size = (data.len() + key.len()) as f64;
        match result {
            Ok((shard_id, sequence_number)) => {
                stream.metrics.record(MetricName::PutRecordBytes, now, size);
                stream
                    .metrics
                    .record(MetricName::PutRecordSuccess, now, 1.0);
                Ok(PutRecordOutput {
                    shard_id,
                    sequence_number,
                    encryption_type: stream.encryption_type(),
                })
            }
            Err(Refusal::Throttled) => {
                stream
                    .metrics
                    .record(MetricName::PutRecordSuccess, now, 0.0);
                for shard in throttled {
                    world.log_write_throttle(&name, shard);
                }
                let shard = world.kinesis.streams[&name].shards[index].id;
                Err(KinesisError::ProvisionedThroughputExceededException(
                    messages::write_throttled(shard, &name, &account),
                ))
            }
        }
    }
}

/// A PutRecords request whose members have been checked: what PutRecords does first, before it
/// looks at the world, done earlier and elsewhere — where a simulated producer makes its requests,
/// on its helper thread. Applying it does exactly what applying the request does (the check is the
/// same function, and its verdict, an error included, is kept sealed with the request).
#[derive(Debug)]
pub struct CheckedPutRecords {
    input: PutRecordsInput,
    /// Each record's explicit hash key value when plainly valid and the records' bytes (data
    /// plus keys), or why the request is invalid.
    verdict: KinesisResult<(Vec<Option<u128>>, u64)>,
}

impl CheckedPutRecords {
    /// The request's records.
    pub fn entries(&self) -> &[PutRecordsRequestEntry] {
        self.input.records.as_deref().unwrap_or_default()
    }
}

impl PutRecordsInput {
    /// Checks the request's members now (see [`CheckedPutRecords`]).
    pub fn check(self) -> CheckedPutRecords {
        let verdict = self.check_members();
        CheckedPutRecords {
            input: self,
            verdict,
        }
    }

    fn check_members(&self) -> KinesisResult<(Vec<Option<u128>>, u64)> {
        let mut v = Validator::new();
        v.stream_address(&self.stream_name, &self.stream_arn);
        let mut parsed = Vec::new();
        if let Some(records) = v.required("records", &self.records) {
            v.list_size("records", records.len(), 1, PUT_RECORDS_MAX_RECORDS);
            parsed = records
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    validate_record(
                        &mut v,
                        Some(i),
                        &r.data,
                        &r.partition_key,
                        &r.explicit_hash_key,
                    )
                })
                .collect();
        }
        v.finish()?;
        let total = self
            .records
            .iter()
            .flatten()
            .map(|r| {
                (r.data.as_ref().map_or(0, |d| d.0.len())
                    + r.partition_key.as_ref().map_or(0, |k| k.len())) as u64
            })
            .sum();
        Ok((parsed, total))
    }
}

impl Operation for PutRecordsInput {
    type Output = PutRecordsOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<PutRecordsOutput> {
        self.check().execute(world)
    }
}

impl Operation for CheckedPutRecords {
    type Output = PutRecordsOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<PutRecordsOutput> {
        let (parsed, total) = self.verdict?;
        let input = self.input;
        let name =
            world.resolve_stream_name(input.stream_name.as_deref(), input.stream_arn.as_deref())?;
        let account = world.account_id().to_owned();
        let now = world.now_ms();
        let records = input.records.unwrap_or_default();
        let stream = world.readable_stream_mut(&name)?;
        let request_limit = if stream.max_record_size_kib > 1_024 {
            10 * MIB
        } else {
            5 * MIB
        };
        if total > request_limit {
            return Err(KinesisError::InvalidArgumentException(format!(
                "Records size exceeds {} MB limit",
                request_limit / MIB
            )));
        }
        stream.index_routing();
        let mut routes = Vec::with_capacity(records.len());
        for (i, r) in records.iter().enumerate() {
            let data = r.data.as_ref().map_or(&[][..], |d| &d.0);
            let key = r.partition_key.as_deref().unwrap_or_default();
            let hash = World::check_record_fits(
                stream,
                Some(i),
                data,
                key,
                r.explicit_hash_key.as_ref(),
                parsed[i],
            )?;
            routes.push(
                stream
                    .route(hash)
                    .ok_or_else(|| messages::stream_not_found(&name, &account))?,
            );
        }
        let mut results = Vec::with_capacity(records.len());
        let mut failed = 0u32;
        let stream = world
            .kinesis
            .streams
            .get_mut(&name)
            .expect("resolved above");
        let mut tally = WriteTally::new(stream);
        for (record, index) in records.iter().zip(routes) {
            let data = record.data.as_ref().map_or(&[][..], |d| &d.0);
            let key = record.partition_key.as_deref().unwrap_or_default();
            let write = RecordWrite {
                index,
                key,
                data,
                min_counter: 0,
            };
            match World::write_record(stream, &mut world.rng, now, write, &mut tally) {
                Ok((shard_id, sequence_number)) => results.push(PutRecordsResultEntry {
                    sequence_number: Some(sequence_number),
                    shard_id: Some(shard_id),
                    error: None,
                }),
                Err(Refusal::Throttled) => {
                    failed += 1;
                    results.push(PutRecordsResultEntry {
                        sequence_number: None,
                        shard_id: None,
                        error: Some(Box::new(EntryError {
                            error_code: "ProvisionedThroughputExceededException".into(),
                            error_message: messages::write_throttled(
                                stream.shards[index].id,
                                &name,
                                &account,
                            ),
                        })),
                    });
                }
            }
        }
        if world.kinesis.subscriptions.any() {
            world
                .kinesis
                .subscriptions
                .note_written(&name, &tally.written_shards(stream));
        }
        let throttled_shards = tally.record(stream, now);
        let count = records.len() as f64;
        let m = &mut stream.metrics;
        m.record(MetricName::PutRecordsBytes, now, total as f64);
        m.record(MetricName::PutRecordsTotalRecords, now, count);
        m.record(
            MetricName::PutRecordsSuccessfulRecords,
            now,
            count - f64::from(failed),
        );
        // FailedRecords counts internal failures only; every refusal here is a throttle (A.14).
        m.record(MetricName::PutRecordsFailedRecords, now, 0.0);
        m.record(
            MetricName::PutRecordsThrottledRecords,
            now,
            f64::from(failed),
        );
        m.record(MetricName::PutRecordsSuccess, now, 1.0);
        let encryption_type = stream.encryption_type();
        for shard in throttled_shards {
            world.log_write_throttle(&name, shard);
        }
        Ok(PutRecordsOutput {
            failed_record_count: failed,
            records: results,
            encryption_type,
        })
    }
}
