//! The wire shapes Firehose's operations share (reference B.1): statuses, the delivery stream's
//! description, tags, encryption. Destination configurations are in [`super::destination`].

use super::destination::DestinationDescription;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// DeliveryStreamStatus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryStreamStatus {
    Creating,
    CreatingFailed,
    Deleting,
    DeletingFailed,
    Active,
}

/// DeliveryStreamType.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DeliveryStreamType {
    #[default]
    DirectPut,
    KinesisStreamAsSource,
    #[serde(rename = "MSKAsSource")]
    MskAsSource,
    DatabaseAsSource,
}

impl DeliveryStreamType {
    /// The model's listing of the enum, for ValidationException texts.
    pub const ALLOWED: &'static [&'static str] = &[
        "DirectPut",
        "KinesisStreamAsSource",
        "MSKAsSource",
        "DatabaseAsSource",
    ];
}

/// A tag (`Key` 1–128, `Value` 0–256).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Tag {
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// KeyType of server-side encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum KeyType {
    #[default]
    AwsOwnedCmk,
    CustomerManagedCmk,
}

/// DeliveryStreamEncryptionConfigurationInput.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EncryptionInput {
    #[serde(rename = "KeyARN", skip_serializing_if = "Option::is_none")]
    pub key_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_type: Option<String>,
}

/// Status of server-side encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EncryptionStatus {
    Enabled,
    Enabling,
    EnablingFailed,
    Disabled,
    Disabling,
    DisablingFailed,
}

/// DeliveryStreamEncryptionConfiguration (output).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EncryptionDescription {
    #[serde(rename = "KeyARN", skip_serializing_if = "Option::is_none")]
    pub key_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_type: Option<KeyType>,
    pub status: EncryptionStatus,
}

/// KinesisStreamSourceConfiguration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct KinesisStreamSourceConfiguration {
    #[serde(rename = "KinesisStreamARN")]
    pub kinesis_stream_arn: Option<String>,
    #[serde(rename = "RoleARN")]
    pub role_arn: Option<String>,
}

/// DirectPutSourceConfiguration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DirectPutSourceConfiguration {
    #[serde(rename = "ThroughputHintInMBs")]
    pub throughput_hint_in_mbs: Option<i64>,
}

/// SourceDescription.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SourceDescription {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direct_put_source_description: Option<DirectPutSourceDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinesis_stream_source_description: Option<KinesisStreamSourceDescription>,
}

/// DirectPutSourceDescription.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DirectPutSourceDescription {
    #[serde(rename = "ThroughputHintInMBs")]
    pub throughput_hint_in_mbs: i64,
}

/// KinesisStreamSourceDescription.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct KinesisStreamSourceDescription {
    #[serde(rename = "KinesisStreamARN")]
    pub kinesis_stream_arn: String,
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
    pub delivery_start_timestamp: Timestamp,
}

/// DeliveryStreamDescription.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeliveryStreamDescription {
    pub delivery_stream_name: String,
    #[serde(rename = "DeliveryStreamARN")]
    pub delivery_stream_arn: String,
    pub delivery_stream_status: DeliveryStreamStatus,
    pub delivery_stream_encryption_configuration: EncryptionDescription,
    pub delivery_stream_type: DeliveryStreamType,
    pub version_id: String,
    pub create_timestamp: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_update_timestamp: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceDescription>,
    pub destinations: Vec<DestinationDescription>,
    pub has_more_destinations: bool,
}
