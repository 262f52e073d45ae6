//! A simulated enhanced fan-out application: registers a consumer, subscribes to every shard
//! (parents before children), takes pushed events when it is not busy processing, and re-subscribes
//! from its last ContinuationSequenceNumber when a 5-minute subscription ends.

use super::ledger::{Check, Ledger};
use super::lineage::Lineage;
use super::polling::{ConsumerStats, ProcessingCost};
use crate::streams::efo::{ConsumerStatus, SubscriptionEvent};
use crate::streams::error::KinesisError;
use crate::streams::ops::consumers::{
    ConsumerAddress, ReadSubscriptionInput, RegisterStreamConsumerInput, SubscribeToShardInput,
};
use crate::streams::sequence::SequenceNumber;
use crate::streams::shapes::{ShardId, ShardIteratorType, StartingPosition};
use crate::world::World;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An enhanced fan-out application as a scenario declares it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FanOutSpec {
    /// Name, unique in the scenario; also the registered consumer's name.
    pub name: String,
    /// Stream read.
    pub stream: String,
    /// Processing cost per event.
    #[serde(default)]
    pub processing: ProcessingCost,
}

#[derive(Debug, Clone, Default)]
struct ShardSubscription {
    subscription: Option<u64>,
    continuation: Option<SequenceNumber>,
    retry_at_ms: i64,
    busy_until_ms: i64,
    finished: bool,
    millis_behind: i64,
}

/// How often the application lists the stream's shards.
const DISCOVERY_INTERVAL_MS: i64 = 1_000;

/// A running enhanced fan-out application.
#[derive(Debug, Clone)]
pub struct FanOutConsumer {
    spec: FanOutSpec,
    rng: ChaCha8Rng,
    consumer_arn: Option<String>,
    shards: BTreeMap<ShardId, ShardSubscription>,
    lineage: Lineage,
    stats: ConsumerStats,
    ledger: Ledger,
    /// While paused it takes no events (the pipes back up).
    pub paused: bool,
}

impl FanOutConsumer {
    /// Starts `spec` with its own seeded generator.
    pub fn new(spec: FanOutSpec, seed: u64) -> Self {
        Self {
            ledger: Ledger::new(&spec.name, &spec.stream, seed),
            spec,
            rng: ChaCha8Rng::seed_from_u64(seed),
            consumer_arn: None,
            shards: BTreeMap::new(),
            lineage: Lineage::default(),
            stats: ConsumerStats::default(),
            paused: false,
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> ConsumerStats {
        self.stats.with_ledger(&self.ledger)
    }

    /// The stream it reads.
    pub fn stream(&self) -> &str {
        &self.spec.stream
    }

    /// The settings it runs with.
    pub fn spec(&self) -> &FanOutSpec {
        &self.spec
    }

    /// New settings, kept from the next tick on; the caller keeps its identity (name, stream,
    /// start) the same.
    pub(crate) fn set_spec(&mut self, spec: FanOutSpec) {
        self.spec = spec;
    }

    /// Names `seed` (the run's) in invariant failure messages.
    pub fn with_run_seed(mut self, seed: u64) -> Self {
        self.ledger = Ledger::new(&self.spec.name, &self.spec.stream, seed);
        self
    }

    /// The invariant checks so far.
    pub fn checks(&self, world: &World) -> Vec<Check> {
        self.ledger.checks(world)
    }

    /// Registers, subscribes and processes what has been pushed.
    pub fn tick(&mut self, world: &mut World) {
        let now = world.now_ms();
        let Some(arn) = self.ensure_registered(world) else {
            return;
        };
        if let Some(shards) = self
            .lineage
            .refresh(world, &self.spec.stream, DISCOVERY_INTERVAL_MS)
        {
            for shard in shards {
                self.shards.entry(shard).or_default();
            }
        }
        let shards: Vec<ShardId> = self.shards.keys().copied().collect();
        for shard in shards {
            let parents_done = self
                .lineage
                .parents_done(shard, |p| self.shards.get(&p).is_none_or(|s| s.finished));
            let state = self.shards.get_mut(&shard).expect("listed");
            if state.finished || !parents_done {
                continue;
            }
            if state.subscription.is_none() && now >= state.retry_at_ms {
                let is_child = self.lineage.is_child(shard);
                let position = match state.continuation {
                    Some(seq) => StartingPosition {
                        kind: Some("AFTER_SEQUENCE_NUMBER".into()),
                        sequence_number: Some(seq.to_string()),
                        timestamp: None,
                    },
                    None => {
                        if is_child {
                            self.ledger.expect_from_start(shard);
                        }
                        StartingPosition {
                            kind: Some(if is_child { "TRIM_HORIZON" } else { "LATEST" }.into()),
                            ..Default::default()
                        }
                    }
                };
                let input = SubscribeToShardInput {
                    starting_position: Some(position),
                    ..SubscribeToShardInput::new(&arn, shard, ShardIteratorType::Latest)
                };
                let latest = state.continuation.is_none() && !is_child;
                match world.apply(input) {
                    Ok(out) => {
                        state.subscription = Some(out.subscription_id);
                        // From LATEST, every record after this moment is owed.
                        let end = world
                            .stream(&self.spec.stream)
                            .and_then(|s| s.shard(shard))
                            .map(|s| s.log.end_ordinal());
                        if let (true, Some(end)) = (latest, end) {
                            self.ledger.expect_from(shard, end);
                        }
                    }
                    Err(_) => state.retry_at_ms = now + 5_000,
                }
            }
            if self.paused || now < state.busy_until_ms {
                continue;
            }
            let Some(id) = state.subscription else {
                continue;
            };
            let Ok(out) = world.apply(ReadSubscriptionInput {
                subscription_id: id,
            }) else {
                state.subscription = None;
                continue;
            };
            let mut records = 0;
            for event in out.events {
                match event {
                    SubscriptionEvent::Event(e) => {
                        // No continuation and the children named: the shard's end.
                        let at_end =
                            e.continuation_sequence_number.is_none() && e.child_shards.is_some();
                        records += self.ledger.take_page(world, shard, &e.records, at_end) as usize;
                        world.give_back_page(e.records);
                        state.millis_behind = e.millis_behind_latest;
                        self.stats.max_millis_behind_latest = self
                            .stats
                            .max_millis_behind_latest
                            .max(e.millis_behind_latest);
                        if let Some(seq) = e.continuation_sequence_number {
                            state.continuation = Some(seq);
                        }
                        state.finished |= at_end;
                    }
                    SubscriptionEvent::Error(_) => state.retry_at_ms = now + 5_000,
                    SubscriptionEvent::End => {}
                }
            }
            if out.finished {
                state.subscription = None;
            }
            state.busy_until_ms = now + self.spec.processing.duration_ms(records, &mut self.rng);
        }
        self.stats.final_millis_behind_latest = self
            .shards
            .values()
            .filter(|s| !s.finished)
            .map(|s| s.millis_behind)
            .max()
            .unwrap_or(0);
    }

    fn ensure_registered(&mut self, world: &mut World) -> Option<String> {
        if self.consumer_arn.is_none() {
            let stream_arn = world.stream_arn(&self.spec.stream);
            let registered = world.apply(RegisterStreamConsumerInput::new(
                &stream_arn,
                &self.spec.name,
            ));
            match registered {
                Ok(out) => self.consumer_arn = Some(out.consumer.consumer_arn),
                // Registered already (this application restarted with new settings): use it, as
                // the KCL does.
                Err(KinesisError::ResourceInUseException(_)) => {
                    self.consumer_arn = world
                        .apply(ConsumerAddress {
                            stream_arn: Some(stream_arn),
                            consumer_name: Some(self.spec.name.clone()),
                            consumer_arn: None,
                        })
                        .ok()
                        .map(|d| d.consumer_description.consumer_arn)
                }
                Err(_) => {}
            }
        }
        let arn = self.consumer_arn.clone()?;
        let described = world
            .apply(ConsumerAddress {
                consumer_arn: Some(arn.clone()),
                ..Default::default()
            })
            .ok()?;
        (described.consumer_description.consumer_status == ConsumerStatus::Active).then_some(arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;
    use crate::sim::keys::KeyDistribution;
    use crate::sim::producer::{Producer, ProducerApi, ProducerSpec, RetryPolicy};
    use crate::sim::rate::RateSchedule;
    use crate::streams::ops::lifecycle::CreateStreamInput;
    use crate::streams::ops::reshard::SplitShardInput;

    fn run(seconds: i64, split_at: Option<i64>) -> (ConsumerStats, u64) {
        let mut world = World::new(Settings::default(), 1);
        world.apply(CreateStreamInput::provisioned("s", 2)).unwrap();
        world.step(500);
        let mut consumer = FanOutConsumer::new(
            FanOutSpec {
                name: "efo".into(),
                stream: "s".into(),
                processing: ProcessingCost::default(),
            },
            4,
        );
        // Register and subscribe before anything is written (LATEST).
        for _ in 0..10 {
            world.step(100);
            consumer.tick(&mut world);
        }
        let spec = ProducerSpec {
            name: "p".into(),
            stream: "s".into(),
            firehose: None,
            rate: RateSchedule::Constant { per_second: 300.0 },
            jitter: 0.0,
            size: crate::sim::size::SizeDistribution::Fixed { bytes: 100 },
            payload: Default::default(),
            keys: KeyDistribution::Uniform { keys: 1_000 },
            api: ProducerApi::default(),
            retry: RetryPolicy::None,
        };
        let mut producer = Producer::new(spec, 2, world.now_ms());
        for tick in 0..seconds * 10 {
            if split_at == Some(tick) {
                world
                    .apply(SplitShardInput::new("s", ShardId(0), 1u128 << 126))
                    .unwrap();
            }
            world.step(100);
            producer.tick(&mut world, 100);
            consumer.tick(&mut world);
        }
        for _ in 0..20 {
            world.step(100);
            consumer.tick(&mut world);
        }
        (consumer.stats(), producer.stats().records_acknowledged)
    }

    #[test]
    fn every_record_arrives_once_across_subscription_renewals() {
        // Ten virtual minutes: every subscription ends at 5 minutes and is renewed from its continuation.
        let (stats, acked) = run(600, None);
        assert_eq!(stats.records_processed, acked, "{stats:?}");
        assert_eq!(stats.duplicates, 0);
        assert!(stats.final_millis_behind_latest < 1_000);
    }

    #[test]
    fn after_a_split_children_are_read_after_their_parent() {
        let (stats, acked) = run(30, Some(100));
        assert_eq!(stats.records_processed, acked, "{stats:?}");
        assert_eq!(stats.duplicates, 0);
    }
}
