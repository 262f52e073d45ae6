//! The 128-bit hash-key space: MD5 routing of partition keys, explicit hash keys, and the even
//! split of the space among a stream's first shards (reference A.3).

use super::shared_str::SharedStr;
use md5::{Digest, Md5};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;

/// The largest hash key, 2^128 − 1.
pub const MAX_HASH_KEY: u128 = u128::MAX;

/// An inclusive range of hash keys owned by a shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct HashKeyRange {
    /// First hash key of the range.
    pub start: u128,
    /// Last hash key of the range (inclusive).
    pub end: u128,
}

impl HashKeyRange {
    /// The whole space, 0..=2^128−1.
    pub const ALL: HashKeyRange = HashKeyRange {
        start: 0,
        end: MAX_HASH_KEY,
    };

    /// Whether `key` falls in the range.
    pub fn contains(&self, key: u128) -> bool {
        self.start <= key && key <= self.end
    }

    /// Whether `other` begins right after this range ends.
    pub fn is_followed_by(&self, other: &HashKeyRange) -> bool {
        self.end.checked_add(1) == Some(other.start)
    }

    /// The midpoint AWS's examples split at: (start + end) / 2, rounded up so both halves are non-empty.
    pub fn midpoint(&self) -> u128 {
        self.start + (self.end - self.start) / 2 + 1
    }

    /// Fraction of the whole key space this range covers (for drawing lanes).
    pub fn fraction_of_space(&self) -> f64 {
        ((self.end - self.start) as f64 + 1.0) / 2f64.powi(128)
    }
}

/// An ExplicitHashKey as a request carries it: the decimal text a client sent, or a value a
/// simulator drew. A drawn value is written out as text only when something asks for the text
/// (serializing the request, an error message): a simulated producer writing a hundred thousand
/// records a second neither formats nor parses them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExplicitHashKey {
    /// As sent, not yet checked.
    Text(SharedStr),
    /// A hash key in [0, 2^128 − 1], valid by construction.
    Value(HashKeyValue),
}

/// A 128-bit hash key kept as two 64-bit halves: 8-byte aligned, so that a key in a request entry
/// or a simulated record takes 40 bytes rather than 48 (a `u128` is 16-byte aligned), and a
/// simulated record fits the size the compiler copies inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashKeyValue([u64; 2]);

impl From<u128> for HashKeyValue {
    fn from(value: u128) -> Self {
        HashKeyValue([(value >> 64) as u64, value as u64])
    }
}

impl From<HashKeyValue> for u128 {
    fn from(value: HashKeyValue) -> Self {
        (u128::from(value.0[0]) << 64) | u128::from(value.0[1])
    }
}

impl ExplicitHashKey {
    /// The hash key, when the text is a canonical decimal number in range (the model's pattern
    /// `0|([1-9]\d{0,38})` and the range check); a value always is.
    pub fn value(&self) -> Option<u128> {
        match self {
            ExplicitHashKey::Text(text) => {
                parse_hash_key(text).filter(|_| text.as_str() == "0" || !text.starts_with('0'))
            }
            ExplicitHashKey::Value(value) => Some(u128::from(*value)),
        }
    }

    /// The key as decimal text.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            ExplicitHashKey::Text(text) => Cow::Borrowed(text.as_str()),
            ExplicitHashKey::Value(value) => Cow::Owned(u128::from(*value).to_string()),
        }
    }
}

impl From<&str> for ExplicitHashKey {
    fn from(text: &str) -> Self {
        Self::Text(text.into())
    }
}

impl From<String> for ExplicitHashKey {
    fn from(text: String) -> Self {
        Self::Text(text.into())
    }
}

impl From<SharedStr> for ExplicitHashKey {
    fn from(text: SharedStr) -> Self {
        Self::Text(text)
    }
}

impl From<u128> for ExplicitHashKey {
    fn from(value: u128) -> Self {
        Self::Value(value.into())
    }
}

impl Serialize for ExplicitHashKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for ExplicitHashKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        SharedStr::deserialize(deserializer).map(Self::Text)
    }
}

/// MD5 of the partition key's UTF-8 bytes as an unsigned big-endian 128-bit integer.
pub fn hash_partition_key(partition_key: &str) -> u128 {
    u128::from_be_bytes(Md5::digest(partition_key.as_bytes()).into())
}

/// Parses a decimal ExplicitHashKey; `None` when it is not a decimal number in [0, 2^128−1].
pub fn parse_hash_key(text: &str) -> Option<u128> {
    if text.is_empty() || text.len() > 39 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Eight digits at a time, each eight combined in a few word operations rather than one by
    // one (every simulated record with an explicit key goes through here); the digits before the
    // first full group of eight go one by one.
    let (head, groups) = text.as_bytes().split_at(text.len() % 8);
    let head = head
        .iter()
        .fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0'));
    groups
        .chunks_exact(8)
        .try_fold(u128::from(head), |value, group| {
            let group: [u8; 8] = group.try_into().expect("chunks of eight");
            value
                .checked_mul(100_000_000)?
                .checked_add(u128::from(eight_digits(group)))
        })
}

/// The value of eight ASCII digits, most significant first (checked by the caller).
fn eight_digits(digits: [u8; 8]) -> u64 {
    let mut v = u64::from_le_bytes(digits) - 0x3030_3030_3030_3030;
    // Pairs of digits, then pairs of pairs, then the two halves.
    v = (v * 10 + (v >> 8)) & 0x00ff_00ff_00ff_00ff;
    v = (v * 100 + (v >> 16)) & 0x0000_ffff_0000_ffff;
    (v * 10_000 + (v >> 32)) & 0xffff_ffff
}

/// The hash-key ranges AWS gives `shard_count` new shards: each `floor(2^128 / N)` keys wide, the
/// last one running to 2^128−1 (reference A.3).
pub fn even_split(shard_count: u32) -> Vec<HashKeyRange> {
    let n = u128::from(shard_count.max(1));
    if n == 1 {
        return vec![HashKeyRange::ALL]; // 2^128 itself does not fit in a u128
    }
    // floor(2^128 / n) without overflowing: (2^128 − 1) / n, plus one when n divides 2^128 exactly.
    let size = MAX_HASH_KEY / n + u128::from(MAX_HASH_KEY % n == n - 1);
    (0..n)
        .map(|i| HashKeyRange {
            start: i * size,
            end: if i == n - 1 {
                MAX_HASH_KEY
            } else {
                (i + 1) * size - 1
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn md5_routing_matches_the_reference_vectors() {
        // Reference A.3, test vectors computed from MD5.
        assert_eq!(
            hash_partition_key("a"),
            16955237001963240173058271559858726497
        );
        assert_eq!(
            hash_partition_key("0"),
            276215275525073243129443018166533317850
        );
        assert_eq!(
            hash_partition_key("partitionKey"),
            193318062818912349798954611745638949166
        );
        assert_eq!(
            hash_partition_key("user-1"),
            285573413173782752570879317399258818820
        );
    }

    #[test]
    fn even_split_matches_aws_for_one_two_three_and_four_shards() {
        assert_eq!(even_split(1), vec![HashKeyRange::ALL]);
        let two = even_split(2);
        assert_eq!(two[0].end, 170141183460469231731687303715884105727);
        assert_eq!(two[1].start, 170141183460469231731687303715884105728);
        let four: Vec<u128> = even_split(4).iter().skip(1).map(|r| r.start).collect();
        assert_eq!(
            four,
            vec![
                85070591730234615865843651857942052864,
                170141183460469231731687303715884105728,
                255211775190703847597530955573826158592
            ]
        );
        let three: Vec<u128> = even_split(3).iter().map(|r| r.end).collect();
        assert_eq!(
            three,
            vec![
                113427455640312821154458202477256070484,
                226854911280625642308916404954512140969,
                MAX_HASH_KEY
            ]
        );
    }

    #[test]
    fn even_splits_for_1_to_64_shards_cover_the_space_exactly_once() {
        for n in 1..=64u32 {
            let ranges = even_split(n);
            assert_eq!(ranges.len(), n as usize);
            assert_eq!(ranges[0].start, 0);
            assert_eq!(ranges.last().unwrap().end, MAX_HASH_KEY);
            for pair in ranges.windows(2) {
                assert!(pair[0].is_followed_by(&pair[1]), "gap or overlap at n={n}");
            }
            if n == 1 {
                continue;
            }
            let size = ranges[0].end - ranges[0].start + 1;
            let expected = if n.is_power_of_two() {
                (MAX_HASH_KEY >> n.trailing_zeros()) + 1
            } else {
                MAX_HASH_KEY / u128::from(n)
            };
            assert_eq!(size, expected, "width of shard 0 for n={n}");
        }
    }

    #[test]
    fn explicit_hash_keys_must_be_decimal_and_in_range() {
        assert_eq!(parse_hash_key("0"), Some(0));
        assert_eq!(
            parse_hash_key("340282366920938463463374607431768211455"),
            Some(MAX_HASH_KEY)
        );
        assert_eq!(
            parse_hash_key("340282366920938463463374607431768211456"),
            None
        );
        assert_eq!(parse_hash_key("-1"), None);
        assert_eq!(parse_hash_key("+1"), None);
        assert_eq!(parse_hash_key(""), None);
        for value in [
            9_999_999_999_999_999_999u128,
            10_000_000_000_000_000_000,
            1 << 64,
        ] {
            assert_eq!(parse_hash_key(&value.to_string()), Some(value));
        }
    }

    #[test]
    fn an_explicit_hash_key_is_text_or_a_drawn_value_and_serializes_as_text() {
        let drawn = ExplicitHashKey::from(MAX_HASH_KEY);
        assert_eq!(drawn.value(), Some(MAX_HASH_KEY));
        assert_eq!(
            serde_json::to_string(&drawn).unwrap(),
            r#""340282366920938463463374607431768211455""#
        );
        let sent: ExplicitHashKey = serde_json::from_str(r#""42""#).unwrap();
        assert_eq!(sent, ExplicitHashKey::from("42"));
        assert_eq!((sent.value(), sent.text()), (Some(42), "42".into()));
        assert_eq!(ExplicitHashKey::from("042").value(), None, "leading zero");
        assert_eq!(ExplicitHashKey::from("0").value(), Some(0));
        assert_eq!(ExplicitHashKey::from("x").value(), None);
    }

    proptest! {
        #[test]
        fn any_key_parses_back_to_itself(value in any::<u128>()) {
            prop_assert_eq!(parse_hash_key(&value.to_string()), Some(value));
        }

        #[test]
        fn every_key_lands_in_exactly_one_initial_shard(n in 1u32..=200, key in any::<u128>()) {
            let owners = even_split(n).iter().filter(|r| r.contains(key)).count();
            prop_assert_eq!(owners, 1);
        }
    }
}
