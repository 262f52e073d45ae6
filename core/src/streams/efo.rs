//! Enhanced fan-out (reference A.12): registered consumers and their per-shard subscriptions, each
//! a dedicated 2 MiB/s pipe that pushes events for at most 5 minutes.

use super::capacity::RateBucket;
use super::ops::read::{children_at_end, read_records};
use super::readers::{ReaderKind, ReaderPosition, millis_behind_latest, records_behind};
use super::sequence::SequenceNumber;
use super::shapes::{ChildShard, Record, ShardId, StreamStatus};
use crate::error::KinesisError;
use crate::events::EventKind;
use crate::metrics::{MetricName, MetricSet};
use crate::world::World;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;
use std::collections::{BTreeMap, VecDeque};

/// A subscription lasts at most this long (A.12).
pub const SUBSCRIPTION_LIFETIME_MS: i64 = 300_000;
/// A new subscription for the same consumer and shard within this long of the last is refused.
pub const SUBSCRIBE_TAKEOVER_MS: i64 = 5_000;
/// Without new data, an event still goes out this often, carrying the continuation point.
const HEARTBEAT_MS: i64 = 1_000;
/// Events a subscriber may leave unread before the pipe waits (flow control).
const MAX_UNREAD_EVENTS: usize = 16;
/// Records one event carries at most.
const MAX_RECORDS_PER_EVENT: usize = 10_000;

/// Consumer status (A.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsumerStatus {
    Creating,
    Deleting,
    Active,
}

/// A registered consumer.
#[derive(Debug, Clone)]
pub struct ConsumerState {
    /// Consumer name.
    pub name: String,
    /// `{stream ARN}/consumer/{name}:{creation epoch seconds}`.
    pub arn: String,
    /// Virtual creation time.
    pub created_ms: i64,
    /// Status.
    pub status: ConsumerStatus,
    /// When CREATING or DELETING completes.
    pub transition_due_ms: Option<i64>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Resource policy.
    pub policy: Option<String>,
    /// SubscribeToShard and SubscribeToShardEvent metrics.
    pub metrics: MetricSet,
}

/// SubscribeToShardEvent.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscribeToShardEvent {
    pub records: Vec<Record>,
    pub continuation_sequence_number: Option<SequenceNumber>,
    pub millis_behind_latest: i64,
    pub child_shards: Option<Vec<ChildShard>>,
}

/// What a subscriber receives.
#[derive(Debug, Clone, PartialEq)]
pub enum SubscriptionEvent {
    /// A SubscribeToShardEvent.
    Event(SubscribeToShardEvent),
    /// An exception frame; the subscription is over.
    Error(KinesisError),
    /// The subscription reached its 5 minutes (or the shard's end) and closed normally.
    End,
}

/// A live subscription.
#[derive(Debug, Clone)]
pub struct Subscription {
    /// Stream name.
    pub stream: String,
    /// Consumer name.
    pub consumer: String,
    /// Consumer ARN.
    pub consumer_arn: String,
    /// Shard subscribed to.
    pub shard: ShardId,
    /// Next ordinal to deliver.
    pub next_ordinal: u64,
    /// When it started.
    pub started_ms: i64,
    /// When the last event went out.
    pub last_event_ms: i64,
    /// The dedicated 2 MiB/s pipe.
    pub pipe: RateBucket,
    /// Events not yet taken by the subscriber.
    pub events: VecDeque<SubscriptionEvent>,
    /// Whether it has ended (its last event is queued).
    pub finished: bool,
}

/// Every subscription, plus the last successful subscribe per (consumer, shard).
#[derive(Debug, Clone, Default)]
pub struct Subscriptions {
    /// Live and finished-but-unread subscriptions by id (ids double as reader ids).
    pub by_id: BTreeMap<u64, Subscription>,
    /// (consumer ARN, shard) → (time of last successful subscribe, subscription id).
    pub last_subscribe: BTreeMap<(String, ShardId), (i64, u64)>,
}

impl Subscription {
    fn finish(&mut self, last: SubscriptionEvent) {
        if !self.finished {
            self.events.push_back(last);
            self.finished = true;
        }
    }
}

impl World {
    /// Ends a subscription with an exception frame.
    pub(crate) fn fail_subscription(&mut self, id: u64, error: KinesisError) {
        if let Some(sub) = self.subscriptions.by_id.get_mut(&id) {
            sub.finish(SubscriptionEvent::Error(error));
        }
        self.readers.remove(id);
    }

    /// Completes consumer CREATING → ACTIVE and DELETING → gone that have come due.
    pub(crate) fn complete_consumer_transitions(&mut self, now: i64) {
        let mut finished = Vec::new();
        let mut deregistered = Vec::new();
        for stream in self.streams.values_mut() {
            stream.consumers.retain(|_, c| {
                if c.transition_due_ms.is_none_or(|due| due > now) {
                    return true;
                }
                c.transition_due_ms = None;
                match c.status {
                    ConsumerStatus::Creating => {
                        c.status = ConsumerStatus::Active;
                        finished.push((
                            stream.name.clone(),
                            format!("Consumer {} is ACTIVE", c.name),
                        ));
                        true
                    }
                    ConsumerStatus::Deleting => {
                        finished.push((
                            stream.name.clone(),
                            format!("Consumer {} was deregistered", c.name),
                        ));
                        deregistered.push(c.arn.clone());
                        false
                    }
                    ConsumerStatus::Active => true,
                }
            });
        }
        for (stream, detail) in finished {
            self.log_event(EventKind::StatusChanged, Some(&stream), detail);
        }
        // A deregistered consumer leaves nothing behind: its takeover times and the
        // subscriptions nobody will read any more.
        for arn in deregistered {
            self.subscriptions
                .last_subscribe
                .retain(|(consumer, _), _| *consumer != arn);
            let gone: Vec<u64> = self
                .subscriptions
                .by_id
                .iter()
                .filter(|(_, s)| s.consumer_arn == arn)
                .map(|(id, _)| *id)
                .collect();
            for id in gone {
                self.subscriptions.by_id.remove(&id);
                self.readers.remove(id);
            }
        }
    }

    /// Pushes events to every live subscription: records as they arrive (up to the pipe's
    /// 2 MiB/s), a heartbeat each second without data, child shards at a closed shard's end, and
    /// the normal end after 5 minutes.
    pub(crate) fn deliver_subscriptions(&mut self, now: i64) {
        let ids: Vec<u64> = self
            .subscriptions
            .by_id
            .iter()
            .filter(|(_, s)| !s.finished)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.deliver_one(id, now);
        }
    }

    fn deliver_one(&mut self, id: u64, now: i64) {
        let account = self.account_id().to_owned();
        let Some(sub) = self.subscriptions.by_id.get(&id) else {
            return;
        };
        let (stream_name, consumer, shard_id) =
            (sub.stream.clone(), sub.consumer.clone(), sub.shard);
        let consumer_ok = self
            .streams
            .get(&stream_name)
            .filter(|s| s.status != StreamStatus::Deleting)
            .and_then(|s| s.consumers.get(&consumer))
            .is_some_and(|c| c.status == ConsumerStatus::Active);
        if !consumer_ok {
            let arn = sub.consumer_arn.clone();
            self.fail_subscription(
                id,
                KinesisError::ResourceNotFoundException(format!("Consumer {arn} not found.")),
            );
            return;
        }
        if now - sub.started_ms >= SUBSCRIPTION_LIFETIME_MS {
            self.end_subscription(id);
            return;
        }
        let sub = self
            .subscriptions
            .by_id
            .get_mut(&id)
            .expect("present above");
        if sub.events.len() >= MAX_UNREAD_EVENTS {
            return;
        }
        let stream = self.streams.get_mut(&stream_name).expect("checked above");
        let Some(shard) = stream.shard(shard_id) else {
            let error =
                super::messages::shard_not_found(&shard_id.to_string(), &stream_name, &account);
            self.fail_subscription(id, error);
            return;
        };
        let has_data = shard.log.end_ordinal() > sub.next_ordinal.max(shard.log.trim_ordinal());
        let at_end = children_at_end(stream, shard, sub.next_ordinal).is_some();
        let heartbeat_due = now - sub.last_event_ms >= HEARTBEAT_MS;
        let can_send_data = has_data && sub.pipe.is_positive(now);
        if !can_send_data && !at_end && !heartbeat_due {
            return;
        }
        let (records, next, bytes) = if can_send_data {
            let allowance = sub.pipe.available(now).max(1);
            let shard = stream.shard_mut(shard_id).expect("found above");
            read_records(shard, sub.next_ordinal, MAX_RECORDS_PER_EVENT, allowance)
        } else {
            (
                Vec::new(),
                sub.next_ordinal.max(shard.log.trim_ordinal()),
                0,
            )
        };
        let shard = stream.shard(shard_id).expect("found above");
        sub.pipe.spend(bytes, now);
        sub.next_ordinal = next;
        sub.last_event_ms = now;
        let child_shards = children_at_end(stream, shard, next);
        let continuation = match child_shards {
            Some(_) => None,
            None => Some(match next.checked_sub(1).and_then(|o| shard.log.get(o)) {
                Some(last) => shard.sequence_number(last.counter, last.arrival_ms),
                None => shard.starting_sequence_number(),
            }),
        };
        let millis_behind = millis_behind_latest(shard, next, now);
        let behind = records_behind(shard, next);
        let count = records.len() as f64;
        let ends = child_shards.is_some();
        sub.events
            .push_back(SubscriptionEvent::Event(SubscribeToShardEvent {
                records,
                continuation_sequence_number: continuation,
                millis_behind_latest: millis_behind,
                child_shards,
            }));
        if let Some(c) = stream.consumers.get_mut(&consumer) {
            c.metrics
                .record(MetricName::SubscribeToShardEventBytes, now, bytes as f64);
            c.metrics
                .record(MetricName::SubscribeToShardEventRecords, now, count);
            c.metrics.record(
                MetricName::SubscribeToShardEventMillisBehindLatest,
                now,
                millis_behind as f64,
            );
            c.metrics
                .record(MetricName::SubscribeToShardEventSuccess, now, 1.0);
        }
        if let Some(shard) = stream.shard_mut(shard_id) {
            shard
                .metrics
                .record(MetricName::OutgoingBytes, now, bytes as f64);
            shard
                .metrics
                .record(MetricName::OutgoingRecords, now, count);
        }
        self.readers.update(
            id,
            ReaderPosition {
                stream: stream_name,
                shard: shard_id,
                kind: ReaderKind::EnhancedFanOut {
                    consumer: consumer.clone(),
                },
                label: Some(consumer),
                next_ordinal: next,
                millis_behind_latest: millis_behind,
                records_behind: behind,
                last_read_ms: now,
            },
        );
        if ends {
            self.end_subscription(id);
        }
    }

    fn end_subscription(&mut self, id: u64) {
        if let Some(sub) = self.subscriptions.by_id.get_mut(&id) {
            sub.finish(SubscriptionEvent::End);
        }
        self.readers.remove(id);
    }
}
