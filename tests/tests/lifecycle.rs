//! Stream lifecycle, description and listing (reference A.3, A.5).

mod common;

use common::*;
use kinescope_core::streams::ops::lifecycle::*;
use kinescope_core::streams::shapes::{StreamMode, StreamStatus};
use kinescope_core::{Settings, World};

#[test]
fn given_create_stream_should_be_creating_then_active_after_500_virtual_ms() {
    let mut world = world();
    world
        .apply(CreateStreamInput::provisioned(STREAM, 2))
        .unwrap();
    let describe = |w: &mut World| {
        w.apply(DescribeStreamInput::named(STREAM))
            .unwrap()
            .stream_description
    };
    assert_eq!(describe(&mut world).stream_status, StreamStatus::Creating);
    world.step(499);
    assert_eq!(describe(&mut world).stream_status, StreamStatus::Creating);
    world.step(1);
    let d = describe(&mut world);
    assert_eq!(d.stream_status, StreamStatus::Active);
    assert_eq!(
        d.stream_arn,
        "arn:aws:kinesis:us-east-1:000000000000:stream/orders"
    );
    assert_eq!(d.shards.len(), 2);
    assert_eq!(d.shards[1].shard_id.to_string(), "shardId-000000000001");
    assert_eq!(d.retention_period_hours, 24);
    assert!(!d.has_more_shards);
}

#[test]
fn a_stream_still_creating_may_be_deleted() {
    // kinesis-wire.md §2: DeleteStream on a CREATING stream succeeds.
    let mut world = world();
    world
        .apply(CreateStreamInput::provisioned(STREAM, 1))
        .unwrap();
    world.apply(DeleteStreamInput::named(STREAM)).unwrap();
    assert_eq!(world.stream(STREAM).unwrap().status, StreamStatus::Deleting);
    world.step(500);
    assert!(world.stream(STREAM).is_none());
}

#[test]
fn given_an_existing_name_create_should_be_resource_in_use() {
    let mut world = world_with_stream(1);
    let err = world
        .apply(CreateStreamInput::provisioned(STREAM, 1))
        .unwrap_err();
    assert_eq!(err.code(), "ResourceInUseException");
    assert_eq!(
        err.message(),
        "Stream orders under account 000000000000 already exists."
    );
}

#[test]
fn given_bad_names_and_counts_create_should_report_every_validation_error() {
    let mut world = world();
    let mut input = CreateStreamInput::provisioned("bad name", 0);
    input.max_record_size_in_ki_b = Some(5);
    let text = message(world.apply(input));
    assert!(text.starts_with("3 validation errors detected: "), "{text}");
    assert!(text.contains("Value 'bad name' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"));
    assert!(text.contains("Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1"));
    let missing = message(world.apply(CreateStreamInput::default()));
    assert_eq!(
        missing,
        "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn given_the_shard_quota_create_beyond_it_should_be_limit_exceeded() {
    let settings = Settings {
        shard_limit: 10,
        ..Settings::default()
    };
    let mut world = World::new(settings, 1);
    world.apply(CreateStreamInput::provisioned("a", 8)).unwrap();
    let text = message(world.apply(CreateStreamInput::provisioned("b", 3)));
    assert!(text.starts_with("This request would exceed the shard limit for the account 000000000000 in us-east-1. Current shard count for the account: 8. Limit: 10. Number of additional shards that would have resulted from this request: 3."), "{text}");
}

#[test]
fn given_five_streams_creating_a_sixth_should_be_limit_exceeded() {
    let mut world = world();
    for i in 0..5 {
        world
            .apply(CreateStreamInput::provisioned(&format!("s{i}"), 1))
            .unwrap();
    }
    assert_eq!(
        code(world.apply(CreateStreamInput::provisioned("s5", 1))),
        "LimitExceededException"
    );
    world.step(500);
    world
        .apply(CreateStreamInput::provisioned("s5", 1))
        .unwrap();
}

#[test]
fn given_a_deleted_stream_it_should_be_deleting_then_gone() {
    let mut world = world_with_stream(1);
    world.apply(DeleteStreamInput::named(STREAM)).unwrap();
    let d = world
        .apply(DescribeStreamSummaryInput::named(STREAM))
        .unwrap();
    assert_eq!(
        d.stream_description_summary.stream_status,
        StreamStatus::Deleting
    );
    world.step(500);
    let err = world.apply(DescribeStreamInput::named(STREAM)).unwrap_err();
    assert_eq!(err.code(), "ResourceNotFoundException");
    assert_eq!(
        err.message(),
        "Stream orders under account 000000000000 not found."
    );
}

#[test]
fn a_stream_can_be_addressed_by_arn_and_a_mismatch_is_refused() {
    let mut world = world_with_stream(1);
    let arn = stream_arn(&world);
    let by_arn = DescribeStreamSummaryInput {
        stream_name: None,
        stream_arn: Some(arn.clone()),
    };
    assert_eq!(
        world
            .apply(by_arn)
            .unwrap()
            .stream_description_summary
            .stream_name,
        STREAM
    );
    let both = DescribeStreamSummaryInput {
        stream_name: Some("other".into()),
        stream_arn: Some(arn),
    };
    assert_eq!(code(world.apply(both)), "InvalidArgumentException");
    let neither = DescribeStreamSummaryInput::default();
    assert_eq!(code(world.apply(neither)), "InvalidArgumentException");
    let elsewhere = DescribeStreamSummaryInput {
        stream_name: None,
        stream_arn: Some("arn:aws:kinesis:eu-west-1:111111111111:stream/orders".into()),
    };
    assert_eq!(code(world.apply(elsewhere)), "AccessDeniedException");
}

#[test]
fn describe_stream_pages_shards_with_limit_and_exclusive_start() {
    let mut world = world_with_stream(5);
    let mut input = DescribeStreamInput::named(STREAM);
    input.limit = Some(2);
    let first = world.apply(input.clone()).unwrap().stream_description;
    assert_eq!(first.shards.len(), 2);
    assert!(first.has_more_shards);
    input.exclusive_start_shard_id = Some(first.shards[1].shard_id.to_string());
    input.limit = Some(10);
    let rest = world.apply(input).unwrap().stream_description;
    let ids: Vec<String> = rest.shards.iter().map(|s| s.shard_id.to_string()).collect();
    assert_eq!(
        ids,
        [
            "shardId-000000000002",
            "shardId-000000000003",
            "shardId-000000000004"
        ]
    );
    assert!(!rest.has_more_shards);
}

#[test]
fn summary_reports_open_shards_consumers_and_record_size() {
    let mut world = world_with_stream(3);
    let s = world
        .apply(DescribeStreamSummaryInput::named(STREAM))
        .unwrap()
        .stream_description_summary;
    assert_eq!(s.open_shard_count, 3);
    assert_eq!(s.consumer_count, 0);
    assert_eq!(s.max_record_size_in_ki_b, 1024);
    assert_eq!(s.stream_mode_details.stream_mode, StreamMode::Provisioned);
    assert_eq!(s.stream_id.len(), 24);
}

#[test]
fn list_streams_pages_in_name_order_with_a_token_that_expires_after_300_seconds() {
    let mut world = world();
    for name in ["c", "a", "b"] {
        world
            .apply(CreateStreamInput::provisioned(name, 1))
            .unwrap();
    }
    let first = world
        .apply(ListStreamsInput {
            limit: Some(2),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(first.stream_names, ["a", "b"]);
    assert!(first.has_more_streams);
    assert_eq!(first.stream_summaries[0].stream_arn, world.stream_arn("a"));
    let token = first.next_token.unwrap();
    let rest = world
        .apply(ListStreamsInput {
            next_token: Some(token.clone()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(rest.stream_names, ["c"]);
    assert!(!rest.has_more_streams);
    world.step(300_001);
    let expired = world.apply(ListStreamsInput {
        next_token: Some(token),
        ..Default::default()
    });
    assert_eq!(code(expired), "ExpiredNextTokenException");
    let forged = world.apply(ListStreamsInput {
        next_token: Some("AAAAAAAAAAEbogus".into()),
        ..Default::default()
    });
    assert_eq!(code(forged), "InvalidArgumentException");
}

#[test]
fn describe_limits_counts_open_shards_and_on_demand_streams() {
    let mut world = world_with_stream(3);
    world.apply(CreateStreamInput::on_demand("od")).unwrap();
    let limits = world.apply(DescribeLimitsInput::default()).unwrap();
    // A.4: 500 shards in us-east-1, counted over provisioned streams; 50 on-demand streams.
    assert_eq!(limits.shard_limit, 500);
    assert_eq!(limits.open_shard_count, 3);
    assert_eq!(limits.on_demand_stream_count, 1);
    assert_eq!(limits.on_demand_stream_count_limit, 50);
}

#[test]
fn writes_to_a_creating_stream_are_refused_as_not_found() {
    let mut world = world();
    world
        .apply(CreateStreamInput::provisioned(STREAM, 1))
        .unwrap();
    assert_eq!(code(put(&mut world, "k", "v")), "ResourceNotFoundException");
    world.step(500);
    put(&mut world, "k", "v").unwrap();
}

#[test]
fn a_wrong_enum_value_is_a_validation_error_not_a_serialization_error() {
    use kinescope_core::streams::shapes::StreamModeDetailsInput;
    let mut world = world();
    let mut input = CreateStreamInput::provisioned(STREAM, 1);
    input.stream_mode_details = Some(StreamModeDetailsInput {
        stream_mode: Some("SOMETIMES".into()),
    });
    assert_eq!(
        message(world.apply(input)),
        "1 validation error detected: Value 'SOMETIMES' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]"
    );
}
