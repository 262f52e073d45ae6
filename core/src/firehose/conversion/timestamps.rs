//! Reading timestamps the way the two JSON deserializers do (reference B.8): OpenX takes epoch
//! seconds or milliseconds (integer or fractional) and the usual text forms; Hive takes
//! `java.sql.Timestamp.valueOf`'s form unless TimestampFormats lists Joda patterns or `millis`.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Epoch values at or above this are milliseconds, below it seconds (10^11 s is the year 5138).
const MILLIS_FROM: f64 = 1e11;

/// A TimestampFormats entry of the Hive deserializer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimestampFormat {
    /// `millis`: epoch milliseconds.
    Millis,
    /// A Joda pattern, translated to chrono's format.
    Pattern(String),
}

impl TimestampFormat {
    /// Parses a TimestampFormats entry; an error names the pattern letter Kinescope does not read.
    pub fn parse(text: &str) -> Result<TimestampFormat, String> {
        if text == "millis" {
            return Ok(TimestampFormat::Millis);
        }
        joda_to_chrono(text).map(TimestampFormat::Pattern)
    }

    fn read(&self, text: &str) -> Option<i64> {
        match self {
            TimestampFormat::Millis => text.trim().parse().ok(),
            TimestampFormat::Pattern(format) => {
                if let Ok(t) = DateTime::parse_from_str(text, format) {
                    return Some(t.timestamp_millis());
                }
                if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
                    return Some(t.and_utc().timestamp_millis());
                }
                NaiveDate::parse_from_str(text, format)
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|t| t.and_utc().timestamp_millis())
            }
        }
    }
}

/// Translates a Joda / Java DateTimeFormatter pattern into chrono's strftime form.
fn joda_to_chrono(pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&d| d == c).count();
        if c == '\'' {
            let end = chars[i + 1..]
                .iter()
                .position(|&d| d == '\'')
                .ok_or_else(|| format!("unterminated quote in timestamp format '{pattern}'"))?;
            let literal: String = chars[i + 1..i + 1 + end].iter().collect();
            out.push_str(&literal.replace('%', "%%"));
            i += end + 2;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            if c == '%' {
                out.push_str("%%");
            } else {
                out.push(c);
            }
            i += 1;
            continue;
        }
        let piece = match (c, run) {
            ('y' | 'u', 2) => "%y",
            ('y' | 'u', _) => "%Y",
            ('M', 1 | 2) => "%m",
            ('M', 3) => "%b",
            ('M', _) => "%B",
            ('d', _) => "%d",
            ('H', _) => "%H",
            ('h', _) => "%I",
            ('m', _) => "%M",
            ('s', _) => "%S",
            ('S', _) => "%f",
            ('a', _) => "%p",
            ('E', 1..=3) => "%a",
            ('E', _) => "%A",
            ('D', _) => "%j",
            ('Z', _) => "%z",
            ('X' | 'x', 1 | 2) => "%z",
            ('X' | 'x', _) => "%:z",
            _ => {
                return Err(format!(
                    "pattern letter '{c}' of timestamp format '{pattern}' is not supported"
                ));
            }
        };
        if c == 'S' && out.ends_with('.') {
            out.pop();
            out.push_str("%.f");
        } else {
            out.push_str(piece);
        }
        i += run;
    }
    Ok(out)
}

/// Epoch seconds or milliseconds, by magnitude.
fn epoch_number(value: f64) -> Option<i64> {
    if !value.is_finite() {
        return None;
    }
    let ms = if value.abs() >= MILLIS_FROM {
        value
    } else {
        value * 1_000.0
    };
    Some(ms.round() as i64)
}

/// `yyyy-[m]m-[d]d hh:mm:ss[.f...]` (java.sql.Timestamp.valueOf), or ISO 8601 with `T`.
fn sql_or_iso(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp_millis());
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc().timestamp_millis());
        }
    }
    None
}

/// OpenX's reading of a timestamp: a number (epoch s / ms), a numeric string, or a text form.
pub fn openx(value: &serde_json::Value) -> Option<i64> {
    match value {
        serde_json::Value::Number(n) => epoch_number(n.as_f64()?),
        serde_json::Value::String(s) => match s.trim().parse::<f64>() {
            Ok(n) => epoch_number(n),
            Err(_) => sql_or_iso(s).or_else(|| {
                NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .ok()?
                    .and_hms_opt(0, 0, 0)
                    .map(|t| t.and_utc().timestamp_millis())
            }),
        },
        _ => None,
    }
}

/// Hive's reading of a timestamp text: the formats given, else java.sql.Timestamp's form.
pub fn hive(text: &str, formats: &[TimestampFormat]) -> Option<i64> {
    if formats.is_empty() {
        return NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S%.f")
            .ok()
            .map(|t| t.and_utc().timestamp_millis());
    }
    formats.iter().find_map(|f| f.read(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const T: i64 = 1_700_000_000_000;

    #[test]
    fn openx_reads_epoch_seconds_millis_and_text() {
        assert_eq!(openx(&json!(1_700_000_000)), Some(T));
        assert_eq!(openx(&json!(1_700_000_000_000i64)), Some(T));
        assert_eq!(openx(&json!(1_700_000_000.5)), Some(T + 500));
        assert_eq!(openx(&json!("1700000000")), Some(T));
        assert_eq!(openx(&json!("2023-11-14 22:13:20")), Some(T));
        assert_eq!(openx(&json!("2023-11-14T22:13:20.250Z")), Some(T + 250));
        assert_eq!(openx(&json!("2023-11-14 22:13:20.1")), Some(T + 100));
        assert_eq!(openx(&json!("yesterday")), None);
        assert_eq!(openx(&json!(true)), None);
    }

    #[test]
    fn hive_reads_sql_timestamps_or_its_formats() {
        assert_eq!(hive("2023-11-14 22:13:20", &[]), Some(T));
        assert_eq!(hive("2023-11-14T22:13:20Z", &[]), None);
        let formats = [
            TimestampFormat::parse("millis").unwrap(),
            TimestampFormat::parse("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").unwrap(),
            TimestampFormat::parse("dd/MM/yyyy HH:mm").unwrap(),
        ];
        assert_eq!(hive("1700000000000", &formats), Some(T));
        assert_eq!(
            hive("2023-11-14T22:13:20.250+00:00", &formats),
            Some(T + 250)
        );
        assert_eq!(hive("14/11/2023 22:13", &formats), Some(T - 20_000));
        assert!(TimestampFormat::parse("yyyy-QQ").is_err());
    }
}
