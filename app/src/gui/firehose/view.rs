//! What the Firehose tab shows, copied out of the engine: each delivery stream's buffer, counters
//! and flushes, and — for the selected one while the tab is open — its delivered objects.

use kinescope_core::World;
use kinescope_core::firehose::delivery_stream::{DeliveryStreamState, Source};
use kinescope_core::firehose::http_delivery::HttpTarget;
use kinescope_core::firehose::metrics::FirehoseMetric;
use kinescope_core::firehose::object_store::ObjectRole;
use kinescope_core::firehose::shapes::DeliveryStreamStatus;
use kinescope_core::metrics::Bucket;

/// Flushes kept per delivery stream in the view.
const FLUSHES_SHOWN: usize = 200;
/// Objects listed for the selected delivery stream.
const OBJECTS_SHOWN: usize = 300;

/// One flush.
#[derive(Debug, Clone, PartialEq)]
pub struct FlushView {
    pub at_ms: i64,
    pub reason: &'static str,
    pub records: u64,
    pub bytes: u64,
    pub object_bytes: u64,
    pub key: String,
}

/// What a Redshift destination's COPYs did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CopyView {
    pub copies: u64,
    pub rows_loaded: u64,
    /// Records staged and not loaded yet (waiting, or in the COPY under way or retrying).
    pub records_waiting: u64,
    pub skipped_batches: u64,
    pub skipped_records: u64,
    /// The last failure, `code: message`.
    pub last_failure: Option<String>,
}

/// One delivery stream.
#[derive(Debug, Clone, PartialEq)]
pub struct FirehoseView {
    pub name: String,
    pub status: String,
    /// `Direct PUT`, or the stream it reads.
    pub source: String,
    pub bucket: String,
    pub prefix: String,
    /// Where records go: `s3://BUCKET/PREFIX`, or the endpoint's URL.
    pub target: String,
    pub compression: String,
    /// `DeliveryToS3`, or the HTTP destination's metric names (`DeliveryToSplunk`, ...).
    pub delivery_metric: &'static str,
    pub size_hint_bytes: u64,
    pub interval_ms: i64,
    pub buffered_bytes: u64,
    pub buffered_records: usize,
    pub oldest_arrival_ms: Option<i64>,
    /// Active partitions, when records are partitioned by their keys.
    pub partitions: Option<usize>,
    pub records_in: u64,
    pub bytes_in: u64,
    pub throttled: u64,
    pub objects_delivered: u64,
    pub delivery_failures: u64,
    pub waiting_objects: usize,
    pub max_freshness_ms: i64,
    pub transform: [u64; 3],
    /// Records format conversion refused, when it is on.
    pub conversion_failed: Option<u64>,
    /// The COPYs of a Redshift destination.
    pub copy: Option<CopyView>,
    pub flushes: Vec<FlushView>,
}

/// One delivered object.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectRow {
    pub key: String,
    pub size: u64,
    pub records: u64,
    pub encoding: Option<&'static str>,
    pub at_ms: i64,
    /// Data, error records (under the error output prefix) or a COPY manifest.
    pub role: ObjectRole,
}

fn status_text(status: DeliveryStreamStatus) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn firehose_view(stream: &DeliveryStreamState) -> FirehoseView {
    let destination = &stream.destination;
    let c = &stream.counters;
    let skip = stream.flushes.len().saturating_sub(FLUSHES_SHOWN);
    FirehoseView {
        name: stream.name.clone(),
        status: status_text(stream.status),
        source: match &stream.source {
            Source::DirectPut { .. } => "Direct PUT".into(),
            Source::Kinesis { stream_arn, .. } => stream_arn
                .rsplit_once("stream/")
                .map_or(stream_arn.clone(), |(_, name)| format!("stream {name}")),
        },
        bucket: destination.bucket().to_owned(),
        prefix: destination.prefix.clone(),
        delivery_metric: match (&stream.http, &stream.redshift) {
            (Some(http), _) => http.metric_prefix(),
            (None, Some(_)) => "DeliveryToRedshift",
            (None, None) => "DeliveryToS3",
        },
        compression: match (&stream.conversion, &stream.http) {
            (Some(conversion), _) => format!("JSON to {}", conversion.output.label()),
            (None, Some(HttpTarget::Endpoint(e))) => if e.gzip {
                "GZIP requests"
            } else {
                "uncompressed requests"
            }
            .to_owned(),
            (None, Some(HttpTarget::OpenSearch(_))) => "NDJSON _bulk requests".to_owned(),
            (None, Some(HttpTarget::Splunk(s))) => format!("{} events", s.endpoint_type),
            (None, None) => serde_json::to_value(destination.compression_format)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
        },
        target: match &stream.http {
            Some(http) => format!(
                "{} (failed records to s3://{}/)",
                http.label(),
                destination.bucket()
            ),
            None => match &stream.redshift {
                Some(redshift) => format!(
                    "{} (staged in s3://{}/{})",
                    redshift.label(),
                    destination.bucket(),
                    destination.prefix
                ),
                None => format!("s3://{}/{}", destination.bucket(), destination.prefix),
            },
        },
        size_hint_bytes: stream.hints().size_bytes(),
        interval_ms: stream.hints().interval_in_seconds * 1_000,
        buffered_bytes: stream.buffered().1,
        buffered_records: stream.buffered().0,
        // The interval counts from the first record into the buffer that is due first.
        oldest_arrival_ms: stream
            .interval_due_ms()
            .map(|due| due - stream.hints().interval_in_seconds * 1_000),
        partitions: stream.partitioned.then_some(stream.partitions.len()),
        records_in: c.records_in,
        bytes_in: c.bytes_in,
        throttled: c.throttled,
        objects_delivered: c.objects_delivered,
        delivery_failures: c.delivery_failures,
        waiting_objects: stream.undelivered.len(),
        max_freshness_ms: c.max_data_freshness_ms,
        transform: [
            c.transform_ok,
            c.transform_dropped,
            c.transform_processing_failed,
        ],
        conversion_failed: stream.conversion.is_some().then_some(c.conversion_failed),
        copy: stream.redshift.as_ref().map(|r| {
            let q = &r.queue;
            CopyView {
                copies: q.copies,
                rows_loaded: q.rows_loaded,
                records_waiting: q.staged.iter().map(|o| o.records).sum::<u64>()
                    + q.batch.as_ref().map_or(0, |b| b.records()),
                skipped_batches: q.skipped_batches,
                skipped_records: q.skipped_records,
                last_failure: q
                    .last_failure
                    .as_ref()
                    .map(|f| format!("{}: {}", f.code, f.message)),
            }
        }),
        flushes: stream
            .flushes
            .iter()
            .skip(skip)
            .map(|f| FlushView {
                at_ms: f.at_ms,
                reason: f.reason.text(),
                records: f.records,
                bytes: f.bytes,
                object_bytes: f.object_bytes,
                key: f.key.clone(),
            })
            .collect(),
    }
}

/// Every delivery stream of `world`, in name order.
pub fn firehose_views(world: &World) -> Vec<FirehoseView> {
    world
        .delivery_streams()
        .values()
        .map(firehose_view)
        .collect()
}

/// The newest objects delivered to `bucket` (this run), newest first.
pub fn objects(world: &World, bucket: &str) -> Vec<ObjectRow> {
    let mut rows: Vec<ObjectRow> = world
        .objects()
        .delivered(bucket)
        .map(|o| ObjectRow {
            key: o.key,
            size: o.meta.size,
            records: o.meta.records,
            encoding: o.meta.content_encoding,
            role: o.meta.role,
            at_ms: o.meta.last_modified_ms,
        })
        .collect();
    rows.sort_by(|a, b| b.at_ms.cmp(&a.at_ms).then_with(|| b.key.cmp(&a.key)));
    rows.truncate(OBJECTS_SHOWN);
    rows
}

/// Virtual seconds of history the over-time charts show.
const HISTORY_SECONDS: i64 = 300;

/// The selected delivery stream's metrics over the last minutes, per second.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeriesView {
    /// (CloudWatch name, points of (epoch seconds, value)).
    pub records: Vec<(&'static str, Vec<[f64; 2]>)>,
    /// The destination's DataFreshness (DeliveryToS3's, or its HTTP destination's), the largest
    /// of each second, in seconds.
    pub freshness: Vec<[f64; 2]>,
    /// Its CloudWatch name.
    pub freshness_name: &'static str,
}

/// The over-time series of delivery stream `name`.
pub fn series(world: &World, name: &str) -> SeriesView {
    let Some(stream) = world.delivery_stream(name) else {
        return SeriesView::default();
    };
    let since = world.now_ms() / 1_000 - HISTORY_SECONDS;
    let points = |metric: FirehoseMetric, value: fn(&Bucket) -> Option<f64>| -> Vec<[f64; 2]> {
        stream
            .metrics
            .series(metric)
            .per_second()
            .filter(|(second, _)| *second >= since)
            .filter_map(|(second, bucket)| value(&bucket).map(|v| (second, v)))
            .map(|(second, value)| [second as f64, value])
            .collect()
    };
    let records = [
        FirehoseMetric::IncomingRecords,
        FirehoseMetric::SucceedProcessingRecords,
        FirehoseMetric::ProcessingDroppedRecords,
        FirehoseMetric::ProcessingFailedRecords,
        FirehoseMetric::ThrottledRecords,
    ]
    .into_iter()
    .map(|m| (m.cloudwatch_name(), points(m, |b| Some(b.sum))))
    .filter(|(_, p)| !p.is_empty())
    .collect();
    let freshness = stream
        .http
        .as_ref()
        .map_or(FirehoseMetric::DeliveryToS3DataFreshness, |h| {
            h.freshness_metric()
        });
    SeriesView {
        records,
        // Only seconds with a delivery have a freshness.
        freshness: points(freshness, |b| {
            (b.count > 0).then(|| f64::from(b.max) / 1_000.0)
        }),
        freshness_name: freshness.cloudwatch_name(),
    }
}
