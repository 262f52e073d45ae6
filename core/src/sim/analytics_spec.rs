//! The `analytics` of a scenario: applications as CreateApplication takes them (the API's field
//! names), started when the scenario starts. Resources may be named rather than given by ARN
//! (`"ResourceARN": "NAME"` for a stream or delivery stream), roles may be left out, an input's
//! NamePrefix defaults to `SOURCE_SQL_STREAM` and an output's format to JSON. Each is checked when
//! the scenario loads by creating and starting it in a scratch world with the scenario's streams
//! and delivery streams, so bad SQL or a bad schema is refused with AWS's own error.

use super::scenario::Scenario;
use crate::analytics::ops::lifecycle::{
    CreateApplicationInput, InputConfiguration, StartApplicationInput,
};
use crate::analytics::shapes::{
    DestinationSchema, InputStartingPositionConfiguration, ResourceRole,
};
use crate::settings::Settings;
use crate::streams::ops::lifecycle::CreateStreamInput;
use crate::world::World;
use serde::{Deserialize, Serialize};

/// ANOMALY_SCORE above which a row is reported as an anomaly unless a spec says otherwise.
pub const DEFAULT_ANOMALY_THRESHOLD: f64 = 2.0;

fn now() -> Option<String> {
    Some("NOW".into())
}

fn default_threshold() -> f64 {
    DEFAULT_ANOMALY_THRESHOLD
}

/// One application of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyticsSpec {
    /// CreateApplication's input.
    pub application: CreateApplicationInput,
    /// Where it starts reading (`NOW` or `TRIM_HORIZON`) when the scenario starts; `null` leaves
    /// it READY.
    #[serde(default = "now")]
    pub start: Option<String>,
    /// ANOMALY_SCORE above which a row counts as an anomaly in the report.
    #[serde(default = "default_threshold")]
    pub anomaly_threshold: f64,
}

impl AnalyticsSpec {
    pub fn name(&self) -> &str {
        self.application
            .application_name
            .as_deref()
            .unwrap_or_default()
    }

    /// The application as the API takes it, its names made ARNs of `world`'s account.
    pub fn create_input(&self, world: &World) -> CreateApplicationInput {
        let settings = world.settings();
        let (region, account) = (&settings.region, &settings.account_id);
        let role = format!("arn:aws:iam::{account}:role/kinescope-analytics");
        let complete = |pair: &mut ResourceRole, kind: &str| {
            if let Some(arn) = pair.resource_arn.as_mut()
                && !arn.starts_with("arn:")
            {
                let name = arn.trim_start_matches(&format!("{kind}/")).to_owned();
                *arn = match kind {
                    "stream" => world.stream_arn(&name),
                    _ => format!("arn:aws:firehose:{region}:{account}:deliverystream/{name}"),
                };
            }
            pair.role_arn.get_or_insert_with(|| role.clone());
        };
        let mut input = self.application.clone();
        for i in input.inputs.iter_mut().flatten() {
            i.name_prefix
                .get_or_insert_with(|| "SOURCE_SQL_STREAM".into());
            let pairs = [
                (i.kinesis_streams_input.as_mut(), "stream"),
                (i.kinesis_firehose_input.as_mut(), "deliverystream"),
            ];
            for (pair, kind) in pairs {
                if let Some(pair) = pair {
                    complete(pair, kind);
                }
            }
        }
        for o in input.outputs.iter_mut().flatten() {
            let pairs = [
                (o.kinesis_streams_output.as_mut(), "stream"),
                (o.kinesis_firehose_output.as_mut(), "deliverystream"),
            ];
            for (pair, kind) in pairs {
                if let Some(pair) = pair {
                    complete(pair, kind);
                }
            }
            o.destination_schema
                .get_or_insert_with(|| DestinationSchema {
                    record_format_type: Some("JSON".into()),
                });
        }
        input
    }

    /// StartApplication for the application's first input, if the spec starts it.
    pub fn start_input(&self) -> Option<StartApplicationInput> {
        let position = self.start.clone()?;
        Some(StartApplicationInput {
            application_name: self.application.application_name.clone(),
            input_configurations: Some(vec![InputConfiguration {
                id: Some("1.1".into()),
                input_starting_position_configuration: Some(InputStartingPositionConfiguration {
                    input_starting_position: Some(position),
                }),
            }]),
        })
    }

    /// Creates the application in `world` and starts it; the error names the spec and AWS's
    /// refusal.
    pub fn create_in(&self, world: &mut World) -> Result<(), String> {
        let label = format!("analytics[{:?}]", self.name());
        let input = self.create_input(world);
        world
            .apply(input)
            .map_err(|e| format!("{label}: {}: {e}", e.code()))?;
        if let Some(start) = self.start_input() {
            world
                .apply(start)
                .map_err(|e| format!("{label}: {}: {e}", e.code()))?;
        }
        Ok(())
    }
}

/// Checks every application of `scenario` against its streams and delivery streams.
pub fn validate(scenario: &Scenario) -> Result<(), String> {
    if scenario.analytics.is_empty() {
        return Ok(());
    }
    let mut world = World::new(scenario.settings.apply_to(Settings::default()), 0);
    for stream in &scenario.streams {
        let _ = world.apply(CreateStreamInput::provisioned(&stream.name, 1));
    }
    world.step(world.settings().transition_delay_ms as u64);
    for spec in &scenario.firehoses {
        let _ = world.apply(spec.clone().with_source_arn_in(&world));
    }
    world.step(world.settings().transition_delay_ms as u64);
    for spec in &scenario.analytics {
        if !(spec.anomaly_threshold.is_finite() && spec.anomaly_threshold >= 0.0) {
            return Err(format!(
                "analytics[{:?}]: anomaly_threshold = {} must be a number ≥ 0",
                spec.name(),
                spec.anomaly_threshold
            ));
        }
        spec.create_in(&mut world)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::sim::scenario::Scenario;

    fn scenario(code: &str) -> Result<Scenario, crate::sim::scenario::ScenarioError> {
        let spec = serde_json::json!({
            "name": "t", "description": "d", "duration_seconds": 10,
            "streams": [{"name": "ticks"}, {"name": "out"}],
            "analytics": [{
                "application": {
                    "ApplicationName": "app",
                    "ApplicationCode": code,
                    "Inputs": [{
                        "KinesisStreamsInput": {"ResourceARN": "ticks"},
                        "InputSchema": {
                            "RecordFormat": {"RecordFormatType": "JSON"},
                            "RecordColumns": [{"Name": "A", "SqlType": "INTEGER", "Mapping": "$.a"}]
                        }
                    }],
                    "Outputs": [{"Name": "DESTINATION_SQL_STREAM", "KinesisStreamsOutput": {"ResourceARN": "out"}}]
                }
            }]
        });
        Scenario::from_json(&spec.to_string())
    }

    #[test]
    fn applications_are_checked_with_aws_errors_when_the_scenario_loads() {
        let good = "CREATE OR REPLACE STREAM \"DESTINATION_SQL_STREAM\" (a INTEGER);
            CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"DESTINATION_SQL_STREAM\"
            SELECT STREAM a FROM \"SOURCE_SQL_STREAM_001\";";
        scenario(good).unwrap();
        let error = scenario("SELECT STREAM b FROM \"SOURCE_SQL_STREAM_001\";")
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("analytics[\"app\"]: CodeValidationException"),
            "{error}"
        );
    }
}
