//! Interaction tests of the inspector with egui_kittest: no window, no GPU; widgets are found by
//! their accessible names, as a screen reader would (the accessibility check stays on).

use super::Inspector;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kinescope_core::clock::Speed;
use kinescope_core::live::SharedWorld;
use kinescope_core::metrics::MetricName;
use kinescope_core::settings::Settings;
use kinescope_core::sim::scenario::Scenario;
use kinescope_core::sim::simulation::Simulation;

pub(super) fn inspector_of(text: &str) -> Inspector {
    let scenario = Scenario::from_json(text).unwrap();
    let settings = Settings {
        start_epoch_ms: 1_780_000_000_000,
        shard_limit: 10_000,
        ..Settings::default()
    };
    let world = SharedWorld::with_simulation(
        Simulation::with_settings(scenario, 1, settings),
        Speed::Paused,
    );
    Inspector::new(world, None)
}

pub(super) fn harness() -> Harness<'static, Inspector> {
    harness_of(include_str!("../../../assets/scenarios/demo.json"))
}

/// A 1600x1000 inspector on a scenario file's text, paused at its start.
pub(crate) fn harness_of(scenario: &'static str) -> Harness<'static, Inspector> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        // The video decoder thread asks for a repaint with each picture it delivers.
        .with_max_steps(64)
        .build_eframe(move |_| inspector_of(scenario));
    harness.run();
    harness
}

fn open_shards(harness: &Harness<'_, Inspector>) -> usize {
    harness.state().view.streams[0].open_shards().count()
}

#[test]
fn step_moves_the_virtual_clock_by_one_second() {
    let mut harness = harness();
    let before = harness.state().view.now_ms;
    harness.get_by_label("Step").click();
    harness.run();
    assert_eq!(harness.state().view.now_ms, before + 1_000);
}

#[test]
fn play_starts_time_and_pause_stops_it() {
    let mut harness = harness();
    assert_eq!(harness.state().view.speed, Speed::Paused);
    harness.get_by_label("max").click();
    harness.step();
    harness.step();
    assert_eq!(harness.state().view.speed, Speed::AsFastAsPossible);
    let running = harness.state().view.now_ms;
    harness.step();
    assert!(
        harness.state().view.now_ms > running,
        "time moves while playing"
    );
    harness.get_by_label("Pause").click();
    harness.step();
    harness.step();
    let paused = harness.state().view.now_ms;
    harness.step();
    assert_eq!(harness.state().view.speed, Speed::Paused);
    assert_eq!(harness.state().view.now_ms, paused);
    assert!(harness.query_by_label("Play").is_some());
}

#[test]
fn splitting_a_shard_adds_two_lanes_and_closes_the_parent() {
    let mut harness = harness();
    assert_eq!(open_shards(&harness), 4);
    harness.get_by_label("shardId-000000000001 (open)").click();
    harness.run();
    harness.get_by_label("Split selected shard").click();
    harness.run();
    // A split keeps the stream UPDATING for seconds, shown with its progress; the children open
    // when it completes (five one-second steps).
    harness.get_by_label("Step").click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("UPDATING: splitting shardId-000000000001")
            .is_some()
    );
    assert_eq!(open_shards(&harness), 4, "writes still go to the parent");
    for _ in 0..4 {
        harness.get_by_label("Step").click();
        harness.run();
    }
    assert!(harness.query_by_label_contains("UPDATING:").is_none());
    let stream = &harness.state().view.streams[0];
    assert_eq!(stream.shards.len(), 6);
    assert_eq!(open_shards(&harness), 5);
    assert!(!stream.shards[1].open, "the parent is closed");
}

#[test]
fn the_key_box_shows_where_a_partition_key_goes() {
    let mut harness = harness();
    let field = harness.get_by_role_and_label(Role::TextInput, "Where does my key go?");
    field.focus();
    field.type_text("user-42");
    harness.run();
    assert!(
        harness.query_by_label_contains("MD5 -> ").is_some(),
        "the hash and the shard are shown"
    );
}

#[test]
fn a_refused_action_becomes_a_notice_not_a_panic() {
    let mut harness = harness();
    let field = harness.get_by_role_and_label(Role::TextInput, "Shard count");
    field.focus();
    field.type_text("4000");
    harness.run();
    harness.get_by_label("Update shard count").click();
    harness.run();
    let notices = &harness.state().notices;
    assert!(
        notices.iter().any(|n| n.contains("Cannot scale")),
        "{notices:?}"
    );
}

#[test]
fn a_produced_record_appears_in_the_record_browser() {
    let mut harness = harness();
    harness.get_by_label("Records").click();
    harness.run();
    harness.get_by_label("LATEST").click();
    harness.run();
    harness.get_by_label("Read").click();
    harness.run();
    assert!(harness.state().browser.rows.is_empty());
    harness.get_by_label("Produce").click();
    harness.run();
    for (field, role, text) in [
        ("Partition key", Role::TextInput, "user-1"),
        ("Explicit hash key", Role::TextInput, "0"),
        ("Payload", Role::MultilineTextInput, "{\"hello\": 1}"),
    ] {
        let node = harness.get_by_role_and_label(role, field);
        node.focus();
        node.type_text(text);
        harness.run();
    }
    assert!(
        harness
            .query_by_label_contains("-> shardId-000000000000")
            .is_some()
    );
    harness.get_by_label("Send record").click();
    harness.run();
    assert!(
        harness
            .state()
            .notices
            .iter()
            .any(|n| n.starts_with("Written to shardId-000000000000")),
        "{:?}",
        harness.state().notices
    );
    harness.get_by_label("Records").click();
    harness.run();
    harness.get_by_label("Next 50").click();
    harness.run();
    let rows = &harness.state().browser.rows;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].partition_key, "user-1");
    assert_eq!(rows[0].data, b"{\"hello\": 1}");
    harness.get_by_label("JSON").click();
    harness.run();
    assert!(harness.query_by_label_contains("\"hello\": 1").is_some());
}

#[test]
fn faithful_reads_go_through_get_records_and_peeks_do_not() {
    let mut harness = harness();
    harness.get_by_label("Step").click();
    harness.run();
    harness.get_by_label("Records").click();
    harness.run();
    harness.get_by_label("Read").click();
    harness.run();
    let peeked = harness.state().browser.rows.len();
    assert_eq!(peeked, super::streams::records::PAGE);
    let reads = |harness: &Harness<'_, Inspector>| {
        harness.state().world.read_running(|world, _| {
            world.stream("clickstream").unwrap().shards[0]
                .metrics
                .lifetime_sum(MetricName::OutgoingRecords)
        })
    };
    let before = reads(&harness);
    harness.get_by_label("Read").click();
    harness.run();
    assert_eq!(
        reads(&harness),
        before,
        "peeking reads nothing through the limits"
    );
    harness.get_by_label("Faithful reads").click();
    harness.run();
    harness.get_by_label("Read").click();
    harness.run();
    assert_eq!(
        harness.state().browser.rows.len(),
        super::streams::records::PAGE
    );
    assert!(harness.state().browser.error.is_none());
    // (Any command also lets pending enhanced fan-out pushes go out, which count too.)
    assert!(
        reads(&harness) >= before + super::streams::records::PAGE as f64,
        "the page was read with GetRecords and counted as the shard's OutgoingRecords"
    );
}

#[test]
fn a_producer_rate_change_changes_throughput() {
    let mut harness = harness();
    harness.get_by_label("Simulators").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Slider, "Records per second web-frontend makes")
        .set_value_accesskit(3_000.0);
    harness.run();
    for _ in 0..3 {
        harness.get_by_label("Step").click();
        harness.run();
    }
    let incoming: f64 = harness.state().view.streams[0]
        .shards
        .iter()
        .map(|s| s.records_last_second)
        .sum();
    assert!(
        (2_900.0..=3_100.0).contains(&incoming),
        "{incoming} records in the last second"
    );
}

#[test]
fn killing_a_kcl_worker_marks_it_and_its_leases_fail_over() {
    let mut harness = harness_of(include_str!(
        "../../../assets/scenarios/kcl-failover-duplicates.json"
    ));
    for _ in 0..5 {
        harness.get_by_label("Step").click();
        harness.run();
    }
    harness.get_by_label("Simulators").click();
    harness.run();
    harness.get_by_label("Kill worker-1").click();
    harness.run();
    let workers = &harness.state().view.consumers[0].workers;
    assert!(
        workers
            .iter()
            .any(|(id, alive, _)| id == "worker-1" && !alive),
        "{workers:?}"
    );
    for _ in 0..25 {
        harness.get_by_label("Step").click();
        harness.run();
    }
    let leases = &harness.state().view.consumers[0].leases;
    assert!(
        leases
            .iter()
            .all(|l| l.owner.as_deref() == Some("worker-2")),
        "{leases:?}"
    );
    // The new owner's reads replace the killed worker's: one row per application and shard.
    let readers: Vec<_> = harness
        .state()
        .view
        .readers
        .iter()
        .map(|r| (r.reader.clone(), r.shard))
        .collect();
    let mut unique = readers.clone();
    unique.dedup();
    assert_eq!(readers, unique);
    assert!(
        leases
            .iter()
            .all(|l| l.checkpoint_age_ms.is_some_and(|age| age < 60_000)),
        "{leases:?}"
    );
}

#[test]
fn presentation_mode_enlarges_everything_and_the_light_theme_switches() {
    let mut harness = harness();
    harness.get_by_label("Presentation").click();
    harness.run();
    assert_eq!(harness.ctx.zoom_factor(), 1.4);
    harness.get_by_label("Light").click();
    harness.run();
    assert_eq!(harness.ctx.theme(), egui::Theme::Light);
}

#[test]
fn the_file_menu_opens_saves_and_exports_by_path() {
    let dir = std::env::temp_dir().join(format!("kinescope-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut harness = harness();
    let use_path = |harness: &mut Harness<'_, Inspector>, path: &str, button: &str| {
        harness.state_mut().file_path.clear();
        harness.get_by_label("File").click();
        harness.run();
        let field = harness.get_by_role_and_label(Role::TextInput, "Path");
        field.focus();
        field.type_text(path);
        harness.run();
        harness.get_by_label(button).click();
        settle(harness);
    };
    let hot = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/scenarios/hot-shard.json"
    );
    use_path(&mut harness, hot, "Open scenario");
    assert_eq!(harness.state().view.scenario.as_deref(), Some("hot-shard"));
    assert_eq!(harness.state().selection.stream.as_deref(), Some("clicks"));
    let saved = dir.join("saved.json");
    use_path(&mut harness, saved.to_str().unwrap(), "Save scenario");
    let text = std::fs::read_to_string(&saved).unwrap();
    assert_eq!(Scenario::from_json(&text).unwrap().name, "hot-shard");
    harness.get_by_label("Step").click();
    harness.run();
    let csv = dir.join("metrics.csv");
    use_path(&mut harness, csv.to_str().unwrap(), "Export metrics as CSV");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("epoch_second,IncomingRecords,WriteProvisionedThroughputExceeded\n"));
    use_path(&mut harness, "/nonexistent-dir/x.json", "Open scenario");
    assert!(
        harness
            .state()
            .notices
            .iter()
            .any(|n| n.starts_with("Cannot read /nonexistent-dir/x.json")),
        "{:?}",
        harness.state().notices
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn five_hundred_narrow_lanes_with_records_draw_without_panicking() {
    let scenario = r#"{
        "name": "wide", "description": "d", "duration_seconds": 60,
        "streams": [{"name": "wide", "shards": 500}],
        "producers": [{"name": "p", "stream": "wide", "rate": {"kind": "constant", "per_second": 5000},
                       "keys": {"kind": "uniform", "keys": 10000}}]
    }"#;
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(|_| inspector_of(scenario));
    harness.run();
    harness.get_by_label("Step").click();
    harness.run();
    let stream = &harness.state().view.streams[0];
    assert_eq!(stream.open_shards().count(), 500);
    assert!(stream.shards.iter().any(|s| !s.recent.is_empty()));
}

#[test]
fn each_application_s_position_on_each_shard_is_listed() {
    let mut harness = harness();
    for _ in 0..3 {
        harness.get_by_label("Step").click();
        harness.run();
    }
    harness.get_by_label("Consumers & lag").click();
    harness.run();
    let readers = &harness.state().view.readers;
    for app in ["polling-analytics", "efo-dashboard"] {
        assert_eq!(
            readers.iter().filter(|r| &*r.reader == app).count(),
            4,
            "{app} reads all four shards: {readers:?}"
        );
    }
    // The resource tree, the table row and one row per shard.
    assert!(harness.query_all_by_label("efo-dashboard").count() >= 4);
}

pub(crate) fn step_seconds(harness: &mut Harness<'_, Inspector>, seconds: usize) {
    for _ in 0..seconds {
        harness.get_by_label("Step").click();
        harness.run();
    }
}

/// Lets dialogs and jobs (threads of their own) finish, frame by frame, as the app would.
pub(super) fn settle(harness: &mut Harness<'_, Inspector>) {
    for _ in 0..4 {
        harness.step();
        harness.state_mut().dialogs.wait();
        harness.step();
        harness.state_mut().jobs.wait();
    }
    harness.run();
}

#[test]
fn many_closed_shards_are_folded_under_one_line_in_the_tree() {
    let mut harness = harness_of(
        r#"{
        "name": "rescale", "description": "10 shards doubled.", "duration_seconds": 60,
        "streams": [{"name": "s", "shards": 10}],
        "producers": [], "consumers": [],
        "timeline": [{"at_seconds": 0, "action": {"kind": "update_shard_count", "stream": "s", "target": 20}}]
    }"#,
    );
    for _ in 0..16 {
        harness.get_by_label("Step").click();
        harness.run();
    }
    assert_eq!(open_shards(&harness), 20);
    assert!(
        harness
            .query_by_label("shardId-000000000010 (open)")
            .is_some()
    );
    assert!(
        harness
            .query_by_label("shardId-000000000000 (closed)")
            .is_none(),
        "folded"
    );
    harness.get_by_label("closed shards (10)").click();
    harness.run();
    harness
        .get_by_label("shardId-000000000000 (closed)")
        .click();
    harness.run();
    assert_eq!(
        harness.state().selection.shard,
        Some(kinescope_core::streams::shapes::ShardId(0))
    );
}

#[test]
fn hundreds_of_open_shards_are_folded_too() {
    let mut harness = harness_of(
        r#"{
        "name": "wide", "description": "150 shards.", "duration_seconds": 60,
        "streams": [{"name": "s", "shards": 150}],
        "producers": [], "consumers": []
    }"#,
    );
    assert!(
        harness
            .query_by_label("shardId-000000000000 (open)")
            .is_none()
    );
    harness.get_by_label("open shards (150)").click();
    harness.run();
    assert!(
        harness
            .query_by_label("shardId-000000000000 (open)")
            .is_some()
    );
}
