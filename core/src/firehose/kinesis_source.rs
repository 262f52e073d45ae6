//! A delivery stream reading a Kinesis data stream (reference B.2): a consumer of the stream
//! through the Data Streams read path — GetShardIterator and GetRecords, once a second per shard,
//! sharing the shard's read limits, labelled as a reader on the stream map — starting at LATEST,
//! reading parents before children (children from their start), and unpacking KPL aggregates.

use crate::sim::kpl::deaggregate;
use crate::sim::lineage::Lineage;
use crate::streams::ops::read::{GetRecordsInput, GetShardIteratorInput};
use crate::streams::sequence::SequenceNumber;
use crate::streams::shapes::{ShardId, ShardIteratorType};
use crate::world::World;
use bytes::Bytes;
use std::collections::BTreeMap;

/// How often each shard is read (B.2: GetRecords once per second per shard).
pub const READ_INTERVAL_MS: i64 = 1_000;
/// How often the shards are listed, to find children of a reshard.
const LISTING_INTERVAL_MS: i64 = 10_000;

/// Where a reader starts in the shards that exist when it begins (shards found later are read
/// from their start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartFrom {
    Latest,
    TrimHorizon,
    /// The first record that arrived at or after this time (epoch ms).
    AtTimestamp(i64),
}

/// Where the source reader is in one shard.
#[derive(Debug, Clone, Default)]
struct SourceShard {
    iterator: Option<String>,
    last_read: Option<SequenceNumber>,
    at_end: bool,
    next_read_ms: i64,
}

/// A delivery stream's reading of its source stream.
#[derive(Debug, Clone)]
pub struct KinesisSource {
    /// The source stream's name.
    pub stream: String,
    /// How the stream map labels this reader.
    pub label: String,
    /// Where the shards that exist when reading begins are read from.
    start: StartFrom,
    lineage: Lineage,
    /// Shards that existed when reading began start at LATEST; any found later, at their start.
    original: Vec<ShardId>,
    shards: BTreeMap<ShardId, SourceShard>,
    started: bool,
    /// Records read (user records, after de-aggregation).
    pub records_read: u64,
    /// Reads refused by the shard's limits.
    pub throttled_reads: u64,
    /// MillisBehindLatest of the most recent read, per shard.
    pub millis_behind: BTreeMap<ShardId, i64>,
}

impl KinesisSource {
    /// A reader of `stream` for delivery stream `delivery_stream`.
    pub fn new(stream: &str, delivery_stream: &str) -> Self {
        Self::labelled(
            stream,
            format!("firehose:{delivery_stream}"),
            StartFrom::Latest,
        )
    }

    /// A reader of `stream` shown on the map as `label`, starting at `start`.
    pub fn labelled(stream: &str, label: String, start: StartFrom) -> Self {
        Self {
            stream: stream.to_owned(),
            label,
            start,
            lineage: Lineage::default(),
            original: Vec::new(),
            shards: BTreeMap::new(),
            started: false,
            records_read: 0,
            throttled_reads: 0,
            millis_behind: BTreeMap::new(),
        }
    }

    /// When a shard is next due for a read.
    pub fn next_read_ms(&self) -> Option<i64> {
        self.shards
            .values()
            .filter(|s| !s.at_end)
            .map(|s| s.next_read_ms)
            .min()
    }

    /// Reads every shard that is due and whose parents are finished; returns the records' data
    /// with the time each arrived in the stream.
    pub fn poll(&mut self, world: &mut World, now: i64) -> Vec<(Bytes, i64)> {
        if let Some(known) = self
            .lineage
            .refresh(world, &self.stream, LISTING_INTERVAL_MS)
        {
            if !self.started {
                self.original = known.clone();
                self.started = true;
            }
            for shard in known {
                self.shards.entry(shard).or_insert_with(|| SourceShard {
                    next_read_ms: now,
                    ..SourceShard::default()
                });
            }
        }
        let due: Vec<ShardId> = self
            .shards
            .iter()
            .filter(|(_, s)| !s.at_end && s.next_read_ms <= now)
            .map(|(id, _)| *id)
            .collect();
        let mut data = Vec::new();
        for shard in due {
            let finished = |p: ShardId| self.shards.get(&p).is_some_and(|s| s.at_end);
            if !self.lineage.parents_done(shard, finished) {
                continue;
            }
            self.read_shard(world, shard, now, &mut data);
        }
        data
    }

    fn read_shard(
        &mut self,
        world: &mut World,
        shard: ShardId,
        now: i64,
        out: &mut Vec<(Bytes, i64)>,
    ) {
        let start = if self.original.contains(&shard) {
            self.start
        } else {
            StartFrom::TrimHorizon
        };
        let state = self.shards.entry(shard).or_default();
        state.next_read_ms = now + READ_INTERVAL_MS;
        let iterator = match state.iterator.take() {
            Some(iterator) => iterator,
            None => {
                let stream = &self.stream;
                let input = match (&state.last_read, start) {
                    (Some(last), _) => GetShardIteratorInput::new(
                        stream,
                        shard,
                        ShardIteratorType::AfterSequenceNumber,
                    )
                    .at_sequence(last),
                    (None, StartFrom::TrimHorizon) => {
                        GetShardIteratorInput::new(stream, shard, ShardIteratorType::TrimHorizon)
                    }
                    (None, StartFrom::Latest) => {
                        GetShardIteratorInput::new(stream, shard, ShardIteratorType::Latest)
                    }
                    (None, StartFrom::AtTimestamp(ms)) => {
                        GetShardIteratorInput::new(stream, shard, ShardIteratorType::AtTimestamp)
                            .at_time(crate::time::Timestamp(ms))
                    }
                };
                let input = GetShardIteratorInput {
                    reader_label: Some(self.label.clone()),
                    ..input
                };
                match world.apply(input) {
                    Ok(out) => out.shard_iterator.unwrap_or_default(),
                    Err(error) => {
                        if error.is_throttling() {
                            self.throttled_reads += 1;
                        }
                        return;
                    }
                }
            }
        };
        match world.apply(GetRecordsInput::new(&iterator, None)) {
            Ok(page) => {
                self.millis_behind.insert(shard, page.millis_behind_latest);
                if let Some(last) = page.records.last() {
                    state.last_read = Some(last.sequence_number());
                }
                for record in page.records.iter() {
                    let (data, arrival) = (record.data(), record.arrival_ms());
                    match deaggregate(data) {
                        Some(users) => {
                            self.records_read += users.len() as u64;
                            out.extend(users.into_iter().map(|u| (Bytes::from(u.data), arrival)));
                        }
                        None => {
                            self.records_read += 1;
                            out.push((Bytes::copy_from_slice(data), arrival));
                        }
                    }
                }
                match page.next_shard_iterator {
                    Some(next) => state.iterator = Some(next),
                    None => state.at_end = true,
                }
                let children: Vec<(ShardId, Vec<ShardId>)> = page
                    .child_shards
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| (c.shard_id, c.parent_shards))
                    .collect();
                self.lineage.learn_children(shard, &children);
                for (child, _) in children {
                    self.shards.entry(child).or_insert_with(|| SourceShard {
                        next_read_ms: now,
                        ..SourceShard::default()
                    });
                }
                world.give_back_page(page.records);
            }
            Err(error) if error.is_throttling() => {
                self.throttled_reads += 1;
                state.iterator = Some(iterator);
            }
            Err(_) => {}
        }
    }
}
