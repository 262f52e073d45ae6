//! A world shared by live callers (the HTTP API, the desktop app): before each command the world is
//! brought up to "now" — wall time since the last catch-up × the speed — so callers see fresh time
//! without a busy loop. Reading the wall clock happens here, at the edge, never in engine logic.

use crate::clock::{Driver, Speed};
use crate::error::KinesisResult;
use crate::sim::simulation::Simulation;
use crate::traffic::{RecordTrafficInput, TrafficEntry};
use crate::world::{Operation, World};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use tokio::sync::Notify;
use tokio::sync::futures::Notified;

/// What runs behind the lock: a bare world, or a scenario whose simulators step with it.
enum Running {
    World(Box<World>),
    Simulation(Box<Simulation>),
}

struct Live {
    running: Running,
    driver: Driver,
    last_wall: Instant,
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
    changed: Notify,
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
        Arc::new(Self {
            live: Mutex::new(Live {
                running,
                driver: Driver::new(speed),
                last_wall: Instant::now(),
            }),
            changed: Notify::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Live> {
        // A panic while holding the lock must not take the server down with it.
        self.live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn catch_up(live: &mut Live) {
        let now = Instant::now();
        let dt = live.driver.virtual_ms_for(now - live.last_wall);
        live.last_wall = now;
        if dt > 0 {
            match &mut live.running {
                Running::World(world) => world.step(dt),
                Running::Simulation(simulation) => simulation.step(dt as i64),
            }
        }
    }

    /// Brings the world up to now, then applies `command`; wakes everyone waiting for changes.
    pub fn apply<O: Operation>(&self, command: O) -> KinesisResult<O::Output> {
        let result = self.apply_quietly(command);
        self.changed.notify_waiters();
        result
    }

    /// Like [`Self::apply`] but wakes nobody: for commands that only read or log, so a reader that
    /// waits for changes is not woken by its own reads.
    pub fn apply_quietly<O: Operation>(&self, command: O) -> KinesisResult<O::Output> {
        let mut live = self.lock();
        Self::catch_up(&mut live);
        let result = live.world().apply(command);
        live.world().push_subscriptions();
        result
    }

    /// Logs an API call; cheaper than a command round-trip since it moves no time and wakes nobody.
    pub fn record_traffic(&self, entry: TrafficEntry) {
        let mut live = self.lock();
        let _ = live.world().apply(RecordTrafficInput(entry));
    }

    /// Brings the world up to now (a background ticker calls this so time passes between calls).
    pub fn tick(&self) {
        {
            let mut live = self.lock();
            Self::catch_up(&mut live);
        }
        self.changed.notify_waiters();
    }

    /// Reads the world (after bringing it up to now).
    pub fn read<R>(&self, f: impl FnOnce(&World) -> R) -> R {
        let mut live = self.lock();
        Self::catch_up(&mut live);
        f(live.world())
    }

    /// Reads the world and, when a scenario runs, its simulation (after bringing both up to now).
    pub fn read_running<R>(&self, f: impl FnOnce(&World, Option<&Simulation>) -> R) -> R {
        let mut live = self.lock();
        Self::catch_up(&mut live);
        match &live.running {
            Running::World(world) => f(world, None),
            Running::Simulation(simulation) => f(simulation.world(), Some(simulation)),
        }
    }

    /// Changes the running scenario's simulators (a producer's rate, a worker killed); `None`
    /// when no scenario runs.
    pub fn change_simulation<R>(&self, f: impl FnOnce(&mut Simulation) -> R) -> Option<R> {
        let result = {
            let mut live = self.lock();
            Self::catch_up(&mut live);
            match &mut live.running {
                Running::World(_) => None,
                Running::Simulation(simulation) => Some(f(simulation)),
            }
        };
        self.changed.notify_waiters();
        result
    }

    /// Replaces what runs with `simulation` (opening another scenario); the speed is kept.
    pub fn load(&self, simulation: Simulation) {
        {
            let mut live = self.lock();
            live.running = Running::Simulation(Box::new(simulation));
            live.last_wall = Instant::now();
        }
        self.changed.notify_waiters();
    }

    /// Moves virtual time on by `ms` whatever the speed (the step button while paused).
    pub fn step_by(&self, ms: u64) {
        {
            let mut live = self.lock();
            Self::catch_up(&mut live);
            match &mut live.running {
                Running::World(world) => world.step(ms),
                Running::Simulation(simulation) => simulation.step(ms as i64),
            }
        }
        self.changed.notify_waiters();
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
    }

    /// A future that resolves at the next change (a command ran or time moved). Create it *before*
    /// looking at the world, so a change in between is not missed.
    pub fn next_change(&self) -> Pin<Box<Notified<'_>>> {
        let mut notified = Box::pin(self.changed.notified());
        notified.as_mut().enable();
        notified
    }
}
