//! Tests of the simulated producer.

use super::*;
use crate::settings::Settings;
use crate::sim::keys::KeyDistribution;
use crate::sim::payload::PayloadKind;
use crate::sim::size::SizeDistribution;
use crate::streams::ops::lifecycle::CreateStreamInput;

#[test]
fn the_kpl_retries_until_its_record_ttl_then_drops() {
    // 3 MB/s of user records into one 1 MiB/s shard: the KPL sends at most 150 % of the
    // shard's limits, the service throttles the rest, and the KPL retries it until it has
    // waited 30 s since it was added (RecordTtl); only then are records lost.
    let kpl_api: ProducerApi = serde_json::from_str(r#"{"kind":"kpl"}"#).unwrap();
    let mut world = world();
    let mut spec = spec(kpl_api, RetryPolicy::None, 3_000.0);
    spec.size = SizeDistribution::Fixed { bytes: 1_000 };
    let mut producer = Producer::new(spec, 1, world.now_ms());
    for _ in 0..250 {
        world.step(100);
        producer.tick(&mut world, 100);
    }
    let early = producer.stats();
    assert!(
        early.records_throttled > 0 && early.retries > 0,
        "{early:?}"
    );
    assert_eq!(
        early.dropped, 0,
        "nothing is lost within the TTL: {early:?}"
    );
    for _ in 0..950 {
        world.step(100);
        producer.tick(&mut world, 100);
    }
    let later = producer.stats();
    assert!(later.dropped > 0, "{later:?}");
    // The shard took its 1 MiB/s all along.
    let accepted = world.stream("s").unwrap().shards[0]
        .metrics
        .lifetime_sum(crate::metrics::MetricName::IncomingBytes)
        / 120.0;
    assert!(accepted > 0.9 * 1_048_576.0, "{accepted} B/s");
}

#[test]
fn the_kpl_sends_a_shard_at_most_150_percent_of_its_limits() {
    let kpl_api: ProducerApi =
        serde_json::from_str(r#"{"kind":"kpl","rate_limit_percent":50}"#).unwrap();
    let mut world = world();
    let mut spec = spec(kpl_api, RetryPolicy::None, 3_000.0);
    spec.size = SizeDistribution::Fixed { bytes: 1_000 };
    let stats = run(Producer::new(spec, 1, world.now_ms()), &mut world, 10);
    // At 50 %, a KPL never goes past half a shard's 1 MiB/s: nothing is throttled by the
    // service, records wait in the KPL instead.
    assert_eq!(stats.records_throttled, 0, "{stats:?}");
    let bytes = world.stream("s").unwrap().shards[0]
        .metrics
        .lifetime_sum(crate::metrics::MetricName::IncomingBytes);
    assert!(bytes <= 0.5 * 1_048_576.0 * 11.0, "{bytes}");
}

fn world() -> World {
    let mut world = World::new(Settings::default(), 1);
    world.apply(CreateStreamInput::provisioned("s", 2)).unwrap();
    world.step(500);
    world
}

fn spec(api: ProducerApi, retry: RetryPolicy, per_second: f64) -> ProducerSpec {
    ProducerSpec {
        name: "p".into(),
        stream: "s".into(),
        firehose: None,
        rate: RateSchedule::Constant { per_second },
        jitter: 0.0,
        size: SizeDistribution::Fixed { bytes: 100 },
        payload: PayloadKind::Clickstream,
        keys: KeyDistribution::Pinned {
            explicit_hash_key: "0".into(),
        },
        api,
        retry,
    }
}

fn run(mut producer: Producer, world: &mut World, seconds: i64) -> ProducerStats {
    for _ in 0..seconds * 10 {
        world.step(100);
        producer.tick(world, 100);
    }
    producer.stats()
}

#[test]
fn a_simulated_record_is_small_enough_to_be_copied_inline() {
    // Over 128 bytes, every record pushed into a batch costs a call to memmove.
    assert!(std::mem::size_of::<OutgoingRecord>() <= 128);
}

#[test]
fn records_made_ahead_are_the_records_made_in_turn() {
    /// A shard's records: counter, arrival, key, data.
    type ShardLog = Vec<(u64, i64, String, Vec<u8>)>;
    // Without retries a producer's next tick of records is made ahead on the helper thread,
    // and its batches are sent from where the records lie; with retries (none needed here:
    // nothing is throttled) each tick's records are made in turn into the batch first. A rate
    // change and a pause in between make records made ahead stale. The shards must hold the
    // same records, in the same order, at the same times.
    let api: ProducerApi =
        serde_json::from_str(r#"{"kind":"put_records","batch_size":64,"linger_ms":250}"#).unwrap();
    let backoff = RetryPolicy::ExponentialBackoff {
        base_ms: 100,
        max_ms: 1_000,
        max_attempts: 5,
    };
    let written = |retry: RetryPolicy| {
        let mut world = world();
        let mut spec = spec(api.clone(), retry, 730.0);
        spec.keys = KeyDistribution::Uniform { keys: 50 };
        let mut producer = Producer::new(spec, 7, world.now_ms());
        let mut tick = |producer: &mut Producer, ticks: usize| {
            for _ in 0..ticks {
                world.step(100);
                producer.tick(&mut world, 100);
            }
        };
        tick(&mut producer, 30);
        producer.set_rate(RateSchedule::Constant { per_second: 310.0 });
        tick(&mut producer, 7);
        producer.paused = true;
        tick(&mut producer, 4);
        producer.paused = false;
        tick(&mut producer, 12);
        let stats = producer.stats();
        let stream = world.stream("s").unwrap();
        let logs: Vec<ShardLog> = stream
            .shards
            .iter()
            .map(|shard| {
                shard
                    .log
                    .iter_from(0)
                    .map(|r| {
                        (
                            r.counter,
                            r.arrival_ms,
                            r.partition_key.into(),
                            r.data.into(),
                        )
                    })
                    .collect()
            })
            .collect();
        (stats, logs)
    };
    let (streamed, streamed_logs) = written(RetryPolicy::None);
    let (made_first, made_first_logs) = written(backoff);
    assert_eq!(streamed.records_throttled, 0);
    assert_eq!(streamed, made_first);
    assert_eq!(streamed_logs, made_first_logs);
    assert!(streamed_logs.iter().all(|log| log.len() > 1_000));
    assert_eq!(streamed.records_sent, 2_190 + 217 + 372);
}

#[test]
fn a_producer_within_the_limit_gets_everything_acknowledged() {
    let mut world = world();
    let stats = run(
        Producer::new(
            spec(ProducerApi::PutRecord, RetryPolicy::None, 500.0),
            1,
            world.now_ms(),
        ),
        &mut world,
        10,
    );
    assert_eq!(stats.records_sent, 5_000);
    assert_eq!(stats.records_acknowledged, 5_000);
    assert_eq!(stats.records_throttled + stats.dropped + stats.retries, 0);
}

#[test]
fn without_retries_the_excess_over_1000_records_per_second_is_dropped() {
    let mut world = world();
    let stats = run(
        Producer::new(
            spec(ProducerApi::default(), RetryPolicy::None, 1_500.0),
            1,
            world.now_ms(),
        ),
        &mut world,
        10,
    );
    assert_eq!(stats.records_sent, 15_000);
    // 1,000 records/s for 10 s, plus the shard's one-second allowance it starts with.
    assert!(
        (10_000..=11_000).contains(&stats.records_acknowledged),
        "{stats:?}"
    );
    assert_eq!(stats.dropped, stats.records_throttled);
    assert_eq!(
        stats.records_acknowledged + stats.dropped,
        stats.records_sent
    );
}

#[test]
fn backoff_retries_recover_a_short_burst() {
    let mut world = world();
    let retry = RetryPolicy::ExponentialBackoff {
        base_ms: 100,
        max_ms: 2_000,
        max_attempts: 10,
    };
    let burst = ProducerSpec {
        rate: RateSchedule::Bursty {
            base: 200.0,
            burst: 2_000.0,
            every_ms: 10_000,
            burst_ms: 1_000,
        },
        ..spec(ProducerApi::default(), retry, 0.0)
    };
    let stats = run(Producer::new(burst, 1, world.now_ms()), &mut world, 10);
    assert!(
        stats.records_throttled > 0 && stats.retries > 0,
        "{stats:?}"
    );
    assert_eq!(stats.dropped, 0, "{stats:?}");
    assert_eq!(stats.records_acknowledged, stats.records_sent);
    let stream = world.stream("s").unwrap();
    assert_eq!(stream.shards[0].log.len(), stats.records_acknowledged);
}

#[test]
fn kpl_aggregation_carries_a_rate_that_throttles_plain_records() {
    let kpl_api: ProducerApi = serde_json::from_str(r#"{"kind":"kpl"}"#).unwrap();
    assert_eq!(
        kpl_api,
        ProducerApi::Kpl {
            aggregation_max_size: 51_200,
            record_max_buffered_time_ms: 100,
            rate_limit_percent: 150,
            record_ttl_ms: 30_000,
        }
    );
    let mut plain_world = world();
    let plain = run(
        Producer::new(
            spec(ProducerApi::default(), RetryPolicy::None, 3_000.0),
            1,
            plain_world.now_ms(),
        ),
        &mut plain_world,
        10,
    );
    assert!(plain.records_throttled > 10_000, "{plain:?}");
    let mut kpl_world = world();
    let kpl = run(
        Producer::new(
            spec(kpl_api, RetryPolicy::None, 3_000.0),
            1,
            kpl_world.now_ms(),
        ),
        &mut kpl_world,
        10,
    );
    assert_eq!(kpl.records_throttled, 0, "{kpl:?}");
    // Everything but the last tick's aggregate, on its way, is acknowledged.
    assert!(
        kpl.records_acknowledged + 300 >= kpl.records_sent,
        "{kpl:?}"
    );
    let log = &kpl_world.stream("s").unwrap().shards[0].log;
    // One aggregate per RecordMaxBufferedTime (100 ms): ten a second, 34 KB each.
    assert!(
        (95..=105).contains(&log.len()),
        "{} Kinesis records",
        log.len()
    );
    // As the KPL sends them: partition key "a", routed by the first user record's hash.
    assert!(log.iter_from(0).all(|r| r.partition_key == "a"));
    let users: usize = log
        .iter_from(0)
        .map(|r| kpl::deaggregate(r.data).expect("an aggregate").len())
        .sum();
    assert_eq!(users as u64, kpl.records_acknowledged);
}

#[test]
fn specs_parse_with_defaults_and_bad_values_are_named() {
    let spec: ProducerSpec = serde_json::from_str(
        r#"{"name":"clicks","stream":"s","rate":{"kind":"constant","per_second":10},"keys":{"kind":"uniform","keys":100}}"#,
    )
    .unwrap();
    assert_eq!(
        spec.api,
        ProducerApi::PutRecords {
            batch_size: 500,
            linger_ms: 100
        }
    );
    let bad = ProducerSpec {
        api: ProducerApi::PutRecords {
            batch_size: 501,
            linger_ms: 0,
        },
        ..spec
    };
    assert_eq!(
        bad.validate().unwrap_err(),
        "producer \"clicks\": api.batch_size = 501 must be between 1 and 500"
    );
}
