//! DiscoverInputSchema (reference D): a sample of records — the newest of a Kinesis stream (or
//! its oldest, from TRIM_HORIZON), the last a delivery stream took in, or an object in the S3
//! view — read as JSON or CSV, and a schema proposed: a column per key (per field for CSV),
//! named as AWS names them (a keyword or an odd name gets `COL_`), typed by what the sample holds.

use super::checks::{self, finish};
use crate::analytics::error::{AnalyticsError, AnalyticsResult};
use crate::analytics::output_writer::arn_resource;
use crate::analytics::shapes::*;
use crate::streams::ops::read::{GetRecordsInput, GetShardIteratorInput};
use crate::streams::shapes::ShardIteratorType;
use crate::validate::Validator;
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// Records a discovery looks at.
const SAMPLE: usize = 100;
/// Words that cannot name a column as they are (AWS prefixes them with `COL_`).
const RESERVED: &[&str] = &[
    "ALL",
    "AND",
    "AS",
    "BY",
    "CASE",
    "DATE",
    "DAY",
    "FROM",
    "GROUP",
    "HOUR",
    "IN",
    "INTERVAL",
    "KEY",
    "MINUTE",
    "MONTH",
    "NOT",
    "NULL",
    "OR",
    "ORDER",
    "ROWTIME",
    "SECOND",
    "SELECT",
    "STREAM",
    "TABLE",
    "TIME",
    "TIMESTAMP",
    "USER",
    "VALUE",
    "VALUES",
    "WHERE",
    "WINDOW",
    "YEAR",
];

/// S3Configuration: a sample object.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct S3Configuration {
    #[serde(rename = "RoleARN")]
    pub role_arn: Option<String>,
    #[serde(rename = "BucketARN")]
    pub bucket_arn: Option<String>,
    #[serde(rename = "FileKey")]
    pub file_key: Option<String>,
}

/// DiscoverInputSchema.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DiscoverInputSchemaInput {
    #[serde(rename = "ResourceARN")]
    pub resource_arn: Option<String>,
    #[serde(rename = "RoleARN")]
    pub role_arn: Option<String>,
    pub input_starting_position_configuration: Option<InputStartingPositionConfiguration>,
    #[serde(rename = "S3Configuration")]
    pub s3_configuration: Option<S3Configuration>,
    pub input_processing_configuration: Option<InputProcessingConfiguration>,
}

/// DiscoverInputSchema's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DiscoverInputSchemaOutput {
    pub input_schema: SourceSchema,
    pub parsed_input_records: Vec<Vec<Option<String>>>,
    pub processed_input_records: Vec<String>,
    pub raw_input_records: Vec<String>,
}

fn unable(message: &str) -> AnalyticsError {
    AnalyticsError::UnableToDetectSchemaException(message.into())
}

const NOT_DETECTED: &str = "Data format is not valid. Amazon Kinesis Analytics is not able to \
                            detect schema for the given streaming source.";

impl Operation for DiscoverInputSchemaInput {
    type Output = DiscoverInputSchemaOutput;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<DiscoverInputSchemaOutput> {
        let mut v = Validator::new();
        if let Some(arn) = &self.resource_arn {
            v.length("resourceARN", arn, 1, 2048);
        }
        if self.role_arn.is_some() {
            checks::role(&mut v, "roleARN", &self.role_arn);
        }
        if let Some(s3) = &self.s3_configuration {
            checks::role(&mut v, "s3Configuration.roleARN", &s3.role_arn);
            if let Some(bucket) = v.required("s3Configuration.bucketARN", &s3.bucket_arn) {
                v.length("s3Configuration.bucketARN", bucket, 1, 2048);
            }
            if let Some(key) = v.required("s3Configuration.fileKey", &s3.file_key) {
                v.length("s3Configuration.fileKey", key, 1, 1024);
            }
        }
        finish(v)?;
        let position = self
            .input_starting_position_configuration
            .and_then(|p| p.input_starting_position)
            .unwrap_or_else(|| "NOW".into());
        let raw = match (&self.resource_arn, &self.s3_configuration) {
            (_, Some(s3)) => sample_object(world, s3)?,
            (Some(arn), None) => sample_source(world, arn, &position)?,
            (None, None) => {
                return Err(AnalyticsError::InvalidArgumentException(
                    "Either ResourceARN or S3Configuration must be given.".into(),
                ));
            }
        };
        let texts: Vec<String> = raw
            .iter()
            .map(|r| String::from_utf8_lossy(r).into_owned())
            .collect();
        let (schema, parsed) = infer(&texts).ok_or_else(|| unable(NOT_DETECTED))?;
        // Without a Lambda processor the processed records are the raw ones.
        Ok(DiscoverInputSchemaOutput {
            input_schema: schema,
            parsed_input_records: parsed,
            processed_input_records: texts.clone(),
            raw_input_records: texts,
        })
    }
}

/// The records of an S3 view object: the whole object, one record.
fn sample_object(world: &World, s3: &S3Configuration) -> AnalyticsResult<Vec<Vec<u8>>> {
    let bucket_arn = s3.bucket_arn.as_deref().unwrap_or_default();
    let bucket = bucket_arn
        .strip_prefix("arn:aws:s3:::")
        .unwrap_or(bucket_arn);
    let key = s3.file_key.as_deref().unwrap_or_default();
    match world.objects().body(bucket, key) {
        Ok(Some(body)) => Ok(vec![body.to_vec()]),
        _ => Err(AnalyticsError::InvalidArgumentException(format!(
            "Please check the role provided or validity of S3 location you provided. \
             Object {key} in bucket {bucket} could not be read."
        ))),
    }
}

/// Up to [`SAMPLE`] records of a Kinesis stream (the newest, or the oldest from TRIM_HORIZON) or
/// the last ones a delivery stream took in.
fn sample_source(world: &mut World, arn: &str, position: &str) -> AnalyticsResult<Vec<Vec<u8>>> {
    if let Some(name) = arn_resource(arn, "deliverystream") {
        world
            .delivery_stream_named(name)
            .map_err(|e| AnalyticsError::ResourceNotFoundException(e.message().to_owned()))?;
        let recent = world.analytics.recent_delivery_stream_records(name);
        if recent.is_empty() {
            return Err(unable(NOT_DETECTED));
        }
        return Ok(recent);
    }
    let Some(stream) = arn_resource(arn, "stream") else {
        return Err(AnalyticsError::InvalidArgumentException(format!(
            "{arn} is not the ARN of a Kinesis stream or a Firehose delivery stream."
        )));
    };
    let shards = crate::sim::lineage::Lineage::default().discover(world, stream);
    if shards.is_empty() {
        world
            .stream_named(stream)
            .map_err(|e| AnalyticsError::ResourceNotFoundException(e.message().to_owned()))?;
    }
    // Each shard's oldest and newest records, SAMPLE of each kept as its pages go by.
    let mut oldest: Vec<(i64, Vec<u8>)> = Vec::new();
    let mut newest: Vec<(i64, Vec<u8>)> = Vec::new();
    for shard in shards {
        let input = GetShardIteratorInput {
            reader_label: Some("analytics:discover".into()),
            ..GetShardIteratorInput::new(stream, shard, ShardIteratorType::TrimHorizon)
        };
        let Ok(Some(mut iterator)) = world.apply(input).map(|o| o.shard_iterator) else {
            continue;
        };
        let mut first: Vec<(i64, Vec<u8>)> = Vec::new();
        let mut last: std::collections::VecDeque<(i64, Vec<u8>)> = Default::default();
        // Follows the shard to its end, a page at a time.
        for _ in 0..64 {
            let Ok(page) = world.apply(GetRecordsInput::new(&iterator, Some(10_000))) else {
                break;
            };
            for record in page.records.iter() {
                let entry = (record.arrival_ms(), record.data().to_vec());
                if first.len() < SAMPLE {
                    first.push(entry.clone());
                }
                last.push_back(entry);
                if last.len() > SAMPLE {
                    last.pop_front();
                }
            }
            let more = page.millis_behind_latest > 0 && !page.records.is_empty();
            world.give_back_page(page.records);
            match (page.next_shard_iterator, more) {
                (Some(next), true) => iterator = next,
                _ => break,
            }
        }
        oldest.extend(first);
        newest.extend(last);
    }
    oldest.sort_by_key(|(arrival, _)| *arrival);
    newest.sort_by_key(|(arrival, _)| *arrival);
    let records: Vec<(i64, Vec<u8>)> = match position {
        "TRIM_HORIZON" => oldest.into_iter().take(SAMPLE).collect(),
        _ => {
            let skip = newest.len().saturating_sub(SAMPLE);
            newest.into_iter().skip(skip).collect()
        }
    };
    Ok(records.into_iter().map(|(_, d)| d).collect())
}

/// A name as AWS gives a discovered column: kept when it is a plain identifier that is not a
/// keyword; otherwise `COL_` and its letters, digits and underscores, or `COL_<position>`.
pub fn column_name(raw: &str, position: usize) -> String {
    let plain = raw.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && raw.len() <= 100;
    if plain && !RESERVED.contains(&raw.to_ascii_uppercase().as_str()) {
        return raw.to_owned();
    }
    let kept: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(96)
        .collect();
    if kept.is_empty() {
        format!("COL_{position}")
    } else {
        format!("COL_{kept}")
    }
}

/// The narrowest type that holds every sampled value of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Inferred {
    Boolean,
    Integer,
    Bigint,
    Real,
    Varchar,
}

fn infer_text(text: &str) -> Inferred {
    match text.trim() {
        "true" | "false" | "TRUE" | "FALSE" => Inferred::Boolean,
        t if t.parse::<i32>().is_ok() => Inferred::Integer,
        t if t.parse::<i64>().is_ok() => Inferred::Bigint,
        t if t.parse::<f64>().is_ok_and(f64::is_finite) => Inferred::Real,
        _ => Inferred::Varchar,
    }
}

fn infer_json(value: &Json) -> Option<Inferred> {
    Some(match value {
        Json::Null => return None,
        Json::Bool(_) => Inferred::Boolean,
        Json::Number(n) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => {
            Inferred::Integer
        }
        Json::Number(n) if n.as_i64().is_some() => Inferred::Bigint,
        Json::Number(_) => Inferred::Real,
        _ => Inferred::Varchar,
    })
}

/// `VARCHAR(n)` wide enough for `longest` characters: the next of 4, 8, 16, … (AWS's sizes).
fn sql_type(kind: Inferred, longest: usize) -> String {
    match kind {
        Inferred::Boolean => "BOOLEAN".into(),
        Inferred::Integer => "INTEGER".into(),
        Inferred::Bigint => "BIGINT".into(),
        Inferred::Real => "REAL".into(),
        Inferred::Varchar => format!("VARCHAR({})", longest.max(4).next_power_of_two()),
    }
}

/// One discovered column: its source key (or position), the widest type seen, the longest text.
struct Column {
    key: String,
    kind: Option<Inferred>,
    longest: usize,
}

impl Column {
    fn see(&mut self, kind: Option<Inferred>, text: &str) {
        self.kind = match (self.kind, kind) {
            (Some(a), Some(b)) if (a == Inferred::Boolean) != (b == Inferred::Boolean) => {
                Some(Inferred::Varchar)
            }
            (a, b) => a.max(b),
        };
        self.longest = self.longest.max(text.chars().count());
    }
}

/// The schema the sample suggests, with each record's values as parsed; `None` if the sample
/// is neither JSON objects nor delimited text.
fn infer(records: &[String]) -> Option<(SourceSchema, Vec<Vec<Option<String>>>)> {
    if records.is_empty() {
        return None;
    }
    infer_json_records(records).or_else(|| infer_csv_records(records))
}

fn json_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A JSON object's members in the order the document gives them (serde_json's map sorts them,
/// and columns should come in the order the producer wrote them).
struct OrderedObject(Vec<(String, Json)>);

impl<'de> Deserialize<'de> for OrderedObject {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = OrderedObject;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<OrderedObject, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, Json>()? {
                    members.push(member);
                }
                Ok(OrderedObject(members))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

impl OrderedObject {
    fn get(&self, key: &str) -> Option<&Json> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

fn infer_json_records(records: &[String]) -> Option<(SourceSchema, Vec<Vec<Option<String>>>)> {
    let mut objects = Vec::new();
    for record in records {
        for document in serde_json::Deserializer::from_str(record).into_iter::<OrderedObject>() {
            objects.push(document.ok()?);
        }
    }
    let mut columns: Vec<Column> = Vec::new();
    for object in &objects {
        for (key, value) in &object.0 {
            let index = match columns.iter().position(|c| c.key == *key) {
                Some(i) => i,
                None => {
                    columns.push(Column {
                        key: key.clone(),
                        kind: None,
                        longest: 0,
                    });
                    columns.len() - 1
                }
            };
            columns[index].see(infer_json(value), &json_text(value));
        }
    }
    if columns.is_empty() {
        return None;
    }
    let parsed = objects
        .iter()
        .map(|o| {
            columns
                .iter()
                .map(|c| o.get(&c.key).filter(|v| !v.is_null()).map(json_text))
                .collect()
        })
        .collect();
    let record_columns = columns
        .iter()
        .enumerate()
        .map(|(i, c)| RecordColumn {
            name: Some(column_name(&c.key, i)),
            mapping: Some(format!("$.{}", c.key)),
            sql_type: Some(sql_type(c.kind.unwrap_or(Inferred::Varchar), c.longest)),
        })
        .collect();
    let format = RecordFormat {
        record_format_type: Some("JSON".into()),
        mapping_parameters: Some(MappingParameters {
            json: Some(JsonMappingParameters {
                record_row_path: Some("$".into()),
            }),
            csv: None,
        }),
    };
    Some((schema_of(format, record_columns), parsed))
}

fn schema_of(format: RecordFormat, columns: Vec<RecordColumn>) -> SourceSchema {
    SourceSchema {
        record_format: Some(format),
        record_encoding: Some("UTF-8".into()),
        record_columns: Some(columns),
    }
}

fn infer_csv_records(records: &[String]) -> Option<(SourceSchema, Vec<Vec<Option<String>>>)> {
    let row_delimiter = if records.iter().any(|r| r.contains("\r\n")) {
        "\r\n"
    } else {
        "\n"
    };
    let lines: Vec<&str> = records
        .iter()
        .flat_map(|r| r.split(row_delimiter))
        .filter(|l| !l.trim().is_empty())
        .collect();
    // The delimiter that splits every line into the same number (> 1) of fields.
    let delimiter = [",", "\t", "|", ";"].into_iter().find(|d| {
        let count = lines.first().map_or(0, |l| l.split(d).count());
        count > 1 && lines.iter().all(|l| l.split(d).count() == count)
    })?;
    let rows: Vec<Vec<&str>> = lines.iter().map(|l| l.split(delimiter).collect()).collect();
    let width = rows[0].len();
    let mut columns: Vec<Column> = (0..width)
        .map(|i| Column {
            key: format!("COL_{}", i + 1),
            kind: None,
            longest: 0,
        })
        .collect();
    // A first line of names over typed data is a header: its fields name the columns.
    let header = rows.len() > 1
        && rows[0].iter().all(|f| infer_text(f) == Inferred::Varchar)
        && (0..width).any(|i| {
            rows[1..]
                .iter()
                .all(|r| infer_text(r[i]) != Inferred::Varchar)
        });
    for (i, column) in columns.iter_mut().enumerate() {
        if header {
            column.key = column_name(rows[0][i].trim(), i);
        }
        for row in &rows[usize::from(header)..] {
            column.see(Some(infer_text(row[i])), row[i]);
        }
    }
    let parsed = rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(&columns)
                .map(|(field, c)| {
                    let numeric = !matches!(c.kind, Some(Inferred::Varchar) | None);
                    let fits = !numeric || infer_text(field) != Inferred::Varchar;
                    fits.then(|| (*field).to_owned())
                })
                .collect()
        })
        .collect();
    let record_columns = columns
        .iter()
        .map(|c| RecordColumn {
            name: Some(c.key.clone()),
            mapping: None,
            sql_type: Some(sql_type(c.kind.unwrap_or(Inferred::Varchar), c.longest)),
        })
        .collect();
    let format = RecordFormat {
        record_format_type: Some("CSV".into()),
        mapping_parameters: Some(MappingParameters {
            json: None,
            csv: Some(CsvMappingParameters {
                record_row_delimiter: Some(row_delimiter.into()),
                record_column_delimiter: Some(delimiter.into()),
            }),
        }),
    };
    Some((schema_of(format, record_columns), parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kept_unless_aws_would_prefix_them() {
        assert_eq!(column_name("TICKER_SYMBOL", 0), "TICKER_SYMBOL");
        assert_eq!(column_name("USER", 0), "COL_USER");
        assert_eq!(column_name("year", 0), "COL_year");
        assert_eq!(column_name("USER@DOMAIN", 0), "COL_USERDOMAIN");
        assert_eq!(column_name("@@", 0), "COL_0");
    }

    #[test]
    fn json_samples_give_mapped_typed_columns() {
        let records = vec![
            r#"{"TICKER_SYMBOL":"AMZN","PRICE":84.51,"CHANGE":-1,"ok":true}"#.to_owned(),
            r#"{"TICKER_SYMBOL":"QXZ","PRICE":7,"CHANGE":2}"#.to_owned(),
        ];
        let (schema, parsed) = infer(&records).unwrap();
        let columns = schema.record_columns.unwrap();
        let shown: Vec<(String, String, String)> = columns
            .into_iter()
            .map(|c| (c.name.unwrap(), c.mapping.unwrap(), c.sql_type.unwrap()))
            .collect();
        assert_eq!(
            shown[0],
            (
                "TICKER_SYMBOL".into(),
                "$.TICKER_SYMBOL".into(),
                "VARCHAR(4)".into()
            )
        );
        assert_eq!(shown[1].2, "REAL");
        assert_eq!(shown[2].2, "INTEGER");
        assert_eq!(shown[3].2, "BOOLEAN");
        assert_eq!(parsed[1][3], None);
    }

    #[test]
    fn csv_samples_find_their_delimiter_and_header() {
        let records = vec!["year,state,consumption\r\n2001,AK,43\r\n2002,WA,1287\r\n".to_owned()];
        let (schema, parsed) = infer(&records).unwrap();
        let format = schema.record_format.unwrap();
        let csv = format.mapping_parameters.unwrap().csv.unwrap();
        assert_eq!(csv.record_row_delimiter.as_deref(), Some("\r\n"));
        let names: Vec<String> = schema
            .record_columns
            .unwrap()
            .into_iter()
            .map(|c| format!("{} {}", c.name.unwrap(), c.sql_type.unwrap()))
            .collect();
        assert_eq!(
            names,
            [
                "COL_year INTEGER",
                "state VARCHAR(4)",
                "consumption INTEGER"
            ]
        );
        assert_eq!(parsed[0], vec![None, Some("state".into()), None]);
        assert!(infer(&["no structure here".to_owned()]).is_none());
    }
}
