//! Creating, deleting, describing and listing streams (reference A.5), and DescribeLimits.

use crate::events::EventKind;
use crate::streams::error::{KinesisError, KinesisResult};
use crate::streams::messages;
use crate::streams::shapes::{
    Empty, EncryptionType, EnhancedMetrics, Shard, ShardId, StreamMode, StreamModeDetails,
    StreamModeDetailsInput, StreamStatus, WarmThroughput,
};
use crate::streams::stream::{Change, ON_DEMAND_INITIAL_SHARDS, PendingChange, StreamState};
use crate::streams::token::{TOKEN_LIFETIME_MS, TokenWriter};
use crate::time::Timestamp;
use crate::validate::{Pattern, Validator};
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;
use std::collections::BTreeMap;

/// Streams that may be CREATING at once (A.4).
const MAX_CREATING_STREAMS: usize = 5;
/// Shards DescribeStream returns at most.
const DESCRIBE_STREAM_MAX_SHARDS: usize = 100;
/// Streams ListStreams returns at most.
const LIST_STREAMS_MAX: usize = 100;
const LIST_STREAMS_TOKEN: u8 = 3;

/// CreateStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CreateStreamInput {
    pub stream_name: Option<String>,
    pub shard_count: Option<i64>,
    pub stream_mode_details: Option<StreamModeDetailsInput>,
    pub tags: Option<BTreeMap<String, String>>,
    pub warm_throughput_mi_bps: Option<i64>,
    pub max_record_size_in_ki_b: Option<i64>,
}

impl CreateStreamInput {
    /// A provisioned stream with `shard_count` shards.
    pub fn provisioned(name: &str, shard_count: u32) -> Self {
        Self {
            stream_name: Some(name.into()),
            shard_count: Some(i64::from(shard_count)),
            ..Self::default()
        }
    }

    /// An on-demand stream.
    pub fn on_demand(name: &str) -> Self {
        Self {
            stream_name: Some(name.into()),
            stream_mode_details: Some(StreamModeDetailsInput::of(StreamMode::OnDemand)),
            ..Self::default()
        }
    }
}

impl Operation for CreateStreamInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        let mut v = Validator::new();
        v.required_string("streamName", &self.stream_name, 1, 128, Some(Pattern::Name));
        v.range("shardCount", self.shard_count, 1, 100_000);
        v.range(
            "maxRecordSizeInKiB",
            self.max_record_size_in_ki_b,
            1_024,
            10_240,
        );
        v.range(
            "warmThroughputMiBps",
            self.warm_throughput_mi_bps,
            0,
            super::config::MAX_WARM_THROUGHPUT_MIBPS,
        );
        if let Some(tags) = &self.tags {
            super::tags::validate_tag_map(&mut v, "tags", tags);
        }
        let mode = self
            .stream_mode_details
            .as_ref()
            .and_then(|d| d.mode(&mut v));
        v.finish()?;
        let name = self.stream_name.unwrap_or_default();
        let account = world.account_id().to_owned();
        let mode = mode.unwrap_or(StreamMode::Provisioned);
        let shard_count = match mode {
            StreamMode::OnDemand => ON_DEMAND_INITIAL_SHARDS,
            StreamMode::Provisioned => self.shard_count.ok_or_else(|| {
                KinesisError::InvalidArgumentException(
                    "ShardCount is required for a stream in PROVISIONED mode.".into(),
                )
            })? as u32,
        };
        if world.kinesis.streams.contains_key(&name) {
            return Err(messages::stream_exists(&name, &account));
        }
        let creating = world
            .kinesis
            .streams
            .values()
            .filter(|s| s.status == StreamStatus::Creating)
            .count();
        if creating >= MAX_CREATING_STREAMS {
            return Err(KinesisError::LimitExceededException(
                "Limit for streams being created concurrently exceeded".into(),
            ));
        }
        match mode {
            StreamMode::Provisioned => world.check_shard_quota(shard_count)?,
            StreamMode::OnDemand => world.check_on_demand_quota()?,
        }
        if self.warm_throughput_mi_bps.is_some() {
            world.check_warm_throughput_allowed(mode)?;
        }
        if let Some(tags) = &self.tags {
            super::tags::check_tag_count(&name, &account, 0, tags.len())?;
        }
        let now = world.now_ms();
        let stream_id = format!("{}-{}", world.random_id(20), world.random_id(3));
        let arn = world.stream_arn(&name);
        let mut stream = StreamState::new(name.clone(), arn, stream_id, mode, shard_count, now);
        stream.throttle = world.settings().default_throttle;
        stream.tags = self.tags.unwrap_or_default();
        if let Some(kib) = self.max_record_size_in_ki_b {
            stream.max_record_size_kib = kib as u32;
        }
        stream.warm_throughput_mibps = self.warm_throughput_mi_bps.map(|m| m as u32);
        stream
            .metrics
            .keep_minutes(stream.retention_hours as usize * 60);
        stream.pending = Some(PendingChange {
            started_ms: now,
            due_ms: now + world.settings().transition_delay_ms,
            change: Change::FinishCreate,
        });
        world.kinesis.streams.insert(name.clone(), stream);
        world.log_event(
            EventKind::StatusChanged,
            Some(&name),
            format!("Stream {name} is CREATING with {shard_count} shards"),
        );
        Ok(Empty {})
    }
}

impl World {
    /// LimitExceededException if `additional` shards would pass the account's shard quota.
    /// Open shards that count against the account's shard quota: those of provisioned streams
    /// (A.4: on-demand streams have a quota of their own). DescribeLimits reports this number.
    pub(crate) fn quota_open_shards(&self) -> u32 {
        self.kinesis
            .streams
            .values()
            .filter(|s| s.mode == StreamMode::Provisioned)
            .map(StreamState::open_shard_count)
            .sum()
    }

    /// Refuses with AWS's LimitExceededException text when `additional` more open shards would
    /// pass the account's shard quota.
    pub(crate) fn check_shard_quota(&self, additional: u32) -> KinesisResult<()> {
        let current = self.quota_open_shards();
        let limit = self.settings().shard_limit;
        if current + additional > limit {
            let s = self.settings();
            return Err(messages::shard_limit(
                &s.account_id,
                &s.region,
                current,
                limit,
                additional,
            ));
        }
        Ok(())
    }

    fn check_on_demand_quota(&self) -> KinesisResult<()> {
        let on_demand = self
            .kinesis
            .streams
            .values()
            .filter(|s| s.mode == StreamMode::OnDemand)
            .count();
        if on_demand as u32 >= self.settings().on_demand_stream_limit {
            return Err(KinesisError::LimitExceededException(
                "Limit for on-demand streams has been reached".into(),
            ));
        }
        Ok(())
    }
}

/// DeleteStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteStreamInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub enforce_consumer_deletion: Option<bool>,
}

impl DeleteStreamInput {
    /// Deletes the named stream.
    pub fn named(name: &str) -> Self {
        Self {
            stream_name: Some(name.into()),
            ..Self::default()
        }
    }
}

impl Operation for DeleteStreamInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        let mut v = Validator::new();
        v.stream_address(&self.stream_name, &self.stream_arn);
        v.finish()?;
        let name =
            world.resolve_stream_name(self.stream_name.as_deref(), self.stream_arn.as_deref())?;
        let account = world.account_id().to_owned();
        let delay = world.settings().transition_delay_ms;
        let now = world.now_ms();
        let stream = world.stream_named_mut(&name)?;
        match stream.status {
            StreamStatus::Deleting => return Err(messages::stream_not_found(&name, &account)),
            // AWS lets a stream being created be deleted (kinesis-wire.md §2).
            StreamStatus::Creating | StreamStatus::Active | StreamStatus::Updating => {}
        }
        if !stream.consumers.is_empty() && !self.enforce_consumer_deletion.unwrap_or(false) {
            return Err(KinesisError::ResourceInUseException(format!(
                "Consumers exist in stream {name} and enforceConsumerDeletion is either not set or is false"
            )));
        }
        stream.status = StreamStatus::Deleting;
        stream.pending = Some(PendingChange {
            started_ms: now,
            due_ms: now + delay,
            change: Change::FinishDelete,
        });
        world.log_event(
            EventKind::StatusChanged,
            Some(&name),
            format!("Stream {name} is DELETING"),
        );
        Ok(Empty {})
    }
}

/// DescribeStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DescribeStreamInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub limit: Option<i64>,
    pub exclusive_start_shard_id: Option<String>,
}

impl DescribeStreamInput {
    /// Describes the named stream.
    pub fn named(name: &str) -> Self {
        Self {
            stream_name: Some(name.into()),
            ..Self::default()
        }
    }
}

/// DescribeStream's StreamDescription.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamDescription {
    pub stream_name: String,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
    pub stream_status: StreamStatus,
    pub stream_mode_details: StreamModeDetails,
    pub shards: Vec<Shard>,
    pub has_more_shards: bool,
    pub retention_period_hours: u32,
    pub stream_creation_timestamp: Timestamp,
    pub enhanced_monitoring: Vec<EnhancedMetrics>,
    pub encryption_type: EncryptionType,
    pub key_id: Option<String>,
}

/// DescribeStream's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStreamOutput {
    pub stream_description: StreamDescription,
}

impl Operation for DescribeStreamInput {
    type Output = DescribeStreamOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<DescribeStreamOutput> {
        let mut v = Validator::new();
        v.stream_address(&self.stream_name, &self.stream_arn);
        v.range("limit", self.limit, 1, 10_000);
        v.string(
            "exclusiveStartShardId",
            &self.exclusive_start_shard_id,
            1,
            128,
            Some(Pattern::Name),
        );
        v.finish()?;
        let name =
            world.resolve_stream_name(self.stream_name.as_deref(), self.stream_arn.as_deref())?;
        let stream = world.stream_named(&name)?;
        let limit = (self.limit.unwrap_or(100) as usize).min(DESCRIBE_STREAM_MAX_SHARDS);
        let after = self
            .exclusive_start_shard_id
            .as_deref()
            .and_then(ShardId::parse);
        let mut listed = stream
            .shards
            .iter()
            .filter(|s| !s.expired && after.is_none_or(|a| s.id > a));
        let shards: Vec<Shard> = listed.by_ref().take(limit).map(|s| s.describe()).collect();
        let has_more_shards = listed.next().is_some();
        Ok(DescribeStreamOutput {
            stream_description: StreamDescription {
                stream_name: stream.name.clone(),
                stream_arn: stream.arn.clone(),
                stream_status: stream.status,
                stream_mode_details: StreamModeDetails {
                    stream_mode: stream.mode,
                },
                shards,
                has_more_shards,
                retention_period_hours: stream.retention_hours,
                stream_creation_timestamp: Timestamp(stream.created_ms),
                enhanced_monitoring: stream.enhanced_monitoring(),
                encryption_type: stream.encryption_type(),
                key_id: stream.encryption_key.clone(),
            },
        })
    }
}

/// DescribeStreamSummary.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DescribeStreamSummaryInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
}

impl DescribeStreamSummaryInput {
    /// Summarises the named stream.
    pub fn named(name: &str) -> Self {
        Self {
            stream_name: Some(name.into()),
            ..Self::default()
        }
    }
}

/// DescribeStreamSummary's StreamDescriptionSummary.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamDescriptionSummary {
    pub stream_name: String,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
    pub stream_id: String,
    pub stream_status: StreamStatus,
    pub stream_mode_details: StreamModeDetails,
    pub retention_period_hours: u32,
    pub stream_creation_timestamp: Timestamp,
    pub enhanced_monitoring: Vec<EnhancedMetrics>,
    pub encryption_type: EncryptionType,
    pub key_id: Option<String>,
    pub open_shard_count: u32,
    pub consumer_count: u32,
    pub warm_throughput: Option<WarmThroughput>,
    pub max_record_size_in_ki_b: u32,
}

/// DescribeStreamSummary's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStreamSummaryOutput {
    pub stream_description_summary: StreamDescriptionSummary,
}

impl Operation for DescribeStreamSummaryInput {
    type Output = DescribeStreamSummaryOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<DescribeStreamSummaryOutput> {
        let mut v = Validator::new();
        v.stream_address(&self.stream_name, &self.stream_arn);
        v.finish()?;
        let name =
            world.resolve_stream_name(self.stream_name.as_deref(), self.stream_arn.as_deref())?;
        let commitment = world.kinesis.account.commitment_enabled(world.now_ms());
        let stream = world.stream_named(&name)?;
        Ok(DescribeStreamSummaryOutput {
            stream_description_summary: StreamDescriptionSummary {
                stream_name: stream.name.clone(),
                stream_arn: stream.arn.clone(),
                stream_id: stream.stream_id.clone(),
                stream_status: stream.status,
                stream_mode_details: StreamModeDetails {
                    stream_mode: stream.mode,
                },
                retention_period_hours: stream.retention_hours,
                stream_creation_timestamp: Timestamp(stream.created_ms),
                enhanced_monitoring: stream.enhanced_monitoring(),
                encryption_type: stream.encryption_type(),
                key_id: stream.encryption_key.clone(),
                open_shard_count: stream.open_shard_count(),
                consumer_count: stream.consumers.len() as u32,
                warm_throughput: (commitment && stream.mode == StreamMode::OnDemand).then(|| {
                    WarmThroughput {
                        target_mi_bps: stream.warm_throughput_mibps,
                        current_mi_bps: Some(stream.open_shard_count()),
                    }
                }),
                max_record_size_in_ki_b: stream.max_record_size_kib,
            },
        })
    }
}

/// ListStreams.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListStreamsInput {
    pub limit: Option<i64>,
    pub exclusive_start_stream_name: Option<String>,
    pub next_token: Option<String>,
}

/// One entry of ListStreams' StreamSummaries.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamSummary {
    pub stream_name: String,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
    pub stream_status: StreamStatus,
    pub stream_mode_details: StreamModeDetails,
    pub stream_creation_timestamp: Timestamp,
}

/// ListStreams' output.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStreamsOutput {
    pub stream_names: Vec<String>,
    pub has_more_streams: bool,
    pub next_token: Option<String>,
    pub stream_summaries: Vec<StreamSummary>,
}

impl Operation for ListStreamsInput {
    type Output = ListStreamsOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<ListStreamsOutput> {
        let mut v = Validator::new();
        v.range("limit", self.limit, 1, 10_000);
        v.string(
            "exclusiveStartStreamName",
            &self.exclusive_start_stream_name,
            1,
            128,
            Some(Pattern::Name),
        );
        v.string("nextToken", &self.next_token, 1, 1_048_576, None);
        v.finish()?;
        let after = match &self.next_token {
            Some(token) => Some(world.open_list_token(LIST_STREAMS_TOKEN, token)?),
            None => self.exclusive_start_stream_name.clone(),
        };
        let limit = (self.limit.unwrap_or(100) as usize).min(LIST_STREAMS_MAX);
        let mut listed = world
            .kinesis
            .streams
            .values()
            .filter(|s| after.as_deref().is_none_or(|a| s.name.as_str() > a));
        let page: Vec<&StreamState> = listed.by_ref().take(limit).collect();
        let has_more_streams = listed.next().is_some();
        let next_token = match (has_more_streams, page.last()) {
            (true, Some(last)) => Some(world.seal_list_token(LIST_STREAMS_TOKEN, &last.name)),
            _ => None,
        };
        Ok(ListStreamsOutput {
            stream_names: page.iter().map(|s| s.name.clone()).collect(),
            has_more_streams,
            next_token,
            stream_summaries: page
                .iter()
                .map(|s| StreamSummary {
                    stream_name: s.name.clone(),
                    stream_arn: s.arn.clone(),
                    stream_status: s.status,
                    stream_mode_details: StreamModeDetails {
                        stream_mode: s.mode,
                    },
                    stream_creation_timestamp: Timestamp(s.created_ms),
                })
                .collect(),
        })
    }
}

impl World {
    /// Seals a pagination token that resumes after `position`.
    pub(crate) fn seal_list_token(&self, kind: u8, position: &str) -> String {
        self.sealer().seal(
            kind,
            TokenWriter::default().i64(self.now_ms()).str(position),
        )
    }

    /// Opens a pagination token: InvalidArgumentException if it is not ours, ExpiredNextTokenException
    /// once 300 s old (A.3).
    pub(crate) fn open_list_token(&self, kind: u8, token: &str) -> KinesisResult<String> {
        let mut scratch = Vec::new();
        let invalid =
            || KinesisError::InvalidArgumentException(format!("Invalid NextToken: {token}"));
        let mut reader = self
            .sealer()
            .open(kind, token, &mut scratch)
            .ok_or_else(invalid)?;
        let issued = reader.i64().ok_or_else(invalid)?;
        let position = reader.str().ok_or_else(invalid)?.to_owned();
        if self.now_ms() - issued > TOKEN_LIFETIME_MS {
            return Err(KinesisError::ExpiredNextTokenException(format!(
                "The NextToken has expired. It was issued at {} and tokens are valid for 300 seconds.",
                Timestamp(issued).java_date_string()
            )));
        }
        Ok(position)
    }
}

/// DescribeLimits.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DescribeLimitsInput {}

/// DescribeLimits' output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeLimitsOutput {
    pub shard_limit: u32,
    pub open_shard_count: u32,
    pub on_demand_stream_count: u32,
    pub on_demand_stream_count_limit: u32,
}

impl Operation for DescribeLimitsInput {
    type Output = DescribeLimitsOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<DescribeLimitsOutput> {
        Ok(DescribeLimitsOutput {
            shard_limit: world.settings().shard_limit,
            open_shard_count: world.quota_open_shards(),
            on_demand_stream_count: world
                .kinesis
                .streams
                .values()
                .filter(|s| s.mode == StreamMode::OnDemand)
                .count() as u32,
            on_demand_stream_count_limit: world.settings().on_demand_stream_limit,
        })
    }
}
