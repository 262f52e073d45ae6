//! Records as rows and rows as records (reference D): an input schema (JSON with a row path and
//! `$.`-paths per column, or CSV with row and column delimiters) turns a source record into the
//! rows of the in-application input stream, and a destination schema writes an output stream's
//! row as a JSON object or a CSV line.

use super::shapes::{RecordColumn, SourceSchema};
use super::value::{SqlType, Value};
use serde_json::Value as Json;

/// A record's data that could not become a row, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    pub message: String,
    /// The record, as text.
    pub data: String,
}

/// How a source's records become rows.
#[derive(Debug, Clone)]
pub struct RecordDecoder {
    format: Format,
    columns: Vec<(String, SqlType, Vec<PathStep>)>,
}

#[derive(Debug, Clone)]
enum Format {
    Json { row_path: Vec<PathStep> },
    Csv { rows: String, columns: String },
}

/// One step of a `$.a.b[0]` path; `Each` is `[0:]`, every element of an array.
#[derive(Debug, Clone, PartialEq)]
enum PathStep {
    Key(String),
    Index(usize),
    Each,
}

/// Reads a `$`-path; `None` if it is not one.
fn parse_path(path: &str) -> Option<Vec<PathStep>> {
    let mut rest = path.trim().strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if end == 0 {
                return None;
            }
            steps.push(PathStep::Key(after[..end].to_owned()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            let inside = after[..end].trim();
            steps.push(match inside {
                "0:" | "*" => PathStep::Each,
                quoted
                    if quoted.starts_with('\'') && quoted.ends_with('\'') && quoted.len() >= 2 =>
                {
                    PathStep::Key(quoted[1..quoted.len() - 1].to_owned())
                }
                index => PathStep::Index(index.parse().ok()?),
            });
            rest = &after[end + 1..];
        } else {
            return None;
        }
    }
    Some(steps)
}

fn select<'a>(value: &'a Json, steps: &[PathStep], out: &mut Vec<&'a Json>) {
    let Some((step, rest)) = steps.split_first() else {
        out.push(value);
        return;
    };
    match (step, value) {
        (PathStep::Key(key), Json::Object(map)) => {
            if let Some(v) = map.get(key) {
                select(v, rest, out);
            }
        }
        (PathStep::Index(i), Json::Array(items)) => {
            if let Some(v) = items.get(*i) {
                select(v, rest, out);
            }
        }
        (PathStep::Each, Json::Array(items)) => {
            for item in items {
                select(item, rest, out);
            }
        }
        _ => {}
    }
}

/// A JSON value as a column of `kind` holds it, by AWS's mapping rules; `Err` is a coercion error.
pub fn json_value(value: &Json, kind: SqlType) -> Result<Value, String> {
    let coercion = || Err(format!("Cannot coerce {value} to {kind:?}"));
    let value = match (value, kind) {
        (Json::Null, _) => return Ok(Value::Null),
        (Json::Bool(b), SqlType::Boolean) => Value::Bool(*b),
        (Json::Bool(b), SqlType::Integer) => Value::Int(i64::from(*b)),
        (Json::Bool(b), SqlType::Double) => Value::Double(f64::from(u8::from(*b))),
        (Json::Bool(b), SqlType::Varchar) => Value::Text(b.to_string()),
        (Json::Bool(_), SqlType::Timestamp) => return coercion(),
        (Json::Number(n), SqlType::Integer) => match n.as_i64() {
            Some(i) => Value::Int(i),
            // A fraction or a number too large for the column does not fit it.
            None => return coercion(),
        },
        (Json::Number(n), SqlType::Boolean) => Value::Bool(n.as_f64() != Some(0.0)),
        (Json::Number(_), SqlType::Timestamp) => return coercion(),
        // A number read as text keeps its digits as written.
        (Json::Number(n), SqlType::Varchar) => Value::Text(n.to_string()),
        (Json::Number(n), _) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Double(n.as_f64().unwrap_or(f64::NAN)),
        },
        // Any text but `true` (in any case) is false.
        (Json::String(s), SqlType::Boolean) => Value::Bool(s.eq_ignore_ascii_case("true")),
        (Json::String(s), _) => Value::Text(s.clone()),
        (other, SqlType::Varchar) => Value::Text(other.to_string()),
        _ => return coercion(),
    };
    text_or_value(value, kind)
}

/// Casts `value` to `kind`; a value that turns into NULL could not be converted.
fn text_or_value(value: Value, kind: SqlType) -> Result<Value, String> {
    let shown = value.to_string();
    match value.cast(kind) {
        Value::Null => Err(format!("Cannot convert '{shown}' to {kind:?}")),
        converted => Ok(converted),
    }
}

impl RecordDecoder {
    /// The decoder a schema describes; `Err` says what is wrong with the schema.
    pub fn new(schema: &SourceSchema) -> Result<Self, String> {
        let format = schema.record_format.clone().unwrap_or_default();
        let mapping = format.mapping_parameters.unwrap_or_default();
        let format = match format.record_format_type.as_deref() {
            Some("CSV") => {
                let csv = mapping.csv.unwrap_or_default();
                Format::Csv {
                    rows: csv.record_row_delimiter.unwrap_or_else(|| "\n".into()),
                    columns: csv.record_column_delimiter.unwrap_or_else(|| ",".into()),
                }
            }
            _ => {
                let path = mapping
                    .json
                    .and_then(|j| j.record_row_path)
                    .unwrap_or_else(|| "$".into());
                let row_path =
                    parse_path(&path).ok_or_else(|| format!("Invalid RecordRowPath {path}"))?;
                Format::Json { row_path }
            }
        };
        let row_prefix = match &format {
            Format::Json { row_path } => row_path.clone(),
            Format::Csv { .. } => Vec::new(),
        };
        let mut columns = Vec::new();
        for column in schema.record_columns.iter().flatten() {
            let (name, kind) = column_type(column)?;
            let mapping = column
                .mapping
                .clone()
                .unwrap_or_else(|| format!("$.{name}"));
            let mut steps =
                parse_path(&mapping).ok_or_else(|| format!("Invalid mapping {mapping}"))?;
            // A mapping may repeat the row path (`$.records[0:].a`): it is read from the row.
            if !row_prefix.is_empty() && steps.starts_with(&row_prefix) {
                steps.drain(..row_prefix.len());
            }
            columns.push((name, kind, steps));
        }
        Ok(Self { format, columns })
    }

    /// The columns rows have, in order.
    pub fn columns(&self) -> Vec<(String, SqlType)> {
        self.columns
            .iter()
            .map(|(n, k, _)| (n.clone(), *k))
            .collect()
    }

    /// The rows in one record.
    pub fn decode(&self, data: &[u8]) -> Result<Vec<Vec<Value>>, RecordError> {
        let text = String::from_utf8_lossy(data);
        let fail = |message: String| RecordError {
            message,
            data: text.to_string(),
        };
        match &self.format {
            Format::Json { row_path } => {
                // A record may hold several JSON documents, one after the other.
                let documents: Vec<Json> = serde_json::Deserializer::from_str(&text)
                    .into_iter::<Json>()
                    .collect::<Result<_, _>>()
                    .map_err(|e| fail(format!("Unable to parse the record as JSON: {e}")))?;
                if documents.is_empty() {
                    return Err(fail("The record holds no JSON document".into()));
                }
                let mut rows = Vec::new();
                for json in &documents {
                    select(json, row_path, &mut rows);
                }
                rows.into_iter()
                    .map(|row| {
                        self.columns
                            .iter()
                            .map(|(name, kind, steps)| {
                                let mut found = Vec::new();
                                select(row, steps, &mut found);
                                match found.first() {
                                    Some(value) => json_value(value, *kind)
                                        .map_err(|e| fail(format!("column {name}: {e}"))),
                                    None => Ok(Value::Null),
                                }
                            })
                            .collect()
                    })
                    .collect()
            }
            Format::Csv { rows, columns } => text
                .split(rows.as_str())
                .filter(|line| !line.is_empty())
                .map(|line| {
                    let mut fields = line.split(columns.as_str());
                    self.columns
                        .iter()
                        .map(|(name, kind, _)| match fields.next() {
                            None => Ok(Value::Null),
                            Some(field) => text_or_value(Value::Text(field.to_owned()), *kind)
                                .map_err(|e| fail(format!("column {name}: {e}"))),
                        })
                        .collect()
                })
                .collect(),
        }
    }
}

/// A column's name and type; `Err` names a type the dialect does not have.
fn column_type(column: &RecordColumn) -> Result<(String, SqlType), String> {
    let name = column.name.clone().unwrap_or_default();
    let declared = column.sql_type.clone().unwrap_or_default();
    let kind = SqlType::parse(&declared)
        .ok_or_else(|| format!("Unknown SQL type {declared} for column {name}"))?;
    Ok((name, kind))
}

/// A value as JSON output writes it: numbers and booleans as such, timestamps as
/// `yyyy-MM-dd HH:mm:ss.SSS`.
fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Double(d) => serde_json::Number::from_f64(*d).map_or(Json::Null, Json::Number),
        Value::Text(t) => Json::String(t.clone()),
        Value::Timestamp(_) => Json::String(value.to_string()),
    }
}

/// A row as an output record: a JSON object of its columns, or a CSV line.
pub fn encode_row(columns: &[(String, SqlType)], values: &[Value], csv: bool) -> Vec<u8> {
    if csv {
        let fields: Vec<String> = values
            .iter()
            .map(|v| match v {
                Value::Null => String::new(),
                Value::Text(t) if t.contains([',', '"', '\n']) => {
                    format!("\"{}\"", t.replace('"', "\"\""))
                }
                other => other.to_string(),
            })
            .collect();
        let mut line = fields.join(",");
        line.push('\n');
        return line.into_bytes();
    }
    // Written by hand to keep the stream's column order (serde_json's map sorts its keys).
    let members: Vec<String> = columns
        .iter()
        .zip(values)
        .map(|((name, _), value)| format!("{}:{}", Json::String(name.clone()), to_json(value)))
        .collect();
    format!("{{{}}}", members.join(",")).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::shapes::*;

    fn schema(format: &str, columns: &[(&str, &str, Option<&str>)]) -> SourceSchema {
        SourceSchema {
            record_format: Some(RecordFormat {
                record_format_type: Some(format.into()),
                mapping_parameters: None,
            }),
            record_encoding: Some("UTF-8".into()),
            record_columns: Some(
                columns
                    .iter()
                    .map(|(n, t, m)| RecordColumn {
                        name: Some((*n).into()),
                        sql_type: Some((*t).into()),
                        mapping: m.map(str::to_owned),
                    })
                    .collect(),
            ),
        }
    }

    #[test]
    fn json_records_map_their_paths_to_typed_columns() {
        let decoder = RecordDecoder::new(&schema(
            "JSON",
            &[
                ("TICKER", "VARCHAR(4)", Some("$.ticker")),
                ("PRICE", "DOUBLE", Some("$.quote.price")),
                ("QTY", "INTEGER", None),
            ],
        ))
        .unwrap();
        let rows = decoder
            .decode(br#"{"ticker":"AMZN","quote":{"price":12.5},"QTY":"7"}"#)
            .unwrap();
        let two = decoder.decode(br#"{"QTY":1} {"QTY":2}"#).unwrap();
        assert_eq!(two.len(), 2, "two documents, two rows");
        assert!(
            decoder.decode(br#"{"QTY":1.5}"#).is_err(),
            "1.5 does not fit INTEGER"
        );
        assert_eq!(
            rows,
            vec![vec![
                Value::Text("AMZN".into()),
                Value::Double(12.5),
                Value::Int(7)
            ]]
        );
        let error = decoder
            .decode(br#"{"ticker":"X","QTY":"seven"}"#)
            .unwrap_err();
        assert!(error.message.contains("QTY"), "{}", error.message);
        assert!(decoder.decode(b"not json").is_err());
    }

    #[test]
    fn a_row_path_over_an_array_gives_a_row_per_element() {
        let mut schema = schema("JSON", &[("A", "INTEGER", Some("$.items[0:].a"))]);
        schema.record_format.as_mut().unwrap().mapping_parameters = Some(MappingParameters {
            json: Some(JsonMappingParameters {
                record_row_path: Some("$.items[0:]".into()),
            }),
            csv: None,
        });
        let decoder = RecordDecoder::new(&schema).unwrap();
        let rows = decoder.decode(br#"{"items":[{"a":1},{"a":2}]}"#).unwrap();
        assert_eq!(rows, vec![vec![Value::Int(1)], vec![Value::Int(2)]]);
    }

    #[test]
    fn csv_records_split_into_rows_and_columns() {
        let decoder = RecordDecoder::new(&schema(
            "CSV",
            &[("A", "VARCHAR(8)", None), ("B", "INTEGER", None)],
        ))
        .unwrap();
        let rows = decoder.decode(b"x,1\ny,2\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1], vec![Value::Text("y".into()), Value::Int(2)]);
    }

    #[test]
    fn rows_are_written_as_json_objects_or_csv_lines() {
        let columns = vec![
            ("T".to_owned(), SqlType::Varchar),
            ("N".to_owned(), SqlType::Integer),
        ];
        let values = vec![Value::Text("a,b".into()), Value::Int(3)];
        assert_eq!(
            encode_row(&columns, &values, false),
            br#"{"T":"a,b","N":3}"#
        );
        assert_eq!(encode_row(&columns, &values, true), b"\"a,b\",3\n");
    }
}
