//! Shard lineage as a consumer application sees it: which shards exist (ListShards, every page,
//! refreshed on the application's schedule) and which parents each has, so children are read only
//! after their parents are finished (A.9).

use crate::streams::ops::list_shards::ListShardsInput;
use crate::streams::shapes::ShardId;
use crate::world::World;
use std::collections::{BTreeMap, BTreeSet};

/// Parents of every shard a consumer knows.
#[derive(Debug, Clone, Default)]
pub struct Lineage {
    parents: BTreeMap<ShardId, Vec<ShardId>>,
    /// Shards the last complete listing returned; a shard missing from it has expired.
    listed: BTreeSet<ShardId>,
    /// When the shards are listed next.
    next_listing_ms: Option<i64>,
}

impl Lineage {
    /// Lists `stream`'s shards, following NextToken through every page (a stream may have more
    /// than the 1,000 shards one page holds); returns every shard id known (new ones included).
    /// A listing cut short by an error leaves what was known.
    pub fn discover(&mut self, world: &mut World, stream: &str) -> Vec<ShardId> {
        let mut listed = BTreeSet::new();
        let mut input = ListShardsInput::named(stream);
        loop {
            let Ok(page) = world.apply(input) else {
                return self.parents.keys().copied().collect();
            };
            for shard in page.shards {
                let parents = shard
                    .parent_shard_id
                    .into_iter()
                    .chain(shard.adjacent_parent_shard_id)
                    .collect();
                listed.insert(shard.shard_id);
                self.parents.insert(shard.shard_id, parents);
            }
            match page.next_token {
                Some(token) => {
                    input = ListShardsInput {
                        next_token: Some(token),
                        ..ListShardsInput::default()
                    }
                }
                None => break,
            }
        }
        self.listed = listed;
        self.parents.keys().copied().collect()
    }

    /// Lists the shards if `interval_ms` has passed since the last listing (or there was none);
    /// returns the shards known when it listed.
    pub fn refresh(
        &mut self,
        world: &mut World,
        stream: &str,
        interval_ms: i64,
    ) -> Option<Vec<ShardId>> {
        let now = world.now_ms();
        if self.next_listing_ms.is_some_and(|at| now < at) {
            return None;
        }
        self.next_listing_ms = Some(now + interval_ms);
        Some(self.discover(world, stream))
    }

    /// Learns of children named at a parent's end (GetRecords' ChildShards), before the next
    /// listing.
    pub fn learn_children(&mut self, parent: ShardId, children: &[(ShardId, Vec<ShardId>)]) {
        for (child, parents) in children {
            self.parents.entry(*child).or_insert_with(|| {
                if parents.is_empty() {
                    vec![parent]
                } else {
                    parents.clone()
                }
            });
            self.listed.insert(*child);
        }
    }

    /// The parents of `shard` (empty for an original shard).
    pub fn parents(&self, shard: ShardId) -> Vec<ShardId> {
        self.parents.get(&shard).cloned().unwrap_or_default()
    }

    /// Whether `shard` was made by a split or merge (so it is read from its start).
    pub fn is_child(&self, shard: ShardId) -> bool {
        self.parents.get(&shard).is_some_and(|p| !p.is_empty())
    }

    /// Whether every parent of `shard` is finished, by `finished`, or gone: a parent that expired
    /// before it was read can never be finished, and must not hold its children back forever.
    pub fn parents_done(&self, shard: ShardId, finished: impl Fn(ShardId) -> bool) -> bool {
        self.parents
            .get(&shard)
            .is_none_or(|ps| ps.iter().all(|p| finished(*p) || self.is_gone(*p)))
    }

    /// Whether `shard` was listed once and is no longer (it expired).
    pub fn is_gone(&self, shard: ShardId) -> bool {
        self.parents.contains_key(&shard) && !self.listed.contains(&shard)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;
    use crate::streams::ops::lifecycle::CreateStreamInput;

    #[test]
    fn a_stream_of_more_than_a_thousand_shards_is_listed_page_by_page() {
        let settings = Settings {
            shard_limit: 2_000,
            ..Settings::default()
        };
        let mut world = World::new(settings, 1);
        world
            .apply(CreateStreamInput::provisioned("big", 1_500))
            .unwrap();
        world.step(500);
        let mut lineage = Lineage::default();
        assert_eq!(lineage.discover(&mut world, "big").len(), 1_500);
        assert!(!lineage.is_gone(ShardId(1_499)));
    }
}
