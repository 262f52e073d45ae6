//! Per-shard capacity (reference A.4): writes 1 MiB/s and 1,000 records/s, shared reads 2 MiB/s and
//! 5 GetRecords/s, 5 GetShardIterator calls/s, the 5-second penalty after a 10 MiB GetRecords, and
//! the stream's throttle mode.
//!
//! The model: every limit is a [`SlidingWindow`] over the last second of virtual time, so no
//! one-second window — and so no one-second bucket of the CloudWatch-named charts — ever holds more
//! than the limit. What one unit of work cannot split (a record larger than 1 MiB on a large-record
//! stream, a GetRecords returning more than is left) is admitted only when nothing else is in the
//! window, and its excess is a debt that keeps the shard busy until the limit's rate has repaid it
//! (AWS: the stream "bursts beyond its sustained write throughput, then returns to its baseline").

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// One MiB.
pub const MIB: u64 = 1_048_576;
/// Write limit per shard, bytes per second (data + partition key).
pub const WRITE_BYTES_PER_SECOND: u64 = MIB;
/// Write limit per shard, records per second.
pub const WRITE_RECORDS_PER_SECOND: u64 = 1_000;
/// Shared read limit per shard, bytes per second.
pub const READ_BYTES_PER_SECOND: u64 = 2 * MIB;
/// Shared read limit per shard, GetRecords calls per second.
pub const READ_CALLS_PER_SECOND: u64 = 5;
/// GetShardIterator calls per shard per second.
pub const GET_SHARD_ITERATOR_CALLS_PER_SECOND: u64 = 5;
/// Enhanced fan-out pipe per consumer per shard, bytes per second.
pub const EFO_BYTES_PER_SECOND: u64 = 2 * MIB;
/// Most bytes one GetRecords returns.
pub const GET_RECORDS_MAX_BYTES: u64 = 10 * MIB;
/// After a GetRecords returning 10 MiB, calls within this long are throttled (A.4).
pub const BIG_READ_PENALTY_MS: i64 = 5_000;

/// How a stream enforces its limits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ThrottleMode {
    /// AWS's limits, exactly.
    #[default]
    Faithful,
    /// No limits at all (benchmarks, debugging).
    Unthrottled,
    /// No limits, but each write record and each read call fails with
    /// ProvisionedThroughputExceededException with this probability (seeded, reproducible).
    FaultInjection { probability: f64 },
}

impl ThrottleMode {
    /// Parses `faithful`, `unthrottled` or `fault:PROBABILITY`.
    pub fn parse(text: &str) -> Option<ThrottleMode> {
        match text.trim() {
            "faithful" => Some(ThrottleMode::Faithful),
            "unthrottled" => Some(ThrottleMode::Unthrottled),
            other => {
                let p: f64 = other.strip_prefix("fault:")?.parse().ok()?;
                (0.0..=1.0)
                    .contains(&p)
                    .then_some(ThrottleMode::FaultInjection { probability: p })
            }
        }
    }
}

/// A token bucket holding at most one second of its rate, refilled continuously on the virtual
/// clock. Integer arithmetic: one unit costs 1,000 tokens and `rate` tokens arrive per millisecond,
/// so limits are exact at the boundary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateBucket {
    rate_per_second: u64,
    tokens: i64,
    refilled_at_ms: i64,
}

impl RateBucket {
    /// A full bucket for `rate_per_second` units.
    pub fn new(rate_per_second: u64, now_ms: i64) -> Self {
        Self {
            rate_per_second,
            tokens: Self::capacity_for(rate_per_second),
            refilled_at_ms: now_ms,
        }
    }

    fn capacity_for(rate: u64) -> i64 {
        (rate as i64).saturating_mul(1_000)
    }

    fn refill(&mut self, now_ms: i64) {
        let elapsed = (now_ms - self.refilled_at_ms).max(0);
        let capacity = Self::capacity_for(self.rate_per_second);
        self.tokens = self
            .tokens
            .saturating_add(elapsed.saturating_mul(self.rate_per_second as i64))
            .min(capacity);
        self.refilled_at_ms = self.refilled_at_ms.max(now_ms);
    }

    /// Whether `units` fit in what is left of the current second. A cost larger than a whole
    /// second's allowance (a large record on a 10 MiB-record stream) fits only into a full bucket,
    /// and the debt it leaves throttles what follows until it is repaid.
    pub fn has_room_for(&mut self, units: u64, now_ms: i64) -> bool {
        self.refill(now_ms);
        let cost = (units as i64).saturating_mul(1_000);
        self.tokens >= cost.min(Self::capacity_for(self.rate_per_second))
    }

    /// Whether anything at all is left (used where the cost is known only afterwards).
    pub fn is_positive(&mut self, now_ms: i64) -> bool {
        self.refill(now_ms);
        self.tokens > 0
    }

    /// Whole units that fit in what is left of the current second (0 when in debt).
    pub fn available(&mut self, now_ms: i64) -> u64 {
        self.refill(now_ms);
        (self.tokens.max(0) / 1_000) as u64
    }

    /// Spends `units`; the balance may go negative, which is a debt repaid before the next admission.
    pub fn spend(&mut self, units: u64, now_ms: i64) {
        self.refill(now_ms);
        self.tokens = self
            .tokens
            .saturating_sub((units as i64).saturating_mul(1_000));
    }

    /// Share of one second's allowance used, 0.0 (idle) to 1.0 (exhausted) or more (in debt).
    pub fn utilisation(&mut self, now_ms: i64) -> f64 {
        self.refill(now_ms);
        let capacity = Self::capacity_for(self.rate_per_second) as f64;
        1.0 - self.tokens as f64 / capacity
    }
}

/// The length of every limit's window, virtual milliseconds.
const WINDOW_MS: i64 = 1_000;

/// Units admitted during the last second of virtual time, kept per millisecond: a new unit of work
/// fits only if the window (now − 1 s, now] stays within the limit. Work larger than the whole
/// limit fits an empty window and leaves a debt (see the module's doc).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlidingWindow {
    limit: u64,
    /// (millisecond, units admitted in it), oldest first.
    recent: VecDeque<(i64, u64)>,
    in_window: u64,
    /// Nothing is admitted before this time (a debt being repaid).
    busy_until_ms: i64,
}

impl SlidingWindow {
    /// An empty window for `limit` units per second.
    pub fn new(limit: u64) -> Self {
        Self {
            limit,
            recent: VecDeque::new(),
            in_window: 0,
            busy_until_ms: i64::MIN,
        }
    }

    fn expire(&mut self, now_ms: i64) {
        while let Some(&(at, units)) = self.recent.front() {
            if at > now_ms - WINDOW_MS {
                break;
            }
            self.in_window -= units;
            self.recent.pop_front();
        }
    }

    /// Whether `units` fit now.
    pub fn has_room_for(&mut self, units: u64, now_ms: i64) -> bool {
        self.expire(now_ms);
        if now_ms < self.busy_until_ms {
            return false;
        }
        if units > self.limit {
            self.in_window == 0
        } else {
            self.in_window + units <= self.limit
        }
    }

    /// Whether anything at all is left (for work whose cost is known only afterwards).
    pub fn has_room(&mut self, now_ms: i64) -> bool {
        self.expire(now_ms);
        now_ms >= self.busy_until_ms && self.in_window < self.limit
    }

    /// Records `units` admitted at `now_ms`. Units beyond the limit are a debt: the window stays
    /// busy until it has emptied and the excess has been repaid at the limit's rate.
    pub fn spend(&mut self, units: u64, now_ms: i64) {
        self.expire(now_ms);
        self.add(units, now_ms);
    }

    /// [`SlidingWindow::spend`] right after a check at the same `now_ms` expired the window.
    fn add(&mut self, units: u64, now_ms: i64) {
        match self.recent.back_mut() {
            Some((at, sum)) if *at == now_ms => *sum += units,
            _ => self.recent.push_back((now_ms, units)),
        }
        self.in_window += units;
        let excess = self.in_window.saturating_sub(self.limit);
        if excess > 0 {
            let repay_ms = (excess.saturating_mul(1_000) / self.limit.max(1)) as i64;
            self.busy_until_ms = self
                .busy_until_ms
                .max(now_ms.saturating_add(WINDOW_MS).saturating_add(repay_ms));
        }
    }

    /// Units that still fit in the window now (0 while busy).
    pub fn available(&mut self, now_ms: i64) -> u64 {
        self.expire(now_ms);
        if now_ms < self.busy_until_ms {
            return 0;
        }
        self.limit.saturating_sub(self.in_window)
    }

    /// Share of the limit used in the last second, 0.0 (idle) to 1.0 (full) or more (busy).
    pub fn utilisation(&mut self, now_ms: i64) -> f64 {
        self.expire(now_ms);
        let used = self.in_window as f64 / self.limit.max(1) as f64;
        if now_ms < self.busy_until_ms {
            used.max(1.0)
        } else {
            used
        }
    }
}

/// A shard's write allowance: both bytes and records must fit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteCapacity {
    bytes: SlidingWindow,
    records: SlidingWindow,
}

impl Default for WriteCapacity {
    fn default() -> Self {
        Self {
            bytes: SlidingWindow::new(WRITE_BYTES_PER_SECOND),
            records: SlidingWindow::new(WRITE_RECORDS_PER_SECOND),
        }
    }
}

impl WriteCapacity {
    /// Admits one record of `size` bytes (data + partition key), or refuses it without spending.
    pub fn try_admit(&mut self, size: u64, now_ms: i64) -> bool {
        let fits = self.bytes.has_room_for(size, now_ms) && self.records.has_room_for(1, now_ms);
        if fits {
            // Both windows were expired at `now_ms` by the checks.
            self.bytes.add(size, now_ms);
            self.records.add(1, now_ms);
        }
        fits
    }

    /// Share of the write limit in use right now (the larger of bytes and records).
    pub fn utilisation(&mut self, now_ms: i64) -> f64 {
        self.bytes
            .utilisation(now_ms)
            .max(self.records.utilisation(now_ms))
    }
}

/// A shard's shared read allowance (GetRecords), split by all polling consumers, and its
/// GetShardIterator allowance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadCapacity {
    bytes: SlidingWindow,
    calls: SlidingWindow,
    iterators: SlidingWindow,
    penalty_until_ms: i64,
}

impl Default for ReadCapacity {
    fn default() -> Self {
        Self {
            bytes: SlidingWindow::new(READ_BYTES_PER_SECOND),
            calls: SlidingWindow::new(READ_CALLS_PER_SECOND),
            iterators: SlidingWindow::new(GET_SHARD_ITERATOR_CALLS_PER_SECOND),
            penalty_until_ms: i64::MIN,
        }
    }
}

impl ReadCapacity {
    /// Admits one GetRecords call: a call slot must be free, no byte debt may be outstanding, and no
    /// big-read penalty may be running. Spends the call slot when admitted.
    pub fn try_admit_call(&mut self, now_ms: i64) -> bool {
        let admitted = now_ms >= self.penalty_until_ms
            && self.bytes.has_room(now_ms)
            && self.calls.has_room_for(1, now_ms);
        if admitted {
            self.calls.spend(1, now_ms);
        }
        admitted
    }

    /// Charges the bytes an admitted call returned. A call that returned the full 10 MiB blocks the
    /// shard's reads for the next 5 seconds (A.4); any excess over the window is a debt.
    pub fn charge(&mut self, bytes: u64, now_ms: i64) {
        self.bytes.spend(bytes, now_ms);
        if bytes >= GET_RECORDS_MAX_BYTES {
            self.penalty_until_ms = now_ms + BIG_READ_PENALTY_MS;
        }
    }

    /// Admits one GetShardIterator call (5 per second per shard), spending it when admitted.
    pub fn try_admit_iterator(&mut self, now_ms: i64) -> bool {
        let admitted = self.iterators.has_room_for(1, now_ms);
        if admitted {
            self.iterators.spend(1, now_ms);
        }
        admitted
    }

    /// Share of the read limit in use right now.
    pub fn utilisation(&mut self, now_ms: i64) -> f64 {
        self.bytes
            .utilisation(now_ms)
            .max(self.calls.utilisation(now_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_000_000;

    #[test]
    fn given_a_fresh_shard_when_writing_1000_records_in_one_instant_the_1001st_is_throttled() {
        let mut write = WriteCapacity::default();
        assert!((0..1_000).all(|_| write.try_admit(1, T0)));
        assert!(!write.try_admit(1, T0));
        // Nothing more until the first records leave the one-second window.
        assert!(!write.try_admit(1, T0 + 999));
        assert!(write.try_admit(1, T0 + 1_000));
    }

    #[test]
    fn given_a_fresh_shard_exactly_1_mib_fits_and_one_byte_more_does_not() {
        let mut write = WriteCapacity::default();
        assert!(write.try_admit(MIB, T0));
        assert!(!write.try_admit(1, T0));
        assert!(!write.try_admit(1, T0 + 999));
        assert!(write.try_admit(MIB, T0 + 1_000));
    }

    #[test]
    fn an_idle_shard_never_takes_more_than_the_limit_in_any_one_second_window() {
        // The old token bucket admitted a full second's allowance at once and then refilled it
        // during the same calendar second: about 2,000 records. A window admits 1,000.
        let mut write = WriteCapacity::default();
        let mut admitted = Vec::new();
        for ms in 0..3_000 {
            for _ in 0..5 {
                if write.try_admit(10, T0 + ms) {
                    admitted.push(ms);
                }
            }
        }
        for start in 0..2_000 {
            let in_window = admitted
                .iter()
                .filter(|&&t| t >= start && t < start + 1_000)
                .count();
            assert!(in_window <= 1_000, "{in_window} records in [{start}, +1 s)");
        }
        assert_eq!(
            admitted.len(),
            3_000,
            "the limit is still reached, second after second"
        );
    }

    #[test]
    fn a_record_larger_than_a_second_of_allowance_fits_an_idle_shard_and_keeps_it_busy() {
        let mut write = WriteCapacity::default();
        assert!(write.try_admit(3 * MIB, T0));
        assert!(
            !write.try_admit(1, T0 + 2_999),
            "3 MiB at 1 MiB/s occupies the shard for 3 s"
        );
        assert!(write.try_admit(1, T0 + 3_000));
    }

    #[test]
    fn a_large_record_waits_for_an_empty_window() {
        let mut write = WriteCapacity::default();
        assert!(write.try_admit(10, T0));
        assert!(!write.try_admit(2 * MIB, T0 + 500));
        assert!(write.try_admit(2 * MIB, T0 + 1_000));
    }

    #[test]
    fn a_refused_record_spends_nothing() {
        let mut write = WriteCapacity::default();
        assert!(write.try_admit(MIB - 10, T0));
        assert!(!write.try_admit(11, T0));
        assert!(write.try_admit(10, T0));
    }

    #[test]
    fn five_get_records_per_second_and_the_sixth_is_throttled() {
        let mut read = ReadCapacity::default();
        assert!((0..5).all(|_| read.try_admit_call(T0)));
        assert!(!read.try_admit_call(T0));
        assert!(!read.try_admit_call(T0 + 999));
        assert!(read.try_admit_call(T0 + 1_000));
    }

    #[test]
    fn reads_every_200_ms_never_throttle() {
        let mut read = ReadCapacity::default();
        assert!((0..50).all(|i| read.try_admit_call(T0 + i * 200)));
    }

    #[test]
    fn five_get_shard_iterator_calls_per_second_per_shard() {
        let mut read = ReadCapacity::default();
        assert!((0..5).all(|_| read.try_admit_iterator(T0)));
        assert!(!read.try_admit_iterator(T0 + 999));
        assert!(read.try_admit_iterator(T0 + 1_000));
    }

    #[test]
    fn a_10_mib_read_blocks_the_shard_for_five_seconds() {
        let mut read = ReadCapacity::default();
        assert!(read.try_admit_call(T0));
        read.charge(GET_RECORDS_MAX_BYTES, T0);
        assert!(!read.try_admit_call(T0 + 4_999));
        assert!(read.try_admit_call(T0 + 5_000));
    }

    #[test]
    fn reading_over_2_mib_in_a_second_throttles_until_the_debt_is_repaid() {
        let mut read = ReadCapacity::default();
        assert!(read.try_admit_call(T0));
        read.charge(3 * MIB, T0);
        // 2 MiB fit the window; the third is a debt repaid at 2 MiB/s once the window has passed.
        assert!(!read.try_admit_call(T0 + 1_499));
        assert!(read.try_admit_call(T0 + 1_500));
    }

    #[test]
    fn throttle_modes_parse() {
        assert_eq!(
            ThrottleMode::parse("faithful"),
            Some(ThrottleMode::Faithful)
        );
        assert_eq!(
            ThrottleMode::parse("fault:0.25"),
            Some(ThrottleMode::FaultInjection { probability: 0.25 })
        );
        assert_eq!(ThrottleMode::parse("fault:2"), None);
        assert_eq!(ThrottleMode::parse("nope"), None);
    }
}
