//! Resolving a ResourceARN (TagResource, resource policies) to a stream or a consumer.

use crate::streams::error::{KinesisError, KinesisResult};
use crate::streams::messages;
use crate::world::World;

/// What a ResourceARN names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// A data stream, by name.
    Stream(String),
    /// A registered consumer: its stream's name and its own name.
    Consumer { stream: String, consumer: String },
}

impl World {
    /// Resolves a stream or consumer ARN of this account and region to an existing resource.
    pub(crate) fn resolve_resource(&self, arn: &str) -> KinesisResult<Resource> {
        let stream = self.stream_name_in_arn(arn)?.to_owned();
        let not_recognised = || {
            KinesisError::InvalidArgumentException(format!(
                "Resource ARN {arn} is not a recognized Kinesis stream or consumer ARN"
            ))
        };
        let state = self.stream_named(&stream)?;
        let (_, after_stream) = arn.split_once(":stream/").ok_or_else(not_recognised)?;
        match after_stream.split_once("/consumer/") {
            None => Ok(Resource::Stream(stream)),
            Some((_, consumer)) => {
                let consumer_arn_matches = state.consumers.values().find(|c| c.arn == arn);
                match consumer_arn_matches {
                    Some(c) => Ok(Resource::Consumer {
                        stream,
                        consumer: c.name.clone(),
                    }),
                    None => {
                        let name = consumer.rsplit_once(':').map_or(consumer, |(n, _)| n);
                        Err(messages::consumer_not_found(name, &state.arn))
                    }
                }
            }
        }
    }
}
