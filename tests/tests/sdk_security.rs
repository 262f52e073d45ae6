//! aws-sdk-kinesis over HTTPS with HTTP/2, and with SigV4 verification switched on.

mod sdk_support;

use sdk_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_http2_serves_subscribe_to_shard() {
    let (client, world) = tls_server().await;
    let arn = create(&client, "secure", 1).await;
    let consumer = client
        .register_stream_consumer()
        .stream_arn(&arn)
        .consumer_name("h2")
        .send()
        .await
        .unwrap()
        .consumer()
        .unwrap()
        .consumer_arn()
        .to_owned();
    tokio::time::sleep(Duration::from_millis(600)).await;
    client
        .put_record()
        .stream_name("secure")
        .partition_key("k")
        .data(Blob::new("over h2"))
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
    let event = tokio::time::timeout(Duration::from_secs(10), output.event_stream.recv())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let SubscribeToShardEventStream::SubscribeToShardEvent(e) = event else {
        panic!("{event:?}")
    };
    assert_eq!(e.records()[0].data().as_ref(), b"over h2");
    let versions: Vec<String> =
        world.read(|w| w.traffic().iter().map(|t| t.http_version.clone()).collect());
    assert!(versions.iter().all(|v| v == "HTTP/2.0"), "{versions:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signatures_are_verified_when_auth_is_on() {
    let auth = || {
        AuthMode::Verify(api::Credentials {
            access_key: "AKIDEXAMPLE".into(),
            secret: "right".into(),
        })
    };
    let good = server_with(1.0, auth(), "right").await;
    create(&good, "signed", 1).await;
    good.put_record()
        .stream_name("signed")
        .partition_key("k")
        .data(Blob::new("x"))
        .send()
        .await
        .unwrap();
    let bad = server_with(1.0, auth(), "wrong").await;
    assert_eq!(
        code(bad.list_streams().send().await.unwrap_err()),
        "InvalidSignatureException"
    );
}
