//! The PutRecords and PutRecord answers in JSON, written directly rather than through serde_json:
//! they are the answers written most often (PutRecords the largest: 500 entries, each a 56-digit
//! sequence number and a shard id), and their strings are digits and fixed ASCII that need no
//! escaping — a general serializer spends much of its time scanning them for characters to escape. Anything else, and any text that
//! could need escaping (error messages), still goes through serde_json. A test holds the bytes
//! equal to serde_json's.

use crate::streams::ops::put::{PutRecordOutput, PutRecordsOutput, PutRecordsResultEntry};
use crate::streams::shapes::EncryptionType;

/// Bytes one successful entry takes, for sizing the buffer once.
const ENTRY_BYTES: usize = 112;

/// PutRecords' output as serde_json writes it.
pub fn put_records(output: &PutRecordsOutput) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + output.records.len() * ENTRY_BYTES);
    out.extend_from_slice(b"{\"FailedRecordCount\":");
    out.extend_from_slice(
        itoa::Buffer::new()
            .format(output.failed_record_count)
            .as_bytes(),
    );
    out.extend_from_slice(b",\"Records\":[");
    for (i, entry) in output.records.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        entry_json(entry, &mut out);
    }
    out.extend_from_slice(match output.encryption_type {
        EncryptionType::None => b"],\"EncryptionType\":\"NONE\"}",
        EncryptionType::Kms => b"],\"EncryptionType\":\"KMS\"}",
    });
    out
}

/// PutRecord's output as serde_json writes it.
pub fn put_record(output: &PutRecordOutput) -> Vec<u8> {
    let mut out = Vec::with_capacity(ENTRY_BYTES + 32);
    out.extend_from_slice(b"{\"ShardId\":\"");
    out.extend_from_slice(&output.shard_id.text());
    out.extend_from_slice(b"\",\"SequenceNumber\":\"");
    output.sequence_number.write_decimal(&mut out);
    out.extend_from_slice(match output.encryption_type {
        EncryptionType::None => b"\",\"EncryptionType\":\"NONE\"}",
        EncryptionType::Kms => b"\",\"EncryptionType\":\"KMS\"}",
    });
    out
}

fn entry_json(entry: &PutRecordsResultEntry, out: &mut Vec<u8>) {
    let mut separator = b'{';
    if let Some(sequence_number) = entry.sequence_number {
        out.push(separator);
        out.extend_from_slice(b"\"SequenceNumber\":\"");
        sequence_number.write_decimal(out);
        out.push(b'"');
        separator = b',';
    }
    if let Some(shard_id) = entry.shard_id {
        out.push(separator);
        out.extend_from_slice(b"\"ShardId\":\"");
        out.extend_from_slice(&shard_id.text());
        out.push(b'"');
        separator = b',';
    }
    for (name, text) in [
        ("ErrorCode", entry.error_code()),
        ("ErrorMessage", entry.error_message()),
    ] {
        if let Some(text) = text {
            out.push(separator);
            out.push(b'"');
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":");
            // Messages name streams and accounts: written by serde_json, escaping and all.
            let _ = serde_json::to_writer(&mut *out, text);
            separator = b',';
        }
    }
    if separator == b'{' {
        out.push(b'{');
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streams::ops::put::EntryError;
    use crate::streams::sequence::SequenceNumber;
    use crate::streams::shapes::ShardId;

    #[test]
    fn the_bytes_are_serde_jsons() {
        let ok = |counter, shard| PutRecordsResultEntry {
            sequence_number: Some(SequenceNumber {
                shard_created_s: 1_767_225_600,
                shard_index: shard,
                counter,
                record_s: 1_767_225_601,
            }),
            shard_id: Some(ShardId(shard)),
            error: None,
        };
        let refused = PutRecordsResultEntry {
            sequence_number: None,
            shard_id: None,
            error: Some(Box::new(EntryError {
                error_code: "ProvisionedThroughputExceededException".into(),
                error_message: "Rate exceeded for shard \"x\"\n in stream s.".into(),
            })),
        };
        let empty = PutRecordsResultEntry {
            sequence_number: None,
            shard_id: None,
            error: None,
        };
        for (records, encryption_type) in [
            (
                vec![ok(1, 0), refused.clone(), ok(u64::MAX >> 1, 4_000)],
                EncryptionType::None,
            ),
            (vec![refused, empty], EncryptionType::Kms),
            (Vec::new(), EncryptionType::None),
        ] {
            let output = PutRecordsOutput {
                failed_record_count: 1,
                records,
                encryption_type,
            };
            assert_eq!(
                String::from_utf8(put_records(&output)).unwrap(),
                serde_json::to_string(&output).unwrap()
            );
        }
        for encryption_type in [EncryptionType::None, EncryptionType::Kms] {
            let output = PutRecordOutput {
                shard_id: ShardId(4_000),
                sequence_number: ok(u64::MAX >> 1, 4_000).sequence_number.unwrap(),
                encryption_type,
            };
            assert_eq!(
                String::from_utf8(put_record(&output)).unwrap(),
                serde_json::to_string(&output).unwrap()
            );
        }
    }

    #[test]
    fn a_result_entry_takes_56_bytes() {
        // One is written per record of every call; the error's texts are boxed.
        assert_eq!(std::mem::size_of::<PutRecordsResultEntry>(), 56);
    }

    #[test]
    fn a_result_entry_is_a_map_of_the_members_it_has_in_cbor_too() {
        let refused = PutRecordsResultEntry {
            sequence_number: None,
            shard_id: None,
            error: Some(Box::new(EntryError {
                error_code: "ProvisionedThroughputExceededException".into(),
                error_message: "Rate exceeded".into(),
            })),
        };
        let written = PutRecordsResultEntry {
            sequence_number: Some(SequenceNumber::of_record(0, 1, 2, 3)),
            shard_id: Some(ShardId(1)),
            error: None,
        };
        for (entry, keys) in [
            (refused, ["ErrorCode", "ErrorMessage"]),
            (written, ["SequenceNumber", "ShardId"]),
        ] {
            let mut cbor = Vec::new();
            ciborium::into_writer(&entry, &mut cbor).unwrap();
            assert_eq!(cbor[0], 0xa2, "a map of two, its length given");
            let value: ciborium::Value = ciborium::from_reader(&cbor[..]).unwrap();
            let names: Vec<String> = value
                .as_map()
                .unwrap()
                .iter()
                .map(|(k, _)| k.as_text().unwrap().to_owned())
                .collect();
            assert_eq!(names, keys);
        }
    }
}
