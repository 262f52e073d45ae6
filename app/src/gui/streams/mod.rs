//! The Data Streams panels: the shard map and its reader bands, throughput, consumers and lag,
//! the record browser, the produce form and the simulators.

pub mod lag;
pub mod lag_history;
pub mod produce;
pub mod reader_band;
pub mod records;
pub mod simulators;
pub mod stream_map;
pub mod throughput;
pub mod throughput_data;
