//! A delivery stream's buffer (reference B.3): records wait until SizeInMBs or IntervalInSeconds
//! is reached, whichever first, then leave together as one object. Every flush records why.

use bytes::Bytes;
use serde::Serialize;

/// A record waiting in a buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BufferedRecord {
    pub data: Bytes,
    /// Approximate arrival, epoch ms.
    pub arrival_ms: i64,
}

/// Records waiting for delivery.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Buffer {
    records: Vec<BufferedRecord>,
    bytes: u64,
    /// When the first record now waiting entered (the interval counts from here: a record that
    /// waited in Lambda's buffer first starts the delivery buffer's interval afresh).
    opened_ms: Option<i64>,
}

impl Buffer {
    /// Adds a record entering at `now_ms`.
    pub fn push(&mut self, record: BufferedRecord, now_ms: i64) {
        self.opened_ms.get_or_insert(now_ms);
        self.bytes += record.data.len() as u64;
        self.records.push(record);
    }

    /// Bytes waiting.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Records waiting.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// When the oldest waiting record arrived.
    pub fn oldest_arrival_ms(&self) -> Option<i64> {
        self.records.first().map(|r| r.arrival_ms)
    }

    /// When the first record now waiting entered.
    pub fn opened_ms(&self) -> Option<i64> {
        self.opened_ms
    }

    /// Empties the buffer, returning what waited.
    pub fn take(&mut self) -> Vec<BufferedRecord> {
        self.bytes = 0;
        self.opened_ms = None;
        std::mem::take(&mut self.records)
    }
}

/// The partition keys of a dynamically partitioned record: from the MetadataExtraction query
/// and from the Lambda function's `metadata.partitionKeys` (reference B.7).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartitionKeys {
    pub from_query: std::collections::BTreeMap<String, String>,
    pub from_lambda: std::collections::BTreeMap<String, String>,
}

/// Why a buffer was delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlushReason {
    /// SizeInMBs was reached.
    Size,
    /// IntervalInSeconds passed since the oldest record arrived.
    Interval,
    /// Someone asked (the app's "Flush now", a scenario's `flush`).
    FlushNow,
    /// The server or app shut down.
    Shutdown,
    /// `--firehose-buffering immediate`: every put delivered on its own.
    Immediate,
    /// UpdateDestination changed the prefix or the partitioning: what waited is delivered under
    /// the configuration it arrived with.
    Reconfigured,
}

impl FlushReason {
    /// The reason as the report and the app write it.
    pub fn text(self) -> &'static str {
        match self {
            Self::Size => "size",
            Self::Interval => "interval",
            Self::FlushNow => "flush-now",
            Self::Shutdown => "shutdown",
            Self::Immediate => "immediate",
            Self::Reconfigured => "reconfigured",
        }
    }
}

/// One delivery of a buffer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flush {
    /// Virtual time of the delivery, epoch ms.
    pub at_ms: i64,
    pub reason: FlushReason,
    /// Records in the object.
    pub records: u64,
    /// Bytes of the records, before compression.
    pub bytes: u64,
    /// The object's key (empty if it could not be delivered yet).
    pub key: String,
    /// The object's size as stored.
    pub object_bytes: u64,
}

/// How delivery streams buffer: as AWS does, or one delivery per put (`--firehose-buffering`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BufferingMode {
    /// Size and interval hints honoured on the virtual clock.
    #[default]
    Faithful,
    /// Every PutRecord / PutRecordBatch delivered at once as its own object.
    Immediate,
}

impl BufferingMode {
    /// Parses `faithful` or `immediate`.
    pub fn parse(text: &str) -> Option<BufferingMode> {
        match text {
            "faithful" => Some(Self::Faithful),
            "immediate" => Some(Self::Immediate),
            _ => None,
        }
    }
}
