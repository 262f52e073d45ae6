//! Writing and reading records: routing, sequence numbers, sizes, partial failure (A.3, A.6, A.7).

mod common;

use common::*;
use kinescope_core::streams::hashkey::hash_partition_key;
use kinescope_core::streams::ops::lifecycle::CreateStreamInput;
use kinescope_core::streams::ops::put::{PutRecordInput, PutRecordsInput, PutRecordsRequestEntry};
use kinescope_core::streams::sequence::SequenceNumber;
use kinescope_core::streams::shapes::{ShardId, ShardIteratorType};
use proptest::prelude::*;

#[test]
fn a_record_goes_to_the_shard_owning_the_md5_of_its_key() {
    let mut world = world_with_stream(4);
    // MD5("a") = 16955237001963240173058271559858726497 lies in the first quarter (A.3).
    assert_eq!(put(&mut world, "a", "x").unwrap().shard_id, ShardId(0));
    // MD5("0") = 276215275525073243129443018166533317850 lies in the last quarter.
    assert_eq!(put(&mut world, "0", "x").unwrap().shard_id, ShardId(3));
    assert!(hash_partition_key("user-1") > 255211775190703847597530955573826158592);
    assert_eq!(put(&mut world, "user-1", "x").unwrap().shard_id, ShardId(3));
}

#[test]
fn an_explicit_hash_key_overrides_the_partition_key() {
    let mut world = world_with_stream(4);
    assert_eq!(
        put_at(&mut world, 170141183460469231731687303715884105728, b"x")
            .unwrap()
            .shard_id,
        ShardId(2)
    );
    let mut input = PutRecordInput::new(STREAM, "a", "x");
    input.explicit_hash_key = Some("340282366920938463463374607431768211456".into());
    let text = message(world.apply(input));
    assert_eq!(
        text,
        "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456"
    );
}

#[test]
fn records_read_back_exactly_as_written_with_arrival_time_from_the_virtual_clock() {
    let mut world = world_with_stream(1);
    let written_at = world.now_ms();
    let put_result = put(&mut world, "user-7", "hello").unwrap();
    let it = iterator(&mut world, 0, ShardIteratorType::TrimHorizon);
    let page = get(&mut world, &it).unwrap();
    assert_eq!(page.records.len(), 1);
    let record = &page.records.to_records()[0];
    assert_eq!(&record.data.0[..], b"hello");
    assert_eq!(record.partition_key, "user-7");
    assert_eq!(record.sequence_number, put_result.sequence_number);
    assert_eq!(record.approximate_arrival_timestamp.millis(), written_at);
    assert_eq!(page.millis_behind_latest, 0);
}

#[test]
fn sequence_numbers_look_like_aws_and_grow_faster_after_a_gap() {
    let mut world = world_with_stream(1);
    let a = put(&mut world, "k", "1").unwrap().sequence_number;
    let b = put(&mut world, "k", "2").unwrap().sequence_number;
    world.step(60_000);
    let c = put(&mut world, "k", "3").unwrap().sequence_number;
    let text = a.to_string();
    assert!(
        (55..=57).contains(&text.len()) && text.bytes().all(|d| d.is_ascii_digit()),
        "{text}"
    );
    assert!(b.counter > a.counter);
    assert!(
        c.counter - b.counter > 1_000 * (b.counter - a.counter),
        "a longer gap, a larger jump"
    );
    assert_eq!(SequenceNumber::parse(&text), Some(a));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn sequence_numbers_strictly_increase_per_shard_and_are_unique_per_stream(
        keys in prop::collection::vec("[a-z]{1,8}", 1..200),
        gaps in prop::collection::vec(0u64..2_000, 1..200),
    ) {
        let mut world = world_with_stream(3);
        let mut last_per_shard: std::collections::BTreeMap<ShardId, u64> = Default::default();
        let mut seen = std::collections::BTreeSet::new();
        for (key, gap) in keys.iter().zip(gaps.iter().cycle()) {
            world.step(*gap);
            let out = put(&mut world, key, "v").unwrap();
            let text = out.sequence_number.to_string();
            prop_assert!(seen.insert(text), "duplicate sequence number");
            if let Some(previous) = last_per_shard.insert(out.shard_id, out.sequence_number.counter) {
                prop_assert!(out.sequence_number.counter > previous);
            }
        }
    }
}

#[test]
fn the_partition_key_must_be_1_to_256_characters() {
    let mut world = world_with_stream(1);
    let long = "k".repeat(257);
    let text = message(put(&mut world, &long, "x"));
    assert!(text.ends_with("at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256"), "{text}");
    let empty = message(put(&mut world, "", "x"));
    assert!(
        empty.ends_with("Member must have length greater than or equal to 1"),
        "{empty}"
    );
    // 256 characters of a multi-byte letter are still fine: the limit counts characters.
    put(&mut world, &"é".repeat(256), "x").unwrap();
}

#[test]
fn data_plus_key_above_1_mib_is_refused_and_exactly_1_mib_fits() {
    let mut world = world_with_stream(1);
    let exact = vec![0u8; 1_048_576 - 1];
    world
        .apply(PutRecordInput::new(STREAM, "k", exact))
        .unwrap();
    world.step(2_000);
    let over = vec![0u8; 1_048_576];
    assert_eq!(
        code(world.apply(PutRecordInput::new(STREAM, "k", over))),
        "InvalidArgumentException"
    );
    let way_over = vec![0u8; 1_048_577];
    let text = message(world.apply(PutRecordInput::new(STREAM, "k", way_over)));
    assert_eq!(
        text,
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576"
    );
}

#[test]
fn a_stream_with_a_larger_max_record_size_takes_larger_records() {
    let mut world = world();
    let mut input = CreateStreamInput::provisioned(STREAM, 1);
    input.max_record_size_in_ki_b = Some(4_096);
    world.apply(input).unwrap();
    world.step(500);
    let mut big = PutRecordsInput::new(
        STREAM,
        vec![PutRecordsRequestEntry::new("k", vec![1u8; 3 * 1_048_576])],
    );
    big.stream_arn = None;
    // A 3 MiB record fits an idle shard and keeps it busy for 3 s at 1 MiB/s: the next write is
    // throttled until then.
    let out = world.apply(big).unwrap();
    assert_eq!(out.failed_record_count, 0);
    assert_eq!(
        code(put(&mut world, "k", "x")),
        "ProvisionedThroughputExceededException"
    );
    world.step(2_999);
    assert!(put(&mut world, "k", "x").is_err());
    world.step(1);
    put(&mut world, "k", "x").unwrap();
}

#[test]
fn put_records_takes_1_to_500_records_and_at_most_5_mib() {
    let mut world = world_with_stream(8);
    let entries = |n: usize, size: usize| {
        (0..n)
            .map(|i| PutRecordsRequestEntry::new(&format!("k{i}"), vec![0u8; size]))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        world
            .apply(PutRecordsInput::new(STREAM, entries(500, 10)))
            .unwrap()
            .records
            .len(),
        500
    );
    let text = message(world.apply(PutRecordsInput::new(STREAM, entries(501, 10))));
    assert!(text.contains("at 'records' failed to satisfy constraint: Member must have length less than or equal to 500"), "{text}");
    let text = message(world.apply(PutRecordsInput::new(STREAM, Vec::new())));
    assert!(
        text.contains("Member must have length greater than or equal to 1"),
        "{text}"
    );
    world.step(10_000);
    assert_eq!(
        message(world.apply(PutRecordsInput::new(STREAM, entries(6, 1_000_000)))),
        "Records size exceeds 5 MB limit"
    );
    let mut bad = entries(2, 1);
    bad[1].partition_key = None;
    let text = message(world.apply(PutRecordsInput::new(STREAM, bad)));
    assert!(text.contains("Value null at 'records.2.member.partitionKey' failed to satisfy constraint: Member must not be null"), "{text}");
}

#[test]
fn a_request_checked_ahead_does_what_the_request_does() {
    // A simulated producer checks its requests on its helper thread; applying one must give what
    // applying the request itself gives, a refusal included.
    let entries = |n: usize| {
        (0..n)
            .map(|i| PutRecordsRequestEntry::new(&format!("k{i}"), vec![i as u8; 10]))
            .collect::<Vec<_>>()
    };
    let mut missing_key = entries(3);
    missing_key[2].partition_key = None;
    let requests = [
        PutRecordsInput::new(STREAM, entries(500)),
        PutRecordsInput::new(STREAM, entries(501)),
        PutRecordsInput::new(STREAM, missing_key),
        PutRecordsInput::new("no-such-stream", entries(2)),
    ];
    for request in requests {
        let (mut as_is, mut checked) = (world_with_stream(4), world_with_stream(4));
        let expected = as_is.apply(request.clone());
        assert_eq!(checked.apply(request.check()), expected);
        assert_eq!(checked.now_ms(), as_is.now_ms());
    }
}

#[test]
fn put_records_answers_every_entry_in_order_and_fails_only_throttled_ones() {
    let mut world = world_with_stream(2);
    let low_shard_key = 0u128;
    let mut input = batch_at(low_shard_key, 400, 10);
    let other = batch_at(u128::MAX, 100, 10).records.unwrap();
    input.records.as_mut().unwrap().extend(other);
    let out = world.apply(input.clone()).unwrap();
    assert_eq!(out.failed_record_count, 0);
    assert!(
        out.records[..400]
            .iter()
            .all(|r| r.shard_id == Some(ShardId(0)))
    );
    assert!(
        out.records[400..]
            .iter()
            .all(|r| r.shard_id == Some(ShardId(1)))
    );
    // Shard 0 has 600 records/s left this second: the next 400 + 400 overflow it by 200.
    let out = world.apply(batch_at(low_shard_key, 400, 10)).unwrap();
    assert_eq!(out.failed_record_count, 0);
    let out = world.apply(batch_at(low_shard_key, 400, 10)).unwrap();
    assert_eq!(out.failed_record_count, 200);
    assert!(
        out.records[..200]
            .iter()
            .all(|r| r.sequence_number.is_some())
    );
    let failure = &out.records[300];
    assert_eq!(
        failure.error_code(),
        Some("ProvisionedThroughputExceededException")
    );
    assert_eq!(
        failure.error_message(),
        Some(
            "Rate exceeded for shard shardId-000000000000 in stream orders under account 000000000000."
        )
    );
    assert!(failure.sequence_number.is_none() && failure.shard_id.is_none());
}

#[test]
fn sequence_number_for_ordering_keeps_numbers_above_the_given_one() {
    let mut world = world_with_stream(1);
    let first = put(&mut world, "k", "1").unwrap().sequence_number;
    let mut input = PutRecordInput::new(STREAM, "k", "2");
    input.sequence_number_for_ordering = Some(first.to_string());
    let second = world.apply(input).unwrap().sequence_number;
    assert!(second.counter > first.counter);
    // Any well-formed number is accepted and compared, never looked up (kinesis-wire.md §2):
    // one that is not this shard's is below all of its numbers.
    for other in [
        "0",
        "12345",
        "49546986683135544286507457936321625675700192471156785154",
    ] {
        let mut input = PutRecordInput::new(STREAM, "k", "3");
        input.sequence_number_for_ordering = Some(other.into());
        let next = world.apply(input).unwrap().sequence_number;
        assert!(next.counter > second.counter, "{other}");
    }
}

#[test]
fn records_written_while_encrypted_say_so() {
    use kinescope_core::streams::ops::config::StartStreamEncryptionInput;
    use kinescope_core::streams::shapes::EncryptionType;
    let mut world = world_with_stream(1);
    assert_eq!(
        put(&mut world, "k", "plain").unwrap().encryption_type,
        EncryptionType::None
    );
    world
        .apply(StartStreamEncryptionInput {
            stream_name: Some(STREAM.into()),
            encryption_type: Some("KMS".into()),
            key_id: Some("alias/aws/kinesis".into()),
            ..Default::default()
        })
        .unwrap();
    world.step(500);
    assert_eq!(
        put(&mut world, "k", "secret").unwrap().encryption_type,
        EncryptionType::Kms
    );
    let it = iterator(&mut world, 0, ShardIteratorType::TrimHorizon);
    let records = get(&mut world, &it).unwrap().records.to_records();
    assert_eq!(records[0].encryption_type, None);
    assert_eq!(records[1].encryption_type, Some(EncryptionType::Kms));
}
