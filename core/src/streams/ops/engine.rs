//! Commands that exist only in the emulator (no AWS operation): changing how a stream throttles.

use crate::streams::capacity::ThrottleMode;
use crate::streams::error::{KinesisError, KinesisResult};
use crate::streams::shapes::Empty;
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};

/// Sets a stream's throttle mode (faithful, unthrottled, or fault injection).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetThrottleModeInput {
    /// Stream name.
    pub stream: String,
    /// The mode.
    pub mode: ThrottleMode,
}

impl Operation for SetThrottleModeInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        world.stream_named_mut(&self.stream)?.throttle = self.mode;
        Ok(Empty {})
    }
}
