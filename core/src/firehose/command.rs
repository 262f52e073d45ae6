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
use crate::service_command::service_commands;
use crate::streams::shapes::Empty;

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

service_commands! {
    FirehoseCommand, FirehoseOutput, FirehoseError;
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
