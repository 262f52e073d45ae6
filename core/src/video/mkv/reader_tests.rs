use super::super::ebml::{UNKNOWN_SIZE, write_id};
use super::super::writer::{cluster, document_header, tags};
use super::*;

fn header(tracks: u64) -> TrackHeader {
    TrackHeader {
        tracks: (1..=tracks)
            .map(|n| Track {
                number: n,
                uid: n,
                kind: 1,
                codec_id: "V_MPEG4/ISO/AVC".into(),
                codec_private: vec![1, 0x64, 0, 0x1f],
                width: Some(640),
                height: Some(360),
            })
            .collect(),
        ..TrackHeader::default()
    }
}

fn frames(start_ms: i64, count: i64) -> Vec<Frame> {
    (0..count)
        .map(|i| Frame {
            track: 1,
            timecode_ms: start_ms + i * 33,
            keyframe: i == 0,
            data: Bytes::from(vec![i as u8; 100]),
        })
        .collect()
}

/// A document of three two-second fragments.
fn sample() -> Vec<u8> {
    let mut body = document_header(&header(1));
    for n in 0..3 {
        body.extend(cluster(n * 2_000, &frames(n * 2_000, 60)));
    }
    body
}

fn clusters(events: &[ReadEvent]) -> Vec<&ReadCluster> {
    events
        .iter()
        .filter_map(|e| match e {
            ReadEvent::Cluster(c) => Some(c),
            _ => None,
        })
        .collect()
}

#[test]
fn a_document_reads_as_its_header_and_one_fragment_per_cluster() {
    let mut reader = MkvReader::new();
    let mut events = reader.push(&sample()).unwrap();
    events.extend(reader.finish().unwrap());
    let ReadEvent::Header(read) = &events[0] else {
        panic!("{events:?}");
    };
    assert_eq!(read.tracks, header(1).tracks);
    let read = clusters(&events);
    assert_eq!(read.len(), 3);
    assert_eq!(read[1].timecode_ms, 2_000);
    assert_eq!(read[1].frames.len(), 60);
    assert!(read[1].frames[0].keyframe && !read[1].frames[1].keyframe);
    assert_eq!(read[1].frames[59].timecode_ms, 2_000 + 59 * 33);
    let started = events
        .iter()
        .filter(|e| matches!(e, ReadEvent::ClusterStarted { .. }))
        .count();
    assert_eq!(started, 3);
}

#[test]
fn bytes_arriving_one_at_a_time_read_the_same() {
    let body = sample();
    let mut whole = MkvReader::new();
    let mut expected = whole.push(&body).unwrap();
    expected.extend(whole.finish().unwrap());
    let mut reader = MkvReader::new();
    let mut events = Vec::new();
    for byte in &body {
        events.extend(reader.push(std::slice::from_ref(byte)).unwrap());
    }
    events.extend(reader.finish().unwrap());
    assert_eq!(events, expected);
}

#[test]
fn a_cluster_of_unknown_size_ends_at_the_next_cluster_or_the_end() {
    let mut body = document_header(&header(1));
    for n in 0..2 {
        let known = cluster(n * 1_000, &frames(n * 1_000, 5));
        // Replace the Cluster's size (after its 4-byte id) by the unknown size.
        let (_, size_len) = ebml::read_size(&known[4..]).unwrap().unwrap();
        write_id(&mut body, CLUSTER);
        body.extend_from_slice(&UNKNOWN_SIZE);
        body.extend_from_slice(&known[4 + size_len..]);
    }
    let mut reader = MkvReader::new();
    let mut events = reader.push(&body).unwrap();
    assert_eq!(clusters(&events).len(), 1, "the second is still open");
    events.extend(reader.finish().unwrap());
    assert_eq!(clusters(&events).len(), 2);
}

#[test]
fn concatenated_documents_read_as_getmedia_returns_them() {
    let mut body = Vec::new();
    for n in 0..3 {
        body.extend(document_header(&header(1)));
        body.extend(tags(&[("AWS_KINESISVIDEO_FRAGMENT_NUMBER", n.to_string())]));
        body.extend(cluster(n * 2_000, &frames(n * 2_000, 3)));
        body.extend(tags(&[("AWS_KINESISVIDEO_MILLIS_BEHIND_NOW", "0".into())]));
    }
    let mut reader = MkvReader::new();
    let mut events = reader.push(&body).unwrap();
    events.extend(reader.finish().unwrap());
    assert_eq!(clusters(&events).len(), 3);
    let headers = events
        .iter()
        .filter(|e| matches!(e, ReadEvent::Header(_)))
        .count();
    assert_eq!(headers, 3);
}

#[test]
fn hostile_input_is_refused_without_holding_it() {
    let refused = |body: &[u8]| {
        let mut reader = MkvReader::new();
        match reader.push(body) {
            Err(e) => e,
            Ok(_) => reader.finish().unwrap_err(),
        }
    };
    assert!(matches!(
        refused(b"GET / HTTP/1.1\r\n\r\n"),
        ReadError::Invalid(_)
    ));
    // A Cluster declaring 2^55 bytes.
    let mut huge = document_header(&header(1));
    write_id(&mut huge, CLUSTER);
    huge.extend_from_slice(&[0x01, 0x7F, 0, 0, 0, 0, 0, 0]);
    assert_eq!(refused(&huge), ReadError::TooLarge);
    // Tracks declaring a terabyte, after a valid EBML header and Segment.
    let mut tracks = document_header(&TrackHeader::default());
    let start = tracks.len() - 5;
    tracks.truncate(start);
    write_id(&mut tracks, TRACKS);
    tracks.extend_from_slice(&[0x04, 0xE8, 0xD4, 0xA5, 0x10, 0x00]);
    assert_eq!(refused(&tracks), ReadError::TooLarge);
    let mut four = document_header(&header(4));
    four.extend(cluster(0, &frames(0, 1)));
    assert_eq!(refused(&four), ReadError::TooManyTracks);
    let mut stray = document_header(&header(1));
    let mut wrong = frames(0, 1);
    wrong[0].track = 2;
    stray.extend(cluster(0, &wrong));
    assert_eq!(refused(&stray), ReadError::UnknownTrack(2));
    let truncated = &sample()[..sample().len() - 10];
    assert!(matches!(refused(truncated), ReadError::Invalid(_)));
    // A Cluster before any Tracks.
    let mut early = document_header(&TrackHeader::default());
    let start = early.len() - 5;
    early.truncate(start);
    early.extend(cluster(0, &frames(0, 1)));
    assert!(matches!(refused(&early), ReadError::Invalid(_)));
}

/// Reads `body` whole, then in two pieces split at `at`: the events or the error, and whether
/// the two reads agree.
fn read_whole_and_split(body: &[u8], at: usize) -> (Result<Vec<ReadEvent>, ReadError>, bool) {
    let whole = MkvReader::read_pieces(&[body]);
    let pieces = MkvReader::read_pieces(&[&body[..at], &body[at..]]);
    let agree = match (&whole, &pieces) {
        (Ok(a), Ok(b)) => a == b,
        (Err(_), Err(_)) => true,
        _ => false,
    };
    (whole, agree)
}

/// The fuzz target's property (core/fuzz, `mkv_reader`) over seeded mutations of a valid
/// document — bytes flipped, runs cut out or repeated, sizes rewritten — so every `make test`
/// runs thousands of hostile inputs: each reads as events or a clean error, never a panic, the
/// same whole or in pieces.
#[test]
fn mutated_documents_read_or_fail_cleanly_whole_or_in_pieces() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(12);
    let mut valid = sample();
    valid.extend(sample());
    let mut refused = 0;
    for _ in 0..4_000 {
        let mut body = valid.clone();
        for _ in 0..rng.random_range(1..4) {
            let at = rng.random_range(0..body.len());
            match rng.random_range(0..4) {
                0 => body[at] ^= 1 << rng.random_range(0..8),
                1 => body[at] = [0x01, 0x7F, 0xFF, 0x00][rng.random_range(0..4)],
                2 => {
                    let end = (at + rng.random_range(1..64)).min(body.len());
                    body.drain(at..end);
                }
                _ => {
                    let end = (at + rng.random_range(1..64)).min(body.len());
                    let run = body[at..end].to_vec();
                    body.splice(at..at, run);
                }
            }
        }
        if body.is_empty() {
            continue;
        }
        let split = rng.random_range(0..=body.len());
        let (whole, agree) = read_whole_and_split(&body, split);
        assert!(agree, "whole and split reads disagree on a mutation");
        refused += usize::from(whole.is_err());
    }
    assert!(
        refused > 100,
        "the mutations reach the error paths ({refused})"
    );
}
