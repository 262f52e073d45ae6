//! One consumer's read of one shard over shared throughput, as every simulated polling consumer
//! does it (polling applications, KCL record processors, Lambda's pollers): open an iterator when
//! it has none — after the last record read, else where the application starts — call GetRecords
//! with a limit, remember how far it got and how far behind it is, and notice the shard's end and
//! the children named there. A throttled read keeps its iterator; an expired or refused one is
//! replaced at the next read. A fix to how consumers read is made here, once.

use super::iterator::{StartFrom, open_iterator};
use super::ledger::Ledger;
use crate::streams::ops::read::GetRecordsInput;
use crate::streams::record_page::RecordPage;
use crate::streams::sequence::SequenceNumber;
use crate::streams::shapes::ShardId;
use crate::world::World;

/// Where one consumer is in one shard.
#[derive(Debug, Clone, Default)]
pub struct ShardReader {
    iterator: Option<String>,
    /// The last record read.
    pub last_read: Option<SequenceNumber>,
    /// MillisBehindLatest of the last successful read.
    pub millis_behind: i64,
    /// GetRecords said the shard is closed and read to its end.
    pub at_end: bool,
}

/// What one read is: whose, of which shard, how much, and where a first read starts.
#[derive(Debug, Clone, Copy)]
pub struct ReadAt<'a> {
    /// The stream.
    pub stream: &'a str,
    /// The shard.
    pub shard: ShardId,
    /// The application, as the lag views label it.
    pub reader: &'a str,
    /// GetRecords' Limit.
    pub limit: u32,
    /// Where to start when nothing has been read yet.
    pub start: StartFrom,
}

/// The outcome of one read.
#[derive(Debug)]
pub enum Read {
    /// GetRecords answered (the page may be empty): its records, and at the shard's end the
    /// children it named with their parents.
    Page {
        records: RecordPage,
        children: Vec<(ShardId, Vec<ShardId>)>,
    },
    /// GetRecords or GetShardIterator was throttled.
    Throttled,
    /// The iterator could not be opened or was refused (expired, the shard gone): try later.
    Failed,
}

impl ShardReader {
    /// Reads once.
    pub fn read(&mut self, world: &mut World, ledger: &mut Ledger, at: ReadAt<'_>) -> Read {
        let iterator = match self.iterator.take() {
            Some(iterator) => iterator,
            None => {
                let from = self.last_read.map_or(at.start, StartFrom::After);
                match open_iterator(world, at.stream, at.shard, at.reader, from, ledger) {
                    Ok(iterator) => iterator,
                    Err(error) if error.is_throttling() => return Read::Throttled,
                    Err(_) => return Read::Failed,
                }
            }
        };
        match world.apply(GetRecordsInput::new(&iterator, Some(at.limit))) {
            Ok(page) => {
                self.millis_behind = page.millis_behind_latest;
                if let Some(last) = page.records.last() {
                    self.last_read = Some(last.sequence_number());
                }
                match page.next_shard_iterator {
                    Some(next) => self.iterator = Some(next),
                    None => self.at_end = true,
                }
                let children = page
                    .child_shards
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| (c.shard_id, c.parent_shards))
                    .collect();
                Read::Page {
                    records: page.records,
                    children,
                }
            }
            Err(error) if error.is_throttling() => {
                self.iterator = Some(iterator);
                Read::Throttled
            }
            // Expired, or the shard is gone: a fresh iterator next time, after the last record.
            Err(_) => Read::Failed,
        }
    }
}

impl Ledger {
    /// Enters a page an application processes as it reads it: every record, then the position
    /// it has settled (through the last record; the whole shard at its end). Returns the user
    /// records (KPL aggregates unpacked).
    pub fn take_page(
        &mut self,
        world: &World,
        shard: ShardId,
        records: &RecordPage,
        at_end: bool,
    ) -> u64 {
        let user_records = self.deliver_page(world, shard, records);
        if let Some(last) = records.last() {
            self.settle_through(world, shard, last.counter());
        }
        if at_end {
            self.settle_shard_end(world, shard);
        }
        user_records
    }
}
