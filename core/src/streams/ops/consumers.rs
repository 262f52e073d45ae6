//! Enhanced fan-out consumers (reference A.12): Register / Describe / List / DeregisterStreamConsumer,
//! and SubscribeToShard with its 5-second takeover rule.

use crate::events::EventKind;
use crate::metrics::{MetricName, MetricSet};
use crate::streams::capacity::{EFO_BYTES_PER_SECOND, RateBucket};
use crate::streams::efo::{
    ConsumerState, ConsumerStatus, MAX_UNREAD_EVENTS, SUBSCRIBE_TAKEOVER_MS, Subscription,
    SubscriptionEvent,
};
use crate::streams::error::{KinesisError, KinesisResult};
use crate::streams::messages;
use crate::streams::ops::read::{ITERATOR_TYPES, StartRequest};
use crate::streams::shapes::{Empty, ShardId, ShardIteratorType, StartingPosition, StreamStatus};
use crate::time::Timestamp;
use crate::validate::{Pattern, Validator};
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;
use std::collections::{BTreeMap, VecDeque};

/// Consumers one stream may have registered (A.4).
pub const MAX_CONSUMERS_PER_STREAM: usize = 20;
/// Consumers that may be CREATING at once per stream.
pub const MAX_CREATING_CONSUMERS: usize = 5;
/// Consumers one ListStreamConsumers returns at most.
const LIST_CONSUMERS_MAX: usize = 100;
const LIST_CONSUMERS_TOKEN: u8 = 4;

/// A registered consumer as Register / List return it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Consumer {
    pub consumer_name: String,
    #[serde(rename = "ConsumerARN")]
    pub consumer_arn: String,
    pub consumer_status: ConsumerStatus,
    pub consumer_creation_timestamp: Timestamp,
}

/// A registered consumer as DescribeStreamConsumer returns it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConsumerDescription {
    pub consumer_name: String,
    #[serde(rename = "ConsumerARN")]
    pub consumer_arn: String,
    pub consumer_status: ConsumerStatus,
    pub consumer_creation_timestamp: Timestamp,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
}

fn describe(c: &ConsumerState) -> Consumer {
    Consumer {
        consumer_name: c.name.clone(),
        consumer_arn: c.arn.clone(),
        consumer_status: c.status,
        consumer_creation_timestamp: Timestamp(c.created_ms),
    }
}

/// RegisterStreamConsumer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RegisterStreamConsumerInput {
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub consumer_name: Option<String>,
    pub tags: Option<BTreeMap<String, String>>,
}

impl RegisterStreamConsumerInput {
    /// Registers `consumer` on the stream with `stream_arn`.
    pub fn new(stream_arn: &str, consumer: &str) -> Self {
        Self {
            stream_arn: Some(stream_arn.into()),
            consumer_name: Some(consumer.into()),
            tags: None,
        }
    }
}

/// RegisterStreamConsumer's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegisterStreamConsumerOutput {
    pub consumer: Consumer,
}

impl Operation for RegisterStreamConsumerInput {
    type Output = RegisterStreamConsumerOutput;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<RegisterStreamConsumerOutput> {
        let mut v = Validator::new();
        v.required_string(
            "streamARN",
            &self.stream_arn,
            1,
            2048,
            Some(Pattern::StreamArn),
        );
        v.required_string(
            "consumerName",
            &self.consumer_name,
            1,
            128,
            Some(Pattern::Name),
        );
        if let Some(tags) = &self.tags {
            super::tags::validate_tag_map(&mut v, "tags", tags);
        }
        v.finish()?;
        let name = world.resolve_stream_name(None, self.stream_arn.as_deref())?;
        let consumer_name = self.consumer_name.unwrap_or_default();
        let account = world.account_id().to_owned();
        let now = world.now_ms();
        let delay = world.settings().transition_delay_ms;
        let stream = world.stream_named_mut(&name)?;
        if matches!(
            stream.status,
            StreamStatus::Creating | StreamStatus::Deleting
        ) {
            return Err(messages::stream_not_active(&name, &account, stream.status));
        }
        if stream.consumers.contains_key(&consumer_name) {
            return Err(KinesisError::ResourceInUseException(format!(
                "Consumer {consumer_name} under stream {} already exists.",
                stream.arn
            )));
        }
        if stream.consumers.len() >= MAX_CONSUMERS_PER_STREAM {
            return Err(KinesisError::LimitExceededException(format!(
                "Consumer limit of {MAX_CONSUMERS_PER_STREAM} reached for stream {}.",
                stream.arn
            )));
        }
        let creating = stream
            .consumers
            .values()
            .filter(|c| c.status == ConsumerStatus::Creating)
            .count();
        if creating >= MAX_CREATING_CONSUMERS {
            return Err(KinesisError::LimitExceededException(format!(
                "Only {MAX_CREATING_CONSUMERS} consumers can be created at the same time for stream {}.",
                stream.arn
            )));
        }
        let consumer = ConsumerState {
            name: consumer_name.clone(),
            arn: format!("{}/consumer/{consumer_name}:{}", stream.arn, now / 1_000),
            created_ms: now,
            status: ConsumerStatus::Creating,
            transition_due_ms: Some(now + delay),
            tags: self.tags.unwrap_or_default(),
            policy: None,
            metrics: MetricSet::default(),
        };
        let output = describe(&consumer);
        stream.consumers.insert(consumer_name.clone(), consumer);
        world.log_event(
            EventKind::StatusChanged,
            Some(&name),
            format!("Consumer {consumer_name} is CREATING"),
        );
        Ok(RegisterStreamConsumerOutput { consumer: output })
    }
}

/// Addressing of Describe / DeregisterStreamConsumer: ConsumerARN, or StreamARN + ConsumerName.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ConsumerAddress {
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub consumer_name: Option<String>,
    #[serde(rename = "ConsumerARN")]
    pub consumer_arn: Option<String>,
}

impl ConsumerAddress {
    fn validate(&self) -> KinesisResult<()> {
        let mut v = Validator::new();
        v.string(
            "streamARN",
            &self.stream_arn,
            1,
            2048,
            Some(Pattern::StreamArn),
        );
        v.string(
            "consumerName",
            &self.consumer_name,
            1,
            128,
            Some(Pattern::Name),
        );
        v.string(
            "consumerARN",
            &self.consumer_arn,
            1,
            2048,
            Some(Pattern::ConsumerArn),
        );
        v.finish()
    }
}

impl World {
    /// Resolves a consumer address to (stream name, consumer name).
    pub(crate) fn resolve_consumer(
        &self,
        address: &ConsumerAddress,
    ) -> KinesisResult<(String, String)> {
        if let Some(arn) = &address.consumer_arn {
            let stream = self.stream_name_in_arn(arn)?.to_owned();
            let state = self.stream_named(&stream)?;
            let found = state.consumers.values().find(|c| &c.arn == arn);
            if let (Some(c), Some(name)) = (found, &address.consumer_name)
                && &c.name != name
            {
                return Err(KinesisError::InvalidArgumentException(format!(
                    "ConsumerARN {arn} and ConsumerName {name} refer to different consumers."
                )));
            }
            return found.map(|c| (stream, c.name.clone())).ok_or_else(|| {
                KinesisError::ResourceNotFoundException(format!("Consumer {arn} not found."))
            });
        }
        match (&address.stream_arn, &address.consumer_name) {
            (Some(stream_arn), Some(name)) => {
                let stream = self.resolve_stream_name(None, Some(stream_arn))?;
                let state = self.stream_named(&stream)?;
                state
                    .consumers
                    .contains_key(name)
                    .then(|| (stream, name.clone()))
                    .ok_or_else(|| messages::consumer_not_found(name, stream_arn))
            }
            _ => Err(KinesisError::InvalidArgumentException(
                "ConsumerARN or both ConsumerName and StreamARN are required for this request."
                    .into(),
            )),
        }
    }
}

/// DescribeStreamConsumer.
pub type DescribeStreamConsumerInput = ConsumerAddress;

/// DescribeStreamConsumer's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStreamConsumerOutput {
    pub consumer_description: ConsumerDescription,
}

/// DeregisterStreamConsumer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeregisterStreamConsumerInput(pub ConsumerAddress);

impl Operation for ConsumerAddress {
    type Output = DescribeStreamConsumerOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<DescribeStreamConsumerOutput> {
        self.validate()?;
        let (stream, name) = world.resolve_consumer(&self)?;
        let state = world.stream_named(&stream)?;
        let c = &state.consumers[&name];
        Ok(DescribeStreamConsumerOutput {
            consumer_description: ConsumerDescription {
                consumer_name: c.name.clone(),
                consumer_arn: c.arn.clone(),
                consumer_status: c.status,
                consumer_creation_timestamp: Timestamp(c.created_ms),
                stream_arn: state.arn.clone(),
            },
        })
    }
}

impl Operation for DeregisterStreamConsumerInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        self.0.validate()?;
        let (stream, name) = world.resolve_consumer(&self.0)?;
        let now = world.now_ms();
        let delay = world.settings().transition_delay_ms;
        let state = world.stream_named_mut(&stream)?;
        let consumer = state.consumers.get_mut(&name).expect("resolved above");
        if consumer.status != ConsumerStatus::Active {
            return Err(KinesisError::ResourceInUseException(format!(
                "Consumer {} is not in an ACTIVE state",
                consumer.arn
            )));
        }
        consumer.status = ConsumerStatus::Deleting;
        consumer.transition_due_ms = Some(now + delay);
        world.log_event(
            EventKind::StatusChanged,
            Some(&stream),
            format!("Consumer {name} is DELETING"),
        );
        Ok(Empty {})
    }
}

/// ListStreamConsumers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListStreamConsumersInput {
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub stream_creation_timestamp: Option<Timestamp>,
}

/// ListStreamConsumers' output.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStreamConsumersOutput {
    pub consumers: Vec<Consumer>,
    pub next_token: Option<String>,
}

impl Operation for ListStreamConsumersInput {
    type Output = ListStreamConsumersOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<ListStreamConsumersOutput> {
        let mut v = Validator::new();
        v.required_string(
            "streamARN",
            &self.stream_arn,
            1,
            2048,
            Some(Pattern::StreamArn),
        );
        v.string("nextToken", &self.next_token, 1, 1_048_576, None);
        v.range("maxResults", self.max_results, 1, 10_000);
        v.finish()?;
        let name = world.resolve_stream_name(None, self.stream_arn.as_deref())?;
        let after = match &self.next_token {
            Some(token) => {
                let position = world.open_list_token(LIST_CONSUMERS_TOKEN, token)?;
                let (stream, consumer) = position.split_once('/').unwrap_or_default();
                if stream != name {
                    return Err(KinesisError::InvalidArgumentException(format!(
                        "Invalid NextToken: it was issued for stream {stream}, not {name}."
                    )));
                }
                Some(consumer.to_owned())
            }
            None => None,
        };
        let stream = world.stream_named(&name)?;
        if self
            .stream_creation_timestamp
            .is_some_and(|t| t.millis() / 1_000 != stream.created_ms / 1_000)
        {
            return Err(messages::stream_not_found(&name, world.account_id()));
        }
        let limit = (self.max_results.unwrap_or(100) as usize).min(LIST_CONSUMERS_MAX);
        let mut listed = stream
            .consumers
            .values()
            .filter(|c| after.as_deref().is_none_or(|a| c.name.as_str() > a));
        let page: Vec<Consumer> = listed.by_ref().take(limit).map(describe).collect();
        let next_token = match (listed.next().is_some(), page.last()) {
            (true, Some(last)) => Some(world.seal_list_token(
                LIST_CONSUMERS_TOKEN,
                &format!("{name}/{}", last.consumer_name),
            )),
            _ => None,
        };
        Ok(ListStreamConsumersOutput {
            consumers: page,
            next_token,
        })
    }
}

/// SubscribeToShard.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SubscribeToShardInput {
    #[serde(rename = "ConsumerARN")]
    pub consumer_arn: Option<String>,
    pub shard_id: Option<String>,
    pub starting_position: Option<StartingPosition>,
}

impl SubscribeToShardInput {
    /// Subscribes `consumer_arn` to `shard` from a position of `kind`.
    pub fn new(consumer_arn: &str, shard: ShardId, kind: ShardIteratorType) -> Self {
        Self {
            consumer_arn: Some(consumer_arn.into()),
            shard_id: Some(shard.to_string()),
            starting_position: Some(StartingPosition {
                kind: Some(kind.to_string()),
                ..StartingPosition::default()
            }),
        }
    }
}

/// SubscribeToShard's result inside the engine: the subscription to read events from with
/// [`ReadSubscriptionInput`]. (On the wire the events become an event stream.)
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubscribeToShardOutput {
    /// Subscription id.
    pub subscription_id: u64,
}

impl Operation for SubscribeToShardInput {
    type Output = SubscribeToShardOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<SubscribeToShardOutput> {
        let mut v = Validator::new();
        v.required_string(
            "consumerARN",
            &self.consumer_arn,
            1,
            2048,
            Some(Pattern::ConsumerArn),
        );
        v.required_string("shardId", &self.shard_id, 1, 128, Some(Pattern::Name));
        let mut kind = None;
        if let Some(position) = v.required("startingPosition", &self.starting_position) {
            v.required("startingPosition.type", &position.kind);
            kind = v.parse_enum(
                "startingPosition.type",
                position.kind.as_deref(),
                ITERATOR_TYPES,
            );
            v.string(
                "startingPosition.sequenceNumber",
                &position.sequence_number,
                0,
                usize::MAX,
                Some(Pattern::SequenceNumber),
            );
        }
        v.finish()?;
        let consumer_arn = self.consumer_arn.unwrap_or_default();
        let address = ConsumerAddress {
            consumer_arn: Some(consumer_arn.clone()),
            ..ConsumerAddress::default()
        };
        let (stream_name, consumer_name) = world.resolve_consumer(&address)?;
        let now = world.now_ms();
        let account = world.account_id().to_owned();
        let stream = world.readable_stream_mut(&stream_name)?;
        let consumer_status = stream.consumers[&consumer_name].status;
        if consumer_status != ConsumerStatus::Active {
            return Err(KinesisError::ResourceInUseException(format!(
                "Consumer {consumer_arn} is not in an ACTIVE state"
            )));
        }
        let stream = world.stream_named(&stream_name)?;
        let shard = world.find_shard(stream, self.shard_id.as_deref().unwrap_or_default())?;
        let position = self.starting_position.unwrap_or_default();
        let start = StartRequest {
            kind: kind.expect("validated"),
            sequence_number: position.sequence_number.as_deref(),
            timestamp: position.timestamp,
        };
        let ordinal = world.starting_ordinal(stream, shard, &start)?;
        let shard_id = shard.id;
        let key = (consumer_arn.clone(), shard_id);
        if let Some(&(last_ms, previous)) = world.kinesis.subscriptions.last_subscribe.get(&key) {
            if now - last_ms < SUBSCRIBE_TAKEOVER_MS {
                if let Some(c) = world
                    .kinesis
                    .streams
                    .get_mut(&stream_name)
                    .and_then(|s| s.consumers.get_mut(&consumer_name))
                {
                    c.metrics
                        .record(MetricName::SubscribeToShardRateExceeded, now, 1.0);
                }
                return Err(KinesisError::ResourceInUseException(format!(
                    "Another active subscription exists for consumer {consumer_arn} on shard {shard_id} in stream {stream_name} under account {account}. Retry after {} seconds.",
                    SUBSCRIBE_TAKEOVER_MS / 1_000
                )));
            }
            let taken_over = world
                .kinesis
                .subscriptions
                .by_id
                .get(&previous)
                .is_some_and(|s| !s.finished);
            if taken_over {
                world.fail_subscription(
                    previous,
                    KinesisError::ResourceInUseException(format!(
                        "Another subscription for consumer {consumer_arn} on shard {shard_id} took over this one."
                    )),
                );
                world.log_event(
                    EventKind::Subscription,
                    Some(&stream_name),
                    format!("{consumer_name} on {shard_id}: a new subscription took over"),
                );
            }
        }
        let id = world.kinesis.readers.allocate();
        world
            .kinesis
            .subscriptions
            .last_subscribe
            .insert(key, (now, id));
        world.kinesis.subscriptions.insert(
            id,
            Subscription {
                stream: stream_name.clone(),
                consumer: consumer_name.clone(),
                consumer_arn,
                shard: shard_id,
                next_ordinal: ordinal,
                started_ms: now,
                last_event_ms: i64::MIN / 2,
                pipe: RateBucket::new(EFO_BYTES_PER_SECOND, now),
                events: VecDeque::new(),
                finished: false,
            },
        );
        if let Some(c) = world
            .kinesis
            .streams
            .get_mut(&stream_name)
            .and_then(|s| s.consumers.get_mut(&consumer_name))
        {
            c.metrics
                .record(MetricName::SubscribeToShardSuccess, now, 1.0);
        }
        // The first event goes out at once, as AWS sends one right after the initial response.
        world.deliver_subscription(id, now);
        Ok(SubscribeToShardOutput {
            subscription_id: id,
        })
    }
}

/// Engine command: takes the events a subscription has queued since the last read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReadSubscriptionInput {
    /// Subscription id from SubscribeToShard.
    pub subscription_id: u64,
}

/// Events taken from a subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadSubscriptionOutput {
    /// Events in order; an `Error` or `End` is always the last one ever delivered.
    pub events: Vec<SubscriptionEvent>,
    /// Whether the subscription is over (nothing more will come).
    pub finished: bool,
}

impl Operation for ReadSubscriptionInput {
    type Output = ReadSubscriptionOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<ReadSubscriptionOutput> {
        let Some(sub) = world
            .kinesis
            .subscriptions
            .by_id
            .get_mut(&self.subscription_id)
        else {
            return Err(KinesisError::ResourceNotFoundException(format!(
                "Subscription {} does not exist.",
                self.subscription_id
            )));
        };
        let held_back = sub.events.len() >= MAX_UNREAD_EVENTS;
        let events: Vec<SubscriptionEvent> = sub.events.drain(..).collect();
        let finished = sub.finished;
        if finished {
            world.kinesis.subscriptions.remove(self.subscription_id);
        } else if held_back {
            // Reading freed the pipe's flow control: it may send again.
            world
                .kinesis
                .subscriptions
                .note_pending(self.subscription_id);
        }
        Ok(ReadSubscriptionOutput { events, finished })
    }
}

/// Engine command: ends a subscription whose subscriber went away.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CancelSubscriptionInput {
    /// Subscription id from SubscribeToShard.
    pub subscription_id: u64,
}

impl Operation for CancelSubscriptionInput {
    type Output = Empty;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        world.kinesis.subscriptions.remove(self.subscription_id);
        world.kinesis.readers.remove(self.subscription_id);
        Ok(Empty {})
    }
}
