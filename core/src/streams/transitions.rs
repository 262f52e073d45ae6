//! Completing asynchronous stream changes when their virtual delay has passed (reference A.5):
//! CREATING → ACTIVE, DELETING → gone, and every UPDATING change.

use super::shapes::StreamStatus;
use super::stream::{Change, PendingChange};
use crate::events::EventKind;
use crate::streams::error::KinesisError;
use crate::world::World;

impl World {
    /// Applies every pending change that is due at `now`.
    pub(crate) fn complete_due_changes(&mut self, now: i64) {
        let due: Vec<String> = self
            .kinesis
            .streams
            .values()
            .filter(|s| s.pending.as_ref().is_some_and(|p| p.due_ms <= now))
            .map(|s| s.name.clone())
            .collect();
        for name in due {
            let Some(PendingChange { change, .. }) = self
                .kinesis
                .streams
                .get_mut(&name)
                .and_then(|s| s.pending.take())
            else {
                continue;
            };
            self.complete_change(&name, change);
        }
    }

    fn complete_change(&mut self, name: &str, change: Change) {
        // Shards close, open or go: every subscription is looked at.
        self.kinesis.subscriptions.note_anything_changed();
        match change {
            Change::FinishDelete => {
                self.remove_stream(name);
                return;
            }
            Change::FinishCreate => {}
            Change::Split { shard, at } => self.split_now(name, shard, at),
            Change::Merge { shard, adjacent } => self.merge_now(name, shard, adjacent),
            Change::ScaleTo { plan } => self.scale_now(name, &plan),
            Change::StartEncryption { key_id } => {
                if let Some(s) = self.kinesis.streams.get_mut(name) {
                    s.encryption_key = Some(key_id);
                }
            }
            Change::StopEncryption => {
                if let Some(s) = self.kinesis.streams.get_mut(name) {
                    s.encryption_key = None;
                }
            }
            Change::SwitchMode { mode, warm_mibps } => {
                if let Some(s) = self.kinesis.streams.get_mut(name) {
                    s.mode = mode;
                    s.warm_throughput_mibps = warm_mibps;
                    s.on_demand = Default::default();
                }
            }
            Change::SetWarmThroughput { mibps } => {
                if let Some(s) = self.kinesis.streams.get_mut(name) {
                    s.warm_throughput_mibps = Some(mibps);
                }
            }
        }
        if let Some(s) = self.kinesis.streams.get_mut(name) {
            s.status = StreamStatus::Active;
        }
        self.log_event(
            EventKind::StatusChanged,
            Some(name),
            format!("Stream {name} is ACTIVE"),
        );
    }

    fn remove_stream(&mut self, name: &str) {
        let Some(stream) = self.kinesis.streams.remove(name) else {
            return;
        };
        let arns: Vec<String> = stream.consumers.values().map(|c| c.arn.clone()).collect();
        let ended: Vec<u64> = self
            .kinesis
            .subscriptions
            .by_id
            .iter()
            .filter(|(_, s)| s.stream == name && !s.finished)
            .map(|(id, _)| *id)
            .collect();
        for id in ended {
            self.fail_subscription(
                id,
                KinesisError::ResourceNotFoundException(format!(
                    "Stream {name} under account {} not found.",
                    self.account_id()
                )),
            );
        }
        self.kinesis
            .subscriptions
            .last_subscribe
            .retain(|(arn, _), _| !arns.contains(arn));
        self.kinesis.readers.forget_stream(name);
        self.kinesis.control_plane.forget_stream(name);
        self.log_event(
            EventKind::StatusChanged,
            Some(name),
            format!("Stream {name} was deleted"),
        );
    }
}
