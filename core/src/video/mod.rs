//! Amazon Kinesis Video Streams (reference C): video streams with their retention, tags and data
//! endpoints. Same inside as `streams/` and `firehose/`: state (`stream`, `service`), `ops/` (one
//! file per group of operations), `error` (its AWS error codes), `command` (operations as data).

pub mod codec;
pub mod command;
pub mod error;
pub mod fragment;
pub mod media;
pub mod mkv;
pub mod ops;
pub mod playback;
pub mod put_media;
pub mod service;
pub mod stream;
pub mod streaming;
