//! Reading media back (C.4, C.5): GetMedia from each kind of StartSelector, chunks that are
//! complete documents with AWS's tags in AWS's order, read back by the same reader players use,
//! and GetMediaForFragmentList.

use super::ingest::{body, put};
use super::*;
use kinescope_core::video::media::*;
use kinescope_core::video::mkv::reader::{MkvReader, ReadEvent};

fn get(world: &mut World, selector: StartSelector) -> MediaBatch {
    world
        .apply(GetMediaInput {
            stream_name: Some(CAMERA.into()),
            start_selector: Some(selector),
            ..GetMediaInput::default()
        })
        .unwrap()
}

fn selector(kind: &str) -> StartSelector {
    StartSelector {
        start_selector_type: Some(kind.into()),
        ..StartSelector::default()
    }
}

/// The Cluster timecodes of `chunks` read as one payload.
fn timecodes(chunks: &[bytes::Bytes]) -> Vec<i64> {
    let payload: Vec<u8> = chunks.iter().flat_map(|c| c.iter().copied()).collect();
    let mut reader = MkvReader::new();
    let mut events = reader.push(&payload).unwrap();
    events.extend(reader.finish().unwrap());
    events
        .into_iter()
        .filter_map(|e| match e {
            ReadEvent::Cluster(c) => Some(c.timecode_ms),
            _ => None,
        })
        .collect()
}

fn ingested(fragments: i64) -> World {
    let mut world = world();
    active_camera(&mut world, 24);
    put(&mut world, body(fragments));
    world
}

#[test]
fn every_start_selector_starts_where_aws_says() {
    let mut world = ingested(3);
    let all = get(&mut world, selector("EARLIEST"));
    assert_eq!(
        timecodes(&all.chunks),
        [START_MS, START_MS + 2_000, START_MS + 4_000]
    );
    assert!(!all.live, "no PutMedia is feeding the stream");
    let first_number = world.video_streams()[CAMERA].archive.fragments[0]
        .number
        .clone();
    let after = get(
        &mut world,
        StartSelector {
            after_fragment_number: Some(first_number.clone()),
            ..selector("FRAGMENT_NUMBER")
        },
    );
    assert_eq!(
        timecodes(&after.chunks),
        [START_MS + 2_000, START_MS + 4_000]
    );
    let token = get(
        &mut world,
        StartSelector {
            continuation_token: Some(first_number),
            ..selector("CONTINUATION_TOKEN")
        },
    );
    assert_eq!(token.chunks.len(), 2);
    let at = get(
        &mut world,
        StartSelector {
            start_timestamp: Some(kinescope_core::time::Timestamp(START_MS + 3_000)),
            ..selector("PRODUCER_TIMESTAMP")
        },
    );
    assert_eq!(
        timecodes(&at.chunks)[0],
        START_MS + 2_000,
        "the fragment holding 3 s"
    );
    let now = get(&mut world, selector("NOW"));
    assert_eq!(timecodes(&now.chunks), [START_MS + 4_000]);
    let missing = world
        .apply(GetMediaInput {
            stream_name: Some(CAMERA.into()),
            start_selector: Some(selector("FRAGMENT_NUMBER")),
            ..GetMediaInput::default()
        })
        .unwrap_err();
    assert_eq!(missing.code(), "InvalidArgumentException");
    assert!(
        missing.message().contains("AfterFragmentNumber"),
        "{missing}"
    );
}

#[test]
fn a_chunk_is_a_complete_document_with_the_tags_in_aws_order() {
    let mut world = ingested(1);
    let chunk = get(&mut world, selector("EARLIEST")).chunks[0].to_vec();
    let at = |needle: &str| {
        chunk
            .windows(needle.len())
            .position(|w| w == needle.as_bytes())
            .unwrap_or_else(|| panic!("{needle}"))
    };
    assert!(
        chunk.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]),
        "an EBML header first"
    );
    let cluster = chunk
        .windows(4)
        .position(|w| w == [0x1F, 0x43, 0xB6, 0x75])
        .unwrap();
    assert!(at("AWS_KINESISVIDEO_FRAGMENT_NUMBER") < cluster);
    assert!(at("AWS_KINESISVIDEO_SERVER_TIMESTAMP") < cluster);
    assert!(at("AWS_KINESISVIDEO_PRODUCER_TIMESTAMP") < cluster);
    assert!(at("AWS_KINESISVIDEO_MILLIS_BEHIND_NOW") > cluster);
    assert!(at("AWS_KINESISVIDEO_CONTINUATION_TOKEN") > at("AWS_KINESISVIDEO_MILLIS_BEHIND_NOW"));
    at("1767225600.000");
}

#[test]
fn fragments_are_fetched_by_number() {
    let mut world = ingested(3);
    let numbers: Vec<String> = world.video_streams()[CAMERA]
        .archive
        .fragments
        .iter()
        .map(|f| f.number.clone())
        .collect();
    let batch = world
        .apply(GetMediaForFragmentListInput {
            stream_name: Some(CAMERA.into()),
            fragments: Some(vec![numbers[2].clone(), numbers[0].clone()]),
            ..GetMediaForFragmentListInput::default()
        })
        .unwrap();
    assert_eq!(timecodes(&batch.chunks), [START_MS + 4_000, START_MS]);
    let unknown = world
        .apply(GetMediaForFragmentListInput {
            stream_name: Some(CAMERA.into()),
            fragments: Some(vec!["123".into()]),
            ..GetMediaForFragmentListInput::default()
        })
        .unwrap_err();
    assert_eq!(unknown.code(), "ResourceNotFoundException");
}
