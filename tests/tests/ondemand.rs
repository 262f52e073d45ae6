//! On-demand capacity (A.11): 4 shards to start, scaling to twice the observed peak by splitting hot
//! shards, and capacity-mode switches limited to two per 24 hours.

mod common;

use common::*;
use kinescope_core::World;
use kinescope_core::streams::ops::config::UpdateStreamModeInput;
use kinescope_core::streams::ops::lifecycle::{CreateStreamInput, DescribeStreamSummaryInput};
use kinescope_core::streams::ops::put::{PutRecordsInput, PutRecordsRequestEntry};
use kinescope_core::streams::shapes::{StreamMode, StreamModeDetailsInput};

fn open_shards(world: &World) -> u32 {
    world.stream(STREAM).unwrap().open_shard_count()
}

#[test]
fn an_on_demand_stream_starts_with_four_shards() {
    let mut world = world();
    world.apply(CreateStreamInput::on_demand(STREAM)).unwrap();
    world.step(500);
    assert_eq!(open_shards(&world), 4);
    let summary = world
        .apply(DescribeStreamSummaryInput::named(STREAM))
        .unwrap()
        .stream_description_summary;
    assert_eq!(
        summary.stream_mode_details.stream_mode,
        StreamMode::OnDemand
    );
}

#[test]
fn sustained_load_grows_the_stream_to_twice_its_peak() {
    let mut world = world();
    world.apply(CreateStreamInput::on_demand(STREAM)).unwrap();
    world.step(500);
    // 3 MiB/s spread evenly: 3,000 records of ~1 KiB per second over many keys.
    for second in 0..180u32 {
        for batch in 0..6 {
            let records = (0..500)
                .map(|i| {
                    PutRecordsRequestEntry::new(
                        &format!("key-{second}-{batch}-{i}"),
                        vec![0u8; 1_040],
                    )
                })
                .collect();
            world.apply(PutRecordsInput::new(STREAM, records)).unwrap();
        }
        world.step(1_000);
    }
    let open = open_shards(&world);
    assert!(
        (6..=8).contains(&open),
        "twice a ~3 MiB/s peak needs 6+ shards, got {open}"
    );
    let scaled = world
        .events()
        .iter()
        .any(|e| e.kind == kinescope_core::events::EventKind::OnDemandScaled);
    assert!(scaled);
}

#[test]
fn capacity_mode_can_switch_twice_per_24_hours() {
    let mut world = world_with_stream(2);
    let arn = stream_arn(&world);
    let switch = |mode| UpdateStreamModeInput {
        stream_arn: Some(arn.clone()),
        stream_mode_details: Some(StreamModeDetailsInput::of(mode)),
        warm_throughput_mi_bps: None,
    };
    world.apply(switch(StreamMode::OnDemand)).unwrap();
    world.step(500);
    assert_eq!(world.stream(STREAM).unwrap().mode, StreamMode::OnDemand);
    assert_eq!(
        open_shards(&world),
        2,
        "the shard count is kept at the switch"
    );
    world.apply(switch(StreamMode::Provisioned)).unwrap();
    world.step(500);
    assert_eq!(
        code(world.apply(switch(StreamMode::OnDemand))),
        "LimitExceededException"
    );
    world.step(86_400_000);
    world.apply(switch(StreamMode::OnDemand)).unwrap();
}

#[test]
fn capacity_comes_back_down_when_the_peak_is_30_days_old() {
    // A.11: capacity is twice the peak of the last 30 days; once that peak is forgotten, the
    // stream merges its coldest shards back down (here to the 4 an idle stream keeps).
    let settings = kinescope_core::Settings {
        max_tick_ms: 60_000,
        ..kinescope_core::Settings::default()
    };
    let mut world = World::new(settings, 7);
    world.apply(CreateStreamInput::on_demand(STREAM)).unwrap();
    world.step(500);
    for second in 0..120u32 {
        for batch in 0..6 {
            let records = (0..500)
                .map(|i| {
                    PutRecordsRequestEntry::new(
                        &format!("key-{second}-{batch}-{i}"),
                        vec![0u8; 100],
                    )
                })
                .collect();
            world.apply(PutRecordsInput::new(STREAM, records)).unwrap();
        }
        world.step(1_000);
    }
    assert_eq!(open_shards(&world), 6, "twice 3,000 records/s");
    world.step(29 * 86_400_000);
    assert_eq!(open_shards(&world), 6, "the peak is remembered for 30 days");
    world.step(2 * 86_400_000);
    assert_eq!(open_shards(&world), 4);
}
