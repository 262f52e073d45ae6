//! Firehose's share of the world: its delivery streams and the objects they delivered — and what
//! falls due on the clock (status transitions, buffers due by interval, retried deliveries,
//! encryption settling).

use super::buffer::FlushReason;
use super::delivery_stream::DeliveryStreamState;
use super::error::FirehoseResult;
use super::functions::Functions;
use super::kinesis_source::KinesisSource;
use super::messages;
use super::metrics::FirehoseMetric;
use super::object_store::ObjectStore;
use super::shapes::{DeliveryStreamStatus, EncryptionStatus};
use crate::events::EventKind;
use crate::world::World;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Everything Firehose holds.
#[derive(Debug, Default)]
pub struct Firehose {
    /// Delivery streams by name.
    pub(crate) delivery_streams: BTreeMap<String, DeliveryStreamState>,
    /// Delivered objects, by bucket and key.
    pub(crate) store: ObjectStore,
    /// The readers of delivery streams whose source is a Kinesis stream, by delivery stream.
    pub(crate) sources: BTreeMap<String, KinesisSource>,
    /// The Lambda functions processors can call, by name.
    pub(crate) functions: Functions,
}

impl Firehose {
    /// Firehose with S3 deliveries under `DATA_DIR/s3` (or in memory without a data directory),
    /// calling `functions`.
    pub fn new(data_dir: Option<&std::path::Path>, functions: Functions) -> Self {
        Self {
            delivery_streams: BTreeMap::new(),
            store: ObjectStore::new(data_dir.map(|d| d.join("s3"))),
            sources: BTreeMap::new(),
            functions,
        }
    }
}

impl World {
    /// Every delivery stream, by name (read-only: change them through commands).
    pub fn delivery_streams(&self) -> &BTreeMap<String, DeliveryStreamState> {
        &self.firehose.delivery_streams
    }

    /// A delivery stream by name.
    pub fn delivery_stream(&self, name: &str) -> Option<&DeliveryStreamState> {
        self.firehose.delivery_streams.get(name)
    }

    /// The objects delivered to S3 destinations.
    pub fn objects(&self) -> &ObjectStore {
        &self.firehose.store
    }

    /// Sends S3 deliveries to folders under `root` (one per bucket), or keeps them in memory.
    pub fn set_object_root(&mut self, root: Option<PathBuf>) {
        self.firehose.store = ObjectStore::new(root);
    }

    /// Delivers every buffer that holds records, as at shutdown.
    pub fn flush_all_delivery_streams(&mut self, reason: FlushReason) {
        let names: Vec<String> = self.firehose.delivery_streams.keys().cloned().collect();
        for name in names {
            self.flush_processing(&name);
            self.flush_delivery_stream(&name, reason);
        }
    }

    /// The named delivery stream, or ResourceNotFoundException.
    pub(crate) fn delivery_stream_named(&self, name: &str) -> FirehoseResult<&DeliveryStreamState> {
        self.firehose
            .delivery_streams
            .get(name)
            .ok_or_else(|| messages::not_found(name, &self.settings.account_id))
    }

    /// The named delivery stream, mutably, or ResourceNotFoundException.
    pub(crate) fn delivery_stream_named_mut(
        &mut self,
        name: &str,
    ) -> FirehoseResult<&mut DeliveryStreamState> {
        let account = &self.settings.account_id;
        self.firehose
            .delivery_streams
            .get_mut(name)
            .ok_or_else(|| messages::not_found(name, account))
    }

    /// The ARN of delivery stream `name`.
    pub fn delivery_stream_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:firehose:{}:{}:deliverystream/{}",
            self.settings.region, self.settings.account_id, name
        )
    }

    /// The reader of the Kinesis stream feeding `name`, if its source is one.
    pub fn kinesis_source(&self, name: &str) -> Option<&KinesisSource> {
        self.firehose.sources.get(name)
    }

    /// The earliest moment anything in Firehose falls due.
    pub(crate) fn firehose_deadline(&self) -> Option<i64> {
        let streams = self
            .firehose
            .delivery_streams
            .values()
            .filter_map(DeliveryStreamState::next_deadline);
        let reads = self
            .firehose
            .sources
            .values()
            .filter_map(KinesisSource::next_read_ms);
        streams.chain(reads).min()
    }

    /// Does what falls due at `now`, stream by stream in name order: sources are read first, so
    /// what they read waits in the buffer like any record.
    pub(crate) fn run_firehose(&mut self, now: i64) {
        self.read_kinesis_sources(now);
        let due: Vec<String> = self
            .firehose
            .delivery_streams
            .iter()
            .filter(|(_, s)| s.next_deadline().is_some_and(|d| d <= now))
            .map(|(name, _)| name.clone())
            .collect();
        for name in due {
            self.complete_delivery_stream_transition(&name, now);
            let Some(stream) = self.firehose.delivery_streams.get_mut(&name) else {
                continue;
            };
            if stream.encryption.settles_at_ms.is_some_and(|t| t <= now) {
                stream.encryption.settles_at_ms = None;
                stream.encryption.status = match stream.encryption.status {
                    EncryptionStatus::Enabling => EncryptionStatus::Enabled,
                    EncryptionStatus::Disabling => EncryptionStatus::Disabled,
                    settled => settled,
                };
            }
            if stream.processing_due_ms().is_some_and(|t| t <= now) {
                self.flush_processing(&name);
            }
            let Some(stream) = self.firehose.delivery_streams.get(&name) else {
                continue;
            };
            if stream.interval_due_ms().is_some_and(|t| t <= now) {
                self.flush_due_buffers(&name, now);
            }
            let backup_due = self
                .firehose
                .delivery_streams
                .get(&name)
                .and_then(|s| s.source_backup.as_ref())
                .and_then(|b| b.due_ms())
                .is_some_and(|t| t <= now);
            if backup_due {
                self.flush_source_backup(&name, FlushReason::Interval);
            }
            self.retry_undelivered(&name, now);
            self.retry_http_deliveries(&name, now);
            self.retry_copies(&name, now);
        }
    }

    fn read_kinesis_sources(&mut self, now: i64) {
        let due: Vec<String> = self
            .firehose
            .sources
            .iter()
            .filter(|(_, s)| s.next_read_ms().is_none_or(|t| t <= now))
            .map(|(name, _)| name.clone())
            .collect();
        for name in due {
            let active = self
                .firehose
                .delivery_streams
                .get(&name)
                .is_some_and(|s| s.status == DeliveryStreamStatus::Active);
            if !active {
                continue;
            }
            let Some(mut source) = self.firehose.sources.remove(&name) else {
                continue;
            };
            let records = source.poll(self, now);
            self.firehose.sources.insert(name.clone(), source);
            if let Some(stream) = self.firehose.delivery_streams.get_mut(&name) {
                let bytes: usize = records.iter().map(|(r, _)| r.len()).sum();
                let metrics = &mut stream.metrics;
                let read = FirehoseMetric::DataReadFromKinesisStreamRecords;
                metrics.record(read, now, records.len() as f64);
                let read = FirehoseMetric::DataReadFromKinesisStreamBytes;
                metrics.record(read, now, bytes as f64);
            }
            for (data, _) in records {
                self.ingest(&name, data, now);
            }
        }
    }

    fn complete_delivery_stream_transition(&mut self, name: &str, now: i64) {
        let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
            return;
        };
        if stream.transition_at_ms.is_none_or(|t| t > now) {
            return;
        }
        stream.transition_at_ms = None;
        match stream.status {
            DeliveryStreamStatus::Creating => {
                stream.status = DeliveryStreamStatus::Active;
                self.log_event(
                    EventKind::StatusChanged,
                    Some(name),
                    format!("delivery stream {name} is ACTIVE"),
                );
            }
            DeliveryStreamStatus::Deleting => {
                self.firehose.delivery_streams.remove(name);
                self.firehose.sources.remove(name);
                self.log_event(
                    EventKind::StatusChanged,
                    Some(name),
                    format!("delivery stream {name} deleted"),
                );
            }
            _ => {}
        }
    }
}
