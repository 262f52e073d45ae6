//! A shard's record log: immutable records in arrival order, stored in segments so that each record
//! costs a fixed 32-byte index entry beyond its data and key, and so retention drops whole segments.
//! Records are addressed by their ordinal (0 for the shard's first record ever). A segment's bytes
//! are shared with readers: reading hands out views ([`Bytes`]) into them, not copies.

use bytes::{Bytes, BytesMut};
use std::collections::VecDeque;

/// Records per segment; a segment's index is allocated once at this size and never grows.
const RECORDS_PER_SEGMENT: usize = 4_096;

/// Index entry of one stored record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RecordMeta {
    counter: u64,
    arrival_ms: i64,
    offset: u64,
    data_len: u32,
    key_len: u16,
    encrypted: bool,
}

/// A segment's bytes: a prefix already shared with readers, in frozen chunks, and the tail still
/// being written. A record never spans two chunks (freezing happens between records).
#[derive(Debug, Clone)]
struct SegmentBytes {
    /// Frozen chunks, in order, and the offset each starts at.
    chunks: Vec<(u64, Bytes)>,
    frozen_len: u64,
    tail: BytesMut,
    /// Capacity of the next buffer the tail gets (doubling up to [`MAX_TAIL_CAPACITY`]).
    next_capacity: usize,
}

/// The first buffer of a segment's tail, and the largest one (a shard's writes between two reads
/// share buffers this size).
const MIN_TAIL_CAPACITY: usize = 1_024;
const MAX_TAIL_CAPACITY: usize = 1 << 20;

impl Default for SegmentBytes {
    fn default() -> Self {
        Self {
            chunks: Vec::new(),
            frozen_len: 0,
            tail: BytesMut::new(),
            next_capacity: MIN_TAIL_CAPACITY,
        }
    }
}

impl SegmentBytes {
    fn len(&self) -> u64 {
        self.frozen_len + self.tail.len() as u64
    }

    /// Makes room for `n` more bytes: when the tail's buffer is full, what it holds becomes a
    /// chunk and the tail starts a new buffer (so a buffer shared with readers is never grown or
    /// copied).
    fn reserve(&mut self, n: usize) {
        if self.tail.capacity() - self.tail.len() >= n {
            return;
        }
        self.freeze();
        let capacity = n.max(self.next_capacity);
        self.next_capacity = (self.next_capacity * 2).min(MAX_TAIL_CAPACITY);
        self.tail = BytesMut::with_capacity(capacity);
    }

    fn extend(&mut self, bytes: &[u8]) {
        self.tail.extend_from_slice(bytes);
    }

    /// The bytes at `offset..offset + len` (a whole record's region).
    fn slice(&self, offset: u64, len: usize) -> &[u8] {
        if offset >= self.frozen_len {
            let start = (offset - self.frozen_len) as usize;
            return &self.tail[start..start + len];
        }
        let (start, chunk) = self.chunk_at(offset);
        let from = (offset - start) as usize;
        &chunk[from..from + len]
    }

    /// A shared view of `offset..offset + len`, freezing the tail written so far if needed.
    fn share(&mut self, offset: u64, len: usize) -> Bytes {
        if offset >= self.frozen_len {
            self.freeze();
        }
        let (start, chunk) = self.chunk_at(offset);
        let from = (offset - start) as usize;
        chunk.slice(from..from + len)
    }

    fn chunk_at(&self, offset: u64) -> (u64, &Bytes) {
        let i = self.chunks.partition_point(|(start, _)| *start <= offset) - 1;
        let (start, chunk) = &self.chunks[i];
        (*start, chunk)
    }

    /// Hands the tail over to readers as a frozen chunk (no copy: the chunk keeps the buffer).
    fn freeze(&mut self) {
        if self.tail.is_empty() {
            return;
        }
        let chunk = self.tail.split().freeze();
        let start = self.frozen_len;
        self.frozen_len += chunk.len() as u64;
        self.chunks.push((start, chunk));
    }

    fn heap_bytes(&self) -> usize {
        self.tail.capacity()
            + self.chunks.capacity() * std::mem::size_of::<(u64, Bytes)>()
            + self.chunks.iter().map(|(_, c)| c.len()).sum::<usize>()
    }
}

#[derive(Debug, Clone)]
struct Segment {
    first_ordinal: u64,
    metas: Vec<RecordMeta>,
    bytes: SegmentBytes,
}

impl Segment {
    fn new(first_ordinal: u64) -> Self {
        Self {
            first_ordinal,
            metas: Vec::with_capacity(RECORDS_PER_SEGMENT),
            bytes: SegmentBytes::default(),
        }
    }

    fn is_full(&self) -> bool {
        self.metas.len() == RECORDS_PER_SEGMENT
    }

    fn seal(&mut self) {
        self.bytes.freeze();
    }
}

/// A record as read back from the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredRecord<'a> {
    /// Position of the record in the shard, from 0.
    pub ordinal: u64,
    /// The per-shard sequence counter.
    pub counter: u64,
    /// Virtual arrival time, epoch milliseconds.
    pub arrival_ms: i64,
    /// The partition key as sent.
    pub partition_key: &'a str,
    /// The record's data blob.
    pub data: &'a [u8],
    /// Whether the record was written while the stream was encrypted.
    pub encrypted: bool,
}

impl StoredRecord<'_> {
    /// Bytes the record counts against limits: data plus partition key.
    pub fn size(&self) -> u64 {
        (self.data.len() + self.partition_key.len()) as u64
    }
}

/// The records of one shard.
#[derive(Debug, Clone, Default)]
pub struct RecordLog {
    segments: VecDeque<Segment>,
    /// Ordinal of the oldest record still readable (everything before is trimmed).
    trim_ordinal: u64,
    /// Ordinal the next appended record gets.
    next_ordinal: u64,
    bytes_held: u64,
}

impl RecordLog {
    /// Appends a record. The counter must be larger than the last one's (the caller's invariant).
    pub fn append(
        &mut self,
        counter: u64,
        arrival_ms: i64,
        partition_key: &str,
        data: &[u8],
        encrypted: bool,
    ) -> u64 {
        let needs_segment = self.segments.back().is_none_or(Segment::is_full);
        if needs_segment {
            if let Some(last) = self.segments.back_mut() {
                last.seal();
            }
            self.segments.push_back(Segment::new(self.next_ordinal));
        }
        let segment = self
            .segments
            .back_mut()
            .expect("a segment was just ensured");
        segment.bytes.reserve(partition_key.len() + data.len());
        let offset = segment.bytes.len();
        segment.bytes.extend(partition_key.as_bytes());
        segment.bytes.extend(data);
        segment.metas.push(RecordMeta {
            counter,
            arrival_ms,
            offset,
            data_len: data.len() as u32,
            key_len: partition_key.len() as u16,
            encrypted,
        });
        self.bytes_held += (data.len() + partition_key.len()) as u64;
        let ordinal = self.next_ordinal;
        self.next_ordinal += 1;
        ordinal
    }

    /// Ordinal of the oldest readable record (equal to [`Self::end_ordinal`] when empty).
    pub fn trim_ordinal(&self) -> u64 {
        self.trim_ordinal
    }

    /// Ordinal one past the newest record: where LATEST points.
    pub fn end_ordinal(&self) -> u64 {
        self.next_ordinal
    }

    /// Number of readable records.
    pub fn len(&self) -> u64 {
        self.next_ordinal - self.trim_ordinal
    }

    /// Whether no record is readable.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Data + key bytes held in memory (including trimmed records not yet dropped).
    pub fn bytes_held(&self) -> u64 {
        self.bytes_held
    }

    /// The readable record at `ordinal`.
    pub fn get(&self, ordinal: u64) -> Option<StoredRecord<'_>> {
        if ordinal < self.trim_ordinal || ordinal >= self.next_ordinal {
            return None;
        }
        let first = self.segments.front()?.first_ordinal;
        let segment_index = ((ordinal - first) / RECORDS_PER_SEGMENT as u64) as usize;
        let segment = self.segments.get(segment_index)?;
        let meta = segment
            .metas
            .get((ordinal - segment.first_ordinal) as usize)?;
        let region = segment
            .bytes
            .slice(meta.offset, meta.key_len as usize + meta.data_len as usize);
        let (key, data) = region.split_at(meta.key_len as usize);
        Some(StoredRecord {
            ordinal,
            counter: meta.counter,
            arrival_ms: meta.arrival_ms,
            partition_key: std::str::from_utf8(key).unwrap_or_default(),
            data,
            encrypted: meta.encrypted,
        })
    }

    /// The data of the readable record at `ordinal` as a shared view of the log's bytes (what
    /// GetRecords and enhanced fan-out hand out: no copy).
    pub fn shared_data(&mut self, ordinal: u64) -> Option<Bytes> {
        if ordinal < self.trim_ordinal || ordinal >= self.next_ordinal {
            return None;
        }
        let first = self.segments.front()?.first_ordinal;
        let segment_index = ((ordinal - first) / RECORDS_PER_SEGMENT as u64) as usize;
        let segment = self.segments.get_mut(segment_index)?;
        let meta = *segment
            .metas
            .get((ordinal - segment.first_ordinal) as usize)?;
        Some(segment.bytes.share(
            meta.offset + u64::from(meta.key_len),
            meta.data_len as usize,
        ))
    }

    /// Readable records from `ordinal` on, oldest first.
    pub fn iter_from(&self, ordinal: u64) -> impl Iterator<Item = StoredRecord<'_>> {
        (ordinal.max(self.trim_ordinal)..self.next_ordinal).map_while(|o| self.get(o))
    }

    /// The newest record, if any is readable.
    pub fn last(&self) -> Option<StoredRecord<'_>> {
        self.next_ordinal.checked_sub(1).and_then(|o| self.get(o))
    }

    /// First readable ordinal whose counter is ≥ `counter` (or `end_ordinal` if none).
    pub fn first_at_or_after_counter(&self, counter: u64) -> u64 {
        self.partition_point(|meta| meta.counter < counter)
    }

    /// First readable ordinal that arrived at or after `ms` (or `end_ordinal` if none).
    pub fn first_at_or_after_time(&self, ms: i64) -> u64 {
        self.partition_point(|meta| meta.arrival_ms < ms)
    }

    /// The first readable ordinal for which `before` is false, assuming `before` is true for a
    /// prefix (counters and arrival times both grow with the ordinal).
    fn partition_point(&self, before: impl Fn(&RecordMeta) -> bool) -> u64 {
        let segment_index = self
            .segments
            .partition_point(|s| s.metas.last().is_some_and(&before));
        let Some(segment) = self.segments.get(segment_index) else {
            return self.next_ordinal;
        };
        let within = segment.metas.partition_point(&before) as u64;
        (segment.first_ordinal + within).max(self.trim_ordinal)
    }

    /// Makes every record that arrived before `horizon_ms` unreadable, freeing whole segments.
    pub fn trim_before(&mut self, horizon_ms: i64) {
        let new_trim = self.first_at_or_after_time(horizon_ms);
        if new_trim <= self.trim_ordinal {
            return;
        }
        self.trim_ordinal = new_trim;
        while let Some(front) = self.segments.front() {
            let past_end = front.first_ordinal + front.metas.len() as u64;
            if past_end > self.trim_ordinal {
                break;
            }
            let freed: u64 = front.bytes.len();
            self.bytes_held -= freed;
            self.segments.pop_front();
        }
    }

    /// Heap bytes used by the index and payload buffers (for the overhead benchmark).
    pub fn heap_bytes(&self) -> usize {
        self.segments
            .iter()
            .map(|s| s.metas.capacity() * std::mem::size_of::<RecordMeta>() + s.bytes.heap_bytes())
            .sum::<usize>()
            + self.segments.capacity() * std::mem::size_of::<Segment>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_with(n: u64) -> RecordLog {
        let mut log = RecordLog::default();
        for i in 0..n {
            log.append(10 + 2 * i, 1_000 + i as i64, "key", &i.to_be_bytes(), false);
        }
        log
    }

    #[test]
    fn records_read_back_as_written_across_segments() {
        let log = log_with(10_000);
        let record = log.get(5_000).unwrap();
        assert_eq!(record.counter, 10_010);
        assert_eq!(record.partition_key, "key");
        assert_eq!(record.data, 5_000u64.to_be_bytes());
        assert_eq!(log.iter_from(9_990).count(), 10);
    }

    #[test]
    fn lookups_by_counter_and_time_find_the_next_record() {
        let log = log_with(10_000);
        assert_eq!(log.first_at_or_after_counter(10), 0);
        assert_eq!(log.first_at_or_after_counter(11), 1);
        assert_eq!(log.first_at_or_after_counter(8_200), 4_095);
        assert_eq!(log.first_at_or_after_counter(u64::MAX), 10_000);
        assert_eq!(log.first_at_or_after_time(5_000), 4_000);
    }

    #[test]
    fn trimming_hides_old_records_and_frees_whole_segments() {
        let mut log = log_with(10_000);
        let before = log.heap_bytes();
        log.trim_before(1_000 + 5_000);
        assert_eq!(log.trim_ordinal(), 5_000);
        assert!(log.get(4_999).is_none());
        assert!(log.get(5_000).is_some());
        assert_eq!(log.len(), 5_000);
        assert!(log.heap_bytes() < before);
        log.trim_before(i64::MAX);
        assert!(log.is_empty());
        assert_eq!(log.end_ordinal(), 10_000);
    }

    #[test]
    fn a_stored_record_costs_at_most_64_bytes_beyond_its_data_and_key() {
        let mut log = RecordLog::default();
        for i in 0..100_000u64 {
            log.append(i + 1, i as i64, "user-12345", &[0u8; 100], false);
        }
        let overhead = (log.heap_bytes() as f64 - log.bytes_held() as f64) / 100_000.0;
        assert!(overhead <= 64.0, "{overhead} bytes per record");
    }

    #[test]
    fn shared_data_is_a_view_of_the_log_and_writing_goes_on_after_it() {
        let mut log = log_with(10);
        let shared = log.shared_data(9).unwrap();
        assert_eq!(&shared[..], 9u64.to_be_bytes());
        log.append(100, 2_000, "k2", b"later", false);
        assert_eq!(log.get(10).unwrap().data, b"later");
        assert_eq!(&log.shared_data(10).unwrap()[..], b"later");
        assert_eq!(&shared[..], 9u64.to_be_bytes(), "the view is unchanged");
        assert_eq!(log.get(3).unwrap().partition_key, "key");
        assert!(log.shared_data(11).is_none());
    }

    #[test]
    fn index_entry_is_32_bytes() {
        assert_eq!(std::mem::size_of::<RecordMeta>(), 32);
    }
}
