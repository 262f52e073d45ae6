//! A running scenario: the world plus its producers, consumers and timeline, stepped together on
//! the virtual clock; the simulators act every 100 ms of it. Everything goes through the world's
//! commands.

use super::activity::Activity;
use super::camera::Camera;
pub use super::consumer_app::ConsumerApp;
use super::kcl::KclConsumer;
use super::ledger::Check;
use super::producer::Producer;
use super::scenario::{Scenario, ScenarioStreamMode, TimelineAction};
use crate::settings::Settings;
use crate::streams::ops::config::IncreaseStreamRetentionPeriodInput;
use crate::streams::ops::lifecycle::CreateStreamInput;
use crate::streams::ops::reshard::{MergeShardsInput, SplitShardInput, UpdateShardCountInput};
use crate::streams::shapes::{ShardId, StreamMode, StreamModeDetailsInput};
use crate::world::World;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

/// Virtual time per simulation tick.
pub const TICK_MS: i64 = 100;

/// A scenario in progress.
#[derive(Debug)]
pub struct Simulation {
    pub(super) scenario: Scenario,
    pub(super) world: World,
    pub(super) producers: Vec<Producer>,
    pub(super) consumers: Vec<(String, &'static str, ConsumerApp)>,
    pub(super) cameras: Vec<Camera>,
    started_ms: i64,
    pub(super) next_event: usize,
    rng: ChaCha8Rng,
    pub(super) consumer_order: Vec<usize>,
    pub(super) seed: u64,
    /// Simulators added while running (their seeds follow the scenario's own).
    pub(super) added: usize,
    activity: Activity,
    /// Timeline events whose command failed, with the reason (reported, not fatal).
    pub event_errors: Vec<String>,
}

pub(super) fn producer_seed(run_seed: u64, index: usize) -> u64 {
    run_seed ^ (0x9e37_79b9 + index as u64)
}

pub(super) fn consumer_seed(run_seed: u64, index: usize) -> u64 {
    run_seed ^ (0x7f4a_7c15 + index as u64)
}

impl Simulation {
    /// Creates the scenario's streams (ACTIVE when this returns) and starts its simulators, in an
    /// account with AWS's defaults and the scenario's own settings.
    pub fn new(scenario: Scenario, seed: u64) -> Self {
        let settings = scenario.settings.apply_to(Settings::default());
        Self::with_settings(scenario, seed, settings)
    }

    /// Like [`Simulation::new`] with the world's settings given as they are (start time, throttle
    /// mode, ...): callers apply the scenario's `settings` themselves, so that command-line
    /// options can take precedence over them.
    pub fn with_settings(mut scenario: Scenario, seed: u64, mut settings: Settings) -> Self {
        for (name, url) in &scenario.lambdas {
            settings
                .lambdas
                .entry(name.clone())
                .or_insert_with(|| url.clone());
        }
        scenario
            .timeline
            .sort_by(|a, b| a.at_seconds.total_cmp(&b.at_seconds));
        let mut world = World::new(settings, seed);
        for s in &scenario.streams {
            let input = match s.mode {
                ScenarioStreamMode::Provisioned => {
                    CreateStreamInput::provisioned(&s.name, s.shards)
                }
                ScenarioStreamMode::OnDemand => CreateStreamInput::on_demand(&s.name),
            };
            let _ = world.apply(input);
        }
        world.step(world.settings().transition_delay_ms as u64);
        for s in scenario.streams.iter().filter(|s| s.retention_hours > 24) {
            let _ = world.apply(IncreaseStreamRetentionPeriodInput {
                stream_name: Some(s.name.clone()),
                stream_arn: None,
                retention_period_hours: Some(i64::from(s.retention_hours)),
            });
        }
        // Checked when the scenario loaded.
        let _ = scenario.glue.create_in(&mut world);
        if !scenario.firehoses.is_empty() {
            for spec in &scenario.firehoses {
                let _ = world.apply(spec.clone().with_source_arn_in(&world));
            }
            world.step(world.settings().transition_delay_ms as u64);
        }
        if !scenario.video_streams.is_empty() {
            super::camera_spec::create_video_streams(&scenario, &mut world);
            world.step(world.settings().transition_delay_ms as u64);
        }
        for spec in &scenario.analytics {
            // Checked when the scenario loaded.
            let _ = spec.create_in(&mut world);
        }
        let now = world.now_ms();
        let cameras = scenario
            .cameras
            .iter()
            .map(|c| Camera::new(c.clone(), now, now))
            .collect();
        let producers = scenario
            .producers
            .iter()
            .enumerate()
            .map(|(i, p)| Producer::new(p.clone(), producer_seed(seed, i), now))
            .collect();
        let consumers: Vec<(String, &'static str, ConsumerApp)> = scenario
            .consumers
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let app = ConsumerApp::start(spec.clone(), consumer_seed(seed, i), seed, now);
                (spec.name().to_owned(), app.kind(), app)
            })
            .collect();
        Self {
            scenario,
            world,
            producers,
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_0f04),
            consumer_order: (0..consumers.len()).collect(),
            consumers,
            cameras,
            started_ms: now,
            next_event: 0,
            seed,
            added: 0,
            activity: Activity::default(),
            event_errors: Vec::new(),
        }
    }

    /// The world being simulated.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The world, for callers that send it commands between steps (the API server).
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// The scenario as it runs now: the file's, with the simulators as they are now (added,
    /// edited, removed, or a rate changed in the app) so that saving it keeps them.
    pub fn current_scenario(&self) -> Scenario {
        Scenario {
            producers: self.producers.iter().map(|p| p.spec().clone()).collect(),
            consumers: self.consumers.iter().map(|(_, _, c)| c.spec()).collect(),
            cameras: self
                .cameras
                .iter()
                .map(|c| super::camera_spec::CameraSpec {
                    stopped: c.paused,
                    ..c.spec().clone()
                })
                .collect(),
            ..self.scenario.clone()
        }
    }

    /// What the simulators did that the engine does not log (lease moves, failovers, invariants).
    pub fn activity(&self) -> &Activity {
        &self.activity
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Virtual milliseconds since the scenario started.
    pub fn elapsed_ms(&self) -> i64 {
        self.world.now_ms() - self.started_ms
    }

    /// Producers and their state.
    pub fn producers(&self) -> &[Producer] {
        &self.producers
    }

    /// Consumer applications: (name, kind, app).
    pub fn consumers(&self) -> &[(String, &'static str, ConsumerApp)] {
        &self.consumers
    }

    /// Adds a simulated camera (the defaults) sending into video stream `stream`; its name.
    pub fn add_camera(&mut self, stream: &str) -> Result<String, String> {
        if !self.world.video_streams().contains_key(stream) {
            return Err(format!("there is no video stream {stream:?}"));
        }
        let taken = |name: &str| {
            self.cameras.iter().any(|c| c.spec().name == name)
                || self.producers.iter().any(|p| p.spec().name == name)
                || self.consumers.iter().any(|(n, _, _)| n == name)
        };
        let name = (1..)
            .map(|n| match n {
                1 => format!("{stream}-camera"),
                n => format!("{stream}-camera-{n}"),
            })
            .find(|name| !taken(name))
            .unwrap_or_default();
        let now = self.world.now_ms();
        let spec = super::camera_spec::CameraSpec::new(&name, stream);
        self.cameras.push(Camera::new(spec, self.started_ms, now));
        Ok(name)
    }

    /// Simulated cameras and what they sent.
    pub fn cameras(&self) -> &[Camera] {
        &self.cameras
    }

    /// Every invariant check of every consumer application so far.
    pub fn checks(&self) -> Vec<Check> {
        self.consumers
            .iter()
            .flat_map(|(_, _, app)| app.checks(&self.world))
            .collect()
    }

    /// Runs for `dt_ms` more virtual milliseconds.
    pub fn step(&mut self, dt_ms: i64) {
        let target = self.elapsed_ms() + dt_ms;
        while self.elapsed_ms() < target {
            // The world moves to exactly `target`; the simulators act on a fixed grid of ticks,
            // so stepping in small slices (a live clock's 20 ms) costs no more simulator work
            // than stepping in large ones, and gives the same run.
            let next_tick = (self.elapsed_ms().div_euclid(TICK_MS) + 1) * TICK_MS;
            let until = next_tick.min(target);
            self.world.step((until - self.elapsed_ms()) as u64);
            if until == next_tick {
                self.act_on_tick();
            }
        }
    }

    fn act_on_tick(&mut self) {
        self.fire_due_events();
        for producer in &mut self.producers {
            producer.tick(&mut self.world, TICK_MS);
        }
        for camera in &mut self.cameras {
            camera.tick(&mut self.world);
        }
        // Applications race for a shard's shared reads; a fixed order would let the first one
        // win every time.
        self.consumer_order.shuffle(&mut self.rng);
        for &index in &self.consumer_order {
            self.consumers[index].2.tick(&mut self.world);
        }
        self.activity.observe(&self.world, &self.consumers);
    }

    fn fire_due_events(&mut self) {
        while let Some(event) = self.scenario.timeline.get(self.next_event).cloned() {
            if (event.at_seconds * 1_000.0) as i64 > self.elapsed_ms() {
                break;
            }
            self.next_event += 1;
            if let Err(e) = self.act(&event.action) {
                self.event_errors
                    .push(format!("at {} s: {e}", event.at_seconds));
            }
        }
    }

    fn kcl(&mut self, name: &str) -> Result<&mut KclConsumer, String> {
        self.consumers
            .iter_mut()
            .find_map(|(n, _, app)| match app {
                ConsumerApp::Kcl(k) if n == name => Some(k),
                _ => None,
            })
            .ok_or_else(|| format!("{name:?} is not a KCL application"))
    }

    /// Does what a timeline action says, now (the app's buttons use the same actions as scenario
    /// timelines); the error says why it could not be done.
    pub fn act(&mut self, action: &TimelineAction) -> Result<(), String> {
        let shard_of =
            |text: &str| ShardId::parse(text).ok_or_else(|| format!("{text:?} is not a shard id"));
        let world = &mut self.world;
        match action {
            TimelineAction::SetRate { producer, rate } => {
                self.producers
                    .iter_mut()
                    .filter(|p| &p.spec().name == producer)
                    .for_each(|p| p.set_rate(rate.clone()));
                Ok(())
            }
            TimelineAction::SplitShard { stream, shard } => {
                let id = shard_of(shard)?;
                let range = world
                    .stream(stream)
                    .and_then(|s| s.shard(id))
                    .map(|s| s.range)
                    .ok_or(format!("no shard {shard} in {stream}"))?;
                world
                    .apply(SplitShardInput::new(stream, id, range.midpoint()))
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            TimelineAction::MergeShards {
                stream,
                shard,
                adjacent,
            } => world
                .apply(MergeShardsInput::new(
                    stream,
                    shard_of(shard)?,
                    shard_of(adjacent)?,
                ))
                .map(|_| ())
                .map_err(|e| e.to_string()),
            TimelineAction::UpdateShardCount { stream, target } => world
                .apply(UpdateShardCountInput::new(stream, *target))
                .map(|_| ())
                .map_err(|e| e.to_string()),
            TimelineAction::SetCapacityMode { stream, mode } => {
                let mode = match mode {
                    ScenarioStreamMode::Provisioned => StreamMode::Provisioned,
                    ScenarioStreamMode::OnDemand => StreamMode::OnDemand,
                };
                let input = crate::streams::ops::config::UpdateStreamModeInput {
                    stream_arn: Some(world.stream_arn(stream)),
                    stream_mode_details: Some(StreamModeDetailsInput::of(mode)),
                    warm_throughput_mi_bps: None,
                };
                world.apply(input).map(|_| ()).map_err(|e| e.to_string())
            }
            TimelineAction::Pause { name } | TimelineAction::Resume { name } => {
                let paused = matches!(action, TimelineAction::Pause { .. });
                self.producers
                    .iter_mut()
                    .filter(|p| &p.spec().name == name)
                    .for_each(|p| p.paused = paused);
                self.consumers
                    .iter_mut()
                    .filter(|(n, _, _)| n == name)
                    .for_each(|(_, _, c)| c.set_paused(paused));
                self.cameras
                    .iter_mut()
                    .filter(|c| &c.spec().name == name)
                    .for_each(|c| c.paused = paused);
                Ok(())
            }
            TimelineAction::KillWorker { consumer, worker } => {
                let now = self.world.now_ms();
                let kcl = self.kcl(consumer)?;
                let killed = kcl.kill_worker(worker.as_deref())?;
                let stream = kcl.stream().to_owned();
                self.activity.push(
                    now,
                    "WorkerKilled",
                    &stream,
                    format!("{consumer}: {killed} stopped without checkpointing"),
                );
                Ok(())
            }
            TimelineAction::Flush { firehose } => world
                .apply(crate::firehose::ops::flush::FlushDeliveryStreamInput::named(firehose))
                .map(|_| ())
                .map_err(|e| e.to_string()),
            TimelineAction::AddWorker { consumer } => {
                let now = self.world.now_ms();
                let kcl = self.kcl(consumer)?;
                let added = kcl.add_worker(now);
                let stream = kcl.stream().to_owned();
                self.activity.push(
                    now,
                    "WorkerAdded",
                    &stream,
                    format!("{consumer}: {added} started"),
                );
                Ok(())
            }
        }
    }
}
