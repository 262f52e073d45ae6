//! A streaming ORDER BY (reference D): `ORDER BY FLOOR(ROWTIME TO SECOND), ANOMALY_SCORE DESC`
//! holds each time bucket's rows until ROWTIME passes the bucket's end, then lets them out sorted
//! by the other keys (ties keep their arrival order).

use super::value::Value;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// A bucketed row: its sort keys, ROWTIME and values.
type Held = (Vec<Value>, i64, Vec<Value>);

/// Rows held by bucket start.
#[derive(Debug, Default)]
pub struct OrderedBuffer {
    buckets: BTreeMap<i64, Vec<Held>>,
}

impl OrderedBuffer {
    /// Holds a row of the bucket starting at `bucket`.
    pub fn hold(&mut self, bucket: i64, keys: Vec<Value>, rowtime_ms: i64, values: Vec<Value>) {
        self.buckets
            .entry(bucket)
            .or_default()
            .push((keys, rowtime_ms, values));
    }

    /// The rows of every bucket of `size_ms` ending by `now`, each bucket sorted by its keys
    /// (`descending` per key).
    pub fn release(
        &mut self,
        now: i64,
        size_ms: i64,
        descending: &[bool],
    ) -> Vec<(i64, Vec<Value>)> {
        let due: Vec<i64> = self
            .buckets
            .keys()
            .copied()
            .take_while(|start| start.saturating_add(size_ms) <= now)
            .collect();
        let mut out = Vec::new();
        for start in due {
            let mut rows = self.buckets.remove(&start).unwrap_or_default();
            rows.sort_by(|(a, _, _), (b, _, _)| {
                a.iter()
                    .zip(b)
                    .zip(descending)
                    .map(|((x, y), desc)| {
                        let order = x.compare(y).unwrap_or(Ordering::Equal);
                        if *desc { order.reverse() } else { order }
                    })
                    .find(|o| o.is_ne())
                    .unwrap_or(Ordering::Equal)
            });
            out.extend(
                rows.into_iter()
                    .map(|(_, rowtime, values)| (rowtime, values)),
            );
        }
        out
    }
}
