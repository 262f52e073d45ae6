//! The per-key order check of an application's ledger: records of one partition key must reach
//! the application in their order — within a shard by position, across a reshard parent before
//! child (a key lives in exactly one open shard at a time). It remembers the last position of
//! each key, forgetting keys that can no longer come out of order, so random keys do not grow it.

use crate::streams::shapes::ShardId;
use crate::streams::stream::StreamState;
use rustc_hash::{FxHashMap, FxHashSet};

/// Keys remembered before those that are settled are first forgotten.
pub(super) const KEYS_BEFORE_FORGETTING: usize = 4_096;

/// A record's place in the stream: shard, ordinal within it, and index inside a KPL aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Position {
    pub shard: ShardId,
    pub ordinal: u64,
    pub sub: u32,
}

/// The last position of every key not yet forgotten.
#[derive(Debug, Clone)]
pub(super) struct KeyOrder {
    last_by_key: FxHashMap<u64, Position>,
    /// The key of the records being entered and the last one's position, not yet written into
    /// `last_by_key`: a run of records with one key (one hot key, a constant label) looks the
    /// key up once, at its start, and writes it once, at its end.
    run: Option<(u64, Position)>,
    /// The run's key.
    run_key: Vec<u8>,
    /// Size of `last_by_key` at which keys that can no longer be out of order are forgotten.
    forget_at: usize,
}

impl Default for KeyOrder {
    fn default() -> Self {
        Self {
            last_by_key: FxHashMap::default(),
            run: None,
            run_key: Vec::new(),
            forget_at: KEYS_BEFORE_FORGETTING,
        }
    }
}

/// Whether two keys are the same bytes, compared eight at a time in place: a partition key is
/// short, and comparing every record's key with its run's through a call to `memcmp` cost more
/// than the comparison itself.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (a_words, a_rest) = a.as_chunks::<8>();
    let (b_words, b_rest) = b.as_chunks::<8>();
    a_words
        .iter()
        .zip(b_words)
        .all(|(x, y)| u64::from_ne_bytes(*x) == u64::from_ne_bytes(*y))
        && a_rest.iter().zip(b_rest).all(|(x, y)| x == y)
}

impl KeyOrder {
    /// Enters a record of `key` at `here`; returns the key's previous position when `here`
    /// comes before it in the key's order.
    #[inline]
    pub(super) fn enter(
        &mut self,
        stream: &StreamState,
        key: &str,
        here: Position,
    ) -> Option<Position> {
        // Comparing the key's text with the run's costs less than hashing it again.
        let before = match &mut self.run {
            Some((_, last)) if same_bytes(&self.run_key, key.as_bytes()) => {
                Some(std::mem::replace(last, here))
            }
            _ => {
                self.end_run();
                let hash = key_hash(key);
                self.run = Some((hash, here));
                self.run_key.clear();
                self.run_key.extend_from_slice(key.as_bytes());
                self.last_by_key.get(&hash).copied()
            }
        }?;
        let out_of_order = if before.shard == here.shard {
            (here.ordinal, here.sub) < (before.ordinal, before.sub)
        } else {
            is_ancestor(stream, here.shard, before.shard)
        };
        out_of_order.then_some(before)
    }

    /// Writes the current run's key and last position into the map (at the end of a page).
    pub(super) fn end_run(&mut self) {
        if let Some((key, last)) = self.run.take() {
            self.last_by_key.insert(key, last);
        }
    }

    /// Whether enough keys are remembered that the settled ones should be forgotten.
    pub(super) fn wants_forgetting(&self) -> bool {
        self.last_by_key.len() >= self.forget_at
    }

    /// Forgets the keys whose last record lies below its shard's floor (the shards given are
    /// those whose records below the floor can only come again as duplicates, which are not
    /// order-checked). Call after [`KeyOrder::end_run`].
    pub(super) fn forget_below(&mut self, floors: &FxHashMap<ShardId, u64>) {
        self.last_by_key
            .retain(|_, p| floors.get(&p.shard).is_none_or(|&floor| p.ordinal >= floor));
        self.forget_at = (2 * self.last_by_key.len()).max(KEYS_BEFORE_FORGETTING);
    }

    /// Keys remembered now.
    #[cfg(test)]
    pub(super) fn remembered(&self) -> usize {
        self.last_by_key.len()
    }
}

/// Whether `ancestor` is a (transitive) parent of `shard`.
pub(super) fn is_ancestor(stream: &StreamState, ancestor: ShardId, shard: ShardId) -> bool {
    ancestors(stream, shard).any(|id| id == ancestor)
}

/// Every parent of `shard`, their parents and so on, each once (merges join lineages: a walk per
/// path would double with every merge); the walk does not go on through expired shards. Lazy, so
/// a search stops at what it looks for; a shard without parents costs no allocation.
pub(super) fn ancestors(
    stream: &StreamState,
    shard: ShardId,
) -> impl Iterator<Item = ShardId> + '_ {
    let parents_of = |id: ShardId| {
        stream
            .shard(id)
            .into_iter()
            .flat_map(|s| s.parent.into_iter().chain(s.adjacent_parent))
    };
    let mut frontier: Vec<ShardId> = parents_of(shard).collect();
    let mut seen: FxHashSet<ShardId> = frontier.iter().copied().collect();
    std::iter::from_fn(move || {
        let id = frontier.pop()?;
        for parent in parents_of(id) {
            if seen.insert(parent) {
                frontier.push(parent);
            }
        }
        Some(id)
    })
}

/// FNV-1a: stable across runs and platforms, and cheap for short keys.
fn key_hash(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_compare_by_every_byte() {
        let keys = [
            "",
            "a",
            "b",
            "explicit",
            "explicit!",
            "explicih",
            "user-123456789",
            "user-123456788",
        ];
        for a in keys {
            for b in keys {
                assert_eq!(
                    same_bytes(a.as_bytes(), b.as_bytes()),
                    a == b,
                    "{a:?} {b:?}"
                );
            }
        }
    }
}
