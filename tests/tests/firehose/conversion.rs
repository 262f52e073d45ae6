//! Record format conversion (B.8): JSON records become Parquet or ORC with the columns of a Glue
//! table; records that are not JSON or do not fit go to the error prefix as AWS's documents.

use super::*;
use kinescope_core::firehose::conversion::config::*;
use kinescope_core::firehose::conversion::preview::read_rows;
use kinescope_core::firehose::error::FirehoseError;
use kinescope_core::glue::ops::{CreateDatabaseInput, CreateTableInput, DeleteTableInput};
use kinescope_core::glue::shapes::{Column, DatabaseInput, StorageDescriptor, TableInput};

const DATABASE: &str = "analytics";
const TABLE: &str = "orders";

fn column(name: &str, kind: &str) -> Column {
    Column {
        name: name.into(),
        kind: Some(kind.into()),
        ..Column::default()
    }
}

/// The Glue table `analytics.orders` with `columns`.
fn catalog(world: &mut World, columns: Vec<Column>) {
    world
        .apply(CreateDatabaseInput {
            database_input: Some(DatabaseInput {
                name: Some(DATABASE.into()),
                ..DatabaseInput::default()
            }),
            ..CreateDatabaseInput::default()
        })
        .unwrap();
    world
        .apply(CreateTableInput {
            database_name: Some(DATABASE.into()),
            table_input: Some(TableInput {
                name: Some(TABLE.into()),
                storage_descriptor: Some(StorageDescriptor {
                    columns: Some(columns),
                    ..StorageDescriptor::default()
                }),
                ..TableInput::default()
            }),
            ..CreateTableInput::default()
        })
        .unwrap();
}

fn order_columns() -> Vec<Column> {
    vec![
        column("id", "int"),
        column("customer", "string"),
        column("amount", "double"),
        column("at", "timestamp"),
    ]
}

fn conversion(
    deserializer: DeserializerConfig,
    serializer: SerializerConfig,
) -> DataFormatConversionConfiguration {
    DataFormatConversionConfiguration {
        schema_configuration: Some(SchemaConfiguration {
            role_arn: Some("arn:aws:iam::000000000000:role/firehose".into()),
            database_name: Some(DATABASE.into()),
            table_name: Some(TABLE.into()),
            ..SchemaConfiguration::default()
        }),
        input_format_configuration: Some(InputFormatConfiguration {
            deserializer: Some(deserializer),
        }),
        output_format_configuration: Some(OutputFormatConfiguration {
            serializer: Some(serializer),
        }),
        enabled: Some(true),
    }
}

fn openx() -> DeserializerConfig {
    DeserializerConfig {
        open_x_json_ser_de: Some(OpenXJsonSerDe::default()),
        ..DeserializerConfig::default()
    }
}

fn parquet() -> SerializerConfig {
    SerializerConfig {
        parquet_ser_de: Some(ParquetSerDe::default()),
        ..SerializerConfig::default()
    }
}

fn orc() -> SerializerConfig {
    SerializerConfig {
        orc_ser_de: Some(OrcSerDe::default()),
        ..SerializerConfig::default()
    }
}

fn converting(serializer: SerializerConfig) -> S3DestinationInput {
    S3DestinationInput {
        prefix: Some("orders/".into()),
        error_output_prefix: Some("errors/!{firehose:error-output-type}/".into()),
        data_format_conversion_configuration: Some(Box::new(conversion(openx(), serializer))),
        ..s3(64, 60)
    }
}

fn put_orders(world: &mut World) {
    world
        .apply(put(
            br#"{"id":1,"customer":"ana","amount":12.5,"at":1767225600}"#,
        ))
        .unwrap();
    // Two rows in one record, keys in another case, numbers as text: OpenX takes them.
    world
        .apply(put(br#"{"ID":"2","Customer":"bo"} {"id":3,"amount":"7"}"#))
        .unwrap();
    world.apply(put(b"not json at all")).unwrap();
    world.apply(put(br#"{"id":"four"}"#)).unwrap();
}

fn error_documents(world: &World) -> Vec<serde_json::Value> {
    documents_under(world, "errors/format-conversion-failed/")
}

#[test]
fn json_becomes_parquet_and_records_that_do_not_fit_go_to_the_error_prefix() {
    let mut world = world();
    catalog(&mut world, order_columns());
    active_hose(&mut world, converting(parquet()));
    put_orders(&mut world);
    world.step(60_000);
    let objects = world.objects().list(BUCKET, "orders/");
    assert_eq!(objects.len(), 1);
    assert!(objects[0].key.ends_with(".parquet"), "{}", objects[0].key);
    let body = world
        .objects()
        .body(BUCKET, &objects[0].key)
        .unwrap()
        .unwrap();
    let rows = read_rows(&body, 10).unwrap();
    assert_eq!(rows.columns, ["id", "customer", "amount", "at"]);
    assert_eq!(rows.total_rows, 3);
    assert_eq!(rows.rows[0], ["1", "ana", "12.5", "2026-01-01T00:00:00"]);
    assert_eq!(rows.rows[1], ["2", "bo", "null", "null"]);
    assert_eq!(rows.rows[2], ["3", "null", "7.0", "null"]);

    let documents = error_documents(&world);
    assert_eq!(documents.len(), 2);
    assert_eq!(documents[0]["ErrorCode"], "DataFormatConversion.ParseError");
    assert_eq!(
        documents[1]["ErrorCode"],
        "DataFormatConversion.MalformedData"
    );
    let mut keys: Vec<&str> = documents[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut expected = [
        "attemptsMade",
        "arrivalTimestamp",
        "ErrorCode",
        "ErrorMessage",
        "attemptEndingTimestamp",
        "rawData",
        "sequenceNumber",
        "subSequenceNumber",
        "dataCatalogTable",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(documents[0]["dataCatalogTable"]["tableName"], TABLE);
    assert_eq!(documents[0]["dataCatalogTable"]["databaseName"], DATABASE);
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.counters.conversion_failed, 2);
    assert_eq!(stream.counters.records_delivered, 2);
}

#[test]
fn json_becomes_orc_for_flat_schemas() {
    let mut world = world();
    catalog(&mut world, order_columns());
    active_hose(&mut world, converting(orc()));
    put_orders(&mut world);
    world.step(60_000);
    let objects = world.objects().list(BUCKET, "orders/");
    assert!(objects[0].key.ends_with(".orc"), "{}", objects[0].key);
    let body = world
        .objects()
        .body(BUCKET, &objects[0].key)
        .unwrap()
        .unwrap();
    let rows = read_rows(&body, 10).unwrap();
    assert_eq!(rows.total_rows, 3);
    assert_eq!(rows.rows[0][..3], ["1", "ana", "12.5"]);
}

#[test]
fn nested_columns_are_written_to_parquet_and_refused_for_orc() {
    let columns = vec![column("id", "int"), column("tags", "array<string>")];
    let mut world = world();
    catalog(&mut world, columns.clone());
    active_hose(&mut world, converting(parquet()));
    world.apply(put(br#"{"id":1,"tags":["a","b"]}"#)).unwrap();
    world.step(60_000);
    let objects = world.objects().list(BUCKET, "orders/");
    let body = world
        .objects()
        .body(BUCKET, &objects[0].key)
        .unwrap()
        .unwrap();
    assert_eq!(read_rows(&body, 1).unwrap().rows[0], ["1", "[a, b]"]);

    let mut world = super::world();
    catalog(&mut world, columns);
    active_hose(&mut world, converting(orc()));
    world.apply(put(br#"{"id":1,"tags":["a"]}"#)).unwrap();
    world.step(60_000);
    assert!(world.objects().list(BUCKET, "orders/").is_empty());
    let documents = error_documents(&world);
    assert_eq!(
        documents[0]["ErrorCode"],
        "DataFormatConversion.InvalidSchema"
    );
    assert!(
        documents[0]["ErrorMessage"]
            .as_str()
            .unwrap()
            .contains("flat schemas only"),
        "{}",
        documents[0]
    );
}

#[test]
fn a_missing_table_fails_the_whole_batch_to_the_error_prefix() {
    let mut world = world();
    catalog(&mut world, order_columns());
    active_hose(&mut world, converting(parquet()));
    world
        .apply(DeleteTableInput {
            database_name: Some(DATABASE.into()),
            name: Some(TABLE.into()),
            ..DeleteTableInput::default()
        })
        .unwrap();
    put_orders(&mut world);
    world.step(60_000);
    assert!(world.objects().list(BUCKET, "orders/").is_empty());
    let documents = error_documents(&world);
    assert_eq!(documents.len(), 4);
    assert!(
        documents
            .iter()
            .all(|d| d["ErrorCode"] == "DataFormatConversion.InvalidSchema")
    );
}

#[test]
fn hive_is_strict_with_aws_messages() {
    let mut world = world();
    catalog(&mut world, order_columns());
    let hive = DeserializerConfig {
        hive_json_ser_de: Some(HiveJsonSerDe::default()),
        ..DeserializerConfig::default()
    };
    let destination = S3DestinationInput {
        data_format_conversion_configuration: Some(Box::new(conversion(hive, parquet()))),
        ..converting(parquet())
    };
    active_hose(&mut world, destination);
    world.apply(put(br#"{"id":"2"}"#)).unwrap();
    world
        .apply(put(br#"{"id":2,"at":"2026-01-01 00:00:00.5"}"#))
        .unwrap();
    world.step(60_000);
    let documents = error_documents(&world);
    assert_eq!(documents.len(), 1);
    assert_eq!(
        documents[0]["ErrorMessage"],
        "Data does not match the schema. Current token (VALUE_STRING) not numeric, can not use numeric value accessors"
    );
    let objects = world.objects().list(BUCKET, "orders/");
    let body = world
        .objects()
        .body(BUCKET, &objects[0].key)
        .unwrap()
        .unwrap();
    assert_eq!(
        read_rows(&body, 1).unwrap().rows[0][3],
        "2026-01-01T00:00:00.500"
    );
}

fn create_error(destination: S3DestinationInput) -> FirehoseError {
    world()
        .apply(CreateDeliveryStreamInput {
            delivery_stream_name: Some(HOSE.into()),
            extended_s3_destination_configuration: Some(destination),
            ..CreateDeliveryStreamInput::default()
        })
        .unwrap_err()
}

#[test]
fn aws_rules_for_conversion_are_checked_at_creation() {
    let gzip = S3DestinationInput {
        compression_format: Some("GZIP".into()),
        ..converting(parquet())
    };
    assert!(create_error(gzip).message().contains("UNCOMPRESSED"));
    let small = S3DestinationInput {
        buffering_hints: s3(5, 60).buffering_hints,
        ..converting(parquet())
    };
    assert!(create_error(small).message().contains("at least 64"));
    let both = SerializerConfig {
        parquet_ser_de: Some(ParquetSerDe::default()),
        orc_ser_de: Some(OrcSerDe::default()),
    };
    assert!(
        create_error(converting(both))
            .message()
            .contains("exactly one")
    );
    let tiny_block = SerializerConfig {
        parquet_ser_de: Some(ParquetSerDe {
            block_size_bytes: Some(1024),
            ..ParquetSerDe::default()
        }),
        ..SerializerConfig::default()
    };
    let error = create_error(converting(tiny_block));
    assert_eq!(error.code(), "ValidationException");
    assert!(
        error.message().contains("blockSizeBytes"),
        "{}",
        error.message()
    );

    // Without hints the size defaults to 128 MB with conversion.
    let mut world = world();
    let destination = S3DestinationInput {
        buffering_hints: None,
        ..converting(parquet())
    };
    active_hose(&mut world, destination);
    let hints = world
        .delivery_stream(HOSE)
        .unwrap()
        .destination
        .buffering_hints;
    assert_eq!((hints.size_in_mbs, hints.interval_in_seconds), (128, 300));
}
