//! What the Video tab shows, copied out of the engine: every video stream with its cameras, and —
//! for the selected one while the tab is open — its archive, one mark per fragment.

use kinescope_core::World;
use kinescope_core::sim::simulation::Simulation;
use kinescope_core::video::stream::VideoStreamStatus;

/// A simulated camera as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct CameraView {
    pub name: String,
    pub running: bool,
    pub fragments_sent: u64,
    pub last_error: Option<String>,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
}

/// One video stream as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoStreamView {
    pub name: String,
    pub status: &'static str,
    pub retention_hours: i64,
    pub media_type: Option<String>,
    pub fragments: usize,
    pub bytes: u64,
    pub cameras: Vec<CameraView>,
}

/// One fragment on the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct FragmentMark {
    pub number: String,
    pub producer_ms: i64,
    pub server_ms: i64,
    pub duration_ms: i64,
    pub size: u64,
    pub persisted: bool,
}

impl FragmentMark {
    /// Bits per second over its duration.
    pub fn bitrate(&self) -> f64 {
        self.size as f64 * 8.0 * 1_000.0 / self.duration_ms.max(1) as f64
    }

    pub fn end_ms(&self) -> i64 {
        self.producer_ms + self.duration_ms
    }
}

fn status_text(status: VideoStreamStatus) -> &'static str {
    match status {
        VideoStreamStatus::Creating => "CREATING",
        VideoStreamStatus::Active => "ACTIVE",
        VideoStreamStatus::Updating => "UPDATING",
        VideoStreamStatus::Deleting => "DELETING",
    }
}

/// Every video stream, with the cameras sending into it.
pub fn video_stream_views(world: &World, simulation: Option<&Simulation>) -> Vec<VideoStreamView> {
    let cameras = simulation.map_or(&[][..], |s| s.cameras());
    world
        .video_streams()
        .values()
        .map(|s| VideoStreamView {
            name: s.name.clone(),
            status: status_text(s.status),
            retention_hours: s.retention_hours,
            media_type: s.media_type.clone(),
            fragments: s.archive.fragments.len(),
            bytes: s.archive.fragments.iter().map(|f| f.size).sum(),
            cameras: cameras
                .iter()
                .filter(|c| c.spec().stream == s.name)
                .map(|c| CameraView {
                    name: c.spec().name.clone(),
                    running: !c.paused,
                    fragments_sent: c.fragments_sent,
                    last_error: c.last_error.clone(),
                    width: c.spec().width,
                    height: c.spec().height,
                    fps: c.spec().fps,
                })
                .collect(),
        })
        .collect()
}

/// The fragments of `stream`, oldest first.
pub fn archive(world: &World, stream: &str) -> Vec<FragmentMark> {
    world
        .video_streams()
        .get(stream)
        .map(|s| {
            s.archive
                .fragments
                .iter()
                .map(|f| FragmentMark {
                    number: f.number.clone(),
                    producer_ms: f.producer_ms,
                    server_ms: f.server_ms,
                    duration_ms: f.duration_ms,
                    size: f.size,
                    persisted: f.persisted,
                })
                .collect()
        })
        .unwrap_or_default()
}
