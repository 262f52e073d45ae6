//! Account quotas and the control plane's rate limits (reference A.4): AWS's default shard quota
//! for the region, DescribeLimits counting what the quota check counts, the quota on switching a
//! stream to provisioned, and LimitExceededException for calls beyond an operation's rate.

mod common;

use common::*;
use kinescope_core::settings::AccountOverrides;
use kinescope_core::streams::capacity::ThrottleMode;
use kinescope_core::streams::command::Command;
use kinescope_core::streams::ops::config::UpdateStreamModeInput;
use kinescope_core::streams::ops::lifecycle::{
    CreateStreamInput, DescribeLimitsInput, DescribeStreamInput, ListStreamsInput,
};
use kinescope_core::streams::ops::list_shards::ListShardsInput;
use kinescope_core::streams::shapes::{StreamMode, StreamModeDetailsInput};
use kinescope_core::{KinesisError, Settings, World};

fn call(world: &mut World, command: Command) -> Result<(), KinesisError> {
    world.apply(command).map(|_| ())
}

#[test]
fn the_default_account_has_aws_quota_for_us_east_1() {
    let mut world = world();
    let limits = world.apply(DescribeLimitsInput {}).unwrap();
    assert_eq!(limits.shard_limit, 500);
    assert_eq!(limits.on_demand_stream_count_limit, 50);
    let elsewhere = AccountOverrides {
        region: Some("sa-east-1".into()),
        ..Default::default()
    }
    .apply_to(Settings::default());
    let mut world = World::new(elsewhere, 7);
    assert_eq!(
        world.apply(DescribeLimitsInput {}).unwrap().shard_limit,
        200
    );
    world
        .apply(CreateStreamInput::provisioned(STREAM, 1))
        .unwrap();
    world.step(500);
    assert!(
        world
            .stream(STREAM)
            .unwrap()
            .arn
            .starts_with("arn:aws:kinesis:sa-east-1:")
    );
}

#[test]
fn describe_limits_counts_the_open_shards_the_quota_counts() {
    let mut world = world_with_stream(3);
    world
        .apply(CreateStreamInput::on_demand("elastic"))
        .unwrap();
    world.step(500);
    let limits = world.apply(DescribeLimitsInput {}).unwrap();
    assert_eq!(
        limits.open_shard_count, 3,
        "on-demand shards have their own quota"
    );
    assert_eq!(limits.on_demand_stream_count, 1);
}

#[test]
fn switching_to_provisioned_must_fit_the_shard_quota() {
    let settings = Settings {
        shard_limit: 5,
        ..Settings::default()
    };
    let mut world = World::new(settings, 7);
    world
        .apply(CreateStreamInput::provisioned(STREAM, 2))
        .unwrap();
    world
        .apply(CreateStreamInput::on_demand("elastic"))
        .unwrap();
    world.step(500);
    let arn = world.stream_arn("elastic");
    let err = world
        .apply(UpdateStreamModeInput {
            stream_arn: Some(arn),
            stream_mode_details: Some(StreamModeDetailsInput::of(StreamMode::Provisioned)),
            warm_throughput_mi_bps: None,
        })
        .unwrap_err();
    assert_eq!(err.code(), "LimitExceededException");
    assert!(
        err.message().starts_with(
            "This request would exceed the shard limit for the account 000000000000 in us-east-1. Current shard count for the account: 2. Limit: 5. Number of additional shards that would have resulted from this request: 4."
        ),
        "{}",
        err.message()
    );
}

#[test]
fn describe_limits_takes_one_call_a_second() {
    let mut world = world();
    call(&mut world, Command::DescribeLimits(DescribeLimitsInput {})).unwrap();
    let err = call(&mut world, Command::DescribeLimits(DescribeLimitsInput {})).unwrap_err();
    assert_eq!(err.code(), "LimitExceededException");
    assert_eq!(err.message(), "Rate exceeded for account 000000000000.");
    world.step(1_000);
    call(&mut world, Command::DescribeLimits(DescribeLimitsInput {})).unwrap();
}

#[test]
fn describe_stream_takes_ten_calls_a_second_and_names_the_stream() {
    let mut world = world_with_stream(1);
    let describe = || Command::DescribeStream(DescribeStreamInput::named(STREAM));
    for _ in 0..10 {
        call(&mut world, describe()).unwrap();
    }
    let err = call(&mut world, describe()).unwrap_err();
    assert_eq!(err.code(), "LimitExceededException");
    assert_eq!(
        err.message(),
        "Rate exceeded for stream orders under account 000000000000."
    );
    // ListShards has its own, much larger, per-stream allowance.
    for _ in 0..100 {
        call(
            &mut world,
            Command::ListShards(ListShardsInput::named(STREAM)),
        )
        .unwrap();
    }
}

#[test]
fn create_stream_and_list_streams_take_five_calls_a_second() {
    let mut world = world();
    for i in 0..5 {
        call(
            &mut world,
            Command::CreateStream(CreateStreamInput::provisioned(&format!("s{i}"), 1)),
        )
        .unwrap();
    }
    let err = call(
        &mut world,
        Command::CreateStream(CreateStreamInput::provisioned("s5", 1)),
    )
    .unwrap_err();
    assert_eq!(err.code(), "LimitExceededException");
    assert_eq!(
        err.message(),
        "Rate exceeded for stream s5 under account 000000000000."
    );
    for _ in 0..5 {
        call(
            &mut world,
            Command::ListStreams(ListStreamsInput::default()),
        )
        .unwrap();
    }
    assert!(
        call(
            &mut world,
            Command::ListStreams(ListStreamsInput::default())
        )
        .is_err()
    );
}

#[test]
fn an_unthrottled_world_has_no_rate_limits() {
    let settings = Settings {
        default_throttle: ThrottleMode::Unthrottled,
        ..Settings::default()
    };
    let mut world = World::new(settings, 7);
    for _ in 0..20 {
        call(&mut world, Command::DescribeLimits(DescribeLimitsInput {})).unwrap();
    }
    world
        .apply(CreateStreamInput::provisioned(STREAM, 1))
        .unwrap();
    world.step(500);
    for _ in 0..20 {
        iterator(
            &mut world,
            0,
            kinescope_core::streams::shapes::ShardIteratorType::Latest,
        );
    }
}

#[test]
fn a_scenario_sets_its_account_and_bad_settings_are_named() {
    use kinescope_core::sim::scenario::Scenario;
    use kinescope_core::sim::simulation::Simulation;
    let text = r#"{
        "name": "small-account", "description": "An account with a small quota.",
        "duration_seconds": 10, "streams": [{ "name": "s", "shards": 2 }],
        "settings": { "region": "eu-central-1", "shard_limit": 3, "throttle": "unthrottled" }
    }"#;
    let simulation = Simulation::new(Scenario::from_json(text).unwrap(), 1);
    let settings = simulation.world().settings();
    assert_eq!(settings.region, "eu-central-1");
    assert_eq!(settings.shard_limit, 3);
    assert_eq!(settings.default_throttle, ThrottleMode::Unthrottled);
    let bad = text.replace("\"shard_limit\": 3", "\"shard_limit\": 0");
    assert_eq!(
        Scenario::from_json(&bad).unwrap_err().to_string(),
        "settings.shard_limit = 0 must be between 1 and 1000000"
    );
    let unknown = text.replace("\"shard_limit\": 3", "\"shards\": 3");
    assert!(
        Scenario::from_json(&unknown)
            .unwrap_err()
            .to_string()
            .starts_with("settings.shards: unknown field `shards`")
    );
}
