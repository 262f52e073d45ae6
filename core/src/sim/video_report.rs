//! What a headless run reports of Video Streams (`video_streams[]` and `cameras[]` of
//! `kinescope run --report`): each stream's archive as it stands — how many fragments, the window
//! they span, the gaps in it — and what each camera sent. Times are milliseconds since the
//! scenario started.

use super::simulation::Simulation;
use serde::Serialize;

/// Two fragments further apart than this (server time, end to start) leave a gap.
const GAP_MS: i64 = 1_000;

/// One video stream's archive.
#[derive(Debug, Clone, Serialize)]
pub struct VideoStreamReport {
    pub name: String,
    pub retention_hours: i64,
    pub fragments: usize,
    pub bytes: u64,
    /// Server time of the oldest and newest fragment kept.
    pub oldest_ms: Option<i64>,
    pub newest_ms: Option<i64>,
    /// Breaks in the archive.
    pub gaps: usize,
}

/// One camera.
#[derive(Debug, Clone, Serialize)]
pub struct CameraReport {
    pub name: String,
    pub stream: String,
    pub fragments_sent: u64,
    pub bytes_sent: u64,
    pub last_error: Option<String>,
}

/// The video streams of `simulation`'s world.
pub fn video_stream_reports(simulation: &Simulation) -> Vec<VideoStreamReport> {
    let world = simulation.world();
    let started = world.now_ms() - simulation.elapsed_ms();
    world
        .video_streams()
        .values()
        .map(|s| {
            let fragments = &s.archive.fragments;
            let gaps = fragments
                .iter()
                .zip(fragments.iter().skip(1))
                .filter(|(a, b)| b.server_ms - (a.server_ms + a.duration_ms) > GAP_MS)
                .count();
            VideoStreamReport {
                name: s.name.clone(),
                retention_hours: s.retention_hours,
                fragments: fragments.len(),
                bytes: fragments.iter().map(|f| f.size).sum(),
                oldest_ms: fragments.front().map(|f| f.server_ms - started),
                newest_ms: fragments.back().map(|f| f.server_ms - started),
                gaps,
            }
        })
        .collect()
}

/// The cameras of `simulation`.
pub fn camera_reports(simulation: &Simulation) -> Vec<CameraReport> {
    simulation
        .cameras()
        .iter()
        .map(|c| CameraReport {
            name: c.spec().name.clone(),
            stream: c.spec().stream.clone(),
            fragments_sent: c.fragments_sent,
            bytes_sent: c.bytes_sent,
            last_error: c.last_error.clone(),
        })
        .collect()
}
