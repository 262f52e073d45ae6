//! Reading a delivered Parquet or ORC object back into a table of text, for the app's preview.

use arrow_array::RecordBatch;
use arrow_cast::display::{ArrayFormatter, FormatOptions};

/// A delivered columnar object as text: its column names and its first rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowsPreview {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Rows in the object (the preview may show fewer).
    pub total_rows: usize,
}

/// Whether `body` starts like a Parquet (`PAR1`) or ORC (`ORC`) file.
pub fn is_columnar(body: &[u8]) -> bool {
    body.starts_with(b"PAR1") || body.starts_with(b"ORC")
}

fn add_batch(preview: &mut RowsPreview, batch: &RecordBatch, limit: usize) -> Result<(), String> {
    if preview.columns.is_empty() {
        preview.columns = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
    }
    let options = FormatOptions::default().with_null("null");
    let formatters = batch
        .columns()
        .iter()
        .map(|c| ArrayFormatter::try_new(c.as_ref(), &options))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    for row in 0..batch.num_rows() {
        if preview.rows.len() >= limit {
            break;
        }
        preview.rows.push(
            formatters
                .iter()
                .map(|f| f.value(row).to_string())
                .collect(),
        );
    }
    preview.total_rows += batch.num_rows();
    Ok(())
}

/// The first `limit` rows of a Parquet or ORC object.
pub fn read_rows(body: &[u8], limit: usize) -> Result<RowsPreview, String> {
    let mut preview = RowsPreview::default();
    let bytes = bytes::Bytes::copy_from_slice(body);
    if body.starts_with(b"PAR1") {
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(bytes)
            .map_err(|e| e.to_string())?
            .build()
            .map_err(|e| e.to_string())?;
        for batch in reader {
            add_batch(&mut preview, &batch.map_err(|e| e.to_string())?, limit)?;
        }
    } else {
        let reader = orc_rust::ArrowReaderBuilder::try_new(bytes)
            .map_err(|e| e.to_string())?
            .build();
        for batch in reader {
            add_batch(&mut preview, &batch.map_err(|e| e.to_string())?, limit)?;
        }
    }
    Ok(preview)
}
