//! Writing converted rows as one Parquet or ORC object, with the serializer's settings (B.8).
//! Rows arrive as JSON already fitted to the columns, so the Arrow decoder takes every one.

use super::config::{OrcSerDe, OutputFormat, ParquetSerDe};
use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::basic::{Compression, GzipLevel};
use parquet::file::properties::{WriterProperties, WriterVersion};

/// Rows decoded into one Arrow batch at a time.
const BATCH_ROWS: usize = 8_192;

/// `rows` as Arrow batches of `schema`.
fn batches(schema: &SchemaRef, rows: &[serde_json::Value]) -> Result<Vec<RecordBatch>, String> {
    let mut decoder = arrow_json::ReaderBuilder::new(schema.clone())
        .with_batch_size(BATCH_ROWS)
        .build_decoder()
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for chunk in rows.chunks(BATCH_ROWS) {
        decoder.serialize(chunk).map_err(|e| e.to_string())?;
        if let Some(batch) = decoder.flush().map_err(|e| e.to_string())? {
            out.push(batch);
        }
    }
    Ok(out)
}

fn parquet_properties(serde: &ParquetSerDe) -> WriterProperties {
    let compression = match serde.compression.as_deref() {
        Some("UNCOMPRESSED") => Compression::UNCOMPRESSED,
        Some("GZIP") => Compression::GZIP(GzipLevel::default()),
        _ => Compression::SNAPPY,
    };
    let version = match serde.writer_version.as_deref() {
        Some("V2") => WriterVersion::PARQUET_2_0,
        _ => WriterVersion::PARQUET_1_0,
    };
    WriterProperties::builder()
        .set_compression(compression)
        .set_writer_version(version)
        .set_data_page_size_limit(serde.page_size_bytes.unwrap_or(1 << 20) as usize)
        .set_dictionary_enabled(serde.enable_dictionary_compression != Some(false))
        .set_created_by("Kinescope (Amazon Data Firehose emulator)".into())
        .build()
}

fn write_parquet(
    serde: &ParquetSerDe,
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    let mut writer = parquet::arrow::ArrowWriter::try_new(
        &mut body,
        schema.clone(),
        Some(parquet_properties(serde)),
    )
    .map_err(|e| e.to_string())?;
    for batch in batches {
        writer.write(batch).map_err(|e| e.to_string())?;
    }
    writer.close().map_err(|e| e.to_string())?;
    Ok(body)
}

fn write_orc(
    serde: &OrcSerDe,
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<Vec<u8>, String> {
    use orc_rust::compression::CompressionType;
    let compression = match serde.compression.as_deref() {
        Some("NONE") => None,
        Some("ZLIB") => Some(CompressionType::Zlib),
        _ => Some(CompressionType::Snappy),
    };
    let mut body = Vec::new();
    let mut builder = orc_rust::ArrowWriterBuilder::new(&mut body, schema.clone())
        .with_stripe_byte_size(serde.stripe_size_bytes.unwrap_or(64 << 20) as usize);
    if let Some(compression) = compression {
        builder = builder.with_compression(compression);
    }
    let mut writer = builder.try_build().map_err(|e| e.to_string())?;
    for batch in batches {
        writer.write(batch).map_err(|e| e.to_string())?;
    }
    writer.close().map_err(|e| e.to_string())?;
    Ok(body)
}

/// One object holding `rows`, in `format`.
pub fn write(
    format: &OutputFormat,
    schema: &SchemaRef,
    rows: &[serde_json::Value],
) -> Result<Vec<u8>, String> {
    let batches = batches(schema, rows)?;
    match format {
        OutputFormat::Parquet(serde) => write_parquet(serde, schema, &batches),
        OutputFormat::Orc(serde) => write_orc(serde, schema, &batches),
    }
}
