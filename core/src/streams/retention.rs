//! Retention on the virtual clock (reference A.10): records older than the stream's retention are
//! gone, and a closed shard whose records have all passed retention expires.

use crate::events::EventKind;
use crate::world::World;

impl World {
    /// Trims every shard of every stream to its retention window as of `now`.
    pub(crate) fn apply_retention(&mut self, now: i64) {
        let mut expired = Vec::new();
        for stream in self.kinesis.streams.values_mut() {
            let horizon = now - stream.retention_ms();
            for shard in stream.shards.iter_mut().filter(|s| !s.expired) {
                shard.log.trim_before(horizon);
                if shard.closed_ms.is_some_and(|closed| closed <= horizon) {
                    // Nothing of an expired shard is kept: its records, its metrics, its limits.
                    shard.expired = true;
                    shard.log = Default::default();
                    shard.metrics = Default::default();
                    shard.write = Default::default();
                    shard.read = Default::default();
                    expired.push((stream.name.clone(), shard.id));
                }
            }
        }
        if !expired.is_empty() {
            self.kinesis.subscriptions.note_anything_changed();
        }
        for (stream, shard) in expired {
            self.log_event(
                EventKind::Expired,
                Some(&stream),
                format!("{shard} expired: closed and past the retention period"),
            );
        }
    }
}
