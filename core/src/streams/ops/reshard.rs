//! Resharding (reference A.9): SplitShard, MergeShards and UpdateShardCount UNIFORM_SCALING, and
//! the lineage they leave behind. Requests only queue a change (the stream goes UPDATING); the
//! shards change when it completes, after a time that grows with the work
//! ([`reshard_duration_ms`]), in [`World::split_now`] / [`World::merge_now`] / [`World::scale_now`].

use crate::events::EventKind;
use crate::streams::error::{KinesisError, KinesisResult};
use crate::streams::hashkey::parse_hash_key;
use crate::streams::messages;
use crate::streams::scaling::{
    ReshardStep, ScalingPlan, reshard_duration_ms, uniform_scaling_plan,
};
use crate::streams::shapes::{Empty, ShardId, StreamMode};
use crate::streams::stream::{Change, calls_in_last_day};
use crate::validate::{Pattern, Validator};
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};

/// UpdateShardCount calls allowed per stream per rolling 24 hours.
pub const SHARD_COUNT_UPDATES_PER_DAY: usize = 10;
/// Largest shard count UpdateShardCount accepts for one stream.
pub const MAX_SHARDS_PER_STREAM: u32 = 10_000;

/// SplitShard.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SplitShardInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub shard_to_split: Option<String>,
    pub new_starting_hash_key: Option<String>,
}

impl SplitShardInput {
    /// Splits `shard` of the named stream at `new_starting_hash_key`.
    pub fn new(stream: &str, shard: ShardId, new_starting_hash_key: u128) -> Self {
        Self {
            stream_name: Some(stream.into()),
            stream_arn: None,
            shard_to_split: Some(shard.to_string()),
            new_starting_hash_key: Some(new_starting_hash_key.to_string()),
        }
    }
}

/// MergeShards.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct MergeShardsInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub shard_to_merge: Option<String>,
    pub adjacent_shard_to_merge: Option<String>,
}

impl MergeShardsInput {
    /// Merges `shard` with the shard right after it in hash-key order.
    pub fn new(stream: &str, shard: ShardId, adjacent: ShardId) -> Self {
        Self {
            stream_name: Some(stream.into()),
            stream_arn: None,
            shard_to_merge: Some(shard.to_string()),
            adjacent_shard_to_merge: Some(adjacent.to_string()),
        }
    }
}

/// UpdateShardCount.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateShardCountInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub target_shard_count: Option<i64>,
    pub scaling_type: Option<String>,
}

impl UpdateShardCountInput {
    /// Uniformly scales the named stream to `target` shards.
    pub fn new(stream: &str, target: u32) -> Self {
        Self {
            stream_name: Some(stream.into()),
            stream_arn: None,
            target_shard_count: Some(i64::from(target)),
            scaling_type: Some("UNIFORM_SCALING".into()),
        }
    }
}

/// UpdateShardCount's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateShardCountOutput {
    pub stream_name: String,
    pub current_shard_count: u32,
    pub target_shard_count: u32,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
}

impl World {
    /// The stream named by a reshard request, checked ACTIVE and PROVISIONED.
    fn reshardable_stream(
        &mut self,
        name: Option<&str>,
        arn: Option<&str>,
        operation: &str,
    ) -> KinesisResult<String> {
        let name = self.resolve_stream_name(name, arn)?;
        let stream = self.active_stream_mut(&name)?;
        if stream.mode == StreamMode::OnDemand {
            return Err(messages::on_demand_unsupported(operation, &stream.arn));
        }
        Ok(name)
    }

    /// Resolves a shard of `stream` that must still be open.
    fn open_shard_for_reshard(&self, stream: &str, given: &str) -> KinesisResult<ShardId> {
        let account = self.account_id();
        let state = self.stream_named(stream)?;
        let id = ShardId::parse(given)
            .filter(|id| state.shard(*id).is_some())
            .ok_or_else(|| messages::could_not_find_shard(given, stream, account))?;
        if !state.shards[id.0 as usize].is_open() {
            return Err(KinesisError::InvalidArgumentException(format!(
                "Shard {id} in stream {stream} under account {account} has already been merged or split, and thus is not eligible for merging or splitting."
            )));
        }
        Ok(id)
    }

    /// Splits an open shard at `at` immediately: the parent closes, two children open.
    pub(crate) fn split_now(&mut self, stream: &str, shard: ShardId, at: u128) {
        self.kinesis.subscriptions.note_anything_changed();
        let now = self.now_ms();
        let Some(state) = self.kinesis.streams.get_mut(stream) else {
            return;
        };
        let (low, high) = state.split_shard(shard, at, now);
        self.log_event(
            EventKind::Resharded,
            Some(stream),
            format!("{shard} split into {low} and {high}"),
        );
    }

    /// Merges two adjacent open shards immediately: both close, one child opens.
    pub(crate) fn merge_now(&mut self, stream: &str, shard: ShardId, adjacent: ShardId) {
        self.kinesis.subscriptions.note_anything_changed();
        let now = self.now_ms();
        let Some(state) = self.kinesis.streams.get_mut(stream) else {
            return;
        };
        let child = state.merge_shards(shard, adjacent, now);
        self.log_event(
            EventKind::Resharded,
            Some(stream),
            format!("{shard} and {adjacent} merged into {child}"),
        );
    }

    /// Carries out a uniform scaling planned when UpdateShardCount was accepted (the open shards
    /// cannot change while the stream is UPDATING), then logs one event for the whole of it.
    pub(crate) fn scale_now(&mut self, stream: &str, plan: &ScalingPlan) {
        let now = self.now_ms();
        let Some(state) = self.kinesis.streams.get_mut(stream) else {
            return;
        };
        let before = state.open_shard_count();
        for step in &plan.steps {
            match *step {
                ReshardStep::Split { range, at } => {
                    if let Some(shard) = state.open_shard_with_range(range) {
                        state.split_shard(shard, at, now);
                    }
                }
                ReshardStep::Merge { left, right } => {
                    if let (Some(shard), Some(adjacent)) = (
                        state.open_shard_with_range(left),
                        state.open_shard_with_range(right),
                    ) {
                        state.merge_shards(shard, adjacent, now);
                    }
                }
            }
        }
        let after = state.open_shard_count();
        self.log_event(
            EventKind::Resharded,
            Some(stream),
            format!(
                "Scaled uniformly from {before} to {after} open shards: {} splits, {} merges",
                plan.splits(),
                plan.merges()
            ),
        );
    }
}

impl Operation for SplitShardInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        let mut v = Validator::new();
        v.stream_address(&self.stream_name, &self.stream_arn);
        v.required_string(
            "shardToSplit",
            &self.shard_to_split,
            1,
            128,
            Some(Pattern::Name),
        );
        v.required_string(
            "newStartingHashKey",
            &self.new_starting_hash_key,
            0,
            usize::MAX,
            Some(Pattern::HashKey),
        );
        v.finish()?;
        let name = world.reshardable_stream(
            self.stream_name.as_deref(),
            self.stream_arn.as_deref(),
            "SplitShard",
        )?;
        let shard = world
            .open_shard_for_reshard(&name, self.shard_to_split.as_deref().unwrap_or_default())?;
        let range = world.kinesis.streams[&name].shards[shard.0 as usize].range;
        let text = self.new_starting_hash_key.unwrap_or_default();
        let at =
            parse_hash_key(&text).filter(|&k| k > range.start.saturating_add(1) && k < range.end);
        let Some(at) = at else {
            return Err(KinesisError::InvalidArgumentException(format!(
                "NewStartingHashKey {text} used in SplitShard() on shard {shard} in stream {name} under account {} is not both greater than one plus the shard's StartingHashKey {} and less than the shard's EndingHashKey {}.",
                world.account_id(),
                range.start,
                range.end
            )));
        };
        world.check_shard_quota(1)?;
        world.queue_stream_change_for(
            &name,
            Change::Split { shard, at },
            reshard_duration_ms(1),
            format!("Stream {name} is UPDATING: splitting {shard}"),
        );
        Ok(Empty {})
    }
}

impl Operation for MergeShardsInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        let mut v = Validator::new();
        v.stream_address(&self.stream_name, &self.stream_arn);
        for (member, value) in [
            ("shardToMerge", &self.shard_to_merge),
            ("adjacentShardToMerge", &self.adjacent_shard_to_merge),
        ] {
            v.required(member, value);
            v.string(member, value, 1, 128, Some(Pattern::Name));
        }
        v.finish()?;
        let name = world.reshardable_stream(
            self.stream_name.as_deref(),
            self.stream_arn.as_deref(),
            "MergeShards",
        )?;
        let shard = world
            .open_shard_for_reshard(&name, self.shard_to_merge.as_deref().unwrap_or_default())?;
        let adjacent = world.open_shard_for_reshard(
            &name,
            self.adjacent_shard_to_merge.as_deref().unwrap_or_default(),
        )?;
        let shards = &world.kinesis.streams[&name].shards;
        if !shards[shard.0 as usize]
            .range
            .is_followed_by(&shards[adjacent.0 as usize].range)
        {
            return Err(KinesisError::InvalidArgumentException(format!(
                "Shards {shard} and {adjacent} in stream {name} under account {} are not an adjacent pair of shards eligible for merging",
                world.account_id()
            )));
        }
        world.queue_stream_change_for(
            &name,
            Change::Merge { shard, adjacent },
            reshard_duration_ms(2),
            format!("Stream {name} is UPDATING: merging {shard} and {adjacent}"),
        );
        Ok(Empty {})
    }
}

impl Operation for UpdateShardCountInput {
    type Output = UpdateShardCountOutput;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<UpdateShardCountOutput> {
        let mut v = Validator::new();
        v.stream_address(&self.stream_name, &self.stream_arn);
        v.required("targetShardCount", &self.target_shard_count);
        v.range("targetShardCount", self.target_shard_count, 1, 100_000);
        v.one_of("scalingType", &self.scaling_type, &["UNIFORM_SCALING"]);
        v.finish()?;
        let name = world.reshardable_stream(
            self.stream_name.as_deref(),
            self.stream_arn.as_deref(),
            "UpdateShardCount",
        )?;
        let target = self.target_shard_count.unwrap_or_default() as u32;
        let now = world.now_ms();
        let account = world.account_id().to_owned();
        let limit = world.settings().shard_limit;
        let account_open = world.quota_open_shards();
        let stream = world
            .kinesis
            .streams
            .get_mut(&name)
            .expect("resolved above");
        let open = stream.open_shard_count();
        if calls_in_last_day(&mut stream.shard_count_updates, now) >= SHARD_COUNT_UPDATES_PER_DAY {
            return Err(messages::daily_quota(
                "UpdateShardCount",
                &name,
                &account,
                SHARD_COUNT_UPDATES_PER_DAY,
            ));
        }
        let scale_error = |text: &str| {
            KinesisError::LimitExceededException(format!(
                "{text} Current open shard count: {open}, Target shard count: {target}"
            ))
        };
        if target > 2 * open {
            return Err(scale_error(
                "UpdateShardCount cannot scale up over double your current open shard count.",
            ));
        }
        if target * 2 < open {
            return Err(scale_error(
                "UpdateShardCount cannot scale down below half your current open shard count.",
            ));
        }
        if target > MAX_SHARDS_PER_STREAM {
            return Err(scale_error(&format!(
                "UpdateShardCount cannot scale a stream above {MAX_SHARDS_PER_STREAM} shards."
            )));
        }
        if account_open - open + target > limit {
            return Err(scale_error(&format!(
                "Target shard count or number of open shards cannot be greater than {limit}."
            )));
        }
        stream.shard_count_updates.push_back(now);
        let arn = stream.arn.clone();
        let ranges: Vec<_> = stream.open_shards().map(|s| s.range).collect();
        let plan = uniform_scaling_plan(&ranges, target);
        let duration = reshard_duration_ms(plan.shards_touched());
        world.queue_stream_change_for(
            &name,
            Change::ScaleTo { plan },
            duration,
            format!("Stream {name} is UPDATING: scaling from {open} to {target} shards"),
        );
        Ok(UpdateShardCountOutput {
            stream_name: name,
            current_shard_count: open,
            target_shard_count: target,
            stream_arn: arn,
        })
    }
}
