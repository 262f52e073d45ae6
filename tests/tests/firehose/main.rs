//! Firehose on the virtual clock (reference B): delivery streams, puts and their limits,
//! buffering, object keys, compression and delivery to S3 folders.

mod buffering;
mod control;
mod conversion;
mod http_endpoint;
mod opensearch;
mod partitioning;
mod postgres;
mod processing;
mod puts;
mod receiver;
mod redshift;
mod source;
mod splunk;

use kinescope_core::World;
use kinescope_core::firehose::destination::{BufferingHintsInput, S3DestinationInput};
use kinescope_core::firehose::ops::lifecycle::CreateDeliveryStreamInput;
use kinescope_core::firehose::ops::put::{PutRecordBatchInput, PutRecordInput, Record};
use kinescope_core::settings::Settings;

pub const HOSE: &str = "orders-to-s3";
pub const BUCKET: &str = "orders-bucket";

/// A world at 2026-01-01T00:00:00Z.
pub fn world() -> World {
    World::new(Settings::default(), 7)
}

/// An S3 destination for [`BUCKET`] with buffering hints `size_mb` / `interval_s`.
pub fn s3(size_mb: i64, interval_s: i64) -> S3DestinationInput {
    S3DestinationInput {
        role_arn: Some("arn:aws:iam::000000000000:role/firehose".into()),
        bucket_arn: Some(format!("arn:aws:s3:::{BUCKET}")),
        buffering_hints: Some(BufferingHintsInput {
            size_in_mbs: Some(size_mb),
            interval_in_seconds: Some(interval_s),
        }),
        ..S3DestinationInput::default()
    }
}

/// Creates [`HOSE`] with `destination` and waits until it is ACTIVE.
pub fn active_hose(world: &mut World, destination: S3DestinationInput) {
    world
        .apply(CreateDeliveryStreamInput {
            delivery_stream_name: Some(HOSE.into()),
            extended_s3_destination_configuration: Some(destination),
            ..CreateDeliveryStreamInput::default()
        })
        .unwrap();
    world.step(500);
}

/// A PutRecord of `data` to [`HOSE`].
pub fn put(data: &[u8]) -> PutRecordInput {
    PutRecordInput {
        delivery_stream_name: Some(HOSE.into()),
        record: Some(Record::new(data)),
    }
}

/// A PutRecordBatch of `count` records of `size` bytes to [`HOSE`].
pub fn batch(count: usize, size: usize) -> PutRecordBatchInput {
    PutRecordBatchInput {
        delivery_stream_name: Some(HOSE.into()),
        records: Some((0..count).map(|_| Record::new(vec![b'x'; size])).collect()),
    }
}

/// Creates [`HOSE`] from `input` (named here) and waits until it is ACTIVE.
pub fn active_hose_from(world: &mut World, input: CreateDeliveryStreamInput) {
    world
        .apply(CreateDeliveryStreamInput {
            delivery_stream_name: Some(HOSE.into()),
            ..input
        })
        .unwrap();
    world.step(500);
}

/// The JSON documents of every object under `prefix` of [`BUCKET`], a line each.
pub fn documents_under(world: &World, prefix: &str) -> Vec<serde_json::Value> {
    world
        .objects()
        .list(BUCKET, prefix)
        .iter()
        .flat_map(|o| {
            let body = world.objects().body(BUCKET, &o.key).unwrap().unwrap();
            body.split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .map(|l| serde_json::from_slice(l).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}
