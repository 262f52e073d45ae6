//! HLS and DASH sessions (C.5): what each mode lists as the clock moves, the playlists and the
//! manifest, fMP4 and MPEG-TS segments read back by ffprobe, and the errors.

use super::*;
use kinescope_core::time::Timestamp;
use kinescope_core::video::ops::fragments::{FragmentSelector, TimestampRange};
use kinescope_core::video::streaming::requests::{PlaybackRequest, PlaybackResource};
use kinescope_core::video::streaming::session_url::{
    GetDASHStreamingSessionURLInput, GetHLSStreamingSessionURLInput,
};

fn range(from_ms: i64, to_ms: Option<i64>) -> Option<FragmentSelector> {
    Some(FragmentSelector {
        fragment_selector_type: Some("PRODUCER_TIMESTAMP".into()),
        timestamp_range: Some(TimestampRange {
            start_timestamp: Some(Timestamp(START_MS + from_ms)),
            end_timestamp: to_ms.map(|t| Timestamp(START_MS + t)),
        }),
    })
}

fn hls(world: &mut World, input: GetHLSStreamingSessionURLInput) -> Result<String, String> {
    world
        .apply(GetHLSStreamingSessionURLInput {
            stream_name: Some(CAMERA.into()),
            ..input
        })
        .map(|out| token_of(&out.url))
        .map_err(|e| format!("{}: {}", e.code(), e.message()))
}

fn token_of(url: &str) -> String {
    url.split_once("SessionToken=").unwrap().1.to_owned()
}

fn fetch(world: &mut World, token: &str, resource: PlaybackResource) -> Result<Vec<u8>, String> {
    world
        .apply(PlaybackRequest {
            token: Some(token.into()),
            resource,
        })
        .map(|c| c.body)
        .map_err(|e| format!("{}: {}", e.code(), e.message()))
}

fn media_playlist(world: &mut World, token: &str) -> String {
    let body = fetch(
        world,
        token,
        PlaybackResource::MediaPlaylist { track: Some(1) },
    );
    String::from_utf8(body.unwrap()).unwrap()
}

/// The fragment numbers a playlist lists.
fn listed(playlist: &str) -> Vec<String> {
    playlist
        .lines()
        .filter_map(|l| l.strip_prefix("getMP4MediaFragment.mp4?FragmentNumber="))
        .map(|l| l.split('&').next().unwrap().to_owned())
        .collect()
}

/// The init segment and then `segments`, as a player appends them: one fMP4 file.
fn played(
    world: &mut World,
    token: &str,
    segments: impl Iterator<Item = PlaybackResource>,
) -> Vec<u8> {
    let init = PlaybackResource::InitFragment {
        track: Some(1),
        init: 0,
    };
    let mut mp4 = fetch(world, token, init).unwrap();
    assert_eq!(&mp4[4..8], b"ftyp");
    for segment in segments {
        let segment = fetch(world, token, segment).unwrap();
        assert_eq!(&segment[4..8], b"moof");
        mp4.extend(segment);
    }
    mp4
}

fn on_demand(world: &mut World) -> String {
    hls(
        world,
        GetHLSStreamingSessionURLInput {
            playback_mode: Some("ON_DEMAND".into()),
            hls_fragment_selector: range(0, Some(6_000)),
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn an_on_demand_session_plays_its_range_as_fmp4_that_ffprobe_decodes() {
    let mut world = world();
    recorded_camera(&mut world, 24, 6);
    let url = world
        .apply(GetHLSStreamingSessionURLInput {
            stream_name: Some(CAMERA.into()),
            playback_mode: Some("ON_DEMAND".into()),
            hls_fragment_selector: range(0, Some(6_000)),
            endpoint: Some("http://127.0.0.1:4599".into()),
            ..Default::default()
        })
        .unwrap()
        .url;
    assert!(
        url.starts_with("http://127.0.0.1:4599/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken="),
        "{url}"
    );
    let token = token_of(&url);
    let master = fetch(&mut world, &token, PlaybackResource::MasterPlaylist).unwrap();
    let master = String::from_utf8(master).unwrap();
    assert!(master.contains("CODECS=\"avc1."), "{master}");
    assert!(master.contains("RESOLUTION=320x180"), "{master}");
    assert!(master.contains(&format!(
        "getHLSMediaPlaylist.m3u8?SessionToken={token}&TrackNumber=1"
    )));

    let playlist = media_playlist(&mut world, &token);
    assert!(
        playlist.starts_with(
            "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
        ),
        "{playlist}"
    );
    assert!(playlist.contains("#EXT-X-MAP:URI=\"getMP4InitFragment.mp4?SessionToken="));
    assert_eq!(playlist.matches("#EXTINF:").count(), 3, "{playlist}");
    // Producer timestamps: no discontinuities unless asked.
    assert!(!playlist.contains("#EXT-X-DISCONTINUITY"), "{playlist}");
    assert!(playlist.ends_with("#EXT-X-ENDLIST\n"), "{playlist}");

    let segments = listed(&playlist)
        .into_iter()
        .map(|number| PlaybackResource::MediaFragment {
            track: Some(1),
            number,
        });
    let mp4 = played(&mut world, &token, segments);
    assert_eq!(probe(&mp4, "mp4"), "h264,320,180,90");
}

#[test]
fn a_live_session_lists_the_newest_fragments_and_only_ever_adds_newer_ones() {
    let mut world = world();
    recorded_camera(&mut world, 24, 14);
    let token = hls(&mut world, GetHLSStreamingSessionURLInput::default()).unwrap();
    let first = media_playlist(&mut world, &token);
    let numbers = listed(&first);
    assert_eq!(numbers.len(), 5, "the default of 5 for LIVE: {first}");
    assert!(first.contains("#EXT-X-MEDIA-SEQUENCE:0"));
    // Server timestamps: a discontinuity before every segment by default.
    assert_eq!(first.matches("#EXT-X-DISCONTINUITY\n").count(), 5);
    assert!(!first.contains("#EXT-X-ENDLIST"));

    world.step(1_000);
    put_camera(&mut world, START_MS + 14_000, 4);
    let next = media_playlist(&mut world, &token);
    let later = listed(&next);
    assert_eq!(later.len(), 5);
    assert_eq!(
        later[..3],
        numbers[2..],
        "the window slid by the two new fragments"
    );
    assert!(next.contains("#EXT-X-MEDIA-SEQUENCE:2"), "{next}");
    assert!(next.contains("#EXT-X-DISCONTINUITY-SEQUENCE:2"), "{next}");
}

#[test]
fn a_live_replay_session_adds_a_fragment_per_elapsed_fragment_duration() {
    let mut world = world();
    recorded_camera(&mut world, 24, 10);
    let token = hls(
        &mut world,
        GetHLSStreamingSessionURLInput {
            playback_mode: Some("LIVE_REPLAY".into()),
            hls_fragment_selector: range(2_000, Some(10_000)),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(listed(&media_playlist(&mut world, &token)).len(), 1);
    world.step(2_000);
    assert_eq!(listed(&media_playlist(&mut world, &token)).len(), 2);
    world.step(10_000);
    let done = media_playlist(&mut world, &token);
    assert_eq!(listed(&done).len(), 4, "the fragments from 2 s: {done}");
    assert!(done.ends_with("#EXT-X-ENDLIST\n"));
}

#[test]
fn program_date_times_and_discontinuity_modes_follow_the_request() {
    let mut world = world();
    recorded_camera(&mut world, 24, 6);
    let token = hls(
        &mut world,
        GetHLSStreamingSessionURLInput {
            playback_mode: Some("ON_DEMAND".into()),
            hls_fragment_selector: range(0, Some(6_000)),
            display_fragment_timestamp: Some("ALWAYS".into()),
            discontinuity_mode: Some("ON_DISCONTINUITY".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let playlist = media_playlist(&mut world, &token);
    assert!(
        playlist.contains("#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:02.000Z"),
        "{playlist}"
    );
    assert_eq!(
        playlist.matches("#EXT-X-DISCONTINUITY\n").count(),
        1,
        "{playlist}"
    );
}

#[test]
fn segments_carry_the_producer_clock_and_follow_one_another() {
    let mut world = world();
    recorded_camera(&mut world, 24, 6);
    let token = on_demand(&mut world);
    let numbers = listed(&media_playlist(&mut world, &token));
    let second = fetch(
        &mut world,
        &token,
        PlaybackResource::MediaFragment {
            track: Some(1),
            number: numbers[1].clone(),
        },
    )
    .unwrap();
    let tfdt = second.windows(4).position(|w| w == b"tfdt").unwrap();
    // A version 1 tfdt: 4 bytes of version and flags, then 64 bits of decode time.
    let time = u64::from_be_bytes(second[tfdt + 8..tfdt + 16].try_into().unwrap());
    assert_eq!(time as i64, START_MS + 2_000);
}

#[test]
fn an_mpeg_ts_session_lists_ts_segments_that_ffprobe_decodes() {
    let mut world = world();
    recorded_camera(&mut world, 24, 4);
    let token = hls(
        &mut world,
        GetHLSStreamingSessionURLInput {
            playback_mode: Some("ON_DEMAND".into()),
            hls_fragment_selector: range(0, Some(4_000)),
            container_format: Some("MPEG_TS".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let playlist = media_playlist(&mut world, &token);
    assert!(playlist.contains("#EXT-X-VERSION:3"));
    assert!(!playlist.contains("#EXT-X-MAP"));
    let number = playlist
        .lines()
        .find_map(|l| l.strip_prefix("getTSFragment.ts?FragmentNumber="))
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let ts = fetch(&mut world, &token, PlaybackResource::TsFragment { number }).unwrap();
    assert_eq!(ts[0], 0x47, "a TS packet's sync byte");
    assert_eq!(probe(&ts, "ts"), "h264,320,180,30");
}

#[test]
fn a_dash_session_is_a_manifest_over_numbered_segments() {
    let mut world = world();
    recorded_camera(&mut world, 24, 6);
    let url = world
        .apply(GetDASHStreamingSessionURLInput {
            stream_name: Some(CAMERA.into()),
            playback_mode: Some("ON_DEMAND".into()),
            dash_fragment_selector: range(0, Some(6_000)),
            display_fragment_number: Some("ALWAYS".into()),
            ..Default::default()
        })
        .unwrap()
        .url;
    assert!(
        url.contains("/dash/v1/getDASHManifest.mpd?SessionToken="),
        "{url}"
    );
    let token = token_of(&url);
    let mpd = fetch(&mut world, &token, PlaybackResource::DashManifest).unwrap();
    let mpd = String::from_utf8(mpd).unwrap();
    assert!(mpd.contains("type=\"static\""), "{mpd}");
    assert!(
        mpd.contains("mediaPresentationDuration=\"PT6.000S\""),
        "{mpd}"
    );
    assert_eq!(mpd.matches("<S t=").count(), 3);
    assert_eq!(mpd.matches(" kvs:fn=\"91343852333").count(), 3);
    let segments = (0..3).map(|sequence| PlaybackResource::DashSegment {
        track: Some(1),
        sequence,
    });
    let mp4 = played(&mut world, &token, segments);
    assert_eq!(probe(&mp4, "mp4"), "h264,320,180,90");
    // An HLS request with a DASH token is refused.
    let wrong = fetch(&mut world, &token, PlaybackResource::MasterPlaylist).unwrap_err();
    assert!(wrong.starts_with("InvalidArgumentException"), "{wrong}");
}

#[test]
fn session_requests_are_judged_by_aws_rules() {
    let mut world = world();
    recorded_camera(&mut world, 24, 6);
    let live_with_range = hls(
        &mut world,
        GetHLSStreamingSessionURLInput {
            hls_fragment_selector: range(0, Some(6_000)),
            ..Default::default()
        },
    );
    assert!(
        live_with_range
            .unwrap_err()
            .starts_with("InvalidArgumentException")
    );
    let open_ended = hls(
        &mut world,
        GetHLSStreamingSessionURLInput {
            playback_mode: Some("ON_DEMAND".into()),
            hls_fragment_selector: range(0, None),
            ..Default::default()
        },
    );
    assert!(open_ended.unwrap_err().contains("EndTimestamp is required"));
    let short = hls(
        &mut world,
        GetHLSStreamingSessionURLInput {
            expires: Some(100),
            ..Default::default()
        },
    );
    assert!(short.unwrap_err().contains("expires"));
    let nothing_there = hls(
        &mut world,
        GetHLSStreamingSessionURLInput {
            playback_mode: Some("ON_DEMAND".into()),
            hls_fragment_selector: range(60_000, Some(70_000)),
            ..Default::default()
        },
    );
    assert!(
        nothing_there
            .unwrap_err()
            .starts_with("ResourceNotFoundException")
    );
    // LIVE needs a fragment from the last 30 seconds.
    world.step(40_000);
    let stale = hls(&mut world, GetHLSStreamingSessionURLInput::default());
    assert!(stale.unwrap_err().contains("last 30 seconds"));

    // A session lasts Expires seconds (300 by default) of virtual time.
    let token = on_demand(&mut world);
    assert!(fetch(&mut world, &token, PlaybackResource::MasterPlaylist).is_ok());
    world.step(300_000);
    let expired = fetch(&mut world, &token, PlaybackResource::MasterPlaylist).unwrap_err();
    assert!(expired.starts_with("NotAuthorizedException"), "{expired}");
    let unknown = fetch(&mut world, "nope", PlaybackResource::MasterPlaylist).unwrap_err();
    assert!(unknown.starts_with("NotAuthorizedException"), "{unknown}");
}

#[test]
fn a_stream_without_retention_has_no_sessions() {
    let mut world = world();
    recorded_camera(&mut world, 0, 4);
    let refused = hls(&mut world, GetHLSStreamingSessionURLInput::default()).unwrap_err();
    assert!(refused.starts_with("NoDataRetentionException"), "{refused}");
}

#[test]
fn a_fragment_retention_dropped_is_not_found() {
    let mut world = world();
    recorded_camera(&mut world, 1, 6);
    let token = hls(
        &mut world,
        GetHLSStreamingSessionURLInput {
            playback_mode: Some("ON_DEMAND".into()),
            hls_fragment_selector: range(0, Some(6_000)),
            expires: Some(43_200),
            ..Default::default()
        },
    )
    .unwrap();
    let numbers = listed(&media_playlist(&mut world, &token));
    world.step(3_600_000);
    let resource = PlaybackResource::MediaFragment {
        track: Some(1),
        number: numbers[0].clone(),
    };
    let gone = fetch(&mut world, &token, resource).unwrap_err();
    assert!(gone.starts_with("ResourceNotFoundException"), "{gone}");
}
