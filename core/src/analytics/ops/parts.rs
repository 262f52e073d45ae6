//! The operations that add or remove one part of an application (reference D): its streaming
//! input (added once, never removed), the input's Lambda processor, outputs, the reference data
//! source and CloudWatch logging options. Each names the version it changes; each makes a new
//! version, and a running application is UPDATING while the change takes effect.

use super::checks::{self, finish};
use crate::analytics::application::*;
use crate::analytics::error::{AnalyticsError, AnalyticsResult};
use crate::analytics::runtime;
use crate::analytics::shapes::*;
use crate::streams::shapes::Empty;
use crate::validate::Validator;
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};

impl World {
    /// Records a change to `name`: a new version; a running application restarts its program
    /// with the new configuration (its reader kept) and is UPDATING for a moment.
    pub(crate) fn commit_application_change(&mut self, name: &str) -> AnalyticsResult<()> {
        let now = self.now_ms();
        let Some(app) = self.analytics.applications.get_mut(name) else {
            return Err(checks::not_found(name));
        };
        app.bump(now);
        if app.status == ApplicationStatus::Running {
            // Checked when the change was (code compiles, ARNs name their kind): a restart that
            // still fails keeps the running program rather than leave none.
            if let Some(restarted) = app.runtime.as_ref().map(|r| r.restart(app, now)) {
                app.runtime = Some(restarted?);
            }
            app.status = ApplicationStatus::Updating;
            app.transition_at_ms = Some(now + UPDATING_MS);
            // Reference data is read again on every update (not when the object changes).
            self.load_reference_data(name);
        }
        Ok(())
    }
}

impl World {
    /// Applies `change` to application `name` at `version` (which must be current, the
    /// application READY or RUNNING), then commits it as a new version.
    fn change_application(
        &mut self,
        name: &Option<String>,
        version: Option<i64>,
        change: impl FnOnce(&mut Application, &str) -> AnalyticsResult<()>,
    ) -> AnalyticsResult<Empty> {
        let name = name.as_deref().unwrap_or_default();
        let app = self.application_to_change(name, version.unwrap_or_default())?;
        change(app, name)?;
        self.commit_application_change(name)?;
        Ok(Empty {})
    }
}

/// Removes the part with `id` of `parts`; ResourceNotFoundException if there is none.
fn remove_part<T>(
    parts: &mut Vec<(String, T)>,
    id: &str,
    kind: &str,
    name: &str,
) -> AnalyticsResult<()> {
    let before = parts.len();
    parts.retain(|(part, _)| part != id);
    if parts.len() == before {
        return Err(checks::part_not_found(kind, id, name));
    }
    Ok(())
}

/// The input with `id`.
fn input_of<'a>(
    app: &'a mut Application,
    id: &str,
    name: &str,
) -> AnalyticsResult<&'a mut StoredInput> {
    app.inputs
        .iter_mut()
        .find(|i| i.id == id)
        .ok_or_else(|| checks::part_not_found("Input", id, name))
}

fn common(v: &mut Validator, name: &Option<String>, version: Option<i64>) {
    checks::application_name(v, name);
    checks::version(v, version);
}

/// AddApplicationInput.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AddApplicationInputInput {
    pub application_name: Option<String>,
    pub current_application_version_id: Option<i64>,
    pub input: Option<Input>,
}

impl Operation for AddApplicationInputInput {
    type Output = Empty;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<Empty> {
        let mut v = Validator::new();
        common(
            &mut v,
            &self.application_name,
            self.current_application_version_id,
        );
        if let Some(input) = v.required("input", &self.input) {
            checks::input(&mut v, "input", input);
        }
        finish(v)?;
        let input = self.input.unwrap_or_default();
        let version = self.current_application_version_id;
        world.change_application(&self.application_name, version, |app, name| {
            if app.inputs.len() >= MAX_INPUTS {
                return Err(AnalyticsError::InvalidArgumentException(format!(
                    "Application {name} already has a streaming input; an application can have \
                     only {MAX_INPUTS}."
                )));
            }
            checks::input_semantics(&input)?;
            runtime::compile(app.code.as_deref(), &input, &app.references)?;
            let id = Application::part_id(app.version_id + 1, app.inputs.iter().map(|i| &i.id));
            app.inputs.push(StoredInput {
                id,
                input,
                starting_position: None,
            });
            Ok(())
        })
    }
}

/// AddApplicationInputProcessingConfiguration.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AddApplicationInputProcessingConfigurationInput {
    pub application_name: Option<String>,
    pub current_application_version_id: Option<i64>,
    pub input_id: Option<String>,
    pub input_processing_configuration: Option<InputProcessingConfiguration>,
}

impl Operation for AddApplicationInputProcessingConfigurationInput {
    type Output = Empty;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<Empty> {
        let mut v = Validator::new();
        common(
            &mut v,
            &self.application_name,
            self.current_application_version_id,
        );
        checks::id(&mut v, "inputId", &self.input_id);
        let at = "inputProcessingConfiguration";
        if let Some(config) = v.required(at, &self.input_processing_configuration) {
            let at = format!("{at}.inputLambdaProcessor");
            if let Some(lambda) = v.required(&at, &config.input_lambda_processor) {
                checks::resource_role(&mut v, &at, lambda);
            }
        }
        finish(v)?;
        let id = self.input_id.unwrap_or_default();
        let config = self.input_processing_configuration;
        let version = self.current_application_version_id;
        world.change_application(&self.application_name, version, |app, name| {
            input_of(app, &id, name)?
                .input
                .input_processing_configuration = config;
            Ok(())
        })
    }
}

/// DeleteApplicationInputProcessingConfiguration.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteApplicationInputProcessingConfigurationInput {
    pub application_name: Option<String>,
    pub current_application_version_id: Option<i64>,
    pub input_id: Option<String>,
}

impl Operation for DeleteApplicationInputProcessingConfigurationInput {
    type Output = Empty;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<Empty> {
        let mut v = Validator::new();
        common(
            &mut v,
            &self.application_name,
            self.current_application_version_id,
        );
        checks::id(&mut v, "inputId", &self.input_id);
        finish(v)?;
        let id = self.input_id.unwrap_or_default();
        let version = self.current_application_version_id;
        world.change_application(&self.application_name, version, |app, name| {
            input_of(app, &id, name)?
                .input
                .input_processing_configuration = None;
            Ok(())
        })
    }
}

/// AddApplicationOutput.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AddApplicationOutputInput {
    pub application_name: Option<String>,
    pub current_application_version_id: Option<i64>,
    pub output: Option<Output>,
}

impl Operation for AddApplicationOutputInput {
    type Output = Empty;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<Empty> {
        let mut v = Validator::new();
        common(
            &mut v,
            &self.application_name,
            self.current_application_version_id,
        );
        if let Some(output) = v.required("output", &self.output) {
            checks::output(&mut v, "output", output);
        }
        finish(v)?;
        let output = self.output.unwrap_or_default();
        let version = self.current_application_version_id;
        world.change_application(&self.application_name, version, |app, name| {
            if app.outputs.len() >= MAX_OUTPUTS {
                return Err(AnalyticsError::LimitExceededException(format!(
                    "Application {name} already has {MAX_OUTPUTS} outputs, the most it can have."
                )));
            }
            checks::output_semantics(&output)?;
            let id = Application::part_id(app.version_id + 1, app.outputs.iter().map(|(id, _)| id));
            app.outputs.push((id, output));
            Ok(())
        })
    }
}

/// DeleteApplicationOutput.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteApplicationOutputInput {
    pub application_name: Option<String>,
    pub current_application_version_id: Option<i64>,
    pub output_id: Option<String>,
}

impl Operation for DeleteApplicationOutputInput {
    type Output = Empty;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<Empty> {
        let mut v = Validator::new();
        common(
            &mut v,
            &self.application_name,
            self.current_application_version_id,
        );
        checks::id(&mut v, "outputId", &self.output_id);
        finish(v)?;
        let id = self.output_id.unwrap_or_default();
        let version = self.current_application_version_id;
        world.change_application(&self.application_name, version, |app, name| {
            remove_part(&mut app.outputs, &id, "Output", name)
        })
    }
}

/// AddApplicationReferenceDataSource.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AddApplicationReferenceDataSourceInput {
    pub application_name: Option<String>,
    pub current_application_version_id: Option<i64>,
    pub reference_data_source: Option<ReferenceDataSource>,
}

impl Operation for AddApplicationReferenceDataSourceInput {
    type Output = Empty;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<Empty> {
        let mut v = Validator::new();
        common(
            &mut v,
            &self.application_name,
            self.current_application_version_id,
        );
        let at = "referenceDataSource";
        if let Some(reference) = v.required(at, &self.reference_data_source) {
            checks::reference(&mut v, at, reference);
        }
        finish(v)?;
        let reference = self.reference_data_source.unwrap_or_default();
        checks::schema_semantics(reference.reference_schema.as_ref())?;
        world.reference_object(&reference)?;
        let version = self.current_application_version_id;
        world.change_application(&self.application_name, version, |app, name| {
            if app.references.len() >= MAX_REFERENCES {
                return Err(AnalyticsError::InvalidArgumentException(format!(
                    "Application {name} already has a reference data source; an application can \
                     have only {MAX_REFERENCES}."
                )));
            }
            let taken = app.references.iter().map(|(id, _)| id);
            let id = Application::part_id(app.version_id + 1, taken);
            app.references.push((id, reference));
            Ok(())
        })
    }
}

/// DeleteApplicationReferenceDataSource.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteApplicationReferenceDataSourceInput {
    pub application_name: Option<String>,
    pub current_application_version_id: Option<i64>,
    pub reference_id: Option<String>,
}

impl Operation for DeleteApplicationReferenceDataSourceInput {
    type Output = Empty;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<Empty> {
        let mut v = Validator::new();
        common(
            &mut v,
            &self.application_name,
            self.current_application_version_id,
        );
        checks::id(&mut v, "referenceId", &self.reference_id);
        finish(v)?;
        let id = self.reference_id.unwrap_or_default();
        let version = self.current_application_version_id;
        world.change_application(&self.application_name, version, |app, name| {
            // Code that joins the table would no longer compile without it.
            let mut remaining = app.references.clone();
            remove_part(&mut remaining, &id, "Reference data source", name)?;
            if let Some(stored) = app.inputs.first() {
                runtime::compile(app.code.as_deref(), &stored.input, &remaining)?;
            }
            app.references = remaining;
            Ok(())
        })
    }
}

/// AddApplicationCloudWatchLoggingOption.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AddApplicationCloudWatchLoggingOptionInput {
    pub application_name: Option<String>,
    pub current_application_version_id: Option<i64>,
    pub cloud_watch_logging_option: Option<CloudWatchLoggingOption>,
}

impl Operation for AddApplicationCloudWatchLoggingOptionInput {
    type Output = Empty;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<Empty> {
        let mut v = Validator::new();
        common(
            &mut v,
            &self.application_name,
            self.current_application_version_id,
        );
        let at = "cloudWatchLoggingOption";
        if let Some(option) = v.required(at, &self.cloud_watch_logging_option) {
            checks::logging(&mut v, at, option);
        }
        finish(v)?;
        let option = self.cloud_watch_logging_option.unwrap_or_default();
        let version = self.current_application_version_id;
        world.change_application(&self.application_name, version, |app, name| {
            let stream = &option.log_stream_arn;
            if app.logging.iter().any(|(_, o)| o.log_stream_arn == *stream) {
                return Err(AnalyticsError::InvalidArgumentException(format!(
                    "Application {name} already logs to {}.",
                    stream.as_deref().unwrap_or_default()
                )));
            }
            let id = Application::part_id(app.version_id + 1, app.logging.iter().map(|(id, _)| id));
            app.logging.push((id, option));
            Ok(())
        })
    }
}

/// DeleteApplicationCloudWatchLoggingOption.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteApplicationCloudWatchLoggingOptionInput {
    pub application_name: Option<String>,
    pub current_application_version_id: Option<i64>,
    pub cloud_watch_logging_option_id: Option<String>,
}

impl Operation for DeleteApplicationCloudWatchLoggingOptionInput {
    type Output = Empty;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<Empty> {
        let mut v = Validator::new();
        common(
            &mut v,
            &self.application_name,
            self.current_application_version_id,
        );
        let id = &self.cloud_watch_logging_option_id;
        checks::id(&mut v, "cloudWatchLoggingOptionId", id);
        finish(v)?;
        let id = self.cloud_watch_logging_option_id.unwrap_or_default();
        let version = self.current_application_version_id;
        world.change_application(&self.application_name, version, |app, name| {
            remove_part(&mut app.logging, &id, "CloudWatch logging option", name)
        })
    }
}
