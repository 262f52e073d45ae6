//! Kinesis Data Streams on the JSON 1.1 / CBOR protocol (reference A.2): a well-formed request
//! decodes straight into its command; any other is type-checked member by member for AWS's
//! SerializationException texts. SubscribeToShard answers with an event stream.

use super::handler::Answer;
use super::protocol::{self, Format, WireError};
use crate::api::server::ApiState;
use crate::streams::command::{Command, CommandOutput};
use axum::http::request::Parts;

/// Decodes, authenticates and applies one Kinesis call; also gives the stream it names.
pub(crate) async fn answer(
    state: &ApiState,
    parts: &Parts,
    operation: &str,
    format: Format,
    body: &[u8],
) -> (Result<Answer, WireError>, Option<String>) {
    let command = match decode_and_authenticate(state, parts, operation, format, body) {
        Ok(command) => command,
        Err(error) => return (Err(error), None),
    };
    let stream = command.stream_hint();
    let result = match command {
        Command::SubscribeToShard(input) => super::subscribe::open(state, input, format)
            .await
            .map(Answer::Streaming),
        command => state
            .world
            .apply(command)
            .map(|output| Answer::Body(encode_output(format, &output)))
            .map_err(WireError::from),
    };
    (result, stream)
}

/// A well-formed request decodes at once and is then authenticated; any other is parsed
/// (a body that is not an object is refused first), authenticated, then type-checked member by
/// member for AWS's SerializationException text.
fn decode_and_authenticate(
    state: &ApiState,
    parts: &Parts,
    operation: &str,
    format: Format,
    body: &[u8],
) -> Result<Command, WireError> {
    if let Some(command) = protocol::decode_direct(operation, format, body) {
        state.auth.check(parts, body)?;
        return Ok(command);
    }
    let value = protocol::parse_object(format, body)?;
    state.auth.check(parts, body)?;
    protocol::decode_checked(operation, value)
}

/// An operation without output answers an empty body (kinesis-wire.md §2), not `{}`.
fn encode_output(format: Format, output: &CommandOutput) -> Vec<u8> {
    match (format, output) {
        _ if output.is_empty() => Vec::new(),
        (Format::Json, CommandOutput::PutRecords(out)) => super::fast_json::put_records(out),
        (Format::Json, CommandOutput::PutRecord(out)) => super::fast_json::put_record(out),
        _ => protocol::encode(format, output),
    }
}
