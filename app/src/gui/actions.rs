//! What the user asks for, as data: queued by the panels while drawing, applied to the engine by
//! the next `logic()` through its ordinary commands.

use kinescope_core::clock::Speed;
use kinescope_core::live::SharedWorld;
use kinescope_core::sim::scenario::TimelineAction;
use kinescope_core::streams::ops::reshard::{
    MergeShardsInput, SplitShardInput, UpdateShardCountInput,
};
use kinescope_core::streams::shapes::ShardId;

/// One user action.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Pause, or resume at the last speed.
    TogglePlay,
    /// Move virtual time on by this many milliseconds.
    Step(u64),
    /// Run at this speed.
    SetSpeed(Speed),
    /// SplitShard at the given hash key.
    Split {
        stream: String,
        shard: ShardId,
        at: u128,
    },
    /// MergeShards of two adjacent shards.
    Merge {
        stream: String,
        shard: ShardId,
        adjacent: ShardId,
    },
    /// UpdateShardCount (uniform scaling).
    UpdateShardCount { stream: String, target: u32 },
    /// Pause or resume a simulated producer or consumer.
    SetPaused { name: String, paused: bool },
}

impl Action {
    /// Applies the action; the error is a readable notice (AWS's message for engine refusals).
    pub fn apply(&self, world: &SharedWorld, resume_speed: &mut Speed) -> Result<(), String> {
        match self {
            Action::TogglePlay => {
                match world.speed() {
                    Speed::Paused => world.set_speed(*resume_speed),
                    running => {
                        *resume_speed = running;
                        world.set_speed(Speed::Paused);
                    }
                }
                Ok(())
            }
            Action::Step(ms) => {
                world.step_by(*ms);
                Ok(())
            }
            Action::SetSpeed(speed) => {
                if *speed != Speed::Paused {
                    *resume_speed = *speed;
                }
                world.set_speed(*speed);
                Ok(())
            }
            Action::Split { stream, shard, at } => world
                .apply(SplitShardInput::new(stream, *shard, *at))
                .map(|_| ())
                .map_err(|e| format!("Cannot split {shard}: {} ({})", e, e.code())),
            Action::Merge {
                stream,
                shard,
                adjacent,
            } => world
                .apply(MergeShardsInput::new(stream, *shard, *adjacent))
                .map(|_| ())
                .map_err(|e| format!("Cannot merge {shard} and {adjacent}: {} ({})", e, e.code())),
            Action::UpdateShardCount { stream, target } => world
                .apply(UpdateShardCountInput::new(stream, *target))
                .map(|_| ())
                .map_err(|e| {
                    format!(
                        "Cannot scale {stream} to {target} shards: {} ({})",
                        e,
                        e.code()
                    )
                }),
            Action::SetPaused { name, paused } => {
                let action = if *paused {
                    TimelineAction::Pause { name: name.clone() }
                } else {
                    TimelineAction::Resume { name: name.clone() }
                };
                world
                    .change_simulation(|sim| sim.act(&action))
                    .unwrap_or(Err("no scenario is running".into()))
            }
        }
    }
}
