//! The front door (kinesis-wire.md §1, steps 1–6): CORS, the method, an empty body, the content
//! type, the body's shape and the target, judged in AWS's order before authentication and before a
//! request reaches its operation. Each refusal is AWS's, body and status included.

use super::protocol::{self, Format, WireError};
use crate::analytics::command::ANALYTICS_OPERATIONS;
use crate::firehose::command::FIREHOSE_OPERATIONS;
use crate::glue::command::GLUE_OPERATIONS;
use crate::streams::command::AWS_OPERATIONS;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::Response;

/// The services of this protocol family, by their X-Amz-Target prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// `Kinesis_20131202`: Kinesis Data Streams.
    Kinesis,
    /// `Firehose_20150804`: Amazon Data Firehose.
    Firehose,
    /// `AWSGlue`: the Glue Data Catalog subset format conversion reads.
    Glue,
    /// `KinesisAnalytics_20150814`: Kinesis Data Analytics for SQL.
    Analytics,
}

impl Service {
    /// The service an X-Amz-Target prefix names.
    fn of(prefix: &str) -> Option<Service> {
        match prefix {
            "Kinesis_20131202" => Some(Service::Kinesis),
            "Firehose_20150804" => Some(Service::Firehose),
            "AWSGlue" => Some(Service::Glue),
            "KinesisAnalytics_20150814" => Some(Service::Analytics),
            _ => None,
        }
    }

    /// The operations the service answers.
    fn operations(self) -> &'static [&'static str] {
        match self {
            Service::Kinesis => &AWS_OPERATIONS,
            Service::Firehose => FIREHOSE_OPERATIONS,
            Service::Glue => GLUE_OPERATIONS,
            Service::Analytics => ANALYTICS_OPERATIONS,
        }
    }
}
/// How long a browser may cache a preflight answer (seconds).
const PREFLIGHT_MAX_AGE: &str = "172800";
/// The headers a browser script may read from an answer.
const EXPOSED_HEADERS: &str =
    "x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date";
const ACCESS_DENIED_XML: &str = "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n";
const UNKNOWN_OPERATION_XML: &str = "<UnknownOperationException/>\n";
const CORAL_SERIALIZATION: &str =
    r#"{"Output":{"__type":"com.amazon.coral.service#SerializationException"},"Version":"1.0"}"#;
const CORAL_UNKNOWN_OPERATION: &str =
    r#"{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException"},"Version":"1.0"}"#;

/// The kinds of Content-Type a request can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentKind {
    /// `application/x-amz-json-1.1`.
    AmzJson,
    /// `application/x-amz-cbor-1.1`.
    AmzCbor,
    /// `application/json`: accepted by the front door, understood by no operation.
    PlainJson,
    /// Anything else, or none.
    Other,
}

impl ContentKind {
    /// The kind of a Content-Type header (parameters after `;` ignored).
    pub fn of(content_type: Option<&str>) -> ContentKind {
        let essence = content_type
            .and_then(|ct| ct.split(';').next())
            .map(str::trim)
            .unwrap_or_default();
        match essence {
            protocol::JSON => ContentKind::AmzJson,
            protocol::CBOR => ContentKind::AmzCbor,
            "application/json" => ContentKind::PlainJson,
            _ => ContentKind::Other,
        }
    }

    /// The format errors are written in: JSON only for `application/x-amz-json-1.1`, CBOR for
    /// the rest (AWS answers an empty body of unknown format in CBOR).
    pub fn answer_format(self) -> Format {
        match self {
            ContentKind::AmzJson => Format::Json,
            _ => Format::Cbor,
        }
    }
}

/// What an X-Amz-Target header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    /// Both a service and an operation part are present.
    pub complete: bool,
    /// The service and operation, when the service is one served here and the operation one of
    /// its own.
    pub operation: Option<(Service, &'a str)>,
}

impl<'a> Target<'a> {
    /// Reads an X-Amz-Target header.
    pub fn of(header: Option<&'a str>) -> Target<'a> {
        let (service, operation) = header
            .and_then(|t| t.split_once('.'))
            .unwrap_or((header.unwrap_or_default(), ""));
        Target {
            complete: !service.is_empty() && !operation.is_empty(),
            operation: Service::of(service)
                .filter(|s| s.operations().contains(&operation))
                .map(|s| (s, operation)),
        }
    }
}

/// Judges everything before authentication. On success, the service, the operation and the
/// body's format.
pub fn judge<'a>(
    method: &Method,
    headers: &'a HeaderMap,
    body: &[u8],
) -> Result<(Service, &'a str, Format), (WireError, Format)> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let kind = ContentKind::of(text(header::CONTENT_TYPE.as_str()));
    let target = Target::of(text("x-amz-target"));
    let refuse = |error: WireError| Err((error, kind.answer_format()));
    if method != Method::POST {
        return refuse(access_denied());
    }
    if body.is_empty() {
        return refuse(match target.operation {
            Some(_) => WireError::type_only(400, "SerializationException"),
            None => WireError::unknown_operation(),
        });
    }
    let format = match kind {
        ContentKind::AmzJson => Format::Json,
        ContentKind::AmzCbor => Format::Cbor,
        ContentKind::PlainJson => {
            let error = match protocol::parse_object(Format::Json, body) {
                Err(_) => coral(400, "SerializationException", CORAL_SERIALIZATION),
                Ok(_) => coral(404, "UnknownOperationException", CORAL_UNKNOWN_OPERATION),
            };
            return refuse(error);
        }
        ContentKind::Other if !target.complete => return refuse(access_denied()),
        ContentKind::Other => {
            return refuse(WireError::raw(
                404,
                "UnknownOperationException",
                None,
                UNKNOWN_OPERATION_XML,
            ));
        }
    };
    let Some(operation) = target.operation else {
        if let Err(error) = protocol::parse_object(format, body) {
            return Err((error, format));
        }
        return Err((WireError::unknown_operation(), format));
    };
    Ok((operation.0, operation.1, format))
}

fn access_denied() -> WireError {
    WireError::raw(403, "AccessDeniedException", None, ACCESS_DENIED_XML)
}

fn coral(status: u16, code: &str, body: &str) -> WireError {
    WireError::raw(status, code, Some("application/json"), body)
}

/// The answer to a CORS preflight: 200, no body, the requested headers and method allowed.
pub fn preflight(headers: &HeaderMap, request_id: &str) -> Response {
    let mut response = Response::new(axum::body::Body::empty());
    let out = response.headers_mut();
    out.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    for (asked, allowed) in [
        (
            "access-control-request-headers",
            "access-control-allow-headers",
        ),
        (
            "access-control-request-method",
            "access-control-allow-methods",
        ),
    ] {
        if let Some(value) = headers.get(asked) {
            out.insert(allowed, value.clone());
        }
    }
    out.insert(
        "access-control-max-age",
        HeaderValue::from_static(PREFLIGHT_MAX_AGE),
    );
    out.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        out.insert("x-amzn-requestid", id);
    }
    response
}

/// Lets a browser script calling from another origin read the answer.
pub fn allow_origin(response: &mut Response) {
    let out = response.headers_mut();
    out.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    out.insert(
        "access-control-expose-headers",
        HeaderValue::from_static(EXPOSED_HEADERS),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_name_a_service_and_one_of_its_operations() {
        let target = Target::of(Some("Kinesis_20131202.PutRecord"));
        assert_eq!(target.operation, Some((Service::Kinesis, "PutRecord")));
        let target = Target::of(Some("Firehose_20150804.PutRecordBatch"));
        assert_eq!(
            target.operation,
            Some((Service::Firehose, "PutRecordBatch"))
        );
        assert!(
            Target::of(Some("Firehose_20150804.ListStreams"))
                .operation
                .is_none()
        );
        assert!(
            Target::of(Some("Kinesis_20131202.SetThrottleMode"))
                .operation
                .is_none()
        );
        assert!(Target::of(Some("Firehose_20150804.PutRecord")).complete);
        assert!(!Target::of(Some("Kinesis_20131202")).complete);
        assert!(!Target::of(None).complete);
    }

    #[test]
    fn content_types_are_read_without_their_parameters() {
        assert_eq!(
            ContentKind::of(Some("application/x-amz-json-1.1; charset=utf-8")),
            ContentKind::AmzJson
        );
        assert_eq!(ContentKind::of(Some("text/plain")), ContentKind::Other);
        assert_eq!(ContentKind::of(None), ContentKind::Other);
    }
}
