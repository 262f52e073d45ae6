//! Kinesis Data Streams: streams, shards, records, readers, capacity, resharding and enhanced fan-out.

pub mod account;
pub mod capacity;
pub mod command;
pub mod control_plane;
pub mod efo;
pub mod error;
pub mod hashkey;
pub mod log;
pub mod messages;
pub mod ondemand;
pub mod ops;
pub mod readers;
pub mod record_page;
pub mod retention;
pub mod routing;
pub mod scaling;
pub mod sequence;
pub mod service;
pub mod shapes;
pub mod shard;
pub mod shared_str;
pub mod spare_pages;
pub mod stream;
pub mod token;
pub mod transitions;
