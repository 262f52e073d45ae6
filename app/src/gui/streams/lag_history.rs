//! Consumer lag over virtual time, sampled once per virtual second: each application's worst
//! MillisBehindLatest and its records behind (summed over shards), and each application's
//! MillisBehindLatest on each shard for the per-shard sparklines.

use crate::gui::view::View;
use kinescope_core::streams::shapes::ShardId;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

/// Samples kept per application (one per virtual second: ten minutes).
const SAMPLES: usize = 600;
/// Samples kept per application and shard (two minutes; there can be thousands of these).
pub const SHARD_SAMPLES: usize = 120;

/// One application's history: `[virtual second, value]` points.
#[derive(Debug, Default, Clone)]
pub struct AppSeries {
    pub millis_behind: Vec<[f64; 2]>,
    pub records_behind: Vec<[f64; 2]>,
}

/// Lag per application, and per application and shard, over virtual time.
#[derive(Debug, Default)]
pub struct LagHistory {
    last_second: Option<i64>,
    pub apps: BTreeMap<String, AppSeries>,
    pub shards: HashMap<(Arc<str>, ShardId), VecDeque<f32>>,
}

fn push_bounded(points: &mut Vec<[f64; 2]>, point: [f64; 2]) {
    points.push(point);
    if points.len() > SAMPLES {
        points.drain(..points.len() - SAMPLES);
    }
}

impl LagHistory {
    /// Records each application's lag once per virtual second.
    pub fn sample(&mut self, view: &View) {
        let second = view.now_ms / 1_000;
        if self.last_second == Some(second) {
            return;
        }
        self.last_second = Some(second);
        let at = second as f64;
        let mut records_behind: BTreeMap<&str, u64> = BTreeMap::new();
        for reader in view.readers.iter() {
            *records_behind.entry(&*reader.reader).or_default() += reader.records_behind;
            let samples = self
                .shards
                .entry((reader.reader.clone(), reader.shard))
                .or_default();
            samples.push_back(reader.millis_behind as f32);
            if samples.len() > SHARD_SAMPLES {
                samples.pop_front();
            }
        }
        for consumer in &view.consumers {
            let series = self.apps.entry(consumer.name.clone()).or_default();
            push_bounded(
                &mut series.millis_behind,
                [at, consumer.millis_behind as f64],
            );
            let behind = records_behind.get(consumer.name.as_str()).copied();
            push_bounded(&mut series.records_behind, [at, behind.unwrap_or(0) as f64]);
        }
    }

    /// The worst lag of any application at each of the last `n` samples (0 before any).
    pub fn worst(&self, n: usize) -> Vec<f64> {
        let mut worst = vec![0.0; n];
        for series in self.apps.values() {
            let points = &series.millis_behind;
            let start = points.len().saturating_sub(n);
            for (i, [_, v]) in points[start..].iter().enumerate() {
                let slot = n - (points.len() - start) + i;
                worst[slot] = f64::max(worst[slot], *v);
            }
        }
        worst
    }

    /// Growing, shrinking or steady over the last 30 samples.
    pub fn trend(&self, name: &str) -> &'static str {
        let Some(series) = self.apps.get(name) else {
            return "steady";
        };
        let points = &series.millis_behind;
        let recent = &points[points.len().saturating_sub(30)..];
        match (recent.first(), recent.last()) {
            (Some(a), Some(b)) if b[1] > a[1] + 1_000.0 => "growing",
            (Some(a), Some(b)) if b[1] + 1_000.0 < a[1] => "shrinking",
            _ => "steady",
        }
    }

    /// An application's last `n` samples of one series, oldest first.
    pub fn recent(&self, name: &str, n: usize, records: bool) -> Vec<f32> {
        self.apps.get(name).map_or_else(Vec::new, |series| {
            let points = if records {
                &series.records_behind
            } else {
                &series.millis_behind
            };
            points[points.len().saturating_sub(n)..]
                .iter()
                .map(|[_, v]| *v as f32)
                .collect()
        })
    }
}
