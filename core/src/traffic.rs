//! The API traffic log: one entry per call a real client made, for the inspector's traffic panel
//! and `kinescope serve --log-requests`.

use crate::error::KinesisResult;
use crate::streams::shapes::Empty;
use crate::world::{Operation, World};
use serde::Serialize;
use std::collections::VecDeque;

/// Entries kept; older ones are dropped.
const ENTRIES_KEPT: usize = 5_000;

/// One API call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrafficEntry {
    /// Virtual time the call was answered, epoch ms.
    pub at_ms: i64,
    /// The client's address.
    pub client: String,
    /// HTTP version the call came over (`HTTP/1.1`, `HTTP/2.0`).
    pub http_version: String,
    /// Operation name (or what the client sent, if it was not one).
    pub operation: String,
    /// Stream concerned, if the request named one.
    pub stream: Option<String>,
    /// HTTP status answered.
    pub status: u16,
    /// AWS error code, if the call failed.
    pub error: Option<String>,
    /// Wall-clock time spent answering, microseconds.
    pub latency_us: u64,
    /// Request body bytes.
    pub request_bytes: usize,
    /// Response body bytes.
    pub response_bytes: usize,
}

/// The bounded traffic log.
#[derive(Debug, Clone, Default)]
pub struct TrafficLog {
    entries: VecDeque<TrafficEntry>,
    total: u64,
}

impl TrafficLog {
    /// Entries kept, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &TrafficEntry> {
        self.entries.iter()
    }

    /// Number of calls ever logged.
    pub fn total(&self) -> u64 {
        self.total
    }
}

/// Engine command: logs one API call (the virtual time is filled in by the engine).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordTrafficInput(pub TrafficEntry);

impl Operation for RecordTrafficInput {
    type Output = Empty;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        let mut entry = self.0;
        entry.at_ms = world.now_ms();
        let log = &mut world.traffic;
        if log.entries.len() == ENTRIES_KEPT {
            log.entries.pop_front();
        }
        log.entries.push_back(entry);
        log.total += 1;
        Ok(Empty {})
    }
}
