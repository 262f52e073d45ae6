//! Scenario files (`assets/scenarios/*.json`): streams, producers, consumers, a seed, a duration and a
//! timeline of events at virtual times. Unknown fields are errors with the field's path; bad values
//! name the field, the value and the allowed range.

use super::fanout::FanOutSpec;
use super::kcl::KclSpec;
use super::lambda::LambdaSpec;
use super::polling::PollingSpec;
use super::producer::ProducerSpec;
use super::rate::RateSchedule;
use crate::firehose::ops::lifecycle::CreateDeliveryStreamInput;
use crate::settings::{AccountOverrides, Settings};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A stream a scenario creates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamSpec {
    /// Stream name.
    pub name: String,
    /// `provisioned` (default) or `on_demand`.
    #[serde(default)]
    pub mode: ScenarioStreamMode,
    /// Shards of a provisioned stream.
    #[serde(default = "one")]
    pub shards: u32,
    /// Retention, 24–8760 hours.
    #[serde(default = "day")]
    pub retention_hours: u32,
}

fn one() -> u32 {
    1
}

fn day() -> u32 {
    24
}

/// Capacity mode in scenario files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ScenarioStreamMode {
    /// Fixed shards.
    #[default]
    Provisioned,
    /// Scales itself.
    OnDemand,
}

/// A consumer application in a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConsumerSpec {
    /// GetRecords over shared throughput.
    Polling(PollingSpec),
    /// Enhanced fan-out.
    Efo(FanOutSpec),
    /// A KCL application: workers sharing a lease table.
    Kcl(KclSpec),
    /// A Lambda trigger (event source mapping).
    Lambda(LambdaSpec),
}

impl ConsumerSpec {
    /// The application's name.
    pub fn name(&self) -> &str {
        match self {
            ConsumerSpec::Polling(s) => &s.name,
            ConsumerSpec::Efo(s) => &s.name,
            ConsumerSpec::Kcl(s) => &s.name,
            ConsumerSpec::Lambda(s) => &s.name,
        }
    }

    /// The stream it reads.
    pub fn stream(&self) -> &str {
        match self {
            ConsumerSpec::Polling(s) => &s.stream,
            ConsumerSpec::Efo(s) => &s.stream,
            ConsumerSpec::Kcl(s) => &s.stream,
            ConsumerSpec::Lambda(s) => &s.stream,
        }
    }

    /// Checks every value; the error names the consumer, the field and the allowed range.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            ConsumerSpec::Polling(s) => s.validate(),
            ConsumerSpec::Efo(s) => s
                .processing
                .validate()
                .map_err(|e| format!("consumer {:?}: {e}", s.name)),
            ConsumerSpec::Kcl(s) => s.validate(),
            ConsumerSpec::Lambda(s) => s.validate(),
        }
    }
}

/// Something that happens at a virtual time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TimelineAction {
    /// Change a producer's rate schedule.
    SetRate {
        producer: String,
        rate: RateSchedule,
    },
    /// Split a shard at its midpoint.
    SplitShard { stream: String, shard: String },
    /// Merge a shard with the one after it.
    MergeShards {
        stream: String,
        shard: String,
        adjacent: String,
    },
    /// UpdateShardCount with UNIFORM_SCALING.
    UpdateShardCount { stream: String, target: u32 },
    /// Switch capacity mode.
    SetCapacityMode {
        stream: String,
        mode: ScenarioStreamMode,
    },
    /// Pause a producer or consumer.
    Pause { name: String },
    /// Resume a producer or consumer.
    Resume { name: String },
    /// Kill a worker of a KCL application (by id, e.g. "worker-1", or else the busiest): it stops
    /// without checkpointing and its leases fail over.
    KillWorker {
        consumer: String,
        #[serde(default)]
        worker: Option<String>,
    },
    /// Start one more worker in a KCL application.
    AddWorker { consumer: String },
    /// Deliver what a Firehose delivery stream's buffer holds now ("Flush now").
    Flush { firehose: String },
}

/// A timeline entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineEvent {
    /// Seconds of virtual time after the start.
    pub at_seconds: f64,
    /// What happens.
    pub action: TimelineAction,
}

/// A whole scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name.
    pub name: String,
    /// One paragraph on what the scenario teaches.
    pub description: String,
    /// Seed of every random choice.
    #[serde(default)]
    pub seed: u64,
    /// How long it runs, virtual seconds.
    pub duration_seconds: f64,
    /// Streams it creates.
    pub streams: Vec<StreamSpec>,
    /// Producers.
    #[serde(default)]
    pub producers: Vec<ProducerSpec>,
    /// Consumer applications.
    #[serde(default)]
    pub consumers: Vec<ConsumerSpec>,
    /// Firehose delivery streams, each as CreateDeliveryStream takes it (the API's field names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub firehoses: Vec<CreateDeliveryStreamInput>,
    /// The Glue Data Catalog the scenario starts with (format conversion reads its tables).
    #[serde(default, skip_serializing_if = "super::glue_spec::GlueSpec::is_empty")]
    pub glue: super::glue_spec::GlueSpec,
    /// Lambda functions Firehose processors call, by name: `http://…` or `builtin:…` (the
    /// command line's `--lambda` takes precedence).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub lambdas: std::collections::BTreeMap<String, String>,
    /// Kinesis video streams, each as CreateStream takes it (the API's field names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub video_streams: Vec<crate::video::ops::lifecycle::CreateStreamInput>,
    /// Simulated cameras sending into them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cameras: Vec<super::camera_spec::CameraSpec>,
    /// Stream analytics applications, started when the scenario starts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub analytics: Vec<super::analytics_spec::AnalyticsSpec>,
    /// Timeline events.
    #[serde(default)]
    pub timeline: Vec<TimelineEvent>,
    /// The emulated account: region, shard quota, throttle mode (AWS's defaults when absent).
    #[serde(default, skip_serializing_if = "AccountOverrides::is_empty")]
    pub settings: AccountOverrides,
}

/// Parses one part of a scenario (a producer, a consumer, ...) as the file format has it; the
/// error names the path of the field at fault. Values are checked when the part joins a scenario.
pub fn parse_part<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ScenarioError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        ScenarioError::Format(if path == "." {
            e.inner().to_string()
        } else {
            format!("{path}: {}", e.inner())
        })
    })
}

/// Why a scenario cannot run.
#[derive(Debug, Error, PartialEq)]
pub enum ScenarioError {
    /// The file is not valid JSON for the format (the message names the path).
    #[error("{0}")]
    Format(String),
    /// A value is out of range or refers to something undeclared.
    #[error("{0}")]
    Invalid(String),
}

impl Scenario {
    /// Parses and validates a scenario.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = parse_part(text)?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Checks every value and reference, as [`Scenario::from_json`] does.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let invalid = |m: String| Err(ScenarioError::Invalid(m));
        if !(self.duration_seconds.is_finite() && self.duration_seconds > 0.0) {
            return invalid(format!(
                "duration_seconds = {} must be > 0",
                self.duration_seconds
            ));
        }
        self.settings.validate().map_err(ScenarioError::Invalid)?;
        let streams: Vec<&str> = self.streams.iter().map(|s| s.name.as_str()).collect();
        // The scenario's own account quota (its region's default, or settings.shard_limit).
        let quota = self.settings.apply_to(Settings::default()).shard_limit;
        for s in &self.streams {
            if s.mode == ScenarioStreamMode::Provisioned && !(1..=quota).contains(&s.shards) {
                return invalid(format!(
                    "streams[{:?}].shards = {} must be between 1 and {quota} (the account's shard quota; settings.shard_limit sets it)",
                    s.name, s.shards
                ));
            }
            if !(24..=8_760).contains(&s.retention_hours) {
                return invalid(format!(
                    "streams[{:?}].retention_hours = {} must be between 24 and 8760",
                    s.name, s.retention_hours
                ));
            }
        }
        crate::firehose::functions::Functions::from_map(&self.lambdas)
            .map_err(|e| ScenarioError::Invalid(format!("lambdas: {e}")))?;
        let firehoses = super::firehose_spec::validate(self).map_err(ScenarioError::Invalid)?;
        let mut names = Vec::new();
        for p in &self.producers {
            p.validate().map_err(ScenarioError::Invalid)?;
            if let Some(firehose) = &p.firehose {
                if !firehoses.contains(&firehose.as_str()) {
                    return invalid(format!(
                        "producer {:?}: firehose {firehose:?} is not declared in firehoses",
                        p.name
                    ));
                }
            } else if !streams.contains(&p.stream.as_str()) {
                return invalid(format!(
                    "producer {:?}: stream {:?} is not declared in streams",
                    p.name, p.stream
                ));
            }
            names.push(p.name.as_str());
        }
        for c in &self.consumers {
            c.validate().map_err(ScenarioError::Invalid)?;
            let stream = c.stream();
            if !streams.contains(&stream) {
                return invalid(format!(
                    "consumer {:?}: stream {stream:?} is not declared in streams",
                    c.name()
                ));
            }
            if let ConsumerSpec::Lambda(l) = c
                && let Some(destination) = &l.on_failure_stream
                && !streams.contains(&destination.as_str())
            {
                return invalid(format!(
                    "consumer {:?}: on_failure_stream {destination:?} is not declared in streams",
                    c.name()
                ));
            }
            names.push(c.name());
        }
        super::camera_spec::validate(self).map_err(ScenarioError::Invalid)?;
        super::analytics_spec::validate(self).map_err(ScenarioError::Invalid)?;
        names.extend(self.cameras.iter().map(|c| c.name.as_str()));
        let mut sorted = names.clone();
        sorted.sort_unstable();
        if let Some(pair) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return invalid(format!("the name {:?} is used twice", pair[0]));
        }
        for (i, event) in self.timeline.iter().enumerate() {
            if !(event.at_seconds.is_finite() && event.at_seconds >= 0.0) {
                return invalid(format!(
                    "timeline[{i}].at_seconds = {} must be ≥ 0",
                    event.at_seconds
                ));
            }
            let known = match &event.action {
                TimelineAction::SetRate { producer, rate } => {
                    rate.validate().map_err(|e| {
                        ScenarioError::Invalid(format!("timeline[{i}].action.rate.{e}"))
                    })?;
                    names.contains(&producer.as_str())
                }
                TimelineAction::Pause { name } | TimelineAction::Resume { name } => {
                    names.contains(&name.as_str())
                }
                TimelineAction::KillWorker { consumer, .. }
                | TimelineAction::AddWorker { consumer } => self
                    .consumers
                    .iter()
                    .any(|c| matches!(c, ConsumerSpec::Kcl(k) if &k.name == consumer)),
                TimelineAction::SplitShard { stream, .. }
                | TimelineAction::MergeShards { stream, .. }
                | TimelineAction::UpdateShardCount { stream, .. }
                | TimelineAction::SetCapacityMode { stream, .. } => {
                    streams.contains(&stream.as_str())
                }
                TimelineAction::Flush { firehose } => firehoses.contains(&firehose.as_str()),
            };
            if !known {
                let needs = match &event.action {
                    TimelineAction::KillWorker { .. } | TimelineAction::AddWorker { .. } => {
                        " (kill_worker and add_worker name a consumer of kind kcl)"
                    }
                    _ => "",
                };
                return invalid(format!(
                    "timeline[{i}].action refers to something not declared in the scenario{needs}"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
        "name": "t", "description": "d", "duration_seconds": 10,
        "streams": [{"name": "s", "shards": 2}],
        "producers": [{"name": "p", "stream": "s", "rate": {"kind": "constant", "per_second": 10}, "keys": {"kind": "uniform", "keys": 5}}],
        "consumers": [{"kind": "polling", "name": "c", "stream": "s"}]
    }"#;

    #[test]
    fn a_minimal_scenario_parses_with_defaults() {
        let s = Scenario::from_json(MINIMAL).unwrap();
        assert_eq!(s.streams[0].retention_hours, 24);
        assert_eq!(s.consumers[0].name(), "c");
    }

    #[test]
    fn an_unknown_field_is_named_with_its_path() {
        let text = MINIMAL.replace(r#""keys": 5}"#, r#""keys": 5, "colour": "red"}"#);
        let err = Scenario::from_json(&text).unwrap_err().to_string();
        assert!(
            err.starts_with("producers[0].keys: unknown field `colour`"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_value_names_the_field_the_value_and_the_range() {
        let text = MINIMAL.replace(r#""shards": 2"#, r#""shards": 0"#);
        assert_eq!(
            Scenario::from_json(&text).unwrap_err().to_string(),
            "streams[\"s\"].shards = 0 must be between 1 and 500 (the account's shard quota; settings.shard_limit sets it)"
        );
        let text = MINIMAL.replace(r#""shards": 2"#, r#""shards": 501"#);
        assert!(
            Scenario::from_json(&text).is_err(),
            "over us-east-1's quota of 500"
        );
        let text = text.replace(
            r#""duration_seconds": 10,"#,
            r#""duration_seconds": 10, "settings": {"shard_limit": 2000},"#,
        );
        assert!(
            Scenario::from_json(&text).is_ok(),
            "the scenario raised its quota"
        );
        let text = MINIMAL
            .replace(r#""shards": 2"#, r#""shards": 201"#)
            .replace(
                r#""duration_seconds": 10,"#,
                r#""duration_seconds": 10, "settings": {"region": "ap-south-1"},"#,
            );
        assert!(
            Scenario::from_json(&text).is_err(),
            "over ap-south-1's quota of 200"
        );
        let text = MINIMAL.replace(r#""per_second": 10"#, r#""per_second": -3"#);
        assert_eq!(
            Scenario::from_json(&text).unwrap_err().to_string(),
            "producer \"p\": rate.per_second = -3 must be a number ≥ 0"
        );
        let text = MINIMAL.replace(r#""stream": "s", "rate""#, r#""stream": "nope", "rate""#);
        assert!(
            Scenario::from_json(&text)
                .unwrap_err()
                .to_string()
                .contains("stream \"nope\" is not declared")
        );
    }
}
