//! TOP_K_ITEMS_TUMBLING and COUNT_DISTINCT_ITEMS_TUMBLING (reference D): the values of one column
//! counted in tumbling windows of `windowSize` seconds on ROWTIME; when a window closes, the `K`
//! most frequent values with their counts (ITEM, ITEM_COUNT), or how many distinct values it saw
//! (NUMBER_OF_DISTINCT_ITEMS). AWS approximates both (Space-Saving, HyperLogLog — exact up to
//! 10,000 items); Kinescope counts exactly, which is within both approximations' bounds.

use super::value::{SqlType, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What a closed window gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemsKind {
    /// The K most frequent items.
    TopK(usize),
    /// How many distinct items.
    CountDistinct,
}

/// One column's values counted per tumbling window.
#[derive(Debug, Clone)]
pub struct TumblingItems {
    pub kind: ItemsKind,
    /// The counted column's place among the cursor's columns.
    pub column: usize,
    pub window_ms: i64,
    /// Open windows by start: each item's count, and the order items first came in.
    windows: BTreeMap<i64, (HashMap<String, u64>, Vec<String>)>,
}

/// Parses `'column'`, the column name in single quotes as AWS writes it.
fn quoted_column(arg: &str) -> Result<String, String> {
    let inner = arg
        .strip_prefix('\'')
        .and_then(|a| a.strip_suffix('\''))
        .ok_or_else(|| {
            format!("the column name is given in single quotes ('COLUMN'), not {arg}")
        })?;
    Ok(inner.to_owned())
}

fn integer_in(arg: &str, what: &str, min: i64, max: i64) -> Result<i64, String> {
    let value: i64 = arg
        .parse()
        .map_err(|_| format!("{what} must be a whole number, not {arg}"))?;
    if !(min..=max).contains(&value) {
        return Err(format!(
            "{what} must be between {min} and {max}, not {value}"
        ));
    }
    Ok(value)
}

impl TumblingItems {
    /// The counter `args` describe (`'column', K, windowSize` or `'column', windowSize`) over a
    /// cursor of `columns`.
    pub fn new(name: &str, args: &[String], columns: &[(String, SqlType)]) -> Result<Self, String> {
        let top_k = name == "TOP_K_ITEMS_TUMBLING";
        let expected = if top_k { 3 } else { 2 };
        if args.len() != expected {
            let form = if top_k {
                "CURSOR(…), 'column', K, windowSize"
            } else {
                "CURSOR(…), 'column', windowSize"
            };
            return Err(format!(
                "{name} takes ({form}), {} parameters given",
                args.len()
            ));
        }
        let column_name = quoted_column(&args[0])?;
        let column = columns
            .iter()
            .position(|(c, _)| *c == column_name)
            .ok_or_else(|| format!("the cursor has no column {column_name}"))?;
        let kind = if top_k {
            ItemsKind::TopK(integer_in(&args[1], "K", 1, 100_000)? as usize)
        } else {
            ItemsKind::CountDistinct
        };
        let seconds = integer_in(&args[expected - 1], "windowSize", 1, 3_600)?;
        Ok(Self {
            kind,
            column,
            window_ms: seconds * 1_000,
            windows: BTreeMap::new(),
        })
    }

    /// The columns a closed window's rows have.
    pub fn output_columns(&self, columns: &[(String, SqlType)]) -> Vec<(String, SqlType)> {
        match self.kind {
            ItemsKind::TopK(_) => vec![
                ("ITEM".into(), columns[self.column].1),
                ("ITEM_COUNT".into(), SqlType::Integer),
            ],
            ItemsKind::CountDistinct => {
                vec![("NUMBER_OF_DISTINCT_ITEMS".into(), SqlType::Integer)]
            }
        }
    }

    /// Counts one row's value in the window its ROWTIME falls in.
    pub fn count(&mut self, values: &[Value], rowtime_ms: i64) {
        let value = &values[self.column];
        if value.is_null() {
            return;
        }
        let start = rowtime_ms.div_euclid(self.window_ms) * self.window_ms;
        let (counts, order) = self.windows.entry(start).or_default();
        let key = value.to_string();
        let count = counts.entry(key.clone()).or_insert(0);
        if *count == 0 {
            order.push(key);
        }
        *count += 1;
    }

    /// The rows of every window that ends at or before `now`, each with its ROWTIME (the end).
    pub fn close_until(&mut self, now: i64, kind_of_item: SqlType) -> Vec<(i64, Vec<Value>)> {
        let due: Vec<i64> = self
            .windows
            .keys()
            .copied()
            .take_while(|start| start.saturating_add(self.window_ms) <= now)
            .collect();
        let mut rows = Vec::new();
        for start in due {
            let Some((counts, order)) = self.windows.remove(&start) else {
                continue;
            };
            let end = start + self.window_ms;
            match self.kind {
                ItemsKind::CountDistinct => {
                    let distinct: HashSet<&String> = counts.keys().collect();
                    rows.push((end, vec![Value::Int(distinct.len() as i64)]));
                }
                ItemsKind::TopK(k) => {
                    let mut ranked: Vec<(usize, &String)> = order.iter().enumerate().collect();
                    // Most frequent first; ties in the order the items first came.
                    ranked.sort_by_key(|(first, item)| (std::cmp::Reverse(counts[*item]), *first));
                    for (_, item) in ranked.into_iter().take(k) {
                        let value = Value::Text(item.clone()).cast(kind_of_item);
                        rows.push((end, vec![value, Value::Int(counts[item] as i64)]));
                    }
                }
            }
        }
        rows
    }

    /// When the oldest open window closes.
    pub fn next_close_ms(&self) -> Option<i64> {
        self.windows.keys().next().map(|s| s + self.window_ms)
    }
}
