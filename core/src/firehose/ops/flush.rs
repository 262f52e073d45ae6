//! FlushDeliveryStream, Kinescope's own command (the app's "Flush now", a scenario's `flush`):
//! delivers what a delivery stream's buffer holds at once, as the reason `flush-now`.

use super::lifecycle::validate_name;
use crate::firehose::buffer::FlushReason;
use crate::firehose::error::FirehoseError;
use crate::streams::shapes::Empty;
use crate::validate::Validator;
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};

/// FlushDeliveryStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct FlushDeliveryStreamInput {
    pub delivery_stream_name: Option<String>,
}

impl FlushDeliveryStreamInput {
    /// Flushes the named delivery stream.
    pub fn named(name: &str) -> Self {
        Self {
            delivery_stream_name: Some(name.into()),
        }
    }
}

impl Operation for FlushDeliveryStreamInput {
    type Output = Empty;
    type Error = FirehoseError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Empty, FirehoseError> {
        let mut v = Validator::new();
        validate_name(&mut v, &self.delivery_stream_name);
        v.finish_as(FirehoseError::ValidationException)?;
        let name = self.delivery_stream_name.unwrap_or_default();
        world.delivery_stream_named(&name)?;
        world.flush_processing(&name);
        world.flush_delivery_stream(&name, FlushReason::FlushNow);
        Ok(Empty {})
    }
}
