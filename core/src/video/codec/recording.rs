//! The simulated camera recording: its pictures encoded into Matroska, one Cluster per
//! `fragment_ms` (each starting at a key frame), times relative to the recording's start — a
//! body PutMedia takes, or the project's own sample clip.

use super::camera::{CameraEncoder, CodecError};
use super::pattern::draw;
use crate::video::mkv::reader::{Frame, Track, TrackHeader};
use crate::video::mkv::writer::{cluster, document_header};
use bytes::Bytes;

/// What the camera records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CameraSettings {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    /// A fragment (and a key frame) this often.
    pub fragment_ms: i64,
    pub bitrate: usize,
    /// Grain added to every picture (0: the clean pattern), see `Picture::add_grain`.
    pub grain: u8,
}

impl Default for CameraSettings {
    fn default() -> Self {
        Self {
            width: 640,
            height: 360,
            fps: 15,
            fragment_ms: 2_000,
            bitrate: 600_000,
            grain: 0,
        }
    }
}

impl CameraSettings {
    fn frames_per_fragment(&self) -> i64 {
        (self.fragment_ms * i64::from(self.fps) / 1_000).max(1)
    }

    /// The milliseconds frame `index` is taken at, after the start.
    pub fn frame_ms(&self, index: i64) -> i64 {
        index * 1_000 / i64::from(self.fps)
    }

    /// The track the camera writes, with `codec_private`.
    pub fn track_header(&self, codec_private: Vec<u8>) -> TrackHeader {
        TrackHeader {
            title: Some("Kinescope camera".into()),
            muxing_app: Some("kinescope".into()),
            tracks: vec![Track {
                number: 1,
                uid: 1,
                kind: 1,
                codec_id: "V_MPEG4/ISO/AVC".into(),
                codec_private,
                width: Some(u64::from(self.width)),
                height: Some(u64::from(self.height)),
            }],
            ..TrackHeader::default()
        }
    }
}

/// Records `duration_ms` of the camera from `start_epoch_ms` (the time it burns in): the header
/// and the fragments' Clusters, as one Matroska document.
pub fn record(
    settings: CameraSettings,
    start_epoch_ms: i64,
    duration_ms: i64,
) -> Result<Vec<u8>, CodecError> {
    let per_fragment = settings.frames_per_fragment();
    let mut encoder = CameraEncoder::new(
        settings.width,
        settings.height,
        settings.fps,
        per_fragment as u32,
        settings.bitrate,
    )?;
    let count = duration_ms * i64::from(settings.fps) / 1_000;
    let mut encoded = Vec::new();
    for index in 0..count {
        let at = start_epoch_ms + settings.frame_ms(index);
        let mut picture = draw(settings.width, settings.height, at);
        picture.add_grain(settings.grain, at);
        encoded.extend(encoder.encode(&picture)?);
    }
    encoded.extend(encoder.flush()?);
    let config = encoder
        .codec_private()
        .ok_or(CodecError::MissingParameterSets)?
        .to_vec();
    let mut out = document_header(&settings.track_header(config));
    for fragment in encoded.chunks(per_fragment as usize) {
        let frames: Vec<Frame> = fragment
            .iter()
            .map(|f| Frame {
                track: 1,
                timecode_ms: settings.frame_ms(f.index),
                keyframe: f.keyframe,
                data: Bytes::from(f.avcc.clone()),
            })
            .collect();
        out.extend(cluster(frames[0].timecode_ms, &frames));
    }
    Ok(out)
}
