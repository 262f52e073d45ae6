//! CreateApplication, DescribeApplication, ListApplications, DeleteApplication,
//! StartApplication and StopApplication (reference D): READY on creation; STARTING, then
//! RUNNING; STOPPING, then READY; DELETING, then gone.

use super::checks::{self, finish};
use crate::analytics::application::*;
use crate::analytics::error::{AnalyticsError, AnalyticsResult};
use crate::analytics::runtime::{self, Runtime};
use crate::analytics::shapes::*;
use crate::events::EventKind;
use crate::firehose::ops::tags::validate_tags;
use crate::firehose::shapes::Tag;
use crate::streams::shapes::Empty;
use crate::time::Timestamp;
use crate::validate::Validator;
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};

/// CreateApplication.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CreateApplicationInput {
    pub application_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Vec<Input>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Vec<Output>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logging_options: Option<Vec<CloudWatchLoggingOption>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

/// CreateApplication's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateApplicationOutput {
    pub application_summary: ApplicationSummary,
}

impl CreateApplicationInput {
    fn validate(&self) -> AnalyticsResult<()> {
        let mut v = Validator::new();
        checks::application_name(&mut v, &self.application_name);
        if let Some(description) = &self.application_description {
            v.length("applicationDescription", description, 0, 1024);
        }
        for (i, input) in self.inputs.iter().flatten().enumerate() {
            checks::input(&mut v, &format!("inputs.{}.member", i + 1), input);
        }
        for (i, output) in self.outputs.iter().flatten().enumerate() {
            checks::output(&mut v, &format!("outputs.{}.member", i + 1), output);
        }
        for (i, option) in self
            .cloud_watch_logging_options
            .iter()
            .flatten()
            .enumerate()
        {
            let at = format!("cloudWatchLoggingOptions.{}.member", i + 1);
            checks::logging(&mut v, &at, option);
        }
        if let Some(code) = &self.application_code {
            v.length("applicationCode", code, 0, 102_400);
        }
        if let Some(tags) = &self.tags {
            validate_tags(&mut v, "tags", tags);
        }
        finish(v)
    }
}

impl Operation for CreateApplicationInput {
    type Output = CreateApplicationOutput;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<CreateApplicationOutput> {
        self.validate()?;
        let name = self.application_name.clone().unwrap_or_default();
        if world.analytics.applications.contains_key(&name) {
            return Err(AnalyticsError::ResourceInUseException(format!(
                "Application {name} already exists."
            )));
        }
        if world.analytics.applications.len() >= MAX_APPLICATIONS {
            return Err(AnalyticsError::LimitExceededException(format!(
                "Your account has reached the limit of {MAX_APPLICATIONS} applications."
            )));
        }
        let inputs = self.inputs.unwrap_or_default();
        let outputs = self.outputs.unwrap_or_default();
        if inputs.len() > MAX_INPUTS {
            return Err(AnalyticsError::InvalidArgumentException(format!(
                "An application can have at most {MAX_INPUTS} streaming input."
            )));
        }
        if outputs.len() > MAX_OUTPUTS {
            return Err(AnalyticsError::InvalidArgumentException(format!(
                "An application can have at most {MAX_OUTPUTS} outputs."
            )));
        }
        let tags = self.tags.unwrap_or_default();
        if tags.len() > MAX_TAGS {
            return Err(AnalyticsError::TooManyTagsException(format!(
                "An application can have at most {MAX_TAGS} tags."
            )));
        }
        for input in &inputs {
            checks::input_semantics(input)?;
            runtime::compile(self.application_code.as_deref(), input, &[])?;
        }
        for output in &outputs {
            checks::output_semantics(output)?;
        }
        let now = world.now_ms();
        let arn = format!(
            "arn:aws:kinesisanalytics:{}:{}:application/{name}",
            world.settings.region, world.settings.account_id
        );
        let mut app = Application::new(name.clone(), arn, now);
        app.description = self.application_description;
        app.code = self.application_code;
        app.tags = tags;
        for input in inputs {
            let id = Application::part_id(1, app.inputs.iter().map(|i| &i.id));
            app.inputs.push(StoredInput {
                id,
                input,
                starting_position: None,
            });
        }
        for output in outputs {
            let id = Application::part_id(1, app.outputs.iter().map(|(id, _)| id));
            app.outputs.push((id, output));
        }
        for option in self.cloud_watch_logging_options.unwrap_or_default() {
            let id = Application::part_id(1, app.logging.iter().map(|(id, _)| id));
            app.logging.push((id, option));
        }
        let summary = app.summary();
        world.analytics.applications.insert(name.clone(), app);
        world.log_event(
            EventKind::StatusChanged,
            None,
            format!("application {name} created"),
        );
        Ok(CreateApplicationOutput {
            application_summary: summary,
        })
    }
}

/// DescribeApplication.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DescribeApplicationInput {
    pub application_name: Option<String>,
}

/// DescribeApplication's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeApplicationOutput {
    pub application_detail: ApplicationDetail,
}

impl Operation for DescribeApplicationInput {
    type Output = DescribeApplicationOutput;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<DescribeApplicationOutput> {
        let mut v = Validator::new();
        checks::application_name(&mut v, &self.application_name);
        finish(v)?;
        let name = self.application_name.unwrap_or_default();
        Ok(DescribeApplicationOutput {
            application_detail: world.application_named(&name)?.detail(),
        })
    }
}

/// ListApplications.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListApplicationsInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_start_application_name: Option<String>,
}

/// ListApplications' output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListApplicationsOutput {
    pub application_summaries: Vec<ApplicationSummary>,
    pub has_more_applications: bool,
}

impl Operation for ListApplicationsInput {
    type Output = ListApplicationsOutput;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<ListApplicationsOutput> {
        let mut v = Validator::new();
        v.range("limit", self.limit, 1, 50);
        let start = &self.exclusive_start_application_name;
        v.string(
            "exclusiveStartApplicationName",
            start,
            1,
            128,
            Some(crate::validate::Pattern::Name),
        );
        finish(v)?;
        let limit = self.limit.unwrap_or(50) as usize;
        let mut after = world
            .analytics
            .applications
            .values()
            .filter(|app| start.as_ref().is_none_or(|s| app.name > *s));
        let summaries: Vec<ApplicationSummary> = after
            .by_ref()
            .take(limit)
            .map(Application::summary)
            .collect();
        Ok(ListApplicationsOutput {
            application_summaries: summaries,
            has_more_applications: after.next().is_some(),
        })
    }
}

/// DeleteApplication.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteApplicationInput {
    pub application_name: Option<String>,
    pub create_timestamp: Option<Timestamp>,
}

impl Operation for DeleteApplicationInput {
    type Output = Empty;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<Empty> {
        let mut v = Validator::new();
        checks::application_name(&mut v, &self.application_name);
        v.required("createTimestamp", &self.create_timestamp);
        finish(v)?;
        let name = self.application_name.unwrap_or_default();
        let app = world.application_named(&name)?;
        let given = self.create_timestamp.unwrap_or_default();
        // The timestamp proves the caller means this application, not an older one of that name.
        if given.millis() / 1_000 != app.created_ms / 1_000 {
            return Err(AnalyticsError::InvalidArgumentException(format!(
                "CreateTimestamp {} does not match the creation time of application {name}.",
                given.epoch_seconds()
            )));
        }
        match app.status {
            ApplicationStatus::Deleting => Err(AnalyticsError::ResourceInUseException(format!(
                "Application {name} is already being deleted."
            ))),
            ApplicationStatus::Starting
            | ApplicationStatus::Stopping
            | ApplicationStatus::Updating => Err(AnalyticsError::ResourceInUseException(format!(
                "Application {name} is {}; try again when it is READY or RUNNING.",
                app.status.as_str()
            ))),
            // A running application is halted and deleted.
            ApplicationStatus::Ready | ApplicationStatus::Running => {
                let now = world.now_ms();
                world.begin_deleting_application(&name, now);
                Ok(Empty {})
            }
        }
    }
}

/// One input's starting position, as StartApplication gives it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InputConfiguration {
    pub id: Option<String>,
    pub input_starting_position_configuration: Option<InputStartingPositionConfiguration>,
}

/// StartApplication.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct StartApplicationInput {
    pub application_name: Option<String>,
    pub input_configurations: Option<Vec<InputConfiguration>>,
}

const POSITIONS: &[&str] = &["NOW", "TRIM_HORIZON", "LAST_STOPPED_POINT"];

impl Operation for StartApplicationInput {
    type Output = Empty;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<Empty> {
        let mut v = Validator::new();
        checks::application_name(&mut v, &self.application_name);
        if let Some(configs) = v.required("inputConfigurations", &self.input_configurations) {
            for (i, config) in configs.iter().enumerate() {
                let at = format!("inputConfigurations.{}.member", i + 1);
                checks::id(&mut v, &format!("{at}.id"), &config.id);
                let position = format!("{at}.inputStartingPositionConfiguration");
                if let Some(p) =
                    v.required(&position, &config.input_starting_position_configuration)
                {
                    let at = format!("{position}.inputStartingPosition");
                    if let Some(text) = &p.input_starting_position {
                        v.one_of(&at, &Some(text.clone()), POSITIONS);
                    }
                }
            }
        }
        finish(v)?;
        let name = self.application_name.unwrap_or_default();
        let configs = self.input_configurations.unwrap_or_default();
        let now = world.now_ms();
        let app = world.application_named_mut(&name)?;
        if app.status != ApplicationStatus::Ready {
            return Err(AnalyticsError::ResourceInUseException(format!(
                "Application {name} is {}; it must be READY to be started.",
                app.status.as_str()
            )));
        }
        let Some(stored) = app.inputs.first() else {
            return Err(AnalyticsError::InvalidApplicationConfigurationException(
                format!("Application {name} has no input configured."),
            ));
        };
        let config = configs
            .iter()
            .find(|c| c.id.as_deref() == Some(stored.id.as_str()))
            .ok_or_else(|| {
                AnalyticsError::InvalidArgumentException(format!(
                    "Input configuration for input id {} is missing.",
                    stored.id
                ))
            })?;
        if let Some(other) = configs.iter().find(|c| c.id.as_deref() != Some(&stored.id)) {
            return Err(AnalyticsError::InvalidArgumentException(format!(
                "Application {name} has no input with id {}.",
                other.id.as_deref().unwrap_or_default()
            )));
        }
        let position = config
            .input_starting_position_configuration
            .as_ref()
            .and_then(|p| p.input_starting_position.clone())
            .unwrap_or_else(|| "NOW".into());
        if position == "TRIM_HORIZON" && stored.input.kinesis_firehose_input.is_some() {
            return Err(AnalyticsError::InvalidArgumentException(
                "TRIM_HORIZON is not available for a Kinesis Firehose delivery stream.".into(),
            ));
        }
        let previous = app.runtime.take().map(|r| r.source);
        let runtime = Runtime::start(app, &position, previous, now).map_err(|e| match e {
            AnalyticsError::CodeValidationException(m) => {
                AnalyticsError::InvalidApplicationConfigurationException(m)
            }
            other => other,
        })?;
        app.inputs[0].starting_position = Some(position);
        app.runtime = Some(runtime);
        app.status = ApplicationStatus::Starting;
        app.transition_at_ms = Some(now + STARTING_MS);
        world.load_reference_data(&name);
        world.log_event(
            EventKind::StatusChanged,
            None,
            format!("application {name} is STARTING"),
        );
        Ok(Empty {})
    }
}

/// StopApplication.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct StopApplicationInput {
    pub application_name: Option<String>,
}

impl Operation for StopApplicationInput {
    type Output = Empty;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<Empty> {
        let mut v = Validator::new();
        checks::application_name(&mut v, &self.application_name);
        finish(v)?;
        let name = self.application_name.unwrap_or_default();
        let now = world.now_ms();
        let app = world.application_named_mut(&name)?;
        if app.status != ApplicationStatus::Running {
            return Err(AnalyticsError::ResourceInUseException(format!(
                "Application {name} is {}; only a RUNNING application can be stopped.",
                app.status.as_str()
            )));
        }
        app.status = ApplicationStatus::Stopping;
        app.transition_at_ms = Some(now + STOPPING_MS);
        world.log_event(
            EventKind::StatusChanged,
            None,
            format!("application {name} is STOPPING"),
        );
        Ok(Empty {})
    }
}
