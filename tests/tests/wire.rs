//! The wire's front door, one row per rule of kinesis-wire.md: the order AWS judges a request in
//! (CORS, method, empty body, content type, parse, target before authentication, authentication,
//! the type check, validation, then resources outer to inner) and the shapes of its answers.

mod raw_http;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use raw_http::{AUTH, Answer, send, server};
use serde_json::{Value, json};

const JSON: &str = "application/x-amz-json-1.1";
const CBOR: &str = "application/x-amz-cbor-1.1";
const ACCESS_DENIED: &str = "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n";
const PRESIGNED: &str = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fkinesis%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00";

/// What a row expects of the body.
enum Body {
    /// Exactly these bytes.
    Exact(&'static str),
    /// This JSON value.
    Json(Value),
    /// This CBOR map, as JSON.
    Cbor(Value),
}

/// One request and what AWS answers to it.
struct Row {
    rule: &'static str,
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    status: u16,
    expect: Body,
}

/// A signed JSON 1.1 request for `operation`.
fn signed(rule: &'static str, operation: &str, body: &str, status: u16, expect: Body) -> Row {
    Row {
        rule,
        method: "POST",
        path: "/".into(),
        headers: vec![
            ("Content-Type", JSON.into()),
            ("X-Amz-Target", format!("Kinesis_20131202.{operation}")),
            ("X-Amz-Date", "20260101T000000Z".into()),
            ("Authorization", AUTH.into()),
        ],
        body: body.as_bytes().to_vec(),
        status,
        expect,
    }
}

impl Row {
    fn without(mut self, header: &str) -> Self {
        self.headers
            .retain(|(k, _)| !k.eq_ignore_ascii_case(header));
        self
    }

    fn with(mut self, header: &'static str, value: &str) -> Self {
        self = self.without(header);
        self.headers.push((header, value.into()));
        self
    }

    fn method(mut self, method: &'static str) -> Self {
        self.method = method;
        self
    }

    fn path(mut self, path: String) -> Self {
        self.path = path;
        self
    }

    fn raw_body(mut self, body: Vec<u8>) -> Self {
        self.body = body;
        self
    }
}

fn error(code: &str, message: &str) -> Body {
    Body::Json(json!({ "__type": code, "message": message }))
}

fn type_only(code: &str) -> Body {
    Body::Json(json!({ "__type": code }))
}

fn serialization(message: &str) -> Body {
    Body::Json(json!({ "__type": "SerializationException", "Message": message }))
}

fn cbor(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(value, &mut out).unwrap();
    out
}

fn rows() -> Vec<Row> {
    let boolean = "class java.lang.Boolean can not be converted to an String";
    vec![
        signed("2. anything but POST is refused as XML", "ListStreams", "{}", 403, Body::Exact(ACCESS_DENIED))
            .method("GET"),
        signed("3. an empty body, known target", "ListStreams", "", 400, type_only("SerializationException")),
        signed("3. an empty body, unknown target", "NoSuchThing", "", 400, type_only("UnknownOperationException")),
        signed("3. an empty body is answered in CBOR unless the request was JSON 1.1", "ListStreams", "", 400,
            Body::Cbor(json!({ "__type": "SerializationException" })))
            .with("Content-Type", CBOR),
        signed("4. another content type, complete target", "ListStreams", "{}", 404,
            Body::Exact("<UnknownOperationException/>\n"))
            .with("Content-Type", "text/plain"),
        signed("4. another content type, no operation in the target", "ListStreams", "{}", 403,
            Body::Exact(ACCESS_DENIED))
            .with("Content-Type", "text/plain").with("X-Amz-Target", "Kinesis_20131202"),
        signed("5. application/json: an unparsable body", "ListStreams", "{nope", 400, Body::Exact(
            r#"{"Output":{"__type":"com.amazon.coral.service#SerializationException"},"Version":"1.0"}"#))
            .with("Content-Type", "application/json"),
        signed("5. application/json: even a good body stops here", "ListStreams", "{}", 404, Body::Exact(
            r#"{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException"},"Version":"1.0"}"#))
            .with("Content-Type", "application/json"),
        signed("5. a body that is not an object", "ListStreams", "[1, 2]", 400, type_only("SerializationException")),
        signed("5. a body that does not parse", "CreateStream", "{\"StreamName\": ", 400,
            type_only("SerializationException")),
        signed("6. an unknown operation, without a message", "Nonsense", "{}", 400,
            type_only("UnknownOperationException")),
        signed("6. the target is judged before authentication", "Nonsense", "{}", 400,
            type_only("UnknownOperationException"))
            .without("Authorization"),
        signed("6. an engine-only command is not an AWS operation", "SetThrottleMode", "{}", 400,
            type_only("UnknownOperationException")),
        signed("7. no signature at all", "ListStreams", "{}", 400,
            error("MissingAuthenticationTokenException", "Missing Authentication Token"))
            .without("Authorization"),
        signed("7. a header and a presigned query", "ListStreams", "{}", 400,
            error("InvalidSignatureException",
                "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."))
            .path(format!("/?{PRESIGNED}")),
        signed("7. a presigned query alone is accepted", "ListStreams", "{}", 200,
            Body::Json(json!({ "StreamNames": [], "HasMoreStreams": false, "StreamSummaries": [] })))
            .without("Authorization").path(format!("/?{PRESIGNED}")),
        signed("7. a presigned query missing parameters", "ListStreams", "{}", 400,
            error("IncompleteSignatureException",
                "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters."))
            .without("Authorization").path("/?X-Amz-Algorithm=AWS4-HMAC-SHA256".into()),
        signed("7. a header missing its parts", "ListStreams", "{}", 400,
            error("IncompleteSignatureException",
                "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=x"))
            .with("Authorization", "AWS4-HMAC-SHA256 Credential=x"),
        signed("8. the type check's text is under Message", "CreateStream", r#"{"StreamName": true}"#, 400,
            serialization(boolean)),
        signed("8. types are checked in the model's order", "CreateStream", r#"{"ShardCount": "x", "StreamName": true}"#,
            400, serialization(boolean)),
        signed("8. bad base64", "PutRecord", r#"{"StreamName":"s","PartitionKey":"k","Data":"abc"}"#, 400,
            serialization("'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3")),
        signed("8. a CBOR body is type-checked too", "CreateStream", "", 400,
            Body::Cbor(json!({ "__type": "SerializationException", "Message": boolean })))
            .with("Content-Type", CBOR)
            .raw_body(cbor(&json!({ "StreamName": true }))),
        signed("9. validation before any resource is looked up", "IncreaseStreamRetentionPeriod",
            r#"{"StreamName":"nope","RetentionPeriodHours":9000}"#, 400,
            error("ValidationException", "1 validation error detected: Value '9000' at 'retentionPeriodHours' failed to satisfy constraint: Member must have value less than or equal to 8760")),
        signed("10. the stream before the shard", "GetShardIterator",
            r#"{"StreamName":"nope","ShardId":"shardId-000000000009","ShardIteratorType":"LATEST"}"#, 400,
            error("ResourceNotFoundException", "Stream nope under account 000000000000 not found.")),
    ]
}

async fn run(port: u16, row: &Row) -> Answer {
    let headers: Vec<(&str, &str)> = row.headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    send(port, row.method, &row.path, &headers, &row.body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rule_of_the_front_door_answers_as_aws() {
    let port = server().await;
    for row in rows() {
        let answer = run(port, &row).await;
        assert_eq!(answer.status, row.status, "{}: {}", row.rule, answer.text());
        match &row.expect {
            Body::Exact(text) => assert_eq!(answer.text(), *text, "{}", row.rule),
            Body::Json(value) => {
                let got: Value = serde_json::from_slice(&answer.body)
                    .unwrap_or_else(|_| panic!("{}: {}", row.rule, answer.text()));
                assert_eq!(&got, value, "{}", row.rule);
            }
            Body::Cbor(value) => {
                let got: Value = ciborium::from_reader(&answer.body[..]).unwrap();
                assert_eq!(&got, value, "{}", row.rule);
                assert_eq!(answer.header("content-type"), Some(CBOR), "{}", row.rule);
            }
        }
        assert!(answer.header("x-amzn-requestid").is_some(), "{}", row.rule);
        let id2 = answer.header("x-amz-id-2").unwrap_or_default();
        assert_eq!(
            STANDARD.decode(id2).map(|b| b.len()).ok(),
            Some(72),
            "{}",
            row.rule
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_get_cors_answers() {
    let port = server().await;
    let preflight = send(
        port,
        "OPTIONS",
        "/",
        &[
            ("Origin", "http://localhost:3000"),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "content-type,x-amz-target,authorization",
            ),
        ],
        b"",
    )
    .await;
    assert_eq!(preflight.status, 200);
    assert!(preflight.body.is_empty());
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        preflight.header("access-control-allow-methods"),
        Some("post")
    );
    assert_eq!(
        preflight.header("access-control-allow-headers"),
        Some("content-type,x-amz-target,authorization")
    );
    assert_eq!(preflight.header("access-control-max-age"), Some("172800"));
    assert!(
        preflight.header("x-amz-id-2").is_none(),
        "a preflight has no x-amz-id-2"
    );
    let row = signed(
        "a call from a page",
        "ListStreams",
        "{}",
        200,
        Body::Exact(""),
    )
    .with("Origin", "http://localhost:3000");
    let answer = run(port, &row).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        answer.header("access-control-expose-headers"),
        Some(
            "x-amzn-requestid,x-amzn-errortype,x-amz-request-id,x-amz-id-2,x-amzn-errormessage,date"
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_have_aws_shapes() {
    let port = server().await;
    let call = |operation: &str, body: String| {
        signed("shape", operation, "", 200, Body::Exact("")).raw_body(body.into_bytes())
    };
    // Operations without output answer 200 with an empty body.
    let created = run(
        port,
        &call(
            "CreateStream",
            r#"{"StreamName":"s","ShardCount":1.9}"#.into(),
        ),
    )
    .await;
    assert_eq!((created.status, created.text().as_str()), (200, ""));
    assert_eq!(created.header("content-length"), Some("0"));
    // A stream being created may be deleted.
    let deleted = run(
        port,
        &call(
            "CreateStream",
            r#"{"StreamName":"gone","ShardCount":1}"#.into(),
        ),
    )
    .await;
    assert_eq!(deleted.status, 200);
    let deleted = run(
        port,
        &call("DeleteStream", r#"{"StreamName":"gone"}"#.into()),
    )
    .await;
    assert_eq!((deleted.status, deleted.text().as_str()), (200, ""));
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    // ShardCount 1.9 was floored to 1.
    let summary = run(
        port,
        &call("DescribeStreamSummary", r#"{"StreamName":"s"}"#.into()),
    )
    .await;
    let summary: Value = serde_json::from_slice(&summary.body).unwrap();
    assert_eq!(summary["StreamDescriptionSummary"]["OpenShardCount"], 1);
    // Any well-formed SequenceNumberForOrdering: all zeros, or an older layout's number.
    for ordering in [
        "0",
        "49546986683135544286507457936321625675700192471156785154",
        &"9".repeat(100),
    ] {
        let put = run(port, &call("PutRecord", format!(
            r#"{{"StreamName":"s","PartitionKey":"k","Data":"AA==","SequenceNumberForOrdering":"{ordering}"}}"#
        ))).await;
        assert_eq!(put.status, 200, "{ordering}: {}", put.text());
    }
    // Shard iterators: base64 of a blob starting 00…01, 152 + 16·k bytes long.
    let iterator = run(port, &call("GetShardIterator",
        r#"{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}"#.into())).await;
    let iterator: Value = serde_json::from_slice(&iterator.body).unwrap();
    let blob = STANDARD
        .decode(iterator["ShardIterator"].as_str().unwrap())
        .unwrap();
    assert_eq!(blob[..8], [0, 0, 0, 0, 0, 0, 0, 1]);
    assert!(
        blob.len() >= 152 && (blob.len() - 152).is_multiple_of(16),
        "{}",
        blob.len()
    );
}
