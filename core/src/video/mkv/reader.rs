//! An incremental Matroska reader: bytes go in as they arrive (a PutMedia body, a GetMedia
//! payload), events come out — a document's track header, the start of a Cluster (its Timecode
//! read), and each complete Cluster with its frames. A Cluster of unknown size ends where the next
//! top-level element starts, or at the end of the input. Nothing is allocated by a declared size:
//! an element is only kept once its bytes have come, and none may be larger than a fragment may
//! be, so a hostile body cannot make it hold more than that.

use super::ebml::{self, Malformed, read_header};
use super::ids::*;
use bytes::Bytes;
use std::sync::Arc;

/// The largest fragment (Cluster) PutMedia takes, and so the largest element kept (C.3).
pub const MAX_FRAGMENT_BYTES: usize = 50 * 1024 * 1024;
/// Tracks a stream may declare (C.3).
pub const MAX_TRACKS: usize = 3;

/// One track of a document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Track {
    pub number: u64,
    pub uid: u64,
    /// 1 video, 2 audio.
    pub kind: u64,
    pub codec_id: String,
    pub codec_private: Vec<u8>,
    pub width: Option<u64>,
    pub height: Option<u64>,
}

/// What a document declares before its first Cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackHeader {
    /// Nanoseconds per timecode unit (1,000,000: milliseconds).
    pub timecode_scale_ns: u64,
    pub title: Option<String>,
    pub muxing_app: Option<String>,
    pub tracks: Vec<Track>,
}

impl Default for TrackHeader {
    fn default() -> Self {
        Self {
            timecode_scale_ns: 1_000_000,
            title: None,
            muxing_app: None,
            tracks: Vec::new(),
        }
    }
}

/// One frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub track: u64,
    /// Its time in milliseconds, as the document counts (absolute or relative to its start).
    pub timecode_ms: i64,
    pub keyframe: bool,
    pub data: Bytes,
}

/// A complete Cluster: one fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadCluster {
    pub timecode_ms: i64,
    pub frames: Vec<Frame>,
    /// Bytes it took on the wire.
    pub size: usize,
}

/// What the reader found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadEvent {
    /// A document's tracks (once per document).
    Header(Arc<TrackHeader>),
    /// A Cluster began; its Timecode in milliseconds.
    ClusterStarted {
        timecode_ms: i64,
    },
    Cluster(ReadCluster),
}

/// Why the bytes cannot be read on; each maps to a PutMedia ACK error (C.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// 4006: not Matroska, or broken.
    Invalid(String),
    /// 4001: a fragment over 50 MB.
    TooLarge,
    /// 4010: a frame of a track the header does not declare.
    UnknownTrack(u64),
    /// 4012: more than three tracks.
    TooManyTracks,
}

impl From<Malformed> for ReadError {
    fn from(e: Malformed) -> Self {
        ReadError::Invalid(e.0)
    }
}

fn invalid(text: impl Into<String>) -> ReadError {
    ReadError::Invalid(text.into())
}

/// Where the reader is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// Before a document's EBML header.
    Document,
    /// After the EBML header, before the Segment.
    Segment,
    /// Among the Segment's children.
    TopLevel,
    /// Inside a Cluster: the bytes left of a known size.
    Cluster { left: Option<u64> },
}

/// A Cluster being read.
#[derive(Debug, Clone, Default)]
struct Partial {
    timecode: Option<i64>,
    frames: Vec<Frame>,
    size: usize,
}

/// The reader.
#[derive(Debug)]
pub struct MkvReader {
    buffer: Vec<u8>,
    state: State,
    info: TrackHeader,
    header: Option<Arc<TrackHeader>>,
    cluster: Partial,
    failed: bool,
}

impl Default for MkvReader {
    fn default() -> Self {
        Self {
            buffer: Vec::new(),
            state: State::Document,
            info: TrackHeader::default(),
            header: None,
            cluster: Partial::default(),
            failed: false,
        }
    }
}

/// Elements that may follow a Cluster at the Segment's level (ending one of unknown size).
const TOP_LEVEL: [u32; 10] = [
    CLUSTER,
    CUES,
    TAGS,
    EBML,
    SEGMENT,
    INFO,
    TRACKS,
    SEEK_HEAD,
    CHAPTERS,
    ATTACHMENTS,
];

impl MkvReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// The current document's tracks, once known.
    pub fn header(&self) -> Option<&Arc<TrackHeader>> {
        self.header.as_ref()
    }

    /// Reads `bytes` on from where the last call stopped.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<ReadEvent>, ReadError> {
        if self.failed {
            return Err(invalid("the input was already refused"));
        }
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.extend_from_slice(bytes);
        let mut events = Vec::new();
        let mut consumed = 0;
        let result = loop {
            match self.step(&buffer[consumed..], &mut events) {
                Ok(Some(used)) => consumed += used,
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        buffer.drain(..consumed);
        self.buffer = buffer;
        if let Err(e) = result {
            self.failed = true;
            return Err(e);
        }
        if self.buffer.len() > MAX_FRAGMENT_BYTES + 16 {
            self.failed = true;
            return Err(ReadError::TooLarge);
        }
        Ok(events)
    }

    /// Reads `pieces` one after another, as a body arriving in them, to its end.
    pub fn read_pieces(pieces: &[&[u8]]) -> Result<Vec<ReadEvent>, ReadError> {
        let mut reader = MkvReader::new();
        let mut events = Vec::new();
        for piece in pieces {
            events.extend(reader.push(piece)?);
        }
        events.extend(reader.finish()?);
        Ok(events)
    }

    /// The input ended: a Cluster of unknown size under way is complete; anything else left
    /// half-read is an error.
    pub fn finish(&mut self) -> Result<Vec<ReadEvent>, ReadError> {
        let mut events = Vec::new();
        if !self.buffer.is_empty() {
            self.failed = true;
            return Err(invalid("the input ends inside an element"));
        }
        match self.state {
            State::Cluster { left: None } | State::Cluster { left: Some(0) } => {
                self.complete_cluster(&mut events);
            }
            State::Cluster { .. } => return Err(invalid("the input ends inside a Cluster")),
            _ => {}
        }
        Ok(events)
    }

    fn complete_cluster(&mut self, events: &mut Vec<ReadEvent>) {
        let partial = std::mem::take(&mut self.cluster);
        self.state = State::TopLevel;
        if let Some(timecode) = partial.timecode {
            let scale = self
                .header
                .as_ref()
                .map_or(1_000_000, |h| h.timecode_scale_ns);
            events.push(ReadEvent::Cluster(ReadCluster {
                timecode_ms: to_ms(timecode, scale),
                frames: partial.frames,
                size: partial.size,
            }));
        }
    }

    /// Reads one element (or header) from `bytes`: how many bytes it used, or `None` if more are
    /// needed.
    fn step(
        &mut self,
        bytes: &[u8],
        events: &mut Vec<ReadEvent>,
    ) -> Result<Option<usize>, ReadError> {
        if let State::Cluster { left: Some(0) } = self.state {
            self.complete_cluster(events);
            return Ok(Some(0));
        }
        let Some((id, size, header_len)) = read_header(bytes)? else {
            return Ok(None);
        };
        match self.state.clone() {
            State::Document => {
                if id != EBML {
                    return Err(invalid(
                        "the body is not a Matroska document (no EBML header)",
                    ));
                }
                let Some(payload) = whole(bytes, size, header_len, 4096)? else {
                    return Ok(None);
                };
                let doc_type = ebml::children(payload)?
                    .into_iter()
                    .find(|(id, _)| *id == DOC_TYPE)
                    .map(|(_, p)| ebml::string(p))
                    .unwrap_or_else(|| "matroska".into());
                if doc_type != "matroska" && doc_type != "webm" {
                    return Err(invalid(format!("DocType {doc_type} is not Matroska")));
                }
                self.state = State::Segment;
                self.info = TrackHeader::default();
                Ok(Some(header_len + payload.len()))
            }
            State::Segment => {
                if id != SEGMENT {
                    return Err(invalid("a Segment must follow the EBML header"));
                }
                self.state = State::TopLevel;
                Ok(Some(header_len))
            }
            State::TopLevel => self.top_level(bytes, id, size, header_len, events),
            State::Cluster { left } => {
                self.cluster_child(bytes, id, size, header_len, left, events)
            }
        }
    }

    fn top_level(
        &mut self,
        bytes: &[u8],
        id: u32,
        size: Option<u64>,
        header_len: usize,
        events: &mut Vec<ReadEvent>,
    ) -> Result<Option<usize>, ReadError> {
        match id {
            EBML => {
                self.state = State::Document;
                return Ok(Some(0));
            }
            CLUSTER => {
                if self.header.is_none() {
                    return Err(invalid("a Cluster comes before the Tracks"));
                }
                if size.is_some_and(|s| s > MAX_FRAGMENT_BYTES as u64) {
                    return Err(ReadError::TooLarge);
                }
                self.cluster = Partial {
                    size: header_len,
                    ..Partial::default()
                };
                self.state = State::Cluster { left: size };
                return Ok(Some(header_len));
            }
            _ => {}
        }
        let Some(payload) = whole(bytes, size, header_len, MAX_FRAGMENT_BYTES)? else {
            return Ok(None);
        };
        match id {
            INFO => {
                for (child, value) in ebml::children(payload)? {
                    match child {
                        TIMECODE_SCALE => self.info.timecode_scale_ns = ebml::uint(value)?.max(1),
                        TITLE => self.info.title = Some(ebml::string(value)),
                        MUXING_APP => self.info.muxing_app = Some(ebml::string(value)),
                        _ => {}
                    }
                }
            }
            TRACKS => {
                let tracks = read_tracks(payload)?;
                if tracks.len() > MAX_TRACKS {
                    return Err(ReadError::TooManyTracks);
                }
                if tracks.is_empty() {
                    return Err(invalid("Tracks declares no track"));
                }
                self.info.tracks = tracks;
                let header = Arc::new(self.info.clone());
                self.header = Some(header.clone());
                events.push(ReadEvent::Header(header));
            }
            _ => {}
        }
        Ok(Some(header_len + payload.len()))
    }

    fn cluster_child(
        &mut self,
        bytes: &[u8],
        id: u32,
        size: Option<u64>,
        header_len: usize,
        left: Option<u64>,
        events: &mut Vec<ReadEvent>,
    ) -> Result<Option<usize>, ReadError> {
        if left.is_none() && TOP_LEVEL.contains(&id) {
            self.complete_cluster(events);
            return Ok(Some(0));
        }
        let Some(payload) = whole(bytes, size, header_len, MAX_FRAGMENT_BYTES)? else {
            return Ok(None);
        };
        let used = header_len + payload.len();
        let left = match left {
            Some(left) => Some(
                left.checked_sub(used as u64)
                    .ok_or_else(|| invalid("an element runs past its Cluster"))?,
            ),
            None => None,
        };
        self.cluster.size += used;
        if self.cluster.size > MAX_FRAGMENT_BYTES {
            return Err(ReadError::TooLarge);
        }
        match id {
            TIMECODE => {
                let timecode = ebml::uint(payload)? as i64;
                self.cluster.timecode = Some(timecode);
                let scale = self
                    .header
                    .as_ref()
                    .map_or(1_000_000, |h| h.timecode_scale_ns);
                events.push(ReadEvent::ClusterStarted {
                    timecode_ms: to_ms(timecode, scale),
                });
            }
            SIMPLE_BLOCK => self.read_block(payload, None)?,
            BLOCK_GROUP => {
                let children = ebml::children(payload)?;
                let reference = children.iter().any(|(id, _)| *id == 0xFB);
                if let Some((_, block)) = children.iter().find(|(id, _)| *id == BLOCK) {
                    self.read_block(block, Some(!reference))?;
                }
            }
            _ => {}
        }
        self.state = State::Cluster { left };
        Ok(Some(used))
    }

    /// A SimpleBlock's (or a Block's, with `keyframe` known) frame.
    fn read_block(&mut self, block: &[u8], keyframe: Option<bool>) -> Result<(), ReadError> {
        let Some(timecode) = self.cluster.timecode else {
            return Err(invalid("a block comes before its Cluster's Timecode"));
        };
        let (track, len) = ebml::read_size(block)?
            .and_then(|(track, len)| track.map(|t| (t, len)))
            .ok_or_else(|| invalid("a block without a track number"))?;
        let rest = &block[len..];
        if rest.len() < 3 {
            return Err(invalid("a block shorter than its header"));
        }
        let header = self
            .header
            .as_ref()
            .ok_or_else(|| invalid("a block before Tracks"))?;
        if !header.tracks.iter().any(|t| t.number == track) {
            return Err(ReadError::UnknownTrack(track));
        }
        let relative = i64::from(i16::from_be_bytes([rest[0], rest[1]]));
        let flags = rest[2];
        let scale = header.timecode_scale_ns;
        self.cluster.frames.push(Frame {
            track,
            timecode_ms: to_ms(timecode + relative, scale),
            keyframe: keyframe.unwrap_or(flags & 0x80 != 0),
            data: Bytes::copy_from_slice(&rest[3..]),
        });
        Ok(())
    }
}

/// A timecode in units of `scale_ns` as milliseconds.
fn to_ms(timecode: i64, scale_ns: u64) -> i64 {
    (i128::from(timecode) * i128::from(scale_ns) / 1_000_000) as i64
}

/// A complete element's payload, or `None` if its bytes have not all come; its size must be known
/// and at most `max`.
fn whole(
    bytes: &[u8],
    size: Option<u64>,
    header_len: usize,
    max: usize,
) -> Result<Option<&[u8]>, ReadError> {
    let size = size.ok_or_else(|| invalid("an element of unknown size outside a Cluster"))?;
    if size > max as u64 {
        return Err(ReadError::TooLarge);
    }
    let end = header_len + size as usize;
    Ok((bytes.len() >= end).then(|| &bytes[header_len..end]))
}

fn read_tracks(payload: &[u8]) -> Result<Vec<Track>, ReadError> {
    let mut tracks = Vec::new();
    for (id, entry) in ebml::children(payload)? {
        if id != TRACK_ENTRY {
            continue;
        }
        let mut track = Track::default();
        for (child, value) in ebml::children(entry)? {
            match child {
                TRACK_NUMBER => track.number = ebml::uint(value)?,
                TRACK_UID => track.uid = ebml::uint(value)?,
                TRACK_TYPE => track.kind = ebml::uint(value)?,
                CODEC_ID => track.codec_id = ebml::string(value),
                CODEC_PRIVATE => track.codec_private = value.to_vec(),
                VIDEO => {
                    for (id, value) in ebml::children(value)? {
                        match id {
                            PIXEL_WIDTH => track.width = Some(ebml::uint(value)?),
                            PIXEL_HEIGHT => track.height = Some(ebml::uint(value)?),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        if track.number == 0 {
            return Err(invalid("a TrackEntry without a TrackNumber"));
        }
        tracks.push(track);
    }
    Ok(tracks)
}

#[cfg(test)]
#[path = "reader_tests.rs"]
mod tests;
