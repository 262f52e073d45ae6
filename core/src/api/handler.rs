//! The one HTTP handler: authenticate, decode the target operation, apply it to the shared world,
//! encode the answer, and log the call as traffic.

use super::protocol::{self, Format, WireError};
use super::server::ApiState;
use crate::command::{Command, CommandOutput};
use crate::traffic::TrafficEntry;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::Response;
use std::net::SocketAddr;
use std::time::Instant;

/// Largest request body accepted; larger ones are refused before being buffered.
pub const MAX_BODY_BYTES: usize = 12 * 1024 * 1024;

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

/// Builds a response with AWS's headers.
pub fn respond(
    status: u16,
    format: Format,
    body: Body,
    request_id: &str,
    error_code: Option<&str>,
) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id.clone());
        headers.insert("x-amz-id-2", id);
    }
    if let Some(code) = error_code.and_then(|c| HeaderValue::from_str(c).ok()) {
        headers.insert("x-amzn-errortype", code);
    }
    response
}

/// Handles every request to the API port.
pub async fn handle(
    State(state): State<ApiState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    request: Request<Body>,
) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    let format = Format::from_content_type(header(headers, "content-type"));
    let id = request_id();
    let operation_text = header(headers, "x-amz-target")
        .and_then(|t| t.strip_prefix(protocol::TARGET_PREFIX))
        .unwrap_or("")
        .to_owned();
    let declared = header(headers, "content-length").and_then(|l| l.parse::<usize>().ok());
    let body = match declared {
        Some(len) if len > MAX_BODY_BYTES => Err(()),
        _ => to_bytes(body, MAX_BODY_BYTES).await.map_err(|_| ()),
    };
    let Ok(body) = body else {
        let error = WireError {
            status: 413,
            code: "SerializationException".into(),
            message: format!("Request body exceeds the limit of {MAX_BODY_BYTES} bytes"),
        };
        let call = Call {
            client,
            version: parts.version,
            operation: &operation_text,
            stream: None,
            request_bytes: 0,
        };
        return finish(&state, call, Err(error), format, &id, started);
    };
    let stream = protocol::stream_hint(format, &body);
    let result = answer(&state, &parts, format, &body).await;
    let call = Call {
        client,
        version: parts.version,
        operation: &operation_text,
        stream,
        request_bytes: body.len(),
    };
    finish(&state, call, result, format, &id, started)
}

async fn answer(
    state: &ApiState,
    parts: &Parts,
    format: Format,
    body: &[u8],
) -> Result<Answer, WireError> {
    state.auth.check(parts, body)?;
    let headers = &parts.headers;
    let operation = protocol::operation_of(header(headers, "x-amz-target"))?;
    let command = protocol::decode(operation, format, body)?;
    if let Command::SubscribeToShard(input) = command {
        return super::subscribe::open(state, input, format)
            .await
            .map(Answer::Streaming);
    }
    let output = state.world.apply(command)?;
    Ok(Answer::Body(encode_output(format, &output)))
}

/// What a successful call answers with.
pub enum Answer {
    /// A complete body.
    Body(Vec<u8>),
    /// An event stream (SubscribeToShard).
    Streaming(Body),
}

fn encode_output(format: Format, output: &CommandOutput) -> Vec<u8> {
    protocol::encode(format, output)
}

/// Who called what, for the traffic log.
struct Call<'a> {
    client: SocketAddr,
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
        version,
        operation,
        stream,
        request_bytes,
    } = call;
    let (response, status, error, response_bytes) = match result {
        Ok(Answer::Body(bytes)) => {
            let len = bytes.len();
            (
                respond(200, format, Body::from(bytes), id, None),
                200,
                None,
                len,
            )
        }
        Ok(Answer::Streaming(body)) => {
            let mut response = respond(200, format, body, id, None);
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/vnd.amazon.eventstream"),
            );
            (response, 200, None, 0)
        }
        Err(error) => {
            let bytes = protocol::encode_error(format, &error);
            let len = bytes.len();
            (
                respond(
                    error.status,
                    format,
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
            "{} {} {} {} {}{} {}µs {}B→{}B",
            entry.client,
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
