//! One file per group of Kinesis Data Streams operations; each input type implements
//! [`crate::world::Operation`].

pub mod config;
pub mod consumers;
pub mod engine;
pub mod lifecycle;
pub mod list_shards;
pub mod policy;
pub mod put;
pub mod read;
pub mod reshard;
pub mod resource;
pub mod tags;
