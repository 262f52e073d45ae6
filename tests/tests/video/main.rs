//! Kinesis Video Streams on the virtual clock (reference C).

mod clip;
mod codec;
mod control;
mod images;
mod ingest;
mod media;

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
    use kinescope_core::video::codec::recording::{CameraSettings, record};
    use kinescope_core::video::put_media::{EndPutMedia, PutMediaData, StartPutMedia};
    active_camera(world, retention_hours);
    let settings = CameraSettings {
        width: 320,
        height: 180,
        ..CameraSettings::default()
    };
    let bytes = record(settings, START_MS, seconds * 1_000).unwrap();
    let session = world
        .apply(StartPutMedia {
            stream_name: Some(CAMERA.into()),
            fragment_timecode_type: Some("RELATIVE".into()),
            producer_start_ms: Some(START_MS),
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
