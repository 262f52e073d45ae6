//! The shipped scenarios run headless and their reports show what they teach.

use kinescope_core::sim::report::Report;
use kinescope_core::sim::scenario::Scenario;
use kinescope_core::sim::simulation::Simulation;

fn run(file: &str) -> Report {
    let path = format!("{}/../assets/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
    let scenario = Scenario::from_json(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let seed = scenario.seed;
    let duration = (scenario.duration_seconds * 1_000.0) as i64;
    let mut simulation = Simulation::new(scenario, seed);
    simulation.step(duration);
    Report::of(&simulation, seed, 0)
}

#[test]
fn hot_shard_throttles_only_the_shard_that_owns_the_hot_key() {
    let report = run("hot-shard.json");
    let shards = &report.streams[0].shards;
    let throttled: Vec<bool> = shards
        .iter()
        .map(|s| s.WriteProvisionedThroughputExceeded > 0.0)
        .collect();
    assert_eq!(throttled.iter().filter(|t| **t).count(), 1, "{throttled:?}");
    let hot = shards
        .iter()
        .find(|s| s.WriteProvisionedThroughputExceeded > 0.0)
        .unwrap();
    assert!(
        hot.IncomingRecords <= 61_000.0,
        "the hot shard never takes more than 1,000 records/s"
    );
    assert!(report.producers[0].dropped > 0);
    assert!(report.timeline_errors.is_empty());
}

#[test]
fn demo_readers_keep_up_and_nothing_is_throttled_at_the_usual_rate() {
    let report = run("demo.json");
    let producer = &report.producers[0];
    assert_eq!(producer.dropped, 0, "{producer:?}");
    for consumer in &report.consumers {
        assert!(
            consumer.records_processed + 3_000 >= producer.records_acknowledged,
            "{consumer:?} vs {producer:?}"
        );
        assert_eq!(consumer.duplicates, 0);
    }
    let json = serde_json::to_value(&report).unwrap();
    assert!(
        json["streams"][0]["shards"][0]["IncomingRecords"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert_eq!(json["consumers"][1]["kind"], "efo");
}

#[test]
fn the_readme_example_scenario_is_valid_and_runs() {
    let readme =
        std::fs::read_to_string(format!("{}/../README.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let start = readme
        .find("A complete scenario:")
        .expect("README shows an example");
    let body = &readme[start..];
    let json_start = body.find("```json").unwrap() + "```json".len();
    let json_end = json_start + body[json_start..].find("```").unwrap();
    let scenario = Scenario::from_json(&body[json_start..json_end]).unwrap();
    let mut simulation = Simulation::new(scenario, 1);
    simulation.step(40_000);
    assert!(
        simulation.event_errors.is_empty(),
        "{:?}",
        simulation.event_errors
    );
}
