//! A shard's record log: immutable records in arrival order, stored in segments so that each record
//! costs a fixed 32-byte index entry beyond its data and key, and so retention drops whole segments.
//! Records are addressed by their ordinal (0 for the shard's first record ever).

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

#[derive(Debug, Clone)]
struct Segment {
    first_ordinal: u64,
    metas: Vec<RecordMeta>,
    bytes: Vec<u8>,
}

impl Segment {
    fn new(first_ordinal: u64) -> Self {
        Self {
            first_ordinal,
            metas: Vec::with_capacity(RECORDS_PER_SEGMENT),
            bytes: Vec::new(),
        }
    }

    fn is_full(&self) -> bool {
        self.metas.len() == RECORDS_PER_SEGMENT
    }

    fn seal(&mut self) {
        self.bytes.shrink_to_fit();
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
        let offset = segment.bytes.len() as u64;
        segment.bytes.extend_from_slice(partition_key.as_bytes());
        segment.bytes.extend_from_slice(data);
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
        let start = meta.offset as usize;
        let key_end = start + meta.key_len as usize;
        let key = std::str::from_utf8(&segment.bytes[start..key_end]).unwrap_or_default();
        Some(StoredRecord {
            ordinal,
            counter: meta.counter,
            arrival_ms: meta.arrival_ms,
            partition_key: key,
            data: &segment.bytes[key_end..key_end + meta.data_len as usize],
            encrypted: meta.encrypted,
        })
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
            let freed: u64 = front.bytes.len() as u64;
            self.bytes_held -= freed;
            self.segments.pop_front();
        }
    }

    /// Heap bytes used by the index and payload buffers (for the overhead benchmark).
    pub fn heap_bytes(&self) -> usize {
        self.segments
            .iter()
            .map(|s| s.metas.capacity() * std::mem::size_of::<RecordMeta>() + s.bytes.capacity())
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
    fn index_entry_is_32_bytes() {
        assert_eq!(std::mem::size_of::<RecordMeta>(), 32);
    }
}
