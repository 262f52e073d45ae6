//! The Data Streams service's share of the world: its streams, the account setting, reader
//! positions, enhanced fan-out subscriptions and control-plane limits — and how an operation finds
//! the stream it names.

use crate::streams::account::AccountState;
use crate::streams::control_plane::ControlPlaneLimiter;
use crate::streams::efo::Subscriptions;
use crate::streams::error::{KinesisError, KinesisResult};
use crate::streams::messages;
use crate::streams::readers::Readers;
use crate::streams::shapes::StreamStatus;
use crate::streams::spare_pages::SparePages;
use crate::streams::stream::StreamState;
use crate::world::World;
use std::collections::BTreeMap;

/// Everything Kinesis Data Streams holds.
#[derive(Debug, Default)]
pub struct DataStreams {
    /// Data streams by name.
    pub(crate) streams: BTreeMap<String, StreamState>,
    /// Account-level settings (billing commitment).
    pub(crate) account: AccountState,
    /// Reader positions for lag.
    pub(crate) readers: Readers,
    /// Enhanced fan-out subscriptions.
    pub(crate) subscriptions: Subscriptions,
    /// Recent control-plane calls, for their rate limits.
    pub(crate) control_plane: ControlPlaneLimiter,
    /// Record vectors simulated readers handed back, for reads to fill.
    pub(crate) spare_pages: SparePages,
}

impl World {
    /// Every stream, by name (read-only: change them through commands).
    pub fn streams(&self) -> &BTreeMap<String, StreamState> {
        &self.kinesis.streams
    }

    /// Every reader's position.
    pub fn readers(&self) -> &Readers {
        &self.kinesis.readers
    }

    /// Enhanced fan-out state held: (subscriptions, consumer-and-shard takeover times).
    pub fn subscriptions_held(&self) -> (usize, usize) {
        (
            self.kinesis.subscriptions.by_id.len(),
            self.kinesis.subscriptions.last_subscribe.len(),
        )
    }

    /// How many times a subscription has been looked at for something to send: what pushing to
    /// enhanced fan-out subscribers has cost so far.
    pub fn subscription_visits(&self) -> u64 {
        self.kinesis.subscriptions.visits
    }

    /// A stream by name (read-only).
    pub fn stream(&self, name: &str) -> Option<&StreamState> {
        self.kinesis.streams.get(name)
    }

    /// The ARN of stream `name` in this world.
    pub fn stream_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:kinesis:{}:{}:stream/{}",
            self.settings.region, self.settings.account_id, name
        )
    }

    /// Resolves the StreamName / StreamARN pair every stream operation takes to a stream name
    /// (validation of their form has already happened).
    pub(crate) fn resolve_stream_name(
        &self,
        name: Option<&str>,
        arn: Option<&str>,
    ) -> KinesisResult<String> {
        let from_arn = match arn {
            Some(arn) => Some(self.stream_name_in_arn(arn)?),
            None => None,
        };
        match (name, from_arn) {
            (Some(name), Some(from_arn)) if name != from_arn => Err(
                messages::stream_address_mismatch(name, arn.unwrap_or_default()),
            ),
            (Some(name), _) => Ok(name.to_owned()),
            (None, Some(from_arn)) => Ok(from_arn.to_owned()),
            (None, None) => Err(messages::stream_address_missing()),
        }
    }

    /// The stream name inside a stream (or consumer) ARN of this account and region.
    pub(crate) fn stream_name_in_arn<'a>(&self, arn: &'a str) -> KinesisResult<&'a str> {
        let parsed = crate::validate::parse_arn(arn)
            .ok_or_else(|| KinesisError::InvalidArgumentException(format!("Invalid ARN: {arn}")))?;
        if parsed.account != self.settings.account_id || parsed.region != self.settings.region {
            return Err(messages::arn_elsewhere(
                arn,
                &self.settings.account_id,
                &self.settings.region,
            ));
        }
        let rest = parsed
            .resource
            .strip_prefix("stream/")
            .unwrap_or(parsed.resource);
        Ok(rest.split('/').next().unwrap_or(rest))
    }

    /// The named stream, or ResourceNotFoundException.
    pub(crate) fn stream_named(&self, name: &str) -> KinesisResult<&StreamState> {
        self.kinesis
            .streams
            .get(name)
            .ok_or_else(|| messages::stream_not_found(name, &self.settings.account_id))
    }

    /// The named stream, mutably, or ResourceNotFoundException.
    pub(crate) fn stream_named_mut(&mut self, name: &str) -> KinesisResult<&mut StreamState> {
        let account = &self.settings.account_id;
        self.kinesis
            .streams
            .get_mut(name)
            .ok_or_else(|| messages::stream_not_found(name, account))
    }

    /// The named stream if it is ACTIVE, else ResourceInUseException (control operations, A.5).
    pub(crate) fn active_stream_mut(&mut self, name: &str) -> KinesisResult<&mut StreamState> {
        let account = self.settings.account_id.clone();
        let stream = self.stream_named_mut(name)?;
        if stream.status != StreamStatus::Active {
            return Err(messages::stream_not_active(name, &account, stream.status));
        }
        Ok(stream)
    }

    /// Writes and reads work while a stream is ACTIVE, UPDATING or DELETING, not while CREATING.
    pub(crate) fn readable_stream_mut(&mut self, name: &str) -> KinesisResult<&mut StreamState> {
        let account = self.settings.account_id.clone();
        let stream = self.stream_named_mut(name)?;
        if stream.status == StreamStatus::Creating {
            return Err(messages::stream_not_found(name, &account));
        }
        Ok(stream)
    }
}
