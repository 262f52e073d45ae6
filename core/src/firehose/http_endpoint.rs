//! The HTTP endpoint destination (reference B.9, B.10): its configuration as the API carries it,
//! the model's constraints and AWS's rules, what a delivery stream holds once defaults are filled
//! in, and its description. Kinescope also takes `http://` URLs (AWS wants `https://` on port 443),
//! so a receiver on the same machine needs no certificate.

use super::destination::{
    BufferingHints, BufferingHintsInput, CloudWatchLoggingOptions, PlainS3Description,
    ProcessingConfiguration, S3DestinationInput,
};
use super::error::FirehoseError;
use super::http_delivery::{HttpDelivery, RequestFailure, failure};
use super::optional_shape::optional_shape;
use crate::outbound::{CallResult, HttpCall};
use crate::validate::Validator;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::{Value, json};
use std::io::Write;
use std::time::Duration;

/// How long Firehose waits for an answer (B.5).
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(180);
/// The largest answer Firehose reads (B.9).
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

optional_shape!(HttpEndpointDestinationConfiguration {
    endpoint_configuration: EndpointConfiguration,
    buffering_hints: BufferingHintsInput,
    cloud_watch_logging_options: CloudWatchLoggingOptions,
    request_configuration: RequestConfiguration,
    processing_configuration: ProcessingConfiguration,
    #[serde(rename = "RoleARN")]
    role_arn: String,
    retry_options: RetryOptions,
    #[serde(rename = "S3BackupMode")]
    s3_backup_mode: String,
    #[serde(rename = "S3Configuration", alias = "S3Update")]
    s3_configuration: S3DestinationInput,
    secrets_manager_configuration: serde_json::Value,
});
optional_shape!(EndpointConfiguration {
    url: String,
    name: String,
    access_key: String,
});
optional_shape!(RequestConfiguration {
    content_encoding: String,
    common_attributes: Vec<CommonAttribute>,
});
optional_shape!(CommonAttribute {
    attribute_name: String,
    attribute_value: String,
});
optional_shape!(RetryOptions {
    duration_in_seconds: i64
});

/// HTTP endpoint buffering hints (B.3): SizeInMBs 1–64 (5), IntervalInSeconds 0–900 (300).
const DEFAULT_HINTS: BufferingHints = BufferingHints {
    size_in_mbs: 5,
    interval_in_seconds: 300,
};
/// RetryOptions.DurationInSeconds 0–7200, default 300 (B.5).
const DEFAULT_RETRY_SECONDS: i64 = 300;
const BACKUP_MODES: [&str; 2] = ["FailedDataOnly", "AllData"];

/// An HTTP endpoint destination as a delivery stream holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpEndpoint {
    pub url: String,
    pub name: Option<String>,
    pub access_key: Option<String>,
    pub buffering_hints: BufferingHints,
    pub gzip: bool,
    pub common_attributes: Vec<(String, String)>,
    pub retry_duration_ms: i64,
    /// AllData: every record is also backed up to S3; FailedDataOnly: only what failed.
    pub backup_all: bool,
    pub role_arn: Option<String>,
    pub cloud_watch_logging_options: CloudWatchLoggingOptions,
    pub processing_configuration: Option<ProcessingConfiguration>,
}

/// The model's constraints on RetryOptions (0–7200 s) and S3BackupMode (one of `modes`), shared
/// by the destinations that retry and back up to S3.
pub(crate) fn validate_retry_and_backup(
    v: &mut Validator,
    member: &str,
    retry: &Option<RetryOptions>,
    mode: &Option<String>,
    modes: &[&str],
) {
    if let Some(retry) = retry {
        let at = format!("{member}.retryOptions.durationInSeconds");
        v.range(&at, retry.duration_in_seconds, 0, 7200);
    }
    if let Some(mode) = mode
        && !modes.contains(&mode.as_str())
    {
        let at = format!("{member}.s3BackupMode");
        v.enumeration(&at, mode, &format!("[{}]", modes.join(", ")));
    }
}

/// The model's constraints on an HTTP endpoint configuration (ValidationException).
pub(crate) fn validate(v: &mut Validator, member: &str, c: &HttpEndpointDestinationConfiguration) {
    let at = |m: &str| format!("{member}.{m}");
    if let Some(endpoint) = v.required(&at("endpointConfiguration"), &c.endpoint_configuration) {
        let url_at = at("endpointConfiguration.url");
        if let Some(url) = v.required(&url_at, &endpoint.url)
            && v.length(&url_at, url, 1, 1000)
        {
            let ok = url.starts_with("https://") || url.starts_with("http://");
            v.pattern_text(&url_at, url, "^https://.*", ok);
        }
        v.string(
            &at("endpointConfiguration.name"),
            &endpoint.name,
            1,
            256,
            None,
        );
        v.string(
            &at("endpointConfiguration.accessKey"),
            &endpoint.access_key,
            0,
            4096,
            None,
        );
    }
    if let Some(hints) = &c.buffering_hints {
        hints.validate(v, &at("bufferingHints"), 64);
    }
    if let Some(request) = &c.request_configuration {
        if let Some(encoding) = &request.content_encoding
            && !["NONE", "GZIP"].contains(&encoding.as_str())
        {
            v.enumeration(
                &at("requestConfiguration.contentEncoding"),
                encoding,
                "[NONE, GZIP]",
            );
        }
        if let Some(attributes) = &request.common_attributes {
            let list = at("requestConfiguration.commonAttributes");
            v.list_size(&list, attributes.len(), 0, 50);
            for (i, attribute) in attributes.iter().enumerate() {
                let item = format!("{list}.{}.member", i + 1);
                v.required_string(
                    &format!("{item}.attributeName"),
                    &attribute.attribute_name,
                    1,
                    256,
                    None,
                );
                v.string(
                    &format!("{item}.attributeValue"),
                    &attribute.attribute_value,
                    0,
                    1024,
                    None,
                );
            }
        }
    }
    let (retry, mode) = (&c.retry_options, &c.s3_backup_mode);
    validate_retry_and_backup(v, member, retry, mode, &BACKUP_MODES);
    v.required(&at("s3Configuration"), &c.s3_configuration);
}

/// AWS's rules and the defaults (`existing` for an update: members given replace those held).
pub(crate) fn check(
    c: &HttpEndpointDestinationConfiguration,
    existing: Option<&HttpEndpoint>,
) -> Result<HttpEndpoint, FirehoseError> {
    let endpoint = c.endpoint_configuration.clone().unwrap_or_default();
    let url = endpoint
        .url
        .or(existing.map(|e| e.url.clone()))
        .unwrap_or_default();
    let hints = BufferingHintsInput::resolve(
        c.buffering_hints,
        existing.map(|e| e.buffering_hints),
        DEFAULT_HINTS,
    )?;
    let request = c.request_configuration.clone();
    let backup_mode = c.s3_backup_mode.clone().unwrap_or_else(|| match existing {
        Some(e) if e.backup_all => "AllData".into(),
        _ => "FailedDataOnly".into(),
    });
    Ok(HttpEndpoint {
        url,
        name: endpoint.name.or(existing.and_then(|e| e.name.clone())),
        access_key: endpoint
            .access_key
            .or(existing.and_then(|e| e.access_key.clone())),
        buffering_hints: hints,
        gzip: match request.as_ref().and_then(|r| r.content_encoding.as_deref()) {
            Some(encoding) => encoding == "GZIP",
            None => existing.is_some_and(|e| e.gzip),
        },
        common_attributes: match request.and_then(|r| r.common_attributes) {
            Some(attributes) => attributes
                .into_iter()
                .map(|a| {
                    (
                        a.attribute_name.unwrap_or_default(),
                        a.attribute_value.unwrap_or_default(),
                    )
                })
                .collect(),
            None => existing
                .map(|e| e.common_attributes.clone())
                .unwrap_or_default(),
        },
        retry_duration_ms: c
            .retry_options
            .as_ref()
            .and_then(|r| r.duration_in_seconds)
            .map(|s| s * 1_000)
            .or(existing.map(|e| e.retry_duration_ms))
            .unwrap_or(DEFAULT_RETRY_SECONDS * 1_000),
        backup_all: backup_mode == "AllData",
        role_arn: c
            .role_arn
            .clone()
            .or(existing.and_then(|e| e.role_arn.clone())),
        cloud_watch_logging_options: c
            .cloud_watch_logging_options
            .clone()
            .or(existing.map(|e| e.cloud_watch_logging_options.clone()))
            .unwrap_or_default(),
        processing_configuration: c
            .processing_configuration
            .clone()
            .or(existing.and_then(|e| e.processing_configuration.clone())),
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EndpointDescription {
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// DescribeDeliveryStream's HttpEndpointDestinationDescription (the access key is not shown).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HttpEndpointDescription {
    pub endpoint_configuration: EndpointDescription,
    pub buffering_hints: BufferingHints,
    pub cloud_watch_logging_options: CloudWatchLoggingOptions,
    pub request_configuration: RequestConfiguration,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_configuration: Option<ProcessingConfiguration>,
    #[serde(rename = "RoleARN", skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    pub retry_options: RetryOptions,
    #[serde(rename = "S3BackupMode")]
    pub s3_backup_mode: String,
    #[serde(rename = "S3DestinationDescription")]
    pub s3: PlainS3Description,
}

impl HttpEndpoint {
    pub fn describe(&self, s3: PlainS3Description) -> HttpEndpointDescription {
        HttpEndpointDescription {
            endpoint_configuration: EndpointDescription {
                url: self.url.clone(),
                name: self.name.clone(),
            },
            buffering_hints: self.buffering_hints,
            cloud_watch_logging_options: self.cloud_watch_logging_options.clone(),
            request_configuration: RequestConfiguration {
                content_encoding: Some(if self.gzip { "GZIP" } else { "NONE" }.into()),
                common_attributes: Some(
                    self.common_attributes
                        .iter()
                        .map(|(name, value)| CommonAttribute {
                            attribute_name: Some(name.clone()),
                            attribute_value: Some(value.clone()),
                        })
                        .collect(),
                ),
            },
            processing_configuration: self.processing_configuration.clone(),
            role_arn: self.role_arn.clone(),
            retry_options: RetryOptions {
                duration_in_seconds: Some(self.retry_duration_ms / 1_000),
            },
            s3_backup_mode: if self.backup_all {
                "AllData"
            } else {
                "FailedDataOnly"
            }
            .into(),
            s3,
        }
    }
}

impl HttpEndpoint {
    /// The POST of `delivery` at `now` (B.9): AWS's request JSON and headers.
    pub fn request(&self, source_arn: &str, delivery: &HttpDelivery, now: i64) -> HttpCall {
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
            ("X-Amz-Firehose-Source-Arn".into(), source_arn.to_owned()),
        ];
        if let Some(key) = &self.access_key {
            headers.push(("X-Amz-Firehose-Access-Key".into(), key.clone()));
        }
        if !self.common_attributes.is_empty() {
            let attributes: serde_json::Map<String, Value> = self
                .common_attributes
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            headers.push((
                "X-Amz-Firehose-Common-Attributes".into(),
                json!({ "commonAttributes": attributes }).to_string(),
            ));
        }
        if self.gzip {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            if encoder.write_all(&body).is_ok()
                && let Ok(zipped) = encoder.finish()
            {
                body = zipped;
                headers.push(("Content-Encoding".into(), "gzip".into()));
            }
        }
        HttpCall {
            method: "POST",
            signing: None,
            url: self.url.clone(),
            headers,
            body,
            timeout: RESPONSE_TIMEOUT,
        }
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
            code: "HttpEndpoint.RequestEntityTooLarge".into(),
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
