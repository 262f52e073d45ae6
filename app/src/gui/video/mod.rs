//! The Video tab: a video stream's archive on a timeline with its retention window, a player
//! (live, live replay, on demand) decoding off the UI thread, thumbnails, sending a file in, and
//! the simulated cameras switched on and off.

pub mod player;
pub mod tab;
pub mod timeline;
pub mod view;

#[cfg(test)]
mod tests;

/// The Video tab's own state.
#[derive(Default)]
pub struct VideoPanel {
    pub player: player::Player,
    pub timeline: timeline::Timeline,
    /// The file path typed for "Send file".
    pub ingest_path: String,
    /// The name typed for a new video stream.
    pub new_stream: String,
    /// Its retention, in hours.
    pub new_retention: String,
    /// Fragments copied out of the engine for the decoder, handed over after the refresh.
    pub to_decode: Vec<(kinescope_core::video::fragment::Fragment, bool)>,
}
