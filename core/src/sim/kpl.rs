//! The KPL (Kinesis Producer Library) aggregation format, so simulated producers can pack many user
//! records into one Kinesis record and simulated consumers can unpack them as the KCL does.
//!
//! An aggregated record is `F3 89 9A C2` (magic) | protobuf `AggregatedRecord` (proto2) | MD5 of the
//! protobuf bytes (16 B). Anything else — no magic, a wrong digest, a protobuf that does not decode —
//! is a plain record to a deaggregator.

use std::collections::HashMap;

use md5::{Digest, Md5};
use prost::Message;
use prost::encoding::{encoded_len_varint, key_len};

/// The four bytes every aggregated record starts with.
pub const MAGIC: [u8; 4] = [0xF3, 0x89, 0x9A, 0xC2];

/// The KPL's default `AggregationMaxSize`: the largest aggregated record it builds, in bytes.
pub const DEFAULT_MAX_SIZE: usize = 51_200;

/// The highest `AggregationMaxSize` the KPL accepts (a Kinesis record's 1 MiB limit).
pub const MAX_SIZE_LIMIT: usize = 1_048_576;

/// The KPL's default `RecordMaxBufferedTime`: how long a user record may wait for its aggregate to
/// fill before the aggregate is sent anyway.
pub const DEFAULT_MAX_BUFFERED_MS: i64 = 100;

/// The partition key the KPL gives every aggregated record (its ExplicitHashKey routes it).
pub const AGGREGATE_PARTITION_KEY: &str = "a";

/// Length of the MD5 digest that closes an aggregated record.
const DIGEST_LEN: usize = 16;

/// Bytes an aggregated record spends outside its protobuf: magic and digest.
const FRAME_LEN: usize = MAGIC.len() + DIGEST_LEN;

/// One record as a producer's caller hands it to the KPL (and a consumer gets it back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The user record's partition key (the aggregate is routed by the first one's).
    pub partition_key: String,
    /// The user record's explicit hash key, if the caller set one.
    pub explicit_hash_key: Option<String>,
    /// The user record's payload.
    pub data: Vec<u8>,
}

/// One finished aggregated record, ready to be put as a single Kinesis record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aggregate {
    /// The Kinesis record's partition key: the first user record's partition key.
    pub partition_key: String,
    /// The Kinesis record's explicit hash key: the first user record's, if it had one (otherwise the
    /// caller routes by the partition key's MD5).
    pub explicit_hash_key: Option<String>,
    /// The Kinesis record's data: magic, protobuf and MD5.
    pub data: Vec<u8>,
    /// How many user records the aggregate holds.
    pub user_records: usize,
}

/// `message AggregatedRecord` of the KPL's proto2 schema.
#[derive(Clone, PartialEq, Message)]
struct AggregatedRecord {
    #[prost(string, repeated, tag = "1")]
    partition_key_table: Vec<String>,
    #[prost(string, repeated, tag = "2")]
    explicit_hash_key_table: Vec<String>,
    #[prost(message, repeated, tag = "3")]
    records: Vec<Record>,
}

/// `message Record` of the KPL's proto2 schema; indices point into the aggregate's tables.
#[derive(Clone, PartialEq, Message)]
struct Record {
    #[prost(uint64, required, tag = "1")]
    partition_key_index: u64,
    #[prost(uint64, optional, tag = "2")]
    explicit_hash_key_index: Option<u64>,
    #[prost(bytes = "vec", required, tag = "3")]
    data: Vec<u8>,
    #[prost(message, repeated, tag = "4")]
    tags: Vec<Tag>,
}

/// `message Tag` of the KPL's proto2 schema; part of the format, never written by the KPL.
#[derive(Clone, PartialEq, Message)]
struct Tag {
    #[prost(string, required, tag = "1")]
    key: String,
    #[prost(string, optional, tag = "2")]
    value: Option<String>,
}

/// Encoded size of a length-delimited field (string, bytes or message) whose payload is `len` bytes.
fn delimited_len(tag: u32, len: usize) -> usize {
    key_len(tag) + encoded_len_varint(len as u64) + len
}

/// Encoded size of a varint field holding `value`.
fn varint_len(tag: u32, value: u64) -> usize {
    key_len(tag) + encoded_len_varint(value)
}

/// Encodes user records as one KPL aggregated record (magic + protobuf + MD5); partition keys and
/// explicit hash keys are deduplicated into the tables.
pub fn aggregate(records: &[UserRecord]) -> Vec<u8> {
    let mut open = Open::default();
    for record in records {
        open.push(record.clone());
    }
    open.encode()
}

/// Decodes an aggregated record; None when `data` is not one (no magic, too short, MD5 mismatch,
/// protobuf error, index out of table range) — callers then treat it as a plain record. A user
/// record's position in the returned list is its subsequence number.
pub fn deaggregate(data: &[u8]) -> Option<Vec<UserRecord>> {
    if data.len() < FRAME_LEN || data[..MAGIC.len()] != MAGIC {
        return None;
    }
    let (framed, digest) = data.split_at(data.len() - DIGEST_LEN);
    let protobuf = &framed[MAGIC.len()..];
    if Md5::digest(protobuf).as_slice() != digest {
        return None;
    }
    let aggregated = AggregatedRecord::decode(protobuf).ok()?;
    let AggregatedRecord {
        partition_key_table,
        explicit_hash_key_table,
        records,
    } = aggregated;
    let lookup = |table: &[String], index: u64| {
        usize::try_from(index)
            .ok()
            .and_then(|i| table.get(i))
            .cloned()
    };
    records
        .into_iter()
        .map(|record| {
            let partition_key = lookup(&partition_key_table, record.partition_key_index)?;
            let explicit_hash_key = match record.explicit_hash_key_index {
                Some(index) => Some(lookup(&explicit_hash_key_table, index)?),
                None => None,
            };
            Some(UserRecord {
                partition_key,
                explicit_hash_key,
                data: record.data,
            })
        })
        .collect()
}

/// An aggregate being filled: the protobuf message, the tables' reverse indices and its encoded
/// size, kept up to date on every push so a size check costs O(1).
#[derive(Debug, Clone, Default)]
struct Open {
    message: AggregatedRecord,
    partition_keys: HashMap<String, u64>,
    explicit_hash_keys: HashMap<String, u64>,
    /// `message.encoded_len()`, maintained incrementally.
    protobuf_len: usize,
}

impl Open {
    /// How many bytes of protobuf `record` would add: its table entries (if its keys are new) and
    /// its `Record` field.
    fn growth(&self, record: &UserRecord) -> usize {
        let (pk_index, pk_cost) = match self.partition_keys.get(&record.partition_key) {
            Some(&index) => (index, 0),
            None => (
                self.message.partition_key_table.len() as u64,
                delimited_len(1, record.partition_key.len()),
            ),
        };
        let (ehk_field, ehk_cost) = match &record.explicit_hash_key {
            None => (0, 0),
            Some(key) => match self.explicit_hash_keys.get(key) {
                Some(&index) => (varint_len(2, index), 0),
                None => {
                    let index = self.message.explicit_hash_key_table.len() as u64;
                    (varint_len(2, index), delimited_len(2, key.len()))
                }
            },
        };
        let body = varint_len(1, pk_index) + ehk_field + delimited_len(3, record.data.len());
        pk_cost + ehk_cost + delimited_len(3, body)
    }

    /// Adds `record`, moving its data into the message.
    fn push(&mut self, record: UserRecord) {
        self.protobuf_len += self.growth(&record);
        let partition_key_index = intern(
            &mut self.partition_keys,
            &mut self.message.partition_key_table,
            record.partition_key,
        );
        let explicit_hash_key_index = record.explicit_hash_key.map(|key| {
            intern(
                &mut self.explicit_hash_keys,
                &mut self.message.explicit_hash_key_table,
                key,
            )
        });
        self.message.records.push(Record {
            partition_key_index,
            explicit_hash_key_index,
            data: record.data,
            tags: Vec::new(),
        });
    }

    /// The Kinesis record's partition key: the first user record's (always table entry 0).
    fn partition_key(&self) -> Option<&str> {
        self.message.partition_key_table.first().map(String::as_str)
    }

    /// The aggregate's size as the KPL weighs it: encoded bytes plus the Kinesis partition key.
    fn weight(&self) -> usize {
        FRAME_LEN + self.protobuf_len + self.partition_key().map_or(0, str::len)
    }

    /// Magic, protobuf and MD5 of what was pushed.
    fn encode(&self) -> Vec<u8> {
        debug_assert_eq!(self.protobuf_len, self.message.encoded_len());
        let mut out = Vec::with_capacity(FRAME_LEN + self.protobuf_len);
        out.extend_from_slice(&MAGIC);
        self.message
            .encode(&mut out)
            .expect("a Vec grows to fit any message");
        let digest = Md5::digest(&out[MAGIC.len()..]);
        out.extend_from_slice(&digest);
        out
    }

    /// Encodes the aggregate with its routing keys.
    fn finish(self) -> Aggregate {
        let data = self.encode();
        let explicit_hash_key = self
            .message
            .records
            .first()
            .and_then(|r| r.explicit_hash_key_index)
            .and_then(|i| self.message.explicit_hash_key_table.get(i as usize))
            .cloned();
        let user_records = self.message.records.len();
        let partition_key = self
            .message
            .partition_key_table
            .into_iter()
            .next()
            .unwrap_or_default();
        Aggregate {
            partition_key,
            explicit_hash_key,
            data,
            user_records,
        }
    }
}

/// The index of `key` in `table`, appending it first if it is new.
fn intern(index: &mut HashMap<String, u64>, table: &mut Vec<String>, key: String) -> u64 {
    if let Some(&i) = index.get(&key) {
        return i;
    }
    let i = table.len() as u64;
    index.insert(key.clone(), i);
    table.push(key);
    i
}

/// Collects user records into aggregates the way the KPL does: a record that would push the
/// aggregate's encoded size (magic+protobuf+md5, and the Kinesis record's partition key which is
/// the first user record's key) over max_size closes the current aggregate first.
#[derive(Debug, Clone)]
pub struct Aggregator {
    max_size: usize,
    open: Open,
}

impl Default for Aggregator {
    /// An aggregator with the KPL's default `AggregationMaxSize`.
    fn default() -> Self {
        Self::new(DEFAULT_MAX_SIZE)
    }
}

impl Aggregator {
    /// An aggregator whose aggregates stay within `max_size` bytes (capped at [`MAX_SIZE_LIMIT`],
    /// like the KPL's `AggregationMaxSize`), except a lone record that is larger on its own.
    pub fn new(max_size: usize) -> Self {
        Self {
            max_size: max_size.min(MAX_SIZE_LIMIT),
            open: Open::default(),
        }
    }

    /// Adds a record; returns a finished aggregate when this record did not fit into the open one.
    /// A record too large for any aggregate still gets one of its own (closed by the next add or
    /// flush), so no record is ever lost.
    pub fn add(&mut self, record: UserRecord) -> Option<Aggregate> {
        let finished = if self.is_empty() {
            None
        } else {
            let weight = self.open.weight() + self.open.growth(&record);
            (weight > self.max_size).then(|| std::mem::take(&mut self.open).finish())
        };
        self.open.push(record);
        finished
    }

    /// Closes the open aggregate, if any.
    pub fn flush(&mut self) -> Option<Aggregate> {
        (!self.is_empty()).then(|| std::mem::take(&mut self.open).finish())
    }

    /// Whether no user record is waiting in an open aggregate.
    pub fn is_empty(&self) -> bool {
        self.open.message.records.is_empty()
    }

    /// How many user records the open aggregate holds.
    pub fn len(&self) -> usize {
        self.open.message.records.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(pk: &str, ehk: Option<&str>, data: &[u8]) -> UserRecord {
        UserRecord {
            partition_key: pk.to_owned(),
            explicit_hash_key: ehk.map(str::to_owned),
            data: data.to_vec(),
        }
    }

    fn protobuf_of(aggregated: &[u8]) -> AggregatedRecord {
        let protobuf = &aggregated[MAGIC.len()..aggregated.len() - DIGEST_LEN];
        AggregatedRecord::decode(protobuf).expect("valid protobuf")
    }

    #[test]
    fn round_trip_deduplicates_tables() {
        let records = vec![
            record("alpha", None, b"one"),
            record("beta", Some("42"), b"two"),
            record("alpha", Some("42"), b""),
            record("gamma", Some("7"), b"four"),
            record("beta", None, &[0u8, 255, 1]),
            record("alpha", Some("7"), b"six"),
        ];
        let bytes = aggregate(&records);
        assert_eq!(bytes[..4], MAGIC);
        assert_eq!(deaggregate(&bytes), Some(records));

        let message = protobuf_of(&bytes);
        assert_eq!(message.partition_key_table, ["alpha", "beta", "gamma"]);
        assert_eq!(message.explicit_hash_key_table, ["42", "7"]);
        let indices: Vec<_> = message
            .records
            .iter()
            .map(|r| (r.partition_key_index, r.explicit_hash_key_index))
            .collect();
        assert_eq!(
            indices,
            [
                (0, None),
                (1, Some(0)),
                (0, Some(0)),
                (2, Some(1)),
                (1, None),
                (0, Some(1))
            ]
        );
    }

    #[test]
    fn known_bytes_for_one_record() {
        let protobuf = [
            0x0a, 0x01, b'a', // partition_key_table[0] = "a"
            0x1a, 0x05, // records[0], 5 bytes:
            0x08, 0x00, // partition_key_index = 0
            0x1a, 0x01, b'x', // data = "x"
        ];
        let mut expected = MAGIC.to_vec();
        expected.extend_from_slice(&protobuf);
        expected.extend_from_slice(&Md5::digest(protobuf));

        let bytes = aggregate(&[record("a", None, b"x")]);
        assert_eq!(bytes, expected);
        assert_eq!(deaggregate(&expected), Some(vec![record("a", None, b"x")]));
    }

    #[test]
    fn empty_aggregate_is_still_an_aggregate() {
        let bytes = aggregate(&[]);
        assert_eq!(bytes.len(), FRAME_LEN);
        assert_eq!(deaggregate(&bytes), Some(Vec::new()));
    }

    #[test]
    fn non_aggregates_fall_back_to_plain() {
        assert_eq!(deaggregate(b""), None);
        assert_eq!(deaggregate(b"plain old record data, long enough"), None);
        assert_eq!(deaggregate(&MAGIC), None);

        let mut corrupted = aggregate(&[record("a", None, b"x")]);
        *corrupted.last_mut().unwrap() ^= 0x01;
        assert_eq!(deaggregate(&corrupted), None);

        let mut tampered = aggregate(&[record("a", None, b"x")]);
        tampered[MAGIC.len() + 2] = b'b';
        assert_eq!(deaggregate(&tampered), None);

        // Magic, garbage and a matching digest: the protobuf itself does not decode.
        let garbage = [0xff, 0xff, 0xff, 0xff, 0x07];
        let mut framed = MAGIC.to_vec();
        framed.extend_from_slice(&garbage);
        framed.extend_from_slice(&Md5::digest(garbage));
        assert_eq!(deaggregate(&framed), None);

        // Magic and garbage with no valid digest at all.
        let mut junk = MAGIC.to_vec();
        junk.extend_from_slice(&[0x42; 40]);
        assert_eq!(deaggregate(&junk), None);
    }

    #[test]
    fn out_of_range_indices_fall_back_to_plain() {
        let frame = |message: &AggregatedRecord| {
            let protobuf = message.encode_to_vec();
            let mut out = MAGIC.to_vec();
            out.extend_from_slice(&protobuf);
            out.extend_from_slice(&Md5::digest(&protobuf));
            out
        };
        let mut message = AggregatedRecord {
            partition_key_table: vec!["a".into()],
            explicit_hash_key_table: vec!["1".into()],
            records: vec![Record {
                partition_key_index: 0,
                explicit_hash_key_index: Some(0),
                data: b"x".to_vec(),
                tags: Vec::new(),
            }],
        };
        assert!(deaggregate(&frame(&message)).is_some());
        message.records[0].partition_key_index = 1;
        assert_eq!(deaggregate(&frame(&message)), None);
        message.records[0].partition_key_index = 0;
        message.records[0].explicit_hash_key_index = Some(u64::MAX);
        assert_eq!(deaggregate(&frame(&message)), None);
    }

    #[test]
    fn incremental_size_matches_encoding() {
        // Sizes and key counts that cross varint boundaries (127/128, 16383/16384).
        let mut open = Open::default();
        for i in 0..300usize {
            let size = [0, 1, 127, 128, 16_383, 16_384][i % 6];
            let pk = format!("key-{}", i % 150);
            let ehk = (i % 3 == 0).then(|| format!("{}", i % 140));
            let user = UserRecord {
                partition_key: pk,
                explicit_hash_key: ehk,
                data: vec![i as u8; size],
            };
            let before = open.protobuf_len;
            let growth = open.growth(&user);
            open.push(user);
            assert_eq!(open.protobuf_len, before + growth);
            assert_eq!(open.protobuf_len, open.message.encoded_len());
        }
        assert_eq!(open.encode().len(), FRAME_LEN + open.protobuf_len);
    }

    #[test]
    fn aggregator_packs_records_up_to_max_size() {
        let mut aggregator = Aggregator::new(DEFAULT_MAX_SIZE);
        let inputs: Vec<UserRecord> = (0..1_000)
            .map(|i| UserRecord {
                partition_key: format!("pk-{}", i % 37),
                explicit_hash_key: None,
                data: vec![(i % 251) as u8; 512],
            })
            .collect();
        let mut aggregates = Vec::new();
        for input in inputs.clone() {
            aggregates.extend(aggregator.add(input));
        }
        assert_eq!(
            aggregator.len(),
            1_000 - aggregates.iter().map(|a| a.user_records).sum::<usize>()
        );
        aggregates.extend(aggregator.flush());
        assert!(aggregator.is_empty());
        assert_eq!(aggregator.flush(), None);

        assert!(
            (10..=11).contains(&aggregates.len()),
            "{} aggregates",
            aggregates.len()
        );
        assert_eq!(
            aggregates.iter().map(|a| a.user_records).sum::<usize>(),
            1_000
        );
        let mut decoded = Vec::new();
        for (n, aggregate) in aggregates.iter().enumerate() {
            assert!(aggregate.data.len() + aggregate.partition_key.len() <= DEFAULT_MAX_SIZE);
            if n + 1 < aggregates.len() {
                // Closed only because the next ~530-byte record did not fit.
                assert!(
                    aggregate.data.len() + aggregate.partition_key.len() > DEFAULT_MAX_SIZE - 600
                );
            }
            let users = deaggregate(&aggregate.data).expect("an aggregate");
            assert_eq!(users.len(), aggregate.user_records);
            assert_eq!(aggregate.partition_key, users[0].partition_key);
            decoded.extend(users);
        }
        assert_eq!(decoded, inputs);
    }

    #[test]
    fn aggregator_boundary_is_inclusive() {
        let first = record("key", Some("123"), &[1; 100]);
        let second = record("other", None, &[2; 100]);
        let both = aggregate(&[first.clone(), second.clone()]).len() + "key".len();

        let mut fits = Aggregator::new(both);
        assert_eq!(fits.add(first.clone()), None);
        assert_eq!(fits.add(second.clone()), None);
        assert_eq!(fits.len(), 2);
        let one = fits.flush().expect("open aggregate");
        assert_eq!(one.user_records, 2);
        assert_eq!(one.partition_key, "key");
        assert_eq!(one.explicit_hash_key.as_deref(), Some("123"));
        assert_eq!(one.data.len() + one.partition_key.len(), both);

        let mut splits = Aggregator::new(both - 1);
        assert_eq!(splits.add(first.clone()), None);
        let closed = splits.add(second.clone()).expect("first closed");
        assert_eq!(closed.user_records, 1);
        assert_eq!(deaggregate(&closed.data), Some(vec![first]));
        let last = splits.flush().expect("second open");
        assert_eq!(last.partition_key, "other");
        assert_eq!(last.explicit_hash_key, None);
        assert_eq!(deaggregate(&last.data), Some(vec![second]));
    }

    #[test]
    fn oversize_record_gets_its_own_aggregate() {
        let mut aggregator = Aggregator::new(1_000);
        let small = record("s", None, &[0; 10]);
        let huge = record("h", Some("9"), &[7; 5_000]);
        assert_eq!(aggregator.add(small.clone()), None);
        let closed = aggregator.add(huge.clone()).expect("small closed");
        assert_eq!(deaggregate(&closed.data), Some(vec![small.clone()]));
        let alone = aggregator.add(small.clone()).expect("huge closed");
        assert_eq!(alone.user_records, 1);
        assert_eq!(alone.partition_key, "h");
        assert!(alone.data.len() > 1_000);
        assert_eq!(deaggregate(&alone.data), Some(vec![huge.clone()]));
        assert_eq!(aggregator.flush().map(|a| a.user_records), Some(1));

        // Alone from the start, flushed without a panic.
        let mut lone = Aggregator::new(10);
        assert_eq!(lone.add(huge.clone()), None);
        let only = lone.flush().expect("open aggregate");
        assert_eq!(deaggregate(&only.data), Some(vec![huge]));
    }

    #[test]
    fn max_size_is_capped_at_the_kpl_limit() {
        assert_eq!(Aggregator::new(usize::MAX).max_size, MAX_SIZE_LIMIT);
        assert_eq!(Aggregator::default().max_size, DEFAULT_MAX_SIZE);
    }
}
