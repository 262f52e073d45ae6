//! Interaction tests of the workflows added on top of the panels: editing simulators, file
//! dialogs and jobs, throughput per metric, the event log, capacity mode and typed split keys.

use super::Inspector;
use super::tests::{harness, harness_of, settle, step_seconds};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kinescope_core::sim::scenario::Scenario;

/// Why the simulator editor refused the last Apply.
fn editor_error(harness: &Harness<'_, Inspector>) -> String {
    let editor = harness.state().simulators.editor.as_ref();
    editor.and_then(|e| e.error.clone()).unwrap_or_default()
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
    let error = editor_error(&harness);
    assert!(error.contains("poll_interval_ms"), "{error}");
    assert!(
        harness
            .query_by_label_contains("poll_interval_ms = -5")
            .is_some()
    );
    harness.state_mut().simulators.editor.as_mut().unwrap().text =
        "{\"kind\": \"polling\", \"colour\": 1}".into();
    harness.get_by_label("Apply").click();
    harness.run();
    let error = editor_error(&harness);
    assert!(error.contains("unknown field `colour`"), "{error}");
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
    let mut harness = harness_of(include_str!(
        "../../../assets/scenarios/slow-consumer-lag.json"
    ));
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

#[test]
fn a_shard_nobody_reads_any_more_shows_when_it_was_last_read() {
    // worker-1 dies at 40 s holding two leases; at 55 s nobody has taken them over yet.
    let mut harness = harness_of(include_str!(
        "../../../assets/scenarios/kcl-failover-duplicates.json"
    ));
    harness.get_by_label("Consumers & lag").click();
    harness.run();
    step_seconds(&mut harness, 55);
    harness.get_by_label("Last read");
    let idle = harness.query_all_by_label("15 s ago").count();
    assert_eq!(idle, 2, "the dead worker's two shards");
    assert_eq!(
        harness.query_all_by_label("now").count(),
        2,
        "worker-2's shards"
    );
}

pub(crate) fn dialog_path(purpose: super::dialogs::Purpose) -> Option<std::path::PathBuf> {
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
        Purpose::IngestVideo => {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/video/sample.mkv").into()
        }
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
        harness
            .state()
            .view
            .readers
            .iter()
            .all(|r| &*r.stream == "clicks"),
        "no reader of the closed scenario is left"
    );
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

#[test]
fn throughput_charts_each_metric_against_its_limit_for_the_stream_or_a_shard() {
    let mut harness = harness_of(include_str!("../../../assets/scenarios/hot-shard.json"));
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
    let mut harness = harness_of(include_str!(
        "../../../assets/scenarios/kcl-failover-duplicates.json"
    ));
    harness.get_by_label("Events").click();
    harness.run();
    // Killed at 40 s; its leases expire 10 s after their last renewal and are taken at worker-2's
    // next lease-taker run, every ~20 s (KCL: 2 x (failover + 25 ms)).
    step_seconds(&mut harness, 65);
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
    for _ in 0..5 {
        harness.get_by_label("Step").click();
        harness.run();
    }
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

#[test]
fn the_reader_copy_is_reused_until_a_position_changes() {
    let mut harness = harness();
    step_seconds(&mut harness, 2);
    let before = harness.state().view.readers.clone();
    assert!(!before.is_empty());
    harness.run();
    assert!(
        std::sync::Arc::ptr_eq(&before, &harness.state().view.readers),
        "paused: same copy"
    );
    step_seconds(&mut harness, 1);
    let after = &harness.state().view.readers;
    assert!(
        !std::sync::Arc::ptr_eq(&before, after),
        "reads moved the positions"
    );
    assert_eq!(after.len(), before.len());
}

#[test]
fn a_lambda_trigger_lists_the_batches_it_gave_up_and_where_they_went() {
    let mut harness = harness_of(include_str!(
        "../../../assets/scenarios/lambda-poison-pill.json"
    ));
    harness.get_by_label("Consumers & lag").click();
    harness.run();
    step_seconds(&mut harness, 40);
    let header = "whole-batch-retries: batches given up";
    harness.get_by_label_contains(header).click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("on-failure destination stream orders-failures")
            .is_some()
    );
    assert!(harness.query_all_by_label("RetryAttemptsExhausted").count() >= 1);
    let whole = harness
        .state()
        .view
        .consumers
        .iter()
        .find(|c| c.name == "whole-batch-retries")
        .unwrap();
    // Each was invoked once and retried twice (MaximumRetryAttempts 2) before it was given up.
    assert!(!whole.failures.is_empty());
    assert!(whole.failures.iter().all(|f| f.invocations == 3));
}
