//! Playback (reference C, the app's player): the pictures of a stream's archive in a time range,
//! decoded from the key frame that starts the fragment holding the range's start.

use super::codec::camera::CodecError;
use super::codec::decoder::{FrameDecoder, RgbaFrame};
use super::fragment::Fragment;

/// How far (presentation time) a decoder may hold a picture back behind later ones: B-frame
/// reordering spans a few frames.
const REORDER_MS: i64 = 500;

/// The pictures of `fragments` (oldest first) whose producer time is in `from_ms..=to_ms`.
pub fn frames_between(
    fragments: &[&Fragment],
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<RgbaFrame>, CodecError> {
    // Fragments start at key frames: the one holding `from_ms` is where decoding starts.
    let first = fragments
        .iter()
        .rposition(|f| f.producer_ms <= from_ms)
        .unwrap_or(0);
    let mut out = Vec::new();
    let mut decoder: Option<(FrameDecoder, &[u8])> = None;
    for fragment in &fragments[first..] {
        if fragment.producer_ms > to_ms {
            break;
        }
        let Some(track) = fragment.header.tracks.first() else {
            continue;
        };
        let same =
            matches!(&decoder, Some((_, private)) if *private == track.codec_private.as_slice());
        if !same {
            if let Some((mut old, _)) = decoder.take() {
                out.extend(old.flush()?);
            }
            let mut fresh = FrameDecoder::h264(&track.codec_private)?;
            fresh.convert_only(from_ms..=to_ms);
            decoder = Some((fresh, &track.codec_private));
        }
        let Some((decoder, _)) = decoder.as_mut() else {
            continue;
        };
        for frame in fragment.frames.iter().filter(|f| f.track == track.number) {
            // Frames are stored in decode order: past the range by more than any reordering
            // reaches back, nothing more can land in it.
            if frame.timecode_ms > to_ms.saturating_add(REORDER_MS) {
                break;
            }
            out.extend(decoder.decode(&frame.data, frame.keyframe, frame.timecode_ms)?);
        }
    }
    if let Some((mut decoder, _)) = decoder {
        out.extend(decoder.flush()?);
    }
    out.retain(|f| (from_ms..=to_ms).contains(&f.timecode_ms));
    Ok(out)
}
