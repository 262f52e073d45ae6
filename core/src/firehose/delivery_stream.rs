//! A delivery stream's state: identity, status, source, destination, encryption, tags, its buffer,
//! its put quota and what it has delivered.

use super::buffer::{Buffer, Flush, PartitionKeys};
use super::conversion::config::Conversion;
use super::destination::{
    BufferingHints, DestinationDescription, PlainS3Description, S3Destination,
};
use super::http_delivery::HttpDelivery;
use super::http_delivery::HttpTarget;
use super::metrics::FirehoseMetrics;
use super::object_key::ErrorOutputType;
use super::object_key::Prefix;
use super::processors::Pipeline;
use super::quota::PutQuota;
use super::redshift::config::Redshift;
use super::shapes::*;
use super::source_backup::SourceBackup;
use crate::time::Timestamp;
use std::collections::{BTreeMap, VecDeque};

/// Flushes each delivery stream keeps for the app and the report.
pub const FLUSHES_KEPT: usize = 1_000;

/// Where a delivery stream's records come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// PutRecord / PutRecordBatch.
    DirectPut { throughput_hint_in_mbs: Option<i64> },
    /// A consumer of a Kinesis data stream.
    Kinesis {
        stream_arn: String,
        role_arn: String,
        start_ms: i64,
    },
}

/// Server-side encryption of a DirectPut delivery stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Encryption {
    pub status: EncryptionStatus,
    pub key_type: Option<KeyType>,
    pub key_arn: Option<String>,
    /// When the pending ENABLING / DISABLING completes.
    pub settles_at_ms: Option<i64>,
    /// Start and stop calls in the last 24 hours (at most 25, B.1).
    pub recent_calls: VecDeque<i64>,
}

/// Counters the report, the metrics and the app read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    pub records_in: u64,
    pub bytes_in: u64,
    pub put_requests: u64,
    pub throttled: u64,
    pub objects_delivered: u64,
    pub records_delivered: u64,
    pub bytes_delivered: u64,
    pub delivery_failures: u64,
    pub max_data_freshness_ms: i64,
    /// Lambda transform outcomes, per record.
    pub transform_ok: u64,
    pub transform_dropped: u64,
    pub transform_processing_failed: u64,
    /// Records format conversion refused.
    pub conversion_failed: u64,
    /// Objects written under the error output prefix.
    pub error_objects: u64,
    /// Objects of source records backed up (S3BackupMode Enabled).
    pub backup_objects: u64,
    /// Records that could not be given their partition keys.
    pub partitioning_failed: u64,
}

/// An object that could not be stored yet, retried on the clock (S3 retries up to 24 h, B.5).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Undelivered {
    pub key: String,
    pub body: Vec<u8>,
    pub records: u64,
    pub oldest_arrival_ms: i64,
    pub first_attempt_ms: i64,
    pub next_attempt_ms: i64,
    pub attempts: u32,
    /// The bucket it goes to, and its Content-Encoding.
    pub bucket: String,
    pub content_encoding: Option<&'static str>,
    pub kind: UndeliveredKind,
    /// A PUT to a remote S3 is under way.
    pub in_flight: bool,
}

impl Undelivered {
    /// An object with nothing in it yet, first tried at `now`.
    pub fn due_at(now: i64) -> Self {
        Self {
            first_attempt_ms: now,
            next_attempt_ms: now,
            ..Self::default()
        }
    }
}

/// What an object waiting for delivery holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UndeliveredKind {
    /// Delivered records.
    #[default]
    Data,
    /// Error records (under the error output prefix), of this kind.
    Errors(ErrorOutputType),
    /// Source records as they arrived (S3BackupMode Enabled).
    SourceBackup,
    /// A Redshift COPY's manifest (under `manifests/`, or `errors/manifests/` when skipped).
    Manifest,
}

/// One delivery stream.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryStreamState {
    pub name: String,
    pub arn: String,
    pub status: DeliveryStreamStatus,
    pub kind: DeliveryStreamType,
    pub version: u64,
    pub destination_id: String,
    pub created_ms: i64,
    pub updated_ms: Option<i64>,
    /// When CREATING or DELETING completes.
    pub transition_at_ms: Option<i64>,
    pub source: Source,
    pub destination: S3Destination,
    pub prefix: Prefix,
    pub error_prefix: Prefix,
    pub encryption: Encryption,
    pub tags: BTreeMap<String, Option<String>>,
    pub buffer: Buffer,
    /// One buffer per partition, with dynamic partitioning (each delivered on its own).
    pub partitions: BTreeMap<PartitionKeys, Buffer>,
    /// Whether records are partitioned by their keys.
    pub partitioned: bool,
    /// The processors records go through on their way in.
    pub pipeline: Pipeline,
    /// Source record backup (S3BackupMode Enabled).
    pub source_backup: Option<SourceBackup>,
    /// JSON to Parquet / ORC at delivery, when enabled.
    pub conversion: Option<Conversion>,
    /// The HTTP endpoint records are delivered to (`destination` is then its S3 configuration,
    /// for failed records and backups).
    pub http: Option<HttpTarget>,
    /// Requests to the HTTP endpoint waiting out their backoff.
    pub http_retrying: Vec<HttpDelivery>,
    /// The Redshift cluster staged objects are copied into (`destination` is then the staging
    /// bucket).
    pub redshift: Option<Box<Redshift>>,
    /// Lambda's own buffer, before the function is called (empty without a Lambda processor).
    pub processing: Buffer,
    pub quota: PutQuota,
    pub flushes: VecDeque<Flush>,
    pub undelivered: VecDeque<Undelivered>,
    pub counters: Counters,
    /// The counters over time, by CloudWatch name.
    pub metrics: FirehoseMetrics,
}

impl DeliveryStreamState {
    /// When the first buffer is due by its interval, if anything waits.
    pub fn interval_due_ms(&self) -> Option<i64> {
        let interval = self.hints().interval_in_seconds * 1_000;
        std::iter::once(&self.buffer)
            .chain(self.partitions.values())
            .filter_map(|b| b.opened_ms())
            .min()
            .map(|t| t + interval)
    }

    /// Records and bytes waiting in every buffer.
    pub fn buffered(&self) -> (usize, u64) {
        std::iter::once(&self.buffer)
            .chain(self.partitions.values())
            .fold((0, 0), |(n, b), buffer| {
                (n + buffer.len(), b + buffer.bytes())
            })
    }

    /// When Lambda's buffer is due by its interval, if anything waits in it.
    pub fn processing_due_ms(&self) -> Option<i64> {
        let lambda = self.pipeline.lambda.as_ref()?;
        self.processing
            .opened_ms()
            .map(|t| t + lambda.buffer_interval_ms)
    }

    /// The earliest moment something falls due: a transition, a buffer, a retry, encryption.
    /// The buffering hints records are delivered by: the HTTP endpoint's, or the S3 destination's.
    pub fn hints(&self) -> BufferingHints {
        match &self.http {
            Some(http) => http.hints(),
            None => self.destination.buffering_hints,
        }
    }

    pub fn next_deadline(&self) -> Option<i64> {
        [
            self.http_retrying.iter().map(|d| d.next_attempt_ms).min(),
            self.source_backup.as_ref().and_then(SourceBackup::due_ms),
            self.redshift.as_ref().and_then(|r| r.queue.due_ms()),
            self.transition_at_ms,
            self.interval_due_ms(),
            self.processing_due_ms(),
            self.undelivered.front().map(|u| u.next_attempt_ms),
            self.encryption.settles_at_ms,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Keeps a flush, forgetting the oldest beyond [`FLUSHES_KEPT`].
    pub fn remember(&mut self, flush: Flush) {
        if self.flushes.len() == FLUSHES_KEPT {
            self.flushes.pop_front();
        }
        self.flushes.push_back(flush);
    }

    fn describe_destination(&self) -> DestinationDescription {
        let s3 = PlainS3Description::from(&self.destination);
        let mut description = DestinationDescription {
            destination_id: self.destination_id.clone(),
            s3: None,
            extended_s3: None,
            http_endpoint: None,
            opensearch: None,
            splunk: None,
            redshift: None,
        };
        if let Some(redshift) = &self.redshift {
            description.redshift = Some(redshift.describe(&self.destination));
            return description;
        }
        match &self.http {
            Some(HttpTarget::Endpoint(http)) => description.http_endpoint = Some(http.describe(s3)),
            Some(HttpTarget::OpenSearch(o)) => description.opensearch = Some(o.describe(s3)),
            Some(HttpTarget::Splunk(splunk)) => description.splunk = Some(splunk.describe(s3)),
            None => {
                description.s3 = Some(s3);
                description.extended_s3 = Some(self.destination.clone());
            }
        }
        description
    }

    /// DescribeDeliveryStream's description.
    pub fn describe(&self) -> DeliveryStreamDescription {
        let source = match &self.source {
            Source::DirectPut {
                throughput_hint_in_mbs,
            } => throughput_hint_in_mbs.map(|hint| SourceDescription {
                direct_put_source_description: Some(DirectPutSourceDescription {
                    throughput_hint_in_mbs: hint,
                }),
                kinesis_stream_source_description: None,
            }),
            Source::Kinesis {
                stream_arn,
                role_arn,
                start_ms,
            } => Some(SourceDescription {
                direct_put_source_description: None,
                kinesis_stream_source_description: Some(KinesisStreamSourceDescription {
                    kinesis_stream_arn: stream_arn.clone(),
                    role_arn: role_arn.clone(),
                    delivery_start_timestamp: Timestamp(*start_ms),
                }),
            }),
        };
        DeliveryStreamDescription {
            delivery_stream_name: self.name.clone(),
            delivery_stream_arn: self.arn.clone(),
            delivery_stream_status: self.status,
            delivery_stream_encryption_configuration: EncryptionDescription {
                key_arn: self.encryption.key_arn.clone(),
                key_type: self.encryption.key_type,
                status: self.encryption.status,
            },
            delivery_stream_type: self.kind,
            version_id: self.version.to_string(),
            create_timestamp: Timestamp(self.created_ms),
            last_update_timestamp: self.updated_ms.map(Timestamp),
            source,
            destinations: vec![self.describe_destination()],
            has_more_destinations: false,
        }
    }
}
