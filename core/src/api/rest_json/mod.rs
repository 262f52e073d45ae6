//! The REST-JSON services of this family (reference C.1): Kinesis Video Streams' control plane,
//! each operation `POST /<lowerCamelOp>` with a JSON body. The body decodes into the operation's
//! command, is authenticated and applied; an error is its code in `x-amzn-ErrorType` and
//! `{"Message": …}` with the model's status.

pub mod media;
pub mod put_media;
pub mod streaming;

use super::server::ApiState;
use super::wire_error::WireError;
use crate::video::command::{VideoCommand, operation_at};
use crate::video::error::VideoError;
use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;

/// Marks a request that came over TLS, so the data endpoint is given as `https://`.
#[derive(Debug, Clone, Copy)]
pub struct OverTls;

/// The operation a request is, if it is one of these services'.
pub fn operation_of(parts: &Parts) -> Option<&'static str> {
    (parts.method == Method::POST)
        .then(|| operation_at(parts.uri.path()))
        .flatten()
}

/// This server's URL as the caller reached it: the scheme of the connection, the Host it named.
fn own_url(parts: &Parts) -> String {
    let scheme = match parts.extensions.get::<OverTls>() {
        Some(_) => "https",
        None => "http",
    };
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()))
        .unwrap_or("127.0.0.1");
    format!("{scheme}://{host}")
}

/// An answer: the status, the error code (if any) and the JSON body.
pub struct RestAnswer {
    pub status: u16,
    pub error_code: Option<String>,
    pub body: Vec<u8>,
    /// The stream the call named, for the traffic log.
    pub resource: Option<String>,
}

fn error(status: u16, code: &str, message: &str) -> RestAnswer {
    RestAnswer {
        status,
        error_code: Some(code.to_owned()),
        body: serde_json::json!({ "Message": message })
            .to_string()
            .into_bytes(),
        resource: None,
    }
}

impl From<WireError> for RestAnswer {
    fn from(e: WireError) -> Self {
        error(e.status, &e.code, &e.message)
    }
}

impl From<VideoError> for RestAnswer {
    fn from(e: VideoError) -> Self {
        error(e.http_status(), e.code(), e.message())
    }
}

/// Decodes, authenticates and applies one call of `operation`.
pub fn answer(state: &ApiState, parts: &Parts, operation: &str, body: &[u8]) -> RestAnswer {
    let input = if body.iter().all(u8::is_ascii_whitespace) {
        Ok(serde_json::json!({}))
    } else {
        serde_json::from_slice::<serde_json::Value>(body)
    };
    let input = match input {
        Ok(value @ serde_json::Value::Object(_)) => value,
        Ok(_) | Err(_) => {
            return error(
                400,
                "SerializationException",
                "The request body is not a JSON object.",
            );
        }
    };
    if let Err(e) = state.auth.check(parts, body) {
        return e.into();
    }
    let command = match VideoCommand::decode(operation, input) {
        Some(Ok(command)) => command,
        Some(Err(e)) => return error(400, "SerializationException", &e.to_string()),
        None => return error(404, "UnknownOperationException", ""),
    };
    let command = match command {
        VideoCommand::GetDataEndpoint(mut input) => {
            input.endpoint = Some(own_url(parts));
            VideoCommand::GetDataEndpoint(input)
        }
        VideoCommand::GetHLSStreamingSessionURL(mut input) => {
            input.endpoint = Some(own_url(parts));
            VideoCommand::GetHLSStreamingSessionURL(input)
        }
        VideoCommand::GetDASHStreamingSessionURL(mut input) => {
            input.endpoint = Some(own_url(parts));
            VideoCommand::GetDASHStreamingSessionURL(input)
        }
        other => other,
    };
    let resource = command.stream_hint();
    match state.world.apply(command) {
        Ok(output) => RestAnswer {
            status: 200,
            error_code: None,
            body: serde_json::to_vec(&output).unwrap_or_else(|_| b"{}".to_vec()),
            resource,
        },
        Err(e) => RestAnswer {
            resource,
            ..e.into()
        },
    }
}

/// A 200 answer of `content_type` with the request's id.
pub fn success(body: Body, content_type: &'static str, request_id: &str) -> Response {
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}

/// The HTTP response of `answer`.
pub fn respond(answer: &RestAnswer, request_id: &str) -> Response {
    let body = Body::from(answer.body.clone());
    let mut response = success(body, "application/json", request_id);
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    if let Some(code) = answer
        .error_code
        .as_deref()
        .and_then(|c| HeaderValue::from_str(c).ok())
    {
        headers.insert("x-amzn-errortype", code);
    }
    response
}
