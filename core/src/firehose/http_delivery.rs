//! Delivering over HTTP (reference B.9, B.5): to an HTTP endpoint, a buffer becomes POSTs of AWS's
//! request JSON; to OpenSearch, `_bulk` requests judged document by document. A failed request (or
//! document) is retried with backoff (1 s × 2^n, ±15 % jitter, at most 2 minutes apart) for the
//! retry duration, then its records go to the S3 bucket under the error prefix
//! (`http-endpoint-failed`, `AmazonOpenSearchService-failed`). With AllData (AllDocuments) every
//! delivered record is also written to the bucket.

use super::buffer::{BufferedRecord, Flush, FlushReason};
use super::delivery::random_uuid;
use super::destination::BufferingHints;
use super::http_endpoint::{HttpEndpoint, judge_answer};
use super::metrics::FirehoseMetric;
use super::object_key::ErrorOutputType;
use super::opensearch::{OpenSearch, OpenSearchErrorRecord, judge_bulk};
use super::splunk::{Splunk, judge_ack, judge_events};
use super::transform::error_record;
use crate::events::EventKind;
use crate::outbound::{CallResult, Continuation, HttpCall};
use crate::world::World;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::Rng;
use std::time::Duration;

/// Records one request carries at most (B.9).
const MAX_REQUEST_RECORDS: usize = 10_000;
/// How long Firehose waits for OpenSearch's answer.
const BULK_TIMEOUT: Duration = Duration::from_secs(180);
const FIRST_BACKOFF_MS: f64 = 1_000.0;
const MAX_BACKOFF_MS: f64 = 120_000.0;
/// How often Splunk's indexer acknowledgements are asked for.
const ACK_POLL_MS: i64 = 1_000;

/// Where a delivery stream sends records over HTTP.
#[derive(Debug, Clone, PartialEq)]
pub enum HttpTarget {
    Endpoint(HttpEndpoint),
    OpenSearch(OpenSearch),
    Splunk(Splunk),
}

impl HttpTarget {
    pub fn hints(&self) -> BufferingHints {
        match self {
            HttpTarget::Endpoint(e) => e.buffering_hints,
            HttpTarget::OpenSearch(o) => o.buffering_hints,
            HttpTarget::Splunk(s) => s.buffering_hints,
        }
    }

    fn retry_duration_ms(&self) -> i64 {
        match self {
            HttpTarget::Endpoint(e) => e.retry_duration_ms,
            HttpTarget::OpenSearch(o) => o.retry_duration_ms,
            HttpTarget::Splunk(s) => s.retry_duration_ms,
        }
    }

    fn backup_all(&self) -> bool {
        match self {
            HttpTarget::Endpoint(e) => e.backup_all,
            HttpTarget::OpenSearch(o) => o.backup_all,
            HttpTarget::Splunk(s) => s.backup_all,
        }
    }

    /// Where requests go, as people read it.
    pub fn label(&self) -> String {
        match self {
            HttpTarget::Endpoint(e) => format!("POST {}", e.url),
            HttpTarget::OpenSearch(o) => {
                format!("{}/_bulk (index {})", o.cluster_endpoint, o.index_name)
            }
            HttpTarget::Splunk(s) => format!("Splunk HEC {} ({})", s.endpoint, s.endpoint_type),
        }
    }

    /// The first part of this destination's CloudWatch metric names.
    pub fn metric_prefix(&self) -> &'static str {
        match self {
            HttpTarget::Endpoint(_) => "DeliveryToHttpEndpoint",
            HttpTarget::OpenSearch(_) => "DeliveryToAmazonOpenSearchService",
            HttpTarget::Splunk(_) => "DeliveryToSplunk",
        }
    }

    /// The metrics of this destination: records, bytes, success.
    fn metrics(&self) -> [FirehoseMetric; 3] {
        use FirehoseMetric::*;
        match self {
            HttpTarget::Endpoint(_) => [
                DeliveryToHttpEndpointRecords,
                DeliveryToHttpEndpointBytes,
                DeliveryToHttpEndpointSuccess,
            ],
            HttpTarget::OpenSearch(_) => [
                DeliveryToOpenSearchRecords,
                DeliveryToOpenSearchBytes,
                DeliveryToOpenSearchSuccess,
            ],
            HttpTarget::Splunk(_) => [
                DeliveryToSplunkRecords,
                DeliveryToSplunkBytes,
                DeliveryToSplunkSuccess,
            ],
        }
    }

    /// This destination's DataFreshness: the oldest record's age when a request was taken.
    pub fn freshness_metric(&self) -> FirehoseMetric {
        match self {
            HttpTarget::Endpoint(_) => FirehoseMetric::DeliveryToHttpEndpointDataFreshness,
            HttpTarget::OpenSearch(_) => FirehoseMetric::DeliveryToOpenSearchDataFreshness,
            HttpTarget::Splunk(_) => FirehoseMetric::DeliveryToSplunkDataFreshness,
        }
    }
}

/// One request of records, kept across its attempts (same request id).
#[derive(Debug, Clone, PartialEq)]
pub struct HttpDelivery {
    pub request_id: String,
    pub records: Vec<BufferedRecord>,
    /// OpenSearch: each record's document id (the same in every attempt).
    pub document_ids: Vec<Option<String>>,
    pub first_attempt_ms: i64,
    pub attempts: u32,
    /// Splunk: the acknowledgement id HEC gave the events, and until when to wait for it.
    pub ack: Option<(u64, i64)>,
    /// When the next attempt is due (a failed request waiting out its backoff).
    pub next_attempt_ms: i64,
}

/// Why a request failed: Firehose's error code and message, and whether it is worth retrying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFailure {
    pub code: String,
    pub message: String,
    /// 413: the endpoint will never take it.
    pub permanent: bool,
}

/// The wait before attempt `attempts + 1` (B.5): 1 s × 2^(attempts − 1), at most 2 minutes, then
/// `jitter` (±15 %) applied, in milliseconds.
pub(crate) fn backoff_ms(attempts: u32, jitter: f64) -> f64 {
    (FIRST_BACKOFF_MS * 2f64.powi(attempts.min(20) as i32 - 1)).min(MAX_BACKOFF_MS) * (1.0 + jitter)
}

pub(crate) fn failure(code: impl Into<String>, message: String) -> RequestFailure {
    RequestFailure {
        code: code.into(),
        message,
        permanent: false,
    }
}

impl World {
    /// Sends the records of a buffer of `name` over HTTP.
    pub(crate) fn deliver_http(
        &mut self,
        name: &str,
        records: Vec<BufferedRecord>,
        reason: FlushReason,
    ) {
        let now = self.now_ms();
        for chunk in records.chunks(MAX_REQUEST_RECORDS) {
            let request_id = random_uuid(&mut self.rng);
            let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
                return;
            };
            let label = stream
                .http
                .as_ref()
                .map(HttpTarget::label)
                .unwrap_or_default();
            let document_ids = match &stream.http {
                Some(HttpTarget::OpenSearch(o)) if o.document_ids => (0..chunk.len())
                    .map(|i| Some(format!("{request_id}-{i}")))
                    .collect(),
                _ => vec![None; chunk.len()],
            };
            stream.remember(Flush {
                at_ms: now,
                reason,
                records: chunk.len() as u64,
                bytes: chunk.iter().map(|r| r.data.len() as u64).sum(),
                key: format!("{label} (request {request_id})"),
                object_bytes: 0,
            });
            let delivery = HttpDelivery {
                request_id,
                records: chunk.to_vec(),
                document_ids,
                first_attempt_ms: now,
                attempts: 0,
                ack: None,
                next_attempt_ms: now,
            };
            self.attempt_http(name, delivery);
        }
    }

    /// Makes one attempt at `delivery`.
    fn attempt_http(&mut self, name: &str, mut delivery: HttpDelivery) {
        let now = self.now_ms();
        let Some(stream) = self.firehose.delivery_streams.get(name) else {
            return;
        };
        if delivery.ack.is_none() {
            delivery.attempts += 1;
        }
        let call = match &stream.http {
            Some(HttpTarget::Splunk(splunk)) => match delivery.ack {
                Some((ack_id, _)) => splunk.ack_request(&delivery, ack_id),
                None => splunk.request(&delivery),
            },
            Some(HttpTarget::Endpoint(endpoint)) => endpoint.request(&stream.arn, &delivery, now),
            Some(HttpTarget::OpenSearch(opensearch)) => {
                let documents: Vec<(String, Option<String>, &[u8])> = delivery
                    .records
                    .iter()
                    .zip(&delivery.document_ids)
                    .map(|(r, id)| (opensearch.index_for(r.arrival_ms), id.clone(), &r.data[..]))
                    .collect();
                HttpCall {
                    method: "POST",
                    signing: None,
                    url: format!("{}/_bulk", opensearch.cluster_endpoint),
                    headers: vec![("Content-Type".into(), "application/x-ndjson".into())],
                    body: opensearch.bulk_body(&documents),
                    timeout: BULK_TIMEOUT,
                }
            }
            None => return,
        };
        self.call_out(call, Continuation::HttpDelivery(name.to_owned(), delivery));
    }

    /// What the endpoint of `name` answered to `delivery`: per record, `None` when it was
    /// delivered, else why not; or why the request failed as a whole.
    pub(crate) fn http_answered(
        &mut self,
        name: &str,
        mut delivery: HttpDelivery,
        answer: CallResult,
    ) {
        let Some(target) = self
            .firehose
            .delivery_streams
            .get(name)
            .and_then(|s| s.http.clone())
        else {
            return;
        };
        let judged = match &target {
            HttpTarget::Endpoint(_) => judge_answer(&delivery.request_id, answer)
                .map(|()| vec![None; delivery.records.len()]),
            HttpTarget::Splunk(splunk) => {
                let now = self.now_ms();
                let waited = match delivery.ack {
                    Some((ack_id, deadline)) => match judge_ack(answer, ack_id) {
                        Ok(true) => Ok(None),
                        Ok(false) if now < deadline => Ok(Some((ack_id, deadline))),
                        Ok(false) => Err(failure(
                            "Splunk.AckTimeout",
                            format!(
                                "Events of channel {} were not acknowledged within {} s.",
                                delivery.request_id,
                                splunk.ack_timeout_ms / 1_000
                            ),
                        )),
                        Err(failed) => Err(failed),
                    },
                    None => judge_events(answer)
                        .map(|ack| ack.map(|id| (id, now + splunk.ack_timeout_ms))),
                };
                match waited {
                    Ok(Some(ack)) => {
                        // Indexed later: ask again for the acknowledgement.
                        delivery.ack = Some(ack);
                        delivery.next_attempt_ms = now + ACK_POLL_MS;
                        if let Some(stream) = self.firehose.delivery_streams.get_mut(name) {
                            stream.http_retrying.push(delivery);
                        }
                        return;
                    }
                    Ok(None) => Ok(vec![None; delivery.records.len()]),
                    Err(failed) => {
                        delivery.ack = None;
                        Err(failed)
                    }
                }
            }
            HttpTarget::OpenSearch(_) => judge_bulk(answer, delivery.records.len()).map(|items| {
                items
                    .into_iter()
                    .map(|item| item.map(|(code, message)| failure(code, message)))
                    .collect()
            }),
        };
        let outcomes: Vec<Option<RequestFailure>> = match judged {
            Ok(outcomes) => outcomes,
            Err(failed) => vec![Some(failed); delivery.records.len()],
        };
        let now = self.now_ms();
        let (mut delivered, mut failed) = (Vec::new(), Vec::new());
        for ((record, id), outcome) in delivery
            .records
            .iter()
            .zip(&delivery.document_ids)
            .zip(outcomes)
        {
            match outcome {
                None => delivered.push(record.clone()),
                Some(failure) => failed.push((record.clone(), id.clone(), failure)),
            }
        }
        self.note_http_delivered(name, &target, &delivered, now);
        if failed.is_empty() {
            return;
        }
        self.http_failed(name, &target, delivery, failed, now);
    }

    /// Counts what `target` took, and backs it up with AllData.
    fn note_http_delivered(
        &mut self,
        name: &str,
        target: &HttpTarget,
        delivered: &[BufferedRecord],
        now: i64,
    ) {
        let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
            return;
        };
        let success = if delivered.is_empty() { 0.0 } else { 1.0 };
        let [records_metric, bytes_metric, success_metric] = target.metrics();
        let metrics = &mut stream.metrics;
        metrics.record(success_metric, now, success);
        if delivered.is_empty() {
            return;
        }
        let bytes: usize = delivered.iter().map(|r| r.data.len()).sum();
        let records = delivered.len();
        metrics.record(records_metric, now, records as f64);
        metrics.record(bytes_metric, now, bytes as f64);
        let counters = &mut stream.counters;
        counters.objects_delivered += 1;
        counters.records_delivered += records as u64;
        counters.bytes_delivered += bytes as u64;
        let oldest = delivered[0].arrival_ms;
        counters.max_data_freshness_ms = counters.max_data_freshness_ms.max(now - oldest);
        metrics.record(target.freshness_metric(), now, (now - oldest) as f64);
        let detail = format!("{records} records ({bytes} bytes) to {}", target.label());
        self.log_event(EventKind::Delivered, Some(name), detail);
        if target.backup_all() {
            self.store_records(name, delivered, FlushReason::Immediate);
        }
    }

    /// Retries what failed after its backoff, while the retry duration lasts; then writes it to
    /// the error prefix.
    fn http_failed(
        &mut self,
        name: &str,
        target: &HttpTarget,
        delivery: HttpDelivery,
        failed: Vec<(BufferedRecord, Option<String>, RequestFailure)>,
        now: i64,
    ) {
        let jitter: f64 = self.rng.random_range(-0.15..=0.15);
        let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
            return;
        };
        stream.counters.delivery_failures += 1;
        let backoff = backoff_ms(delivery.attempts, jitter);
        let next = now + backoff as i64;
        let first = &failed[0].2;
        let in_time = next - delivery.first_attempt_ms <= target.retry_duration_ms();
        let label = target.label();
        if !first.permanent && in_time {
            let detail = format!(
                "{} of {} records of request {} to {label} failed ({}: {}); retrying in {:.1} s",
                failed.len(),
                delivery.records.len(),
                delivery.request_id,
                first.code,
                first.message,
                backoff / 1_000.0
            );
            let (records, ids): (Vec<_>, Vec<_>) = failed
                .into_iter()
                .map(|(record, id, _)| (record, id))
                .unzip();
            stream.http_retrying.push(HttpDelivery {
                records,
                document_ids: ids,
                next_attempt_ms: next,
                ..delivery
            });
            self.log_event(EventKind::DeliveryFailed, Some(name), detail);
            return;
        }
        let detail = format!(
            "{} records of request {} to {label} failed after {} attempts ({}: {}); they go to the S3 error prefix",
            failed.len(),
            delivery.request_id,
            delivery.attempts,
            first.code,
            first.message
        );
        self.log_event(EventKind::DeliveryFailed, Some(name), detail);
        if first.permanent {
            return;
        }
        let oldest = failed[0].0.arrival_ms;
        let attempts = delivery.attempts;
        match target {
            HttpTarget::Endpoint(_) | HttpTarget::Splunk(_) => {
                let documents: Vec<_> = failed
                    .iter()
                    .map(|(r, _, f)| {
                        error_record(
                            &r.data,
                            &f.code,
                            &f.message,
                            attempts,
                            r.arrival_ms,
                            now,
                            None,
                        )
                    })
                    .collect();
                let kind = match target {
                    HttpTarget::Splunk(_) => ErrorOutputType::SplunkFailed,
                    _ => ErrorOutputType::HttpEndpointFailed,
                };
                self.write_error_object(name, kind, documents, oldest);
            }
            HttpTarget::OpenSearch(opensearch) => {
                let documents: Vec<_> = failed
                    .iter()
                    .map(|(r, id, f)| OpenSearchErrorRecord {
                        attempts_made: attempts,
                        arrival_timestamp: r.arrival_ms,
                        error_code: f.code.clone(),
                        error_message: f.message.clone(),
                        attempt_ending_timestamp: now,
                        es_document_id: id.clone(),
                        es_index_name: opensearch.index_for(r.arrival_ms),
                        es_type_name: opensearch.type_name.clone(),
                        raw_data: STANDARD.encode(&r.data),
                    })
                    .collect();
                let kind = ErrorOutputType::OpenSearchFailed;
                self.write_error_object(name, kind, documents, oldest);
            }
        }
    }

    /// Makes the attempts of `name` whose backoff has passed at `now`.
    pub(crate) fn retry_http_deliveries(&mut self, name: &str, now: i64) {
        let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
            return;
        };
        let (due, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut stream.http_retrying)
            .into_iter()
            .partition(|d| d.next_attempt_ms <= now);
        stream.http_retrying = waiting;
        for delivery in due {
            self.attempt_http(name, delivery);
        }
    }
}
