//! The AWS JSON 1.1 and CBOR protocols of `Kinesis_20131202` (reference A.2): which operation a
//! request names, decoding its input into a [`Command`], and encoding results and errors.

use crate::command::Command;
use crate::error::KinesisError;
use serde::{Deserialize, Serialize};

/// The X-Amz-Target prefix of Kinesis Data Streams.
pub const TARGET_PREFIX: &str = "Kinesis_20131202.";
/// JSON 1.1 content type.
pub const JSON: &str = "application/x-amz-json-1.1";
/// CBOR content type (the Java SDKs' default).
pub const CBOR: &str = "application/x-amz-cbor-1.1";

/// The body format a client speaks; answers use the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// AWS JSON 1.1: blobs base64, timestamps epoch seconds.
    Json,
    /// CBOR: blobs as byte strings, timestamps tag 1 + epoch milliseconds.
    Cbor,
}

impl Format {
    /// The format for a Content-Type header (JSON when absent or unknown, as AWS tolerates).
    pub fn from_content_type(content_type: Option<&str>) -> Format {
        match content_type {
            Some(ct) if ct.trim().starts_with("application/x-amz-cbor") => Format::Cbor,
            _ => Format::Json,
        }
    }

    /// The Content-Type to answer with.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => JSON,
            Format::Cbor => CBOR,
        }
    }
}

/// An error as it goes on the wire: engine errors plus those only the wire layer raises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    /// HTTP status.
    pub status: u16,
    /// `__type`.
    pub code: String,
    /// `message`.
    pub message: String,
}

impl WireError {
    /// A SerializationException (the body does not match the operation's shape).
    pub fn serialization(message: impl Into<String>) -> Self {
        Self {
            status: 400,
            code: "SerializationException".into(),
            message: message.into(),
        }
    }

    /// An UnknownOperationException (no or an unknown X-Amz-Target).
    pub fn unknown_operation() -> Self {
        Self {
            status: 400,
            code: "UnknownOperationException".into(),
            message: String::new(),
        }
    }
}

impl From<KinesisError> for WireError {
    fn from(error: KinesisError) -> Self {
        Self {
            status: error.http_status(),
            code: error.code().into(),
            message: error.message().into(),
        }
    }
}

/// The operation named by an X-Amz-Target header.
pub fn operation_of(target: Option<&str>) -> Result<&str, WireError> {
    target
        .and_then(|t| t.strip_prefix(TARGET_PREFIX))
        .filter(|op| !op.is_empty())
        .ok_or_else(WireError::unknown_operation)
}

/// Decodes the body of operation `operation` into a command. An empty body counts as `{}`.
pub fn decode(operation: &str, format: Format, body: &[u8]) -> Result<Command, WireError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_slice(body);
            let command = Command::decode(operation, &mut de)
                .ok_or_else(WireError::unknown_operation)?
                .map_err(|e| WireError::serialization(json_error_text(&e)))?;
            de.end()
                .map_err(|e| WireError::serialization(json_error_text(&e)))?;
            Ok(command)
        }
        Format::Cbor => {
            if body == b"{}" {
                return decode(operation, Format::Json, body);
            }
            let value: ciborium::Value = ciborium::from_reader(body)
                .map_err(|e| WireError::serialization(format!("Could not parse CBOR: {e}")))?;
            Command::decode(operation, cbor_to_json(value)?)
                .ok_or_else(WireError::unknown_operation)?
                .map_err(|e| WireError::serialization(e.to_string()))
        }
    }
}

/// Rewrites a CBOR request as the equivalent JSON 1.1 value, so both share one decoder: byte
/// strings become base64 text, and tag-1 timestamps (AWS's epoch milliseconds) epoch seconds.
fn cbor_to_json(value: ciborium::Value) -> Result<serde_json::Value, WireError> {
    use base64::Engine;
    use ciborium::Value as C;
    use serde_json::Value as J;
    Ok(match value {
        C::Null => J::Null,
        C::Bool(b) => J::Bool(b),
        C::Integer(i) => {
            let n = i128::from(i);
            match i64::try_from(n) {
                Ok(v) => J::from(v),
                Err(_) => J::from(n as f64),
            }
        }
        C::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
        C::Text(t) => J::String(t),
        C::Bytes(b) => J::String(base64::engine::general_purpose::STANDARD.encode(b)),
        C::Array(items) => J::Array(
            items
                .into_iter()
                .map(cbor_to_json)
                .collect::<Result<_, _>>()?,
        ),
        C::Map(entries) => {
            let mut map = serde_json::Map::new();
            for (k, v) in entries {
                let C::Text(key) = k else {
                    return Err(WireError::serialization("CBOR map keys must be text"));
                };
                map.insert(key, cbor_to_json(v)?);
            }
            J::Object(map)
        }
        C::Tag(1, inner) => match *inner {
            C::Integer(ms) => {
                let ms = i128::from(ms) as f64;
                serde_json::Number::from_f64(ms / 1_000.0).map_or(J::Null, J::Number)
            }
            other => cbor_to_json(other)?,
        },
        C::Tag(_, inner) => cbor_to_json(*inner)?,
        _ => return Err(WireError::serialization("Unsupported CBOR value")),
    })
}

fn json_error_text(error: &serde_json::Error) -> String {
    match error.classify() {
        serde_json::error::Category::Data => error.to_string(),
        _ => format!("Could not parse the request body as JSON: {error}"),
    }
}

/// Encodes a successful result.
pub fn encode<T: Serialize>(format: Format, value: &T) -> Vec<u8> {
    match format {
        Format::Json => serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec()),
        Format::Cbor => {
            let mut out = Vec::new();
            match ciborium::into_writer(value, &mut out) {
                Ok(()) => out,
                Err(_) => vec![0xa0],
            }
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    #[serde(rename = "__type")]
    code: &'a str,
    message: &'a str,
}

/// Encodes an error body `{"__type", "message"}`.
pub fn encode_error(format: Format, error: &WireError) -> Vec<u8> {
    encode(
        format,
        &ErrorBody {
            code: &error.code,
            message: &error.message,
        },
    )
}

/// The stream a request names, for the traffic log (best effort; never fails the request).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct StreamHint {
    stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    stream_arn: Option<String>,
    #[serde(rename = "ConsumerARN")]
    consumer_arn: Option<String>,
    #[serde(rename = "ResourceARN")]
    resource_arn: Option<String>,
}

/// The stream a request body names, if any.
pub fn stream_hint(format: Format, body: &[u8]) -> Option<String> {
    let hint: StreamHint = match format {
        Format::Json => serde_json::from_slice(body).ok()?,
        Format::Cbor => ciborium::from_reader(body).ok()?,
    };
    let from_arn = |arn: &str| {
        arn.split_once(":stream/")
            .map(|(_, rest)| rest.split('/').next().unwrap_or(rest).to_owned())
    };
    hint.stream_name
        .or_else(|| hint.stream_arn.as_deref().and_then(from_arn))
        .or_else(|| hint.consumer_arn.as_deref().and_then(from_arn))
        .or_else(|| hint.resource_arn.as_deref().and_then(from_arn))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_names_the_operation() {
        assert_eq!(
            operation_of(Some("Kinesis_20131202.PutRecord")),
            Ok("PutRecord")
        );
        assert_eq!(
            operation_of(Some("Firehose_20150804.PutRecord"))
                .unwrap_err()
                .code,
            "UnknownOperationException"
        );
        assert_eq!(
            operation_of(None).unwrap_err().code,
            "UnknownOperationException"
        );
    }

    #[test]
    fn bodies_decode_in_both_formats_and_bad_ones_are_serialization_errors() {
        let json = br#"{"StreamName":"s","ShardCount":2}"#;
        assert!(matches!(
            decode("CreateStream", Format::Json, json),
            Ok(Command::CreateStream(_))
        ));
        assert!(matches!(
            decode("ListStreams", Format::Json, b""),
            Ok(Command::ListStreams(_))
        ));
        let wrong_type = br#"{"StreamName":"s","ShardCount":"two"}"#;
        assert_eq!(
            decode("CreateStream", Format::Json, wrong_type)
                .unwrap_err()
                .code,
            "SerializationException"
        );
        assert_eq!(
            decode("CreateStream", Format::Json, b"{not json")
                .unwrap_err()
                .code,
            "SerializationException"
        );
        assert_eq!(
            decode("NoSuchThing", Format::Json, b"{}").unwrap_err().code,
            "UnknownOperationException"
        );
        let mut cbor = Vec::new();
        ciborium::into_writer(
            &ciborium::Value::Map(vec![
                (
                    ciborium::Value::Text("StreamName".into()),
                    ciborium::Value::Text("s".into()),
                ),
                (
                    ciborium::Value::Text("ShardCount".into()),
                    ciborium::Value::Integer(2.into()),
                ),
            ]),
            &mut cbor,
        )
        .unwrap();
        assert!(matches!(
            decode("CreateStream", Format::Cbor, &cbor),
            Ok(Command::CreateStream(_))
        ));
    }

    #[test]
    fn cbor_blobs_are_byte_strings_and_timestamps_are_tag_1_milliseconds() {
        use ciborium::Value as C;
        let body = C::Map(vec![
            (C::Text("StreamName".into()), C::Text("s".into())),
            (C::Text("PartitionKey".into()), C::Text("k".into())),
            (C::Text("Data".into()), C::Bytes(vec![0, 159, 255])),
        ]);
        let mut cbor = Vec::new();
        ciborium::into_writer(&body, &mut cbor).unwrap();
        let Ok(Command::PutRecord(input)) = decode("PutRecord", Format::Cbor, &cbor) else {
            panic!()
        };
        assert_eq!(input.data.unwrap().0, vec![0, 159, 255]);
        let body = C::Map(vec![
            (C::Text("StreamName".into()), C::Text("s".into())),
            (
                C::Text("ShardId".into()),
                C::Text("shardId-000000000000".into()),
            ),
            (
                C::Text("ShardIteratorType".into()),
                C::Text("AT_TIMESTAMP".into()),
            ),
            (
                C::Text("Timestamp".into()),
                C::Tag(1, Box::new(C::Integer(1_459_799_926_480i64.into()))),
            ),
        ]);
        let mut cbor = Vec::new();
        ciborium::into_writer(&body, &mut cbor).unwrap();
        let Ok(Command::GetShardIterator(input)) = decode("GetShardIterator", Format::Cbor, &cbor)
        else {
            panic!()
        };
        assert_eq!(input.timestamp.unwrap().millis(), 1_459_799_926_480);
    }

    #[test]
    fn the_stream_is_found_by_name_or_arn() {
        assert_eq!(
            stream_hint(Format::Json, br#"{"StreamName":"a"}"#).as_deref(),
            Some("a")
        );
        let arn =
            br#"{"ConsumerARN":"arn:aws:kinesis:us-east-1:000000000000:stream/b/consumer/c:1"}"#;
        assert_eq!(stream_hint(Format::Json, arn).as_deref(), Some("b"));
    }
}
