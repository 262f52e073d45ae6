//! Engine throughput: PutRecords of 100-byte records in batches of 500 into 64 unthrottled shards,
//! and GetRecords draining them; also prints the memory cost of each stored record beyond its data
//! and key. Run with `cargo bench -p kinescope-core`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use kinescope_core::streams::capacity::ThrottleMode;
use kinescope_core::streams::ops::engine::SetThrottleModeInput;
use kinescope_core::streams::ops::lifecycle::CreateStreamInput;
use kinescope_core::streams::ops::put::{PutRecordsInput, PutRecordsRequestEntry};
use kinescope_core::streams::ops::read::{GetRecordsInput, GetShardIteratorInput};
use kinescope_core::streams::shapes::{ShardId, ShardIteratorType};
use kinescope_core::{Settings, World};
use std::hint::black_box;
use std::time::{Duration, Instant};

const STREAM: &str = "bench";
const SHARDS: u32 = 64;
const BATCH: usize = 500;
const RECORD_BYTES: usize = 100;
/// Batches per fresh world, so memory stays bounded however long criterion runs.
const BATCHES_PER_WORLD: u64 = 2_000;

fn fresh_world() -> World {
    let settings = Settings {
        shard_limit: 1_000,
        ..Settings::default()
    };
    let mut world = World::new(settings, 1);
    world
        .apply(CreateStreamInput::provisioned(STREAM, SHARDS))
        .unwrap();
    world.step(500);
    world
        .apply(SetThrottleModeInput {
            stream: STREAM.into(),
            mode: ThrottleMode::Unthrottled,
        })
        .unwrap();
    world
}

fn batch(seed: u64) -> PutRecordsInput {
    let records = (0..BATCH as u64)
        .map(|i| {
            PutRecordsRequestEntry::new(
                &format!("user-{}", (seed * 7919 + i * 104_729) % 1_000_000),
                vec![b'x'; RECORD_BYTES],
            )
        })
        .collect();
    PutRecordsInput::new(STREAM, records)
}

fn put_records(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("put_records_500x100B_into_64_shards", |b| {
        b.iter_custom(|iters| {
            let mut elapsed = Duration::ZERO;
            let mut world = fresh_world();
            for i in 0..iters {
                if i > 0 && i % BATCHES_PER_WORLD == 0 {
                    world = fresh_world();
                }
                let input = batch(i);
                let start = Instant::now();
                let out = world.apply(input).unwrap();
                elapsed += start.elapsed();
                black_box(out);
            }
            elapsed
        })
    });
    group.finish();
}

fn filled_world(batches: u64) -> World {
    let mut world = fresh_world();
    for i in 0..batches {
        world.apply(batch(i)).unwrap();
    }
    world
}

fn drain(world: &mut World) -> usize {
    let mut read = 0;
    for shard in 0..SHARDS {
        let mut it = world
            .apply(GetShardIteratorInput::new(
                STREAM,
                ShardId(shard),
                ShardIteratorType::TrimHorizon,
            ))
            .unwrap()
            .shard_iterator;
        while let Some(current) = it {
            let page = world.apply(GetRecordsInput::new(&current, None)).unwrap();
            if page.records.is_empty() {
                break;
            }
            read += page.records.len();
            it = page.next_shard_iterator;
        }
    }
    read
}

fn get_records(c: &mut Criterion) {
    const FILL_BATCHES: u64 = 200; // 100,000 records
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(FILL_BATCHES * BATCH as u64));
    group.sample_size(20);
    group.bench_function("get_records_drain_100k_from_64_shards", |b| {
        b.iter_batched(
            || filled_world(FILL_BATCHES),
            |mut world| black_box(drain(&mut world)),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn overhead_report(_: &mut Criterion) {
    let world = filled_world(2_000);
    let stream = world.stream(STREAM).unwrap();
    let records: u64 = stream.shards.iter().map(|s| s.log.len()).sum();
    let payload: u64 = stream.shards.iter().map(|s| s.log.bytes_held()).sum();
    let heap: usize = stream.shards.iter().map(|s| s.log.heap_bytes()).sum();
    println!(
        "stored-record overhead: {:.1} bytes per record beyond data and key ({records} records, {payload} payload bytes, {heap} heap bytes)",
        (heap as f64 - payload as f64) / records as f64
    );
}

criterion_group!(benches, put_records, get_records, overhead_report);
criterion_main!(benches);
