//! A log of notable things the engine did: status changes, reshards, throttling, scaling, lease
//! and subscription changes. The inspector lists them; tests read them.

use serde::Serialize;
use std::collections::VecDeque;

/// Events kept; older ones are dropped.
const EVENTS_KEPT: usize = 10_000;

/// What kind of thing happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EventKind {
    /// A stream or consumer changed status.
    StatusChanged,
    /// Shards were split, merged or rescaled.
    Resharded,
    /// Writes to a shard were throttled (at most one event per shard per second).
    WriteThrottled,
    /// Reads of a shard were throttled (at most one event per shard per second).
    ReadThrottled,
    /// An on-demand stream added shards.
    OnDemandScaled,
    /// Records passed retention and were trimmed, or a closed shard expired.
    Expired,
    /// An enhanced fan-out subscription started, ended or was taken over.
    Subscription,
    /// A Firehose delivery stream delivered a buffer.
    Delivered,
    /// A Firehose delivery failed and will be retried.
    DeliveryFailed,
}

/// One event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EngineEvent {
    /// Virtual time, epoch milliseconds.
    pub at_ms: i64,
    /// Kind of event.
    pub kind: EventKind,
    /// Stream concerned, if any.
    pub stream: Option<String>,
    /// One sentence for people.
    pub detail: String,
}

/// The bounded event log.
#[derive(Debug, Clone, Default)]
pub struct EventLog {
    events: VecDeque<EngineEvent>,
    total: u64,
}

impl EventLog {
    /// Appends an event.
    pub fn push(&mut self, event: EngineEvent) {
        if self.events.len() == EVENTS_KEPT {
            self.events.pop_front();
        }
        self.events.push_back(event);
        self.total += 1;
    }

    /// Events kept, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &EngineEvent> {
        self.events.iter()
    }

    /// Number of events ever logged (for "what's new since" checks).
    pub fn total(&self) -> u64 {
        self.total
    }
}
