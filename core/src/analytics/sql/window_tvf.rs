//! Flink SQL's windowing table functions in a FROM (reference D): `TABLE(TUMBLE(TABLE t,
//! DESCRIPTOR(ts), size[, offset]))`, `HOP(…, slide, size[, offset])` — the slide comes before
//! the size —, `CUMULATE(…, step, maxSize[, offset])` and `SESSION(TABLE t PARTITION BY k,
//! DESCRIPTOR(ts), gap)`. sqlparser reads none of them, so they are found in the text, and the
//! `TABLE(…)` they span stands for its table, keeping every position, for the query around it.

use super::query::{closing, signed_interval_of};
use super::statements::table_call_at;
use crate::analytics::eval::identifier;
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

/// How a windowing function cuts time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowKind {
    Tumble { size_ms: i64 },
    Hop { slide_ms: i64, size_ms: i64 },
    Cumulate { step_ms: i64, max_ms: i64 },
    Session { gap_ms: i64 },
}

/// A windowing table function: its kind, the table and time column it reads, its offset, and
/// (SESSION) the columns it partitions by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowTvf {
    pub kind: WindowKind,
    pub table: String,
    pub time_column: String,
    pub offset_ms: i64,
    pub partition_by: Vec<String>,
}

/// Windows a row may fall in (HOP's size over its slide, CUMULATE's maximum over its step): each
/// holds a group of its own.
const MAX_WINDOWS_PER_ROW: i64 = 1_000;

/// The windowing functions, by name.
const FUNCTIONS: [&str; 4] = ["TUMBLE", "HOP", "CUMULATE", "SESSION"];

impl WindowTvf {
    /// The windows a row at `time` belongs to, as (start, end); SESSION windows are not fixed.
    pub fn windows_of(&self, time: i64) -> Vec<(i64, i64)> {
        // Saturating: a time column may hold any value a record gives it.
        let align = |size: i64| {
            time.saturating_sub(self.offset_ms)
                .div_euclid(size)
                .saturating_mul(size)
                .saturating_add(self.offset_ms)
        };
        match self.kind {
            WindowKind::Tumble { size_ms } => {
                let start = align(size_ms);
                vec![(start, start.saturating_add(size_ms))]
            }
            WindowKind::Hop { slide_ms, size_ms } => {
                let count = (size_ms / slide_ms).max(1);
                let last = align(slide_ms);
                (0..count)
                    .rev()
                    .map(|k| last.saturating_sub(k.saturating_mul(slide_ms)))
                    .map(|start| (start, start.saturating_add(size_ms)))
                    .filter(|(_, end)| *end > time)
                    .collect()
            }
            WindowKind::Cumulate { step_ms, max_ms } => {
                let start = align(max_ms);
                let first_end = align(step_ms).saturating_add(step_ms);
                let last_end = start.saturating_add(max_ms);
                (0..max_ms / step_ms)
                    .map(|k| first_end.saturating_add(k.saturating_mul(step_ms)))
                    .take_while(|end| *end <= last_end)
                    .map(|end| (start, end))
                    .collect()
            }
            WindowKind::Session { .. } => Vec::new(),
        }
    }
}

/// An identifier as written in the function's arguments, resolved as the dialect resolves it.
fn name_of(text: &str) -> Option<String> {
    let mut parser = Parser::new(&GenericDialect {})
        .try_with_sql(text.trim())
        .ok()?;
    match parser.parse_expr().ok()? {
        sqlparser::ast::Expr::Identifier(ident) => Some(identifier(&ident)),
        sqlparser::ast::Expr::CompoundIdentifier(parts) => parts.last().map(identifier),
        _ => None,
    }
}

fn interval_ms(text: &str) -> Option<i64> {
    signed_interval_ms(text).filter(|ms| *ms > 0)
}

/// An offset's interval: Flink takes zero and negative offsets too.
fn signed_interval_ms(text: &str) -> Option<i64> {
    let mut parser = Parser::new(&GenericDialect {})
        .try_with_sql(text.trim())
        .ok()?;
    signed_interval_of(&parser.parse_expr().ok()?)
}

/// The arguments of a call, split at its top-level commas, with where each starts.
fn arguments(text: &str) -> Vec<(usize, &str)> {
    let mut parts = Vec::new();
    let (mut depth, mut start, mut quoted) = (0, 0, false);
    for (i, c) in text.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if depth == 0 && !quoted => {
                parts.push((start, &text[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push((start, &text[start..]));
    parts
}

/// Finds a windowing function in `text`: the function, and the span of the `TABLE(…)` around
/// it. `Err` is an offset into `text` and what is wrong there.
#[allow(clippy::type_complexity)]
pub fn find(text: &str) -> Result<Option<(WindowTvf, std::ops::Range<usize>)>, (usize, String)> {
    let Some(table_at) = table_call_at(text) else {
        return Ok(None);
    };
    let upper = text.to_ascii_uppercase();
    let open = table_at + upper[table_at..].find('(').unwrap_or(0);
    let rest = upper[open + 1..].trim_start();
    let name_at = open + 1 + (upper.len() - open - 1 - rest.len());
    let Some(name) = FUNCTIONS
        .iter()
        .find(|f| rest.starts_with(&format!("{f}(")) || rest.starts_with(&format!("{f} (")))
    else {
        return Ok(None);
    };
    let call_open = name_at + upper[name_at..].find('(').unwrap_or(name.len());
    let call_close = closing(text, call_open)
        .ok_or((call_open, "this parenthesis is never closed".to_owned()))?;
    let table_close = closing(text, open).ok_or((open, "TABLE( is never closed".to_owned()))?;
    let inside = &text[call_open + 1..call_close];
    let args = arguments(inside);
    let at = |offset: usize| call_open + 1 + offset;
    let usage = match *name {
        "TUMBLE" => "TUMBLE(TABLE t, DESCRIPTOR(time_column), size[, offset])",
        "HOP" => "HOP(TABLE t, DESCRIPTOR(time_column), slide, size[, offset])",
        "CUMULATE" => "CUMULATE(TABLE t, DESCRIPTOR(time_column), step, maxSize[, offset])",
        _ => "SESSION(TABLE t PARTITION BY key, DESCRIPTOR(time_column), gap)",
    };
    let wrong =
        |offset: usize, what: &str| Err((at(offset), format!("{what}: {name} takes {usage}")));
    let Some(&(table_offset, table_arg)) = args.first() else {
        return wrong(0, "no arguments");
    };
    let table_text = table_arg.trim_start();
    let Some(after_table) = table_text
        .get(..6)
        .filter(|t| t.eq_ignore_ascii_case("TABLE "))
        .map(|_| &table_text[6..])
    else {
        return wrong(table_offset, "the first argument is TABLE name");
    };
    let (table_name, partition_by) = match after_table.to_ascii_uppercase().find(" PARTITION BY ") {
        Some(p) => {
            let keys = after_table[p + " PARTITION BY ".len()..]
                .split(',')
                .filter_map(name_of)
                .collect();
            (&after_table[..p], keys)
        }
        None => (after_table, Vec::new()),
    };
    let Some(table) = name_of(table_name) else {
        return wrong(table_offset, "the first argument is TABLE name");
    };
    let Some(&(descriptor_offset, descriptor)) = args.get(1) else {
        return wrong(table_offset, "no DESCRIPTOR(time_column)");
    };
    let descriptor = descriptor.trim();
    let time_column = descriptor
        .get(..10)
        .filter(|d| d.eq_ignore_ascii_case("DESCRIPTOR"))
        .and_then(|_| descriptor[10..].trim().strip_prefix('('))
        .and_then(|d| d.strip_suffix(')'))
        .and_then(name_of);
    let Some(time_column) = time_column else {
        return wrong(
            descriptor_offset,
            "the second argument is DESCRIPTOR(time_column)",
        );
    };
    // The argument after the sizes is the offset, which may be zero or negative.
    let sizes = match *name {
        "TUMBLE" => 1,
        "HOP" | "CUMULATE" => 2,
        _ => usize::MAX,
    };
    let intervals: Vec<(usize, Option<i64>)> = args[2..]
        .iter()
        .enumerate()
        .map(|(i, (offset, text))| match i < sizes {
            true => (*offset, interval_ms(text)),
            false => (*offset, signed_interval_ms(text)),
        })
        .collect();
    if let Some((i, (offset, _))) = intervals
        .iter()
        .enumerate()
        .find(|(_, (_, ms))| ms.is_none())
    {
        return match i < sizes {
            true => wrong(*offset, "expected an INTERVAL from 1 ms to 366 days"),
            false => wrong(
                *offset,
                "the offset is an INTERVAL within 366 days either way",
            ),
        };
    }
    let ms: Vec<i64> = intervals.iter().filter_map(|(_, ms)| *ms).collect();
    let (kind, offset_ms) = match (*name, &ms[..]) {
        ("TUMBLE", [size]) => (WindowKind::Tumble { size_ms: *size }, 0),
        ("TUMBLE", [size, offset]) => (WindowKind::Tumble { size_ms: *size }, *offset),
        ("HOP", [slide, size]) | ("HOP", [slide, size, _]) => {
            if size % slide != 0 || size / slide > MAX_WINDOWS_PER_ROW {
                return wrong(
                    args[3].0,
                    "the size must be a whole number of slides, at most 1,000 of them",
                );
            }
            let offset = ms.get(2).copied().unwrap_or(0);
            (
                WindowKind::Hop {
                    slide_ms: *slide,
                    size_ms: *size,
                },
                offset,
            )
        }
        ("CUMULATE", [step, max]) | ("CUMULATE", [step, max, _]) => {
            if max % step != 0 || max / step > MAX_WINDOWS_PER_ROW {
                return wrong(
                    args[3].0,
                    "maxSize must be a whole number of steps, at most 1,000 of them",
                );
            }
            let offset = ms.get(2).copied().unwrap_or(0);
            (
                WindowKind::Cumulate {
                    step_ms: *step,
                    max_ms: *max,
                },
                offset,
            )
        }
        ("SESSION", [gap]) => (WindowKind::Session { gap_ms: *gap }, 0),
        _ => return wrong(0, "wrong number of arguments"),
    };
    Ok(Some((
        WindowTvf {
            kind,
            table,
            time_column,
            offset_ms,
            partition_by,
        },
        table_at..table_close + 1,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tvf(text: &str) -> WindowTvf {
        find(text).unwrap().unwrap().0
    }

    #[test]
    fn the_four_functions_are_read_with_their_intervals() {
        let t = tvf("FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))");
        assert_eq!(t.kind, WindowKind::Tumble { size_ms: 600_000 });
        assert_eq!(
            (t.table.as_str(), t.time_column.as_str()),
            ("BIDS", "BIDTIME")
        );
        let h = tvf(
            "FROM TABLE(HOP(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES, INTERVAL '10' MINUTES))",
        );
        assert_eq!(
            h.kind,
            WindowKind::Hop {
                slide_ms: 300_000,
                size_ms: 600_000
            }
        );
        let c = tvf(
            "FROM TABLE(CUMULATE(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '2' MINUTES, INTERVAL '10' MINUTES))",
        );
        assert_eq!(
            c.kind,
            WindowKind::Cumulate {
                step_ms: 120_000,
                max_ms: 600_000
            }
        );
        let s = tvf(
            "FROM TABLE(SESSION(TABLE bids PARTITION BY item, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES))",
        );
        assert_eq!(s.kind, WindowKind::Session { gap_ms: 300_000 });
        assert_eq!(s.partition_by, ["ITEM"]);
    }

    #[test]
    fn rows_fall_in_the_windows_flink_gives_them() {
        let h = tvf(
            "FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))",
        );
        assert_eq!(h.windows_of(12_000), [(5_000, 15_000), (10_000, 20_000)]);
        let c = tvf(
            "FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND))",
        );
        assert_eq!(
            c.windows_of(7_000),
            [(6_000, 8_000), (6_000, 10_000), (6_000, 12_000)]
        );
        let t = tvf(
            "FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '1' SECOND))",
        );
        assert_eq!(t.windows_of(10_500), [(1_000, 11_000)]);
    }

    #[test]
    fn mistakes_are_refused_where_they_are() {
        let text =
            "FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '3' SECOND, INTERVAL '10' SECOND))";
        let (at, message) = find(text).unwrap_err();
        assert!(message.contains("whole number of slides"), "{message}");
        assert_eq!(&text[at..at + 1], " ");
        let (_, message) =
            find("FROM TABLE(TUMBLE(TABLE t, ts, INTERVAL '1' SECOND))").unwrap_err();
        assert!(message.contains("DESCRIPTOR"), "{message}");
        assert!(
            find("FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM * FROM s)))")
                .unwrap()
                .is_none()
        );
    }
}
