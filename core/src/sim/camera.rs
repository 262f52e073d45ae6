//! A simulated camera at work: once the virtual clock has passed a whole fragment, it records
//! that fragment (the test pattern with the camera's own clock burned in, encoded by libx264) and
//! sends it through PutMedia, as a camera's producer SDK does — through the engine's commands.
//! Switched off or in a gap it sends nothing; in a bitrate spike it encodes at a multiple of its
//! bitrate; its producer timestamps carry its clock skew.

use super::camera_spec::CameraSpec;
use crate::video::codec::recording::{CameraSettings, record};
use crate::video::put_media::{EndPutMedia, PutMediaData, StartPutMedia};
use crate::world::World;

/// A camera and what it has sent.
#[derive(Debug, Clone)]
pub struct Camera {
    spec: CameraSpec,
    /// Switched off: the clock runs on, nothing is recorded.
    pub paused: bool,
    /// When the scenario started (gaps and spikes count from it).
    started_ms: i64,
    /// Server time the next fragment starts at.
    next_fragment_ms: i64,
    pub fragments_sent: u64,
    pub bytes_sent: u64,
    /// The last ERROR acknowledgement or refusal, in words.
    pub last_error: Option<String>,
}

impl Camera {
    /// A camera starting to record at `now`, the scenario's start being `started_ms`.
    pub fn new(spec: CameraSpec, started_ms: i64, now: i64) -> Self {
        Self {
            paused: spec.stopped,
            spec,
            started_ms,
            next_fragment_ms: now,
            fragments_sent: 0,
            bytes_sent: 0,
            last_error: None,
        }
    }

    pub fn spec(&self) -> &CameraSpec {
        &self.spec
    }

    fn fragment_ms(&self) -> i64 {
        (self.spec.fragment_seconds * 1_000.0) as i64
    }

    /// Whether the scenario's time `elapsed_ms` is in one of its gaps.
    pub fn in_gap(&self, elapsed_ms: i64) -> bool {
        self.spec.gaps.iter().any(|g| g.contains(elapsed_ms))
    }

    /// Records and sends every fragment the clock has completed.
    pub fn tick(&mut self, world: &mut World) {
        let length = self.fragment_ms();
        while world.now_ms() >= self.next_fragment_ms + length {
            let start = self.next_fragment_ms;
            self.next_fragment_ms += length;
            let elapsed = start - self.started_ms;
            if self.paused || self.in_gap(elapsed) {
                continue;
            }
            let factor = self
                .spec
                .bitrate_spikes
                .iter()
                .find(|s| s.contains(elapsed))
                .map_or(1.0, |s| s.factor);
            self.send(world, start + self.spec.clock_skew_ms, length, factor);
        }
    }

    fn send(&mut self, world: &mut World, producer_ms: i64, length: i64, factor: f64) {
        let settings = CameraSettings {
            width: self.spec.width,
            height: self.spec.height,
            fps: self.spec.fps,
            fragment_ms: length,
            bitrate: (self.spec.bitrate as f64 * factor) as usize,
            // A spike is a busy scene: detail the encoder spends the extra bits on.
            grain: match factor > 1.0 {
                true => (factor * 4.0).min(64.0) as u8,
                false => 0,
            },
        };
        let bytes = match record(settings, producer_ms, length) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.last_error = Some(format!("the encoder failed: {e}"));
                return;
            }
        };
        let size = bytes.len() as u64;
        let session = world.apply(StartPutMedia {
            stream_name: Some(self.spec.stream.clone()),
            fragment_timecode_type: Some("RELATIVE".into()),
            producer_start_ms: Some(producer_ms),
            ..StartPutMedia::default()
        });
        let session = match session {
            Ok(session) => session,
            Err(e) => {
                self.last_error = Some(format!("{}: {}", e.code(), e.message()));
                return;
            }
        };
        let mut acks = world
            .apply(PutMediaData { session, bytes })
            .unwrap_or_default();
        acks.extend(world.apply(EndPutMedia { session }).unwrap_or_default());
        match acks.iter().find(|a| a.event_type == "ERROR") {
            Some(error) => {
                self.last_error = Some(format!("PutMedia ERROR {}", error.error_code.unwrap_or("")))
            }
            None => {
                self.fragments_sent += 1;
                self.bytes_sent += size;
            }
        }
    }
}
