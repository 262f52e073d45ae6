//! Format conversion throughput: 1 KB JSON records (ten columns of mixed types, OpenX) converted
//! to one Snappy-compressed Parquet object, and to ORC, as a delivery converts a buffer. Run with
//! `cargo bench -p kinescope-core --bench conversion`; the figure is input JSON bytes per second
//! on one core.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kinescope_core::firehose::conversion::config::*;
use kinescope_core::glue::catalog::StoredTable;
use kinescope_core::glue::shapes::{Column, StorageDescriptor, TableInput};
use std::hint::black_box;

const RECORDS: usize = 10_000;
const RECORD_BYTES: usize = 1_000;

fn table() -> StoredTable {
    let columns = [
        ("event_id", "string"),
        ("user_id", "bigint"),
        ("session", "string"),
        ("page", "string"),
        ("action", "string"),
        ("device", "string"),
        ("price", "double"),
        ("quantity", "int"),
        ("ts", "timestamp"),
        ("note", "string"),
    ];
    StoredTable {
        input: TableInput {
            storage_descriptor: Some(StorageDescriptor {
                columns: Some(
                    columns
                        .iter()
                        .map(|(name, kind)| Column {
                            name: (*name).into(),
                            kind: Some((*kind).into()),
                            ..Column::default()
                        })
                        .collect(),
                ),
                ..StorageDescriptor::default()
            }),
            ..TableInput::default()
        },
        created_ms: 0,
        updated_ms: 0,
        version: 0,
    }
}

fn record(i: usize) -> Vec<u8> {
    let mut text = format!(
        r#"{{"event_id":"evt-{i:08}","user_id":{},"session":"s-{:08x}","page":"/product/{}","action":"{}","device":"{}","price":{:.2},"quantity":{},"ts":{},"note":""#,
        i * 7919 % 100_000,
        i * 2_654_435_761 % 4_294_967_296,
        i % 500,
        ["view", "click", "add_to_cart", "purchase"][i % 4],
        ["mobile", "desktop", "tablet"][i % 3],
        (i % 10_000) as f64 / 7.0,
        i % 9 + 1,
        1_767_225_600 + i as i64,
    );
    while text.len() < RECORD_BYTES - 2 {
        text.push(char::from(b'a' + (text.len() % 26) as u8));
    }
    text.push_str("\"}");
    text.into_bytes()
}

fn conversion(serializer: SerializerConfig) -> Conversion {
    let config = DataFormatConversionConfiguration {
        schema_configuration: Some(SchemaConfiguration {
            role_arn: Some("arn:aws:iam::000000000000:role/r".into()),
            database_name: Some("bench".into()),
            table_name: Some("events".into()),
            ..SchemaConfiguration::default()
        }),
        input_format_configuration: Some(InputFormatConfiguration {
            deserializer: Some(DeserializerConfig {
                open_x_json_ser_de: Some(OpenXJsonSerDe::default()),
                ..DeserializerConfig::default()
            }),
        }),
        output_format_configuration: Some(OutputFormatConfiguration {
            serializer: Some(serializer),
        }),
        enabled: Some(true),
    };
    check(Some(&config)).unwrap().unwrap()
}

fn bench(c: &mut Criterion) {
    let table = table();
    let records: Vec<Vec<u8>> = (0..RECORDS).map(record).collect();
    let slices: Vec<&[u8]> = records.iter().map(Vec::as_slice).collect();
    let bytes: usize = records.iter().map(Vec::len).sum();
    let mut group = c.benchmark_group("json-to-columnar");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    for (name, serializer) in [
        (
            "parquet-snappy",
            SerializerConfig {
                parquet_ser_de: Some(ParquetSerDe::default()),
                ..SerializerConfig::default()
            },
        ),
        (
            "orc-snappy",
            SerializerConfig {
                orc_ser_de: Some(OrcSerDe::default()),
                ..SerializerConfig::default()
            },
        ),
    ] {
        let conversion = conversion(serializer);
        let converted = conversion.convert(Ok(&table), &slices).unwrap();
        assert_eq!(converted.converted.len(), RECORDS);
        group.bench_function(name, |b| {
            b.iter(|| black_box(conversion.convert(Ok(&table), black_box(&slices)).unwrap()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
