//! A media file (MP4, MKV, WebM, …) remuxed into Kinesis Video fragments with FFmpeg, without
//! re-encoding: its first video stream's packets become frames (H.264 in AVCC with its avcC as
//! CodecPrivate; VP8, VP9 and H.265 as they are), a new fragment at the first key frame after
//! each second. Audio is left out.

use super::camera::{CodecError, init};
use super::h264;
use crate::video::mkv::reader::{Frame, Track, TrackHeader};
use crate::video::mkv::writer::{cluster, document_header};
use bytes::Bytes;
use ffmpeg_next as ffmpeg;

/// A fragment is closed at the first key frame after this long.
const MIN_FRAGMENT_MS: i64 = 1_000;

/// The stream's codec private data as FFmpeg read it from the file.
fn extradata(parameters: &ffmpeg::codec::Parameters) -> Vec<u8> {
    // SAFETY: `parameters` belong to a stream of an input that is still open; FFmpeg keeps
    // `extradata_size` bytes at `extradata`, or a null pointer.
    unsafe {
        let p = parameters.as_ptr();
        if (*p).extradata.is_null() || (*p).extradata_size <= 0 {
            return Vec::new();
        }
        std::slice::from_raw_parts((*p).extradata, (*p).extradata_size as usize).to_vec()
    }
}

/// The Matroska codec id of an FFmpeg codec Kinescope passes through.
fn codec_id(id: ffmpeg::codec::Id) -> Option<&'static str> {
    match id {
        ffmpeg::codec::Id::H264 => Some("V_MPEG4/ISO/AVC"),
        ffmpeg::codec::Id::HEVC => Some("V_MPEGH/ISO/HEVC"),
        ffmpeg::codec::Id::VP8 => Some("V_VP8"),
        ffmpeg::codec::Id::VP9 => Some("V_VP9"),
        _ => None,
    }
}

/// `path` as one Matroska document of fragments (times from 0), ready for PutMedia.
pub fn to_matroska(path: &std::path::Path) -> Result<Vec<u8>, CodecError> {
    init();
    let mut input = ffmpeg::format::input(path)?;
    let stream = input
        .streams()
        .best(ffmpeg::media::Type::Video)
        .ok_or_else(|| CodecError::Ffmpeg("the file has no video stream".into()))?;
    let index = stream.index();
    let time_base = stream.time_base();
    let parameters = stream.parameters();
    let id = parameters.id();
    let codec = codec_id(id).ok_or_else(|| {
        CodecError::Ffmpeg(format!(
            "{id:?} video is not one Kinescope passes through (H.264, H.265, VP8, VP9)"
        ))
    })?;
    let mut private = extradata(&parameters);
    // Annex B parameter sets (MPEG-TS, raw H.264) become an avcC record, frames AVCC.
    let annex_b = id == ffmpeg::codec::Id::H264 && private.first() != Some(&1);
    if annex_b {
        let units = h264::annex_b_units(&private);
        let find = |kind| units.iter().find(|u| h264::unit_type(u) == kind).copied();
        if let (Some(sps), Some(pps)) = (find(h264::NAL_SPS), find(h264::NAL_PPS)) {
            private = h264::avc_config(sps, pps);
        }
    }
    let (width, height) = ffmpeg::codec::context::Context::from_parameters(parameters)
        .and_then(|c| c.decoder().video())
        .map(|v| (v.width(), v.height()))
        .unwrap_or((0, 0));
    let to_ms = |ts: i64| {
        (i128::from(ts) * 1_000 * i128::from(time_base.numerator())
            / i128::from(time_base.denominator().max(1))) as i64
    };
    let mut frames: Vec<Frame> = Vec::new();
    for (stream, packet) in input.packets() {
        if stream.index() != index {
            continue;
        }
        let Some(data) = packet.data() else { continue };
        let Some(ts) = packet.pts().or(packet.dts()) else {
            continue;
        };
        let data = if annex_b {
            let units = h264::annex_b_units(data);
            // Parameter sets carried in the stream (MPEG-TS) make the avcC record if the file
            // declared none.
            let find = |kind| units.iter().find(|u| h264::unit_type(u) == kind).copied();
            if let (false, Some(sps), Some(pps)) = (
                private.first() == Some(&1),
                find(h264::NAL_SPS),
                find(h264::NAL_PPS),
            ) {
                private = h264::avc_config(sps, pps);
            }
            h264::to_avcc(
                units
                    .into_iter()
                    .filter(|u| !matches!(h264::unit_type(u), h264::NAL_SPS | h264::NAL_PPS | 9)),
            )
        } else {
            data.to_vec()
        };
        frames.push(Frame {
            track: 1,
            timecode_ms: to_ms(ts),
            keyframe: packet.is_key(),
            data: Bytes::from(data),
        });
    }
    if annex_b && private.first() != Some(&1) {
        return Err(CodecError::MissingParameterSets);
    }
    let first_ms = frames.iter().map(|f| f.timecode_ms).min().unwrap_or(0);
    for frame in &mut frames {
        frame.timecode_ms -= first_ms;
    }
    let header = TrackHeader {
        title: path.file_name().map(|n| n.to_string_lossy().into_owned()),
        muxing_app: Some("kinescope".into()),
        tracks: vec![Track {
            number: 1,
            uid: 1,
            kind: 1,
            codec_id: codec.into(),
            codec_private: private,
            width: (width > 0).then_some(u64::from(width)),
            height: (height > 0).then_some(u64::from(height)),
        }],
        ..TrackHeader::default()
    };
    let mut out = document_header(&header);
    let mut fragment: Vec<Frame> = Vec::new();
    for frame in frames {
        let long_enough = fragment
            .first()
            .is_some_and(|f| frame.timecode_ms - f.timecode_ms >= MIN_FRAGMENT_MS);
        if frame.keyframe && long_enough {
            let start = fragment.iter().map(|f| f.timecode_ms).min().unwrap_or(0);
            out.extend(cluster(start, &fragment));
            fragment.clear();
        }
        fragment.push(frame);
    }
    if !fragment.is_empty() {
        let start = fragment.iter().map(|f| f.timecode_ms).min().unwrap_or(0);
        out.extend(cluster(start, &fragment));
    }
    Ok(out)
}
