//! A world shared by live callers (the HTTP API, the desktop app): before each command the world is
//! brought up to "now" — wall time since the last catch-up × the speed — so callers see fresh time
//! without a busy loop. Reading the wall clock happens here, at the edge, never in engine logic.
//!
//! Catching up is bounded: one caller steps at most a few milliseconds of wall time under the lock
//! and leaves the rest owed to the next (async handlers never block a worker for a long catch-up).
//! Enhanced fan-out subscribers wait on their own notification, woken only when their
//! subscription has something new, not by every change in the world.

use crate::clock::{Driver, Speed};
use crate::outbound::CallRunner;
use crate::sim::simulation::Simulation;
use crate::traffic::{RecordTrafficInput, TrafficEntry};
use crate::world::{Operation, World};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// How long stopping waits for HTTP calls under way (a Lambda call times out after 30 s).
const SHUTDOWN_CALLS_WAIT: Duration = Duration::from_secs(35);

/// How often a [`Clock`] brings the world up to now.
pub const CLOCK_TICK: Duration = Duration::from_millis(20);

/// Moves a [`SharedWorld`]'s time from a thread of its own (see [`SharedWorld::start_clock`]);
/// stops when dropped.
pub struct Clock {
    running: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Clock {
    fn drop(&mut self) {
        self.running.store(false, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Most wall time one caller spends catching up under the lock.
const CATCH_UP_BUDGET: Duration = Duration::from_millis(5);
/// Virtual time stepped at once while catching up.
const CATCH_UP_STEP_MS: u64 = 100;

/// What runs behind the lock: a bare world, or a scenario whose simulators step with it.
enum Running {
    World(Box<World>),
    Simulation(Box<Simulation>),
}

struct Live {
    running: Running,
    driver: Driver,
    last_wall: Instant,
    /// Virtual time due but not yet stepped (a catch-up ran out of budget).
    owed_ms: u64,
    /// Each waiting subscriber's wake-up, by subscription id.
    subscribers: HashMap<u64, Arc<Notify>>,
    /// A [`Clock`] moves time: readers see the world as it is rather than stepping it.
    clocked: bool,
    /// The world's HTTP calls (Lambda functions), made off the lock.
    calls: CallRunner,
    /// Where a lesson wants time to stop: the running scenario's elapsed virtual ms.
    pause_at_ms: Option<i64>,
}

impl Live {
    fn world(&mut self) -> &mut World {
        match &mut self.running {
            Running::World(world) => world,
            Running::Simulation(simulation) => simulation.world_mut(),
        }
    }
}

/// A [`World`] behind a lock, driven by wall time at a chosen speed.
pub struct SharedWorld {
    live: Mutex<Live>,
}

impl SharedWorld {
    /// Shares `world`, running at `speed`.
    pub fn new(world: World, speed: Speed) -> Arc<Self> {
        Self::running(Running::World(Box::new(world)), speed)
    }

    /// Shares a running scenario: its producers and consumers keep working as time passes.
    pub fn with_simulation(simulation: Simulation, speed: Speed) -> Arc<Self> {
        Self::running(Running::Simulation(Box::new(simulation)), speed)
    }

    fn running(running: Running, speed: Speed) -> Arc<Self> {
        let mut live = Live {
            running,
            driver: Driver::new(speed),
            last_wall: Instant::now(),
            owed_ms: 0,
            subscribers: HashMap::new(),
            clocked: false,
            calls: CallRunner::default(),
            pause_at_ms: None,
        };
        live.world().defer_outbound_calls();
        Arc::new(Self {
            live: Mutex::new(live),
        })
    }

    /// Applies the answers of calls that came back, and starts the calls queued since.
    fn run_calls(live: &mut Live) {
        let mut calls = std::mem::take(&mut live.calls);
        calls.collect(live.world());
        calls.dispatch(live.world());
        live.calls = calls;
    }

    fn lock(&self) -> MutexGuard<'_, Live> {
        // A panic while holding the lock must not take the server down with it.
        self.live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Steps the world towards now, for at most [`CATCH_UP_BUDGET`] of wall time; what is left
    /// is owed to the next caller. When the machine cannot keep up with the speed, at most a wall
    /// second's worth stays owed: the clock runs slower than asked rather than falling ever
    /// further behind.
    fn catch_up(live: &mut Live) {
        Self::run_calls(live);
        let started = Instant::now();
        let due = live.driver.virtual_ms_for(started - live.last_wall);
        live.last_wall = started;
        live.owed_ms = (live.owed_ms + due).min(live.driver.virtual_ms_for_a_second());
        while live.owed_ms > 0 {
            let mut dt = live.owed_ms.min(CATCH_UP_STEP_MS);
            if let (Some(stop), Running::Simulation(simulation)) = (live.pause_at_ms, &live.running)
            {
                let left = u64::try_from(stop - simulation.elapsed_ms()).unwrap_or(0);
                if left == 0 {
                    live.driver.set_speed(Speed::Paused);
                    live.owed_ms = 0;
                    live.pause_at_ms = None;
                    break;
                }
                dt = dt.min(left);
            }
            match &mut live.running {
                Running::World(world) => world.step(dt),
                Running::Simulation(simulation) => simulation.step(dt as i64),
            }
            live.owed_ms -= dt;
            if started.elapsed() >= CATCH_UP_BUDGET {
                break;
            }
        }
        Self::run_calls(live);
        Self::wake_subscribers(live);
    }

    /// Wakes the subscribers whose subscriptions queued events or ended.
    fn wake_subscribers(live: &mut Live) {
        for id in live.world().take_woken_subscriptions() {
            if let Some(notify) = live.subscribers.get(&id) {
                // Stores a permit if the subscriber is not waiting yet: no wake-up is lost.
                notify.notify_one();
            }
        }
    }

    /// Brings the world up to now, then applies `command`, and pushes what enhanced fan-out
    /// subscriptions it gave something to send.
    pub fn apply<O: Operation>(&self, command: O) -> Result<O::Output, O::Error> {
        let mut live = self.lock();
        Self::catch_up(&mut live);
        let result = live.world().apply(command);
        Self::run_calls(&mut live);
        live.world().push_subscriptions();
        Self::wake_subscribers(&mut live);
        result
    }

    /// The wake-up of subscription `id`'s subscriber: notified whenever the subscription queues
    /// events or ends (until [`Self::unwatch_subscription`]).
    pub fn watch_subscription(&self, id: u64) -> Arc<Notify> {
        self.lock()
            .subscribers
            .entry(id)
            .or_insert_with(|| Arc::new(Notify::new()))
            .clone()
    }

    /// Forgets subscription `id`'s subscriber.
    pub fn unwatch_subscription(&self, id: u64) {
        self.lock().subscribers.remove(&id);
    }

    /// Logs an API call; cheaper than a command round-trip since it moves no time and wakes nobody.
    pub fn record_traffic(&self, entry: TrafficEntry) {
        let mut live = self.lock();
        let _ = live.world().apply(RecordTrafficInput(entry));
    }

    /// Delivers what every Firehose buffer holds, as the server or app stops (reason `shutdown`).
    pub fn shut_down(&self) {
        let mut live = self.lock();
        Self::catch_up(&mut live);
        live.world()
            .flush_all_delivery_streams(crate::firehose::buffer::FlushReason::Shutdown);
        // Records in calls under way (and in the buffers their answers fill) are delivered too.
        let mut calls = std::mem::take(&mut live.calls);
        calls.finish(live.world(), SHUTDOWN_CALLS_WAIT);
        live.calls = calls;
        live.world()
            .flush_all_delivery_streams(crate::firehose::buffer::FlushReason::Shutdown);
    }

    /// Brings the world up to now (a background ticker calls this so time passes between calls).
    pub fn tick(&self) {
        Self::catch_up(&mut self.lock());
    }

    /// Reads the world (after bringing it up to now).
    pub fn read<R>(&self, f: impl FnOnce(&World) -> R) -> R {
        let mut live = self.lock();
        Self::catch_up(&mut live);
        f(live.world())
    }

    /// Reads the world and, when a scenario runs, its simulation (after bringing both up to now,
    /// unless a [`Clock`] does that: then a reader — the inspector's frame — pays only for what
    /// it reads).
    pub fn read_running<R>(&self, f: impl FnOnce(&World, Option<&Simulation>) -> R) -> R {
        let mut live = self.lock();
        if !live.clocked {
            Self::catch_up(&mut live);
        }
        match &live.running {
            Running::World(world) => f(world, None),
            Running::Simulation(simulation) => f(simulation.world(), Some(simulation)),
        }
    }

    /// Changes the running scenario's simulators (a producer's rate, a worker killed); `None`
    /// when no scenario runs.
    pub fn change_simulation<R>(&self, f: impl FnOnce(&mut Simulation) -> R) -> Option<R> {
        let mut live = self.lock();
        Self::catch_up(&mut live);
        let result = match &mut live.running {
            Running::World(_) => None,
            Running::Simulation(simulation) => Some(f(simulation)),
        };
        Self::wake_subscribers(&mut live);
        result
    }

    /// Runs the scenario at `speed` until `elapsed_ms` of it have passed, then pauses exactly
    /// there (a lesson's step); a moment already passed pauses at the next catch-up that has
    /// time to step. The Step button stops there too. Only a running scenario has such a
    /// moment: a world without one runs on.
    pub fn run_until(&self, elapsed_ms: i64, speed: Speed) {
        let mut live = self.lock();
        Self::catch_up(&mut live);
        live.pause_at_ms = Some(elapsed_ms);
        live.driver.set_speed(speed);
        // A moment already reached pauses on the next catch-up, before time moves.
        live.owed_ms = 0;
        Self::catch_up(&mut live);
    }

    /// Replaces what runs with `simulation` (opening another scenario); the speed is kept.
    pub fn load(&self, simulation: Simulation) {
        let mut live = self.lock();
        live.pause_at_ms = None;
        live.running = Running::Simulation(Box::new(simulation));
        live.world().defer_outbound_calls();
        live.calls.forget_world();
        live.last_wall = Instant::now();
        live.owed_ms = 0;
        // The old world's subscriptions are gone: their subscribers find out when they look.
        for notify in live.subscribers.values() {
            notify.notify_one();
        }
    }

    /// Forgets the moment `run_until` was to stop at (a lesson left).
    pub fn cancel_pause(&self) {
        self.lock().pause_at_ms = None;
    }

    /// Moves virtual time on by `ms` whatever the speed (the step button while paused), never
    /// past the moment `run_until` stops at.
    pub fn step_by(&self, ms: u64) {
        let mut live = self.lock();
        Self::catch_up(&mut live);
        let stop = live.pause_at_ms;
        match &mut live.running {
            Running::World(world) => world.step(ms),
            Running::Simulation(simulation) => {
                let ms = match stop {
                    Some(stop) => (ms as i64).min((stop - simulation.elapsed_ms()).max(0)),
                    None => ms as i64,
                };
                simulation.step(ms);
            }
        }
        Self::wake_subscribers(&mut live);
    }

    /// Starts a thread that brings the world up to now every [`CLOCK_TICK`], until the returned
    /// [`Clock`] is dropped.
    pub fn start_clock(self: &Arc<Self>) -> Clock {
        self.lock().clocked = true;
        let running = Arc::new(AtomicBool::new(true));
        let thread = {
            let (world, running) = (self.clone(), running.clone());
            std::thread::Builder::new()
                .name("kinescope-clock".into())
                .spawn(move || {
                    while running.load(Ordering::Relaxed) {
                        world.tick();
                        std::thread::sleep(CLOCK_TICK);
                    }
                    world.lock().clocked = false;
                })
                .ok()
        };
        if thread.is_none() {
            self.lock().clocked = false; // no thread: readers keep catching up themselves
        }
        Clock { running, thread }
    }

    /// The current speed.
    pub fn speed(&self) -> Speed {
        self.lock().driver.speed()
    }

    /// Changes the speed; time already passed is counted at the old speed first.
    pub fn set_speed(&self, speed: Speed) {
        let mut live = self.lock();
        Self::catch_up(&mut live);
        live.driver.set_speed(speed);
        if speed == Speed::Paused {
            live.owed_ms = 0; // a pause takes effect at once
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;
    use crate::streams::ops::consumers::{RegisterStreamConsumerInput, SubscribeToShardInput};
    use crate::streams::ops::lifecycle::CreateStreamInput;
    use crate::streams::ops::put::PutRecordInput;
    use crate::streams::shapes::{ShardId, ShardIteratorType};
    use futures_util::FutureExt;

    #[test]
    fn a_lesson_s_moment_stops_time_exactly_there() {
        let text = include_str!("../../assets/scenarios/hot-shard.json");
        let scenario = crate::sim::scenario::Scenario::from_json(text).unwrap();
        let live = SharedWorld::with_simulation(Simulation::new(scenario, 7), Speed::Paused);
        live.run_until(12_345, Speed::AsFastAsPossible);
        for _ in 0..100 {
            live.tick();
        }
        let elapsed = live.read_running(|_, sim| sim.map(|s| s.elapsed_ms()));
        assert_eq!(elapsed, Some(12_345));
        assert_eq!(live.speed(), Speed::Paused);
        // A moment already passed pauses at once.
        live.run_until(1_000, Speed::AsFastAsPossible);
        live.tick();
        assert_eq!(live.speed(), Speed::Paused);
        let elapsed = live.read_running(|_, sim| sim.map(|s| s.elapsed_ms()));
        assert_eq!(elapsed, Some(12_345));
        // The Step button stops at the moment too; once it is cancelled, steps go on.
        live.run_until(13_000, Speed::Paused);
        live.step_by(5_000);
        let elapsed = live.read_running(|_, sim| sim.map(|s| s.elapsed_ms()));
        assert_eq!(elapsed, Some(13_000));
        live.cancel_pause();
        live.step_by(1_000);
        let elapsed = live.read_running(|_, sim| sim.map(|s| s.elapsed_ms()));
        assert_eq!(elapsed, Some(14_000));
    }

    #[test]
    fn readers_catch_up_themselves_again_once_the_clock_stops() {
        let world = SharedWorld::new(World::new(Settings::default(), 1), Speed::Paused);
        let clock = world.start_clock();
        assert!(world.lock().clocked);
        drop(clock);
        assert!(!world.lock().clocked);
    }

    #[test]
    fn a_subscriber_is_woken_by_news_on_its_own_shard_only() {
        let world = SharedWorld::new(World::new(Settings::default(), 1), Speed::Paused);
        world.apply(CreateStreamInput::provisioned("s", 2)).unwrap();
        world.step_by(500);
        let arn = world.read(|w| w.stream_arn("s"));
        let consumer = world
            .apply(RegisterStreamConsumerInput::new(&arn, "app"))
            .unwrap()
            .consumer
            .consumer_arn;
        world.step_by(500);
        let subscribe = |shard| {
            world
                .apply(SubscribeToShardInput::new(
                    &consumer,
                    ShardId(shard),
                    ShardIteratorType::Latest,
                ))
                .unwrap()
                .subscription_id
        };
        let (first, second) = (subscribe(0), subscribe(1));
        let (wake_first, wake_second) = (
            world.watch_subscription(first),
            world.watch_subscription(second),
        );
        // Shard 0 owns the lower half of the keys.
        let mut put = PutRecordInput::new("s", "k", "x");
        put.explicit_hash_key = Some("1".into());
        world.apply(put).unwrap();
        assert!(wake_first.notified().now_or_never().is_some());
        assert!(wake_second.notified().now_or_never().is_none());
        world.unwatch_subscription(first);
    }
}
