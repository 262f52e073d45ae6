//! CreateDeliveryStream, DeleteDeliveryStream, DescribeDeliveryStream, ListDeliveryStreams
//! (reference B.1): CREATING → ACTIVE and DELETING → gone on the virtual clock.

use super::destination_check::{check_destination, validate_destination};
use super::encryption::{check_encryption_input, validate_encryption_input};
use super::tags::validate_tags;
use crate::firehose::buffer::Buffer;
use crate::firehose::delivery_stream::{Counters, DeliveryStreamState, Encryption, Source};
use crate::firehose::destination::S3DestinationInput;
use crate::firehose::error::FirehoseError;
use crate::firehose::http_delivery::HttpTarget;
use crate::firehose::http_endpoint::{self, HttpEndpointDestinationConfiguration};
use crate::firehose::kinesis_source::KinesisSource;
use crate::firehose::messages;
use crate::firehose::opensearch::{self, OpenSearchDestinationConfiguration};
use crate::firehose::quota::{PutLimits, PutQuota};
use crate::firehose::redshift::config::{self as redshift, RedshiftDestinationConfiguration};
use crate::firehose::shapes::*;
use crate::firehose::source_backup;
use crate::firehose::splunk::{self, SplunkDestinationConfiguration};
use crate::streams::shapes::Empty;
use crate::validate::{Pattern, Validator};
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// Destination configurations Kinescope does not emulate yet, by their member names.
const UNEMULATED_DESTINATIONS: [&str; 4] = [
    "ElasticsearchDestinationConfiguration",
    "AmazonOpenSearchServerlessDestinationConfiguration",
    "SnowflakeDestinationConfiguration",
    "IcebergDestinationConfiguration",
];
/// Source configurations Kinescope does not emulate, by their member names.
const UNEMULATED_SOURCES: [&str; 2] = ["DatabaseSourceConfiguration", "MSKSourceConfiguration"];

/// Validates a delivery stream name (1–64, `[a-zA-Z0-9._-]+`).
pub(crate) fn validate_name(v: &mut Validator, name: &Option<String>) {
    v.required_string("deliveryStreamName", name, 1, 64, Some(Pattern::Name));
}

/// CreateDeliveryStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CreateDeliveryStreamInput {
    pub delivery_stream_name: Option<String>,
    pub delivery_stream_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direct_put_source_configuration: Option<DirectPutSourceConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinesis_stream_source_configuration: Option<KinesisStreamSourceConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_stream_encryption_configuration_input: Option<EncryptionInput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3_destination_configuration: Option<S3DestinationInput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended_s3_destination_configuration: Option<S3DestinationInput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_endpoint_destination_configuration: Option<Box<HttpEndpointDestinationConfiguration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amazonopensearchservice_destination_configuration:
        Option<Box<OpenSearchDestinationConfiguration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub splunk_destination_configuration: Option<Box<SplunkDestinationConfiguration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redshift_destination_configuration: Option<Box<RedshiftDestinationConfiguration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
    /// Members naming destinations or sources not emulated, kept to refuse them clearly.
    #[serde(flatten, skip_serializing_if = "BTreeMap::is_empty")]
    pub other: BTreeMap<String, serde_json::Value>,
}

/// CreateDeliveryStream's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateDeliveryStreamOutput {
    #[serde(rename = "DeliveryStreamARN")]
    pub delivery_stream_arn: String,
}

impl CreateDeliveryStreamInput {
    /// A DirectPut delivery stream to an S3 bucket.
    pub fn direct_put_to_s3(name: &str, bucket: &str) -> Self {
        Self {
            delivery_stream_name: Some(name.into()),
            extended_s3_destination_configuration: Some(S3DestinationInput {
                role_arn: Some("arn:aws:iam::000000000000:role/firehose".into()),
                bucket_arn: Some(format!("arn:aws:s3:::{bucket}")),
                ..S3DestinationInput::default()
            }),
            ..Self::default()
        }
    }

    /// A member that is no part of CreateDeliveryStream's input (a misspelt one), if any: the
    /// API ignores unknown members, a scenario file refuses them.
    pub fn unknown_member(&self) -> Option<&str> {
        self.other
            .keys()
            .map(String::as_str)
            .find(|k| !UNEMULATED_DESTINATIONS.contains(k) && !UNEMULATED_SOURCES.contains(k))
    }

    fn validate(&self) -> Result<DeliveryStreamType, FirehoseError> {
        let mut v = Validator::new();
        validate_name(&mut v, &self.delivery_stream_name);
        let kind = v
            .parse_enum(
                "deliveryStreamType",
                self.delivery_stream_type.as_deref(),
                DeliveryStreamType::ALLOWED,
            )
            .unwrap_or_default();
        if let Some(tags) = &self.tags {
            validate_tags(&mut v, "tags", tags);
        }
        if let Some(encryption) = &self.delivery_stream_encryption_configuration_input {
            validate_encryption_input(&mut v, encryption);
        }
        if let Some(s3) = &self.s3_destination_configuration {
            validate_destination(&mut v, "s3DestinationConfiguration", s3);
        }
        if let Some(s3) = &self.extended_s3_destination_configuration {
            validate_destination(&mut v, "extendedS3DestinationConfiguration", s3);
        }
        if let Some(http) = &self.http_endpoint_destination_configuration {
            let member = "httpEndpointDestinationConfiguration";
            http_endpoint::validate(&mut v, member, http);
            if let Some(s3) = &http.s3_configuration {
                validate_destination(&mut v, &format!("{member}.s3Configuration"), s3);
            }
        }
        if let Some(opensearch) = &self.amazonopensearchservice_destination_configuration {
            let member = "amazonopensearchserviceDestinationConfiguration";
            opensearch::validate(&mut v, member, opensearch);
            if let Some(s3) = &opensearch.s3_configuration {
                validate_destination(&mut v, &format!("{member}.s3Configuration"), s3);
            }
        }
        if let Some(splunk) = &self.splunk_destination_configuration {
            let member = "splunkDestinationConfiguration";
            splunk::validate(&mut v, member, splunk);
            if let Some(s3) = &splunk.s3_configuration {
                validate_destination(&mut v, &format!("{member}.s3Configuration"), s3);
            }
        }
        if let Some(config) = &self.redshift_destination_configuration {
            let member = "redshiftDestinationConfiguration";
            redshift::validate(&mut v, member, config);
            if let Some(s3) = &config.s3_configuration {
                validate_destination(&mut v, &format!("{member}.s3Configuration"), s3);
            }
            if let Some(s3) = &config.s3_backup_configuration {
                validate_destination(&mut v, &format!("{member}.s3BackupConfiguration"), s3);
            }
        }
        v.finish_as(FirehoseError::ValidationException)?;
        Ok(kind)
    }
}

impl Operation for CreateDeliveryStreamInput {
    type Output = CreateDeliveryStreamOutput;
    type Error = FirehoseError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<CreateDeliveryStreamOutput, FirehoseError> {
        let kind = self.validate()?;
        let name = self.delivery_stream_name.clone().unwrap_or_default();
        let account = world.account_id().to_owned();
        let destinations = [
            self.s3_destination_configuration.is_some(),
            self.extended_s3_destination_configuration.is_some(),
            self.http_endpoint_destination_configuration.is_some(),
            self.amazonopensearchservice_destination_configuration
                .is_some(),
            self.splunk_destination_configuration.is_some(),
            self.redshift_destination_configuration.is_some(),
        ]
        .into_iter()
        .filter(|&d| d)
        .count()
            + UNEMULATED_DESTINATIONS
                .iter()
                .filter(|d| self.other.contains_key(**d))
                .count();
        if destinations != 1 {
            return Err(messages::exactly_one_destination());
        }
        if let Some(other) = UNEMULATED_DESTINATIONS
            .iter()
            .chain(&UNEMULATED_SOURCES)
            .find(|d| self.other.contains_key(**d))
        {
            return Err(messages::invalid(format!(
                "Kinescope does not emulate {other} yet: use ExtendedS3DestinationConfiguration (S3 delivery to a folder per bucket)."
            )));
        }
        let opensearch = &self.amazonopensearchservice_destination_configuration;
        let splunk = &self.splunk_destination_configuration;
        let mut redshift_target = None;
        let (checked, http) = match (&self.http_endpoint_destination_configuration, opensearch) {
            _ if let Some(config) = &self.redshift_destination_configuration => {
                // The S3 configuration is the staging bucket COPY reads from.
                let s3 = S3DestinationInput {
                    processing_configuration: config.processing_configuration.clone(),
                    s3_backup_mode: config.s3_backup_mode.clone(),
                    ..config.s3_configuration.clone().unwrap_or_default()
                };
                redshift_target = Some(Box::new(redshift::check(config)?));
                let checked = check_destination(&s3, None)?;
                redshift::check_staging(&checked.destination)?;
                (checked, None)
            }
            _ if splunk.is_some() => {
                let splunk = splunk.as_deref().cloned().unwrap_or_default();
                let s3 = S3DestinationInput {
                    processing_configuration: splunk.processing_configuration.clone(),
                    ..splunk.s3_configuration.clone().unwrap_or_default()
                };
                let target = HttpTarget::Splunk(splunk::check(&splunk)?);
                (check_destination(&s3, None)?, Some(target))
            }
            (_, Some(opensearch)) => {
                // Failed documents and backups go to the S3 configuration; processing is the
                // destination's.
                let s3 = S3DestinationInput {
                    processing_configuration: opensearch.processing_configuration.clone(),
                    ..opensearch.s3_configuration.clone().unwrap_or_default()
                };
                let target = HttpTarget::OpenSearch(opensearch::check(opensearch)?);
                (check_destination(&s3, None)?, Some(target))
            }
            (Some(http), None) => {
                // The S3 configuration is for failed records and backups; processing is the
                // endpoint's.
                let s3 = S3DestinationInput {
                    processing_configuration: http.processing_configuration.clone(),
                    ..http.s3_configuration.clone().unwrap_or_default()
                };
                (
                    check_destination(&s3, None)?,
                    Some(HttpTarget::Endpoint(http_endpoint::check(http, None)?)),
                )
            }
            (None, None) => {
                let input = self
                    .extended_s3_destination_configuration
                    .clone()
                    .or(self.s3_destination_configuration.clone())
                    .unwrap_or_default();
                (check_destination(&input, None)?, None)
            }
        };
        let mut checked = checked;
        let backup_config = self
            .extended_s3_destination_configuration
            .as_ref()
            .and_then(|d| d.s3_backup_configuration.as_deref())
            .or(self
                .redshift_destination_configuration
                .as_ref()
                .and_then(|r| r.s3_backup_configuration.as_ref()));
        let source_backup =
            source_backup::of_destination(&mut checked.destination, backup_config, None)?;
        let source = match kind {
            DeliveryStreamType::DirectPut => Source::DirectPut {
                throughput_hint_in_mbs: self
                    .direct_put_source_configuration
                    .and_then(|c| c.throughput_hint_in_mbs),
            },
            DeliveryStreamType::KinesisStreamAsSource => {
                if self
                    .delivery_stream_encryption_configuration_input
                    .is_some()
                {
                    return Err(messages::invalid(
                        "Server-side encryption is only supported for DirectPut delivery streams.",
                    ));
                }
                kinesis_source(world, self.kinesis_stream_source_configuration.as_ref())?
            }
            other => {
                return Err(messages::invalid(format!(
                    "Kinescope does not emulate {other:?} delivery streams: use DirectPut."
                )));
            }
        };
        let encryption = match &self.delivery_stream_encryption_configuration_input {
            Some(input) => {
                let (key_type, key_arn) = check_encryption_input(input)?;
                Encryption {
                    status: EncryptionStatus::Enabled,
                    key_type: Some(key_type),
                    key_arn,
                    settles_at_ms: None,
                    recent_calls: VecDeque::new(),
                }
            }
            None => Encryption {
                status: EncryptionStatus::Disabled,
                key_type: None,
                key_arn: None,
                settles_at_ms: None,
                recent_calls: VecDeque::new(),
            },
        };
        if world.firehose.delivery_streams.contains_key(&name) {
            return Err(messages::already_exists(&name, &account));
        }
        let limit = world.settings().delivery_stream_limit;
        if world.firehose.delivery_streams.len() >= limit as usize {
            return Err(messages::stream_quota(limit));
        }
        let now = world.now_ms();
        let arn = world.delivery_stream_arn(&name);
        let state = DeliveryStreamState {
            name: name.clone(),
            arn: arn.clone(),
            status: DeliveryStreamStatus::Creating,
            kind,
            version: 1,
            destination_id: "destinationId-000000000001".into(),
            created_ms: now,
            updated_ms: None,
            transition_at_ms: Some(now + world.settings().transition_delay_ms),
            source,
            destination: checked.destination,
            prefix: checked.prefix,
            error_prefix: checked.error_prefix,
            encryption,
            tags: self
                .tags
                .unwrap_or_default()
                .into_iter()
                .map(|t| (t.key, t.value))
                .collect(),
            buffer: Buffer::default(),
            partitions: Default::default(),
            partitioned: checked.partitioned,
            pipeline: checked.pipeline,
            conversion: checked.conversion,
            source_backup,
            http,
            http_retrying: Vec::new(),
            redshift: redshift_target,
            processing: Buffer::default(),
            quota: PutQuota::new(PutLimits::for_region(&world.settings().region)),
            flushes: VecDeque::new(),
            undelivered: VecDeque::new(),
            counters: Counters::default(),
            metrics: Default::default(),
        };
        if let Source::Kinesis { stream_arn, .. } = &state.source {
            let stream = world
                .stream_name_in_arn(stream_arn)
                .map(str::to_owned)
                .unwrap_or_default();
            world
                .firehose
                .sources
                .insert(name.clone(), KinesisSource::new(&stream, &name));
        }
        world.firehose.delivery_streams.insert(name, state);
        Ok(CreateDeliveryStreamOutput {
            delivery_stream_arn: arn,
        })
    }
}

/// The source of a KinesisStreamAsSource delivery stream: its configuration must name an
/// existing stream of this account and region, and a role.
fn kinesis_source(
    world: &World,
    config: Option<&KinesisStreamSourceConfiguration>,
) -> Result<Source, FirehoseError> {
    let (Some(stream_arn), Some(role_arn)) = (
        config.and_then(|c| c.kinesis_stream_arn.clone()),
        config.and_then(|c| c.role_arn.clone()),
    ) else {
        return Err(messages::invalid(
            "KinesisStreamSourceConfiguration with KinesisStreamARN and RoleARN is required for a KinesisStreamAsSource delivery stream.",
        ));
    };
    let stream = world
        .stream_name_in_arn(&stream_arn)
        .map_err(|e| messages::invalid(e.message().to_owned()))?;
    if world.stream(stream).is_none() {
        return Err(messages::invalid(format!(
            "Kinesis stream {stream_arn} does not exist."
        )));
    }
    Ok(Source::Kinesis {
        stream_arn,
        role_arn,
        start_ms: world.now_ms(),
    })
}

/// DeleteDeliveryStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteDeliveryStreamInput {
    pub delivery_stream_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_force_delete: Option<bool>,
}

impl Operation for DeleteDeliveryStreamInput {
    type Output = Empty;
    type Error = FirehoseError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Empty, FirehoseError> {
        let mut v = Validator::new();
        validate_name(&mut v, &self.delivery_stream_name);
        v.finish_as(FirehoseError::ValidationException)?;
        let name = self.delivery_stream_name.unwrap_or_default();
        let account = world.account_id().to_owned();
        let delay = world.settings().transition_delay_ms;
        let now = world.now_ms();
        let stream = world.delivery_stream_named_mut(&name)?;
        if stream.status == DeliveryStreamStatus::Creating {
            return Err(messages::not_in_state(
                &name, &account, "CREATING", "deleted",
            ));
        }
        // AWS discards the pending buffer without delivering it [obs].
        let discarded = stream.buffered().0 + stream.processing.take().len();
        stream.buffer.take();
        stream.partitions.clear();
        stream.undelivered.clear();
        if stream.status != DeliveryStreamStatus::Deleting {
            stream.status = DeliveryStreamStatus::Deleting;
            stream.transition_at_ms = Some(now + delay);
        }
        world.log_event(
            crate::events::EventKind::StatusChanged,
            Some(&name),
            format!("delivery stream {name} is DELETING; {discarded} buffered records discarded"),
        );
        Ok(Empty {})
    }
}

/// DescribeDeliveryStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DescribeDeliveryStreamInput {
    pub delivery_stream_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_start_destination_id: Option<String>,
}

/// DescribeDeliveryStream's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeDeliveryStreamOutput {
    pub delivery_stream_description: DeliveryStreamDescription,
}

impl Operation for DescribeDeliveryStreamInput {
    type Output = DescribeDeliveryStreamOutput;
    type Error = FirehoseError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<DescribeDeliveryStreamOutput, FirehoseError> {
        let mut v = Validator::new();
        validate_name(&mut v, &self.delivery_stream_name);
        v.range("limit", self.limit, 1, 10_000);
        v.string(
            "exclusiveStartDestinationId",
            &self.exclusive_start_destination_id,
            1,
            100,
            None,
        );
        v.finish_as(FirehoseError::ValidationException)?;
        let name = self.delivery_stream_name.unwrap_or_default();
        let mut description = world.delivery_stream_named(&name)?.describe();
        if self
            .exclusive_start_destination_id
            .as_deref()
            .is_some_and(|start| {
                description
                    .destinations
                    .iter()
                    .any(|d| d.destination_id.as_str() <= start)
            })
        {
            description.destinations.clear();
        }
        Ok(DescribeDeliveryStreamOutput {
            delivery_stream_description: description,
        })
    }
}

/// ListDeliveryStreams.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListDeliveryStreamsInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_stream_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_start_delivery_stream_name: Option<String>,
}

/// ListDeliveryStreams' output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDeliveryStreamsOutput {
    pub delivery_stream_names: Vec<String>,
    pub has_more_delivery_streams: bool,
}

impl Operation for ListDeliveryStreamsInput {
    type Output = ListDeliveryStreamsOutput;
    type Error = FirehoseError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<ListDeliveryStreamsOutput, FirehoseError> {
        let mut v = Validator::new();
        v.range("limit", self.limit, 1, 10_000);
        let kind: Option<DeliveryStreamType> = v.parse_enum(
            "deliveryStreamType",
            self.delivery_stream_type.as_deref(),
            DeliveryStreamType::ALLOWED,
        );
        v.string(
            "exclusiveStartDeliveryStreamName",
            &self.exclusive_start_delivery_stream_name,
            1,
            64,
            Some(Pattern::Name),
        );
        v.finish_as(FirehoseError::ValidationException)?;
        let limit = self.limit.unwrap_or(10) as usize;
        let start = self
            .exclusive_start_delivery_stream_name
            .unwrap_or_default();
        let names = world
            .firehose
            .delivery_streams
            .values()
            .filter(|s| s.name > start)
            .filter(|s| kind.is_none_or(|k| s.kind == k))
            .map(|s| s.name.clone());
        let (delivery_stream_names, has_more_delivery_streams) = super::page(names, limit);
        Ok(ListDeliveryStreamsOutput {
            delivery_stream_names,
            has_more_delivery_streams,
        })
    }
}
