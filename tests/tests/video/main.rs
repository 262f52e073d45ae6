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
