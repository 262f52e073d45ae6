//! The AWS JSON 1.1 and CBOR protocols of `Kinesis_20131202` (reference A.2): which operation a
//! request names, decoding its input into a [`Command`], and encoding results and errors.

use super::typecheck;
use crate::streams::command::Command;
use serde::Serialize;

pub use crate::api::wire_error::{ErrorStyle, WireError};

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

/// Decodes a well-formed JSON 1.1 request straight into its typed input; `None` when the body is
/// anything else (CBOR always takes the careful path, through [`parse_object`]).
pub fn decode_direct(operation: &str, format: Format, body: &[u8]) -> Option<Command> {
    if format != Format::Json {
        return None;
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let command = Command::decode(operation, &mut de)?.ok()?;
    de.end().ok()?;
    Some(command)
}

/// Decodes a parsed request as AWS judges it: a member of the wrong type is a
/// SerializationException with AWS's text for the first such member in the model's order;
/// numbers for integers are floored and clamped instead.
pub fn decode_checked(operation: &str, mut value: serde_json::Value) -> Result<Command, WireError> {
    typecheck::check(operation, &mut value).map_err(WireError::serialization)?;
    Command::decode(operation, value)
        .ok_or_else(WireError::unknown_operation)?
        .map_err(|e| WireError::serialization(e.to_string()))
}

/// Decodes the body of operation `operation` into a command: directly when well-formed, else
/// through [`parse_object`] and [`decode_checked`].
pub fn decode(operation: &str, format: Format, body: &[u8]) -> Result<Command, WireError> {
    if let Some(command) = decode_direct(operation, format, body) {
        return Ok(command);
    }
    decode_checked(operation, parse_object(format, body)?)
}

/// The body as a JSON object (CBOR rewritten as its JSON 1.1 equivalent), or a
/// SerializationException without a message.
pub fn parse_object(format: Format, body: &[u8]) -> Result<serde_json::Value, WireError> {
    let not_an_object = || WireError::type_only(400, "SerializationException");
    let value = match format {
        Format::Json => serde_json::from_slice(body).map_err(|_| not_an_object())?,
        Format::Cbor => {
            let value: ciborium::Value =
                ciborium::from_reader(body).map_err(|_| not_an_object())?;
            cbor_to_json(value).map_err(|_| not_an_object())?
        }
    };
    if value.is_object() {
        Ok(value)
    } else {
        Err(not_an_object())
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

/// Encodes a successful result.
pub fn encode<T: Serialize>(format: Format, value: &T) -> Vec<u8> {
    match format {
        Format::Json => {
            // Most answers are small; a page of records grows this a few times, not from zero.
            let mut out = Vec::with_capacity(1_024);
            match serde_json::to_writer(&mut out, value) {
                Ok(()) => out,
                Err(_) => b"{}".to_vec(),
            }
        }
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
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    #[serde(rename = "Message", skip_serializing_if = "Option::is_none")]
    capital_message: Option<&'a str>,
}

/// Encodes an error body in the request's format (or the error's own fixed body).
pub fn encode_error(format: Format, error: &WireError) -> Vec<u8> {
    let text = Some(error.message.as_str());
    let (message, capital_message) = match &error.style {
        ErrorStyle::Message => (text, None),
        ErrorStyle::CapitalMessage => (None, text),
        ErrorStyle::TypeOnly => (None, None),
        ErrorStyle::Raw { bytes, .. } => return bytes.clone(),
    };
    encode(
        format,
        &ErrorBody {
            code: &error.code,
            message,
            capital_message,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_decode_in_both_formats_and_bad_ones_are_serialization_errors() {
        let json = br#"{"StreamName":"s","ShardCount":2}"#;
        assert!(matches!(
            decode("CreateStream", Format::Json, json),
            Ok(Command::CreateStream(_))
        ));
        // An empty body is refused at the front door; here it is simply not an object.
        assert_eq!(
            decode("ListStreams", Format::Json, b"").unwrap_err().style,
            ErrorStyle::TypeOnly
        );
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
}
