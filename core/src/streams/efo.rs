//! Enhanced fan-out (reference A.12): registered consumers and their per-shard subscriptions, each
//! a dedicated 2 MiB/s pipe that pushes events for at most 5 minutes.

use super::capacity::RateBucket;
use super::ops::read::{children_at_end, read_records};
use super::readers::{ReaderKind, ReaderPosition, millis_behind_latest, records_behind};
use super::record_page::RecordPage;
use super::sequence::SequenceNumber;
use super::shapes::{ChildShard, ShardId, StreamStatus};
use crate::events::EventKind;
use crate::metrics::{MetricName, MetricSet};
use crate::streams::error::KinesisError;
use crate::world::World;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// A subscription lasts at most this long (A.12).
pub const SUBSCRIPTION_LIFETIME_MS: i64 = 300_000;
/// A new subscription for the same consumer and shard within this long of the last is refused.
pub const SUBSCRIBE_TAKEOVER_MS: i64 = 5_000;
/// Without new data, an event still goes out this often, carrying the continuation point.
const HEARTBEAT_MS: i64 = 1_000;
/// Events a subscriber may leave unread before the pipe waits (flow control).
pub(crate) const MAX_UNREAD_EVENTS: usize = 16;
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
    pub records: RecordPage,
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

/// Every subscription, plus the last successful subscribe per (consumer, shard), and what needs
/// looking at: after a command only the subscriptions it may have given something to send are
/// visited (a write wakes the subscribers of the shards it wrote to, not all of them).
#[derive(Debug, Clone, Default)]
pub struct Subscriptions {
    /// Live and finished-but-unread subscriptions by id (ids double as reader ids).
    pub by_id: BTreeMap<u64, Subscription>,
    /// (consumer ARN, shard) → (time of last successful subscribe, subscription id).
    pub last_subscribe: BTreeMap<(String, ShardId), (i64, u64)>,
    /// Subscriptions by the stream and shard they read (by stream first, so that a write finds
    /// its stream's without making a key).
    /// A write looks here for every shard it wrote to, so shards are hashed and their few
    /// subscription ids kept in a vector.
    by_shard: BTreeMap<String, FxHashMap<ShardId, Vec<u64>>>,
    /// Subscriptions to visit at the next push (a hash set: every write adds its shards'
    /// subscribers, mostly ones already in; visits go in id order all the same).
    pending: FxHashSet<u64>,
    /// A command that may affect any subscription ran: the next push visits them all.
    visit_all: bool,
    /// Subscriptions that queued events (or ended) since their subscribers were last woken.
    woken: BTreeSet<u64>,
    /// When each subscription must be looked at even if nothing is written to its shard (its
    /// next heartbeat, or the end of its lifetime), by (time, id), and each one's entry.
    timers: BTreeSet<(i64, u64)>,
    timer_of: BTreeMap<u64, i64>,
    /// Subscriptions with records their pipe or flow control held back: looked at every tick.
    backlogged: BTreeSet<u64>,
    /// Times a subscription was looked at for something to send (the cost of pushing).
    pub(crate) visits: u64,
}

impl Subscriptions {
    /// Adds a subscription.
    pub(crate) fn insert(&mut self, id: u64, subscription: Subscription) {
        self.by_shard
            .entry(subscription.stream.clone())
            .or_default()
            .entry(subscription.shard)
            .or_default()
            .push(id);
        self.by_id.insert(id, subscription);
    }

    /// Removes a subscription.
    pub(crate) fn remove(&mut self, id: u64) {
        if let Some(sub) = self.by_id.remove(&id)
            && let Some(shards) = self.by_shard.get_mut(&sub.stream)
        {
            if let Some(ids) = shards.get_mut(&sub.shard) {
                ids.retain(|&other| other != id);
                if ids.is_empty() {
                    shards.remove(&sub.shard);
                }
            }
            if shards.is_empty() {
                self.by_shard.remove(&sub.stream);
            }
        }
        self.pending.remove(&id);
        self.woken.remove(&id);
        self.backlogged.remove(&id);
        if let Some(due) = self.timer_of.remove(&id) {
            self.timers.remove(&(due, id));
        }
    }

    /// Sets when `id` must next be looked at without news, and whether it has a backlog.
    fn schedule(&mut self, id: u64, due: Option<i64>, backlogged: bool) {
        if let Some(old) = self.timer_of.remove(&id) {
            self.timers.remove(&(old, id));
        }
        if let Some(due) = due {
            self.timers.insert((due, id));
            self.timer_of.insert(id, due);
        }
        if backlogged {
            self.backlogged.insert(id);
        } else {
            self.backlogged.remove(&id);
        }
    }

    /// The subscriptions a tick at `now` looks at: those with news, a backlog, or a timer due
    /// (every one, after a change that may affect any).
    fn due(&mut self, now: i64) -> Vec<u64> {
        if std::mem::take(&mut self.visit_all) {
            self.pending.clear();
            return self.by_id.keys().copied().collect();
        }
        let mut due: Vec<u64> = self.pending.drain().collect();
        due.extend(&self.backlogged);
        due.extend(self.timers.range(..=(now, u64::MAX)).map(|&(_, id)| id));
        due.sort_unstable();
        due.dedup();
        due
    }

    /// Whether any subscription exists.
    pub(crate) fn any(&self) -> bool {
        !self.by_id.is_empty()
    }

    /// Records were written to these shards of `stream`: their subscribers may send.
    pub(crate) fn note_written(&mut self, stream: &str, shards: &[ShardId]) {
        let Some(subscribed) = self.by_shard.get(stream) else {
            return;
        };
        for shard in shards {
            if let Some(ids) = subscribed.get(shard) {
                self.pending.extend(ids);
            }
        }
    }

    /// `id` may be able to send (its subscriber read, freeing the pipe's flow control).
    pub(crate) fn note_pending(&mut self, id: u64) {
        self.pending.insert(id);
    }

    /// The next push visits every subscription.
    pub(crate) fn note_anything_changed(&mut self) {
        self.visit_all = true;
    }

    /// Subscriptions that queued events or ended since the last call: whose subscribers to wake.
    pub fn take_woken(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.woken).into_iter().collect()
    }
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
        if let Some(sub) = self.kinesis.subscriptions.by_id.get_mut(&id) {
            sub.finish(SubscriptionEvent::Error(error));
            self.kinesis.subscriptions.woken.insert(id);
        }
        self.kinesis.readers.remove(id);
    }

    /// Completes consumer CREATING → ACTIVE and DELETING → gone that have come due.
    pub(crate) fn complete_consumer_transitions(&mut self, now: i64) {
        let mut finished = Vec::new();
        let mut deregistered = Vec::new();
        for stream in self.kinesis.streams.values_mut() {
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
            self.kinesis
                .subscriptions
                .last_subscribe
                .retain(|(consumer, _), _| *consumer != arn);
            let gone: Vec<u64> = self
                .kinesis
                .subscriptions
                .by_id
                .iter()
                .filter(|(_, s)| s.consumer_arn == arn)
                .map(|(id, _)| *id)
                .collect();
            for id in gone {
                self.kinesis.subscriptions.remove(id);
                self.kinesis.readers.remove(id);
            }
        }
    }

    /// Pushes events to every live subscription: records as they arrive (up to the pipe's
    /// 2 MiB/s), a heartbeat each second without data, child shards at a closed shard's end, and
    /// the normal end after 5 minutes.
    pub(crate) fn deliver_subscriptions(&mut self, now: i64) {
        for id in self.kinesis.subscriptions.due(now) {
            self.deliver_subscription(id, now);
        }
    }

    /// Pushes events to the subscriptions the commands since the last push may have given
    /// something to send (every one, after a command that may affect any).
    pub(crate) fn deliver_pending_subscriptions(&mut self, now: i64) {
        if self.kinesis.subscriptions.visit_all {
            self.deliver_subscriptions(now);
            return;
        }
        let mut due: Vec<u64> = self.kinesis.subscriptions.pending.drain().collect();
        due.sort_unstable();
        for id in due {
            self.deliver_subscription(id, now);
        }
    }

    /// Pushes what one subscription can send now (nothing, cheaply, when it has nothing to send),
    /// then notes when it must be looked at again without news.
    pub(crate) fn deliver_subscription(&mut self, id: u64, now: i64) {
        self.kinesis.subscriptions.visits += 1;
        self.visit_subscription(id, now);
        let Some(sub) = self.kinesis.subscriptions.by_id.get(&id) else {
            return;
        };
        if sub.finished {
            self.kinesis.subscriptions.schedule(id, None, false);
            return;
        }
        let due = (sub.last_event_ms + HEARTBEAT_MS).min(sub.started_ms + SUBSCRIPTION_LIFETIME_MS);
        let backlogged = self
            .kinesis
            .streams
            .get(&sub.stream)
            .and_then(|s| s.shard(sub.shard))
            .is_some_and(|shard| {
                shard.log.end_ordinal() > sub.next_ordinal.max(shard.log.trim_ordinal())
            });
        self.kinesis
            .subscriptions
            .schedule(id, Some(due), backlogged);
    }

    fn visit_subscription(&mut self, id: u64, now: i64) {
        let Some(sub) = self.kinesis.subscriptions.by_id.get(&id) else {
            return;
        };
        if sub.finished {
            return;
        }
        let stream = self
            .kinesis
            .streams
            .get(&sub.stream)
            .filter(|s| s.status != StreamStatus::Deleting);
        let consumer_ok = stream
            .and_then(|s| s.consumers.get(&sub.consumer))
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
        if sub.events.len() >= MAX_UNREAD_EVENTS {
            return;
        }
        let stream = stream.expect("checked above");
        let Some(shard) = stream.shard(sub.shard) else {
            let error = super::messages::shard_not_found(
                &sub.shard.to_string(),
                &sub.stream,
                self.account_id(),
            );
            self.fail_subscription(id, error);
            return;
        };
        let has_data = shard.log.end_ordinal() > sub.next_ordinal.max(shard.log.trim_ordinal());
        let at_end = !shard.is_open() && sub.next_ordinal >= shard.log.end_ordinal();
        let heartbeat_due = now - sub.last_event_ms >= HEARTBEAT_MS;
        let sub = self
            .kinesis
            .subscriptions
            .by_id
            .get_mut(&id)
            .expect("present above");
        let can_send_data = has_data && sub.pipe.is_positive(now);
        if !can_send_data && !at_end && !heartbeat_due {
            return;
        }
        self.send_event(id, now, can_send_data);
    }

    /// Queues one event on subscription `id`: records (if `with_data`), or a heartbeat, or the
    /// shard's end.
    fn send_event(&mut self, id: u64, now: i64, with_data: bool) {
        let sub = self
            .kinesis
            .subscriptions
            .by_id
            .get_mut(&id)
            .expect("checked by the caller");
        let (stream_name, consumer, shard_id) =
            (sub.stream.clone(), sub.consumer.clone(), sub.shard);
        let stream = self
            .kinesis
            .streams
            .get_mut(&stream_name)
            .expect("checked by the caller");
        let shard = stream.shard(shard_id).expect("checked by the caller");
        let (records, next, bytes) = if with_data {
            let allowance = sub.pipe.available(now).max(1);
            let shard = stream.shard_mut(shard_id).expect("found above");
            read_records(
                shard,
                sub.next_ordinal,
                MAX_RECORDS_PER_EVENT,
                allowance,
                &mut self.kinesis.spare_pages,
            )
        } else {
            (
                RecordPage::default(),
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
        self.kinesis.subscriptions.woken.insert(id);
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
        self.kinesis.readers.update(
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
        if let Some(sub) = self.kinesis.subscriptions.by_id.get_mut(&id) {
            sub.finish(SubscriptionEvent::End);
            self.kinesis.subscriptions.woken.insert(id);
        }
        self.kinesis.readers.remove(id);
    }
}
