//! One shard's state: its slice of the hash-key space, lineage, records, capacity and metrics.

use super::capacity::{ReadCapacity, WriteCapacity};
use super::hashkey::HashKeyRange;
use super::log::RecordLog;
use super::sequence::{MAX_COUNTER, SequenceNumber};
use super::shapes::{ChildShard, HashKeyRangeShape, SequenceNumberRange, Shard, ShardId};
use crate::metrics::MetricSet;

/// Each virtual millisecond since the shard's creation moves its sequence counter on by at least
/// this much, so a longer gap between writes means a larger jump, as at AWS (A.3).
const COUNTER_STEPS_PER_MS: u64 = 1_024;

/// Lifecycle of a shard (A.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ShardPhase {
    /// Accepts writes.
    Open,
    /// Split or merged: no writes, readable until its records pass retention.
    Closed,
    /// Closed and past retention: no longer listed.
    Expired,
}

/// A shard inside the engine.
#[derive(Debug, Clone)]
pub struct ShardState {
    /// Its id.
    pub id: ShardId,
    /// Keys it owns.
    pub range: HashKeyRange,
    /// Split parent, or first merge parent.
    pub parent: Option<ShardId>,
    /// Second merge parent.
    pub adjacent_parent: Option<ShardId>,
    /// Shards made from this one when it was split or merged.
    pub children: Vec<ShardId>,
    /// Virtual creation time.
    pub created_ms: i64,
    /// Virtual time it was closed, if it has been.
    pub closed_ms: Option<i64>,
    /// Whether it has expired (closed and past retention).
    pub expired: bool,
    /// Its records.
    pub log: RecordLog,
    last_counter: u64,
    /// Write allowance.
    pub write: WriteCapacity,
    /// Shared read allowance.
    pub read: ReadCapacity,
    /// Shard-level metrics.
    pub metrics: MetricSet,
    /// Epoch second of the last write-throttle event logged (one per second at most).
    pub(crate) last_write_throttle_event_s: Option<i64>,
    /// Epoch second of the last read-throttle event logged.
    pub(crate) last_read_throttle_event_s: Option<i64>,
}

impl ShardState {
    /// A new open shard.
    pub fn new(id: ShardId, range: HashKeyRange, created_ms: i64) -> Self {
        Self {
            id,
            range,
            parent: None,
            adjacent_parent: None,
            children: Vec::new(),
            created_ms,
            closed_ms: None,
            expired: false,
            log: RecordLog::default(),
            last_counter: 0,
            write: WriteCapacity::default(),
            read: ReadCapacity::default(),
            metrics: MetricSet::default(),
            last_write_throttle_event_s: None,
            last_read_throttle_event_s: None,
        }
    }

    /// Its lifecycle phase.
    pub fn phase(&self) -> ShardPhase {
        match (self.closed_ms, self.expired) {
            (None, _) => ShardPhase::Open,
            (Some(_), false) => ShardPhase::Closed,
            (Some(_), true) => ShardPhase::Expired,
        }
    }

    /// Whether it accepts writes.
    pub fn is_open(&self) -> bool {
        self.closed_ms.is_none()
    }

    /// The sequence number of the record with `counter`, arriving at `arrival_ms`.
    pub fn sequence_number(&self, counter: u64, arrival_ms: i64) -> SequenceNumber {
        SequenceNumber::of_record(self.created_ms, self.id.0, counter, arrival_ms)
    }

    /// The shard's StartingSequenceNumber.
    pub fn starting_sequence_number(&self) -> SequenceNumber {
        self.sequence_number(0, self.created_ms)
    }

    /// The shard's EndingSequenceNumber: present once closed, built with the maximum counter.
    pub fn ending_sequence_number(&self) -> Option<SequenceNumber> {
        self.closed_ms
            .map(|closed| self.sequence_number(MAX_COUNTER, closed))
    }

    /// The counter for a record arriving at `now_ms`: strictly above the last one, at least
    /// proportional to the time since the shard was created, and at least `floor` (from
    /// SequenceNumberForOrdering).
    pub fn next_counter(&mut self, now_ms: i64, floor: u64) -> u64 {
        let elapsed = (now_ms - self.created_ms).max(0) as u64;
        let counter = (self.last_counter + 1)
            .max(elapsed.saturating_mul(COUNTER_STEPS_PER_MS))
            .max(floor)
            .min(MAX_COUNTER - 1);
        self.last_counter = counter;
        counter
    }

    /// The model's description of the shard.
    pub fn describe(&self) -> Shard {
        Shard {
            shard_id: self.id,
            parent_shard_id: self.parent,
            adjacent_parent_shard_id: self.adjacent_parent,
            hash_key_range: HashKeyRangeShape::from(self.range),
            sequence_number_range: SequenceNumberRange {
                starting_sequence_number: self.starting_sequence_number(),
                ending_sequence_number: self.ending_sequence_number(),
            },
        }
    }

    /// This shard described as somebody's child.
    pub fn as_child(&self) -> ChildShard {
        ChildShard {
            shard_id: self.id,
            parent_shards: self
                .parent
                .into_iter()
                .chain(self.adjacent_parent)
                .collect(),
            hash_key_range: HashKeyRangeShape::from(self.range),
        }
    }

    /// Whether a throttle at `now_ms` deserves an event (the first one in its second does).
    pub(crate) fn first_throttle_this_second(last: &mut Option<i64>, now_ms: i64) -> bool {
        let second = now_ms.div_euclid(1_000);
        let first = *last != Some(second);
        *last = Some(second);
        first
    }

    /// Closes the shard at `now_ms` with the given children.
    pub fn close(&mut self, now_ms: i64, children: Vec<ShardId>) {
        self.closed_ms = Some(now_ms);
        self.children = children;
    }
}
