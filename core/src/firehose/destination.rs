//! Destination configurations as the API carries them (reference B.1, B.3, B.4, B.10), and the
//! S3 destination as a delivery stream holds it once defaults are filled in.

use super::conversion::config::DataFormatConversionConfiguration;
use serde::{Deserialize, Serialize};

/// BufferingHints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BufferingHintsInput {
    #[serde(rename = "SizeInMBs", skip_serializing_if = "Option::is_none")]
    pub size_in_mbs: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval_in_seconds: Option<i64>,
}

/// BufferingHints with both members known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BufferingHints {
    #[serde(rename = "SizeInMBs")]
    pub size_in_mbs: i64,
    pub interval_in_seconds: i64,
}

impl BufferingHintsInput {
    /// The model's constraints: SizeInMBs 1–`max_size_mb`, IntervalInSeconds 0–900.
    pub(crate) fn validate(
        &self,
        v: &mut crate::validate::Validator,
        member: &str,
        max_size_mb: i64,
    ) {
        v.range(
            &format!("{member}.sizeInMBs"),
            self.size_in_mbs,
            1,
            max_size_mb,
        );
        let interval = format!("{member}.intervalInSeconds");
        v.range(&interval, self.interval_in_seconds, 0, 900);
    }

    /// The hints given (both members, as AWS requires), else those `held`, else `default`.
    pub(crate) fn resolve(
        given: Option<BufferingHintsInput>,
        held: Option<BufferingHints>,
        default: BufferingHints,
    ) -> Result<BufferingHints, super::error::FirehoseError> {
        let Some(given) = given else {
            return Ok(held.unwrap_or(default));
        };
        match (given.size_in_mbs, given.interval_in_seconds) {
            (Some(size_in_mbs), Some(interval_in_seconds)) => Ok(BufferingHints {
                size_in_mbs,
                interval_in_seconds,
            }),
            _ => Err(super::messages::invalid(
                "BufferingHints must specify both SizeInMBs and IntervalInSeconds.",
            )),
        }
    }
}

impl BufferingHints {
    /// The size hint in bytes (SizeInMBs counts MiB).
    pub fn size_bytes(&self) -> u64 {
        self.size_in_mbs as u64 * 1024 * 1024
    }
}

/// CompressionFormat (the enum's case is exact: `SNAPPY` is refused, B.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum CompressionFormat {
    #[default]
    #[serde(rename = "UNCOMPRESSED")]
    Uncompressed,
    #[serde(rename = "GZIP")]
    Gzip,
    #[serde(rename = "ZIP")]
    Zip,
    Snappy,
    #[serde(rename = "HADOOP_SNAPPY")]
    HadoopSnappy,
}

impl CompressionFormat {
    /// The model's listing, for ValidationException texts.
    pub const ALLOWED: &'static [&'static str] =
        &["UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"];
}

/// KMSEncryptionConfig.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct KmsEncryptionConfig {
    #[serde(rename = "AWSKMSKeyARN")]
    pub aws_kms_key_arn: Option<String>,
}

/// EncryptionConfiguration of an S3 destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct S3EncryptionConfiguration {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub no_encryption_config: Option<String>,
    #[serde(
        rename = "KMSEncryptionConfig",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub kms_encryption_config: Option<KmsEncryptionConfig>,
}

impl Default for S3EncryptionConfiguration {
    fn default() -> Self {
        Self {
            no_encryption_config: Some("NoEncryption".into()),
            kms_encryption_config: None,
        }
    }
}

/// CloudWatchLoggingOptions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CloudWatchLoggingOptions {
    pub enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_group_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_stream_name: Option<String>,
}

/// A processor parameter.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ProcessorParameter {
    pub parameter_name: String,
    pub parameter_value: String,
}

/// A processor.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Processor {
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<ProcessorParameter>,
}

impl Processor {
    /// A processor of `kind` with `(ParameterName, ParameterValue)` pairs.
    pub fn new(kind: &str, parameters: &[(&str, &str)]) -> Self {
        Self {
            kind: kind.into(),
            parameters: parameters
                .iter()
                .map(|(name, value)| ProcessorParameter {
                    parameter_name: (*name).into(),
                    parameter_value: (*value).into(),
                })
                .collect(),
        }
    }
}

/// ProcessingConfiguration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ProcessingConfiguration {
    pub enabled: bool,
    pub processors: Vec<Processor>,
}

/// DynamicPartitioningConfiguration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DynamicPartitioningConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_options: Option<serde_json::Value>,
}

/// S3DestinationConfiguration, ExtendedS3DestinationConfiguration and their Update forms: every
/// member optional here, required ones checked by validation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct S3DestinationInput {
    #[serde(rename = "RoleARN", skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    #[serde(rename = "BucketARN", skip_serializing_if = "Option::is_none")]
    pub bucket_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_output_prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buffering_hints: Option<BufferingHintsInput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression_format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_configuration: Option<S3EncryptionConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logging_options: Option<CloudWatchLoggingOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_configuration: Option<ProcessingConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3_backup_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", alias = "S3BackupUpdate")]
    pub s3_backup_configuration: Option<Box<S3DestinationInput>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_format_conversion_configuration: Option<Box<DataFormatConversionConfiguration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic_partitioning_configuration: Option<DynamicPartitioningConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_extension: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_time_zone: Option<String>,
}

/// An S3 destination as a delivery stream holds it: defaults filled in (B.1, B.3).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct S3Destination {
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
    #[serde(rename = "BucketARN")]
    pub bucket_arn: String,
    pub prefix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_output_prefix: Option<String>,
    pub buffering_hints: BufferingHints,
    pub compression_format: CompressionFormat,
    pub encryption_configuration: S3EncryptionConfiguration,
    pub cloud_watch_logging_options: CloudWatchLoggingOptions,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_configuration: Option<ProcessingConfiguration>,
    #[serde(rename = "S3BackupMode")]
    pub s3_backup_mode: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_format_conversion_configuration: Option<Box<DataFormatConversionConfiguration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic_partitioning_configuration: Option<DynamicPartitioningConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_extension: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_time_zone: Option<String>,
    /// Where source records are backed up (S3BackupMode Enabled).
    #[serde(
        rename = "S3BackupDescription",
        skip_serializing_if = "Option::is_none"
    )]
    pub s3_backup_description: Option<PlainS3Description>,
}

impl S3Destination {
    /// The bucket's name, from `arn:aws:s3:::NAME`.
    pub fn bucket(&self) -> &str {
        bucket_of_arn(&self.bucket_arn).unwrap_or_default()
    }
}

/// The bucket named by an S3 bucket ARN, if it is one.
pub fn bucket_of_arn(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(':')?;
    rest.strip_prefix("s3:::")
}

/// The members of an S3 destination that the plain S3DestinationDescription shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PlainS3Description {
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
    #[serde(rename = "BucketARN")]
    pub bucket_arn: String,
    pub prefix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_output_prefix: Option<String>,
    pub buffering_hints: BufferingHints,
    pub compression_format: CompressionFormat,
    pub encryption_configuration: S3EncryptionConfiguration,
    pub cloud_watch_logging_options: CloudWatchLoggingOptions,
}

impl From<&S3Destination> for PlainS3Description {
    fn from(d: &S3Destination) -> Self {
        Self {
            role_arn: d.role_arn.clone(),
            bucket_arn: d.bucket_arn.clone(),
            prefix: d.prefix.clone(),
            error_output_prefix: d.error_output_prefix.clone(),
            buffering_hints: d.buffering_hints,
            compression_format: d.compression_format,
            encryption_configuration: d.encryption_configuration.clone(),
            cloud_watch_logging_options: d.cloud_watch_logging_options.clone(),
        }
    }
}

/// DestinationDescription: AWS shows an extended S3 destination both as S3DestinationDescription
/// and as ExtendedS3DestinationDescription.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DestinationDescription {
    pub destination_id: String,
    #[serde(
        rename = "S3DestinationDescription",
        skip_serializing_if = "Option::is_none"
    )]
    pub s3: Option<PlainS3Description>,
    #[serde(
        rename = "ExtendedS3DestinationDescription",
        skip_serializing_if = "Option::is_none"
    )]
    pub extended_s3: Option<S3Destination>,
    #[serde(
        rename = "HttpEndpointDestinationDescription",
        skip_serializing_if = "Option::is_none"
    )]
    pub http_endpoint: Option<super::http_endpoint::HttpEndpointDescription>,
    #[serde(
        rename = "AmazonopensearchserviceDestinationDescription",
        skip_serializing_if = "Option::is_none"
    )]
    pub opensearch: Option<super::opensearch::OpenSearchDescription>,
    #[serde(
        rename = "SplunkDestinationDescription",
        skip_serializing_if = "Option::is_none"
    )]
    pub splunk: Option<super::splunk::SplunkDescription>,
    #[serde(
        rename = "RedshiftDestinationDescription",
        skip_serializing_if = "Option::is_none"
    )]
    pub redshift: Option<super::redshift::config::RedshiftDescription>,
}
