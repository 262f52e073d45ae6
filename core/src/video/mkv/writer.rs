//! Writing Matroska: a document's header (EBML, a live Segment of unknown size, Info, Tracks), a
//! Cluster of frames, Tags; together the complete-document chunks GetMedia answers with (C.4) and
//! the bodies Kinescope's own producers send.

use super::ebml::{UNKNOWN_SIZE, write_element, write_id, write_string, write_uint};
use super::ids::*;
use super::reader::{Frame, TrackHeader};

/// The EBML header, the start of a live Segment, its Info (milliseconds) and Tracks.
pub fn document_header(header: &TrackHeader) -> Vec<u8> {
    let mut out = Vec::new();
    let mut ebml = Vec::new();
    write_uint(&mut ebml, 0x4286, 1);
    write_uint(&mut ebml, 0x42F7, 1);
    write_uint(&mut ebml, 0x42F2, 4);
    write_uint(&mut ebml, 0x42F3, 8);
    write_string(&mut ebml, DOC_TYPE, "matroska");
    write_uint(&mut ebml, DOC_TYPE_VERSION, 2);
    write_uint(&mut ebml, DOC_TYPE_READ_VERSION, 2);
    write_element(&mut out, EBML, &ebml);
    write_id(&mut out, SEGMENT);
    out.extend_from_slice(&UNKNOWN_SIZE);
    let mut info = Vec::new();
    write_uint(&mut info, TIMECODE_SCALE, 1_000_000);
    if let Some(title) = &header.title {
        write_string(&mut info, TITLE, title);
    }
    let app = header.muxing_app.as_deref().unwrap_or("kinescope");
    write_string(&mut info, MUXING_APP, app);
    write_string(&mut info, WRITING_APP, "kinescope");
    write_element(&mut out, INFO, &info);
    let mut tracks = Vec::new();
    for track in &header.tracks {
        let mut entry = Vec::new();
        write_uint(&mut entry, TRACK_NUMBER, track.number);
        write_uint(&mut entry, TRACK_UID, track.uid.max(1));
        write_uint(&mut entry, TRACK_TYPE, track.kind);
        write_string(&mut entry, CODEC_ID, &track.codec_id);
        if !track.codec_private.is_empty() {
            write_element(&mut entry, CODEC_PRIVATE, &track.codec_private);
        }
        if let (Some(width), Some(height)) = (track.width, track.height) {
            let mut video = Vec::new();
            write_uint(&mut video, PIXEL_WIDTH, width);
            write_uint(&mut video, PIXEL_HEIGHT, height);
            write_element(&mut entry, VIDEO, &video);
        }
        write_element(&mut tracks, TRACK_ENTRY, &entry);
    }
    write_element(&mut out, TRACKS, &tracks);
    out
}

/// A Cluster at `timecode_ms` holding `frames` as SimpleBlocks (times relative to it, which must
/// fit 16 bits: fragments are at most 10 s).
pub fn cluster(timecode_ms: i64, frames: &[Frame]) -> Vec<u8> {
    let mut payload = Vec::new();
    write_uint(&mut payload, TIMECODE, timecode_ms.max(0) as u64);
    write_uint(&mut payload, POSITION, 0);
    for frame in frames {
        let relative = (frame.timecode_ms - timecode_ms).clamp(i16::MIN.into(), i16::MAX.into());
        let mut block = Vec::with_capacity(frame.data.len() + 4);
        // Track numbers below 127 take one byte: 0x80 | number.
        let mut track = Vec::new();
        super::ebml::write_size(&mut track, frame.track);
        block.extend_from_slice(&track);
        block.extend_from_slice(&(relative as i16).to_be_bytes());
        block.push(if frame.keyframe { 0x80 } else { 0x00 });
        block.extend_from_slice(&frame.data);
        write_element(&mut payload, SIMPLE_BLOCK, &block);
    }
    let mut out = Vec::new();
    write_element(&mut out, CLUSTER, &payload);
    out
}

/// A Tags element of simple tags (name, value), one Tag holding them all.
pub fn tags(pairs: &[(&str, String)]) -> Vec<u8> {
    let mut tag = Vec::new();
    for (name, value) in pairs {
        let mut simple = Vec::new();
        write_string(&mut simple, TAG_NAME, name);
        write_string(&mut simple, TAG_STRING, value);
        write_element(&mut tag, SIMPLE_TAG, &simple);
    }
    let mut tags = Vec::new();
    write_element(&mut tags, TAG, &tag);
    let mut out = Vec::new();
    write_element(&mut out, TAGS, &tags);
    out
}
