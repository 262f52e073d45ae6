//! A consumer application of any kind, as the simulation runs it: started from its scenario spec,
//! ticked, paused, and given new settings while it runs.

use super::fanout::FanOutConsumer;
use super::kcl::KclConsumer;
use super::lambda::LambdaConsumer;
use super::ledger::Check;
use super::polling::{ConsumerStats, PollingConsumer};
use super::scenario::ConsumerSpec;
use crate::world::World;

/// A consumer application of either kind.
#[derive(Debug, Clone)]
pub enum ConsumerApp {
    /// Shared-throughput polling.
    Polling(PollingConsumer),
    /// Enhanced fan-out.
    FanOut(FanOutConsumer),
    /// KCL workers sharing leases.
    Kcl(KclConsumer),
    /// A Lambda trigger.
    Lambda(LambdaConsumer),
}

impl ConsumerApp {
    /// Its counters.
    pub fn stats(&self) -> ConsumerStats {
        match self {
            ConsumerApp::Polling(c) => c.stats(),
            ConsumerApp::FanOut(c) => c.stats(),
            ConsumerApp::Kcl(c) => c.stats(),
            ConsumerApp::Lambda(c) => c.stats(),
        }
    }

    /// The stream it reads.
    pub fn stream(&self) -> &str {
        match self {
            ConsumerApp::Polling(c) => c.stream(),
            ConsumerApp::FanOut(c) => c.stream(),
            ConsumerApp::Kcl(c) => c.stream(),
            ConsumerApp::Lambda(c) => c.stream(),
        }
    }

    /// Whether it is paused.
    pub fn is_paused(&self) -> bool {
        match self {
            ConsumerApp::Polling(c) => c.paused,
            ConsumerApp::FanOut(c) => c.paused,
            ConsumerApp::Kcl(c) => c.paused,
            ConsumerApp::Lambda(c) => c.paused,
        }
    }

    /// Its invariant checks so far.
    pub fn checks(&self, world: &World) -> Vec<Check> {
        match self {
            ConsumerApp::Polling(c) => c.checks(world),
            ConsumerApp::FanOut(c) => c.checks(world),
            ConsumerApp::Kcl(c) => c.checks(world),
            ConsumerApp::Lambda(c) => c.checks(world),
        }
    }

    pub(super) fn tick(&mut self, world: &mut World) {
        match self {
            ConsumerApp::Polling(c) => c.tick(world),
            ConsumerApp::FanOut(c) => c.tick(world),
            ConsumerApp::Kcl(c) => c.tick(world),
            ConsumerApp::Lambda(c) => c.tick(world),
        }
    }

    pub(super) fn set_paused(&mut self, paused: bool) {
        match self {
            ConsumerApp::Polling(c) => c.paused = paused,
            ConsumerApp::FanOut(c) => c.paused = paused,
            ConsumerApp::Kcl(c) => c.paused = paused,
            ConsumerApp::Lambda(c) => c.paused = paused,
        }
    }
}

impl ConsumerApp {
    /// Starts the application a spec describes. `seed` drives its own random choices; `run_seed`
    /// is the run's, named in invariant failure messages; `now_ms` anchors AT_TIMESTAMP starts.
    pub fn start(spec: ConsumerSpec, seed: u64, run_seed: u64, now_ms: i64) -> Self {
        match spec {
            ConsumerSpec::Polling(s) => ConsumerApp::Polling(
                PollingConsumer::new(s, seed)
                    .with_run_seed(run_seed)
                    .with_origin(now_ms),
            ),
            ConsumerSpec::Efo(s) => {
                ConsumerApp::FanOut(FanOutConsumer::new(s, seed).with_run_seed(run_seed))
            }
            ConsumerSpec::Kcl(s) => {
                ConsumerApp::Kcl(KclConsumer::new(s, seed).with_run_seed(run_seed))
            }
            ConsumerSpec::Lambda(s) => {
                ConsumerApp::Lambda(LambdaConsumer::new(s, seed).with_run_seed(run_seed))
            }
        }
    }

    /// Its kind as scenario files spell it.
    pub fn kind(&self) -> &'static str {
        match self {
            ConsumerApp::Polling(_) => "polling",
            ConsumerApp::FanOut(_) => "efo",
            ConsumerApp::Kcl(_) => "kcl",
            ConsumerApp::Lambda(_) => "lambda",
        }
    }

    /// The settings it runs with, in scenario form.
    pub fn spec(&self) -> ConsumerSpec {
        match self {
            ConsumerApp::Polling(c) => ConsumerSpec::Polling(c.spec().clone()),
            ConsumerApp::FanOut(c) => ConsumerSpec::Efo(c.spec().clone()),
            ConsumerApp::Kcl(c) => ConsumerSpec::Kcl(c.spec().clone()),
            ConsumerApp::Lambda(c) => ConsumerSpec::Lambda(c.spec().clone()),
        }
    }

    /// Takes new settings in place, keeping its positions, ledger and counters, when it stays the
    /// same application: same kind, name, stream and starting position (and, for KCL, the same
    /// number of workers; for Lambda, the same parallelization factor, whose lanes hold queued
    /// records). Otherwise hands the spec back: it has to be started afresh.
    pub fn respec(&mut self, spec: ConsumerSpec) -> Result<(), Box<ConsumerSpec>> {
        match (self, spec) {
            (ConsumerApp::Polling(c), ConsumerSpec::Polling(s))
                if (
                    &s.name,
                    &s.stream,
                    &s.start,
                    s.start_at_seconds,
                    &s.start_sequence_number,
                ) == (
                    &c.spec().name,
                    &c.spec().stream,
                    &c.spec().start,
                    c.spec().start_at_seconds,
                    &c.spec().start_sequence_number,
                ) =>
            {
                c.set_spec(s);
                Ok(())
            }
            (ConsumerApp::FanOut(c), ConsumerSpec::Efo(s))
                if (&s.name, &s.stream) == (&c.spec().name, &c.spec().stream) =>
            {
                c.set_spec(s);
                Ok(())
            }
            (ConsumerApp::Kcl(c), ConsumerSpec::Kcl(s))
                if (&s.name, &s.stream, &s.start, s.workers)
                    == (
                        &c.spec().name,
                        &c.spec().stream,
                        &c.spec().start,
                        c.spec().workers,
                    ) =>
            {
                c.set_spec(s);
                Ok(())
            }
            (ConsumerApp::Lambda(c), ConsumerSpec::Lambda(s))
                if (&s.name, &s.stream, &s.start, s.parallelization_factor)
                    == (
                        &c.spec().name,
                        &c.spec().stream,
                        &c.spec().start,
                        c.spec().parallelization_factor,
                    ) =>
            {
                c.set_spec(s);
                Ok(())
            }
            (_, spec) => Err(Box::new(spec)),
        }
    }
}
