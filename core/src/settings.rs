//! Engine settings: the account and region the world pretends to be, limits that are account
//! settings at AWS, and the virtual delays of asynchronous state changes.

use crate::firehose::buffer::BufferingMode;
use crate::streams::capacity::ThrottleMode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// World-wide settings, fixed when the world is made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The 12-digit AWS account id used in ARNs and messages.
    pub account_id: String,
    /// The region used in ARNs and messages.
    pub region: String,
    /// The account's shard quota across its provisioned streams (A.4: 500 in us-east-1, us-west-2
    /// and eu-west-1, 200 elsewhere; see [`default_shard_limit`]).
    pub shard_limit: u32,
    /// The account's on-demand stream quota (A.4: 50).
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
    /// How Firehose delivery streams buffer (`faithful` or `immediate`).
    pub firehose_buffering: BufferingMode,
    /// The account's delivery stream quota (B.1: 50 in the exam-era guide).
    pub delivery_stream_limit: u32,
    /// Where delivered objects are kept (`DATA_DIR/s3/BUCKET/KEY`); `None` keeps them in memory.
    /// Given on the command line only, never by a scenario file.
    #[serde(skip)]
    pub data_dir: Option<std::path::PathBuf>,
    /// Lambda functions by name: `http://…` or `builtin:…` (`--lambda NAME=URL`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub lambdas: BTreeMap<String, String>,
    /// `--s3-endpoint`: objects go to this S3-compatible service instead of the data directory.
    /// Command line only.
    #[serde(skip)]
    pub s3_endpoint: Option<crate::firehose::s3_remote::RemoteS3>,
}

/// The region a world pretends to be in unless told otherwise.
pub const DEFAULT_REGION: &str = "us-east-1";
/// The regions whose default shard quota is the larger one (A.4).
const LARGE_QUOTA_REGIONS: [&str; 3] = ["us-east-1", "us-west-2", "eu-west-1"];
/// Default on-demand streams per account (A.4).
pub const DEFAULT_ON_DEMAND_STREAM_LIMIT: u32 = 50;
/// Default delivery streams per account and region (B.1, the exam-era guide's figure).
pub const DEFAULT_DELIVERY_STREAM_LIMIT: u32 = 50;

/// AWS's default shard quota for an account in `region` (A.4, the exam-era guide's figures).
pub fn default_shard_limit(region: &str) -> u32 {
    if LARGE_QUOTA_REGIONS.contains(&region) {
        500
    } else {
        200
    }
}

/// Whether `region` looks like an AWS region name (`us-east-1`, `eu-central-2`, `us-gov-west-1`).
pub fn is_region_name(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

impl Settings {
    /// Default settings for an account in `region`, with the region's shard quota.
    pub fn for_region(region: &str) -> Self {
        Self {
            region: region.to_owned(),
            shard_limit: default_shard_limit(region),
            ..Self::default()
        }
    }

    /// Default settings with the world starting at the real time: real clients send wall-clock
    /// timestamps (AT_TIMESTAMP, ShardFilter), so a world they talk to starts now (and then runs
    /// at its own speed). A clock before 1970 keeps the default start.
    pub fn starting_now() -> Self {
        let defaults = Self::default();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        Self {
            start_epoch_ms: now.map_or(defaults.start_epoch_ms, |d| d.as_millis() as i64),
            ..defaults
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            account_id: "000000000000".into(),
            region: DEFAULT_REGION.into(),
            shard_limit: default_shard_limit(DEFAULT_REGION),
            on_demand_stream_limit: DEFAULT_ON_DEMAND_STREAM_LIMIT,
            transition_delay_ms: 500,
            // 2026-01-01T00:00:00Z: a fixed, recognisable start so runs are reproducible.
            start_epoch_ms: 1_767_225_600_000,
            default_throttle: ThrottleMode::Faithful,
            on_demand_scaling_interval_ms: 10_000,
            max_tick_ms: 100,
            firehose_buffering: BufferingMode::Faithful,
            delivery_stream_limit: DEFAULT_DELIVERY_STREAM_LIMIT,
            data_dir: None,
            lambdas: BTreeMap::new(),
            s3_endpoint: None,
        }
    }
}

/// Account settings a scenario file (`"settings"`) or the command line (`--region`,
/// `--shard-limit`, `--throttle`) may give; what is left unset keeps its default, and a region
/// given without a shard limit brings its own default quota.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountOverrides {
    /// The AWS region (ARNs, messages, the default shard quota).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The account's shard quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard_limit: Option<u32>,
    /// The account's on-demand stream quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_demand_stream_limit: Option<u32>,
    /// How limits are enforced: `faithful`, `unthrottled` (every rate limit off) or
    /// `{"fault_injection": {"probability": P}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttle: Option<ThrottleMode>,
    /// How Firehose buffers: `faithful` (AWS's hints) or `immediate` (one delivery per put).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firehose_buffering: Option<BufferingMode>,
    /// The data directory (`--data-dir`): command line only.
    #[serde(skip)]
    pub data_dir: Option<std::path::PathBuf>,
    /// Lambda functions by name (`--lambda NAME=URL`), added to the scenario's `lambdas`.
    #[serde(skip)]
    pub lambdas: BTreeMap<String, String>,
    /// `--s3-endpoint`: command line only.
    #[serde(skip)]
    pub s3_endpoint: Option<crate::firehose::s3_remote::RemoteS3>,
}

/// Largest shard or stream quota accepted (the model's DescribeLimits range).
const MAX_QUOTA: u32 = 1_000_000;

impl AccountOverrides {
    /// Whether nothing is overridden.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Checks every value; the error names the field and the allowed range.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(region) = &self.region
            && !is_region_name(region)
        {
            return Err(format!(
                "settings.region = {region:?} is not a region name such as us-east-1"
            ));
        }
        for (field, value) in [
            ("shard_limit", self.shard_limit),
            ("on_demand_stream_limit", self.on_demand_stream_limit),
        ] {
            if let Some(v) = value
                && !(1..=MAX_QUOTA).contains(&v)
            {
                return Err(format!(
                    "settings.{field} = {v} must be between 1 and {MAX_QUOTA}"
                ));
            }
        }
        if let Some(ThrottleMode::FaultInjection { probability }) = self.throttle
            && !(0.0..=1.0).contains(&probability)
        {
            return Err(format!(
                "settings.throttle: probability {probability} must be between 0 and 1"
            ));
        }
        Ok(())
    }

    /// These overrides with `later`'s set values taking precedence (the command line over a
    /// scenario file).
    pub fn then(&self, later: &AccountOverrides) -> AccountOverrides {
        AccountOverrides {
            region: later.region.clone().or_else(|| self.region.clone()),
            shard_limit: later.shard_limit.or(self.shard_limit),
            on_demand_stream_limit: later.on_demand_stream_limit.or(self.on_demand_stream_limit),
            throttle: later.throttle.or(self.throttle),
            firehose_buffering: later.firehose_buffering.or(self.firehose_buffering),
            data_dir: later.data_dir.clone().or_else(|| self.data_dir.clone()),
            s3_endpoint: later
                .s3_endpoint
                .clone()
                .or_else(|| self.s3_endpoint.clone()),
            lambdas: self
                .lambdas
                .iter()
                .chain(&later.lambdas)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }

    /// `settings` with these overrides applied.
    pub fn apply_to(&self, mut settings: Settings) -> Settings {
        if let Some(region) = &self.region {
            settings.shard_limit = default_shard_limit(region);
            settings.region = region.clone();
        }
        if let Some(limit) = self.shard_limit {
            settings.shard_limit = limit;
        }
        if let Some(limit) = self.on_demand_stream_limit {
            settings.on_demand_stream_limit = limit;
        }
        if let Some(throttle) = self.throttle {
            settings.default_throttle = throttle;
        }
        if let Some(mode) = self.firehose_buffering {
            settings.firehose_buffering = mode;
        }
        if let Some(dir) = &self.data_dir {
            settings.data_dir = Some(dir.clone());
        }
        if let Some(remote) = &self.s3_endpoint {
            settings.s3_endpoint = Some(remote.clone());
        }
        settings
            .lambdas
            .extend(self.lambdas.iter().map(|(k, v)| (k.clone(), v.clone())));
        settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shard_quota_follows_the_region() {
        assert_eq!(Settings::default().shard_limit, 500);
        assert_eq!(Settings::for_region("eu-west-1").shard_limit, 500);
        assert_eq!(Settings::for_region("ap-south-1").shard_limit, 200);
        assert_eq!(Settings::default().on_demand_stream_limit, 50);
    }

    #[test]
    fn the_command_line_overrides_a_scenario_and_a_region_brings_its_quota() {
        let scenario = AccountOverrides {
            region: Some("ap-south-1".into()),
            ..Default::default()
        };
        let settings = scenario.apply_to(Settings::default());
        assert_eq!(
            (settings.region.as_str(), settings.shard_limit),
            ("ap-south-1", 200)
        );
        let cli = AccountOverrides {
            shard_limit: Some(60),
            throttle: Some(ThrottleMode::Unthrottled),
            ..Default::default()
        };
        let settings = scenario.then(&cli).apply_to(Settings::default());
        assert_eq!(settings.shard_limit, 60);
        assert_eq!(settings.region, "ap-south-1");
        assert_eq!(settings.default_throttle, ThrottleMode::Unthrottled);
    }

    #[test]
    fn bad_overrides_name_the_field() {
        let bad = AccountOverrides {
            shard_limit: Some(0),
            ..Default::default()
        };
        assert_eq!(
            bad.validate().unwrap_err(),
            "settings.shard_limit = 0 must be between 1 and 1000000"
        );
        let bad = AccountOverrides {
            region: Some("mars".into()),
            ..Default::default()
        };
        assert!(bad.validate().unwrap_err().contains("settings.region"));
    }

    #[test]
    fn region_names_are_recognised() {
        for ok in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "ap-southeast-4",
        ] {
            assert!(is_region_name(ok), "{ok}");
        }
        for bad in [
            "",
            "useast1",
            "US-EAST-1",
            "us-east-",
            "us-east-x",
            "us east 1",
        ] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }
}
