//! A simulated producer: records at a scheduled rate, keyed, sized and filled as its spec says, sent
//! through PutRecord or PutRecords (batch size, linger) on the same command path as every client,
//! with throttled records retried (exponential backoff with full jitter) or dropped — or as the
//! KPL does it (aggregation, its rate limit, retries until the record's TTL).

use super::ahead::Ahead;
use super::keys::ChosenKey;
use super::kpl::{self, Aggregator, UserRecord};
use super::kpl_limits::KplLimits;
pub use super::producer_spec::{ProducerApi, ProducerSpec, RetryPolicy};
use super::rate::RateSchedule;
use super::record_maker::{MadeTick, OutgoingRecord, RecordMaker};
use crate::firehose::ops::put::{
    PutRecordBatchInput, PutRecordInput as FirehosePut, Record as FirehoseRecord,
};
use crate::streams::hashkey::ExplicitHashKey;
use crate::streams::ops::put::{
    CheckedPutRecords, PutRecordInput, PutRecordsInput, PutRecordsRequestEntry,
};
use crate::streams::shapes::ShardId;
use crate::streams::shared_str::SharedStr;
use crate::world::World;
use bytes::Bytes;
use rand::Rng;
use serde::Serialize;
use std::collections::BTreeMap;

/// The KPL's limits for a KPL producer.
fn kpl_limits_of(api: &ProducerApi) -> Option<KplLimits> {
    match *api {
        ProducerApi::Kpl {
            rate_limit_percent,
            record_ttl_ms,
            ..
        } => Some(KplLimits::new(rate_limit_percent, record_ttl_ms)),
        _ => None,
    }
}

/// The error code of a record refused for the shard's write limit.
const THROTTLED: &str = "ProvisionedThroughputExceededException";
/// How Firehose refuses what is over its Direct PUT quota, a call or an entry (B.2).
const FIREHOSE_THROTTLED: &str = "ServiceUnavailableException";

/// PutRecords' request limits (reference A.1): records and bytes per call.
const PUT_RECORDS_MAX_ENTRIES: usize = 500;
const PUT_RECORDS_MAX_BYTES: usize = 5 * 1024 * 1024;

/// A producer's counters, as `kinescope run` reports them. All count user records, so a KPL
/// producer's figures compare with a plain one's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct ProducerStats {
    /// Records made (first sends).
    pub records_sent: u64,
    /// Records the stream accepted.
    pub records_acknowledged: u64,
    /// Sends refused with ProvisionedThroughputExceededException.
    pub records_throttled: u64,
    /// Sends that were retries.
    pub retries: u64,
    /// Records given up on.
    pub dropped: u64,
}

/// A KPL aggregate being filled for one shard, and when its first record arrived.
#[derive(Debug, Clone)]
struct OpenAggregate {
    aggregator: Aggregator,
    opened_ms: i64,
    /// Hash key of its first user record: where the KPL sends the aggregate.
    first_hash: u128,
}

/// A running producer.
#[derive(Debug)]
pub struct Producer {
    maker: RecordMaker,
    /// The next tick's records, being made on the helper thread (see [`Producer::tick`]).
    ahead: Option<MadeAhead>,
    /// Counts changes of the spec: records made ahead under an earlier one are not used.
    spec_version: u64,
    /// The vector the last tick's records came in, emptied, for the next tick's.
    spare_made: Vec<OutgoingRecord>,
    /// Empty vectors for the whole batches of the next tick made ahead, and how many it took
    /// last time.
    spare_batches: Vec<Vec<PutRecordsRequestEntry>>,
    batches_last_tick: usize,
    batch: Vec<OutgoingRecord>,
    batch_started_ms: i64,
    /// Records waiting to be retried, by (due time, arrival order).
    retry_queue: BTreeMap<(i64, u64), OutgoingRecord>,
    retries_queued: u64,
    /// Open aggregates by the shard (index) their records map to.
    aggregates: BTreeMap<u32, OpenAggregate>,
    stats: ProducerStats,
    /// The KPL's rate limit and record TTL (a KPL producer only).
    kpl_limits: Option<KplLimits>,
    /// While paused, nothing new is made (queued retries still go out).
    pub paused: bool,
}

/// The records a tick must have had for the next tick's to be made on the helper thread.
const MADE_AHEAD_FROM: u64 = 256;

/// A tick's records being made ahead, and for which tick: its time and length, the spec, and
/// how many records were waiting in the batch.
#[derive(Debug)]
struct MadeAhead {
    made_for: (i64, i64, u64, usize),
    made: Ahead<(RecordMaker, MadeTick)>,
}

impl Producer {
    /// Starts `spec` at virtual time `now_ms` with its own seeded generator.
    pub fn new(spec: ProducerSpec, seed: u64, now_ms: i64) -> Self {
        Self {
            kpl_limits: kpl_limits_of(&spec.api),
            maker: RecordMaker::new(spec, seed, now_ms),
            ahead: None,
            spec_version: 0,
            spare_made: Vec::new(),
            spare_batches: Vec::new(),
            batches_last_tick: 0,
            batch: Vec::new(),
            batch_started_ms: now_ms,
            retry_queue: BTreeMap::new(),
            retries_queued: 0,
            aggregates: BTreeMap::new(),
            stats: ProducerStats::default(),
            paused: false,
        }
    }

    /// The spec it runs.
    pub fn spec(&self) -> &ProducerSpec {
        &self.maker.spec
    }

    /// New settings from the next tick on, keeping what is in flight; the caller keeps the stream
    /// and the write API the same.
    pub(crate) fn set_spec(&mut self, spec: ProducerSpec) {
        if spec.api != self.maker.spec.api {
            self.kpl_limits = kpl_limits_of(&spec.api);
        }
        self.maker.spec = spec;
        self.spec_version += 1;
    }

    /// Replaces the rate schedule (a timeline event or a slider), keeping everything else.
    pub fn set_rate(&mut self, rate: RateSchedule) {
        self.maker.spec.rate = rate;
        self.spec_version += 1;
    }

    /// Counters so far.
    pub fn stats(&self) -> ProducerStats {
        self.stats
    }

    /// Makes the records due for the last `dt_ms` and sends what is ready, at the world's now.
    pub fn tick(&mut self, world: &mut World, dt_ms: i64) {
        let now = world.now_ms();
        let made_ahead = self.ahead.take();
        if !self.paused {
            let first_new = self.batch.len();
            let due = match self.spec().api {
                // Retries draw their backoff from the same generator as the records, so only a
                // producer that never retries can have its records made before it has sent the
                // last tick's.
                ProducerApi::PutRecords {
                    batch_size,
                    linger_ms,
                } if !self.may_retry() && self.spec().firehose.is_none() => {
                    let batch_size = batch_size.max(1);
                    let made = self.made_for(made_ahead, now, dt_ms, batch_size);
                    let due = (made.records.len() + made.batches.len() * batch_size) as u64;
                    if self.batch.is_empty() && due > 0 {
                        self.batch_started_ms = now;
                    }
                    // The next tick's records are started now, so the helper has this whole
                    // tick to make them; they are made for the batch this tick will leave.
                    let lingered = now - self.batch_started_ms >= linger_ms;
                    let waiting = if lingered {
                        0
                    } else {
                        made.left_waiting(self.batch.len(), batch_size)
                    };
                    // A handful of records is made faster here than handed to another thread.
                    if due >= MADE_AHEAD_FROM {
                        self.ahead = Some(self.make_ahead(now + dt_ms, dt_ms, batch_size, waiting));
                    }
                    self.send_made(world, made, batch_size);
                    due
                }
                _ => {
                    let due = self.maker.due(now, dt_ms);
                    if self.batch.is_empty() && due > 0 {
                        self.batch_started_ms = now;
                    }
                    self.maker.make_into(now, due, &mut self.batch);
                    due
                }
            };
            self.stats.records_sent += due;
            if let ProducerApi::Kpl {
                aggregation_max_size,
                ..
            } = self.maker.spec.api
            {
                // This tick's records arrived over the last dt_ms: an aggregate they open has
                // waited since the tick began, so it is due RecordMaxBufferedTime after that.
                let arrived_ms = now - dt_ms;
                let made: Vec<OutgoingRecord> = self.batch.drain(first_new..).collect();
                for record in made {
                    self.aggregate(world, record, aggregation_max_size, arrived_ms);
                }
            }
        }
        if let ProducerApi::Kpl {
            record_max_buffered_time_ms,
            ..
        } = self.maker.spec.api
        {
            self.flush_aggregates(world, now, record_max_buffered_time_ms);
        }
        while let Some(entry) = self.retry_queue.first_entry()
            && entry.key().0 <= now
        {
            let record = entry.remove();
            self.stats.retries += u64::from(record.user_records);
            self.batch.push(record);
        }
        match self.maker.spec.api.clone() {
            ProducerApi::Kpl { .. } => {
                let held = self.apply_kpl_limits(world, now);
                let mut pending = std::mem::take(&mut self.batch);
                let mut start = 0;
                while start < pending.len() {
                    let mut bytes = 0;
                    let take = pending[start..]
                        .iter()
                        .take(PUT_RECORDS_MAX_ENTRIES)
                        .take_while(|r| {
                            bytes += r.data.len() + r.key.partition_key.len();
                            bytes <= PUT_RECORDS_MAX_BYTES
                        })
                        .count()
                        .max(1);
                    self.send_batch(world, &mut pending[start..start + take]);
                    start += take;
                }
                self.batch = held;
            }
            ProducerApi::PutRecord => {
                for record in std::mem::take(&mut self.batch) {
                    self.send_one(world, record);
                }
            }
            ProducerApi::PutRecords {
                batch_size,
                linger_ms,
            } => {
                let batch_size = batch_size.max(1);
                let lingered = now - self.batch_started_ms >= linger_ms;
                let mut pending = std::mem::take(&mut self.batch);
                let ready = if lingered {
                    pending.len()
                } else {
                    pending.len() - pending.len() % batch_size
                };
                // Batches are sent from where the records lie, then dropped with one drain:
                // what stays behind moves once (a tick can make thousands of records).
                for chunk in pending[..ready].chunks_mut(batch_size) {
                    self.send_batch(world, chunk);
                }
                pending.drain(..ready);
                // The batch keeps its buffer: regrowing it every tick costs page faults.
                self.batch = pending;
            }
        }
    }

    /// Drops what outlived RecordTtl and holds back what RateLimit does not let through yet (it
    /// goes at a later tick), leaving in the batch what may be sent now.
    fn apply_kpl_limits(&mut self, world: &World, now: i64) -> Vec<OutgoingRecord> {
        let Some(limits) = &mut self.kpl_limits else {
            return Vec::new();
        };
        let stream = world.stream(&self.maker.spec.stream);
        let mut held = Vec::new();
        for record in std::mem::take(&mut self.batch) {
            if limits.expired(record.added_ms, now) {
                self.stats.dropped += u64::from(record.user_records);
                continue;
            }
            let hash = record.key.hash_key();
            let shard = stream
                .and_then(|s| s.route(hash).map(|i| s.shards[i].id))
                .unwrap_or(ShardId(u32::MAX));
            let bytes = (record.data.len() + record.key.partition_key.len()) as u64;
            if limits.admit(shard, bytes, now) {
                self.batch.push(record);
            } else {
                held.push(record);
            }
        }
        if let Some(stream) = stream {
            limits.retain(|shard| stream.shard(shard).is_some_and(|s| s.is_open()));
        }
        held
    }

    /// The records of the tick of `dt_ms` ending at `now`: those made ahead if they were made
    /// for this tick, under the spec as it is and after the batch as it is; else made now (from
    /// the state before them).
    fn made_for(
        &mut self,
        made_ahead: Option<MadeAhead>,
        now: i64,
        dt_ms: i64,
        batch_size: usize,
    ) -> MadeTick {
        let this_tick = (now, dt_ms, self.spec_version, self.batch.len());
        if let Some(ahead) = made_ahead
            && ahead.made_for == this_tick
            && let Some((maker, made)) = ahead.made.wait()
        {
            self.maker = maker;
            return made;
        }
        let out = std::mem::take(&mut self.spare_made);
        let records = self.maker.make_tick(now, dt_ms, out);
        let spare = std::mem::take(&mut self.spare_batches);
        let stream = &self.maker.spec.stream;
        MadeTick::split(records, self.batch.len(), batch_size, spare, stream)
    }

    /// Starts making the records of the tick of `dt_ms` ending at `now` on the helper thread,
    /// from a copy of the maker (kept here as it is, should the records not be used).
    /// `waiting` is what the batch will hold then (should it hold something else, the records
    /// are made again in turn: the split would differ).
    fn make_ahead(&mut self, now: i64, dt_ms: i64, batch_size: usize, waiting: usize) -> MadeAhead {
        let mut maker = self.maker.clone();
        let out = std::mem::take(&mut self.spare_made);
        let mut spare = std::mem::take(&mut self.spare_batches);
        // About as many as last time, made here (see `MadeTick::split`).
        spare.resize_with(self.batches_last_tick + 1, || {
            Vec::with_capacity(batch_size)
        });
        MadeAhead {
            made_for: (now, dt_ms, self.spec_version, waiting),
            made: Ahead::start(move || {
                let records = maker.make_tick(now, dt_ms, out);
                let split =
                    MadeTick::split(records, waiting, batch_size, spare, &maker.spec.stream);
                (maker, split)
            }),
        }
    }

    /// Sends a tick's records in the batches making them into the batch first would give: the
    /// waiting batch completed, then the whole batches as they were made; the rest waits.
    fn send_made(&mut self, world: &mut World, made: MadeTick, batch_size: usize) {
        let MadeTick {
            mut records,
            first,
            batches,
            unused,
        } = made;
        self.batches_last_tick = batches.len();
        self.spare_batches = unused;
        self.batch
            .extend(records[..first].iter_mut().map(std::mem::take));
        if self.batch.len() >= batch_size {
            let mut full = std::mem::take(&mut self.batch);
            self.send_batch(world, &mut full);
            full.clear();
            self.batch = full;
        }
        for request in batches {
            self.send_checked(world, request);
        }
        self.batch
            .extend(records[first..].iter_mut().map(std::mem::take));
        records.clear();
        self.spare_made = records;
    }

    /// Sends one batch of records that are never retried, made ahead as a checked request.
    fn send_checked(&mut self, world: &mut World, request: CheckedPutRecords) {
        let count = request.entries().len();
        let now = world.now_ms();
        // Its bytes went into the request; what `refused` counts is all that is left of it.
        let sent_once = || OutgoingRecord {
            user_records: 1,
            attempts: 1,
            ..OutgoingRecord::default()
        };
        match world.apply(request) {
            Ok(out) => {
                for result in out.records {
                    match result.error_code() {
                        None => self.stats.records_acknowledged += 1,
                        Some(code) => self.refused(now, sent_once(), code == THROTTLED),
                    }
                }
            }
            Err(error) => {
                let throttled = error.is_throttling();
                for _ in 0..count {
                    self.refused(now, sent_once(), throttled);
                }
            }
        }
    }

    /// Puts a user record into the open aggregate of the shard its key maps to now (the KPL
    /// predicts shards from ListShards the same way).
    fn aggregate(
        &mut self,
        world: &World,
        record: OutgoingRecord,
        max_size: usize,
        arrived_ms: i64,
    ) {
        let hash = record.key.hash_key();
        let shard = world
            .stream(&self.maker.spec.stream)
            .and_then(|s| s.route(hash).map(|i| s.shards[i].id));
        let open = self
            .aggregates
            .entry(shard.map_or(u32::MAX, |s| s.0))
            .or_insert_with(|| OpenAggregate {
                aggregator: Aggregator::new(max_size),
                opened_ms: arrived_ms,
                first_hash: hash,
            });
        if open.aggregator.is_empty() {
            open.opened_ms = arrived_ms;
            open.first_hash = hash;
        }
        let previous_first = open.first_hash;
        let previous_opened = open.opened_ms;
        let user = UserRecord {
            partition_key: record.key.partition_key.into(),
            explicit_hash_key: record.key.explicit_hash_key.map(|k| k.text().into_owned()),
            data: record.data.to_vec(),
        };
        if let Some(done) = open.aggregator.add(user) {
            // The record did not fit: the aggregate before it is done, and it opens the next.
            open.opened_ms = arrived_ms;
            open.first_hash = hash;
            self.batch
                .push(Self::outgoing(done, previous_first, previous_opened));
        }
    }

    /// Closes aggregates whose first record has waited long enough, and those of shards that
    /// closed (a reshard), so no aggregate mixes the key ranges of two shards.
    fn flush_aggregates(&mut self, world: &World, now: i64, buffered_ms: i64) {
        let stream = world.stream(&self.maker.spec.stream);
        let mut closed = Vec::new();
        for (shard, open) in &mut self.aggregates {
            let shard_open = stream
                .and_then(|s| s.shard(ShardId(*shard)))
                .is_some_and(|s| s.is_open());
            if !shard_open {
                closed.push(*shard);
            }
            let due = now - open.opened_ms >= buffered_ms || !shard_open;
            if due && let Some(done) = open.aggregator.flush() {
                self.batch
                    .push(Self::outgoing(done, open.first_hash, open.opened_ms));
            }
        }
        for shard in closed {
            self.aggregates.remove(&shard);
        }
    }

    /// The Kinesis record for a finished aggregate, as the KPL sends it: partition key "a" and the
    /// first user record's hash as ExplicitHashKey, or a lone user record as a plain record.
    fn outgoing(aggregate: kpl::Aggregate, first_hash: u128, added_ms: i64) -> OutgoingRecord {
        if aggregate.user_records == 1
            && let Some(mut users) = kpl::deaggregate(&aggregate.data)
            && let Some(user) = users.pop()
        {
            return OutgoingRecord {
                key: ChosenKey {
                    partition_key: user.partition_key.into(),
                    explicit_hash_key: user.explicit_hash_key.map(ExplicitHashKey::from),
                },
                data: user.data.into(),
                attempts: 0,
                user_records: 1,
                added_ms,
            };
        }
        OutgoingRecord {
            key: ChosenKey {
                partition_key: SharedStr::from_static(kpl::AGGREGATE_PARTITION_KEY),
                explicit_hash_key: Some(ExplicitHashKey::from(first_hash)),
            },
            data: aggregate.data.into(),
            attempts: 0,
            user_records: aggregate.user_records as u32,
            added_ms,
        }
    }

    fn send_one(&mut self, world: &mut World, mut record: OutgoingRecord) {
        if let Some(firehose) = self.maker.spec.firehose.clone() {
            record.attempts += 1;
            let input = FirehosePut {
                delivery_stream_name: Some(firehose),
                record: Some(FirehoseRecord::new(record.data.clone())),
            };
            match world.apply(input) {
                Ok(_) => self.stats.records_acknowledged += u64::from(record.user_records),
                Err(error) => {
                    let throttled = error.code() == FIREHOSE_THROTTLED;
                    self.refused(world.now_ms(), record, throttled);
                }
            }
            return;
        }
        let mut input = PutRecordInput::new(
            &self.maker.spec.stream,
            &record.key.partition_key,
            record.data.clone(),
        );
        input.explicit_hash_key = record.key.explicit_hash_key.clone();
        record.attempts += 1;
        match world.apply(input) {
            Ok(_) => self.stats.records_acknowledged += u64::from(record.user_records),
            Err(error) => self.refused(world.now_ms(), record, error.is_throttling()),
        }
    }

    /// Sends `chunk` in one PutRecords call; what is refused is taken out of it (left as a
    /// default record) to be retried or dropped.
    fn send_batch(&mut self, world: &mut World, chunk: &mut [OutgoingRecord]) {
        if let Some(firehose) = self.maker.spec.firehose.clone() {
            self.send_firehose_batch(world, &firehose, chunk);
            return;
        }
        // Without retries a record is never sent twice, so its bytes can move into the request.
        let may_retry = self.may_retry();
        let entries = chunk
            .iter_mut()
            .map(|r| {
                if may_retry {
                    r.clone().take_entry()
                } else {
                    r.take_entry()
                }
            })
            .collect();
        for record in chunk.iter_mut() {
            record.attempts += 1;
        }
        let now = world.now_ms();
        match world.apply(PutRecordsInput::new(&self.maker.spec.stream, entries)) {
            Ok(out) => {
                for (record, result) in chunk.iter_mut().zip(out.records) {
                    match result.error_code() {
                        None => self.stats.records_acknowledged += u64::from(record.user_records),
                        Some(code) => self.refused(now, std::mem::take(record), code == THROTTLED),
                    }
                }
            }
            Err(error) => {
                let throttled = error.is_throttling();
                for record in chunk {
                    self.refused(now, std::mem::take(record), throttled);
                }
            }
        }
    }

    /// Sends `chunk` in one PutRecordBatch to `firehose`; refused records are retried or dropped.
    fn send_firehose_batch(
        &mut self,
        world: &mut World,
        firehose: &str,
        chunk: &mut [OutgoingRecord],
    ) {
        let records = chunk
            .iter_mut()
            .map(|r| {
                r.attempts += 1;
                FirehoseRecord::new(r.data.clone())
            })
            .collect();
        let input = PutRecordBatchInput {
            delivery_stream_name: Some(firehose.to_owned()),
            records: Some(records),
        };
        let now = world.now_ms();
        match world.apply(input) {
            Ok(out) => {
                for (record, result) in chunk.iter_mut().zip(out.request_responses) {
                    match result.error_code.as_deref() {
                        None => self.stats.records_acknowledged += u64::from(record.user_records),
                        Some(code) => {
                            let throttled = code == FIREHOSE_THROTTLED;
                            self.refused(now, std::mem::take(record), throttled);
                        }
                    }
                }
            }
            Err(error) => {
                let throttled = error.code() == FIREHOSE_THROTTLED;
                for record in chunk {
                    self.refused(now, std::mem::take(record), throttled);
                }
            }
        }
    }

    /// Whether a refused record is sent again (with a random backoff, or by the KPL).
    fn may_retry(&self) -> bool {
        matches!(
            self.maker.spec.retry,
            RetryPolicy::ExponentialBackoff { .. }
        ) || matches!(self.maker.spec.api, ProducerApi::Kpl { .. })
    }

    fn refused(&mut self, now: i64, record: OutgoingRecord, throttled: bool) {
        if throttled {
            self.stats.records_throttled += u64::from(record.user_records);
        }
        if let ProducerApi::Kpl {
            record_max_buffered_time_ms,
            ..
        } = self.maker.spec.api
        {
            // The KPL retries whatever failed at its next flush, until RecordTtl drops it.
            let due = now + record_max_buffered_time_ms.max(1);
            self.retries_queued += 1;
            self.retry_queue.insert((due, self.retries_queued), record);
            return;
        }
        match self.maker.spec.retry {
            RetryPolicy::ExponentialBackoff {
                base_ms,
                max_ms,
                max_attempts,
            } if throttled && record.attempts < max_attempts => {
                let ceiling = base_ms
                    .saturating_mul(1 << record.attempts.min(30))
                    .min(max_ms);
                let wait = self.maker.rng.random_range(0..=ceiling);
                let due = now + wait;
                self.retries_queued += 1;
                // Its own copy: a view would keep the whole tick's payload buffer alive.
                let record = OutgoingRecord {
                    data: Bytes::copy_from_slice(&record.data),
                    ..record
                };
                self.retry_queue.insert((due, self.retries_queued), record);
            }
            _ => self.stats.dropped += u64::from(record.user_records),
        }
    }
}

#[cfg(test)]
#[path = "producer_tests.rs"]
mod tests;
