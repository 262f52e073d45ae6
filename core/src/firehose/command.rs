//! The `FirehoseCommand` enum: every Firehose command by its operation name, so the wire layer,
//! scenario timelines and recordings can carry them as data. Each variant wraps the typed input
//! that [`World::apply`] takes directly.

use super::error::FirehoseError;
use super::ops::encryption::*;
use super::ops::flush::*;
use super::ops::lifecycle::*;
use super::ops::put::*;
use super::ops::tags::*;
use super::ops::update::*;
use crate::streams::shapes::Empty;
use crate::world::{Operation, World};
use serde::{Deserialize, Deserializer, Serialize};

/// The operations of `Firehose_20150804` (reference B.1).
pub const FIREHOSE_OPERATIONS: &[&str] = &[
    "CreateDeliveryStream",
    "DeleteDeliveryStream",
    "DescribeDeliveryStream",
    "ListDeliveryStreams",
    "ListTagsForDeliveryStream",
    "PutRecord",
    "PutRecordBatch",
    "StartDeliveryStreamEncryption",
    "StopDeliveryStreamEncryption",
    "TagDeliveryStream",
    "UntagDeliveryStream",
    "UpdateDestination",
];

macro_rules! firehose_commands {
    ($($op:ident($input:ty) -> $output:ty;)*) => {
        /// Every Firehose command.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "Operation", content = "Input")]
        pub enum FirehoseCommand {
            $($op($input),)*
        }

        /// The typed result of a [`FirehoseCommand`].
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum FirehoseOutput {
            $($op($output),)*
        }

        impl FirehoseCommand {
            /// The operation's name.
            pub fn name(&self) -> &'static str {
                match self {
                    $(FirehoseCommand::$op(_) => stringify!($op),)*
                }
            }

            /// Decodes the input of operation `name`; `None` if there is no such operation.
            pub fn decode<'de, D: Deserializer<'de>>(name: &str, input: D) -> Option<Result<FirehoseCommand, D::Error>> {
                match name {
                    $(stringify!($op) => Some(<$input>::deserialize(input).map(FirehoseCommand::$op)),)*
                    _ => None,
                }
            }
        }

        impl Operation for FirehoseCommand {
            type Output = FirehoseOutput;
            type Error = FirehoseError;
            const SPARES_SUBSCRIPTIONS: bool = true;

            fn execute(self, world: &mut World) -> Result<FirehoseOutput, FirehoseError> {
                match self {
                    $(FirehoseCommand::$op(input) => input.execute(world).map(FirehoseOutput::$op),)*
                }
            }
        }
    };
}

firehose_commands! {
    CreateDeliveryStream(CreateDeliveryStreamInput) -> CreateDeliveryStreamOutput;
    DeleteDeliveryStream(DeleteDeliveryStreamInput) -> Empty;
    DescribeDeliveryStream(DescribeDeliveryStreamInput) -> DescribeDeliveryStreamOutput;
    ListDeliveryStreams(ListDeliveryStreamsInput) -> ListDeliveryStreamsOutput;
    ListTagsForDeliveryStream(ListTagsForDeliveryStreamInput) -> ListTagsForDeliveryStreamOutput;
    PutRecord(PutRecordInput) -> PutRecordOutput;
    PutRecordBatch(PutRecordBatchInput) -> PutRecordBatchOutput;
    StartDeliveryStreamEncryption(StartDeliveryStreamEncryptionInput) -> Empty;
    StopDeliveryStreamEncryption(StopDeliveryStreamEncryptionInput) -> Empty;
    TagDeliveryStream(TagDeliveryStreamInput) -> Empty;
    UntagDeliveryStream(UntagDeliveryStreamInput) -> Empty;
    UpdateDestination(UpdateDestinationInput) -> Empty;
    FlushDeliveryStream(FlushDeliveryStreamInput) -> Empty;
}

impl FirehoseCommand {
    /// The delivery stream a call names, for the traffic log.
    pub fn delivery_stream_hint(&self) -> Option<String> {
        serde_json::to_value(self)
            .ok()?
            .get("Input")?
            .get("DeliveryStreamName")?
            .as_str()
            .map(str::to_owned)
    }
}
