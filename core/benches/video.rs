//! Video Streams' media plane at 1080p30: decoding and converting to RGBA (the app's player),
//! seeking to a point (decoding from the fragment's key frame, converting the one picture), and
//! PutMedia ingest into the engine. The clip is the simulated camera at 1920×1080, 30 fps,
//! two-second fragments, 4 Mbit/s, with light grain so the encoder has detail to spend bits on.
//! Run with `cargo bench -p kinescope-core --bench video`; each figure is reported against real
//! time (the clip's duration).

use criterion::{Criterion, criterion_group, criterion_main};
use kinescope_core::video::codec::recording::{CameraSettings, record};
use kinescope_core::video::fragment::Fragment;
use kinescope_core::video::ops::lifecycle::CreateStreamInput;
use kinescope_core::video::playback::frames_between;
use kinescope_core::video::put_media::{EndPutMedia, PutMediaData, StartPutMedia};
use kinescope_core::{Settings, World};
use std::hint::black_box;
use std::time::Instant;

const SECONDS: i64 = 6;
const START_MS: i64 = 1_767_225_600_000;

fn clip() -> Vec<u8> {
    let settings = CameraSettings {
        width: 1920,
        height: 1080,
        fps: 30,
        fragment_ms: 2_000,
        bitrate: 4_000_000,
        grain: 3,
    };
    record(settings, START_MS, SECONDS * 1_000).unwrap()
}

/// A world holding the clip, and the time one PutMedia of it took.
fn ingest(bytes: &[u8]) -> (World, std::time::Duration) {
    let mut world = World::new(Settings::default(), 1);
    world
        .apply(CreateStreamInput {
            stream_name: Some("camera".into()),
            data_retention_in_hours: Some(24),
            ..CreateStreamInput::default()
        })
        .unwrap();
    world.step(1_000);
    let started = Instant::now();
    let session = world
        .apply(StartPutMedia {
            stream_name: Some("camera".into()),
            fragment_timecode_type: Some("RELATIVE".into()),
            producer_start_ms: Some(START_MS),
            ..StartPutMedia::default()
        })
        .unwrap();
    let mut acks = world
        .apply(PutMediaData {
            session,
            bytes: bytes.to_vec(),
        })
        .unwrap();
    acks.extend(world.apply(EndPutMedia { session }).unwrap());
    let took = started.elapsed();
    assert_eq!(
        acks.iter().filter(|a| a.event_type == "PERSISTED").count() as i64,
        SECONDS / 2
    );
    (world, took)
}

fn bench(c: &mut Criterion) {
    let bytes = clip();
    println!(
        "clip: {SECONDS} s of 1080p30, {:.1} MiB",
        bytes.len() as f64 / 1_048_576.0
    );
    let (world, _) = ingest(&bytes);
    let fragments: Vec<Fragment> = world.video_streams()["camera"]
        .archive
        .fragments
        .iter()
        .cloned()
        .collect();
    let refs: Vec<&Fragment> = fragments.iter().collect();
    let mut group = c.benchmark_group("video-1080p30");
    group.sample_size(10);
    group.bench_function("putmedia-ingest-6s", |b| {
        b.iter(|| black_box(ingest(black_box(&bytes)).1))
    });
    group.bench_function("decode-and-convert-6s", |b| {
        b.iter(|| {
            let frames = frames_between(black_box(&refs), i64::MIN, i64::MAX).unwrap();
            assert_eq!(frames.len() as i64, SECONDS * 30);
            black_box(frames)
        })
    });
    // Seeks to points spread over the clip, the last frame of a fragment the worst case.
    let points: Vec<i64> = (0..12)
        .map(|i| START_MS + i * 487 % (SECONDS * 1_000))
        .collect();
    group.bench_function("seek-12-points", |b| {
        b.iter(|| {
            for &at in &points {
                let frames = frames_between(black_box(&refs), at, at + 33).unwrap();
                black_box(frames);
            }
        })
    });
    for &at in &points {
        let started = Instant::now();
        let frames = frames_between(&refs, at, at + 33).unwrap();
        println!(
            "seek to +{} ms: {:?}, {} frames",
            at - START_MS,
            started.elapsed(),
            frames.len()
        );
    }
    let worst = START_MS + 1_966;
    group.bench_function("seek-worst-case", |b| {
        b.iter(|| black_box(frames_between(black_box(&refs), worst, worst + 33).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
