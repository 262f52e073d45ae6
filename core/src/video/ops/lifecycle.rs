//! CreateStream, DescribeStream, ListStreams, UpdateStream, DeleteStream (reference C.2):
//! CREATING → ACTIVE, UPDATING → ACTIVE and DELETING → gone on the virtual clock; a version that
//! changes with every change, checked where the API asks for it.

use super::tags::validate_tag_map;
use super::validation::{self, finish};
use crate::validate::Validator;
use crate::video::error::{VideoError, version_mismatch};
use crate::video::stream::{MAX_RETENTION_HOURS, StreamInfo, VideoStreamState, VideoStreamStatus};
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Video streams an account may have (reference C.2).
pub const MAX_STREAMS: usize = 10_000;

/// An empty answer (`{}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Nothing {}

/// CreateStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CreateStreamInput {
    pub device_name: Option<String>,
    pub stream_name: Option<String>,
    pub media_type: Option<String>,
    pub kms_key_id: Option<String>,
    pub data_retention_in_hours: Option<i64>,
    pub tags: Option<BTreeMap<String, String>>,
    pub stream_storage_configuration: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateStreamOutput {
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
}

impl Operation for CreateStreamInput {
    type Output = CreateStreamOutput;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<CreateStreamOutput, VideoError> {
        let mut v = Validator::new();
        v.required("streamName", &self.stream_name);
        validation::stream_name(&mut v, &self.stream_name);
        validation::name(&mut v, "deviceName", &self.device_name, 128);
        validation::media_type(&mut v, &self.media_type);
        v.string("kmsKeyId", &self.kms_key_id, 1, 2048, None);
        v.range(
            "dataRetentionInHours",
            self.data_retention_in_hours,
            0,
            i64::MAX,
        );
        if let Some(tags) = &self.tags {
            validate_tag_map(&mut v, "tags", tags);
        }
        finish(v)?;
        let retention = self.data_retention_in_hours.unwrap_or(0);
        if retention > MAX_RETENTION_HOURS {
            return Err(VideoError::InvalidArgumentException(format!(
                "DataRetentionInHours must be at most {MAX_RETENTION_HOURS} (10 years)."
            )));
        }
        let name = self.stream_name.unwrap_or_default();
        if world.video.streams.contains_key(&name) {
            return Err(VideoError::ResourceInUseException(format!(
                "The stream {name} already exists."
            )));
        }
        if world.video.streams.len() >= MAX_STREAMS {
            return Err(VideoError::AccountStreamLimitExceededException(
                "The number of streams created for the account is too high.".into(),
            ));
        }
        let now = world.now_ms();
        let settings = world.settings();
        let (region, account) = (settings.region.clone(), settings.account_id.clone());
        let arn = format!("arn:aws:kinesisvideo:{region}:{account}:stream/{name}/{now}");
        let version = world.new_video_version();
        let delay = world.settings().transition_delay_ms;
        world.video.streams.insert(
            name.clone(),
            VideoStreamState {
                name,
                arn: arn.clone(),
                device_name: self.device_name,
                media_type: self.media_type,
                kms_key_id: self.kms_key_id.unwrap_or_else(|| {
                    format!("arn:aws:kms:{region}:{account}:alias/aws/kinesisvideo")
                }),
                version,
                status: VideoStreamStatus::Creating,
                created_ms: now,
                transition_at_ms: Some(now + delay),
                retention_hours: retention,
                tags: self.tags.unwrap_or_default(),
                archive: Default::default(),
            },
        );
        Ok(CreateStreamOutput { stream_arn: arn })
    }
}

/// DescribeStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DescribeStreamInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStreamOutput {
    pub stream_info: StreamInfo,
}

impl Operation for DescribeStreamInput {
    type Output = DescribeStreamOutput;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<DescribeStreamOutput, VideoError> {
        let mut v = Validator::new();
        validation::stream(&mut v, &self.stream_name, &self.stream_arn);
        finish(v)?;
        let stream = world.video_stream_mut(&self.stream_name, &self.stream_arn)?;
        Ok(DescribeStreamOutput {
            stream_info: stream.info(),
        })
    }
}

/// StreamNameCondition of ListStreams.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct StreamNameCondition {
    pub comparison_operator: Option<String>,
    pub comparison_value: Option<String>,
}

/// ListStreams.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListStreamsInput {
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub stream_name_condition: Option<StreamNameCondition>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStreamsOutput {
    pub stream_info_list: Vec<StreamInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

impl Operation for ListStreamsInput {
    type Output = ListStreamsOutput;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<ListStreamsOutput, VideoError> {
        let mut v = Validator::new();
        v.range("maxResults", self.max_results, 1, 10_000);
        v.string("nextToken", &self.next_token, 0, 1024, None);
        if let Some(condition) = &self.stream_name_condition {
            if let Some(op) = &condition.comparison_operator
                && op != "BEGINS_WITH"
            {
                v.enumeration(
                    "streamNameCondition.comparisonOperator",
                    op,
                    "[BEGINS_WITH]",
                );
            }
            validation::name(
                &mut v,
                "streamNameCondition.comparisonValue",
                &condition.comparison_value,
                256,
            );
        }
        finish(v)?;
        let after = validation::token_text(&self.next_token)?;
        let prefix = self
            .stream_name_condition
            .and_then(|c| c.comparison_value)
            .unwrap_or_default();
        let limit = self.max_results.unwrap_or(10_000) as usize;
        let mut matching = world
            .video
            .streams
            .values()
            .filter(|s| s.name.starts_with(&prefix))
            .filter(|s| after.as_ref().is_none_or(|a| &s.name > a));
        let page: Vec<StreamInfo> = matching.by_ref().take(limit).map(|s| s.info()).collect();
        let next_token = match (matching.next(), page.last()) {
            (Some(_), Some(last)) => Some(validation::next_token(&last.stream_name)),
            _ => None,
        };
        Ok(ListStreamsOutput {
            stream_info_list: page,
            next_token,
        })
    }
}

/// UpdateStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateStreamInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub current_version: Option<String>,
    pub device_name: Option<String>,
    pub media_type: Option<String>,
}

impl Operation for UpdateStreamInput {
    type Output = Nothing;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Nothing, VideoError> {
        let mut v = Validator::new();
        validation::stream(&mut v, &self.stream_name, &self.stream_arn);
        v.required("currentVersion", &self.current_version);
        validation::version(&mut v, "currentVersion", &self.current_version);
        validation::name(&mut v, "deviceName", &self.device_name, 128);
        validation::media_type(&mut v, &self.media_type);
        finish(v)?;
        let version = world.new_video_version();
        let now = world.now_ms();
        let delay = world.settings().transition_delay_ms;
        let (name, arn) = (&self.stream_name, &self.stream_arn);
        let stream = world.active_video_stream_at(name, arn, &self.current_version)?;
        if self.device_name.is_some() {
            stream.device_name = self.device_name;
        }
        if self.media_type.is_some() {
            stream.media_type = self.media_type;
        }
        stream.version = version;
        stream.status = VideoStreamStatus::Updating;
        stream.transition_at_ms = Some(now + delay);
        Ok(Nothing {})
    }
}

/// DeleteStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteStreamInput {
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub current_version: Option<String>,
}

impl Operation for DeleteStreamInput {
    type Output = Nothing;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Nothing, VideoError> {
        let mut v = Validator::new();
        v.required("streamARN", &self.stream_arn);
        validation::arn(&mut v, "streamARN", &self.stream_arn);
        validation::version(&mut v, "currentVersion", &self.current_version);
        finish(v)?;
        let now = world.now_ms();
        let delay = world.settings().transition_delay_ms;
        let stream = world.video_stream_mut(&None, &self.stream_arn)?;
        if let Some(version) = &self.current_version
            && version != &stream.version
        {
            return Err(version_mismatch());
        }
        stream.status = VideoStreamStatus::Deleting;
        stream.transition_at_ms = Some(now + delay);
        Ok(Nothing {})
    }
}
