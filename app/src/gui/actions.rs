//! What the user asks for, as data: queued by the panels while drawing, applied to the engine by
//! the next `logic()` through its ordinary commands.

use super::streams::produce::Outgoing;
use kinescope_core::clock::Speed;
use kinescope_core::firehose::ops::flush::FlushDeliveryStreamInput;
use kinescope_core::live::SharedWorld;
use kinescope_core::settings::AccountOverrides;
use kinescope_core::sim::producer::ProducerSpec;
use kinescope_core::sim::rate::RateSchedule;
use kinescope_core::sim::scenario::{ConsumerSpec, TimelineAction};
use kinescope_core::sim::simulation::Simulation;
use kinescope_core::streams::ops::config::UpdateStreamModeInput;
use kinescope_core::streams::ops::put::{PutRecordInput, PutRecordsInput, PutRecordsRequestEntry};
use kinescope_core::streams::ops::reshard::{
    MergeShardsInput, SplitShardInput, UpdateShardCountInput,
};
use kinescope_core::streams::shapes::{ShardId, StreamMode, StreamModeDetailsInput};

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
    /// UpdateStreamMode: provisioned or on-demand.
    SetCapacityMode { stream: String, mode: StreamMode },
    /// Pause or resume a simulated producer or consumer.
    SetPaused { name: String, paused: bool },
    /// Run a producer at a constant rate.
    SetRate { producer: String, per_second: f64 },
    /// Kill a KCL worker (no checkpoint; its leases fail over).
    KillWorker { consumer: String, worker: String },
    /// Start one more KCL worker.
    AddWorker { consumer: String },
    /// Add a producer, or replace the one named.
    PutProducer {
        replacing: Option<String>,
        spec: ProducerSpec,
    },
    /// Add a consumer application, or replace the one named.
    PutConsumer {
        replacing: Option<String>,
        spec: ConsumerSpec,
    },
    /// Remove a producer or consumer application.
    RemoveSimulator(String),
    /// Open a scenario file in place of the running one, with the command line's account
    /// settings over the file's.
    OpenScenario(std::path::PathBuf, AccountOverrides),
    /// Save the running scenario to a file.
    SaveScenario(std::path::PathBuf),
    /// Deliver what a Firehose delivery stream's buffer holds now.
    FlushDeliveryStream(String),
    /// Send a video file into a video stream through PutMedia (off the UI thread: remuxing takes
    /// a moment).
    IngestVideo {
        stream: String,
        path: std::path::PathBuf,
    },
    /// Add a simulated camera sending into a video stream.
    AddCamera { stream: String },
    /// CreateStream (Kinesis Video Streams).
    CreateVideoStream { name: String, retention_hours: i64 },
    /// A kinesisanalytics call (start, stop, update the code, …).
    Analytics(kinescope_core::analytics::command::AnalyticsCommand),
    /// CreateApplication reading `source` through the schema its records suggest
    /// (DiscoverInputSchema), writing DESTINATION_SQL_STREAM to `output`.
    CreateAnalyticsApplication {
        name: String,
        source: String,
        output: Option<String>,
        code: String,
    },
    /// PutRecord (one record) or PutRecords (several, 500 per call).
    Produce {
        stream: String,
        records: Vec<Outgoing>,
    },
}

impl Action {
    /// Applies the action; the error is a readable notice (AWS's message for engine refusals), and
    /// some successes say what happened.
    pub fn apply(
        &self,
        world: &SharedWorld,
        resume_speed: &mut Speed,
    ) -> Result<Option<String>, String> {
        match self {
            Action::TogglePlay => {
                match world.speed() {
                    Speed::Paused => world.set_speed(*resume_speed),
                    running => {
                        *resume_speed = running;
                        world.set_speed(Speed::Paused);
                    }
                }
                Ok(None)
            }
            Action::Step(ms) => {
                world.step_by(*ms);
                Ok(None)
            }
            Action::SetSpeed(speed) => {
                if *speed != Speed::Paused {
                    *resume_speed = *speed;
                }
                world.set_speed(*speed);
                Ok(None)
            }
            Action::Split { stream, shard, at } => world
                .apply(SplitShardInput::new(stream, *shard, *at))
                .map(|_| None)
                .map_err(|e| format!("Cannot split {shard}: {} ({})", e, e.code())),
            Action::Merge {
                stream,
                shard,
                adjacent,
            } => world
                .apply(MergeShardsInput::new(stream, *shard, *adjacent))
                .map(|_| None)
                .map_err(|e| format!("Cannot merge {shard} and {adjacent}: {} ({})", e, e.code())),
            Action::UpdateShardCount { stream, target } => world
                .apply(UpdateShardCountInput::new(stream, *target))
                .map(|_| None)
                .map_err(|e| {
                    format!(
                        "Cannot scale {stream} to {target} shards: {} ({})",
                        e,
                        e.code()
                    )
                }),
            Action::SetCapacityMode { stream, mode } => {
                let input = UpdateStreamModeInput {
                    stream_arn: Some(world.read_running(|w, _| w.stream_arn(stream))),
                    stream_mode_details: Some(StreamModeDetailsInput::of(*mode)),
                    warm_throughput_mi_bps: None,
                };
                world
                    .apply(input)
                    .map(|_| {
                        Some(format!(
                            "{stream} is switching to {mode:?}: UPDATING, then ACTIVE"
                        ))
                    })
                    .map_err(|e| {
                        format!("Cannot switch {stream} to {mode:?}: {} ({})", e, e.code())
                    })
            }
            Action::SetPaused { name, paused } => simulate(
                world,
                if *paused {
                    TimelineAction::Pause { name: name.clone() }
                } else {
                    TimelineAction::Resume { name: name.clone() }
                },
            ),
            Action::SetRate {
                producer,
                per_second,
            } => simulate(
                world,
                TimelineAction::SetRate {
                    producer: producer.clone(),
                    rate: RateSchedule::Constant {
                        per_second: *per_second,
                    },
                },
            ),
            Action::KillWorker { consumer, worker } => simulate(
                world,
                TimelineAction::KillWorker {
                    consumer: consumer.clone(),
                    worker: Some(worker.clone()),
                },
            )
            .map(|_| {
                Some(format!(
                    "{worker} of {consumer} killed: its leases fail over after failoverTimeMillis"
                ))
            }),
            Action::AddWorker { consumer } => simulate(
                world,
                TimelineAction::AddWorker {
                    consumer: consumer.clone(),
                },
            ),
            Action::PutProducer { replacing, spec } => edit_simulation(world, |sim| {
                sim.put_producer(replacing.as_deref(), spec.clone())
            }),
            Action::PutConsumer { replacing, spec } => edit_simulation(world, |sim| {
                sim.put_consumer(replacing.as_deref(), spec.clone())
            }),
            Action::RemoveSimulator(name) => {
                edit_simulation(world, |sim| sim.remove_simulator(name))
            }
            Action::Produce { stream, records } => produce(world, stream, records).map(Some),
            Action::Analytics(command) => {
                let (name, application) = (command.name(), command.application_hint());
                world
                    .apply(command.clone())
                    .map(|_| Some(format!("{name} {}", application.unwrap_or_default())))
                    .map_err(|e| format!("{name}: {} ({})", e.message(), e.code()))
            }
            Action::CreateAnalyticsApplication {
                name,
                source,
                output,
                code,
            } => super::analytics::create::create(world, name, source, output.as_deref(), code)
                .map(Some),
            Action::FlushDeliveryStream(name) => world
                .apply(FlushDeliveryStreamInput::named(name))
                .map(|_| None)
                .map_err(|e| format!("Cannot flush {name}: {e} ({})", e.code())),
            Action::OpenScenario(path, account) => {
                super::files::open_scenario(world, path, account).map(Some)
            }
            Action::SaveScenario(path) => super::files::save_scenario(world, path).map(Some),
            Action::IngestVideo { stream, path } => {
                crate::video::ingest_file(world, stream, path).map(Some)
            }
            Action::AddCamera { stream } => world
                .change_simulation(|sim| sim.add_camera(stream))
                .unwrap_or(Err("cameras run inside a scenario: open one first".into()))
                .map(|name| Some(format!("Camera {name} is sending into {stream}"))),
            Action::CreateVideoStream {
                name,
                retention_hours,
            } => world
                .apply(kinescope_core::video::ops::lifecycle::CreateStreamInput {
                    stream_name: Some(name.clone()),
                    media_type: Some("video/h264".into()),
                    data_retention_in_hours: Some(*retention_hours),
                    ..Default::default()
                })
                .map(|_| Some(format!("Created video stream {name}")))
                .map_err(|e| format!("Cannot create {name}: {} ({})", e.message(), e.code())),
        }
    }
}

/// Puts `records`: one with PutRecord, more with PutRecords in calls of 500.
fn produce(world: &SharedWorld, stream: &str, records: &[Outgoing]) -> Result<String, String> {
    if let [record] = records {
        let mut input = PutRecordInput::new(stream, &record.partition_key, record.data.clone());
        input.explicit_hash_key = record.explicit_hash_key.clone().map(Into::into);
        let out = world
            .apply(input)
            .map_err(|e| format!("PutRecord failed: {e} ({})", e.code()))?;
        return Ok(format!(
            "Written to {} with sequence number {}",
            out.shard_id, out.sequence_number
        ));
    }
    let (mut written, mut failed) = (0, 0);
    for chunk in records.chunks(500) {
        let entries = chunk
            .iter()
            .map(|r| {
                let mut entry = PutRecordsRequestEntry::new(&r.partition_key, r.data.clone());
                entry.explicit_hash_key = r.explicit_hash_key.clone().map(Into::into);
                entry
            })
            .collect();
        let out = world
            .apply(PutRecordsInput::new(stream, entries))
            .map_err(|e| format!("PutRecords failed: {e} ({})", e.code()))?;
        failed += out.failed_record_count as usize;
        written += chunk.len() - out.failed_record_count as usize;
    }
    Ok(format!("{written} records written, {failed} refused"))
}

/// Changes the running scenario's simulators.
fn edit_simulation(
    world: &SharedWorld,
    change: impl FnOnce(&mut Simulation) -> Result<String, String>,
) -> Result<Option<String>, String> {
    world
        .change_simulation(change)
        .unwrap_or(Err("no scenario is running".into()))
        .map(Some)
}

/// Acts on the running scenario's simulators as a timeline event would.
fn simulate(world: &SharedWorld, action: TimelineAction) -> Result<Option<String>, String> {
    world
        .change_simulation(|sim| sim.act(&action))
        .unwrap_or(Err("no scenario is running".into()))
        .map(|()| None)
}
