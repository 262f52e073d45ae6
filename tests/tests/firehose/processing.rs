//! Record processing (B.6): processors before and after Lambda, Lambda's own buffer, the
//! Ok / Dropped / ProcessingFailed contract, retries, and the processing-failed error records.

use super::*;
use kinescope_core::firehose::destination::{ProcessingConfiguration, Processor};
use kinescope_core::firehose::object_store::ObjectRole;
use std::collections::BTreeMap;

const LAMBDA_ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function:filter";

fn processor(kind: &str, parameters: &[(&str, &str)]) -> Processor {
    Processor::new(kind, parameters)
}

fn processed(processors: Vec<Processor>) -> S3DestinationInput {
    S3DestinationInput {
        processing_configuration: Some(ProcessingConfiguration {
            enabled: true,
            processors,
        }),
        error_output_prefix: Some("errors/!{firehose:error-output-type}/".into()),
        ..s3(5, 60)
    }
}

fn world_with(lambdas: &[(&str, &str)]) -> World {
    let settings = Settings {
        lambdas: lambdas
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
        ..Settings::default()
    };
    World::new(settings, 7)
}

fn objects_under(world: &World, prefix: &str) -> Vec<String> {
    world
        .objects()
        .list(BUCKET, prefix)
        .iter()
        .map(|o| {
            let body = world.objects().body(BUCKET, &o.key).unwrap().unwrap();
            String::from_utf8(body.to_vec()).unwrap()
        })
        .collect()
}

#[test]
fn the_delimiter_is_appended_and_batched_json_is_split() {
    let mut world = world();
    active_hose(
        &mut world,
        processed(vec![
            processor("AppendDelimiterToRecord", &[]),
            processor("RecordDeAggregation", &[("SubRecordType", "JSON")]),
        ]),
    );
    world.apply(put(br#"{"a":1}{"b":2}"#)).unwrap();
    world.apply(put(br#"{"c":3}"#)).unwrap();
    world.step(60_000);
    assert_eq!(
        objects_under(&world, "2026/"),
        ["{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n"]
    );
    world.apply(put(b"{not json")).unwrap();
    world.step(60_000);
    let errors = objects_under(&world, "errors/processing-failed/");
    assert_eq!(errors.len(), 1);
    let record: serde_json::Value = serde_json::from_str(errors[0].trim()).unwrap();
    assert_eq!(record["errorCode"], "Processor.Failed");
    assert_eq!(record["rawData"], "e25vdCBqc29u");
}

#[test]
fn lambda_results_are_ok_dropped_or_processing_failed_after_its_own_buffer() {
    let mut world = world_with(&[("filter", "builtin:drop-where?field=level&equals=debug")]);
    active_hose(
        &mut world,
        processed(vec![
            processor(
                "Lambda",
                &[("LambdaArn", LAMBDA_ARN), ("BufferIntervalInSeconds", "60")],
            ),
            processor("AppendDelimiterToRecord", &[]),
        ]),
    );
    let start = world.now_ms();
    for record in [
        r#"{"level":"info","n":1}"#,
        r#"{"level":"debug","n":2}"#,
        "plain text",
        r#"{"level":"warn","n":4}"#,
    ] {
        world.apply(put(record.as_bytes())).unwrap();
    }
    // Lambda's buffer holds them 60 s, then the delivery buffer another 60 s.
    world.step(59_999);
    assert_eq!(world.delivery_stream(HOSE).unwrap().processing.len(), 4);
    world.step(1);
    let stream = world.delivery_stream(HOSE).unwrap();
    let c = &stream.counters;
    assert_eq!(
        (
            c.transform_ok,
            c.transform_dropped,
            c.transform_processing_failed
        ),
        (2, 1, 1)
    );
    assert_eq!(stream.buffer.len(), 2);
    assert_eq!(c.error_objects, 1);
    world.step(60_000);
    assert_eq!(
        objects_under(&world, "2026/"),
        ["{\"level\":\"info\",\"n\":1}\n{\"level\":\"warn\",\"n\":4}\n"]
    );
    let errors = objects_under(&world, "errors/processing-failed/");
    let record: serde_json::Value = serde_json::from_str(errors[0].trim()).unwrap();
    assert_eq!(record["errorCode"], "Lambda.ProcessingFailedStatus");
    assert_eq!(
        record["errorMessage"],
        "ProcessingFailed status set for record"
    );
    assert_eq!(record["lambdaARN"], LAMBDA_ARN);
    assert_eq!(record["attemptsMade"], 1);
    assert_eq!(record["arrivalTimestamp"], start);
    assert_eq!(record["attemptEndingTimestamp"], start + 60_000);
    assert_eq!(record["rawData"], "cGxhaW4gdGV4dA==");
    assert!(record.get("lambdaArn").is_none(), "the key is lambdaARN");
    let key = &world.objects().list(BUCKET, "errors/")[0].key;
    let role = |key: &str| world.objects().meta(BUCKET, key).unwrap().role;
    assert_eq!(role(key), ObjectRole::ErrorOutput);
    let data_key = &world.objects().list(BUCKET, "2026/")[0].key;
    assert_eq!(role(data_key), ObjectRole::Data);
    assert!(
        key.starts_with("errors/processing-failed/2026/01/01/00/orders-to-s3-1-"),
        "{key}"
    );
}

#[test]
fn a_function_that_cannot_be_called_is_retried_then_its_batch_fails() {
    let mut world = world_with(&[]);
    active_hose(
        &mut world,
        processed(vec![processor(
            "Lambda",
            &[("LambdaArn", LAMBDA_ARN), ("NumberOfRetries", "2")],
        )]),
    );
    world.apply(batch(3, 10)).unwrap();
    world.step(60_000);
    let stream = world.delivery_stream(HOSE).unwrap();
    let c = &stream.counters;
    assert_eq!((c.transform_ok, c.transform_processing_failed), (0, 3));
    let executed = kinescope_core::firehose::metrics::FirehoseMetric::ExecuteProcessingSuccess;
    let bucket = stream
        .metrics
        .series(executed)
        .per_second()
        .last()
        .unwrap()
        .1;
    assert_eq!(
        (bucket.sum, bucket.count),
        (0.0, 1),
        "one invocation, failed"
    );
    let errors = objects_under(&world, "errors/processing-failed/");
    let lines: Vec<serde_json::Value> = errors[0]
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines
            .iter()
            .all(|l| l["errorCode"] == "Lambda.FunctionNotFound" && l["attemptsMade"] == 3)
    );
    world.step(120_000);
    assert!(
        objects_under(&world, "2026/").is_empty(),
        "nothing reaches the data prefix"
    );
}

#[test]
fn the_lambda_buffer_delivers_at_its_size_and_flush_now_empties_both_buffers() {
    let mut world = world_with(&[("filter", "builtin:identity")]);
    active_hose(
        &mut world,
        processed(vec![processor(
            "Lambda",
            &[("LambdaArn", LAMBDA_ARN), ("BufferSizeInMBs", "0.2")],
        )]),
    );
    // 0.2 MB = 209,715 bytes: the 210th record of 1,000 bytes reaches it.
    world.apply(batch(209, 1_000)).unwrap();
    assert_eq!(
        world.delivery_stream(HOSE).unwrap().counters.transform_ok,
        0
    );
    world.apply(batch(1, 1_000)).unwrap();
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.counters.transform_ok, 210);
    assert_eq!(stream.buffer.len(), 210);
    world.apply(batch(5, 10)).unwrap();
    world
        .apply(kinescope_core::firehose::ops::flush::FlushDeliveryStreamInput::named(HOSE))
        .unwrap();
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.counters.transform_ok, 215);
    assert_eq!(stream.flushes[0].records, 215);
}

#[test]
fn processors_are_checked_when_the_stream_is_created() {
    let mut world = world();
    let bad = CreateDeliveryStreamInput {
        delivery_stream_name: Some(HOSE.into()),
        extended_s3_destination_configuration: Some(processed(vec![processor("Lambda", &[])])),
        ..CreateDeliveryStreamInput::default()
    };
    let error = world.apply(bad).unwrap_err();
    assert_eq!(error.code(), "InvalidArgumentException");
    assert!(error.to_string().contains("LambdaArn"), "{error}");
}

/// A function at a URL, its answer given by the test: what a live world does with a call made
/// off its lock (the app, `serve`).
#[test]
fn a_deferred_call_is_answered_later_and_retried_on_failure() {
    use kinescope_core::outbound::{Answer, HttpAnswer};
    let mut world = world_with(&[("filter", "http://127.0.0.1:9/never-called")]);
    world.defer_outbound_calls();
    active_hose(
        &mut world,
        processed(vec![processor(
            "Lambda",
            &[("LambdaArn", LAMBDA_ARN), ("NumberOfRetries", "1")],
        )]),
    );
    world.apply(batch(2, 10)).unwrap();
    world.step(60_000);
    let calls = world.take_outbound_calls();
    assert_eq!(calls.len(), 1, "the call waits for its answer");
    let (id, call) = &calls[0];
    let event: serde_json::Value = serde_json::from_slice(&call.http().unwrap().body).unwrap();
    assert_eq!(event["records"].as_array().unwrap().len(), 2);
    // The first attempt fails: the batch is invoked again.
    world.complete_call(*id, Answer::Http(Err("connection refused".into())));
    let retried = world.take_outbound_calls();
    assert_eq!(retried.len(), 1);
    let answer = serde_json::json!({"records": [
        {"recordId": "0", "result": "Ok", "data": "b2s="},
        {"recordId": "1", "result": "Dropped", "data": ""},
    ]});
    world.complete_call(
        retried[0].0,
        Answer::Http(Ok(HttpAnswer {
            status: 200,
            headers: vec![],
            body: answer.to_string().into_bytes(),
        })),
    );
    let c = &world.delivery_stream(HOSE).unwrap().counters;
    assert_eq!((c.transform_ok, c.transform_dropped), (1, 1));
    world.step(60_000);
    assert_eq!(objects_under(&world, "2026/"), ["ok"]);
}

/// A function that never answers does not hold up a live world: the call stays under way
/// while commands keep being answered.
#[test]
fn a_hung_function_does_not_block_a_live_world() {
    use kinescope_core::Speed;
    use kinescope_core::firehose::ops::flush::FlushDeliveryStreamInput;
    use kinescope_core::live::SharedWorld;
    // Accepts connections (the kernel's backlog) and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", silent.local_addr().unwrap());
    let mut world = world_with(&[("filter", &url)]);
    active_hose(
        &mut world,
        processed(vec![processor("Lambda", &[("LambdaArn", LAMBDA_ARN)])]),
    );
    let live = SharedWorld::new(world, Speed::Paused);
    live.apply(put(b"{}")).unwrap();
    live.apply(FlushDeliveryStreamInput::named(HOSE)).unwrap();
    assert_eq!(live.read(|w| w.outbound_in_flight()), 1);
    live.apply(put(b"{}")).unwrap();
    assert_eq!(
        live.read(|w| w.delivery_stream(HOSE).unwrap().counters.records_in),
        2
    );
}

/// S3BackupMode Enabled: every record as it arrived also lands in the backup bucket, by the
/// backup's own hints, prefix and compression — the dropped ones too.
#[test]
fn source_records_are_backed_up_before_processing() {
    use kinescope_core::firehose::ops::update::UpdateDestinationInput;
    let mut world = world_with(&[("filter", "builtin:drop-where?field=kind&equals=noise")]);
    let backup = S3DestinationInput {
        role_arn: Some("arn:aws:iam::000000000000:role/firehose".into()),
        bucket_arn: Some("arn:aws:s3:::raw-bucket".into()),
        prefix: Some("raw/".into()),
        compression_format: Some("GZIP".into()),
        ..S3DestinationInput::default()
    };
    let destination = S3DestinationInput {
        s3_backup_mode: Some("Enabled".into()),
        s3_backup_configuration: Some(Box::new(backup)),
        ..processed(vec![processor("Lambda", &[("LambdaArn", LAMBDA_ARN)])])
    };
    active_hose(&mut world, destination);
    world.apply(put(br#"{"kind":"signal"}"#)).unwrap();
    world.apply(put(br#"{"kind":"noise"}"#)).unwrap();
    // The backup's default hints: 5 MiB or 300 s.
    world.step(301_000);
    let backups = world.objects().list("raw-bucket", "raw/");
    assert_eq!(backups.len(), 1);
    assert!(backups[0].key.ends_with(".gz"), "{}", backups[0].key);
    let body = world
        .objects()
        .body("raw-bucket", &backups[0].key)
        .unwrap()
        .unwrap();
    let raw = kinescope_core::firehose::destination::CompressionFormat::Gzip
        .decompress(&body)
        .unwrap();
    assert_eq!(raw, br#"{"kind":"signal"}{"kind":"noise"}"#);
    assert_eq!(objects_under(&world, "2026/"), [r#"{"kind":"signal"}"#]);
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.counters.backup_objects, 1);
    let description = stream.describe();
    let held = description.destinations[0].extended_s3.as_ref().unwrap();
    assert_eq!(held.s3_backup_mode, "Enabled");
    assert_eq!(
        held.s3_backup_description.as_ref().unwrap().bucket_arn,
        "arn:aws:s3:::raw-bucket"
    );
    let disable = world
        .apply(UpdateDestinationInput {
            delivery_stream_name: Some(HOSE.into()),
            current_delivery_stream_version_id: Some("1".into()),
            destination_id: Some("destinationId-000000000001".into()),
            extended_s3_destination_update: Some(S3DestinationInput {
                s3_backup_mode: Some("Disabled".into()),
                ..S3DestinationInput::default()
            }),
            ..UpdateDestinationInput::default()
        })
        .unwrap_err();
    assert!(disable.message().contains("cannot be disabled"));
    let missing = S3DestinationInput {
        s3_backup_mode: Some("Enabled".into()),
        ..s3(5, 60)
    };
    let error = super::world()
        .apply(CreateDeliveryStreamInput {
            delivery_stream_name: Some(HOSE.into()),
            extended_s3_destination_configuration: Some(missing),
            ..CreateDeliveryStreamInput::default()
        })
        .unwrap_err();
    assert!(
        error
            .message()
            .contains("S3BackupConfiguration is required")
    );
}
