//! Shard iterators: the five types, their AWS messages, expiry and tampering (A.3, A.7).

mod common;

use common::*;
use kinescope_core::Timestamp;
use kinescope_core::streams::ops::read::{GetRecordsInput, GetShardIteratorInput};
use kinescope_core::streams::shapes::{ShardId, ShardIteratorType};

fn request(kind: ShardIteratorType) -> GetShardIteratorInput {
    GetShardIteratorInput::new(STREAM, ShardId(0), kind)
}

fn first_data(world: &mut kinescope_core::World, input: GetShardIteratorInput) -> Option<String> {
    let it = world.apply(input).unwrap().shard_iterator.unwrap();
    let page = get(world, &it).unwrap();
    page.records
        .first()
        .map(|r| String::from_utf8(r.data().to_vec()).unwrap())
}

#[test]
fn each_iterator_type_starts_where_aws_says() {
    let mut world = world_with_stream(1);
    let start = world.now_ms();
    let a = put(&mut world, "k", "a").unwrap().sequence_number;
    world.step(1_000);
    let b = put(&mut world, "k", "b").unwrap().sequence_number;
    world.step(1_000);
    put(&mut world, "k", "c").unwrap();
    assert_eq!(
        first_data(&mut world, request(ShardIteratorType::TrimHorizon)).as_deref(),
        Some("a")
    );
    assert_eq!(
        first_data(
            &mut world,
            request(ShardIteratorType::AtSequenceNumber).at_sequence(&b)
        )
        .as_deref(),
        Some("b")
    );
    assert_eq!(
        first_data(
            &mut world,
            request(ShardIteratorType::AfterSequenceNumber).at_sequence(&a)
        )
        .as_deref(),
        Some("b")
    );
    world.step(200);
    assert_eq!(
        first_data(
            &mut world,
            request(ShardIteratorType::AtTimestamp).at_time(Timestamp(start + 500))
        )
        .as_deref(),
        Some("b")
    );
    world.step(200);
    // LATEST points just after the newest record: nothing until something new arrives.
    let latest = world
        .apply(request(ShardIteratorType::Latest))
        .unwrap()
        .shard_iterator
        .unwrap();
    put(&mut world, "k", "d").unwrap();
    assert_eq!(
        get(&mut world, &latest)
            .unwrap()
            .records
            .first()
            .unwrap()
            .data(),
        b"d"
    );
}

#[test]
fn inconsistent_requests_get_aws_messages() {
    let mut world = world_with_stream(1);
    let seq = put(&mut world, "k", "a").unwrap().sequence_number;
    assert_eq!(
        message(world.apply(request(ShardIteratorType::AtSequenceNumber))),
        "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber."
    );
    assert!(
        message(world.apply(request(ShardIteratorType::Latest).at_sequence(&seq)))
            .ends_with("Request specified LATEST and also a StartingSequenceNumber.")
    );
    assert_eq!(
        message(world.apply(request(ShardIteratorType::AtTimestamp))),
        "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter."
    );
    let future = world.now_ms() + 1;
    assert_eq!(
        message(world.apply(request(ShardIteratorType::AtTimestamp).at_time(Timestamp(future)))),
        format!(
            "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {future}, currentTimestampInMillis: {}",
            world.now_ms()
        )
    );
    let mut bad_type = request(ShardIteratorType::Latest);
    bad_type.shard_iterator_type = Some("SOMEWHERE".into());
    assert_eq!(
        message(world.apply(bad_type)),
        "1 validation error detected: Value 'SOMEWHERE' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]"
    );
}

#[test]
fn sequence_numbers_from_elsewhere_are_refused() {
    let mut world = world_with_stream(2);
    let on_shard_1 = put_at(&mut world, u128::MAX, b"x").unwrap().sequence_number;
    assert_eq!(
        message(world.apply(request(ShardIteratorType::AtSequenceNumber).at_sequence(&on_shard_1))),
        "Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a shard with shardId-000000000000"
    );
    let mut garbage = request(ShardIteratorType::AtSequenceNumber);
    garbage.starting_sequence_number = Some("12345".into());
    assert_eq!(
        message(world.apply(garbage)),
        "StartingSequenceNumber 12345 used in GetShardIterator on shard shardId-000000000000 in stream orders under account 000000000000 is invalid."
    );
}

#[test]
fn unknown_shards_are_not_found() {
    let mut world = world_with_stream(1);
    let mut missing = request(ShardIteratorType::Latest);
    missing.shard_id = Some("shardId-000000000009".into());
    assert_eq!(
        message(world.apply(missing)),
        "Shard shardId-000000000009 in stream orders under account 000000000000 does not exist"
    );
    let mut nonsense = request(ShardIteratorType::Latest);
    nonsense.shard_id = Some("ABKLFD8".into());
    assert_eq!(
        message(world.apply(nonsense)),
        "Could not find shard ABKLFD8 in stream orders under account 000000000000."
    );
}

#[test]
fn an_iterator_expires_300_seconds_after_it_was_issued() {
    let mut world = world_with_stream(1);
    let it = iterator(&mut world, 0, ShardIteratorType::TrimHorizon);
    world.step(300_000);
    let page = get(&mut world, &it).unwrap();
    let next = page.next_shard_iterator.unwrap();
    world.step(300_001);
    let err = get(&mut world, &next).unwrap_err();
    assert_eq!(err.code(), "ExpiredIteratorException");
    assert!(err.message().starts_with("Iterator expired. The iterator was created at time Thu Jan 01 00:05:00 UTC 2026 while right now it is Thu Jan 01 00:10:00 UTC 2026"), "{}", err.message());
    assert!(err.message().ends_with(
        "which is further in the future than the tolerated delay of 300000 milliseconds."
    ));
}

#[test]
fn a_tampered_or_foreign_iterator_is_invalid() {
    let mut world = world_with_stream(1);
    let it = iterator(&mut world, 0, ShardIteratorType::TrimHorizon);
    assert!(it.starts_with("AAAAAAAAAAE"), "AWS-looking iterator: {it}");
    let mut bytes = it.clone().into_bytes();
    let i = bytes.len() / 2;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).unwrap();
    assert_eq!(
        message(get(&mut world, &tampered)),
        "Invalid ShardIterator."
    );
    let mut foreign = world_with_stream(1);
    let from_elsewhere = {
        let mut w = kinescope_core::World::new(kinescope_core::Settings::default(), 99);
        w.apply(kinescope_core::streams::ops::lifecycle::CreateStreamInput::provisioned(STREAM, 1))
            .unwrap();
        w.step(500);
        iterator(&mut w, 0, ShardIteratorType::TrimHorizon)
    };
    assert_eq!(
        code(get(&mut foreign, &from_elsewhere)),
        "InvalidArgumentException"
    );
    let text = message(world.apply(GetRecordsInput::new(&it, Some(10_001))));
    assert_eq!(
        text,
        "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000"
    );
}

#[test]
fn get_records_honours_limit_and_reports_how_far_behind_the_reader_is() {
    let mut world = world_with_stream(1);
    for i in 0..10 {
        put(&mut world, "k", &i.to_string()).unwrap();
        world.step(100);
    }
    let it = iterator(&mut world, 0, ShardIteratorType::TrimHorizon);
    let page = world.apply(GetRecordsInput::new(&it, Some(4))).unwrap();
    assert_eq!(page.records.len(), 4);
    // The next unread record arrived 600 ms ago (10 records, 100 ms apart, 4 read).
    assert_eq!(page.millis_behind_latest, 600);
    let readers: Vec<_> = world
        .readers()
        .iter()
        .map(|(_, p)| p.records_behind)
        .collect();
    assert_eq!(readers, vec![6]);
}

#[test]
fn at_timestamp_before_the_trim_horizon_acts_as_trim_horizon() {
    let mut world = world_with_stream(1);
    put(&mut world, "k", "old").unwrap();
    world.step(23 * 3_600_000);
    put(&mut world, "k", "new").unwrap();
    world.step(3_600_000 + 1);
    let long_ago = Timestamp(world.now_ms() - 10 * 86_400_000);
    assert_eq!(
        first_data(
            &mut world,
            request(ShardIteratorType::AtTimestamp).at_time(long_ago)
        )
        .as_deref(),
        Some("new")
    );
}
