//! Applications on the virtual clock (reference D): created with AWS's example SQL, started on a
//! Kinesis stream (read as a consumer through the Data Streams read path) or a delivery stream,
//! their windows written to an output stream as JSON or CSV, runtime errors to the error stream,
//! and the lifecycle — statuses, versions, and refusals — as AWS gives them.

use super::*;
use kinescope_core::analytics::application::{DELETING_MS, STOPPING_MS, UPDATING_MS};
use kinescope_core::analytics::ops::lifecycle::*;
use kinescope_core::analytics::ops::parts::*;
use kinescope_core::analytics::ops::update::*;
use kinescope_core::analytics::shapes::*;

const TUMBLING: &str = include_str!("../../../assets/analytics/tumbling-count.sql");

#[test]
fn aws_tumbling_example_counts_each_ticker_per_minute_into_the_output_stream() {
    let mut world = world_with_streams();
    create(&mut world, TUMBLING, "JSON");
    start(&mut world, "NOW");
    assert_eq!(status(&world), ApplicationStatus::Starting);
    // Records written while the application starts are read once it runs (NOW = the request).
    world.step(1_000);
    trade(&mut world, "AMZN", 10.0);
    world.step(STARTING_MS as u64);
    assert_eq!(status(&world), ApplicationStatus::Running);
    for _ in 0..2 {
        trade(&mut world, "AMZN", 11.0);
    }
    trade(&mut world, "TBV", 3.0);
    // Past the minute: the window closes and its rows go out.
    world.step(60_000);
    let rows = output_rows(&mut world);
    let mut counts: Vec<(String, i64)> = rows
        .iter()
        .map(|r| {
            let ticker = r["TICKER_SYMBOL"].as_str().unwrap().to_owned();
            (ticker, r["TICKER_COUNT"].as_i64().unwrap())
        })
        .collect();
    counts.sort();
    assert_eq!(counts, [("AMZN".to_owned(), 3), ("TBV".to_owned(), 1)]);
    let app = &world.analytics_applications()[APP];
    let runtime = app.runtime.as_ref().unwrap();
    assert_eq!(runtime.records_in, 4);
    assert!(runtime.program.pumps[0].windows_closed >= 1);
    // The application reads as a consumer: the stream map knows it by name.
    let readers: Vec<String> = world
        .readers()
        .iter()
        .filter_map(|(_, r)| r.label.clone())
        .collect();
    assert!(
        readers.iter().any(|l| l == "analytics:tickers"),
        "{readers:?}"
    );
}

#[test]
fn csv_output_and_a_csv_input_schema() {
    let mut world = world_with_streams();
    let mut input = ticker_input();
    input.input_schema = Some(csv_schema(vec![
        column("TICKER_SYMBOL", "VARCHAR(4)", None),
        column("PRICE", "DOUBLE", None),
    ]));
    let code =
        "CREATE OR REPLACE STREAM \"DESTINATION_SQL_STREAM\" (ticker VARCHAR(4), doubled DOUBLE);
        CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"DESTINATION_SQL_STREAM\"
        SELECT STREAM ticker_symbol, price * 2 FROM \"SOURCE_SQL_STREAM_001\";";
    create_with(&mut world, code, input, "CSV");
    start(&mut world, "NOW");
    world.step(STARTING_MS as u64);
    put_raw(&mut world, "AMZN,1.5\nTBV,2\n");
    world.step(2_000);
    let records = output_records(&mut world);
    assert_eq!(records, ["AMZN,3\n", "TBV,4\n"]);
}

#[test]
fn records_that_do_not_fit_the_schema_and_failing_rows_go_to_the_error_stream() {
    let mut world = world_with_streams();
    let code = "CREATE OR REPLACE STREAM \"DESTINATION_SQL_STREAM\" (ratio DOUBLE);
        CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"DESTINATION_SQL_STREAM\"
        SELECT STREAM 10 / (CHAR_LENGTH(ticker_symbol) - 4) FROM \"SOURCE_SQL_STREAM_001\";";
    let error_output = output("error_stream", "JSON");
    world
        .apply(CreateApplicationInput {
            application_name: Some(APP.into()),
            inputs: Some(vec![ticker_input()]),
            outputs: Some(vec![error_output]),
            application_code: Some(code.into()),
            ..CreateApplicationInput::default()
        })
        .unwrap();
    start(&mut world, "NOW");
    world.step(STARTING_MS as u64);
    put_raw(&mut world, "not json at all");
    trade(&mut world, "AMZN", 4.0);
    world.step(2_000);
    let rows = output_rows(&mut world);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["ERROR_NAME"], "Unable to parse");
    assert_eq!(rows[0]["ERROR_LEVEL"], "ERROR");
    let hex: String = b"not json at all"
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(rows[0]["DATA_ROW"], hex.as_str());
    assert_eq!(rows[1]["PUMP_NAME"], "P");
    assert!(
        rows[1]["MESSAGE"]
            .as_str()
            .unwrap()
            .contains("division by zero")
    );
    let runtime = world.analytics_applications()[APP]
        .runtime
        .as_ref()
        .unwrap();
    assert_eq!(runtime.records_rejected, 1);
    assert_eq!(runtime.program.errors_total, 2);
}

#[test]
fn a_delivery_stream_can_be_the_source_and_trim_horizon_is_refused_for_it() {
    let mut world = world_with_streams();
    let hose = "ticks-hose";
    world
        .apply(
            kinescope_core::firehose::ops::lifecycle::CreateDeliveryStreamInput {
                delivery_stream_name: Some(hose.into()),
                extended_s3_destination_configuration: Some(
                    kinescope_core::firehose::destination::S3DestinationInput {
                        role_arn: Some(ROLE.into()),
                        bucket_arn: Some("arn:aws:s3:::ticks".into()),
                        ..Default::default()
                    },
                ),
                ..Default::default()
            },
        )
        .unwrap();
    world.step(1_000);
    let mut input = ticker_input();
    input.kinesis_streams_input = None;
    input.kinesis_firehose_input = Some(ResourceRole {
        resource_arn: Some(format!(
            "arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/{hose}"
        )),
        role_arn: Some(ROLE.into()),
    });
    create_with(&mut world, TUMBLING, input, "JSON");
    let refused = world.apply(start_input("TRIM_HORIZON")).unwrap_err();
    assert_eq!(refused.code(), "InvalidArgumentException");
    start(&mut world, "NOW");
    world.step(STARTING_MS as u64);
    for ticker in ["AMZN", "AMZN", "QXZ"] {
        let record = format!(r#"{{"TICKER_SYMBOL":"{ticker}","PRICE":1.0}}"#);
        world
            .apply(kinescope_core::firehose::ops::put::PutRecordInput {
                delivery_stream_name: Some(hose.into()),
                record: Some(kinescope_core::firehose::ops::put::Record::new(
                    record.as_bytes(),
                )),
            })
            .unwrap();
    }
    world.step(61_000);
    let total: i64 = output_rows(&mut world)
        .iter()
        .map(|r| r["TICKER_COUNT"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 3);
}

#[test]
fn statuses_follow_start_stop_update_and_delete() {
    let mut world = world_with_streams();
    create(&mut world, TUMBLING, "JSON");
    assert_eq!(status(&world), ApplicationStatus::Ready);
    let stop = world.apply(stop_input()).unwrap_err();
    assert_eq!(stop.code(), "ResourceInUseException");
    start(&mut world, "NOW");
    let again = world.apply(start_input("NOW")).unwrap_err();
    assert_eq!(again.code(), "ResourceInUseException");
    world.step(STARTING_MS as u64);
    assert_eq!(status(&world), ApplicationStatus::Running);
    // A change names the version it changes; a stale one is refused, a current one bumps it.
    let version = detail(&mut world).application_version_id;
    let stale = world.apply(add_output(version + 1)).unwrap_err();
    assert_eq!(stale.code(), "ConcurrentModificationException");
    world.apply(add_output(version)).unwrap();
    let after = detail(&mut world);
    assert_eq!(after.application_version_id, version + 1);
    assert_eq!(after.application_status, ApplicationStatus::Updating);
    assert_eq!(after.output_descriptions.len(), 2);
    assert_eq!(
        after.output_descriptions[1].output_id,
        format!("{}.1", version + 1)
    );
    world.step(UPDATING_MS as u64);
    assert_eq!(status(&world), ApplicationStatus::Running);
    world.apply(stop_input()).unwrap();
    assert_eq!(status(&world), ApplicationStatus::Stopping);
    world.step(STOPPING_MS as u64);
    assert_eq!(status(&world), ApplicationStatus::Ready);
    // Deleting needs the creation time, and takes a moment.
    let created = detail(&mut world).create_timestamp;
    let wrong = world.apply(DeleteApplicationInput {
        application_name: Some(APP.into()),
        create_timestamp: Some(kinescope_core::time::Timestamp(created.millis() + 5_000)),
    });
    assert_eq!(wrong.unwrap_err().code(), "InvalidArgumentException");
    world
        .apply(DeleteApplicationInput {
            application_name: Some(APP.into()),
            create_timestamp: Some(created),
        })
        .unwrap();
    assert_eq!(status(&world), ApplicationStatus::Deleting);
    world.step(DELETING_MS as u64);
    let gone = world.apply(describe_input()).unwrap_err();
    assert_eq!(gone.code(), "ResourceNotFoundException");
}

#[test]
fn bad_code_is_refused_where_it_goes_wrong_and_changes_nothing() {
    let mut world = world_with_streams();
    let refused = world
        .apply(CreateApplicationInput {
            application_name: Some(APP.into()),
            inputs: Some(vec![ticker_input()]),
            application_code: Some("CREATE OR REPLACE STREAM \"S\" (a INTEGER);\nSELEC 1;".into()),
            ..CreateApplicationInput::default()
        })
        .unwrap_err();
    assert_eq!(refused.code(), "CodeValidationException");
    assert!(
        refused.message().contains("line 2"),
        "{}",
        refused.message()
    );
    assert!(world.analytics_applications().is_empty());
    create(&mut world, TUMBLING, "JSON");
    let update = UpdateApplicationInput {
        application_name: Some(APP.into()),
        current_application_version_id: Some(1),
        application_update: Some(ApplicationUpdate {
            application_code_update: Some("SELECT STREAM nothing FROM \"NOWHERE\";".into()),
            ..ApplicationUpdate::default()
        }),
    };
    assert_eq!(
        world.apply(update).unwrap_err().code(),
        "CodeValidationException"
    );
    let kept = detail(&mut world);
    assert_eq!(kept.application_version_id, 1);
    assert_eq!(kept.application_code.as_deref(), Some(TUMBLING));
}

#[test]
fn a_source_that_disappears_leaves_the_application_running_and_says_why() {
    let mut world = world_with_streams();
    create(&mut world, TUMBLING, "JSON");
    start(&mut world, "NOW");
    world.step(STARTING_MS as u64);
    world
        .apply(kinescope_core::streams::ops::lifecycle::DeleteStreamInput::named(SOURCE))
        .unwrap();
    world.step(5_000);
    assert_eq!(status(&world), ApplicationStatus::Running);
    let runtime = world.analytics_applications()[APP]
        .runtime
        .as_ref()
        .unwrap();
    let error = runtime.source_error.as_deref().unwrap_or_default();
    assert!(error.starts_with("ResourceNotFoundException"), "{error}");
}

#[test]
fn stopping_and_starting_at_the_last_stopped_point_misses_nothing() {
    let mut world = world_with_streams();
    let code = "CREATE OR REPLACE STREAM \"DESTINATION_SQL_STREAM\" (ticker VARCHAR(4));
        CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"DESTINATION_SQL_STREAM\"
        SELECT STREAM ticker_symbol FROM \"SOURCE_SQL_STREAM_001\";";
    create(&mut world, code, "JSON");
    start(&mut world, "NOW");
    world.step(STARTING_MS as u64);
    trade(&mut world, "A", 1.0);
    world.step(2_000);
    world.apply(stop_input()).unwrap();
    world.step(STOPPING_MS as u64);
    trade(&mut world, "B", 1.0);
    start(&mut world, "LAST_STOPPED_POINT");
    world.step(STARTING_MS as u64 + 2_000);
    let tickers: Vec<String> = output_rows(&mut world)
        .iter()
        .map(|r| r["TICKER"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(tickers, ["A", "B"]);
}

fn add_output(version: i64) -> AddApplicationOutputInput {
    AddApplicationOutputInput {
        application_name: Some(APP.into()),
        current_application_version_id: Some(version),
        output: Some(output("DESTINATION_SQL_STREAM", "CSV")),
    }
}

fn stop_input() -> StopApplicationInput {
    StopApplicationInput {
        application_name: Some(APP.into()),
    }
}

fn describe_input() -> DescribeApplicationInput {
    DescribeApplicationInput {
        application_name: Some(APP.into()),
    }
}

fn detail(world: &mut World) -> ApplicationDetail {
    world.apply(describe_input()).unwrap().application_detail
}

fn status(world: &World) -> ApplicationStatus {
    world.analytics_applications()[APP].status
}

#[test]
fn a_reference_table_from_the_s3_view_is_joined_and_read_again_on_update() {
    let mut world = world_with_streams();
    let put = |world: &mut World, body: &str| {
        world
            .apply(kinescope_core::firehose::put_object::PutObjectInput {
                bucket: "reference".into(),
                key: "companies.csv".into(),
                body: body.as_bytes().to_vec(),
            })
            .unwrap();
    };
    // AWS's reference-data example: a ticker's company name, joined to each trade.
    let code = r#"CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), "Company" varchar(20), price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM ticker_symbol, "c"."Company", price
    FROM "SOURCE_SQL_STREAM_001" LEFT JOIN "CompanyName" AS "c"
    ON "SOURCE_SQL_STREAM_001".ticker_symbol = "c"."Ticker";"#;
    let reference = ReferenceDataSource {
        table_name: Some("CompanyName".into()),
        s3_reference_data_source: Some(S3ReferenceDataSource {
            bucket_arn: Some("arn:aws:s3:::reference".into()),
            file_key: Some("companies.csv".into()),
            reference_role_arn: Some(ROLE.into()),
        }),
        reference_schema: Some(csv_schema(vec![
            column("Ticker", "VARCHAR(4)", None),
            column("Company", "VARCHAR(20)", None),
        ])),
    };
    let add = |version: i64| AddApplicationReferenceDataSourceInput {
        application_name: Some(APP.into()),
        current_application_version_id: Some(version),
        reference_data_source: Some(reference.clone()),
    };
    // As AWS's walkthrough does it: the application first, then its reference data, then the
    // code that joins it (code naming a table the application lacks does not compile).
    create(&mut world, "", "JSON");
    let missing = world.apply(add(1)).unwrap_err();
    assert_eq!(missing.code(), "InvalidArgumentException");
    put(&mut world, "AMZN,Amazon\nTBV,TBV Corp\n");
    world.apply(add(1)).unwrap();
    world
        .apply(UpdateApplicationInput {
            application_name: Some(APP.into()),
            current_application_version_id: Some(2),
            application_update: Some(ApplicationUpdate {
                application_code_update: Some(code.into()),
                ..ApplicationUpdate::default()
            }),
        })
        .unwrap();
    start(&mut world, "NOW");
    world.step(STARTING_MS as u64);
    trade(&mut world, "AMZN", 10.0);
    trade(&mut world, "QXZ", 5.0);
    world.step(2_000);
    // The object changes; the table does not until the application is updated.
    put(&mut world, "AMZN,Amazon.com\nQXZ,QXZ Inc\n");
    trade(&mut world, "QXZ", 6.0);
    world.step(2_000);
    let version = detail(&mut world).application_version_id;
    let description = UpdateApplicationInput {
        application_name: Some(APP.into()),
        current_application_version_id: Some(version),
        application_update: Some(ApplicationUpdate::default()),
    };
    world.apply(description).unwrap();
    trade(&mut world, "QXZ", 7.0);
    world.step(2_000);
    let companies: Vec<serde_json::Value> = output_rows(&mut world)
        .iter()
        .map(|r| r["Company"].clone())
        .collect();
    assert_eq!(
        companies,
        [
            serde_json::json!("Amazon"),
            serde_json::Value::Null,
            serde_json::Value::Null,
            serde_json::json!("QXZ Inc")
        ]
    );
    // Code that joins the table keeps it: removing it is refused.
    let version = detail(&mut world).application_version_id;
    world.step(UPDATING_MS as u64);
    let reference_id = detail(&mut world).reference_data_source_descriptions[0]
        .reference_id
        .clone();
    let removal = world.apply(DeleteApplicationReferenceDataSourceInput {
        application_name: Some(APP.into()),
        current_application_version_id: Some(version),
        reference_id: Some(reference_id),
    });
    assert_eq!(removal.unwrap_err().code(), "CodeValidationException");
}

#[test]
fn a_running_application_has_its_flink_sql_beside_it_agreeing_window_for_window() {
    let mut world = world_with_streams();
    create(&mut world, TUMBLING, "JSON");
    start(&mut world, "NOW");
    world.step(STARTING_MS as u64);
    for i in 0..40 {
        trade(&mut world, ["AMZN", "QXZ", "TBV"][i % 3], 1.0);
        world.step(3_000);
    }
    world.step(60_000);
    let runtime = world.analytics_applications()[APP]
        .runtime
        .as_ref()
        .unwrap();
    let flink = runtime.flink.as_ref().unwrap();
    assert!(flink.translation.complete());
    assert!(
        flink
            .translation
            .sql
            .contains("'stream.arn' = 'arn:aws:kinesis:us-east-1:000000000000:stream/results'"),
        "{}",
        flink.translation.sql
    );
    let program = flink.program.as_ref().unwrap();
    let agreement = kinescope_core::analytics::flink_translation::agreement(
        &runtime.program,
        program,
        &runtime.input_stream,
    );
    let (stream, matched, total) = &agreement[0];
    assert_eq!(stream, "DESTINATION_SQL_STREAM");
    assert!(*total >= 6, "{agreement:?}");
    assert_eq!(matched, total, "every window's row agrees");
}

#[test]
fn empty_delimiters_and_arns_of_the_wrong_kind_are_refused() {
    let mut world = world_with_streams();
    let mut input = ticker_input();
    input.input_schema.as_mut().unwrap().record_format = Some(RecordFormat {
        record_format_type: Some("CSV".into()),
        mapping_parameters: Some(MappingParameters {
            json: None,
            csv: Some(CsvMappingParameters {
                record_row_delimiter: Some(String::new()),
                record_column_delimiter: Some(",".into()),
            }),
        }),
    });
    let create = |input: Input| CreateApplicationInput {
        application_name: Some(APP.into()),
        inputs: Some(vec![input]),
        ..CreateApplicationInput::default()
    };
    let error = world.apply(create(input)).unwrap_err();
    assert_eq!(error.code(), "ValidationException");
    assert!(
        error.message().contains("recordRowDelimiter"),
        "{}",
        error.message()
    );
    let mut input = ticker_input();
    input.kinesis_streams_input.as_mut().unwrap().resource_arn =
        Some("arn:aws:kinesis:us-east-1:000000000000:ticks".into());
    let error = world.apply(create(input)).unwrap_err();
    assert_eq!(error.code(), "InvalidArgumentException");
}

#[test]
fn large_rows_go_out_in_calls_the_destination_takes() {
    let mut world = world_with_streams();
    let code = "CREATE OR REPLACE STREAM \"DESTINATION_SQL_STREAM\" (ticker VARCHAR(40000));
        CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"DESTINATION_SQL_STREAM\"
        SELECT STREAM ticker_symbol FROM \"SOURCE_SQL_STREAM_001\";";
    let mut input = ticker_input();
    input.input_schema.as_mut().unwrap().record_columns = Some(vec![column(
        "TICKER_SYMBOL",
        "VARCHAR(40000)",
        Some("$.TICKER_SYMBOL"),
    )]);
    create_with(&mut world, code, input, "JSON");
    start(&mut world, "NOW");
    world.step(STARTING_MS as u64);
    let long = "x".repeat(30_000);
    for _ in 0..8 {
        for _ in 0..25 {
            put_raw(&mut world, &format!(r#"{{"TICKER_SYMBOL":"{long}"}}"#));
        }
        world.step(1_000);
    }
    world.step(30_000);
    let runtime = world.analytics_applications()[APP]
        .runtime
        .as_ref()
        .unwrap();
    let writer = &runtime.outputs[0];
    assert_eq!(runtime.records_in, 200);
    assert_eq!(
        (writer.records_out, writer.dropped),
        (200, 0),
        "{:?}",
        writer.last_error
    );
}
