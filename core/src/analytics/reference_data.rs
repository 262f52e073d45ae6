//! Reference data (reference D): a CSV or JSON object in the S3 view, read whole through the
//! reference schema into an in-application table that queries join. AWS reads it when the
//! application starts and again on each UpdateApplication — not when the object changes — and so
//! does Kinescope.

use super::error::{AnalyticsError, AnalyticsResult};
use super::program::ErrorRecord;
use super::record_format::RecordDecoder;
use super::shapes::{ReferenceDataSource, S3ReferenceDataSource};
use crate::world::World;

/// The bucket and key a reference data source names.
fn location(s3: &S3ReferenceDataSource) -> (String, String) {
    let arn = s3.bucket_arn.as_deref().unwrap_or_default();
    let bucket = arn.strip_prefix("arn:aws:s3:::").unwrap_or(arn);
    (bucket.to_owned(), s3.file_key.clone().unwrap_or_default())
}

impl World {
    /// The object a reference data source names, or AWS's refusal when it cannot be read.
    pub(crate) fn reference_object(
        &self,
        source: &ReferenceDataSource,
    ) -> AnalyticsResult<Vec<u8>> {
        let s3 = source.s3_reference_data_source.clone().unwrap_or_default();
        let (bucket, key) = location(&s3);
        match self.objects().body(&bucket, &key) {
            Ok(Some(body)) => Ok(body.to_vec()),
            _ => Err(AnalyticsError::InvalidArgumentException(format!(
                "Please check the role provided or validity of S3 location you provided. \
                 Object {key} in bucket {bucket} could not be read."
            ))),
        }
    }

    /// Reads application `name`'s reference tables into its program; an object that cannot be
    /// read or a record that does not fit leaves a row in the error stream.
    pub(crate) fn load_reference_data(&mut self, name: &str) {
        let Some(app) = self.analytics.applications.get(name) else {
            return;
        };
        let references = app.references.clone();
        let now = self.now_ms();
        let mut tables = Vec::new();
        let mut errors = Vec::new();
        for (_, source) in &references {
            let table = source.table_name.clone().unwrap_or_default();
            let schema = source.reference_schema.clone().unwrap_or_default();
            let fail = |message: String, data: String| ErrorRecord {
                error_time_ms: now,
                error_name: "Reference data".into(),
                message: format!("reference table {table}: {message}"),
                data_rowtime_ms: now,
                data_row: data,
                pump_name: None,
            };
            let body = match self.reference_object(source) {
                Ok(body) => body,
                Err(e) => {
                    errors.push(fail(e.message().to_owned(), String::new()));
                    continue;
                }
            };
            let decoder = match RecordDecoder::new(&schema) {
                Ok(decoder) => decoder,
                Err(e) => {
                    errors.push(fail(e, String::new()));
                    continue;
                }
            };
            // A JSON object holds a document per line; a CSV object, a row per line.
            let mut rows = Vec::new();
            match decoder.decode(&body) {
                Ok(decoded) => rows = decoded,
                Err(e) => errors.push(fail(e.message, e.data)),
            }
            tables.push((table, rows));
        }
        let Some(runtime) = self
            .analytics
            .applications
            .get_mut(name)
            .and_then(|app| app.runtime.as_mut())
        else {
            return;
        };
        for (table, rows) in tables {
            runtime.program.set_table_rows(&table, rows);
        }
        for error in errors {
            runtime.program.report(error);
        }
    }
}
