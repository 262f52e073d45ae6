//! Creating an application from the tab: the input schema discovered from the source stream's
//! records (DiscoverInputSchema, from TRIM_HORIZON), then CreateApplication with the chosen code
//! and, if one was chosen, an output of DESTINATION_SQL_STREAM to a stream as JSON.

use kinescope_core::analytics::ops::discover::DiscoverInputSchemaInput;
use kinescope_core::analytics::ops::lifecycle::CreateApplicationInput;
use kinescope_core::analytics::shapes::{
    DestinationSchema, Input, InputStartingPositionConfiguration, Output, ResourceRole,
};
use kinescope_core::live::SharedWorld;

/// Discovers `source`'s schema and creates application `name`; says what it made.
pub fn create(
    world: &SharedWorld,
    name: &str,
    source: &str,
    output: Option<&str>,
    code: &str,
) -> Result<String, String> {
    let (source_arn, output_arn, role) = world.read(|w| {
        let account = &w.settings().account_id;
        (
            w.stream_arn(source),
            output.map(|o| w.stream_arn(o)),
            format!("arn:aws:iam::{account}:role/kinescope-analytics"),
        )
    });
    let discovered = world
        .apply(DiscoverInputSchemaInput {
            resource_arn: Some(source_arn.clone()),
            role_arn: Some(role.clone()),
            input_starting_position_configuration: Some(InputStartingPositionConfiguration {
                input_starting_position: Some("TRIM_HORIZON".into()),
            }),
            ..Default::default()
        })
        .map_err(|e| {
            format!(
                "Cannot discover the schema of {source}: {} ({}) — write some records to it first",
                e.message(),
                e.code()
            )
        })?;
    let input = Input {
        name_prefix: Some("SOURCE_SQL_STREAM".into()),
        kinesis_streams_input: Some(ResourceRole {
            resource_arn: Some(source_arn),
            role_arn: Some(role.clone()),
        }),
        input_schema: Some(discovered.input_schema),
        ..Input::default()
    };
    let outputs = output_arn.map(|arn| {
        vec![Output {
            name: Some("DESTINATION_SQL_STREAM".into()),
            kinesis_streams_output: Some(ResourceRole {
                resource_arn: Some(arn),
                role_arn: Some(role),
            }),
            destination_schema: Some(DestinationSchema {
                record_format_type: Some("JSON".into()),
            }),
            ..Output::default()
        }]
    });
    let create = |code: Option<String>| CreateApplicationInput {
        application_name: Some(name.to_owned()),
        inputs: Some(vec![input.clone()]),
        outputs: outputs.clone(),
        application_code: code,
        ..CreateApplicationInput::default()
    };
    // Code written for other columns than the stream has is kept for editing, not refused.
    match world.apply(create(Some(code.to_owned()))) {
        Ok(_) => Ok(format!("Created {name} reading {source}")),
        Err(e) if e.code() == "CodeValidationException" => {
            let kept = format!(
                "-- This code does not compile against {source}'s columns yet:\n-- {}\n{code}",
                e.message().replace('\n', " ")
            );
            let commented: String = kept
                .lines()
                .map(|l| {
                    if l.starts_with("--") {
                        l.to_owned()
                    } else {
                        format!("-- {l}")
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            world
                .apply(create(Some(commented)))
                .map(|_| format!("Created {name}; edit its code to match {source}'s columns"))
                .map_err(|e| format!("Cannot create {name}: {} ({})", e.message(), e.code()))
        }
        Err(e) => Err(format!(
            "Cannot create {name}: {} ({})",
            e.message(),
            e.code()
        )),
    }
}
