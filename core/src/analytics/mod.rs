//! Kinesis Data Analytics for SQL (reference D): application code in AWS's SQL dialect — in-
//! application streams, pumps, ROWTIME, tumbling windows — compiled (`sql/`: the pre-parser for
//! the statements, sqlparser for the queries) and run incrementally (`program`, evaluating with
//! `eval` over `value`s) on the virtual clock. Being built (issue 13): applications, their API,
//! sources and outputs come next.

pub mod aggregate;
pub mod eval;
pub mod function_stage;
pub mod ordering;
pub mod program;
pub mod rcf;
pub mod sql;
pub mod value;
