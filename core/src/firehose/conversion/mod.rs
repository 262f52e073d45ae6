//! Record format conversion (reference B.8): a buffer's JSON records become one Parquet or ORC
//! object with the columns of a Glue table. Records that are not JSON or do not fit the columns go
//! to the error prefix as `format-conversion-failed` documents; a missing table or a schema that
//! cannot be written fails the whole batch there.
//!
//! Limits, stated: ORC is written for flat schemas (primitive columns; no decimal, array, map or
//! struct — orc-rust's writer has none); Parquet takes every Hive type. Timestamps are written in
//! milliseconds.

pub mod config;
pub mod deserializer;
pub mod hive_type;
pub mod preview;
pub mod timestamps;
pub mod writer;

use crate::glue::catalog::StoredTable;
use crate::glue::error::GlueError;
use arrow_schema::{Field, Schema, SchemaRef};
use config::{Conversion, OutputFormat};
use deserializer::{Failure, type_name};
use hive_type::HiveType;
use serde::Serialize;
use std::sync::Arc;

/// The Glue table a conversion read, as error documents name it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataCatalogTable {
    pub catalog_id: String,
    pub database_name: String,
    pub table_name: String,
    pub region: String,
    pub version_id: String,
    pub catalog_arn: String,
}

/// One `format-conversion-failed` document (B.5: capitalised ErrorCode / ErrorMessage).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConversionErrorRecord {
    #[serde(rename = "attemptsMade")]
    pub attempts_made: u32,
    #[serde(rename = "arrivalTimestamp")]
    pub arrival_timestamp: i64,
    #[serde(rename = "ErrorCode")]
    pub error_code: String,
    #[serde(rename = "ErrorMessage")]
    pub error_message: String,
    #[serde(rename = "attemptEndingTimestamp")]
    pub attempt_ending_timestamp: i64,
    #[serde(rename = "rawData")]
    pub raw_data: String,
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: Option<String>,
    #[serde(rename = "subSequenceNumber")]
    pub sub_sequence_number: Option<u64>,
    #[serde(rename = "dataCatalogTable")]
    pub data_catalog_table: DataCatalogTable,
}

/// The code a batch fails with when its table is missing or its schema cannot be written.
pub const INVALID_SCHEMA: &str = "DataFormatConversion.InvalidSchema";

/// What converting one buffer gave.
#[derive(Debug)]
pub struct Converted {
    /// The object, if any record converted.
    pub body: Option<Vec<u8>>,
    /// Index (into the buffer) of each record that converted.
    pub converted: Vec<usize>,
    /// Index and reason of each record that did not.
    pub failed: Vec<(usize, Failure)>,
}

/// The table's columns with their types, and the Arrow schema they are written with.
pub fn table_schema(
    table: &StoredTable,
    output: &OutputFormat,
) -> Result<(Vec<(String, HiveType)>, SchemaRef), String> {
    let mut columns = Vec::new();
    for column in table.columns() {
        let text = column.kind.as_deref().unwrap_or_default();
        let ty = HiveType::parse(text)
            .map_err(|e| format!("Column '{}' has an unsupported type: {e}", column.name))?;
        if matches!(output, OutputFormat::Orc(_))
            && (!ty.is_primitive() || matches!(ty, HiveType::Decimal { .. }))
        {
            return Err(format!(
                "Kinescope writes ORC for flat schemas only: column '{}' has type {}",
                column.name,
                type_name(&ty)
            ));
        }
        columns.push((column.name.to_lowercase(), ty));
    }
    if columns.is_empty() {
        return Err("The table has no columns.".into());
    }
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, ty)| Field::new(name, ty.arrow_type(), true))
        .collect();
    Ok((columns, Arc::new(Schema::new(fields))))
}

impl Conversion {
    /// The table as error documents name it.
    pub fn catalog_table(&self, account: &str, region: &str) -> DataCatalogTable {
        let schema = &self.schema;
        let catalog_id = schema.catalog_id.clone().unwrap_or_else(|| account.into());
        let region = schema.region.clone().unwrap_or_else(|| region.into());
        DataCatalogTable {
            catalog_arn: format!("arn:aws:glue:{region}:{catalog_id}:catalog"),
            catalog_id,
            database_name: schema.database_name.clone().unwrap_or_default(),
            table_name: schema.table_name.clone().unwrap_or_default(),
            region,
            version_id: schema.version_id.clone().unwrap_or_else(|| "LATEST".into()),
        }
    }

    /// Converts `records` with the columns of `table`; `Err` fails the whole batch (with
    /// [`INVALID_SCHEMA`]).
    pub fn convert(
        &self,
        table: Result<&StoredTable, GlueError>,
        records: &[&[u8]],
    ) -> Result<Converted, String> {
        let table = table.map_err(|e| {
            format!(
                "The table {}.{} could not be read from the AWS Glue Data Catalog: {e}",
                self.schema.database_name.as_deref().unwrap_or_default(),
                self.schema.table_name.as_deref().unwrap_or_default()
            )
        })?;
        let (columns, schema) = table_schema(table, &self.output)?;
        let mut rows = Vec::with_capacity(records.len());
        let mut converted = Vec::with_capacity(records.len());
        let mut failed = Vec::new();
        for (i, data) in records.iter().enumerate() {
            match self.deserializer.rows(data, &columns, &mut rows) {
                Ok(()) => converted.push(i),
                Err(failure) => failed.push((i, failure)),
            }
        }
        let body = if converted.is_empty() {
            None
        } else {
            Some(writer::write(&self.output, &schema, &rows)?)
        };
        Ok(Converted {
            body,
            converted,
            failed,
        })
    }
}
