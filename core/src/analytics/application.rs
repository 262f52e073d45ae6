//! An application as the kinesisanalytics API keeps it (reference D): its configuration — code,
//! one streaming input, up to three outputs, one reference data source, logging options — each
//! part with its id, the version every change bumps, its status and the transition under way,
//! and, once started, its [`Runtime`].

use super::runtime::Runtime;
use super::shapes::*;
use crate::firehose::shapes::Tag;

/// Streaming inputs an application may have.
pub const MAX_INPUTS: usize = 1;
/// Outputs an application may have (three destinations).
pub const MAX_OUTPUTS: usize = 3;
/// Reference data sources an application may have.
pub const MAX_REFERENCES: usize = 1;
/// Applications an account may have in a region (the SQL service's default quota).
pub const MAX_APPLICATIONS: usize = 50;
/// Tags an application may carry.
pub const MAX_TAGS: usize = 50;

// AWS does not document how long transitions take; starting took about a minute in practice.
// Kinescope keeps them short enough for a lesson and long enough to be seen.
/// STARTING lasts this long before RUNNING.
pub const STARTING_MS: i64 = 10_000;
/// STOPPING lasts this long before READY.
pub const STOPPING_MS: i64 = 5_000;
/// UPDATING (of a running application) lasts this long before RUNNING again.
pub const UPDATING_MS: i64 = 5_000;
/// DELETING lasts this long before the application is gone.
pub const DELETING_MS: i64 = 5_000;

/// The streaming input and how it is configured.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredInput {
    pub id: String,
    pub input: Input,
    /// The starting position the last StartApplication gave.
    pub starting_position: Option<String>,
}

/// An application.
#[derive(Debug)]
pub struct Application {
    pub name: String,
    pub arn: String,
    pub description: Option<String>,
    pub status: ApplicationStatus,
    pub version_id: i64,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub code: Option<String>,
    pub inputs: Vec<StoredInput>,
    pub outputs: Vec<(String, Output)>,
    pub references: Vec<(String, ReferenceDataSource)>,
    pub logging: Vec<(String, CloudWatchLoggingOption)>,
    pub tags: Vec<Tag>,
    /// When the transition under way (STARTING, STOPPING, UPDATING, DELETING) completes.
    pub transition_at_ms: Option<i64>,
    /// The running program and its reader; kept after a stop so its last state can be looked at.
    pub runtime: Option<Runtime>,
}

impl Application {
    /// A new, READY application.
    pub fn new(name: String, arn: String, now: i64) -> Self {
        Self {
            name,
            arn,
            description: None,
            status: ApplicationStatus::Ready,
            version_id: 1,
            created_ms: now,
            updated_ms: now,
            code: None,
            inputs: Vec::new(),
            outputs: Vec::new(),
            references: Vec::new(),
            logging: Vec::new(),
            tags: Vec::new(),
            transition_at_ms: None,
            runtime: None,
        }
    }

    /// The id of a part added by the change that makes version `version`, beside parts of the
    /// same kind with `taken` ids: `<version>.<n>`, as AWS numbers them (`1.1` for the first
    /// input given at creation, `4.1` for an output added by the change to version 4).
    pub fn part_id<'a>(version: i64, taken: impl Iterator<Item = &'a String>) -> String {
        let prefix = format!("{version}.");
        let n = taken.filter(|id| id.starts_with(&prefix)).count() + 1;
        format!("{prefix}{n}")
    }

    /// Records a change of configuration: a new version, updated now.
    pub fn bump(&mut self, now: i64) {
        self.version_id += 1;
        self.updated_ms = now;
    }

    pub fn summary(&self) -> ApplicationSummary {
        ApplicationSummary {
            application_name: self.name.clone(),
            application_arn: self.arn.clone(),
            application_status: self.status,
        }
    }

    /// The in-application stream an input's rows enter: its prefix and `_001`.
    pub fn in_app_stream_name(input: &Input) -> String {
        format!(
            "{}_001",
            input.name_prefix.as_deref().unwrap_or("SOURCE_SQL_STREAM")
        )
    }

    /// DescribeApplication's answer.
    pub fn detail(&self) -> ApplicationDetail {
        ApplicationDetail {
            application_name: self.name.clone(),
            application_description: self.description.clone(),
            application_arn: self.arn.clone(),
            application_status: self.status,
            create_timestamp: crate::time::Timestamp(self.created_ms),
            last_update_timestamp: crate::time::Timestamp(self.updated_ms),
            input_descriptions: self.inputs.iter().map(input_description).collect(),
            output_descriptions: self
                .outputs
                .iter()
                .map(|(id, o)| OutputDescription {
                    output_id: id.clone(),
                    name: o.name.clone().unwrap_or_default(),
                    kinesis_streams_output_description: o.kinesis_streams_output.clone(),
                    kinesis_firehose_output_description: o.kinesis_firehose_output.clone(),
                    lambda_output_description: o.lambda_output.clone(),
                    destination_schema: o.destination_schema.clone(),
                })
                .collect(),
            reference_data_source_descriptions: self
                .references
                .iter()
                .map(|(id, r)| ReferenceDataSourceDescription {
                    reference_id: id.clone(),
                    table_name: r.table_name.clone().unwrap_or_default(),
                    s3_reference_data_source_description: r
                        .s3_reference_data_source
                        .clone()
                        .unwrap_or_default(),
                    reference_schema: r.reference_schema.clone(),
                })
                .collect(),
            cloud_watch_logging_option_descriptions: self
                .logging
                .iter()
                .map(|(id, l)| CloudWatchLoggingOptionDescription {
                    cloud_watch_logging_option_id: id.clone(),
                    log_stream_arn: l.log_stream_arn.clone().unwrap_or_default(),
                    role_arn: l.role_arn.clone().unwrap_or_default(),
                })
                .collect(),
            application_code: self.code.clone(),
            application_version_id: self.version_id,
        }
    }
}

fn input_description(stored: &StoredInput) -> InputDescription {
    let input = &stored.input;
    InputDescription {
        input_id: stored.id.clone(),
        name_prefix: input.name_prefix.clone().unwrap_or_default(),
        in_app_stream_names: vec![Application::in_app_stream_name(input)],
        input_processing_configuration_description: input
            .input_processing_configuration
            .as_ref()
            .and_then(|c| c.input_lambda_processor.clone())
            .map(|lambda| ProcessingDescription {
                input_lambda_processor_description: lambda,
            }),
        kinesis_streams_input_description: input.kinesis_streams_input.clone(),
        kinesis_firehose_input_description: input.kinesis_firehose_input.clone(),
        input_schema: input.input_schema.clone(),
        input_parallelism: InputParallelism {
            count: Some(
                input
                    .input_parallelism
                    .as_ref()
                    .and_then(|p| p.count)
                    .unwrap_or(1),
            ),
        },
        input_starting_position_configuration: InputStartingPositionConfiguration {
            input_starting_position: stored.starting_position.clone(),
        },
    }
}
