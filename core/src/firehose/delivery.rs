//! Delivering a buffer to S3 (reference B.4, B.5): the records concatenated as they came (no
//! delimiter), compressed, named by the prefix and the default file name, stored; an object that
//! cannot be stored is retried on the clock.

use super::buffer::{BufferedRecord, BufferingMode, Flush, FlushReason, PartitionKeys};
use super::conversion::{ConversionErrorRecord, INVALID_SCHEMA};
use super::delivery_stream::{Undelivered, UndeliveredKind};
use super::metrics::FirehoseMetric;
use super::object_key::{ErrorOutputType, KeyContext, Prefix, file_name};
use crate::world::World;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rand::Rng;
use serde::Serialize;
use std::collections::BTreeMap;

/// 16 random bytes as a version-4 UUID.
pub(crate) fn random_uuid(rng: &mut impl Rng) -> String {
    let mut bytes: [u8; 16] = rng.random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// An object's key: `prefix` evaluated for `context`, then the default file name of delivery
/// stream `stream` (version `version`) for the oldest record in the object, then `extension`.
pub(crate) fn object_key(
    rng: &mut impl Rng,
    prefix: &Prefix,
    context: &KeyContext,
    stream: &str,
    version: u64,
    extension: &str,
) -> String {
    let prefix = prefix
        .evaluate(context, |len| random_string(rng, len))
        .unwrap_or_default();
    let uuid = random_uuid(rng);
    let name = file_name(stream, version, context.oldest_arrival_ms, &uuid);
    format!("{prefix}{name}{extension}")
}

pub(crate) fn random_string(rng: &mut impl Rng, len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

impl World {
    /// Puts a processed record that arrived at `arrival_ms` into the delivery buffer of `name`
    /// (its partition's, when partitioned), delivering that buffer when it reaches its size hint
    /// (faithful buffering).
    pub(crate) fn buffer_record(
        &mut self,
        name: &str,
        data: bytes::Bytes,
        arrival_ms: i64,
        partition: Option<PartitionKeys>,
    ) {
        let now = self.now_ms();
        let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
            return;
        };
        let size = stream.hints().size_bytes();
        let buffer = match &partition {
            Some(keys) => stream.partitions.entry(keys.clone()).or_default(),
            None => &mut stream.buffer,
        };
        buffer.push(BufferedRecord { data, arrival_ms }, now);
        let full = buffer.bytes() >= size;
        if full && self.settings.firehose_buffering == BufferingMode::Faithful {
            self.flush_buffer(name, partition, FlushReason::Size);
        }
    }

    /// Delivers what every buffer of `name` holds, for `reason`.
    pub(crate) fn flush_delivery_stream(&mut self, name: &str, reason: FlushReason) {
        self.flush_source_backup(name, reason);
        self.flush_buffer(name, None, reason);
        let partitions: Vec<PartitionKeys> = match self.firehose.delivery_streams.get(name) {
            Some(stream) => stream.partitions.keys().cloned().collect(),
            None => return,
        };
        for keys in partitions {
            self.flush_buffer(name, Some(keys), reason);
        }
    }

    /// Delivers the buffers of `name` whose interval has passed at `now`.
    pub(crate) fn flush_due_buffers(&mut self, name: &str, now: i64) {
        let Some(stream) = self.firehose.delivery_streams.get(name) else {
            return;
        };
        let interval = stream.hints().interval_in_seconds * 1_000;
        let due = |b: &super::buffer::Buffer| b.opened_ms().is_some_and(|t| t + interval <= now);
        let main = due(&stream.buffer);
        let partitions: Vec<PartitionKeys> = stream
            .partitions
            .iter()
            .filter(|(_, b)| due(b))
            .map(|(k, _)| k.clone())
            .collect();
        if main {
            self.flush_buffer(name, None, FlushReason::Interval);
        }
        for keys in partitions {
            self.flush_buffer(name, Some(keys), FlushReason::Interval);
        }
    }

    /// Delivers what one buffer of `name` holds, if anything, for `reason`.
    fn flush_buffer(&mut self, name: &str, partition: Option<PartitionKeys>, reason: FlushReason) {
        let now = self.now_ms();
        let rng = &mut self.rng;
        let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
            return;
        };
        let records = match &partition {
            Some(keys) => stream
                .partitions
                .remove(keys)
                .map(|mut b| b.take())
                .unwrap_or_default(),
            None => stream.buffer.take(),
        };
        if records.is_empty() {
            return;
        }
        if stream.http.is_some() {
            self.deliver_http(name, records, reason);
            return;
        }
        let (records, body, conversion_failures) = match &stream.conversion {
            None => {
                let raw: Vec<u8> = records
                    .iter()
                    .flat_map(|r| r.data.iter().copied())
                    .collect();
                let body = stream
                    .destination
                    .compression_format
                    .compress(&raw, &random_uuid(rng))
                    .unwrap_or(raw);
                (records, Some(body), Vec::new())
            }
            Some(conversion) => {
                let schema = &conversion.schema;
                let table = self.glue.table(
                    schema.database_name.as_deref().unwrap_or_default(),
                    schema.table_name.as_deref().unwrap_or_default(),
                );
                let settings = &self.settings;
                let catalog_table =
                    conversion.catalog_table(&settings.account_id, &settings.region);
                let data: Vec<&[u8]> = records.iter().map(|r| r.data.as_ref()).collect();
                let (converted, failed) = match conversion.convert(table, &data) {
                    Ok(c) => (
                        (c.converted, c.body),
                        c.failed
                            .into_iter()
                            .map(|(i, f)| (i, f.code(), f.message().to_owned()))
                            .collect(),
                    ),
                    Err(message) => (
                        (Vec::new(), None),
                        (0..records.len())
                            .map(|i| (i, INVALID_SCHEMA, message.clone()))
                            .collect::<Vec<_>>(),
                    ),
                };
                let failures: Vec<(BufferedRecord, ConversionErrorRecord)> = failed
                    .into_iter()
                    .map(|(i, code, message)| {
                        let record = records[i].clone();
                        let document = ConversionErrorRecord {
                            attempts_made: 1,
                            arrival_timestamp: record.arrival_ms,
                            error_code: code.into(),
                            error_message: message,
                            attempt_ending_timestamp: now,
                            raw_data: BASE64.encode(&record.data),
                            sequence_number: None,
                            sub_sequence_number: None,
                            data_catalog_table: catalog_table.clone(),
                        };
                        (record, document)
                    })
                    .collect();
                let (indexes, body) = converted;
                let kept = indexes.into_iter().map(|i| records[i].clone()).collect();
                (kept, body, failures)
            }
        };
        self.note_conversion(name, &records, &conversion_failures, now);
        if !conversion_failures.is_empty() {
            let oldest = conversion_failures[0].0.arrival_ms;
            let documents = conversion_failures.into_iter().map(|(_, d)| d).collect();
            self.write_error_object(
                name,
                ErrorOutputType::FormatConversionFailed,
                documents,
                oldest,
            );
        }
        if let Some(body) = body {
            self.store_object(name, &records, body, partition.unwrap_or_default(), reason);
        }
    }

    /// Stores `records` of `name` as one object (compressed by the destination's format) under
    /// its prefix: an HTTP endpoint's backup of what it delivered (S3BackupMode AllData).
    pub(crate) fn store_records(
        &mut self,
        name: &str,
        records: &[BufferedRecord],
        reason: FlushReason,
    ) {
        let Some(stream) = self.firehose.delivery_streams.get(name) else {
            return;
        };
        let raw: Vec<u8> = records
            .iter()
            .flat_map(|r| r.data.iter().copied())
            .collect();
        let uuid = random_uuid(&mut self.rng);
        let body = stream
            .destination
            .compression_format
            .compress(&raw, &uuid)
            .unwrap_or(raw);
        self.store_object(name, records, body, PartitionKeys::default(), reason);
    }

    /// Names the object `body` holding `records` by the prefix (evaluated for `keys`) and the
    /// default file name, remembers the flush, and stores it.
    fn store_object(
        &mut self,
        name: &str,
        records: &[BufferedRecord],
        body: Vec<u8>,
        keys: PartitionKeys,
        reason: FlushReason,
    ) {
        let Some(first) = records.first() else {
            return;
        };
        let now = self.now_ms();
        let oldest = first.arrival_ms;
        let rng = &mut self.rng;
        let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
            return;
        };
        let context = KeyContext {
            oldest_arrival_ms: oldest,
            error_output_type: None,
            keys_from_query: &keys.from_query,
            keys_from_lambda: &keys.from_lambda,
        };
        let destination = &stream.destination;
        let extension = match (destination.file_extension.as_deref(), &stream.conversion) {
            (Some(ext), _) if !ext.is_empty() => ext.to_owned(),
            (_, Some(conversion)) => conversion.output.extension().to_owned(),
            _ => destination.compression_format.extension().to_owned(),
        };
        let (name_of, version) = (stream.name.as_str(), stream.version);
        let key = object_key(rng, &stream.prefix, &context, name_of, version, &extension);
        let raw_bytes: usize = records.iter().map(|r| r.data.len()).sum();
        if stream.http.is_none() {
            stream.remember(Flush {
                at_ms: now,
                reason,
                records: records.len() as u64,
                bytes: raw_bytes as u64,
                key: key.clone(),
                object_bytes: body.len() as u64,
            });
        }
        stream.undelivered.push_back(Undelivered {
            key,
            body,
            records: records.len() as u64,
            oldest_arrival_ms: oldest,
            bucket: stream.destination.bucket().to_owned(),
            content_encoding: match stream.conversion {
                Some(_) => None,
                None => stream.destination.compression_format.content_encoding(),
            },
            kind: UndeliveredKind::Data,
            ..Undelivered::due_at(now)
        });
        self.retry_undelivered(name, now);
    }

    /// Counts what format conversion did with one buffer (nothing without conversion).
    fn note_conversion(
        &mut self,
        name: &str,
        converted: &[BufferedRecord],
        failures: &[(BufferedRecord, ConversionErrorRecord)],
        now: i64,
    ) {
        let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
            return;
        };
        if stream.conversion.is_none() {
            return;
        }
        let bytes = |records: &mut dyn Iterator<Item = &BufferedRecord>| {
            records.map(|r| r.data.len() as f64).sum::<f64>()
        };
        let metrics = &mut stream.metrics;
        let ok_bytes = bytes(&mut converted.iter());
        let failed_bytes = bytes(&mut failures.iter().map(|(r, _)| r));
        metrics.record(
            FirehoseMetric::SucceedConversionRecords,
            now,
            converted.len() as f64,
        );
        metrics.record(FirehoseMetric::SucceedConversionBytes, now, ok_bytes);
        metrics.record(
            FirehoseMetric::FailedConversionRecords,
            now,
            failures.len() as f64,
        );
        metrics.record(FirehoseMetric::FailedConversionBytes, now, failed_bytes);
        stream.counters.conversion_failed += failures.len() as u64;
    }

    /// Writes error records of `kind` as one object under the error output prefix of `name`
    /// (JSON documents, one a line, uncompressed).
    pub(crate) fn write_error_object<R: Serialize>(
        &mut self,
        name: &str,
        kind: ErrorOutputType,
        records: Vec<R>,
        oldest_arrival_ms: i64,
    ) {
        if records.is_empty() {
            return;
        }
        let now = self.now_ms();
        let rng = &mut self.rng;
        let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
            return;
        };
        let none = BTreeMap::new();
        let context = KeyContext {
            oldest_arrival_ms,
            error_output_type: Some(kind),
            keys_from_query: &none,
            keys_from_lambda: &none,
        };
        let (name_of, version) = (stream.name.as_str(), stream.version);
        let key = object_key(rng, &stream.error_prefix, &context, name_of, version, "");
        let mut body = Vec::new();
        for record in &records {
            if serde_json::to_writer(&mut body, record).is_ok() {
                body.push(b'\n');
            }
        }
        stream.undelivered.push_back(Undelivered {
            key,
            body,
            records: records.len() as u64,
            oldest_arrival_ms,
            bucket: stream.destination.bucket().to_owned(),
            content_encoding: None,
            kind: UndeliveredKind::Errors(kind),
            ..Undelivered::due_at(now)
        });
        self.retry_undelivered(name, now);
    }
}
