//! Checking an S3 destination configuration (reference B.1, B.3, B.4): the model's constraints
//! (ValidationException), then AWS's rules (InvalidArgumentException), then the defaults.

use crate::firehose::conversion::config::{self as conversion, Conversion};
use crate::firehose::destination::*;
use crate::firehose::error::FirehoseError;
use crate::firehose::messages;
use crate::firehose::object_key::{Prefix, PrefixKind};
use crate::firehose::processors::Pipeline;
use crate::validate::Validator;

const ROLE_ARN_PATTERN: &str = "arn:.*:iam::\\d{12}:role/[a-zA-Z_0-9+=,.@\\-_/]+";
const BUCKET_ARN_PATTERN: &str = "arn:.*:s3:::[\\w\\.\\-]{1,255}";
const FILE_EXTENSION_PATTERN: &str = "^$|\\.[0-9a-z!\\-_.*'()]+";
const BACKUP_MODES: [&str; 2] = ["Disabled", "Enabled"];
/// S3 buffering hints (B.3): SizeInMBs 1–128 (default 5), IntervalInSeconds 0–900 (default 300).
const DEFAULT_HINTS: BufferingHints = BufferingHints {
    size_in_mbs: 5,
    interval_in_seconds: 300,
};

fn role_arn_ok(arn: &str) -> bool {
    let Some(rest) = arn.strip_prefix("arn:") else {
        return false;
    };
    let Some((_, rest)) = rest.split_once(":iam::") else {
        return false;
    };
    let Some((account, role)) = rest.split_once(":role/") else {
        return false;
    };
    account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && !role.is_empty()
        && role
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@-_/".contains(c))
}

/// Whether `name` is a bucket name a folder can stand for: S3's rules (3–63 characters of
/// lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit).
pub(crate) fn bucket_name_ok(name: &str) -> bool {
    let edge_ok = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && edge_ok(name.as_bytes().first())
        && edge_ok(name.as_bytes().last())
        && !name.contains("..")
}

fn file_extension_ok(ext: &str) -> bool {
    ext.is_empty()
        || ext.strip_prefix('.').is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "!-_.*'()".contains(c))
        })
}

/// The model's constraints on an S3 destination (creation: RoleARN and BucketARN required).
pub(crate) fn validate_destination(v: &mut Validator, member: &str, d: &S3DestinationInput) {
    let at = |m: &str| format!("{member}.{m}");
    v.required(&at("roleARN"), &d.role_arn);
    v.required(&at("bucketARN"), &d.bucket_arn);
    validate_members(v, member, d);
}

/// The model's constraints on the members present (UpdateDestination: nothing required).
pub(crate) fn validate_members(v: &mut Validator, member: &str, d: &S3DestinationInput) {
    let at = |m: &str| format!("{member}.{m}");
    if let Some(arn) = &d.role_arn
        && v.length(&at("roleARN"), arn, 1, 512)
    {
        v.pattern_text(&at("roleARN"), arn, ROLE_ARN_PATTERN, role_arn_ok(arn));
    }
    if let Some(arn) = &d.bucket_arn
        && v.length(&at("bucketARN"), arn, 1, 2048)
    {
        let ok = bucket_of_arn(arn).is_some_and(|b| {
            (1..=255).contains(&b.len())
                && b.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '-')
        });
        v.pattern_text(&at("bucketARN"), arn, BUCKET_ARN_PATTERN, ok);
    }
    v.string(&at("prefix"), &d.prefix, 0, 1024, None);
    v.string(
        &at("errorOutputPrefix"),
        &d.error_output_prefix,
        0,
        1024,
        None,
    );
    if let Some(hints) = &d.buffering_hints {
        hints.validate(v, &at("bufferingHints"), 128);
    }
    let _: Option<CompressionFormat> = v.parse_enum(
        &at("compressionFormat"),
        d.compression_format.as_deref(),
        CompressionFormat::ALLOWED,
    );
    if let Some(conversion) = &d.data_format_conversion_configuration {
        conversion::validate(v, &at("dataFormatConversionConfiguration"), conversion);
    }
    if let Some(mode) = &d.s3_backup_mode
        && !BACKUP_MODES.contains(&mode.as_str())
    {
        v.enumeration(&at("s3BackupMode"), mode, "[Disabled, Enabled]");
    }
    if let Some(ext) = &d.file_extension
        && v.length(&at("fileExtension"), ext, 0, 128)
    {
        v.pattern_text(
            &at("fileExtension"),
            ext,
            FILE_EXTENSION_PATTERN,
            file_extension_ok(ext),
        );
    }
}

/// Dynamic partitioning's rules (B.4, B.7): the prefix uses partition keys, each from a source
/// that gives it, an error output prefix is set, and the interval is not 0.
fn check_partitioning(
    partitioned: bool,
    prefix: &Prefix,
    pipeline: &Pipeline,
    has_error_prefix: bool,
    hints: BufferingHints,
) -> Result<(), FirehoseError> {
    let (from_query, from_lambda) = prefix.partition_keys();
    if !partitioned {
        if prefix.is_partitioned() {
            return Err(messages::invalid(
                "Prefix uses partitionKeyFromQuery or partitionKeyFromLambda, which need DynamicPartitioningConfiguration enabled.",
            ));
        }
        if pipeline.metadata_query.is_some() {
            return Err(messages::invalid(
                "The MetadataExtraction processor needs DynamicPartitioningConfiguration enabled.",
            ));
        }
        return Ok(());
    }
    if !prefix.is_partitioned() {
        return Err(messages::invalid(
            "With dynamic partitioning the Prefix must use partitionKeyFromQuery or partitionKeyFromLambda expressions.",
        ));
    }
    if !has_error_prefix {
        return Err(messages::invalid(
            "ErrorOutputPrefix is required when dynamic partitioning is enabled.",
        ));
    }
    if hints.interval_in_seconds == 0 {
        return Err(messages::invalid(
            "IntervalInSeconds 0 (zero buffering) is not available with dynamic partitioning.",
        ));
    }
    if !from_query.is_empty() && pipeline.metadata_query.is_none() {
        return Err(messages::invalid(
            "Prefix uses partitionKeyFromQuery, which needs a MetadataExtraction processor.",
        ));
    }
    if !from_lambda.is_empty() && pipeline.lambda.is_none() {
        return Err(messages::invalid(
            "Prefix uses partitionKeyFromLambda, which needs a Lambda processor.",
        ));
    }
    Ok(())
}

/// A destination that passed every check, with its parsed prefixes.
pub(crate) struct CheckedDestination {
    pub destination: S3Destination,
    pub partitioned: bool,
    pub pipeline: Pipeline,
    pub conversion: Option<Conversion>,
    pub prefix: Prefix,
    pub error_prefix: Prefix,
}

/// AWS's rules and the defaults, for a new destination (`existing` = `None`) or an update merged
/// into `existing` (same destination type: members given replace those held).
pub(crate) fn check_destination(
    input: &S3DestinationInput,
    existing: Option<&S3Destination>,
) -> Result<CheckedDestination, FirehoseError> {
    let mut hints = BufferingHintsInput::resolve(
        input.buffering_hints,
        existing.map(|d| d.buffering_hints),
        DEFAULT_HINTS,
    )?;
    let compression_format = match input.compression_format.as_deref() {
        Some(text) => {
            serde_json::from_value(serde_json::Value::String(text.into())).unwrap_or_default()
        }
        None => existing.map(|d| d.compression_format).unwrap_or_default(),
    };
    let pick = |given: &Option<String>, held: Option<&String>| given.clone().or(held.cloned());
    let prefix_text = pick(&input.prefix, existing.map(|d| &d.prefix)).unwrap_or_default();
    let error_text = pick(
        &input.error_output_prefix,
        existing.and_then(|d| d.error_output_prefix.as_ref()),
    )
    .filter(|p| !p.is_empty());
    let prefix = Prefix::parse(&prefix_text, PrefixKind::Data).map_err(messages::invalid)?;
    let error_prefix = match &error_text {
        Some(text) => Prefix::parse(text, PrefixKind::Error).map_err(messages::invalid)?,
        None => Prefix::default_error(),
    };
    if Prefix::has_expressions(&prefix_text) && error_text.is_none() {
        return Err(messages::invalid(
            "ErrorOutputPrefix cannot be null or empty when Prefix contains expressions.",
        ));
    }
    let dynamic = input
        .dynamic_partitioning_configuration
        .as_ref()
        .or(existing.and_then(|d| d.dynamic_partitioning_configuration.as_ref()));
    let partitioned = dynamic.is_some_and(|d| d.enabled == Some(true));
    let processing = input
        .processing_configuration
        .clone()
        .or(existing.and_then(|d| d.processing_configuration.clone()));
    let pipeline = Pipeline::parse(processing.as_ref()).map_err(messages::invalid)?;
    check_partitioning(partitioned, &prefix, &pipeline, error_text.is_some(), hints)?;
    let conversion_config = input
        .data_format_conversion_configuration
        .clone()
        .or(existing.and_then(|d| d.data_format_conversion_configuration.clone()));
    let conversion = conversion::check(conversion_config.as_deref())?;
    if conversion.is_some() {
        if input.buffering_hints.is_none() && existing.is_none() {
            hints.size_in_mbs = conversion::DEFAULT_SIZE_IN_MBS;
        }
        if compression_format != CompressionFormat::Uncompressed {
            return Err(messages::invalid(
                "CompressionFormat must be UNCOMPRESSED when data format conversion is enabled: the serializer compresses.",
            ));
        }
        if hints.size_in_mbs < conversion::MIN_SIZE_IN_MBS {
            return Err(messages::invalid(format!(
                "BufferingHints.SizeInMBs must be at least {} when data format conversion is enabled.",
                conversion::MIN_SIZE_IN_MBS
            )));
        }
    }
    let time_zone = pick(
        &input.custom_time_zone,
        existing.and_then(|d| d.custom_time_zone.as_ref()),
    );
    if time_zone
        .as_deref()
        .is_some_and(|z| !z.is_empty() && z != "UTC")
    {
        return Err(messages::invalid(
            "Kinescope evaluates prefixes in UTC only: CustomTimeZone must be UTC.",
        ));
    }
    let bucket_arn = pick(&input.bucket_arn, existing.map(|d| &d.bucket_arn)).unwrap_or_default();
    let bucket = bucket_of_arn(&bucket_arn).unwrap_or_default();
    if !bucket_name_ok(bucket) {
        return Err(messages::invalid(format!(
            "BucketARN {bucket_arn} does not name a valid S3 bucket (3-63 lowercase letters, digits, dots and hyphens)."
        )));
    }
    let backup_mode = pick(&input.s3_backup_mode, existing.map(|d| &d.s3_backup_mode))
        .unwrap_or_else(|| "Disabled".into());
    if existing.is_some_and(|d| d.s3_backup_mode == "Enabled") && backup_mode == "Disabled" {
        return Err(messages::invalid(
            "S3BackupMode cannot be disabled once it is enabled.",
        ));
    }
    let destination = S3Destination {
        role_arn: pick(&input.role_arn, existing.map(|d| &d.role_arn)).unwrap_or_default(),
        bucket_arn,
        prefix: prefix_text,
        error_output_prefix: error_text,
        buffering_hints: hints,
        compression_format,
        encryption_configuration: input
            .encryption_configuration
            .clone()
            .or(existing.map(|d| d.encryption_configuration.clone()))
            .unwrap_or_default(),
        cloud_watch_logging_options: input
            .cloud_watch_logging_options
            .clone()
            .or(existing.map(|d| d.cloud_watch_logging_options.clone()))
            .unwrap_or_default(),
        processing_configuration: processing,
        s3_backup_mode: backup_mode,
        data_format_conversion_configuration: conversion_config,
        dynamic_partitioning_configuration: dynamic.cloned(),
        file_extension: pick(
            &input.file_extension,
            existing.and_then(|d| d.file_extension.as_ref()),
        )
        .filter(|e| !e.is_empty()),
        custom_time_zone: time_zone,
        s3_backup_description: None,
    };
    Ok(CheckedDestination {
        destination,
        partitioned,
        pipeline,
        conversion,
        prefix,
        error_prefix,
    })
}
