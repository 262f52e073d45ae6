//! Tests of the invariant ledger.

use super::*;
use crate::settings::Settings;
use crate::sim::key_order::{KEYS_BEFORE_FORGETTING, is_ancestor};
use crate::streams::ops::lifecycle::CreateStreamInput;
use crate::streams::ops::put::PutRecordInput;
use crate::streams::ops::read::{GetRecordsInput, GetShardIteratorInput};
use crate::streams::ops::reshard::SplitShardInput;
use crate::streams::shapes::ShardIteratorType;

fn world_with(records: usize) -> World {
    let mut world = World::new(Settings::default(), 1);
    world.apply(CreateStreamInput::provisioned("s", 1)).unwrap();
    world.step(500);
    for i in 0..records {
        let key = format!("k{}", i % 3);
        world
            .apply(PutRecordInput::new("s", &key, vec![i as u8]))
            .unwrap();
        world.step(1);
    }
    world
}

fn read_all(world: &mut World, shard: ShardId) -> Vec<Record> {
    let iterator = world
        .apply(GetShardIteratorInput::new(
            "s",
            shard,
            ShardIteratorType::TrimHorizon,
        ))
        .unwrap()
        .shard_iterator
        .unwrap();
    world
        .apply(GetRecordsInput::new(&iterator, None))
        .unwrap()
        .records
        .to_records()
}

#[test]
fn reading_everything_in_order_passes_every_check() {
    let mut world = world_with(10);
    let records = read_all(&mut world, ShardId(0));
    let mut ledger = Ledger::new("app", "s", 9);
    ledger.expect_from_start(ShardId(0));
    for r in &records {
        ledger.deliver(&world, ShardId(0), r);
    }
    ledger.settle_through(&world, ShardId(0), records[9].sequence_number.counter);
    assert!(ledger.checks(&world).iter().all(|c| c.ok));
    assert_eq!(ledger.counts().user_records, 10);
    assert_eq!(ledger.pending(&world), 0);
}

#[test]
fn pages_entered_whole_count_like_records_entered_one_by_one() {
    let mut world = world_with(30);
    let records = read_all(&mut world, ShardId(0));
    let mut by_page = Ledger::new("app", "s", 1);
    let mut by_record = Ledger::new("app", "s", 1);
    for ledger in [&mut by_page, &mut by_record] {
        ledger.expect_from_start(ShardId(0));
    }
    // Fresh pages, an overlapping page, a page with a gap, a page out of order.
    let mut shuffled = records[20..24].to_vec();
    shuffled.swap(0, 3); // records 20 and 23 share key k2
    let gap: Vec<Record> = [&records[25], &records[27]].into_iter().cloned().collect();
    for page in [
        &records[0..10],
        &records[10..15],
        &records[5..20],
        &shuffled[..],
        &gap[..],
        &records[28..30],
    ] {
        by_page.deliver_all(&world, ShardId(0), page);
        for r in page {
            by_record.deliver(&world, ShardId(0), r);
        }
    }
    for ledger in [&mut by_page, &mut by_record] {
        ledger.settle_through(&world, ShardId(0), records[29].sequence_number.counter);
    }
    assert_eq!(by_page.counts(), by_record.counts());
    let c = by_page.counts();
    assert_eq!((c.user_records, c.duplicates, c.lost), (38, 10, 2));
    assert!(c.order_violations > 0, "the swapped pair of one key");
}

#[test]
fn a_skipped_record_is_lost_and_the_message_carries_the_seed() {
    let mut world = world_with(10);
    let records = read_all(&mut world, ShardId(0));
    let mut ledger = Ledger::new("app", "s", 42);
    ledger.expect_from_start(ShardId(0));
    for r in records.iter().filter(|r| r.data.0[..] != [4]) {
        ledger.deliver(&world, ShardId(0), r);
    }
    ledger.settle_through(&world, ShardId(0), records[9].sequence_number.counter);
    assert_eq!(ledger.counts().lost, 1);
    let loss = &ledger.checks(&world)[1];
    assert!(!loss.ok);
    assert!(
        loss.detail.contains("seed 42") && loss.detail.contains("record 4"),
        "{}",
        loss.detail
    );
}

#[test]
fn records_skipped_right_after_a_latest_start_are_lost() {
    let mut world = world_with(10);
    let records = read_all(&mut world, ShardId(0));
    let mut ledger = Ledger::new("app", "s", 5);
    // The iterator pointed at record 3; the application first sees record 5.
    ledger.expect_from(ShardId(0), 3);
    for r in &records[5..] {
        ledger.deliver(&world, ShardId(0), r);
    }
    ledger.settle_through(&world, ShardId(0), records[9].sequence_number.counter);
    assert_eq!(ledger.counts().lost, 2);
}

#[test]
fn redelivery_counts_duplicates_and_a_late_record_of_a_key_breaks_order() {
    let mut world = world_with(6);
    let records = read_all(&mut world, ShardId(0));
    let mut ledger = Ledger::new("app", "s", 1);
    ledger.expect_from_start(ShardId(0));
    for r in &records[..4] {
        ledger.deliver(&world, ShardId(0), r);
    }
    ledger.deliver(&world, ShardId(0), &records[2]);
    assert_eq!(ledger.counts().duplicates, 1);
    assert_eq!(ledger.counts().order_violations, 0);
    // Records 0 and 3 share key k0: 3 first, then 0, is out of order.
    let mut other = Ledger::new("app", "s", 1);
    other.deliver(&world, ShardId(0), &records[3]);
    other.deliver(&world, ShardId(0), &records[0]);
    assert_eq!(other.counts().order_violations, 1);
    assert!(!other.checks(&world)[0].ok);
}

#[test]
fn a_child_record_before_its_parent_record_breaks_order() {
    let mut world = world_with(3);
    world
        .apply(SplitShardInput::new("s", ShardId(0), 1u128 << 127))
        .unwrap();
    world.step(crate::streams::scaling::reshard_duration_ms(1) as u64);
    for _ in 0..5 {
        world
            .apply(PutRecordInput::new("s", "k0", vec![7]))
            .unwrap();
    }
    let child = world
        .stream("s")
        .unwrap()
        .shards
        .iter()
        .find(|s| s.is_open() && !s.log.is_empty())
        .unwrap()
        .id;
    let parent_records = read_all(&mut world, ShardId(0));
    let child_records = read_all(&mut world, child);
    let mut ledger = Ledger::new("app", "s", 3);
    ledger.deliver(&world, child, &child_records[0]);
    let k0 = parent_records
        .iter()
        .find(|r| r.partition_key == "k0")
        .unwrap();
    ledger.deliver(&world, ShardId(0), k0);
    assert_eq!(ledger.counts().order_violations, 1);
    let mut in_order = Ledger::new("app", "s", 3);
    in_order.deliver(&world, ShardId(0), k0);
    in_order.deliver(&world, child, &child_records[0]);
    assert_eq!(in_order.counts().order_violations, 0);
}

#[test]
fn keys_whose_records_are_settled_are_forgotten_and_order_is_still_checked() {
    // 12,000 records, each with its own key, read page by page and settled after each page:
    // the order check must not keep a key per record, yet still catch a late record.
    let settings = Settings {
        default_throttle: crate::streams::capacity::ThrottleMode::Unthrottled,
        ..Settings::default()
    };
    let mut world = World::new(settings, 1);
    world.apply(CreateStreamInput::provisioned("s", 1)).unwrap();
    world.step(500);
    for i in 0..12_000 {
        let key = format!("unique-{i}");
        world
            .apply(PutRecordInput::new("s", &key, vec![1]))
            .unwrap();
    }
    world
        .apply(PutRecordInput::new("s", "late", vec![2]))
        .unwrap();
    world
        .apply(PutRecordInput::new("s", "late", vec![3]))
        .unwrap();
    let mut iterator = world
        .apply(GetShardIteratorInput::new(
            "s",
            ShardId(0),
            ShardIteratorType::TrimHorizon,
        ))
        .unwrap()
        .shard_iterator
        .unwrap();
    let mut ledger = Ledger::new("app", "s", 4);
    ledger.expect_from_start(ShardId(0));
    let mut most_remembered = 0;
    let mut last_two = Vec::new();
    loop {
        let page = world
            .apply(GetRecordsInput::new(&iterator, Some(1_000)))
            .unwrap();
        let Some(last) = page.records.last() else {
            break;
        };
        if last.partition_key() == "late" {
            last_two = page.records.to_records()[page.records.len() - 2..].to_vec();
            break;
        }
        ledger.deliver_page(&world, ShardId(0), &page.records);
        ledger.settle_through(&world, ShardId(0), last.counter());
        most_remembered = most_remembered.max(ledger.order.remembered());
        iterator = page.next_shard_iterator.unwrap();
    }
    assert_eq!(ledger.counts().user_records, 12_000);
    assert!(
        most_remembered < 2 * KEYS_BEFORE_FORGETTING,
        "{most_remembered} keys remembered"
    );
    // The two records of "late", newest first: out of order, although thousands of keys were
    // forgotten in between.
    ledger.deliver(&world, ShardId(0), &last_two[1]);
    ledger.deliver(&world, ShardId(0), &last_two[0]);
    assert_eq!(ledger.counts().order_violations, 1);
    assert!(
        ledger
            .checks(&world)
            .iter()
            .all(|c| c.ok || c.name.starts_with("per-key"))
    );
}

#[test]
fn lineages_joined_by_many_merges_are_walked_once_per_shard() {
    // Split and merge back 48 times: the last shard reaches shard 0 along 2^48 paths, so a
    // walk that visits an ancestor once per path would never finish.
    let mut world = world_with(1);
    let mut shard = ShardId(0);
    for _ in 0..48 {
        world
            .apply(SplitShardInput::new("s", shard, 1u128 << 127))
            .unwrap();
        world.step(10_000);
        let (left, right) = (ShardId(shard.0 + 1), ShardId(shard.0 + 2));
        world
            .apply(crate::streams::ops::reshard::MergeShardsInput::new(
                "s", left, right,
            ))
            .unwrap();
        world.step(10_000);
        shard = ShardId(shard.0 + 3);
    }
    let stream = world.stream("s").unwrap();
    assert!(stream.shard(shard).is_some_and(|s| s.is_open()));
    assert!(is_ancestor(stream, ShardId(0), shard));
    // No such shard: the whole lineage is walked.
    assert!(!is_ancestor(stream, ShardId(u32::MAX), shard));
    let mut ledger = Ledger::new("app", "s", 6);
    assert!(
        !ledger.ancestors_finished(stream, shard),
        "nothing read yet"
    );
    for id in 0..shard.0 {
        ledger.expect_from_start(ShardId(id));
        ledger.settle_shard_end(&world, ShardId(id));
    }
    assert!(
        ledger.ancestors_finished(stream, shard),
        "every ancestor read to its end"
    );
}
