//! On-demand capacity (reference A.11): a new stream has 4 shards (4 MiB/s); the engine keeps
//! enough shards for twice the peak write rate seen over the last 30 days, up to 200 MiB/s,
//! by splitting the hottest shards. A single hot key is still limited to one shard's 1 MiB/s.

use super::capacity::{MIB, WRITE_RECORDS_PER_SECOND};
use super::stream::ON_DEMAND_INITIAL_SHARDS;
use std::collections::VecDeque;

/// Most write capacity an on-demand stream scales to, MiB/s (classic quota, A.11).
pub const ON_DEMAND_MAX_WRITE_MIBPS: u32 = 200;
/// How long a peak is remembered.
const PEAK_MEMORY_MS: i64 = 30 * 86_400_000;

/// Peaks observed by an on-demand stream.
#[derive(Debug, Clone, Default)]
pub struct OnDemandState {
    /// (time, peak bytes/s, peak records/s) of each evaluation window.
    peaks: VecDeque<(i64, f64, f64)>,
    /// When the shard count was last reconsidered.
    pub last_evaluated_ms: Option<i64>,
}

impl OnDemandState {
    /// Remembers a window's peak write rates at `now_ms`.
    pub fn observe(&mut self, now_ms: i64, peak_bytes_per_s: f64, peak_records_per_s: f64) {
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

    /// Open shards needed: enough for twice the remembered peak (bytes or records), at least the
    /// initial 4 and the warm-throughput target, at most 200 MiB/s worth.
    pub fn target_shards(&self, warm_mibps: Option<u32>) -> u32 {
        let (bytes, records) = self
            .peaks
            .iter()
            .fold((0.0f64, 0.0f64), |(b, r), &(_, pb, pr)| {
                (b.max(pb), r.max(pr))
            });
        let for_bytes = (2.0 * bytes / MIB as f64).ceil() as u32;
        let for_records = (2.0 * records / WRITE_RECORDS_PER_SECOND as f64).ceil() as u32;
        for_bytes
            .max(for_records)
            .max(warm_mibps.unwrap_or(0))
            .clamp(ON_DEMAND_INITIAL_SHARDS, ON_DEMAND_MAX_WRITE_MIBPS)
    }
}

impl crate::world::World {
    /// Reconsiders each ACTIVE on-demand stream's shard count once per scaling interval: remembers
    /// the window's peak write rate, then splits the hottest shards until there are enough.
    pub(crate) fn scale_on_demand_streams(&mut self, now: i64) {
        use super::shapes::{StreamMode, StreamStatus};
        use crate::events::EventKind;
        use crate::metrics::MetricName;
        let interval = self.settings().on_demand_scaling_interval_ms;
        let names: Vec<String> = self
            .streams
            .values()
            .filter(|s| s.mode == StreamMode::OnDemand && s.status == StreamStatus::Active)
            .map(|s| s.name.clone())
            .collect();
        for name in names {
            let stream = self.streams.get_mut(&name).expect("listed above");
            let Some(last) = stream.on_demand.last_evaluated_ms else {
                stream.on_demand.last_evaluated_ms = Some(now);
                continue;
            };
            if now - last < interval {
                continue;
            }
            stream.on_demand.last_evaluated_ms = Some(now);
            let seconds = (last / 1_000)..(now / 1_000);
            let bytes = stream.metrics.series(MetricName::IncomingBytes);
            let records = stream.metrics.series(MetricName::IncomingRecords);
            let peak_bytes = seconds
                .clone()
                .map(|s| bytes.at_second(s).sum)
                .fold(0.0, f64::max);
            let peak_records = seconds
                .clone()
                .map(|s| records.at_second(s).sum)
                .fold(0.0, f64::max);
            stream.on_demand.observe(now, peak_bytes, peak_records);
            let target = stream.on_demand.target_shards(stream.warm_throughput_mibps);
            let open = stream.open_shard_count();
            if target <= open {
                continue;
            }
            for _ in open..target {
                let stream = &self.streams[&name];
                let hottest = stream
                    .open_shards()
                    .filter(|s| s.range.end - s.range.start > 2)
                    .map(|s| {
                        let heat: f64 = seconds
                            .clone()
                            .map(|t| s.metrics.series(MetricName::IncomingBytes).at_second(t).sum)
                            .sum();
                        (s.id, heat, s.range.fraction_of_space())
                    })
                    .max_by(|a, b| a.1.total_cmp(&b.1).then(a.2.total_cmp(&b.2)));
                let Some((shard, _, _)) = hottest else { break };
                let at = stream.shards[shard.0 as usize].range.midpoint();
                self.split_now(&name, shard, at);
            }
            self.log_event(
                EventKind::OnDemandScaled,
                Some(&name),
                format!("On-demand stream {name} scaled from {open} to {target} shards for a peak of {:.2} MiB/s", peak_bytes / super::capacity::MIB as f64),
            );
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
}
