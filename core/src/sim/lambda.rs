//! A simulated Lambda event source mapping on a stream (shared throughput): per shard, a poller
//! reads once a second (sooner while a backlog remains) and hands records to
//! `parallelization_factor` lanes, by partition key so each key keeps its order. A lane invokes
//! the function with up to `batch_size` records once it has that many or the batching window has
//! passed, or its records would pass Lambda's 6 MB invocation payload. A batch that fails (it holds
//! a "poison" record) is handled as `lambda_failures` says: retried from the first failed record
//! with ReportBatchItemFailures, whole, or split in two with bisect-on-error, after
//! `retry_delay_ms`, until it succeeds or is given up to the on-failure destination. Every attempt
//! hands the records over again, so retries show up as duplicates.

use super::check::{between, one_of};
use super::iterator::StartFrom;
use super::kpl;
use super::lambda_failures::{
    FailedBatch, FailureRules, GiveUp, INVOCATION_PAYLOAD_LIMIT, event_bytes, first_failure,
};
use super::ledger::{Check, Ledger};
use super::lineage::Lineage;
use super::polling::{ConsumerStats, ProcessingCost};
use super::shard_reader::{Read, ReadAt, ShardReader};
use crate::streams::shapes::{Record, ShardId};
use crate::world::World;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// Lambda's standard poll rate: each shard once per second.
const POLL_INTERVAL_MS: i64 = 1_000;
/// Records Lambda asks GetRecords for.
const GET_RECORDS_LIMIT: u32 = 10_000;
/// How often the mapping lists the stream's shards.
const DISCOVERY_INTERVAL_MS: i64 = 1_000;
/// Given-up batches the app can list.
const FAILURES_KEPT: usize = 1_000;

/// A Lambda trigger as a scenario declares it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaSpec {
    /// Function name, unique in the scenario.
    pub name: String,
    /// Stream read.
    pub stream: String,
    /// BatchSize (1–10,000, default 100).
    #[serde(default = "default_batch")]
    pub batch_size: u32,
    /// MaximumBatchingWindowInSeconds, in ms (0–300,000).
    #[serde(default)]
    pub batching_window_ms: i64,
    /// ParallelizationFactor (1–10): concurrent batches per shard.
    #[serde(default = "one")]
    pub parallelization_factor: u32,
    /// StartingPosition: TRIM_HORIZON or LATEST.
    #[serde(default = "default_start")]
    pub start: String,
    /// MaximumRetryAttempts: -1 (until the records expire) or 0–10,000.
    #[serde(default = "infinite")]
    pub max_retry_attempts: i64,
    /// BisectBatchOnFunctionError.
    #[serde(default)]
    pub bisect_batch_on_function_error: bool,
    /// MaximumRecordAgeInSeconds: -1 (until the records expire) or 60–604,800; a batch whose
    /// oldest record is older is given up.
    #[serde(default = "infinite")]
    pub maximum_record_age_seconds: i64,
    /// FunctionResponseTypes ReportBatchItemFailures: the function names the first record it
    /// failed on, so Lambda retries from there, not the whole batch.
    #[serde(default)]
    pub report_batch_item_failures: bool,
    /// DestinationConfig OnFailure: a stream of the scenario that receives an invocation record
    /// for every batch given up (without one, the app lists them).
    #[serde(default)]
    pub on_failure_stream: Option<String>,
    /// Time before a failed batch is invoked again (0–300,000 ms).
    #[serde(default)]
    pub retry_delay_ms: i64,
    /// Fraction of records the function throws on (always the same records: poison pills).
    #[serde(default)]
    pub poison_rate: f64,
    /// Time an invocation takes.
    #[serde(default)]
    pub processing: ProcessingCost,
}

fn default_batch() -> u32 {
    100
}

fn one() -> u32 {
    1
}

fn default_start() -> String {
    "LATEST".into()
}

fn infinite() -> i64 {
    -1
}

impl LambdaSpec {
    /// Checks every value; the error names the function, the field and the allowed range.
    pub fn validate(&self) -> Result<(), String> {
        let check = || {
            between("batch_size", self.batch_size, 1, 10_000)?;
            between("batching_window_ms", self.batching_window_ms, 0, 300_000)?;
            between("parallelization_factor", self.parallelization_factor, 1, 10)?;
            one_of("start", &self.start, &["TRIM_HORIZON", "LATEST"])?;
            between("max_retry_attempts", self.max_retry_attempts, -1, 10_000)?;
            if self.maximum_record_age_seconds != -1 {
                between(
                    "maximum_record_age_seconds",
                    self.maximum_record_age_seconds,
                    60,
                    604_800,
                )?;
            }
            between("retry_delay_ms", self.retry_delay_ms, 0, 300_000)?;
            between("poison_rate", self.poison_rate, 0.0, 1.0)?;
            self.processing.validate()
        };
        check().map_err(|e| format!("consumer {:?}: {e}", self.name))
    }
}

/// A batch and how often it has failed.
#[derive(Debug, Clone)]
pub(super) struct Batch {
    pub(super) records: Vec<Record>,
    pub(super) retries: i64,
    /// Invocations of these records so far.
    pub(super) invocations: u64,
    /// Not invoked again before this time (the retry delay).
    pub(super) not_before_ms: i64,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Lane {
    queued: VecDeque<Record>,
    first_queued_ms: i64,
    /// Batches to run again, in order (bisected halves, or a failed batch).
    pub(super) retry: VecDeque<Batch>,
    /// The invocation under way: its batch, when it ends, and the first record it fails on.
    running: Option<(Batch, i64, Option<usize>)>,
}

impl Lane {
    fn is_idle(&self) -> bool {
        self.queued.is_empty() && self.retry.is_empty() && self.running.is_none()
    }
}

#[derive(Debug, Clone, Default)]
struct ShardPoller {
    reader: ShardReader,
    next_poll_ms: i64,
    /// Read to its end and every lane idle: its children may start.
    finished: bool,
    lanes: Vec<Lane>,
}

/// Lambda's own counters beyond the common ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct LambdaStats {
    /// Function invocations.
    pub invocations: u64,
    /// Invocations that threw.
    pub function_errors: u64,
    /// User records given up on after the last retry (sent to the on-failure destination).
    pub records_discarded: u64,
}

/// A running Lambda trigger.
#[derive(Debug, Clone)]
pub struct LambdaConsumer {
    spec: LambdaSpec,
    rng: ChaCha8Rng,
    shards: BTreeMap<ShardId, ShardPoller>,
    lineage: Lineage,
    stats: ConsumerStats,
    lambda: LambdaStats,
    ledger: Ledger,
    /// Batches given up, newest last (the on-failure destination's view).
    failures: VecDeque<FailedBatch>,
    /// While paused (the mapping disabled) nothing is read or invoked.
    pub paused: bool,
}

impl LambdaConsumer {
    /// Starts `spec` with its own seeded generator.
    pub fn new(spec: LambdaSpec, seed: u64) -> Self {
        Self {
            ledger: Ledger::new(&spec.name, &spec.stream, seed),
            spec,
            rng: ChaCha8Rng::seed_from_u64(seed),
            shards: BTreeMap::new(),
            lineage: Lineage::default(),
            stats: ConsumerStats::default(),
            lambda: LambdaStats::default(),
            failures: VecDeque::new(),
            paused: false,
        }
    }

    /// The stream it reads.
    pub fn stream(&self) -> &str {
        &self.spec.stream
    }

    /// The settings it runs with.
    pub fn spec(&self) -> &LambdaSpec {
        &self.spec
    }

    /// New settings, kept from the next tick on; the caller keeps its identity (name, stream,
    /// start) the same.
    pub(crate) fn set_spec(&mut self, spec: LambdaSpec) {
        self.spec = spec;
    }

    /// Names `seed` (the run's) in invariant failure messages.
    pub fn with_run_seed(mut self, seed: u64) -> Self {
        self.ledger = Ledger::new(&self.spec.name, &self.spec.stream, seed);
        self
    }

    /// Counters so far.
    pub fn stats(&self) -> ConsumerStats {
        self.stats.with_ledger(&self.ledger)
    }

    /// Invocations, errors and discarded records.
    pub fn lambda_stats(&self) -> LambdaStats {
        self.lambda
    }

    /// The invariant checks so far.
    pub fn checks(&self, world: &World) -> Vec<Check> {
        self.ledger.checks(world)
    }

    /// The latest batches given up (what the on-failure destination received), oldest first.
    pub fn failures(&self) -> impl DoubleEndedIterator<Item = &FailedBatch> {
        self.failures.iter()
    }

    /// Polls and invokes whatever is due.
    pub fn tick(&mut self, world: &mut World) {
        let now = world.now_ms();
        if let Some(shards) = self
            .lineage
            .refresh(world, &self.spec.stream, DISCOVERY_INTERVAL_MS)
        {
            for shard in shards {
                self.shards.entry(shard).or_insert_with(|| ShardPoller {
                    lanes: vec![Lane::default(); self.spec.parallelization_factor as usize],
                    ..ShardPoller::default()
                });
            }
        }
        if self.paused {
            return;
        }
        let ready: Vec<ShardId> = self
            .shards
            .iter()
            .filter(|(id, p)| {
                !p.finished
                    && self
                        .lineage
                        .parents_done(**id, |s| self.shards.get(&s).is_none_or(|p| p.finished))
            })
            .map(|(id, _)| *id)
            .collect();
        for shard in ready {
            self.poll(world, shard, now);
            let given_up = self.invoke(world, shard, now);
            self.give_up(world, given_up);
            self.settle(world, shard);
        }
        self.stats.final_millis_behind_latest = self
            .shards
            .values()
            .filter(|p| !p.finished)
            .map(|p| p.reader.millis_behind)
            .max()
            .unwrap_or(0);
    }

    fn poll(&mut self, world: &mut World, shard: ShardId, now: i64) {
        let start = StartFrom::initial(&self.spec.start, self.lineage.is_child(shard));
        let backlog_limit = 10 * self.spec.batch_size as usize;
        let poller = self.shards.get_mut(&shard).expect("discovered");
        let backlog: usize = poller.lanes.iter().map(|l| l.queued.len()).sum();
        if poller.reader.at_end || now < poller.next_poll_ms || backlog >= backlog_limit {
            return;
        }
        let at = ReadAt {
            stream: &self.spec.stream,
            shard,
            reader: &self.spec.name,
            limit: GET_RECORDS_LIMIT,
            start,
        };
        let records = match poller.reader.read(world, &mut self.ledger, at) {
            Read::Page { records, .. } => records,
            Read::Throttled => {
                self.stats.read_throttles += 1;
                poller.next_poll_ms = now + POLL_INTERVAL_MS;
                return;
            }
            Read::Failed => {
                poller.next_poll_ms = now + POLL_INTERVAL_MS;
                return;
            }
        };
        self.stats.max_millis_behind_latest = self
            .stats
            .max_millis_behind_latest
            .max(poller.reader.millis_behind);
        // A full page means a backlog: read again at the next tick.
        poller.next_poll_ms = if records.len() >= GET_RECORDS_LIMIT as usize {
            now
        } else {
            now + POLL_INTERVAL_MS
        };
        let lanes = poller.lanes.len() as u64;
        for record in records.iter() {
            let lane = &mut poller.lanes[(key_hash(record.partition_key()) % lanes) as usize];
            if lane.queued.is_empty() {
                lane.first_queued_ms = now;
            }
            // Kept until its batch is invoked: an owned record (views of the same buffers).
            lane.queued.push_back(record.to_record());
        }
    }

    /// Ends the invocations that are done and starts the next batch of each lane; returns the
    /// batches given up on the way.
    fn invoke(&mut self, world: &World, shard: ShardId, now: i64) -> Vec<FailedBatch> {
        let retention_ms = world
            .stream(&self.spec.stream)
            .map_or(i64::MAX, |s| i64::from(s.retention_hours) * 3_600_000);
        let max_age_ms = match self.spec.maximum_record_age_seconds {
            -1 => retention_ms,
            seconds => (seconds * 1_000).min(retention_ms),
        };
        let rules = FailureRules {
            spec: &self.spec,
            shard,
            oldest_allowed_ms: now.saturating_sub(max_age_ms),
            now,
        };
        let mut given_up = Vec::new();
        let poller = self.shards.get_mut(&shard).expect("discovered");
        for lane in &mut poller.lanes {
            if let Some((batch, done_ms, failure)) = lane.running.take() {
                if now < done_ms {
                    lane.running = Some((batch, done_ms, failure));
                    continue;
                }
                if let Some(at) = failure {
                    self.lambda.function_errors += 1;
                    given_up.extend(rules.handle(lane, batch, at));
                }
            }
            let batch = match lane.retry.front() {
                Some(batch) if batch.not_before_ms > now => continue,
                Some(_) => lane.retry.pop_front().expect("just seen"),
                None => {
                    let full = lane.queued.len() >= self.spec.batch_size as usize;
                    let waited = now - lane.first_queued_ms >= self.spec.batching_window_ms;
                    if lane.queued.is_empty() || !(full || waited || poller.reader.at_end) {
                        continue;
                    }
                    // Up to the batch size, and no more than Lambda's 6 MB invocation payload.
                    let mut bytes = 0;
                    let take = lane
                        .queued
                        .iter()
                        .take(self.spec.batch_size as usize)
                        .take_while(|r| {
                            bytes += event_bytes(r);
                            bytes <= INVOCATION_PAYLOAD_LIMIT
                        })
                        .count()
                        .max(1);
                    let records: Vec<Record> = lane.queued.drain(..take).collect();
                    lane.first_queued_ms = now;
                    Batch {
                        records,
                        retries: 0,
                        invocations: 0,
                        not_before_ms: now,
                    }
                }
            };
            if rules.too_old(&batch) {
                // Given up without another invocation (MaximumRecordAgeInSeconds, retention).
                given_up.extend(rules.give_up(batch, GiveUp::RecordAgeExceeded));
                continue;
            }
            let user_records = self.ledger.deliver_all(world, shard, &batch.records);
            let failure = first_failure(&batch.records, |r| is_poison(r, self.spec.poison_rate));
            let took = self
                .spec
                .processing
                .duration_ms(user_records as usize, &mut self.rng);
            self.lambda.invocations += 1;
            let batch = Batch {
                invocations: batch.invocations + 1,
                ..batch
            };
            lane.running = Some((batch, now + took.max(1), failure));
        }
        self.lambda.records_discarded += given_up.iter().map(|f| f.user_records).sum::<u64>();
        given_up
    }

    /// Sends what was given up to the on-failure stream, if there is one, and to the list the app
    /// shows.
    fn give_up(&mut self, world: &mut World, batches: Vec<FailedBatch>) {
        for failed in batches {
            if let Some(destination) = &self.spec.on_failure_stream {
                failed.send(world, &self.spec.name, &self.spec.stream, destination);
            }
            if self.failures.len() >= FAILURES_KEPT {
                self.failures.pop_front();
            }
            self.failures.push_back(failed);
        }
    }

    /// Tells the ledger how far every lane has taken the shard; finishes a shard read to its end
    /// once every lane is idle (so its children may start).
    fn settle(&mut self, world: &World, shard: ShardId) {
        let poller = self.shards.get_mut(&shard).expect("discovered");
        let oldest_queued = poller
            .lanes
            .iter()
            .filter_map(|l| l.queued.front())
            .map(|r| r.sequence_number.counter)
            .min();
        match oldest_queued {
            Some(counter) if counter > 0 => {
                self.ledger.settle_through(world, shard, counter - 1);
            }
            Some(_) => {}
            None => {
                if let Some(last) = poller.reader.last_read {
                    self.ledger.settle_through(world, shard, last.counter);
                }
                if poller.reader.at_end && poller.lanes.iter().all(Lane::is_idle) {
                    poller.finished = true;
                    self.ledger.settle_shard_end(world, shard);
                }
            }
        }
    }
}

/// User records in a Kinesis record (a KPL aggregate holds several).
pub(super) fn user_records(record: &Record) -> u64 {
    kpl::deaggregate(&record.data.0).map_or(1, |users| users.len() as u64)
}

/// Whether the function throws on `record`: a fixed property of the record, so retries of it
/// fail again.
fn is_poison(record: &Record, rate: f64) -> bool {
    if rate <= 0.0 {
        return false;
    }
    let sequence = &record.sequence_number;
    let h = sequence
        .counter
        .to_le_bytes()
        .iter()
        .chain(&sequence.shard_index.to_le_bytes())
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
    (h % 1_000_000) < (rate * 1_000_000.0) as u64
}

/// FNV-1a, the lane of a partition key.
fn key_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;
    use crate::sim::keys::KeyDistribution;
    use crate::sim::producer::{Producer, ProducerApi, ProducerSpec, RetryPolicy};
    use crate::sim::rate::RateSchedule;
    use crate::streams::ops::lifecycle::CreateStreamInput;

    fn spec(extra: serde_json::Value) -> LambdaSpec {
        let mut value = serde_json::json!({"name": "fn", "stream": "s", "start": "TRIM_HORIZON"});
        value
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let spec: LambdaSpec = serde_json::from_value(value).unwrap();
        spec.validate().unwrap();
        spec
    }

    fn run(spec: LambdaSpec, seconds: i64) -> (LambdaConsumer, World, u64) {
        let mut world = World::new(Settings::default(), 1);
        world.apply(CreateStreamInput::provisioned("s", 2)).unwrap();
        world.step(500);
        let producer = ProducerSpec {
            name: "p".into(),
            stream: "s".into(),
            firehose: None,
            rate: RateSchedule::Constant { per_second: 200.0 },
            jitter: 0.0,
            size: crate::sim::size::SizeDistribution::Fixed { bytes: 100 },
            payload: Default::default(),
            keys: KeyDistribution::Uniform { keys: 100 },
            api: ProducerApi::default(),
            retry: RetryPolicy::None,
        };
        let mut producer = Producer::new(producer, 2, world.now_ms());
        let mut app = LambdaConsumer::new(spec, 3);
        for tick in 0..(seconds + 10) * 10 {
            world.step(100);
            if tick < seconds * 10 {
                producer.tick(&mut world, 100);
            }
            app.tick(&mut world);
        }
        let acked = producer.stats().records_acknowledged;
        (app, world, acked)
    }

    #[test]
    fn a_healthy_function_gets_every_record_once_in_batches() {
        let (app, world, acked) = run(
            spec(serde_json::json!({"batch_size": 50, "processing": {"per_batch_ms": 20}})),
            20,
        );
        let stats = app.stats();
        assert_eq!(stats.records_processed, acked);
        assert_eq!(stats.duplicates, 0);
        let lambda = app.lambda_stats();
        assert!(lambda.invocations >= acked / 50, "{lambda:?}");
        assert!(app.checks(&world).iter().all(|c| c.ok));
    }

    #[test]
    fn parallel_lanes_keep_each_key_in_order() {
        let (app, world, acked) = run(
            spec(serde_json::json!({
                "batch_size": 10, "parallelization_factor": 5,
                "processing": {"per_batch_ms": 50, "jitter": 0.9}
            })),
            20,
        );
        assert_eq!(app.stats().records_processed, acked);
        assert!(
            app.checks(&world).iter().all(|c| c.ok),
            "{:?}",
            app.checks(&world)
        );
    }

    #[test]
    fn a_poison_record_is_retried_and_its_batch_delivered_again() {
        let (app, world, _) = run(
            spec(
                serde_json::json!({"batch_size": 100, "poison_rate": 0.002, "max_retry_attempts": 2}),
            ),
            20,
        );
        let lambda = app.lambda_stats();
        let stats = app.stats();
        assert!(
            lambda.function_errors > 0 && lambda.records_discarded > 0,
            "{lambda:?}"
        );
        assert!(stats.duplicates > 0, "{stats:?}");
        // Retries are duplicates, never losses.
        assert!(
            app.checks(&world).iter().all(|c| c.ok),
            "{:?}",
            app.checks(&world)
        );
    }

    #[test]
    fn bisecting_discards_only_the_poison_records() {
        let plain = spec(
            serde_json::json!({"batch_size": 100, "poison_rate": 0.002, "max_retry_attempts": 1}),
        );
        let bisect = LambdaSpec {
            bisect_batch_on_function_error: true,
            ..plain.clone()
        };
        let (without, _, _) = run(plain, 20);
        let (with, _, _) = run(bisect, 20);
        let discarded_with = with.lambda_stats().records_discarded;
        assert!(discarded_with > 0, "{:?}", with.lambda_stats());
        assert!(
            discarded_with * 10 < without.lambda_stats().records_discarded,
            "bisect {:?} vs whole batches {:?}",
            with.lambda_stats(),
            without.lambda_stats()
        );
    }

    #[test]
    fn reporting_the_failed_item_retries_from_it_not_the_whole_batch() {
        let whole = spec(
            serde_json::json!({"batch_size": 100, "poison_rate": 0.002, "max_retry_attempts": 1}),
        );
        let partial = LambdaSpec {
            report_batch_item_failures: true,
            ..whole.clone()
        };
        let (without, _, _) = run(whole, 20);
        let (with, world, _) = run(partial, 20);
        // Only the poison record and what follows it in its batch come again.
        assert!(
            with.stats().duplicates < without.stats().duplicates,
            "{:?} vs {:?}",
            with.stats(),
            without.stats()
        );
        assert!(with.lambda_stats().records_discarded < without.lambda_stats().records_discarded);
        assert!(with.checks(&world).iter().all(|c| c.ok));
    }

    #[test]
    fn batches_older_than_the_maximum_record_age_are_given_up_unread() {
        let mut world = World::new(Settings::default(), 1);
        world.apply(CreateStreamInput::provisioned("s", 1)).unwrap();
        world.step(500);
        for i in 0..50 {
            world
                .apply(crate::streams::ops::put::PutRecordInput::new(
                    "s",
                    &format!("k{i}"),
                    "x",
                ))
                .unwrap();
        }
        // The mapping starts two minutes later with a 60 s maximum record age.
        world.step(120_000);
        let mut app = LambdaConsumer::new(
            spec(serde_json::json!({"maximum_record_age_seconds": 60})),
            3,
        );
        for _ in 0..50 {
            world.step(100);
            app.tick(&mut world);
        }
        let lambda = app.lambda_stats();
        assert_eq!(lambda.invocations, 0, "{lambda:?}");
        assert_eq!(lambda.records_discarded, 50);
        let failures: Vec<&FailedBatch> = app.failures().collect();
        assert!(!failures.is_empty());
        assert!(
            failures
                .iter()
                .all(|f| f.condition == GiveUp::RecordAgeExceeded)
        );
    }

    #[test]
    fn an_invocation_carries_at_most_6_mb() {
        let mut world = World::new(Settings::default(), 1);
        world.apply(CreateStreamInput::provisioned("s", 1)).unwrap();
        world.step(500);
        for i in 0..12 {
            world
                .apply(crate::streams::ops::put::PutRecordInput::new(
                    "s",
                    &format!("k{i}"),
                    vec![7u8; 1_000_000],
                ))
                .unwrap();
            world.step(1_000);
        }
        let mut app = LambdaConsumer::new(spec(serde_json::json!({"batch_size": 100})), 3);
        for _ in 0..100 {
            world.step(100);
            app.tick(&mut world);
        }
        // A 1 MB record is 1.33 MB in the event: four fit in 6 MB, five do not. (The first read
        // returns 10 records, GetRecords' 10 MiB; the batches are 4, 4, 2, then 2.)
        assert_eq!(app.stats().records_processed, 12);
        assert_eq!(app.lambda_stats().invocations, 4);
    }

    #[test]
    fn a_retry_delay_spaces_the_retries_of_a_failing_batch() {
        let quick = spec(serde_json::json!({"batch_size": 100, "poison_rate": 0.002}));
        let patient = LambdaSpec {
            retry_delay_ms: 5_000,
            ..quick.clone()
        };
        let (fast, _, _) = run(quick, 20);
        let (slow, _, _) = run(patient, 20);
        assert!(
            slow.lambda_stats().function_errors * 5 < fast.lambda_stats().function_errors,
            "{:?} vs {:?}",
            slow.lambda_stats(),
            fast.lambda_stats()
        );
    }
}
