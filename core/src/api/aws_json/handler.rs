//! The one HTTP handler of the protocol family: judge the request in AWS's order (front door,
//! then the named service's authentication, type check and operation), encode the answer, and log
//! the call as traffic.

use super::catalog_services;
use super::front_door::{self, Service};
use super::protocol::{self, ErrorStyle, Format, WireError};
use crate::analytics::command::AnalyticsCommand;
use crate::api::server::ApiState;
use crate::firehose::command::FirehoseCommand;
use crate::glue::command::GlueCommand;
use crate::traffic::{TrafficEntry, client_kind};
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::response::Response;
use std::net::SocketAddr;
use std::time::Instant;

/// Most data and partition-key bytes one request carries: a PutRecord or PutRecords of a
/// large-record stream (A.4, 10 MiB).
const MAX_REQUEST_PAYLOAD: usize = 10 * 1024 * 1024;
/// JSON around one PutRecords entry at most: member names, quotes, an ExplicitHashKey, and a
/// 256-character partition key written entirely as `\uXXXX` escapes.
const MAX_ENTRY_ENVELOPE: usize = 2 * 1024;
/// Entries in one PutRecords.
const MAX_ENTRIES: usize = 500;

/// Largest request body accepted, sized from AWS's request limits: the payload as base64 (4/3 as
/// large) plus every entry's JSON envelope; larger ones are refused before being buffered.
pub const MAX_BODY_BYTES: usize =
    MAX_REQUEST_PAYLOAD.div_ceil(3) * 4 + MAX_ENTRIES * MAX_ENTRY_ENVELOPE + 4 * 1024;

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn request_id() -> String {
    let bits: u128 = rand::random();
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// x-amz-id-2: 72 random bytes in base64, as AWS sends.
fn extended_request_id() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 72];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Builds a response with AWS's headers.
pub fn respond(
    status: u16,
    content_type: Option<&'static str>,
    body: Body,
    request_id: &str,
    error_code: Option<&str>,
) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    if let Some(content_type) = content_type {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    if let Ok(id) = HeaderValue::from_str(&extended_request_id()) {
        headers.insert("x-amz-id-2", id);
    }
    if let Some(code) = error_code.and_then(|c| HeaderValue::from_str(c).ok()) {
        headers.insert("x-amzn-errortype", code);
    }
    response
}

/// Handles every request to the API port, judging it in AWS's order (kinesis-wire.md §1).
pub async fn handle(
    State(state): State<ApiState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    request: Request<Body>,
) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let id = request_id();
    let from_browser = parts.headers.contains_key(header::ORIGIN);
    if from_browser && parts.method == Method::OPTIONS {
        return front_door::preflight(&parts.headers, &id);
    }
    if crate::api::rest_json::put_media::is_put_media(&parts) {
        // Its body is read as it arrives, acknowledged fragment by fragment.
        let logged = parts.clone();
        let response =
            crate::api::rest_json::put_media::serve(state.clone(), parts, body, &id).await;
        let stream = header(&logged.headers, "x-amzn-stream-name").map(str::to_owned);
        log_call(
            &state,
            &logged,
            client,
            &response,
            ("PutMedia", stream, 0),
            started,
        );
        return response;
    }
    if let Some(operation) = crate::api::rest_json::streaming::operation_of(&parts) {
        let (response, stream) =
            crate::api::rest_json::streaming::serve(&state, &parts, operation, &id);
        log_call(
            &state,
            &parts,
            client,
            &response,
            (operation, stream, 0),
            started,
        );
        return response;
    }
    let operation_text = header(&parts.headers, "x-amz-target")
        .and_then(|t| t.split_once('.').map(|(_, op)| op))
        .unwrap_or("")
        .to_owned();
    let declared = header(&parts.headers, "content-length").and_then(|l| l.parse::<usize>().ok());
    let body = match declared {
        Some(len) if len > MAX_BODY_BYTES => Err(()),
        _ => to_bytes(body, MAX_BODY_BYTES).await.map_err(|_| ()),
    };
    if let Ok(body) = &body
        && crate::api::s3_view::is_s3_request(&parts)
    {
        let response = crate::api::s3_view::answer(&state, &parts, body);
        let (operation, bucket) = crate::api::s3_view::operation_of(&parts);
        let call = (operation, bucket, body.len());
        log_call(&state, &parts, client, &response, call, started);
        return response;
    }
    if let Ok(body) = &body
        && let Some(operation) = crate::api::rest_json::media::operation_of(&parts)
    {
        let (response, stream) =
            crate::api::rest_json::media::serve(&state, &parts, operation, body, &id);
        log_call(
            &state,
            &parts,
            client,
            &response,
            (operation, stream, body.len()),
            started,
        );
        return response;
    }
    if let Ok(body) = &body
        && let Some(operation) = crate::api::rest_json::operation_of(&parts)
    {
        let answer = crate::api::rest_json::answer(&state, &parts, operation, body);
        let response = crate::api::rest_json::respond(&answer, &id);
        let call = (operation, answer.resource, body.len());
        log_call(&state, &parts, client, &response, call, started);
        return response;
    }
    let (result, format, stream, request_bytes) = match body {
        Ok(body) => {
            let (result, format, stream) = answer(&state, &parts, &body).await;
            (result, format, stream, body.len())
        }
        Err(()) => {
            let error = WireError::new(
                413,
                "SerializationException",
                format!("Request body exceeds the limit of {MAX_BODY_BYTES} bytes"),
            );
            (Err(error), Format::Json, None, 0)
        }
    };
    let user_agent = header(&parts.headers, "x-amz-user-agent")
        .filter(|ua| client_kind(Some(ua)) != "other")
        .or_else(|| header(&parts.headers, "user-agent"));
    let call = Call {
        client,
        client_kind: client_kind(user_agent),
        version: parts.version,
        operation: &operation_text,
        stream,
        request_bytes,
    };
    let mut response = finish(&state, call, result, format, &id, started);
    if from_browser {
        front_door::allow_origin(&mut response);
    }
    response
}

/// Judges and answers one request: the front door, then the named service's decoding,
/// authentication and operation. Also gives the format to answer in and the resource named, for
/// the traffic log.
async fn answer(
    state: &ApiState,
    parts: &Parts,
    body: &[u8],
) -> (Result<Answer, WireError>, Format, Option<String>) {
    let (service, operation, format) = match front_door::judge(&parts.method, &parts.headers, body)
    {
        Ok(judged) => judged,
        Err((error, format)) => return (Err(error), format, None),
    };
    let (result, resource) = match service {
        Service::Kinesis => super::kinesis::answer(state, parts, operation, format, body).await,
        Service::Firehose => {
            catalog_services::answer::<FirehoseCommand>(state, parts, operation, format, body)
        }
        Service::Glue => {
            catalog_services::answer::<GlueCommand>(state, parts, operation, format, body)
        }
        Service::Analytics => {
            catalog_services::answer::<AnalyticsCommand>(state, parts, operation, format, body)
        }
    };
    (result, format, resource)
}

/// What a successful call answers with.
pub enum Answer {
    /// A complete body.
    Body(Vec<u8>),
    /// An event stream (SubscribeToShard).
    Streaming(Body),
}

/// Logs a call answered outside the JSON 1.1 path (the S3 view, REST-JSON services) as traffic:
/// `(operation, resource, request bytes)`.
fn log_call(
    state: &ApiState,
    parts: &Parts,
    client: SocketAddr,
    response: &Response,
    (operation, resource, request_bytes): (&str, Option<String>, usize),
    started: Instant,
) {
    let user_agent = header(&parts.headers, "user-agent");
    let status = response.status().as_u16();
    state.world.record_traffic(TrafficEntry {
        at_ms: 0,
        client: client.to_string(),
        client_kind: client_kind(user_agent),
        http_version: format!("{:?}", parts.version),
        operation: operation.into(),
        stream: resource,
        status,
        error: (status >= 400).then(|| format!("HTTP {status}")),
        latency_us: started.elapsed().as_micros() as u64,
        request_bytes,
        response_bytes: response
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    });
}

/// Who called what, for the traffic log.
struct Call<'a> {
    client: SocketAddr,
    client_kind: &'static str,
    version: axum::http::Version,
    operation: &'a str,
    stream: Option<String>,
    request_bytes: usize,
}

fn finish(
    state: &ApiState,
    call: Call<'_>,
    result: Result<Answer, WireError>,
    format: Format,
    id: &str,
    started: Instant,
) -> Response {
    let Call {
        client,
        client_kind,
        version,
        operation,
        stream,
        request_bytes,
    } = call;
    let content_type = Some(format.content_type());
    let (response, status, error, response_bytes) = match result {
        Ok(Answer::Body(bytes)) => {
            let len = bytes.len();
            (
                respond(200, content_type, Body::from(bytes), id, None),
                200,
                None,
                len,
            )
        }
        Ok(Answer::Streaming(body)) => (
            respond(
                200,
                Some("application/vnd.amazon.eventstream"),
                body,
                id,
                None,
            ),
            200,
            None,
            0,
        ),
        Err(error) => {
            let bytes = protocol::encode_error(format, &error);
            let len = bytes.len();
            let content_type = match &error.style {
                ErrorStyle::Raw { content_type, .. } => *content_type,
                _ => content_type,
            };
            (
                respond(
                    error.status,
                    content_type,
                    Body::from(bytes),
                    id,
                    Some(&error.code),
                ),
                error.status,
                Some(error.code),
                len,
            )
        }
    };
    let entry = TrafficEntry {
        at_ms: 0,
        client: client.to_string(),
        client_kind,
        http_version: format!("{version:?}"),
        operation: if operation.is_empty() {
            "(none)".into()
        } else {
            operation.to_owned()
        },
        stream,
        status,
        error,
        latency_us: started.elapsed().as_micros() as u64,
        request_bytes,
        response_bytes,
    };
    if state.log_requests {
        println!(
            "{} ({}) {} {} {} {}{} {}µs {}B→{}B",
            entry.client,
            entry.client_kind,
            entry.operation,
            entry.stream.as_deref().unwrap_or("-"),
            entry.status,
            entry.error.as_deref().unwrap_or(""),
            if entry.error.is_some() { "" } else { "OK" },
            entry.latency_us,
            entry.request_bytes,
            entry.response_bytes
        );
    }
    state.world.record_traffic(entry);
    response
}
