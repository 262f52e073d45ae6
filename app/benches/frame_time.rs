//! Frame time of the inspector with 500 shards and 20 consumer applications visible: the median
//! CPU time of a frame (logic: copying the view out of the engine; ui: layout and painting) in an
//! egui_kittest harness, without a GPU.
//!
//! `cargo bench -p kinescope --bench frame_time`

use egui_kittest::Harness;
use kinescope::gui::view::View;
use kinescope::gui::{Inspector, Tab};
use kinescope_core::clock::Speed;
use kinescope_core::live::SharedWorld;
use kinescope_core::sim::scenario::Scenario;
use kinescope_core::sim::simulation::Simulation;
use std::time::Instant;

const FRAMES: usize = 120;

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

fn median_frame_ms(harness: &mut Harness<'_, Inspector>) -> f64 {
    let mut times: Vec<f64> = (0..FRAMES)
        .map(|_| {
            let started = Instant::now();
            harness.step();
            started.elapsed().as_secs_f64() * 1_000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let mut simulation = Simulation::new(scenario(), 1);
    simulation.step(10_000);
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
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_eframe(|_| Inspector::new(world, None));
    println!("500 shards, 20 consumer applications, 1600×1000, {FRAMES} frames each:");
    println!(
        "  (a full copy of the view out of the engine, readers included: median {:.2} ms; frames \
         below reuse the reader copy while no position changes)",
        copies[copies.len() / 2]
    );
    for (tab, name) in [
        (Tab::StreamMap, "stream map"),
        (Tab::ConsumersAndLag, "consumers & lag"),
        (Tab::Simulators, "simulators"),
    ] {
        harness.state_mut().open_tab(tab);
        harness.step();
        println!(
            "  {name}: median frame {:.2} ms",
            median_frame_ms(&mut harness)
        );
    }
}
