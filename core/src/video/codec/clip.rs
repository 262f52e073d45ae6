//! MP4 clips (GetClip, reference C.5) and MPEG-TS segments (HLS sessions in MPEG_TS): a run of
//! fragments written by FFmpeg's muxer, frames copied as they are (no re-encoding). The MP4 muxer
//! builds the `avcC` box from the parameter sets that lead the first key frame, and TS carries
//! them in band, so the frames go in as Annex B with SPS and PPS ahead of each key frame.

use super::camera::{CodecError, init};
use super::h264;
use crate::video::fragment::Fragment;
use ffmpeg::Rational;
use ffmpeg_next as ffmpeg;
use std::sync::atomic::{AtomicU64, Ordering};

/// The MP4 of `fragments`' first track, times from the first frame.
pub fn mp4_clip(fragments: &[&Fragment]) -> Result<Vec<u8>, CodecError> {
    let start = first_frame_ms(fragments);
    muxed(fragments, "mp4", start)
}

/// MPEG-TS's clock wraps after 2^33 ticks of 90 kHz (about 26.5 hours).
const TS_WRAP_MS: i64 = (1 << 33) / 90;

/// One fragment's first track as an MPEG-TS segment, on the producer clock as TS wraps it, so a
/// session's segments run on without a jump.
pub fn ts_segment(fragment: &Fragment) -> Result<Vec<u8>, CodecError> {
    let first = first_frame_ms(&[fragment]);
    muxed(&[fragment], "mpegts", first - first.rem_euclid(TS_WRAP_MS))
}

fn first_frame_ms(fragments: &[&Fragment]) -> i64 {
    let track = fragments
        .first()
        .and_then(|f| f.header.tracks.first())
        .map_or(1, |t| t.number);
    fragments
        .iter()
        .flat_map(|f| f.frames.iter().filter(|fr| fr.track == track))
        .next()
        .map_or(0, |f| f.timecode_ms)
}

/// `fragments`' first track written by FFmpeg's `format` muxer, times counted from `origin_ms`.
fn muxed(fragments: &[&Fragment], format: &str, origin_ms: i64) -> Result<Vec<u8>, CodecError> {
    init();
    let first = fragments
        .first()
        .ok_or_else(|| CodecError::Ffmpeg("no fragments".into()))?;
    let track = first
        .header
        .tracks
        .first()
        .ok_or(CodecError::MissingParameterSets)?
        .clone();
    let sets = h264::parameter_sets(&track.codec_private);
    if sets.len() < 2 {
        return Err(CodecError::MissingParameterSets);
    }
    let parameter_sets = h264::to_annex_b(sets);
    static CLIPS: AtomicU64 = AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "kinescope-clip-{}-{}.{format}",
        std::process::id(),
        CLIPS.fetch_add(1, Ordering::Relaxed)
    ));
    let written = write(&path, format, fragments, &track, &parameter_sets, origin_ms);
    let bytes = written.and_then(|()| {
        std::fs::read(&path).map_err(|e| CodecError::Ffmpeg(format!("reading the clip back: {e}")))
    });
    let _ = std::fs::remove_file(&path);
    bytes
}

fn write(
    path: &std::path::Path,
    format: &str,
    fragments: &[&Fragment],
    track: &crate::video::mkv::reader::Track,
    parameter_sets: &[u8],
    origin_ms: i64,
) -> Result<(), CodecError> {
    let codec = ffmpeg::encoder::find(ffmpeg::codec::Id::H264);
    let mut output = ffmpeg::format::output_as(path, format)?;
    {
        let mut video = ffmpeg::codec::context::Context::new_with_codec(
            codec.ok_or(CodecError::MissingCodec("H.264"))?,
        )
        .encoder()
        .video()?;
        video.set_width(track.width.unwrap_or(0) as u32);
        video.set_height(track.height.unwrap_or(0) as u32);
        video.set_format(ffmpeg::format::Pixel::YUV420P);
        video.set_time_base(Rational(1, 1_000));
        let mut stream = output.add_stream(codec)?;
        stream.set_parameters(&video);
        stream.set_time_base(Rational(1, 1_000));
    }
    output.write_header()?;
    let time_base = output
        .stream(0)
        .map_or(Rational(1, 1_000), |s| s.time_base());
    let frames: Vec<_> = fragments
        .iter()
        .flat_map(|f| f.frames.iter().filter(|fr| fr.track == track.number))
        .collect();
    for (n, frame) in frames.iter().enumerate() {
        let units = h264::avcc_units(&frame.data)
            .ok_or_else(|| CodecError::Ffmpeg("a frame's NAL lengths run past its end".into()))?;
        let mut data = if frame.keyframe {
            parameter_sets.to_vec()
        } else {
            Vec::new()
        };
        data.extend(h264::to_annex_b(units));
        let mut packet = ffmpeg::Packet::copy(&data);
        let pts = frame.timecode_ms - origin_ms;
        // The last frame lasts as long as the one before it.
        let duration = match (frames.get(n + 1), n.checked_sub(1).map(|p| frames[p])) {
            (Some(next), _) => next.timecode_ms - frame.timecode_ms,
            (None, Some(previous)) => frame.timecode_ms - previous.timecode_ms,
            (None, None) => 1,
        };
        packet.set_pts(Some(pts));
        packet.set_dts(Some(pts));
        packet.set_duration(duration.max(1));
        packet.set_stream(0);
        if frame.keyframe {
            packet.set_flags(ffmpeg::packet::Flags::KEY);
        }
        packet.rescale_ts(Rational(1, 1_000), time_base);
        packet.write_interleaved(&mut output)?;
    }
    output.write_trailer()?;
    Ok(())
}
