//! A simulated producer as a scenario declares it: what it writes (rate, sizes, payloads, keys),
//! through which API (PutRecord, PutRecords, the KPL) and how it retries; checked with the
//! field and the allowed range named.

use super::check::between;
use super::keys::KeyDistribution;
use super::kpl;
use super::kpl_limits;
use super::payload::PayloadKind;
use super::rate::RateSchedule;
use super::size::SizeDistribution;
use serde::{Deserialize, Serialize};

/// Which write API a producer uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ProducerApi {
    /// One PutRecord per record.
    PutRecord,
    /// PutRecords batches of up to `batch_size` (1–500), sent when full or after `linger_ms`.
    PutRecords { batch_size: usize, linger_ms: i64 },
    /// The KPL: user records aggregated per predicted shard (reference A.15) until an aggregate
    /// reaches `aggregation_max_size` bytes or its first record has waited
    /// `record_max_buffered_time_ms`, then collected into PutRecords calls (≤ 500 records, 5 MiB),
    /// at most `rate_limit_percent` of each shard's limits, retried until `record_ttl_ms` has
    /// passed since the record was added (the KPL's own retries: `retry` does not apply).
    Kpl {
        #[serde(default = "kpl_max_size")]
        aggregation_max_size: usize,
        #[serde(default = "kpl_buffered_ms")]
        record_max_buffered_time_ms: i64,
        #[serde(default = "kpl_rate_limit")]
        rate_limit_percent: u32,
        #[serde(default = "kpl_ttl")]
        record_ttl_ms: i64,
    },
}

fn kpl_rate_limit() -> u32 {
    kpl_limits::DEFAULT_RATE_LIMIT_PERCENT
}

fn kpl_ttl() -> i64 {
    kpl_limits::DEFAULT_RECORD_TTL_MS
}

fn kpl_max_size() -> usize {
    kpl::DEFAULT_MAX_SIZE
}

fn kpl_buffered_ms() -> i64 {
    kpl::DEFAULT_MAX_BUFFERED_MS
}

impl Default for ProducerApi {
    fn default() -> Self {
        ProducerApi::PutRecords {
            batch_size: 500,
            linger_ms: 100,
        }
    }
}

/// What happens to a throttled record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RetryPolicy {
    /// It is dropped.
    #[default]
    None,
    /// Retried after a random wait in [0, min(max_ms, base_ms × 2^attempt)], at most `max_attempts`
    /// sends in all.
    ExponentialBackoff {
        base_ms: i64,
        max_ms: i64,
        max_attempts: u32,
    },
}

/// A producer as a scenario declares it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerSpec {
    /// Name, unique in the scenario.
    pub name: String,
    /// Stream written to (empty when the producer writes to a Firehose delivery stream).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stream: String,
    /// Firehose delivery stream written to instead of a stream (PutRecord, or PutRecordBatch for
    /// `put_records`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firehose: Option<String>,
    /// Records per second over time.
    pub rate: RateSchedule,
    /// Multiplicative jitter on the rate, 0–1 (0.1 = ±10%).
    #[serde(default)]
    pub jitter: f64,
    /// Data sizes.
    #[serde(default = "default_size")]
    pub size: SizeDistribution,
    /// What records contain.
    #[serde(default)]
    pub payload: PayloadKind,
    /// Partition keys.
    pub keys: KeyDistribution,
    /// Write API (`put_records` to a firehose sends PutRecordBatch).
    #[serde(default)]
    pub api: ProducerApi,
    /// Retries of throttled records.
    #[serde(default)]
    pub retry: RetryPolicy,
}

fn default_size() -> SizeDistribution {
    SizeDistribution::Fixed { bytes: 100 }
}

impl ProducerSpec {
    /// Checks every value; the error names the producer, the field and the allowed range.
    pub fn validate(&self) -> Result<(), String> {
        let prefix = |e: String| format!("producer {:?}: {e}", self.name);
        match (&self.firehose, self.stream.is_empty()) {
            (Some(_), false) => {
                return Err(prefix("give either stream or firehose, not both".into()));
            }
            (None, true) => return Err(prefix("stream (or firehose) is required".into())),
            (Some(_), true) if matches!(self.api, ProducerApi::Kpl { .. }) => {
                return Err(prefix(
                    "api.kind = kpl writes to streams only: a firehose producer uses put_record or put_records".into(),
                ));
            }
            _ => {}
        }
        self.rate
            .validate()
            .map_err(|e| prefix(format!("rate.{e}")))?;
        self.size
            .validate()
            .map_err(|e| prefix(format!("size.{e}")))?;
        self.keys
            .validate()
            .map_err(|e| prefix(format!("keys.{e}")))?;
        if !(0.0..=1.0).contains(&self.jitter) {
            return Err(prefix(format!(
                "jitter = {} must be between 0 and 1",
                self.jitter
            )));
        }
        if let ProducerApi::PutRecords {
            batch_size,
            linger_ms,
        } = self.api
        {
            if !(1..=500).contains(&batch_size) {
                return Err(prefix(format!(
                    "api.batch_size = {batch_size} must be between 1 and 500"
                )));
            }
            if linger_ms < 0 {
                return Err(prefix(format!("api.linger_ms = {linger_ms} must be ≥ 0")));
            }
        }
        if let ProducerApi::Kpl {
            aggregation_max_size,
            record_max_buffered_time_ms,
            rate_limit_percent,
            record_ttl_ms,
        } = self.api
        {
            between("api.rate_limit_percent", rate_limit_percent, 1, 10_000).map_err(prefix)?;
            between("api.record_ttl_ms", record_ttl_ms, 100, 86_400_000).map_err(prefix)?;
            if !(64..=kpl::MAX_SIZE_LIMIT).contains(&aggregation_max_size) {
                return Err(prefix(format!(
                    "api.aggregation_max_size = {aggregation_max_size} must be between 64 and {}",
                    kpl::MAX_SIZE_LIMIT
                )));
            }
            if record_max_buffered_time_ms < 0 {
                return Err(prefix(format!(
                    "api.record_max_buffered_time_ms = {record_max_buffered_time_ms} must be ≥ 0"
                )));
            }
        }
        if let RetryPolicy::ExponentialBackoff {
            base_ms,
            max_ms,
            max_attempts,
        } = self.retry
            && (base_ms <= 0 || max_ms < base_ms || max_ms > 3_600_000 || max_attempts == 0)
        {
            return Err(prefix(format!(
                "retry: base_ms = {base_ms} must be > 0, max_ms = {max_ms} between base_ms and 3600000, max_attempts = {max_attempts} ≥ 1"
            )));
        }
        Ok(())
    }
}
