//! Engine settings: the account and region the world pretends to be, limits that are account
//! settings at AWS, and the virtual delays of asynchronous state changes.

use crate::streams::capacity::ThrottleMode;
use serde::{Deserialize, Serialize};

/// World-wide settings, fixed when the world is made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The 12-digit AWS account id used in ARNs and messages.
    pub account_id: String,
    /// The region used in ARNs and messages.
    pub region: String,
    /// The account's shard quota across all streams (A.4; kinesis-mock's default is 50).
    pub shard_limit: u32,
    /// The account's on-demand stream quota (A.4).
    pub on_demand_stream_limit: u32,
    /// Virtual time spent in CREATING, DELETING and UPDATING (A.5: 500 ms in kinesalite/kinesis-mock).
    pub transition_delay_ms: i64,
    /// Virtual epoch milliseconds at which the world starts.
    pub start_epoch_ms: i64,
    /// Throttle mode that new streams get.
    pub default_throttle: ThrottleMode,
    /// How often an on-demand stream reconsiders its shard count (AWS adapts "within 15 minutes").
    pub on_demand_scaling_interval_ms: i64,
    /// Longest single internal tick; larger steps are cut into ticks of at most this size.
    pub max_tick_ms: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            account_id: "000000000000".into(),
            region: "us-east-1".into(),
            shard_limit: 50,
            on_demand_stream_limit: 10,
            transition_delay_ms: 500,
            // 2026-01-01T00:00:00Z: a fixed, recognisable start so runs are reproducible.
            start_epoch_ms: 1_767_225_600_000,
            default_throttle: ThrottleMode::Faithful,
            on_demand_scaling_interval_ms: 60_000,
            max_tick_ms: 100,
        }
    }
}
