//! The aggregates of the dialect (reference D) — COUNT, SUM, AVG, MIN, MAX — as running
//! accumulators, for tumbling windows' groups and sliding windows' partitions alike.

use super::value::Value;

/// A running aggregate.
#[derive(Debug, Clone, PartialEq)]
pub enum Accumulator {
    Count(i64),
    Sum(Option<f64>, bool),
    Avg(f64, i64),
    Min(Option<Value>),
    Max(Option<Value>),
}

impl Accumulator {
    /// The accumulator of aggregate `name` (COUNT, SUM, AVG, MIN or MAX).
    pub fn new(name: &str) -> Self {
        match name {
            "COUNT" => Self::Count(0),
            "SUM" => Self::Sum(None, true),
            "AVG" => Self::Avg(0.0, 0),
            "MIN" => Self::Min(None),
            _ => Self::Max(None),
        }
    }

    /// Takes one value (NULLs are left out, as SQL's aggregates do).
    pub fn add(&mut self, value: Value) {
        if value.is_null() {
            return;
        }
        match self {
            Self::Count(n) => *n += 1,
            Self::Sum(sum, integral) => {
                *integral &= matches!(value, Value::Int(_));
                *sum = Some(sum.unwrap_or(0.0) + value.as_f64().unwrap_or(0.0));
            }
            Self::Avg(sum, n) => {
                *sum += value.as_f64().unwrap_or(0.0);
                *n += 1;
            }
            Self::Min(min) => {
                if min
                    .as_ref()
                    .is_none_or(|m| value.compare(m).is_some_and(|o| o.is_lt()))
                {
                    *min = Some(value);
                }
            }
            Self::Max(max) => {
                if max
                    .as_ref()
                    .is_none_or(|m| value.compare(m).is_some_and(|o| o.is_gt()))
                {
                    *max = Some(value);
                }
            }
        }
    }

    /// What it comes to: NULL over no values, but COUNT's 0.
    pub fn result(&self) -> Value {
        match self {
            Self::Count(n) => Value::Int(*n),
            Self::Sum(None, _) => Value::Null,
            Self::Sum(Some(sum), true) => Value::Int(*sum as i64),
            Self::Sum(Some(sum), false) => Value::Double(*sum),
            Self::Avg(_, 0) => Value::Null,
            Self::Avg(sum, n) => Value::Double(sum / *n as f64),
            Self::Min(v) | Self::Max(v) => v.clone().unwrap_or(Value::Null),
        }
    }
}
