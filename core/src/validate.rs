//! Model-constraint validation, as AWS runs it before any semantic check: every failure is collected
//! and reported at once in one ValidationException, worded as AWS words it (reference A.17, F).

use crate::streams::error::KinesisError;

/// Collects constraint failures for one request.
#[derive(Debug, Default)]
pub struct Validator {
    failures: Vec<String>,
}

/// Member patterns of the Kinesis model, with the text AWS prints for them.
#[derive(Debug, Clone, Copy)]
pub enum Pattern {
    /// StreamName, ConsumerName, ShardId: `[a-zA-Z0-9_.-]+`.
    Name,
    /// StreamARN: `arn:aws.*:kinesis:.*:\d{12}:stream/\S+`.
    StreamArn,
    /// ConsumerARN.
    ConsumerArn,
    /// ResourceARN (stream or consumer).
    ResourceArn,
    /// HashKey: `0|([1-9]\d{0,38})`.
    HashKey,
    /// SequenceNumber: `0|([1-9]\d{0,128})`.
    SequenceNumber,
    /// StreamId: `[a-z0-9]{20}-[a-z0-9]{3}`.
    StreamId,
}

impl Pattern {
    fn text(self) -> &'static str {
        match self {
            Pattern::Name => "[a-zA-Z0-9_.-]+",
            Pattern::StreamArn => "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+",
            Pattern::ConsumerArn => {
                "^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+"
            }
            Pattern::ResourceArn => "arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+",
            Pattern::HashKey => "0|([1-9]\\d{0,38})",
            Pattern::SequenceNumber => "0|([1-9]\\d{0,128})",
            Pattern::StreamId => "[a-z0-9]{20}-[a-z0-9]{3}",
        }
    }

    /// Whether `value` matches the pattern entirely.
    pub fn matches(self, value: &str) -> bool {
        match self {
            Pattern::Name => {
                !value.is_empty()
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            }
            Pattern::StreamArn => parse_arn(value).is_some_and(|arn| {
                arn.resource
                    .strip_prefix("stream/")
                    .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
            }),
            Pattern::ConsumerArn => parse_arn(value).is_some_and(|arn| {
                let Some((_, consumer)) = arn.resource.split_once("/consumer/") else {
                    return false;
                };
                let Some((name, epoch)) = consumer.rsplit_once(':') else {
                    return false;
                };
                Pattern::Name.matches(name)
                    && !epoch.is_empty()
                    && epoch.bytes().all(|b| b.is_ascii_digit())
            }),
            Pattern::ResourceArn => parse_arn(value).is_some_and(|arn| {
                arn.resource.contains("stream/") && !value.contains(char::is_whitespace)
            }),
            Pattern::HashKey => decimal_without_leading_zero(value, 39),
            Pattern::SequenceNumber => decimal_without_leading_zero(value, 129),
            Pattern::StreamId => {
                let lower_alnum = |s: &str| {
                    s.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                };
                value.len() == 24
                    && value.as_bytes()[20] == b'-'
                    && lower_alnum(&value[..20])
                    && lower_alnum(&value[21..])
            }
        }
    }
}

fn decimal_without_leading_zero(value: &str, max_digits: usize) -> bool {
    let digits =
        !value.is_empty() && value.len() <= max_digits && value.bytes().all(|b| b.is_ascii_digit());
    digits && (value == "0" || !value.starts_with('0'))
}

/// The parts of an ARN the model's patterns look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, ...
    pub partition: &'a str,
    /// The region part.
    pub region: &'a str,
    /// The 12-digit account.
    pub account: &'a str,
    /// Everything after the account: `stream/NAME[/consumer/C:EPOCH]`.
    pub resource: &'a str,
}

/// Splits a Kinesis ARN; `None` unless it is `arn:aws*:kinesis:REGION:ACCOUNT12:RESOURCE`.
pub fn parse_arn(value: &str) -> Option<Arn<'_>> {
    let mut parts = value.splitn(6, ':');
    let (arn, partition, service) = (parts.next()?, parts.next()?, parts.next()?);
    let (region, account, resource) = (parts.next()?, parts.next()?, parts.next()?);
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    (arn == "arn" && partition.starts_with("aws") && service == "kinesis" && account_ok).then_some(
        Arn {
            partition,
            region,
            account,
            resource,
        },
    )
}

impl Validator {
    /// A validator with no failures yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn fail(&mut self, value: &str, member: &str, constraint: impl std::fmt::Display) {
        self.failures.push(format!(
            "Value {value} at '{member}' failed to satisfy constraint: {constraint}"
        ));
    }

    /// A required member must be present. Returns the value when it is.
    pub fn required<'v, T>(&mut self, member: &str, value: &'v Option<T>) -> Option<&'v T> {
        if value.is_none() {
            self.fail("null", member, "Member must not be null");
        }
        value.as_ref()
    }

    /// A string's length (in characters) must be within `min..=max`.
    pub fn length(&mut self, member: &str, value: &str, min: usize, max: usize) -> bool {
        let chars = value.chars().count();
        if chars < min {
            self.fail(
                &quote(value),
                member,
                format!("Member must have length greater than or equal to {min}"),
            );
            false
        } else if chars > max {
            self.fail(
                &quote(value),
                member,
                format!("Member must have length less than or equal to {max}"),
            );
            false
        } else {
            true
        }
    }

    /// A sensitive member's length (a password): the failure names the member, not the value.
    pub fn sensitive_length(
        &mut self,
        member: &str,
        value: &Option<String>,
        min: usize,
        max: usize,
    ) {
        let Some(value) = value else { return };
        let chars = value.chars().count();
        let bound = match chars {
            n if n < min => format!("greater than or equal to {min}"),
            n if n > max => format!("less than or equal to {max}"),
            _ => return,
        };
        self.fail(
            "'*** Sensitive Data Redacted ***'",
            member,
            format!("Member must have length {bound}"),
        );
    }

    /// A string must match one of the model's patterns.
    pub fn pattern(&mut self, member: &str, value: &str, pattern: Pattern) -> bool {
        let ok = pattern.matches(value);
        if !ok {
            self.fail(
                &quote(value),
                member,
                format!(
                    "Member must satisfy regular expression pattern: {}",
                    pattern.text()
                ),
            );
        }
        ok
    }

    /// A length check followed by a pattern check, as for names and ARNs.
    pub fn string(
        &mut self,
        member: &str,
        value: &Option<impl AsRef<str>>,
        min: usize,
        max: usize,
        pattern: Option<Pattern>,
    ) {
        if let Some(value) = value {
            let value = value.as_ref();
            let length_ok = self.length(member, value, min, max);
            if let (true, Some(pattern)) = (length_ok, pattern) {
                self.pattern(member, value, pattern);
            }
        }
    }

    /// A required string member with a length range and an optional pattern.
    pub fn required_string(
        &mut self,
        member: &str,
        value: &Option<String>,
        min: usize,
        max: usize,
        pattern: Option<Pattern>,
    ) {
        self.required(member, value);
        self.string(member, value, min, max, pattern);
    }

    /// A number must be within `min..=max`.
    pub fn range(&mut self, member: &str, value: Option<i64>, min: i64, max: i64) {
        match value {
            Some(v) if v < min => self.fail(
                &quote(v),
                member,
                format!("Member must have value greater than or equal to {min}"),
            ),
            Some(v) if v > max => self.fail(
                &quote(v),
                member,
                format!("Member must have value less than or equal to {max}"),
            ),
            _ => {}
        }
    }

    /// An optional enum member given as text: its parsed value, or an enum-value-set failure.
    pub fn parse_enum<T: serde::de::DeserializeOwned>(
        &mut self,
        member: &str,
        value: Option<&str>,
        allowed: &[&str],
    ) -> Option<T> {
        let text = value?;
        let parsed = serde_json::from_value(serde_json::Value::String(text.to_owned())).ok();
        if parsed.is_none() {
            self.enumeration(member, text, &format!("[{}]", allowed.join(", ")));
        }
        parsed
    }

    /// A required string that must be one of `allowed` (listed in AWS's order in the message).
    pub fn one_of(&mut self, member: &str, value: &Option<String>, allowed: &[&str]) {
        if let Some(value) = self.required(member, value)
            && !allowed.contains(&value.as_str())
        {
            self.enumeration(member, value, &format!("[{}]", allowed.join(", ")));
        }
    }

    /// A string must be one of an enum's values; `allowed` is AWS's listing, e.g. `[A, B]`.
    pub fn enumeration(&mut self, member: &str, value: &str, allowed: &str) {
        self.fail(
            &quote(value),
            member,
            format!("Member must satisfy enum value set: {allowed}"),
        );
    }

    /// A blob's size must be at most `max` bytes.
    pub fn blob_size(&mut self, member: &str, len: usize, max: usize) {
        if len > max {
            let value = format!("'java.nio.HeapByteBuffer[pos=0 lim={len} cap={len}]'");
            self.fail(
                &value,
                member,
                format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    /// A list's item count must be within `min..=max`.
    pub fn list_size(&mut self, member: &str, len: usize, min: usize, max: usize) {
        if len < min {
            self.fail(
                "'[]'",
                member,
                format!("Member must have length greater than or equal to {min}"),
            );
        } else if len > max {
            self.fail(
                &format!("'[{len} items]'"),
                member,
                format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    /// The common pair StreamName / StreamARN (plus the reserved StreamId).
    pub fn stream_address(&mut self, name: &Option<String>, arn: &Option<String>) {
        self.string("streamName", name, 1, 128, Some(Pattern::Name));
        self.string("streamARN", arn, 1, 2048, Some(Pattern::StreamArn));
    }

    /// A string must match a pattern of another service's model, given by its text; `ok` says
    /// whether it does.
    pub fn pattern_text(&mut self, member: &str, value: &str, pattern: &str, ok: bool) {
        if !ok {
            self.fail(
                &quote(value),
                member,
                format!("Member must satisfy regular expression pattern: {pattern}"),
            );
        }
    }

    /// Ends validation: `Ok` when nothing failed, else the ValidationException AWS sends.
    pub fn finish(self) -> Result<(), KinesisError> {
        self.finish_as(KinesisError::ValidationException)
    }

    /// Ends validation with the ValidationException of any service: `make` wraps AWS's text.
    pub fn finish_as<E>(self, make: impl FnOnce(String) -> E) -> Result<(), E> {
        match self.failures.len() {
            0 => Ok(()),
            1 => Err(make(format!(
                "1 validation error detected: {}",
                self.failures[0]
            ))),
            n => Err(make(format!(
                "{n} validation errors detected: {}",
                self.failures.join("; ")
            ))),
        }
    }
}

fn quote(value: impl std::fmt::Display) -> String {
    format!("'{value}'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_failure_is_worded_as_aws_words_it() {
        let mut v = Validator::new();
        v.string(
            "streamName",
            &Some("bad name!"),
            1,
            128,
            Some(Pattern::Name),
        );
        assert_eq!(
            v.finish().unwrap_err().message(),
            "1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
        );
    }

    #[test]
    fn several_failures_are_counted_and_joined() {
        let mut v = Validator::new();
        v.required::<String>("streamName", &None);
        v.range("shardCount", Some(0), 1, i64::MAX);
        assert_eq!(
            v.finish().unwrap_err().message(),
            "2 validation errors detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null; Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1"
        );
    }

    #[test]
    fn arn_patterns() {
        assert!(Pattern::StreamArn.matches("arn:aws:kinesis:us-east-1:123456789012:stream/s"));
        assert!(!Pattern::StreamArn.matches("arn:aws:kinesis:us-east-1:1234:stream/s"));
        assert!(Pattern::ConsumerArn.matches(
            "arn:aws:kinesis:us-east-1:123456789123:stream/foobar/consumer/test-consumer:1525898737"
        ));
        assert!(
            !Pattern::ConsumerArn.matches("arn:aws:kinesis:us-east-1:123456789123:stream/foobar")
        );
        assert!(Pattern::HashKey.matches("0"));
        assert!(!Pattern::HashKey.matches("01"));
    }
}
