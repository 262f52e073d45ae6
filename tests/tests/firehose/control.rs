//! The control plane (B.1): create with AWS's checks, statuses, describe, list, update with
//! versions, tags, encryption.

use super::*;
use kinescope_core::firehose::destination::CompressionFormat;
use kinescope_core::firehose::error::FirehoseError;
use kinescope_core::firehose::ops::encryption::*;
use kinescope_core::firehose::ops::lifecycle::*;
use kinescope_core::firehose::ops::tags::*;
use kinescope_core::firehose::ops::update::UpdateDestinationInput;
use kinescope_core::firehose::shapes::*;

fn create(destination: S3DestinationInput) -> CreateDeliveryStreamInput {
    CreateDeliveryStreamInput {
        delivery_stream_name: Some(HOSE.into()),
        extended_s3_destination_configuration: Some(destination),
        ..CreateDeliveryStreamInput::default()
    }
}

fn describe(world: &mut World) -> DeliveryStreamDescription {
    world
        .apply(DescribeDeliveryStreamInput {
            delivery_stream_name: Some(HOSE.into()),
            ..Default::default()
        })
        .unwrap()
        .delivery_stream_description
}

#[test]
fn a_delivery_stream_is_creating_then_active_with_aws_defaults() {
    let mut world = world();
    let out = world
        .apply(CreateDeliveryStreamInput::direct_put_to_s3(HOSE, BUCKET))
        .unwrap();
    assert_eq!(
        out.delivery_stream_arn,
        "arn:aws:firehose:us-east-1:000000000000:deliverystream/orders-to-s3"
    );
    assert_eq!(
        describe(&mut world).delivery_stream_status,
        DeliveryStreamStatus::Creating
    );
    let refused = world.apply(put(b"early")).unwrap_err();
    assert_eq!(refused.code(), "ResourceNotFoundException");
    world.step(500);
    let d = describe(&mut world);
    assert_eq!(d.delivery_stream_status, DeliveryStreamStatus::Active);
    assert_eq!(d.version_id, "1");
    assert_eq!(d.delivery_stream_type, DeliveryStreamType::DirectPut);
    assert_eq!(
        d.delivery_stream_encryption_configuration.status,
        EncryptionStatus::Disabled
    );
    let destination = &d.destinations[0];
    assert_eq!(destination.destination_id, "destinationId-000000000001");
    let s3 = destination.extended_s3.as_ref().unwrap();
    assert_eq!(
        (
            s3.buffering_hints.size_in_mbs,
            s3.buffering_hints.interval_in_seconds
        ),
        (5, 300)
    );
    assert_eq!(s3.compression_format, CompressionFormat::Uncompressed);
    assert_eq!(s3.prefix, "");
    assert_eq!(s3.s3_backup_mode, "Disabled");
    let json = serde_json::to_value(&d).unwrap();
    let plain = &json["Destinations"][0]["S3DestinationDescription"];
    assert_eq!(
        plain["EncryptionConfiguration"]["NoEncryptionConfig"],
        "NoEncryption"
    );
    assert_eq!(plain["CloudWatchLoggingOptions"]["Enabled"], false);
    assert_eq!(
        json["Destinations"][0]["ExtendedS3DestinationDescription"]["BufferingHints"]["SizeInMBs"],
        5
    );
}

#[test]
fn creation_is_judged_as_aws_judges_it() {
    let mut world = world();
    let no_destination = CreateDeliveryStreamInput {
        delivery_stream_name: Some(HOSE.into()),
        ..Default::default()
    };
    assert_eq!(
        world.apply(no_destination).unwrap_err(),
        FirehoseError::InvalidArgumentException(
            "Exactly one destination configuration is supported for a Firehose".into()
        )
    );
    let no_bucket = create(S3DestinationInput {
        bucket_arn: None,
        ..s3(5, 300)
    });
    assert_eq!(
        world.apply(no_bucket).unwrap_err(),
        FirehoseError::ValidationException(
            "1 validation error detected: Value null at 'extendedS3DestinationConfiguration.bucketARN' failed to satisfy constraint: Member must not be null".into()
        )
    );
    let bad = create(S3DestinationInput {
        compression_format: Some("SNAPPY".into()),
        ..s3(129, 901)
    });
    let message = world.apply(bad).unwrap_err().to_string();
    assert!(
        message.starts_with("3 validation errors detected: "),
        "{message}"
    );
    assert!(message.contains("'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value less than or equal to 128"));
    assert!(message.contains("Value 'SNAPPY' at 'extendedS3DestinationConfiguration.compressionFormat' failed to satisfy constraint: Member must satisfy enum value set: [UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY]"));
    let bad_name = CreateDeliveryStreamInput::direct_put_to_s3("no spaces", BUCKET);
    assert_eq!(
        world.apply(bad_name).unwrap_err().code(),
        "ValidationException"
    );
    let expressions_without_error_prefix = create(S3DestinationInput {
        prefix: Some("!{timestamp:yyyy}/".into()),
        ..s3(5, 300)
    });
    assert_eq!(
        world
            .apply(expressions_without_error_prefix)
            .unwrap_err()
            .code(),
        "InvalidArgumentException"
    );
    let error_type_in_prefix = create(S3DestinationInput {
        prefix: Some("!{firehose:error-output-type}/".into()),
        error_output_prefix: Some("e/!{firehose:error-output-type}/".into()),
        ..s3(5, 300)
    });
    assert_eq!(
        world.apply(error_type_in_prefix).unwrap_err().code(),
        "InvalidArgumentException"
    );
    let half_hints = create(S3DestinationInput {
        buffering_hints: Some(kinescope_core::firehose::destination::BufferingHintsInput {
            size_in_mbs: Some(10),
            interval_in_seconds: None,
        }),
        ..s3(5, 300)
    });
    assert_eq!(
        world.apply(half_hints).unwrap_err().code(),
        "InvalidArgumentException"
    );
    let escaping_bucket = create(S3DestinationInput {
        bucket_arn: Some("arn:aws:s3:::..".into()),
        ..s3(5, 300)
    });
    assert_eq!(
        world.apply(escaping_bucket).unwrap_err().code(),
        "InvalidArgumentException"
    );
    world.apply(create(s3(5, 300))).unwrap();
    assert_eq!(
        world.apply(create(s3(5, 300))).unwrap_err(),
        FirehoseError::ResourceInUseException(
            "Firehose orders-to-s3 under accountId 000000000000 already exists".into()
        )
    );
    let deleting_while_creating = DeleteDeliveryStreamInput {
        delivery_stream_name: Some(HOSE.into()),
        allow_force_delete: None,
    };
    assert_eq!(
        world.apply(deleting_while_creating).unwrap_err().code(),
        "ResourceInUseException"
    );
}

#[test]
fn unknown_streams_are_not_found_with_aws_text() {
    let mut world = world();
    assert_eq!(
        world.apply(put(b"x")).unwrap_err(),
        FirehoseError::ResourceNotFoundException(
            "Firehose orders-to-s3 under account 000000000000 not found.".into()
        )
    );
}

#[test]
fn listing_is_alphabetical_and_paged() {
    let mut world = world();
    for name in ["c", "a", "b"] {
        world
            .apply(CreateDeliveryStreamInput::direct_put_to_s3(name, BUCKET))
            .unwrap();
    }
    let list = |world: &mut World, limit, start: Option<&str>| {
        world
            .apply(ListDeliveryStreamsInput {
                limit,
                exclusive_start_delivery_stream_name: start.map(Into::into),
                ..Default::default()
            })
            .unwrap()
    };
    let first = list(&mut world, Some(2), None);
    assert_eq!(first.delivery_stream_names, ["a", "b"]);
    assert!(first.has_more_delivery_streams);
    let rest = list(&mut world, Some(2), Some("b"));
    assert_eq!(rest.delivery_stream_names, ["c"]);
    assert!(!rest.has_more_delivery_streams);
}

#[test]
fn update_destination_needs_the_current_version_and_raises_it() {
    let mut world = world();
    active_hose(&mut world, s3(5, 300));
    let update = |version: &str| UpdateDestinationInput {
        delivery_stream_name: Some(HOSE.into()),
        current_delivery_stream_version_id: Some(version.into()),
        destination_id: Some("destinationId-000000000001".into()),
        extended_s3_destination_update: Some(S3DestinationInput {
            compression_format: Some("GZIP".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(
        world.apply(update("2")).unwrap_err().code(),
        "ConcurrentModificationException"
    );
    world.apply(update("1")).unwrap();
    let d = describe(&mut world);
    assert_eq!(d.version_id, "2");
    assert!(d.last_update_timestamp.is_some());
    let s3 = d.destinations[0].extended_s3.as_ref().unwrap();
    assert_eq!(s3.compression_format, CompressionFormat::Gzip);
    assert_eq!(
        s3.bucket_arn,
        format!("arn:aws:s3:::{BUCKET}"),
        "merged, not replaced"
    );
    world.apply(put(b"v2")).unwrap();
    world.step(300_000);
    let key = &world.delivery_stream(HOSE).unwrap().flushes[0].key;
    assert!(key.contains("/orders-to-s3-2-"), "{key}");
    assert!(key.ends_with(".gz"));
}

#[test]
fn tags_are_added_listed_in_pages_and_removed() {
    let mut world = world();
    active_hose(&mut world, s3(5, 300));
    let tag = |k: &str| Tag {
        key: k.into(),
        value: Some(format!("{k}-value")),
    };
    world
        .apply(TagDeliveryStreamInput {
            delivery_stream_name: Some(HOSE.into()),
            tags: Some(vec![tag("team"), tag("env"), tag("app")]),
        })
        .unwrap();
    let page = world
        .apply(ListTagsForDeliveryStreamInput {
            delivery_stream_name: Some(HOSE.into()),
            limit: Some(2),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page.tags, [tag("app"), tag("env")]);
    assert!(page.has_more_tags);
    world
        .apply(UntagDeliveryStreamInput {
            delivery_stream_name: Some(HOSE.into()),
            tag_keys: Some(vec!["env".into()]),
        })
        .unwrap();
    let all = world
        .apply(ListTagsForDeliveryStreamInput {
            delivery_stream_name: Some(HOSE.into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(all.tags, [tag("app"), tag("team")]);
    let too_many = TagDeliveryStreamInput {
        delivery_stream_name: Some(HOSE.into()),
        tags: Some((0..49).map(|i| tag(&format!("k{i}"))).collect()),
    };
    assert_eq!(
        world.apply(too_many).unwrap_err().code(),
        "LimitExceededException"
    );
}

#[test]
fn encryption_settles_on_the_clock_and_puts_report_it() {
    let mut world = world();
    active_hose(&mut world, s3(5, 300));
    world
        .apply(StartDeliveryStreamEncryptionInput {
            delivery_stream_name: Some(HOSE.into()),
            delivery_stream_encryption_configuration_input: None,
        })
        .unwrap();
    let status = |w: &mut World| describe(w).delivery_stream_encryption_configuration;
    assert_eq!(status(&mut world).status, EncryptionStatus::Enabling);
    world.step(500);
    let enabled = status(&mut world);
    assert_eq!(enabled.status, EncryptionStatus::Enabled);
    assert_eq!(enabled.key_type, Some(KeyType::AwsOwnedCmk));
    assert!(world.apply(put(b"secret")).unwrap().encrypted);
    let customer_without_key = StartDeliveryStreamEncryptionInput {
        delivery_stream_name: Some(HOSE.into()),
        delivery_stream_encryption_configuration_input: Some(EncryptionInput {
            key_arn: None,
            key_type: Some("CUSTOMER_MANAGED_CMK".into()),
        }),
    };
    assert_eq!(
        world.apply(customer_without_key).unwrap_err().code(),
        "InvalidArgumentException"
    );
    for _ in 0..24 {
        world
            .apply(StopDeliveryStreamEncryptionInput {
                delivery_stream_name: Some(HOSE.into()),
            })
            .unwrap();
    }
    let over = world.apply(StopDeliveryStreamEncryptionInput {
        delivery_stream_name: Some(HOSE.into()),
    });
    assert_eq!(over.unwrap_err().code(), "LimitExceededException");
}

#[test]
fn an_update_delivers_what_waits_under_the_configuration_it_arrived_with() {
    let mut world = world();
    active_hose(
        &mut world,
        S3DestinationInput {
            prefix: Some("old/".into()),
            ..s3(5, 300)
        },
    );
    world.apply(put(b"before")).unwrap();
    world
        .apply(UpdateDestinationInput {
            delivery_stream_name: Some(HOSE.into()),
            current_delivery_stream_version_id: Some("1".into()),
            destination_id: Some("destinationId-000000000001".into()),
            extended_s3_destination_update: Some(S3DestinationInput {
                prefix: Some("new/".into()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .unwrap();
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.flushes.len(), 1);
    assert_eq!(stream.flushes[0].reason.text(), "reconfigured");
    assert!(
        stream.flushes[0].key.starts_with("old/"),
        "{}",
        stream.flushes[0].key
    );
    world.apply(put(b"after")).unwrap();
    world.step(300_000);
    let key = &world.delivery_stream(HOSE).unwrap().flushes[1].key;
    assert!(key.starts_with("new/") && key.contains("-2-"), "{key}");
}
