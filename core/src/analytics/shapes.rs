//! The wire shapes of the kinesisanalytics (SQL) API (reference D, botocore
//! `kinesisanalytics/2015-08-14`): an application's inputs, outputs, reference data sources and
//! logging options as requests carry them, and the descriptions and summaries answers carry.
//! Stored configuration keeps the request shapes, so a description gives back what was sent.

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// ApplicationStatus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApplicationStatus {
    Deleting,
    Starting,
    Stopping,
    Ready,
    Running,
    Updating,
}

impl ApplicationStatus {
    /// The status as AWS writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deleting => "DELETING",
            Self::Starting => "STARTING",
            Self::Stopping => "STOPPING",
            Self::Ready => "READY",
            Self::Running => "RUNNING",
            Self::Updating => "UPDATING",
        }
    }
}

/// A resource and the role that reads or writes it (KinesisStreamsInput, KinesisFirehoseOutput,
/// LambdaOutput, InputLambdaProcessor and their descriptions all have this shape).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ResourceRole {
    #[serde(rename = "ResourceARN", skip_serializing_if = "Option::is_none")]
    pub resource_arn: Option<String>,
    #[serde(rename = "RoleARN", skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
}

/// The `…Update` form of [`ResourceRole`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ResourceRoleUpdate {
    #[serde(rename = "ResourceARNUpdate", skip_serializing_if = "Option::is_none")]
    pub resource_arn_update: Option<String>,
    #[serde(rename = "RoleARNUpdate", skip_serializing_if = "Option::is_none")]
    pub role_arn_update: Option<String>,
}

/// InputProcessingConfiguration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InputProcessingConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_lambda_processor: Option<ResourceRole>,
}

/// InputParallelism.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InputParallelism {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
}

/// JSONMappingParameters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct JsonMappingParameters {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_row_path: Option<String>,
}

/// CSVMappingParameters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CsvMappingParameters {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_row_delimiter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_column_delimiter: Option<String>,
}

/// MappingParameters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MappingParameters {
    #[serde(
        rename = "JSONMappingParameters",
        skip_serializing_if = "Option::is_none"
    )]
    pub json: Option<JsonMappingParameters>,
    #[serde(
        rename = "CSVMappingParameters",
        skip_serializing_if = "Option::is_none"
    )]
    pub csv: Option<CsvMappingParameters>,
}

/// RecordFormat.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RecordFormat {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_format_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mapping_parameters: Option<MappingParameters>,
}

/// RecordColumn.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RecordColumn {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mapping: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sql_type: Option<String>,
}

/// SourceSchema: how records become rows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SourceSchema {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_format: Option<RecordFormat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_encoding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_columns: Option<Vec<RecordColumn>>,
}

/// Input: the streaming source.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Input {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_processing_configuration: Option<InputProcessingConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinesis_streams_input: Option<ResourceRole>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinesis_firehose_input: Option<ResourceRole>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_parallelism: Option<InputParallelism>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_schema: Option<SourceSchema>,
}

impl Input {
    /// The ARN of the stream or delivery stream it reads (empty when it names none).
    pub fn source_arn(&self) -> &str {
        self.kinesis_streams_input
            .as_ref()
            .or(self.kinesis_firehose_input.as_ref())
            .and_then(|p| p.resource_arn.as_deref())
            .unwrap_or_default()
    }
}

/// InputStartingPositionConfiguration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InputStartingPositionConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_starting_position: Option<String>,
}

/// DestinationSchema.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DestinationSchema {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_format_type: Option<String>,
}

/// Output: an in-application stream written to a destination.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Output {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinesis_streams_output: Option<ResourceRole>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinesis_firehose_output: Option<ResourceRole>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda_output: Option<ResourceRole>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_schema: Option<DestinationSchema>,
}

impl Output {
    /// The ARN of the stream, delivery stream or function it writes to (empty when none).
    pub fn destination_arn(&self) -> &str {
        self.kinesis_streams_output
            .as_ref()
            .or(self.kinesis_firehose_output.as_ref())
            .or(self.lambda_output.as_ref())
            .and_then(|p| p.resource_arn.as_deref())
            .unwrap_or_default()
    }
}

/// S3ReferenceDataSource.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct S3ReferenceDataSource {
    #[serde(rename = "BucketARN", skip_serializing_if = "Option::is_none")]
    pub bucket_arn: Option<String>,
    #[serde(rename = "FileKey", skip_serializing_if = "Option::is_none")]
    pub file_key: Option<String>,
    #[serde(rename = "ReferenceRoleARN", skip_serializing_if = "Option::is_none")]
    pub reference_role_arn: Option<String>,
}

/// ReferenceDataSource: an S3 object read into an in-application table.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ReferenceDataSource {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    #[serde(
        rename = "S3ReferenceDataSource",
        skip_serializing_if = "Option::is_none"
    )]
    pub s3_reference_data_source: Option<S3ReferenceDataSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_schema: Option<SourceSchema>,
}

/// CloudWatchLoggingOption.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CloudWatchLoggingOption {
    #[serde(rename = "LogStreamARN", skip_serializing_if = "Option::is_none")]
    pub log_stream_arn: Option<String>,
    #[serde(rename = "RoleARN", skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
}

/// ApplicationSummary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApplicationSummary {
    pub application_name: String,
    #[serde(rename = "ApplicationARN")]
    pub application_arn: String,
    pub application_status: ApplicationStatus,
}

/// InputDescription.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InputDescription {
    pub input_id: String,
    pub name_prefix: String,
    pub in_app_stream_names: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_processing_configuration_description: Option<ProcessingDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinesis_streams_input_description: Option<ResourceRole>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinesis_firehose_input_description: Option<ResourceRole>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_schema: Option<SourceSchema>,
    pub input_parallelism: InputParallelism,
    pub input_starting_position_configuration: InputStartingPositionConfiguration,
}

/// InputProcessingConfigurationDescription.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProcessingDescription {
    pub input_lambda_processor_description: ResourceRole,
}

/// OutputDescription.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OutputDescription {
    pub output_id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinesis_streams_output_description: Option<ResourceRole>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinesis_firehose_output_description: Option<ResourceRole>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda_output_description: Option<ResourceRole>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_schema: Option<DestinationSchema>,
}

/// ReferenceDataSourceDescription.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReferenceDataSourceDescription {
    pub reference_id: String,
    pub table_name: String,
    #[serde(rename = "S3ReferenceDataSourceDescription")]
    pub s3_reference_data_source_description: S3ReferenceDataSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_schema: Option<SourceSchema>,
}

/// CloudWatchLoggingOptionDescription.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CloudWatchLoggingOptionDescription {
    pub cloud_watch_logging_option_id: String,
    #[serde(rename = "LogStreamARN")]
    pub log_stream_arn: String,
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
}

/// ApplicationDetail.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApplicationDetail {
    pub application_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_description: Option<String>,
    #[serde(rename = "ApplicationARN")]
    pub application_arn: String,
    pub application_status: ApplicationStatus,
    pub create_timestamp: Timestamp,
    pub last_update_timestamp: Timestamp,
    pub input_descriptions: Vec<InputDescription>,
    pub output_descriptions: Vec<OutputDescription>,
    pub reference_data_source_descriptions: Vec<ReferenceDataSourceDescription>,
    pub cloud_watch_logging_option_descriptions: Vec<CloudWatchLoggingOptionDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_code: Option<String>,
    pub application_version_id: i64,
}
