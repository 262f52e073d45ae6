//! Account settings (reference A.11): the minimum throughput billing commitment that unlocks warm
//! throughput. A commitment runs at least 24 hours; disabling earlier schedules the end for the
//! earliest allowed time, and enabling again before then cancels that.

use crate::streams::error::{KinesisError, KinesisResult};
use crate::time::Timestamp;
use crate::validate::Validator;
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

/// Shortest commitment.
pub const MIN_COMMITMENT_MS: i64 = 86_400_000;

/// The account's commitment, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountState {
    started_ms: Option<i64>,
    ended_ms: Option<i64>,
    disable_requested: bool,
}

/// The commitment's status as AWS reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CommitmentStatus {
    Enabled,
    Disabled,
    EnabledUntilEarliestAllowedEnd,
}

impl AccountState {
    fn earliest_end(&self) -> Option<i64> {
        self.started_ms.map(|s| s + MIN_COMMITMENT_MS)
    }

    /// Settles a scheduled end that has come due.
    fn settle(&mut self, now_ms: i64) {
        if let (true, Some(end)) = (self.disable_requested, self.earliest_end())
            && now_ms >= end
        {
            self.ended_ms = Some(end);
            self.disable_requested = false;
        }
    }

    fn status(&self, now_ms: i64) -> CommitmentStatus {
        let mut settled = self.clone();
        settled.settle(now_ms);
        match (
            settled.started_ms,
            settled.ended_ms,
            settled.disable_requested,
        ) {
            (Some(_), None, false) => CommitmentStatus::Enabled,
            (Some(_), None, true) => CommitmentStatus::EnabledUntilEarliestAllowedEnd,
            _ => CommitmentStatus::Disabled,
        }
    }

    /// Whether warm throughput is available now.
    pub fn commitment_enabled(&self, now_ms: i64) -> bool {
        self.status(now_ms) != CommitmentStatus::Disabled
    }

    fn describe(&self, now_ms: i64) -> MinimumThroughputBillingCommitment {
        let mut settled = self.clone();
        settled.settle(now_ms);
        MinimumThroughputBillingCommitment {
            status: self.status(now_ms),
            started_at: settled.started_ms.map(Timestamp),
            ended_at: settled.ended_ms.map(Timestamp),
            earliest_allowed_end_at: settled.earliest_end().map(Timestamp),
        }
    }
}

/// MinimumThroughputBillingCommitmentOutput.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MinimumThroughputBillingCommitment {
    pub status: CommitmentStatus,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub earliest_allowed_end_at: Option<Timestamp>,
}

/// DescribeAccountSettings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DescribeAccountSettingsInput {}

/// Output of both account-settings operations.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountSettingsOutput {
    pub minimum_throughput_billing_commitment: MinimumThroughputBillingCommitment,
}

impl Operation for DescribeAccountSettingsInput {
    type Output = AccountSettingsOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<AccountSettingsOutput> {
        Ok(AccountSettingsOutput {
            minimum_throughput_billing_commitment: world.kinesis.account.describe(world.now_ms()),
        })
    }
}

/// MinimumThroughputBillingCommitmentInput.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CommitmentInput {
    pub status: Option<String>,
}

/// UpdateAccountSettings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateAccountSettingsInput {
    pub minimum_throughput_billing_commitment: Option<CommitmentInput>,
}

impl UpdateAccountSettingsInput {
    /// Enables (`true`) or disables the commitment.
    pub fn commitment(enabled: bool) -> Self {
        Self {
            minimum_throughput_billing_commitment: Some(CommitmentInput {
                status: Some(if enabled { "ENABLED" } else { "DISABLED" }.into()),
            }),
        }
    }
}

impl Operation for UpdateAccountSettingsInput {
    type Output = AccountSettingsOutput;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<AccountSettingsOutput> {
        let mut v = Validator::new();
        let status = v
            .required(
                "minimumThroughputBillingCommitment",
                &self.minimum_throughput_billing_commitment,
            )
            .and_then(|c| {
                v.required("minimumThroughputBillingCommitment.status", &c.status)
                    .cloned()
            });
        if let Some(status) = &status
            && status != "ENABLED"
            && status != "DISABLED"
        {
            v.enumeration(
                "minimumThroughputBillingCommitment.status",
                status,
                "[ENABLED, DISABLED]",
            );
        }
        v.finish()?;
        let now = world.now_ms();
        let account = &mut world.kinesis.account;
        account.settle(now);
        match (status.as_deref(), account.status(now)) {
            (Some("ENABLED"), CommitmentStatus::Disabled) => {
                *account = AccountState {
                    started_ms: Some(now),
                    ended_ms: None,
                    disable_requested: false,
                };
            }
            (Some("ENABLED"), _) => account.disable_requested = false,
            (
                Some("DISABLED"),
                CommitmentStatus::Enabled | CommitmentStatus::EnabledUntilEarliestAllowedEnd,
            ) => {
                if account.earliest_end().is_some_and(|end| now < end) {
                    account.disable_requested = true;
                } else {
                    account.ended_ms = Some(now);
                }
            }
            _ => {}
        }
        Ok(AccountSettingsOutput {
            minimum_throughput_billing_commitment: world.kinesis.account.describe(now),
        })
    }
}
