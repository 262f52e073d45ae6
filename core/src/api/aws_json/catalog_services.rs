//! The services of this family that take only JSON bodies with no fast path — Amazon Data Firehose
//! (reference B.1), Kinesis Data Analytics for SQL (reference D) and the Glue catalog subset: the
//! body decodes into the operation's command (a member of the wrong type is a
//! SerializationException), is authenticated, applied, and its output encoded — `{}` for
//! operations whose output is empty.

use super::handler::Answer;
use super::protocol::{self, Format, WireError};
use crate::analytics::command::AnalyticsCommand;
use crate::api::server::ApiState;
use crate::firehose::command::FirehoseCommand;
use crate::glue::command::GlueCommand;
use crate::world::Operation;
use axum::http::request::Parts;
use serde::Serialize;

/// A command of one of these services, as the wire layer handles it.
pub(crate) trait WireCommand:
    Operation<Output: Serialize, Error: Into<WireError>> + Sized
{
    /// Decodes the input of operation `name`; `None` if there is no such operation.
    fn decode_named(name: &str, input: serde_json::Value) -> Option<serde_json::Result<Self>>;
    /// The resource a call names, for the traffic log.
    fn resource(&self) -> Option<String>;
}

impl WireCommand for FirehoseCommand {
    fn decode_named(name: &str, input: serde_json::Value) -> Option<serde_json::Result<Self>> {
        FirehoseCommand::decode(name, input)
    }

    fn resource(&self) -> Option<String> {
        self.delivery_stream_hint()
    }
}

impl WireCommand for AnalyticsCommand {
    fn decode_named(name: &str, input: serde_json::Value) -> Option<serde_json::Result<Self>> {
        AnalyticsCommand::decode(name, input)
    }

    fn resource(&self) -> Option<String> {
        self.application_hint()
    }
}

impl WireCommand for GlueCommand {
    fn decode_named(name: &str, input: serde_json::Value) -> Option<serde_json::Result<Self>> {
        GlueCommand::decode(name, input)
    }

    fn resource(&self) -> Option<String> {
        self.resource_hint()
    }
}

/// Decodes, authenticates and applies one call of service `C`; also gives the resource it names.
pub(crate) fn answer<C: WireCommand>(
    state: &ApiState,
    parts: &Parts,
    operation: &str,
    format: Format,
    body: &[u8],
) -> (Result<Answer, WireError>, Option<String>) {
    let command = match decode_and_authenticate::<C>(state, parts, operation, format, body) {
        Ok(command) => command,
        Err(error) => return (Err(error), None),
    };
    let resource = command.resource();
    let result = state
        .world
        .apply(command)
        .map(|output| Answer::Body(protocol::encode(format, &output)))
        .map_err(Into::into);
    (result, resource)
}

fn decode_and_authenticate<C: WireCommand>(
    state: &ApiState,
    parts: &Parts,
    operation: &str,
    format: Format,
    body: &[u8],
) -> Result<C, WireError> {
    let value = protocol::parse_object(format, body)?;
    state.auth.check(parts, body)?;
    C::decode_named(operation, value)
        .ok_or_else(WireError::unknown_operation)?
        .map_err(|e| WireError::serialization(e.to_string()))
}
