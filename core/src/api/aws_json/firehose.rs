//! Amazon Data Firehose on the JSON 1.1 protocol (reference B.1): the body decodes into the
//! operation's command (a member of the wrong type is a SerializationException), is
//! authenticated, applied, and its output encoded — `{}` for operations whose output is empty.

use super::handler::Answer;
use super::protocol::{self, Format, WireError};
use crate::api::server::ApiState;
use crate::firehose::command::FirehoseCommand;
use axum::http::request::Parts;

/// Decodes, authenticates and applies one Firehose call; also gives the delivery stream it names.
pub(crate) fn answer(
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
    let delivery_stream = command.delivery_stream_hint();
    let result = state
        .world
        .apply(command)
        .map(|output| Answer::Body(protocol::encode(format, &output)))
        .map_err(WireError::from);
    (result, delivery_stream)
}

fn decode_and_authenticate(
    state: &ApiState,
    parts: &Parts,
    operation: &str,
    format: Format,
    body: &[u8],
) -> Result<FirehoseCommand, WireError> {
    let value = protocol::parse_object(format, body)?;
    state.auth.check(parts, body)?;
    FirehoseCommand::decode(operation, value)
        .ok_or_else(WireError::unknown_operation)?
        .map_err(|e| WireError::serialization(e.to_string()))
}
