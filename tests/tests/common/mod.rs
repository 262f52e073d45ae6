//! Shared setup for the engine's behaviour tests: a world on the virtual clock and short helpers.
#![allow(dead_code)]

use kinescope_core::streams::ops::lifecycle::CreateStreamInput;
use kinescope_core::streams::ops::put::{
    PutRecordInput, PutRecordOutput, PutRecordsInput, PutRecordsRequestEntry,
};
use kinescope_core::streams::ops::read::{
    GetRecordsInput, GetRecordsOutput, GetShardIteratorInput,
};
use kinescope_core::streams::shapes::{ShardId, ShardIteratorType};
use kinescope_core::{KinesisError, Settings, World};

pub const STREAM: &str = "orders";
pub const ACCOUNT: &str = "000000000000";

/// A fresh world with default settings and seed 7.
pub fn world() -> World {
    World::new(Settings::default(), 7)
}

/// A world holding an ACTIVE provisioned stream `orders` with `shards` shards.
pub fn world_with_stream(shards: u32) -> World {
    let mut world = world();
    world
        .apply(CreateStreamInput::provisioned(STREAM, shards))
        .unwrap();
    world.step(500);
    world
}

/// Steps the virtual clock until `orders`' asynchronous change (a reshard, say) has completed.
pub fn finish_change(world: &mut World) {
    let due = world
        .stream(STREAM)
        .and_then(|s| s.pending.as_ref())
        .map(|p| p.due_ms);
    if let Some(due) = due {
        world.step((due - world.now_ms()).max(0) as u64);
    }
}

/// The ARN of `orders`.
pub fn stream_arn(world: &World) -> String {
    world.stream_arn(STREAM)
}

/// Puts one record into `orders`.
pub fn put(world: &mut World, key: &str, data: &str) -> Result<PutRecordOutput, KinesisError> {
    world.apply(PutRecordInput::new(STREAM, key, data))
}

/// Puts one record routed to `hash_key` into `orders`.
pub fn put_at(
    world: &mut World,
    hash_key: u128,
    data: &[u8],
) -> Result<PutRecordOutput, KinesisError> {
    let mut input = PutRecordInput::new(STREAM, "k", data);
    input.explicit_hash_key = Some(hash_key.to_string().into());
    world.apply(input)
}

/// A PutRecords batch of `n` records of `size` bytes, all routed to `hash_key`.
pub fn batch_at(hash_key: u128, n: usize, size: usize) -> PutRecordsInput {
    let records = (0..n)
        .map(|_| {
            let mut entry = PutRecordsRequestEntry::new("k", vec![7u8; size]);
            entry.explicit_hash_key = Some(hash_key.to_string().into());
            entry
        })
        .collect();
    PutRecordsInput::new(STREAM, records)
}

/// An iterator of `kind` on `shard` of `orders`.
pub fn iterator(world: &mut World, shard: u32, kind: ShardIteratorType) -> String {
    world
        .apply(GetShardIteratorInput::new(STREAM, ShardId(shard), kind))
        .unwrap()
        .shard_iterator
        .unwrap()
}

/// GetRecords with `iterator`.
pub fn get(world: &mut World, iterator: &str) -> Result<GetRecordsOutput, KinesisError> {
    world.apply(GetRecordsInput::new(iterator, None))
}

/// Reads a shard from TRIM_HORIZON to the tip (or its end), stepping 200 ms between calls so the
/// 5 reads/s limit is respected; returns the data of every record read.
pub fn drain(world: &mut World, shard: u32) -> Vec<Vec<u8>> {
    let mut it = Some(iterator(world, shard, ShardIteratorType::TrimHorizon));
    let mut out = Vec::new();
    while let Some(current) = it.take() {
        world.step(200);
        let page = get(world, &current).unwrap();
        let empty = page.records.is_empty();
        out.extend(page.records.iter().map(|r| r.data().to_vec()));
        if empty && page.millis_behind_latest == 0 {
            break;
        }
        it = page.next_shard_iterator;
    }
    out
}

/// The AWS error code of a failed command.
pub fn code<T: std::fmt::Debug>(result: Result<T, KinesisError>) -> &'static str {
    result.expect_err("expected an error").code()
}

/// The AWS error message of a failed command.
pub fn message<T: std::fmt::Debug>(result: Result<T, KinesisError>) -> String {
    result.expect_err("expected an error").message().to_owned()
}
