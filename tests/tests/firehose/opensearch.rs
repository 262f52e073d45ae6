//! The OpenSearch destination (B.5, B.10) against a receiver standing for a cluster's `_bulk`:
//! an index action per record with its rotated index and document id, per-document failures
//! retried then written under `AmazonOpenSearchService-failed`, whole-request failures retried.

use super::receiver::serve;
use super::*;
use kinescope_core::firehose::http_endpoint::RetryOptions;
use kinescope_core::firehose::opensearch::*;

/// A cluster that indexes JSON documents and refuses anything else, as a mapping would.
fn cluster() -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<super::receiver::Received>>>,
) {
    serve(|request, _| {
        let lines: Vec<&[u8]> = request.body.split(|b| *b == b'\n').collect();
        let items: Vec<serde_json::Value> = lines
            .chunks(2)
            .filter(|pair| pair.len() == 2 && !pair[0].is_empty())
            .map(|pair| {
                if serde_json::from_slice::<serde_json::Value>(pair[1]).is_ok() {
                    serde_json::json!({"index": {"status": 201}})
                } else {
                    serde_json::json!({"index": {"status": 400, "error": {
                        "type": "mapper_parsing_exception", "reason": "failed to parse"}}})
                }
            })
            .collect();
        let errors = items.iter().any(|i| i["index"]["status"] != 201);
        let body = serde_json::json!({"took": 3, "errors": errors, "items": items});
        (200, "application/json", body.to_string())
    })
}

fn opensearch(endpoint: &str) -> OpenSearchDestinationConfiguration {
    OpenSearchDestinationConfiguration {
        role_arn: Some("arn:aws:iam::000000000000:role/firehose".into()),
        cluster_endpoint: Some(endpoint.into()),
        index_name: Some("clicks".into()),
        index_rotation_period: Some("OneDay".into()),
        buffering_hints: s3(1, 60).buffering_hints,
        retry_options: Some(RetryOptions {
            duration_in_seconds: Some(5),
        }),
        s3_configuration: Some(S3DestinationInput {
            error_output_prefix: Some("failed/!{firehose:error-output-type}/".into()),
            ..s3(5, 300)
        }),
        ..OpenSearchDestinationConfiguration::default()
    }
}

fn create(world: &mut World, destination: OpenSearchDestinationConfiguration) {
    let input = CreateDeliveryStreamInput {
        amazonopensearchservice_destination_configuration: Some(Box::new(destination)),
        ..CreateDeliveryStreamInput::default()
    };
    active_hose_from(world, input);
}

#[test]
fn documents_are_indexed_and_refused_ones_land_in_the_error_prefix() {
    let (endpoint, received) = cluster();
    let mut world = world();
    create(&mut world, opensearch(&endpoint));
    world.apply(put(br#"{"page":"/"}"#)).unwrap();
    world.apply(put(b"not json")).unwrap();
    world.step(60_000);
    let first = received.lock().unwrap()[0].clone();
    assert_eq!(first.path, "/_bulk");
    assert_eq!(first.header("content-type"), Some("application/x-ndjson"));
    let text = String::from_utf8(first.body.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    let action: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(action["index"]["_index"], "clicks-2026-01-01");
    assert!(action["index"]["_id"].as_str().unwrap().ends_with("-0"));
    assert_eq!(lines[1], r#"{"page":"/"}"#);
    assert_eq!(lines[3], "not json");
    // The refused document is retried alone (same id) until the 5-second retry duration ends.
    world.step(10_000);
    let received = received.lock().unwrap().clone();
    assert!(received.len() >= 3, "{}", received.len());
    let retry = String::from_utf8(received[1].body.clone()).unwrap();
    assert_eq!(retry.lines().count(), 2);
    let retried: serde_json::Value = serde_json::from_str(retry.lines().next().unwrap()).unwrap();
    assert!(retried["index"]["_id"].as_str().unwrap().ends_with("-1"));
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.counters.records_delivered, 1);
    let documents = documents_under(&world, "failed/AmazonOpenSearchService-failed/");
    assert_eq!(documents.len(), 1);
    let document = &documents[0];
    assert_eq!(document["errorCode"], "400");
    assert!(
        document["errorMessage"]
            .as_str()
            .unwrap()
            .contains("mapper_parsing_exception")
    );
    assert_eq!(document["esIndexName"], "clicks-2026-01-01");
    assert!(document["esDocumentId"].as_str().unwrap().ends_with("-1"));
    assert_eq!(document["rawData"], "bm90IGpzb24=");
    let description = serde_json::to_value(&stream.describe().destinations[0]).unwrap();
    let described = &description["AmazonopensearchserviceDestinationDescription"];
    assert_eq!(described["IndexName"], "clicks");
    assert_eq!(described["S3BackupMode"], "FailedDocumentsOnly");
}

#[test]
fn a_cluster_that_is_down_fails_every_document_after_the_retry_duration() {
    let mut world = world();
    create(&mut world, opensearch("http://127.0.0.1:9"));
    world.apply(put(br#"{"n":1}"#)).unwrap();
    world.step(60_000);
    world.step(10_000);
    let documents = documents_under(&world, "failed/AmazonOpenSearchService-failed/");
    assert_eq!(documents.len(), 1);
    let document = &documents[0];
    assert_eq!(document["errorCode"], "OS.ConnectionFailed");
    assert_eq!(document["attemptsMade"], 3);
}

#[test]
fn a_domain_arn_alone_is_refused_with_a_way_out() {
    let mut world = world();
    let destination = OpenSearchDestinationConfiguration {
        cluster_endpoint: None,
        domain_arn: Some("arn:aws:es:us-east-1:000000000000:domain/clicks".into()),
        ..opensearch("http://x")
    };
    let error = world
        .apply(CreateDeliveryStreamInput {
            delivery_stream_name: Some(HOSE.into()),
            amazonopensearchservice_destination_configuration: Some(Box::new(destination)),
            ..CreateDeliveryStreamInput::default()
        })
        .unwrap_err();
    assert_eq!(error.code(), "InvalidArgumentException");
    assert!(
        error.message().contains("ClusterEndpoint"),
        "{}",
        error.message()
    );
}

#[test]
fn update_destination_changes_the_index_and_keeps_the_rest() {
    use kinescope_core::firehose::ops::update::UpdateDestinationInput;
    let (endpoint, received) = cluster();
    let mut world = world();
    create(&mut world, opensearch(&endpoint));
    world
        .apply(UpdateDestinationInput {
            delivery_stream_name: Some(HOSE.into()),
            current_delivery_stream_version_id: Some("1".into()),
            destination_id: Some("destinationId-000000000001".into()),
            amazonopensearchservice_destination_update: Some(Box::new(
                OpenSearchDestinationConfiguration {
                    index_name: Some("views".into()),
                    index_rotation_period: Some("NoRotation".into()),
                    ..OpenSearchDestinationConfiguration::default()
                },
            )),
            ..UpdateDestinationInput::default()
        })
        .unwrap();
    world.apply(put(br#"{"page":"/"}"#)).unwrap();
    world.step(60_000);
    let body = String::from_utf8(received.lock().unwrap()[0].body.clone()).unwrap();
    let action: serde_json::Value = serde_json::from_str(body.lines().next().unwrap()).unwrap();
    assert_eq!(action["index"]["_index"], "views");
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.version, 2);
    let description = serde_json::to_value(&stream.describe().destinations[0]).unwrap();
    let described = &description["AmazonopensearchserviceDestinationDescription"];
    assert_eq!(described["ClusterEndpoint"], endpoint.as_str());
    assert_eq!(described["RetryOptions"]["DurationInSeconds"], 5);
}
