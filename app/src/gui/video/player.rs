//! The Video tab's player: where the playhead is (following the live edge, or playing on from a
//! point at the stream's own pace), which decoded picture that is, and a decoder thread that turns
//! fragments into pictures off the UI thread. The UI asks for fragments by number; the next
//! `refresh` copies them out of the engine and hands them over.

use super::view::FragmentMark;
use kinescope_core::video::codec::decoder::{FrameDecoder, RgbaFrame};
use kinescope_core::video::fragment::Fragment;
use kinescope_core::video::playback::frames_between;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Instant;

/// Decoded fragments kept (the one playing, the next, a few behind for scrubbing back).
const FRAGMENTS_KEPT: usize = 6;
/// Thumbnails kept before the oldest are dropped.
const THUMBNAILS_KEPT: usize = 400;
/// Thumbnail height in pixels.
pub const THUMBNAIL_HEIGHT: u32 = 48;

/// What the player plays, as the HLS/DASH playback modes name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The newest fragment as it arrives.
    Live,
    /// From a point, on into what arrives meanwhile.
    LiveReplay,
    /// From a point to the end of what was archived when it started.
    OnDemand,
}

impl Mode {
    pub fn label(self) -> &'static str {
        match self {
            Mode::Live => "Live",
            Mode::LiveReplay => "Live replay",
            Mode::OnDemand => "On demand",
        }
    }
}

enum Job {
    Frames(Box<Fragment>),
    Thumbnail(Box<Fragment>),
}

enum Decoded {
    Frames(String, Result<Vec<RgbaFrame>, String>),
    Thumbnail(String, Option<RgbaFrame>),
}

/// The player's state.
pub struct Player {
    pub mode: Mode,
    pub playing: bool,
    /// Producer time of the picture to show.
    pub playhead_ms: i64,
    /// On demand: where playing stops.
    end_ms: Option<i64>,
    /// The stream it plays (a new one starts afresh).
    stream: Option<String>,
    worker: Option<(Sender<Job>, Receiver<Decoded>)>,
    in_flight: HashSet<String>,
    decoded: VecDeque<(String, Arc<Vec<RgbaFrame>>)>,
    thumbnails: HashMap<String, egui::TextureHandle>,
    thumbnail_order: VecDeque<String>,
    /// Fragments to decode (full, or a thumbnail), asked for by this frame's drawing.
    wanted: Vec<(String, bool)>,
    pub texture: Option<egui::TextureHandle>,
    /// The fragment and time of the picture in `texture`.
    shown: Option<(String, i64)>,
    last_wall: Option<Instant>,
    /// Why the picture cannot be shown (a codec the player does not decode).
    pub error: Option<String>,
}

impl Default for Player {
    fn default() -> Self {
        Self {
            mode: Mode::Live,
            playing: true,
            playhead_ms: 0,
            end_ms: None,
            stream: None,
            worker: None,
            in_flight: HashSet::new(),
            decoded: VecDeque::new(),
            thumbnails: HashMap::new(),
            thumbnail_order: VecDeque::new(),
            wanted: Vec::new(),
            texture: None,
            shown: None,
            last_wall: None,
            error: None,
        }
    }
}

/// The fragment holding `at_ms`, if one does.
pub fn fragment_at(archive: &[FragmentMark], at_ms: i64) -> Option<&FragmentMark> {
    let after = archive.partition_point(|f| f.producer_ms <= at_ms);
    after
        .checked_sub(1)
        .map(|i| &archive[i])
        .filter(|f| at_ms < f.end_ms().max(f.producer_ms + 1))
}

impl Player {
    /// Plays `stream` (starting afresh, live, when it is another one); whether it is another.
    pub fn select(&mut self, stream: &str) -> bool {
        let another = self.stream.as_deref() != Some(stream);
        if another {
            *self = Self {
                worker: self.worker.take(),
                stream: Some(stream.to_owned()),
                ..Self::default()
            };
        }
        another
    }

    /// Switches mode; replay and on-demand start from the playhead.
    pub fn set_mode(&mut self, mode: Mode, archive: &[FragmentMark]) {
        self.mode = mode;
        self.playing = true;
        self.end_ms = match mode {
            Mode::OnDemand => archive.last().map(FragmentMark::end_ms),
            _ => None,
        };
    }

    /// Moves the playhead to `at_ms` (a drag on the timeline): the live view becomes on demand.
    pub fn seek(&mut self, at_ms: i64, archive: &[FragmentMark]) {
        if self.mode == Mode::Live {
            self.set_mode(Mode::OnDemand, archive);
            self.playing = false;
        }
        self.playhead_ms = at_ms;
    }

    /// Pauses or plays on; pausing the live view holds its picture on demand.
    pub fn toggle(&mut self, archive: &[FragmentMark]) {
        if self.mode == Mode::Live {
            self.set_mode(Mode::OnDemand, archive);
            self.playing = false;
        } else {
            self.playing = !self.playing;
        }
    }

    /// Moves the playhead for this frame: live follows the newest fragment on the virtual clock;
    /// the others play on at the stream's own pace (wall time), skipping gaps.
    pub fn advance(&mut self, archive: &[FragmentMark], now_ms: i64) {
        let wall = Instant::now();
        let elapsed = self
            .last_wall
            .map_or(0, |t| wall.duration_since(t).as_millis() as i64);
        self.last_wall = Some(wall);
        let Some(newest) = archive.last() else {
            return;
        };
        match self.mode {
            Mode::Live => {
                let into = (now_ms - newest.server_ms).clamp(0, (newest.duration_ms - 1).max(0));
                self.playhead_ms = newest.producer_ms + into;
            }
            Mode::LiveReplay | Mode::OnDemand if self.playing => {
                let end = match self.mode {
                    Mode::OnDemand => self.end_ms.unwrap_or(newest.end_ms()),
                    _ => newest.end_ms(),
                };
                let mut at = self.playhead_ms + elapsed;
                if fragment_at(archive, at).is_none() {
                    // A gap: on to the next fragment, as a player takes a discontinuity.
                    let next = archive.partition_point(|f| f.producer_ms <= at);
                    if let Some(next) = archive.get(next) {
                        at = next.producer_ms;
                    }
                }
                if at >= end - 1 {
                    at = end - 1;
                    self.playing = self.mode == Mode::LiveReplay;
                }
                self.playhead_ms = at;
            }
            _ => {}
        }
    }

    /// Shows the picture at the playhead, asking for its fragment (and the next) to be decoded.
    pub fn update_picture(&mut self, ctx: &egui::Context, archive: &[FragmentMark]) {
        self.receive(ctx);
        let Some(fragment) = fragment_at(archive, self.playhead_ms) else {
            return;
        };
        let number = fragment.number.clone();
        let next = archive
            .iter()
            .find(|f| f.producer_ms > fragment.producer_ms)
            .map(|f| f.number.clone());
        let frames = self
            .decoded
            .iter()
            .find(|(n, _)| *n == number)
            .map(|(_, f)| f.clone());
        match frames {
            Some(frames) => {
                let at = frames
                    .iter()
                    .rposition(|f| f.timecode_ms <= self.playhead_ms)
                    .unwrap_or(0);
                if let Some(frame) = frames.get(at) {
                    let key = (number.clone(), frame.timecode_ms);
                    if self.shown.as_ref() != Some(&key) {
                        self.show(ctx, frame);
                        self.shown = Some(key);
                    }
                }
            }
            None => self.want(&number, false),
        }
        if let Some(next) = next {
            self.want(&next, false);
        }
    }

    fn show(&mut self, ctx: &egui::Context, frame: &RgbaFrame) {
        let image = egui::ColorImage::from_rgba_unmultiplied(
            [frame.width as usize, frame.height as usize],
            &frame.rgba,
        );
        match &mut self.texture {
            Some(texture) => texture.set(image, egui::TextureOptions::LINEAR),
            None => {
                self.texture =
                    Some(ctx.load_texture("video-player", image, egui::TextureOptions::LINEAR));
            }
        }
    }

    /// The thumbnail of a fragment, asking for it when there is none yet.
    pub fn thumbnail(&mut self, number: &str) -> Option<egui::TextureHandle> {
        let found = self.thumbnails.get(number).cloned();
        if found.is_none() {
            self.want(number, true);
        }
        found
    }

    fn want(&mut self, number: &str, thumbnail: bool) {
        let key = (number.to_owned(), thumbnail);
        if !self.in_flight.contains(&flight_key(number, thumbnail)) && !self.wanted.contains(&key) {
            self.wanted.push(key);
        }
    }

    /// The fragments to copy out of the engine for decoding: (number, thumbnail only).
    pub fn wanted(&self) -> &[(String, bool)] {
        &self.wanted
    }

    /// Hands the fragments asked for to the decoder thread.
    pub fn submit(&mut self, ctx: &egui::Context, fragments: Vec<(Fragment, bool)>) {
        self.wanted.clear();
        for (fragment, thumbnail) in fragments {
            let key = flight_key(&fragment.number, thumbnail);
            let job = match thumbnail {
                true => Job::Thumbnail(Box::new(fragment)),
                false => Job::Frames(Box::new(fragment)),
            };
            if self.worker(ctx).send(job).is_ok() {
                self.in_flight.insert(key);
            }
        }
    }

    fn worker(&mut self, ctx: &egui::Context) -> &Sender<Job> {
        &self
            .worker
            .get_or_insert_with(|| start_decoder(ctx.clone()))
            .0
    }

    fn receive(&mut self, ctx: &egui::Context) {
        let Some((_, results)) = &self.worker else {
            return;
        };
        let arrived: Vec<Decoded> = results.try_iter().collect();
        for decoded in arrived {
            self.take(ctx, decoded);
        }
    }

    /// Blocks until every fragment asked for is decoded (tests: the decoder is a thread).
    #[cfg(test)]
    pub fn wait_for_decoder(&mut self, ctx: &egui::Context) {
        while !self.in_flight.is_empty() {
            let Some((_, results)) = &self.worker else {
                return;
            };
            match results.recv_timeout(std::time::Duration::from_secs(20)) {
                Ok(decoded) => self.take(ctx, decoded),
                Err(_) => return,
            }
        }
    }

    /// The fragment and time of the picture shown.
    pub fn shown(&self) -> Option<&(String, i64)> {
        self.shown.as_ref()
    }

    fn take(&mut self, ctx: &egui::Context, decoded: Decoded) {
        match decoded {
            Decoded::Frames(number, frames) => {
                self.in_flight.remove(&flight_key(&number, false));
                match frames {
                    Ok(frames) => {
                        self.error = None;
                        self.decoded.push_back((number, Arc::new(frames)));
                        if self.decoded.len() > FRAGMENTS_KEPT {
                            self.decoded.pop_front();
                        }
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Decoded::Thumbnail(number, frame) => {
                self.in_flight.remove(&flight_key(&number, true));
                let Some(frame) = frame else { return };
                let image = egui::ColorImage::from_rgba_unmultiplied(
                    [frame.width as usize, frame.height as usize],
                    &frame.rgba,
                );
                let name = format!("thumbnail-{number}");
                let texture = ctx.load_texture(name, image, egui::TextureOptions::LINEAR);
                self.thumbnails.insert(number.clone(), texture);
                self.thumbnail_order.push_back(number);
                if self.thumbnail_order.len() > THUMBNAILS_KEPT
                    && let Some(old) = self.thumbnail_order.pop_front()
                {
                    self.thumbnails.remove(&old);
                }
            }
        }
    }
}

fn flight_key(number: &str, thumbnail: bool) -> String {
    format!("{number}{}", if thumbnail { "/thumbnail" } else { "" })
}

/// The decoder thread: it ends when the player (and its sender) goes.
fn start_decoder(ctx: egui::Context) -> (Sender<Job>, Receiver<Decoded>) {
    let (jobs, inbox) = channel::<Job>();
    let (outbox, results) = channel();
    // Without a thread the channels close: sends fail and the player shows no picture.
    let _ = std::thread::Builder::new()
        .name("video decoder".into())
        .spawn(move || {
            for job in inbox {
                let decoded = match job {
                    Job::Frames(fragment) => {
                        let frames = frames_between(&[&fragment], i64::MIN, i64::MAX)
                            .map_err(|e| format!("The player cannot decode this fragment: {e}"));
                        Decoded::Frames(fragment.number.clone(), frames)
                    }
                    Job::Thumbnail(fragment) => {
                        Decoded::Thumbnail(fragment.number.clone(), first_picture(&fragment))
                    }
                };
                if outbox.send(decoded).is_err() {
                    return;
                }
                ctx.request_repaint();
            }
        });
    (jobs, results)
}

/// The fragment's key frame, scaled down to a thumbnail.
fn first_picture(fragment: &Fragment) -> Option<RgbaFrame> {
    let track = fragment.header.tracks.first()?;
    let frame = fragment.frames.iter().find(|f| f.track == track.number)?;
    let mut decoder = FrameDecoder::h264(&track.codec_private).ok()?;
    let mut pictures = decoder
        .decode(&frame.data, frame.keyframe, frame.timecode_ms)
        .ok()?;
    pictures.extend(decoder.flush().ok()?);
    pictures.first().map(|p| scaled(p, THUMBNAIL_HEIGHT))
}

/// `picture` at `height` pixels, nearest neighbour (a thumbnail needs no better).
fn scaled(picture: &RgbaFrame, height: u32) -> RgbaFrame {
    let width = (picture.width * height / picture.height.max(1)).max(1);
    let mut rgba = Vec::with_capacity((width * height * 4) as usize);
    for y in 0..height {
        let source_y = y * picture.height / height;
        for x in 0..width {
            let source_x = x * picture.width / width;
            let at = ((source_y * picture.width + source_x) * 4) as usize;
            rgba.extend_from_slice(&picture.rgba[at..at + 4]);
        }
    }
    RgbaFrame {
        width,
        height,
        timecode_ms: picture.timecode_ms,
        rgba,
    }
}
