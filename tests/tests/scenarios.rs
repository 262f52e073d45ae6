//! The shipped scenarios run headless and their reports show what they teach.

use kinescope_core::metrics::MetricName;
use kinescope_core::sim::report::{
    ConsumerReport, ProducerReport, Report, ShardReport, StreamReport,
};
use kinescope_core::sim::scenario::Scenario;
use kinescope_core::sim::simulation::Simulation;
use kinescope_core::streams::shard::ShardPhase;

fn run(file: &str) -> Report {
    simulate(file).1
}

/// Runs a shipped scenario to its end: the simulation (to look inside) and its report, whose
/// invariants and timeline have been checked.
fn simulate(file: &str) -> (Simulation, Report) {
    let path = format!("{}/../assets/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
    let scenario = Scenario::from_json(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let seed = scenario.seed;
    let duration = (scenario.duration_seconds * 1_000.0) as i64;
    let mut simulation = Simulation::new(scenario, seed);
    simulation.step(duration);
    let report = Report::of(&simulation, seed, 0);
    for invariant in &report.invariants {
        assert!(
            invariant.ok,
            "{file}: {}: {}",
            invariant.name, invariant.detail
        );
    }
    assert!(
        report.timeline_errors.is_empty(),
        "{:?}",
        report.timeline_errors
    );
    (simulation, report)
}

fn producer<'a>(report: &'a Report, name: &str) -> &'a ProducerReport {
    report.producers.iter().find(|p| p.name == name).unwrap()
}

fn consumer<'a>(report: &'a Report, name: &str) -> &'a ConsumerReport {
    report.consumers.iter().find(|c| c.name == name).unwrap()
}

fn stream<'a>(report: &'a Report, name: &str) -> &'a StreamReport {
    report.streams.iter().find(|s| s.name == name).unwrap()
}

fn sum(stream: &StreamReport, metric: impl Fn(&ShardReport) -> f64) -> f64 {
    stream.shards.iter().map(metric).sum()
}

#[test]
fn every_shipped_scenario_has_a_description_and_a_test_here() {
    let dir = format!("{}/../assets/scenarios", env!("CARGO_MANIFEST_DIR"));
    let this_file = include_str!("scenarios.rs");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
        let scenario = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(format!("{}.json", scenario.name), name);
        assert!(scenario.description.len() > 200, "{name} explains itself");
        assert!(
            this_file.contains(&format!("run(\"{name}\")"))
                || this_file.contains(&format!("simulate(\"{name}\")")),
            "{name} has a teaching test"
        );
    }
}

#[test]
fn throttling_and_backoff_loses_records_only_without_retries() {
    let report = run("throttling-and-backoff.json");
    let plain = producer(&report, "fire-and-forget");
    let backoff = producer(&report, "backoff-and-jitter");
    assert_eq!(plain.records_sent, backoff.records_sent);
    assert!(plain.records_throttled > 0 && plain.dropped == plain.records_throttled);
    assert!(backoff.records_throttled > 0 && backoff.retries > 0);
    assert_eq!(backoff.dropped, 0, "{backoff:?}");
    assert!(backoff.records_acknowledged + 1_000 >= backoff.records_sent);
}

#[test]
fn resharding_under_load_stops_throttling_and_keeps_order() {
    let report = run("resharding-under-load.json");
    let orders = stream(&report, "orders");
    assert_eq!(orders.shards.len(), 6);
    for shard in &orders.shards {
        let is_parent = shard.parent_shard_ids.is_empty();
        assert_eq!(is_parent, shard.state == ShardPhase::Closed, "{shard:?}");
        if is_parent {
            assert!(shard.WriteProvisionedThroughputExceeded > 0.0, "{shard:?}");
        } else {
            assert_eq!(shard.WriteProvisionedThroughputExceeded, 0.0, "{shard:?}");
            assert!(shard.IncomingRecords > 0.0);
        }
    }
    assert_eq!(producer(&report, "checkout").dropped, 0);
    for c in &report.consumers {
        assert_eq!(c.duplicates, 0, "{c:?}");
    }
}

#[test]
fn shared_vs_efo_polling_apps_contend_and_fall_behind_while_efo_apps_do_not() {
    let report = run("shared-vs-efo.json");
    let shared = stream(&report, "shared");
    assert!(sum(shared, |s| s.ReadProvisionedThroughputExceeded) > 0.0);
    let fanout = stream(&report, "fanout");
    assert_eq!(sum(fanout, |s| s.ReadProvisionedThroughputExceeded), 0.0);
    let worst_poller = report
        .consumers
        .iter()
        .filter(|c| c.kind == "polling")
        .map(|c| c.max_millis_behind_latest)
        .max()
        .unwrap();
    let worst_efo = report
        .consumers
        .iter()
        .filter(|c| c.kind == "efo")
        .map(|c| c.max_millis_behind_latest)
        .max()
        .unwrap();
    assert!(worst_poller > 10_000, "{worst_poller}");
    assert!(worst_efo < 2_000, "{worst_efo}");
    let acked = producer(&report, "sensors-b").records_acknowledged;
    for c in report.consumers.iter().filter(|c| c.kind == "efo") {
        assert!(c.records_processed + 1_000 >= acked, "{c:?}");
    }
}

#[test]
fn slow_consumer_lag_grows_for_the_slow_app_only() {
    let report = run("slow-consumer-lag.json");
    let fast = consumer(&report, "fast-indexer");
    let slow = consumer(&report, "slow-enricher");
    assert!(fast.max_millis_behind_latest < 2_000, "{fast:?}");
    assert!(slow.final_millis_behind_latest > 30_000, "{slow:?}");
    assert!(slow.records_processed < fast.records_processed);
}

#[test]
fn kcl_failover_redelivers_since_the_checkpoint_without_loss() {
    let report = run("kcl-failover-duplicates.json");
    let app = consumer(&report, "ledger-app");
    assert_eq!(app.kind, "kcl");
    assert!(app.duplicates > 0, "{app:?}");
    // At most one checkpoint interval (5,000 records) comes again per lease that changed hands:
    // two failed over from the killed worker, at most two stolen by the new one.
    assert!(app.duplicates <= 4 * 5_000, "{app:?}");
    let acked = producer(&report, "payment-api").records_acknowledged;
    assert!(app.records_processed - app.duplicates + 2_000 >= acked);
    let leases = app.leases.as_ref().unwrap();
    assert_eq!(leases.len(), 4);
    assert!(
        leases
            .iter()
            .all(|l| l.leaseOwner.as_deref() != Some("worker-1")),
        "the killed worker holds nothing"
    );
    let per_owner = |id: &str| {
        leases
            .iter()
            .filter(|l| l.leaseOwner.as_deref() == Some(id))
            .count()
    };
    assert_eq!((per_owner("worker-2"), per_owner("worker-3")), (2, 2));
}

#[test]
fn kpl_aggregation_carries_the_rate_that_throttles_plain_records() {
    let report = run("kpl-aggregation.json");
    let plain = producer(&report, "one-by-one");
    let kpl = producer(&report, "kpl");
    assert_eq!(plain.records_sent, kpl.records_sent);
    assert!(
        plain.records_throttled > plain.records_sent / 2,
        "{plain:?}"
    );
    assert_eq!(kpl.records_throttled, 0, "{kpl:?}");
    let aggregated = stream(&report, "aggregated");
    let kinesis_records = sum(aggregated, |s| s.IncomingRecords);
    assert!(
        kinesis_records * 50.0 < kpl.records_acknowledged as f64,
        "{kinesis_records} Kinesis records carry {} user records",
        kpl.records_acknowledged
    );
    let reader = consumer(&report, "deaggregating-reader");
    assert!(reader.records_processed + 3_000 >= kpl.records_acknowledged);
}

#[test]
fn retention_and_replay_reads_the_last_24_hours_and_replays_from_a_timestamp() {
    let report = run("retention-and-replay.json");
    let per_hour = 36_000;
    let live = consumer(&report, "live-dashboard");
    let audit = consumer(&report, "audit");
    let backfill = consumer(&report, "backfill");
    assert!(live.records_processed + 100 >= 26 * per_hour);
    // The 24 hours still retained at hour 25, then the live hour to the end.
    assert!(
        (25 * per_hour - 100..=25 * per_hour + 100).contains(&audit.records_processed),
        "{audit:?}"
    );
    assert!(
        (per_hour - 100..=per_hour + 100).contains(&audit.records_expired_unread),
        "{audit:?}"
    );
    assert!(
        (14 * per_hour - 100..=14 * per_hour + 100).contains(&backfill.records_processed),
        "{backfill:?}"
    );
}

#[test]
fn on_demand_scaling_follows_a_ramp_and_throttles_a_jump_for_15_minutes() {
    // run("on-demand-scaling.json") would run it whole; here it runs in steps, to look at each
    // rule as it happens.
    let path = format!(
        "{}/../assets/scenarios/on-demand-scaling.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let scenario = Scenario::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let seed = scenario.seed;
    let mut simulation = Simulation::new(scenario, seed);
    let throttled = |sim: &Simulation| {
        sim.world()
            .stream("events")
            .unwrap()
            .metrics
            .lifetime_sum(MetricName::WriteProvisionedThroughputExceeded)
    };
    let open = |sim: &Simulation| sim.world().stream("events").unwrap().open_shard_count();
    // The peak rule: a ramp to 2,700 records/s is followed without a throttle, to twice its peak.
    simulation.step(179_000);
    assert_eq!(
        throttled(&simulation),
        0.0,
        "the ramp never outgrew the capacity"
    );
    assert_eq!(open(&simulation), 6, "2 x 2,700 records/s");
    // The 15-minute rule: the jump to 7,200 records/s is throttled until its capacity arrives.
    simulation.step(60_000);
    let early = throttled(&simulation);
    assert!(early > 0.0);
    assert_eq!(
        open(&simulation),
        6,
        "no capacity before 15 minutes have passed"
    );
    simulation.step(13 * 60_000);
    assert!(
        throttled(&simulation) > early,
        "still throttled after 14 minutes"
    );
    simulation.step(2 * 60_000);
    // Throttled demand counts: twice 7,200 records/s is 15 shards (accepted writes alone, 6,000
    // records/s, would give 12).
    assert!(open(&simulation) >= 15, "{} shards", open(&simulation));
    let settled = throttled(&simulation);
    simulation.step(60_000);
    assert_eq!(throttled(&simulation), settled, "no throttle once scaled");
}

#[test]
fn hot_shard_throttles_only_the_shard_that_owns_the_hot_key() {
    let report = run("hot-shard.json");
    assert_eq!(report.consumers[0].kind, "polling");
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
    // The archive reads the same stream: what the producer wrote, less at most the last second.
    let archive = &report.firehoses[0];
    assert_eq!(archive.name, "clickstream-archive");
    assert!(
        archive.records_in + 3_000 >= producer.records_acknowledged,
        "{archive:?} vs {producer:?}"
    );
    assert!(
        archive
            .flushes
            .iter()
            .filter(|f| f.reason.text() == "size")
            .count()
            >= 5
    );
    assert!(
        archive
            .flushes
            .iter()
            .all(|f| f.key.starts_with("clicks/2026/") && f.key.ends_with(".gz"))
    );
    // The porch camera sends a two-second fragment for every two seconds of the run.
    let camera = &report.cameras[0];
    assert_eq!(camera.fragments_sent, 90, "{camera:?}");
    assert_eq!(camera.last_error, None);
    assert_eq!(report.video_streams[0].fragments, 90);
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

#[test]
fn lambda_poison_pill_discards_whole_batches_unless_bisecting() {
    let report = run("lambda-poison-pill.json");
    let whole = consumer(&report, "whole-batch-retries");
    let bisect = consumer(&report, "bisect-on-error");
    let (w, b) = (whole.lambda.unwrap(), bisect.lambda.unwrap());
    assert!(w.function_errors > 0 && b.function_errors > 0);
    assert!(b.records_discarded > 0, "{b:?}");
    assert!(
        w.records_discarded > 20 * b.records_discarded,
        "{w:?} vs {b:?}"
    );
    assert!(whole.duplicates > 0 && bisect.duplicates > 0);
    let acked = producer(&report, "storefront").records_acknowledged;
    assert!(bisect.records_processed - bisect.duplicates + 1_000 >= acked);
    // Reporting the failed item loses only what follows the poison pill in its batch.
    let partial = consumer(&report, "report-failed-items").lambda.unwrap();
    assert!(
        b.records_discarded < partial.records_discarded
            && partial.records_discarded < w.records_discarded,
        "{b:?} < {partial:?} < {w:?}"
    );
    // One invocation record per batch given up reached the on-failure stream.
    let failed = stream(&report, "orders-failures");
    let records: f64 = failed.shards.iter().map(|s| s.IncomingRecords).sum();
    assert!(records > 0.0);
    assert!(
        records * 100.0 >= w.records_discarded as f64 * 0.9,
        "{records} for {w:?}"
    );
}

#[test]
fn on_demand_hot_shards_are_split_after_15_minutes_above_500_kb_per_second() {
    let report = run("on-demand-hot-shards.json");
    let telemetry = stream(&report, "telemetry");
    let (open, closed): (Vec<&ShardReport>, Vec<&ShardReport>) = telemetry
        .shards
        .iter()
        .partition(|s| s.state == ShardPhase::Open);
    assert_eq!(
        (open.len(), closed.len()),
        (8, 4),
        "each of the 4 first shards split in two"
    );
    assert!(closed.iter().all(|s| s.parent_shard_ids.is_empty()));
    let fleet = producer(&report, "fleet");
    assert_eq!(fleet.records_throttled, 0, "capacity was never short");
    // The four parents carried (at ~507 KB/s) 15 minutes of the 16, the children the rest.
    let parents: f64 = closed.iter().map(|s| s.IncomingBytes).sum();
    let children: f64 = open.iter().map(|s| s.IncomingBytes).sum();
    assert!(parents > 10.0 * children, "{parents} vs {children}");
}

#[test]
fn firehose_buffering_delivers_by_size_or_by_interval_whichever_comes_first() {
    let report = run("firehose-buffering.json");
    let firehose = |name: &str| report.firehoses.iter().find(|f| f.name == name).unwrap();
    let reasons = |name: &str| {
        firehose(name)
            .flushes
            .iter()
            .map(|f| f.reason.text())
            .collect::<Vec<_>>()
    };
    // About 500 KB/s into 1 MiB: a size flush every ~2 s, never the 900-second interval.
    let size_first = firehose("size-first");
    assert!(
        size_first.flushes.len() >= 130,
        "{}",
        size_first.flushes.len()
    );
    assert!(reasons("size-first").iter().all(|r| *r == "size"));
    assert!(
        size_first
            .flushes
            .iter()
            .all(|f| (1_048_576..1_048_576 + 1_000).contains(&f.bytes))
    );
    assert_eq!(size_first.throttled, 0);
    // 20 small records a second never fill 128 MB: every 60 s, and the flush-now at 150 s.
    let interval_first = firehose("interval-first");
    assert_eq!(
        reasons("interval-first"),
        ["interval", "interval", "flush-now", "interval", "interval"]
    );
    let at: Vec<i64> = interval_first
        .flushes
        .iter()
        .map(|f| f.at_ms / 1_000)
        .collect();
    assert_eq!(&at[..3], [60, 120, 150]);
    assert!((210..=211).contains(&at[3]), "{at:?}");
    assert_eq!(interval_first.objects_delivered, 5);
    assert!(interval_first.max_data_freshness_ms <= 60_000);
    assert!(
        interval_first.flushes[0]
            .key
            .starts_with("2026/01/01/00/interval-first-1-")
    );
}

#[test]
fn firehose_transform_parquet_drops_fails_converts_and_sorts_out_the_rest() {
    let report = run("firehose-transform-parquet.json");
    let firehose = &report.firehoses[0];
    // 48 records a second for 300 s; Lambda's buffer holds up to 60 s, so 240 s went through it.
    assert_eq!(firehose.records_in, 48 * 300);
    let transform = &firehose.transform;
    assert_eq!(
        transform.ok + transform.dropped + transform.processing_failed,
        48 * 240
    );
    // The 4 log lines a second are not JSON: the function cannot read them.
    assert_eq!(transform.processing_failed, 4 * 240);
    // About a quarter of the clicks are page views, dropped.
    assert!(
        (1_900..2_900).contains(&transform.dropped),
        "{}",
        transform.dropped
    );
    // The telemetry passes the function and is refused by conversion (text in an int column).
    assert_eq!(firehose.conversion_failed, 4 * 240);
    assert!(firehose.error_objects >= 2);
    assert_eq!(firehose.objects_delivered, 2);
    assert!(firehose.flushes.iter().all(|f| f.key.starts_with("clicks/")
        && f.key.ends_with(".parquet")
        && f.reason.text() == "interval"));
    let converted: u64 = firehose.flushes.iter().map(|f| f.records).sum();
    assert_eq!(converted, transform.ok - firehose.conversion_failed);
}

#[test]
fn video_retention_keeps_a_sliding_hour_of_the_camera_with_its_gap() {
    let report = run("video-retention.json");
    let camera = &report.cameras[0];
    // Four-second fragments for 9,000 s, less the ten minutes offline.
    assert_eq!(camera.fragments_sent, (9_000 - 600) / 4, "{camera:?}");
    assert_eq!(camera.last_error, None);
    let doorbell = &report.video_streams[0];
    assert_eq!(doorbell.retention_hours, 1);
    // Only the last hour is kept: its oldest fragment arrived at most an hour ago.
    let oldest = doorbell.oldest_ms.unwrap();
    assert!(oldest >= report.virtual_ms - 3_600_000, "{doorbell:?}");
    assert!(oldest <= report.virtual_ms - 3_590_000, "{doorbell:?}");
    assert_eq!(doorbell.gaps, 1, "the camera's ten minutes offline");
    assert_eq!(doorbell.fragments, (3_600 - 600) / 4, "{doorbell:?}");
}

#[test]
fn anomaly_detection_scores_the_spikes_above_the_threshold_after_warm_up() {
    let (simulation, report) = simulate("anomaly-detection.json");
    let app = &report.analytics[0];
    assert_eq!(app.status, "RUNNING");
    // Ten readings a second from the request on; ten seconds of STARTING were caught up.
    assert!(app.records_in >= 2_990, "{app:?}");
    assert_eq!(
        app.outputs[0].records_out,
        app.rows_out["DESTINATION_SQL_STREAM"]
    );
    let threshold = app.anomaly_threshold.unwrap();
    assert!(app.max_anomaly_score.unwrap() > threshold + 1.0, "{app:?}");
    // Every row above the threshold is a HIGH spike, and every spike after warm-up is above it.
    let world = simulation.world();
    let rows = &world.analytics_applications()["heart-rate-anomalies"]
        .runtime
        .as_ref()
        .unwrap()
        .program
        .stream("TEMP_STREAM")
        .unwrap()
        .rows;
    use kinescope_core::analytics::value::Value;
    // The stream keeps its last 1,000 rows: all long after the forest's 256 rows of warm-up.
    let warmed: Vec<_> = rows.iter().collect();
    let spikes = warmed
        .iter()
        .filter(|r| r.values[1] == Value::Text("HIGH".into()))
        .count();
    let above: Vec<_> = warmed
        .iter()
        .filter(|r| r.values[2].as_f64().unwrap() > threshold)
        .collect();
    assert!(spikes >= 5, "{spikes} spikes");
    assert_eq!(
        above.len(),
        spikes,
        "rows above the threshold are the spikes"
    );
    assert!(
        above
            .iter()
            .all(|r| r.values[1] == Value::Text("HIGH".into()))
    );
}

#[test]
fn tumbling_window_metrics_closes_a_window_a_minute_with_a_row_per_ticker() {
    let report = run("tumbling-window-metrics.json");
    let app = &report.analytics[0];
    assert_eq!(app.windows_closed, 5, "{app:?}");
    assert_eq!(app.rows_out["DESTINATION_SQL_STREAM"], 5 * 6);
    assert_eq!(app.errors, 0);
    let firehose = &report.firehoses[0];
    assert_eq!(firehose.records_in, 30);
    assert!(firehose.objects_delivered >= 4, "{firehose:?}");
}

#[test]
fn hotspots_finds_the_one_dense_region_once_the_window_fills() {
    let (simulation, report) = simulate("hotspots.json");
    let app = &report.analytics[0];
    assert_eq!(app.status, "RUNNING");
    assert_eq!(app.errors, 0);
    assert_eq!(
        app.outputs[0].records_out, app.records_in,
        "a row out per point in"
    );
    let world = simulation.world();
    let program = &world.analytics_applications()["hotspot-finder"]
        .runtime
        .as_ref()
        .unwrap()
        .program;
    let last = program
        .stream("DESTINATION_SQL_STREAM")
        .unwrap()
        .rows
        .back()
        .unwrap();
    let kinescope_core::analytics::value::Value::Text(result) = &last.values[3] else {
        panic!("{last:?}");
    };
    let result: serde_json::Value = serde_json::from_str(result).unwrap();
    let hotspots = result["hotspots"].as_array().unwrap();
    assert_eq!(hotspots.len(), 1, "{result}");
    let (lo, hi) = (&hotspots[0]["minValues"], &hotspots[0]["maxValues"]);
    for (axis, centre) in [(0, 3.0), (1, 7.0)] {
        let (lo, hi) = (lo[axis].as_f64().unwrap(), hi[axis].as_f64().unwrap());
        // The points are drawn within 0.5 of the centre; border points may reach a radius out.
        assert!(
            lo < centre && hi > centre && hi - lo <= 1.0 + 2.0 * 0.2 + 0.2,
            "{result}"
        );
    }
}

#[test]
fn partition_keys_spread_many_keys_evenly_and_four_keys_unevenly() {
    let report = run("partition-keys.json");
    let shares = |name: &str| -> Vec<f64> {
        let s = stream(&report, name);
        let total = sum(s, |h| h.IncomingRecords);
        s.shards.iter().map(|h| h.IncomingRecords / total).collect()
    };
    // Random UUIDs: a quarter each, give or take a little.
    for share in shares("many-keys") {
        assert!((share - 0.25).abs() < 0.02, "{share}");
    }
    // Four keys: two in shardId-000000000002's quarter, none in shardId-000000000003's.
    let four = stream(&report, "four-keys");
    assert_eq!(four.shards[3].IncomingRecords, 0.0);
    assert!(four.shards[2].IncomingRecords > four.shards[0].IncomingRecords * 1.5);
    // At 2,400 records/s the busy shard asks for 1,200 a second: only it throttles.
    let throttled: Vec<f64> = four
        .shards
        .iter()
        .map(|h| h.WriteProvisionedThroughputExceeded)
        .collect();
    assert!(throttled[2] > 0.0 && throttled.iter().filter(|t| **t > 0.0).count() == 1);
    assert_eq!(
        sum(stream(&report, "many-keys"), |h| h
            .WriteProvisionedThroughputExceeded),
        0.0
    );
}
