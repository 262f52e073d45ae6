//! UpdateDataRetention and GetDataEndpoint (reference C.2): retention moved up or down by whole
//! hours within 0–87,600, and the endpoint the data plane is reached at — this server's own URL,
//! which the wire layer gives the command.

use super::lifecycle::Nothing;
use super::validation::{self, finish};
use crate::validate::Validator;
use crate::video::error::VideoError;
use crate::video::stream::MAX_RETENTION_HOURS;
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};

/// The data plane's APIs GetDataEndpoint knows.
pub const API_NAMES: [&str; 8] = [
    "PUT_MEDIA",
    "GET_MEDIA",
    "LIST_FRAGMENTS",
    "GET_MEDIA_FOR_FRAGMENT_LIST",
    "GET_HLS_STREAMING_SESSION_URL",
    "GET_DASH_STREAMING_SESSION_URL",
    "GET_CLIP",
    "GET_IMAGES",
];

/// Where the API answers when the wire layer does not say (a headless world).
pub const DEFAULT_ENDPOINT: &str = "http://127.0.0.1:4567";

/// UpdateDataRetention.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateDataRetentionInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub current_version: Option<String>,
    pub operation: Option<String>,
    pub data_retention_change_in_hours: Option<i64>,
}

impl Operation for UpdateDataRetentionInput {
    type Output = Nothing;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Nothing, VideoError> {
        let mut v = Validator::new();
        validation::stream(&mut v, &self.stream_name, &self.stream_arn);
        v.required("currentVersion", &self.current_version);
        validation::version(&mut v, "currentVersion", &self.current_version);
        v.one_of(
            "operation",
            &self.operation,
            &["INCREASE_DATA_RETENTION", "DECREASE_DATA_RETENTION"],
        );
        v.required(
            "dataRetentionChangeInHours",
            &self.data_retention_change_in_hours,
        );
        let change = self.data_retention_change_in_hours;
        v.range("dataRetentionChangeInHours", change, 1, i64::MAX);
        finish(v)?;
        let version = world.new_video_version();
        let (name, arn) = (&self.stream_name, &self.stream_arn);
        let stream = world.active_video_stream_at(name, arn, &self.current_version)?;
        let change = change.unwrap_or_default();
        let retention = match self.operation.as_deref() {
            Some("INCREASE_DATA_RETENTION") => stream.retention_hours.saturating_add(change),
            _ => stream.retention_hours - change,
        };
        if !(0..=MAX_RETENTION_HOURS).contains(&retention) {
            return Err(VideoError::InvalidArgumentException(format!(
                "The data retention would be {retention} hours: it must be between 0 and {MAX_RETENTION_HOURS}."
            )));
        }
        stream.retention_hours = retention;
        stream.version = version;
        Ok(Nothing {})
    }
}

/// GetDataEndpoint.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetDataEndpointInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    #[serde(rename = "APIName")]
    pub api_name: Option<String>,
    /// This server's own URL, as the caller reached it (set by the wire layer).
    #[serde(skip)]
    pub endpoint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetDataEndpointOutput {
    pub data_endpoint: String,
}

impl Operation for GetDataEndpointInput {
    type Output = GetDataEndpointOutput;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<GetDataEndpointOutput, VideoError> {
        let mut v = Validator::new();
        validation::stream(&mut v, &self.stream_name, &self.stream_arn);
        v.one_of("aPIName", &self.api_name, &API_NAMES);
        finish(v)?;
        world.video_stream_mut(&self.stream_name, &self.stream_arn)?;
        Ok(GetDataEndpointOutput {
            data_endpoint: self.endpoint.unwrap_or_else(|| DEFAULT_ENDPOINT.into()),
        })
    }
}
