//! The DASH manifest of a session (reference C.5): one period, the video track as one
//! representation whose `SegmentTemplate` names segments by their number in the session
//! (`$Number$`) over a `SegmentTimeline` in milliseconds; DisplayFragmentNumber and
//! DisplayFragmentTimestamp add `kvs:fn` and `kvs:ts` to each `S`. A finished session is a static
//! presentation, a growing one dynamic.

use super::fmp4::TIMESCALE;
use super::session::PlaybackSession;
use super::{VIDEO_TRACK_NUMBER, VideoTrack};
use crate::time::Timestamp;
use std::fmt::Write;

/// `PT12.345S`.
fn duration(ms: i64) -> String {
    format!("PT{}.{:03}S", ms / 1_000, ms % 1_000)
}

/// The manifest as the session lists it now.
pub fn manifest(session: &PlaybackSession, video: &VideoTrack, ended: bool, now_ms: i64) -> String {
    let window = session.window();
    let first = window.first();
    let origin = first.map_or(0, |s| s.media_start_ms);
    let end = window
        .last()
        .map_or(origin, |s| s.media_start_ms + s.duration_ms);
    let mut text = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    text.push_str(
        "<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" xmlns:kvs=\"urn:aws:kinesisvideo:dash\" \
         profiles=\"urn:mpeg:dash:profile:isoff-live:2011\" minBufferTime=\"PT2.000S\"",
    );
    // A static presentation starts at its first segment; a dynamic one keeps the producer's epoch
    // timeline, so its availability starts at the epoch.
    let offset = match ended {
        true => {
            let _ = write!(
                text,
                " type=\"static\" mediaPresentationDuration=\"{}\">",
                duration(end - origin)
            );
            origin
        }
        false => {
            let _ = write!(
                text,
                " type=\"dynamic\" availabilityStartTime=\"1970-01-01T00:00:00Z\" \
                 publishTime=\"{}\" minimumUpdatePeriod=\"PT1.000S\" timeShiftBufferDepth=\"{}\">",
                Timestamp(now_ms).iso8601(),
                duration((end - origin).max(1_000))
            );
            0
        }
    };
    let token = &session.token;
    let _ = write!(
        text,
        "\n  <Period id=\"0\" start=\"PT0S\">\
         \n    <AdaptationSet contentType=\"video\" mimeType=\"video/mp4\" segmentAlignment=\"true\" startWithSAP=\"1\">\
         \n      <Representation id=\"{VIDEO_TRACK_NUMBER}\" codecs=\"{}\" bandwidth=\"{}\"",
        video.codecs,
        session.peak_bandwidth()
    );
    if let (Some(width), Some(height)) = (video.width, video.height) {
        let _ = write!(text, " width=\"{width}\" height=\"{height}\"");
    }
    let init = first.map_or(0, |s| s.init);
    let _ = write!(
        text,
        ">\n        <SegmentTemplate timescale=\"{TIMESCALE}\" presentationTimeOffset=\"{offset}\" \
         startNumber=\"{}\" \
         initialization=\"getMP4InitFragment.mp4?SessionToken={token}&amp;TrackNumber={VIDEO_TRACK_NUMBER}&amp;SequenceNumber={init}\" \
         media=\"getMP4MediaFragment.mp4?SessionToken={token}&amp;TrackNumber={VIDEO_TRACK_NUMBER}&amp;SegmentNumber=$Number$\">\
         \n          <SegmentTimeline>",
        first.map_or(0, |s| s.sequence)
    );
    for segment in window {
        let _ = write!(
            text,
            "\n            <S t=\"{}\" d=\"{}\"",
            segment.media_start_ms, segment.duration_ms
        );
        if session.display_number {
            let _ = write!(text, " kvs:fn=\"{}\"", segment.number);
        }
        if session.display_timestamp {
            let _ = write!(text, " kvs:ts=\"{}\"", segment.at_ms);
        }
        text.push_str("/>");
    }
    text.push_str(
        "\n          </SegmentTimeline>\
         \n        </SegmentTemplate>\
         \n      </Representation>\
         \n    </AdaptationSet>\
         \n  </Period>\
         \n</MPD>\n",
    );
    text
}
