//! Video coding for the media plane, on the system FFmpeg through ffmpeg-next: H.264's two
//! framings (`h264`), the simulated camera's encoder (`camera`) and decoding fragments to RGBA
//! frames (`decoder`).

pub mod camera;
pub mod clip;
pub mod decoder;
pub mod h264;
pub mod pattern;
pub mod recording;
pub mod remux;
