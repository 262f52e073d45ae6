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

/// A scenario run stepped in `slice_ms` steps for 30 simulated seconds: every record stored and the
/// run's report. (The world's own ticks follow the slices — an idle subscription's heartbeat goes
/// out at the first tick a second after the last — so its bookkeeping is not compared.)
fn scenario_run(slice_ms: i64) -> String {
    use kinescope_core::sim::report::Report;
    use kinescope_core::sim::scenario::Scenario;
    use kinescope_core::sim::simulation::Simulation;
    let json = serde_json::json!({
        "name": "slices", "description": "stepped in slices", "seed": 7, "duration_seconds": 30,
        "streams": [{"name": "s", "shards": 2}],
        "producers": [{"name": "p", "stream": "s", "rate": {"kind": "constant", "per_second": 500},
                       "keys": {"kind": "uniform", "keys": 20}}],
        "consumers": [{"kind": "polling", "name": "poll", "stream": "s"},
                      {"kind": "efo", "name": "efo", "stream": "s"}]
    });
    let mut simulation = Simulation::new(Scenario::from_json(&json.to_string()).unwrap(), 7);
    for _ in 0..30_000 / slice_ms {
        simulation.step(slice_ms);
    }
    let world = simulation.world();
    let records: Vec<_> = world.streams()["s"]
        .shards
        .iter()
        .flat_map(|shard| shard.log.iter_from(0).map(|r| format!("{r:?}")))
        .collect();
    let report = serde_json::to_string(&Report::of(&simulation, 7, 0)).unwrap();
    format!("{records:?}\n{report}")
}

#[test]
fn a_scenario_stepped_in_small_slices_runs_as_in_whole_ticks() {
    // A live clock steps every 20 ms, a benchmark in large steps: the simulators act on the
    // same 100 ms grid either way.
    assert_eq!(scenario_run(20), scenario_run(100));
    assert_eq!(scenario_run(1_000), scenario_run(100));
}
