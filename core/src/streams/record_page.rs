//! Records read from one shard together, as one value: a compact entry per record over shared
//! views of the log's buffers. A reader that looks at each record once — the simulators' checks,
//! at hundreds of thousands of records a second — pays for a 32-byte entry, not for an owned
//! record with two reference-counted views; an owned [`Record`] is made only where one is kept or
//! sent on (the wire, the inspector, a Lambda batch).

use super::sequence::SequenceNumber;
use super::shapes::{Blob, EncryptionType, Record};
use super::shared_str::SharedStr;
use crate::time::Timestamp;
use bytes::Bytes;
use serde::{Serialize, Serializer};
use std::fmt;

/// Records of one shard in ordinal order, as a read returned them.
#[derive(Clone, Default)]
pub struct RecordPage {
    shard_created_ms: i64,
    shard_index: u32,
    entries: Vec<Entry>,
    /// The buffers the entries point into.
    chunks: Vec<Bytes>,
}

/// One record: where its key and data lie in a chunk (key first, data right after).
#[derive(Debug, Clone, Copy)]
struct Entry {
    counter: u64,
    arrival_ms: i64,
    chunk: u32,
    key_start: u32,
    data_end: u32,
    key_len: u16,
    encrypted: bool,
}

/// One record of a page, borrowed.
#[derive(Clone, Copy)]
pub struct RecordRef<'a> {
    page: &'a RecordPage,
    entry: &'a Entry,
}

impl RecordPage {
    /// An empty page of the shard with this creation time and index (they make the sequence
    /// numbers).
    pub fn of_shard(shard_created_ms: i64, shard_index: u32) -> Self {
        Self {
            shard_created_ms,
            shard_index,
            ..Self::default()
        }
    }

    /// Empties the page for another read of the shard given, keeping its room.
    pub(crate) fn reset(&mut self, shard_created_ms: i64, shard_index: u32) {
        self.shard_created_ms = shard_created_ms;
        self.shard_index = shard_index;
        self.entries.clear();
        self.chunks.clear();
    }

    /// Makes room for `n` more records.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.entries.reserve(n);
    }

    /// Adds a buffer that the records pushed next lie in; returns its number.
    pub(crate) fn push_chunk(&mut self, chunk: &Bytes) -> u32 {
        self.chunks.push(chunk.clone());
        (self.chunks.len() - 1) as u32
    }

    /// Adds a record whose key is `chunk[key_start..key_start + key_len]` and whose data follows
    /// it up to `data_end`. The key's bytes must be UTF-8 (the log stores keys from `&str`).
    pub(crate) fn push(
        &mut self,
        counter: u64,
        arrival_ms: i64,
        chunk: u32,
        key: std::ops::Range<usize>,
        data_end: usize,
        encrypted: bool,
    ) {
        debug_assert!(std::str::from_utf8(&self.chunks[chunk as usize][key.clone()]).is_ok());
        self.entries.push(Entry {
            counter,
            arrival_ms,
            chunk,
            key_start: key.start as u32,
            key_len: key.len() as u16,
            data_end: data_end as u32,
            encrypted,
        });
    }

    /// Records in the page.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the page holds no record.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The records, oldest first.
    pub fn iter(
        &self,
    ) -> impl DoubleEndedIterator<Item = RecordRef<'_>> + ExactSizeIterator + Clone {
        self.entries
            .iter()
            .map(|entry| RecordRef { page: self, entry })
    }

    /// The record at `index`.
    pub fn get(&self, index: usize) -> Option<RecordRef<'_>> {
        self.entries
            .get(index)
            .map(|entry| RecordRef { page: self, entry })
    }

    /// The first record.
    pub fn first(&self) -> Option<RecordRef<'_>> {
        self.get(0)
    }

    /// The last record.
    pub fn last(&self) -> Option<RecordRef<'_>> {
        self.entries
            .last()
            .map(|entry| RecordRef { page: self, entry })
    }

    /// The records as owned values (views of the same buffers).
    pub fn to_records(&self) -> Vec<Record> {
        self.iter().map(|r| r.to_record()).collect()
    }
}

impl<'a> RecordRef<'a> {
    fn chunk(&self) -> &'a Bytes {
        &self.page.chunks[self.entry.chunk as usize]
    }

    fn data_start(&self) -> usize {
        self.entry.key_start as usize + usize::from(self.entry.key_len)
    }

    /// The per-shard sequence counter.
    pub fn counter(&self) -> u64 {
        self.entry.counter
    }

    /// Virtual arrival time, epoch milliseconds.
    pub fn arrival_ms(&self) -> i64 {
        self.entry.arrival_ms
    }

    /// The record's sequence number.
    pub fn sequence_number(&self) -> SequenceNumber {
        SequenceNumber::of_record(
            self.page.shard_created_ms,
            self.page.shard_index,
            self.entry.counter,
            self.entry.arrival_ms,
        )
    }

    /// The partition key as sent.
    pub fn partition_key(&self) -> &'a str {
        let start = self.entry.key_start as usize;
        let key = &self.chunk()[start..self.data_start()];
        // SAFETY: `push` is given the range of a key the log stored from a `&str`.
        unsafe { std::str::from_utf8_unchecked(key) }
    }

    /// The data blob.
    pub fn data(&self) -> &'a [u8] {
        &self.chunk()[self.data_start()..self.entry.data_end as usize]
    }

    /// Whether the record was written while the stream was encrypted.
    pub fn encrypted(&self) -> bool {
        self.entry.encrypted
    }

    /// The record as an owned value; its key and data are views of the page's buffers.
    pub fn to_record(&self) -> Record {
        let chunk = self.chunk();
        let start = self.entry.key_start as usize;
        Record {
            sequence_number: self.sequence_number(),
            approximate_arrival_timestamp: Timestamp(self.entry.arrival_ms),
            data: Blob(chunk.slice(self.data_start()..self.entry.data_end as usize)),
            // SAFETY: as in `partition_key`.
            partition_key: unsafe {
                SharedStr::from_utf8_unchecked(chunk, start..self.data_start())
            },
            encryption_type: self.entry.encrypted.then_some(EncryptionType::Kms),
        }
    }
}

impl fmt::Debug for RecordPage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|r| r.to_record()))
            .finish()
    }
}

impl fmt::Debug for RecordRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_record().fmt(f)
    }
}

impl PartialEq for RecordPage {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl PartialEq for RecordRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.sequence_number() == other.sequence_number()
            && self.arrival_ms() == other.arrival_ms()
            && self.partition_key() == other.partition_key()
            && self.data() == other.data()
            && self.encrypted() == other.encrypted()
    }
}

/// As the list of records it holds, exactly as `Vec<Record>` serializes.
impl Serialize for RecordPage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(|r| r.to_record()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streams::log::RecordLog;

    /// A log of `n` records whose tail was frozen into several chunks by reads along the way.
    fn log_in_chunks(n: u64) -> RecordLog {
        let mut log = RecordLog::default();
        for i in 0..n {
            log.append(
                i + 1,
                1_000 + i as i64,
                &format!("key-{i}"),
                &i.to_be_bytes(),
                i % 3 == 0,
            );
            if i % 7 == 0 {
                log.read_into(i, 1, u64::MAX, &mut RecordPage::default());
            }
        }
        log
    }

    #[test]
    fn a_page_reads_each_record_as_written_across_chunks() {
        let mut log = log_in_chunks(50);
        let mut page = RecordPage::of_shard(5_000, 3);
        log.read_into(10, 30, u64::MAX, &mut page);
        assert_eq!(page.len(), 30);
        assert!(page.chunks.len() > 1, "the page spans several buffers");
        for (record, i) in page.iter().zip(10u64..) {
            assert_eq!(record.counter(), i + 1);
            assert_eq!(record.arrival_ms(), 1_000 + i as i64);
            assert_eq!(record.partition_key(), format!("key-{i}"));
            assert_eq!(record.data(), i.to_be_bytes());
            assert_eq!(record.encrypted(), i % 3 == 0);
            assert_eq!(
                record.sequence_number(),
                SequenceNumber::of_record(5_000, 3, i + 1, 1_000 + i as i64)
            );
            let owned = record.to_record();
            assert_eq!(
                (&owned.data.0[..], owned.partition_key.as_str()),
                (record.data(), record.partition_key())
            );
        }
        assert_eq!(page.first().map(|r| r.counter()), Some(11));
        assert_eq!(page.last().map(|r| r.counter()), Some(40));
        assert_eq!(page.get(30), None);
    }

    #[test]
    fn a_page_serializes_and_compares_as_the_records_it_holds() {
        let mut log = log_in_chunks(20);
        let mut page = RecordPage::of_shard(5_000, 1);
        log.read_into(0, 20, u64::MAX, &mut page);
        let records = page.to_records();
        assert_eq!(
            serde_json::to_string(&page).unwrap(),
            serde_json::to_string(&records).unwrap()
        );
        let (mut cbor_page, mut cbor_records) = (Vec::new(), Vec::new());
        ciborium::into_writer(&page, &mut cbor_page).unwrap();
        ciborium::into_writer(&records, &mut cbor_records).unwrap();
        assert_eq!(cbor_page, cbor_records);
        let mut again = RecordPage::of_shard(5_000, 1);
        log.read_into(0, 20, u64::MAX, &mut again);
        assert_eq!(page, again);
        let mut shorter = RecordPage::of_shard(5_000, 1);
        log.read_into(0, 19, u64::MAX, &mut shorter);
        assert_ne!(page, shorter);
    }
}
