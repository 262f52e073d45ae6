//! The Splunk destination (reference B.3, B.5, B.10): its configuration, AWS's rules, and the HTTP
//! Event Collector requests a buffer becomes — the records to `/services/collector/event` or
//! `/services/collector/raw` with the token and a channel, then indexer acknowledgements polled
//! at `/services/collector/ack` until the events are indexed or the acknowledgement timeout passes.

use super::destination::{
    BufferingHints, BufferingHintsInput, CloudWatchLoggingOptions, PlainS3Description,
    ProcessingConfiguration, S3DestinationInput,
};
use super::error::FirehoseError;
use super::http_delivery::{HttpDelivery, RequestFailure, failure};
use super::http_endpoint::{RetryOptions, validate_retry_and_backup};
use super::optional_shape::optional_shape;
use crate::outbound::{CallResult, HttpCall};
use crate::validate::Validator;
use serde::Serialize;
use serde_json::{Value, json};
use std::time::Duration;

optional_shape!(SplunkDestinationConfiguration {
    #[serde(rename = "HECEndpoint")]
    hec_endpoint: String,
    #[serde(rename = "HECEndpointType")]
    hec_endpoint_type: String,
    #[serde(rename = "HECToken")]
    hec_token: String,
    #[serde(rename = "HECAcknowledgmentTimeoutInSeconds")]
    hec_acknowledgment_timeout_in_seconds: i64,
    retry_options: RetryOptions,
    #[serde(rename = "S3BackupMode")]
    s3_backup_mode: String,
    #[serde(rename = "S3Configuration", alias = "S3Update")]
    s3_configuration: S3DestinationInput,
    processing_configuration: ProcessingConfiguration,
    cloud_watch_logging_options: CloudWatchLoggingOptions,
    buffering_hints: BufferingHintsInput,
    secrets_manager_configuration: Value,
});

/// Splunk buffering hints (B.3): SizeInMBs 1–5 (5), IntervalInSeconds 0–60 (60).
const DEFAULT_HINTS: BufferingHints = BufferingHints {
    size_in_mbs: 5,
    interval_in_seconds: 60,
};
/// How long a request to HEC may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(180);

/// A Splunk destination as a delivery stream holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Splunk {
    pub endpoint: String,
    /// `Raw` or `Event`.
    pub endpoint_type: String,
    pub token: String,
    pub ack_timeout_ms: i64,
    pub retry_duration_ms: i64,
    /// AllEvents: every event is also backed up to S3.
    pub backup_all: bool,
    pub buffering_hints: BufferingHints,
    pub processing_configuration: Option<ProcessingConfiguration>,
    pub cloud_watch_logging_options: CloudWatchLoggingOptions,
    /// The configuration as given (its S3 part held apart), for UpdateDestination to merge into.
    pub config: SplunkDestinationConfiguration,
}

/// The model's constraints (ValidationException).
pub(crate) fn validate(v: &mut Validator, member: &str, c: &SplunkDestinationConfiguration) {
    let at = |m: &str| format!("{member}.{m}");
    v.required_string(&at("hECEndpoint"), &c.hec_endpoint, 0, 2048, None);
    if let Some(kind) = v.required(&at("hECEndpointType"), &c.hec_endpoint_type)
        && !["Raw", "Event"].contains(&kind.as_str())
    {
        v.enumeration(&at("hECEndpointType"), kind, "[Raw, Event]");
    }
    v.string(&at("hECToken"), &c.hec_token, 0, 2048, None);
    v.range(
        &at("hECAcknowledgmentTimeoutInSeconds"),
        c.hec_acknowledgment_timeout_in_seconds,
        180,
        600,
    );
    let (retry, mode) = (&c.retry_options, &c.s3_backup_mode);
    let modes = ["FailedEventsOnly", "AllEvents"];
    validate_retry_and_backup(v, member, retry, mode, &modes);
    if let Some(hints) = &c.buffering_hints {
        v.range(&at("bufferingHints.sizeInMBs"), hints.size_in_mbs, 1, 5);
        let interval = hints.interval_in_seconds;
        v.range(&at("bufferingHints.intervalInSeconds"), interval, 0, 60);
    }
    v.required(&at("s3Configuration"), &c.s3_configuration);
}

/// AWS's rules and the defaults.
pub(crate) fn check(c: &SplunkDestinationConfiguration) -> Result<Splunk, FirehoseError> {
    let endpoint = c.hec_endpoint.clone().unwrap_or_default();
    if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
        return Err(super::messages::invalid(format!(
            "HECEndpoint {endpoint} must be a URL (https://HOST:8088, or http:// for a Splunk on your machine)."
        )));
    }
    Ok(Splunk {
        endpoint: endpoint.trim_end_matches('/').to_owned(),
        endpoint_type: c.hec_endpoint_type.clone().unwrap_or_default(),
        token: c.hec_token.clone().unwrap_or_default(),
        ack_timeout_ms: c.hec_acknowledgment_timeout_in_seconds.unwrap_or(180) * 1_000,
        retry_duration_ms: c
            .retry_options
            .as_ref()
            .and_then(|r| r.duration_in_seconds)
            .unwrap_or(3_600)
            * 1_000,
        backup_all: c.s3_backup_mode.as_deref() == Some("AllEvents"),
        buffering_hints: BufferingHintsInput::resolve(c.buffering_hints, None, DEFAULT_HINTS)?,
        processing_configuration: c.processing_configuration.clone(),
        cloud_watch_logging_options: c.cloud_watch_logging_options.clone().unwrap_or_default(),
        config: SplunkDestinationConfiguration {
            s3_configuration: None,
            ..c.clone()
        },
    })
}

impl Splunk {
    fn headers(&self, channel: &str) -> Vec<(String, String)> {
        vec![
            ("Authorization".into(), format!("Splunk {}", self.token)),
            ("X-Splunk-Request-Channel".into(), channel.to_owned()),
            ("Content-Type".into(), "application/json".into()),
        ]
    }

    /// The events of `delivery`, to the Event or Raw collector (records one a line).
    pub fn request(&self, delivery: &HttpDelivery) -> HttpCall {
        let path = if self.endpoint_type == "Raw" {
            "raw"
        } else {
            "event"
        };
        let mut body = Vec::new();
        for record in &delivery.records {
            body.extend_from_slice(&record.data);
            if !record.data.ends_with(b"\n") {
                body.push(b'\n');
            }
        }
        HttpCall {
            method: "POST",
            signing: None,
            url: format!(
                "{}/services/collector/{path}?channel={}",
                self.endpoint, delivery.request_id
            ),
            headers: self.headers(&delivery.request_id),
            body,
            timeout: REQUEST_TIMEOUT,
        }
    }

    /// The acknowledgement poll for `ack_id` of `delivery`'s channel.
    pub fn ack_request(&self, delivery: &HttpDelivery, ack_id: u64) -> HttpCall {
        HttpCall {
            method: "POST",
            signing: None,
            url: format!(
                "{}/services/collector/ack?channel={}",
                self.endpoint, delivery.request_id
            ),
            headers: self.headers(&delivery.request_id),
            body: json!({ "acks": [ack_id] }).to_string().into_bytes(),
            timeout: REQUEST_TIMEOUT,
        }
    }

    pub fn describe(&self, s3: PlainS3Description) -> SplunkDescription {
        SplunkDescription {
            hec_endpoint: self.endpoint.clone(),
            hec_endpoint_type: self.endpoint_type.clone(),
            hec_token: self.token.clone(),
            hec_acknowledgment_timeout_in_seconds: self.ack_timeout_ms / 1_000,
            retry_options: RetryOptions {
                duration_in_seconds: Some(self.retry_duration_ms / 1_000),
            },
            s3_backup_mode: if self.backup_all {
                "AllEvents"
            } else {
                "FailedEventsOnly"
            }
            .into(),
            s3,
            processing_configuration: self.processing_configuration.clone(),
            cloud_watch_logging_options: self.cloud_watch_logging_options.clone(),
            buffering_hints: self.buffering_hints,
        }
    }
}

fn read_json(answer: CallResult, what: &str) -> Result<Value, RequestFailure> {
    let answer = answer.map_err(|e| failure("Splunk.ConnectionTimeout", e))?;
    let body: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
    if answer.status != 200 {
        let text = body
            .get("text")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| {
                String::from_utf8_lossy(&answer.body)
                    .chars()
                    .take(200)
                    .collect()
            });
        let code = match answer.status {
            401 | 403 => "Splunk.InvalidToken",
            400 => "Splunk.InvalidDataFormat",
            503 => "Splunk.ServerBusy",
            _ => "Splunk.ProxyWithoutStickySessions",
        };
        return Err(failure(
            code,
            format!("{what} answered HTTP {}: {text}", answer.status),
        ));
    }
    Ok(body)
}

/// What HEC answered to the events: the acknowledgement id to wait for, if indexer
/// acknowledgement is on, or why the request failed.
pub fn judge_events(answer: CallResult) -> Result<Option<u64>, RequestFailure> {
    let body = read_json(answer, "HEC")?;
    Ok(body.get("ackId").and_then(Value::as_u64))
}

/// Whether acknowledgement `ack_id` says the events are indexed.
pub fn judge_ack(answer: CallResult, ack_id: u64) -> Result<bool, RequestFailure> {
    let body = read_json(answer, "HEC's acknowledgement endpoint")?;
    Ok(body
        .get("acks")
        .and_then(|acks| acks.get(ack_id.to_string()))
        .and_then(Value::as_bool)
        .unwrap_or(false))
}

/// DescribeDeliveryStream's SplunkDestinationDescription.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SplunkDescription {
    #[serde(rename = "HECEndpoint")]
    pub hec_endpoint: String,
    #[serde(rename = "HECEndpointType")]
    pub hec_endpoint_type: String,
    #[serde(rename = "HECToken")]
    pub hec_token: String,
    #[serde(rename = "HECAcknowledgmentTimeoutInSeconds")]
    pub hec_acknowledgment_timeout_in_seconds: i64,
    pub retry_options: RetryOptions,
    #[serde(rename = "S3BackupMode")]
    pub s3_backup_mode: String,
    #[serde(rename = "S3DestinationDescription")]
    pub s3: PlainS3Description,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_configuration: Option<ProcessingConfiguration>,
    pub cloud_watch_logging_options: CloudWatchLoggingOptions,
    pub buffering_hints: BufferingHints,
}
