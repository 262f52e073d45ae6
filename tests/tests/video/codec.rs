//! The camera's H.264 through FFmpeg: pictures encoded with a key frame every `gop` frames,
//! decoded back to the same picture (within the codec's loss), from any key frame on.

use kinescope_core::video::codec::camera::CameraEncoder;
use kinescope_core::video::codec::decoder::FrameDecoder;
use kinescope_core::video::codec::pattern::{BARS, draw};

use super::START_MS;

fn close(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 24)
}

#[test]
fn the_camera_encodes_key_frames_every_gop_and_decodes_back_to_its_picture() {
    let mut encoder = CameraEncoder::new(320, 180, 15, 15, 400_000).unwrap();
    let mut frames = Vec::new();
    for i in 0..30 {
        frames.extend(encoder.encode(&draw(320, 180, START_MS + i * 66)).unwrap());
    }
    frames.extend(encoder.flush().unwrap());
    assert_eq!(frames.len(), 30);
    let keys: Vec<i64> = frames
        .iter()
        .filter(|f| f.keyframe)
        .map(|f| f.index)
        .collect();
    assert_eq!(keys, [0, 15]);
    let config = encoder.codec_private().unwrap().to_vec();
    assert_eq!(config[0], 1, "an AVCDecoderConfigurationRecord");
    // Decoding from the second key frame on needs nothing before it.
    let mut decoder = FrameDecoder::h264(&config).unwrap();
    let mut pictures = Vec::new();
    for frame in &frames[15..] {
        let at = START_MS + frame.index * 66;
        pictures.extend(decoder.decode(&frame.avcc, frame.keyframe, at).unwrap());
    }
    pictures.extend(decoder.flush().unwrap());
    assert_eq!(pictures.len(), 15);
    let first = &pictures[0];
    assert_eq!((first.width, first.height), (320, 180));
    assert_eq!(first.timecode_ms, START_MS + 15 * 66);
    assert!(
        close(first.rgb_at(10, 10), BARS[0]),
        "{:?}",
        first.rgb_at(10, 10)
    );
    assert!(
        close(first.rgb_at(310, 10), BARS[6]),
        "{:?}",
        first.rgb_at(310, 10)
    );
}

/// Mean difference per channel between a decoded picture and the pattern at `epoch_ms`.
fn difference(frame: &kinescope_core::video::codec::decoder::RgbaFrame, epoch_ms: i64) -> f64 {
    let expected = draw(frame.width, frame.height, epoch_ms);
    let total: u64 = frame
        .rgba
        .chunks(4)
        .zip(expected.rgb.chunks(3))
        .map(|(a, b)| (0..3).map(|i| u64::from(a[i].abs_diff(b[i]))).sum::<u64>())
        .sum();
    total as f64 / (expected.rgb.len() as f64)
}

#[test]
fn a_recording_ingests_as_two_second_fragments_and_plays_back_the_right_picture() {
    use super::CAMERA;
    use kinescope_core::video::playback::frames_between;
    let mut world = super::world();
    super::recorded_camera(&mut world, 24, 6);
    let fragments: Vec<_> = world.video_streams()[CAMERA]
        .archive
        .fragments
        .iter()
        .collect();
    assert_eq!(fragments.len(), 3);
    for fragment in &fragments {
        assert!(
            (1_950..=2_000).contains(&fragment.duration_ms),
            "{}",
            fragment.duration_ms
        );
        assert!(fragment.frames[0].keyframe);
    }
    let at = START_MS + 3_000;
    let pictures = frames_between(&fragments, at, at).unwrap();
    assert_eq!(pictures.len(), 1);
    let right = difference(&pictures[0], at);
    let wrong = difference(&pictures[0], START_MS + 1_000);
    assert!(right < 8.0, "{right}");
    assert!(
        wrong > right * 1.5,
        "{wrong} vs {right}: the picture is the one taken at 3 s"
    );
}

/// The project's own sample clip (`kinescope video sample`, committed in assets/video/).
#[test]
fn the_sample_clip_ingests_as_five_two_second_fragments() {
    use super::CAMERA;
    use kinescope_core::video::put_media::{EndPutMedia, PutMediaData, StartPutMedia};
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/video/sample.mkv"
    ))
    .unwrap();
    assert!(bytes.len() < 400 * 1024, "a few hundred KB at most");
    let mut world = super::world();
    super::active_camera(&mut world, 1);
    let session = world
        .apply(StartPutMedia {
            stream_name: Some(CAMERA.into()),
            ..StartPutMedia::default()
        })
        .unwrap();
    let mut acks = world.apply(PutMediaData { session, bytes }).unwrap();
    acks.extend(world.apply(EndPutMedia { session }).unwrap());
    let persisted = acks.iter().filter(|a| a.event_type == "PERSISTED").count();
    assert_eq!(persisted, 5);
    let fragments = &world.video_streams()[CAMERA].archive.fragments;
    let durations: Vec<i64> = fragments.iter().map(|f| f.duration_ms).collect();
    assert!(
        durations.iter().all(|d| (1_950..=2_000).contains(d)),
        "{durations:?}"
    );
    let header = &fragments[0].header;
    assert_eq!(header.tracks[0].codec_id, "V_MPEG4/ISO/AVC");
    assert_eq!(
        (header.tracks[0].width, header.tracks[0].height),
        (Some(640), Some(360))
    );
}

/// Files FFmpeg reads are remuxed into fragments without re-encoding: MPEG-TS H.264 (parameter
/// sets in the stream) and WebM VP8.
#[test]
fn other_containers_are_remuxed_into_fragments() {
    use kinescope_core::video::codec::remux::to_matroska;
    use kinescope_core::video::mkv::reader::{MkvReader, ReadEvent};
    let dir = std::env::temp_dir();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/video/sample.mkv");
    let ts = dir.join(format!("kinescope-remux-{}.ts", std::process::id()));
    let webm = dir.join(format!("kinescope-remux-{}.webm", std::process::id()));
    let made = |args: &[&str], out: &std::path::Path| {
        let done = std::process::Command::new("ffmpeg")
            .args(["-v", "error", "-y"])
            .args(args)
            .arg(out)
            .status()
            .expect("ffmpeg runs (make test installs it)");
        assert!(done.success());
    };
    made(&["-i", sample, "-c", "copy"], &ts);
    made(
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=4:size=160x120:rate=10",
            "-c:v",
            "libvpx",
            "-g",
            "10",
        ],
        &webm,
    );
    let read = |path: &std::path::Path| {
        let bytes = to_matroska(path).unwrap();
        let mut reader = MkvReader::new();
        let mut events = reader.push(&bytes).unwrap();
        events.extend(reader.finish().unwrap());
        let codec = events.iter().find_map(|e| match e {
            ReadEvent::Header(h) => Some(h.tracks[0].codec_id.clone()),
            _ => None,
        });
        let clusters = events
            .iter()
            .filter(|e| matches!(e, ReadEvent::Cluster(_)))
            .count();
        (codec.unwrap(), clusters)
    };
    let (codec, clusters) = read(&ts);
    assert_eq!(codec, "V_MPEG4/ISO/AVC");
    assert_eq!(clusters, 5);
    let (codec, clusters) = read(&webm);
    assert_eq!(codec, "V_VP8");
    assert_eq!(clusters, 4, "a key frame every second");
    let _ = std::fs::remove_file(ts);
    let _ = std::fs::remove_file(webm);
}
