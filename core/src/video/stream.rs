//! A video stream's state (reference C.2): identity, device, media type, KMS key, version,
//! status with its transitions on the virtual clock, retention and tags.

use super::fragment::Archive;
use crate::time::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;

/// Retention a stream may keep: 10 years (reference C.2).
pub const MAX_RETENTION_HOURS: i64 = 87_600;

/// A stream's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum VideoStreamStatus {
    Creating,
    Active,
    Updating,
    Deleting,
}

/// One video stream.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoStreamState {
    pub name: String,
    pub arn: String,
    pub device_name: Option<String>,
    pub media_type: Option<String>,
    pub kms_key_id: String,
    /// Changes with every change of the stream's metadata.
    pub version: String,
    pub status: VideoStreamStatus,
    pub created_ms: i64,
    /// When CREATING, UPDATING or DELETING completes.
    pub transition_at_ms: Option<i64>,
    pub retention_hours: i64,
    pub tags: BTreeMap<String, String>,
    /// Its fragments, oldest first.
    pub archive: Archive,
}

/// StreamInfo, as DescribeStream and ListStreams give it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    pub stream_name: String,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    pub kms_key_id: String,
    pub version: String,
    pub status: VideoStreamStatus,
    pub creation_time: Timestamp,
    pub data_retention_in_hours: i64,
}

impl VideoStreamState {
    pub fn info(&self) -> StreamInfo {
        StreamInfo {
            device_name: self.device_name.clone(),
            stream_name: self.name.clone(),
            stream_arn: self.arn.clone(),
            media_type: self.media_type.clone(),
            kms_key_id: self.kms_key_id.clone(),
            version: self.version.clone(),
            status: self.status,
            creation_time: Timestamp(self.created_ms),
            data_retention_in_hours: self.retention_hours,
        }
    }
}
