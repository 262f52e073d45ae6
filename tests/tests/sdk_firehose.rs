//! aws-sdk-firehose from Rust against the server: create, describe, list, put, update, tag and
//! delete a delivery stream, its errors as the SDK's typed errors, and the object it delivers.

use aws_sdk_firehose::config::{BehaviorVersion, Credentials, Region, retry::RetryConfig};
use aws_sdk_firehose::primitives::Blob;
use aws_sdk_firehose::types::{
    BufferingHints, CompressionFormat, DeliveryStreamStatus, ExtendedS3DestinationConfiguration,
    ExtendedS3DestinationUpdate, Record, Tag,
};
use aws_sdk_firehose::{Client, Config};
use kinescope_core::api::AuthMode;
use kinescope_core::live::SharedWorld;
use std::sync::Arc;

mod sdk_support;

const ROLE: &str = "arn:aws:iam::000000000000:role/firehose";

async fn server() -> (Client, Arc<SharedWorld>) {
    let (port, world) = sdk_support::serve_world(1.0, AuthMode::AcceptAnySignature).await;
    let config = Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .credentials_provider(Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            None,
            None,
            "test",
        ))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .retry_config(RetryConfig::disabled())
        .build();
    (Client::from_conf(config), world)
}

fn destination(bucket: &str) -> ExtendedS3DestinationConfiguration {
    ExtendedS3DestinationConfiguration::builder()
        .role_arn(ROLE)
        .bucket_arn(format!("arn:aws:s3:::{bucket}"))
        .prefix("sdk/")
        .buffering_hints(
            BufferingHints::builder()
                .size_in_mbs(1)
                .interval_in_seconds(60)
                .build(),
        )
        .compression_format(CompressionFormat::Gzip)
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_rust_sdk_drives_firehose() {
    let (client, world) = server().await;
    let created = client
        .create_delivery_stream()
        .delivery_stream_name("sdk-hose")
        .extended_s3_destination_configuration(destination("sdk-bucket"))
        .tags(Tag::builder().key("team").value("data").build().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        created.delivery_stream_arn(),
        Some("arn:aws:firehose:us-east-1:000000000000:deliverystream/sdk-hose")
    );
    // CREATING lasts a few virtual seconds: step past it.
    world.step_by(10_000);
    let described = client
        .describe_delivery_stream()
        .delivery_stream_name("sdk-hose")
        .send()
        .await
        .unwrap();
    let description = described.delivery_stream_description().unwrap();
    assert_eq!(
        description.delivery_stream_status(),
        &DeliveryStreamStatus::Active
    );
    let s3 = description.destinations()[0]
        .extended_s3_destination_description()
        .unwrap();
    assert_eq!(s3.compression_format(), &CompressionFormat::Gzip);
    assert_eq!(s3.prefix(), Some("sdk/"));

    let batch = client
        .put_record_batch()
        .delivery_stream_name("sdk-hose")
        .set_records(Some(
            (0..3)
                .map(|i| {
                    Record::builder()
                        .data(Blob::new(format!("{{\"n\":{i}}}\n")))
                        .build()
                        .unwrap()
                })
                .collect(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(batch.failed_put_count(), 0);
    assert_eq!(batch.request_responses().len(), 3);
    world.step_by(60_000);
    let objects = world.read(|w| w.objects().list("sdk-bucket", "sdk/"));
    assert_eq!(objects.len(), 1);
    assert!(objects[0].key.ends_with(".gz"), "{}", objects[0].key);
    assert_eq!(objects[0].meta.records, 3);

    let listed = client.list_delivery_streams().send().await.unwrap();
    assert_eq!(listed.delivery_stream_names(), ["sdk-hose"]);
    let tags = client
        .list_tags_for_delivery_stream()
        .delivery_stream_name("sdk-hose")
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tags()[0].key(), "team");
    client
        .update_destination()
        .delivery_stream_name("sdk-hose")
        .current_delivery_stream_version_id(description.version_id())
        .destination_id(description.destinations()[0].destination_id())
        .extended_s3_destination_update(
            ExtendedS3DestinationUpdate::builder()
                .prefix("sdk-v2/")
                .build(),
        )
        .send()
        .await
        .unwrap();

    let missing = client
        .describe_delivery_stream()
        .delivery_stream_name("nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(missing.is_resource_not_found_exception(), "{missing:?}");
    let stale = client
        .update_destination()
        .delivery_stream_name("sdk-hose")
        .current_delivery_stream_version_id("1")
        .destination_id("destinationId-000000000001")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(stale.is_concurrent_modification_exception(), "{stale:?}");
    client
        .delete_delivery_stream()
        .delivery_stream_name("sdk-hose")
        .send()
        .await
        .unwrap();
}
