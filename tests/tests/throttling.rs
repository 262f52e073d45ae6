//! Per-shard limits and the throttle modes (A.4): writes 1 MiB/s and 1,000 records/s, shared reads
//! 2 MiB/s and 5 GetRecords/s, the 5-second penalty after a 10 MiB read.

mod common;

use common::*;
use kinescope_core::metrics::MetricName;
use kinescope_core::streams::capacity::ThrottleMode;
use kinescope_core::streams::ops::engine::SetThrottleModeInput;
use kinescope_core::streams::ops::lifecycle::CreateStreamInput;
use kinescope_core::streams::ops::read::GetRecordsInput;
use kinescope_core::streams::shapes::ShardIteratorType;
use kinescope_core::{Settings, World};

fn throttled(out: &kinescope_core::streams::ops::put::PutRecordsOutput) -> u32 {
    out.failed_record_count
}

#[test]
fn exactly_1000_records_in_a_second_are_accepted_and_the_1001st_is_throttled() {
    let mut world = world_with_stream(1);
    assert_eq!(throttled(&world.apply(batch_at(0, 500, 1)).unwrap()), 0);
    assert_eq!(throttled(&world.apply(batch_at(0, 500, 1)).unwrap()), 0);
    let err = put_at(&mut world, 0, b"x").unwrap_err();
    assert_eq!(err.code(), "ProvisionedThroughputExceededException");
    assert_eq!(
        err.message(),
        "Rate exceeded for shard shardId-000000000000 in stream orders under account 000000000000."
    );
    // A.4 per any one-second window: nothing more until the first records are a second old.
    world.step(999);
    assert!(put_at(&mut world, 0, b"x").is_err());
    world.step(1);
    put_at(&mut world, 0, b"x").unwrap();
}

#[test]
fn exactly_1_mib_in_a_second_is_accepted_and_one_byte_more_is_throttled() {
    let mut world = world_with_stream(1);
    // Four records of 262,143 data bytes + the 1-byte key "k" = 1,048,576 bytes in all.
    let out = world.apply(batch_at(0, 4, 262_143)).unwrap();
    assert_eq!(out.failed_record_count, 0);
    assert_eq!(
        code(put_at(&mut world, 0, b"")),
        "ProvisionedThroughputExceededException",
        "the key's byte alone is over"
    );
}

#[test]
fn throttles_are_counted_in_cloudwatch_metrics_and_logged_once_per_shard_second() {
    let mut world = world_with_stream(2);
    world.apply(batch_at(0, 500, 1)).unwrap();
    world.apply(batch_at(0, 500, 1)).unwrap();
    world.apply(batch_at(0, 500, 1)).unwrap();
    let stream = world.stream(STREAM).unwrap();
    let shard = &stream.shards[0];
    assert_eq!(
        shard
            .metrics
            .lifetime_sum(MetricName::WriteProvisionedThroughputExceeded),
        500.0
    );
    assert_eq!(
        stream.shards[1]
            .metrics
            .lifetime_sum(MetricName::WriteProvisionedThroughputExceeded),
        0.0
    );
    assert_eq!(
        stream
            .metrics
            .lifetime_sum(MetricName::PutRecordsThrottledRecords),
        500.0
    );
    assert_eq!(
        shard.metrics.lifetime_sum(MetricName::IncomingRecords),
        1_000.0
    );
    let logged = world
        .events()
        .iter()
        .filter(|e| e.kind == kinescope_core::events::EventKind::WriteThrottled)
        .count();
    assert_eq!(logged, 1);
}

#[test]
fn five_get_records_calls_per_second_per_shard_and_the_sixth_is_throttled() {
    let mut world = world_with_stream(1);
    let mut it = iterator(&mut world, 0, ShardIteratorType::TrimHorizon);
    for _ in 0..5 {
        it = get(&mut world, &it).unwrap().next_shard_iterator.unwrap();
    }
    let err = get(&mut world, &it).unwrap_err();
    assert_eq!(err.code(), "ProvisionedThroughputExceededException");
    assert_eq!(
        err.message(),
        "Rate exceeded for Shard - 000000000000/orders/shardId-000000000000"
    );
    world.step(999);
    assert!(get(&mut world, &it).is_err());
    world.step(1);
    assert!(
        get(&mut world, &it).is_ok(),
        "the first calls leave the one-second window after 1,000 ms"
    );
    assert_eq!(
        world.stream(STREAM).unwrap().shards[0]
            .metrics
            .lifetime_sum(MetricName::ReadProvisionedThroughputExceeded),
        2.0
    );
}

#[test]
fn three_polling_apps_on_one_shard_share_its_five_reads_per_second() {
    let mut world = world_with_stream(1);
    let mut apps: Vec<String> = (0..3)
        .map(|_| iterator(&mut world, 0, ShardIteratorType::TrimHorizon))
        .collect();
    let mut refused = 0;
    for _ in 0..10 {
        // Each app polls every 200 ms: 15 calls/s against 5.
        for it in &mut apps {
            match get(&mut world, it) {
                Ok(page) => *it = page.next_shard_iterator.unwrap(),
                Err(e) if e.code() == "ProvisionedThroughputExceededException" => refused += 1,
                Err(e) => panic!("{e}"),
            }
        }
        world.step(200);
    }
    assert!(
        refused >= 15,
        "expected about two of every three calls refused, got {refused} of 30"
    );
}

#[test]
fn a_10_mib_get_records_blocks_the_shard_for_five_seconds() {
    let mut world = World::new(Settings::default(), 3);
    let mut input = CreateStreamInput::provisioned(STREAM, 1);
    input.max_record_size_in_ki_b = Some(10_240);
    world.apply(input).unwrap();
    world.step(500);
    // Fill the shard with 11 MiB, writing 1 MiB a second.
    for _ in 0..11 {
        world.apply(batch_at(0, 1, 1_048_575)).unwrap();
        world.step(1_000);
    }
    let it = iterator(&mut world, 0, ShardIteratorType::TrimHorizon);
    let page = get(&mut world, &it).unwrap();
    assert_eq!(page.records.len(), 10, "10 MiB cap: ten 1 MiB records");
    let next = page.next_shard_iterator.unwrap();
    world.step(4_999);
    assert_eq!(
        code(get(&mut world, &next)),
        "ProvisionedThroughputExceededException"
    );
    world.step(1);
    assert_eq!(get(&mut world, &next).unwrap().records.len(), 1);
}

#[test]
fn unthrottled_streams_take_anything() {
    let mut world = world_with_stream(1);
    world
        .apply(SetThrottleModeInput {
            stream: STREAM.into(),
            mode: ThrottleMode::Unthrottled,
        })
        .unwrap();
    for _ in 0..10 {
        assert_eq!(
            world
                .apply(batch_at(0, 500, 100))
                .unwrap()
                .failed_record_count,
            0
        );
    }
    let it = iterator(&mut world, 0, ShardIteratorType::TrimHorizon);
    let mut it = it;
    for _ in 0..20 {
        it = world
            .apply(GetRecordsInput::new(&it, Some(100)))
            .unwrap()
            .next_shard_iterator
            .unwrap();
    }
}

#[test]
fn fault_injection_throttles_about_the_given_share_reproducibly() {
    let run = |seed| {
        let mut world = World::new(Settings::default(), seed);
        world
            .apply(CreateStreamInput::provisioned(STREAM, 1))
            .unwrap();
        world.step(500);
        world
            .apply(SetThrottleModeInput {
                stream: STREAM.into(),
                mode: ThrottleMode::FaultInjection { probability: 0.25 },
            })
            .unwrap();
        (0..20)
            .map(|_| {
                world
                    .apply(batch_at(0, 500, 10))
                    .unwrap()
                    .failed_record_count
            })
            .sum::<u32>()
    };
    let failed = run(11);
    assert!(
        (2_000..3_000).contains(&failed),
        "25% of 10,000 records, got {failed}"
    );
    assert_eq!(failed, run(11), "same seed, same failures");
}

#[test]
fn no_one_second_bucket_of_the_charts_ever_holds_more_than_the_write_limit() {
    // A.4 as the charts show it: whatever the arrival pattern (bursts after idle seconds, steady
    // pressure, odd millisecond offsets), IncomingRecords and IncomingBytes per second never pass
    // 1,000 records or 1 MiB, and every refused record is counted as a throttle.
    let mut world = world_with_stream(1);
    let start_s = world.now_ms() / 1_000;
    let mut refused = 0u32;
    for step in 0..400u64 {
        let n = if step % 37 < 5 {
            500
        } else {
            3 + (step % 7) as usize * 40
        };
        let out = world.apply(batch_at(0, n, 700)).unwrap();
        refused += out.failed_record_count;
        world.step(13 + step % 90);
    }
    let end_s = world.now_ms() / 1_000;
    let shard = &world.stream(STREAM).unwrap().shards[0];
    let records = shard.metrics.series(MetricName::IncomingRecords);
    let bytes = shard.metrics.series(MetricName::IncomingBytes);
    for second in start_s..=end_s {
        assert!(records.at_second(second).sum <= 1_000.0, "second {second}");
        assert!(
            bytes.at_second(second).sum <= 1_048_576.0,
            "second {second}"
        );
    }
    assert!(refused > 0);
    assert_eq!(
        shard
            .metrics
            .lifetime_sum(MetricName::WriteProvisionedThroughputExceeded),
        f64::from(refused)
    );
}

#[test]
fn get_shard_iterator_takes_five_calls_per_second_per_shard() {
    let mut world = world_with_stream(2);
    for _ in 0..5 {
        iterator(&mut world, 0, ShardIteratorType::Latest);
    }
    let err = world
        .apply(
            kinescope_core::streams::ops::read::GetShardIteratorInput::new(
                STREAM,
                kinescope_core::streams::shapes::ShardId(0),
                ShardIteratorType::Latest,
            ),
        )
        .unwrap_err();
    assert_eq!(err.code(), "ProvisionedThroughputExceededException");
    assert_eq!(
        err.message(),
        "Rate exceeded for shard shardId-000000000000 in stream orders under account 000000000000."
    );
    iterator(&mut world, 1, ShardIteratorType::Latest); // another shard has its own five
    world.step(1_000);
    iterator(&mut world, 0, ShardIteratorType::Latest);
}
