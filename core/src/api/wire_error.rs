//! An error as it goes on the wire, whatever the protocol: each service's engine errors plus those
//! only the wire layer raises (serialization, unknown operation, authentication).

use crate::analytics::error::AnalyticsError;
use crate::firehose::error::FirehoseError;
use crate::glue::error::GlueError;
use crate::streams::error::KinesisError;

/// How an error's body carries its message (kinesis-wire.md §1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorStyle {
    /// `{"__type", "message"}` in the request's format: every engine error.
    Message,
    /// `{"__type", "Message"}`: the serialization texts of the type check.
    CapitalMessage,
    /// `{"__type"}` alone: an empty or unparsable body, an unknown operation.
    TypeOnly,
    /// A fixed body of its own content type (the XML answers, the `application/json` envelope).
    Raw {
        content_type: Option<&'static str>,
        bytes: Vec<u8>,
    },
}

/// An error as it goes on the wire: engine errors plus those only the wire layer raises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    /// HTTP status.
    pub status: u16,
    /// `__type`.
    pub code: String,
    /// `message` (empty when the body carries none).
    pub message: String,
    /// How the body is written.
    pub style: ErrorStyle,
}

impl WireError {
    /// An error whose body is `{"__type", "message"}`.
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
            style: ErrorStyle::Message,
        }
    }

    /// A SerializationException from the type check, its text under `Message`.
    pub fn serialization(message: impl Into<String>) -> Self {
        Self {
            style: ErrorStyle::CapitalMessage,
            ..Self::new(400, "SerializationException", message)
        }
    }

    /// An error whose body is `{"__type"}` alone.
    pub fn type_only(status: u16, code: &str) -> Self {
        Self {
            style: ErrorStyle::TypeOnly,
            ..Self::new(status, code, "")
        }
    }

    /// An UnknownOperationException (no or an unknown X-Amz-Target): no message.
    pub fn unknown_operation() -> Self {
        Self::type_only(400, "UnknownOperationException")
    }

    /// An error answered with a fixed body.
    pub fn raw(
        status: u16,
        code: &str,
        content_type: Option<&'static str>,
        bytes: impl Into<Vec<u8>>,
    ) -> Self {
        Self {
            style: ErrorStyle::Raw {
                content_type,
                bytes: bytes.into(),
            },
            ..Self::new(status, code, "")
        }
    }
}

impl From<KinesisError> for WireError {
    fn from(error: KinesisError) -> Self {
        Self::new(error.http_status(), error.code(), error.message())
    }
}

impl From<AnalyticsError> for WireError {
    fn from(error: AnalyticsError) -> Self {
        Self::new(400, error.code(), error.message())
    }
}

impl From<GlueError> for WireError {
    fn from(error: GlueError) -> Self {
        Self::new(400, error.code(), error.message())
    }
}

impl From<FirehoseError> for WireError {
    fn from(error: FirehoseError) -> Self {
        Self::new(error.http_status(), error.code(), error.message())
    }
}
