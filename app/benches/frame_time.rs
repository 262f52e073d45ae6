//! Frame time of the inspector with 500 shards and 20 consumer applications visible, and of the
//! Firehose tab with 50 delivery streams: the median CPU time of a frame (logic: copying the view
//! out of the engine; ui: layout and painting) in an egui_kittest harness, without a GPU.
//!
//! `cargo bench -p kinescope --bench frame_time`

use egui_kittest::Harness;
use kinescope::gui::view::View;
use kinescope::gui::{Inspector, Tab};
use kinescope_core::clock::Speed;
use kinescope_core::live::SharedWorld;
use kinescope_core::sim::scenario::Scenario;
use kinescope_core::sim::simulation::Simulation;
use std::sync::Arc;
use std::time::Instant;

/// The allocator `kinescope` itself uses, tuned as it is (kinescope_core::allocator).
#[global_allocator]
static ALLOCATOR: kinescope_core::allocator::Allocator = kinescope_core::allocator::Allocator;

const FRAMES: usize = 120;
/// A frame's share of a second at 60 frames/s.
const FRAME: std::time::Duration = std::time::Duration::from_micros(16_667);

fn scenario() -> Scenario {
    let mut consumers = Vec::new();
    for i in 0..10 {
        consumers.push(
            serde_json::json!({"kind": "polling", "name": format!("poller-{i}"), "stream": "wide"}),
        );
        consumers
            .push(serde_json::json!({"kind": "efo", "name": format!("efo-{i}"), "stream": "wide"}));
    }
    let json = serde_json::json!({
        "name": "frame-time", "description": "500 shards, 20 consumer applications", "seed": 1,
        "duration_seconds": 3600,
        "streams": [{"name": "wide", "shards": 500}],
        "producers": [{"name": "load", "stream": "wide", "rate": {"kind": "constant", "per_second": 20000},
                       "keys": {"kind": "uniform", "keys": 100000}}],
        "consumers": consumers
    });
    Scenario::from_json(&json.to_string()).expect("a valid scenario")
}

/// 50 DirectPut delivery streams, each fed 100 records/s by a producer of its own.
fn firehose_scenario() -> Scenario {
    let firehoses: Vec<serde_json::Value> = (0..50)
        .map(|i| {
            serde_json::json!({"DeliveryStreamName": format!("hose-{i:02}"),
                "ExtendedS3DestinationConfiguration": {"RoleARN": "arn:aws:iam::000000000000:role/r",
                    "BucketARN": format!("arn:aws:s3:::bucket-{i:02}"),
                    "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}, "CompressionFormat": "GZIP"}})
        })
        .collect();
    let producers: Vec<serde_json::Value> = (0..50)
        .map(|i| {
            serde_json::json!({"name": format!("writer-{i:02}"), "firehose": format!("hose-{i:02}"),
                "rate": {"kind": "constant", "per_second": 100}, "keys": {"kind": "uniform", "keys": 10},
                "api": {"kind": "put_records", "batch_size": 100, "linger_ms": 200}})
        })
        .collect();
    let json = serde_json::json!({
        "name": "frame-time-firehose", "description": "50 delivery streams", "seed": 1,
        "duration_seconds": 3600, "streams": [], "firehoses": firehoses, "producers": producers
    });
    Scenario::from_json(&json.to_string()).expect("a valid scenario")
}

/// The median time of a frame; `paced` frames start every 1/60 s, as a window's do, so a running
/// world has changed between most of them.
fn median_frame_ms(harness: &mut Harness<'_, Inspector>, paced: bool) -> f64 {
    let mut times: Vec<f64> = (0..FRAMES)
        .map(|_| {
            let started = Instant::now();
            harness.step();
            let took = started.elapsed();
            if paced {
                std::thread::sleep(FRAME.saturating_sub(took));
            }
            took.as_secs_f64() * 1_000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Frames of each tab; while the world runs, frames pay for copying a view that changes every
/// frame, and share the machine with the simulation.
fn measure_tabs(world: &Arc<SharedWorld>, label: &str, paced: bool, tabs: &[(Tab, &str)]) {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_eframe(|_| Inspector::new(world.clone(), None));
    for &(tab, name) in tabs {
        harness.state_mut().open_tab(tab);
        harness.step();
        println!(
            "  {label}, {name}: median frame {:.2} ms",
            median_frame_ms(&mut harness, paced)
        );
    }
}

fn main() {
    kinescope_core::allocator::tune();
    let mut simulation = Simulation::new(scenario(), 1);
    let started = Instant::now();
    simulation.step(10_000);
    let stepping = started.elapsed().as_secs_f64() / 10.0;
    let world = SharedWorld::with_simulation(simulation, Speed::Paused);
    let mut copies: Vec<f64> = (0..FRAMES)
        .map(|_| {
            let started = Instant::now();
            let view = world.read_running(|w, sim| View::build(w, sim, Speed::Paused, None));
            std::hint::black_box(view);
            started.elapsed().as_secs_f64() * 1_000.0
        })
        .collect();
    copies.sort_by(f64::total_cmp);
    println!("500 shards, 20 consumer applications, 1600×1000, {FRAMES} frames each:");
    println!(
        "  (the simulation itself takes {:.0} ms of CPU per simulated second)",
        stepping * 1_000.0
    );
    println!(
        "  (a full copy of the view out of the engine, readers included: median {:.2} ms)",
        copies[copies.len() / 2]
    );
    let tabs = [
        (Tab::StreamMap, "stream map"),
        (Tab::ConsumersAndLag, "consumers & lag"),
        (Tab::Simulators, "simulators"),
    ];
    measure_tabs(&world, "paused", false, &tabs);
    world.set_speed(Speed::REAL_TIME);
    // As the app runs it: time moves on a clock thread, frames only read.
    let clock = world.start_clock();
    measure_tabs(&world, "running at 1x, 60 frames/s", true, &tabs);
    drop(clock);

    let mut simulation = Simulation::new(firehose_scenario(), 1);
    simulation.step(90_000);
    let world = SharedWorld::with_simulation(simulation, Speed::Paused);
    println!("50 Firehose delivery streams, 100 records/s each, 1600×1000, {FRAMES} frames each:");
    let tabs = [(Tab::Firehose, "firehose")];
    measure_tabs(&world, "paused", false, &tabs);
    world.set_speed(Speed::REAL_TIME);
    let clock = world.start_clock();
    measure_tabs(&world, "running at 1x, 60 frames/s", true, &tabs);
    drop(clock);
}
