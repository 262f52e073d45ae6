//! The CBOR protocol as the Java SDKs speak it (reference A.2): requests encoded with a CBOR
//! library, blobs as byte strings, timestamps as tag 1 + epoch *milliseconds* both ways. Also the
//! wire-level errors a client without a signature or with a bad body gets.

use ciborium::Value;
use kinescope_core::api::{self, ApiState, AuthMode};
use kinescope_core::live::SharedWorld;
use kinescope_core::{Settings, Speed, World};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

async fn server() -> u16 {
    let settings = Settings {
        start_epoch_ms: now_ms(),
        ..Settings::default()
    };
    let world = SharedWorld::new(World::new(settings, 1), Speed::Factor(1.0));
    let listener = api::bind("127.0.0.1", 0).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let state = ApiState {
        world,
        auth: AuthMode::AcceptAnySignature,
        log_requests: false,
    };
    tokio::spawn(api::serve(listener, None, state, std::future::pending()));
    port
}

/// One HTTP/1.1 request; returns (status, headers text, body).
async fn post(
    port: u16,
    target: Option<&str>,
    content_type: &str,
    auth: Option<&str>,
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    post_declaring(port, target, content_type, auth, body, body.len()).await
}

/// Like `post`, but the Content-Length header says `declared` bytes.
async fn post_declaring(
    port: u16,
    target: Option<&str>,
    content_type: &str,
    auth: Option<&str>,
    body: &[u8],
    declared: usize,
) -> (u16, String, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let mut head = format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\nContent-Length: {declared}\r\nX-Amz-Date: 20260101T000000Z\r\nConnection: close\r\n"
    );
    if let Some(target) = target {
        head.push_str(&format!("X-Amz-Target: Kinesis_20131202.{target}\r\n"));
    }
    if let Some(auth) = auth {
        head.push_str(&format!("Authorization: {auth}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let headers = String::from_utf8_lossy(&response[..split]).to_string();
    let status = headers[9..12].parse().unwrap();
    (status, headers, response[split + 4..].to_vec())
}

async fn cbor(port: u16, target: &str, body: Value) -> (u16, Value) {
    let mut bytes = Vec::new();
    ciborium::into_writer(&body, &mut bytes).unwrap();
    let (status, headers, response) = post(
        port,
        Some(target),
        "application/x-amz-cbor-1.1",
        Some(AUTH),
        &bytes,
    )
    .await;
    assert!(
        headers
            .to_ascii_lowercase()
            .contains("content-type: application/x-amz-cbor-1.1"),
        "{headers}"
    );
    let value = if response.is_empty() {
        Value::Null
    } else {
        ciborium::from_reader(&response[..]).unwrap()
    };
    (status, value)
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
async fn wire_errors_are_aws_errors() {
    let port = server().await;
    let json = "application/x-amz-json-1.1";
    let (status, headers, body) = post(port, Some("ListStreams"), json, None, b"{}").await;
    assert_eq!(status, 403);
    assert_eq!(
        String::from_utf8(body).unwrap(),
        r#"{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}"#
    );
    assert!(
        headers.to_ascii_lowercase().contains("x-amzn-requestid: "),
        "{headers}"
    );
    let (status, _, body) = post(
        port,
        Some("ListStreams"),
        json,
        Some("AWS4-HMAC-SHA256 Credential=x"),
        b"{}",
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("IncompleteSignatureException")
    );
    let (status, _, body) = post(port, Some("Nonsense"), json, Some(AUTH), b"{}").await;
    assert_eq!(
        (status, String::from_utf8(body).unwrap().as_str()),
        (
            400,
            r#"{"__type":"UnknownOperationException","message":""}"#
        )
    );
    let (status, _, body) = post(port, None, json, Some(AUTH), b"{}").await;
    assert_eq!(status, 400);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("UnknownOperationException")
    );
    let (status, _, body) = post(
        port,
        Some("CreateStream"),
        json,
        Some(AUTH),
        b"{\"StreamName\": ",
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("SerializationException")
    );
    let (status, _, body) = post(
        port,
        Some("CreateStream"),
        json,
        Some(AUTH),
        br#"{"StreamName":"s","ShardCount":"two"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("SerializationException")
    );
    // A body declared larger than 12 MiB is refused before any of it is read.
    let (status, _, _) = post_declaring(
        port,
        Some("PutRecord"),
        json,
        Some(AUTH),
        b"{",
        12 * 1024 * 1024 + 1,
    )
    .await;
    assert_eq!(status, 413, "bodies above 12 MiB are refused");
    let (status, _, _) = post(port, Some("ListStreams"), json, Some(AUTH), b"").await;
    assert_eq!(status, 200, "an empty body is an empty request");
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
