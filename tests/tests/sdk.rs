//! aws-sdk-kinesis (Rust) against an in-process `kinescope` API server on a free port: every
//! operation, the error types the engine raises, StreamARN addressing, pagination and
//! SubscribeToShard over the event stream.

mod sdk_support;

use sdk_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_plane_operations() {
    let client = server(1.0).await;
    let arn = create(&client, "control", 2).await;
    // Tags, both APIs.
    client
        .add_tags_to_stream()
        .stream_name("control")
        .tags("team", "data")
        .send()
        .await
        .unwrap();
    client
        .tag_resource()
        .resource_arn(&arn)
        .tags("env", "dev")
        .send()
        .await
        .unwrap();
    let tags = client
        .list_tags_for_stream()
        .stream_name("control")
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tags().len(), 2);
    client
        .remove_tags_from_stream()
        .stream_name("control")
        .tag_keys("team")
        .send()
        .await
        .unwrap();
    client
        .untag_resource()
        .resource_arn(&arn)
        .tag_keys("env")
        .send()
        .await
        .unwrap();
    assert!(
        client
            .list_tags_for_resource()
            .resource_arn(&arn)
            .send()
            .await
            .unwrap()
            .tags()
            .is_empty()
    );
    // Retention, monitoring, record size.
    client
        .increase_stream_retention_period()
        .stream_name("control")
        .retention_period_hours(48)
        .send()
        .await
        .unwrap();
    client
        .decrease_stream_retention_period()
        .stream_arn(&arn)
        .retention_period_hours(24)
        .send()
        .await
        .unwrap();
    let monitoring = client
        .enable_enhanced_monitoring()
        .stream_name("control")
        .shard_level_metrics(MetricsName::All)
        .send()
        .await
        .unwrap();
    assert_eq!(monitoring.desired_shard_level_metrics().len(), 7);
    client
        .disable_enhanced_monitoring()
        .stream_name("control")
        .shard_level_metrics(MetricsName::All)
        .send()
        .await
        .unwrap();
    client
        .update_max_record_size()
        .stream_arn(&arn)
        .max_record_size_in_kib(2048)
        .send()
        .await
        .unwrap();
    // Encryption.
    client
        .start_stream_encryption()
        .stream_name("control")
        .encryption_type(EncryptionType::Kms)
        .key_id("alias/aws/kinesis")
        .send()
        .await
        .unwrap();
    until_active(&client, "control").await;
    let put = client
        .put_record()
        .stream_name("control")
        .partition_key("k")
        .data(Blob::new("x"))
        .send()
        .await
        .unwrap();
    assert_eq!(put.encryption_type(), Some(&EncryptionType::Kms));
    client
        .stop_stream_encryption()
        .stream_name("control")
        .encryption_type(EncryptionType::Kms)
        .key_id("alias/aws/kinesis")
        .send()
        .await
        .unwrap();
    until_active(&client, "control").await;
    // Policies.
    client
        .put_resource_policy()
        .resource_arn(&arn)
        .policy(r#"{"Version":"2012-10-17","Statement":[]}"#)
        .send()
        .await
        .unwrap();
    assert!(
        client
            .get_resource_policy()
            .resource_arn(&arn)
            .send()
            .await
            .unwrap()
            .policy()
            .contains("2012-10-17")
    );
    client
        .delete_resource_policy()
        .resource_arn(&arn)
        .send()
        .await
        .unwrap();
    // Account settings, capacity mode and warm throughput.
    let settings = client.describe_account_settings().send().await.unwrap();
    assert_eq!(
        settings
            .minimum_throughput_billing_commitment()
            .unwrap()
            .status(),
        &MinimumThroughputBillingCommitmentOutputStatus::Disabled
    );
    let enabled = client
        .update_account_settings()
        .minimum_throughput_billing_commitment(
            MinimumThroughputBillingCommitmentInput::builder()
                .status(MinimumThroughputBillingCommitmentInputStatus::Enabled)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        enabled
            .minimum_throughput_billing_commitment()
            .unwrap()
            .status(),
        &MinimumThroughputBillingCommitmentOutputStatus::Enabled
    );
    client
        .update_stream_mode()
        .stream_arn(&arn)
        .stream_mode_details(
            StreamModeDetails::builder()
                .stream_mode(StreamMode::OnDemand)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    until_active(&client, "control").await;
    let warm = client
        .update_stream_warm_throughput()
        .stream_name("control")
        .warm_throughput_mibps(8)
        .send()
        .await
        .unwrap();
    assert_eq!(warm.warm_throughput().unwrap().target_mibps(), Some(8));
    until_active(&client, "control").await;
    let limits = client.describe_limits().send().await.unwrap();
    assert_eq!(limits.on_demand_stream_count(), 1);
    // Listing with the paginator, then delete.
    let pages = client
        .list_streams()
        .limit(1)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let names: Vec<&str> = pages
        .iter()
        .flat_map(|p| p.stream_names())
        .map(String::as_str)
        .collect();
    assert_eq!(names, ["control"]);
    client
        .delete_stream()
        .stream_arn(&arn)
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_iterators_and_stream_arn_addressing() {
    let client = server(1.0).await;
    let arn = create(&client, "data", 2).await;
    let first = client
        .put_record()
        .stream_arn(&arn)
        .partition_key("a")
        .data(Blob::new("one"))
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(30)).await;
    let entries = (0..3).map(|i| {
        PutRecordsRequestEntry::builder()
            .partition_key("a")
            .data(Blob::new(format!("batch-{i}")))
            .build()
            .unwrap()
    });
    let batch = client
        .put_records()
        .stream_name("data")
        .set_records(Some(entries.collect()))
        .send()
        .await
        .unwrap();
    assert_eq!(batch.failed_record_count(), Some(0));
    let shard = first.shard_id();
    let read = |kind: ShardIteratorType, sequence: Option<String>, at: Option<DateTime>| {
        let client = client.clone();
        let shard = shard.to_owned();
        async move {
            // Stay inside the shard's 5 GetRecords per second.
            tokio::time::sleep(Duration::from_millis(200)).await;
            let iterator = client
                .get_shard_iterator()
                .stream_name("data")
                .shard_id(shard)
                .shard_iterator_type(kind)
                .set_starting_sequence_number(sequence)
                .set_timestamp(at)
                .send()
                .await
                .unwrap();
            let page = client
                .get_records()
                .shard_iterator(iterator.shard_iterator().unwrap())
                .send()
                .await
                .unwrap();
            page.records()
                .iter()
                .map(|r| {
                    let arrival = r
                        .approximate_arrival_timestamp()
                        .unwrap()
                        .to_millis()
                        .unwrap();
                    (
                        String::from_utf8(r.data().as_ref().to_vec()).unwrap(),
                        arrival,
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let all = read(ShardIteratorType::TrimHorizon, None, None).await;
    let data: Vec<&str> = all.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(data, ["one", "batch-0", "batch-1", "batch-2"]);
    // Between the two writes, by the server's own clock (the client slept 30 ms between them;
    // arrival times come back as float seconds, so allow for a millisecond of rounding).
    let middle = DateTime::from_millis(all[0].1 + 10);
    assert!(all[1].1 > all[0].1 + 10, "{all:?}");
    assert_eq!(
        read(
            ShardIteratorType::AtSequenceNumber,
            Some(first.sequence_number().to_owned()),
            None
        )
        .await[0]
            .0,
        "one"
    );
    assert_eq!(
        read(
            ShardIteratorType::AfterSequenceNumber,
            Some(first.sequence_number().to_owned()),
            None
        )
        .await[0]
            .0,
        "batch-0"
    );
    assert_eq!(
        read(ShardIteratorType::AtTimestamp, None, Some(middle)).await[0].0,
        "batch-0"
    );
    assert!(read(ShardIteratorType::Latest, None, None).await.is_empty());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let records = client
        .get_shard_iterator()
        .stream_arn(&arn)
        .shard_id(shard)
        .shard_iterator_type(ShardIteratorType::TrimHorizon)
        .send()
        .await
        .unwrap();
    let page = client
        .get_records()
        .stream_arn(&arn)
        .shard_iterator(records.shard_iterator().unwrap())
        .limit(2)
        .send()
        .await
        .unwrap();
    assert_eq!(page.records().len(), 2);
    assert!(
        page.records()[0]
            .approximate_arrival_timestamp()
            .unwrap()
            .secs()
            > 1_700_000_000,
        "timestamps are epoch seconds"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resharding_and_list_shards_pagination() {
    // Reshards take seconds of virtual time (a split 5 s): run the clock at 50x wall time.
    let client = server(50.0).await;
    create(&client, "reshard", 2).await;
    client
        .split_shard()
        .stream_name("reshard")
        .shard_to_split("shardId-000000000000")
        .new_starting_hash_key("85070591730234615865843651857942052864")
        .send()
        .await
        .unwrap();
    until_active(&client, "reshard").await;
    client
        .merge_shards()
        .stream_name("reshard")
        .shard_to_merge("shardId-000000000003")
        .adjacent_shard_to_merge("shardId-000000000001")
        .send()
        .await
        .unwrap();
    until_active(&client, "reshard").await;
    let scaled = client
        .update_shard_count()
        .stream_name("reshard")
        .target_shard_count(4)
        .scaling_type(ScalingType::UniformScaling)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (scaled.current_shard_count(), scaled.target_shard_count()),
        (Some(2), Some(4))
    );
    until_active(&client, "reshard").await;
    let mut page = client
        .list_shards()
        .stream_name("reshard")
        .max_results(2)
        .send()
        .await
        .unwrap();
    let mut all = page.shards().len();
    while let Some(token) = page.next_token() {
        page = client
            .list_shards()
            .next_token(token)
            .max_results(2)
            .send()
            .await
            .unwrap();
        all += page.shards().len();
    }
    assert!(all > 4, "{all} shards listed");
    let open = client
        .list_shards()
        .stream_name("reshard")
        .shard_filter(
            ShardFilter::builder()
                .r#type(ShardFilterType::AtLatest)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(open.shards().len(), 4);
    let description = client
        .describe_stream()
        .stream_name("reshard")
        .limit(2)
        .send()
        .await
        .unwrap();
    assert!(description.stream_description().unwrap().has_more_shards());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumers_and_subscribe_to_shard() {
    let client = server(1.0).await;
    let arn = create(&client, "fanout", 1).await;
    let consumer = client
        .register_stream_consumer()
        .stream_arn(&arn)
        .consumer_name("efo")
        .send()
        .await
        .unwrap()
        .consumer()
        .unwrap()
        .consumer_arn()
        .to_owned();
    for _ in 0..100 {
        let status = client
            .describe_stream_consumer()
            .consumer_arn(&consumer)
            .send()
            .await
            .unwrap();
        if status.consumer_description().unwrap().consumer_status() == &ConsumerStatus::Active {
            break;
        }
        // DescribeStreamConsumer allows 20 calls a second per stream (A.4).
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let listed = client
        .list_stream_consumers()
        .stream_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.consumers().len(), 1);
    client
        .put_record()
        .stream_name("fanout")
        .partition_key("k")
        .data(Blob::new("first"))
        .send()
        .await
        .unwrap();
    let mut output = client
        .subscribe_to_shard()
        .consumer_arn(&consumer)
        .shard_id("shardId-000000000000")
        .starting_position(
            StartingPosition::builder()
                .r#type(ShardIteratorType::TrimHorizon)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let event = tokio::time::timeout(Duration::from_secs(10), output.event_stream.recv())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if let SubscribeToShardEventStream::SubscribeToShardEvent(e) = event {
            assert!(!e.continuation_sequence_number().is_empty());
            seen.extend(
                e.records()
                    .iter()
                    .map(|r| String::from_utf8(r.data().as_ref().to_vec()).unwrap()),
            );
            if seen == ["first"] {
                client
                    .put_record()
                    .stream_name("fanout")
                    .partition_key("k")
                    .data(Blob::new("pushed"))
                    .send()
                    .await
                    .unwrap();
            }
        }
    }
    assert_eq!(seen, ["first", "pushed"]);
    // A second subscription within 5 seconds is refused.
    let again = client
        .subscribe_to_shard()
        .consumer_arn(&consumer)
        .shard_id("shardId-000000000000")
        .starting_position(
            StartingPosition::builder()
                .r#type(ShardIteratorType::Latest)
                .build()
                .unwrap(),
        )
        .send()
        .await;
    assert_eq!(code(again.expect_err("refused")), "ResourceInUseException");
    client
        .deregister_stream_consumer()
        .consumer_arn(&consumer)
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_error_type_the_engine_raises() {
    let client = server(1.0).await;
    create(&client, "errors", 1).await;
    let missing = client
        .describe_stream()
        .stream_name("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        missing.message(),
        Some("Stream nope under account 000000000000 not found.")
    );
    assert_eq!(code(missing), "ResourceNotFoundException");
    assert_eq!(
        code(
            client
                .create_stream()
                .stream_name("errors")
                .shard_count(1)
                .send()
                .await
                .unwrap_err()
        ),
        "ResourceInUseException"
    );
    assert_eq!(
        code(
            client
                .increase_stream_retention_period()
                .stream_name("errors")
                .retention_period_hours(12)
                .send()
                .await
                .unwrap_err()
        ),
        "InvalidArgumentException"
    );
    assert_eq!(
        code(
            client
                .create_stream()
                .stream_name("bad name")
                .shard_count(1)
                .send()
                .await
                .unwrap_err()
        ),
        "ValidationException"
    );
    assert_eq!(
        code(
            client
                .create_stream()
                .stream_name("huge")
                .shard_count(501)
                .send()
                .await
                .unwrap_err()
        ),
        "LimitExceededException"
    );
    let elsewhere = client
        .describe_stream_summary()
        .stream_arn("arn:aws:kinesis:eu-west-1:111111111111:stream/errors")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(elsewhere), "AccessDeniedException");
    let entries: Vec<_> = (0..500)
        .map(|_| {
            PutRecordsRequestEntry::builder()
                .partition_key("hot")
                .data(Blob::new("x"))
                .build()
                .unwrap()
        })
        .collect();
    let mut refused = Vec::new();
    for _ in 0..3 {
        let out = client
            .put_records()
            .stream_name("errors")
            .set_records(Some(entries.clone()))
            .send()
            .await
            .unwrap();
        refused.extend(
            out.records()
                .iter()
                .filter_map(|r| r.error_code().map(str::to_owned)),
        );
    }
    assert_eq!(
        refused.first().map(String::as_str),
        Some("ProvisionedThroughputExceededException")
    );
    let mut iterator = client
        .get_shard_iterator()
        .stream_name("errors")
        .shard_id("shardId-000000000000")
        .shard_iterator_type(ShardIteratorType::Latest)
        .send()
        .await
        .unwrap()
        .shard_iterator()
        .unwrap()
        .to_owned();
    let mut read_error = None;
    for _ in 0..10 {
        match client.get_records().shard_iterator(&iterator).send().await {
            Ok(page) => iterator = page.next_shard_iterator().unwrap().to_owned(),
            Err(e) => {
                read_error = Some(code(e));
                break;
            }
        }
    }
    assert_eq!(
        read_error.as_deref(),
        Some("ProvisionedThroughputExceededException"),
        "five reads a second per shard"
    );
    let bad_iterator = client
        .get_records()
        .shard_iterator("AAAAAAAAAAEnot-a-real-one")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(bad_iterator), "InvalidArgumentException");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iterators_and_tokens_expire_on_the_virtual_clock() {
    // At 1,000× a virtual 300 s pass in 0.3 s of wall time.
    let client = server(1_000.0).await;
    create(&client, "expiry", 3).await;
    let iterator = client
        .get_shard_iterator()
        .stream_name("expiry")
        .shard_id("shardId-000000000000")
        .shard_iterator_type(ShardIteratorType::Latest)
        .send()
        .await
        .unwrap();
    let token = client
        .list_shards()
        .stream_name("expiry")
        .max_results(1)
        .send()
        .await
        .unwrap()
        .next_token()
        .unwrap()
        .to_owned();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let expired = client
        .get_records()
        .shard_iterator(iterator.shard_iterator().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(expired), "ExpiredIteratorException");
    let expired = client
        .list_shards()
        .next_token(token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(expired), "ExpiredNextTokenException");
}
