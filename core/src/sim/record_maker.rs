//! What a producer makes before it sends anything: how many records a tick is due at its rate,
//! and each record's key, size and payload, from its seeded generator. Making depends on nothing
//! but this state and the time, so a producer whose sending never feeds back into it can have a
//! tick's records made ahead on another thread (see [`super::ahead`]) and get the same ones.

use super::keys::ChosenKey;
use super::payload::generate_into;
use super::producer_spec::ProducerSpec;
use super::rate::RateAccumulator;
use crate::streams::ops::put::{CheckedPutRecords, PutRecordsInput, PutRecordsRequestEntry};
use bytes::Bytes;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// A record on its way: made, in a batch, or waiting to be retried.
#[derive(Debug, Clone, Default)]
pub(super) struct OutgoingRecord {
    pub(super) key: ChosenKey,
    /// A view of the payload buffer it was made in (or the aggregate's bytes).
    pub(super) data: Bytes,
    pub(super) attempts: u32,
    /// User records inside (more than one for a KPL aggregate).
    pub(super) user_records: u32,
    /// When its oldest user record was made (the KPL's RecordTtl counts from there).
    pub(super) added_ms: i64,
}

impl OutgoingRecord {
    /// The request entry for a record sent once (its key and bytes move into the entry).
    pub(super) fn take_entry(&mut self) -> PutRecordsRequestEntry {
        let key = std::mem::take(&mut self.key);
        PutRecordsRequestEntry {
            data: Some(std::mem::take(&mut self.data).into()),
            partition_key: Some(key.partition_key),
            explicit_hash_key: key.explicit_hash_key,
        }
    }
}

/// A producer's spec and the state its records are made from.
#[derive(Debug, Clone)]
pub(super) struct RecordMaker {
    pub(super) spec: ProducerSpec,
    /// The producer's one generator: records, and the backoff of its retries.
    pub(super) rng: ChaCha8Rng,
    started_ms: i64,
    accumulator: RateAccumulator,
    next_seq: u64,
    /// Room to write a generated key in before it is allocated at its size.
    key_scratch: Vec<u8>,
    /// Where each new record's payload starts in the payload buffer.
    payload_starts: Vec<usize>,
}

impl RecordMaker {
    pub(super) fn new(spec: ProducerSpec, seed: u64, now_ms: i64) -> Self {
        Self {
            spec,
            rng: ChaCha8Rng::seed_from_u64(seed),
            started_ms: now_ms,
            accumulator: RateAccumulator::default(),
            next_seq: 0,
            key_scratch: Vec::new(),
            payload_starts: Vec::new(),
        }
    }

    /// Records due in the tick of `dt_ms` that ends at `now`.
    pub(super) fn due(&mut self, now: i64, dt_ms: i64) -> u64 {
        let rate = self.spec.rate.rate_at(now - self.started_ms);
        self.accumulator
            .due(rate, dt_ms, self.spec.jitter, &mut self.rng)
    }

    /// Adds `count` new records made at `now` to `out`, their payloads written into one buffer
    /// they all view.
    pub(super) fn make_into(&mut self, now: i64, count: u64, out: &mut Vec<OutgoingRecord>) {
        let first = out.len();
        let mut payloads = Vec::new();
        for _ in 0..count {
            let key = self.spec.keys.sample(&mut self.rng, &mut self.key_scratch);
            let size = self.spec.size.sample(&mut self.rng);
            self.payload_starts.push(payloads.len());
            generate_into(
                self.spec.payload,
                &mut self.rng,
                &self.spec.name,
                self.next_seq,
                now,
                size,
                &mut payloads,
            );
            self.next_seq += 1;
            out.push(OutgoingRecord {
                key,
                data: Bytes::new(), // a view once the buffer is complete
                attempts: 0,
                user_records: 1,
                added_ms: now,
            });
        }
        let payloads = Bytes::from(payloads);
        let ends = self.payload_starts.iter().skip(1).copied();
        for ((record, &start), end) in out[first..]
            .iter_mut()
            .zip(&self.payload_starts)
            .zip(ends.chain([payloads.len()]))
        {
            record.data = payloads.slice(start..end);
        }
        self.payload_starts.clear();
    }

    /// A whole tick's making: the records due in the tick of `dt_ms` ending at `now`, made into
    /// `out` (emptied first).
    pub(super) fn make_tick(
        &mut self,
        now: i64,
        dt_ms: i64,
        mut out: Vec<OutgoingRecord>,
    ) -> Vec<OutgoingRecord> {
        out.clear();
        let due = self.due(now, dt_ms);
        self.make_into(now, due, &mut out);
        out
    }
}

/// One tick's records, split as PutRecords batches of `batch_size` will take them after
/// `waiting` records already in the producer's batch: `records[..first]` complete that batch,
/// `batches` are whole batches as PutRecords requests with their members checked, and
/// `records[first..]` wait for the next.
#[derive(Debug)]
pub(super) struct MadeTick {
    pub(super) records: Vec<OutgoingRecord>,
    pub(super) first: usize,
    pub(super) batches: Vec<CheckedPutRecords>,
    /// Empty batch vectors given for the split and not needed.
    pub(super) unused: Vec<Vec<PutRecordsRequestEntry>>,
}

impl MadeTick {
    /// Splits `records`, filling the empty vectors of `spare` with the whole batches (the
    /// requests free them on the engine thread: vectors made there are reused there, while
    /// vectors made on the helper and freed elsewhere keep the helper taking fresh memory).
    pub(super) fn split(
        mut records: Vec<OutgoingRecord>,
        waiting: usize,
        batch_size: usize,
        mut spare: Vec<Vec<PutRecordsRequestEntry>>,
        stream: &str,
    ) -> Self {
        let first = match waiting {
            0 => 0,
            _ => batch_size.saturating_sub(waiting).min(records.len()),
        };
        let whole = (records.len() - first) / batch_size;
        let batches = records[first..first + whole * batch_size]
            .chunks_mut(batch_size)
            .map(|chunk| {
                let mut batch = spare.pop().unwrap_or_default();
                batch.extend(chunk.iter_mut().map(OutgoingRecord::take_entry));
                PutRecordsInput::new(stream, batch).check()
            })
            .collect();
        records.drain(first..first + whole * batch_size);
        MadeTick {
            records,
            first,
            batches,
            unused: spare,
        }
    }

    /// What the batch holds once this tick's full batches are sent, `waiting` having been in it:
    /// whatever does not make a whole batch (the whole batches made are multiples of it).
    pub(super) fn left_waiting(&self, waiting: usize, batch_size: usize) -> usize {
        (waiting + self.records.len()) % batch_size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(n: usize) -> Vec<OutgoingRecord> {
        (0..n)
            .map(|i| OutgoingRecord {
                data: Bytes::from(i.to_string()),
                ..OutgoingRecord::default()
            })
            .collect()
    }

    #[test]
    fn a_tick_splits_into_the_batches_sending_in_turn_would_make() {
        for (made, waiting, batch_size) in [
            (23, 0, 5),
            (23, 3, 5),
            (1, 3, 5),
            (10, 0, 5),
            (4, 4, 5),
            (0, 2, 5),
        ] {
            let split = MadeTick::split(numbered(made), waiting, batch_size, Vec::new(), "s");
            // In send order: the first records complete the waiting batch, then the whole
            // batches, then the rest.
            let data = |r: &OutgoingRecord| String::from_utf8(r.data.to_vec()).unwrap();
            let mut order: Vec<String> = split.records[..split.first].iter().map(data).collect();
            for batch in &split.batches {
                assert_eq!(batch.entries().len(), batch_size);
                order.extend(
                    batch
                        .entries()
                        .iter()
                        .map(|e| String::from_utf8(e.data.as_ref().unwrap().0.to_vec()).unwrap()),
                );
            }
            order.extend(split.records[split.first..].iter().map(data));
            let expected: Vec<String> = (0..made).map(|i| i.to_string()).collect();
            assert_eq!(order, expected, "{made} made after {waiting} waiting");
            if waiting > 0 {
                assert!(split.first == made || waiting + split.first == batch_size);
            }
            assert!(split.records.len() - split.first < batch_size);
            // What stays after sending: the waiting batch plus the first records, unless they
            // made it whole, then the rest.
            let completed = waiting + split.first;
            let kept = if waiting > 0 && completed < batch_size {
                completed
            } else {
                0
            };
            assert_eq!(
                split.left_waiting(waiting, batch_size),
                kept + split.records.len() - split.first
            );
        }
    }
}
