//! GetClip (reference C.5): the fragments that start within a range — StartTimestamp inclusive,
//! fragments starting before it left out, EndTimestamp inclusive and at most 24 hours later (in
//! the past, by server time) — as one MP4, at most 200 fragments and 100 MB.

use super::fragments::FragmentSelector;
use crate::validate::Validator;
use crate::video::codec::clip::mp4_clip;
use crate::video::error::VideoError;
use crate::video::fragment::Fragment;
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};

const MAX_FRAGMENTS: usize = 200;
const MAX_BYTES: usize = 100 * 1024 * 1024;
const MAX_RANGE_MS: i64 = 24 * 3_600_000;

/// GetClip.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetClipInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub clip_fragment_selector: Option<FragmentSelector>,
}

/// The clip's bytes (`video/mp4`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clip {
    pub mp4: Vec<u8>,
    pub stream: String,
}

fn invalid(message: &str) -> VideoError {
    VideoError::InvalidArgumentException(message.into())
}

impl Operation for GetClipInput {
    type Output = Clip;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Clip, VideoError> {
        let mut v = Validator::new();
        super::validation_for_media(&mut v, &self.stream_name, &self.stream_arn);
        let selector = v.required("clipFragmentSelector", &self.clip_fragment_selector);
        let selector = selector.cloned().unwrap_or_default();
        v.one_of(
            "clipFragmentSelector.fragmentSelectorType",
            &selector.fragment_selector_type,
            &["PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP"],
        );
        let range = v.required(
            "clipFragmentSelector.timestampRange",
            &selector.timestamp_range,
        );
        let range = range.cloned().unwrap_or_default();
        v.required(
            "clipFragmentSelector.timestampRange.startTimestamp",
            &range.start_timestamp,
        );
        v.required(
            "clipFragmentSelector.timestampRange.endTimestamp",
            &range.end_timestamp,
        );
        v.finish_as(VideoError::InvalidArgumentException)?;
        let start = range.start_timestamp.map_or(0, |t| t.0);
        let end = range.end_timestamp.map_or(0, |t| t.0);
        if end < start {
            return Err(invalid("EndTimestamp must not be before StartTimestamp."));
        }
        if end - start > MAX_RANGE_MS {
            return Err(invalid(
                "EndTimestamp must be within 24 hours of StartTimestamp.",
            ));
        }
        let by_server = selector.fragment_selector_type.as_deref() == Some("SERVER_TIMESTAMP");
        let now = world.now_ms();
        if by_server && end > now {
            return Err(invalid(
                "With SERVER_TIMESTAMP, EndTimestamp must be in the past.",
            ));
        }
        let stream = world.video_stream_mut(&self.stream_name, &self.stream_arn)?;
        if stream.retention_hours == 0 {
            return Err(VideoError::NoDataRetentionException(
                "The stream does not retain data: GetClip needs DataRetentionInHours above 0."
                    .into(),
            ));
        }
        let fragments: Vec<&Fragment> = stream
            .archive
            .fragments
            .iter()
            .filter(|f| f.persisted)
            .filter(|f| {
                let begin = if by_server {
                    f.server_ms
                } else {
                    f.producer_ms
                };
                (start..=end).contains(&begin)
            })
            .collect();
        if fragments.is_empty() {
            return Err(VideoError::ResourceNotFoundException(
                "No fragments found in the stream for the clip's time range.".into(),
            ));
        }
        if fragments.len() > MAX_FRAGMENTS {
            return Err(invalid("The clip would hold more than 200 fragments."));
        }
        let name = stream.name.clone();
        let mp4 = mp4_clip(&fragments).map_err(|e| {
            VideoError::InvalidArgumentException(format!("The clip could not be made: {e}"))
        })?;
        if mp4.len() > MAX_BYTES {
            return Err(invalid("The clip would be larger than 100 MB."));
        }
        Ok(Clip { mp4, stream: name })
    }
}
