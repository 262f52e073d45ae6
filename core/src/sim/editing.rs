//! Changing a running simulation's simulators: add one, edit one, remove one. Each change is
//! checked as if it were written in the scenario file, so a saved scenario always opens again; an
//! edit that keeps a simulator's identity applies in place (its counters, positions and ledger
//! carry on), any other starts it afresh.

use super::consumer_app::ConsumerApp;
use super::producer::{Producer, ProducerSpec};
use super::scenario::{ConsumerSpec, Scenario, TimelineAction, TimelineEvent};
use super::simulation::{Simulation, consumer_seed, producer_seed};
use crate::streams::ops::consumers::{ConsumerAddress, DeregisterStreamConsumerInput};

/// Seeds of simulators added while running start after any scenario's own.
const ADDED_SEED_BASE: usize = 1 << 20;

impl Simulation {
    /// Adds a producer, or replaces the one called `replacing`; the answer says what happened.
    pub fn put_producer(
        &mut self,
        replacing: Option<&str>,
        spec: ProducerSpec,
    ) -> Result<String, String> {
        let index = replacing
            .map(|name| self.producer_index(name))
            .transpose()?;
        let candidate =
            self.checked_with(|s| &mut s.producers, index, replacing, &spec, &spec.name)?;
        let name = spec.name.clone();
        let message = match index {
            Some(i) => {
                let same = {
                    let old = self.producers[i].spec();
                    (&old.stream, &old.api) == (&spec.stream, &spec.api)
                };
                if same {
                    self.producers[i].set_spec(spec);
                    format!("Producer {name} runs with the new settings")
                } else {
                    let seed = self.next_added_seed(producer_seed);
                    let mut fresh = Producer::new(spec, seed, self.world.now_ms());
                    fresh.paused = self.producers[i].paused;
                    self.producers[i] = fresh;
                    format!("Producer {name} restarted: its stream or write API changed")
                }
            }
            None => {
                let seed = self.next_added_seed(producer_seed);
                let producer = Producer::new(spec, seed, self.world.now_ms());
                self.producers.push(producer);
                format!("Producer {name} added")
            }
        };
        self.scenario.timeline = candidate.timeline;
        Ok(message)
    }

    /// Adds a consumer application, or replaces the one called `replacing`.
    pub fn put_consumer(
        &mut self,
        replacing: Option<&str>,
        spec: ConsumerSpec,
    ) -> Result<String, String> {
        let index = replacing
            .map(|name| self.consumer_index(name))
            .transpose()?;
        let candidate =
            self.checked_with(|s| &mut s.consumers, index, replacing, &spec, spec.name())?;
        let name = spec.name().to_owned();
        let message = match index {
            Some(i) => {
                let (_, _, running) = &mut self.consumers[i];
                match running.respec(spec) {
                    Ok(()) => format!("{name} runs with the new settings"),
                    Err(spec) => {
                        let paused = running.is_paused();
                        let mut app = ConsumerApp::start(
                            *spec,
                            self.next_added_seed(consumer_seed),
                            self.seed,
                            self.world.now_ms(),
                        );
                        app.set_paused(paused);
                        self.consumers[i] = (name.clone(), app.kind(), app);
                        format!(
                            "{name} restarted from its starting position: its kind, stream, start \
                             or worker/lane count changed"
                        )
                    }
                }
            }
            None => {
                let app = ConsumerApp::start(
                    spec,
                    self.next_added_seed(consumer_seed),
                    self.seed,
                    self.world.now_ms(),
                );
                self.consumers.push((name.clone(), app.kind(), app));
                self.consumer_order = (0..self.consumers.len()).collect();
                format!("{name} added")
            }
        };
        self.scenario.timeline = candidate.timeline;
        Ok(message)
    }

    /// Removes a producer or consumer application, and the timeline events that name it. An
    /// enhanced fan-out application's registered consumer is deregistered with it.
    pub fn remove_simulator(&mut self, name: &str) -> Result<String, String> {
        if let Ok(i) = self.producer_index(name) {
            self.producers.remove(i);
        } else {
            let i = self.consumer_index(name)?;
            let (_, _, app) = self.consumers.remove(i);
            self.consumer_order = (0..self.consumers.len()).collect();
            if let ConsumerApp::FanOut(efo) = app {
                let stream_arn = self.world.stream_arn(efo.stream());
                // Already gone with its stream is as good as deregistered.
                let _ = self
                    .world
                    .apply(DeregisterStreamConsumerInput(ConsumerAddress {
                        stream_arn: Some(stream_arn),
                        consumer_name: Some(name.to_owned()),
                        consumer_arn: None,
                    }));
            }
        }
        let fired = self.scenario.timeline[..self.next_event]
            .iter()
            .filter(|e| names(&e.action) == Some(name))
            .count();
        self.scenario
            .timeline
            .retain(|e| names(&e.action) != Some(name));
        self.next_event -= fired;
        Ok(format!("{name} removed"))
    }

    /// The running scenario with `spec` at `index` of one of its lists (or added), the timeline
    /// following a rename, checked as a scenario file is.
    fn checked_with<T: Clone>(
        &self,
        list: fn(&mut Scenario) -> &mut Vec<T>,
        index: Option<usize>,
        replacing: Option<&str>,
        spec: &T,
        name: &str,
    ) -> Result<Scenario, String> {
        let mut candidate = self.current_scenario();
        match index {
            Some(i) => list(&mut candidate)[i] = spec.clone(),
            None => list(&mut candidate).push(spec.clone()),
        }
        if let Some(old) = replacing {
            rename_references(&mut candidate.timeline, old, name);
        }
        candidate.validate().map_err(|e| e.to_string())?;
        Ok(candidate)
    }

    fn producer_index(&self, name: &str) -> Result<usize, String> {
        self.producers
            .iter()
            .position(|p| p.spec().name == name)
            .ok_or_else(|| format!("there is no producer {name:?}"))
    }

    fn consumer_index(&self, name: &str) -> Result<usize, String> {
        self.consumers
            .iter()
            .position(|(n, _, _)| n == name)
            .ok_or_else(|| format!("there is no producer or consumer application {name:?}"))
    }

    fn next_added_seed(&mut self, seed_of: fn(u64, usize) -> u64) -> u64 {
        self.added += 1;
        seed_of(self.seed, ADDED_SEED_BASE + self.added)
    }
}

/// The simulator a timeline action names, if it names one.
fn names(action: &TimelineAction) -> Option<&str> {
    match action {
        TimelineAction::SetRate { producer: name, .. }
        | TimelineAction::Pause { name }
        | TimelineAction::Resume { name }
        | TimelineAction::KillWorker { consumer: name, .. }
        | TimelineAction::AddWorker { consumer: name } => Some(name),
        _ => None,
    }
}

fn rename_references(timeline: &mut [TimelineEvent], old: &str, new: &str) {
    for event in timeline {
        if let TimelineAction::SetRate { producer: name, .. }
        | TimelineAction::Pause { name }
        | TimelineAction::Resume { name }
        | TimelineAction::KillWorker { consumer: name, .. }
        | TimelineAction::AddWorker { consumer: name } = &mut event.action
            && name == old
        {
            *name = new.to_owned();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Scenario;
    use crate::streams::ops::consumers::ListStreamConsumersInput;

    const SCENARIO: &str = r#"{
        "name": "t", "description": "d", "duration_seconds": 60,
        "streams": [{"name": "s", "shards": 2}, {"name": "other", "shards": 1}],
        "producers": [{"name": "p", "stream": "s", "rate": {"kind": "constant", "per_second": 100},
                       "keys": {"kind": "uniform", "keys": 50}}],
        "consumers": [{"kind": "polling", "name": "c", "stream": "s", "start": "TRIM_HORIZON"},
                      {"kind": "efo", "name": "e", "stream": "s"}],
        "timeline": [{"at_seconds": 1, "action": {"kind": "pause", "name": "p"}},
                     {"at_seconds": 2, "action": {"kind": "resume", "name": "p"}},
                     {"at_seconds": 30, "action": {"kind": "set_rate", "producer": "p",
                      "rate": {"kind": "constant", "per_second": 5}}}]
    }"#;

    fn running() -> Simulation {
        let mut sim = Simulation::new(Scenario::from_json(SCENARIO).unwrap(), 7);
        sim.step(5_000);
        sim
    }

    fn producer(json: &str) -> ProducerSpec {
        serde_json::from_str(json).unwrap()
    }

    fn consumer(json: &str) -> ConsumerSpec {
        serde_json::from_str(json).unwrap()
    }

    fn reopens(sim: &Simulation) -> Scenario {
        let saved = serde_json::to_string(&sim.current_scenario()).unwrap();
        Scenario::from_json(&saved).expect("the saved scenario opens again")
    }

    #[test]
    fn an_added_producer_writes_and_is_saved_with_the_scenario() {
        let mut sim = running();
        let spec = producer(
            r#"{"name": "q", "stream": "other", "rate": {"kind": "constant", "per_second": 10},
                "keys": {"kind": "uniform", "keys": 3}}"#,
        );
        assert_eq!(sim.put_producer(None, spec).unwrap(), "Producer q added");
        sim.step(10_000);
        let added = &sim.producers()[1];
        assert!(
            added.stats().records_acknowledged >= 95,
            "{:?}",
            added.stats()
        );
        assert_eq!(reopens(&sim).producers.len(), 2);
    }

    #[test]
    fn a_rate_edit_applies_in_place_and_a_stream_edit_restarts() {
        let mut sim = running();
        let before = sim.producers()[0].stats().records_sent;
        let mut spec = sim.producers()[0].spec().clone();
        spec.jitter = 0.5;
        assert!(
            sim.put_producer(Some("p"), spec.clone())
                .unwrap()
                .contains("new settings")
        );
        assert!(
            sim.producers()[0].stats().records_sent >= before,
            "counters kept"
        );
        spec.stream = "other".into();
        assert!(
            sim.put_producer(Some("p"), spec)
                .unwrap()
                .contains("restarted")
        );
        assert_eq!(sim.producers()[0].stats().records_sent, 0);
        sim.step(1_000);
        assert!(sim.producers()[0].stats().records_acknowledged > 0);
    }

    #[test]
    fn a_renamed_producer_keeps_its_timeline_events() {
        let mut sim = running();
        let mut spec = sim.producers()[0].spec().clone();
        spec.name = "renamed".into();
        sim.put_producer(Some("p"), spec).unwrap();
        let saved = reopens(&sim);
        assert!(
            saved
                .timeline
                .iter()
                .all(|e| names(&e.action) == Some("renamed"))
        );
        sim.step(30_000);
        assert_eq!(
            sim.producers()[0].spec().rate,
            crate::sim::rate::RateSchedule::Constant { per_second: 5.0 },
            "the event at 30 s still reaches it"
        );
    }

    #[test]
    fn a_bad_edit_is_refused_with_the_scenario_message_and_changes_nothing() {
        let mut sim = running();
        let before = sim.current_scenario();
        let clash = consumer(r#"{"kind": "polling", "name": "p", "stream": "s"}"#);
        assert_eq!(
            sim.put_consumer(None, clash).unwrap_err(),
            "the name \"p\" is used twice"
        );
        let nowhere = consumer(r#"{"kind": "kcl", "name": "k", "stream": "missing"}"#);
        assert!(
            sim.put_consumer(None, nowhere)
                .unwrap_err()
                .contains("stream \"missing\" is not declared")
        );
        let slow =
            consumer(r#"{"kind": "polling", "name": "c", "stream": "s", "poll_interval_ms": -1}"#);
        assert!(sim.put_consumer(Some("c"), slow).is_err());
        assert!(
            sim.put_consumer(
                Some("nobody"),
                consumer(r#"{"kind": "efo", "name": "x", "stream": "s"}"#)
            )
            .is_err()
        );
        assert_eq!(sim.current_scenario(), before);
    }

    #[test]
    fn a_consumer_edit_keeps_its_place_unless_its_start_changes() {
        let mut sim = running();
        let read = sim.consumers()[0].2.stats().records_processed;
        assert!(read > 0);
        let faster = consumer(
            r#"{"kind": "polling", "name": "c", "stream": "s", "start": "TRIM_HORIZON", "poll_interval_ms": 500}"#,
        );
        sim.put_consumer(Some("c"), faster.clone()).unwrap();
        assert_eq!(sim.consumers()[0].2.spec(), faster);
        assert!(sim.consumers()[0].2.stats().records_processed >= read);
        let latest =
            consumer(r#"{"kind": "polling", "name": "c", "stream": "s", "start": "LATEST"}"#);
        assert!(
            sim.put_consumer(Some("c"), latest)
                .unwrap()
                .contains("restarted")
        );
        assert_eq!(sim.consumers()[0].2.stats().records_processed, 0);
        sim.step(5_000);
        let checks = sim.checks();
        assert!(checks.iter().all(|c| c.ok), "{checks:?}");
    }

    #[test]
    fn removing_a_simulator_drops_its_events_and_an_efo_registration() {
        let mut sim = running();
        sim.remove_simulator("p").unwrap();
        sim.remove_simulator("e").unwrap();
        assert!(sim.producers().is_empty());
        assert_eq!(sim.consumers().len(), 1);
        assert!(reopens(&sim).timeline.is_empty());
        sim.step(60_000);
        let stream_arn = sim.world().stream_arn("s");
        let listed = sim
            .world_mut()
            .apply(ListStreamConsumersInput {
                stream_arn: Some(stream_arn),
                ..Default::default()
            })
            .unwrap();
        assert!(listed.consumers.is_empty(), "{listed:?}");
        assert!(sim.remove_simulator("p").is_err());
    }

    #[test]
    fn an_efo_application_added_again_under_its_name_reuses_the_registration() {
        let mut sim = running();
        let mut spec = consumer(r#"{"kind": "efo", "name": "e", "stream": "s"}"#);
        if let ConsumerSpec::Efo(s) = &mut spec {
            s.name = "e2".into();
        }
        sim.put_consumer(Some("e"), spec).unwrap();
        sim.put_consumer(
            Some("e2"),
            consumer(r#"{"kind": "efo", "name": "e", "stream": "s"}"#),
        )
        .unwrap();
        // A new subscription within 5 s of the last one is refused; the application retries.
        sim.step(15_000);
        assert!(sim.consumers()[1].2.stats().records_processed > 0);
    }
}
