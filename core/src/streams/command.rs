//! The `Command` enum: every engine command by its AWS operation name, so the wire layer, scenario
//! timelines and recordings can carry commands as data. Each variant wraps the typed input that
//! [`World::apply`] takes directly.

use crate::streams::account::*;
use crate::streams::error::{KinesisError, KinesisResult};
use crate::streams::ops::config::*;
use crate::streams::ops::consumers::*;
use crate::streams::ops::engine::*;
use crate::streams::ops::lifecycle::*;
use crate::streams::ops::list_shards::*;
use crate::streams::ops::policy::*;
use crate::streams::ops::put::*;
use crate::streams::ops::read::*;
use crate::streams::ops::reshard::*;
use crate::streams::ops::tags::*;
use crate::streams::shapes::Empty;
use crate::world::{Operation, World};
use serde::{Deserialize, Deserializer, Serialize};

macro_rules! commands {
    ($($op:ident($input:ty) -> $output:ty;)*) => {
        /// Every engine command that changes or reads the world through the one command path.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "Operation", content = "Input")]
        pub enum Command {
            $($op($input),)*
        }

        /// The typed result of a [`Command`].
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum CommandOutput {
            $($op($output),)*
        }

        impl CommandOutput {
            /// Whether the operation has no output (its answer is an empty body on the wire).
            pub fn is_empty(&self) -> bool {
                match self {
                    $(CommandOutput::$op(_) => std::any::TypeId::of::<$output>() == std::any::TypeId::of::<Empty>(),)*
                }
            }
        }

        impl Command {
            /// Names of every command, AWS operations first.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($op),)*];

            /// The operation's name.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Command::$op(_) => stringify!($op),)*
                }
            }

            /// Decodes the input of operation `name` from any serde format (JSON 1.1 or CBOR);
            /// `None` if there is no such operation.
            pub fn decode<'de, D: Deserializer<'de>>(name: &str, input: D) -> Option<Result<Command, D::Error>> {
                match name {
                    $(stringify!($op) => Some(<$input>::deserialize(input).map(Command::$op)),)*
                    _ => None,
                }
            }
        }

        impl Command {
            /// Whether the command leaves enhanced fan-out subscriptions alone or names those it
            /// affects ([`Operation::SPARES_SUBSCRIPTIONS`] of its input).
            fn spares_subscriptions(&self) -> bool {
                match self {
                    $(Command::$op(_) => <$input as Operation>::SPARES_SUBSCRIPTIONS,)*
                }
            }
        }

        impl Operation for Command {
            type Output = CommandOutput;
            type Error = KinesisError;
            // Decided per variant in `execute`.
            const SPARES_SUBSCRIPTIONS: bool = true;

            fn execute(self, world: &mut World) -> KinesisResult<CommandOutput> {
                if !self.spares_subscriptions() {
                    world.kinesis.subscriptions.note_anything_changed();
                }
                world.admit_control_call(&self)?;
                match self {
                    $(Command::$op(input) => input.execute(world).map(CommandOutput::$op),)*
                }
            }
        }
    };
}

commands! {
    AddTagsToStream(AddTagsToStreamInput) -> Empty;
    CreateStream(CreateStreamInput) -> Empty;
    DecreaseStreamRetentionPeriod(DecreaseStreamRetentionPeriodInput) -> Empty;
    DeleteResourcePolicy(DeleteResourcePolicyInput) -> Empty;
    DeleteStream(DeleteStreamInput) -> Empty;
    DeregisterStreamConsumer(DeregisterStreamConsumerInput) -> Empty;
    DescribeAccountSettings(DescribeAccountSettingsInput) -> AccountSettingsOutput;
    DescribeLimits(DescribeLimitsInput) -> DescribeLimitsOutput;
    DescribeStream(DescribeStreamInput) -> DescribeStreamOutput;
    DescribeStreamConsumer(DescribeStreamConsumerInput) -> DescribeStreamConsumerOutput;
    DescribeStreamSummary(DescribeStreamSummaryInput) -> DescribeStreamSummaryOutput;
    DisableEnhancedMonitoring(DisableEnhancedMonitoringInput) -> EnhancedMonitoringOutput;
    EnableEnhancedMonitoring(EnableEnhancedMonitoringInput) -> EnhancedMonitoringOutput;
    GetRecords(GetRecordsInput) -> GetRecordsOutput;
    GetResourcePolicy(GetResourcePolicyInput) -> GetResourcePolicyOutput;
    GetShardIterator(GetShardIteratorInput) -> GetShardIteratorOutput;
    IncreaseStreamRetentionPeriod(IncreaseStreamRetentionPeriodInput) -> Empty;
    ListShards(ListShardsInput) -> ListShardsOutput;
    ListStreamConsumers(ListStreamConsumersInput) -> ListStreamConsumersOutput;
    ListStreams(ListStreamsInput) -> ListStreamsOutput;
    ListTagsForResource(ListTagsForResourceInput) -> ListTagsForResourceOutput;
    ListTagsForStream(ListTagsForStreamInput) -> ListTagsForStreamOutput;
    MergeShards(MergeShardsInput) -> Empty;
    PutRecord(PutRecordInput) -> PutRecordOutput;
    PutRecords(PutRecordsInput) -> PutRecordsOutput;
    PutResourcePolicy(PutResourcePolicyInput) -> Empty;
    RegisterStreamConsumer(RegisterStreamConsumerInput) -> RegisterStreamConsumerOutput;
    RemoveTagsFromStream(RemoveTagsFromStreamInput) -> Empty;
    SplitShard(SplitShardInput) -> Empty;
    StartStreamEncryption(StartStreamEncryptionInput) -> Empty;
    StopStreamEncryption(StopStreamEncryptionInput) -> Empty;
    SubscribeToShard(SubscribeToShardInput) -> SubscribeToShardOutput;
    TagResource(TagResourceInput) -> Empty;
    UntagResource(UntagResourceInput) -> Empty;
    UpdateAccountSettings(UpdateAccountSettingsInput) -> AccountSettingsOutput;
    UpdateMaxRecordSize(UpdateMaxRecordSizeInput) -> Empty;
    UpdateShardCount(UpdateShardCountInput) -> UpdateShardCountOutput;
    UpdateStreamMode(UpdateStreamModeInput) -> Empty;
    UpdateStreamWarmThroughput(UpdateStreamWarmThroughputInput) -> UpdateStreamWarmThroughputOutput;
    SetThrottleMode(SetThrottleModeInput) -> Empty;
}

impl Command {
    /// The stream a call names — by StreamName, or inside a stream, consumer or resource ARN —
    /// for the traffic log and the control plane's per-stream limits. Data-plane calls read their
    /// fields directly; the rest go through their JSON form.
    pub fn stream_hint(&self) -> Option<String> {
        let named = |name: &Option<String>, arn: &Option<String>| {
            name.clone()
                .or_else(|| arn.as_deref().and_then(stream_in_arn))
        };
        match self {
            Command::PutRecord(i) => named(&i.stream_name, &i.stream_arn),
            Command::PutRecords(i) => named(&i.stream_name, &i.stream_arn),
            Command::GetShardIterator(i) => named(&i.stream_name, &i.stream_arn),
            Command::GetRecords(_) => None,
            _ => {
                let value = serde_json::to_value(self).ok()?;
                let input = value.get("Input")?;
                if let Some(name) = input.get("StreamName").and_then(|v| v.as_str()) {
                    return Some(name.to_owned());
                }
                ["StreamARN", "ConsumerARN", "ResourceARN"]
                    .iter()
                    .filter_map(|member| input.get(*member)?.as_str())
                    .find_map(stream_in_arn)
            }
        }
    }
}

/// The stream name inside a stream, consumer or resource ARN.
fn stream_in_arn(arn: &str) -> Option<String> {
    let resource = arn.split(':').nth(5)?;
    let name = resource.strip_prefix("stream/")?.split('/').next()?;
    (!name.is_empty()).then(|| name.to_owned())
}

/// The 39 operations of the Kinesis Data Streams API (reference A.1).
pub const AWS_OPERATIONS: [&str; 39] = [
    "AddTagsToStream",
    "CreateStream",
    "DecreaseStreamRetentionPeriod",
    "DeleteResourcePolicy",
    "DeleteStream",
    "DeregisterStreamConsumer",
    "DescribeAccountSettings",
    "DescribeLimits",
    "DescribeStream",
    "DescribeStreamConsumer",
    "DescribeStreamSummary",
    "DisableEnhancedMonitoring",
    "EnableEnhancedMonitoring",
    "GetRecords",
    "GetResourcePolicy",
    "GetShardIterator",
    "IncreaseStreamRetentionPeriod",
    "ListShards",
    "ListStreamConsumers",
    "ListStreams",
    "ListTagsForResource",
    "ListTagsForStream",
    "MergeShards",
    "PutRecord",
    "PutRecords",
    "PutResourcePolicy",
    "RegisterStreamConsumer",
    "RemoveTagsFromStream",
    "SplitShard",
    "StartStreamEncryption",
    "StopStreamEncryption",
    "SubscribeToShard",
    "TagResource",
    "UntagResource",
    "UpdateAccountSettings",
    "UpdateMaxRecordSize",
    "UpdateShardCount",
    "UpdateStreamMode",
    "UpdateStreamWarmThroughput",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_found_by_name_or_arn() {
        let by_name = Command::decode("PutRecord", serde_json::json!({"StreamName": "a"}));
        assert_eq!(
            by_name.unwrap().unwrap().stream_hint().as_deref(),
            Some("a")
        );
        let consumer = serde_json::json!({
            "ConsumerARN": "arn:aws:kinesis:us-east-1:000000000000:stream/b/consumer/c:1"
        });
        let by_arn = Command::decode("DescribeStreamConsumer", consumer);
        assert_eq!(by_arn.unwrap().unwrap().stream_hint().as_deref(), Some("b"));
    }

    #[test]
    fn every_aws_operation_has_an_engine_command() {
        for op in AWS_OPERATIONS {
            assert!(Command::NAMES.contains(&op), "{op} has no command");
            let decoded = Command::decode(op, serde_json::json!({}));
            assert!(
                matches!(decoded, Some(Ok(_))),
                "{op} does not decode from {{}}"
            );
        }
    }
}
