//! PutMedia (reference C.3): a session per request, its Matroska body read as it arrives, one
//! fragment per Cluster, and the acknowledgements AWS streams back — BUFFERING when a fragment
//! starts, RECEIVED when it is whole, PERSISTED once stored (only with retention), ERROR (with
//! AWS's ErrorId and code, ending the session).

use super::error::{VideoError, not_found};
use super::fragment::{Fragment, fragment_number};
use super::mkv::reader::{MkvReader, ReadCluster, ReadError, ReadEvent, TrackHeader};
use super::stream::VideoStreamStatus;
use crate::world::{Operation, World};
use serde::Serialize;
use std::sync::Arc;

/// The longest fragment PutMedia takes (C.3).
pub const MAX_FRAGMENT_MS: i64 = 10_000;

/// One acknowledgement: a bare JSON object, FragmentNumber a string (C.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Ack {
    pub event_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fragment_timecode: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fragment_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<&'static str>,
}

impl Ack {
    fn event(event_type: &'static str, timecode: i64, number: &str) -> Ack {
        Ack {
            event_type,
            fragment_timecode: Some(timecode),
            fragment_number: Some(number.to_owned()),
            error_id: None,
            error_code: None,
        }
    }

    /// An ERROR acknowledgement, for the fragment under way if there is one.
    fn error(id: u32, timecode: Option<i64>, number: Option<String>) -> Ack {
        Ack {
            event_type: "ERROR",
            fragment_timecode: timecode,
            fragment_number: number,
            error_id: Some(id),
            error_code: Some(error_code(id)),
        }
    }

    /// The IDLE acknowledgement of a session with no data coming.
    pub fn idle() -> Ack {
        Ack {
            event_type: "IDLE",
            fragment_timecode: None,
            fragment_number: None,
            error_id: None,
            error_code: None,
        }
    }
}

/// The name of an ACK ErrorId.
fn error_code(id: u32) -> &'static str {
    match id {
        4000 => "STREAM_READ_ERROR",
        4001 => "MAX_FRAGMENT_SIZE_REACHED",
        4002 => "MAX_FRAGMENT_DURATION_REACHED",
        4003 => "MAX_CONNECTION_DURATION_REACHED",
        4004 => "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS",
        4006 => "INVALID_MKV_DATA",
        4007 => "INVALID_PRODUCER_TIMESTAMP",
        4008 => "STREAM_NOT_ACTIVE",
        4010 => "TRACK_NUMBER_MISMATCH",
        4011 => "FRAMES_MISSING_FOR_TRACK",
        4012 => "MORE_THAN_ALLOWED_TRACKS_FOUND",
        5001 => "ARCHIVAL_ERROR",
        _ => "INTERNAL_ERROR",
    }
}

fn read_error_id(error: &ReadError) -> u32 {
    match error {
        ReadError::Invalid(_) => 4006,
        ReadError::TooLarge => 4001,
        ReadError::UnknownTrack(_) => 4010,
        ReadError::TooManyTracks => 4012,
    }
}

/// How a body's Cluster timecodes count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimecodeType {
    /// Epoch milliseconds.
    Absolute,
    /// Milliseconds after the producer start timestamp.
    Relative,
}

/// One PutMedia request under way.
#[derive(Debug)]
pub struct PutMediaSession {
    pub stream: String,
    reader: MkvReader,
    timecode_type: TimecodeType,
    producer_start_ms: i64,
    /// The fragment under way: its number, timecode and server time.
    current: Option<(String, i64, i64)>,
    /// The latest frame time of the last fragment (producer ms).
    last_frame_ms: Option<i64>,
    pub fragments: u64,
    /// Ended by an ERROR, or replaced by a newer session of the same stream.
    pub ended: bool,
}

/// Starts a PutMedia session (the request's headers).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StartPutMedia {
    pub stream_name: Option<String>,
    pub stream_arn: Option<String>,
    /// `ABSOLUTE` or `RELATIVE`.
    pub fragment_timecode_type: Option<String>,
    /// Epoch milliseconds.
    pub producer_start_ms: Option<i64>,
}

impl Operation for StartPutMedia {
    type Output = u64;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<u64, VideoError> {
        if self.stream_name.is_some() == self.stream_arn.is_some() {
            return Err(VideoError::InvalidArgumentException(
                "Exactly one of the x-amzn-stream-name and x-amzn-stream-arn headers must be given."
                    .into(),
            ));
        }
        let timecode_type = match self.fragment_timecode_type.as_deref() {
            Some("ABSOLUTE") => TimecodeType::Absolute,
            Some("RELATIVE") | None => TimecodeType::Relative,
            Some(other) => {
                return Err(VideoError::InvalidArgumentException(format!(
                    "x-amzn-fragment-timecode-type {other} is not ABSOLUTE or RELATIVE."
                )));
            }
        };
        let now = world.now_ms();
        let stream = world.video_stream_mut(&self.stream_name, &self.stream_arn)?;
        if stream.status != VideoStreamStatus::Active {
            return Err(not_found());
        }
        let name = stream.name.clone();
        // One connection per stream: the newest wins.
        for session in world.video.sessions.values_mut() {
            if session.stream == name {
                session.ended = true;
            }
        }
        let id = world.video.next_session;
        world.video.next_session += 1;
        world.video.sessions.insert(
            id,
            PutMediaSession {
                stream: name,
                reader: MkvReader::new(),
                timecode_type,
                producer_start_ms: self.producer_start_ms.unwrap_or(now),
                current: None,
                last_frame_ms: None,
                fragments: 0,
                ended: false,
            },
        );
        Ok(id)
    }
}

/// Bytes of a PutMedia body as they arrived.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PutMediaData {
    pub session: u64,
    pub bytes: Vec<u8>,
}

impl Operation for PutMediaData {
    type Output = Vec<Ack>;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Vec<Ack>, VideoError> {
        Ok(world.read_put_media(self.session, Some(&self.bytes)))
    }
}

/// The end of a PutMedia body: the last fragment completes, the session goes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EndPutMedia {
    pub session: u64,
}

impl Operation for EndPutMedia {
    type Output = Vec<Ack>;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Vec<Ack>, VideoError> {
        let acks = world.read_put_media(self.session, None);
        world.video.sessions.remove(&self.session);
        Ok(acks)
    }
}

impl World {
    /// Reads `bytes` (or the end of the body) of session `id`; the acknowledgements they earn.
    fn read_put_media(&mut self, id: u64, bytes: Option<&[u8]>) -> Vec<Ack> {
        let Some(session) = self.video.sessions.get_mut(&id) else {
            return Vec::new();
        };
        if session.ended {
            return Vec::new();
        }
        let read = match bytes {
            Some(bytes) => session.reader.push(bytes),
            None => session.reader.finish(),
        };
        let events = match read {
            Ok(events) => events,
            Err(e) => return self.end_with_error(id, read_error_id(&e)),
        };
        let mut acks = Vec::new();
        for event in events {
            match event {
                ReadEvent::Header(_) => {}
                ReadEvent::ClusterStarted { timecode_ms } => {
                    match self.fragment_started(id, timecode_ms) {
                        Ok(ack) => acks.push(ack),
                        Err(error_id) => {
                            acks.extend(self.end_with_error(id, error_id));
                            return acks;
                        }
                    }
                }
                ReadEvent::Cluster(cluster) => match self.fragment_received(id, cluster) {
                    Ok(done) => acks.extend(done),
                    Err(error_id) => {
                        acks.extend(self.end_with_error(id, error_id));
                        return acks;
                    }
                },
            }
        }
        acks
    }

    fn end_with_error(&mut self, id: u64, error_id: u32) -> Vec<Ack> {
        let Some(session) = self.video.sessions.get_mut(&id) else {
            return Vec::new();
        };
        session.ended = true;
        let (number, timecode) = match session.current.take() {
            Some((number, timecode, _)) => (Some(number), Some(timecode)),
            None => (None, None),
        };
        vec![Ack::error(error_id, timecode, number)]
    }

    /// A Cluster began: its fragment number, BUFFERING.
    fn fragment_started(&mut self, id: u64, timecode_ms: i64) -> Result<Ack, u32> {
        let now = self.now_ms();
        self.video.fragments_taken += 1;
        let seq = self.video.fragments_taken;
        let Some(session) = self.video.sessions.get_mut(&id) else {
            return Err(5000);
        };
        let stream_active = self
            .video
            .streams
            .get(&session.stream)
            .is_some_and(|s| s.status == VideoStreamStatus::Active);
        if !stream_active {
            return Err(4008);
        }
        let number = fragment_number(now, seq);
        session.current = Some((number.clone(), timecode_ms, now));
        Ok(Ack::event("BUFFERING", timecode_ms, &number))
    }

    /// A Cluster is whole: checked, stored; RECEIVED, and PERSISTED with retention.
    fn fragment_received(&mut self, id: u64, cluster: ReadCluster) -> Result<Vec<Ack>, u32> {
        let Some(session) = self.video.sessions.get_mut(&id) else {
            return Err(5000);
        };
        // Kept until the fragment is taken, so an ERROR names it.
        let Some((number, timecode, server_ms)) = session.current.clone() else {
            return Err(4006);
        };
        let offset = match session.timecode_type {
            TimecodeType::Absolute => 0,
            TimecodeType::Relative => session.producer_start_ms,
        };
        let header: Arc<TrackHeader> = session.reader.header().cloned().ok_or(4006u32)?;
        let mut frames = cluster.frames;
        for frame in &mut frames {
            frame.timecode_ms += offset;
        }
        let first = frames.iter().map(|f| f.timecode_ms).min();
        let last = frames.iter().map(|f| f.timecode_ms).max();
        let (Some(first), Some(last)) = (first, last) else {
            return Err(4011);
        };
        if session
            .last_frame_ms
            .is_some_and(|previous| first <= previous)
        {
            return Err(4004);
        }
        if header
            .tracks
            .iter()
            .any(|t| !frames.iter().any(|f| f.track == t.number))
        {
            return Err(4011);
        }
        // The span of the frames plus one mean frame interval, rounded: 30 frames at 15 fps
        // stamped on whole milliseconds (0 … 1,933) last 2,000 ms.
        let video_frames = frames.len().max(1) as i64;
        let duration_ms = match video_frames {
            1 => 0,
            n => ((last - first) * n + (n - 1) / 2) / (n - 1),
        };
        if duration_ms > MAX_FRAGMENT_MS {
            return Err(4002);
        }
        session.last_frame_ms = Some(last);
        session.fragments += 1;
        session.current = None;
        let stream_name = session.stream.clone();
        let Some(stream) = self.video.streams.get_mut(&stream_name) else {
            return Err(4008);
        };
        let persisted = stream.retention_hours > 0;
        stream.archive.fragments.push_back(Fragment {
            number: number.clone(),
            producer_ms: offset + timecode,
            server_ms,
            duration_ms,
            size: cluster.size as u64,
            header,
            frames,
            persisted,
        });
        let mut acks = vec![Ack::event("RECEIVED", timecode, &number)];
        if persisted {
            acks.push(Ack::event("PERSISTED", timecode, &number));
        }
        Ok(acks)
    }
}
