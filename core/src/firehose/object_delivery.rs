//! Storing the objects a delivery stream made (reference B.5): oldest first, into the data
//! directory's folders or — with `--s3-endpoint` — a real S3-compatible service through a signed
//! PUT made off the engine's lock; a failed store is retried, doubling the wait up to a minute,
//! for 24 hours (conversion's error documents forever), then its records are lost.

use super::delivery_stream::{Undelivered, UndeliveredKind};
use super::metrics::FirehoseMetric;
use super::object_key::ErrorOutputType;
use super::object_store::{ObjectMeta, ObjectRole};
use super::redshift::copy_queue::StagedObject;
use super::s3_remote::judge_put;
use crate::events::EventKind;
use crate::outbound::{CallResult, Continuation};
use crate::world::World;
use md5::Digest;

/// Wait before retrying a failed store, doubled per attempt up to [`MAX_RETRY_MS`].
const FIRST_RETRY_MS: i64 = 1_000;
const MAX_RETRY_MS: i64 = 60_000;
/// How long S3 delivery is retried before the data is lost (B.5).
const GIVE_UP_AFTER_MS: i64 = 24 * 3_600 * 1_000;

/// What the store keeps about `object` stored at `now`.
fn meta_of(object: &Undelivered, now: i64) -> ObjectMeta {
    ObjectMeta {
        size: object.body.len() as u64,
        content_encoding: object.content_encoding,
        last_modified_ms: now,
        records: object.records,
        etag: Some(format!("{:x}", md5::Md5::digest(&object.body))),
        role: match object.kind {
            UndeliveredKind::Errors(_) => ObjectRole::ErrorOutput,
            UndeliveredKind::Manifest => ObjectRole::Manifest,
            UndeliveredKind::Data | UndeliveredKind::SourceBackup => ObjectRole::Data,
        },
    }
}

impl World {
    /// Stores the objects of `name` waiting for delivery, oldest first, until one fails or is
    /// under way to a remote S3.
    pub(crate) fn retry_undelivered(&mut self, name: &str, now: i64) {
        loop {
            let remote = self.settings.s3_endpoint.clone();
            let region = self.settings.region.clone();
            let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
                return;
            };
            let Some(object) = stream.undelivered.front_mut() else {
                return;
            };
            if object.in_flight || object.next_attempt_ms > now {
                return;
            }
            object.attempts += 1;
            if let Some(remote) = remote {
                object.in_flight = true;
                let call = remote.put(
                    &region,
                    &object.bucket,
                    &object.key,
                    object.body.clone(),
                    object.content_encoding,
                );
                self.call_out(call, Continuation::S3Put(name.to_owned()));
                return;
            }
            let meta = meta_of(object, now);
            let (bucket, key, body) = (
                object.bucket.clone(),
                object.key.clone(),
                object.body.clone(),
            );
            let stored = self
                .firehose
                .store
                .put(&bucket, &key, body, meta)
                .map_err(|e| e.to_string());
            if !self.object_stored(name, now, stored) {
                return;
            }
        }
    }

    /// What a remote S3 answered to the PUT of the first object waiting in `name`.
    pub(crate) fn s3_put_answered(&mut self, name: &str, answer: CallResult) {
        let now = self.now_ms();
        let Some(object) = self
            .firehose
            .delivery_streams
            .get_mut(name)
            .and_then(|s| s.undelivered.front_mut())
        else {
            return;
        };
        object.in_flight = false;
        let stored = judge_put(answer);
        if stored.is_ok() {
            // Listed and previewed here as delivered, though its bytes live in the remote S3.
            let (bucket, key, body) = (
                object.bucket.clone(),
                object.key.clone(),
                object.body.clone(),
            );
            let meta = meta_of(object, now);
            self.firehose.store.remember(&bucket, &key, body, meta);
        }
        if self.object_stored(name, now, stored) {
            self.retry_undelivered(name, now);
        }
    }

    /// Counts the outcome of storing the first object waiting in `name`; whether to go on with
    /// the next one.
    fn object_stored(&mut self, name: &str, now: i64, stored: Result<(), String>) -> bool {
        let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
            return false;
        };
        let Some(object) = stream.undelivered.front_mut() else {
            return false;
        };
        let where_to = format!("s3://{}/{}", object.bucket, object.key);
        match stored {
            Ok(()) => {
                let detail = format!(
                    "{} records ({} bytes) to {where_to}",
                    object.records,
                    object.body.len()
                );
                let metrics = &mut stream.metrics;
                metrics.record(FirehoseMetric::DeliveryToS3Success, now, 1.0);
                let counters = &mut stream.counters;
                let (records, bytes) = (object.records as f64, object.body.len() as f64);
                match object.kind {
                    UndeliveredKind::Errors(_) => counters.error_objects += 1,
                    UndeliveredKind::Manifest => {}
                    UndeliveredKind::SourceBackup => {
                        counters.backup_objects += 1;
                        metrics.record(FirehoseMetric::BackupToS3Records, now, records);
                        metrics.record(FirehoseMetric::BackupToS3Bytes, now, bytes);
                    }
                    UndeliveredKind::Data => {
                        counters.objects_delivered += 1;
                        counters.records_delivered += object.records;
                        counters.bytes_delivered += object.body.len() as u64;
                        let freshness = now - object.oldest_arrival_ms;
                        counters.max_data_freshness_ms =
                            counters.max_data_freshness_ms.max(freshness);
                        metrics.record(FirehoseMetric::DeliveryToS3Records, now, records);
                        metrics.record(FirehoseMetric::DeliveryToS3Bytes, now, bytes);
                        metrics.record(FirehoseMetric::DeliveryToS3ObjectCount, now, 1.0);
                        let age = freshness as f64;
                        metrics.record(FirehoseMetric::DeliveryToS3DataFreshness, now, age);
                    }
                }
                let stored = stream.undelivered.pop_front();
                let copied = stream.redshift.is_some();
                self.log_event(EventKind::Delivered, Some(name), detail);
                if let Some(object) = stored.filter(|o| copied && o.kind == UndeliveredKind::Data) {
                    self.stage_for_copy(
                        name,
                        StagedObject {
                            bucket: object.bucket,
                            key: object.key,
                            body: object.body,
                            records: object.records,
                            oldest_arrival_ms: object.oldest_arrival_ms,
                        },
                    );
                }
                true
            }
            Err(error) => {
                stream.counters.delivery_failures += 1;
                stream
                    .metrics
                    .record(FirehoseMetric::DeliveryToS3Success, now, 0.0);
                let backoff =
                    (FIRST_RETRY_MS << object.attempts.min(16).saturating_sub(1)).min(MAX_RETRY_MS);
                // Conversion's error documents are retried forever, holding delivery up (B.5).
                let forever =
                    object.kind == UndeliveredKind::Errors(ErrorOutputType::FormatConversionFailed);
                let lost = !forever && now - object.first_attempt_ms >= GIVE_UP_AFTER_MS;
                let detail = if lost {
                    let records = object.records;
                    stream.undelivered.pop_front();
                    format!("{records} records lost after 24 hours of failed delivery: {error}")
                } else {
                    object.next_attempt_ms = now + backoff;
                    format!(
                        "delivery of {where_to} failed ({error}); retrying in {} s",
                        backoff / 1_000
                    )
                };
                self.log_event(EventKind::DeliveryFailed, Some(name), detail);
                lost
            }
        }
    }
}
