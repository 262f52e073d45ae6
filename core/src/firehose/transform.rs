//! Records on their way in (reference B.6): the processors before Lambda, then Lambda's own
//! buffer (BufferSizeInMBs / BufferIntervalInSeconds), the function called with AWS's event JSON
//! in batches of at most 6 MB, its response judged record by record (Ok, Dropped,
//! ProcessingFailed), a failed invocation retried NumberOfRetries times and then its whole batch
//! processing-failed; what fails is written as error records under the error output prefix.

use super::buffer::{BufferedRecord, PartitionKeys};
use super::functions::InvocationError;
use super::metrics::FirehoseMetric;
use super::object_key::ErrorOutputType;
use super::processors::LambdaProcessor;
use crate::firehose::functions::Prepared;
use crate::outbound::{CallResult, Continuation};
use crate::world::World;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Active partitions a delivery stream may have (B.7: 500 by default).
const ACTIVE_PARTITIONS: usize = 500;
/// Lambda's synchronous payload limit, each way (B.6).
const LAMBDA_PAYLOAD: usize = 6 * 1024 * 1024;
/// JSON around one record in the event, at most (its id, arrival time and member names).
const EVENT_RECORD_OVERHEAD: usize = 128;

/// An error record of the error output prefix (B.5), in the order of AWS's captured example.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorRecord {
    pub raw_data: String,
    pub error_code: String,
    pub error_message: String,
    pub attempts_made: u32,
    pub arrival_timestamp: i64,
    pub attempt_ending_timestamp: i64,
    #[serde(rename = "lambdaARN", skip_serializing_if = "Option::is_none")]
    pub lambda_arn: Option<String>,
}

/// One Lambda invocation under way: the batch, its event, and the attempts made so far.
#[derive(Debug, Clone)]
pub(crate) struct LambdaInvocation {
    name: String,
    lambda: LambdaProcessor,
    batch: Vec<BufferedRecord>,
    event: Value,
    attempts: u32,
}

/// What the function said of one record.
enum Outcome {
    /// Ok: the new data, and the partition keys the function gave (`metadata.partitionKeys`).
    Ok(Bytes, BTreeMap<String, String>),
    Dropped,
    Failed,
}

impl World {
    /// Takes in one record of `name` that arrived at `arrival_ms`: the processors before Lambda,
    /// then Lambda's buffer, or (without Lambda) the delivery buffer.
    pub(crate) fn ingest(&mut self, name: &str, data: Bytes, arrival_ms: i64) {
        self.feed_analytics_from_delivery_stream(name, &data);
        self.back_up_source(name, &data, arrival_ms);
        let now = self.now_ms();
        let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
            return;
        };
        stream.counters.records_in += 1;
        stream.counters.bytes_in += data.len() as u64;
        stream
            .metrics
            .record(FirehoseMetric::IncomingRecords, now, 1.0);
        stream
            .metrics
            .record(FirehoseMetric::IncomingBytes, now, data.len() as f64);
        let records = match stream.pipeline.before_lambda(data.clone()) {
            Ok(records) => records,
            Err(reason) => {
                stream.counters.transform_processing_failed += 1;
                stream
                    .metrics
                    .record(FirehoseMetric::ProcessingFailedRecords, now, 1.0);
                let failed =
                    error_record(&data, "Processor.Failed", &reason, 1, arrival_ms, now, None);
                self.write_error_object(
                    name,
                    ErrorOutputType::ProcessingFailed,
                    vec![failed],
                    arrival_ms,
                );
                return;
            }
        };
        match stream.pipeline.lambda.clone() {
            Some(lambda) => {
                for data in records {
                    stream
                        .processing
                        .push(BufferedRecord { data, arrival_ms }, now);
                }
                if stream.processing.bytes() >= lambda.buffer_bytes {
                    self.flush_processing(name);
                }
            }
            None => {
                for data in records {
                    self.route(name, data, arrival_ms, BTreeMap::new());
                }
            }
        }
    }

    /// Calls the Lambda function on what Lambda's buffer of `name` holds.
    pub(crate) fn flush_processing(&mut self, name: &str) {
        let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
            return;
        };
        let Some(lambda) = stream.pipeline.lambda.clone() else {
            return;
        };
        let records = stream.processing.take();
        for batch in batches(records) {
            self.invoke_batch(name, &lambda, batch);
        }
    }

    fn invoke_batch(&mut self, name: &str, lambda: &LambdaProcessor, batch: Vec<BufferedRecord>) {
        let event = self.event(name, &batch);
        self.invoke(LambdaInvocation {
            name: name.to_owned(),
            lambda: lambda.clone(),
            batch,
            event,
            attempts: 1,
        });
    }

    /// Calls the function: a built-in answers at once, a URL through [`World::call_out`].
    fn invoke(&mut self, invocation: LambdaInvocation) {
        let function = &invocation.lambda.function;
        match self.firehose.functions.prepare(function, &invocation.event) {
            Prepared::Answered(response) => self.lambda_judged(invocation, response),
            Prepared::Http(call) => self.call_out(call, Continuation::Lambda(invocation)),
        }
    }

    /// What a function's URL answered to `invocation`.
    pub(crate) fn lambda_answered(&mut self, invocation: LambdaInvocation, answer: CallResult) {
        let response = self
            .firehose
            .functions
            .read_answer(&invocation.lambda.function, answer);
        self.lambda_judged(invocation, response);
    }

    /// Judges a response record by record; an invocation that failed is made again until its
    /// retries are spent.
    fn lambda_judged(
        &mut self,
        mut invocation: LambdaInvocation,
        response: Result<Value, InvocationError>,
    ) {
        let ids: Vec<String> = (0..invocation.batch.len()).map(|i| i.to_string()).collect();
        let outcome = response.and_then(|response| judge(&response, &ids));
        if outcome.is_err() && invocation.attempts <= invocation.lambda.retries {
            invocation.attempts += 1;
            self.invoke(invocation);
            return;
        }
        let LambdaInvocation {
            name,
            lambda,
            batch,
            attempts,
            ..
        } = invocation;
        let name = name.as_str();
        let now = self.now_ms();
        if let Some(stream) = self.firehose.delivery_streams.get_mut(name) {
            let success = if outcome.is_ok() { 1.0 } else { 0.0 };
            let metric = FirehoseMetric::ExecuteProcessingSuccess;
            stream.metrics.record(metric, now, success);
        }
        let arn = Some(lambda.arn.clone());
        let mut failures = Vec::new();
        let oldest = batch.first().map_or(now, |r| r.arrival_ms);
        match outcome {
            Ok(outcomes) => {
                for (record, outcome) in batch.into_iter().zip(outcomes) {
                    let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
                        return;
                    };
                    match outcome {
                        Outcome::Ok(data, keys) => {
                            stream.counters.transform_ok += 1;
                            stream.metrics.record(
                                FirehoseMetric::SucceedProcessingRecords,
                                now,
                                1.0,
                            );
                            self.route(name, data, record.arrival_ms, keys);
                        }
                        Outcome::Dropped => {
                            stream.counters.transform_dropped += 1;
                            stream.metrics.record(
                                FirehoseMetric::ProcessingDroppedRecords,
                                now,
                                1.0,
                            );
                        }
                        Outcome::Failed => {
                            stream.counters.transform_processing_failed += 1;
                            stream.metrics.record(
                                FirehoseMetric::ProcessingFailedRecords,
                                now,
                                1.0,
                            );
                            failures.push(error_record(
                                &record.data,
                                "Lambda.ProcessingFailedStatus",
                                "ProcessingFailed status set for record",
                                attempts,
                                record.arrival_ms,
                                now,
                                arn.clone(),
                            ));
                        }
                    }
                }
            }
            Err(InvocationError { code, message }) => {
                if let Some(stream) = self.firehose.delivery_streams.get_mut(name) {
                    stream.counters.transform_processing_failed += batch.len() as u64;
                    let failed = FirehoseMetric::ProcessingFailedRecords;
                    stream.metrics.record(failed, now, batch.len() as f64);
                }
                failures.extend(batch.iter().map(|r| {
                    error_record(
                        &r.data,
                        code,
                        &message,
                        attempts,
                        r.arrival_ms,
                        now,
                        arn.clone(),
                    )
                }));
            }
        }
        self.write_error_object(name, ErrorOutputType::ProcessingFailed, failures, oldest);
    }

    /// The last steps of a processed record: its partition keys (the query's, the function's),
    /// the delimiter, then its buffer — or an error record when it cannot be partitioned.
    fn route(
        &mut self,
        name: &str,
        data: Bytes,
        arrival_ms: i64,
        from_lambda: BTreeMap<String, String>,
    ) {
        let now = self.now_ms();
        let Some(stream) = self.firehose.delivery_streams.get(name) else {
            return;
        };
        if !stream.partitioned {
            let data = stream.pipeline.after_lambda(data);
            self.buffer_record(name, data, arrival_ms, None);
            return;
        }
        let from_query = match &stream.pipeline.metadata_query {
            Some(query) => super::jq::partition_keys(query, &data),
            None => Ok(BTreeMap::new()),
        };
        let keys = from_query.and_then(|from_query| {
            let (need_query, need_lambda) = stream.prefix.partition_keys();
            let missing = need_query
                .iter()
                .find(|k| !from_query.contains_key(**k))
                .map(|k| format!("partitionKeyFromQuery:{k}"))
                .or_else(|| {
                    need_lambda
                        .iter()
                        .find(|k| !from_lambda.contains_key(**k))
                        .map(|k| format!("partitionKeyFromLambda:{k}"))
                });
            match missing {
                Some(key) => Err(format!("The record has no value for {key}.")),
                None => Ok(PartitionKeys {
                    from_query,
                    from_lambda,
                }),
            }
        });
        let keys = keys.and_then(|keys| {
            let full = stream.partitions.len() >= ACTIVE_PARTITIONS
                && !stream.partitions.contains_key(&keys);
            if full {
                Err(format!(
                    "The delivery stream already has {ACTIVE_PARTITIONS} active partitions."
                ))
            } else {
                Ok(keys)
            }
        });
        match keys {
            Ok(keys) => {
                let data = stream.pipeline.after_lambda(data);
                self.buffer_record(name, data, arrival_ms, Some(keys));
            }
            Err(reason) => {
                let failed = error_record(
                    &data,
                    "DynamicPartitioning.MetadataExtractionFailed",
                    &reason,
                    1,
                    arrival_ms,
                    now,
                    None,
                );
                if let Some(stream) = self.firehose.delivery_streams.get_mut(name) {
                    stream.counters.partitioning_failed += 1;
                }
                self.write_error_object(
                    name,
                    ErrorOutputType::ProcessingFailed,
                    vec![failed],
                    arrival_ms,
                );
            }
        }
    }

    /// AWS's invocation event for `batch` of `name` (B.6).
    fn event(&mut self, name: &str, batch: &[BufferedRecord]) -> Value {
        let invocation_id = super::delivery::random_uuid(&mut self.rng);
        let records: Vec<Value> = batch
            .iter()
            .enumerate()
            .map(|(i, r)| {
                json!({
                    "recordId": i.to_string(),
                    "approximateArrivalTimestamp": r.arrival_ms,
                    "data": STANDARD.encode(&r.data),
                })
            })
            .collect();
        let mut event = json!({
            "invocationId": invocation_id,
            "deliveryStreamArn": self.delivery_stream_arn(name),
            "region": self.settings.region,
            "records": records,
        });
        if let Some(source) = self.kinesis_source(name) {
            event["sourceKinesisStreamArn"] = Value::String(self.stream_arn(&source.stream));
        }
        event
    }
}

/// Batches whose event stays within Lambda's 6 MB payload.
fn batches(records: Vec<BufferedRecord>) -> Vec<Vec<BufferedRecord>> {
    let mut batches = Vec::new();
    let mut current = Vec::new();
    let mut size = 0;
    for record in records {
        let cost = record.data.len().div_ceil(3) * 4 + EVENT_RECORD_OVERHEAD;
        if !current.is_empty() && size + cost > LAMBDA_PAYLOAD {
            batches.push(std::mem::take(&mut current));
            size = 0;
        }
        size += cost;
        current.push(record);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

/// Judges a response as Firehose does: every record id answered exactly once, each with a known
/// result, an Ok record's data valid base64; anything else fails the invocation.
fn judge(response: &Value, ids: &[String]) -> Result<Vec<Outcome>, InvocationError> {
    let fail = |code, message: String| Err(InvocationError { code, message });
    let Some(records) = response.get("records").and_then(|r| r.as_array()) else {
        return fail(
            "Lambda.JsonProcessingException",
            "The response has no records array".into(),
        );
    };
    let mut by_id: BTreeMap<&str, Outcome> = BTreeMap::new();
    for record in records {
        let Some(id) = record.get("recordId").and_then(|i| i.as_str()) else {
            return fail(
                "Lambda.MissingRecordId",
                "A response record has no recordId".into(),
            );
        };
        if !ids.iter().any(|known| known == id) {
            return fail(
                "Lambda.InvalidRecordId",
                format!("recordId {id} was not in the event"),
            );
        }
        let outcome = match record.get("result").and_then(|r| r.as_str()) {
            Some("Ok") => {
                let data = record
                    .get("data")
                    .and_then(|d| d.as_str())
                    .and_then(|d| STANDARD.decode(d).ok());
                let keys = record
                    .pointer("/metadata/partitionKeys")
                    .and_then(|k| k.as_object())
                    .map(|keys| {
                        keys.iter()
                            .map(|(k, v)| {
                                let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                                (k.clone(), text)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                match data {
                    Some(data) => Outcome::Ok(Bytes::from(data), keys),
                    None => {
                        return fail(
                            "Lambda.JsonProcessingException",
                            format!("record {id}: data is not base64"),
                        );
                    }
                }
            }
            Some("Dropped") => Outcome::Dropped,
            Some("ProcessingFailed") => Outcome::Failed,
            other => {
                return fail(
                    "Lambda.InvalidResult",
                    format!("record {id}: result {other:?} is not Ok, Dropped or ProcessingFailed"),
                );
            }
        };
        if by_id.insert(id, outcome).is_some() {
            return fail(
                "Lambda.DuplicatedRecordId",
                format!("recordId {id} was answered twice"),
            );
        }
    }
    if let Some(missing) = ids.iter().find(|id| !by_id.contains_key(id.as_str())) {
        return fail(
            "Lambda.MissingRecordId",
            format!("recordId {missing} was not answered"),
        );
    }
    Ok(ids
        .iter()
        .map(|id| by_id.remove(id.as_str()).unwrap_or(Outcome::Failed))
        .collect())
}

pub(crate) fn error_record(
    data: &[u8],
    code: &str,
    message: &str,
    attempts: u32,
    arrival_ms: i64,
    now: i64,
    lambda_arn: Option<String>,
) -> ErrorRecord {
    ErrorRecord {
        raw_data: STANDARD.encode(data),
        error_code: code.to_owned(),
        error_message: message.to_owned(),
        attempts_made: attempts,
        arrival_timestamp: arrival_ms,
        attempt_ending_timestamp: now,
        lambda_arn,
    }
}
