//! Enhanced fan-out (A.12): consumers, subscriptions pushing events, the 5-second takeover rule,
//! the 5-minute lifetime and the end of a closed shard.

mod common;

use common::*;
use kinescope_core::World;
use kinescope_core::streams::efo::{ConsumerStatus, SubscriptionEvent};
use kinescope_core::streams::ops::consumers::*;
use kinescope_core::streams::ops::lifecycle::DeleteStreamInput;
use kinescope_core::streams::ops::reshard::SplitShardInput;
use kinescope_core::streams::shapes::{ShardId, ShardIteratorType};

fn register(world: &mut World, name: &str) -> String {
    let arn = stream_arn(world);
    let consumer = world
        .apply(RegisterStreamConsumerInput::new(&arn, name))
        .unwrap()
        .consumer;
    assert_eq!(consumer.consumer_status, ConsumerStatus::Creating);
    world.step(500);
    consumer.consumer_arn
}

fn subscribe(
    world: &mut World,
    consumer_arn: &str,
    shard: u32,
    kind: ShardIteratorType,
) -> Result<u64, kinescope_core::KinesisError> {
    world
        .apply(SubscribeToShardInput::new(
            consumer_arn,
            ShardId(shard),
            kind,
        ))
        .map(|o| o.subscription_id)
}

fn events(world: &mut World, id: u64) -> (Vec<SubscriptionEvent>, bool) {
    let out = world
        .apply(ReadSubscriptionInput {
            subscription_id: id,
        })
        .unwrap();
    (out.events, out.finished)
}

fn records_in(events: &[SubscriptionEvent]) -> Vec<Vec<u8>> {
    events
        .iter()
        .filter_map(|e| match e {
            SubscriptionEvent::Event(ev) => Some(
                ev.records
                    .iter()
                    .map(|r| r.data().to_vec())
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn consumers_register_describe_list_and_deregister() {
    let mut world = world_with_stream(1);
    let arn = register(&mut world, "analytics");
    let created = world.now_ms() - 500;
    assert_eq!(
        arn,
        format!(
            "{}/consumer/analytics:{}",
            stream_arn(&world),
            created / 1000
        )
    );
    let by_arn = ConsumerAddress {
        consumer_arn: Some(arn.clone()),
        ..Default::default()
    };
    let d = world.apply(by_arn.clone()).unwrap().consumer_description;
    assert_eq!(
        (d.consumer_name.as_str(), d.consumer_status),
        ("analytics", ConsumerStatus::Active)
    );
    let by_name = ConsumerAddress {
        stream_arn: Some(stream_arn(&world)),
        consumer_name: Some("analytics".into()),
        consumer_arn: None,
    };
    assert_eq!(
        world
            .apply(by_name)
            .unwrap()
            .consumer_description
            .consumer_arn,
        arn
    );
    let dup = world.apply(RegisterStreamConsumerInput::new(
        &stream_arn(&world),
        "analytics",
    ));
    assert_eq!(code(dup), "ResourceInUseException");
    let listed = world
        .apply(ListStreamConsumersInput {
            stream_arn: Some(stream_arn(&world)),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(listed.consumers.len(), 1);
    world
        .apply(DeregisterStreamConsumerInput(by_arn.clone()))
        .unwrap();
    assert_eq!(
        world
            .apply(by_arn.clone())
            .unwrap()
            .consumer_description
            .consumer_status,
        ConsumerStatus::Deleting
    );
    world.step(500);
    assert_eq!(code(world.apply(by_arn)), "ResourceNotFoundException");
    assert_eq!(
        code(world.apply(ConsumerAddress::default())),
        "InvalidArgumentException"
    );
}

#[test]
fn twenty_consumers_per_stream_and_five_creating_at_once() {
    let mut world = world_with_stream(1);
    let arn = stream_arn(&world);
    for i in 0..5 {
        world
            .apply(RegisterStreamConsumerInput::new(&arn, &format!("c{i}")))
            .unwrap();
    }
    assert_eq!(
        code(world.apply(RegisterStreamConsumerInput::new(&arn, "c5"))),
        "LimitExceededException"
    );
    world.step(500);
    for i in 5..20 {
        world
            .apply(RegisterStreamConsumerInput::new(&arn, &format!("c{i}")))
            .unwrap();
        world.step(500);
    }
    assert_eq!(
        code(world.apply(RegisterStreamConsumerInput::new(&arn, "c20"))),
        "LimitExceededException"
    );
    let deleting = world.apply(DeleteStreamInput::named(STREAM));
    assert_eq!(
        code(deleting),
        "ResourceInUseException",
        "consumers exist and EnforceConsumerDeletion is unset"
    );
    let mut enforce = DeleteStreamInput::named(STREAM);
    enforce.enforce_consumer_deletion = Some(true);
    world.apply(enforce).unwrap();
}

#[test]
fn a_subscription_pushes_records_as_they_arrive_with_a_continuation_number() {
    let mut world = world_with_stream(1);
    let consumer = register(&mut world, "efo-app");
    put(&mut world, "k", "early").unwrap();
    let sub = subscribe(&mut world, &consumer, 0, ShardIteratorType::TrimHorizon).unwrap();
    let (first, finished) = events(&mut world, sub);
    assert!(!finished);
    assert_eq!(
        records_in(&first),
        [b"early".to_vec()],
        "the first event goes out at once"
    );
    let last_seq = put(&mut world, "k", "live").unwrap().sequence_number;
    world.step(100);
    let (next, _) = events(&mut world, sub);
    assert_eq!(records_in(&next), [b"live".to_vec()]);
    match &next[0] {
        SubscriptionEvent::Event(e) => {
            assert_eq!(e.continuation_sequence_number, Some(last_seq));
            assert_eq!(e.millis_behind_latest, 0);
        }
        other => panic!("{other:?}"),
    }
    // Without data, a heartbeat event still goes out every second.
    world.step(1_000);
    assert_eq!(events(&mut world, sub).0.len(), 1);
}

#[test]
fn resubscribing_within_5_seconds_is_refused_and_after_5_seconds_takes_over() {
    let mut world = world_with_stream(1);
    let consumer = register(&mut world, "efo-app");
    let old = subscribe(&mut world, &consumer, 0, ShardIteratorType::Latest).unwrap();
    world.step(4_999);
    assert_eq!(
        code(subscribe(
            &mut world,
            &consumer,
            0,
            ShardIteratorType::Latest
        )),
        "ResourceInUseException"
    );
    world.step(1);
    let new = subscribe(&mut world, &consumer, 0, ShardIteratorType::Latest).unwrap();
    assert_ne!(old, new);
    let (old_events, finished) = events(&mut world, old);
    assert!(finished);
    assert!(
        matches!(old_events.last(), Some(SubscriptionEvent::Error(e)) if e.code() == "ResourceInUseException")
    );
    // Another shard or another consumer is independent.
    let other = register(&mut world, "other-app");
    subscribe(&mut world, &other, 0, ShardIteratorType::Latest).unwrap();
}

#[test]
fn a_subscription_ends_after_five_minutes_and_resumes_from_its_continuation() {
    let mut world = world_with_stream(1);
    let consumer = register(&mut world, "efo-app");
    let sub = subscribe(&mut world, &consumer, 0, ShardIteratorType::TrimHorizon).unwrap();
    let mut continuation = None;
    for i in 0..300 {
        put(&mut world, "k", &i.to_string()).unwrap();
        world.step(1_000);
        let (evs, finished) = events(&mut world, sub);
        for e in &evs {
            if let SubscriptionEvent::Event(ev) = e {
                continuation = ev.continuation_sequence_number;
            }
        }
        if finished {
            assert!(matches!(evs.last(), Some(SubscriptionEvent::End)));
            assert!(i >= 298, "ended after {i} s");
            break;
        }
    }
    put(&mut world, "k", "after").unwrap();
    let resumed = world
        .apply(SubscribeToShardInput {
            starting_position: Some(kinescope_core::streams::shapes::StartingPosition {
                kind: Some("AFTER_SEQUENCE_NUMBER".into()),
                sequence_number: continuation.map(|c| c.to_string()),
                timestamp: None,
            }),
            ..SubscribeToShardInput::new(&consumer, ShardId(0), ShardIteratorType::Latest)
        })
        .unwrap()
        .subscription_id;
    let (evs, _) = events(&mut world, resumed);
    let data = records_in(&evs);
    assert_eq!(data.last().map(|d| d.as_slice()), Some(&b"after"[..]));
    assert!(
        data.len() <= 2,
        "nothing delivered before is delivered again except the last unacknowledged record: {data:?}"
    );
}

#[test]
fn at_a_closed_shards_end_the_event_carries_child_shards_and_no_continuation() {
    let mut world = world_with_stream(1);
    let consumer = register(&mut world, "efo-app");
    put(&mut world, "k", "x").unwrap();
    world
        .apply(SplitShardInput::new(STREAM, ShardId(0), 1u128 << 127))
        .unwrap();
    finish_change(&mut world);
    let sub = subscribe(&mut world, &consumer, 0, ShardIteratorType::TrimHorizon).unwrap();
    world.step(100);
    let (evs, finished) = events(&mut world, sub);
    assert!(finished);
    let last_event = evs.iter().rev().find_map(|e| match e {
        SubscriptionEvent::Event(ev) => Some(ev.clone()),
        _ => None,
    });
    let last_event = last_event.unwrap();
    assert!(last_event.continuation_sequence_number.is_none());
    assert_eq!(last_event.child_shards.unwrap().len(), 2);
}

#[test]
fn each_pipe_carries_at_most_2_mib_per_second() {
    let mut world = world_with_stream(4);
    let consumer = register(&mut world, "efo-app");
    // 4 MiB in shard 0, written over 4 seconds.
    for _ in 0..4 {
        world.apply(batch_at(0, 4, 262_143)).unwrap();
        world.step(1_000);
    }
    let sub = subscribe(&mut world, &consumer, 0, ShardIteratorType::TrimHorizon).unwrap();
    let size =
        |evs: &[SubscriptionEvent]| records_in(evs).iter().map(|d| d.len() + 1).sum::<usize>();
    let first = size(&events(&mut world, sub).0);
    // A full pipe holds one second: 2 MiB (plus the record that crosses the line), not all 4 MiB.
    assert!(
        (2 * 1_048_576..=2 * 1_048_576 + 262_144).contains(&first),
        "{first}"
    );
    world.step(500);
    let half_second = size(&events(&mut world, sub).0);
    assert!(half_second <= 1_048_576 + 262_144, "{half_second}");
    world.step(1_000);
    let total = first + half_second + size(&events(&mut world, sub).0);
    assert_eq!(total, 4 * 1_048_576, "everything arrives in the end");
}

#[test]
fn an_idle_subscription_sends_one_heartbeat_a_second_however_often_it_is_polled() {
    let mut world = world_with_stream(1);
    let consumer = register(&mut world, "efo-app");
    let sub = subscribe(&mut world, &consumer, 0, ShardIteratorType::Latest).unwrap();
    for _ in 0..10 {
        world.push_subscriptions();
    }
    assert_eq!(events(&mut world, sub).0.len(), 1);
    for _ in 0..10 {
        world.step(50);
        world.push_subscriptions();
    }
    assert_eq!(
        events(&mut world, sub).0.len(),
        0,
        "half a second later, no second heartbeat yet"
    );
    world.step(500);
    assert_eq!(events(&mut world, sub).0.len(), 1);
}

#[test]
fn a_deregistered_consumer_leaves_nothing_behind() {
    let mut world = world_with_stream(2);
    let consumer = register(&mut world, "short-lived");
    for shard in 0..2 {
        subscribe(&mut world, &consumer, shard, ShardIteratorType::Latest).unwrap();
    }
    world.step(1_000);
    assert_eq!(world.subscriptions_held(), (2, 2));
    world
        .apply(DeregisterStreamConsumerInput(ConsumerAddress {
            consumer_arn: Some(consumer.clone()),
            ..Default::default()
        }))
        .unwrap();
    world.step(1_000);
    assert_eq!(world.subscriptions_held(), (0, 0));
    assert!(
        world
            .readers()
            .iter()
            .all(|(_, p)| p.label.as_deref() != Some("short-lived"))
    );
}

#[test]
fn a_write_wakes_only_the_subscriptions_of_the_shards_it_wrote_to() {
    let mut world = world_with_stream(100);
    let consumers = [register(&mut world, "a"), register(&mut world, "b")];
    let mut by_shard = vec![Vec::new(); 100];
    for consumer in &consumers {
        for (shard, subs) in by_shard.iter_mut().enumerate() {
            subs.push(
                subscribe(
                    &mut world,
                    consumer,
                    shard as u32,
                    ShardIteratorType::Latest,
                )
                .unwrap(),
            );
        }
    }
    for &id in by_shard.iter().flatten() {
        events(&mut world, id);
    }
    world.push_subscriptions();
    world.take_woken_subscriptions();
    // Shard 7 of 100 owns the keys from 7 × floor(2^128 / 100).
    let shard_7 = 7 * (u128::MAX / 100 + 1);
    let visits = world.subscription_visits();
    put_at(&mut world, shard_7, b"only here").unwrap();
    world.push_subscriptions();
    assert_eq!(
        world.subscription_visits() - visits,
        2,
        "the other 198 are not looked at"
    );
    let mut woken = world.take_woken_subscriptions();
    woken.sort_unstable();
    assert_eq!(
        woken, by_shard[7],
        "only shard 7's two subscribers have news"
    );
    for &id in &by_shard[7] {
        assert_eq!(
            records_in(&events(&mut world, id).0),
            [b"only here".to_vec()]
        );
    }
    // Reading wakes nobody else, and half a second with nothing written looks at nobody; a
    // second brings every heartbeat.
    world.push_subscriptions();
    assert!(world.take_woken_subscriptions().is_empty());
    let visits = world.subscription_visits();
    world.step(500);
    assert_eq!(
        world.subscription_visits(),
        visits,
        "no news, no heartbeat due"
    );
    world.step(500);
    assert_eq!(world.take_woken_subscriptions().len(), 200);
}
