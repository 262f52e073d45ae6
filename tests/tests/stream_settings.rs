//! Tags, enhanced monitoring, encryption, record size, resource policies, account settings and warm
//! throughput (A.4, A.5, A.11, A.13).

mod common;

use common::*;
use kinescope_core::streams::account::{
    CommitmentStatus, DescribeAccountSettingsInput, UpdateAccountSettingsInput,
};
use kinescope_core::streams::ops::config::*;
use kinescope_core::streams::ops::consumers::RegisterStreamConsumerInput;
use kinescope_core::streams::ops::lifecycle::{CreateStreamInput, DescribeStreamSummaryInput};
use kinescope_core::streams::ops::policy::*;
use kinescope_core::streams::ops::tags::*;
use kinescope_core::streams::shapes::{MetricsName, StreamStatus};
use std::collections::BTreeMap;

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn stream_tags_add_list_page_and_remove() {
    let mut world = world_with_stream(1);
    world
        .apply(AddTagsToStreamInput {
            stream_name: Some(STREAM.into()),
            tags: Some(tags(&[("team", "data"), ("env", "dev"), ("app", "shop")])),
            ..Default::default()
        })
        .unwrap();
    let page = world
        .apply(ListTagsForStreamInput {
            stream_name: Some(STREAM.into()),
            limit: Some(2),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        page.tags.iter().map(|t| t.key.as_str()).collect::<Vec<_>>(),
        ["app", "env"]
    );
    assert!(page.has_more_tags);
    let rest = world
        .apply(ListTagsForStreamInput {
            stream_name: Some(STREAM.into()),
            exclusive_start_tag_key: Some("env".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(rest.tags.len(), 1);
    world
        .apply(RemoveTagsFromStreamInput {
            stream_name: Some(STREAM.into()),
            tag_keys: Some(vec!["env".into()]),
            ..Default::default()
        })
        .unwrap();
    let all = world
        .apply(ListTagsForResourceInput {
            resource_arn: Some(stream_arn(&world)),
        })
        .unwrap();
    assert_eq!(all.tags.len(), 2);
}

#[test]
fn a_resource_carries_at_most_50_tags_and_only_allowed_characters() {
    let mut world = world_with_stream(1);
    let many: BTreeMap<String, String> = (0..51).map(|i| (format!("k{i}"), "v".into())).collect();
    let text = message(world.apply(TagResourceInput {
        resource_arn: Some(stream_arn(&world)),
        tags: Some(many),
    }));
    assert!(text.contains("cannot have more than 50 tags"), "{text}");
    let bad = world.apply(TagResourceInput {
        resource_arn: Some(stream_arn(&world)),
        tags: Some(tags(&[("a*b", "v")])),
    });
    assert_eq!(code(bad), "InvalidArgumentException");
}

#[test]
fn consumers_take_tags_and_policies_through_their_arn() {
    let mut world = world_with_stream(1);
    let consumer = world
        .apply(RegisterStreamConsumerInput::new(&stream_arn(&world), "app"))
        .unwrap()
        .consumer
        .consumer_arn;
    world
        .apply(TagResourceInput {
            resource_arn: Some(consumer.clone()),
            tags: Some(tags(&[("owner", "me")])),
        })
        .unwrap();
    assert_eq!(
        world
            .apply(ListTagsForResourceInput {
                resource_arn: Some(consumer.clone())
            })
            .unwrap()
            .tags
            .len(),
        1
    );
    world
        .apply(UntagResourceInput {
            resource_arn: Some(consumer.clone()),
            tag_keys: Some(vec!["owner".into()]),
        })
        .unwrap();
    assert!(
        world
            .apply(ListTagsForResourceInput {
                resource_arn: Some(consumer.clone())
            })
            .unwrap()
            .tags
            .is_empty()
    );
    let policy = r#"{"Version":"2012-10-17","Statement":[]}"#;
    world
        .apply(PutResourcePolicyInput {
            resource_arn: Some(consumer.clone()),
            policy: Some(policy.into()),
        })
        .unwrap();
    assert_eq!(
        world
            .apply(GetResourcePolicyInput {
                resource_arn: Some(consumer)
            })
            .unwrap()
            .policy,
        policy
    );
}

#[test]
fn stream_policies_are_stored_returned_and_deleted() {
    let mut world = world_with_stream(1);
    let arn = stream_arn(&world);
    assert_eq!(
        world
            .apply(GetResourcePolicyInput {
                resource_arn: Some(arn.clone())
            })
            .unwrap()
            .policy,
        "{}"
    );
    assert_eq!(
        code(world.apply(PutResourcePolicyInput {
            resource_arn: Some(arn.clone()),
            policy: Some("not json".into())
        })),
        "InvalidArgumentException"
    );
    world
        .apply(PutResourcePolicyInput {
            resource_arn: Some(arn.clone()),
            policy: Some("{\"Statement\":[]}".into()),
        })
        .unwrap();
    world
        .apply(DeleteResourcePolicyInput {
            resource_arn: Some(arn.clone()),
        })
        .unwrap();
    assert_eq!(
        code(world.apply(DeleteResourcePolicyInput {
            resource_arn: Some(arn)
        })),
        "ResourceNotFoundException"
    );
}

#[test]
fn enhanced_monitoring_reports_current_and_desired_metrics() {
    let mut world = world_with_stream(1);
    let enable = |metrics: &[&str]| EnableEnhancedMonitoringInput {
        stream_name: Some(STREAM.into()),
        shard_level_metrics: Some(metrics.iter().map(|m| m.to_string()).collect()),
        ..Default::default()
    };
    let out = world.apply(enable(&["IncomingBytes"])).unwrap();
    assert!(out.current_shard_level_metrics.is_empty());
    assert_eq!(
        out.desired_shard_level_metrics,
        [MetricsName::IncomingBytes]
    );
    let all = world.apply(enable(&["ALL"])).unwrap();
    assert_eq!(all.desired_shard_level_metrics.len(), 7);
    let off = world
        .apply(DisableEnhancedMonitoringInput {
            stream_name: Some(STREAM.into()),
            shard_level_metrics: Some(vec!["ALL".into()]),
            ..Default::default()
        })
        .unwrap();
    assert!(off.desired_shard_level_metrics.is_empty());
    let text = message(world.apply(enable(&["Nonsense"])));
    assert!(
        text.contains("Member must satisfy enum value set: [IncomingBytes,"),
        "{text}"
    );
}

#[test]
fn encryption_goes_through_updating_and_kms_is_the_only_type() {
    let mut world = world_with_stream(1);
    let start = |kind: &str| StartStreamEncryptionInput {
        stream_name: Some(STREAM.into()),
        encryption_type: Some(kind.into()),
        key_id: Some("alias/aws/kinesis".into()),
        ..Default::default()
    };
    assert_eq!(
        message(world.apply(start("NONE"))),
        "KMS is the only valid EncryptionType for this request"
    );
    world.apply(start("KMS")).unwrap();
    let status = |w: &mut kinescope_core::World| {
        w.apply(DescribeStreamSummaryInput::named(STREAM))
            .unwrap()
            .stream_description_summary
    };
    assert_eq!(status(&mut world).stream_status, StreamStatus::Updating);
    world.step(500);
    let summary = status(&mut world);
    assert_eq!(summary.key_id.as_deref(), Some("alias/aws/kinesis"));
    world
        .apply(StopStreamEncryptionInput {
            stream_name: Some(STREAM.into()),
            encryption_type: Some("KMS".into()),
            key_id: Some("alias/aws/kinesis".into()),
            ..Default::default()
        })
        .unwrap();
    world.step(500);
    assert!(status(&mut world).key_id.is_none());
}

#[test]
fn max_record_size_is_1024_to_10240_kib() {
    let mut world = world_with_stream(1);
    let update = |kib| UpdateMaxRecordSizeInput {
        stream_arn: Some(stream_arn(&world)),
        max_record_size_in_ki_b: Some(kib),
    };
    let (ok, too_big) = (update(2_048), update(10_241));
    world.apply(ok).unwrap();
    assert_eq!(world.stream(STREAM).unwrap().max_record_size_kib, 2_048);
    assert_eq!(code(world.apply(too_big)), "ValidationException");
}

#[test]
fn the_billing_commitment_lasts_at_least_24_hours_and_unlocks_warm_throughput() {
    let mut world = world();
    world.apply(CreateStreamInput::on_demand(STREAM)).unwrap();
    world.step(500);
    let warm = |mibps| UpdateStreamWarmThroughputInput {
        stream_name: Some(STREAM.into()),
        warm_throughput_mi_bps: Some(mibps),
        ..Default::default()
    };
    assert_eq!(
        code(world.apply(warm(10))),
        "InvalidArgumentException",
        "no commitment yet"
    );
    let status = |w: &mut kinescope_core::World| {
        w.apply(DescribeAccountSettingsInput::default())
            .unwrap()
            .minimum_throughput_billing_commitment
            .status
    };
    assert_eq!(status(&mut world), CommitmentStatus::Disabled);
    world
        .apply(UpdateAccountSettingsInput::commitment(true))
        .unwrap();
    let out = world.apply(warm(10)).unwrap();
    assert_eq!(out.warm_throughput.target_mi_bps, Some(10));
    world.step(500);
    assert!(world.stream(STREAM).unwrap().open_shard_count() >= 4);
    world
        .apply(UpdateAccountSettingsInput::commitment(false))
        .unwrap();
    assert_eq!(
        status(&mut world),
        CommitmentStatus::EnabledUntilEarliestAllowedEnd
    );
    world.step(86_400_000);
    assert_eq!(status(&mut world), CommitmentStatus::Disabled);
}
