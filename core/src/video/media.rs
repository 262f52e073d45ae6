//! Reading media back (reference C.4, C.5): GetMedia from where a StartSelector says, following the
//! stream as fragments arrive, and GetMediaForFragmentList; every fragment leaves as one chunk, a
//! complete Matroska document — header, AWS's fragment tags, the Cluster, then MILLIS_BEHIND_NOW
//! and the continuation token last.

use super::error::{VideoError, not_found};
use super::fragment::Fragment;
use super::mkv::writer::{cluster, document_header, tags};
use crate::time::Timestamp;
use crate::validate::Validator;
use crate::world::{Operation, World};
use bytes::Bytes;
use serde::{Deserialize, Serialize};

/// Epoch milliseconds as AWS's tags write them: decimal seconds, `"1726677687.758"`.
fn seconds_text(ms: i64) -> String {
    format!("{}.{:03}", ms.div_euclid(1_000), ms.rem_euclid(1_000))
}

/// One fragment as a complete document (C.4's order of elements).
pub fn chunk(fragment: &Fragment, now: i64) -> Bytes {
    let mut out = document_header(&fragment.header);
    out.extend(tags(&[
        ("AWS_KINESISVIDEO_FRAGMENT_NUMBER", fragment.number.clone()),
        (
            "AWS_KINESISVIDEO_SERVER_TIMESTAMP",
            seconds_text(fragment.server_ms),
        ),
        (
            "AWS_KINESISVIDEO_PRODUCER_TIMESTAMP",
            seconds_text(fragment.producer_ms),
        ),
    ]));
    out.extend(cluster(fragment.producer_ms, &fragment.frames));
    out.extend(tags(&[
        (
            "AWS_KINESISVIDEO_MILLIS_BEHIND_NOW",
            (now - fragment.server_ms).max(0).to_string(),
        ),
        (
            "AWS_KINESISVIDEO_CONTINUATION_TOKEN",
            fragment.number.clone(),
        ),
    ]));
    Bytes::from(out)
}

/// Chunks read, and where reading goes on from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MediaBatch {
    pub chunks: Vec<Bytes>,
    /// The last fragment sent (the next read starts after it).
    pub last: Option<String>,
    /// A PutMedia session is feeding the stream: more may come.
    pub live: bool,
    /// The stream's name, for following it.
    pub stream: String,
}

/// StartSelector.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct StartSelector {
    pub start_selector_type: Option<String>,
    pub after_fragment_number: Option<String>,
    pub start_timestamp: Option<Timestamp>,
    pub continuation_token: Option<String>,
}

/// GetMedia.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetMediaInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub start_selector: Option<StartSelector>,
}

/// Chunks one read gives at most; the rest follow in the next.
const CHUNKS_PER_READ: usize = 50;

impl World {
    /// The chunks of `name` from index `from` on (at most [`CHUNKS_PER_READ`]).
    fn media_from(&self, name: &str, from: usize) -> MediaBatch {
        let now = self.now_ms();
        let live = self
            .video
            .sessions
            .values()
            .any(|s| s.stream == name && !s.ended);
        let Some(stream) = self.video.streams.get(name) else {
            return MediaBatch::default();
        };
        let fragments: Vec<&Fragment> = stream
            .archive
            .fragments
            .iter()
            .skip(from)
            .take(CHUNKS_PER_READ)
            .collect();
        MediaBatch {
            chunks: fragments.iter().map(|f| chunk(f, now)).collect(),
            last: fragments.last().map(|f| f.number.clone()),
            live,
            stream: name.to_owned(),
        }
    }

    /// The index of the first fragment of `name` after fragment `number`.
    fn index_after(&self, name: &str, number: &str) -> usize {
        self.video.streams.get(name).map_or(0, |s| {
            s.archive
                .fragments
                .partition_point(|f| f.number.as_str() <= number)
        })
    }
}

impl Operation for GetMediaInput {
    type Output = MediaBatch;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<MediaBatch, VideoError> {
        let mut v = Validator::new();
        super::ops::validation_for_media(&mut v, &self.stream_name, &self.stream_arn);
        let selector = v.required("startSelector", &self.start_selector).cloned();
        let selector = selector.unwrap_or_default();
        v.one_of(
            "startSelector.startSelectorType",
            &selector.start_selector_type,
            &[
                "FRAGMENT_NUMBER",
                "SERVER_TIMESTAMP",
                "PRODUCER_TIMESTAMP",
                "NOW",
                "EARLIEST",
                "CONTINUATION_TOKEN",
            ],
        );
        v.finish_as(VideoError::InvalidArgumentException)?;
        let name = world
            .video_stream_mut(&self.stream_name, &self.stream_arn)?
            .name
            .clone();
        let needs = |what: &str| {
            VideoError::InvalidArgumentException(format!(
                "StartSelectorType {} needs {what}.",
                selector.start_selector_type.as_deref().unwrap_or_default()
            ))
        };
        let archive = &world.video.streams[&name].archive;
        let from = match selector.start_selector_type.as_deref() {
            Some("EARLIEST") => 0,
            Some("NOW") => archive.fragments.len().saturating_sub(1),
            Some("FRAGMENT_NUMBER") => {
                let number = selector
                    .after_fragment_number
                    .ok_or_else(|| needs("AfterFragmentNumber"))?;
                world.index_after(&name, &number)
            }
            Some("CONTINUATION_TOKEN") => {
                let token = selector
                    .continuation_token
                    .ok_or_else(|| needs("ContinuationToken"))?;
                world.index_after(&name, &token)
            }
            Some(kind) => {
                let at = selector
                    .start_timestamp
                    .ok_or_else(|| needs("StartTimestamp"))?
                    .0;
                let by_server = kind == "SERVER_TIMESTAMP";
                // The fragment holding the time, else the first after it.
                archive
                    .fragments
                    .iter()
                    .position(|f| {
                        let start = if by_server {
                            f.server_ms
                        } else {
                            f.producer_ms
                        };
                        at < start + f.duration_ms.max(1)
                    })
                    .unwrap_or(archive.fragments.len())
            }
            None => 0,
        };
        Ok(world.media_from(&name, from))
    }
}

/// The chunks of a stream after fragment `after` (GetMedia following the stream).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FollowMedia {
    pub stream: String,
    /// The last fragment sent; `None`: from the start.
    pub after: Option<String>,
}

impl Operation for FollowMedia {
    type Output = MediaBatch;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<MediaBatch, VideoError> {
        if !world.video.streams.contains_key(&self.stream) {
            return Err(not_found());
        }
        let from = match &self.after {
            Some(number) => world.index_after(&self.stream, number),
            None => 0,
        };
        let mut batch = world.media_from(&self.stream, from);
        if batch.last.is_none() {
            batch.last = self.after;
        }
        Ok(batch)
    }
}

/// GetMediaForFragmentList.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetMediaForFragmentListInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub fragments: Option<Vec<String>>,
}

impl Operation for GetMediaForFragmentListInput {
    type Output = MediaBatch;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<MediaBatch, VideoError> {
        let mut v = Validator::new();
        super::ops::validation_for_media(&mut v, &self.stream_name, &self.stream_arn);
        if let Some(fragments) = v.required("fragments", &self.fragments) {
            v.list_size("fragments", fragments.len(), 1, 1_000);
            for (i, number) in fragments.iter().enumerate() {
                let at = format!("fragments.{}.member", i + 1);
                if v.length(&at, number, 1, 128) {
                    let ok = number.bytes().all(|b| b.is_ascii_digit());
                    v.pattern_text(&at, number, "^[0-9]+$", ok);
                }
            }
        }
        v.finish_as(VideoError::InvalidArgumentException)?;
        let now = world.now_ms();
        let stream = world.video_stream_mut(&self.stream_name, &self.stream_arn)?;
        let mut chunks = Vec::new();
        for number in self.fragments.unwrap_or_default() {
            let fragment = stream
                .archive
                .find(&number)
                .filter(|f| f.persisted)
                .ok_or_else(|| {
                    VideoError::ResourceNotFoundException(format!(
                        "Fragment {number} is not found in the stream's archive."
                    ))
                })?;
            chunks.push(chunk(fragment, now));
        }
        Ok(MediaBatch {
            chunks,
            last: None,
            live: false,
            stream: stream.name.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_times_are_decimal_seconds() {
        assert_eq!(seconds_text(1_726_677_687_758), "1726677687.758");
        assert_eq!(seconds_text(1_000), "1.000");
    }
}
