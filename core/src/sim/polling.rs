//! A simulated polling consumer application (shared throughput): per shard, GetRecords every
//! `poll_interval_ms` with `limit`, reading parents to their end before children, spending
//! per-record and per-batch processing time, so a slow application falls behind and three on one
//! shard share — and exceed — its 5 reads/s.

use super::check::{between, one_of};

/// The longest poll interval or failover time a scenario may give: an hour.
pub const MAX_INTERVAL_MS: i64 = 3_600_000;
use super::iterator::StartFrom;
use super::ledger::{Check, Ledger};
use super::lineage::Lineage;
use super::shard_reader::{Read, ReadAt, ShardReader};
use crate::streams::ops::read::ITERATOR_TYPES;
use crate::streams::sequence::SequenceNumber;
use crate::streams::shapes::ShardId;
use crate::world::World;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Processing time a consumer spends on what it reads.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ProcessingCost {
    /// Milliseconds per record.
    pub per_record_ms: f64,
    /// Milliseconds per GetRecords batch (or EFO event).
    pub per_batch_ms: f64,
    /// Multiplicative jitter, 0–1.
    pub jitter: f64,
}

impl ProcessingCost {
    /// Time to process `records` records.
    pub fn duration_ms(&self, records: usize, rng: &mut impl Rng) -> i64 {
        let factor = if self.jitter > 0.0 {
            1.0 + rng.random_range(-self.jitter..=self.jitter)
        } else {
            1.0
        };
        ((self.per_batch_ms + self.per_record_ms * records as f64) * factor)
            .max(0.0)
            .round() as i64
    }

    /// Checks the values a scenario gave.
    pub fn validate(&self) -> Result<(), String> {
        for (name, v, max) in [
            ("per_record_ms", self.per_record_ms, 60_000.0),
            ("per_batch_ms", self.per_batch_ms, 3_600_000.0),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(format!("processing.{name} = {v} must be ≥ 0"));
            }
            between(&format!("processing.{name}"), v, 0.0, max)?;
        }
        if (0.0..=1.0).contains(&self.jitter) {
            Ok(())
        } else {
            Err(format!(
                "processing.jitter = {} must be between 0 and 1",
                self.jitter
            ))
        }
    }
}

/// A polling application as a scenario declares it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollingSpec {
    /// Name, unique in the scenario.
    pub name: String,
    /// Stream read.
    pub stream: String,
    /// Time between GetRecords calls on one shard.
    #[serde(default = "default_interval")]
    pub poll_interval_ms: i64,
    /// GetRecords Limit (1–10,000).
    #[serde(default = "default_limit")]
    pub limit: u32,
    /// Where each shard is first read from: any of the five iterator types. AT_TIMESTAMP needs
    /// `start_at_seconds`; AT_ and AFTER_SEQUENCE_NUMBER need `start_sequence_number` and apply
    /// to the shard that number belongs to (the others start at TRIM_HORIZON).
    #[serde(default = "default_start")]
    pub start: String,
    /// For AT_TIMESTAMP: virtual seconds after the scenario's start.
    #[serde(default)]
    pub start_at_seconds: Option<f64>,
    /// For AT_SEQUENCE_NUMBER / AFTER_SEQUENCE_NUMBER: the record's sequence number.
    #[serde(default)]
    pub start_sequence_number: Option<String>,
    /// Processing cost.
    #[serde(default)]
    pub processing: ProcessingCost,
}

fn default_interval() -> i64 {
    1_000
}

fn default_limit() -> u32 {
    10_000
}

fn default_start() -> String {
    "TRIM_HORIZON".into()
}

impl PollingSpec {
    /// Checks every value; the error names the consumer, the field and the allowed range.
    pub fn validate(&self) -> Result<(), String> {
        let prefix = |e: String| format!("consumer {:?}: {e}", self.name);
        between(
            "poll_interval_ms",
            self.poll_interval_ms,
            1,
            MAX_INTERVAL_MS,
        )
        .map_err(prefix)?;
        between("limit", self.limit, 1, 10_000).map_err(prefix)?;
        one_of("start", &self.start, ITERATOR_TYPES).map_err(prefix)?;
        match self.start.as_str() {
            "AT_TIMESTAMP"
                if !self
                    .start_at_seconds
                    .is_some_and(|s| s.is_finite() && (0.0..=1e9).contains(&s)) =>
            {
                return Err(prefix(
                    "start AT_TIMESTAMP needs start_at_seconds between 0 and 1e9 (virtual seconds after the start)"
                        .into(),
                ));
            }
            "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER"
                if self
                    .start_sequence_number
                    .as_deref()
                    .and_then(SequenceNumber::parse)
                    .is_none() =>
            {
                return Err(prefix(format!(
                    "start {} needs start_sequence_number, a sequence number of the stream",
                    self.start
                )));
            }
            _ => {}
        }
        self.processing.validate().map_err(prefix)
    }
}

/// A consumer application's counters, as `kinescope run` reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct ConsumerStats {
    /// Records processed (duplicates included).
    pub records_processed: u64,
    /// Records processed again (same shard, sequence number at or below one already processed).
    pub duplicates: u64,
    /// Largest MillisBehindLatest seen.
    pub max_millis_behind_latest: i64,
    /// MillisBehindLatest of the last read, largest over shards.
    pub final_millis_behind_latest: i64,
    /// Reads refused with ProvisionedThroughputExceededException.
    pub read_throttles: u64,
    /// Records that passed retention before the application read them.
    pub records_expired_unread: u64,
}

impl ConsumerStats {
    /// These counters with the ledger's (processed, duplicates, expired unread).
    pub fn with_ledger(self, ledger: &Ledger) -> ConsumerStats {
        let counts = ledger.counts();
        ConsumerStats {
            records_processed: counts.user_records,
            duplicates: counts.duplicates,
            records_expired_unread: counts.expired_unread,
            ..self
        }
    }
}

/// One shard as a polling application reads it.
#[derive(Debug, Clone, Default)]
struct PolledShard {
    reader: ShardReader,
    next_poll_ms: i64,
}

/// How often an application lists the stream's shards.
const DISCOVERY_INTERVAL_MS: i64 = 1_000;

/// A running polling application.
#[derive(Debug, Clone)]
pub struct PollingConsumer {
    spec: PollingSpec,
    rng: ChaCha8Rng,
    shards: BTreeMap<ShardId, PolledShard>,
    lineage: Lineage,
    stats: ConsumerStats,
    ledger: Ledger,
    origin_ms: Option<i64>,
    /// While paused it reads nothing (and falls behind).
    pub paused: bool,
}

impl PollingConsumer {
    /// Starts `spec` with its own seeded generator.
    pub fn new(spec: PollingSpec, seed: u64) -> Self {
        Self {
            ledger: Ledger::new(&spec.name, &spec.stream, seed),
            origin_ms: None,
            spec,
            rng: ChaCha8Rng::seed_from_u64(seed),
            shards: BTreeMap::new(),
            lineage: Lineage::default(),
            stats: ConsumerStats::default(),
            paused: false,
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> ConsumerStats {
        self.stats.with_ledger(&self.ledger)
    }

    /// The stream it reads.
    pub fn stream(&self) -> &str {
        &self.spec.stream
    }

    /// New settings, kept from the next tick on; the caller keeps its identity (name, stream,
    /// start) the same.
    pub(crate) fn set_spec(&mut self, spec: PollingSpec) {
        self.spec = spec;
    }

    /// Names `seed` (the run's) in invariant failure messages.
    pub fn with_run_seed(mut self, seed: u64) -> Self {
        self.ledger = Ledger::new(&self.spec.name, &self.spec.stream, seed);
        self
    }

    /// The invariant checks so far.
    pub fn checks(&self, world: &World) -> Vec<Check> {
        self.ledger.checks(world)
    }

    /// The spec it runs.
    pub fn spec(&self) -> &PollingSpec {
        &self.spec
    }

    /// Polls every shard whose turn has come.
    pub fn tick(&mut self, world: &mut World) {
        let now = world.now_ms();
        if let Some(shards) = self
            .lineage
            .refresh(world, &self.spec.stream, DISCOVERY_INTERVAL_MS)
        {
            for shard in shards {
                // Applications start at different moments within a poll interval, as real ones
                // do; in lockstep the first in line would take every read of a contended shard.
                let phase = self.rng.random_range(0..self.spec.poll_interval_ms);
                self.shards.entry(shard).or_insert_with(|| PolledShard {
                    next_poll_ms: now + phase,
                    ..PolledShard::default()
                });
            }
        }
        if self.paused {
            return;
        }
        let ready: Vec<ShardId> = self
            .shards
            .iter()
            .filter(|(id, s)| {
                !s.reader.at_end
                    && s.next_poll_ms <= now
                    && self.lineage.parents_done(**id, |p| {
                        self.shards.get(&p).is_none_or(|s| s.reader.at_end)
                    })
            })
            .map(|(id, _)| *id)
            .collect();
        for shard in ready {
            self.poll(world, shard, now);
        }
        self.stats.final_millis_behind_latest = self
            .shards
            .values()
            .filter(|s| !s.reader.at_end)
            .map(|s| s.reader.millis_behind)
            .max()
            .unwrap_or(0);
    }

    /// Where `shard` is first read from, by the spec's iterator type.
    fn initial_start(&mut self, shard: ShardId, is_child: bool, now: i64) -> StartFrom {
        let origin = *self.origin_ms.get_or_insert(now);
        let sequence = self
            .spec
            .start_sequence_number
            .as_deref()
            .and_then(SequenceNumber::parse)
            .filter(|s| s.shard_index == shard.0);
        match (self.spec.start.as_str(), sequence) {
            _ if is_child => StartFrom::TrimHorizon,
            ("AT_SEQUENCE_NUMBER", Some(s)) => StartFrom::At(s),
            ("AFTER_SEQUENCE_NUMBER", Some(s)) => StartFrom::After(s),
            ("AT_TIMESTAMP", _) => StartFrom::AtTimestamp(
                origin + (self.spec.start_at_seconds.unwrap_or(0.0) * 1_000.0) as i64,
            ),
            ("LATEST", _) => StartFrom::Latest,
            _ => StartFrom::TrimHorizon,
        }
    }

    /// Sets the time `start_at_seconds` counts from (the scenario's start); otherwise it is the
    /// first poll.
    pub fn with_origin(mut self, origin_ms: i64) -> Self {
        self.origin_ms = Some(origin_ms);
        self
    }

    fn poll(&mut self, world: &mut World, shard: ShardId, now: i64) {
        let start = self.initial_start(shard, self.lineage.is_child(shard), now);
        let interval = self.spec.poll_interval_ms;
        let state = self.shards.get_mut(&shard).expect("discovered");
        let at = ReadAt {
            stream: &self.spec.stream,
            shard,
            reader: &self.spec.name,
            limit: self.spec.limit,
            start,
        };
        state.next_poll_ms = match state.reader.read(world, &mut self.ledger, at) {
            Read::Page { records, .. } => {
                let user_records =
                    self.ledger
                        .take_page(world, shard, &records, state.reader.at_end);
                world.give_back_page(records);
                self.stats.max_millis_behind_latest = self
                    .stats
                    .max_millis_behind_latest
                    .max(state.reader.millis_behind);
                let busy = self
                    .spec
                    .processing
                    .duration_ms(user_records as usize, &mut self.rng);
                now + busy.max(interval)
            }
            Read::Throttled => {
                self.stats.read_throttles += 1;
                // Back off a random extra share of the interval, as the SDKs' retries do.
                now + interval + self.rng.random_range(0..interval)
            }
            Read::Failed => now + interval,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;
    use crate::sim::keys::KeyDistribution;
    use crate::sim::producer::{Producer, ProducerApi, ProducerSpec, RetryPolicy};
    use crate::sim::rate::RateSchedule;
    use crate::streams::ops::lifecycle::CreateStreamInput;
    use crate::streams::ops::reshard::SplitShardInput;

    fn setup(shards: u32, per_second: f64) -> (World, Producer) {
        let mut world = World::new(Settings::default(), 1);
        world
            .apply(CreateStreamInput::provisioned("s", shards))
            .unwrap();
        world.step(500);
        let spec = ProducerSpec {
            name: "p".into(),
            stream: "s".into(),
            firehose: None,
            rate: RateSchedule::Constant { per_second },
            jitter: 0.0,
            size: crate::sim::size::SizeDistribution::Fixed { bytes: 100 },
            payload: Default::default(),
            keys: KeyDistribution::Uniform { keys: 1_000 },
            api: ProducerApi::default(),
            retry: RetryPolicy::None,
        };
        let now = world.now_ms();
        (world, Producer::new(spec, 2, now))
    }

    fn polling(name: &str, processing: ProcessingCost) -> PollingConsumer {
        let spec = PollingSpec {
            name: name.into(),
            stream: "s".into(),
            poll_interval_ms: 200,
            limit: 10_000,
            start: "TRIM_HORIZON".into(),
            start_at_seconds: None,
            start_sequence_number: None,
            processing,
        };
        PollingConsumer::new(spec, 3)
    }

    fn run(
        world: &mut World,
        producer: &mut Producer,
        consumers: &mut [PollingConsumer],
        seconds: i64,
    ) {
        for _ in 0..seconds * 10 {
            world.step(100);
            producer.tick(world, 100);
            for c in consumers.iter_mut() {
                c.tick(world);
            }
        }
    }

    #[test]
    fn a_fast_consumer_reads_everything_and_stays_caught_up() {
        let (mut world, mut producer) = setup(2, 500.0);
        let mut consumers = [polling("fast", ProcessingCost::default())];
        run(&mut world, &mut producer, &mut consumers, 20);
        let stats = consumers[0].stats();
        let acked = producer.stats().records_acknowledged;
        assert!(
            stats.records_processed + 500 >= acked && stats.records_processed <= acked,
            "{stats:?} vs {acked}"
        );
        assert_eq!(stats.duplicates, 0);
        assert!(stats.final_millis_behind_latest < 1_000, "{stats:?}");
    }

    #[test]
    fn a_slow_consumer_falls_further_and_further_behind() {
        let (mut world, mut producer) = setup(1, 400.0);
        // 100 records a call at 5 ms each: at most 200 records/s against 400 written.
        let slow = ProcessingCost {
            per_record_ms: 5.0,
            per_batch_ms: 0.0,
            jitter: 0.0,
        };
        let mut consumer = polling("slow", slow);
        consumer.spec.limit = 100;
        let mut consumers = [consumer];
        run(&mut world, &mut producer, &mut consumers, 10);
        let after_10 = consumers[0].stats().final_millis_behind_latest;
        run(&mut world, &mut producer, &mut consumers, 10);
        let after_20 = consumers[0].stats().final_millis_behind_latest;
        assert!(
            after_10 > 1_000 && after_20 > after_10,
            "{after_10} then {after_20}"
        );
    }

    #[test]
    fn three_apps_polling_one_shard_every_200_ms_get_throttled() {
        let (mut world, mut producer) = setup(1, 100.0);
        let mut consumers = [
            polling("a", ProcessingCost::default()),
            polling("b", ProcessingCost::default()),
            polling("c", ProcessingCost::default()),
        ];
        run(&mut world, &mut producer, &mut consumers, 10);
        let throttles: u64 = consumers.iter().map(|c| c.stats().read_throttles).sum();
        assert!(throttles > 50, "{throttles}");
    }

    #[test]
    fn a_parent_that_expired_unread_does_not_hold_its_children_back() {
        let (mut world, mut producer) = setup(1, 10.0);
        let mut consumers = [polling("late", ProcessingCost::default())];
        consumers[0].paused = true;
        run(&mut world, &mut producer, &mut consumers, 5);
        world
            .apply(SplitShardInput::new("s", ShardId(0), 1u128 << 127))
            .unwrap();
        run(&mut world, &mut producer, &mut consumers, 5);
        // A day and an hour later the parent and the first records have expired.
        world.step(25 * 3_600_000);
        consumers[0].paused = false;
        run(&mut world, &mut producer, &mut consumers, 30);
        let stats = consumers[0].stats();
        assert!(stats.records_processed >= 250, "{stats:?}");
        assert!(consumers[0].checks(&world).iter().all(|c| c.ok));
    }

    #[test]
    fn after_a_split_the_parent_is_read_to_its_end_before_the_children() {
        let (mut world, mut producer) = setup(1, 300.0);
        let mut consumers = [polling("lineage", ProcessingCost::default())];
        run(&mut world, &mut producer, &mut consumers, 3);
        world
            .apply(SplitShardInput::new("s", ShardId(0), 1u128 << 127))
            .unwrap();
        run(&mut world, &mut producer, &mut consumers, 10);
        let stats = consumers[0].stats();
        let acked = producer.stats().records_acknowledged;
        assert!(
            stats.records_processed + 300 >= acked,
            "{stats:?} vs {acked}"
        );
        assert_eq!(stats.duplicates, 0);
        assert!(consumers[0].shards[&ShardId(0)].reader.at_end);
    }
}
