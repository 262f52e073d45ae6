//! The KPL's own send discipline (reference A.15's defaults): RateLimit keeps what one producer
//! sends to a shard within 150 % of the shard's write limits (a token bucket per predicted shard;
//! what does not fit waits in the KPL's queue rather than being throttled by the service), and
//! RecordTtl drops a user record that has not been put within 30 s of being added — the KPL's only
//! source of loss, since it retries throttled records until then.

use crate::streams::capacity::{RateBucket, WRITE_BYTES_PER_SECOND, WRITE_RECORDS_PER_SECOND};
use crate::streams::shapes::ShardId;
use std::collections::BTreeMap;

/// The KPL's default RateLimit, percent of a shard's limits.
pub const DEFAULT_RATE_LIMIT_PERCENT: u32 = 150;
/// The KPL's default RecordTtl, milliseconds.
pub const DEFAULT_RECORD_TTL_MS: i64 = 30_000;

/// Per-shard rate limiting and the record time-to-live of one KPL instance.
#[derive(Debug, Clone)]
pub struct KplLimits {
    rate_percent: u32,
    ttl_ms: i64,
    /// (records, bytes) allowances by predicted shard.
    shards: BTreeMap<ShardId, (RateBucket, RateBucket)>,
}

impl KplLimits {
    /// Limits with RateLimit `rate_percent` and RecordTtl `ttl_ms`.
    pub fn new(rate_percent: u32, ttl_ms: i64) -> Self {
        Self {
            rate_percent,
            ttl_ms,
            shards: BTreeMap::new(),
        }
    }

    /// Whether a Kinesis record of `bytes` may go to `shard` now; spends the allowance if so.
    pub fn admit(&mut self, shard: ShardId, bytes: u64, now_ms: i64) -> bool {
        let percent = u64::from(self.rate_percent);
        let (records, data) = self.shards.entry(shard).or_insert_with(|| {
            (
                RateBucket::new(WRITE_RECORDS_PER_SECOND * percent / 100, now_ms),
                RateBucket::new(WRITE_BYTES_PER_SECOND * percent / 100, now_ms),
            )
        });
        let fits = records.has_room_for(1, now_ms) && data.has_room_for(bytes, now_ms);
        if fits {
            records.spend(1, now_ms);
            data.spend(bytes, now_ms);
        }
        fits
    }

    /// Whether a record added at `added_ms` has outlived RecordTtl at `now_ms`.
    pub fn expired(&self, added_ms: i64, now_ms: i64) -> bool {
        now_ms - added_ms >= self.ttl_ms
    }

    /// Forgets shards no longer written to (closed by a reshard).
    pub fn retain(&mut self, open: impl Fn(ShardId) -> bool) {
        self.shards.retain(|shard, _| open(*shard));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_gets_at_most_150_percent_of_its_record_limit_a_second() {
        let mut limits = KplLimits::new(DEFAULT_RATE_LIMIT_PERCENT, DEFAULT_RECORD_TTL_MS);
        let sent = (0..3_000)
            .filter(|_| limits.admit(ShardId(0), 10, 0))
            .count();
        assert_eq!(sent, 1_500);
        assert!(limits.admit(ShardId(1), 10, 0), "each shard has its own");
    }

    #[test]
    fn records_expire_after_the_ttl() {
        let limits = KplLimits::new(150, 30_000);
        assert!(!limits.expired(0, 29_999));
        assert!(limits.expired(0, 30_000));
    }
}
