//! The CBOR protocol as the Java SDKs speak it (reference A.2): requests encoded with a CBOR
//! library, blobs as byte strings, timestamps as tag 1 + epoch *milliseconds* both ways.

mod raw_http;

use ciborium::Value;
use raw_http::{AUTH, post, server};
use std::time::{SystemTime, UNIX_EPOCH};

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

async fn cbor(port: u16, target: &str, body: Value) -> (u16, Value) {
    let mut bytes = Vec::new();
    ciborium::into_writer(&body, &mut bytes).unwrap();
    let answer = post(
        port,
        Some(target),
        "application/x-amz-cbor-1.1",
        Some(AUTH),
        &bytes,
    )
    .await;
    assert_eq!(
        answer.header("content-type"),
        Some("application/x-amz-cbor-1.1"),
        "{}",
        answer.headers
    );
    let value = if answer.body.is_empty() {
        Value::Null
    } else {
        ciborium::from_reader(&answer.body[..]).unwrap()
    };
    (answer.status, value)
}

fn map(pairs: Vec<(&str, Value)>) -> Value {
    Value::Map(
        pairs
            .into_iter()
            .map(|(k, v)| (Value::Text(k.into()), v))
            .collect(),
    )
}

fn get<'a>(value: &'a Value, key: &str) -> &'a Value {
    value
        .as_map()
        .unwrap()
        .iter()
        .find(|(k, _)| k.as_text() == Some(key))
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no {key} in {value:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cbor_requests_and_answers_use_byte_strings_and_millisecond_timestamps() {
    let port = server().await;
    let (status, _) = cbor(
        port,
        "CreateStream",
        map(vec![
            ("StreamName", Value::Text("java".into())),
            ("ShardCount", Value::Integer(1.into())),
        ]),
    )
    .await;
    assert_eq!(status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let before = now_ms();
    let put = map(vec![
        ("StreamName", Value::Text("java".into())),
        ("PartitionKey", Value::Text("k".into())),
        ("Data", Value::Bytes(vec![0, 1, 254, 255])),
    ]);
    let (status, out) = cbor(port, "PutRecord", put).await;
    assert_eq!(status, 200, "{out:?}");
    assert_eq!(get(&out, "ShardId").as_text(), Some("shardId-000000000000"));
    // AT_TIMESTAMP with tag 1 + epoch milliseconds, as SdkCborGenerator writes it.
    let at = map(vec![
        ("StreamName", Value::Text("java".into())),
        ("ShardId", Value::Text("shardId-000000000000".into())),
        ("ShardIteratorType", Value::Text("AT_TIMESTAMP".into())),
        (
            "Timestamp",
            Value::Tag(1, Box::new(Value::Integer((before - 1_000).into()))),
        ),
    ]);
    let (status, out) = cbor(port, "GetShardIterator", at).await;
    assert_eq!(status, 200, "{out:?}");
    let iterator = get(&out, "ShardIterator").clone();
    let (status, out) = cbor(port, "GetRecords", map(vec![("ShardIterator", iterator)])).await;
    assert_eq!(status, 200, "{out:?}");
    let records = get(&out, "Records").as_array().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(
        get(&records[0], "Data"),
        &Value::Bytes(vec![0, 1, 254, 255])
    );
    let Value::Tag(1, arrival) = get(&records[0], "ApproximateArrivalTimestamp") else {
        panic!("timestamps carry tag 1")
    };
    let arrival_ms = i128::from(arrival.as_integer().unwrap()) as i64;
    assert!(
        (before - 5_000..before + 5_000).contains(&arrival_ms),
        "epoch milliseconds, not seconds: {arrival_ms}"
    );
    // Errors are the same {__type, message} map, CBOR-encoded.
    let (status, out) = cbor(
        port,
        "DescribeStream",
        map(vec![("StreamName", Value::Text("nope".into()))]),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        get(&out, "__type").as_text(),
        Some("ResourceNotFoundException")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plain_port_speaks_http2_with_prior_knowledge() {
    use http_body_util::{BodyExt, Full};
    let port = server().await;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .http2_only(true)
        .build_http::<Full<bytes::Bytes>>();
    let request = hyper::Request::post(format!("http://127.0.0.1:{port}/"))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "Kinesis_20131202.ListStreams")
        .header("x-amz-date", "20260101T000000Z")
        .header("authorization", AUTH)
        .body(Full::new(bytes::Bytes::from_static(b"{}")))
        .unwrap();
    let response = client.request(request).await.unwrap();
    assert_eq!(response.version(), hyper::Version::HTTP_2);
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(body.starts_with(br#"{"StreamNames":[]"#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_to_shard_answers_a_cbor_client_in_cbor_from_the_first_event() {
    use http_body_util::{BodyExt, Full};
    use kinescope_core::api::aws_json::eventstream::decode_message;
    let port = server().await;
    let create = map(vec![
        ("StreamName", Value::Text("fan".into())),
        ("ShardCount", Value::Integer(1.into())),
    ]);
    assert_eq!(cbor(port, "CreateStream", create).await.0, 200);
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let arn = "arn:aws:kinesis:us-east-1:000000000000:stream/fan";
    let register = map(vec![
        ("StreamARN", Value::Text(arn.into())),
        ("ConsumerName", Value::Text("java-app".into())),
    ]);
    let (status, out) = cbor(port, "RegisterStreamConsumer", register).await;
    assert_eq!(status, 200, "{out:?}");
    let consumer = get(get(&out, "Consumer"), "ConsumerARN")
        .as_text()
        .unwrap()
        .to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let subscribe = map(vec![
        ("ConsumerARN", Value::Text(consumer)),
        ("ShardId", Value::Text("shardId-000000000000".into())),
        (
            "StartingPosition",
            map(vec![("Type", Value::Text("TRIM_HORIZON".into()))]),
        ),
    ]);
    let mut body = Vec::new();
    ciborium::into_writer(&subscribe, &mut body).unwrap();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .http2_only(true)
        .build_http::<Full<bytes::Bytes>>();
    let request = hyper::Request::post(format!("http://127.0.0.1:{port}/"))
        .header("content-type", "application/x-amz-cbor-1.1")
        .header("x-amz-target", "Kinesis_20131202.SubscribeToShard")
        .header("x-amz-date", "20260101T000000Z")
        .header("authorization", AUTH)
        .body(Full::new(bytes::Bytes::from(body)))
        .unwrap();
    let mut response = client.request(request).await.unwrap().into_body();
    let mut received = Vec::new();
    let first = loop {
        if let Some((message, _)) = decode_message(&received) {
            break message;
        }
        let frame = response.frame().await.unwrap().unwrap();
        received.extend_from_slice(frame.data_ref().unwrap());
    };
    let header = |name: &str| {
        first
            .headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header(":event-type"), Some("initial-response"));
    assert_eq!(header(":content-type"), Some("application/x-amz-cbor-1.1"));
    assert_eq!(
        first.payload,
        [0xa0],
        "an empty CBOR map, not the text {{}}"
    );
}
