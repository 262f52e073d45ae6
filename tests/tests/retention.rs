//! Retention on the virtual clock (A.10): records past retention are gone, closed shards expire,
//! and the retention APIs answer as AWS does.

mod common;

use common::*;
use kinescope_core::streams::ops::config::{
    DecreaseStreamRetentionPeriodInput, IncreaseStreamRetentionPeriodInput,
};
use kinescope_core::streams::ops::list_shards::ListShardsInput;
use kinescope_core::streams::ops::reshard::SplitShardInput;
use kinescope_core::streams::shapes::{ShardId, ShardIteratorType};

const HOUR: u64 = 3_600_000;

fn increase(hours: i64) -> IncreaseStreamRetentionPeriodInput {
    IncreaseStreamRetentionPeriodInput {
        stream_name: Some(STREAM.into()),
        stream_arn: None,
        retention_period_hours: Some(hours),
    }
}

fn decrease(hours: i64) -> DecreaseStreamRetentionPeriodInput {
    DecreaseStreamRetentionPeriodInput {
        stream_name: Some(STREAM.into()),
        stream_arn: None,
        retention_period_hours: Some(hours),
    }
}

#[test]
fn records_older_than_24_hours_are_gone() {
    let mut world = world_with_stream(1);
    put(&mut world, "k", "old").unwrap();
    world.step(12 * HOUR);
    put(&mut world, "k", "young").unwrap();
    // drain() steps 200 ms before each read, so look a second before "old" turns 24 hours.
    world.step(12 * HOUR - 1_000);
    assert_eq!(drain(&mut world, 0), [b"old".to_vec(), b"young".to_vec()]);
    world.step(HOUR);
    assert_eq!(drain(&mut world, 0), [b"young".to_vec()]);
    world.step(12 * HOUR);
    assert!(drain(&mut world, 0).is_empty());
}

#[test]
fn an_iterator_pointing_at_trimmed_records_continues_from_the_trim_horizon() {
    let mut world = world_with_stream(1);
    put(&mut world, "k", "a").unwrap();
    world.step(HOUR);
    put(&mut world, "k", "b").unwrap();
    let it = iterator(&mut world, 0, ShardIteratorType::TrimHorizon);
    world.step(23 * HOUR + 1);
    // The iterator has expired long ago; a fresh TRIM_HORIZON starts at "b".
    assert_eq!(code(get(&mut world, &it)), "ExpiredIteratorException");
    assert_eq!(drain(&mut world, 0), [b"b".to_vec()]);
}

#[test]
fn a_closed_shard_expires_once_its_records_have_passed_retention() {
    let mut world = world_with_stream(1);
    put(&mut world, "k", "x").unwrap();
    world
        .apply(SplitShardInput::new(STREAM, ShardId(0), 1u128 << 127))
        .unwrap();
    finish_change(&mut world);
    let listed = |w: &mut kinescope_core::World| {
        w.apply(ListShardsInput::named(STREAM))
            .unwrap()
            .shards
            .len()
    };
    assert_eq!(listed(&mut world), 3);
    world.step(24 * HOUR);
    assert_eq!(
        listed(&mut world),
        2,
        "the expired parent is no longer listed"
    );
    let parent = &world.stream(STREAM).unwrap().shards[0];
    assert_eq!(
        parent
            .metrics
            .lifetime_sum(kinescope_core::metrics::MetricName::IncomingRecords),
        0.0,
        "an expired shard's metrics are dropped"
    );
    assert_eq!(
        code(world.apply(
            kinescope_core::streams::ops::read::GetShardIteratorInput::new(
                STREAM,
                ShardId(0),
                ShardIteratorType::TrimHorizon
            )
        )),
        "ResourceNotFoundException"
    );
}

#[test]
fn retention_changes_follow_aws_rules() {
    let mut world = world_with_stream(1);
    assert_eq!(
        message(world.apply(increase(23))),
        "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short."
    );
    assert_eq!(
        message(world.apply(increase(8_761))),
        "1 validation error detected: Value '8761' at 'retentionPeriodHours' failed to satisfy constraint: Member must have value less than or equal to 8760"
    );
    world.apply(increase(168)).unwrap();
    assert_eq!(
        message(world.apply(increase(48))),
        "Requested retention period (48 hours) for stream orders can not be shorter than existing retention period (168 hours). Use DecreaseRetentionPeriod API."
    );
    assert_eq!(
        message(world.apply(decrease(200))),
        "Requested retention period (200 hours) for stream orders can not be longer than existing retention period (168 hours). Use IncreaseRetentionPeriod API."
    );
    put(&mut world, "k", "kept").unwrap();
    world.step(100 * HOUR);
    assert_eq!(
        drain(&mut world, 0).len(),
        1,
        "a longer retention keeps the record past 24 h"
    );
    world.apply(decrease(48)).unwrap();
    assert!(
        drain(&mut world, 0).is_empty(),
        "a shorter retention takes effect at once"
    );
}
