//! Amazon Data Firehose: delivery streams that buffer records on the virtual clock and deliver
//! them, compressed, as objects to S3 folders (reference B). Same inside as `streams/`: state,
//! `ops/` (one file per group of operations), `shapes` and `destination` (wire shapes), `error`
//! (its AWS error codes), `messages` (AWS's texts), `command` (operations as data).

pub mod buffer;
pub mod command;
pub mod compression;
pub mod conversion;
pub mod delivery;
pub mod delivery_stream;
pub mod destination;
pub mod error;
pub mod functions;
pub mod http_delivery;
pub mod http_endpoint;
pub mod jq;
pub mod kinesis_source;
pub mod messages;
pub mod metrics;
pub mod object_delivery;
pub mod object_key;
pub mod object_store;
pub mod opensearch;
pub mod ops;
mod optional_shape;
pub mod processors;
pub mod put_object;
pub mod quota;
pub mod redshift;
pub mod s3_remote;
pub mod service;
pub mod shapes;
pub mod source_backup;
pub mod splunk;
pub mod transform;
