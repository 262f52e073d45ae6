//! Dynamic partitioning (B.7) against AWS's documented example: keys from a jq query
//! (MetadataExtraction) and from a Lambda function's metadata, one buffer per partition.

use super::*;
use kinescope_core::firehose::destination::{
    DynamicPartitioningConfiguration, ProcessingConfiguration, Processor,
};
use std::collections::BTreeMap;

/// The query of AWS's dynamic partitioning example.
const QUERY: &str = r#"{customer_id:.customer_id,device:.type.device,year:.event_timestamp|strftime("%Y"),month:.event_timestamp|strftime("%m"),day:.event_timestamp|strftime("%d"),hour:.event_timestamp|strftime("%H")}"#;
const PREFIX: &str = "customer_id=!{partitionKeyFromQuery:customer_id}/device=!{partitionKeyFromQuery:device}/year=!{partitionKeyFromQuery:year}/month=!{partitionKeyFromQuery:month}/day=!{partitionKeyFromQuery:day}/hour=!{partitionKeyFromQuery:hour}/";

fn partitioned(processors: Vec<Processor>, prefix: &str) -> S3DestinationInput {
    S3DestinationInput {
        prefix: Some(prefix.into()),
        error_output_prefix: Some("errors/!{firehose:error-output-type}/".into()),
        dynamic_partitioning_configuration: Some(DynamicPartitioningConfiguration {
            enabled: Some(true),
            retry_options: None,
        }),
        processing_configuration: Some(ProcessingConfiguration {
            enabled: true,
            processors,
        }),
        ..s3(64, 60)
    }
}

fn extraction() -> Processor {
    Processor::new(
        "MetadataExtraction",
        &[
            ("MetadataExtractionQuery", QUERY),
            ("JsonParsingEngine", "JQ-1.6"),
        ],
    )
}

fn record(customer: &str, device: &str, ts: i64) -> Vec<u8> {
    format!(
        r#"{{"customer_id":"{customer}","type":{{"device":"{device}"}},"event_timestamp":{ts}}}"#
    )
    .into_bytes()
}

#[test]
fn records_land_under_the_prefix_their_keys_evaluate_to_one_object_per_partition() {
    let mut world = world();
    active_hose(
        &mut world,
        partitioned(
            vec![extraction(), Processor::new("AppendDelimiterToRecord", &[])],
            PREFIX,
        ),
    );
    // 2019-08-09 20:55:09 UTC, as in AWS's example.
    let ts = 1_565_384_109;
    world.apply(put(&record("1234", "mobile", ts))).unwrap();
    world.apply(put(&record("1234", "mobile", ts + 1))).unwrap();
    world.apply(put(&record("5678", "desktop", ts))).unwrap();
    assert_eq!(world.delivery_stream(HOSE).unwrap().partitions.len(), 2);
    world.step(60_000);
    let keys: Vec<String> = world
        .objects()
        .list(BUCKET, "")
        .into_iter()
        .map(|o| o.key)
        .collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(
        keys[0].starts_with(
            "customer_id=1234/device=mobile/year=2019/month=08/day=09/hour=20/orders-to-s3-1-"
        ),
        "{keys:?}"
    );
    assert!(
        keys[1].starts_with(
            "customer_id=5678/device=desktop/year=2019/month=08/day=09/hour=20/orders-to-s3-1-"
        ),
        "{keys:?}"
    );
    let body = world.objects().body(BUCKET, &keys[0]).unwrap().unwrap();
    assert_eq!(body.iter().filter(|b| **b == b'\n').count(), 2);
    let flushes = &world.delivery_stream(HOSE).unwrap().flushes;
    assert!(flushes.iter().all(|f| f.reason.text() == "interval"));
}

#[test]
fn a_record_without_its_keys_goes_to_the_error_prefix() {
    let mut world = world();
    active_hose(&mut world, partitioned(vec![extraction()], PREFIX));
    world.apply(put(b"not json")).unwrap();
    world.apply(put(br#"{"customer_id":"1"}"#)).unwrap();
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.counters.partitioning_failed, 2);
    let errors = world.objects().list(BUCKET, "errors/processing-failed/");
    assert_eq!(errors.len(), 2);
    let body = world
        .objects()
        .body(BUCKET, &errors[0].key)
        .unwrap()
        .unwrap();
    let error: serde_json::Value = serde_json::from_slice(body.trim_ascii_end()).unwrap();
    assert_eq!(
        error["errorCode"],
        "DynamicPartitioning.MetadataExtractionFailed"
    );
}

#[test]
fn keys_can_come_from_the_lambda_function() {
    let mut world = World::new(
        Settings {
            lambdas: BTreeMap::from([("tagger".to_owned(), "builtin:identity".to_owned())]),
            ..Settings::default()
        },
        7,
    );
    let lambda = Processor::new(
        "Lambda",
        &[(
            "LambdaArn",
            "arn:aws:lambda:us-east-1:000000000000:function:tagger",
        )],
    );
    // The identity function gives no partition keys: every record fails partitioning, with why.
    active_hose(
        &mut world,
        partitioned(vec![lambda], "region=!{partitionKeyFromLambda:region}/"),
    );
    world.apply(put(b"{}")).unwrap();
    world.step(60_000);
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.counters.transform_ok, 1);
    assert_eq!(stream.counters.partitioning_failed, 1);
}

#[test]
fn partitioning_rules_are_checked_at_creation() {
    let mut world = world();
    let create = |destination: S3DestinationInput| CreateDeliveryStreamInput {
        delivery_stream_name: Some(HOSE.into()),
        extended_s3_destination_configuration: Some(destination),
        ..CreateDeliveryStreamInput::default()
    };
    let no_expression = partitioned(vec![extraction()], "plain/");
    assert_eq!(
        world.apply(create(no_expression)).unwrap_err().code(),
        "InvalidArgumentException"
    );
    let zero = S3DestinationInput {
        buffering_hints: s3(64, 0).buffering_hints,
        ..partitioned(vec![extraction()], PREFIX)
    };
    let error = world.apply(create(zero)).unwrap_err();
    assert!(error.to_string().contains("zero buffering"), "{error}");
    let no_query = partitioned(vec![], PREFIX);
    assert!(
        world
            .apply(create(no_query))
            .unwrap_err()
            .to_string()
            .contains("MetadataExtraction")
    );
    let bad_query = partitioned(
        vec![Processor::new(
            "MetadataExtraction",
            &[
                ("MetadataExtractionQuery", "{a: .a"),
                ("JsonParsingEngine", "JQ-1.6"),
            ],
        )],
        PREFIX,
    );
    assert_eq!(
        world.apply(create(bad_query)).unwrap_err().code(),
        "InvalidArgumentException"
    );
    let not_enabled = S3DestinationInput {
        dynamic_partitioning_configuration: None,
        ..partitioned(vec![extraction()], PREFIX)
    };
    assert_eq!(
        world.apply(create(not_enabled)).unwrap_err().code(),
        "InvalidArgumentException"
    );
}
