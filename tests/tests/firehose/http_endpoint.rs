//! The HTTP endpoint destination (B.9, B.5) against a small receiver on a free port that checks
//! the exact requests: AWS's headers and body, the answer judged, retries with backoff for the
//! retry duration, then the S3 error prefix; AllData backups; GZIP.

use super::receiver::{Received, serve};
use super::*;
use kinescope_core::firehose::http_endpoint::*;
use std::sync::{Arc, Mutex};

/// How the receiver answers one request.
#[derive(Clone, Copy)]
enum Reply {
    /// 200 with AWS's response JSON naming the request.
    Ok,
    Status(u16),
    /// 200, but not JSON.
    Garbage,
}

/// A receiver answering with `script` in turn (its last entry from then on); gives its URL and
/// what it received.
fn receiver(script: Vec<Reply>) -> (String, Arc<Mutex<Vec<Received>>>) {
    let (base, received) = serve(move |request, n| {
        let id = request
            .header("x-amz-firehose-request-id")
            .unwrap_or("")
            .to_owned();
        match script[n.min(script.len() - 1)] {
            Reply::Ok => (
                200,
                "application/json",
                format!(r#"{{"requestId":"{id}","timestamp":1}}"#),
            ),
            Reply::Status(code) => (
                code,
                "application/json",
                format!(r#"{{"requestId":"{id}","timestamp":1,"errorMessage":"not today"}}"#),
            ),
            Reply::Garbage => (200, "text/plain", "hello".to_owned()),
        }
    });
    (format!("{base}/ingest"), received)
}

fn http_destination(url: &str) -> HttpEndpointDestinationConfiguration {
    HttpEndpointDestinationConfiguration {
        endpoint_configuration: Some(EndpointConfiguration {
            url: Some(url.into()),
            name: Some("receiver".into()),
            access_key: Some("secret-key".into()),
        }),
        buffering_hints: s3(1, 60).buffering_hints,
        request_configuration: Some(RequestConfiguration {
            content_encoding: None,
            common_attributes: Some(vec![CommonAttribute {
                attribute_name: Some("team".into()),
                attribute_value: Some("data".into()),
            }]),
        }),
        retry_options: Some(RetryOptions {
            duration_in_seconds: Some(60),
        }),
        s3_configuration: Some(S3DestinationInput {
            error_output_prefix: Some("failed/".into()),
            ..s3(5, 300)
        }),
        ..HttpEndpointDestinationConfiguration::default()
    }
}

fn http_hose(world: &mut World, destination: HttpEndpointDestinationConfiguration) {
    let input = CreateDeliveryStreamInput {
        http_endpoint_destination_configuration: Some(Box::new(destination)),
        ..CreateDeliveryStreamInput::default()
    };
    active_hose_from(world, input);
}

#[test]
fn records_are_posted_as_aws_sends_them() {
    let (url, received) = receiver(vec![Reply::Ok]);
    let mut world = world();
    http_hose(&mut world, http_destination(&url));
    world.apply(put(b"one")).unwrap();
    world.apply(put(b"two")).unwrap();
    world.step(60_000);
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(
        request.header("x-amz-firehose-protocol-version"),
        Some("1.0")
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.header("x-amz-firehose-access-key"),
        Some("secret-key")
    );
    assert_eq!(
        request.header("x-amz-firehose-source-arn"),
        Some("arn:aws:firehose:us-east-1:000000000000:deliverystream/orders-to-s3")
    );
    assert_eq!(
        request.header("x-amz-firehose-common-attributes"),
        Some(r#"{"commonAttributes":{"team":"data"}}"#)
    );
    let body = request.json();
    assert_eq!(
        body["requestId"],
        request.header("x-amz-firehose-request-id").unwrap()
    );
    assert!(
        body["timestamp"].as_i64().unwrap() > 1_700_000_000_000,
        "epoch milliseconds"
    );
    assert_eq!(
        body["records"],
        serde_json::json!([{"data": "b25l"}, {"data": "dHdv"}])
    );
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.counters.records_delivered, 2);
    // The buffer's interval was 60 s: the oldest record was a minute old when it was taken.
    let freshness = stream.metrics.series(
        kinescope_core::firehose::metrics::FirehoseMetric::DeliveryToHttpEndpointDataFreshness,
    );
    assert_eq!(freshness.total(), 60_000.0);
    assert!(
        world.objects().list(BUCKET, "").is_empty(),
        "FailedDataOnly: nothing backed up"
    );
    let description = stream.describe();
    let http = serde_json::to_value(&description.destinations[0]).unwrap();
    assert_eq!(
        http["HttpEndpointDestinationDescription"]["EndpointConfiguration"],
        serde_json::json!({"Url": url, "Name": "receiver"})
    );
    assert_eq!(
        http["HttpEndpointDestinationDescription"]["S3BackupMode"],
        "FailedDataOnly"
    );
}

#[test]
fn a_failed_request_is_retried_with_backoff_under_the_same_request_id() {
    let (url, received) = receiver(vec![Reply::Status(500), Reply::Garbage, Reply::Ok]);
    let mut world = world();
    http_hose(&mut world, http_destination(&url));
    world.apply(put(b"retry me")).unwrap();
    world.step(60_000);
    assert_eq!(received.lock().unwrap().len(), 1);
    // 1 s (±15 %) after the first failure.
    world.step(1_200);
    assert_eq!(received.lock().unwrap().len(), 2);
    // 2 s (±15 %) after the second, made at 0.85-1.15 s: between 2.55 and 3.45 s.
    world.step(1_300);
    assert_eq!(received.lock().unwrap().len(), 2);
    world.step(1_000);
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 3);
    let ids: Vec<_> = received
        .iter()
        .map(|r| r.header("x-amz-firehose-request-id").unwrap().to_owned())
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.counters.records_delivered, 1);
    assert_eq!(stream.counters.delivery_failures, 2);
}

#[test]
fn after_the_retry_duration_records_go_to_the_s3_error_prefix() {
    let (url, received) = receiver(vec![Reply::Status(503)]);
    let mut world = world();
    let destination = HttpEndpointDestinationConfiguration {
        retry_options: Some(RetryOptions {
            duration_in_seconds: Some(10),
        }),
        ..http_destination(&url)
    };
    http_hose(&mut world, destination);
    world.apply(put(b"nobody home")).unwrap();
    world.step(60_000);
    world.step(60_000);
    // Attempts at 0, ~1, ~3 and ~7 s; the next (~15 s) would be past the 10 s retry duration.
    assert_eq!(received.lock().unwrap().len(), 4);
    let documents = documents_under(&world, "failed/");
    assert_eq!(documents.len(), 1);
    let document = &documents[0];
    assert_eq!(document["errorCode"], "HttpEndpoint.DestinationException");
    assert_eq!(
        document["errorMessage"],
        "The endpoint answered HTTP 503: not today"
    );
    assert_eq!(document["attemptsMade"], 4);
    assert_eq!(document["rawData"], "bm9ib2R5IGhvbWU=");
}

#[test]
fn all_data_is_backed_up_and_gzip_is_sent_compressed() {
    let (url, received) = receiver(vec![Reply::Ok]);
    let mut world = world();
    let destination = HttpEndpointDestinationConfiguration {
        s3_backup_mode: Some("AllData".into()),
        request_configuration: Some(RequestConfiguration {
            content_encoding: Some("GZIP".into()),
            common_attributes: None,
        }),
        ..http_destination(&url)
    };
    http_hose(&mut world, destination);
    world.apply(put(b"keep a copy")).unwrap();
    world.step(60_000);
    let received = received.lock().unwrap().clone();
    assert_eq!(received[0].header("content-encoding"), Some("gzip"));
    assert_eq!(received[0].json()["records"][0]["data"], "a2VlcCBhIGNvcHk=");
    let backups = world.objects().list(BUCKET, "");
    assert_eq!(backups.len(), 1);
    let body = world
        .objects()
        .body(BUCKET, &backups[0].key)
        .unwrap()
        .unwrap();
    assert_eq!(&body[..], b"keep a copy");
}

#[test]
fn the_configuration_is_checked() {
    let mut world = world();
    let create = |world: &mut World, destination| {
        world
            .apply(CreateDeliveryStreamInput {
                delivery_stream_name: Some(HOSE.into()),
                http_endpoint_destination_configuration: Some(Box::new(destination)),
                ..CreateDeliveryStreamInput::default()
            })
            .unwrap_err()
    };
    let no_s3 = HttpEndpointDestinationConfiguration {
        s3_configuration: None,
        ..http_destination("https://example.com/")
    };
    let error = create(&mut world, no_s3);
    assert_eq!(error.code(), "ValidationException");
    assert!(
        error.message().contains("s3Configuration"),
        "{}",
        error.message()
    );
    let ftp = http_destination("ftp://example.com/");
    let error = create(&mut world, ftp);
    assert!(
        error.message().contains("^https://.*"),
        "{}",
        error.message()
    );
    let big = HttpEndpointDestinationConfiguration {
        buffering_hints: s3(65, 60).buffering_hints,
        ..http_destination("https://example.com/")
    };
    assert_eq!(create(&mut world, big).code(), "ValidationException");
}
