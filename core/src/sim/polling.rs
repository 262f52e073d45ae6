//! A simulated polling consumer application (shared throughput): per shard, GetRecords every
//! `poll_interval_ms` with `limit`, reading parents to their end before children, spending
//! per-record and per-batch processing time, so a slow application falls behind and three on one
//! shard share — and exceed — its 5 reads/s.

use super::lineage::Lineage;
use crate::streams::ops::read::{GetRecordsInput, GetShardIteratorInput, ITERATOR_TYPES};
use crate::streams::sequence::SequenceNumber;
use crate::streams::shapes::{ShardId, ShardIteratorType};
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
        for (name, v) in [
            ("per_record_ms", self.per_record_ms),
            ("per_batch_ms", self.per_batch_ms),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(format!("processing.{name} = {v} must be ≥ 0"));
            }
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
    /// Where each shard is first read from: TRIM_HORIZON or LATEST.
    #[serde(default = "default_start")]
    pub start: String,
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
        if self.poll_interval_ms < 1 {
            return Err(prefix(format!(
                "poll_interval_ms = {} must be ≥ 1",
                self.poll_interval_ms
            )));
        }
        if !(1..=10_000).contains(&self.limit) {
            return Err(prefix(format!(
                "limit = {} must be between 1 and 10000",
                self.limit
            )));
        }
        if !["TRIM_HORIZON", "LATEST"].contains(&self.start.as_str()) {
            return Err(prefix(format!(
                "start = {:?} must be TRIM_HORIZON or LATEST (allowed iterator types: {})",
                self.start,
                ITERATOR_TYPES.join(", ")
            )));
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
}

#[derive(Debug, Clone, Default)]
struct ShardReader {
    iterator: Option<String>,
    next_poll_ms: i64,
    finished: bool,
    highest_counter: Option<u64>,
    millis_behind: i64,
}

/// A running polling application.
#[derive(Debug, Clone)]
pub struct PollingConsumer {
    spec: PollingSpec,
    rng: ChaCha8Rng,
    shards: BTreeMap<ShardId, ShardReader>,
    lineage: Lineage,
    next_discovery_ms: i64,
    stats: ConsumerStats,
    /// While paused it reads nothing (and falls behind).
    pub paused: bool,
}

impl PollingConsumer {
    /// Starts `spec` with its own seeded generator.
    pub fn new(spec: PollingSpec, seed: u64) -> Self {
        Self {
            spec,
            rng: ChaCha8Rng::seed_from_u64(seed),
            shards: BTreeMap::new(),
            lineage: Lineage::default(),
            next_discovery_ms: i64::MIN,
            stats: ConsumerStats::default(),
            paused: false,
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> ConsumerStats {
        self.stats
    }

    /// The spec it runs.
    pub fn spec(&self) -> &PollingSpec {
        &self.spec
    }

    /// Polls every shard whose turn has come.
    pub fn tick(&mut self, world: &mut World) {
        let now = world.now_ms();
        if now >= self.next_discovery_ms {
            self.discover(world);
            self.next_discovery_ms = now + 1_000;
        }
        if self.paused {
            return;
        }
        let ready: Vec<ShardId> = self
            .shards
            .iter()
            .filter(|(id, r)| {
                !r.finished
                    && r.next_poll_ms <= now
                    && self
                        .lineage
                        .parents_done(**id, |p| self.shards.get(&p).is_none_or(|r| r.finished))
            })
            .map(|(id, _)| *id)
            .collect();
        for shard in ready {
            self.poll(world, shard, now);
        }
        self.stats.final_millis_behind_latest = self
            .shards
            .values()
            .filter(|r| !r.finished)
            .map(|r| r.millis_behind)
            .max()
            .unwrap_or(0);
    }

    fn discover(&mut self, world: &mut World) {
        for shard in self.lineage.discover(world, &self.spec.stream) {
            self.shards.entry(shard).or_default();
        }
    }

    fn poll(&mut self, world: &mut World, shard: ShardId, now: i64) {
        let is_child = self.lineage.is_child(shard);
        let reader = self.shards.get_mut(&shard).expect("discovered");
        if reader.iterator.is_none() {
            // Children of shards we read start at their beginning, so nothing is skipped.
            let kind = if is_child || self.spec.start == "TRIM_HORIZON" {
                ShardIteratorType::TrimHorizon
            } else {
                ShardIteratorType::Latest
            };
            let mut input = GetShardIteratorInput::new(&self.spec.stream, shard, kind);
            input.reader_label = Some(self.spec.name.clone());
            match world.apply(input) {
                Ok(out) => reader.iterator = out.shard_iterator,
                Err(_) => {
                    reader.next_poll_ms = now + self.spec.poll_interval_ms;
                    return;
                }
            }
        }
        let iterator = reader.iterator.clone().unwrap_or_default();
        match world.apply(GetRecordsInput::new(&iterator, Some(self.spec.limit))) {
            Ok(page) => {
                for record in &page.records {
                    self.stats.records_processed += 1;
                    if Self::seen(reader.highest_counter, &record.sequence_number) {
                        self.stats.duplicates += 1;
                    }
                    reader.highest_counter = Some(
                        reader
                            .highest_counter
                            .unwrap_or(0)
                            .max(record.sequence_number.counter),
                    );
                }
                reader.millis_behind = page.millis_behind_latest;
                self.stats.max_millis_behind_latest = self
                    .stats
                    .max_millis_behind_latest
                    .max(page.millis_behind_latest);
                let busy = self
                    .spec
                    .processing
                    .duration_ms(page.records.len(), &mut self.rng);
                reader.next_poll_ms = now + busy.max(self.spec.poll_interval_ms);
                match page.next_shard_iterator {
                    Some(next) => reader.iterator = Some(next),
                    None => reader.finished = true,
                }
            }
            Err(error) => {
                if error.code() == "ProvisionedThroughputExceededException" {
                    self.stats.read_throttles += 1;
                } else {
                    reader.iterator = None; // expired or gone: start over from a fresh iterator
                }
                reader.next_poll_ms = now + self.spec.poll_interval_ms;
            }
        }
    }

    fn seen(highest: Option<u64>, sequence: &SequenceNumber) -> bool {
        highest.is_some_and(|h| sequence.counter <= h)
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
        assert!(consumers[0].shards[&ShardId(0)].finished);
    }
}
