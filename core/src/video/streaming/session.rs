//! A playback session of HLS or DASH (reference C.5) and which fragments its playlist lists as
//! the virtual clock moves: ON_DEMAND lists the range once; LIVE_REPLAY starts at the range's
//! start and adds one fragment per elapsed fragment duration; LIVE lists the newest fragments and
//! only ever adds newer ones (gaps are never back-filled). Duplicate producer timestamps keep
//! the highest fragment number.

use crate::video::fragment::{Archive, Fragment};
use crate::video::mkv::reader::TrackHeader;
use std::sync::Arc;

/// Which protocol a session serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Hls,
    Dash,
}

/// PlaybackMode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaybackMode {
    Live,
    LiveReplay,
    OnDemand,
}

/// ContainerFormat (HLS): fMP4 segments or MPEG-TS ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    FragmentedMp4,
    MpegTs,
}

/// DiscontinuityMode (HLS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discontinuity {
    Always,
    Never,
    OnDiscontinuity,
}

/// Gaps or overlaps above this count as a discontinuity in ON_DISCONTINUITY mode.
const DISCONTINUITY_MS: i64 = 50;
/// A LIVE session needs a fragment this recent when it is made.
pub const LIVE_WINDOW_MS: i64 = 30_000;

/// One fragment as a session lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Its place in the session, from 0 (DASH's `$Number$`).
    pub sequence: u64,
    pub number: String,
    /// Its time by the session's selector type (producer or server).
    pub at_ms: i64,
    /// Its first frame's decode time: the segment's `tfdt`.
    pub media_start_ms: i64,
    pub duration_ms: i64,
    pub size: u64,
    /// Which init segment it plays with (the session's `SequenceNumber` of codec private data).
    pub init: u32,
    /// Starts a new timeline (`#EXT-X-DISCONTINUITY`).
    pub discontinuity: bool,
}

/// A session.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaybackSession {
    pub token: String,
    pub protocol: Protocol,
    pub stream: String,
    pub mode: PlaybackMode,
    pub by_server: bool,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub container: Container,
    pub discontinuity: Discontinuity,
    pub display_timestamp: bool,
    pub display_number: bool,
    pub max_results: usize,
    pub created_ms: i64,
    pub expires_ms: i64,
    /// Every fragment listed so far, in session order.
    pub listed: Vec<Segment>,
    /// The track headers (codec private data) met so far; a segment's `init` indexes them.
    pub headers: Vec<Arc<TrackHeader>>,
}

impl PlaybackSession {
    fn time_of(&self, fragment: &Fragment) -> i64 {
        match self.by_server {
            true => fragment.server_ms,
            false => fragment.producer_ms,
        }
    }

    /// The stored fragments within the session's range, in its time order, one per producer
    /// timestamp (the highest fragment number).
    pub fn candidates<'a>(&self, archive: &'a Archive) -> Vec<&'a Fragment> {
        let start = self.start_ms.unwrap_or(i64::MIN);
        let end = self.end_ms.unwrap_or(i64::MAX);
        let mut found: Vec<&Fragment> = archive
            .fragments
            .iter()
            .filter(|f| f.persisted && (start..=end).contains(&self.time_of(f)))
            .collect();
        found.sort_by(|a, b| {
            let key = |f: &Fragment| (self.time_of(f), f.producer_ms);
            key(a).cmp(&key(b)).then_with(|| a.number.cmp(&b.number))
        });
        found.dedup_by(|later, earlier| {
            let same = later.producer_ms == earlier.producer_ms;
            if same {
                std::mem::swap(later, earlier);
            }
            same
        });
        found
    }

    /// Lists what the mode lets it list at `now`.
    pub fn refresh(&mut self, archive: &Archive, now: i64) {
        let candidates = self.candidates(archive);
        let new: Vec<&Fragment> = match self.mode {
            PlaybackMode::OnDemand => match self.listed.is_empty() {
                true => candidates.into_iter().take(self.max_results).collect(),
                false => Vec::new(),
            },
            PlaybackMode::LiveReplay => {
                let elapsed = now - self.created_ms;
                let listed = self.listed.len();
                let mut played = 0;
                candidates
                    .into_iter()
                    .take_while(|f| {
                        let due = played <= elapsed;
                        played += f.duration_ms.max(1);
                        due
                    })
                    .skip(listed)
                    .collect()
            }
            PlaybackMode::Live => match self.listed.last() {
                Some(newest) => {
                    let newest = newest.at_ms;
                    candidates
                        .into_iter()
                        .filter(|f| self.time_of(f) > newest)
                        .collect()
                }
                None => {
                    let from = candidates.len().saturating_sub(self.max_results);
                    candidates.into_iter().skip(from).collect()
                }
            },
        };
        for fragment in new {
            self.list(fragment);
        }
    }

    fn list(&mut self, fragment: &Fragment) {
        let header_changed = self
            .headers
            .last()
            .is_none_or(|h| h.tracks != fragment.header.tracks);
        if header_changed {
            self.headers.push(fragment.header.clone());
        }
        let at_ms = self.time_of(fragment);
        let discontinuity = match (self.discontinuity, self.listed.last()) {
            (Discontinuity::Always, _) => true,
            (Discontinuity::Never, _) => false,
            (Discontinuity::OnDiscontinuity, None) => true,
            (Discontinuity::OnDiscontinuity, Some(previous)) => {
                (previous.at_ms + previous.duration_ms - at_ms).abs() > DISCONTINUITY_MS
            }
        };
        let media_start_ms = fragment
            .frames
            .iter()
            .map(|f| f.timecode_ms)
            .min()
            .unwrap_or(fragment.producer_ms);
        self.listed.push(Segment {
            sequence: self.listed.len() as u64,
            number: fragment.number.clone(),
            at_ms,
            media_start_ms,
            duration_ms: fragment.duration_ms,
            size: fragment.size,
            init: (self.headers.len() - 1) as u32,
            discontinuity: discontinuity || header_changed && self.listed.len() > 1,
        });
    }

    /// What the playlist shows now: everything for ON_DEMAND, the newest `max_results` else.
    pub fn window(&self) -> &[Segment] {
        match self.mode {
            PlaybackMode::OnDemand => &self.listed,
            _ => &self.listed[self.listed.len().saturating_sub(self.max_results)..],
        }
    }

    /// Whether the playlist is complete (`#EXT-X-ENDLIST`, a static DASH manifest).
    pub fn ended(&self, archive: &Archive) -> bool {
        match self.mode {
            PlaybackMode::OnDemand => true,
            PlaybackMode::Live => false,
            PlaybackMode::LiveReplay => {
                self.end_ms.is_some() && self.candidates(archive).len() <= self.listed.len()
            }
        }
    }

    /// The track header a listed fragment plays with.
    pub fn header(&self, init: u32) -> Option<&Arc<TrackHeader>> {
        self.headers.get(init as usize)
    }

    /// Peak bits per second over what is listed (HLS `BANDWIDTH`, DASH `bandwidth`).
    pub fn peak_bandwidth(&self) -> u64 {
        self.listed
            .iter()
            .map(|s| s.size * 8 * 1_000 / s.duration_ms.max(1) as u64)
            .max()
            .unwrap_or(0)
            .max(1)
    }
}
