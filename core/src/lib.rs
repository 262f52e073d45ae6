//! Kinescope's engine: a deterministic emulator of the AWS Kinesis family, driven by typed commands
//! on a virtual clock. Everything else — the desktop inspector, the Kinesis-compatible HTTP API,
//! simulators and scenarios — changes the world only through [`World::apply`] and moves time only
//! through [`World::step`].

pub mod allocator;
pub mod analytics;
pub mod api;
mod aws_error;
pub mod clock;
pub mod decimal;
pub mod events;
pub mod firehose;
pub mod glue;
pub mod learn;
pub mod live;
pub mod metrics;
pub mod outbound;
mod prefault;
mod service_command;
pub mod settings;
pub mod sim;
pub mod streams;
pub mod time;
pub mod traffic;
pub mod validate;
pub mod video;
pub mod world;

pub use clock::{Driver, Speed, VirtualClock};
pub use settings::Settings;
pub use streams::command::{AWS_OPERATIONS, Command, CommandOutput};
pub use streams::error::{KinesisError, KinesisResult};
pub use time::Timestamp;
pub use world::{Operation, World};
