//! A shard's record log: immutable records in arrival order, stored in segments so that each record
//! costs a fixed 16-byte index entry beyond its data and key, and so retention drops whole segments.
//! Records are addressed by their ordinal (0 for the shard's first record ever). A segment's bytes
//! are shared with readers: reading hands out views ([`Bytes`]) into them, not copies.

use super::record_page::RecordPage;
use crate::prefault::PrefaultPool;
use bytes::{Bytes, BytesMut};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Records per segment (at most); a segment's index is allocated once at this size.
const RECORDS_PER_SEGMENT: usize = 4_096;

/// The top bit of [`RecordMeta::key_len_and_flags`]: written while the stream was encrypted.
const ENCRYPTED: u16 = 0x8000;

/// Index entry of one stored record, relative to its segment's first counter and arrival time and
/// to the start of its bytes. Its data runs to the next record's offset (or the segment's end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct RecordMeta {
    counter_delta: u32,
    arrival_delta: u32,
    offset: u32,
    key_len_and_flags: u16,
}

impl RecordMeta {
    fn key_len(self) -> usize {
        usize::from(self.key_len_and_flags & !ENCRYPTED)
    }

    fn encrypted(self) -> bool {
        self.key_len_and_flags & ENCRYPTED != 0
    }
}

/// A segment's bytes: the prefix already shared with readers, in frozen chunks, and the rest
/// still in the log's tail buffer (only the newest segment has any). A record never spans two
/// chunks (freezing happens between records).
#[derive(Debug, Clone, Default)]
struct SegmentBytes {
    /// Frozen chunks, in order, and the offset each starts at.
    chunks: Vec<(u64, Bytes)>,
    frozen_len: u64,
    /// All its bytes, frozen or not.
    len: u64,
}

impl SegmentBytes {
    fn chunk_index(&self, offset: u64) -> usize {
        self.chunks.partition_point(|(start, _)| *start <= offset) - 1
    }

    /// The frozen bytes at `offset..end` (one record's region).
    fn frozen_slice(&self, offset: u64, end: u64) -> &[u8] {
        let (start, chunk) = &self.chunks[self.chunk_index(offset)];
        &chunk[(offset - start) as usize..(end - start) as usize]
    }

    fn heap_bytes(&self) -> usize {
        self.chunks.capacity() * std::mem::size_of::<(u64, Bytes)>()
            + self.chunks.iter().map(|(_, c)| c.len()).sum::<usize>()
    }
}

/// The buffer a log writes records into. Its segments share it: what a segment holds is frozen
/// into the segment when a reader needs a view, when the segment is sealed, or when the buffer is
/// full — so a buffer shared with readers is never grown or copied, and little of it goes unused.
#[derive(Debug, Clone)]
struct TailBuffer {
    buffer: BytesMut,
    /// Capacity of the next buffer (doubling up to [`MAX_TAIL_CAPACITY`]).
    next_capacity: usize,
}

/// The first buffer of a log, and the largest one.
const MIN_TAIL_CAPACITY: usize = 1_024;
const MAX_TAIL_CAPACITY: usize = 1 << 20;

/// Segment indexes and full-size tail buffers, with their pages mapped ahead of need.
/// Demand for indexes comes in bursts — shards written evenly fill their segments at about the
/// same moment, a hundred shards wanting a hundred indexes within a few ms — so 512 are kept
/// ready; a full tail buffer lasts a shard much longer, and 16 are kept.
static SEGMENT_INDEXES: PrefaultPool<RecordMeta> = PrefaultPool::new(RECORDS_PER_SEGMENT, 32 << 20);
static TAIL_BUFFERS: PrefaultPool<u8> = PrefaultPool::new(MAX_TAIL_CAPACITY, 16 << 20);

/// The size of a log's first large buffer: between half and all of the largest, different from
/// one log to the next. Logs written at one rate would otherwise all fill their full-size buffers
/// at the same moment, and a hundred wanting one within a second is a burst the prefault pool
/// cannot serve (the misses then fault their pages on the engine's thread); staggered, they ask
/// one at a time. Sizes change where records lie in memory, never what a read returns.
fn staggered_capacity() -> usize {
    static LOGS: AtomicUsize = AtomicUsize::new(0);
    let n = LOGS.fetch_add(1, Ordering::Relaxed);
    // Golden-ratio steps spread consecutive logs evenly over the range.
    let step = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 44;
    MAX_TAIL_CAPACITY / 2 + (step as usize % (MAX_TAIL_CAPACITY / 2))
}

impl Default for TailBuffer {
    fn default() -> Self {
        Self {
            buffer: BytesMut::new(),
            next_capacity: MIN_TAIL_CAPACITY,
        }
    }
}

impl TailBuffer {
    /// Makes room for `n` more bytes of `segment`, starting a new buffer when this one is full.
    fn reserve(&mut self, n: usize, segment: &mut SegmentBytes) {
        if self.buffer.capacity() - self.buffer.len() >= n {
            return;
        }
        self.freeze_into(segment);
        let capacity = n.max(self.next_capacity);
        self.next_capacity = if self.next_capacity >= MAX_TAIL_CAPACITY / 2 {
            MAX_TAIL_CAPACITY
        } else if self.next_capacity * 2 >= MAX_TAIL_CAPACITY / 2 {
            staggered_capacity()
        } else {
            self.next_capacity * 2
        };
        self.buffer = if capacity == MAX_TAIL_CAPACITY {
            BytesMut::from(Bytes::from(TAIL_BUFFERS.take()))
        } else {
            BytesMut::with_capacity(capacity)
        };
    }

    /// Hands what is written so far to `segment` as a frozen chunk (no copy: the chunk keeps the
    /// buffer, and the buffer's spare room stays here).
    fn freeze_into(&mut self, segment: &mut SegmentBytes) {
        if self.buffer.is_empty() {
            return;
        }
        let chunk = self.buffer.split().freeze();
        let start = segment.frozen_len;
        segment.frozen_len += chunk.len() as u64;
        segment.chunks.push((start, chunk));
    }
}

#[derive(Debug, Clone)]
struct Segment {
    first_ordinal: u64,
    first_counter: u64,
    first_arrival_ms: i64,
    metas: Vec<RecordMeta>,
    bytes: SegmentBytes,
}

impl Segment {
    fn new(first_ordinal: u64, first_counter: u64, first_arrival_ms: i64) -> Self {
        Self {
            first_ordinal,
            first_counter,
            first_arrival_ms,
            metas: SEGMENT_INDEXES.take(),
            bytes: SegmentBytes::default(),
        }
    }

    /// The entry of a record with these values, if it fits this segment's relative fields.
    fn meta_for(
        &self,
        counter: u64,
        arrival_ms: i64,
        size: usize,
        key_len: usize,
    ) -> Option<RecordMeta> {
        if self.metas.len() == RECORDS_PER_SEGMENT {
            return None;
        }
        let offset = self.bytes.len;
        u32::try_from(offset + size as u64).ok()?;
        Some(RecordMeta {
            counter_delta: u32::try_from(counter.checked_sub(self.first_counter)?).ok()?,
            arrival_delta: u32::try_from(arrival_ms.checked_sub(self.first_arrival_ms)?).ok()?,
            offset: offset as u32,
            key_len_and_flags: u16::try_from(key_len).ok().filter(|k| k & ENCRYPTED == 0)?,
        })
    }

    fn end_ordinal(&self) -> u64 {
        self.first_ordinal + self.metas.len() as u64
    }

    fn counter(&self, meta: RecordMeta) -> u64 {
        self.first_counter + u64::from(meta.counter_delta)
    }

    fn arrival_ms(&self, meta: RecordMeta) -> i64 {
        self.first_arrival_ms + i64::from(meta.arrival_delta)
    }

    /// Where the record at `index` ends: the next record's start, or the end of the bytes.
    fn end_offset(&self, index: usize) -> u64 {
        self.metas
            .get(index + 1)
            .map_or(self.bytes.len, |m| u64::from(m.offset))
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

/// What one read of the log took: the ordinal to read next and the bytes (data plus keys) read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadExtent {
    /// The first ordinal not read.
    pub next: u64,
    /// Data plus partition-key bytes of the records read.
    pub bytes: u64,
}

/// The records of one shard.
#[derive(Debug, Clone, Default)]
pub struct RecordLog {
    segments: VecDeque<Segment>,
    tail: TailBuffer,
    /// Ordinal of the oldest record still readable (everything before is trimmed).
    trim_ordinal: u64,
    /// Ordinal the next appended record gets.
    next_ordinal: u64,
    bytes_held: u64,
}

impl RecordLog {
    /// Appends a record. The counter must be larger than the last one's and the arrival time no
    /// earlier (the caller's invariants).
    pub fn append(
        &mut self,
        counter: u64,
        arrival_ms: i64,
        partition_key: &str,
        data: &[u8],
        encrypted: bool,
    ) -> u64 {
        let size = partition_key.len() + data.len();
        let fits = self
            .segments
            .back()
            .and_then(|s| s.meta_for(counter, arrival_ms, size, partition_key.len()));
        let mut meta = match fits {
            Some(meta) => meta,
            None => {
                if let Some(last) = self.segments.back_mut() {
                    self.tail.freeze_into(&mut last.bytes);
                }
                let segment = Segment::new(self.next_ordinal, counter, arrival_ms);
                let meta = segment
                    .meta_for(counter, arrival_ms, size, partition_key.len())
                    .expect("a record of at most 10 MiB with a key of at most 256 bytes fits an empty segment");
                self.segments.push_back(segment);
                meta
            }
        };
        if encrypted {
            meta.key_len_and_flags |= ENCRYPTED;
        }
        let segment = self
            .segments
            .back_mut()
            .expect("a segment was just ensured");
        self.tail.reserve(size, &mut segment.bytes);
        self.tail.buffer.extend_from_slice(partition_key.as_bytes());
        self.tail.buffer.extend_from_slice(data);
        segment.bytes.len += size as u64;
        segment.metas.push(meta);
        self.bytes_held += size as u64;
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

    /// The segment holding the readable record at `ordinal`, and the record's index in it.
    fn locate(&self, ordinal: u64) -> Option<(usize, usize)> {
        if ordinal < self.trim_ordinal || ordinal >= self.next_ordinal {
            return None;
        }
        // Segments are full but for the last, unless a record's relative fields overflowed.
        let first = self.segments.front()?.first_ordinal;
        let guess = ((ordinal - first) / RECORDS_PER_SEGMENT as u64) as usize;
        let holds = |i: usize| {
            self.segments
                .get(i)
                .is_some_and(|s| s.first_ordinal <= ordinal && ordinal < s.end_ordinal())
        };
        let segment = if holds(guess) {
            guess
        } else {
            self.segments
                .partition_point(|s| s.end_ordinal() <= ordinal)
        };
        let index = (ordinal - self.segments.get(segment)?.first_ordinal) as usize;
        Some((segment, index))
    }

    /// The readable record at `ordinal`.
    pub fn get(&self, ordinal: u64) -> Option<StoredRecord<'_>> {
        let (segment, index) = self.locate(ordinal)?;
        let segment = &self.segments[segment];
        let meta = segment.metas[index];
        let (start, end) = (u64::from(meta.offset), segment.end_offset(index));
        let frozen = segment.bytes.frozen_len;
        let region = if start >= frozen {
            &self.tail.buffer[(start - frozen) as usize..(end - frozen) as usize]
        } else {
            segment.bytes.frozen_slice(start, end)
        };
        let (key, data) = region.split_at(meta.key_len());
        Some(StoredRecord {
            ordinal,
            counter: segment.counter(meta),
            arrival_ms: segment.arrival_ms(meta),
            // SAFETY: `append` stores a key from a `&str`, and `key` is exactly its bytes.
            partition_key: unsafe { std::str::from_utf8_unchecked(key) },
            data,
            encrypted: meta.encrypted(),
        })
    }

    /// The sequence counter of the readable record at `ordinal`.
    pub fn counter_at(&self, ordinal: u64) -> Option<u64> {
        let (segment, index) = self.locate(ordinal)?;
        let segment = &self.segments[segment];
        Some(segment.counter(segment.metas[index]))
    }

    /// Adds the records from `from` on to `page` (views of the log's buffers, no copies): at
    /// most `limit` records and `max_bytes` of data and keys (unless the first record alone is
    /// larger).
    pub fn read_into(
        &mut self,
        from: u64,
        limit: usize,
        max_bytes: u64,
        page: &mut RecordPage,
    ) -> ReadExtent {
        let mut extent = ReadExtent {
            next: from.max(self.trim_ordinal),
            bytes: 0,
        };
        let end = self
            .next_ordinal
            .min(extent.next.saturating_add(limit as u64));
        let Some((mut segment_index, mut index)) = self.locate(extent.next) else {
            return extent;
        };
        page.reserve((end - extent.next) as usize);
        while extent.next < end {
            let Some(segment) = self.segments.get_mut(segment_index) else {
                break;
            };
            if segment.bytes.frozen_len < segment.bytes.len {
                self.tail.freeze_into(&mut segment.bytes);
            }
            let segment = &self.segments[segment_index];
            let mut chunk = segment
                .bytes
                .chunk_index(u64::from(segment.metas[index].offset));
            let mut page_chunk = page.push_chunk(&segment.bytes.chunks[chunk].1);
            while index < segment.metas.len() && extent.next < end {
                let meta = segment.metas[index];
                let (start, stop) = (u64::from(meta.offset), segment.end_offset(index));
                let size = stop - start;
                if extent.bytes + size > max_bytes && extent.bytes > 0 {
                    return extent;
                }
                let in_chunk = chunk;
                while segment.bytes.chunks[chunk].0 + segment.bytes.chunks[chunk].1.len() as u64
                    <= start
                {
                    chunk += 1;
                }
                if chunk != in_chunk {
                    page_chunk = page.push_chunk(&segment.bytes.chunks[chunk].1);
                }
                let chunk_start = segment.bytes.chunks[chunk].0;
                let key_from = (start - chunk_start) as usize;
                page.push(
                    segment.counter(meta),
                    segment.arrival_ms(meta),
                    page_chunk,
                    key_from..key_from + meta.key_len(),
                    (stop - chunk_start) as usize,
                    meta.encrypted(),
                );
                extent.bytes += size;
                extent.next += 1;
                index += 1;
            }
            segment_index += 1;
            index = 0;
        }
        extent
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
        self.partition_point(|segment, meta| segment.counter(meta) < counter)
    }

    /// First readable ordinal that arrived at or after `ms` (or `end_ordinal` if none).
    pub fn first_at_or_after_time(&self, ms: i64) -> u64 {
        self.partition_point(|segment, meta| segment.arrival_ms(meta) < ms)
    }

    /// The first readable ordinal for which `before` is false, assuming `before` is true for a
    /// prefix (counters and arrival times both grow with the ordinal).
    fn partition_point(&self, before: impl Fn(&Segment, RecordMeta) -> bool) -> u64 {
        let segment_index = self
            .segments
            .partition_point(|s| s.metas.last().is_some_and(|m| before(s, *m)));
        let Some(segment) = self.segments.get(segment_index) else {
            return self.next_ordinal;
        };
        let within = segment.metas.partition_point(|m| before(segment, *m)) as u64;
        (segment.first_ordinal + within).max(self.trim_ordinal)
    }

    /// Makes every record that arrived before `horizon_ms` unreadable, freeing whole segments.
    pub fn trim_before(&mut self, horizon_ms: i64) {
        // Retention runs every step: most steps nothing has aged out, which the oldest readable
        // record tells without a search.
        if self.locate(self.trim_ordinal).is_none_or(|(s, i)| {
            self.segments[s].arrival_ms(self.segments[s].metas[i]) >= horizon_ms
        }) {
            return;
        }
        let new_trim = self.first_at_or_after_time(horizon_ms);
        if new_trim <= self.trim_ordinal {
            return;
        }
        self.trim_ordinal = new_trim;
        while let Some(front) = self.segments.front() {
            if front.end_ordinal() > self.trim_ordinal {
                break;
            }
            let freed = front.bytes.len;
            if front.bytes.frozen_len < front.bytes.len {
                // The newest segment went whole: what the tail buffer holds was its.
                self.tail.buffer.clear();
            }
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
            + self.tail.buffer.capacity()
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
    fn a_stored_record_costs_at_most_24_bytes_beyond_its_data_and_key() {
        // Enough records that the write buffer's room not yet used (up to 1 MiB, and a log's
        // first large buffer is of a size that differs from log to log) is a small part.
        const RECORDS: u64 = 400_000;
        let mut log = RecordLog::default();
        for i in 0..RECORDS {
            log.append(i + 1, i as i64, "user-12345", &[0u8; 100], false);
        }
        let overhead = (log.heap_bytes() as f64 - log.bytes_held() as f64) / RECORDS as f64;
        assert!(overhead <= 24.0, "{overhead} bytes per record");
    }

    fn read_all(
        log: &mut RecordLog,
        from: u64,
        limit: usize,
        max_bytes: u64,
    ) -> (Vec<crate::streams::shapes::Record>, ReadExtent) {
        let mut page = RecordPage::default();
        let extent = log.read_into(from, limit, max_bytes, &mut page);
        (page.to_records(), extent)
    }

    #[test]
    fn shared_reads_are_views_of_the_log_and_writing_goes_on_after_them() {
        let mut log = log_with(10);
        let (records, extent) = read_all(&mut log, 9, 10, u64::MAX);
        assert_eq!(
            extent,
            ReadExtent {
                next: 10,
                bytes: 11
            }
        );
        let shared = records[0].clone();
        assert_eq!(&shared.data.0[..], 9u64.to_be_bytes());
        assert_eq!(shared.partition_key, "key");
        assert_eq!(
            (
                shared.sequence_number.counter,
                shared.approximate_arrival_timestamp.0
            ),
            (28, 1_009)
        );
        log.append(100, 2_000, "k2", b"later", true);
        assert_eq!(log.get(10).unwrap().data, b"later");
        let (later, _) = read_all(&mut log, 10, 10, u64::MAX);
        assert_eq!(&later[0].data.0[..], b"later");
        assert_eq!(later[0].partition_key, "k2");
        assert!(later[0].encryption_type.is_some() && shared.encryption_type.is_none());
        assert_eq!(
            &shared.data.0[..],
            9u64.to_be_bytes(),
            "the view is unchanged"
        );
        assert_eq!(log.get(3).unwrap().partition_key, "key");
        assert_eq!(read_all(&mut log, 11, 10, u64::MAX).0.len(), 0);
    }

    #[test]
    fn full_size_write_buffers_from_the_prefault_pool_hold_records_as_written() {
        // 64 KiB records: the tail buffer doubles to its full size within a few of them, and
        // from then on comes from the pool; reads interleaved with writes freeze it in pieces.
        let mut log = RecordLog::default();
        let record = |i: u64| vec![(i % 251) as u8; 64 * 1_024];
        let mut shared = Vec::new();
        for i in 0..80 {
            log.append(i, 1_000, "key", &record(i), false);
            if i % 7 == 0 {
                shared.extend(read_all(&mut log, i, 1, u64::MAX).0);
            }
        }
        assert_eq!(log.tail.next_capacity, MAX_TAIL_CAPACITY);
        for i in 0..80 {
            assert_eq!(log.get(i).unwrap().data, &record(i)[..], "record {i}");
        }
        let (all, _) = read_all(&mut log, 0, 100, u64::MAX);
        assert_eq!(all.len(), 80);
        assert!(
            all.iter()
                .zip(0..)
                .all(|(r, i)| r.data.0[..] == record(i)[..])
        );
        assert!(
            shared
                .iter()
                .all(|r| r.data.0[..] == record(r.sequence_number.counter)[..])
        );
    }

    #[test]
    fn shared_reads_cross_segments_and_chunks_and_stop_at_the_limits() {
        let mut log = RecordLog::default();
        for i in 0..10_000u64 {
            log.append(
                i + 1,
                i as i64,
                &format!("k{}", i % 7),
                &i.to_be_bytes(),
                false,
            );
            if i % 333 == 0 {
                read_all(&mut log, i, 1, u64::MAX); // freezes the tail into a chunk
            }
        }
        let (records, extent) = read_all(&mut log, 3_000, 5_000, u64::MAX);
        assert_eq!(extent.next, 8_000);
        for (i, r) in records.iter().enumerate() {
            let ordinal = 3_000 + i as u64;
            assert_eq!(&r.data.0[..], ordinal.to_be_bytes());
            assert_eq!(r.partition_key, format!("k{}", ordinal % 7));
            assert_eq!(r.sequence_number.counter, ordinal + 1);
        }
        // Each record is 8 data bytes plus a 2-byte key: 25 bytes take two records, and a
        // single record larger than the allowance is still read.
        assert_eq!(
            read_all(&mut log, 0, 100, 25).1,
            ReadExtent { next: 2, bytes: 20 }
        );
        assert_eq!(
            read_all(&mut log, 0, 100, 1).1,
            ReadExtent { next: 1, bytes: 10 }
        );
        log.trim_before(9_990);
        assert_eq!(read_all(&mut log, 0, 100, u64::MAX).1.next, 10_000);
    }

    #[test]
    fn a_log_trimmed_to_nothing_writes_on_from_a_clean_buffer() {
        let mut log = log_with(10);
        log.trim_before(i64::MAX);
        log.append(1_000, 5_000, "new", b"fresh", false);
        assert_eq!(log.get(10).unwrap().data, b"fresh");
        let (records, _) = read_all(&mut log, 0, 10, u64::MAX);
        assert_eq!(
            (&records[0].data.0[..], records[0].partition_key.as_str()),
            (&b"fresh"[..], "new")
        );
    }

    #[test]
    fn counters_and_times_far_apart_start_a_new_segment() {
        let mut log = RecordLog::default();
        log.append(1, 0, "a", b"1", false);
        log.append(1 << 40, 1, "b", b"2", false);
        log.append((1 << 40) + 1, 1 << 40, "c", b"3", false);
        let counters: Vec<(u64, i64)> = log
            .iter_from(0)
            .map(|r| (r.counter, r.arrival_ms))
            .collect();
        assert_eq!(counters, [(1, 0), (1 << 40, 1), ((1 << 40) + 1, 1 << 40)]);
        assert_eq!(log.first_at_or_after_counter(2), 1);
        assert_eq!(log.first_at_or_after_time(2), 2);
        assert_eq!(log.counter_at(2), Some((1 << 40) + 1));
        let (records, _) = read_all(&mut log, 0, 10, u64::MAX);
        assert_eq!(
            records.iter().map(|r| &r.data.0[..]).collect::<Vec<_>>(),
            [b"1", b"2", b"3"]
        );
    }

    #[test]
    fn index_entry_is_16_bytes() {
        assert_eq!(std::mem::size_of::<RecordMeta>(), 16);
    }
}
