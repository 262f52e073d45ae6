//! Where each reader is: every shard-iterator chain (a polling consumer) and every enhanced
//! fan-out subscription, with how far behind the tip it is — the lag the inspector draws.

use super::shapes::ShardId;
use super::shard::ShardState;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};

/// Readers tracked at most; past that the longest-idle polling reader is forgotten.
const MAX_READERS: usize = 10_000;

/// Polling readers not seen for this long are forgotten (their iterators have expired by then).
const IDLE_READER_MS: i64 = 300_000;

/// How a reader reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ReaderKind {
    /// GetShardIterator + GetRecords over the shard's shared throughput.
    Polling,
    /// SubscribeToShard by a registered consumer.
    EnhancedFanOut {
        /// Consumer name.
        consumer: String,
    },
}

/// One reader's position on one shard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReaderPosition {
    /// Stream read.
    pub stream: String,
    /// Shard read.
    pub shard: ShardId,
    /// Polling or enhanced fan-out.
    pub kind: ReaderKind,
    /// Who reads, when the caller said (simulators name their consumers).
    pub label: Option<String>,
    /// Ordinal of the next record it will read.
    pub next_ordinal: u64,
    /// MillisBehindLatest as of its last read.
    pub millis_behind_latest: i64,
    /// Records between its position and the tip.
    pub records_behind: u64,
    /// Virtual time of its last read.
    pub last_read_ms: i64,
}

/// Every reader position, by reader id.
#[derive(Clone)]
pub struct Readers {
    positions: BTreeMap<u64, ReaderPosition>,
    /// Polling readers by (last read, id), so the idlest is found without a scan.
    polling_by_last_read: BTreeSet<(i64, u64)>,
    next_id: u64,
    generation: u64,
}

/// Each reader table's generations start in a block of their own, so a copy made from one world is
/// never taken for current in another (the app opening a new scenario).
static GENERATION_BLOCKS: AtomicU64 = AtomicU64::new(0);

impl Default for Readers {
    fn default() -> Self {
        Self {
            positions: BTreeMap::new(),
            polling_by_last_read: BTreeSet::new(),
            next_id: 0,
            generation: GENERATION_BLOCKS.fetch_add(1, Ordering::Relaxed) << 32,
        }
    }
}

// The generation is left out: it says which table, not what is in it, and two worlds run from the
// same seed must print the same.
impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("positions", &self.positions)
            .field("next_id", &self.next_id)
            .finish()
    }
}

impl Readers {
    /// A fresh reader id.
    pub fn allocate(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Records a read: the reader is now at `next_ordinal`. At the table's limit the idlest
    /// polling reader makes room (found in O(log n)).
    pub fn update(&mut self, id: u64, position: ReaderPosition) {
        if self.positions.len() >= MAX_READERS
            && !self.positions.contains_key(&id)
            && let Some(&(_, idlest)) = self.polling_by_last_read.first()
        {
            self.remove(idlest);
        }
        if matches!(position.kind, ReaderKind::Polling) {
            self.polling_by_last_read
                .insert((position.last_read_ms, id));
        }
        if let Some(old) = self.positions.insert(id, position)
            && matches!(old.kind, ReaderKind::Polling)
            && self.positions[&id].last_read_ms != old.last_read_ms
        {
            self.polling_by_last_read.remove(&(old.last_read_ms, id));
        }
        self.generation += 1;
    }

    /// Changes with every change to any position: a copy made at the same generation is current.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The label a reader was given, if any.
    pub fn label(&self, id: u64) -> Option<String> {
        self.positions.get(&id).and_then(|p| p.label.clone())
    }

    /// Forgets a reader (a finished subscription).
    pub fn remove(&mut self, id: u64) {
        if let Some(old) = self.positions.remove(&id) {
            self.polling_by_last_read.remove(&(old.last_read_ms, id));
        }
        self.generation += 1;
    }

    /// Forgets polling readers idle for longer than an iterator lives (the idlest first, so a
    /// tick costs nothing when none is).
    pub fn forget_idle(&mut self, now_ms: i64) {
        while let Some(&(last_read_ms, id)) = self.polling_by_last_read.first() {
            if now_ms - last_read_ms <= IDLE_READER_MS {
                break;
            }
            self.remove(id);
        }
    }

    /// Forgets readers of a deleted stream.
    pub fn forget_stream(&mut self, stream: &str) {
        let gone: Vec<u64> = self
            .positions
            .iter()
            .filter(|(_, p)| p.stream == stream)
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            self.remove(id);
        }
        self.generation += 1;
    }

    /// Every reader, by id.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &ReaderPosition)> {
        self.positions.iter().map(|(id, p)| (*id, p))
    }
}

/// MillisBehindLatest for a reader at `ordinal`: 0 at the tip, else how long ago the next unread
/// record arrived (A.7).
pub fn millis_behind_latest(shard: &ShardState, ordinal: u64, now_ms: i64) -> i64 {
    let ordinal = ordinal.max(shard.log.trim_ordinal());
    shard
        .log
        .get(ordinal)
        .map_or(0, |record| (now_ms - record.arrival_ms).max(0))
}

/// Records between `ordinal` and the tip.
pub fn records_behind(shard: &ShardState, ordinal: u64) -> u64 {
    shard
        .log
        .end_ordinal()
        .saturating_sub(ordinal.max(shard.log.trim_ordinal()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn polling(last_read_ms: i64) -> ReaderPosition {
        ReaderPosition {
            stream: "s".into(),
            shard: ShardId(0),
            kind: ReaderKind::Polling,
            label: None,
            next_ordinal: 0,
            millis_behind_latest: 0,
            records_behind: 0,
            last_read_ms,
        }
    }

    #[test]
    fn a_full_table_makes_room_by_forgetting_the_idlest_polling_reader() {
        let mut readers = Readers::default();
        for i in 0..MAX_READERS as i64 {
            let id = readers.allocate();
            readers.update(id, polling(1_000 + i));
        }
        // The first reader reads again, so the second is now the idlest.
        readers.update(1, polling(50_000));
        let id = readers.allocate();
        readers.update(id, polling(60_000));
        assert_eq!(readers.iter().count(), MAX_READERS);
        assert!(readers.positions.contains_key(&1));
        assert!(!readers.positions.contains_key(&2));
    }

    #[test]
    fn idle_polling_readers_are_forgotten_oldest_first() {
        let mut readers = Readers::default();
        for last in [0, 100_000, 200_000] {
            let id = readers.allocate();
            readers.update(id, polling(last));
        }
        readers.forget_idle(350_000);
        let left: Vec<i64> = readers.iter().map(|(_, p)| p.last_read_ms).collect();
        assert_eq!(left, vec![100_000, 200_000]);
        readers.remove(2);
        readers.forget_idle(600_000);
        assert_eq!(readers.iter().count(), 0);
        assert!(readers.polling_by_last_read.is_empty());
    }
}
