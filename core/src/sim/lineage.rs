//! Shard lineage as a consumer application sees it: which shards exist (ListShards, refreshed) and
//! which parents each has, so children are read only after their parents are finished (A.9).

use crate::streams::ops::list_shards::ListShardsInput;
use crate::streams::shapes::ShardId;
use crate::world::World;
use std::collections::{BTreeMap, BTreeSet};

/// Parents of every shard a consumer knows.
#[derive(Debug, Clone, Default)]
pub struct Lineage {
    parents: BTreeMap<ShardId, Vec<ShardId>>,
    /// Shards the last ListShards returned; a shard missing from it has expired.
    listed: BTreeSet<ShardId>,
}

impl Lineage {
    /// Lists `stream`'s shards; returns every shard id known (new ones included).
    pub fn discover(&mut self, world: &mut World, stream: &str) -> Vec<ShardId> {
        if let Ok(listed) = world.apply(ListShardsInput::named(stream)) {
            self.listed = listed.shards.iter().map(|s| s.shard_id).collect();
            for shard in listed.shards {
                let parents = shard
                    .parent_shard_id
                    .into_iter()
                    .chain(shard.adjacent_parent_shard_id)
                    .collect();
                self.parents.insert(shard.shard_id, parents);
            }
        }
        self.parents.keys().copied().collect()
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
