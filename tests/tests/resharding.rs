//! Resharding (A.9): splits, merges, uniform scaling, lineage, reading across the lineage, and the
//! invariant that open shards cover the hash-key space exactly once.

mod common;

use common::*;
use kinescope_core::streams::hashkey::MAX_HASH_KEY;
use kinescope_core::streams::ops::lifecycle::{CreateStreamInput, DescribeStreamSummaryInput};
use kinescope_core::streams::ops::list_shards::{ListShardsInput, ShardFilterType};
use kinescope_core::streams::ops::reshard::{
    MergeShardsInput, SplitShardInput, UpdateShardCountInput,
};
use kinescope_core::streams::scaling::reshard_duration_ms;
use kinescope_core::streams::shapes::{ShardId, ShardIteratorType, StreamStatus};
use kinescope_core::{Timestamp, World};
use proptest::prelude::*;

const HALF: u128 = 170141183460469231731687303715884105728;

fn status(world: &mut World) -> StreamStatus {
    world
        .apply(DescribeStreamSummaryInput::named(STREAM))
        .unwrap()
        .stream_description_summary
        .stream_status
}

fn assert_open_shards_cover_the_space_once(world: &World) {
    let stream = world.stream(STREAM).unwrap();
    let open: Vec<_> = stream.open_shards().map(|s| s.range).collect();
    assert_eq!(open.first().unwrap().start, 0);
    assert_eq!(open.last().unwrap().end, MAX_HASH_KEY);
    for pair in open.windows(2) {
        assert!(
            pair[0].is_followed_by(&pair[1]),
            "gap or overlap between {:?} and {:?}",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn a_split_closes_the_parent_and_opens_two_children_after_the_update() {
    let mut world = world_with_stream(1);
    world
        .apply(SplitShardInput::new(STREAM, ShardId(0), HALF))
        .unwrap();
    assert_eq!(status(&mut world), StreamStatus::Updating);
    put(&mut world, "k", "during").unwrap();
    // A split takes seconds (reshard_duration_ms): writes go to the parent until the children open.
    world.step(reshard_duration_ms(1) as u64 - 1);
    assert_eq!(status(&mut world), StreamStatus::Updating);
    put(&mut world, "k", "still the parent").unwrap();
    assert_eq!(world.stream(STREAM).unwrap().open_shard_count(), 1);
    world.step(1);
    assert_eq!(status(&mut world), StreamStatus::Active);
    let shards = world.apply(ListShardsInput::named(STREAM)).unwrap().shards;
    assert_eq!(shards.len(), 3);
    assert!(
        shards[0]
            .sequence_number_range
            .ending_sequence_number
            .is_some(),
        "the parent is closed"
    );
    assert_eq!(shards[1].parent_shard_id, Some(ShardId(0)));
    assert_eq!(
        shards[1].hash_key_range.ending_hash_key,
        (HALF - 1).to_string()
    );
    assert_eq!(shards[2].hash_key_range.starting_hash_key, HALF.to_string());
    assert_open_shards_cover_the_space_once(&world);
}

#[test]
fn split_and_merge_refuse_what_aws_refuses() {
    let mut world = world_with_stream(3);
    let text = message(world.apply(SplitShardInput::new(STREAM, ShardId(0), 1)));
    assert!(text.starts_with("NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000000 in stream orders under account 000000000000 is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey"), "{text}");
    assert_eq!(
        message(world.apply(MergeShardsInput::new(STREAM, ShardId(0), ShardId(2)))),
        "Shards shardId-000000000000 and shardId-000000000002 in stream orders under account 000000000000 are not an adjacent pair of shards eligible for merging"
    );
    world
        .apply(MergeShardsInput::new(STREAM, ShardId(0), ShardId(1)))
        .unwrap();
    assert!(
        message(world.apply(MergeShardsInput::new(STREAM, ShardId(1), ShardId(2))))
            .contains("not ACTIVE, instead in state UPDATING")
    );
    finish_change(&mut world);
    assert_eq!(
        message(world.apply(SplitShardInput::new(STREAM, ShardId(0), 100))),
        "Shard shardId-000000000000 in stream orders under account 000000000000 has already been merged or split, and thus is not eligible for merging or splitting."
    );
    assert_eq!(
        message(world.apply(SplitShardInput::new(STREAM, ShardId(42), 100))),
        "Could not find shard shardId-000000000042 in stream orders under account 000000000000."
    );
}

#[test]
fn a_merge_makes_one_child_with_both_parents() {
    let mut world = world_with_stream(2);
    world
        .apply(MergeShardsInput::new(STREAM, ShardId(0), ShardId(1)))
        .unwrap();
    finish_change(&mut world);
    let open = world
        .apply(ListShardsInput::named(STREAM).filtered(ShardFilterType::AtLatest, None, None))
        .unwrap()
        .shards;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].shard_id, ShardId(2));
    assert_eq!(open[0].parent_shard_id, Some(ShardId(0)));
    assert_eq!(open[0].adjacent_parent_shard_id, Some(ShardId(1)));
    assert_eq!(open[0].hash_key_range.starting_hash_key, "0");
    assert_eq!(
        open[0].hash_key_range.ending_hash_key,
        MAX_HASH_KEY.to_string()
    );
}

#[test]
fn reading_a_closed_shard_ends_with_its_children_and_no_next_iterator() {
    let mut world = world_with_stream(1);
    put(&mut world, "k", "before").unwrap();
    world
        .apply(SplitShardInput::new(STREAM, ShardId(0), HALF))
        .unwrap();
    finish_change(&mut world);
    let it = iterator(&mut world, 0, ShardIteratorType::TrimHorizon);
    let page = get(&mut world, &it).unwrap();
    assert_eq!(page.records.len(), 1);
    assert!(
        page.next_shard_iterator.is_none(),
        "the parent is closed and fully read"
    );
    let children: Vec<ShardId> = page
        .child_shards
        .unwrap()
        .iter()
        .map(|c| c.shard_id)
        .collect();
    assert_eq!(children, [ShardId(1), ShardId(2)]);
    put_at(&mut world, 0, b"after").unwrap();
    assert_eq!(drain(&mut world, 1), [b"after".to_vec()]);
}

#[test]
fn split_merge_and_scaling_are_for_provisioned_streams_only() {
    let mut world = world();
    world.apply(CreateStreamInput::on_demand(STREAM)).unwrap();
    finish_change(&mut world);
    let err = world
        .apply(UpdateShardCountInput::new(STREAM, 8))
        .unwrap_err();
    assert_eq!(err.code(), "ValidationException");
    assert!(
        err.message().contains("on-demand capacity mode"),
        "{}",
        err.message()
    );
    assert_eq!(
        code(world.apply(SplitShardInput::new(STREAM, ShardId(0), 100))),
        "ValidationException"
    );
}

/// Ids of every shard the stream has ever had.
fn shard_ids_ever(world: &World) -> usize {
    world.stream(STREAM).unwrap().shards.len()
}

#[test]
fn doubling_splits_every_open_shard_at_its_midpoint_and_makes_exactly_twice_as_many_children() {
    // A.9: UpdateShardCount "performs splits or merges on individual shards"; doubling is the
    // recommended case with the fewest of them: 10 -> 20 creates 20 children (30 ids in all).
    let mut world = world_with_stream(10);
    let parents: Vec<_> = world
        .stream(STREAM)
        .unwrap()
        .open_shards()
        .map(|s| s.range)
        .collect();
    let out = world.apply(UpdateShardCountInput::new(STREAM, 20)).unwrap();
    assert_eq!((out.current_shard_count, out.target_shard_count), (10, 20));
    finish_change(&mut world);
    assert_eq!(shard_ids_ever(&world), 30);
    let stream = world.stream(STREAM).unwrap();
    let open: Vec<_> = stream.open_shards().collect();
    assert_eq!(open.len(), 20);
    for (pair, parent) in open.chunks(2).zip(&parents) {
        assert_eq!(pair[0].range.start, parent.start);
        assert_eq!(pair[1].range.start, parent.midpoint());
        assert_eq!(pair[1].range.end, parent.end);
        assert_eq!(pair[0].parent, pair[1].parent, "both halves of one parent");
    }
    assert_open_shards_cover_the_space_once(&world);
}

#[test]
fn halving_merges_adjacent_pairs() {
    let mut world = world_with_stream(20);
    world.apply(UpdateShardCountInput::new(STREAM, 10)).unwrap();
    finish_change(&mut world);
    assert_eq!(shard_ids_ever(&world), 30, "ten merges, one child each");
    let stream = world.stream(STREAM).unwrap();
    for child in stream.open_shards() {
        let (a, b) = (child.parent.unwrap(), child.adjacent_parent.unwrap());
        assert_eq!(b.0, a.0 + 1, "{} merges two neighbours", child.id);
    }
    assert_open_shards_cover_the_space_once(&world);
}

#[test]
fn other_targets_take_one_split_per_extra_shard_and_no_slivers() {
    let mut world = world_with_stream(4);
    world.apply(UpdateShardCountInput::new(STREAM, 6)).unwrap();
    finish_change(&mut world);
    assert_eq!(shard_ids_ever(&world), 4 + 2 * 2, "two splits");
    let stream = world.stream(STREAM).unwrap();
    let half_even = kinescope_core::streams::scaling::half_even_width(6);
    assert!(
        stream
            .open_shards()
            .all(|s| s.range.end - s.range.start >= half_even - 1)
    );
    assert_eq!(stream.open_shard_count(), 6);
    assert_open_shards_cover_the_space_once(&world);
}

#[test]
fn update_shard_count_stays_updating_for_a_time_that_grows_with_the_work() {
    // 10 -> 20 closes 10 shards: RESHARD_BASE_MS + 10 x RESHARD_MS_PER_SHARD. Data keeps flowing
    // to the parents while UPDATING; control operations are refused with ResourceInUseException.
    let mut world = world_with_stream(10);
    world.apply(UpdateShardCountInput::new(STREAM, 20)).unwrap();
    let duration = reshard_duration_ms(10) as u64;
    assert_eq!(duration, 14_000);
    world.step(duration - 1);
    assert_eq!(status(&mut world), StreamStatus::Updating);
    assert_eq!(world.stream(STREAM).unwrap().open_shard_count(), 10);
    let written = put(&mut world, "k", "to a parent").unwrap();
    assert!(written.shard_id.0 < 10);
    assert_eq!(
        code(world.apply(SplitShardInput::new(STREAM, ShardId(0), HALF / 4))),
        "ResourceInUseException"
    );
    world.step(1);
    assert_eq!(status(&mut world), StreamStatus::Active);
    assert_eq!(world.stream(STREAM).unwrap().open_shard_count(), 20);
}

#[test]
fn a_thousand_shards_double_with_work_in_proportion() {
    let settings = kinescope_core::Settings {
        shard_limit: 5_000,
        ..Default::default()
    };
    let mut world = World::new(settings, 7);
    world
        .apply(CreateStreamInput::provisioned(STREAM, 1_000))
        .unwrap();
    world.step(500);
    world
        .apply(UpdateShardCountInput::new(STREAM, 2_000))
        .unwrap();
    finish_change(&mut world);
    assert_eq!(
        shard_ids_ever(&world),
        3_000,
        "1,000 splits, 2,000 children"
    );
    assert_eq!(world.stream(STREAM).unwrap().open_shard_count(), 2_000);
    assert_open_shards_cover_the_space_once(&world);
}

#[test]
fn update_shard_count_limits() {
    let mut world = world_with_stream(4);
    assert_eq!(
        message(world.apply(UpdateShardCountInput::new(STREAM, 9))),
        "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 4, Target shard count: 9"
    );
    assert_eq!(
        message(world.apply(UpdateShardCountInput::new(STREAM, 1))),
        "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 4, Target shard count: 1"
    );
    let mut target = 4;
    for _ in 0..10 {
        target = if target == 4 { 5 } else { 4 };
        world
            .apply(UpdateShardCountInput::new(STREAM, target))
            .unwrap();
        finish_change(&mut world);
    }
    assert_eq!(
        code(world.apply(UpdateShardCountInput::new(STREAM, 6))),
        "LimitExceededException",
        "ten per rolling 24 hours"
    );
    world.step(86_400_000);
    world.apply(UpdateShardCountInput::new(STREAM, 6)).unwrap();
}

#[test]
fn list_shards_filters() {
    let mut world = world_with_stream(2);
    let before_split = world.now_ms();
    world.step(1_000);
    world
        .apply(SplitShardInput::new(STREAM, ShardId(0), HALF / 2))
        .unwrap();
    finish_change(&mut world);
    let after_split = world.now_ms();
    let mut ids = |kind, shard: Option<u32>, at: Option<i64>| -> Vec<u32> {
        let input =
            ListShardsInput::named(STREAM).filtered(kind, shard.map(ShardId), at.map(Timestamp));
        world
            .apply(input)
            .unwrap()
            .shards
            .iter()
            .map(|s| s.shard_id.0)
            .collect()
    };
    use ShardFilterType::*;
    assert_eq!(ids(FromTrimHorizon, None, None), [0, 1, 2, 3]);
    assert_eq!(ids(AtLatest, None, None), [1, 2, 3]);
    assert_eq!(ids(AtTrimHorizon, None, None), [0, 1]);
    assert_eq!(ids(AfterShardId, Some(1), None), [2, 3]);
    assert_eq!(ids(AtTimestamp, None, Some(before_split)), [0, 1]);
    // A shard closed exactly at the timestamp still counts (end ≥ timestamp, A.8); a millisecond
    // later it does not.
    assert_eq!(ids(AtTimestamp, None, Some(after_split)), [0, 1, 2, 3]);
    assert_eq!(ids(AtTimestamp, None, Some(after_split + 1)), [1, 2, 3]);
    assert_eq!(ids(FromTimestamp, None, Some(after_split + 1)), [1, 2, 3]);
    assert_eq!(ids(FromTimestamp, None, Some(before_split)), [0, 1, 2, 3]);
    assert_eq!(ListShardsInput::named(STREAM).shard_filter, None);
    let no_id = ListShardsInput::named(STREAM).filtered(AfterShardId, None, None);
    assert_eq!(
        message(world.apply(no_id)),
        "ShardId must be supplied in a ShardFilter with a Type of AFTER_SHARD_ID"
    );
}

#[test]
fn list_shards_pages_with_a_next_token_that_may_not_name_the_stream() {
    let mut world = world_with_stream(5);
    let mut input = ListShardsInput::named(STREAM);
    input.max_results = Some(2);
    let first = world.apply(input).unwrap();
    assert_eq!(first.shards.len(), 2);
    let token = first.next_token.unwrap();
    let both = ListShardsInput {
        next_token: Some(token.clone()),
        ..ListShardsInput::named(STREAM)
    };
    assert_eq!(
        message(world.apply(both)),
        "NextToken and StreamName cannot be provided together."
    );
    assert_eq!(
        message(world.apply(ListShardsInput::default())),
        "Either NextToken or StreamName should be provided."
    );
    let rest = world
        .apply(ListShardsInput {
            next_token: Some(token.clone()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        rest.shards.iter().map(|s| s.shard_id.0).collect::<Vec<_>>(),
        [2, 3, 4]
    );
    assert!(rest.next_token.is_none());
    world.step(300_001);
    assert_eq!(
        code(world.apply(ListShardsInput {
            next_token: Some(token),
            ..Default::default()
        })),
        "ExpiredNextTokenException"
    );
}

#[derive(Debug, Clone)]
enum Reshard {
    Split { pick: usize, at_fraction: f64 },
    Merge { pick: usize },
    Scale { factor: f64 },
}

fn reshard_strategy() -> impl Strategy<Value = Reshard> {
    prop_oneof![
        (any::<usize>(), 0.01f64..0.99)
            .prop_map(|(pick, at_fraction)| Reshard::Split { pick, at_fraction }),
        any::<usize>().prop_map(|pick| Reshard::Merge { pick }),
        (0.5f64..2.0).prop_map(|factor| Reshard::Scale { factor }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn open_shards_always_cover_the_hash_key_space_exactly_once(initial in 1u32..8, steps in prop::collection::vec(reshard_strategy(), 1..12)) {
        let mut world = world_with_stream(initial);
        for step in steps {
            let open: Vec<(ShardId, u128, u128)> = world.stream(STREAM).unwrap().open_shards().map(|s| (s.id, s.range.start, s.range.end)).collect();
            let result = match step {
                Reshard::Split { pick, at_fraction } => {
                    let (id, start, end) = open[pick % open.len()];
                    let at = start + ((end - start) as f64 * at_fraction) as u128;
                    world.apply(SplitShardInput::new(STREAM, id, at)).map(|_| ())
                }
                Reshard::Merge { pick } if open.len() > 1 => {
                    let i = pick % (open.len() - 1);
                    world.apply(MergeShardsInput::new(STREAM, open[i].0, open[i + 1].0)).map(|_| ())
                }
                Reshard::Merge { .. } => Ok(()),
                Reshard::Scale { factor } => {
                    let target = ((open.len() as f64 * factor).round() as u32).max(1);
                    world.apply(UpdateShardCountInput::new(STREAM, target)).map(|_| ())
                }
            };
            if let Err(e) = result {
                prop_assert!(matches!(e.code(), "InvalidArgumentException" | "LimitExceededException"), "{e:?}");
            }
            finish_change(&mut world);
            assert_open_shards_cover_the_space_once(&world);
            let every_key_routes = [0u128, 1, HALF, MAX_HASH_KEY].iter().all(|k| world.stream(STREAM).unwrap().route(*k).is_some());
            prop_assert!(every_key_routes);
        }
    }
}
