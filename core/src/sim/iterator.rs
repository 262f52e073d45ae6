//! Opening a shard iterator the way every simulated consumer does: after the last record it
//! handled, else from the oldest record or the newest.

use super::ledger::Ledger;
use crate::streams::error::KinesisError;
use crate::streams::ops::read::GetShardIteratorInput;
use crate::streams::sequence::SequenceNumber;
use crate::streams::shapes::{ShardId, ShardIteratorType};
use crate::time::Timestamp;
use crate::world::World;

/// Where a consumer (re)starts reading a shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartFrom {
    /// Just after this record (a checkpoint, or the last record processed).
    After(SequenceNumber),
    /// At this record.
    At(SequenceNumber),
    /// The first record that arrived at or after this virtual time (epoch ms).
    AtTimestamp(i64),
    /// The oldest record still in the shard.
    TrimHorizon,
    /// Records arriving from now on.
    Latest,
}

impl StartFrom {
    /// TRIM_HORIZON or LATEST as a scenario names them; a child shard always starts at its
    /// beginning so that nothing between parent and child is skipped.
    pub fn initial(start: &str, is_child: bool) -> StartFrom {
        if is_child || start == "TRIM_HORIZON" {
            StartFrom::TrimHorizon
        } else {
            StartFrom::Latest
        }
    }
}

/// Opens an iterator on `shard`, labelled `reader` for the lag views, and tells the ledger the
/// record it starts at (everything from there is owed). The engine's refusal (a throttle of
/// GetShardIterator's 5 calls/s, a shard gone) goes back to the caller, which retries later.
pub fn open_iterator(
    world: &mut World,
    stream: &str,
    shard: ShardId,
    reader: &str,
    from: StartFrom,
    ledger: &mut Ledger,
) -> Result<String, KinesisError> {
    let mut input = match from {
        StartFrom::After(sequence) => {
            GetShardIteratorInput::new(stream, shard, ShardIteratorType::AfterSequenceNumber)
                .at_sequence(&sequence)
        }
        StartFrom::TrimHorizon => {
            GetShardIteratorInput::new(stream, shard, ShardIteratorType::TrimHorizon)
        }
        StartFrom::At(sequence) => {
            GetShardIteratorInput::new(stream, shard, ShardIteratorType::AtSequenceNumber)
                .at_sequence(&sequence)
        }
        StartFrom::AtTimestamp(ms) => {
            GetShardIteratorInput::new(stream, shard, ShardIteratorType::AtTimestamp)
                .at_time(Timestamp(ms))
        }
        StartFrom::Latest => GetShardIteratorInput::new(stream, shard, ShardIteratorType::Latest),
    };
    input.reader_label = Some(reader.into());
    let iterator = world.apply(input)?.shard_iterator.unwrap_or_default();
    // Where the iterator points, so the ledger expects every record from there on.
    if let Some(log) = world
        .stream(stream)
        .and_then(|s| s.shard(shard))
        .map(|s| &s.log)
    {
        let ordinal = match from {
            StartFrom::After(sequence) => log.first_at_or_after_counter(sequence.counter + 1),
            StartFrom::At(sequence) => log.first_at_or_after_counter(sequence.counter),
            StartFrom::AtTimestamp(ms) => log.first_at_or_after_time(ms),
            StartFrom::TrimHorizon => 0,
            StartFrom::Latest => log.end_ordinal(),
        };
        ledger.expect_from(shard, ordinal);
    }
    Ok(iterator)
}
