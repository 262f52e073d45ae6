//! On-demand capacity (reference A.11), as AWS describes it and as the engine models it:
//!
//! - **Demand counts what was asked for**, accepted or throttled: each second's write demand is its
//!   IncomingBytes / IncomingRecords plus what was refused.
//! - **Peak rule:** the stream keeps enough shards for twice the highest demand of any second in the
//!   last 30 days (at least 4 shards, or the warm-throughput target; at most 200 MiB/s), so traffic
//!   up to double its previous peak is absorbed without throttling.
//! - **15-minute rule:** demand beyond the shards the stream has (more than double the previous
//!   peak) is throttled, and the capacity for it arrives 15 minutes after the first such second.
//!   A new peak within the current capacity is provided for at the next look, so a ramp that
//!   never more than doubles between looks is followed without throttling.
//! - **Per-shard trigger:** a shard taking more than 500 KB/s between two looks is split at its
//!   midpoint
//!   (its hash keys redistributed evenly), unless it is already narrower than half the average
//!   shard: splitting evenly cannot isolate one hot partition key (AWS: "it does not detect and
//!   isolate hash keys").
//! - **Scale-down:** as peaks older than 30 days are forgotten, the stream merges its coldest
//!   adjacent shards back down to twice the remaining peak.
//!
//! The stream looks at its traffic every 10 seconds (`Settings::on_demand_scaling_interval_ms`).
//! On-demand scaling does not make the stream UPDATING.

use super::capacity::{MIB, WRITE_RECORDS_PER_SECOND};
use super::hashkey::HashKeyRange;
use super::shapes::ShardId;
use super::stream::{ON_DEMAND_INITIAL_SHARDS, StreamState};
use crate::metrics::MetricName;
use std::collections::VecDeque;

/// Most write capacity an on-demand stream scales to, MiB/s (classic quota, A.11).
pub const ON_DEMAND_MAX_WRITE_MIBPS: u32 = 200;
/// How long a peak is remembered.
pub const PEAK_MEMORY_MS: i64 = 30 * 86_400_000;
/// How long capacity for demand beyond the current shards takes to arrive.
pub const SCALE_UP_DELAY_MS: i64 = 15 * 60_000;
/// A shard taking more than this many bytes per second between looks is split (A.11: 500 KB/s).
pub const HOT_SHARD_BYTES_PER_SECOND: f64 = 500_000.0;

/// What an on-demand stream remembers of its traffic.
#[derive(Debug, Clone, Default)]
pub struct OnDemandState {
    /// (time, peak demand bytes/s, peak demand records/s) of each look.
    peaks: VecDeque<(i64, f64, f64)>,
    /// Throttled (bytes, records) per epoch second since the last look.
    refused: VecDeque<(i64, u64, u64)>,
    /// When the stream last looked at its traffic.
    pub last_evaluated_ms: Option<i64>,
    /// Capacity on its way for demand beyond the shards: (when it arrives, shards).
    pub pending_scale_up: Option<(i64, u32)>,
    /// Shards seen above the per-shard trigger: shard → (when it is reconsidered, seen since).
    pub pending_splits: std::collections::BTreeMap<ShardId, (i64, i64)>,
}

impl OnDemandState {
    /// Remembers the peak write demand seen by a look at `now_ms`.
    pub fn observe(&mut self, now_ms: i64, peak_bytes_per_s: f64, peak_records_per_s: f64) {
        // An older peak that is no higher in either measure can never be the maximum again (the
        // new one outlives it): only the rest is kept, so quiet months cost nothing.
        while self
            .peaks
            .back()
            .is_some_and(|&(_, b, r)| b <= peak_bytes_per_s && r <= peak_records_per_s)
        {
            self.peaks.pop_back();
        }
        self.peaks
            .push_back((now_ms, peak_bytes_per_s, peak_records_per_s));
        while self
            .peaks
            .front()
            .is_some_and(|&(t, _, _)| t <= now_ms - PEAK_MEMORY_MS)
        {
            self.peaks.pop_front();
        }
    }

    /// Counts writes refused at `now_ms` (they are demand too).
    pub fn note_refused(&mut self, now_ms: i64, bytes: u64, records: u64) {
        let second = now_ms.div_euclid(1_000);
        match self.refused.back_mut() {
            Some((s, b, r)) if *s == second => {
                *b += bytes;
                *r += records;
            }
            _ => self.refused.push_back((second, bytes, records)),
        }
    }

    /// Refused (bytes, records) in `second`, forgetting seconds before `oldest`.
    fn refused_in(&mut self, second: i64, oldest: i64) -> (u64, u64) {
        while self.refused.front().is_some_and(|&(s, _, _)| s < oldest) {
            self.refused.pop_front();
        }
        self.refused
            .iter()
            .find(|&&(s, _, _)| s == second)
            .map_or((0, 0), |&(_, b, r)| (b, r))
    }

    /// Open shards needed: enough for twice the remembered peak (bytes or records), at least the
    /// initial 4 and the warm-throughput target, at most 200 MiB/s worth.
    pub fn target_shards(&self, warm_mibps: Option<u32>) -> u32 {
        let (bytes, records) = self
            .peaks
            .iter()
            .fold((0.0f64, 0.0f64), |(b, r), &(_, pb, pr)| {
                (b.max(pb), r.max(pr))
            });
        shards_for(2.0 * bytes, 2.0 * records)
            .max(warm_mibps.unwrap_or(0))
            .clamp(ON_DEMAND_INITIAL_SHARDS, ON_DEMAND_MAX_WRITE_MIBPS)
    }
}

/// Shards whose write limits cover `bytes_per_s` and `records_per_s`.
fn shards_for(bytes_per_s: f64, records_per_s: f64) -> u32 {
    let for_bytes = (bytes_per_s / MIB as f64).ceil() as u32;
    let for_records = (records_per_s / WRITE_RECORDS_PER_SECOND as f64).ceil() as u32;
    for_bytes.max(for_records)
}

/// The traffic since the last look, as the scaling decision sees it.
struct Look {
    /// Highest demand of any second: (bytes/s, records/s).
    peak: (f64, f64),
    /// The first second whose demand the open shards could not take, if any.
    first_overflow_ms: Option<i64>,
    /// Shards above the per-shard trigger.
    hot: Vec<ShardId>,
}

impl StreamState {
    /// Reads the seconds since the last look: each one's demand (accepted + refused), and the hot
    /// shards.
    fn look(&mut self, from_s: i64, to_s: i64) -> Look {
        let open = self.open_shard_count() as f64;
        let mut peak = (0.0f64, 0.0f64);
        let mut first_overflow_ms = None;
        for second in from_s..to_s {
            // Demand is what came in plus what was refused.
            let (refused_bytes, refused_records) = self.on_demand.refused_in(second, from_s);
            let demand = |metric, refused: u64| {
                self.metrics.series(metric).at_second(second).sum + refused as f64
            };
            let bytes = demand(MetricName::IncomingBytes, refused_bytes);
            let records = demand(MetricName::IncomingRecords, refused_records);
            peak = (peak.0.max(bytes), peak.1.max(records));
            let beyond =
                bytes > open * MIB as f64 || records > open * WRITE_RECORDS_PER_SECOND as f64;
            if beyond && first_overflow_ms.is_none() {
                first_overflow_ms = Some(second * 1_000);
            }
        }
        let seconds = (to_s - from_s).max(1) as f64;
        let average_width = (u128::MAX / self.open_shard_count().max(1) as u128) as f64;
        let hot = self
            .open_shards()
            .filter(|s| (s.range.end - s.range.start) as f64 >= average_width / 2.0)
            .filter(|s| {
                let bytes: f64 = (from_s..to_s)
                    .map(|t| s.metrics.series(MetricName::IncomingBytes).at_second(t).sum)
                    .sum();
                bytes / seconds > HOT_SHARD_BYTES_PER_SECOND
            })
            .map(|s| s.id)
            .collect();
        Look {
            peak,
            first_overflow_ms,
            hot,
        }
    }

    /// Traffic of open shard `id` over `seconds`, bytes.
    fn heat(&self, id: ShardId, seconds: std::ops::Range<i64>) -> f64 {
        let series = self.shards[id.0 as usize]
            .metrics
            .series(MetricName::IncomingBytes);
        seconds.map(|t| series.at_second(t).sum).sum()
    }

    /// Splits the hottest open shards (widest first among equals) until there are `target`.
    fn split_hottest(&mut self, target: u32, seconds: std::ops::Range<i64>, now: i64) {
        while self.open_shard_count() < target {
            let hottest = self
                .open_shards()
                .filter(|s| s.range.end - s.range.start > 2)
                .map(|s| (s.id, self.heat(s.id, seconds.clone()), s.range))
                .max_by(|a, b| a.1.total_cmp(&b.1).then(span(a.2).cmp(&span(b.2))));
            let Some((id, _, range)) = hottest else { break };
            self.split_shard(id, range.midpoint(), now);
        }
    }

    /// Merges the coldest adjacent pairs until there are `target` open shards, never making a
    /// shard that would take more than half the per-shard trigger.
    fn merge_coldest(&mut self, target: u32, seconds: std::ops::Range<i64>, now: i64) {
        let limit = HOT_SHARD_BYTES_PER_SECOND / 2.0 * (seconds.end - seconds.start).max(1) as f64;
        while self.open_shard_count() > target {
            let open: Vec<(ShardId, f64)> = self
                .open_shards()
                .map(|s| (s.id, self.heat(s.id, seconds.clone())))
                .collect();
            let Some(pair) = open
                .windows(2)
                .filter(|w| w[0].1 + w[1].1 < limit)
                .min_by(|a, b| (a[0].1 + a[1].1).total_cmp(&(b[0].1 + b[1].1)))
            else {
                break;
            };
            let (left, right) = (pair[0].0, pair[1].0);
            self.merge_shards(left, right, now);
        }
    }

    /// Splits the shards whose 15 minutes above the per-shard trigger are up and that stayed above
    /// it on average; returns why, for the event.
    fn split_hot_shards_due(&mut self, now: i64) -> Vec<String> {
        let due: Vec<(ShardId, i64)> = self
            .on_demand
            .pending_splits
            .iter()
            .filter(|(_, (at, _))| *at <= now)
            .map(|(id, (_, since))| (*id, *since))
            .collect();
        let average_width = (u128::MAX / u128::from(self.open_shard_count().max(1))) as f64;
        let mut reasons = Vec::new();
        for (id, since) in due {
            self.on_demand.pending_splits.remove(&id);
            let Some(shard) = self.shard(id).filter(|s| s.is_open()) else {
                continue;
            };
            let seconds = (since / 1_000)..(now / 1_000);
            let average =
                self.heat(id, seconds.clone()) / (seconds.end - seconds.start).max(1) as f64;
            let wide_enough = span(shard.range) as f64 >= average_width / 2.0;
            if average > HOT_SHARD_BYTES_PER_SECOND && wide_enough {
                let at = shard.range.midpoint();
                self.split_shard(id, at, now);
                reasons.push(format!("{id} took more than 500 KB/s for 15 minutes"));
            }
        }
        reasons
    }
}

fn span(range: HashKeyRange) -> u128 {
    range.end - range.start
}

impl crate::world::World {
    /// Lets each ACTIVE on-demand stream look at its traffic since its last look and change its shards
    /// as the module's rules say.
    pub(crate) fn scale_on_demand_streams(&mut self, now: i64) {
        use super::shapes::{StreamMode, StreamStatus};
        use crate::events::EventKind;
        let interval = self.settings().on_demand_scaling_interval_ms;
        let names: Vec<String> = self
            .kinesis
            .streams
            .values()
            .filter(|s| s.mode == StreamMode::OnDemand && s.status == StreamStatus::Active)
            .map(|s| s.name.clone())
            .collect();
        for name in names {
            let stream = self.kinesis.streams.get_mut(&name).expect("listed above");
            let Some(last) = stream.on_demand.last_evaluated_ms else {
                stream.on_demand.last_evaluated_ms = Some(now);
                continue;
            };
            let due = stream
                .on_demand
                .pending_scale_up
                .is_some_and(|(at, _)| at <= now)
                || stream
                    .on_demand
                    .pending_splits
                    .values()
                    .any(|(at, _)| *at <= now);
            if now - last < interval && !due {
                continue;
            }
            let seconds = (last / 1_000)..(now / 1_000);
            let mut reasons = Vec::new();
            let before = stream.open_shard_count();
            if now - last >= interval {
                stream.on_demand.last_evaluated_ms = Some(now);
                let look = stream.look(seconds.start, seconds.end);
                stream.on_demand.observe(now, look.peak.0, look.peak.1);
                let target = stream.on_demand.target_shards(stream.warm_throughput_mibps);
                match look.first_overflow_ms {
                    Some(first) if target > before => {
                        let arrives = first + SCALE_UP_DELAY_MS;
                        let pending = &mut stream.on_demand.pending_scale_up;
                        *pending = Some(match *pending {
                            Some((at, shards)) => (at.min(arrives), shards.max(target)),
                            None => (arrives, target),
                        });
                    }
                    _ if target > before => {
                        stream.split_hottest(target, seconds.clone(), now);
                        reasons.push(format!(
                            "twice a peak of {:.2} MiB/s",
                            look.peak.0 / MIB as f64
                        ));
                    }
                    _ if target < before && stream.on_demand.pending_scale_up.is_none() => {
                        stream.merge_coldest(target, seconds.clone(), now);
                        reasons.push("the 30-day peak fell".into());
                    }
                    _ => {}
                }
                for id in look.hot {
                    stream
                        .on_demand
                        .pending_splits
                        .entry(id)
                        .or_insert((now + SCALE_UP_DELAY_MS, last));
                }
            }
            reasons.extend(stream.split_hot_shards_due(now));
            if let Some((at, shards)) = stream.on_demand.pending_scale_up
                && at <= now
            {
                stream.on_demand.pending_scale_up = None;
                if shards > stream.open_shard_count() {
                    stream.split_hottest(shards, seconds.clone(), now);
                    reasons.push("demand beyond its shards, 15 minutes on".into());
                }
            }
            let after = stream.open_shard_count();
            if after != before {
                self.log_event(
                    EventKind::OnDemandScaled,
                    Some(&name),
                    format!(
                        "On-demand stream {name} went from {before} to {after} shards ({})",
                        reasons.join("; ")
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiet_stream_keeps_four_shards() {
        assert_eq!(OnDemandState::default().target_shards(None), 4);
    }

    #[test]
    fn a_peak_of_3_mib_per_second_needs_six_shards() {
        let mut state = OnDemandState::default();
        state.observe(0, 3.0 * MIB as f64, 100.0);
        assert_eq!(state.target_shards(None), 6);
    }

    #[test]
    fn capacity_is_capped_at_200_mib_per_second() {
        let mut state = OnDemandState::default();
        state.observe(0, 500.0 * MIB as f64, 0.0);
        assert_eq!(state.target_shards(None), 200);
    }

    #[test]
    fn peaks_are_forgotten_after_30_days() {
        let mut state = OnDemandState::default();
        state.observe(0, 10.0 * MIB as f64, 0.0);
        state.observe(PEAK_MEMORY_MS + 1, 0.0, 0.0);
        assert_eq!(state.target_shards(None), 4);
    }

    #[test]
    fn peaks_that_can_no_longer_be_the_maximum_are_not_kept() {
        let mut state = OnDemandState::default();
        for minute in 0..1_000 {
            state.observe(minute * 60_000, 1.0, 1.0);
        }
        assert_eq!(state.peaks.len(), 1);
        state.observe(61_000_000, 5.0, 0.5);
        state.observe(62_000_000, 2.0, 0.7);
        assert_eq!(state.peaks.len(), 3, "neither dominates the other");
    }

    #[test]
    fn refused_writes_are_kept_per_second() {
        let mut state = OnDemandState::default();
        state.note_refused(1_000, 10, 1);
        state.note_refused(1_999, 5, 1);
        state.note_refused(2_000, 7, 1);
        assert_eq!(state.refused_in(1, 0), (15, 2));
        assert_eq!(state.refused_in(2, 2), (7, 1));
        assert_eq!(state.refused_in(1, 2), (0, 0), "forgotten");
    }
}
