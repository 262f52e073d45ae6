//! The `firehoses` of a scenario: each is CreateDeliveryStream's input, in the API's field names,
//! checked when the scenario loads by creating it in a scratch world with the scenario's account
//! and streams — so a bad configuration is refused with AWS's own error before anything runs.

use super::scenario::Scenario;
use crate::firehose::ops::lifecycle::CreateDeliveryStreamInput;
use crate::settings::Settings;
use crate::streams::ops::lifecycle::CreateStreamInput;
use crate::world::World;

/// Checks every firehose of `scenario`; returns their names.
pub fn validate(scenario: &Scenario) -> Result<Vec<&str>, String> {
    let mut world = World::new(scenario.settings.apply_to(Settings::default()), 0);
    for stream in &scenario.streams {
        let _ = world.apply(CreateStreamInput::provisioned(&stream.name, 1));
    }
    world.step(world.settings().transition_delay_ms as u64);
    scenario.glue.create_in(&mut world)?;
    let mut names = Vec::new();
    for (i, spec) in scenario.firehoses.iter().enumerate() {
        let label = match &spec.delivery_stream_name {
            Some(name) => format!("firehoses[{name:?}]"),
            None => format!("firehoses[{i}]"),
        };
        if let Some(unknown) = spec.unknown_member() {
            return Err(format!("{label}: unknown field {unknown:?}"));
        }
        let input = spec.clone().with_source_arn_in(&world);
        world
            .apply(input)
            .map_err(|e| format!("{label}: {}: {e}", e.code()))?;
        names.push(spec.delivery_stream_name.as_deref().unwrap_or_default());
    }
    Ok(names)
}

impl CreateDeliveryStreamInput {
    /// The ARN of the Kinesis stream a scenario's firehose names as its source, written with the
    /// stream's name alone (`"KinesisStreamARN": "stream/NAME"` or just `"NAME"`) — made whole with
    /// the world's account and region.
    pub fn with_source_arn_in(mut self, world: &World) -> Self {
        if let Some(config) = self.kinesis_stream_source_configuration.as_mut()
            && let Some(arn) = config.kinesis_stream_arn.as_mut()
            && !arn.starts_with("arn:")
        {
            *arn = world.stream_arn(arn.trim_start_matches("stream/"));
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::scenario::{Scenario, ScenarioError};

    fn scenario(firehoses: &str, producer_target: &str) -> Result<Scenario, ScenarioError> {
        Scenario::from_json(&format!(
            r#"{{
            "name": "t", "description": "d", "duration_seconds": 10,
            "streams": [{{"name": "s"}}],
            "firehoses": {firehoses},
            "producers": [{{"name": "p", {producer_target}, "rate": {{"kind": "constant", "per_second": 10}},
                           "keys": {{"kind": "uniform", "keys": 5}}, "api": {{"kind": "put_record"}}}}]
        }}"#
        ))
    }

    const GOOD: &str = r#"[{"DeliveryStreamName": "f", "DeliveryStreamType": "KinesisStreamAsSource",
        "KinesisStreamSourceConfiguration": {"KinesisStreamARN": "stream/s", "RoleARN": "arn:aws:iam::000000000000:role/r"},
        "ExtendedS3DestinationConfiguration": {"RoleARN": "arn:aws:iam::000000000000:role/r", "BucketARN": "arn:aws:s3:::bucket"}}]"#;

    #[test]
    fn firehoses_are_checked_by_the_engine_as_the_scenario_loads() {
        let ok = scenario(GOOD, r#""stream": "s""#).unwrap();
        assert_eq!(ok.firehoses.len(), 1);
        let direct = r#"[{"DeliveryStreamName": "f", "ExtendedS3DestinationConfiguration":
            {"RoleARN": "arn:aws:iam::000000000000:role/r", "BucketARN": "arn:aws:s3:::bucket"}}]"#;
        assert!(scenario(direct, r#""firehose": "f""#).is_ok());
        let unknown = scenario(direct, r#""firehose": "g""#).unwrap_err();
        assert!(
            unknown
                .to_string()
                .contains("firehose \"g\" is not declared"),
            "{unknown}"
        );
        let both = scenario(direct, r#""firehose": "f", "stream": "s""#).unwrap_err();
        assert!(
            both.to_string().contains("either stream or firehose"),
            "{both}"
        );
        let no_destination = scenario(r#"[{"DeliveryStreamName": "f"}]"#, r#""stream": "s""#);
        assert_eq!(
            no_destination.unwrap_err().to_string(),
            "firehoses[\"f\"]: InvalidArgumentException: Exactly one destination configuration is supported for a Firehose"
        );
        let typo = scenario(
            r#"[{"DeliveryStreamName": "f", "ExtendedS3DestinationConfig": {}}]"#,
            r#""stream": "s""#,
        );
        assert_eq!(
            typo.unwrap_err().to_string(),
            "firehoses[\"f\"]: unknown field \"ExtendedS3DestinationConfig\""
        );
        let missing_source = GOOD.replace("stream/s", "stream/nope");
        assert!(scenario(&missing_source, r#""stream": "s""#).is_err());
    }
}
