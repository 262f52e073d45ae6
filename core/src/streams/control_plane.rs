//! The control plane's API rate limits (reference A.4): CreateStream 5 calls per second, DescribeStream
//! 10, DescribeStreamSummary 20, DescribeLimits 1, ListShards 1,000 per stream, and so on. A call
//! beyond its limit gets LimitExceededException with AWS's text. Each limit is a one-second sliding
//! window on the virtual clock, kept per account or per stream as AWS scopes it; the data plane's
//! per-shard limits live in `capacity`.

use super::capacity::{SlidingWindow, ThrottleMode};
use crate::streams::command::Command;
use crate::streams::error::{KinesisError, KinesisResult};
use crate::world::World;
use std::collections::BTreeMap;

/// Whom a limit counts calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// All of the account's calls of the operation.
    Account,
    /// The calls of the operation naming one stream.
    Stream,
}

/// Calls per second each rate-limited control-plane operation allows, and for whom (A.4; the
/// operations' API reference pages). Operations not listed have no published rate limit.
pub const CONTROL_PLANE_LIMITS: &[(&str, u64, Scope)] = &[
    ("AddTagsToStream", 5, Scope::Account),
    ("CreateStream", 5, Scope::Account),
    ("DecreaseStreamRetentionPeriod", 5, Scope::Account),
    ("DeleteStream", 5, Scope::Account),
    ("DeregisterStreamConsumer", 5, Scope::Account),
    ("DescribeAccountSettings", 5, Scope::Account),
    ("DescribeLimits", 1, Scope::Account),
    ("DescribeStream", 10, Scope::Account),
    ("DescribeStreamConsumer", 20, Scope::Stream),
    ("DescribeStreamSummary", 20, Scope::Account),
    ("DisableEnhancedMonitoring", 5, Scope::Account),
    ("EnableEnhancedMonitoring", 5, Scope::Account),
    ("IncreaseStreamRetentionPeriod", 5, Scope::Account),
    ("ListShards", 1_000, Scope::Stream),
    ("ListStreamConsumers", 5, Scope::Stream),
    ("ListStreams", 5, Scope::Account),
    ("ListTagsForStream", 5, Scope::Account),
    ("MergeShards", 5, Scope::Account),
    ("RegisterStreamConsumer", 5, Scope::Account),
    ("RemoveTagsFromStream", 5, Scope::Account),
    ("SplitShard", 5, Scope::Account),
    ("UpdateAccountSettings", 5, Scope::Account),
    ("UpdateShardCount", 10, Scope::Account),
];

/// The rate limit of `operation`, if it has one.
pub fn limit_of(operation: &str) -> Option<(u64, Scope)> {
    CONTROL_PLANE_LIMITS
        .iter()
        .find(|(name, _, _)| *name == operation)
        .map(|&(_, per_second, scope)| (per_second, scope))
}

/// Recent control-plane calls, per operation and scope.
#[derive(Debug, Clone, Default)]
pub struct ControlPlaneLimiter {
    /// (operation, stream name or "" for the account) → calls in the last second.
    windows: BTreeMap<(&'static str, String), SlidingWindow>,
}

impl ControlPlaneLimiter {
    /// Admits one call of `operation` naming `stream` (if any) at `now_ms`, or refuses it with
    /// LimitExceededException.
    pub fn admit(
        &mut self,
        operation: &'static str,
        stream: Option<&str>,
        account: &str,
        now_ms: i64,
    ) -> Result<(), KinesisError> {
        let Some((per_second, scope)) = limit_of(operation) else {
            return Ok(());
        };
        let key = match scope {
            Scope::Account => String::new(),
            Scope::Stream => stream.unwrap_or_default().to_owned(),
        };
        let window = self
            .windows
            .entry((operation, key))
            .or_insert_with(|| SlidingWindow::new(per_second));
        if window.has_room_for(1, now_ms) {
            window.spend(1, now_ms);
            return Ok(());
        }
        Err(KinesisError::LimitExceededException(match stream {
            Some(stream) => format!("Rate exceeded for stream {stream} under account {account}."),
            None => format!("Rate exceeded for account {account}."),
        }))
    }

    /// Forgets the windows of a deleted stream.
    pub fn forget_stream(&mut self, stream: &str) {
        self.windows.retain(|(_, key), _| key != stream);
    }
}

impl World {
    /// Admits a control-plane call made as a [`Command`] (the API, recordings), unless the world
    /// runs unthrottled.
    pub(crate) fn admit_control_call(&mut self, command: &Command) -> KinesisResult<()> {
        let operation = command.name();
        if limit_of(operation).is_none()
            || self.settings().default_throttle == ThrottleMode::Unthrottled
        {
            return Ok(());
        }
        let stream = command.stream_hint();
        let now = self.now_ms();
        let account = self.settings().account_id.clone();
        self.kinesis
            .control_plane
            .admit(operation, stream.as_deref(), &account, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_limits_takes_one_call_a_second_per_account() {
        let mut limiter = ControlPlaneLimiter::default();
        limiter.admit("DescribeLimits", None, "1", 0).unwrap();
        let refused = limiter.admit("DescribeLimits", None, "1", 999).unwrap_err();
        assert_eq!(refused.code(), "LimitExceededException");
        assert_eq!(refused.message(), "Rate exceeded for account 1.");
        limiter.admit("DescribeLimits", None, "1", 1_000).unwrap();
    }

    #[test]
    fn list_shards_counts_per_stream() {
        let mut limiter = ControlPlaneLimiter::default();
        for _ in 0..1_000 {
            limiter.admit("ListShards", Some("a"), "1", 0).unwrap();
        }
        let refused = limiter.admit("ListShards", Some("a"), "1", 0).unwrap_err();
        assert_eq!(
            refused.message(),
            "Rate exceeded for stream a under account 1."
        );
        limiter.admit("ListShards", Some("b"), "1", 0).unwrap();
    }

    #[test]
    fn data_plane_operations_are_not_limited_here() {
        let mut limiter = ControlPlaneLimiter::default();
        for _ in 0..10_000 {
            limiter.admit("PutRecord", Some("a"), "1", 0).unwrap();
        }
    }
}
