//! The Amazon OpenSearch Service destination (reference B.5, B.10): its configuration, AWS's
//! rules, index rotation, and the `_bulk` requests a buffer becomes — one `index` action per
//! record, with the index its arrival time rotates to and a document id — judged item by item.
//! Kinescope reaches the cluster at ClusterEndpoint (an OpenSearch or Elasticsearch of your own,
//! `http://` or `https://`); a DomainARN alone names nothing it can reach.

use super::destination::{
    BufferingHints, BufferingHintsInput, CloudWatchLoggingOptions, PlainS3Description,
    ProcessingConfiguration, S3DestinationInput,
};
use super::error::FirehoseError;
use super::http_endpoint::{RetryOptions, validate_retry_and_backup};
use super::messages;
use super::optional_shape::optional_shape;
use crate::outbound::CallResult;
use crate::validate::Validator;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};

optional_shape!(OpenSearchDestinationConfiguration {
    #[serde(rename = "RoleARN")]
    role_arn: String,
    #[serde(rename = "DomainARN")]
    domain_arn: String,
    cluster_endpoint: String,
    index_name: String,
    type_name: String,
    index_rotation_period: String,
    buffering_hints: BufferingHintsInput,
    retry_options: RetryOptions,
    #[serde(rename = "S3BackupMode")]
    s3_backup_mode: String,
    #[serde(rename = "S3Configuration", alias = "S3Update")]
    s3_configuration: S3DestinationInput,
    processing_configuration: ProcessingConfiguration,
    cloud_watch_logging_options: CloudWatchLoggingOptions,
    vpc_configuration: Value,
    document_id_options: DocumentIdOptions,
});
optional_shape!(DocumentIdOptions {
    default_document_id_format: String
});

/// OpenSearch buffering hints (B.3): SizeInMBs 1–100 (5), IntervalInSeconds 0–900 (300).
const DEFAULT_HINTS: BufferingHints = BufferingHints {
    size_in_mbs: 5,
    interval_in_seconds: 300,
};
const ROTATIONS: [&str; 5] = ["NoRotation", "OneHour", "OneDay", "OneWeek", "OneMonth"];

/// An OpenSearch destination as a delivery stream holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenSearch {
    pub role_arn: String,
    pub domain_arn: Option<String>,
    pub cluster_endpoint: String,
    pub index_name: String,
    pub type_name: Option<String>,
    pub rotation: String,
    pub buffering_hints: BufferingHints,
    pub retry_duration_ms: i64,
    /// AllDocuments: every document is also backed up to S3.
    pub backup_all: bool,
    /// NO_DOCUMENT_ID: OpenSearch chooses the ids.
    pub document_ids: bool,
    pub processing_configuration: Option<ProcessingConfiguration>,
    pub cloud_watch_logging_options: CloudWatchLoggingOptions,
    /// The configuration as given (its S3 part held apart), for UpdateDestination to merge into.
    pub config: OpenSearchDestinationConfiguration,
}

/// The model's constraints (ValidationException).
pub(crate) fn validate(v: &mut Validator, member: &str, c: &OpenSearchDestinationConfiguration) {
    let at = |m: &str| format!("{member}.{m}");
    v.required_string(&at("roleARN"), &c.role_arn, 1, 512, None);
    v.string(&at("domainARN"), &c.domain_arn, 1, 512, None);
    if let Some(endpoint) = &c.cluster_endpoint
        && v.length(&at("clusterEndpoint"), endpoint, 1, 512)
    {
        let ok = endpoint.starts_with("https:") || endpoint.starts_with("http:");
        v.pattern_text(&at("clusterEndpoint"), endpoint, "https:.*", ok);
    }
    if let Some(index) = v.required(&at("indexName"), &c.index_name)
        && v.length(&at("indexName"), index, 1, 80)
    {
        let ok = index.chars().all(|c| !c.is_control());
        v.pattern_text(&at("indexName"), index, ".*", ok);
    }
    v.string(&at("typeName"), &c.type_name, 0, 100, None);
    if let Some(period) = &c.index_rotation_period
        && !ROTATIONS.contains(&period.as_str())
    {
        let allowed = "[NoRotation, OneHour, OneDay, OneWeek, OneMonth]";
        v.enumeration(&at("indexRotationPeriod"), period, allowed);
    }
    if let Some(hints) = &c.buffering_hints {
        hints.validate(v, &at("bufferingHints"), 100);
    }
    let (retry, mode) = (&c.retry_options, &c.s3_backup_mode);
    let modes = ["FailedDocumentsOnly", "AllDocuments"];
    validate_retry_and_backup(v, member, retry, mode, &modes);
    v.required(&at("s3Configuration"), &c.s3_configuration);
}

/// AWS's rules and the defaults.
pub(crate) fn check(c: &OpenSearchDestinationConfiguration) -> Result<OpenSearch, FirehoseError> {
    if c.domain_arn.is_some() == c.cluster_endpoint.is_some() {
        return Err(messages::invalid(
            "Exactly one of DomainARN and ClusterEndpoint must be specified.",
        ));
    }
    let Some(cluster_endpoint) = c.cluster_endpoint.clone() else {
        return Err(messages::invalid(
            "Kinescope reaches OpenSearch at ClusterEndpoint: give the URL of your cluster (e.g. http://127.0.0.1:9200) instead of DomainARN.",
        ));
    };
    let format = c
        .document_id_options
        .as_ref()
        .and_then(|d| d.default_document_id_format.as_deref());
    if format.is_some_and(|f| f != "FIREHOSE_DEFAULT" && f != "NO_DOCUMENT_ID") {
        return Err(messages::invalid(
            "DefaultDocumentIdFormat must be FIREHOSE_DEFAULT or NO_DOCUMENT_ID.",
        ));
    }
    Ok(OpenSearch {
        role_arn: c.role_arn.clone().unwrap_or_default(),
        domain_arn: c.domain_arn.clone(),
        cluster_endpoint: cluster_endpoint.trim_end_matches('/').to_owned(),
        index_name: c.index_name.clone().unwrap_or_default(),
        type_name: c.type_name.clone().filter(|t| !t.is_empty()),
        rotation: c
            .index_rotation_period
            .clone()
            .unwrap_or_else(|| "OneDay".into()),
        buffering_hints: BufferingHintsInput::resolve(c.buffering_hints, None, DEFAULT_HINTS)?,
        retry_duration_ms: c
            .retry_options
            .as_ref()
            .and_then(|r| r.duration_in_seconds)
            .unwrap_or(300)
            * 1_000,
        backup_all: c.s3_backup_mode.as_deref() == Some("AllDocuments"),
        document_ids: format != Some("NO_DOCUMENT_ID"),
        processing_configuration: c.processing_configuration.clone(),
        cloud_watch_logging_options: c.cloud_watch_logging_options.clone().unwrap_or_default(),
        config: OpenSearchDestinationConfiguration {
            s3_configuration: None,
            ..c.clone()
        },
    })
}

impl OpenSearch {
    /// The index a record arriving at `arrival_ms` goes to (B.5): `myindex`,
    /// `myindex-2016-02-25-13`, `myindex-2016-02-25`, `myindex-2016-w08` (weeks start on
    /// Sunday), `myindex-2016-02`.
    pub fn index_for(&self, arrival_ms: i64) -> String {
        let time: DateTime<Utc> = DateTime::from_timestamp_millis(arrival_ms).unwrap_or_default();
        let suffix = match self.rotation.as_str() {
            "NoRotation" => return self.index_name.clone(),
            "OneHour" => time.format("%Y-%m-%d-%H").to_string(),
            "OneWeek" => time.format("%Y-w%U").to_string(),
            "OneMonth" => time.format("%Y-%m").to_string(),
            _ => time.format("%Y-%m-%d").to_string(),
        };
        format!("{}-{suffix}", self.index_name)
    }

    /// The `_bulk` body: an `index` action and the document, a line each.
    pub fn bulk_body(&self, documents: &[(String, Option<String>, &[u8])]) -> Vec<u8> {
        let mut body = Vec::new();
        for (index, id, data) in documents {
            let mut action = serde_json::Map::new();
            action.insert("_index".into(), json!(index));
            if let Some(kind) = &self.type_name {
                action.insert("_type".into(), json!(kind));
            }
            if let Some(id) = id {
                action.insert("_id".into(), json!(id));
            }
            body.extend_from_slice(json!({ "index": action }).to_string().as_bytes());
            body.push(b'\n');
            body.extend(data.iter().copied().filter(|&b| b != b'\n'));
            body.push(b'\n');
        }
        body
    }

    pub fn describe(&self, s3: PlainS3Description) -> OpenSearchDescription {
        OpenSearchDescription {
            role_arn: self.role_arn.clone(),
            domain_arn: self.domain_arn.clone(),
            cluster_endpoint: self.cluster_endpoint.clone(),
            index_name: self.index_name.clone(),
            type_name: self.type_name.clone(),
            index_rotation_period: self.rotation.clone(),
            buffering_hints: self.buffering_hints,
            retry_options: RetryOptions {
                duration_in_seconds: Some(self.retry_duration_ms / 1_000),
            },
            s3_backup_mode: if self.backup_all {
                "AllDocuments"
            } else {
                "FailedDocumentsOnly"
            }
            .into(),
            s3,
            processing_configuration: self.processing_configuration.clone(),
            cloud_watch_logging_options: self.cloud_watch_logging_options.clone(),
            document_id_options: DocumentIdOptions {
                default_document_id_format: Some(
                    if self.document_ids {
                        "FIREHOSE_DEFAULT"
                    } else {
                        "NO_DOCUMENT_ID"
                    }
                    .into(),
                ),
            },
        }
    }
}

/// What `_bulk` said of each document: `None` when it was indexed, else its error code (the
/// item's status) and message (the item's error JSON); or why the request as a whole failed.
pub fn judge_bulk(
    answer: CallResult,
    documents: usize,
) -> Result<Vec<Option<(String, String)>>, super::http_delivery::RequestFailure> {
    use super::http_delivery::RequestFailure;
    let failure = |code: &str, message: String| RequestFailure {
        code: code.to_owned(),
        message,
        permanent: false,
    };
    let answer = answer.map_err(|e| failure("OS.ConnectionFailed", e))?;
    let text = || {
        String::from_utf8_lossy(&answer.body)
            .chars()
            .take(300)
            .collect::<String>()
    };
    if !(200..300).contains(&answer.status) {
        return Err(failure(
            "OS.RequestFailed",
            format!("The cluster answered HTTP {}: {}", answer.status, text()),
        ));
    }
    let body: Value = serde_json::from_slice(&answer.body).map_err(|e| {
        failure(
            "OS.InvalidResponse",
            format!("The _bulk answer is not JSON: {e}"),
        )
    })?;
    let items = body.get("items").and_then(Value::as_array);
    let Some(items) = items.filter(|items| items.len() == documents) else {
        return Err(failure(
            "OS.InvalidResponse",
            format!(
                "The _bulk answer does not list the {documents} documents: {}",
                text()
            ),
        ));
    };
    Ok(items
        .iter()
        .map(|item| {
            let result = item.get("index").or_else(|| item.get("create"))?;
            let status = result.get("status").and_then(Value::as_u64).unwrap_or(500);
            (status >= 300).then(|| {
                let error = result.get("error").cloned().unwrap_or(Value::Null);
                (status.to_string(), error.to_string())
            })
        })
        .collect())
}

/// DescribeDeliveryStream's AmazonopensearchserviceDestinationDescription.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OpenSearchDescription {
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
    #[serde(rename = "DomainARN", skip_serializing_if = "Option::is_none")]
    pub domain_arn: Option<String>,
    pub cluster_endpoint: String,
    pub index_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    pub index_rotation_period: String,
    pub buffering_hints: BufferingHints,
    pub retry_options: RetryOptions,
    #[serde(rename = "S3BackupMode")]
    pub s3_backup_mode: String,
    #[serde(rename = "S3DestinationDescription")]
    pub s3: PlainS3Description,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_configuration: Option<ProcessingConfiguration>,
    pub cloud_watch_logging_options: CloudWatchLoggingOptions,
    pub document_id_options: DocumentIdOptions,
}

/// One `AmazonOpenSearchService-failed` document (B.5).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenSearchErrorRecord {
    pub attempts_made: u32,
    pub arrival_timestamp: i64,
    pub error_code: String,
    pub error_message: String,
    pub attempt_ending_timestamp: i64,
    pub es_document_id: Option<String>,
    pub es_index_name: String,
    pub es_type_name: Option<String>,
    pub raw_data: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rotating(period: &str) -> OpenSearch {
        let config = OpenSearchDestinationConfiguration {
            cluster_endpoint: Some("http://127.0.0.1:9200/".into()),
            index_name: Some("myindex".into()),
            index_rotation_period: Some(period.into()),
            ..OpenSearchDestinationConfiguration::default()
        };
        check(&config).unwrap()
    }

    #[test]
    fn indexes_rotate_as_aws_documents() {
        // 2016-02-25T13:00:00Z, AWS's example.
        let t = 1_456_405_200_000;
        assert_eq!(rotating("NoRotation").index_for(t), "myindex");
        assert_eq!(rotating("OneHour").index_for(t), "myindex-2016-02-25-13");
        assert_eq!(rotating("OneDay").index_for(t), "myindex-2016-02-25");
        assert_eq!(rotating("OneWeek").index_for(t), "myindex-2016-w08");
        assert_eq!(rotating("OneMonth").index_for(t), "myindex-2016-02");
    }
}
