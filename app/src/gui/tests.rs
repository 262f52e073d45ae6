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

fn inspector() -> Inspector {
    inspector_of(include_str!("../../../assets/scenarios/demo.json"))
}

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

fn harness() -> Harness<'static, Inspector> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_eframe(|_| inspector());
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
    // The split completes after the stream's UPDATING delay.
    harness.get_by_label("Step").click();
    harness.run();
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
    assert_eq!(peeked, super::records::PAGE);
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
    assert_eq!(harness.state().browser.rows.len(), super::records::PAGE);
    assert!(harness.state().browser.error.is_none());
    // (Any command also lets pending enhanced fan-out pushes go out, which count too.)
    assert!(
        reads(&harness) >= before + super::records::PAGE as f64,
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
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_eframe(|_| {
            inspector_of(include_str!(
                "../../../assets/scenarios/kcl-failover-duplicates.json"
            ))
        });
    harness.run();
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

pub(super) fn step_seconds(harness: &mut Harness<'_, Inspector>, seconds: usize) {
    for _ in 0..seconds {
        harness.get_by_label("Step").click();
        harness.run();
    }
}

#[test]
fn a_producer_added_in_the_editor_starts_writing() {
    let mut harness = harness();
    harness.get_by_label("Simulators").click();
    harness.run();
    harness.get_by_label("Add producer").click();
    harness.run();
    let text = &harness.state().simulators.editor.as_ref().unwrap().text;
    assert!(
        text.contains("\"name\": \"producer-1\"") && text.contains("\"retry\""),
        "{text}"
    );
    harness.get_by_label("Apply").click();
    harness.run();
    assert!(
        harness.state().simulators.editor.is_none(),
        "closed once applied"
    );
    step_seconds(&mut harness, 2);
    let added = harness
        .state()
        .view
        .producers
        .iter()
        .find(|p| p.name == "producer-1");
    assert!(added.is_some_and(|p| p.acknowledged > 0), "{added:?}");
    assert!(harness.query_by_label("Remove producer-1").is_some());
}

#[test]
fn a_refused_edit_stays_in_the_editor_with_the_reason_and_changes_nothing() {
    let mut harness = harness();
    harness.get_by_label("Simulators").click();
    harness.run();
    harness.get_by_label("Edit polling-analytics").click();
    harness.run();
    let before = harness.state().view.consumers[0].spec.clone();
    let editor = harness.state_mut().simulators.editor.as_mut().unwrap();
    editor.text = editor
        .text
        .replace("\"poll_interval_ms\": 1000", "\"poll_interval_ms\": -5");
    harness.get_by_label("Apply").click();
    harness.run();
    let error = harness
        .state()
        .simulators
        .editor
        .as_ref()
        .unwrap()
        .error
        .clone();
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("poll_interval_ms")),
        "{error:?}"
    );
    assert!(
        harness
            .query_by_label_contains("poll_interval_ms = -5")
            .is_some()
    );
    harness.state_mut().simulators.editor.as_mut().unwrap().text =
        "{\"kind\": \"polling\", \"colour\": 1}".into();
    harness.get_by_label("Apply").click();
    harness.run();
    let error = harness
        .state()
        .simulators
        .editor
        .as_ref()
        .unwrap()
        .error
        .clone();
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("unknown field `colour`")),
        "{error:?}"
    );
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.state().simulators.editor.is_none());
    assert_eq!(harness.state().view.consumers[0].spec, before);
}

#[test]
fn an_edit_applies_live_and_remove_takes_the_application_away() {
    let mut harness = harness();
    harness.get_by_label("Simulators").click();
    harness.run();
    step_seconds(&mut harness, 3);
    let processed = harness.state().view.consumers[0].records_processed;
    harness.get_by_label("Edit polling-analytics").click();
    harness.run();
    let editor = harness.state_mut().simulators.editor.as_mut().unwrap();
    editor.text = editor
        .text
        .replace("\"poll_interval_ms\": 1000", "\"poll_interval_ms\": 200");
    harness.get_by_label("Apply").click();
    harness.run();
    let consumer = &harness.state().view.consumers[0];
    assert!(consumer.records_processed >= processed, "kept its place");
    assert!(
        serde_json::to_string(&consumer.spec)
            .unwrap()
            .contains("\"poll_interval_ms\":200")
    );
    assert!(
        harness
            .state()
            .notices
            .iter()
            .any(|n| n.contains("runs with the new settings"))
    );
    harness.get_by_label("Remove efo-dashboard").click();
    harness.run();
    let names: Vec<_> = harness
        .state()
        .view
        .consumers
        .iter()
        .map(|c| c.name.clone())
        .collect();
    assert_eq!(names, ["polling-analytics"]);
}

#[test]
fn the_map_switches_capacity_mode() {
    let mut harness = harness();
    harness.get_by_label("Switch to on-demand").click();
    harness.run();
    step_seconds(&mut harness, 2);
    assert_eq!(
        harness.state().view.streams[0].mode,
        kinescope_core::streams::shapes::StreamMode::OnDemand
    );
    assert!(harness.query_by_label("Switch to provisioned").is_some());
}

#[test]
fn a_slow_application_s_records_behind_and_lag_are_plotted_over_time() {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_eframe(|_| {
            inspector_of(include_str!(
                "../../../assets/scenarios/slow-consumer-lag.json"
            ))
        });
    harness.run();
    harness.get_by_label("Consumers & lag").click();
    harness.run();
    step_seconds(&mut harness, 40);
    let lag = &harness.state().lag;
    let slow = &lag.apps["slow-enricher"];
    let fast = &lag.apps["fast-indexer"];
    assert_eq!(
        slow.millis_behind.len(),
        41,
        "one sample per virtual second"
    );
    assert!(
        slow.records_behind.last().unwrap()[1] > 1_000.0,
        "{:?}",
        slow.records_behind.last()
    );
    assert!(fast.records_behind.last().unwrap()[1] < slow.records_behind.last().unwrap()[1]);
    assert_eq!(lag.trend("slow-enricher"), "growing");
    assert!(
        lag.shards
            .keys()
            .any(|(name, _)| &**name == "slow-enricher")
    );
    // The column headers come first; the plot's switch is the last "Records behind".
    harness
        .query_all_by_label("Records behind")
        .last()
        .unwrap()
        .click();
    harness.run();
    assert!(harness.state().lag_plot_records);
}

fn dialog_path(purpose: super::dialogs::Purpose) -> Option<std::path::PathBuf> {
    use super::dialogs::Purpose;
    let temp = std::env::temp_dir().join(format!("kinescope-dialog-{}", std::process::id()));
    Some(match purpose {
        Purpose::OpenScenario => concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/scenarios/hot-shard.json"
        )
        .into(),
        Purpose::SaveScenario => temp.with_extension("json"),
        Purpose::ExportCsv => return None,
        Purpose::ExportPng => temp.with_extension("png"),
    })
}

#[test]
fn file_dialogs_open_save_and_export_what_the_user_picks_and_show_progress() {
    let mut harness = harness();
    harness.state_mut().dialogs = super::dialogs::Dialogs::with_picker(dialog_path);
    let choose = |harness: &mut Harness<'_, Inspector>, item: &str| {
        harness.get_by_label("File").click();
        harness.run();
        harness.get_by_label(item).click();
        settle(harness);
    };
    choose(&mut harness, "Open scenario...");
    assert_eq!(harness.state().view.scenario.as_deref(), Some("hot-shard"));
    assert!(
        harness.state().file_path.ends_with("hot-shard.json"),
        "the typed path follows the dialog"
    );
    choose(&mut harness, "Save scenario as...");
    let saved = dialog_path(super::dialogs::Purpose::SaveScenario).unwrap();
    assert_eq!(
        Scenario::from_json(&std::fs::read_to_string(&saved).unwrap())
            .unwrap()
            .name,
        "hot-shard"
    );
    // Cancelled: nothing happens, nothing is left waiting.
    let notices = harness.state().notices.len();
    choose(&mut harness, "Export metrics as CSV...");
    assert_eq!(harness.state().notices.len(), notices);
    assert!(harness.state().dialogs.waiting().is_none());
    std::fs::remove_file(saved).ok();
}

#[test]
fn a_running_job_shows_a_spinner_with_what_it_does() {
    let mut harness = harness();
    let (release, hold) = std::sync::mpsc::channel::<()>();
    let ctx = harness.ctx.clone();
    harness.state_mut().jobs.start(
        "Exporting big.csv",
        super::jobs::JobKind::Export,
        &ctx,
        move || {
            hold.recv().ok();
            Ok("Exported big.csv".into())
        },
    );
    harness.step();
    assert!(harness.query_by_label("Exporting big.csv...").is_some());
    release.send(()).unwrap();
    harness.state_mut().jobs.wait();
    harness.step();
    harness.step();
    assert!(harness.query_by_label("Exporting big.csv...").is_none());
    assert!(
        harness
            .state()
            .notices
            .iter()
            .any(|n| n == "Exported big.csv")
    );
}

/// Lets dialogs and jobs (threads of their own) finish, frame by frame, as the app would.
fn settle(harness: &mut Harness<'_, Inspector>) {
    for _ in 0..4 {
        harness.step();
        harness.state_mut().dialogs.wait();
        harness.step();
        harness.state_mut().jobs.wait();
    }
    harness.run();
}

#[test]
fn throughput_charts_each_metric_against_its_limit_for_the_stream_or_a_shard() {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_eframe(|_| inspector_of(include_str!("../../../assets/scenarios/hot-shard.json")));
    harness.run();
    harness.get_by_label("Throughput").click();
    harness.run();
    step_seconds(&mut harness, 4);
    let charts = harness
        .state()
        .view
        .charts
        .clone()
        .expect("charts while the tab is open");
    assert_eq!(charts.scope, "stream clicks");
    let names: Vec<_> = charts.charts.iter().map(|c| c.metric).collect();
    assert_eq!(
        names,
        [
            "IncomingBytes",
            "IncomingRecords",
            "GetRecords.Bytes",
            "GetRecords.Success"
        ]
    );
    assert_eq!(charts.charts[1].limit, 4_000.0);
    assert_eq!(
        charts.charts[3].limit, 20.0,
        "5 reads/s for each of 4 shards"
    );
    assert!(
        !charts.charts[1].throttled.is_empty(),
        "the hot shard's throttles are marked"
    );
    let hot = harness.state().view.streams[0]
        .shards
        .iter()
        .find(|s| s.throttled)
        .map(|s| s.id)
        .unwrap();
    harness.state_mut().throughput_shard = Some(hot);
    step_seconds(&mut harness, 1);
    let charts = harness.state().view.charts.clone().unwrap();
    assert_eq!(charts.scope, format!("shard {hot} of clicks"));
    assert_eq!(charts.charts[1].limit, 1_000.0);
    assert!(charts.charts[1].points.iter().any(|[_, v]| *v >= 1_000.0));
    assert!(harness.query_all_by_label("IncomingRecords").count() >= 1);
    harness.get_by_label("Stream map").click();
    harness.run();
    assert!(
        harness.state().view.charts.is_none(),
        "not copied when nobody looks"
    );
}

#[test]
fn the_event_log_shows_failovers_and_filters_by_text() {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_eframe(|_| {
            inspector_of(include_str!(
                "../../../assets/scenarios/kcl-failover-duplicates.json"
            ))
        });
    harness.run();
    harness.get_by_label("Events").click();
    harness.run();
    step_seconds(&mut harness, 55);
    harness.state_mut().event_filter = "failover".into();
    harness.run();
    // worker-1's two leases, in the log (the newest also in the bottom strip).
    assert!(
        harness
            .query_all_by_label_contains("failed over from worker-1 (killed) to worker-2")
            .count()
            >= 2
    );
    assert!(
        harness.query_by_label_contains("StatusChanged").is_none(),
        "filtered out"
    );
    harness.state_mut().event_filter = "no such thing".into();
    harness.run();
    assert!(
        harness
            .query_by_label("No event matches the filter.")
            .is_some()
    );
}

#[test]
fn a_shard_splits_at_a_typed_hash_key_and_a_bad_key_is_explained() {
    let mut harness = harness();
    harness.get_by_label("shardId-000000000000 (open)").click();
    harness.run();
    let range = harness.state().view.streams[0].shards[0].range;
    let at = range.start + 12_345;
    harness.state_mut().split_key = at.to_string();
    harness.get_by_label("Split selected shard").click();
    harness.run();
    harness.get_by_label("Step").click();
    harness.run();
    let stream = &harness.state().view.streams[0];
    let starts: Vec<u128> = stream.open_shards().map(|s| s.range.start).collect();
    assert!(starts.contains(&at), "{starts:?}");
    harness.get_by_label("shardId-000000000001 (open)").click();
    harness.state_mut().split_key = "twelve".into();
    harness.run();
    harness.get_by_label("Split selected shard").click();
    harness.run();
    assert!(
        harness
            .state()
            .notices
            .iter()
            .any(|n| n.contains("\"twelve\" is not a whole number"))
    );
}
