//! Every video stream of a world, and what falls due on the clock: CREATING and UPDATING become
//! ACTIVE, DELETING streams go.

use super::error::{VideoError, not_active, not_found, version_mismatch};
use super::put_media::PutMediaSession;
use super::stream::{VideoStreamState, VideoStreamStatus};
use super::streaming::session::PlaybackSession;
use crate::world::World;
use rand::Rng;
use std::collections::BTreeMap;

/// Kinesis Video Streams' state in a world.
#[derive(Debug, Default)]
pub struct VideoStreams {
    pub streams: BTreeMap<String, VideoStreamState>,
    /// PutMedia requests under way, by session id.
    pub sessions: BTreeMap<u64, PutMediaSession>,
    pub next_session: u64,
    /// Fragments taken so far (their numbers count them).
    pub fragments_taken: u64,
    /// HLS and DASH sessions, by token.
    pub playback: BTreeMap<String, PlaybackSession>,
}

impl World {
    /// Every video stream, by name.
    pub fn video_streams(&self) -> &BTreeMap<String, VideoStreamState> {
        &self.video.streams
    }

    /// A stream's new version: 20 random letters and digits.
    pub(crate) fn new_video_version(&mut self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..20)
            .map(|_| ALPHABET[self.rng.random_range(0..ALPHABET.len())] as char)
            .collect()
    }

    /// The stream a call names by name or ARN (one of them, as the API takes either).
    pub(crate) fn video_stream_mut(
        &mut self,
        name: &Option<String>,
        arn: &Option<String>,
    ) -> Result<&mut VideoStreamState, VideoError> {
        let found = match (name, arn) {
            (Some(name), None) => self.video.streams.get_mut(name),
            (None, Some(arn)) => self.video.streams.values_mut().find(|s| &s.arn == arn),
            (Some(name), Some(arn)) => self.video.streams.get_mut(name).filter(|s| &s.arn == arn),
            (None, None) => {
                return Err(VideoError::InvalidArgumentException(
                    "Either StreamName or StreamARN must be specified.".into(),
                ));
            }
        };
        found
            .filter(|s| s.status != VideoStreamStatus::Deleting)
            .ok_or_else(not_found)
    }

    /// The stream a call names, ACTIVE and still at `version` (the one the caller read).
    pub(crate) fn active_video_stream_at(
        &mut self,
        name: &Option<String>,
        arn: &Option<String>,
        version: &Option<String>,
    ) -> Result<&mut VideoStreamState, VideoError> {
        let stream = self.video_stream_mut(name, arn)?;
        if stream.status != VideoStreamStatus::Active {
            return Err(not_active());
        }
        if version.as_deref() != Some(stream.version.as_str()) {
            return Err(version_mismatch());
        }
        Ok(stream)
    }

    /// Completes the transitions due at `now` and drops the fragments retention no longer keeps.
    pub(crate) fn run_video(&mut self, now: i64) {
        for stream in self.video.streams.values_mut() {
            stream.archive.trim(now, stream.retention_hours);
        }
        let due: Vec<String> = self
            .video
            .streams
            .values()
            .filter(|s| s.transition_at_ms.is_some_and(|t| t <= now))
            .map(|s| s.name.clone())
            .collect();
        for name in due {
            let Some(stream) = self.video.streams.get_mut(&name) else {
                continue;
            };
            stream.transition_at_ms = None;
            if stream.status == VideoStreamStatus::Deleting {
                self.video.streams.remove(&name);
            } else {
                stream.status = VideoStreamStatus::Active;
            }
        }
    }

    /// The earliest transition or expiry due.
    pub(crate) fn video_deadline(&self) -> Option<i64> {
        self.video
            .streams
            .values()
            .flat_map(|s| [s.transition_at_ms, s.archive.next_expiry(s.retention_hours)])
            .flatten()
            .min()
    }
}
