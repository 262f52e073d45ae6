//! Routing a hash key to the open shard that owns it. Every written record is routed, so besides
//! the open shards' starting keys (sorted) the table keeps a directory by the keys' top bits: a
//! key's bucket names the few shards that can own it, and only those are searched. A binary
//! search over all shards costs a mispredicted branch per step for random keys. A split or merge
//! leaves the directory stale (routing then searches every open shard) until the write path
//! asks for it again, so a rescale of n shards stays O(n) per step.

/// Open shards by starting hash key, with a directory over the key space's top bits.
#[derive(Debug, Clone, Default)]
pub struct Routing {
    /// Starting hash key of each open shard, ascending.
    starts: Vec<u128>,
    /// Index (into the stream's shards) of each, in the same order.
    shards: Vec<u32>,
    /// For each bucket of the top `bits` bits, the position in `starts` of the shard owning the
    /// bucket's first key; the bucket's keys belong to that shard or the ones after it up to the
    /// next bucket's. Empty while stale.
    directory: Vec<u32>,
    bits: u32,
}

impl Routing {
    /// The table of `open` shards, given as (starting hash key, shard index) in any order.
    pub fn new(mut open: Vec<(u128, u32)>) -> Self {
        open.sort_unstable();
        let mut routing = Self {
            starts: open.iter().map(|&(start, _)| start).collect(),
            shards: open.iter().map(|&(_, shard)| shard).collect(),
            ..Self::default()
        };
        routing.rebuild_directory();
        routing
    }

    /// Number of open shards.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether no shard is open.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Shard indexes in hash-key order.
    pub fn shards(&self) -> impl Iterator<Item = u32> + '_ {
        self.shards.iter().copied()
    }

    /// The index of the open shard whose range starts at or below `hash_key` and is last to
    /// do so (the owner, when the open shards cover the space).
    pub fn route(&self, hash_key: u128) -> Option<u32> {
        if self.starts.is_empty() {
            return None;
        }
        if self.directory.is_empty() {
            let after = self.starts.partition_point(|&start| start <= hash_key);
            return Some(self.shards[after.checked_sub(1)?]);
        }
        let bucket = (hash_key >> (128 - self.bits)) as usize;
        let first = self.directory[bucket] as usize;
        let last = self
            .directory
            .get(bucket + 1)
            .map_or(self.starts.len() - 1, |&next| next as usize);
        if self.starts[first] > hash_key {
            return None; // below the first open shard: the space is not covered
        }
        let position = first
            + self.starts[first + 1..=last.max(first)].partition_point(|&start| start <= hash_key);
        Some(self.shards[position])
    }

    /// Position of the shard starting at `start` (or where one would go).
    fn slot(&self, start: u128) -> usize {
        self.starts.partition_point(|&s| s < start)
    }

    /// The shard starting at `start` becomes `low` and a new shard `high` starts at `at`.
    pub fn split(&mut self, start: u128, low: u32, at: u128, high: u32) {
        let slot = self.slot(start);
        self.shards[slot] = low;
        self.starts.insert(slot + 1, at);
        self.shards.insert(slot + 1, high);
        self.directory.clear();
    }

    /// The shard starting at `start` and the one after it become one shard, `child`.
    pub fn merge(&mut self, start: u128, child: u32) {
        let slot = self.slot(start);
        self.shards[slot] = child;
        self.starts.remove(slot + 1);
        self.shards.remove(slot + 1);
        self.directory.clear();
    }

    /// Rebuilds the directory if a split or merge left it stale (before routing many keys).
    pub fn index(&mut self) {
        if self.directory.is_empty() && !self.starts.is_empty() {
            self.rebuild_directory();
        }
    }

    /// About four buckets per shard (at least 256, at most 2^16), so a bucket holds one or two
    /// starting keys when shards are even; uneven ones fall back to a search within the bucket.
    fn rebuild_directory(&mut self) {
        let wanted = (self.starts.len() * 4).next_power_of_two();
        self.bits = wanted.trailing_zeros().clamp(8, 16);
        let shift = 128 - self.bits;
        let mut position = 0;
        self.directory = (0..1u128 << self.bits)
            .map(|bucket| {
                let first_key = bucket << shift;
                while position + 1 < self.starts.len() && self.starts[position + 1] <= first_key {
                    position += 1;
                }
                position as u32
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streams::hashkey::even_split;
    use proptest::prelude::*;

    fn binary_search(open: &[(u128, u32)], key: u128) -> Option<u32> {
        let mut sorted = open.to_vec();
        sorted.sort_unstable();
        let after = sorted.partition_point(|&(start, _)| start <= key);
        Some(sorted.get(after.checked_sub(1)?)?.1)
    }

    #[test]
    fn the_edges_of_every_even_shard_route_to_it() {
        for n in [1u32, 2, 3, 100, 1_000, 5_000] {
            let ranges = even_split(n);
            let open: Vec<(u128, u32)> = ranges
                .iter()
                .enumerate()
                .map(|(i, r)| (r.start, i as u32))
                .collect();
            let routing = Routing::new(open);
            for (i, r) in ranges.iter().enumerate() {
                assert_eq!(routing.route(r.start), Some(i as u32), "n={n}");
                assert_eq!(routing.route(r.end), Some(i as u32), "n={n}");
            }
        }
    }

    #[test]
    fn an_empty_table_routes_nothing_and_a_gap_below_the_first_start_is_none() {
        assert_eq!(Routing::new(Vec::new()).route(5), None);
        assert_eq!(Routing::new(vec![(10, 0)]).route(9), None);
        assert_eq!(Routing::new(vec![(10, 0)]).route(u128::MAX), Some(0));
    }

    proptest! {
        #[test]
        fn routing_agrees_with_a_binary_search_over_any_layout(
            mut starts in proptest::collection::vec(any::<u128>(), 1..300),
            clustered in proptest::collection::vec(0u128..1_000, 0..50),
            keys in proptest::collection::vec(any::<u128>(), 1..200),
        ) {
            starts.push(0);
            // Slivers a few keys wide, all in one bucket.
            starts.extend(clustered.iter().map(|c| (1u128 << 100) + c));
            starts.sort_unstable();
            starts.dedup();
            let open: Vec<(u128, u32)> = starts.iter().enumerate().map(|(i, &s)| (s, i as u32)).collect();
            let mut routing = Routing::new(open.clone());
            for &key in keys.iter().chain(&starts) {
                prop_assert_eq!(routing.route(key), binary_search(&open, key));
            }
            // Split the first shard in the middle and merge it back.
            if starts.len() >= 2 && starts[1] - starts[0] >= 2 {
                let at = starts[0] + (starts[1] - starts[0]) / 2;
                routing.split(starts[0], 1_000, at, 1_001);
                let mut split = open.clone();
                split[0].1 = 1_000;
                split.push((at, 1_001));
                for &key in keys.iter().chain(&[at - 1, at]) {
                    prop_assert_eq!(routing.route(key), binary_search(&split, key), "stale");
                }
                routing.index();
                for &key in keys.iter().chain(&[at - 1, at]) {
                    prop_assert_eq!(routing.route(key), binary_search(&split, key), "indexed");
                }
                routing.merge(starts[0], 2_000);
                routing.index();
                let mut merged = open.clone();
                merged[0].1 = 2_000;
                for &key in &keys {
                    prop_assert_eq!(routing.route(key), binary_search(&merged, key));
                }
            }
        }
    }
}
