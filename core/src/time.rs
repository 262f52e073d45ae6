//! Timestamps as the engine keeps them (epoch milliseconds) and as AWS writes them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// A point in virtual time, epoch milliseconds. On human-readable wire formats (JSON 1.1) it is epoch
/// seconds with fractional milliseconds; on binary ones (CBOR) epoch milliseconds (reference A.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Epoch milliseconds.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// Epoch seconds, as JSON 1.1 carries them.
    pub fn epoch_seconds(self) -> f64 {
        self.0 as f64 / 1_000.0
    }

    /// The form Java's `Date.toString()` gives, which AWS uses in iterator messages:
    /// `Thu Jan 22 01:22:02 UTC 2015`.
    pub fn java_date_string(self) -> String {
        match DateTime::<Utc>::from_timestamp_millis(self.0) {
            Some(t) => t.format("%a %b %d %H:%M:%S UTC %Y").to_string(),
            None => self.0.to_string(),
        }
    }

    /// ISO 8601 in UTC with milliseconds, for people.
    pub fn iso8601(self) -> String {
        match DateTime::<Utc>::from_timestamp_millis(self.0) {
            Some(t) => t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            None => self.0.to_string(),
        }
    }

    /// Parses epoch seconds (int or fraction) or an RFC 3339 date, as the AWS CLI accepts them.
    pub fn parse(text: &str) -> Option<Timestamp> {
        if let Ok(seconds) = text.trim().parse::<f64>() {
            return Timestamp::from_epoch_seconds(seconds);
        }
        DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .map(|t| Timestamp(t.timestamp_millis()))
    }

    fn from_epoch_seconds(seconds: f64) -> Option<Timestamp> {
        (seconds.is_finite() && seconds.abs() < 1e14)
            .then(|| Timestamp((seconds * 1_000.0).round() as i64))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.serialize_f64(self.epoch_seconds())
        } else {
            // CBOR: tag 1 ("epoch time") around epoch *milliseconds*, as AWS's Java SDK writes and
            // reads it (reference A.2).
            ciborium::tag::Required::<i64, 1>(self.0).serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor {
            human: bool,
        }
        impl de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                // On the wire a timestamp is a number (kinesis-wire.md §1: a string is a
                // SerializationException); clients turn ISO dates into numbers before sending.
                f.write_str("a timestamp in epoch seconds")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
                if self.human {
                    Timestamp::from_epoch_seconds(v)
                        .ok_or_else(|| E::custom("timestamp out of range"))
                } else {
                    Ok(Timestamp(v as i64))
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
                if self.human {
                    self.visit_f64(v as f64)
                } else {
                    Ok(Timestamp(v))
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
                self.visit_i64(i64::try_from(v).map_err(|_| E::custom("timestamp out of range"))?)
            }
        }
        let human = deserializer.is_human_readable();
        deserializer.deserialize_any(Visitor { human })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_date_string_matches_aws_iterator_messages() {
        // 2015-01-22T01:22:02Z, the instant in AWS's ExpiredIteratorException example (A.7).
        assert_eq!(
            Timestamp(1_421_889_722_000).java_date_string(),
            "Thu Jan 22 01:22:02 UTC 2015"
        );
    }

    #[test]
    fn cbor_carries_tag_1_and_epoch_milliseconds() {
        let mut bytes = Vec::new();
        ciborium::into_writer(&Timestamp(1_459_799_926_480), &mut bytes).unwrap();
        // 0xc1 = tag 1, 0x1b = an unsigned 64-bit integer follows.
        assert_eq!(bytes[..2], [0xc1, 0x1b]);
        assert_eq!(
            u64::from_be_bytes(bytes[2..10].try_into().unwrap()),
            1_459_799_926_480
        );
        let back: ciborium::tag::Required<i64, 1> = ciborium::from_reader(&bytes[..]).unwrap();
        assert_eq!(back.0, 1_459_799_926_480);
    }

    #[test]
    fn json_carries_epoch_seconds_with_millis() {
        let json = serde_json::to_string(&Timestamp(1_459_799_926_480)).unwrap();
        assert_eq!(json, "1459799926.48");
        let back: Timestamp = serde_json::from_str("1459799926.480").unwrap();
        assert_eq!(back, Timestamp(1_459_799_926_480));
        assert!(serde_json::from_str::<Timestamp>("\"2016-04-04T19:58:46.480-00:00\"").is_err());
    }
}
