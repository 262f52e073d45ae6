//! Same seed + same commands = identical state (the engine's contract with scenarios and tests).

mod common;

use common::*;
use kinescope_core::streams::capacity::ThrottleMode;
use kinescope_core::streams::ops::engine::SetThrottleModeInput;
use kinescope_core::streams::ops::lifecycle::CreateStreamInput;
use kinescope_core::streams::ops::put::{PutRecordsInput, PutRecordsRequestEntry};
use kinescope_core::streams::ops::reshard::UpdateShardCountInput;
use kinescope_core::streams::shapes::ShardIteratorType;
use kinescope_core::{Command, Settings, World};

fn script(seed: u64) -> String {
    let mut world = World::new(Settings::default(), seed);
    world
        .apply(CreateStreamInput::provisioned(STREAM, 3))
        .unwrap();
    world.apply(CreateStreamInput::on_demand("second")).unwrap();
    world.step(500);
    world
        .apply(SetThrottleModeInput {
            stream: STREAM.into(),
            mode: ThrottleMode::FaultInjection { probability: 0.1 },
        })
        .unwrap();
    for round in 0..20u32 {
        let records = (0..200)
            .map(|i| {
                PutRecordsRequestEntry::new(
                    &format!("user-{}", (round * 7 + i) % 50),
                    vec![round as u8; 100],
                )
            })
            .collect();
        world.apply(PutRecordsInput::new(STREAM, records)).unwrap();
        if round == 10 {
            world.apply(UpdateShardCountInput::new(STREAM, 5)).unwrap();
        }
        world.step(250);
    }
    let it = iterator(&mut world, 0, ShardIteratorType::TrimHorizon);
    let _ = get(&mut world, &it);
    // Commands as data go through the same path.
    let command: Command = serde_json::from_value(serde_json::json!({
        "Operation": "PutRecord",
        "Input": {"StreamName": STREAM, "PartitionKey": "k", "Data": "aGVsbG8="}
    }))
    .unwrap();
    let _ = world.apply(command);
    world.step(10_000);
    format!("{world:?}")
}

#[test]
fn the_same_seed_and_commands_give_the_same_world() {
    assert_eq!(script(42), script(42));
}

#[test]
fn a_different_seed_gives_a_different_world() {
    assert_ne!(script(42), script(43));
}
