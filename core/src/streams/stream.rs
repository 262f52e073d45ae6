//! One data stream's state inside the engine, and the asynchronous changes it goes through.

use super::capacity::ThrottleMode;
use super::efo::ConsumerState;
use super::hashkey::{HashKeyRange, even_split};
use super::ondemand::OnDemandState;
use super::routing::Routing;
use super::scaling::ScalingPlan;
use super::shapes::{
    EncryptionType, EnhancedMetrics, MetricsName, ShardId, StreamMode, StreamStatus,
};
use super::shard::ShardState;
use crate::metrics::MetricSet;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Default retention (A.10).
pub const DEFAULT_RETENTION_HOURS: u32 = 24;
/// Default maximum record size, KiB (A.4).
pub const DEFAULT_MAX_RECORD_SIZE_KIB: u32 = 1_024;
/// Shards a new on-demand stream starts with (A.11).
pub const ON_DEMAND_INITIAL_SHARDS: u32 = 4;

/// An asynchronous change that completes when its delay has passed.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// CREATING → ACTIVE.
    FinishCreate,
    /// DELETING → gone.
    FinishDelete,
    /// Split `shard` at `at`.
    Split { shard: ShardId, at: u128 },
    /// Merge two adjacent shards.
    Merge { shard: ShardId, adjacent: ShardId },
    /// UNIFORM_SCALING: the splits and merges planned when the request was accepted.
    ScaleTo { plan: ScalingPlan },
    /// Start encrypting new records with `key_id`.
    StartEncryption { key_id: String },
    /// Stop encrypting.
    StopEncryption,
    /// Switch capacity mode.
    SwitchMode {
        mode: StreamMode,
        warm_mibps: Option<u32>,
    },
    /// Set the warm throughput target.
    SetWarmThroughput { mibps: u32 },
}

/// A change under way, when it began and when it completes.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingChange {
    /// Virtual time at which it began.
    pub started_ms: i64,
    /// Virtual time at which it completes.
    pub due_ms: i64,
    /// The change.
    pub change: Change,
}

impl Change {
    /// What the change does, in a few words for people watching it happen.
    pub fn describe(&self) -> String {
        match self {
            Change::FinishCreate => "creating".into(),
            Change::FinishDelete => "deleting".into(),
            Change::Split { shard, .. } => format!("splitting {shard}"),
            Change::Merge { shard, adjacent } => format!("merging {shard} and {adjacent}"),
            Change::ScaleTo { plan } => format!(
                "scaling uniformly: {} splits, {} merges",
                plan.splits(),
                plan.merges()
            ),
            Change::StartEncryption { .. } => "starting encryption".into(),
            Change::StopEncryption => "stopping encryption".into(),
            Change::SwitchMode { mode, .. } => match mode {
                StreamMode::OnDemand => "switching to on-demand".into(),
                StreamMode::Provisioned => "switching to provisioned".into(),
            },
            Change::SetWarmThroughput { mibps } => format!("warming to {mibps} MiB/s"),
        }
    }
}

impl PendingChange {
    /// Share of the change's time that has passed at `now_ms`, from 0.0 to 1.0.
    pub fn progress(&self, now_ms: i64) -> f64 {
        let total = (self.due_ms - self.started_ms).max(1) as f64;
        ((now_ms - self.started_ms) as f64 / total).clamp(0.0, 1.0)
    }
}

/// A data stream inside the engine.
#[derive(Debug, Clone)]
pub struct StreamState {
    /// Stream name.
    pub name: String,
    /// Stream ARN.
    pub arn: String,
    /// The model's reserved StreamId, unique per stream incarnation.
    pub stream_id: String,
    /// Virtual creation time.
    pub created_ms: i64,
    /// Status (A.5).
    pub status: StreamStatus,
    /// Capacity mode.
    pub mode: StreamMode,
    /// Retention in hours.
    pub retention_hours: u32,
    /// Every shard ever made, indexed by shard number.
    pub shards: Vec<ShardState>,
    /// Enabled shard-level metrics.
    pub enhanced_metrics: BTreeSet<MetricsName>,
    /// KMS key id while encrypted.
    pub encryption_key: Option<String>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Largest record, KiB.
    pub max_record_size_kib: u32,
    /// How limits are enforced.
    pub throttle: ThrottleMode,
    /// Registered enhanced fan-out consumers, by name.
    pub consumers: BTreeMap<String, ConsumerState>,
    /// Resource policy (JSON text).
    pub policy: Option<String>,
    /// Warm throughput target, MiB/s (on-demand with a billing commitment).
    pub warm_throughput_mibps: Option<u32>,
    /// The change under way, if any.
    pub pending: Option<PendingChange>,
    /// Times of capacity-mode switches (twice per rolling 24 h).
    pub mode_switches: VecDeque<i64>,
    /// Times of UpdateShardCount calls (ten per rolling 24 h).
    pub shard_count_updates: VecDeque<i64>,
    /// Times of Start/StopStreamEncryption calls (25 each per rolling 24 h).
    pub encryption_starts: VecDeque<i64>,
    /// See `encryption_starts`.
    pub encryption_stops: VecDeque<i64>,
    /// Stream-level metrics.
    pub metrics: MetricSet,
    /// On-demand scaling state.
    pub on_demand: OnDemandState,
    /// Open shards by starting hash key, for routing.
    routing: Routing,
}

impl StreamState {
    /// A new stream in CREATING with `shard_count` evenly split shards.
    pub fn new(
        name: String,
        arn: String,
        stream_id: String,
        mode: StreamMode,
        shard_count: u32,
        now_ms: i64,
    ) -> Self {
        let shards = even_split(shard_count)
            .into_iter()
            .enumerate()
            .map(|(i, range)| ShardState::new(ShardId(i as u32), range, now_ms))
            .collect();
        let mut stream = Self {
            name,
            arn,
            stream_id,
            created_ms: now_ms,
            status: StreamStatus::Creating,
            mode,
            retention_hours: DEFAULT_RETENTION_HOURS,
            shards,
            enhanced_metrics: BTreeSet::new(),
            encryption_key: None,
            tags: BTreeMap::new(),
            max_record_size_kib: DEFAULT_MAX_RECORD_SIZE_KIB,
            throttle: ThrottleMode::Faithful,
            consumers: BTreeMap::new(),
            policy: None,
            warm_throughput_mibps: None,
            pending: None,
            mode_switches: VecDeque::new(),
            shard_count_updates: VecDeque::new(),
            encryption_starts: VecDeque::new(),
            encryption_stops: VecDeque::new(),
            metrics: MetricSet::default(),
            on_demand: OnDemandState::default(),
            routing: Routing::default(),
        };
        stream.rebuild_routing();
        stream
    }

    /// Recomputes the routing table after shards opened or closed.
    pub fn rebuild_routing(&mut self) {
        self.routing = Routing::new(
            self.shards
                .iter()
                .filter(|s| s.is_open())
                .map(|s| (s.range.start, s.id.0))
                .collect(),
        );
    }

    /// Readies routing for many keys (after a split or merge left its directory stale).
    pub fn index_routing(&mut self) {
        self.routing.index();
    }

    /// Retention in milliseconds.
    pub fn retention_ms(&self) -> i64 {
        i64::from(self.retention_hours) * 3_600_000
    }

    /// The shard with `id`, unless it never existed or has expired.
    pub fn shard(&self, id: ShardId) -> Option<&ShardState> {
        self.shards.get(id.0 as usize).filter(|s| !s.expired)
    }

    /// Mutable access to the shard with `id`, unless it never existed or has expired.
    pub fn shard_mut(&mut self, id: ShardId) -> Option<&mut ShardState> {
        self.shards.get_mut(id.0 as usize).filter(|s| !s.expired)
    }

    /// Open shards, in hash-key order.
    pub fn open_shards(&self) -> impl Iterator<Item = &ShardState> {
        self.routing
            .shards()
            .map(|index| &self.shards[index as usize])
    }

    /// Number of open shards.
    pub fn open_shard_count(&self) -> u32 {
        self.routing.len() as u32
    }

    /// Index (into `shards`) of the open shard owning `hash_key`.
    pub fn route(&self, hash_key: u128) -> Option<usize> {
        let index = self.routing.route(hash_key)? as usize;
        self.shards[index].range.contains(hash_key).then_some(index)
    }

    /// Adds a new open shard and returns its id.
    pub fn add_shard(&mut self, range: HashKeyRange, now_ms: i64) -> ShardId {
        let id = ShardId(self.shards.len() as u32);
        let mut shard = ShardState::new(id, range, now_ms);
        shard
            .metrics
            .keep_minutes(self.retention_hours as usize * 60);
        self.shards.push(shard);
        id
    }

    /// Splits open shard `parent` so the upper child starts at `at`: the parent closes, two
    /// children open. Routing is updated in place (no rescan), so a scaling of n shards costs O(n)
    /// per step at most.
    pub fn split_shard(&mut self, parent: ShardId, at: u128, now_ms: i64) -> (ShardId, ShardId) {
        let range = self.shards[parent.0 as usize].range;
        let low = self.add_shard(
            HashKeyRange {
                start: range.start,
                end: at - 1,
            },
            now_ms,
        );
        let high = self.add_shard(
            HashKeyRange {
                start: at,
                end: range.end,
            },
            now_ms,
        );
        for child in [low, high] {
            self.shards[child.0 as usize].parent = Some(parent);
        }
        self.shards[parent.0 as usize].close(now_ms, vec![low, high]);
        self.routing.split(range.start, low.0, at, high.0);
        (low, high)
    }

    /// Merges open shard `shard` with `adjacent`, the open shard right after it in hash-key
    /// order: both close, one child with both parents opens.
    pub fn merge_shards(&mut self, shard: ShardId, adjacent: ShardId, now_ms: i64) -> ShardId {
        let (a, b) = (
            self.shards[shard.0 as usize].range,
            self.shards[adjacent.0 as usize].range,
        );
        let range = HashKeyRange {
            start: a.start.min(b.start),
            end: a.end.max(b.end),
        };
        let child = self.add_shard(range, now_ms);
        self.shards[child.0 as usize].parent = Some(shard);
        self.shards[child.0 as usize].adjacent_parent = Some(adjacent);
        self.shards[shard.0 as usize].close(now_ms, vec![child]);
        self.shards[adjacent.0 as usize].close(now_ms, vec![child]);
        self.routing.merge(range.start, child.0);
        child
    }

    /// The open shard owning exactly `range`, if there is one.
    pub fn open_shard_with_range(&self, range: HashKeyRange) -> Option<ShardId> {
        let index = self.route(range.start)?;
        (self.shards[index].range == range).then_some(ShardId(index as u32))
    }

    /// `KMS` while new records are encrypted, else `NONE`.
    pub fn encryption_type(&self) -> EncryptionType {
        if self.encryption_key.is_some() {
            EncryptionType::Kms
        } else {
            EncryptionType::None
        }
    }

    /// Enhanced monitoring as DescribeStream lists it.
    pub fn enhanced_monitoring(&self) -> Vec<EnhancedMetrics> {
        vec![EnhancedMetrics {
            shard_level_metrics: self.enhanced_metrics.iter().copied().collect(),
        }]
    }

    /// Virtual time at which the next asynchronous change completes.
    pub fn next_deadline(&self) -> Option<i64> {
        let consumer_deadlines = self.consumers.values().filter_map(|c| c.transition_due_ms);
        self.pending
            .as_ref()
            .map(|p| p.due_ms)
            .into_iter()
            .chain(consumer_deadlines)
            .min()
    }
}

/// Drops entries older than 24 h from a call history and says how many remain.
pub fn calls_in_last_day(history: &mut VecDeque<i64>, now_ms: i64) -> usize {
    while history.front().is_some_and(|&t| t <= now_ms - 86_400_000) {
        history.pop_front();
    }
    history.len()
}
