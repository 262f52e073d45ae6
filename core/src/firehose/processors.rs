//! Record processing (reference B.6): the processors a ProcessingConfiguration names, checked and
//! parsed into a pipeline, and those that work record by record — Decompression (GZIP, as
//! CloudWatch Logs subscriptions send), CloudWatchLogProcessing (the log events' messages),
//! RecordDeAggregation (JSON or DELIMITED) and AppendDelimiterToRecord. A Lambda function runs
//! between them on batches (`transform`). Whatever order the configuration lists them in,
//! records go through them in this one: decompress, extract log messages, de-aggregate, Lambda,
//! extract partition keys (MetadataExtraction, jq), append the delimiter.

use super::destination::{ProcessingConfiguration, Processor};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;

/// Lambda's processing buffer (B.3): BufferSizeInMBs 0.2–3 (default 1).
const LAMBDA_BUFFER_MB: (f64, f64, f64) = (0.2, 3.0, 1.0);
/// BufferIntervalInSeconds 60–900 (default 60).
const LAMBDA_INTERVAL_S: (i64, i64, i64) = (60, 900, 60);
/// NumberOfRetries 0–300 (default 3).
const LAMBDA_RETRIES: (i64, i64, i64) = (0, 300, 3);

/// How RecordDeAggregation splits a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubRecordType {
    /// Concatenated (or newline-separated) JSON objects.
    Json,
    /// Separated by a delimiter.
    Delimited(Vec<u8>),
}

/// The Lambda processor's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaProcessor {
    pub arn: String,
    /// The function's name (the ARN's `function:NAME` part, without a qualifier).
    pub function: String,
    pub retries: u32,
    pub buffer_bytes: u64,
    pub buffer_interval_ms: i64,
}

/// The processors of a delivery stream, in the order records go through them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pipeline {
    pub decompress_gzip: bool,
    /// CloudWatchLogProcessing with DataMessageExtraction.
    pub extract_log_messages: bool,
    pub deaggregate: Option<SubRecordType>,
    pub lambda: Option<LambdaProcessor>,
    /// MetadataExtraction's jq query (JQ-1.6), for dynamic partitioning.
    pub metadata_query: Option<String>,
    pub append_delimiter: Option<Vec<u8>>,
}

fn parameter<'a>(processor: &'a Processor, name: &str) -> Option<&'a str> {
    processor
        .parameters
        .iter()
        .find(|p| p.parameter_name == name)
        .map(|p| p.parameter_value.as_str())
}

fn number<T: std::str::FromStr + PartialOrd + Copy + std::fmt::Display>(
    processor: &Processor,
    name: &str,
    (min, max, default): (T, T, T),
) -> Result<T, String> {
    match parameter(processor, name) {
        None => Ok(default),
        Some(text) => match text.parse::<T>() {
            Ok(v) if v >= min && v <= max => Ok(v),
            _ => Err(format!(
                "{name} of the {} processor must be between {min} and {max}; got {text:?}.",
                processor.kind
            )),
        },
    }
}

fn delimiter(processor: &Processor, default: &[u8]) -> Result<Vec<u8>, String> {
    match parameter(processor, "Delimiter") {
        None => Ok(default.to_vec()),
        Some(text) => STANDARD
            .decode(text)
            .ok()
            .filter(|d| !d.is_empty())
            .ok_or_else(|| format!("Delimiter of the {} processor must be base64 of one or more bytes; got {text:?}.", processor.kind)),
    }
}

impl Pipeline {
    /// Parses and checks a ProcessingConfiguration; the error is the InvalidArgumentException text.
    pub fn parse(config: Option<&ProcessingConfiguration>) -> Result<Pipeline, String> {
        let mut pipeline = Pipeline::default();
        let Some(config) = config.filter(|c| c.enabled) else {
            return Ok(pipeline);
        };
        let mut seen = Vec::new();
        for processor in &config.processors {
            if seen.contains(&processor.kind) {
                return Err(format!(
                    "Processor type {} is listed more than once.",
                    processor.kind
                ));
            }
            seen.push(processor.kind.clone());
            match processor.kind.as_str() {
                "Decompression" => {
                    match parameter(processor, "CompressionFormat").unwrap_or("GZIP") {
                        "GZIP" => pipeline.decompress_gzip = true,
                        other => {
                            return Err(format!(
                                "CompressionFormat {other:?} of the Decompression processor is not supported: GZIP is."
                            ));
                        }
                    }
                }
                "CloudWatchLogProcessing" => {
                    pipeline.extract_log_messages =
                        parameter(processor, "DataMessageExtraction").unwrap_or("false") == "true";
                }
                "RecordDeAggregation" => {
                    let kind = parameter(processor, "SubRecordType").unwrap_or("JSON");
                    pipeline.deaggregate = Some(match kind {
                        "JSON" => SubRecordType::Json,
                        "DELIMITED" => SubRecordType::Delimited(delimiter(processor, b"\n")?),
                        other => {
                            return Err(format!(
                                "SubRecordType {other:?} must be JSON or DELIMITED."
                            ));
                        }
                    });
                }
                "AppendDelimiterToRecord" => {
                    pipeline.append_delimiter = Some(delimiter(processor, b"\n")?);
                }
                "Lambda" => {
                    let arn = parameter(processor, "LambdaArn")
                        .ok_or("The Lambda processor needs a LambdaArn parameter.")?;
                    let function = function_name(arn)
                        .ok_or_else(|| format!("LambdaArn {arn:?} is not a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)."))?;
                    let mb: f64 = number(processor, "BufferSizeInMBs", LAMBDA_BUFFER_MB)?;
                    let seconds: i64 =
                        number(processor, "BufferIntervalInSeconds", LAMBDA_INTERVAL_S)?;
                    let retries: i64 = number(processor, "NumberOfRetries", LAMBDA_RETRIES)?;
                    pipeline.lambda = Some(LambdaProcessor {
                        arn: arn.to_owned(),
                        function,
                        retries: retries as u32,
                        buffer_bytes: (mb * 1024.0 * 1024.0) as u64,
                        buffer_interval_ms: seconds * 1_000,
                    });
                }
                "MetadataExtraction" => {
                    match parameter(processor, "JsonParsingEngine") {
                        Some("JQ-1.6") => {}
                        other => {
                            return Err(format!(
                                "JsonParsingEngine of the MetadataExtraction processor must be JQ-1.6; got {other:?}."
                            ));
                        }
                    }
                    let query = parameter(processor, "MetadataExtractionQuery")
                        .ok_or("The MetadataExtraction processor needs a MetadataExtractionQuery parameter.")?;
                    super::jq::check(query)?;
                    pipeline.metadata_query = Some(query.to_owned());
                }
                other => {
                    return Err(format!(
                        "Processor type {other:?} is not one of RecordDeAggregation, Decompression, CloudWatchLogProcessing, Lambda, MetadataExtraction, AppendDelimiterToRecord."
                    ));
                }
            }
        }
        if pipeline.extract_log_messages && !pipeline.decompress_gzip {
            return Err("CloudWatchLogProcessing needs the Decompression processor.".into());
        }
        Ok(pipeline)
    }

    /// Runs the processors before Lambda on one incoming record: its records to continue with,
    /// or the reason it cannot be processed.
    pub fn before_lambda(&self, data: Bytes) -> Result<Vec<Bytes>, String> {
        let mut records = vec![data];
        if self.decompress_gzip {
            records = records
                .into_iter()
                .map(|r| gunzip(&r).map(Bytes::from))
                .collect::<Result<_, _>>()?;
        }
        if self.extract_log_messages {
            let mut messages = Vec::new();
            for record in records {
                messages.extend(log_messages(&record)?);
            }
            records = messages;
        }
        if let Some(kind) = &self.deaggregate {
            let mut split = Vec::new();
            for record in records {
                split.extend(deaggregate(&record, kind)?);
            }
            records = split;
        }
        Ok(records)
    }

    /// Runs the processors after Lambda on one record.
    pub fn after_lambda(&self, data: Bytes) -> Bytes {
        match &self.append_delimiter {
            Some(delimiter) => {
                let mut with = Vec::with_capacity(data.len() + delimiter.len());
                with.extend_from_slice(&data);
                with.extend_from_slice(delimiter);
                Bytes::from(with)
            }
            None => data,
        }
    }
}

/// The function name in `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`.
fn function_name(arn: &str) -> Option<String> {
    let rest = arn.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(":lambda:")?;
    let (_, function) = rest.split_once(":function:")?;
    let name = function.split(':').next()?;
    (!name.is_empty()).then(|| name.to_owned())
}

fn gunzip(data: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(data)
        .read_to_end(&mut out)
        .map_err(|e| format!("The record is not GZIP data: {e}"))?;
    Ok(out)
}

/// The messages of a CloudWatch Logs DATA_MESSAGE, each a record (a CONTROL_MESSAGE has none).
fn log_messages(data: &[u8]) -> Result<Vec<Bytes>, String> {
    let value: serde_json::Value = serde_json::from_slice(data)
        .map_err(|e| format!("The record is not a CloudWatch Logs message: {e}"))?;
    if value.get("messageType").and_then(|t| t.as_str()) == Some("CONTROL_MESSAGE") {
        return Ok(Vec::new());
    }
    let events = value
        .get("logEvents")
        .and_then(|e| e.as_array())
        .ok_or("The CloudWatch Logs message has no logEvents.")?;
    Ok(events
        .iter()
        .filter_map(|e| e.get("message").and_then(|m| m.as_str()))
        .map(|m| Bytes::copy_from_slice(m.as_bytes()))
        .collect())
}

fn deaggregate(data: &Bytes, kind: &SubRecordType) -> Result<Vec<Bytes>, String> {
    match kind {
        SubRecordType::Delimited(delimiter) => {
            let mut parts = Vec::new();
            let mut start = 0;
            let mut i = 0;
            while i + delimiter.len() <= data.len() {
                if &data[i..i + delimiter.len()] == delimiter.as_slice() {
                    parts.push(data.slice(start..i));
                    i += delimiter.len();
                    start = i;
                } else {
                    i += 1;
                }
            }
            if start < data.len() {
                parts.push(data.slice(start..));
            }
            Ok(parts.into_iter().filter(|p| !p.is_empty()).collect())
        }
        SubRecordType::Json => {
            let mut parts = Vec::new();
            let stream =
                serde_json::Deserializer::from_slice(data).into_iter::<serde_json::Value>();
            let mut stream = stream;
            let mut start = 0;
            while let Some(item) = stream.next() {
                item.map_err(|e| format!("The record is not a sequence of JSON objects: {e}"))?;
                let end = stream.byte_offset();
                let text = data.slice(start..end);
                let trimmed_start = text
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .unwrap_or(0);
                parts.push(text.slice(trimmed_start..));
                start = end;
            }
            Ok(parts)
        }
    }
}

#[cfg(test)]
#[path = "processors_tests.rs"]
mod tests;
