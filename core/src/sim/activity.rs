//! What the simulators do that the engine cannot see, as events beside the engine's own: KCL
//! leases changing hands (taken, stolen for balance, failed over from a dead worker), workers
//! killed and added, an application's invariant breaking.

use super::consumer_app::ConsumerApp;
use crate::streams::shapes::ShardId;
use crate::world::World;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// Events kept (the oldest go first).
const KEPT: usize = 2_000;

/// One simulator event.
#[derive(Debug, Clone, PartialEq)]
pub struct SimEvent {
    /// Virtual time, epoch milliseconds.
    pub at_ms: i64,
    /// LeaseTaken, LeaseStolen, Failover, WorkerKilled, WorkerAdded or InvariantBroken.
    pub kind: &'static str,
    /// The stream the application reads.
    pub stream: String,
    pub detail: String,
}

/// The simulators' event log, and what it compares against to notice changes.
#[derive(Debug, Default, Clone)]
pub struct Activity {
    events: VecDeque<SimEvent>,
    owners: HashMap<String, BTreeMap<ShardId, Option<String>>>,
    broken: BTreeSet<String>,
    next_check_ms: i64,
}

impl Activity {
    /// Events, oldest first.
    pub fn events(&self) -> impl DoubleEndedIterator<Item = &SimEvent> {
        self.events.iter()
    }

    /// Logs an event.
    pub fn push(&mut self, at_ms: i64, kind: &'static str, stream: &str, detail: String) {
        if self.events.len() == KEPT {
            self.events.pop_front();
        }
        self.events.push_back(SimEvent {
            at_ms,
            kind,
            stream: stream.to_owned(),
            detail,
        });
    }

    /// Notices lease moves (every tick) and broken invariants (once a virtual second).
    pub(super) fn observe(
        &mut self,
        world: &World,
        consumers: &[(String, &'static str, ConsumerApp)],
    ) {
        let now = world.now_ms();
        for (name, _, app) in consumers {
            if let ConsumerApp::Kcl(kcl) = app {
                let known = self.owners.entry(name.clone()).or_default();
                let mut moves = Vec::new();
                for lease in kcl.leases() {
                    let before = known.insert(lease.lease_key, lease.lease_owner.clone());
                    let before = before.flatten();
                    if before == lease.lease_owner {
                        continue;
                    }
                    let Some(owner) = &lease.lease_owner else {
                        continue;
                    };
                    let dead = |id: &str| kcl.workers().iter().any(|w| w.id == id && !w.alive);
                    let (kind, detail) = match &before {
                        None => (
                            "LeaseTaken",
                            format!("{name}: {owner} took {}", lease.lease_key),
                        ),
                        Some(old) if dead(old) => (
                            "Failover",
                            format!(
                                "{name}: {} failed over from {old} (killed) to {owner}, restarting after checkpoint {}",
                                lease.lease_key, lease.checkpoint
                            ),
                        ),
                        Some(old) => (
                            "LeaseStolen",
                            format!(
                                "{name}: {owner} took {} from {old} to balance the workers",
                                lease.lease_key
                            ),
                        ),
                    };
                    moves.push((kind, detail));
                }
                for (kind, detail) in moves {
                    self.push(now, kind, kcl.stream(), detail);
                }
            }
        }
        if now < self.next_check_ms {
            return;
        }
        self.next_check_ms = now + 1_000;
        for (name, _, app) in consumers {
            if self.broken.contains(name) {
                continue;
            }
            if let Some(failed) = app.checks(world).into_iter().find(|c| !c.ok) {
                self.broken.insert(name.clone());
                self.push(
                    now,
                    "InvariantBroken",
                    app.stream(),
                    format!("{name}: {}: {}", failed.name, failed.detail),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::scenario::Scenario;
    use crate::sim::simulation::Simulation;

    fn kinds(sim: &Simulation) -> Vec<&'static str> {
        sim.activity().events().map(|e| e.kind).collect()
    }

    #[test]
    fn a_kill_a_failover_and_a_steal_are_logged_in_order() {
        let text = include_str!("../../../assets/scenarios/kcl-failover-duplicates.json");
        let mut sim = Simulation::new(Scenario::from_json(text).unwrap(), 1);
        sim.step(5_000);
        assert_eq!(
            kinds(&sim),
            ["LeaseTaken"; 4],
            "two workers take two leases each"
        );
        sim.step(60_000);
        let events: Vec<_> = sim.activity().events().collect();
        let killed = events
            .iter()
            .position(|e| e.kind == "WorkerKilled")
            .unwrap();
        let failovers: Vec<_> = events.iter().filter(|e| e.kind == "Failover").collect();
        assert_eq!(failovers.len(), 2, "{events:?}");
        assert!(
            failovers
                .iter()
                .all(|e| e.detail.contains("from worker-1 (killed) to worker-2"))
        );
        assert!(events.iter().position(|e| e.kind == "Failover").unwrap() > killed);
        // Failover comes after failoverTimeMillis (10 s) from the kill at 40 s.
        assert!(failovers[0].at_ms - events[killed].at_ms >= 10_000);
        sim.step(40_000);
        assert!(kinds(&sim).contains(&"WorkerAdded"));
        assert!(kinds(&sim).contains(&"LeaseStolen"), "{:?}", kinds(&sim));
        assert!(!kinds(&sim).contains(&"InvariantBroken"));
    }

    #[test]
    fn a_broken_invariant_is_logged_once() {
        // A KCL application starting at LATEST that never checkpoints loses records after a kill.
        let text = r#"{
            "name": "latest-without-checkpoints", "description": "d", "seed": 77, "duration_seconds": 60,
            "streams": [{"name": "s", "shards": 2}],
            "producers": [{"name": "p", "stream": "s", "rate": {"kind": "constant", "per_second": 200},
                           "keys": {"kind": "uniform", "keys": 100}}],
            "consumers": [{"kind": "kcl", "name": "ledger-app", "stream": "s", "workers": 2,
                           "start": "LATEST", "checkpoint_every_records": 0}],
            "timeline": [{"at_seconds": 20, "action": {"kind": "kill_worker", "consumer": "ledger-app"}}]
        }"#;
        let mut sim = Simulation::new(Scenario::from_json(text).unwrap(), 77);
        sim.step(60_000);
        let broken: Vec<_> = sim
            .activity()
            .events()
            .filter(|e| e.kind == "InvariantBroken")
            .collect();
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(broken[0].detail.starts_with("ledger-app: "), "{broken:?}");
    }
}
