//! UpdateShardCount's UNIFORM_SCALING (reference A.9) as AWS does it: splits and merges of the
//! *existing* open shards, never a rebuild of the boundaries. Growing splits the widest open shard
//! at its midpoint, one split per extra shard (doubling splits every shard once); shrinking merges
//! the adjacent pair whose union is narrowest, one merge per shard fewer (halving merges pairs).
//! These are the fewest operations that reach the target (each changes the count by one), and no
//! shard they create is narrower than half the even width `2^128 / target`. Planning costs
//! O(n log n) in the number of shards.

use super::hashkey::HashKeyRange;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One split or merge of a uniform scaling, naming shards by their hash-key ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReshardStep {
    /// Split the open shard owning exactly `range` so the upper child starts at `at`.
    Split { range: HashKeyRange, at: u128 },
    /// Merge the open shards owning exactly `left` and `right` (`right` follows `left`).
    Merge {
        left: HashKeyRange,
        right: HashKeyRange,
    },
}

/// The splits and merges that scale a stream's open shards to a target count.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScalingPlan {
    /// The steps, in the order they are applied.
    pub steps: Vec<ReshardStep>,
}

impl ScalingPlan {
    /// Number of splits.
    pub fn splits(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| matches!(s, ReshardStep::Split { .. }))
            .count()
    }

    /// Number of merges.
    pub fn merges(&self) -> usize {
        self.steps.len() - self.splits()
    }

    /// Shards the work closes (each split closes one, each merge two), short-lived ones included:
    /// the measure of work that sets how long the stream stays UPDATING.
    pub fn shards_touched(&self) -> u32 {
        (self.splits() + 2 * self.merges()) as u32
    }

    /// Shard ids the work creates: two per split, one per merge.
    pub fn shards_created(&self) -> u32 {
        (2 * self.splits() + self.merges()) as u32
    }
}

/// The fixed part of every reshard's UPDATING window, milliseconds.
pub const RESHARD_BASE_MS: i64 = 4_000;
/// What each shard a reshard closes adds to its UPDATING window, milliseconds.
pub const RESHARD_MS_PER_SHARD: i64 = 1_000;

/// How long a stream stays UPDATING for a reshard that closes `shards_touched` shards: a split or
/// a merge takes seconds (5 s and 6 s), UpdateShardCount minutes on large streams (10 -> 20 shards:
/// 14 s; 100 -> 200: 104 s; 1,000 -> 2,000: about 17 min), as AWS says "depending on the size of
/// the stream, the scaling action could take a few minutes".
pub fn reshard_duration_ms(shards_touched: u32) -> i64 {
    RESHARD_BASE_MS + RESHARD_MS_PER_SHARD * i64::from(shards_touched)
}

/// Half the even width of `target` shards, floor(2^127 / target): no shard a uniform scaling
/// creates is narrower.
pub fn half_even_width(target: u32) -> u128 {
    (1u128 << 127) / u128::from(target.max(1))
}

/// Number of keys in `range` minus one (so the whole space fits in a u128).
fn span(range: HashKeyRange) -> u128 {
    range.end - range.start
}

/// Plans the uniform scaling of the open shards `open` (in hash-key order, covering the space) to
/// `target` shards. Targets outside what UpdateShardCount allows (half to double) are still
/// reached, by the same rules.
pub fn uniform_scaling_plan(open: &[HashKeyRange], target: u32) -> ScalingPlan {
    let target = target.max(1) as usize;
    if target > open.len() {
        grow(open, target)
    } else {
        shrink(open, target)
    }
}

/// Splits the widest shard at its midpoint until there are `target`. Before each split there are
/// fewer than `target` shards sharing the space, so the widest is wider than the even width and
/// both children are at least half of it. Ties go to the lowest hash keys.
fn grow(open: &[HashKeyRange], target: usize) -> ScalingPlan {
    let mut widest: BinaryHeap<(u128, Reverse<u128>, u128)> = open
        .iter()
        .map(|r| (span(*r), Reverse(r.start), r.end))
        .collect();
    let mut steps = Vec::with_capacity(target - open.len());
    for _ in open.len()..target {
        let Some((_, Reverse(start), end)) = widest.pop() else {
            break;
        };
        let range = HashKeyRange { start, end };
        if start == end {
            break; // a single key cannot be split; unreachable for real targets
        }
        let at = range.midpoint();
        steps.push(ReshardStep::Split { range, at });
        widest.push((at - 1 - start, Reverse(start), at - 1));
        widest.push((end - at, Reverse(at), end));
    }
    ScalingPlan { steps }
}

/// Merges the adjacent pair with the narrowest union until there are `target`, considering only
/// unions at least half the even width wide (so slivers are absorbed by wide neighbours instead of
/// being merged into new slivers). A pair that wide always exists: with at most twice the target
/// sharing the space, the widest shard alone is half the even width.
fn shrink(open: &[HashKeyRange], target: usize) -> ScalingPlan {
    let n = open.len();
    let min_span = half_even_width(target as u32).saturating_sub(1);
    let mut ranges: Vec<HashKeyRange> = open.to_vec();
    let mut alive = vec![true; n];
    let mut version = vec![0u32; n];
    let mut prev: Vec<Option<usize>> = (0..n).map(|i| i.checked_sub(1)).collect();
    let mut next: Vec<Option<usize>> = (0..n).map(|i| (i + 1 < n).then_some(i + 1)).collect();
    // (union span, left start, left, right, left version, right version), narrowest first.
    type Pair = Reverse<(u128, u128, usize, usize, u32, u32)>;
    let mut pairs: BinaryHeap<Pair> = BinaryHeap::new();
    let push_pair = |pairs: &mut BinaryHeap<Pair>,
                     ranges: &[HashKeyRange],
                     version: &[u32],
                     left: usize,
                     right: usize| {
        let union = ranges[right].end - ranges[left].start;
        if union >= min_span {
            pairs.push(Reverse((
                union,
                ranges[left].start,
                left,
                right,
                version[left],
                version[right],
            )));
        }
    };
    for left in 0..n.saturating_sub(1) {
        push_pair(&mut pairs, &ranges, &version, left, left + 1);
    }
    let mut steps = Vec::with_capacity(n - target);
    let mut count = n;
    while count > target {
        let Some(Reverse((_, _, left, right, left_version, right_version))) = pairs.pop() else {
            break;
        };
        let current = alive[left]
            && alive[right]
            && version[left] == left_version
            && version[right] == right_version;
        if !current {
            continue;
        }
        steps.push(ReshardStep::Merge {
            left: ranges[left],
            right: ranges[right],
        });
        // The merged shard takes the left slot; the right slot goes away.
        ranges[left].end = ranges[right].end;
        version[left] += 1;
        alive[right] = false;
        next[left] = next[right];
        if let Some(after) = next[right] {
            prev[after] = Some(left);
            push_pair(&mut pairs, &ranges, &version, left, after);
        }
        if let Some(before) = prev[left] {
            push_pair(&mut pairs, &ranges, &version, before, left);
        }
        count -= 1;
    }
    ScalingPlan { steps }
}

/// Applies a plan to a list of open ranges (in hash-key order), as the engine applies it to shards.
pub fn apply_plan(open: &[HashKeyRange], plan: &ScalingPlan) -> Vec<HashKeyRange> {
    let mut ranges: std::collections::BTreeMap<u128, HashKeyRange> =
        open.iter().map(|r| (r.start, *r)).collect();
    for step in &plan.steps {
        match *step {
            ReshardStep::Split { range, at } => {
                ranges.insert(
                    range.start,
                    HashKeyRange {
                        start: range.start,
                        end: at - 1,
                    },
                );
                ranges.insert(
                    at,
                    HashKeyRange {
                        start: at,
                        end: range.end,
                    },
                );
            }
            ReshardStep::Merge { left, right } => {
                ranges.remove(&right.start);
                ranges.insert(
                    left.start,
                    HashKeyRange {
                        start: left.start,
                        end: right.end,
                    },
                );
            }
        }
    }
    ranges.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streams::hashkey::{MAX_HASH_KEY, even_split};
    use proptest::prelude::*;

    #[test]
    fn doubling_splits_every_shard_once_at_its_midpoint() {
        let open = even_split(10);
        let plan = uniform_scaling_plan(&open, 20);
        assert_eq!((plan.splits(), plan.merges()), (10, 0));
        assert_eq!(
            plan.shards_created(),
            20,
            "10 -> 20 makes exactly 20 children"
        );
        let split: Vec<HashKeyRange> = plan
            .steps
            .iter()
            .map(|s| match s {
                ReshardStep::Split { range, at } => {
                    assert_eq!(*at, range.midpoint());
                    *range
                }
                ReshardStep::Merge { .. } => unreachable!(),
            })
            .collect();
        let mut sorted = split.clone();
        sorted.sort();
        assert_eq!(sorted, open, "each original shard split exactly once");
    }

    #[test]
    fn halving_merges_adjacent_pairs() {
        let open = even_split(20);
        let plan = uniform_scaling_plan(&open, 10);
        assert_eq!((plan.splits(), plan.merges()), (0, 10));
        for (i, step) in plan.steps.iter().enumerate() {
            assert!(matches!(step, ReshardStep::Merge { .. }), "step {i}");
        }
        let result = apply_plan(&open, &plan);
        assert_eq!(result.len(), 10);
        for (pair, merged) in open.chunks(2).zip(&result) {
            assert_eq!(merged.start, pair[0].start);
            assert_eq!(merged.end, pair[1].end);
        }
    }

    #[test]
    fn a_sliver_is_absorbed_by_a_wide_neighbour_not_merged_into_a_new_sliver() {
        // 97% of the space in one shard, then three slivers; halving to 2 must not create a shard
        // narrower than half the even width (2^128 / 4).
        let sliver = MAX_HASH_KEY / 100;
        let big_end = MAX_HASH_KEY - 3 * sliver;
        let open = vec![
            HashKeyRange {
                start: 0,
                end: big_end,
            },
            HashKeyRange {
                start: big_end + 1,
                end: big_end + sliver,
            },
            HashKeyRange {
                start: big_end + sliver + 1,
                end: big_end + 2 * sliver,
            },
            HashKeyRange {
                start: big_end + 2 * sliver + 1,
                end: MAX_HASH_KEY,
            },
        ];
        let plan = uniform_scaling_plan(&open, 2);
        assert_eq!(plan.merges(), 2);
        assert_eq!(apply_plan(&open, &plan).len(), 2);
    }

    /// Random layouts: `n` open shards with random boundaries, as random SplitShard keys leave them.
    fn layout() -> impl Strategy<Value = Vec<HashKeyRange>> {
        (1usize..=48)
            .prop_flat_map(|n| prop::collection::btree_set(1u128..=MAX_HASH_KEY, n - 1))
            .prop_map(|starts| {
                let starts: Vec<u128> = std::iter::once(0).chain(starts).collect();
                starts
                    .iter()
                    .enumerate()
                    .map(|(i, &start)| HashKeyRange {
                        start,
                        end: starts.get(i + 1).map_or(MAX_HASH_KEY, |next| next - 1),
                    })
                    .collect()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn every_allowed_target_is_reached_with_the_fewest_operations_and_no_slivers(open in layout()) {
            let n = open.len() as u32;
            for target in n.div_ceil(2).max(1)..=2 * n {
                let plan = uniform_scaling_plan(&open, target);
                let result = apply_plan(&open, &plan);
                prop_assert_eq!(result.len() as u32, target);
                prop_assert_eq!(result[0].start, 0);
                prop_assert_eq!(result.last().unwrap().end, MAX_HASH_KEY);
                for pair in result.windows(2) {
                    prop_assert!(pair[0].is_followed_by(&pair[1]), "gap or overlap");
                }
                prop_assert_eq!(plan.steps.len() as u32, target.abs_diff(n), "fewest operations");
                let min_width = half_even_width(target);
                let mut created = 0u32;
                for step in &plan.steps {
                    let children: Vec<HashKeyRange> = match *step {
                        ReshardStep::Split { range, at } => vec![
                            HashKeyRange { start: range.start, end: at - 1 },
                            HashKeyRange { start: at, end: range.end },
                        ],
                        ReshardStep::Merge { left, right } => {
                            prop_assert!(left.is_followed_by(&right));
                            vec![HashKeyRange { start: left.start, end: right.end }]
                        }
                    };
                    for child in children {
                        created += 1;
                        prop_assert!(span(child) >= min_width - 1,
                            "created {:?} narrower than half the even width of {}", child, target);
                    }
                }
                prop_assert!(created <= 2 * plan.splits() as u32 + plan.merges() as u32);
                prop_assert_eq!(created, plan.shards_created());
            }
        }
    }
}
