//! UpdateApplication (reference D): new code, and changes to the input, outputs, reference data
//! source and logging options named by their ids — checked whole before any is made (the code
//! must compile against the input as it will be), then made as one new version.

use super::checks::{self, finish};
use crate::analytics::error::{AnalyticsError, AnalyticsResult};
use crate::analytics::runtime;
use crate::analytics::shapes::*;
use crate::streams::shapes::Empty;
use crate::validate::Validator;
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};

/// InputSchemaUpdate.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InputSchemaUpdate {
    pub record_format_update: Option<RecordFormat>,
    pub record_encoding_update: Option<String>,
    pub record_column_updates: Option<Vec<RecordColumn>>,
}

/// InputProcessingConfigurationUpdate.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InputProcessingConfigurationUpdate {
    pub input_lambda_processor_update: Option<ResourceRoleUpdate>,
}

/// InputParallelismUpdate.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InputParallelismUpdate {
    pub count_update: Option<i64>,
}

/// InputUpdate.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InputUpdate {
    pub input_id: Option<String>,
    pub name_prefix_update: Option<String>,
    pub input_processing_configuration_update: Option<InputProcessingConfigurationUpdate>,
    pub kinesis_streams_input_update: Option<ResourceRoleUpdate>,
    pub kinesis_firehose_input_update: Option<ResourceRoleUpdate>,
    pub input_schema_update: Option<InputSchemaUpdate>,
    pub input_parallelism_update: Option<InputParallelismUpdate>,
}

/// OutputUpdate.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct OutputUpdate {
    pub output_id: Option<String>,
    pub name_update: Option<String>,
    pub kinesis_streams_output_update: Option<ResourceRoleUpdate>,
    pub kinesis_firehose_output_update: Option<ResourceRoleUpdate>,
    pub lambda_output_update: Option<ResourceRoleUpdate>,
    pub destination_schema_update: Option<DestinationSchema>,
}

/// S3ReferenceDataSourceUpdate.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct S3ReferenceDataSourceUpdate {
    #[serde(rename = "BucketARNUpdate")]
    pub bucket_arn_update: Option<String>,
    #[serde(rename = "FileKeyUpdate")]
    pub file_key_update: Option<String>,
    #[serde(rename = "ReferenceRoleARNUpdate")]
    pub reference_role_arn_update: Option<String>,
}

/// ReferenceDataSourceUpdate.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ReferenceDataSourceUpdate {
    pub reference_id: Option<String>,
    pub table_name_update: Option<String>,
    #[serde(rename = "S3ReferenceDataSourceUpdate")]
    pub s3_reference_data_source_update: Option<S3ReferenceDataSourceUpdate>,
    pub reference_schema_update: Option<SourceSchema>,
}

/// CloudWatchLoggingOptionUpdate.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CloudWatchLoggingOptionUpdate {
    #[serde(rename = "CloudWatchLoggingOptionId")]
    pub cloud_watch_logging_option_id: Option<String>,
    #[serde(rename = "LogStreamARNUpdate")]
    pub log_stream_arn_update: Option<String>,
    #[serde(rename = "RoleARNUpdate")]
    pub role_arn_update: Option<String>,
}

/// ApplicationUpdate.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ApplicationUpdate {
    pub input_updates: Option<Vec<InputUpdate>>,
    pub application_code_update: Option<String>,
    pub output_updates: Option<Vec<OutputUpdate>>,
    pub reference_data_source_updates: Option<Vec<ReferenceDataSourceUpdate>>,
    pub cloud_watch_logging_option_updates: Option<Vec<CloudWatchLoggingOptionUpdate>>,
}

/// UpdateApplication.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateApplicationInput {
    pub application_name: Option<String>,
    pub current_application_version_id: Option<i64>,
    pub application_update: Option<ApplicationUpdate>,
}

fn replace<T: Clone>(target: &mut Option<T>, update: &Option<T>) {
    if update.is_some() {
        target.clone_from(update);
    }
}

/// `pair` with the update's members applied.
fn updated_pair(pair: Option<ResourceRole>, update: &ResourceRoleUpdate) -> ResourceRole {
    let mut pair = pair.unwrap_or_default();
    replace(&mut pair.resource_arn, &update.resource_arn_update);
    replace(&mut pair.role_arn, &update.role_arn_update);
    pair
}

fn apply_input_update(input: &mut Input, update: &InputUpdate) {
    replace(&mut input.name_prefix, &update.name_prefix_update);
    if let Some(p) = &update.input_processing_configuration_update
        && let Some(lambda) = &p.input_lambda_processor_update
    {
        let config = input.input_processing_configuration.get_or_insert_default();
        let pair = config.input_lambda_processor.take();
        config.input_lambda_processor = Some(updated_pair(pair, lambda));
    }
    if let Some(k) = &update.kinesis_streams_input_update {
        input.kinesis_streams_input = Some(updated_pair(input.kinesis_streams_input.take(), k));
        input.kinesis_firehose_input = None;
    }
    if let Some(f) = &update.kinesis_firehose_input_update {
        input.kinesis_firehose_input = Some(updated_pair(input.kinesis_firehose_input.take(), f));
        input.kinesis_streams_input = None;
    }
    if let Some(s) = &update.input_schema_update {
        let schema = input.input_schema.get_or_insert_default();
        replace(&mut schema.record_format, &s.record_format_update);
        replace(&mut schema.record_encoding, &s.record_encoding_update);
        replace(&mut schema.record_columns, &s.record_column_updates);
    }
    if let Some(p) = &update.input_parallelism_update {
        input.input_parallelism = Some(InputParallelism {
            count: p.count_update,
        });
    }
}

fn apply_output_update(output: &mut Output, update: &OutputUpdate) {
    replace(&mut output.name, &update.name_update);
    let destinations = [
        &update.kinesis_streams_output_update,
        &update.kinesis_firehose_output_update,
        &update.lambda_output_update,
    ];
    if destinations.iter().any(|d| d.is_some()) {
        let (k, f, l) = (
            output.kinesis_streams_output.take(),
            output.kinesis_firehose_output.take(),
            output.lambda_output.take(),
        );
        output.kinesis_streams_output = update
            .kinesis_streams_output_update
            .as_ref()
            .map(|u| updated_pair(k, u));
        output.kinesis_firehose_output = update
            .kinesis_firehose_output_update
            .as_ref()
            .map(|u| updated_pair(f, u));
        output.lambda_output = update
            .lambda_output_update
            .as_ref()
            .map(|u| updated_pair(l, u));
    }
    replace(
        &mut output.destination_schema,
        &update.destination_schema_update,
    );
}

fn apply_reference_update(reference: &mut ReferenceDataSource, update: &ReferenceDataSourceUpdate) {
    replace(&mut reference.table_name, &update.table_name_update);
    if let Some(s3) = &update.s3_reference_data_source_update {
        let source = reference.s3_reference_data_source.get_or_insert_default();
        replace(&mut source.bucket_arn, &s3.bucket_arn_update);
        replace(&mut source.file_key, &s3.file_key_update);
        replace(
            &mut source.reference_role_arn,
            &s3.reference_role_arn_update,
        );
    }
    replace(
        &mut reference.reference_schema,
        &update.reference_schema_update,
    );
}

impl UpdateApplicationInput {
    fn validate(&self) -> AnalyticsResult<()> {
        let mut v = Validator::new();
        checks::application_name(&mut v, &self.application_name);
        checks::version(&mut v, self.current_application_version_id);
        if let Some(update) = v.required("applicationUpdate", &self.application_update) {
            let at = "applicationUpdate";
            for (i, u) in update.input_updates.iter().flatten().enumerate() {
                checks::id(
                    &mut v,
                    &format!("{at}.inputUpdates.{}.member.inputId", i + 1),
                    &u.input_id,
                );
            }
            if let Some(code) = &update.application_code_update {
                v.length(&format!("{at}.applicationCodeUpdate"), code, 0, 102_400);
            }
            for (i, u) in update.output_updates.iter().flatten().enumerate() {
                checks::id(
                    &mut v,
                    &format!("{at}.outputUpdates.{}.member.outputId", i + 1),
                    &u.output_id,
                );
            }
            for (i, u) in update
                .reference_data_source_updates
                .iter()
                .flatten()
                .enumerate()
            {
                let member = format!(
                    "{at}.referenceDataSourceUpdates.{}.member.referenceId",
                    i + 1
                );
                checks::id(&mut v, &member, &u.reference_id);
            }
            for (i, u) in update
                .cloud_watch_logging_option_updates
                .iter()
                .flatten()
                .enumerate()
            {
                let member = format!(
                    "{at}.cloudWatchLoggingOptionUpdates.{}.member.cloudWatchLoggingOptionId",
                    i + 1
                );
                checks::id(&mut v, &member, &u.cloud_watch_logging_option_id);
            }
        }
        finish(v)
    }
}

impl Operation for UpdateApplicationInput {
    type Output = Empty;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<Empty> {
        self.validate()?;
        let name = self.application_name.unwrap_or_default();
        let update = self.application_update.unwrap_or_default();
        let version = self.current_application_version_id.unwrap_or_default();
        let app = world.application_to_change(&name, version)?;
        // Everything is worked out on copies first, so a refusal changes nothing.
        let mut inputs = app.inputs.clone();
        for u in update.input_updates.iter().flatten() {
            let id = u.input_id.as_deref().unwrap_or_default();
            let stored = inputs
                .iter_mut()
                .find(|i| i.id == id)
                .ok_or_else(|| checks::part_not_found("Input", id, &name))?;
            apply_input_update(&mut stored.input, u);
        }
        let mut outputs = app.outputs.clone();
        for u in update.output_updates.iter().flatten() {
            let id = u.output_id.as_deref().unwrap_or_default();
            let (_, output) = outputs
                .iter_mut()
                .find(|(o, _)| o == id)
                .ok_or_else(|| checks::part_not_found("Output", id, &name))?;
            apply_output_update(output, u);
        }
        let mut references = app.references.clone();
        for u in update.reference_data_source_updates.iter().flatten() {
            let id = u.reference_id.as_deref().unwrap_or_default();
            let (_, reference) = references
                .iter_mut()
                .find(|(r, _)| r == id)
                .ok_or_else(|| checks::part_not_found("Reference data source", id, &name))?;
            apply_reference_update(reference, u);
        }
        let mut logging = app.logging.clone();
        for u in update.cloud_watch_logging_option_updates.iter().flatten() {
            let id = u
                .cloud_watch_logging_option_id
                .as_deref()
                .unwrap_or_default();
            let (_, option) = logging
                .iter_mut()
                .find(|(l, _)| l == id)
                .ok_or_else(|| checks::part_not_found("CloudWatch logging option", id, &name))?;
            replace(&mut option.log_stream_arn, &u.log_stream_arn_update);
            replace(&mut option.role_arn, &u.role_arn_update);
        }
        let code = update
            .application_code_update
            .clone()
            .or_else(|| app.code.clone());
        let mut v = Validator::new();
        for (i, stored) in inputs.iter().enumerate() {
            checks::input(&mut v, &format!("inputs.{}.member", i + 1), &stored.input);
        }
        for (i, (_, output)) in outputs.iter().enumerate() {
            checks::output(&mut v, &format!("outputs.{}.member", i + 1), output);
        }
        finish(v)?;
        for stored in &inputs {
            checks::input_semantics(&stored.input)?;
            runtime::compile(code.as_deref(), &stored.input, &references)?;
        }
        for (_, output) in &outputs {
            checks::output_semantics(output)?;
        }
        app.inputs = inputs;
        app.outputs = outputs;
        app.references = references;
        app.logging = logging;
        app.code = code;
        world.commit_application_change(&name)?;
        Ok(Empty {})
    }
}
