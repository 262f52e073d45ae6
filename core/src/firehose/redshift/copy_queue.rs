//! Loading staged objects into Redshift (reference B.4, B.5): each object stored in the staging
//! bucket waits for a COPY; one COPY runs at a time per delivery stream and takes every object
//! waiting, named in a manifest under `manifests/`. A failed COPY is retried with backoff for the
//! retry duration (none with 0); then the batch is skipped and its manifest written under
//! `errors/manifests/` for a manual backfill.

use super::copy_options;
use super::loader::{CopyCall, CopyFailure, CopyResult, StagedBody};
use crate::events::EventKind;
use crate::firehose::delivery::random_uuid;
use crate::firehose::delivery_stream::{Undelivered, UndeliveredKind};
use crate::firehose::destination::S3Destination;
use crate::firehose::http_delivery::backoff_ms;
use crate::firehose::metrics::FirehoseMetric;
use crate::world::World;
use chrono::{DateTime, Utc};
use rand::Rng;
use serde_json::json;
use std::collections::VecDeque;

/// Objects one COPY takes at most.
const MAX_BATCH_OBJECTS: usize = 100;

/// An object stored in the staging bucket, waiting for its COPY.
#[derive(Debug, Clone, PartialEq)]
pub struct StagedObject {
    pub bucket: String,
    pub key: String,
    pub body: Vec<u8>,
    pub records: u64,
    pub oldest_arrival_ms: i64,
}

/// The objects of one COPY, kept across its attempts.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyBatch {
    pub objects: Vec<StagedObject>,
    /// The manifest's key in the staging bucket.
    pub manifest_key: String,
    pub first_attempt_ms: i64,
    pub attempts: u32,
    pub next_attempt_ms: i64,
    /// The COPY is under way (its answer has not come back).
    pub in_flight: bool,
}

impl CopyBatch {
    pub fn records(&self) -> u64 {
        self.objects.iter().map(|o| o.records).sum()
    }
}

/// What waits for Redshift, and what it took.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CopyQueue {
    pub staged: VecDeque<StagedObject>,
    pub batch: Option<CopyBatch>,
    /// Successful COPYs, the rows and records they loaded.
    pub copies: u64,
    pub rows_loaded: u64,
    pub records_loaded: u64,
    /// Batches skipped after the retry duration (their manifests are under errors/).
    pub skipped_batches: u64,
    pub skipped_records: u64,
    /// The last COPY failure, for the app.
    pub last_failure: Option<CopyFailure>,
}

impl CopyQueue {
    /// When a failed COPY is due again.
    pub fn due_ms(&self) -> Option<i64> {
        self.batch
            .as_ref()
            .filter(|b| !b.in_flight)
            .map(|b| b.next_attempt_ms)
    }
}

/// The manifest COPY reads: every object of the batch, each mandatory.
fn manifest(objects: &[StagedObject]) -> Vec<u8> {
    let entries: Vec<_> = objects
        .iter()
        .map(|o| json!({"url": format!("s3://{}/{}", o.bucket, o.key), "mandatory": true}))
        .collect();
    json!({ "entries": entries }).to_string().into_bytes()
}

impl World {
    /// Queues an object just stored in the staging bucket of `name` for its COPY.
    pub(crate) fn stage_for_copy(&mut self, name: &str, object: StagedObject) {
        let Some(redshift) = self.redshift_of(name) else {
            return;
        };
        redshift.queue.staged.push_back(object);
        self.start_copy(name);
    }

    fn redshift_of(&mut self, name: &str) -> Option<&mut super::config::Redshift> {
        self.firehose
            .delivery_streams
            .get_mut(name)
            .and_then(|s| s.redshift.as_deref_mut())
    }

    /// Starts the COPY of what is staged for `name`, unless one is under way.
    fn start_copy(&mut self, name: &str) {
        let now = self.now_ms();
        let uuid = random_uuid(&mut self.rng);
        let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
            return;
        };
        let Some(redshift) = stream.redshift.as_mut() else {
            return;
        };
        let queue = &mut redshift.queue;
        if queue.batch.is_some() || queue.staged.is_empty() {
            return;
        }
        let take = queue.staged.len().min(MAX_BATCH_OBJECTS);
        let objects: Vec<StagedObject> = queue.staged.drain(..take).collect();
        let object = manifest_object(&stream.destination, "", name, &objects, now, &uuid);
        queue.batch = Some(CopyBatch {
            objects,
            manifest_key: object.key.clone(),
            first_attempt_ms: now,
            attempts: 0,
            next_attempt_ms: now,
            in_flight: false,
        });
        stream.undelivered.push_back(object);
        self.retry_undelivered(name, now);
        self.attempt_copy(name);
    }

    /// Makes the COPY of the batch of `name`.
    fn attempt_copy(&mut self, name: &str) {
        let Some(redshift) = self.redshift_of(name) else {
            return;
        };
        let Some(batch) = redshift.queue.batch.as_mut() else {
            return;
        };
        batch.attempts += 1;
        let plan = match copy_options::parse(&redshift.copy_options) {
            Ok(plan) => plan,
            Err(e) => {
                let failure = CopyFailure {
                    code: e.code.into(),
                    message: e.message,
                };
                self.copy_answered(name, Err(failure));
                return;
            }
        };
        batch.in_flight = true;
        let call = CopyCall {
            cluster: redshift.cluster.clone(),
            user: redshift.username.clone(),
            password: redshift.password.clone(),
            table: redshift.table.clone(),
            columns: redshift.columns.clone(),
            plan,
            objects: batch
                .objects
                .iter()
                .map(|o| StagedBody {
                    url: format!("s3://{}/{}", o.bucket, o.key),
                    body: o.body.clone(),
                })
                .collect(),
        };
        self.copy_out(call, name);
    }

    /// What the COPY of the batch of `name` did.
    pub(crate) fn copy_answered(&mut self, name: &str, result: CopyResult) {
        let now = self.now_ms();
        let jitter: f64 = self.rng.random_range(-0.15..=0.15);
        let uuid = random_uuid(&mut self.rng);
        let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
            return;
        };
        let Some(redshift) = stream.redshift.as_mut() else {
            return;
        };
        let label = redshift.label();
        let retry_duration_ms = redshift.retry_duration_ms;
        let queue = &mut redshift.queue;
        let Some(batch) = queue.batch.as_mut() else {
            return;
        };
        batch.in_flight = false;
        let records = batch.records();
        let bytes: usize = batch.objects.iter().map(|o| o.body.len()).sum();
        let metrics = &mut stream.metrics;
        let failure = match result {
            Ok(rows) => {
                metrics.record(FirehoseMetric::DeliveryToRedshiftSuccess, now, 1.0);
                metrics.record(
                    FirehoseMetric::DeliveryToRedshiftRecords,
                    now,
                    records as f64,
                );
                metrics.record(FirehoseMetric::DeliveryToRedshiftBytes, now, bytes as f64);
                let objects = batch.objects.len();
                queue.copies += 1;
                queue.rows_loaded += rows;
                queue.records_loaded += records;
                queue.batch = None;
                let detail =
                    format!("{rows} rows from {objects} objects ({records} records): {label}");
                self.log_event(EventKind::Delivered, Some(name), detail);
                self.start_copy(name);
                return;
            }
            Err(failure) => failure,
        };
        metrics.record(FirehoseMetric::DeliveryToRedshiftSuccess, now, 0.0);
        stream.counters.delivery_failures += 1;
        queue.last_failure = Some(failure.clone());
        // AWS documents the cadence for HTTP endpoints only; Kinescope uses it here too.
        let backoff = backoff_ms(batch.attempts, jitter);
        let next = now + backoff as i64;
        if retry_duration_ms > 0 && next - batch.first_attempt_ms <= retry_duration_ms {
            batch.next_attempt_ms = next;
            let detail = format!(
                "{label} failed ({}: {}); retrying in {:.1} s",
                failure.code,
                failure.message,
                backoff / 1_000.0
            );
            self.log_event(EventKind::DeliveryFailed, Some(name), detail);
            return;
        }
        // The batch is skipped: its manifest goes under errors/ for a manual backfill.
        let attempts = batch.attempts;
        let batch = queue.batch.take();
        let Some(batch) = batch else { return };
        queue.skipped_batches += 1;
        queue.skipped_records += records;
        let object = manifest_object(
            &stream.destination,
            "errors/",
            name,
            &batch.objects,
            now,
            &uuid,
        );
        let detail = format!(
            "{label} failed after {attempts} attempts ({}: {}); {records} records skipped, manifest at s3://{}/{}",
            failure.code, failure.message, object.bucket, object.key
        );
        stream.undelivered.push_back(object);
        self.log_event(EventKind::DeliveryFailed, Some(name), detail);
        self.retry_undelivered(name, now);
        self.start_copy(name);
    }

    /// Makes the COPY of `name` whose backoff has passed at `now`.
    pub(crate) fn retry_copies(&mut self, name: &str, now: i64) {
        let due = self
            .firehose
            .delivery_streams
            .get(name)
            .and_then(|s| s.redshift.as_ref())
            .and_then(|r| r.queue.due_ms())
            .is_some_and(|t| t <= now);
        if due {
            self.attempt_copy(name);
        }
    }
}

/// The manifest of `objects`, to be stored in `destination`'s bucket under `folder`.
fn manifest_object(
    destination: &S3Destination,
    folder: &str,
    stream: &str,
    objects: &[StagedObject],
    now: i64,
    uuid: &str,
) -> Undelivered {
    Undelivered {
        key: manifest_key(&destination.prefix, folder, stream, now, uuid),
        body: manifest(objects),
        oldest_arrival_ms: objects.first().map_or(now, |o| o.oldest_arrival_ms),
        bucket: destination.bucket().to_owned(),
        kind: UndeliveredKind::Manifest,
        ..Undelivered::due_at(now)
    }
}

/// `<prefix><folder>manifests/YYYY/MM/dd/HH/<stream>-YYYY-MM-dd-HH-mm-ss-<uuid>` at `now` (UTC).
fn manifest_key(prefix: &str, folder: &str, stream: &str, now: i64, uuid: &str) -> String {
    let at = DateTime::<Utc>::from_timestamp_millis(now).unwrap_or_default();
    format!(
        "{prefix}{folder}manifests/{}{stream}-{}-{uuid}",
        at.format("%Y/%m/%d/%H/"),
        at.format("%Y-%m-%d-%H-%M-%S")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_name_their_objects_and_sit_under_the_prefix() {
        let key = manifest_key("loads/", "errors/", "clicks", 1_784_000_000_000, "u-1");
        assert_eq!(
            key,
            "loads/errors/manifests/2026/07/14/03/clicks-2026-07-14-03-33-20-u-1"
        );
        let objects = [StagedObject {
            bucket: "b".into(),
            key: "2026/x".into(),
            body: vec![],
            records: 1,
            oldest_arrival_ms: 0,
        }];
        let body: serde_json::Value = serde_json::from_slice(&manifest(&objects)).unwrap();
        assert_eq!(
            body,
            json!({"entries": [{"url": "s3://b/2026/x", "mandatory": true}]})
        );
    }
}
