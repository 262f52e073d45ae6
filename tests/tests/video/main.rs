//! Kinesis Video Streams on the virtual clock (reference C).

mod camera;
mod clip;
mod codec;
mod control;
mod images;
mod ingest;
mod media;
mod streaming;

use kinescope_core::video::ops::lifecycle::CreateStreamInput;
use kinescope_core::{Settings, World};

pub const CAMERA: &str = "front-door";

/// A world at 2026-01-01T00:00:00Z.
pub fn world() -> World {
    World::new(Settings::default(), 11)
}

/// 2026-01-01T00:00:00Z, where the world starts and the camera's recordings begin.
pub const START_MS: i64 = 1_767_225_600_000;

/// Creates [`CAMERA`] with `retention_hours` and puts `seconds` of the simulated camera (320×180,
/// two-second fragments, times from [`START_MS`]) into it through PutMedia.
pub fn recorded_camera(world: &mut World, retention_hours: i64, seconds: i64) {
    active_camera(world, retention_hours);
    put_camera(world, START_MS, seconds);
}

/// Puts `seconds` of the simulated camera (320×180, two-second fragments) into [`CAMERA`]
/// through one PutMedia request, producer times from `start_ms`.
pub fn put_camera(world: &mut World, start_ms: i64, seconds: i64) {
    use kinescope_core::video::codec::recording::{CameraSettings, record};
    use kinescope_core::video::put_media::{EndPutMedia, PutMediaData, StartPutMedia};
    let settings = CameraSettings {
        width: 320,
        height: 180,
        ..CameraSettings::default()
    };
    let bytes = record(settings, start_ms, seconds * 1_000).unwrap();
    let session = world
        .apply(StartPutMedia {
            stream_name: Some(CAMERA.into()),
            fragment_timecode_type: Some("RELATIVE".into()),
            producer_start_ms: Some(start_ms),
            ..StartPutMedia::default()
        })
        .unwrap();
    world.apply(PutMediaData { session, bytes }).unwrap();
    world.apply(EndPutMedia { session }).unwrap();
}

/// Creates [`CAMERA`] with `retention_hours` and waits until it is ACTIVE; its ARN.
pub fn active_camera(world: &mut World, retention_hours: i64) -> String {
    let arn = world
        .apply(CreateStreamInput {
            stream_name: Some(CAMERA.into()),
            media_type: Some("video/h264".into()),
            data_retention_in_hours: Some(retention_hours),
            ..CreateStreamInput::default()
        })
        .unwrap()
        .stream_arn;
    world.step(500);
    arn
}

/// ffprobe's `codec,width,height,frames` of the first video stream of `bytes` (a `.{extension}`).
pub fn probe(bytes: &[u8], extension: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static PROBES: AtomicU64 = AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "kinescope-probe-{}-{}.{extension}",
        std::process::id(),
        PROBES.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0"])
        .args([
            "-show_entries",
            "stream=codec_name,width,height,nb_read_frames",
        ])
        .args(["-of", "csv=p=0"])
        .arg(&path)
        .output()
        .expect("ffprobe runs (make test installs ffmpeg)");
    let _ = std::fs::remove_file(&path);
    // MPEG-TS lists its streams under the program too: the first line is the stream.
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().next().unwrap_or("").trim().to_owned()
}
