//! The Firehose tab driven as a person would: the buffer, "Flush now", the delivered objects and
//! a preview of one.

use super::preview::Preview;
use crate::gui::Tab;
use crate::gui::tests::{harness_of, step_seconds};
use egui_kittest::kittest::Queryable;

const BUFFERING: &str = include_str!("../../../../assets/scenarios/firehose-buffering.json");

#[test]
fn flush_now_delivers_the_buffer_and_the_object_can_be_previewed() {
    let mut harness = harness_of(BUFFERING);
    harness.get_by_label("Firehose").click();
    harness.run();
    assert_eq!(harness.state().tab, Tab::Firehose);
    harness.state_mut().selection.delivery_stream = Some("interval-first".into());
    step_seconds(&mut harness, 5);
    let buffered = |h: &egui_kittest::Harness<'_, crate::gui::Inspector>| {
        h.state()
            .view
            .firehoses
            .iter()
            .find(|f| f.name == "interval-first")
            .unwrap()
            .clone()
    };
    let before = buffered(&harness);
    assert!(before.buffered_records > 0);
    assert!(
        before.flushes.is_empty(),
        "the 60-second interval has not passed"
    );
    harness.get_by_label("Flush now").click();
    harness.run();
    let after = buffered(&harness);
    assert_eq!(after.buffered_records, 0);
    assert_eq!(after.flushes.len(), 1);
    assert_eq!(after.flushes[0].reason, "flush-now");
    assert_eq!(after.flushes[0].records as usize, before.buffered_records);
    let key = after.flushes[0].key.clone();
    assert_eq!(harness.state().view.firehose_objects.len(), 1);
    harness.get_by_label(&key).click();
    harness.run();
    harness.run();
    let (previewed, preview) = harness.state().firehose_preview.clone().unwrap();
    assert_eq!(previewed, key);
    let Preview::Text(text) = preview else {
        panic!("text expected: {preview:?}");
    };
    assert!(
        text.starts_with('{') && text.contains("\n{"),
        "one record a line: {text}"
    );
}

#[test]
fn the_resource_tree_lists_delivery_streams_and_opens_the_tab() {
    let mut harness = harness_of(BUFFERING);
    harness
        .get_by_label("size-first · Direct PUT · ACTIVE")
        .click();
    harness.run();
    assert_eq!(harness.state().tab, Tab::Firehose);
    assert_eq!(
        harness.state().selection.delivery_stream.as_deref(),
        Some("size-first")
    );
}

#[test]
fn a_parquet_object_previews_as_rows_of_the_tables_columns() {
    const PARQUET: &str =
        include_str!("../../../../assets/scenarios/firehose-transform-parquet.json");
    let mut harness = harness_of(PARQUET);
    harness.get_by_label("Firehose").click();
    harness.state_mut().selection.delivery_stream = Some("clicks-to-parquet".into());
    step_seconds(&mut harness, 125);
    let parquet = harness
        .state()
        .view
        .firehose_objects
        .iter()
        .find(|o| o.key.ends_with(".parquet"))
        .map(|o| o.key.clone())
        .expect("a Parquet object after two minutes");
    harness.get_by_label(&parquet).click();
    harness.run();
    harness.run();
    let (_, preview) = harness.state().firehose_preview.clone().unwrap();
    let Preview::Rows(rows) = preview else {
        panic!("rows expected: {preview:?}");
    };
    assert_eq!(
        rows.columns,
        [
            "event_id",
            "user_id",
            "page",
            "action",
            "device",
            "ts",
            "reading_id"
        ]
    );
    assert!(rows.total_rows > 1_000, "{}", rows.total_rows);
    assert!(
        rows.rows.iter().all(|r| r[3] != "view"),
        "views were dropped"
    );
    harness.get_by_label("event_id");
}

/// A Redshift destination whose cluster does not answer: the tab names the COPY and its target,
/// the staged records wait, and the last failure says why.
#[test]
fn a_redshift_destination_shows_its_copies_and_why_they_fail() {
    const SCENARIO: &str = r#"{
      "name": "redshift-down", "description": "A cluster that does not answer.", "seed": 1, "duration_seconds": 120, "streams": [],
      "firehoses": [{
        "DeliveryStreamName": "to-redshift",
        "RedshiftDestinationConfiguration": {
          "RoleARN": "arn:aws:iam::000000000000:role/firehose",
          "ClusterJDBCURL": "jdbc:redshift://127.0.0.1:1/dev",
          "CopyCommand": {"DataTableName": "clicks", "CopyOptions": "JSON 'auto'"},
          "Username": "loader", "Password": "secret-1",
          "S3Configuration": {
            "RoleARN": "arn:aws:iam::000000000000:role/firehose",
            "BucketARN": "arn:aws:s3:::staging",
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 10}
          }
        }
      }],
      "producers": [{
        "name": "clicks", "firehose": "to-redshift",
        "rate": {"kind": "constant", "per_second": 5},
        "size": {"kind": "fixed", "bytes": 100},
        "payload": "clickstream", "keys": {"kind": "uniform", "keys": 10},
        "api": {"kind": "put_record"}
      }]
    }"#;
    let mut harness = harness_of(SCENARIO);
    harness.get_by_label("Firehose").click();
    harness.state_mut().selection.delivery_stream = Some("to-redshift".into());
    step_seconds(&mut harness, 15);
    let view = harness.state().view.firehoses[0].clone();
    assert_eq!(view.delivery_metric, "DeliveryToRedshift");
    assert_eq!(
        view.target,
        "COPY into clicks at jdbc:redshift://127.0.0.1:1/dev (staged in s3://staging/)"
    );
    let copy = view.copy.unwrap();
    assert_eq!(copy.copies, 0);
    assert!(copy.records_waiting > 0);
    let failure = copy.last_failure.unwrap();
    assert!(
        failure.starts_with("Redshift.ConnectionFailed: "),
        "{failure}"
    );
    harness.get_by_label("Last COPY failure");
    harness.get_by_label("Records waiting for COPY");
}
