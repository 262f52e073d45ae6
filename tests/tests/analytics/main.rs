//! Stream analytics (reference D): the SQL dialect on hand-computed input, RANDOM_CUT_FOREST on
//! seeded series, and applications reading streams and writing their results.

mod applications;
mod flink;
mod functions;
mod rcf;
mod sql;

use kinescope_core::analytics::application::STARTING_MS;
use kinescope_core::analytics::ops::lifecycle::{
    CreateApplicationInput, InputConfiguration, StartApplicationInput,
};
use kinescope_core::analytics::shapes::*;
use kinescope_core::streams::ops::lifecycle::CreateStreamInput;
use kinescope_core::streams::ops::put::PutRecordInput;
use kinescope_core::streams::ops::read::{GetRecordsInput, GetShardIteratorInput};
use kinescope_core::streams::shapes::{ShardId, ShardIteratorType};
use kinescope_core::{Settings, World};

pub const APP: &str = "tickers";
pub const SOURCE: &str = "ticks";
pub const OUT: &str = "results";
pub const ACCOUNT: &str = "000000000000";
pub const ROLE: &str = "arn:aws:iam::000000000000:role/analytics";

/// A world holding ACTIVE streams `ticks` (the source) and `results` (the output), one shard each.
pub fn world_with_streams() -> World {
    let mut world = World::new(Settings::default(), 7);
    for name in [SOURCE, OUT] {
        world
            .apply(CreateStreamInput::provisioned(name, 1))
            .unwrap();
    }
    world.step(500);
    world
}

pub fn column(name: &str, sql_type: &str, mapping: Option<&str>) -> RecordColumn {
    RecordColumn {
        name: Some(name.into()),
        mapping: mapping.map(str::to_owned),
        sql_type: Some(sql_type.into()),
    }
}

/// A CSV schema of `columns`, a row a line, fields split at commas.
pub fn csv_schema(columns: Vec<RecordColumn>) -> SourceSchema {
    SourceSchema {
        record_format: Some(RecordFormat {
            record_format_type: Some("CSV".into()),
            mapping_parameters: Some(MappingParameters {
                json: None,
                csv: Some(CsvMappingParameters {
                    record_row_delimiter: Some("\n".into()),
                    record_column_delimiter: Some(",".into()),
                }),
            }),
        }),
        record_encoding: Some("UTF-8".into()),
        record_columns: Some(columns),
    }
}

/// The input AWS's examples use: JSON trades on `ticks`.
pub fn ticker_input() -> Input {
    Input {
        name_prefix: Some("SOURCE_SQL_STREAM".into()),
        kinesis_streams_input: Some(ResourceRole {
            resource_arn: Some(format!(
                "arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/{SOURCE}"
            )),
            role_arn: Some(ROLE.into()),
        }),
        input_schema: Some(SourceSchema {
            record_format: Some(RecordFormat {
                record_format_type: Some("JSON".into()),
                mapping_parameters: Some(MappingParameters {
                    json: Some(JsonMappingParameters {
                        record_row_path: Some("$".into()),
                    }),
                    csv: None,
                }),
            }),
            record_encoding: Some("UTF-8".into()),
            record_columns: Some(vec![
                column("TICKER_SYMBOL", "VARCHAR(4)", Some("$.TICKER_SYMBOL")),
                column("PRICE", "DOUBLE", Some("$.PRICE")),
            ]),
        }),
        ..Input::default()
    }
}

/// An output of in-application stream `name` to `results`, as `format`.
pub fn output(name: &str, format: &str) -> Output {
    Output {
        name: Some(name.into()),
        kinesis_streams_output: Some(ResourceRole {
            resource_arn: Some(format!("arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/{OUT}")),
            role_arn: Some(ROLE.into()),
        }),
        destination_schema: Some(DestinationSchema {
            record_format_type: Some(format.into()),
        }),
        ..Output::default()
    }
}

/// Creates application `tickers` reading `input`, writing DESTINATION_SQL_STREAM as `format`.
pub fn create_with(world: &mut World, code: &str, input: Input, format: &str) {
    world
        .apply(CreateApplicationInput {
            application_name: Some(APP.into()),
            inputs: Some(vec![input]),
            outputs: Some(vec![output("DESTINATION_SQL_STREAM", format)]),
            application_code: Some(code.into()),
            ..CreateApplicationInput::default()
        })
        .unwrap();
}

/// Creates application `tickers` on the trades of `ticks`.
pub fn create(world: &mut World, code: &str, format: &str) {
    create_with(world, code, ticker_input(), format);
}

pub fn start_input(position: &str) -> StartApplicationInput {
    StartApplicationInput {
        application_name: Some(APP.into()),
        input_configurations: Some(vec![InputConfiguration {
            id: Some("1.1".into()),
            input_starting_position_configuration: Some(InputStartingPositionConfiguration {
                input_starting_position: Some(position.into()),
            }),
        }]),
    }
}

pub fn start(world: &mut World, position: &str) {
    world.apply(start_input(position)).unwrap();
}

/// Writes a trade to `ticks`.
pub fn trade(world: &mut World, ticker: &str, price: f64) {
    put_raw(
        world,
        &format!(r#"{{"TICKER_SYMBOL":"{ticker}","PRICE":{price}}}"#),
    );
}

/// Writes one record to `ticks`.
pub fn put_raw(world: &mut World, data: &str) {
    world.apply(PutRecordInput::new(SOURCE, "k", data)).unwrap();
}

/// Every record written to `results`, as text.
pub fn output_records(world: &mut World) -> Vec<String> {
    let iterator = world
        .apply(GetShardIteratorInput::new(
            OUT,
            ShardId(0),
            ShardIteratorType::TrimHorizon,
        ))
        .unwrap()
        .shard_iterator
        .unwrap();
    let page = world.apply(GetRecordsInput::new(&iterator, None)).unwrap();
    page.records
        .iter()
        .map(|r| String::from_utf8_lossy(r.data()).into_owned())
        .collect()
}

/// Every record written to `results`, as JSON.
pub fn output_rows(world: &mut World) -> Vec<serde_json::Value> {
    output_records(world)
        .iter()
        .map(|r| serde_json::from_str(r).unwrap())
        .collect()
}

#[test]
fn the_application_starts_after_its_starting_time() {
    let mut world = world_with_streams();
    create(
        &mut world,
        include_str!("../../../assets/analytics/tumbling-count.sql"),
        "JSON",
    );
    start(&mut world, "NOW");
    world.step(STARTING_MS as u64 - 1);
    assert_eq!(
        world.analytics_applications()[APP].status,
        ApplicationStatus::Starting
    );
    world.step(1);
    assert_eq!(
        world.analytics_applications()[APP].status,
        ApplicationStatus::Running
    );
}
