//! Values of the SQL dialect (reference D): the column types in-application streams declare and
//! what expressions compute, with SQL's NULL and numeric widening.

use std::cmp::Ordering;
use std::fmt;

/// A column type, from its SQL name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlType {
    Boolean,
    Integer,
    Double,
    Varchar,
    Timestamp,
}

impl SqlType {
    /// The type a declaration names (`VARCHAR(16)`, `INTEGER`, `DOUBLE`, `TIMESTAMP`, …).
    pub fn parse(text: &str) -> Option<Self> {
        let base = text
            .split(['(', ' '])
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        Some(match base.as_str() {
            "BOOLEAN" => Self::Boolean,
            "INTEGER" | "INT" | "BIGINT" | "SMALLINT" | "TINYINT" => Self::Integer,
            "DOUBLE" | "REAL" | "FLOAT" | "DECIMAL" | "NUMERIC" => Self::Double,
            "VARCHAR" | "CHAR" | "CHARACTER" | "VARBINARY" | "STRING" => Self::Varchar,
            "TIMESTAMP" | "DATE" | "TIMESTAMP_LTZ" => Self::Timestamp,
            _ => return None,
        })
    }
}

/// A value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Double(f64),
    Text(String),
    /// Epoch milliseconds.
    Timestamp(i64),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The number it is, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Double(d) => Some(*d),
            Value::Timestamp(t) => Some(*t as f64),
            _ => None,
        }
    }

    /// SQL's comparison: NULL compares with nothing; numbers across types; text by bytes.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Null, _) | (_, Value::Null) => None,
            (Value::Text(a), Value::Text(b)) => Some(a.cmp(b)),
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (Value::Timestamp(a), Value::Timestamp(b)) => Some(a.cmp(b)),
            (a, b) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        }
    }

    /// The value as a column of `kind` holds it (NULL when it cannot be).
    pub fn cast(self, kind: SqlType) -> Value {
        match (kind, self) {
            (_, Value::Null) => Value::Null,
            (SqlType::Integer, Value::Double(d)) => Value::Int(d as i64),
            (SqlType::Integer, Value::Text(t)) => t.trim().parse().map_or(Value::Null, Value::Int),
            (SqlType::Integer, Value::Timestamp(t)) => Value::Int(t),
            (SqlType::Double, Value::Int(i)) => Value::Double(i as f64),
            (SqlType::Double, Value::Text(t)) => {
                t.trim().parse().map_or(Value::Null, Value::Double)
            }
            (SqlType::Varchar, Value::Text(t)) => Value::Text(t),
            (SqlType::Varchar, other) => Value::Text(other.to_string()),
            (SqlType::Boolean, Value::Text(t)) => match t.to_ascii_lowercase().as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::Null,
            },
            (SqlType::Timestamp, Value::Int(i)) => Value::Timestamp(i),
            (SqlType::Timestamp, Value::Double(d)) => Value::Timestamp(d as i64),
            (SqlType::Timestamp, Value::Text(t)) => crate::time::Timestamp::parse(&t)
                .map_or(Value::Null, |t| Value::Timestamp(t.millis())),
            (_, value) => value,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Bool(b) => write!(f, "{}", if *b { "TRUE" } else { "FALSE" }),
            Value::Int(i) => write!(f, "{i}"),
            Value::Double(d) => write!(f, "{d}"),
            Value::Text(t) => f.write_str(t),
            Value::Timestamp(t) => {
                let iso = crate::time::Timestamp(*t).iso8601();
                f.write_str(iso.replace('T', " ").trim_end_matches('Z'))
            }
        }
    }
}
