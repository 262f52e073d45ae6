//! The `AnalyticsCommand` enum: every kinesisanalytics (SQL) operation, by name (reference D's
//! 20 operations of `KinesisAnalytics_20150814`).

use super::error::AnalyticsError;
use super::ops::discover::*;
use super::ops::lifecycle::*;
use super::ops::parts::*;
use super::ops::tags::*;
use super::ops::update::*;
use crate::service_command::service_commands;
use crate::streams::shapes::Empty;

/// The operations of `KinesisAnalytics_20150814`.
pub const ANALYTICS_OPERATIONS: &[&str] = &[
    "AddApplicationCloudWatchLoggingOption",
    "AddApplicationInput",
    "AddApplicationInputProcessingConfiguration",
    "AddApplicationOutput",
    "AddApplicationReferenceDataSource",
    "CreateApplication",
    "DeleteApplication",
    "DeleteApplicationCloudWatchLoggingOption",
    "DeleteApplicationInputProcessingConfiguration",
    "DeleteApplicationOutput",
    "DeleteApplicationReferenceDataSource",
    "DescribeApplication",
    "DiscoverInputSchema",
    "ListApplications",
    "ListTagsForResource",
    "StartApplication",
    "StopApplication",
    "TagResource",
    "UntagResource",
    "UpdateApplication",
];

service_commands! {
    AnalyticsCommand, AnalyticsOutput, AnalyticsError;
    AddApplicationCloudWatchLoggingOption(AddApplicationCloudWatchLoggingOptionInput) -> Empty;
    AddApplicationInput(AddApplicationInputInput) -> Empty;
    AddApplicationInputProcessingConfiguration(AddApplicationInputProcessingConfigurationInput) -> Empty;
    AddApplicationOutput(AddApplicationOutputInput) -> Empty;
    AddApplicationReferenceDataSource(AddApplicationReferenceDataSourceInput) -> Empty;
    CreateApplication(CreateApplicationInput) -> CreateApplicationOutput;
    DeleteApplication(DeleteApplicationInput) -> Empty;
    DeleteApplicationCloudWatchLoggingOption(DeleteApplicationCloudWatchLoggingOptionInput) -> Empty;
    DeleteApplicationInputProcessingConfiguration(DeleteApplicationInputProcessingConfigurationInput) -> Empty;
    DeleteApplicationOutput(DeleteApplicationOutputInput) -> Empty;
    DeleteApplicationReferenceDataSource(DeleteApplicationReferenceDataSourceInput) -> Empty;
    DescribeApplication(DescribeApplicationInput) -> DescribeApplicationOutput;
    DiscoverInputSchema(DiscoverInputSchemaInput) -> DiscoverInputSchemaOutput;
    ListApplications(ListApplicationsInput) -> ListApplicationsOutput;
    ListTagsForResource(ListTagsForResourceInput) -> ListTagsForResourceOutput;
    StartApplication(StartApplicationInput) -> Empty;
    StopApplication(StopApplicationInput) -> Empty;
    TagResource(TagResourceInput) -> Empty;
    UntagResource(UntagResourceInput) -> Empty;
    UpdateApplication(UpdateApplicationInput) -> Empty;
}

impl AnalyticsCommand {
    /// The application a call names, for the traffic log.
    pub fn application_hint(&self) -> Option<String> {
        let value = serde_json::to_value(self).ok()?;
        let input = value.get("Input")?;
        let text = |key: &str| input.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        text("ApplicationName").or_else(|| {
            text("ResourceARN").map(|arn| arn.rsplit('/').next().unwrap_or(&arn).to_owned())
        })
    }
}
