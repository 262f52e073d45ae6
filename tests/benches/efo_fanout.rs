//! Enhanced fan-out at scale (not part of `make test`): 200 SubscribeToShard subscriptions (two
//! consumers on each of 100 shards) over HTTP with aws-sdk-kinesis, while a producer writes 2,000
//! records/s with PutRecord, each to the next shard in turn. Each record carries the wall time it was sent, so every
//! subscriber measures how long delivery took. Prints records written and delivered, delivery
//! latency (p50, p99, max), and how many subscriptions the engine looked at per write — the cost
//! of waking subscribers, which stays at the shards written rather than every subscription.
//! Run: `cargo bench -p kinescope-tests --bench efo_fanout -- SECONDS` (default 10).

use aws_sdk_kinesis::config::{BehaviorVersion, Credentials, Region, retry::RetryConfig};
use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::{
    ConsumerStatus, ShardIteratorType, StartingPosition, StreamStatus, SubscribeToShardEventStream,
};
use aws_sdk_kinesis::{Client, Config};
use kinescope_core::api::{self, ApiState, AuthMode};
use kinescope_core::live::SharedWorld;
use kinescope_core::{Settings, Speed, World};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The allocator `kinescope` itself uses, tuned as it is (kinescope_core::allocator).
#[global_allocator]
static ALLOCATOR: kinescope_core::allocator::Allocator = kinescope_core::allocator::Allocator;

const SHARDS: u32 = 100;
const CONSUMERS: usize = 2;
const RECORDS_PER_SECOND: usize = 2_000;
/// The producer sends every this long.
const SEND_EVERY: Duration = Duration::from_millis(10);

/// An in-process server, as `kinescope serve` runs it, and its world (to read the engine's count
/// of subscription visits).
fn start_server() -> (u16, Arc<SharedWorld>) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("server".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let settings = Settings::starting_now();
                let world = SharedWorld::new(World::new(settings, 1), Speed::Factor(1.0));
                let listener = api::bind("127.0.0.1", 0).await.unwrap();
                tx.send((listener.local_addr().unwrap().port(), world.clone()))
                    .unwrap();
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
    rx.recv().unwrap()
}

fn client(port: u16) -> Client {
    let config = Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .credentials_provider(Credentials::new("AKID", "secret", None, None, "bench"))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .retry_config(RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

/// Waits until `ready` says yes, polling gently (the describe calls have their own rate limits).
async fn wait_for(mut ready: impl AsyncFnMut() -> bool) {
    while !ready().await {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Microseconds since `origin`, as the first 8 bytes of a record.
fn stamp(origin: Instant) -> [u8; 8] {
    (origin.elapsed().as_micros() as u64).to_be_bytes()
}

#[derive(Default)]
struct Delivered {
    records: u64,
    latencies_us: Vec<u64>,
}

async fn subscribe_all(
    client: &Client,
    consumers: &[String],
    origin: Instant,
    delivered: &Arc<Mutex<Delivered>>,
    stop: &Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut tasks = Vec::new();
    for consumer in consumers {
        for shard in 0..SHARDS {
            let mut output = client
                .subscribe_to_shard()
                .consumer_arn(consumer)
                .shard_id(format!("shardId-{shard:012}"))
                .starting_position(
                    StartingPosition::builder()
                        .r#type(ShardIteratorType::Latest)
                        .build()
                        .unwrap(),
                )
                .send()
                .await
                .expect("SubscribeToShard");
            let (delivered, stop) = (delivered.clone(), stop.clone());
            tasks.push(tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let Ok(Some(event)) = output.event_stream.recv().await else {
                        break;
                    };
                    let SubscribeToShardEventStream::SubscribeToShardEvent(event) = event else {
                        continue;
                    };
                    let now = origin.elapsed().as_micros() as u64;
                    let mut delivered = delivered.lock().unwrap();
                    for record in event.records() {
                        let sent =
                            u64::from_be_bytes(record.data().as_ref()[..8].try_into().unwrap());
                        delivered.records += 1;
                        delivered.latencies_us.push(now.saturating_sub(sent));
                    }
                }
            }));
        }
    }
    tasks
}

async fn run(port: u16, world: Arc<SharedWorld>, seconds: u64) {
    let client = client(port);
    client
        .create_stream()
        .stream_name("fanout")
        .shard_count(SHARDS as i32)
        .send()
        .await
        .unwrap();
    wait_for(async || {
        let summary = client
            .describe_stream_summary()
            .stream_name("fanout")
            .send()
            .await
            .unwrap();
        summary
            .stream_description_summary()
            .unwrap()
            .stream_status()
            == &StreamStatus::Active
    })
    .await;
    let arn = world.read(|w| w.stream_arn("fanout"));
    let mut consumers = Vec::new();
    for i in 0..CONSUMERS {
        let consumer = client
            .register_stream_consumer()
            .stream_arn(&arn)
            .consumer_name(format!("app-{i}"))
            .send()
            .await
            .unwrap();
        consumers.push(consumer.consumer().unwrap().consumer_arn().to_owned());
    }
    for consumer in &consumers {
        wait_for(async || {
            let described = client
                .describe_stream_consumer()
                .consumer_arn(consumer)
                .send()
                .await
                .unwrap();
            described.consumer_description().unwrap().consumer_status() == &ConsumerStatus::Active
        })
        .await;
    }
    let origin = Instant::now();
    let delivered = Arc::new(Mutex::new(Delivered::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let tasks = subscribe_all(&client, &consumers, origin, &delivered, &stop).await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Explicit hash keys at each shard's start, taken in turn.
    let per_send = RECORDS_PER_SECOND * SEND_EVERY.as_millis() as usize / 1_000;
    let keys: Vec<String> = (0..SHARDS)
        .map(|i| ((u128::MAX / u128::from(SHARDS) + 1) * u128::from(i)).to_string())
        .collect();
    let visits_before = world.read(|w| w.subscription_visits());
    let (mut written, mut calls) = (0u64, 0u64);
    let started = Instant::now();
    let mut interval = tokio::time::interval(SEND_EVERY);
    while started.elapsed() < Duration::from_secs(seconds) {
        interval.tick().await;
        for _ in 0..per_send {
            let mut data = [0u8; 100];
            data[..8].copy_from_slice(&stamp(origin));
            let key = &keys[calls as usize % keys.len()];
            let sent = client
                .put_record()
                .stream_name("fanout")
                .partition_key("k")
                .explicit_hash_key(key)
                .data(Blob::new(data))
                .send()
                .await;
            written += u64::from(sent.is_ok());
            calls += 1;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let visits = world.read(|w| w.subscription_visits()) - visits_before;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.abort();
    }
    let mut delivered = std::mem::take(&mut *delivered.lock().unwrap());
    delivered.latencies_us.sort_unstable();
    let at = |p: f64| {
        let l = &delivered.latencies_us;
        l.get(((l.len().max(1) - 1) as f64 * p) as usize)
            .copied()
            .unwrap_or(0) as f64
            / 1e3
    };
    println!(
        "{} subscriptions ({CONSUMERS} consumers x {SHARDS} shards), {seconds} s at {RECORDS_PER_SECOND} records/s:",
        CONSUMERS * SHARDS as usize
    );
    println!(
        "  {written} records written with PutRecord; {} delivered ({:.0}/s, expected {})",
        delivered.records,
        delivered.records as f64 / elapsed,
        written * CONSUMERS as u64
    );
    println!(
        "  delivery latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        at(0.50),
        at(0.99),
        at(1.0)
    );
    println!(
        "  subscriptions looked at: {visits}, {:.1} per record written (every subscription at every call and tick would be {} per call)",
        visits as f64 / calls.max(1) as f64,
        CONSUMERS * SHARDS as usize
    );
}

fn main() {
    kinescope_core::allocator::tune();
    let seconds: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10);
    let (port, world) = start_server();
    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    client.block_on(run(port, world, seconds));
}
