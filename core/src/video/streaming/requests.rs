//! What a player fetches with a session's token (reference C.5): GetHLSMasterPlaylist,
//! GetHLSMediaPlaylist, GetDASHManifest, GetMP4InitFragment, GetMP4MediaFragment and
//! GetTSFragment. Each listing request moves a live session on; a token that is unknown or past
//! its expiry is refused, as is a fragment the session does not list or retention dropped.

use super::fmp4::{init_segment, media_segment};
use super::session::{PlaybackSession, Protocol};
use super::{VIDEO_TRACK_NUMBER, VideoTrack, dash, hls};
use crate::video::codec::clip::ts_segment;
use crate::video::error::VideoError;
use crate::world::{Operation, World};

/// What is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaybackResource {
    MasterPlaylist,
    MediaPlaylist {
        track: Option<u64>,
    },
    DashManifest,
    InitFragment {
        track: Option<u64>,
        init: u32,
    },
    /// An HLS segment, by fragment number.
    MediaFragment {
        track: Option<u64>,
        number: String,
    },
    /// A DASH segment, by its number in the session.
    DashSegment {
        track: Option<u64>,
        sequence: u64,
    },
    TsFragment {
        number: String,
    },
}

/// One fetch of a session's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaybackRequest {
    pub token: Option<String>,
    pub resource: PlaybackResource,
}

/// The answer's bytes and content type, and the stream, for the traffic log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaybackContent {
    pub body: Vec<u8>,
    pub content_type: &'static str,
    pub stream: String,
}

fn invalid(message: String) -> VideoError {
    VideoError::InvalidArgumentException(message)
}

fn check_track(track: Option<u64>) -> Result<(), VideoError> {
    match track {
        None | Some(VIDEO_TRACK_NUMBER) => Ok(()),
        Some(other) => Err(invalid(format!(
            "TrackNumber {other} is not in this session: track {VIDEO_TRACK_NUMBER} is its video."
        ))),
    }
}

fn gone() -> VideoError {
    VideoError::ResourceNotFoundException(
        "The fragment is not in this session, or the stream no longer retains it.".into(),
    )
}

impl Operation for PlaybackRequest {
    type Output = PlaybackContent;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<PlaybackContent, VideoError> {
        let token = self
            .token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| invalid("SessionToken is required.".into()))?;
        let now = world.now_ms();
        let video = &mut world.video;
        let session = video.playback.get_mut(&token).ok_or_else(|| {
            VideoError::NotAuthorizedException("The session token is not valid.".into())
        })?;
        if session.expires_ms <= now {
            return Err(VideoError::NotAuthorizedException(
                "The session token has expired.".into(),
            ));
        }
        let expected = match self.resource {
            PlaybackResource::DashManifest | PlaybackResource::DashSegment { .. } => Protocol::Dash,
            PlaybackResource::InitFragment { .. } => session.protocol,
            _ => Protocol::Hls,
        };
        if expected != session.protocol {
            return Err(invalid(format!(
                "The session is a {:?} session: it does not serve this request.",
                session.protocol
            )));
        }
        let stream = video
            .streams
            .get(&session.stream)
            .ok_or_else(crate::video::error::not_found)?;
        let archive = &stream.archive;
        let text = |body: String, content_type| PlaybackContent {
            body: body.into_bytes(),
            content_type,
            stream: stream.name.clone(),
        };
        let bytes = |body: Vec<u8>, content_type| PlaybackContent {
            body,
            content_type,
            stream: stream.name.clone(),
        };
        match self.resource {
            PlaybackResource::MasterPlaylist => {
                session.refresh(archive, now);
                let track = first_video_track(session)?;
                Ok(text(
                    hls::master_playlist(session, &track),
                    "application/x-mpegURL",
                ))
            }
            PlaybackResource::MediaPlaylist { track } => {
                check_track(track)?;
                session.refresh(archive, now);
                let ended = session.ended(archive);
                Ok(text(
                    hls::media_playlist(session, ended),
                    "application/x-mpegURL",
                ))
            }
            PlaybackResource::DashManifest => {
                session.refresh(archive, now);
                let track = first_video_track(session)?;
                let ended = session.ended(archive);
                Ok(text(
                    dash::manifest(session, &track, ended, now),
                    "application/dash+xml",
                ))
            }
            PlaybackResource::InitFragment { track, init } => {
                check_track(track)?;
                let header = session.header(init).ok_or_else(|| {
                    invalid(format!(
                        "SequenceNumber {init} names no codec private data of this session."
                    ))
                })?;
                let video = header.tracks.first().ok_or_else(gone)?;
                Ok(bytes(init_segment(video)?, "video/mp4"))
            }
            PlaybackResource::MediaFragment { track, number } => {
                check_track(track)?;
                let segment = session
                    .listed
                    .iter()
                    .find(|s| s.number == number)
                    .ok_or_else(gone)?;
                let fragment = archive.find(&segment.number).ok_or_else(gone)?;
                let media = media_segment(fragment, track_number(fragment), sequence(segment))?;
                Ok(bytes(media, "video/mp4"))
            }
            PlaybackResource::DashSegment { track, sequence: n } => {
                check_track(track)?;
                let segment = session.listed.get(n as usize).ok_or_else(gone)?;
                let fragment = archive.find(&segment.number).ok_or_else(gone)?;
                let media = media_segment(fragment, track_number(fragment), sequence(segment))?;
                Ok(bytes(media, "video/mp4"))
            }
            PlaybackResource::TsFragment { number } => {
                session
                    .listed
                    .iter()
                    .find(|s| s.number == number)
                    .ok_or_else(gone)?;
                let fragment = archive.find(&number).ok_or_else(gone)?;
                let ts = ts_segment(fragment).map_err(|e| {
                    VideoError::InvalidArgumentException(format!(
                        "The fragment could not be written as MPEG-TS: {e}"
                    ))
                })?;
                Ok(bytes(ts, "video/mp2t"))
            }
        }
    }
}

/// The video track of what the session plays first.
fn first_video_track(session: &PlaybackSession) -> Result<VideoTrack, VideoError> {
    let header = session.header(0).ok_or_else(gone)?;
    Ok(VideoTrack::of(header)?)
}

/// The Matroska number of a fragment's video track (track 1 of the session).
fn track_number(fragment: &crate::video::fragment::Fragment) -> u64 {
    fragment.header.tracks.first().map_or(1, |t| t.number)
}

/// `mfhd`'s sequence number: the segment's place in the session, from 1.
fn sequence(segment: &super::session::Segment) -> u32 {
    (segment.sequence + 1).min(u64::from(u32::MAX)) as u32
}
