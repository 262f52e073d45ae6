//! S3 object keys as Firehose forms them (reference B.4): the Prefix and ErrorOutputPrefix
//! expressions `!{namespace:value}`, their rules, and the default file name.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// Longest evaluated prefix AWS accepts.
pub const MAX_EVALUATED_PREFIX: usize = 512;
/// Characters of `!{firehose:random-string}`.
const RANDOM_STRING_LEN: usize = 11;
/// What Firehose appends to a prefix that has no timestamp expression.
const DEFAULT_TIMESTAMP: &str = "yyyy/MM/dd/HH/";

/// One piece of a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    /// A Java DateTimeFormatter pattern, translated.
    Timestamp(Vec<TimePart>),
    RandomString,
    ErrorOutputType,
    PartitionKeyFromQuery(String),
    PartitionKeyFromLambda(String),
}

/// A piece of a translated timestamp pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TimePart {
    /// A chrono format string (checked to be valid).
    Chrono(String),
    /// Fraction of a second to this many digits (`S`, `SS`, `SSS`, …).
    Fraction(usize),
}

fn format_time(parts: &[TimePart], at: &DateTime<Utc>) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            TimePart::Chrono(format) => {
                use std::fmt::Write;
                // Checked at parse time; a failure writes nothing rather than panicking.
                let _ = write!(out, "{}", at.format(format));
            }
            TimePart::Fraction(digits) => {
                let millis = format!("{:03}", at.timestamp_subsec_millis());
                let padded = format!("{millis:0<width$}", width = (*digits).max(3));
                out.push_str(&padded[..*digits]);
            }
        }
    }
    out
}

/// Which prefix is being parsed: the rules differ (B.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrefixKind {
    /// `Prefix`.
    Data,
    /// `ErrorOutputPrefix`.
    Error,
}

/// A parsed, validated prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefix {
    pieces: Vec<Piece>,
}

/// What error output an error object holds (`!{firehose:error-output-type}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorOutputType {
    ProcessingFailed,
    OpenSearchFailed,
    SplunkFailed,
    FormatConversionFailed,
    HttpEndpointFailed,
}

impl ErrorOutputType {
    /// The text the expression evaluates to.
    pub fn text(self) -> &'static str {
        match self {
            Self::ProcessingFailed => "processing-failed",
            Self::OpenSearchFailed => "AmazonOpenSearchService-failed",
            Self::SplunkFailed => "splunk-failed",
            Self::FormatConversionFailed => "format-conversion-failed",
            Self::HttpEndpointFailed => "http-endpoint-failed",
        }
    }
}

/// What a prefix is evaluated with.
pub struct KeyContext<'a> {
    /// Approximate arrival of the oldest record in the object, epoch ms.
    pub oldest_arrival_ms: i64,
    /// The error output type (error objects only).
    pub error_output_type: Option<ErrorOutputType>,
    /// Partition keys from the query (dynamic partitioning).
    pub keys_from_query: &'a BTreeMap<String, String>,
    /// Partition keys from the Lambda function (dynamic partitioning).
    pub keys_from_lambda: &'a BTreeMap<String, String>,
}

impl Prefix {
    /// Parses `text` as a prefix of `kind`, applying AWS's rules; the error is the
    /// InvalidArgumentException text.
    pub fn parse(text: &str, kind: PrefixKind) -> Result<Prefix, String> {
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("!{") {
            if start > 0 {
                pieces.push(Piece::Literal(rest[..start].to_owned()));
            }
            let after = &rest[start + 2..];
            let end = after.find('}').ok_or_else(|| {
                format!(
                    "The expression starting at '{}' is not closed with '}}'.",
                    &rest[start..]
                )
            })?;
            pieces.push(expression(&after[..end], kind)?);
            rest = &after[end + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Literal(rest.to_owned()));
        }
        let has = |f: fn(&Piece) -> bool| pieces.iter().any(f);
        if kind == PrefixKind::Data && has(|p| matches!(p, Piece::ErrorOutputType)) {
            return Err("The '!{firehose:error-output-type}' expression is only allowed in the ErrorOutputPrefix.".into());
        }
        let partitioned = |p: &Piece| {
            matches!(
                p,
                Piece::PartitionKeyFromQuery(_) | Piece::PartitionKeyFromLambda(_)
            )
        };
        if kind == PrefixKind::Error && has(partitioned) {
            return Err(
                "Dynamic partitioning expressions are not allowed in the ErrorOutputPrefix.".into(),
            );
        }
        // A dynamically partitioned prefix gets no timestamp appended: AWS's documented example
        // delivers `customer_id=1234/device=mobile/year=2019/…/hour=20/NAME-…` as written.
        if !has(|p| matches!(p, Piece::Timestamp(_))) && !has(partitioned) {
            if kind == PrefixKind::Error && !has(|p| matches!(p, Piece::ErrorOutputType)) {
                pieces.push(Piece::ErrorOutputType);
            }
            pieces.push(Piece::Timestamp(java_to_chrono(DEFAULT_TIMESTAMP)?));
        }
        Ok(Prefix { pieces })
    }

    /// The ErrorOutputPrefix used when none is set: `<error-output-type>/yyyy/MM/dd/HH/`.
    pub fn default_error() -> Prefix {
        Prefix {
            pieces: vec![
                Piece::ErrorOutputType,
                Piece::Literal("/".into()),
                Piece::Timestamp(java_to_chrono(DEFAULT_TIMESTAMP).unwrap_or_default()),
            ],
        }
    }

    /// Whether the text has any expression (`!{`).
    pub fn has_expressions(text: &str) -> bool {
        text.contains("!{")
    }

    /// Whether the prefix has a dynamic-partitioning expression.
    pub fn is_partitioned(&self) -> bool {
        self.pieces.iter().any(|p| {
            matches!(
                p,
                Piece::PartitionKeyFromQuery(_) | Piece::PartitionKeyFromLambda(_)
            )
        })
    }

    /// The keys the prefix reads: (from the query, from the Lambda function).
    pub fn partition_keys(&self) -> (Vec<&str>, Vec<&str>) {
        let mut query = Vec::new();
        let mut lambda = Vec::new();
        for piece in &self.pieces {
            match piece {
                Piece::PartitionKeyFromQuery(key) => query.push(key.as_str()),
                Piece::PartitionKeyFromLambda(key) => lambda.push(key.as_str()),
                _ => {}
            }
        }
        (query, lambda)
    }

    /// Evaluates the prefix; `random` gives the characters of each random string. Errors name a
    /// partition key that has no value, or an evaluated prefix longer than AWS allows.
    pub fn evaluate(
        &self,
        context: &KeyContext<'_>,
        mut random: impl FnMut(usize) -> String,
    ) -> Result<String, String> {
        let at =
            DateTime::<Utc>::from_timestamp_millis(context.oldest_arrival_ms).unwrap_or_default();
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Literal(text) => out.push_str(text),
                Piece::Timestamp(parts) => out.push_str(&format_time(parts, &at)),
                Piece::RandomString => out.push_str(&random(RANDOM_STRING_LEN)),
                Piece::ErrorOutputType => out.push_str(
                    context
                        .error_output_type
                        .unwrap_or(ErrorOutputType::ProcessingFailed)
                        .text(),
                ),
                Piece::PartitionKeyFromQuery(key) => out.push_str(
                    context
                        .keys_from_query
                        .get(key)
                        .ok_or_else(|| format!("partitionKeyFromQuery:{key} has no value"))?,
                ),
                Piece::PartitionKeyFromLambda(key) => out.push_str(
                    context
                        .keys_from_lambda
                        .get(key)
                        .ok_or_else(|| format!("partitionKeyFromLambda:{key} has no value"))?,
                ),
            }
        }
        if out.chars().count() > MAX_EVALUATED_PREFIX {
            return Err(format!(
                "The evaluated prefix is longer than {MAX_EVALUATED_PREFIX} characters."
            ));
        }
        Ok(out)
    }
}

fn expression(body: &str, kind: PrefixKind) -> Result<Piece, String> {
    let invalid = || format!("The expression '!{{{body}}}' is not valid.");
    let (namespace, value) = body.split_once(':').ok_or_else(invalid)?;
    match (namespace, value) {
        ("timestamp", pattern) if !pattern.is_empty() => {
            Ok(Piece::Timestamp(java_to_chrono(pattern)?))
        }
        ("firehose", "random-string") => Ok(Piece::RandomString),
        ("firehose", "error-output-type") if kind == PrefixKind::Error => {
            Ok(Piece::ErrorOutputType)
        }
        ("firehose", "error-output-type") => Err(
            "The '!{firehose:error-output-type}' expression is only allowed in the ErrorOutputPrefix."
                .into(),
        ),
        ("partitionKeyFromQuery", key) if !key.is_empty() => {
            Ok(Piece::PartitionKeyFromQuery(key.to_owned()))
        }
        ("partitionKeyFromLambda", key) if !key.is_empty() => {
            Ok(Piece::PartitionKeyFromLambda(key.to_owned()))
        }
        _ => Err(invalid()),
    }
}

/// Translates a Java DateTimeFormatter pattern (the letters Firehose prefixes use) into a chrono
/// format string: letters are fields, `'…'` is literal text, anything else stands for itself.
fn java_to_chrono(pattern: &str) -> Result<Vec<TimePart>, String> {
    let mut parts = Vec::new();
    let mut out = String::new();
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let close = chars[i + 1..].iter().position(|&q| q == '\'');
            let Some(len) = close else {
                return Err(format!(
                    "The timestamp format '{pattern}' has an unclosed quote."
                ));
            };
            if len == 0 {
                out.push('\'');
            } else {
                chars[i + 1..i + 1 + len]
                    .iter()
                    .for_each(|&l| push_literal(&mut out, l));
            }
            i += len + 2;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            push_literal(&mut out, c);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&r| r == c).count();
        let field = match (c, run) {
            ('y' | 'u', 2) => "%y",
            ('y' | 'u', _) => "%Y",
            ('M', 1) => "%-m",
            ('M', 2) => "%m",
            ('M', 3) => "%b",
            ('M', _) => "%B",
            ('d', 1) => "%-d",
            ('d', _) => "%d",
            ('D', 1 | 2) => "%-j",
            ('D', _) => "%j",
            ('H', 1) => "%-H",
            ('H', _) => "%H",
            ('h', 1) => "%-I",
            ('h', _) => "%I",
            ('m', 1) => "%-M",
            ('m', _) => "%M",
            ('s', 1) => "%-S",
            ('s', _) => "%S",
            ('S', digits) => {
                if !out.is_empty() {
                    parts.push(TimePart::Chrono(std::mem::take(&mut out)));
                }
                parts.push(TimePart::Fraction(digits.min(9)));
                i += run;
                continue;
            }
            ('E', 1..=3) => "%a",
            ('E', _) => "%A",
            ('a', _) => "%p",
            _ => {
                return Err(format!(
                    "The timestamp format '{pattern}' uses '{}', which is not a supported pattern letter.",
                    chars[i..i + run].iter().collect::<String>()
                ));
            }
        };
        out.push_str(field);
        i += run;
    }
    if !out.is_empty() {
        parts.push(TimePart::Chrono(out));
    }
    let invalid = parts.iter().any(|part| match part {
        TimePart::Chrono(format) => chrono::format::StrftimeItems::new(format)
            .any(|item| matches!(item, chrono::format::Item::Error)),
        TimePart::Fraction(_) => false,
    });
    if invalid {
        return Err(format!("The timestamp format '{pattern}' is not valid."));
    }
    Ok(parts)
}

fn push_literal(out: &mut String, c: char) {
    if c == '%' {
        out.push_str("%%");
    } else {
        out.push(c);
    }
}

/// The default file name: `NAME-VERSION-yyyy-MM-dd-HH-mm-ss-UUID` (UTC, the oldest record's
/// arrival).
pub fn file_name(stream: &str, version: u64, oldest_arrival_ms: i64, uuid: &str) -> String {
    let at = DateTime::<Utc>::from_timestamp_millis(oldest_arrival_ms).unwrap_or_default();
    format!(
        "{stream}-{version}-{}-{uuid}",
        at.format("%Y-%m-%d-%H-%M-%S")
    )
}

#[cfg(test)]
#[path = "object_key_tests.rs"]
mod tests;
