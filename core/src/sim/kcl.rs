//! A simulated KCL application (reference A.16): N workers share a lease table kept inside the
//! simulation. Each worker renews its leases, takes expired or unowned ones and steals one at a
//! time to balance; each leased shard gets a record processor that polls from the lease's
//! checkpoint, processes, and checkpoints every K records or T ms. Children are processed only
//! after their parents checkpointed SHARD_END. A killed worker's leases expire after
//! `failover_time_ms` and are taken over from their last checkpoint — re-delivering whatever was
//! processed since, which the ledger counts as duplicates. The timings are KCL 2.x's: shard sync
//! every `shard_sync_interval_ms` (60 s), child leases made at once from a parent's SHARD_END,
//! renewals every third of the failover time, lease taking every 2 × (failover + 25 ms), and a
//! random lease stolen from the busiest worker.

use super::check::{between, one_of};
use super::iterator::StartFrom;
use super::ledger::{Check, Ledger};
use super::lineage::Lineage;
use super::polling::{ConsumerStats, MAX_INTERVAL_MS, ProcessingCost};
use super::shard_reader::{Read, ReadAt, ShardReader};
use crate::streams::sequence::SequenceNumber;
use crate::streams::shapes::ShardId;
use crate::world::World;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A KCL application as a scenario declares it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KclSpec {
    /// Application name (the lease table's name in real KCL).
    pub name: String,
    /// Stream read.
    pub stream: String,
    /// Workers started with the application.
    #[serde(default = "default_workers")]
    pub workers: u32,
    /// A lease not renewed for this long is expired and can be taken (KCL default 10,000).
    #[serde(default = "default_failover")]
    pub failover_time_ms: i64,
    /// Checkpoint after this many records processed (0 = not by count).
    #[serde(default = "default_checkpoint_records")]
    pub checkpoint_every_records: u64,
    /// Checkpoint after this many milliseconds (0 = not by time).
    #[serde(default)]
    pub checkpoint_every_ms: i64,
    /// Time between GetRecords calls of one processor (KCL idleTimeBetweenReadsInMillis).
    #[serde(default = "default_poll")]
    pub poll_interval_ms: i64,
    /// GetRecords Limit (KCL maxRecords, default 10,000).
    #[serde(default = "default_limit")]
    pub limit: u32,
    /// Initial position of new leases: TRIM_HORIZON or LATEST (KCL default LATEST).
    #[serde(default = "default_start")]
    pub start: String,
    /// Time between shard syncs, which list the stream for new shards (KCL
    /// shardSyncIntervalMillis, default 60,000).
    #[serde(default = "default_shard_sync")]
    pub shard_sync_interval_ms: i64,
    /// Processing cost.
    #[serde(default)]
    pub processing: ProcessingCost,
}

fn default_workers() -> u32 {
    2
}

fn default_failover() -> i64 {
    10_000
}

fn default_checkpoint_records() -> u64 {
    1_000
}

fn default_poll() -> i64 {
    1_000
}

fn default_limit() -> u32 {
    10_000
}

fn default_start() -> String {
    "LATEST".into()
}

fn default_shard_sync() -> i64 {
    60_000
}

/// KCL's lease taker runs every 2 × (failover time + this), its epsilonMillis.
const LEASE_TAKER_EPSILON_MS: i64 = 25;

impl KclSpec {
    /// Checks every value; the error names the application, the field and the allowed range.
    pub fn validate(&self) -> Result<(), String> {
        let check = || {
            between("workers", self.workers, 1, 100)?;
            between(
                "failover_time_ms",
                self.failover_time_ms,
                300,
                MAX_INTERVAL_MS,
            )?;
            between(
                "checkpoint_every_ms",
                self.checkpoint_every_ms,
                0,
                86_400_000,
            )?;
            between(
                "poll_interval_ms",
                self.poll_interval_ms,
                1,
                MAX_INTERVAL_MS,
            )?;
            between("limit", self.limit, 1, 10_000)?;
            one_of("start", &self.start, &["TRIM_HORIZON", "LATEST"])?;
            between(
                "shard_sync_interval_ms",
                self.shard_sync_interval_ms,
                1_000,
                MAX_INTERVAL_MS,
            )?;
            self.processing.validate()
        };
        check().map_err(|e| format!("consumer {:?}: {e}", self.name))
    }
}

/// Where a lease's shard has been processed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checkpoint {
    /// Sentinel: from the oldest record.
    TrimHorizon,
    /// Sentinel: from the newest.
    Latest,
    /// After this record.
    Sequence(SequenceNumber),
    /// The shard was read to its end; its children may start.
    ShardEnd,
}

impl std::fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Checkpoint::TrimHorizon => f.write_str("TRIM_HORIZON"),
            Checkpoint::Latest => f.write_str("LATEST"),
            Checkpoint::Sequence(s) => write!(f, "{s}"),
            Checkpoint::ShardEnd => f.write_str("SHARD_END"),
        }
    }
}

/// One row of the lease table (A.16's attributes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The shard id.
    pub lease_key: ShardId,
    /// The worker holding it.
    pub lease_owner: Option<String>,
    /// Bumped on every renew and take (optimistic concurrency in real KCL).
    pub lease_counter: u64,
    /// Progress.
    pub checkpoint: Checkpoint,
    /// Owner changes since the last checkpoint.
    pub owner_switches_since_checkpoint: u64,
    /// The shard's parents.
    pub parent_shard_ids: Vec<ShardId>,
    /// Virtual time of the last renew or take.
    pub renewed_ms: i64,
}

#[derive(Debug, Clone)]
struct Processor {
    /// The lease counter this processor's worker last saw; a different one means the lease moved.
    lease_counter: u64,
    reader: ShardReader,
    next_poll_ms: i64,
    since_checkpoint: u64,
    last_checkpoint_ms: i64,
}

/// One worker (a KCL Scheduler in one process).
#[derive(Debug, Clone)]
pub struct Worker {
    /// Its id, the lease owner name.
    pub id: String,
    /// False once killed; a killed worker does nothing and renews nothing.
    pub alive: bool,
    processors: BTreeMap<ShardId, Processor>,
    next_take_ms: i64,
    next_renew_ms: i64,
}

impl Worker {
    fn new(id: String, now: i64) -> Self {
        Self {
            id,
            alive: true,
            processors: BTreeMap::new(),
            next_take_ms: now,
            next_renew_ms: now,
        }
    }

    /// Shards it is processing now.
    pub fn shards(&self) -> impl Iterator<Item = ShardId> + '_ {
        self.processors.keys().copied()
    }
}

/// A running KCL application.
#[derive(Debug, Clone)]
pub struct KclConsumer {
    spec: KclSpec,
    rng: ChaCha8Rng,
    leases: BTreeMap<ShardId, Lease>,
    workers: Vec<Worker>,
    lineage: Lineage,
    stats: ConsumerStats,
    ledger: Ledger,
    /// Workers ever started (names the next one).
    started_workers: u32,
    /// While paused no worker processes (leases are still renewed).
    pub paused: bool,
}

impl KclConsumer {
    /// Starts `spec`'s workers with its own seeded generator.
    pub fn new(spec: KclSpec, seed: u64) -> Self {
        let mut app = Self {
            ledger: Ledger::new(&spec.name, &spec.stream, seed),
            rng: ChaCha8Rng::seed_from_u64(seed),
            leases: BTreeMap::new(),
            workers: Vec::new(),
            lineage: Lineage::default(),
            stats: ConsumerStats::default(),
            started_workers: 0,
            paused: false,
            spec,
        };
        for _ in 0..app.spec.workers {
            app.add_worker(i64::MIN);
        }
        app
    }

    /// The stream it reads.
    pub fn stream(&self) -> &str {
        &self.spec.stream
    }

    /// The settings it runs with.
    pub fn spec(&self) -> &KclSpec {
        &self.spec
    }

    /// New settings, kept from the next tick on; the caller keeps its identity (name, stream,
    /// start) the same.
    pub(crate) fn set_spec(&mut self, spec: KclSpec) {
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

    /// The invariant checks so far.
    pub fn checks(&self, world: &World) -> Vec<Check> {
        self.ledger.checks(world)
    }

    /// The lease table.
    pub fn leases(&self) -> impl Iterator<Item = &Lease> {
        self.leases.values()
    }

    /// The workers, killed ones included.
    pub fn workers(&self) -> &[Worker] {
        &self.workers
    }

    /// Starts one more worker; returns its id.
    pub fn add_worker(&mut self, now: i64) -> String {
        self.started_workers += 1;
        let id = format!("worker-{}", self.started_workers);
        self.workers.push(Worker::new(id.clone(), now));
        id
    }

    /// Kills a worker (or, with `None`, the live one holding the most leases): it stops at once,
    /// without checkpointing. Returns the id killed.
    pub fn kill_worker(&mut self, id: Option<&str>) -> Result<String, String> {
        let owned = |w: &Worker| w.processors.len();
        let worker = match id {
            Some(id) => self.workers.iter_mut().find(|w| w.id == id && w.alive),
            None => self
                .workers
                .iter_mut()
                .filter(|w| w.alive)
                .max_by_key(|w| owned(w)),
        };
        let worker = worker.ok_or_else(|| match id {
            Some(id) => format!("{} has no live worker {id:?}", self.spec.name),
            None => format!("{} has no live worker", self.spec.name),
        })?;
        worker.alive = false;
        worker.processors.clear();
        Ok(worker.id.clone())
    }

    /// One step of every live worker.
    pub fn tick(&mut self, world: &mut World) {
        let now = world.now_ms();
        if let Some(shards) =
            self.lineage
                .refresh(world, &self.spec.stream, self.spec.shard_sync_interval_ms)
        {
            self.sync_shards(shards);
        }
        let taker_interval = 2 * (self.spec.failover_time_ms + LEASE_TAKER_EPSILON_MS);
        for index in 0..self.workers.len() {
            if !self.workers[index].alive {
                continue;
            }
            self.renew(index, now);
            if now >= self.workers[index].next_take_ms {
                self.take_leases(index, now);
                self.workers[index].next_take_ms = now + taker_interval;
            }
            if !self.paused {
                self.process(index, world, now);
            }
        }
        self.stats.final_millis_behind_latest = self
            .workers
            .iter()
            .flat_map(|w| w.processors.values())
            .map(|p| p.reader.millis_behind)
            .max()
            .unwrap_or(0);
    }

    /// Creates leases for shards not in the table yet (KCL's shard sync, over the shards the
    /// lineage knows).
    fn sync_shards(&mut self, shards: Vec<ShardId>) {
        let initial = if self.spec.start == "TRIM_HORIZON" {
            Checkpoint::TrimHorizon
        } else {
            Checkpoint::Latest
        };
        let had_leases = !self.leases.is_empty();
        // Leases of shards that expired are removed, as KCL's shard sync cleans them up.
        let lineage = &self.lineage;
        self.leases.retain(|shard, _| !lineage.is_gone(*shard));
        for shard in shards {
            if self.leases.contains_key(&shard) || self.lineage.is_gone(shard) {
                continue;
            }
            let parents = self.lineage.parents(shard);
            // Children of shards we follow start at their beginning, so nothing is skipped.
            let checkpoint = if had_leases || !parents.is_empty() {
                Checkpoint::TrimHorizon
            } else {
                initial
            };
            self.leases.insert(
                shard,
                Lease {
                    lease_key: shard,
                    lease_owner: None,
                    lease_counter: 0,
                    checkpoint,
                    owner_switches_since_checkpoint: 0,
                    parent_shard_ids: parents,
                    renewed_ms: i64::MIN / 2,
                },
            );
        }
    }

    /// Renews the worker's leases every third of the failover time; notices leases it lost.
    fn renew(&mut self, index: usize, now: i64) {
        let worker = &mut self.workers[index];
        let leases = &mut self.leases;
        worker.processors.retain(|shard, processor| {
            leases.get(shard).is_some_and(|l| {
                l.lease_owner.as_deref() == Some(worker.id.as_str())
                    && l.lease_counter == processor.lease_counter
            })
        });
        if now < worker.next_renew_ms {
            return;
        }
        worker.next_renew_ms = now + self.spec.failover_time_ms / 3;
        for (shard, processor) in &mut worker.processors {
            let lease = leases.get_mut(shard).expect("retained above");
            lease.lease_counter += 1;
            lease.renewed_ms = now;
            processor.lease_counter = lease.lease_counter;
        }
    }

    /// Takes expired or unowned leases up to an even share, else steals one from the busiest worker.
    fn take_leases(&mut self, index: usize, now: i64) {
        let failover = self.spec.failover_time_ms;
        let open: Vec<ShardId> = self
            .leases
            .values()
            .filter(|l| l.checkpoint != Checkpoint::ShardEnd)
            .map(|l| l.lease_key)
            .collect();
        let live = self.workers.iter().filter(|w| w.alive).count().max(1);
        let target = open.len().div_ceil(live);
        let mine = self.workers[index].processors.len();
        if mine >= target {
            return;
        }
        let available: Vec<ShardId> = open
            .iter()
            .copied()
            .filter(|s| {
                let lease = &self.leases[s];
                lease.lease_owner.is_none() || now - lease.renewed_ms > failover
            })
            .take(target - mine)
            .collect();
        let chosen = if available.is_empty() {
            self.steal_candidate(index, target)
                .into_iter()
                .collect::<Vec<_>>()
        } else {
            available
        };
        for shard in chosen {
            self.take(index, shard, now);
        }
    }

    fn steal_candidate(&mut self, index: usize, target: usize) -> Option<ShardId> {
        let busiest = self
            .workers
            .iter()
            .enumerate()
            .filter(|(i, w)| *i != index && w.alive)
            .max_by_key(|(_, w)| w.processors.len())?;
        // KCL's lease taker steals from a worker above the even share, or from one at it when
        // this worker is more than one lease short.
        let busiest_count = busiest.1.processors.len();
        let mine = self.workers[index].processors.len();
        if !(busiest_count > target || (busiest_count == target && target - mine > 1)) {
            return None;
        }
        // KCL 2.x picks the lease to steal at random among the busiest worker's.
        let pick = self.rng.random_range(0..busiest_count);
        busiest.1.processors.keys().nth(pick).copied()
    }

    fn take(&mut self, index: usize, shard: ShardId, now: i64) {
        let worker = &mut self.workers[index];
        let lease = self.leases.get_mut(&shard).expect("listed");
        if lease.lease_owner.is_some() {
            lease.owner_switches_since_checkpoint += 1;
        }
        lease.lease_owner = Some(worker.id.clone());
        lease.lease_counter += 1;
        lease.renewed_ms = now;
        worker.processors.insert(
            shard,
            Processor {
                lease_counter: lease.lease_counter,
                reader: ShardReader::default(),
                next_poll_ms: now,
                since_checkpoint: 0,
                last_checkpoint_ms: now,
            },
        );
    }

    fn parents_done(&self, shard: ShardId) -> bool {
        // A parent that expired unread can never reach SHARD_END: it no longer holds children.
        self.leases[&shard].parent_shard_ids.iter().all(|p| {
            self.lineage.is_gone(*p)
                || self
                    .leases
                    .get(p)
                    .is_none_or(|l| l.checkpoint == Checkpoint::ShardEnd)
        })
    }

    fn process(&mut self, index: usize, world: &mut World, now: i64) {
        let shards: Vec<ShardId> = self.workers[index].processors.keys().copied().collect();
        for shard in shards {
            let due = self.workers[index].processors[&shard].next_poll_ms <= now;
            if due
                && self.leases[&shard].checkpoint != Checkpoint::ShardEnd
                && self.parents_done(shard)
            {
                self.poll(index, shard, world, now);
            }
        }
    }

    fn poll(&mut self, index: usize, shard: ShardId, world: &mut World, now: i64) {
        let interval = self.spec.poll_interval_ms;
        let lease = self.leases.get_mut(&shard).expect("owned");
        let processor = self.workers[index]
            .processors
            .get_mut(&shard)
            .expect("owned");
        // A processor that already read resumes after its last record (KCL restarts an expired
        // iterator there); a new one starts from the lease's checkpoint.
        let start = match lease.checkpoint {
            Checkpoint::Sequence(seq) => StartFrom::After(seq),
            Checkpoint::TrimHorizon => StartFrom::TrimHorizon,
            Checkpoint::Latest | Checkpoint::ShardEnd => StartFrom::Latest,
        };
        let at = ReadAt {
            stream: &self.spec.stream,
            shard,
            reader: &self.spec.name,
            limit: self.spec.limit,
            start,
        };
        let (records, children) = match processor.reader.read(world, &mut self.ledger, at) {
            Read::Page { records, children } => (records, children),
            Read::Throttled => {
                self.stats.read_throttles += 1;
                processor.next_poll_ms = now + interval;
                return;
            }
            Read::Failed => {
                processor.next_poll_ms = now + interval;
                return;
            }
        };
        let at_end = processor.reader.at_end;
        let user_records = self.ledger.take_page(world, shard, &records, at_end);
        processor.since_checkpoint += user_records;
        self.stats.max_millis_behind_latest = self
            .stats
            .max_millis_behind_latest
            .max(processor.reader.millis_behind);
        let busy = self
            .spec
            .processing
            .duration_ms(user_records as usize, &mut self.rng);
        processor.next_poll_ms = now + busy.max(interval);
        let by_count = self.spec.checkpoint_every_records > 0
            && processor.since_checkpoint >= self.spec.checkpoint_every_records;
        let by_time = self.spec.checkpoint_every_ms > 0
            && now - processor.last_checkpoint_ms >= self.spec.checkpoint_every_ms;
        if !at_end {
            if (by_count || by_time)
                && let Some(seq) = processor.reader.last_read
            {
                lease.checkpoint = Checkpoint::Sequence(seq);
                lease.owner_switches_since_checkpoint = 0;
                processor.since_checkpoint = 0;
                processor.last_checkpoint_ms = now;
            }
            return;
        }
        // KCL requires a checkpoint at SHARD_END before the children may start, and makes the
        // children's leases at once from the ChildShards GetRecords named.
        lease.checkpoint = Checkpoint::ShardEnd;
        lease.owner_switches_since_checkpoint = 0;
        lease.lease_owner = None;
        self.workers[index].processors.remove(&shard);
        self.lineage.learn_children(shard, &children);
        self.sync_shards(children.into_iter().map(|(child, _)| child).collect());
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

    fn spec(workers: u32) -> KclSpec {
        serde_json::from_value(serde_json::json!({
            "name": "app", "stream": "s", "workers": workers, "start": "TRIM_HORIZON",
            "checkpoint_every_records": 2000, "poll_interval_ms": 200
        }))
        .unwrap()
    }

    fn setup(shards: u32) -> (World, Producer) {
        let mut world = World::new(Settings::default(), 1);
        world
            .apply(CreateStreamInput::provisioned("s", shards))
            .unwrap();
        world.step(500);
        let producer = ProducerSpec {
            name: "p".into(),
            stream: "s".into(),
            firehose: None,
            rate: RateSchedule::Constant { per_second: 400.0 },
            jitter: 0.0,
            size: crate::sim::size::SizeDistribution::Fixed { bytes: 100 },
            payload: Default::default(),
            keys: KeyDistribution::Uniform { keys: 500 },
            api: ProducerApi::default(),
            retry: RetryPolicy::None,
        };
        let now = world.now_ms();
        (world, Producer::new(producer, 2, now))
    }

    fn run(world: &mut World, producer: &mut Producer, app: &mut KclConsumer, seconds: i64) {
        for _ in 0..seconds * 10 {
            world.step(100);
            producer.tick(world, 100);
            app.tick(world);
        }
    }

    fn owners(app: &KclConsumer) -> Vec<usize> {
        app.workers
            .iter()
            .filter(|w| w.alive)
            .map(|w| w.processors.len())
            .collect()
    }

    #[test]
    fn workers_share_the_shards_evenly_and_each_shard_has_one_owner() {
        let (mut world, mut producer) = setup(4);
        let mut app = KclConsumer::new(spec(2), 5);
        run(&mut world, &mut producer, &mut app, 30);
        assert_eq!(owners(&app), vec![2, 2]);
        assert!(app.leases().all(|l| l.lease_owner.is_some()));
        let stats = app.stats();
        assert_eq!(stats.duplicates, 0);
        assert!(
            app.checks(&world).iter().all(|c| c.ok),
            "{:?}",
            app.checks(&world)
        );
    }

    #[test]
    fn a_killed_worker_s_leases_fail_over_and_records_since_the_checkpoint_come_again() {
        let (mut world, mut producer) = setup(4);
        let mut app = KclConsumer::new(spec(2), 5);
        run(&mut world, &mut producer, &mut app, 20);
        let killed = app.kill_worker(None).unwrap();
        // Not yet: the leases are only expired after the failover time.
        run(&mut world, &mut producer, &mut app, 5);
        assert!(
            app.leases()
                .any(|l| l.lease_owner.as_deref() == Some(killed.as_str()))
        );
        run(&mut world, &mut producer, &mut app, 30);
        assert_eq!(owners(&app), vec![4]);
        let stats = app.stats();
        assert!(stats.duplicates > 0, "{stats:?}");
        let checks = app.checks(&world);
        assert!(checks.iter().all(|c| c.ok), "{checks:?}");
        let acked = producer.stats().records_acknowledged;
        assert!(stats.records_processed - stats.duplicates + 2_000 >= acked);
    }

    #[test]
    fn an_added_worker_steals_one_lease_at_a_time_until_balanced() {
        let (mut world, mut producer) = setup(4);
        let mut app = KclConsumer::new(spec(1), 5);
        run(&mut world, &mut producer, &mut app, 5);
        assert_eq!(owners(&app), vec![4]);
        app.add_worker(world.now_ms());
        run(&mut world, &mut producer, &mut app, 1);
        assert_eq!(owners(&app), vec![3, 1]);
        run(&mut world, &mut producer, &mut app, 20);
        assert_eq!(owners(&app), vec![2, 2]);
        assert!(app.checks(&world).iter().all(|c| c.ok));
    }

    #[test]
    fn a_processor_whose_iterator_expired_resumes_after_its_last_record() {
        let (mut world, mut producer) = setup(2);
        let mut app = KclConsumer::new(
            KclSpec {
                start: "LATEST".into(),
                ..spec(1)
            },
            5,
        );
        run(&mut world, &mut producer, &mut app, 10);
        app.paused = true;
        // Six minutes: longer than an iterator's five-minute life.
        run(&mut world, &mut producer, &mut app, 360);
        app.paused = false;
        run(&mut world, &mut producer, &mut app, 60);
        let checks = app.checks(&world);
        assert!(checks.iter().all(|c| c.ok), "{checks:?}");
        assert_eq!(app.stats().duplicates, 0);
    }

    #[test]
    fn a_worker_short_by_more_than_one_lease_steals_from_one_at_the_even_share() {
        let (mut world, mut producer) = setup(6);
        let mut app = KclConsumer::new(spec(3), 5);
        run(&mut world, &mut producer, &mut app, 5);
        assert_eq!(owners(&app), vec![2, 2, 2]);
        app.add_worker(world.now_ms());
        run(&mut world, &mut producer, &mut app, 30);
        let mut counts = owners(&app);
        counts.sort_unstable();
        assert_eq!(counts, vec![1, 1, 2, 2]);
    }

    #[test]
    fn the_stolen_lease_is_picked_at_random_as_kcl_2_does() {
        let stolen: std::collections::BTreeSet<ShardId> = (1..=8)
            .map(|seed| {
                let (mut world, mut producer) = setup(4);
                let mut app = KclConsumer::new(spec(1), seed);
                run(&mut world, &mut producer, &mut app, 5);
                app.add_worker(world.now_ms());
                run(&mut world, &mut producer, &mut app, 1);
                *app.workers[1].processors.keys().next().unwrap()
            })
            .collect();
        assert!(stolen.len() > 1, "always {stolen:?}");
    }

    #[test]
    fn leases_are_taken_every_twice_the_failover_time_plus_epsilon() {
        let (mut world, mut producer) = setup(4);
        let mut app = KclConsumer::new(spec(1), 5);
        run(&mut world, &mut producer, &mut app, 5);
        app.add_worker(world.now_ms());
        run(&mut world, &mut producer, &mut app, 1);
        assert_eq!(owners(&app), vec![3, 1]);
        // The next take is 2 × (10,000 + 25) ms after the first.
        run(&mut world, &mut producer, &mut app, 19);
        assert_eq!(owners(&app), vec![3, 1]);
        run(&mut world, &mut producer, &mut app, 2);
        assert_eq!(owners(&app), vec![2, 2]);
    }

    #[test]
    fn children_wait_for_their_parent_s_shard_end_checkpoint() {
        // The children's leases come from the ChildShards at the parent's end, well before the
        // next 60-second shard sync.
        let (mut world, mut producer) = setup(1);
        let mut app = KclConsumer::new(spec(2), 5);
        run(&mut world, &mut producer, &mut app, 5);
        world
            .apply(SplitShardInput::new("s", ShardId(0), 1u128 << 127))
            .unwrap();
        run(&mut world, &mut producer, &mut app, 20);
        assert_eq!(app.leases[&ShardId(0)].checkpoint, Checkpoint::ShardEnd);
        assert_eq!(app.leases().count(), 3);
        assert!(
            app.checks(&world).iter().all(|c| c.ok),
            "{:?}",
            app.checks(&world)
        );
        assert_eq!(app.stats().duplicates, 0);
    }
}
