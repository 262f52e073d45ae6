//! Stream settings: retention (A.10), enhanced monitoring (A.5), server-side encryption (A.13),
//! maximum record size, capacity mode and warm throughput (A.11).

use crate::streams::error::{KinesisError, KinesisResult};
use crate::streams::messages;
use crate::streams::shapes::{
    Empty, MetricsName, StreamMode, StreamModeDetailsInput, StreamStatus, WarmThroughput,
};
use crate::streams::stream::{Change, PendingChange, calls_in_last_day};
use crate::validate::{Pattern, Validator};
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Shortest retention, hours.
pub const MIN_RETENTION_HOURS: i64 = 24;
/// Longest retention, hours (365 days).
pub const MAX_RETENTION_HOURS: i64 = 8_760;
/// Start or stop encryption calls allowed per rolling 24 hours, each.
pub const ENCRYPTION_CHANGES_PER_DAY: usize = 25;
/// Capacity-mode switches allowed per rolling 24 hours.
pub const MODE_SWITCHES_PER_DAY: usize = 2;
/// Largest warm throughput, MiB/s (10 GiB/s).
pub const MAX_WARM_THROUGHPUT_MIBPS: i64 = 10_240;

/// IncreaseStreamRetentionPeriod.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct IncreaseStreamRetentionPeriodInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub retention_period_hours: Option<i64>,
}

/// DecreaseStreamRetentionPeriod.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DecreaseStreamRetentionPeriodInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub retention_period_hours: Option<i64>,
}

impl World {
    fn change_retention(
        &mut self,
        name: Option<&str>,
        arn: Option<&str>,
        hours: Option<i64>,
        increase: bool,
    ) -> KinesisResult<Empty> {
        let mut v = Validator::new();
        v.required("retentionPeriodHours", &hours);
        // Above the maximum is a validation error, found before the stream is looked up
        // (kinesis-wire.md §1, step 9); below 24 h a semantic one.
        v.range("retentionPeriodHours", hours, 1, MAX_RETENTION_HOURS);
        v.finish()?;
        let hours = hours.unwrap_or_default();
        let name = self.resolve_stream_name(name, arn)?;
        if hours < MIN_RETENTION_HOURS {
            return Err(KinesisError::InvalidArgumentException(format!(
                "Minimum allowed retention period is {MIN_RETENTION_HOURS} hours. Requested retention period ({hours} hours) is too short."
            )));
        }
        let stream = self.active_stream_mut(&name)?;
        let current = i64::from(stream.retention_hours);
        if increase && hours < current {
            return Err(KinesisError::InvalidArgumentException(format!(
                "Requested retention period ({hours} hours) for stream {name} can not be shorter than existing retention period ({current} hours). Use DecreaseRetentionPeriod API."
            )));
        }
        if !increase && hours > current {
            return Err(KinesisError::InvalidArgumentException(format!(
                "Requested retention period ({hours} hours) for stream {name} can not be longer than existing retention period ({current} hours). Use IncreaseRetentionPeriod API."
            )));
        }
        stream.retention_hours = hours as u32;
        let minutes = hours as usize * 60;
        stream.metrics.keep_minutes(minutes);
        for shard in &mut stream.shards {
            shard.metrics.keep_minutes(minutes);
        }
        // A shorter retention takes effect at once (A.10).
        let now = self.now_ms();
        self.apply_retention(now);
        Ok(Empty {})
    }
}

impl Operation for IncreaseStreamRetentionPeriodInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        let mut v = Validator::new();
        v.stream_address(&self.stream_name, &self.stream_arn);
        v.finish()?;
        world.change_retention(
            self.stream_name.as_deref(),
            self.stream_arn.as_deref(),
            self.retention_period_hours,
            true,
        )
    }
}

impl Operation for DecreaseStreamRetentionPeriodInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        let mut v = Validator::new();
        v.stream_address(&self.stream_name, &self.stream_arn);
        v.finish()?;
        world.change_retention(
            self.stream_name.as_deref(),
            self.stream_arn.as_deref(),
            self.retention_period_hours,
            false,
        )
    }
}

/// EnableEnhancedMonitoring.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EnableEnhancedMonitoringInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub shard_level_metrics: Option<Vec<String>>,
}

/// DisableEnhancedMonitoring.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DisableEnhancedMonitoringInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub shard_level_metrics: Option<Vec<String>>,
}

/// Output of both enhanced-monitoring operations.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnhancedMonitoringOutput {
    pub stream_name: String,
    pub current_shard_level_metrics: Vec<MetricsName>,
    pub desired_shard_level_metrics: Vec<MetricsName>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
}

const METRICS_ENUM: &str = "[IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]";

impl World {
    fn change_monitoring(
        &mut self,
        name: Option<&str>,
        arn: Option<&str>,
        metrics: &Option<Vec<String>>,
        enable: bool,
    ) -> KinesisResult<EnhancedMonitoringOutput> {
        let mut v = Validator::new();
        v.stream_address(&name.map(str::to_owned), &arn.map(str::to_owned));
        let mut parsed = Vec::new();
        if let Some(list) = v.required("shardLevelMetrics", metrics) {
            v.list_size("shardLevelMetrics", list.len(), 1, 7);
            for text in list {
                match serde_json::from_value::<MetricsName>(serde_json::Value::String(text.clone()))
                {
                    Ok(metric) => parsed.push(metric),
                    Err(_) => v.enumeration("shardLevelMetrics", text, METRICS_ENUM),
                }
            }
        }
        v.finish()?;
        let name = self.resolve_stream_name(name, arn)?;
        let stream = self.active_stream_mut(&name)?;
        let current: Vec<MetricsName> = stream.enhanced_metrics.iter().copied().collect();
        let requested: BTreeSet<MetricsName> = parsed
            .into_iter()
            .flat_map(|m| {
                if m == MetricsName::All {
                    MetricsName::CONCRETE.to_vec()
                } else {
                    vec![m]
                }
            })
            .collect();
        if enable {
            stream.enhanced_metrics.extend(requested);
        } else {
            stream.enhanced_metrics.retain(|m| !requested.contains(m));
        }
        Ok(EnhancedMonitoringOutput {
            stream_name: name,
            current_shard_level_metrics: current,
            desired_shard_level_metrics: stream.enhanced_metrics.iter().copied().collect(),
            stream_arn: stream.arn.clone(),
        })
    }
}

impl Operation for EnableEnhancedMonitoringInput {
    type Output = EnhancedMonitoringOutput;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<EnhancedMonitoringOutput> {
        world.change_monitoring(
            self.stream_name.as_deref(),
            self.stream_arn.as_deref(),
            &self.shard_level_metrics,
            true,
        )
    }
}

impl Operation for DisableEnhancedMonitoringInput {
    type Output = EnhancedMonitoringOutput;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<EnhancedMonitoringOutput> {
        world.change_monitoring(
            self.stream_name.as_deref(),
            self.stream_arn.as_deref(),
            &self.shard_level_metrics,
            false,
        )
    }
}

/// StartStreamEncryption.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct StartStreamEncryptionInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub encryption_type: Option<String>,
    pub key_id: Option<String>,
}

/// StopStreamEncryption.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct StopStreamEncryptionInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub encryption_type: Option<String>,
    pub key_id: Option<String>,
}

impl World {
    fn change_encryption(
        &mut self,
        name: Option<&str>,
        arn: Option<&str>,
        kind: &Option<String>,
        key_id: &Option<String>,
        start: bool,
    ) -> KinesisResult<Empty> {
        let mut v = Validator::new();
        v.stream_address(&name.map(str::to_owned), &arn.map(str::to_owned));
        v.one_of("encryptionType", kind, &["KMS", "NONE"]);
        v.required("keyId", key_id);
        v.string("keyId", key_id, 1, 2048, None);
        v.finish()?;
        if kind.as_deref() != Some("KMS") {
            return Err(KinesisError::InvalidArgumentException(
                "KMS is the only valid EncryptionType for this request".into(),
            ));
        }
        let name = self.resolve_stream_name(name, arn)?;
        let now = self.now_ms();
        let account = self.account_id().to_owned();
        let stream = self.active_stream_mut(&name)?;
        let (history, what) = if start {
            (&mut stream.encryption_starts, "StartStreamEncryption")
        } else {
            (&mut stream.encryption_stops, "StopStreamEncryption")
        };
        if calls_in_last_day(history, now) >= ENCRYPTION_CHANGES_PER_DAY {
            return Err(messages::daily_quota(
                what,
                &name,
                &account,
                ENCRYPTION_CHANGES_PER_DAY,
            ));
        }
        history.push_back(now);
        let key_id = key_id.clone().unwrap_or_default();
        let change = if start {
            Change::StartEncryption { key_id }
        } else {
            Change::StopEncryption
        };
        let detail = format!(
            "Stream {name} is UPDATING: {} encryption",
            if start { "starting" } else { "stopping" }
        );
        self.queue_stream_change(&name, change, detail);
        Ok(Empty {})
    }

    /// Puts an ACTIVE stream into UPDATING until `change` completes.
    pub(crate) fn queue_stream_change(&mut self, stream: &str, change: Change, detail: String) {
        let duration = self.settings().transition_delay_ms;
        self.queue_stream_change_for(stream, change, duration, detail);
    }

    /// Puts the stream in UPDATING until `change` completes `duration_ms` from now.
    pub(crate) fn queue_stream_change_for(
        &mut self,
        stream: &str,
        change: Change,
        duration_ms: i64,
        detail: String,
    ) {
        let started_ms = self.now_ms();
        let due_ms = started_ms + duration_ms;
        if let Some(state) = self.kinesis.streams.get_mut(stream) {
            state.status = StreamStatus::Updating;
            state.pending = Some(PendingChange {
                started_ms,
                due_ms,
                change,
            });
        }
        self.log_event(
            crate::events::EventKind::StatusChanged,
            Some(stream),
            detail,
        );
    }
}

impl Operation for StartStreamEncryptionInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        world.change_encryption(
            self.stream_name.as_deref(),
            self.stream_arn.as_deref(),
            &self.encryption_type,
            &self.key_id,
            true,
        )
    }
}

impl Operation for StopStreamEncryptionInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        world.change_encryption(
            self.stream_name.as_deref(),
            self.stream_arn.as_deref(),
            &self.encryption_type,
            &self.key_id,
            false,
        )
    }
}

/// UpdateMaxRecordSize.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateMaxRecordSizeInput {
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub max_record_size_in_ki_b: Option<i64>,
}

impl Operation for UpdateMaxRecordSizeInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        let mut v = Validator::new();
        v.required_string(
            "streamARN",
            &self.stream_arn,
            1,
            2048,
            Some(Pattern::StreamArn),
        );
        v.required("maxRecordSizeInKiB", &self.max_record_size_in_ki_b);
        v.range(
            "maxRecordSizeInKiB",
            self.max_record_size_in_ki_b,
            1_024,
            10_240,
        );
        v.finish()?;
        let name = world.resolve_stream_name(None, self.stream_arn.as_deref())?;
        let stream = world.active_stream_mut(&name)?;
        stream.max_record_size_kib = self.max_record_size_in_ki_b.unwrap_or_default() as u32;
        Ok(Empty {})
    }
}

/// UpdateStreamMode.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateStreamModeInput {
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub stream_mode_details: Option<StreamModeDetailsInput>,
    pub warm_throughput_mi_bps: Option<i64>,
}

impl Operation for UpdateStreamModeInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        let mut v = Validator::new();
        v.required_string(
            "streamARN",
            &self.stream_arn,
            1,
            2048,
            Some(Pattern::StreamArn),
        );
        v.required("streamModeDetails", &self.stream_mode_details);
        let mode = self
            .stream_mode_details
            .as_ref()
            .and_then(|d| d.mode(&mut v));
        v.range(
            "warmThroughputMiBps",
            self.warm_throughput_mi_bps,
            0,
            MAX_WARM_THROUGHPUT_MIBPS,
        );
        v.finish()?;
        let mode = mode.expect("validated");
        let name = world.resolve_stream_name(None, self.stream_arn.as_deref())?;
        if self.warm_throughput_mi_bps.is_some() {
            if mode != StreamMode::OnDemand {
                return Err(KinesisError::InvalidArgumentException(
                    "WarmThroughputMiBps is only valid when the stream mode is being updated to ON_DEMAND.".into(),
                ));
            }
            world.check_warm_throughput_allowed(mode)?;
        }
        let now = world.now_ms();
        let account = world.account_id().to_owned();
        let current_mode = world.active_stream_mut(&name)?.mode;
        if current_mode == mode {
            return Err(KinesisError::InvalidArgumentException(format!(
                "Stream {name} under account {account} is already in {} mode.",
                serde_json::to_value(mode)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            )));
        }
        if mode == StreamMode::OnDemand {
            let on_demand = world
                .kinesis
                .streams
                .values()
                .filter(|s| s.mode == StreamMode::OnDemand)
                .count();
            if on_demand as u32 >= world.settings().on_demand_stream_limit {
                return Err(KinesisError::LimitExceededException(
                    "Limit for on-demand streams has been reached".into(),
                ));
            }
        }
        if mode == StreamMode::Provisioned {
            // The stream keeps its shards, which now count against the account's shard quota.
            let open = world.stream_named(&name)?.open_shard_count();
            world.check_shard_quota(open)?;
        }
        let stream = world.active_stream_mut(&name)?;
        if calls_in_last_day(&mut stream.mode_switches, now) >= MODE_SWITCHES_PER_DAY {
            return Err(messages::daily_quota(
                "Capacity mode switch",
                &name,
                &account,
                MODE_SWITCHES_PER_DAY,
            ));
        }
        stream.mode_switches.push_back(now);
        let warm_mibps = self.warm_throughput_mi_bps.map(|m| m as u32);
        world.queue_stream_change(
            &name,
            Change::SwitchMode { mode, warm_mibps },
            format!("Stream {name} is UPDATING: switching capacity mode"),
        );
        Ok(Empty {})
    }
}

/// UpdateStreamWarmThroughput.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateStreamWarmThroughputInput {
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub stream_name: Option<String>,
    pub warm_throughput_mi_bps: Option<i64>,
}

/// UpdateStreamWarmThroughput's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateStreamWarmThroughputOutput {
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
    pub stream_name: String,
    pub warm_throughput: WarmThroughput,
}

impl World {
    /// Warm throughput needs an on-demand stream in an account with a billing commitment (A.11).
    pub(crate) fn check_warm_throughput_allowed(&self, mode: StreamMode) -> KinesisResult<()> {
        if mode != StreamMode::OnDemand {
            return Err(KinesisError::ValidationException(
                "Provisioned capacity mode streams do not support warm throughput configuration."
                    .into(),
            ));
        }
        if !self.kinesis.account.commitment_enabled(self.now_ms()) {
            return Err(KinesisError::InvalidArgumentException(
                "Warm throughput requires MinimumThroughputBillingCommitment to be enabled for the account.".into(),
            ));
        }
        Ok(())
    }
}

impl Operation for UpdateStreamWarmThroughputInput {
    type Output = UpdateStreamWarmThroughputOutput;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<UpdateStreamWarmThroughputOutput> {
        let mut v = Validator::new();
        v.stream_address(&self.stream_name, &self.stream_arn);
        v.required("warmThroughputMiBps", &self.warm_throughput_mi_bps);
        v.range(
            "warmThroughputMiBps",
            self.warm_throughput_mi_bps,
            0,
            i64::from(i32::MAX),
        );
        v.finish()?;
        let mibps = self.warm_throughput_mi_bps.unwrap_or_default();
        if mibps > MAX_WARM_THROUGHPUT_MIBPS {
            return Err(KinesisError::LimitExceededException(format!(
                "Warm throughput of {mibps} MiB/s exceeds the maximum of {MAX_WARM_THROUGHPUT_MIBPS} MiB/s for an on-demand stream."
            )));
        }
        let name =
            world.resolve_stream_name(self.stream_name.as_deref(), self.stream_arn.as_deref())?;
        let mode = world.active_stream_mut(&name)?.mode;
        world.check_warm_throughput_allowed(mode)?;
        let stream = world.active_stream_mut(&name)?;
        let (arn, current) = (stream.arn.clone(), stream.open_shard_count());
        world.queue_stream_change(
            &name,
            Change::SetWarmThroughput {
                mibps: mibps as u32,
            },
            format!("Stream {name} is UPDATING: warm throughput {mibps} MiB/s"),
        );
        Ok(UpdateStreamWarmThroughputOutput {
            stream_arn: arn,
            stream_name: name,
            warm_throughput: WarmThroughput {
                target_mi_bps: Some(mibps as u32),
                current_mi_bps: Some(current),
            },
        })
    }
}
