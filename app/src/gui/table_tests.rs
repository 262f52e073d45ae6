//! Every table of the inspector at 1280×800, the smallest size it must stay usable at: no cell
//! wraps onto a second line or is cut while there is room, and a long value is cut and shown whole
//! on hover.

use super::Inspector;
use super::tests::{inspector_of, step_seconds};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kinescope_core::traffic::TrafficEntry;

/// Taller than one line of text, shorter than two.
const ONE_LINE: f32 = 26.0;

fn small_harness(scenario: &'static str) -> Harness<'static, Inspector> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_| inspector_of(scenario));
    harness.run();
    harness
}

/// Asserts that every widget labelled exactly `label` sits on one line and is shown whole (at
/// least `min_width` px wide).
fn whole_on_one_line(harness: &Harness<'_, Inspector>, label: &str, min_width: f32) {
    let mut found = false;
    for node in harness.query_all_by_label(label) {
        found = true;
        let rect = node.rect();
        assert!(
            rect.height() < ONE_LINE,
            "{label:?} is {} px high",
            rect.height()
        );
        assert!(
            rect.width() >= min_width,
            "{label:?} is cut to {} px",
            rect.width()
        );
    }
    assert!(found, "no {label:?}");
}

const DEMO: &str = include_str!("../../../assets/scenarios/demo.json");
const KCL: &str = include_str!("../../../assets/scenarios/kcl-failover-duplicates.json");

#[test]
fn the_traffic_table_names_each_client_and_keeps_every_cell_on_one_line() {
    let mut harness = small_harness(DEMO);
    let long_stream = "a-stream-with-a-rather-long-name-that-would-have-wrapped-before-".repeat(2);
    for (agent, client) in [("boto3", "127.0.0.1:50001"), ("aws-cli", "127.0.0.1:50002")] {
        harness.state().world.record_traffic(TrafficEntry {
            at_ms: 0,
            client: client.into(),
            client_kind: agent,
            http_version: "HTTP/1.1".into(),
            operation: "DescribeStreamSummary".into(),
            stream: Some(long_stream.clone()),
            status: 400,
            error: Some("ResourceNotFoundException".into()),
            latency_us: 310,
            request_bytes: 40,
            response_bytes: 120,
        });
    }
    harness.get_by_label("API traffic").click();
    harness.run();
    harness.run();
    whole_on_one_line(&harness, "boto3 · 127.0.0.1:50001", 120.0);
    whole_on_one_line(&harness, "aws-cli · 127.0.0.1:50002", 120.0);
    whole_on_one_line(&harness, "DescribeStreamSummary", 120.0);
    whole_on_one_line(&harness, "ResourceNotFoundException", 150.0);
    whole_on_one_line(&harness, "0.31 ms", 30.0);
    whole_on_one_line(&harness, "Virtual time", 60.0);
    // The long stream name is cut, not the table widened; its cell says so on hover.
    let cut = format!("{}…", &long_stream[..48]);
    whole_on_one_line(&harness, &cut, 200.0);
    assert!(harness.query_by_label(&long_stream).is_none());
}

#[test]
fn the_event_table_keeps_every_cell_on_one_line() {
    let mut harness = small_harness(KCL);
    harness.get_by_label("Events").click();
    harness.run();
    step_seconds(&mut harness, 65);
    let details: Vec<String> = harness
        .state()
        .view
        .events
        .iter()
        .take(5)
        .map(|e| e.detail.clone())
        .collect();
    assert!(!details.is_empty());
    for detail in &details {
        for node in harness.query_all_by_label(detail) {
            assert!(node.rect().height() < ONE_LINE, "{detail:?} wraps");
        }
    }
    whole_on_one_line(&harness, "Virtual time", 60.0);
    whole_on_one_line(&harness, "payments", 50.0);
}

#[test]
fn the_consumer_and_reader_tables_keep_every_cell_on_one_line() {
    let mut harness = small_harness(KCL);
    harness.get_by_label("Consumers & lag").click();
    harness.run();
    step_seconds(&mut harness, 5);
    for label in [
        "MillisBehindLatest",
        "Records behind",
        "ledger-app",
        "payments",
    ] {
        for node in harness.query_all_by_label(label) {
            assert!(node.rect().height() < ONE_LINE, "{label:?} wraps");
        }
    }
}

#[test]
fn the_simulator_and_lease_tables_keep_every_cell_on_one_line() {
    let mut harness = small_harness(KCL);
    harness.get_by_label("Simulators").click();
    harness.run();
    step_seconds(&mut harness, 5);
    for label in [
        "Acknowledged",
        "payment-api",
        "leaseOwner",
        "shardId-000000000000",
    ] {
        for node in harness.query_all_by_label(label) {
            assert!(node.rect().height() < ONE_LINE, "{label:?} wraps");
        }
    }
}

#[test]
fn the_record_table_keeps_every_cell_on_one_line() {
    let mut harness = small_harness(DEMO);
    step_seconds(&mut harness, 2);
    harness.get_by_label("Records").click();
    harness.run();
    harness.get_by_label("Read").click();
    harness.run();
    let rows = harness.state().browser.rows.clone();
    assert!(!rows.is_empty());
    for row in rows.iter().take(10) {
        whole_on_one_line(&harness, &row.sequence.to_string(), 300.0);
    }
}
