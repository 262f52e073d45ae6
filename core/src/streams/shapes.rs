//! Shapes shared by several operations, named and serialised as in the Kinesis model
//! (`Kinesis_20131202`), so the wire layer can encode them as they are.

use super::hashkey::HashKeyRange;
use super::sequence::SequenceNumber;
pub use super::shared_str::SharedStr;
use crate::time::Timestamp;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use serde_with::skip_serializing_none;
use std::fmt;

/// A shard's id: `shardId-` and a 12-digit index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShardId(pub u32);

impl ShardId {
    /// Parses a shard id as AWS does: the digits after the last `-` (so `shardId-000000000005`,
    /// `shardId-5`, `5` and `anything-5` all mean shard 5), at most 2^31 − 1.
    pub fn parse(text: &str) -> Option<ShardId> {
        let digits = text.rsplit('-').next().unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits
            .parse::<u32>()
            .ok()
            .filter(|&n| n <= i32::MAX as u32)
            .map(ShardId)
    }
}

impl ShardId {
    /// `shardId-` and the index in 12 zero-padded digits, written without the formatting
    /// machinery (every record of a PutRecords answer carries one).
    pub(crate) fn text(self) -> [u8; 20] {
        let mut text = *b"shardId-000000000000";
        let mut n = self.0;
        for digit in text[8..].iter_mut().rev() {
            *digit = b'0' + (n % 10) as u8;
            n /= 10;
        }
        text
    }
}

impl fmt::Display for ShardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.text();
        f.write_str(std::str::from_utf8(&text).unwrap_or_default())
    }
}

impl Serialize for ShardId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.text();
        serializer.serialize_str(std::str::from_utf8(&text).unwrap_or_default())
    }
}

/// Text of at most 64 bytes, written on the stack.
struct ShortText {
    bytes: [u8; 64],
    len: usize,
}

impl fmt::Write for ShortText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.bytes
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Serializes a value whose Display is at most 64 bytes (ids, sequence numbers) as one string,
/// formatted on the stack: every record of a PutRecords or GetRecords answer has two.
pub(crate) fn serialize_short_display<S: Serializer>(
    value: &impl fmt::Display,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use fmt::Write;
    let mut text = ShortText {
        bytes: [0; 64],
        len: 0,
    };
    if write!(text, "{value}").is_err() {
        return serializer.collect_str(value);
    }
    serializer.serialize_str(std::str::from_utf8(&text.bytes[..text.len]).unwrap_or_default())
}

/// A data blob: base64 text in JSON, a byte string in CBOR (reference A.2). The bytes are shared,
/// not owned: a record read from a shard is a view into the shard's log, and passing a record on
/// (to a subscriber, a simulated consumer) copies no data.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Blob(pub Bytes);

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blob({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Self {
        Blob(Bytes::from(bytes))
    }
}

impl From<Bytes> for Blob {
    fn from(bytes: Bytes) -> Self {
        Blob(bytes)
    }
}

impl From<&[u8]> for Blob {
    fn from(bytes: &[u8]) -> Self {
        Blob(Bytes::copy_from_slice(bytes))
    }
}

impl From<&str> for Blob {
    fn from(text: &str) -> Self {
        Blob(Bytes::copy_from_slice(text.as_bytes()))
    }
}

impl std::ops::Deref for Blob {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.serialize_str(&STANDARD.encode(&self.0))
        } else {
            serializer.serialize_bytes(&self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Blob;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("base64 text or a byte string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Blob, E> {
                STANDARD
                    .decode(v)
                    .map(Blob::from)
                    .map_err(|_| E::custom("Base64 encoded data is not valid"))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Blob, E> {
                Ok(Blob::from(v))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Blob, E> {
                Ok(Blob::from(v))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Stream status (A.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StreamStatus {
    Creating,
    Deleting,
    Active,
    Updating,
}

impl fmt::Display for StreamStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StreamStatus::Creating => "CREATING",
            StreamStatus::Deleting => "DELETING",
            StreamStatus::Active => "ACTIVE",
            StreamStatus::Updating => "UPDATING",
        })
    }
}

/// Capacity mode (A.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StreamMode {
    Provisioned,
    OnDemand,
}

/// `{StreamMode}` wrapper as the model has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamModeDetails {
    /// The capacity mode.
    pub stream_mode: StreamMode,
}

/// `{StreamMode}` as requests carry it: text, so a wrong value is a ValidationException.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub struct StreamModeDetailsInput {
    /// `PROVISIONED` or `ON_DEMAND`.
    pub stream_mode: Option<String>,
}

impl StreamModeDetailsInput {
    /// Details naming `mode`.
    pub fn of(mode: StreamMode) -> Self {
        let text = match mode {
            StreamMode::Provisioned => "PROVISIONED",
            StreamMode::OnDemand => "ON_DEMAND",
        };
        Self {
            stream_mode: Some(text.into()),
        }
    }

    /// Validates and parses the mode.
    pub fn mode(&self, v: &mut crate::validate::Validator) -> Option<StreamMode> {
        v.required("streamModeDetails.streamMode", &self.stream_mode);
        v.parse_enum(
            "streamModeDetails.streamMode",
            self.stream_mode.as_deref(),
            &["PROVISIONED", "ON_DEMAND"],
        )
    }
}

/// Server-side encryption type (A.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EncryptionType {
    None,
    Kms,
}

/// Where a reader starts (A.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ShardIteratorType {
    AtSequenceNumber,
    AfterSequenceNumber,
    TrimHorizon,
    Latest,
    AtTimestamp,
}

impl fmt::Display for ShardIteratorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AtSequenceNumber => "AT_SEQUENCE_NUMBER",
            Self::AfterSequenceNumber => "AFTER_SEQUENCE_NUMBER",
            Self::TrimHorizon => "TRIM_HORIZON",
            Self::Latest => "LATEST",
            Self::AtTimestamp => "AT_TIMESTAMP",
        })
    }
}

/// Shard-level metric names for enhanced monitoring (A.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MetricsName {
    IncomingBytes,
    IncomingRecords,
    OutgoingBytes,
    OutgoingRecords,
    WriteProvisionedThroughputExceeded,
    ReadProvisionedThroughputExceeded,
    IteratorAgeMilliseconds,
    #[serde(rename = "ALL")]
    All,
}

impl MetricsName {
    /// The seven concrete shard-level metrics that `ALL` stands for.
    pub const CONCRETE: [MetricsName; 7] = [
        Self::IncomingBytes,
        Self::IncomingRecords,
        Self::OutgoingBytes,
        Self::OutgoingRecords,
        Self::WriteProvisionedThroughputExceeded,
        Self::ReadProvisionedThroughputExceeded,
        Self::IteratorAgeMilliseconds,
    ];
}

/// `{ShardLevelMetrics}` as DescribeStream lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnhancedMetrics {
    /// Enabled shard-level metrics.
    pub shard_level_metrics: Vec<MetricsName>,
}

/// A hash-key range in the model's decimal-string form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HashKeyRangeShape {
    /// First key, decimal.
    pub starting_hash_key: String,
    /// Last key, decimal.
    pub ending_hash_key: String,
}

impl From<HashKeyRange> for HashKeyRangeShape {
    fn from(range: HashKeyRange) -> Self {
        Self {
            starting_hash_key: range.start.to_string(),
            ending_hash_key: range.end.to_string(),
        }
    }
}

/// A shard's sequence-number range; open shards have no end.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SequenceNumberRange {
    /// First possible sequence number of the shard.
    pub starting_sequence_number: SequenceNumber,
    /// Last one, once the shard is closed.
    pub ending_sequence_number: Option<SequenceNumber>,
}

/// A shard as DescribeStream and ListShards describe it.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Shard {
    /// The shard's id.
    pub shard_id: ShardId,
    /// The shard it was split from, or the first of the pair it was merged from.
    pub parent_shard_id: Option<ShardId>,
    /// The second shard of a merge.
    pub adjacent_parent_shard_id: Option<ShardId>,
    /// Keys the shard owns.
    pub hash_key_range: HashKeyRangeShape,
    /// Sequence numbers the shard can hold.
    pub sequence_number_range: SequenceNumberRange,
}

/// A child shard, as GetRecords and SubscribeToShard report at a shard's end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChildShard {
    /// The child's id.
    pub shard_id: ShardId,
    /// Its parents (one after a split, two after a merge).
    pub parent_shards: Vec<ShardId>,
    /// Keys it owns.
    pub hash_key_range: HashKeyRangeShape,
}

/// A data record as readers get it.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Record {
    /// The record's sequence number.
    pub sequence_number: SequenceNumber,
    /// When the record arrived (virtual time).
    pub approximate_arrival_timestamp: Timestamp,
    /// The data blob.
    pub data: Blob,
    /// The partition key it was written with (a view of the log's bytes).
    pub partition_key: SharedStr,
    /// `KMS` if it was written while the stream was encrypted.
    pub encryption_type: Option<EncryptionType>,
}

/// A tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    /// Tag key.
    pub key: String,
    /// Tag value (may be absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// The empty output of operations that return nothing (`{}` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Empty {}

/// Warm throughput of an on-demand stream (A.11).
#[skip_serializing_none]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WarmThroughput {
    /// The target the stream is scaling to, MiB/s.
    pub target_mi_bps: Option<u32>,
    /// What it handles now, MiB/s.
    pub current_mi_bps: Option<u32>,
}

/// Where a subscription starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub struct StartingPosition {
    /// Iterator type (text, so a wrong value is a ValidationException like at AWS).
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    /// For AT/AFTER_SEQUENCE_NUMBER.
    pub sequence_number: Option<String>,
    /// For AT_TIMESTAMP.
    pub timestamp: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_ids_print_and_parse_as_aws_writes_them() {
        assert_eq!(ShardId(7).to_string(), "shardId-000000000007");
        assert_eq!(ShardId::parse("shardId-000000000007"), Some(ShardId(7)));
        assert_eq!(ShardId::parse("7"), Some(ShardId(7)));
        assert_eq!(ShardId::parse("anything-5"), Some(ShardId(5)));
        assert_eq!(ShardId::parse("shardId-x"), None);
        assert_eq!(ShardId::parse("2147483648"), None);
    }

    #[test]
    fn blobs_are_base64_in_json() {
        let json = serde_json::to_string(&Blob::from("hello")).unwrap();
        assert_eq!(json, "\"aGVsbG8=\"");
        let back: Blob = serde_json::from_str(&json).unwrap();
        assert_eq!(&back.0[..], b"hello");
        assert!(serde_json::from_str::<Blob>("\"***\"").is_err());
    }
}
