//! The Splunk destination (B.5, B.10) against a receiver standing for HTTP Event Collector: the
//! events with the token and a channel, indexer acknowledgements polled until they say indexed,
//! a refused token and an acknowledgement that never comes ending under `splunk-failed`.

use super::receiver::serve;
use super::*;
use kinescope_core::firehose::http_endpoint::RetryOptions;
use kinescope_core::firehose::splunk::*;

/// HEC taking events with acknowledgement id 7, indexed from the `indexed_after`-th poll on.
fn hec(
    token_ok: bool,
    indexed_after: usize,
) -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<super::receiver::Received>>>,
) {
    let polls = std::sync::atomic::AtomicUsize::new(0);
    serve(move |request, _| {
        if request.header("authorization") != Some("Splunk 11111111-2222") || !token_ok {
            return (
                403,
                "application/json",
                r#"{"text":"Invalid token","code":4}"#.into(),
            );
        }
        if request.path.starts_with("/services/collector/ack") {
            let n = polls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            let indexed = n >= indexed_after;
            return (
                200,
                "application/json",
                format!(r#"{{"acks":{{"7":{indexed}}}}}"#),
            );
        }
        (
            200,
            "application/json",
            r#"{"text":"Success","code":0,"ackId":7}"#.into(),
        )
    })
}

fn splunk(endpoint: &str, kind: &str) -> SplunkDestinationConfiguration {
    SplunkDestinationConfiguration {
        hec_endpoint: Some(endpoint.into()),
        hec_endpoint_type: Some(kind.into()),
        hec_token: Some("11111111-2222".into()),
        retry_options: Some(RetryOptions {
            duration_in_seconds: Some(0),
        }),
        s3_configuration: Some(S3DestinationInput {
            error_output_prefix: Some("failed/!{firehose:error-output-type}/".into()),
            ..s3(5, 300)
        }),
        buffering_hints: s3(1, 60).buffering_hints,
        ..SplunkDestinationConfiguration::default()
    }
}

fn create(world: &mut World, destination: SplunkDestinationConfiguration) {
    let input = CreateDeliveryStreamInput {
        splunk_destination_configuration: Some(Box::new(destination)),
        ..CreateDeliveryStreamInput::default()
    };
    active_hose_from(world, input);
}

#[test]
fn events_are_sent_with_the_token_and_delivered_once_acknowledged() {
    let (endpoint, received) = hec(true, 3);
    let mut world = world();
    create(&mut world, splunk(&endpoint, "Event"));
    world.apply(put(br#"{"event":"login"}"#)).unwrap();
    world.apply(put(br#"{"event":"logout"}"#)).unwrap();
    world.step(60_000);
    let first = received.lock().unwrap()[0].clone();
    assert!(
        first.path.starts_with("/services/collector/event?channel="),
        "{}",
        first.path
    );
    let channel = first.header("x-splunk-request-channel").unwrap().to_owned();
    assert!(first.path.ends_with(&channel));
    assert_eq!(
        String::from_utf8(first.body.clone()).unwrap(),
        "{\"event\":\"login\"}\n{\"event\":\"logout\"}\n"
    );
    assert_eq!(
        world
            .delivery_stream(HOSE)
            .unwrap()
            .counters
            .records_delivered,
        0
    );
    // Acknowledgements asked for once a second: indexed at the third poll.
    world.step(3_000);
    let received = received.lock().unwrap().clone();
    let polls: Vec<_> = received
        .iter()
        .filter(|r| r.path.starts_with("/services/collector/ack"))
        .collect();
    assert_eq!(polls.len(), 3);
    assert_eq!(polls[0].json(), serde_json::json!({"acks": [7]}));
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.counters.records_delivered, 2);
    let description = serde_json::to_value(&stream.describe().destinations[0]).unwrap();
    assert_eq!(
        description["SplunkDestinationDescription"]["HECEndpointType"],
        "Event"
    );
}

#[test]
fn a_refused_token_sends_the_events_to_the_error_prefix() {
    let (endpoint, _) = hec(false, 1);
    let mut world = world();
    create(&mut world, splunk(&endpoint, "Raw"));
    world.apply(put(b"raw line")).unwrap();
    world.step(60_000);
    let documents = documents_under(&world, "failed/splunk-failed/");
    assert_eq!(documents.len(), 1);
    let document = &documents[0];
    assert_eq!(document["errorCode"], "Splunk.InvalidToken");
    assert_eq!(document["rawData"], "cmF3IGxpbmU=");
}

#[test]
fn an_acknowledgement_that_never_comes_times_out() {
    let (endpoint, received) = hec(true, usize::MAX);
    let mut world = world();
    create(&mut world, splunk(&endpoint, "Raw"));
    world.apply(put(b"lost in the indexer")).unwrap();
    world.step(60_000);
    assert!(
        received.lock().unwrap()[0]
            .path
            .starts_with("/services/collector/raw")
    );
    // HECAcknowledgmentTimeoutInSeconds defaults to 180.
    world.step(181_000);
    let documents = documents_under(&world, "failed/splunk-failed/");
    assert_eq!(documents.len(), 1);
    let document = &documents[0];
    assert_eq!(document["errorCode"], "Splunk.AckTimeout");
}

#[test]
fn update_destination_changes_the_token() {
    use kinescope_core::firehose::ops::update::UpdateDestinationInput;
    let (endpoint, received) = hec(true, 1);
    let mut world = world();
    let with_wrong_token = SplunkDestinationConfiguration {
        hec_token: Some("wrong".into()),
        ..splunk(&endpoint, "Raw")
    };
    create(&mut world, with_wrong_token);
    world
        .apply(UpdateDestinationInput {
            delivery_stream_name: Some(HOSE.into()),
            current_delivery_stream_version_id: Some("1".into()),
            destination_id: Some("destinationId-000000000001".into()),
            splunk_destination_update: Some(Box::new(SplunkDestinationConfiguration {
                hec_token: Some("11111111-2222".into()),
                ..SplunkDestinationConfiguration::default()
            })),
            ..UpdateDestinationInput::default()
        })
        .unwrap();
    world.apply(put(b"line")).unwrap();
    world.step(62_000);
    assert_eq!(
        received.lock().unwrap()[0].header("authorization"),
        Some("Splunk 11111111-2222")
    );
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.counters.records_delivered, 1);
}
