//! A staged object's bytes read into table rows as Redshift's COPY reads them: delimited text,
//! CSV, or JSON objects matched to columns by name; a line that cannot be read is a load error
//! (Redshift's `stl_load_errors` reasons), counted against MAXERROR.

use super::copy_options::{CopyPlan, DataFormat, TimeFormat};
use serde_json::Value;

/// What a column takes, as far as reading values goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// CHAR / VARCHAR / TEXT: an empty field is an empty string.
    Text,
    /// TIMESTAMP / TIMESTAMPTZ: TIMEFORMAT 'epochsecs' / 'epochmillisecs' apply.
    Timestamp,
    /// Anything else: an empty field is NULL.
    Other,
}

/// A column rows are loaded into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: ColumnKind,
}

/// One row: a value per column, `None` for NULL.
pub type Row = Vec<Option<String>>;

/// A line that could not be loaded: its number in the object (from 1) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub line: usize,
    pub reason: String,
}

/// What one object gave.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadRows {
    pub rows: Vec<Row>,
    /// The lines that failed.
    pub errors: Vec<LoadError>,
    /// Per column, whether any row gave it a value or a null: JSON objects that never name a
    /// column leave it to its DEFAULT.
    pub present: Vec<bool>,
}

/// The rows of one (decompressed) object.
pub fn read_rows(body: &[u8], plan: &CopyPlan, columns: &[Column]) -> ReadRows {
    let (fields, mut errors) = match &plan.format {
        DataFormat::JsonAuto { ignore_case } => {
            return json_rows(body, *ignore_case, plan, columns);
        }
        DataFormat::Csv { delimiter, quote } => csv_fields(body, *delimiter, *quote, plan),
        DataFormat::Delimited { delimiter } => delimited_fields(body, *delimiter, plan),
    };
    let mut rows = Vec::with_capacity(fields.len());
    for (line, mut values) in fields {
        if values.len() < columns.len() && plan.fill_record {
            values.resize(columns.len(), None);
        }
        if values.len() != columns.len() {
            let reason = if values.len() < columns.len() {
                "Delimiter not found"
            } else {
                "Extra column(s) found"
            };
            errors.push(LoadError {
                line,
                reason: reason.into(),
            });
            continue;
        }
        let row = values
            .into_iter()
            .zip(columns)
            .map(|(value, column)| finish_value(value, column, plan))
            .collect();
        match row {
            Ok(row) => rows.push(row),
            Err(reason) => errors.push(LoadError { line, reason }),
        }
    }
    ReadRows {
        rows,
        errors,
        present: vec![true; columns.len()],
    }
}

/// A field's text as the column takes it: NULL rules, blanks, epoch timestamps.
fn finish_value(
    value: Option<String>,
    column: &Column,
    plan: &CopyPlan,
) -> Result<Option<String>, String> {
    let Some(mut text) = value else {
        return Ok(None);
    };
    if plan.trim_blanks {
        text.truncate(text.trim_end_matches(' ').len());
    }
    let blank = text.trim().is_empty();
    if (plan.empty_as_null && text.is_empty())
        || (plan.blanks_as_null && blank)
        || (column.kind != ColumnKind::Text && text.is_empty())
    {
        return Ok(None);
    }
    if column.kind == ColumnKind::Timestamp && plan.time_format != TimeFormat::AsWritten {
        return epoch_timestamp(&text, plan.time_format).map(Some);
    }
    Ok(Some(text))
}

/// `text` (seconds or milliseconds since 1970) as a timestamp PostgreSQL reads.
fn epoch_timestamp(text: &str, format: TimeFormat) -> Result<String, String> {
    let number: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("Invalid timestamp format or value [{text}]"))?;
    let millis = match format {
        TimeFormat::EpochSeconds => number * 1_000.0,
        _ => number,
    };
    chrono::DateTime::from_timestamp_millis(millis as i64)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
        .ok_or_else(|| format!("Invalid timestamp format or value [{text}]"))
}

type Fields = Vec<(usize, Vec<Option<String>>)>;

/// The object's lines after IGNOREHEADER, numbered from 1, blank ones dropped when asked.
fn lines<'a>(body: &'a str, plan: &'a CopyPlan) -> impl Iterator<Item = (usize, &'a str)> {
    body.split('\n')
        .enumerate()
        .skip(plan.ignore_header)
        .map(|(i, line)| (i + 1, line.strip_suffix('\r').unwrap_or(line)))
        .filter(|(_, line)| !(line.is_empty() && plan.ignore_blank_lines))
}

fn text_of(body: &[u8]) -> Result<&str, LoadError> {
    std::str::from_utf8(body).map_err(|e| LoadError {
        line: 1 + body[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count(),
        reason: "Invalid or unsupported characters found (not UTF-8; is the object compressed without GZIP in the COPY options?)".into(),
    })
}

fn delimited_fields(body: &[u8], delimiter: char, plan: &CopyPlan) -> (Fields, Vec<LoadError>) {
    let text = match text_of(body) {
        Ok("") => return (Vec::new(), Vec::new()),
        Ok(text) => text.strip_suffix('\n').unwrap_or(text),
        Err(error) => return (Vec::new(), vec![error]),
    };
    let mut rows = Vec::new();
    for (line, content) in lines(text, plan) {
        // Each field as read and as written: NULL AS compares the text as written.
        let mut fields = Vec::new();
        let (mut field, mut raw) = (String::new(), String::new());
        let mut chars = content.chars();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            if c == delimiter && !quoted {
                fields.push((std::mem::take(&mut field), std::mem::take(&mut raw)));
                continue;
            }
            raw.push(c);
            match c {
                '\\' if plan.escape => {
                    let escaped = chars.next();
                    raw.extend(escaped);
                    field.extend(escaped);
                }
                '"' if plan.remove_quotes && (quoted || field.is_empty()) => quoted = !quoted,
                c => field.push(c),
            }
        }
        fields.push((field, raw));
        let values = fields
            .into_iter()
            .map(|(f, raw)| (raw != plan.null_as).then_some(f))
            .collect();
        rows.push((line, values));
    }
    (rows, Vec::new())
}

fn csv_fields(
    body: &[u8],
    delimiter: char,
    quote: char,
    plan: &CopyPlan,
) -> (Fields, Vec<LoadError>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter as u8)
        .quote(quote as u8)
        .from_reader(body);
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    for record in reader.byte_records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                errors.push(LoadError {
                    line,
                    reason: format!("Invalid CSV: {e}"),
                });
                break;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if line <= plan.ignore_header {
            continue;
        }
        let values: Result<Vec<_>, _> = record
            .iter()
            .map(|field| {
                std::str::from_utf8(field)
                    .map(|f| (f != plan.null_as).then(|| f.to_owned()))
                    .map_err(|_| "Invalid or unsupported characters found".to_owned())
            })
            .collect();
        match values {
            Ok(values) => rows.push((line, values)),
            Err(reason) => errors.push(LoadError { line, reason }),
        }
    }
    (rows, errors)
}

fn json_rows(body: &[u8], ignore_case: bool, plan: &CopyPlan, columns: &[Column]) -> ReadRows {
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    let mut present = vec![false; columns.len()];
    let mut stream = serde_json::Deserializer::from_slice(body).into_iter::<Value>();
    loop {
        let start = body[stream.byte_offset().min(body.len())..]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map_or(body.len(), |skipped| stream.byte_offset() + skipped);
        let line = 1 + body[..start].iter().filter(|&&b| b == b'\n').count();
        let value = match stream.next() {
            None => break,
            Some(Ok(value)) => value,
            Some(Err(e)) => {
                // The rest of the object cannot be read past a broken value.
                errors.push(LoadError {
                    line,
                    reason: format!("Invalid JSONPath format or JSON object: {e}"),
                });
                break;
            }
        };
        let Value::Object(members) = value else {
            errors.push(LoadError {
                line,
                reason: "Invalid JSONPath format: Member is not an object.".into(),
            });
            continue;
        };
        let row: Result<Row, String> = columns
            .iter()
            .zip(present.iter_mut())
            .map(|(column, present)| {
                let found = if ignore_case {
                    members
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(&column.name))
                        .map(|(_, v)| v)
                } else {
                    members.get(&column.name)
                };
                *present |= found.is_some();
                let text = match found {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(other) => Some(other.to_string()),
                };
                finish_value(text, column, plan)
            })
            .collect();
        match row {
            Ok(row) => rows.push(row),
            Err(reason) => errors.push(LoadError { line, reason }),
        }
    }
    ReadRows {
        rows,
        errors,
        present,
    }
}

#[cfg(test)]
mod tests {
    use super::super::copy_options::parse;
    use super::*;

    fn columns(spec: &[(&str, ColumnKind)]) -> Vec<Column> {
        spec.iter()
            .map(|(name, kind)| Column {
                name: (*name).into(),
                kind: *kind,
            })
            .collect()
    }

    fn s(text: &str) -> Option<String> {
        Some(text.into())
    }

    #[test]
    fn json_auto_matches_members_to_columns_by_name() {
        let cols = columns(&[
            ("id", ColumnKind::Other),
            ("name", ColumnKind::Text),
            ("at", ColumnKind::Timestamp),
        ]);
        let body = b"{\"id\":1,\"name\":\"a\",\"extra\":true}{\"ID\":2,\"name\":null}\n{\"id\":3,\"at\":1700000000}\n[1]";
        let plan = parse("JSON 'auto' TIMEFORMAT 'epochsecs'").unwrap();
        let read = read_rows(body, &plan, &cols);
        let (rows, errors) = (read.rows, read.errors);
        assert_eq!(
            rows,
            vec![
                vec![s("1"), s("a"), None],
                vec![None, None, None],
                vec![s("3"), None, s("2023-11-14 22:13:20.000")],
            ]
        );
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 3);
        let plan = parse("JSON 'auto ignorecase'").unwrap();
        let read = read_rows(b"{\"ID\":2}", &plan, &cols);
        assert_eq!(read.rows, vec![vec![s("2"), None, None]]);
        assert_eq!(read.present, vec![true, false, false]);
    }

    #[test]
    fn delimited_text_follows_null_escape_and_field_count_rules() {
        let cols = columns(&[("a", ColumnKind::Other), ("b", ColumnKind::Text)]);
        let body = b"header|x\n1|one\n\\N|\n2|a\\|b\n3\n4|x|y\n";
        let plan = parse("IGNOREHEADER 1 ESCAPE").unwrap();
        let ReadRows { rows, errors, .. } = read_rows(body, &plan, &cols);
        assert_eq!(
            rows,
            vec![
                vec![s("1"), s("one")],
                vec![None, s("")],
                vec![s("2"), s("a|b")]
            ]
        );
        let reasons: Vec<_> = errors.iter().map(|e| (e.line, e.reason.as_str())).collect();
        assert_eq!(
            reasons,
            vec![(5, "Delimiter not found"), (6, "Extra column(s) found")]
        );
        let plan = parse("FILLRECORD EMPTYASNULL").unwrap();
        let ReadRows { rows, errors, .. } = read_rows(b"3\n4|\n", &plan, &cols);
        assert_eq!(rows, vec![vec![s("3"), None], vec![s("4"), None]]);
        assert!(errors.is_empty());
    }

    #[test]
    fn csv_reads_quoted_fields_across_lines() {
        let cols = columns(&[("a", ColumnKind::Other), ("b", ColumnKind::Text)]);
        let plan = parse("CSV IGNOREHEADER 1").unwrap();
        let body = b"a,b\n1,\"x, \"\"y\"\"\"\n2,\"multi\nline\"\n3,\n";
        let ReadRows { rows, errors, .. } = read_rows(body, &plan, &cols);
        assert_eq!(
            rows,
            vec![
                vec![s("1"), s("x, \"y\"")],
                vec![s("2"), s("multi\nline")],
                vec![s("3"), s("")],
            ]
        );
        assert!(errors.is_empty());
    }

    #[test]
    fn compressed_bytes_read_without_gzip_are_a_load_error() {
        let cols = columns(&[("a", ColumnKind::Text)]);
        let ReadRows { rows, errors, .. } =
            read_rows(&[0x1f, 0x8b, 0x08, 0xff], &CopyPlan::default(), &cols);
        assert!(rows.is_empty());
        assert!(errors[0].reason.contains("GZIP"), "{errors:?}");
    }
}
