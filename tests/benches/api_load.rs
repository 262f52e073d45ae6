//! Load benchmark of the HTTP API over loopback (not part of `make test`), side by side with
//! kinesalite in the same run and with the same load: an in-process `kinescope` server (as
//! `kinescope serve --throttle unthrottled` runs it), and kinesalite when `KINESALITE` names its
//! command (`make bench-api` installs kinesalite 3.3.3 from npm and sets it). Phases, each
//! `SECONDS` long (default 5), on keep-alive HTTP/1.1 connections, JSON 1.1:
//!   PutRecord of 100 B with 16 connections (requests/s, p50, p99)
//!   PutRecords of 500 × 100 B with 8 connections (records/s)
//!   GetRecords draining what was written, one reader per shard (records/s)
//!   and, for kinescope alone (kinesalite has no Firehose), PutRecordBatch of 500 × 100 B with 8
//!   connections into a DirectPut delivery stream whose objects land in an S3 folder of a
//!   temporary data directory (records/s, objects written)
//! Each round measures kinesalite then kinescope on fresh servers; `API_LOAD_ROUNDS` rounds
//! (default 3), then the median of the rounds' ratios and their range.
//! Run: `cargo bench -p kinescope-tests --bench api_load -- SECONDS`.

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
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The allocator `kinescope` itself uses, tuned as it is (kinescope_core::allocator).
#[global_allocator]
static ALLOCATOR: kinescope_core::allocator::Allocator = kinescope_core::allocator::Allocator;

type Http = Client<HttpConnector, Full<Bytes>>;

const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";
const SHARDS: usize = 4;

/// What one server did under the load.
#[derive(Debug, Default, Clone, Copy)]
struct Figures {
    put_record_per_s: f64,
    put_record_p50_ms: f64,
    put_record_p99_ms: f64,
    put_records_per_s: f64,
    get_records_per_s: f64,
    put_record_batch_per_s: f64,
    objects_written: usize,
}

/// One call; the raw response body (the load loops skip JSON parsing to keep the client light).
async fn call(http: &Http, port: u16, operation: &str, body: Bytes) -> Bytes {
    call_service(http, port, "Kinesis_20131202", operation, body).await
}

/// One call of `service`'s `operation`.
async fn call_service(
    http: &Http,
    port: u16,
    service: &str,
    operation: &str,
    body: Bytes,
) -> Bytes {
    let request = hyper::Request::post(format!("http://127.0.0.1:{port}/"))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("{service}.{operation}"))
        .header("x-amz-date", "20260101T000000Z")
        .header("authorization", AUTH)
        .body(Full::new(body))
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

async fn call_json(http: &Http, port: u16, operation: &str, body: String) -> serde_json::Value {
    serde_json::from_slice(&call(http, port, operation, Bytes::from(body)).await)
        .unwrap_or(serde_json::Value::Null)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p) as usize]
}

/// Runs every phase against the server on `port`.
async fn measure(port: u16, seconds: u64) -> Figures {
    let http: Http = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(64)
        .build_http();
    let create = format!(r#"{{"StreamName":"load","ShardCount":{SHARDS}}}"#);
    call(&http, port, "CreateStream", Bytes::from(create)).await;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let data = base64::engine::general_purpose::STANDARD.encode([b'x'; 100]);
    let mut figures = Figures::default();

    // Profiling one phase: API_LOAD_ONLY=PutRecords runs that phase alone.
    let only = std::env::var("API_LOAD_ONLY").ok();
    let runs = |phase: &str| only.as_deref().is_none_or(|o| o == phase);

    // PutRecord, 16 connections; bodies made before the clock starts.
    let phase_seconds = if runs("PutRecord") { seconds } else { 0 };
    let deadline = Instant::now() + Duration::from_secs(phase_seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..16)
        .map(|w| {
            let http = http.clone();
            let bodies: Vec<Bytes> = (0..1_024)
                .map(|i| {
                    Bytes::from(format!(
                        r#"{{"StreamName":"load","PartitionKey":"k{w}-{i}","Data":"{data}"}}"#
                    ))
                })
                .collect();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                for body in bodies.iter().cycle() {
                    if Instant::now() >= deadline {
                        break;
                    }
                    let t = Instant::now();
                    call(&http, port, "PutRecord", body.clone()).await;
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    latencies.sort_unstable();
    if !latencies.is_empty() {
        figures.put_record_per_s = latencies.len() as f64 / started.elapsed().as_secs_f64();
        figures.put_record_p50_ms = percentile(&latencies, 0.50).as_secs_f64() * 1e3;
        figures.put_record_p99_ms = percentile(&latencies, 0.99).as_secs_f64() * 1e3;
    }

    // PutRecords of 500 × 100 B, 8 connections.
    let phase_seconds = if runs("PutRecords") { seconds } else { 0 };
    let deadline = Instant::now() + Duration::from_secs(phase_seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..8)
        .map(|w| {
            let http = http.clone();
            let bodies: Vec<Bytes> = (0..16)
                .map(|b| {
                    let entries: Vec<String> = (0..500)
                        .map(|i| format!(r#"{{"PartitionKey":"u{w}-{b}-{i}","Data":"{data}"}}"#))
                        .collect();
                    Bytes::from(format!(
                        r#"{{"StreamName":"load","Records":[{}]}}"#,
                        entries.join(",")
                    ))
                })
                .collect();
            tokio::spawn(async move {
                let mut records = 0u64;
                for body in bodies.iter().cycle() {
                    if Instant::now() >= deadline {
                        break;
                    }
                    let out = call(&http, port, "PutRecords", body.clone()).await;
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
    figures.put_records_per_s = records as f64 / started.elapsed().as_secs_f64();

    // GetRecords draining every shard from TRIM_HORIZON, one reader per shard.
    let started = Instant::now();
    let readers: Vec<_> = (0..SHARDS)
        .map(|shard| {
            let http = http.clone();
            tokio::spawn(async move {
                let body = format!(
                    r#"{{"StreamName":"load","ShardId":"shardId-{shard:012}","ShardIteratorType":"TRIM_HORIZON"}}"#
                );
                let first = call_json(&http, port, "GetShardIterator", body).await;
                let mut iterator = first["ShardIterator"].as_str().unwrap().to_owned();
                let mut read = 0u64;
                loop {
                    let body = format!(r#"{{"ShardIterator":"{iterator}"}}"#);
                    let page = call_json(&http, port, "GetRecords", body).await;
                    let n = page["Records"].as_array().map_or(0, Vec::len) as u64;
                    read += n;
                    match page["NextShardIterator"].as_str() {
                        Some(next) if n > 0 => iterator = next.to_owned(),
                        _ => break read,
                    }
                }
            })
        })
        .collect();
    let mut read = 0;
    for reader in readers {
        read += reader.await.unwrap();
    }
    figures.get_records_per_s = read as f64 / started.elapsed().as_secs_f64();
    figures
}

/// PutRecordBatch of 500 × 100 B, 8 connections, into a delivery stream writing to an S3 folder.
async fn measure_firehose(port: u16, seconds: u64, data_dir: &std::path::Path) -> (f64, usize) {
    let http: Http = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(64)
        .build_http();
    let create = r#"{"DeliveryStreamName":"load","ExtendedS3DestinationConfiguration":{"RoleARN":"arn:aws:iam::000000000000:role/r","BucketARN":"arn:aws:s3:::load-bucket"}}"#;
    call_service(
        &http,
        port,
        "Firehose_20150804",
        "CreateDeliveryStream",
        Bytes::from(create),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let data = base64::engine::general_purpose::STANDARD.encode([b'x'; 100]);
    let entries: Vec<String> = (0..500)
        .map(|_| format!(r#"{{"Data":"{data}"}}"#))
        .collect();
    let body = Bytes::from(format!(
        r#"{{"DeliveryStreamName":"load","Records":[{}]}}"#,
        entries.join(",")
    ));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let http = http.clone();
            let body = body.clone();
            tokio::spawn(async move {
                let mut records = 0u64;
                while Instant::now() < deadline {
                    let out = call_service(
                        &http,
                        port,
                        "Firehose_20150804",
                        "PutRecordBatch",
                        body.clone(),
                    )
                    .await;
                    assert!(out.starts_with(br#"{"FailedPutCount":0,"#));
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
    let per_second = records as f64 / started.elapsed().as_secs_f64();
    let folder = data_dir.join("s3").join("load-bucket");
    let objects = walk_files(&folder);
    (per_second, objects)
}

fn walk_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                if e.path().is_dir() {
                    walk_files(&e.path())
                } else {
                    1
                }
            })
            .sum()
    })
}

/// An in-process server, as `kinescope serve --throttle unthrottled --data-dir DIR` runs it (one
/// thread).
fn start_kinescope(data_dir: &std::path::Path) -> u16 {
    let data_dir = data_dir.to_owned();
    let (port_tx, port_rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("server".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let settings = Settings {
                    default_throttle: ThrottleMode::Unthrottled,
                    data_dir: Some(data_dir),
                    ..Settings::default()
                };
                let world = SharedWorld::new(World::new(settings, 1), Speed::Factor(1.0));
                let listener = api::bind("127.0.0.1", 0).await.unwrap();
                port_tx.send(listener.local_addr().unwrap().port()).unwrap();
                let state = ApiState {
                    world,
                    auth: AuthMode::AcceptAnySignature,
                    log_requests: false,
                };
                api::serve(listener, None, state, std::future::pending())
                    .await
                    .unwrap();
            });
        })
        .unwrap();
    port_rx.recv().unwrap()
}

/// kinesalite on a free port, if `KINESALITE` names its command.
fn start_kinesalite() -> Option<(Child, u16)> {
    let command = std::env::var("KINESALITE").ok()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let mut child = Command::new(command)
        .args(["--port", &port.to_string(), "--createStreamMs", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("KINESALITE names a runnable kinesalite");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some((child, port));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("kinesalite did not start");
}

fn print(name: &str, f: &Figures) {
    println!(
        "{name:>10}: PutRecord c=16 {:>9.0} req/s (p50 {:.2} ms, p99 {:.2} ms) | PutRecords 500x100 B c=8 {:>10.0} records/s | GetRecords {:>9.0} records/s",
        f.put_record_per_s,
        f.put_record_p50_ms,
        f.put_record_p99_ms,
        f.put_records_per_s,
        f.get_records_per_s
    );
}

fn main() {
    kinescope_core::allocator::tune();
    let seconds: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5);
    let rounds: usize = std::env::var("API_LOAD_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3)
        .max(1);
    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    // Rounds alternate the two servers, each round on fresh ones, and the ratio of each round
    // compares runs minutes apart at most: this machine's speed drifts more than that.
    let mut ratios: Vec<[f64; 3]> = Vec::new();
    for round in 1..=rounds {
        let kinesalite = start_kinesalite().map(|(mut child, port)| {
            let figures = client.block_on(measure(port, seconds));
            let _ = child.kill();
            let _ = child.wait();
            figures
        });
        let data_dir =
            std::env::temp_dir().join(format!("kinescope-bench-{}-{round}", std::process::id()));
        let port = start_kinescope(&data_dir);
        let mut kinescope = client.block_on(measure(port, seconds));
        (kinescope.put_record_batch_per_s, kinescope.objects_written) =
            client.block_on(measure_firehose(port, seconds, &data_dir));
        let _ = std::fs::remove_dir_all(&data_dir);
        println!("round {round} of {rounds}");
        print("kinescope", &kinescope);
        println!(
            "  firehose: PutRecordBatch 500x100 B c=8 {:>10.0} records/s into an S3 folder ({} objects written)",
            kinescope.put_record_batch_per_s, kinescope.objects_written
        );
        let Some(k) = kinesalite else {
            println!("(set KINESALITE to kinesalite's command to compare: make bench-api)");
            continue;
        };
        print("kinesalite", &k);
        let ratio = [
            kinescope.put_record_per_s / k.put_record_per_s,
            kinescope.put_records_per_s / k.put_records_per_s,
            kinescope.get_records_per_s / k.get_records_per_s,
        ];
        println!(
            "     ratio: PutRecord {:.1}x, PutRecords {:.1}x, GetRecords {:.1}x",
            ratio[0], ratio[1], ratio[2]
        );
        ratios.push(ratio);
    }
    if ratios.len() > 1 {
        let summary = |i: usize| {
            let mut column: Vec<f64> = ratios.iter().map(|r| r[i]).collect();
            column.sort_by(f64::total_cmp);
            let median = column[column.len() / 2];
            format!(
                "{median:.1}x ({:.1}-{:.1})",
                column[0],
                column[column.len() - 1]
            )
        };
        println!(
            "median of {} rounds: PutRecord {}, PutRecords {}, GetRecords {}",
            ratios.len(),
            summary(0),
            summary(1),
            summary(2)
        );
    }
}
