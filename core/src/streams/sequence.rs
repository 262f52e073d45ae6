//! Sequence numbers in AWS's "version 2" layout (reference A.3): a 188-bit value written as a
//! ~56-digit decimal string. Within a shard they strictly increase with the per-shard counter; the
//! shard index inside makes them unique across the stream.

use crate::decimal::{TEN_POW_19, push_groups};
use ruint::aliases::U192;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use std::fmt;

/// The largest per-shard counter; a closed shard's EndingSequenceNumber carries it (A.3).
pub const MAX_COUNTER: u64 = 0x7fff_ffff_ffff_ffff;

const EPOCH_SECONDS_MASK: u64 = (1 << 36) - 1;

/// A decoded sequence number. Fields are in the order they appear in the hex layout:
/// `2 | shard-creation seconds (9 hex) | shard index low nibble | counter (16 hex) | 00 |
/// record seconds (9 hex) | shard index (8 hex) | 2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SequenceNumber {
    /// Epoch seconds at which the shard was created.
    pub shard_created_s: u64,
    /// The shard's index (`shardId-000000000007` → 7).
    pub shard_index: u32,
    /// The per-shard counter; strictly increasing in arrival order.
    pub counter: u64,
    /// Epoch seconds at which the record arrived.
    pub record_s: u64,
}

impl SequenceNumber {
    /// The number of the record with `counter`, arriving at `arrival_ms`, in the shard with index
    /// `shard_index` created at `shard_created_ms`.
    pub fn of_record(
        shard_created_ms: i64,
        shard_index: u32,
        counter: u64,
        arrival_ms: i64,
    ) -> Self {
        SequenceNumber {
            shard_created_s: (shard_created_ms / 1_000) as u64,
            shard_index,
            counter,
            record_s: (arrival_ms.max(0) / 1_000) as u64,
        }
    }

    fn to_u192(self) -> U192 {
        let fields: [(u64, usize); 8] = [
            (2, 4),
            (self.shard_created_s & EPOCH_SECONDS_MASK, 36),
            (u64::from(self.shard_index & 0xf), 4),
            (self.counter & MAX_COUNTER, 64),
            (0, 8),
            (self.record_s & EPOCH_SECONDS_MASK, 36),
            (u64::from(self.shard_index), 32),
            (2, 4),
        ];
        fields.iter().fold(U192::ZERO, |acc, &(value, bits)| {
            (acc << bits) | U192::from(value)
        })
    }

    fn from_u192(value: U192) -> Option<Self> {
        if value.bit_len() != 186 {
            return None; // "2" in the top nibble puts the highest set bit at position 185
        }
        let field = |shift: usize, bits: usize| -> u64 {
            let mask = (U192::from(1u8) << bits) - U192::from(1u8);
            ((value >> shift) & mask).to::<u64>()
        };
        let parsed = SequenceNumber {
            shard_index: field(4, 32) as u32,
            record_s: field(36, 36),
            counter: field(80, 64),
            shard_created_s: field(148, 36),
        };
        let well_formed = field(0, 4) == 2
            && parsed.counter <= MAX_COUNTER
            && field(72, 8) == 0
            && field(144, 4) == u64::from(parsed.shard_index & 0xf);
        well_formed.then_some(parsed)
    }

    /// Parses the decimal form; `None` when it is not a sequence number this engine could have made.
    pub fn parse(text: &str) -> Option<SequenceNumber> {
        if text.is_empty() || text.len() > 129 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let value = U192::from_str_radix(text, 10).ok()?;
        Self::from_u192(value)
    }
}

impl SequenceNumber {
    /// Appends the decimal text (what Display writes) to `out`, without the formatting machinery:
    /// every record of a PutRecords or GetRecords answer carries one.
    pub fn write_decimal(self, out: &mut Vec<u8>) {
        // 192 bits are at most 58 decimal digits: four groups of nineteen.
        let mut groups = [0u64; 4];
        for (slot, group) in groups
            .iter_mut()
            .rev()
            .zip(self.to_u192().to_base_le(TEN_POW_19))
        {
            *slot = group;
        }
        push_groups(&groups, out);
    }
}

impl fmt::Display for SequenceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = Vec::with_capacity(64);
        self.write_decimal(&mut text);
        f.write_str(std::str::from_utf8(&text).unwrap_or_default())
    }
}

impl Serialize for SequenceNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        super::shapes::serialize_short_display(self, serializer)
    }
}

impl<'de> Deserialize<'de> for SequenceNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        SequenceNumber::parse(&text)
            .ok_or_else(|| de::Error::custom(format!("invalid sequence number {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn decimal_text_is_the_192_bit_value(created in 0u64..(1 << 36), index: u32, counter in 0u64..=MAX_COUNTER, at in 0u64..(1 << 36)) {
            let seq = SequenceNumber { shard_created_s: created, shard_index: index, counter, record_s: at };
            prop_assert_eq!(seq.to_string(), seq.to_u192().to_string());
        }
    }

    fn seq(counter: u64, shard_index: u32) -> SequenceNumber {
        SequenceNumber {
            shard_created_s: 1_767_225_600,
            shard_index,
            counter,
            record_s: 1_767_225_601,
        }
    }

    #[test]
    fn looks_like_an_aws_sequence_number() {
        let text = seq(1, 0).to_string();
        // AWS sequence numbers are ~56 decimal digits (A.3) and start with 49 or 4x.
        assert!((55..=57).contains(&text.len()), "{text}");
        assert!(text.starts_with('4'), "{text}");
    }

    proptest! {
        #[test]
        fn round_trips_through_decimal(counter in 0..=MAX_COUNTER, index in any::<u32>(), created in 0u64..(1 << 36), record in 0u64..(1 << 36)) {
            let original = SequenceNumber { shard_created_s: created, shard_index: index, counter, record_s: record };
            prop_assert_eq!(SequenceNumber::parse(&original.to_string()), Some(original));
        }

        #[test]
        fn a_larger_counter_in_the_same_shard_is_a_larger_number(a in 0..MAX_COUNTER, b in 0..MAX_COUNTER, ra in 0u64..(1<<36), rb in 0u64..(1<<36)) {
            prop_assume!(a != b);
            let x = SequenceNumber { record_s: ra, ..seq(a, 3) };
            let y = SequenceNumber { record_s: rb, ..seq(b, 3) };
            prop_assert_eq!(a < b, x.to_u192() < y.to_u192());
        }
    }

    #[test]
    fn rejects_text_that_is_not_one_of_ours() {
        assert_eq!(SequenceNumber::parse("0"), None);
        assert_eq!(SequenceNumber::parse("12345"), None);
        assert_eq!(SequenceNumber::parse("abc"), None);
        assert_eq!(SequenceNumber::parse(""), None);
    }
}
