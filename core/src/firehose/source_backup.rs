//! Source record backup (ExtendedS3 S3BackupMode Enabled, reference B.4, B.6): every record as it
//! arrived, before any processing, is also delivered to the S3BackupConfiguration's bucket, by that
//! configuration's own buffering hints, prefix and compression. Once enabled it cannot be disabled.

use super::buffer::{Buffer, BufferedRecord, FlushReason};
use super::delivery::{object_key, random_uuid};
use super::delivery_stream::{Undelivered, UndeliveredKind};
use super::destination::{S3Destination, S3DestinationInput};
use super::error::FirehoseError;
use super::messages;
use super::object_key::{KeyContext, Prefix};
use super::ops::destination_check::check_destination;
use crate::world::World;
use bytes::Bytes;
use std::collections::BTreeMap;

/// The source backup a checked ExtendedS3 destination asks for (S3BackupMode Enabled), merged
/// into `held` on update; the destination's description names it.
pub(crate) fn of_destination(
    destination: &mut S3Destination,
    config: Option<&S3DestinationInput>,
    held: Option<&SourceBackup>,
) -> Result<Option<SourceBackup>, FirehoseError> {
    if destination.s3_backup_mode != "Enabled" {
        return Ok(None);
    }
    let backup = check(config, held)?;
    destination.s3_backup_description = Some((&backup.destination).into());
    Ok(Some(backup))
}

/// Where source records are backed up, and what waits for it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceBackup {
    pub destination: S3Destination,
    pub prefix: Prefix,
    pub buffer: Buffer,
}

impl SourceBackup {
    /// When the buffer is due by its interval, if anything waits.
    pub fn due_ms(&self) -> Option<i64> {
        let interval = self.destination.buffering_hints.interval_in_seconds * 1_000;
        self.buffer.opened_ms().map(|t| t + interval)
    }
}

/// The backup destination an enabled S3BackupMode needs (`held`: the one an update merges into).
pub(crate) fn check(
    config: Option<&S3DestinationInput>,
    held: Option<&SourceBackup>,
) -> Result<SourceBackup, FirehoseError> {
    // An update that leaves the backup configuration out keeps the one held.
    let config = match (config, held) {
        (Some(config), _) => config.clone(),
        (None, Some(_)) => S3DestinationInput::default(),
        (None, None) => {
            return Err(messages::invalid(
                "S3BackupConfiguration is required when S3BackupMode is Enabled.",
            ));
        }
    };
    // The backup takes records as they arrived: no processing, partitioning or conversion.
    let plain = S3DestinationInput {
        processing_configuration: None,
        dynamic_partitioning_configuration: None,
        data_format_conversion_configuration: None,
        s3_backup_mode: None,
        s3_backup_configuration: None,
        ..config
    };
    let checked = check_destination(&plain, held.map(|b| &b.destination))?;
    Ok(SourceBackup {
        destination: checked.destination,
        prefix: checked.prefix,
        buffer: held.map(|b| b.buffer.clone()).unwrap_or_default(),
    })
}

impl World {
    /// Keeps a record of `name` as it arrived for the backup, if source backup is on.
    pub(crate) fn back_up_source(&mut self, name: &str, data: &Bytes, arrival_ms: i64) {
        let now = self.now_ms();
        let Some(backup) = self
            .firehose
            .delivery_streams
            .get_mut(name)
            .and_then(|s| s.source_backup.as_mut())
        else {
            return;
        };
        let record = BufferedRecord {
            data: data.clone(),
            arrival_ms,
        };
        backup.buffer.push(record, now);
        if backup.buffer.bytes() >= backup.destination.buffering_hints.size_bytes() {
            self.flush_source_backup(name, FlushReason::Size);
        }
    }

    /// Delivers what the backup buffer of `name` holds.
    pub(crate) fn flush_source_backup(&mut self, name: &str, _reason: FlushReason) {
        let now = self.now_ms();
        let rng = &mut self.rng;
        let Some(stream) = self.firehose.delivery_streams.get_mut(name) else {
            return;
        };
        let Some(backup) = stream.source_backup.as_mut() else {
            return;
        };
        let records = backup.buffer.take();
        let Some(first) = records.first() else {
            return;
        };
        let oldest = first.arrival_ms;
        let none = BTreeMap::new();
        let context = KeyContext {
            oldest_arrival_ms: oldest,
            error_output_type: None,
            keys_from_query: &none,
            keys_from_lambda: &none,
        };
        let destination = &backup.destination;
        let format = destination.compression_format;
        let extension = match destination.file_extension.as_deref() {
            Some(ext) if !ext.is_empty() => ext.to_owned(),
            _ => format.extension().to_owned(),
        };
        let (name_of, version) = (stream.name.as_str(), stream.version);
        let key = object_key(rng, &backup.prefix, &context, name_of, version, &extension);
        let raw: Vec<u8> = records
            .iter()
            .flat_map(|r| r.data.iter().copied())
            .collect();
        let body = format.compress(&raw, &random_uuid(rng)).unwrap_or(raw);
        let undelivered = Undelivered {
            key,
            body,
            records: records.len() as u64,
            oldest_arrival_ms: oldest,
            bucket: destination.bucket().to_owned(),
            content_encoding: format.content_encoding(),
            kind: UndeliveredKind::SourceBackup,
            ..Undelivered::due_at(now)
        };
        stream.undelivered.push_back(undelivered);
        self.retry_undelivered(name, now);
    }
}
