//! The two JSON deserializers' rules (reference B.8): how a record's JSON objects become rows of
//! the table's columns, and which records fail — `DataFormatConversion.ParseError` when the data is
//! not JSON, `DataFormatConversion.MalformedData` when it does not fit the columns. OpenX is
//! lenient (numeric text in numeric columns, keys matched case-insensitively, dots optionally read
//! as underscores, explicit column-to-key mappings); Hive is strict and answers with its Jackson
//! messages. A row comes out as JSON in the shape the Arrow decoder takes for each column's type.

use super::hive_type::HiveType;
use super::timestamps::{self, TimestampFormat};
use serde_json::{Map, Number, Value};
use std::collections::BTreeMap;

/// Why a record could not be converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Not JSON: `DataFormatConversion.ParseError`.
    Parse(String),
    /// JSON that does not fit the columns: `DataFormatConversion.MalformedData`.
    Malformed(String),
}

impl Failure {
    pub fn code(&self) -> &'static str {
        match self {
            Failure::Parse(_) => "DataFormatConversion.ParseError",
            Failure::Malformed(_) => "DataFormatConversion.MalformedData",
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Failure::Parse(m) | Failure::Malformed(m) => m,
        }
    }
}

/// The configured deserializer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deserializer {
    OpenX {
        dots_to_underscores: bool,
        case_insensitive: bool,
        /// Column name → the JSON key it is read from.
        key_of_column: BTreeMap<String, String>,
    },
    Hive {
        timestamp_formats: Vec<TimestampFormat>,
    },
}

const HIVE_PREFIX: &str = "Data does not match the schema.";

fn token_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "VALUE_NULL",
        Value::Bool(true) => "VALUE_TRUE",
        Value::Bool(false) => "VALUE_FALSE",
        Value::Number(n) if n.is_f64() => "VALUE_NUMBER_FLOAT",
        Value::Number(_) => "VALUE_NUMBER_INT",
        Value::String(_) => "VALUE_STRING",
        Value::Array(_) => "START_ARRAY",
        Value::Object(_) => "START_OBJECT",
    }
}

fn short(value: &Value) -> String {
    let mut text = value.to_string();
    if text.len() > 64 {
        let mut end = 61;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("...");
    }
    text
}

impl Deserializer {
    fn is_hive(&self) -> bool {
        matches!(self, Deserializer::Hive { .. })
    }

    /// The key a JSON object's key is matched under.
    fn key_form(&self, key: &str) -> String {
        match self {
            Deserializer::OpenX {
                dots_to_underscores,
                case_insensitive,
                ..
            } => {
                let key = if *dots_to_underscores {
                    key.replace('.', "_")
                } else {
                    key.to_owned()
                };
                if *case_insensitive {
                    key.to_lowercase()
                } else {
                    key
                }
            }
            Deserializer::Hive { .. } => key.to_lowercase(),
        }
    }

    /// The key form a column is looked up under.
    fn column_key(&self, column: &str, top_level: bool) -> String {
        if let Deserializer::OpenX { key_of_column, .. } = self
            && top_level
            && let Some(key) = key_of_column.get(column)
        {
            return self.key_form(key);
        }
        self.key_form(column)
    }

    fn mismatch(&self, column: &str, ty: &HiveType, value: &Value) -> Failure {
        if self.is_hive() {
            let detail = match ty {
                HiveType::Array(_) => "java.io.IOException: Start of Array expected".to_owned(),
                HiveType::Map(..) | HiveType::Struct(_) => {
                    "java.io.IOException: Start of Object expected".to_owned()
                }
                _ => format!(
                    "Current token ({}) not numeric, can not use numeric value accessors",
                    token_name(value)
                ),
            };
            return Failure::Malformed(format!("{HIVE_PREFIX} {detail}"));
        }
        Failure::Malformed(format!(
            "Column '{column}' of type {} cannot hold the value {}",
            type_name(ty),
            short(value)
        ))
    }

    /// The rows of one record: its concatenated JSON objects, each fitted to `columns`.
    pub fn rows(
        &self,
        data: &[u8],
        columns: &[(String, HiveType)],
        rows: &mut Vec<Value>,
    ) -> Result<(), Failure> {
        let start = rows.len();
        let result = self.rows_inner(data, columns, rows);
        if result.is_err() {
            rows.truncate(start);
        }
        result
    }

    fn rows_inner(
        &self,
        data: &[u8],
        columns: &[(String, HiveType)],
        rows: &mut Vec<Value>,
    ) -> Result<(), Failure> {
        for value in serde_json::Deserializer::from_slice(data).into_iter::<Value>() {
            let value = value.map_err(|e| Failure::Parse(format!("Invalid JSON: {e}")))?;
            let Value::Object(object) = value else {
                return Err(if self.is_hive() {
                    Failure::Malformed(format!(
                        "{HIVE_PREFIX} java.io.IOException: Start of Object expected"
                    ))
                } else {
                    Failure::Malformed(format!(
                        "Expected a JSON object for each row, found {}",
                        short(&value)
                    ))
                });
            };
            rows.push(Value::Object(self.fit_object(object, columns, true)?));
        }
        Ok(())
    }

    fn fit_object(
        &self,
        object: Map<String, Value>,
        fields: &[(String, HiveType)],
        top_level: bool,
    ) -> Result<Map<String, Value>, Failure> {
        let mut by_key: BTreeMap<String, Value> = BTreeMap::new();
        for (key, value) in object {
            by_key.entry(self.key_form(&key)).or_insert(value);
        }
        let mut row = Map::new();
        for (name, ty) in fields {
            let value = by_key
                .remove(&self.column_key(name, top_level))
                .unwrap_or(Value::Null);
            row.insert(name.clone(), self.fit(name, ty, value)?);
        }
        Ok(row)
    }

    /// `value` in the form the Arrow decoder takes for `ty`, or why it does not fit.
    fn fit(&self, column: &str, ty: &HiveType, value: Value) -> Result<Value, Failure> {
        if value.is_null() {
            return Ok(Value::Null);
        }
        let hive = self.is_hive();
        let bad = |value: &Value| self.mismatch(column, ty, value);
        if let HiveType::String | HiveType::Varchar(_) | HiveType::Char(_) = ty {
            let text = match value {
                Value::String(s) => s,
                Value::Bool(_) | Value::Number(_) => value.to_string(),
                Value::Array(_) | Value::Object(_) if !hive => value.to_string(),
                other => return Err(bad(&other)),
            };
            return Ok(Value::String(match ty {
                HiveType::Varchar(n) | HiveType::Char(n) => text.chars().take(*n).collect(),
                _ => text,
            }));
        }
        let fitted = match ty {
            HiveType::Boolean => match &value {
                Value::Bool(_) => Some(value.clone()),
                Value::String(s) if !hive => match s.to_ascii_lowercase().as_str() {
                    "true" => Some(Value::Bool(true)),
                    "false" => Some(Value::Bool(false)),
                    _ => None,
                },
                _ => None,
            },
            HiveType::TinyInt | HiveType::SmallInt | HiveType::Int | HiveType::BigInt => {
                let range = match ty {
                    HiveType::TinyInt => i8::MIN as i64..=i8::MAX as i64,
                    HiveType::SmallInt => i16::MIN as i64..=i16::MAX as i64,
                    HiveType::Int => i32::MIN as i64..=i32::MAX as i64,
                    _ => i64::MIN..=i64::MAX,
                };
                let n = match &value {
                    Value::Number(n) => n.as_i64(),
                    Value::String(s) if !hive => s.trim().parse::<i64>().ok(),
                    _ => None,
                };
                n.filter(|n| range.contains(n)).map(Value::from)
            }
            HiveType::Float | HiveType::Double => {
                let n = match &value {
                    Value::Number(n) => n.as_f64(),
                    Value::String(s) if !hive => s.trim().parse::<f64>().ok(),
                    _ => None,
                };
                n.and_then(Number::from_f64).map(Value::Number)
            }
            HiveType::Decimal { precision, scale } => {
                let text = match &value {
                    Value::Number(n) => Some(n.to_string()),
                    Value::String(s) if !hive => Some(s.trim().to_owned()),
                    _ => None,
                };
                text.and_then(|t| decimal_text(&t, *precision, *scale))
                    .map(Value::String)
            }
            HiveType::Binary => match &value {
                Value::String(s) => Some(Value::String(hex(s.as_bytes()))),
                _ => None,
            },
            HiveType::Date => match &value {
                Value::String(s) => chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .ok()
                    .map(|d| Value::String(d.format("%Y-%m-%d").to_string())),
                Value::Number(n) if !hive => n.as_i64().and_then(|days| {
                    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?
                        .checked_add_signed(chrono::TimeDelta::try_days(days)?)
                        .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
                }),
                _ => None,
            },
            HiveType::Timestamp => match self {
                Deserializer::OpenX { .. } => timestamps::openx(&value).map(Value::from),
                Deserializer::Hive { timestamp_formats } => match &value {
                    Value::String(s) => timestamps::hive(s, timestamp_formats).map(Value::from),
                    Value::Number(n) => n.as_i64().map(Value::from),
                    _ => None,
                },
            },
            HiveType::Array(element) => {
                return match value {
                    Value::Array(items) => Ok(Value::Array(
                        items
                            .into_iter()
                            .map(|item| self.fit(column, element, item))
                            .collect::<Result<_, _>>()?,
                    )),
                    other => Err(bad(&other)),
                };
            }
            HiveType::Map(key_type, value_type) => {
                let entries = match value {
                    Value::Object(entries) => entries,
                    other => return Err(bad(&other)),
                };
                {
                    let mut map = Map::new();
                    for (key, item) in entries {
                        let key_value = self.fit(column, key_type, Value::String(key.clone()))?;
                        if key_value.is_null() {
                            return Err(bad(&Value::String(key)));
                        }
                        map.insert(key, self.fit(column, value_type, item)?);
                    }
                    return Ok(Value::Object(map));
                }
            }
            HiveType::Struct(fields) => {
                return match value {
                    Value::Object(object) => {
                        Ok(Value::Object(self.fit_object(object, fields, false)?))
                    }
                    other => Err(bad(&other)),
                };
            }
            HiveType::String | HiveType::Varchar(_) | HiveType::Char(_) => None,
        };
        fitted.ok_or_else(|| bad(&value))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A Hive type as Glue writes it.
pub fn type_name(ty: &HiveType) -> String {
    match ty {
        HiveType::Boolean => "boolean".into(),
        HiveType::TinyInt => "tinyint".into(),
        HiveType::SmallInt => "smallint".into(),
        HiveType::Int => "int".into(),
        HiveType::BigInt => "bigint".into(),
        HiveType::Float => "float".into(),
        HiveType::Double => "double".into(),
        HiveType::Decimal { precision, scale } => format!("decimal({precision},{scale})"),
        HiveType::String => "string".into(),
        HiveType::Varchar(n) => format!("varchar({n})"),
        HiveType::Char(n) => format!("char({n})"),
        HiveType::Binary => "binary".into(),
        HiveType::Date => "date".into(),
        HiveType::Timestamp => "timestamp".into(),
        HiveType::Array(e) => format!("array<{}>", type_name(e)),
        HiveType::Map(k, v) => format!("map<{},{}>", type_name(k), type_name(v)),
        HiveType::Struct(fields) => format!(
            "struct<{}>",
            fields
                .iter()
                .map(|(n, t)| format!("{n}:{}", type_name(t)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// A decimal's text with exactly `scale` fractional digits (rounded half up), if it fits
/// `precision`.
fn decimal_text(text: &str, precision: u8, scale: i8) -> Option<String> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let scale = scale.max(0) as usize;
    let mut units: Vec<u8> = whole.bytes().map(|b| b - b'0').collect();
    let frac: Vec<u8> = fraction.bytes().map(|b| b - b'0').collect();
    units.extend((0..scale).map(|i| frac.get(i).copied().unwrap_or(0)));
    if frac.get(scale).is_some_and(|&d| d >= 5) {
        let mut i = units.len();
        loop {
            if i == 0 {
                units.insert(0, 1);
                break;
            }
            i -= 1;
            if units[i] == 9 {
                units[i] = 0;
            } else {
                units[i] += 1;
                break;
            }
        }
    }
    let first = units.iter().position(|&d| d != 0).unwrap_or(units.len());
    let significant = &units[first..];
    if significant.len() > precision as usize {
        return None;
    }
    let mut out = String::new();
    if negative && !significant.is_empty() {
        out.push('-');
    }
    let split = units.len() - scale;
    let whole_digits = &units[..split];
    let whole_text: String = whole_digits
        .iter()
        .skip_while(|&&d| d == 0)
        .map(|d| (b'0' + d) as char)
        .collect();
    out.push_str(if whole_text.is_empty() {
        "0"
    } else {
        &whole_text
    });
    if scale > 0 {
        out.push('.');
        out.extend(units[split..].iter().map(|d| (b'0' + d) as char));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn openx() -> Deserializer {
        Deserializer::OpenX {
            dots_to_underscores: false,
            case_insensitive: true,
            key_of_column: BTreeMap::new(),
        }
    }

    fn hive() -> Deserializer {
        Deserializer::Hive {
            timestamp_formats: vec![],
        }
    }

    fn columns() -> Vec<(String, HiveType)> {
        vec![
            ("id".into(), HiveType::Int),
            ("name".into(), HiveType::String),
            ("tags".into(), HiveType::Array(Box::new(HiveType::String))),
        ]
    }

    fn rows(d: &Deserializer, data: &str) -> Result<Vec<Value>, Failure> {
        let mut out = Vec::new();
        d.rows(data.as_bytes(), &columns(), &mut out).map(|_| out)
    }

    #[test]
    fn concatenated_objects_are_rows_and_missing_columns_null() {
        let got = rows(&openx(), "{\"id\":1,\"name\":\"a\"} {\"ID\":2}\n").unwrap();
        assert_eq!(
            got,
            vec![
                json!({"id":1,"name":"a","tags":null}),
                json!({"id":2,"name":null,"tags":null})
            ]
        );
    }

    #[test]
    fn openx_is_lenient_and_hive_strict() {
        assert_eq!(
            rows(&openx(), r#"{"id":"7","name":12}"#).unwrap(),
            vec![json!({"id":7,"name":"12","tags":null})]
        );
        let error = rows(&hive(), r#"{"id":"7"}"#).unwrap_err();
        assert_eq!(error.code(), "DataFormatConversion.MalformedData");
        assert_eq!(
            error.message(),
            "Data does not match the schema. Current token (VALUE_STRING) not numeric, can not use numeric value accessors"
        );
        let error = rows(&hive(), r#"{"tags":"x"}"#).unwrap_err();
        assert!(error.message().ends_with("Start of Array expected"));
        let error = rows(&openx(), r#"{"id":"seven"}"#).unwrap_err();
        assert_eq!(error.code(), "DataFormatConversion.MalformedData");
        let error = rows(&openx(), r#"{"id":3000000000}"#).unwrap_err();
        assert_eq!(error.code(), "DataFormatConversion.MalformedData");
    }

    #[test]
    fn not_json_is_a_parse_error_and_an_array_is_malformed() {
        assert_eq!(
            rows(&openx(), "{\"id\":1} not json").unwrap_err().code(),
            "DataFormatConversion.ParseError"
        );
        assert_eq!(
            rows(&openx(), r#"[{"id":1},{"id":2}]"#).unwrap_err().code(),
            "DataFormatConversion.MalformedData"
        );
    }

    #[test]
    fn openx_key_rules() {
        let d = Deserializer::OpenX {
            dots_to_underscores: true,
            case_insensitive: false,
            key_of_column: [("name".to_owned(), "user.Name".to_owned())].into(),
        };
        let cols = vec![
            ("a_b".to_owned(), HiveType::Int),
            ("name".to_owned(), HiveType::String),
            ("c".to_owned(), HiveType::Int),
        ];
        let mut out = Vec::new();
        d.rows(br#"{"a.b":1,"user.Name":"x","C":5}"#, &cols, &mut out)
            .unwrap();
        assert_eq!(out, vec![json!({"a_b":1,"name":"x","c":null})]);
    }

    #[test]
    fn decimals_round_half_up_and_respect_precision() {
        assert_eq!(decimal_text("12.345", 5, 2).as_deref(), Some("12.35"));
        assert_eq!(decimal_text("-0.004", 5, 2).as_deref(), Some("0.00"));
        assert_eq!(decimal_text("999.995", 5, 2), None);
        assert_eq!(decimal_text("7", 3, 0).as_deref(), Some("7"));
        assert_eq!(decimal_text("1e5", 10, 0), None);
    }
}
