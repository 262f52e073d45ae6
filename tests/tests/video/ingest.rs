//! PutMedia on the engine (C.3, C.5): a Matroska body read as it arrives, one fragment per
//! Cluster, the ACK sequence and its errors, ListFragments, and retention on the clock.

use super::*;
use bytes::Bytes;
use kinescope_core::time::Timestamp;
use kinescope_core::video::mkv::reader::{Frame, Track, TrackHeader};
use kinescope_core::video::mkv::writer::{cluster, document_header};
use kinescope_core::video::ops::fragments::*;
use kinescope_core::video::put_media::*;

fn header() -> TrackHeader {
    TrackHeader {
        tracks: vec![Track {
            number: 1,
            uid: 1,
            kind: 1,
            codec_id: "V_MPEG4/ISO/AVC".into(),
            codec_private: vec![1, 0x64, 0, 0x1f],
            width: Some(640),
            height: Some(360),
        }],
        ..TrackHeader::default()
    }
}

/// A Cluster of two seconds at 30 frames a second starting at `start_ms`.
fn two_seconds(start_ms: i64) -> Vec<u8> {
    let frames: Vec<Frame> = (0..60)
        .map(|i| Frame {
            track: 1,
            timecode_ms: start_ms + i * 33,
            keyframe: i == 0,
            data: Bytes::from(vec![7u8; 500]),
        })
        .collect();
    cluster(start_ms, &frames)
}

/// A body of `fragments` two-second fragments, relative timecodes from 0.
pub fn body(fragments: i64) -> Vec<u8> {
    let mut body = document_header(&header());
    for n in 0..fragments {
        body.extend(two_seconds(n * 2_000));
    }
    body
}

fn start(world: &mut World) -> u64 {
    world
        .apply(StartPutMedia {
            stream_name: Some(CAMERA.into()),
            fragment_timecode_type: Some("RELATIVE".into()),
            producer_start_ms: Some(START_MS),
            ..StartPutMedia::default()
        })
        .unwrap()
}

/// Sends `bytes` in one piece and ends the body; every ACK.
pub fn put(world: &mut World, bytes: Vec<u8>) -> Vec<Ack> {
    let session = start(world);
    let mut acks = world.apply(PutMediaData { session, bytes }).unwrap();
    acks.extend(world.apply(EndPutMedia { session }).unwrap());
    acks
}

fn events(acks: &[Ack]) -> Vec<&str> {
    acks.iter().map(|a| a.event_type).collect()
}

fn list(world: &mut World) -> Vec<FragmentInfo> {
    world
        .apply(ListFragmentsInput {
            stream_name: Some(CAMERA.into()),
            ..ListFragmentsInput::default()
        })
        .unwrap()
        .fragments
}

#[test]
fn each_cluster_is_a_fragment_buffered_received_and_persisted() {
    let mut world = world();
    active_camera(&mut world, 24);
    let acks = put(&mut world, body(3));
    assert_eq!(
        events(&acks),
        [
            "BUFFERING",
            "RECEIVED",
            "PERSISTED",
            "BUFFERING",
            "RECEIVED",
            "PERSISTED",
            "BUFFERING",
            "RECEIVED",
            "PERSISTED"
        ]
    );
    assert_eq!(acks[3].fragment_timecode, Some(2_000));
    assert_eq!(acks[3].fragment_number, acks[5].fragment_number);
    let json = serde_json::to_string(&acks[5]).unwrap();
    assert!(
        json.starts_with(
            r#"{"EventType":"PERSISTED","FragmentTimecode":2000,"FragmentNumber":"9134"#
        ),
        "{json}"
    );
    let fragments = list(&mut world);
    assert_eq!(fragments.len(), 3);
    assert_eq!(fragments[1].producer_timestamp, Timestamp(START_MS + 2_000));
    assert_eq!(fragments[1].fragment_length_in_milliseconds, 1_980);
    assert_eq!(
        fragments[1].fragment_number,
        acks[3].fragment_number.clone().unwrap()
    );
    assert!(fragments[0].fragment_number < fragments[1].fragment_number);
    assert!(fragments[1].fragment_size_in_bytes > 60 * 500);
}

#[test]
fn a_body_arriving_in_small_pieces_is_acknowledged_as_it_completes() {
    let mut world = world();
    active_camera(&mut world, 24);
    let session = start(&mut world);
    let mut acks = Vec::new();
    for piece in body(2).chunks(1_000) {
        let got = world
            .apply(PutMediaData {
                session,
                bytes: piece.to_vec(),
            })
            .unwrap();
        acks.extend(got);
    }
    // The second Cluster's size is known, so it completes without the end of the body.
    assert_eq!(events(&acks).len(), 6);
    acks.extend(world.apply(EndPutMedia { session }).unwrap());
    assert_eq!(list(&mut world).len(), 2);
}

#[test]
fn a_body_that_is_not_matroska_ends_with_invalid_mkv_data() {
    let mut world = world();
    active_camera(&mut world, 24);
    let acks = put(&mut world, b"RIFF....WAVEfmt this is not a video".to_vec());
    assert_eq!(events(&acks), ["ERROR"]);
    assert_eq!(acks[0].error_id, Some(4006));
    assert_eq!(acks[0].error_code, Some("INVALID_MKV_DATA"));
    let json = serde_json::to_string(&acks[0]).unwrap();
    assert_eq!(
        json,
        r#"{"EventType":"ERROR","ErrorId":4006,"ErrorCode":"INVALID_MKV_DATA"}"#
    );
}

#[test]
fn timecodes_going_backwards_end_the_session_with_4004() {
    let mut world = world();
    active_camera(&mut world, 24);
    let mut bytes = document_header(&header());
    bytes.extend(two_seconds(4_000));
    bytes.extend(two_seconds(0));
    bytes.extend(two_seconds(8_000));
    let acks = put(&mut world, bytes);
    assert_eq!(
        events(&acks),
        ["BUFFERING", "RECEIVED", "PERSISTED", "BUFFERING", "ERROR"]
    );
    let error = acks.last().unwrap();
    assert_eq!(error.error_id, Some(4004));
    assert_eq!(error.fragment_timecode, Some(0));
    assert_eq!(
        list(&mut world).len(),
        1,
        "nothing after the error is taken"
    );
}

#[test]
fn without_retention_fragments_are_received_not_persisted_and_go_after_five_minutes() {
    let mut world = world();
    active_camera(&mut world, 0);
    let acks = put(&mut world, body(1));
    assert_eq!(events(&acks), ["BUFFERING", "RECEIVED"]);
    assert!(list(&mut world).is_empty(), "nothing is archived");
    let held = |w: &World| w.video_streams()[CAMERA].archive.fragments.len();
    assert_eq!(held(&world), 1, "the host buffer keeps it");
    world.step(5 * 60 * 1_000);
    assert_eq!(held(&world), 0);
}

#[test]
fn retention_trims_the_archive_on_the_virtual_clock() {
    let mut world = world();
    active_camera(&mut world, 1);
    put(&mut world, body(2));
    world.step(30 * 60 * 1_000);
    put(&mut world, body_from(100_000, 1));
    assert_eq!(list(&mut world).len(), 3);
    world.step(30 * 60 * 1_000);
    assert_eq!(list(&mut world).len(), 1, "the first two are an hour old");
    world.step(30 * 60 * 1_000);
    assert!(list(&mut world).is_empty());
}

fn body_from(start_ms: i64, fragments: i64) -> Vec<u8> {
    let mut body = document_header(&header());
    for n in 0..fragments {
        body.extend(two_seconds(start_ms + n * 2_000));
    }
    body
}

#[test]
fn list_fragments_selects_by_producer_time_and_pages() {
    let mut world = world();
    active_camera(&mut world, 24);
    put(&mut world, body(5));
    let page = |w: &mut World, token: Option<String>| {
        w.apply(ListFragmentsInput {
            stream_name: Some(CAMERA.into()),
            max_results: Some(2),
            next_token: token,
            fragment_selector: Some(FragmentSelector {
                fragment_selector_type: Some("PRODUCER_TIMESTAMP".into()),
                timestamp_range: Some(TimestampRange {
                    start_timestamp: Some(Timestamp(START_MS + 2_000)),
                    end_timestamp: Some(Timestamp(START_MS + 8_000)),
                }),
            }),
            ..ListFragmentsInput::default()
        })
        .unwrap()
    };
    let first = page(&mut world, None);
    assert_eq!(first.fragments.len(), 2);
    assert_eq!(
        first.fragments[0].producer_timestamp,
        Timestamp(START_MS + 2_000)
    );
    let second = page(&mut world, first.next_token);
    assert_eq!(second.fragments.len(), 2);
    assert_eq!(
        second.fragments[1].producer_timestamp,
        Timestamp(START_MS + 8_000)
    );
    assert_eq!(second.next_token, None);
}

#[test]
fn a_put_to_a_missing_stream_or_naming_it_twice_is_refused() {
    let mut world = world();
    let arn = active_camera(&mut world, 24);
    let missing = world
        .apply(StartPutMedia {
            stream_name: Some("nope".into()),
            ..StartPutMedia::default()
        })
        .unwrap_err();
    assert_eq!(missing.code(), "ResourceNotFoundException");
    let both = world
        .apply(StartPutMedia {
            stream_name: Some(CAMERA.into()),
            stream_arn: Some(arn),
            ..StartPutMedia::default()
        })
        .unwrap_err();
    assert_eq!(both.code(), "InvalidArgumentException");
}
