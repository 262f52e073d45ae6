//! Buffering hints (B.3) and delivery (B.4): size first, interval first, interval 0, flush now,
//! delete with a full buffer, immediate mode, keys and compression.

use super::*;
use kinescope_core::firehose::buffer::{BufferingMode, FlushReason};
use kinescope_core::firehose::metrics::FirehoseMetric;
use kinescope_core::firehose::ops::flush::FlushDeliveryStreamInput;
use kinescope_core::firehose::ops::lifecycle::DeleteDeliveryStreamInput;
use std::io::Read;

fn flushes(world: &World) -> Vec<(FlushReason, u64, u64)> {
    world
        .delivery_stream(HOSE)
        .unwrap()
        .flushes
        .iter()
        .map(|f| (f.reason, f.records, f.bytes))
        .collect()
}

#[test]
fn the_size_hint_delivers_as_soon_as_the_buffer_holds_that_many_bytes() {
    let mut world = world();
    active_hose(&mut world, s3(1, 900));
    // 1 MiB = 1,048,576 bytes: the 1,049th record of 1,000 bytes reaches it.
    for _ in 0..3 {
        world.apply(batch(400, 1_000)).unwrap();
    }
    assert_eq!(flushes(&world), [(FlushReason::Size, 1_049, 1_049_000)]);
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.buffer.len(), 151);
    assert_eq!(stream.counters.objects_delivered, 1);
    let objects = world.objects().list(BUCKET, "");
    assert_eq!(objects.len(), 1);
    assert_eq!(objects[0].meta.size, 1_049_000);
}

#[test]
fn the_interval_hint_delivers_the_oldest_records_interval_seconds_after_they_arrived() {
    let mut world = world();
    active_hose(&mut world, s3(5, 60));
    let start = world.now_ms();
    world.apply(put(b"{\"a\":1}")).unwrap();
    world.step(10_000);
    world.apply(put(b"{\"b\":2}")).unwrap();
    world.step(49_999);
    assert!(flushes(&world).is_empty());
    world.step(1);
    assert_eq!(flushes(&world), [(FlushReason::Interval, 2, 14)]);
    let flush = &world.delivery_stream(HOSE).unwrap().flushes[0];
    assert_eq!(flush.at_ms, start + 60_000);
    // Default key: yyyy/MM/dd/HH/ of the oldest record, then NAME-VERSION-time-UUID.
    let key = &flush.key;
    assert!(
        key.starts_with("2026/01/01/00/orders-to-s3-1-2026-01-01-00-00-00-"),
        "{key}"
    );
    assert_eq!(
        key.len(),
        "2026/01/01/00/orders-to-s3-1-2026-01-01-00-00-00-".len() + 36
    );
    // Records are concatenated with no delimiter (B.4).
    let body = world.objects().body(BUCKET, key).unwrap().unwrap();
    assert_eq!(&body[..], b"{\"a\":1}{\"b\":2}");
    let counters = &world.delivery_stream(HOSE).unwrap().counters;
    assert_eq!(counters.max_data_freshness_ms, 60_000);
    // The same, over time, under CloudWatch's names.
    let metrics = &world.delivery_stream(HOSE).unwrap().metrics;
    let total = |m: FirehoseMetric| metrics.series(m).total();
    assert_eq!(total(FirehoseMetric::IncomingRecords), 2.0);
    assert_eq!(total(FirehoseMetric::IncomingBytes), 14.0);
    assert_eq!(total(FirehoseMetric::DeliveryToS3Records), 2.0);
    assert_eq!(total(FirehoseMetric::DeliveryToS3ObjectCount), 1.0);
    let freshness = metrics.series(FirehoseMetric::DeliveryToS3DataFreshness);
    let second = (start + 60_000) / 1_000;
    assert_eq!(freshness.at_second(second).max, 60_000.0);
}

#[test]
fn an_interval_of_zero_delivers_every_call_at_once() {
    let mut world = world();
    active_hose(&mut world, s3(5, 0));
    world.apply(batch(3, 10)).unwrap();
    world.apply(put(b"one")).unwrap();
    assert_eq!(
        flushes(&world),
        [
            (FlushReason::Interval, 3, 30),
            (FlushReason::Interval, 1, 3)
        ]
    );
}

#[test]
fn flush_now_delivers_what_waits_and_an_empty_buffer_delivers_nothing() {
    let mut world = world();
    active_hose(&mut world, s3(5, 300));
    world.apply(FlushDeliveryStreamInput::named(HOSE)).unwrap();
    assert!(flushes(&world).is_empty());
    world.apply(batch(5, 100)).unwrap();
    world.apply(FlushDeliveryStreamInput::named(HOSE)).unwrap();
    assert_eq!(flushes(&world), [(FlushReason::FlushNow, 5, 500)]);
    world.step(300_000);
    assert_eq!(flushes(&world).len(), 1, "nothing left for the interval");
}

#[test]
fn deleting_a_delivery_stream_discards_its_buffer() {
    let mut world = world();
    active_hose(&mut world, s3(5, 300));
    world.apply(batch(50, 100)).unwrap();
    world
        .apply(DeleteDeliveryStreamInput {
            delivery_stream_name: Some(HOSE.into()),
            allow_force_delete: None,
        })
        .unwrap();
    world.step(600_000);
    assert!(world.delivery_stream(HOSE).is_none());
    assert!(world.objects().list(BUCKET, "").is_empty());
}

#[test]
fn immediate_buffering_delivers_each_put_as_its_own_object() {
    let settings = Settings {
        firehose_buffering: BufferingMode::Immediate,
        ..Settings::default()
    };
    let mut world = World::new(settings, 7);
    active_hose(&mut world, s3(5, 300));
    world.apply(put(b"a")).unwrap();
    world.apply(batch(2, 1)).unwrap();
    assert_eq!(
        flushes(&world),
        [
            (FlushReason::Immediate, 1, 1),
            (FlushReason::Immediate, 2, 2)
        ]
    );
    assert_eq!(world.objects().list(BUCKET, "").len(), 2);
}

#[test]
fn prefixes_compression_and_file_extensions_shape_the_object() {
    let mut world = world();
    active_hose(
        &mut world,
        S3DestinationInput {
            prefix: Some("year=!{timestamp:yyyy}/!{firehose:random-string}/".into()),
            error_output_prefix: Some("errors/!{firehose:error-output-type}/".into()),
            compression_format: Some("GZIP".into()),
            ..s3(5, 60)
        },
    );
    world.apply(put(b"hello ")).unwrap();
    world.apply(put(b"world")).unwrap();
    world.step(60_000);
    let flush = world.delivery_stream(HOSE).unwrap().flushes[0].clone();
    let parts: Vec<&str> = flush.key.split('/').collect();
    assert_eq!(parts[0], "year=2026");
    assert_eq!(parts[1].len(), 11);
    assert!(parts[2].ends_with(".gz"), "{}", flush.key);
    let meta = world.objects().meta(BUCKET, &flush.key).unwrap().clone();
    assert_eq!(meta.content_encoding, Some("gzip"));
    let body = world.objects().body(BUCKET, &flush.key).unwrap().unwrap();
    let mut text = String::new();
    flate2_read(&body, &mut text);
    assert_eq!(text, "hello world");

    let mut world = super::world();
    active_hose(
        &mut world,
        S3DestinationInput {
            prefix: Some("legacy".into()),
            compression_format: Some("HADOOP_SNAPPY".into()),
            file_extension: Some(".json.snappy".into()),
            ..s3(5, 60)
        },
    );
    world.apply(put(b"x")).unwrap();
    world.step(60_000);
    let key = world.delivery_stream(HOSE).unwrap().flushes[0].key.clone();
    assert!(
        key.starts_with("legacy2026/01/01/00/orders-to-s3-1-"),
        "{key}"
    );
    assert!(key.ends_with(".json.snappy"), "{key}");
    let meta = world.objects().meta(BUCKET, &key).unwrap();
    assert_eq!(meta.content_encoding, Some("hadoop-snappy"));
}

fn flate2_read(body: &[u8], text: &mut String) {
    flate2::read::GzDecoder::new(body)
        .read_to_string(text)
        .unwrap();
}

#[test]
fn objects_land_in_a_folder_per_bucket_under_the_data_directory() {
    let dir = std::env::temp_dir().join(format!("kinescope-firehose-{}", std::process::id()));
    let mut world = world();
    world.set_object_root(Some(dir.join("s3")));
    active_hose(&mut world, s3(5, 1));
    world.apply(put(b"on disk")).unwrap();
    world.step(1_000);
    let key = world.delivery_stream(HOSE).unwrap().flushes[0].key.clone();
    let path = dir.join("s3").join(BUCKET).join(&key);
    assert_eq!(std::fs::read(&path).unwrap(), b"on disk");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_store_that_fails_keeps_the_object_and_retries_it() {
    let dir = std::env::temp_dir().join(format!("kinescope-firehose-ro-{}", std::process::id()));
    std::fs::write(&dir, b"a file where the folder should be").unwrap();
    let mut world = world();
    world.set_object_root(Some(dir.join("s3")));
    active_hose(&mut world, s3(5, 1));
    world.apply(put(b"kept")).unwrap();
    world.step(1_000);
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.counters.objects_delivered, 0);
    assert_eq!(stream.undelivered.len(), 1);
    assert!(stream.counters.delivery_failures >= 1);
    std::fs::remove_file(&dir).unwrap();
    world.step(5_000);
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.counters.objects_delivered, 1);
    assert!(stream.undelivered.is_empty());
    // DeliveryToS3.Success: 0 for each failed attempt, 1 for the one that stored it.
    let success = stream.metrics.series(FirehoseMetric::DeliveryToS3Success);
    let (sum, count) = success
        .per_second()
        .fold((0.0, 0), |(s, c), (_, b)| (s + b.sum, c + b.count));
    assert_eq!(sum, 1.0);
    assert!(count >= 2, "{count}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// With `--s3-endpoint` the object goes to the remote S3, and is still listed and readable here
/// (the app's object list and preview) once the PUT is answered.
#[test]
fn an_object_put_to_a_remote_s3_is_listed_here_once_stored() {
    use kinescope_core::firehose::s3_remote::RemoteS3;
    use kinescope_core::outbound::{Answer, HttpAnswer};
    let settings = kinescope_core::settings::Settings {
        s3_endpoint: Some(RemoteS3 {
            endpoint: "http://127.0.0.1:9".into(),
            access_key: "test".into(),
            secret_key: "test".into(),
        }),
        ..kinescope_core::settings::Settings::default()
    };
    let mut world = World::new(settings, 7);
    world.defer_outbound_calls();
    active_hose(&mut world, s3(5, 1));
    world.apply(put(b"remote")).unwrap();
    world.step(1_000);
    let calls = world.take_outbound_calls();
    assert_eq!(calls.len(), 1);
    let put_call = calls[0].1.http().unwrap();
    assert_eq!(put_call.method, "PUT");
    assert!(
        world.objects().list(BUCKET, "").is_empty(),
        "not stored yet"
    );
    let stored = HttpAnswer {
        status: 200,
        headers: vec![],
        body: vec![],
    };
    world.complete_call(calls[0].0, Answer::Http(Ok(stored)));
    let listed = world.objects().list(BUCKET, "");
    assert_eq!(listed.len(), 1);
    assert!(put_call.url.ends_with(&listed[0].key), "{}", put_call.url);
    let body = world
        .objects()
        .body(BUCKET, &listed[0].key)
        .unwrap()
        .unwrap();
    assert_eq!(&body[..], b"remote");
}
