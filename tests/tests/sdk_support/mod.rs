//! Shared set-up of the aws-sdk-kinesis tests: in-process servers and SDK clients for them.
#![allow(dead_code, unused_imports)]

pub use aws_sdk_kinesis::config::{BehaviorVersion, Credentials, Region, retry::RetryConfig};
pub use aws_sdk_kinesis::error::{ProvideErrorMetadata, SdkError};
pub use aws_sdk_kinesis::primitives::{Blob, DateTime};
pub use aws_sdk_kinesis::types::*;
pub use aws_sdk_kinesis::{Client, Config};
pub use kinescope_core::api::{self, ApiState, AuthMode};
pub use kinescope_core::live::SharedWorld;
pub use kinescope_core::{Settings, Speed, World};
pub use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Starts a server at `speed` and returns a client for it (the server lives as long as the runtime).
pub async fn server(speed: f64) -> Client {
    server_with(speed, AuthMode::AcceptAnySignature, "secret").await
}

/// Starts a plain-HTTP server at `speed` with `auth` (it lives as long as the runtime); returns
/// its port and its world.
pub async fn serve_world(speed: f64, auth: AuthMode) -> (u16, std::sync::Arc<SharedWorld>) {
    let settings = Settings::starting_now();
    let world = SharedWorld::new(World::new(settings, 1), Speed::Factor(speed));
    let listener = api::bind("127.0.0.1", 0).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let state = ApiState {
        world: world.clone(),
        auth,
        log_requests: false,
    };
    tokio::spawn(api::serve(listener, None, state, std::future::pending()));
    (port, world)
}

/// Starts a server with `auth`; the client signs with secret `secret` for key AKIDEXAMPLE.
pub async fn server_with(speed: f64, auth: AuthMode, secret: &str) -> Client {
    let (port, _) = serve_world(speed, auth).await;
    let config = Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .credentials_provider(Credentials::new("AKIDEXAMPLE", secret, None, None, "test"))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .retry_config(RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

/// Starts a server with its HTTPS listener and returns a client that trusts its certificate; over
/// TLS the client negotiates HTTP/2 (ALPN h2), as the Java and Rust SDKs do against AWS.
pub async fn tls_server() -> (Client, std::sync::Arc<SharedWorld>) {
    use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
    let settings = Settings::starting_now();
    let world = SharedWorld::new(World::new(settings, 1), Speed::Factor(1.0));
    let listener = api::bind("127.0.0.1", 0).await.unwrap();
    let tls_listener = api::bind_tls("127.0.0.1", 0).unwrap();
    let port = tls_listener.local_addr().unwrap().port();
    let trust =
        TrustStore::empty().with_pem_certificate(tls_listener.certificate_pem.clone().into_bytes());
    let state = ApiState {
        world: world.clone(),
        auth: AuthMode::AcceptAnySignature,
        log_requests: false,
    };
    tokio::spawn(api::serve(
        listener,
        Some(tls_listener),
        state,
        std::future::pending(),
    ));
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .tls_context(
            TlsContext::builder()
                .with_trust_store(trust)
                .build()
                .unwrap(),
        )
        .build_https();
    let config = Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(format!("https://localhost:{port}"))
        .credentials_provider(Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            None,
            None,
            "test",
        ))
        .http_client(http)
        .retry_config(RetryConfig::disabled())
        .build();
    (Client::from_conf(config), world)
}

pub fn code<E: ProvideErrorMetadata, R>(error: SdkError<E, R>) -> String {
    error.code().unwrap_or("(none)").to_owned()
}

pub async fn until_active(client: &Client, name: &str) {
    for _ in 0..100 {
        let summary = client
            .describe_stream_summary()
            .stream_name(name)
            .send()
            .await
            .unwrap();
        if summary
            .stream_description_summary()
            .unwrap()
            .stream_status()
            == &StreamStatus::Active
        {
            return;
        }
        // DescribeStreamSummary allows 20 calls a second per account (A.4): poll well below it.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{name} never became ACTIVE");
}

pub async fn create(client: &Client, name: &str, shards: i32) -> String {
    client
        .create_stream()
        .stream_name(name)
        .shard_count(shards)
        .send()
        .await
        .unwrap();
    until_active(client, name).await;
    client
        .describe_stream_summary()
        .stream_name(name)
        .send()
        .await
        .unwrap()
        .stream_description_summary()
        .unwrap()
        .stream_arn()
        .to_owned()
}
