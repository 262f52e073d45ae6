//! The `video_streams` and `cameras` of a scenario. A video stream is CreateStream's input in the
//! API's field names, checked when the scenario loads by creating it in a scratch world; a camera
//! is the simulated camera (a moving test pattern with its clock burned in, H.264) sending one
//! fragment at a time into a video stream, with optional gaps, bitrate spikes and clock skew.

use super::scenario::Scenario;
use crate::settings::Settings;
use crate::video::ops::lifecycle::CreateStreamInput;
use crate::world::World;
use serde::{Deserialize, Serialize};

/// A span of the scenario's time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CameraWindow {
    pub at_seconds: f64,
    pub seconds: f64,
}

/// Whether the scenario's `elapsed_ms` falls in the span from `at_seconds` for `seconds`.
fn spans(at_seconds: f64, seconds: f64, elapsed_ms: i64) -> bool {
    let from = (at_seconds * 1_000.0) as i64;
    (from..from + (seconds * 1_000.0) as i64).contains(&elapsed_ms)
}

impl CameraWindow {
    pub fn contains(&self, elapsed_ms: i64) -> bool {
        spans(self.at_seconds, self.seconds, elapsed_ms)
    }
}

/// A window where the camera sends `factor` times its bitrate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BitrateSpike {
    pub at_seconds: f64,
    pub seconds: f64,
    pub factor: f64,
}

impl BitrateSpike {
    pub fn contains(&self, elapsed_ms: i64) -> bool {
        spans(self.at_seconds, self.seconds, elapsed_ms)
    }
}

fn width() -> u32 {
    320
}
fn height() -> u32 {
    180
}
fn fps() -> u32 {
    15
}
fn fragment_seconds() -> f64 {
    2.0
}
fn bitrate() -> usize {
    300_000
}

/// A simulated camera.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CameraSpec {
    pub name: String,
    /// The video stream it sends to (declared in `video_streams`).
    pub stream: String,
    #[serde(default = "width")]
    pub width: u32,
    #[serde(default = "height")]
    pub height: u32,
    #[serde(default = "fps")]
    pub fps: u32,
    /// A fragment (starting with a key frame) this often.
    #[serde(default = "fragment_seconds")]
    pub fragment_seconds: f64,
    /// Bits per second the encoder aims at.
    #[serde(default = "bitrate")]
    pub bitrate: usize,
    /// How far the camera's clock (its producer timestamps) runs ahead of the server's.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub clock_skew_ms: i64,
    /// Spans where it sends nothing (the archive shows a gap).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<CameraWindow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bitrate_spikes: Vec<BitrateSpike>,
    /// Starts switched off (the app's Start button, or a `resume` event, turns it on).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stopped: bool,
}

fn is_zero(value: &i64) -> bool {
    *value == 0
}

impl CameraSpec {
    /// A camera of `stream` with the defaults (320×180, 15 fps, two-second fragments).
    pub fn new(name: &str, stream: &str) -> Self {
        Self {
            name: name.into(),
            stream: stream.into(),
            width: width(),
            height: height(),
            fps: fps(),
            fragment_seconds: fragment_seconds(),
            bitrate: bitrate(),
            clock_skew_ms: 0,
            gaps: Vec::new(),
            bitrate_spikes: Vec::new(),
            stopped: false,
        }
    }

    /// Checks every value; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        let at = format!("cameras[{:?}]", self.name);
        let even = |v: u32, min: u32, max: u32| v.is_multiple_of(2) && (min..=max).contains(&v);
        if !even(self.width, 16, 3_840) || !even(self.height, 16, 2_160) {
            return Err(format!(
                "{at}: width × height = {}×{} must be even, from 16×16 to 3840×2160",
                self.width, self.height
            ));
        }
        if !(1..=60).contains(&self.fps) {
            return Err(format!("{at}.fps = {} must be between 1 and 60", self.fps));
        }
        // PutMedia refuses fragments longer than 10 s (error 4002).
        if !(self.fragment_seconds.is_finite() && (0.5..=10.0).contains(&self.fragment_seconds)) {
            return Err(format!(
                "{at}.fragment_seconds = {} must be between 0.5 and 10",
                self.fragment_seconds
            ));
        }
        if !(10_000..=50_000_000).contains(&self.bitrate) {
            return Err(format!(
                "{at}.bitrate = {} must be between 10000 and 50000000 bits/s",
                self.bitrate
            ));
        }
        let window_ok = |at_seconds: f64, seconds: f64| {
            at_seconds.is_finite() && at_seconds >= 0.0 && seconds.is_finite() && seconds > 0.0
        };
        for (i, gap) in self.gaps.iter().enumerate() {
            if !window_ok(gap.at_seconds, gap.seconds) {
                return Err(format!("{at}.gaps[{i}]: at_seconds ≥ 0 and seconds > 0"));
            }
        }
        for (i, spike) in self.bitrate_spikes.iter().enumerate() {
            let factor_ok = spike.factor.is_finite() && spike.factor > 0.0 && spike.factor <= 20.0;
            if !(window_ok(spike.at_seconds, spike.seconds) && factor_ok) {
                return Err(format!(
                    "{at}.bitrate_spikes[{i}]: at_seconds ≥ 0, seconds > 0, factor in (0, 20]"
                ));
            }
        }
        Ok(())
    }
}

/// Checks the video streams of `scenario` with the engine, then its cameras; the video streams'
/// names.
pub fn validate(scenario: &Scenario) -> Result<Vec<&str>, String> {
    let mut world = World::new(scenario.settings.apply_to(Settings::default()), 0);
    let mut names = Vec::new();
    for (i, input) in scenario.video_streams.iter().enumerate() {
        let label = match &input.stream_name {
            Some(name) => format!("video_streams[{name:?}]"),
            None => format!("video_streams[{i}]"),
        };
        world
            .apply(input.clone())
            .map_err(|e| format!("{label}: {}: {}", e.code(), e.message()))?;
        names.push(input.stream_name.as_deref().unwrap_or_default());
    }
    for camera in &scenario.cameras {
        camera.validate()?;
        if !names.contains(&camera.stream.as_str()) {
            return Err(format!(
                "cameras[{:?}]: stream {:?} is not declared in video_streams",
                camera.name, camera.stream
            ));
        }
    }
    Ok(names)
}

/// Creates the scenario's video streams in `world` (checked when it loaded).
pub fn create_video_streams(scenario: &Scenario, world: &mut World) {
    for input in &scenario.video_streams {
        let _ = world.apply(CreateStreamInput::clone(input));
    }
}
