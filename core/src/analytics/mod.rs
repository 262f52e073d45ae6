//! Kinesis Data Analytics for SQL (reference D): application code in AWS's SQL dialect — in-
//! application streams, pumps, ROWTIME, tumbling windows — compiled (`sql/`: the pre-parser for
//! the statements, sqlparser for the queries) and run incrementally (`program`, evaluating with
//! `eval` over `value`s) on the virtual clock; applications (`application`, `runtime`) read a
//! Kinesis stream or a delivery stream through an input schema (`record_format`), run the
//! program, and write output streams to destinations (`output_writer`); the kinesisanalytics API
//! (`command`, `ops`) configures them.

pub mod aggregate;
pub mod application;
pub mod command;
pub mod error;
pub mod eval;
pub mod flink_translation;
pub mod function_stage;
pub mod hotspots;
pub mod ops;
pub mod ordering;
pub mod output_writer;
pub mod program;
pub mod pump;
pub mod pump_tvf;
pub mod rcf;
pub mod record_format;
pub mod reference_data;
pub mod runtime;
pub mod service;
pub mod shapes;
pub mod sql;
pub mod tumbling_items;
pub mod value;
pub mod view_columns;
