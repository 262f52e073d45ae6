//! HLS playlists of a session (reference C.5), shaped like AWS's: version 7 with `#EXT-X-MAP`
//! for fMP4 (3 for MPEG-TS), the media sequence, a discontinuity before each segment the mode
//! asks for, program date-times when DisplayFragmentTimestamp is ALWAYS, `#EXTINF` to the
//! millisecond and relative segment URIs carrying the session token.

use super::session::{Container, PlaybackSession};
use super::{VIDEO_TRACK_NUMBER, VideoTrack};
use crate::time::Timestamp;
use std::fmt::Write;

fn version(session: &PlaybackSession) -> u8 {
    match session.container {
        Container::FragmentedMp4 => 7,
        Container::MpegTs => 3,
    }
}

/// The master playlist: one variant, the video track's media playlist.
pub fn master_playlist(session: &PlaybackSession, video: &VideoTrack) -> String {
    let mut text = String::from("#EXTM3U\n");
    let _ = writeln!(text, "#EXT-X-VERSION:{}", version(session));
    text.push_str("#EXT-X-INDEPENDENT-SEGMENTS\n");
    let _ = write!(
        text,
        "#EXT-X-STREAM-INF:BANDWIDTH={},CODECS=\"{}\"",
        session.peak_bandwidth(),
        video.codecs
    );
    if let (Some(width), Some(height)) = (video.width, video.height) {
        let _ = write!(text, ",RESOLUTION={width}x{height}");
    }
    let _ = writeln!(
        text,
        "\ngetHLSMediaPlaylist.m3u8?SessionToken={}&TrackNumber={VIDEO_TRACK_NUMBER}",
        session.token
    );
    text
}

/// The media playlist as the session lists it now; `ended` adds `#EXT-X-ENDLIST`.
pub fn media_playlist(session: &PlaybackSession, ended: bool) -> String {
    let window = session.window();
    let target = window
        .iter()
        .map(|s| (s.duration_ms + 999) / 1_000)
        .max()
        .unwrap_or(1)
        .max(1);
    let first = window.first().map_or(0, |s| s.sequence);
    let discontinuities_before = session.listed[..first as usize]
        .iter()
        .filter(|s| s.discontinuity)
        .count();
    let mut text = String::from("#EXTM3U\n");
    let _ = writeln!(text, "#EXT-X-VERSION:{}", version(session));
    let _ = writeln!(text, "#EXT-X-TARGETDURATION:{target}");
    let _ = writeln!(text, "#EXT-X-MEDIA-SEQUENCE:{first}");
    if discontinuities_before > 0 {
        let _ = writeln!(
            text,
            "#EXT-X-DISCONTINUITY-SEQUENCE:{discontinuities_before}"
        );
    }
    text.push_str("#EXT-X-INDEPENDENT-SEGMENTS\n");
    let token = &session.token;
    let mut init = None;
    for segment in window {
        if segment.discontinuity {
            text.push_str("#EXT-X-DISCONTINUITY\n");
        }
        if session.display_timestamp {
            let at = Timestamp(segment.at_ms).iso8601();
            let _ = writeln!(text, "#EXT-X-PROGRAM-DATE-TIME:{at}");
        }
        if session.container == Container::FragmentedMp4 && init != Some(segment.init) {
            init = Some(segment.init);
            let _ = writeln!(
                text,
                "#EXT-X-MAP:URI=\"getMP4InitFragment.mp4?SessionToken={token}&TrackNumber={VIDEO_TRACK_NUMBER}&SequenceNumber={}\"",
                segment.init
            );
        }
        let _ = writeln!(
            text,
            "#EXTINF:{}.{:03},",
            segment.duration_ms / 1_000,
            segment.duration_ms % 1_000
        );
        let number = &segment.number;
        match session.container {
            Container::FragmentedMp4 => writeln!(
                text,
                "getMP4MediaFragment.mp4?FragmentNumber={number}&SessionToken={token}&TrackNumber={VIDEO_TRACK_NUMBER}"
            ),
            Container::MpegTs => writeln!(
                text,
                "getTSFragment.ts?FragmentNumber={number}&SessionToken={token}"
            ),
        }
        .ok();
    }
    if ended {
        text.push_str("#EXT-X-ENDLIST\n");
    }
    text
}
