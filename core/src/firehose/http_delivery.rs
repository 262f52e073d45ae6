//! Delivering to an HTTP endpoint (reference B.9, B.5): a buffer becomes POSTs of AWS's request
//! JSON with AWS's headers; an answer is judged as Firehose judges it; a failed request is retried
//! with backoff (1 s × 2^n, ±15 % jitter, at most 2 minutes apart) for the retry duration, then its
//! records go to the S3 bucket under the error prefix (`http-endpoint-failed`). With S3BackupMode
//! AllData every delivered record is also written to the bucket.

use super::buffer::{BufferedRecord, Flush, FlushReason};
use super::delivery::random_uuid;
use super::metrics::FirehoseMetric;
use super::object_key::ErrorOutputType;
use super::transform::error_record;
use crate::events::EventKind;
use crate::outbound::{CallResult, Continuation, HttpCall};
use crate::world::World;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::Rng;
use serde_json::{Value, json};
use std::io::Write;
use std::time::Duration;

/// Records one request carries at most (B.9).
const MAX_REQUEST_RECORDS: usize = 10_000;
/// How long Firehose waits for an answer (B.5).
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(180);
/// The largest answer Firehose reads (B.9).
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;
const FIRST_BACKOFF_MS: f64 = 1_000.0;
const MAX_BACKOFF_MS: f64 = 120_000.0;

/// One request of records to an endpoint, kept across its attempts (same request id).
#[derive(Debug, Clone, PartialEq)]
pub struct HttpDelivery {
    pub request_id: String,
    pub records: Vec<BufferedRecord>,
    pub first_attempt_ms: i64,
    pub attempts: u32,
    /// When the next attempt is due (a failed request waiting out its backoff).
    pub next_attempt_ms: i64,
}

/// Why a request failed: Firehose's error code and message, and whether it is worth retrying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFailure {
    pub code: &'static str,
    pub message: String,
    /// 413: the endpoint will never take it.
    pub permanent: bool,
}

fn failure(code: &'static str, message: String) -> RequestFailure {
    RequestFailure {
        code,
        message,
        permanent: false,
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Judges an endpoint's answer to request `request_id` as Firehose does (B.9): 200, JSON, no
/// Content-Encoding, at most 1 MiB, naming the request and a timestamp.
pub fn judge_answer(request_id: &str, answer: CallResult) -> Result<(), RequestFailure> {
    let answer = answer.map_err(|e| {
        let code = if e.contains("timeout") || e.contains("timed out") {
            "HttpEndpoint.RequestTimeout"
        } else {
            "HttpEndpoint.ConnectionFailed"
        };
        failure(code, e)
    })?;
    let text = || {
        String::from_utf8_lossy(&answer.body)
            .chars()
            .take(200)
            .collect::<String>()
    };
    if answer.status == 413 {
        return Err(RequestFailure {
            code: "HttpEndpoint.RequestEntityTooLarge",
            message: format!("The endpoint answered HTTP 413: {}", text()),
            permanent: true,
        });
    }
    if answer.status != 200 {
        let said = serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("errorMessage")?.as_str().map(str::to_owned))
            .unwrap_or_else(text);
        return Err(failure(
            "HttpEndpoint.DestinationException",
            format!("The endpoint answered HTTP {}: {said}", answer.status),
        ));
    }
    let invalid = |why: &str| {
        failure(
            "HttpEndpoint.InvalidResponseFromDestination",
            format!("The response from the endpoint is invalid: {why}"),
        )
    };
    if answer.body.len() > MAX_RESPONSE_BYTES {
        return Err(failure(
            "HttpEndpoint.ResponseTooLarge",
            format!("The response is {} bytes, over 1 MiB.", answer.body.len()),
        ));
    }
    let content_type = header(&answer.headers, "content-type").unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return Err(invalid(&format!(
            "Content-Type is {content_type:?}, not application/json"
        )));
    }
    if let Some(encoding) = header(&answer.headers, "content-encoding") {
        return Err(invalid(&format!("it has Content-Encoding {encoding}")));
    }
    let body: Value =
        serde_json::from_slice(&answer.body).map_err(|e| invalid(&format!("not JSON ({e})")))?;
    match body.get("requestId").and_then(Value::as_str) {
        Some(id) if id == request_id => {}
        Some(id) => return Err(invalid(&format!("requestId {id} is not {request_id}"))),
        None => return Err(invalid("requestId is missing")),
    }
    if !body.get("timestamp").is_some_and(Value::is_number) {
        return Err(invalid("timestamp is missing"));
    }
    Ok(())
}

impl World {
    /// Sends the records of a buffer of `name` to its endpoint.
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
            let url = stream
                .http
                .as_ref()
                .map(|h| h.url.clone())
                .unwrap_or_default();
            stream.remember(Flush {
                at_ms: now,
                reason,
                records: chunk.len() as u64,
                bytes: chunk.iter().map(|r| r.data.len() as u64).sum(),
                key: format!("POST {url} (request {request_id})"),
                object_bytes: 0,
            });
            let delivery = HttpDelivery {
                request_id,
                records: chunk.to_vec(),
                first_attempt_ms: now,
                attempts: 0,
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
        let Some(endpoint) = &stream.http else {
            return;
        };
        delivery.attempts += 1;
        let records: Vec<Value> = delivery
            .records
            .iter()
            .map(|r| json!({"data": STANDARD.encode(&r.data)}))
            .collect();
        let json = json!({"requestId": delivery.request_id, "timestamp": now, "records": records});
        let mut body = json.to_string().into_bytes();
        let mut headers = vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("X-Amz-Firehose-Protocol-Version".into(), "1.0".into()),
            (
                "X-Amz-Firehose-Request-Id".into(),
                delivery.request_id.clone(),
            ),
            ("X-Amz-Firehose-Source-Arn".into(), stream.arn.clone()),
        ];
        if let Some(key) = &endpoint.access_key {
            headers.push(("X-Amz-Firehose-Access-Key".into(), key.clone()));
        }
        if !endpoint.common_attributes.is_empty() {
            let attributes: serde_json::Map<String, Value> = endpoint
                .common_attributes
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            headers.push((
                "X-Amz-Firehose-Common-Attributes".into(),
                json!({ "commonAttributes": attributes }).to_string(),
            ));
        }
        if endpoint.gzip {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            if encoder.write_all(&body).is_ok()
                && let Ok(zipped) = encoder.finish()
            {
                body = zipped;
                headers.push(("Content-Encoding".into(), "gzip".into()));
            }
        }
        let call = HttpCall {
            url: endpoint.url.clone(),
            headers,
            body,
            timeout: RESPONSE_TIMEOUT,
        };
        self.call_out(call, Continuation::HttpDelivery(name.to_owned(), delivery));
    }

    /// What the endpoint of `name` answered to `delivery`.
    pub(crate) fn http_answered(
        &mut self,
        name: &str,
        mut delivery: HttpDelivery,
        answer: CallResult,
    ) {
        let now = self.now_ms();
        let judged = judge_answer(&delivery.request_id, answer);
        let jitter: f64 = self.rng.random_range(-0.15..=0.15);
        let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
            return;
        };
        let Some(endpoint) = stream.http.clone() else {
            return;
        };
        let records = delivery.records.len();
        let bytes: usize = delivery.records.iter().map(|r| r.data.len()).sum();
        let metrics = &mut stream.metrics;
        metrics.record(
            FirehoseMetric::DeliveryToHttpEndpointSuccess,
            now,
            if judged.is_ok() { 1.0 } else { 0.0 },
        );
        let error = match judged {
            Ok(()) => {
                metrics.record(
                    FirehoseMetric::DeliveryToHttpEndpointRecords,
                    now,
                    records as f64,
                );
                metrics.record(
                    FirehoseMetric::DeliveryToHttpEndpointBytes,
                    now,
                    bytes as f64,
                );
                let counters = &mut stream.counters;
                counters.objects_delivered += 1;
                counters.records_delivered += records as u64;
                counters.bytes_delivered += bytes as u64;
                let oldest = delivery.records.first().map_or(now, |r| r.arrival_ms);
                counters.max_data_freshness_ms = counters.max_data_freshness_ms.max(now - oldest);
                let detail = format!("{records} records ({bytes} bytes) to {}", endpoint.url);
                self.log_event(EventKind::Delivered, Some(name), detail);
                if endpoint.backup_all {
                    self.store_records(name, &delivery.records, FlushReason::Immediate);
                }
                return;
            }
            Err(error) => error,
        };
        stream.counters.delivery_failures += 1;
        let backoff = (FIRST_BACKOFF_MS * 2f64.powi(delivery.attempts.min(20) as i32 - 1))
            .min(MAX_BACKOFF_MS)
            * (1.0 + jitter);
        let next = now + backoff as i64;
        let in_time = next - delivery.first_attempt_ms <= endpoint.retry_duration_ms;
        if !error.permanent && in_time {
            delivery.next_attempt_ms = next;
            let detail = format!(
                "request {} to {} failed ({}: {}); retrying in {:.1} s",
                delivery.request_id,
                endpoint.url,
                error.code,
                error.message,
                backoff / 1_000.0
            );
            stream.http_retrying.push(delivery);
            self.log_event(EventKind::DeliveryFailed, Some(name), detail);
            return;
        }
        let detail = format!(
            "request {} to {} failed after {} attempts ({}: {}); its {records} records go to the S3 error prefix",
            delivery.request_id, endpoint.url, delivery.attempts, error.code, error.message
        );
        self.log_event(EventKind::DeliveryFailed, Some(name), detail);
        if error.permanent {
            return;
        }
        let documents: Vec<_> = delivery
            .records
            .iter()
            .map(|r| {
                error_record(
                    &r.data,
                    error.code,
                    &error.message,
                    delivery.attempts,
                    r.arrival_ms,
                    now,
                    None,
                )
            })
            .collect();
        let oldest = delivery.records.first().map_or(now, |r| r.arrival_ms);
        self.write_error_object(name, ErrorOutputType::HttpEndpointFailed, documents, oldest);
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
