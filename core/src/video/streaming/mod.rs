//! HLS and DASH playback sessions (reference C.5): GetHLSStreamingSessionURL and
//! GetDASHStreamingSessionURL make a session on the virtual clock; a player then fetches its
//! playlists or manifest and the fMP4 (or MPEG-TS) segments from this server with the session's
//! token. `session` decides what is listed, `hls` and `dash` write it, `fmp4` makes the segments,
//! `session_url` and `requests` are the operations.

pub mod dash;
pub mod fmp4;
pub mod hls;
pub mod requests;
pub mod session;
pub mod session_url;

use crate::video::error::VideoError;
use crate::video::mkv::reader::TrackHeader;
use fmp4::{SegmentError, VideoConfig};

/// The `TrackNumber` of the video in playlists, manifests and segment URLs.
pub const VIDEO_TRACK_NUMBER: u64 = 1;

/// What playlists and manifests say of the video track.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoTrack {
    pub codecs: String,
    pub width: Option<u64>,
    pub height: Option<u64>,
}

impl VideoTrack {
    /// Track 1 of `header`, if HLS and DASH can play it.
    pub fn of(header: &TrackHeader) -> Result<Self, SegmentError> {
        let track = header
            .tracks
            .first()
            .ok_or_else(|| SegmentError::UnsupportedCodec(1, "missing".into()))?;
        let config = VideoConfig::of(track)?;
        Ok(Self {
            codecs: config.codecs(),
            width: track.width,
            height: track.height,
        })
    }
}

impl From<SegmentError> for VideoError {
    fn from(e: SegmentError) -> Self {
        let message = e.to_string();
        match e {
            SegmentError::UnsupportedCodec(..) => {
                Self::UnsupportedStreamMediaTypeException(message)
            }
            SegmentError::MissingCodecPrivateData(_) => {
                Self::MissingCodecPrivateDataException(message)
            }
            SegmentError::InvalidCodecPrivateData(..) => {
                Self::InvalidCodecPrivateDataException(message)
            }
            SegmentError::Encode(_) => Self::InvalidArgumentException(message),
        }
    }
}
