//! A Kinesis stream as source (B.2): read from LATEST once a second per shard through the Data
//! Streams read path, parents before children, KPL aggregates unpacked.

use super::*;
use kinescope_core::firehose::shapes::KinesisStreamSourceConfiguration;
use kinescope_core::sim::kpl::{UserRecord, aggregate};
use kinescope_core::streams::ops::lifecycle::CreateStreamInput;
use kinescope_core::streams::ops::put::PutRecordInput as KinesisPut;
use kinescope_core::streams::ops::reshard::SplitShardInput;
use kinescope_core::streams::shapes::ShardId;

const STREAM: &str = "clicks";

fn fed_by_stream(world: &mut World) {
    world
        .apply(CreateStreamInput::provisioned(STREAM, 2))
        .unwrap();
    world.step(500);
    world
        .apply(KinesisPut::new(
            STREAM,
            "before",
            &b"written before the delivery stream"[..],
        ))
        .unwrap();
    world
        .apply(CreateDeliveryStreamInput {
            delivery_stream_name: Some(HOSE.into()),
            delivery_stream_type: Some("KinesisStreamAsSource".into()),
            kinesis_stream_source_configuration: Some(KinesisStreamSourceConfiguration {
                kinesis_stream_arn: Some(world.stream_arn(STREAM)),
                role_arn: Some("arn:aws:iam::000000000000:role/firehose".into()),
            }),
            extended_s3_destination_configuration: Some(s3(5, 60)),
            ..CreateDeliveryStreamInput::default()
        })
        .unwrap();
    world.step(2_000);
}

fn delivered(world: &World) -> Vec<u8> {
    world
        .objects()
        .list(BUCKET, "")
        .iter()
        .flat_map(|o| {
            world
                .objects()
                .body(BUCKET, &o.key)
                .unwrap()
                .unwrap()
                .to_vec()
        })
        .collect()
}

#[test]
fn a_stream_source_is_read_from_latest_and_shows_as_a_reader() {
    let mut world = world();
    fed_by_stream(&mut world);
    for key in ["a", "b", "c", "d"] {
        world
            .apply(KinesisPut::new(
                STREAM,
                key,
                format!("[{key}]").into_bytes(),
            ))
            .unwrap();
    }
    world.step(61_000);
    let mut got = String::from_utf8(delivered(&world)).unwrap();
    assert!(
        !got.contains("before"),
        "LATEST skips what was written before: {got}"
    );
    let mut parts: Vec<&str> = got.split_inclusive(']').collect();
    parts.sort();
    got = parts.concat();
    assert_eq!(got, "[a][b][c][d]");
    let metrics = &world.delivery_stream(HOSE).unwrap().metrics;
    let read = kinescope_core::firehose::metrics::FirehoseMetric::DataReadFromKinesisStreamRecords;
    assert_eq!(metrics.series(read).total(), 4.0);
    let labels: Vec<String> = world
        .readers()
        .iter()
        .filter_map(|(_, r)| r.label.clone())
        .collect();
    assert!(
        labels.iter().any(|l| l == "firehose:orders-to-s3"),
        "{labels:?}"
    );
    let refused = world.apply(put(b"direct")).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "This operation is not permitted on KinesisStreamAsSource delivery stream type."
    );
}

#[test]
fn kpl_aggregates_are_unpacked_into_their_user_records() {
    let mut world = world();
    fed_by_stream(&mut world);
    let users: Vec<UserRecord> = (0..5)
        .map(|i| UserRecord {
            partition_key: format!("k{i}"),
            explicit_hash_key: None,
            data: format!("<{i}>").into_bytes(),
        })
        .collect();
    world
        .apply(KinesisPut::new(STREAM, "k0", aggregate(&users)))
        .unwrap();
    world.step(61_000);
    assert_eq!(delivered(&world), b"<0><1><2><3><4>");
    assert_eq!(world.kinesis_source(HOSE).unwrap().records_read, 5);
}

#[test]
fn after_a_split_children_are_read_after_their_parent() {
    let mut world = world();
    fed_by_stream(&mut world);
    world
        .apply(KinesisPut::new(STREAM, "p", &b"(parent)"[..]))
        .unwrap();
    let range = world.stream(STREAM).unwrap().shards[0].range;
    let middle = range.start + (range.end - range.start) / 2;
    world
        .apply(SplitShardInput::new(STREAM, ShardId(0), middle))
        .unwrap();
    world.step(10_000);
    for i in 0..20 {
        world
            .apply(KinesisPut::new(
                STREAM,
                &format!("child-{i}"),
                &b"(child)"[..],
            ))
            .unwrap();
    }
    world.step(61_000);
    let got = String::from_utf8(delivered(&world)).unwrap();
    assert_eq!(got.matches("(child)").count(), 20, "{got}");
    assert_eq!(got.matches("(parent)").count(), 1, "{got}");
}

#[test]
fn a_source_must_be_an_existing_stream() {
    let mut world = world();
    let missing = world.apply(CreateDeliveryStreamInput {
        delivery_stream_name: Some(HOSE.into()),
        delivery_stream_type: Some("KinesisStreamAsSource".into()),
        kinesis_stream_source_configuration: Some(KinesisStreamSourceConfiguration {
            kinesis_stream_arn: Some(world.stream_arn("nope")),
            role_arn: Some("arn:aws:iam::000000000000:role/firehose".into()),
        }),
        extended_s3_destination_configuration: Some(s3(5, 60)),
        ..CreateDeliveryStreamInput::default()
    });
    assert_eq!(missing.unwrap_err().code(), "InvalidArgumentException");
}
