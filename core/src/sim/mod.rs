//! Producer and consumer simulators. They drive the world through the same commands as every other
//! caller, on the same virtual clock; this module holds their building blocks.

pub mod activity;
mod ahead;
pub mod analytics_report;
pub mod analytics_spec;
pub mod camera;
pub mod camera_spec;
pub mod check;
pub mod consumer_app;
pub mod editing;
pub mod fanout;
pub mod firehose_report;
pub mod firehose_spec;
pub mod glue_spec;
pub mod iterator;
pub mod kcl;
mod key_order;
pub mod keys;
pub mod kpl;
pub mod kpl_limits;
pub mod lambda;
pub mod lambda_failures;
pub mod ledger;
pub mod lineage;
pub mod payload;
pub mod polling;
pub mod producer;
pub mod producer_spec;
pub mod rate;
mod record_maker;
pub mod report;
pub mod scenario;
pub mod shard_reader;
pub mod simulation;
pub mod size;
pub mod video_report;
