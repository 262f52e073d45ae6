//! Load benchmark of the HTTP API over loopback (not part of `make test`): an in-process
//! `kinescope` server with `--throttle unthrottled`, driven by a keep-alive HTTP/1.1 client.
//!   PutRecord with 16 concurrent callers (requests/s, p50, p99)
//!   PutRecords of 500 × 100-byte records (records/s)
//!   GetRecords draining what was written (records/s)
//! Run: `cargo bench -p kinescope-tests --bench api_load` (add `-- SECONDS` to change the 5 s runs).

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use kinescope_core::api::{self, ApiState, AuthMode};
use kinescope_core::live::SharedWorld;
use kinescope_core::streams::capacity::ThrottleMode;
use kinescope_core::{Settings, Speed, World};
use std::time::{Duration, Instant};

type Http = Client<HttpConnector, Full<Bytes>>;

const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";

async fn call(http: &Http, port: u16, operation: &str, body: String) -> serde_json::Value {
    serde_json::from_slice(&call_raw(http, port, operation, body).await)
        .unwrap_or(serde_json::Value::Null)
}

/// One call; the raw response body (the load loops skip JSON parsing to keep the client light).
async fn call_raw(http: &Http, port: u16, operation: &str, body: String) -> Bytes {
    let request = hyper::Request::post(format!("http://127.0.0.1:{port}/"))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("Kinesis_20131202.{operation}"))
        .header("x-amz-date", "20260101T000000Z")
        .header("authorization", AUTH)
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let response = http.request(request).await.expect("the server answers");
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert!(
        status.is_success(),
        "{operation}: {status} {}",
        String::from_utf8_lossy(&bytes)
    );
    bytes
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p) as usize]
}

fn main() {
    let seconds: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5);
    // The server runs as `kinescope serve` does, on its own runtime thread; the client on another.
    let (port_tx, port_rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("server".into())
        .spawn(move || {
            let server_runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            server_runtime.block_on(async {
                let settings = Settings {
                    default_throttle: ThrottleMode::Unthrottled,
                    shard_limit: 1_000,
                    ..Settings::default()
                };
                let world = SharedWorld::new(World::new(settings, 1), Speed::Factor(1.0));
                let listener = api::bind("127.0.0.1", 0).await.unwrap();
                let port = listener.local_addr().unwrap().port();
                let state = ApiState {
                    world,
                    auth: AuthMode::AcceptAnySignature,
                    log_requests: false,
                };
                port_tx.send(port).unwrap();
                api::serve(listener, None, state, std::future::pending())
                    .await
                    .unwrap();
            });
        })
        .unwrap();
    let port = port_rx.recv().unwrap();
    let client_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    client_runtime.block_on(async move {
        let http: Http = Client::builder(TokioExecutor::new()).pool_max_idle_per_host(64).build_http();
        call(&http, port, "CreateStream", r#"{"StreamName":"load","ShardCount":4}"#.into()).await;
        tokio::time::sleep(Duration::from_millis(700)).await;
        let data = base64::engine::general_purpose::STANDARD.encode([b'x'; 100]);

        // PutRecord, 16 concurrent callers.
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let started = Instant::now();
        let workers: Vec<_> = (0..16)
            .map(|w| {
                let (http, data) = (http.clone(), data.clone());
                tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    let mut i = 0u64;
                    while Instant::now() < deadline {
                        let body = format!(r#"{{"StreamName":"load","PartitionKey":"k{w}-{i}","Data":"{data}"}}"#);
                        let t = Instant::now();
                        call_raw(&http, port, "PutRecord", body).await;
                        latencies.push(t.elapsed());
                        i += 1;
                    }
                    latencies
                })
            })
            .collect();
        let mut latencies = Vec::new();
        for worker in workers {
            latencies.extend(worker.await.unwrap());
        }
        let elapsed = started.elapsed().as_secs_f64();
        latencies.sort_unstable();
        println!(
            "PutRecord c=16: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms ({} requests)",
            latencies.len() as f64 / elapsed,
            percentile(&latencies, 0.50).as_secs_f64() * 1e3,
            percentile(&latencies, 0.99).as_secs_f64() * 1e3,
            latencies.len()
        );

        // PutRecords of 500 × 100 B, 4 concurrent callers.
        let entry = format!(r#"{{"PartitionKey":"PK","Data":"{data}"}}"#);
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let started = Instant::now();
        let workers: Vec<_> = (0..4)
            .map(|w| {
                let (http, entry) = (http.clone(), entry.clone());
                tokio::spawn(async move {
                    let mut records = 0u64;
                    while Instant::now() < deadline {
                        let batch: Vec<String> = (0..500).map(|i| entry.replace("PK", &format!("u{w}-{records}-{i}"))).collect();
                        let body = format!(r#"{{"StreamName":"load","Records":[{}]}}"#, batch.join(","));
                        let out = call_raw(&http, port, "PutRecords", body).await;
                        assert!(out.starts_with(br#"{"FailedRecordCount":0,"#));
                        records += 500;
                    }
                    records
                })
            })
            .collect();
        let mut records = 0;
        for worker in workers {
            records += worker.await.unwrap();
        }
        println!("PutRecords 500×100 B, c=4: {:.0} records/s", records as f64 / started.elapsed().as_secs_f64());

        // GetRecords draining every shard from TRIM_HORIZON, one reader per shard.
        let started = Instant::now();
        let readers: Vec<_> = (0..4)
            .map(|shard| {
                let http = http.clone();
                tokio::spawn(async move {
                    let body = format!(r#"{{"StreamName":"load","ShardId":"shardId-00000000000{shard}","ShardIteratorType":"TRIM_HORIZON"}}"#);
                    let mut iterator = call(&http, port, "GetShardIterator", body).await["ShardIterator"].as_str().unwrap().to_owned();
                    let mut read = 0u64;
                    loop {
                        let page = call(&http, port, "GetRecords", format!(r#"{{"ShardIterator":"{iterator}"}}"#)).await;
                        let n = page["Records"].as_array().map_or(0, Vec::len) as u64;
                        read += n;
                        if n == 0 {
                            break read;
                        }
                        iterator = page["NextShardIterator"].as_str().unwrap().to_owned();
                    }
                })
            })
            .collect();
        let mut read = 0;
        for reader in readers {
            read += reader.await.unwrap();
        }
        println!("GetRecords drain: {:.0} records/s ({read} records)", read as f64 / started.elapsed().as_secs_f64());
    });
}
