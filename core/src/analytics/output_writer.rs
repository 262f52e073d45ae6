//! An application output at work (reference D): the rows of one in-application stream (or the
//! `error_stream`) written as JSON or CSV records to a Kinesis stream (PutRecords, so they count
//! against its shards' limits) or a Firehose delivery stream (PutRecordBatch). Records a
//! destination refuses, throttles or cannot take yet wait and are sent again on the next run, as
//! AWS retries them; only when too many wait are the oldest dropped, and counted.

use crate::firehose::ops::put::{PutRecordBatchInput, Record};
use crate::streams::ops::put::{PutRecordsInput, PutRecordsRequestEntry};
use crate::world::World;
use std::collections::VecDeque;

/// Records sent in one call (both PutRecords and PutRecordBatch take 500).
const BATCH: usize = 500;
/// Records that may wait for a destination before the oldest are dropped.
const MAX_WAITING: usize = 100_000;

/// Where an output's records go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    KinesisStream(String),
    DeliveryStream(String),
}

/// The part of a resource ARN after `kind/` (`arn:aws:kinesis:…:stream/NAME` → `NAME`).
pub fn arn_resource<'a>(arn: &'a str, kind: &str) -> Option<&'a str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    resource
        .strip_prefix(kind)?
        .strip_prefix('/')
        .filter(|n| !n.is_empty())
}

/// One output and the records waiting for its destination.
#[derive(Debug, Clone)]
pub struct OutputWriter {
    pub output_id: String,
    /// The in-application stream it writes out.
    pub stream: String,
    pub destination: Destination,
    pub csv: bool,
    waiting: VecDeque<Vec<u8>>,
    /// Records the destination took.
    pub records_out: u64,
    /// Calls or entries the destination refused (they are tried again).
    pub refused: u64,
    /// Records dropped because too many were waiting.
    pub dropped: u64,
    /// The last refusal, for people.
    pub last_error: Option<String>,
    /// Numbers partition keys, so records spread over the stream's shards.
    keys_given: u64,
}

impl OutputWriter {
    pub fn new(output_id: String, stream: String, destination: Destination, csv: bool) -> Self {
        Self {
            output_id,
            stream,
            destination,
            csv,
            waiting: VecDeque::new(),
            records_out: 0,
            refused: 0,
            dropped: 0,
            last_error: None,
            keys_given: 0,
        }
    }

    /// Records waiting to be sent.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }

    /// Queues one record.
    pub fn push(&mut self, record: Vec<u8>) {
        self.waiting.push_back(record);
        if self.waiting.len() > MAX_WAITING {
            self.waiting.pop_front();
            self.dropped += 1;
        }
    }

    /// The largest record and the largest call the destination takes, in bytes.
    fn limits(&self) -> (usize, usize) {
        match self.destination {
            // PutRecords: 1 MiB a record (with its partition key), 5 MiB a call.
            Destination::KinesisStream(_) => (1_048_576 - 64, 5 * 1_048_576),
            // PutRecordBatch: 1,000 KiB a record, 4 MiB a call.
            Destination::DeliveryStream(_) => (1_024_000, 4 * 1_048_576),
        }
    }

    /// Sends what waits, a batch at a time (500 records and the call's size at most), until the
    /// destination refuses something. A record no call could carry is dropped and counted.
    pub fn flush(&mut self, world: &mut World) {
        let (max_record, max_call) = self.limits();
        let before = self.waiting.len();
        self.waiting.retain(|r| r.len() <= max_record);
        if self.waiting.len() < before {
            self.dropped += (before - self.waiting.len()) as u64;
            self.last_error = Some(format!(
                "a record larger than {max_record} bytes cannot be written: dropped"
            ));
        }
        while !self.waiting.is_empty() {
            let mut take = 0;
            let mut bytes = 0;
            for record in self.waiting.iter().take(BATCH) {
                if take > 0 && bytes + record.len() > max_call {
                    break;
                }
                bytes += record.len();
                take += 1;
            }
            let batch: Vec<Vec<u8>> = self.waiting.drain(..take).collect();
            let refused = match &self.destination {
                Destination::KinesisStream(name) => {
                    let first_key = self.keys_given;
                    self.keys_given += batch.len() as u64;
                    send_to_stream(world, name, batch, first_key)
                }
                Destination::DeliveryStream(name) => send_to_delivery_stream(world, name, batch),
            };
            let (sent, back, error) = refused;
            self.records_out += sent;
            if back.is_empty() {
                continue;
            }
            self.refused += back.len() as u64;
            self.last_error = error;
            for record in back.into_iter().rev() {
                self.waiting.push_front(record);
            }
            return;
        }
    }
}

/// What a call did: records taken, records to send again (in order), and why they were refused.
type Sent = (u64, Vec<Vec<u8>>, Option<String>);

fn send_to_stream(world: &mut World, name: &str, batch: Vec<Vec<u8>>, first_key: u64) -> Sent {
    let entries = batch
        .iter()
        .zip(first_key..)
        .map(|(data, key)| PutRecordsRequestEntry::new(&key.to_string(), data.clone()))
        .collect();
    match world.apply(PutRecordsInput::new(name, entries)) {
        Ok(out) => {
            let mut back = Vec::new();
            let mut error = None;
            for (entry, data) in out.records.iter().zip(batch) {
                if let Some(e) = &entry.error {
                    error = Some(format!("{}: {}", e.error_code, e.error_message));
                    back.push(data);
                }
            }
            ((out.records.len() - back.len()) as u64, back, error)
        }
        Err(e) => (0, batch, Some(format!("{}: {}", e.code(), e.message()))),
    }
}

fn send_to_delivery_stream(world: &mut World, name: &str, batch: Vec<Vec<u8>>) -> Sent {
    let records = batch.iter().map(|d| Record::new(d.clone())).collect();
    let input = PutRecordBatchInput {
        delivery_stream_name: Some(name.to_owned()),
        records: Some(records),
    };
    match world.apply(input) {
        Ok(out) => {
            let mut back = Vec::new();
            let mut error = None;
            for (entry, data) in out.request_responses.iter().zip(batch) {
                if let Some(code) = &entry.error_code {
                    let message = entry.error_message.clone().unwrap_or_default();
                    error = Some(format!("{code}: {message}"));
                    back.push(data);
                }
            }
            (
                (out.request_responses.len() - back.len()) as u64,
                back,
                error,
            )
        }
        Err(e) => (0, batch, Some(format!("{}: {}", e.code(), e.message()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_name_their_resource() {
        let arn = "arn:aws:kinesis:us-east-1:123456789012:stream/ticks";
        assert_eq!(arn_resource(arn, "stream"), Some("ticks"));
        let arn = "arn:aws:firehose:us-east-1:123456789012:deliverystream/out";
        assert_eq!(arn_resource(arn, "deliverystream"), Some("out"));
        assert_eq!(arn_resource(arn, "stream"), None);
        assert_eq!(arn_resource("nonsense", "stream"), None);
    }
}
