//! What every kinesisanalytics operation checks: the model's constraints on the parts of an
//! application (collected into one ValidationException, in the model's member order), the
//! application looked up by name, its version and its status — with AWS's exceptions.

use crate::analytics::application::Application;
use crate::analytics::error::{AnalyticsError, AnalyticsResult};
use crate::analytics::shapes::*;
use crate::validate::{Pattern, Validator};
use crate::world::World;

const ARN_PATTERN: &str = "arn:.*";
const ROLE_PATTERN: &str = "arn:aws:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+";
const ID_PATTERN: &str = "[a-zA-Z0-9_.-]+";
const COLUMN_NAME_PATTERN: &str = "[a-zA-Z_][a-zA-Z0-9_]*";
const OUTPUT_NAME_PATTERN: &str = "[a-zA-Z][a-zA-Z0-9_]+";

fn role_ok(role: &str) -> bool {
    let Some(rest) = role.strip_prefix("arn:aws:iam::") else {
        return false;
    };
    let (account, name) = rest.split_at(rest.len().min(12));
    account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && name.strip_prefix(":role").is_some_and(|n| {
            let n = n.strip_prefix('/').unwrap_or(n);
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@-_/".contains(c))
        })
}

fn id_ok(id: &str) -> bool {
    id.chars()
        .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

pub(crate) fn finish(v: Validator) -> AnalyticsResult<()> {
    v.finish_as(AnalyticsError::ValidationException)
}

pub(crate) fn application_name(v: &mut Validator, name: &Option<String>) {
    v.required_string("applicationName", name, 1, 128, Some(Pattern::Name));
}

pub(crate) fn version(v: &mut Validator, version: Option<i64>) {
    if v.required("currentApplicationVersionId", &version)
        .is_some()
    {
        v.range("currentApplicationVersionId", version, 1, 999_999_999);
    }
}

pub(crate) fn id(v: &mut Validator, member: &str, id: &Option<String>) {
    if let Some(id) = v.required(member, id)
        && v.length(member, id, 1, 50)
    {
        v.pattern_text(member, id, ID_PATTERN, id_ok(id));
    }
}

fn arn(v: &mut Validator, member: &str, arn: &Option<String>) {
    if let Some(arn) = v.required(member, arn)
        && v.length(member, arn, 1, 2048)
    {
        v.pattern_text(member, arn, ARN_PATTERN, arn.starts_with("arn:"));
    }
}

pub(crate) fn role(v: &mut Validator, member: &str, role: &Option<String>) {
    if let Some(role) = v.required(member, role)
        && v.length(member, role, 1, 2048)
    {
        v.pattern_text(member, role, ROLE_PATTERN, role_ok(role));
    }
}

pub(crate) fn resource_role(v: &mut Validator, member: &str, pair: &ResourceRole) {
    arn(v, &format!("{member}.resourceARN"), &pair.resource_arn);
    role(v, &format!("{member}.roleARN"), &pair.role_arn);
}

pub(crate) fn schema(v: &mut Validator, member: &str, schema: &SourceSchema) {
    let format_member = format!("{member}.recordFormat");
    if let Some(format) = v.required(&format_member, &schema.record_format) {
        v.one_of(
            &format!("{format_member}.recordFormatType"),
            &format.record_format_type,
            &["JSON", "CSV"],
        );
        let mapping = format.mapping_parameters.clone().unwrap_or_default();
        let at = format!("{format_member}.mappingParameters");
        if let Some(json) = &mapping.json {
            let path = format!("{at}.jSONMappingParameters.recordRowPath");
            if let Some(row_path) = v.required(&path, &json.record_row_path) {
                v.length(&path, row_path, 1, usize::MAX);
            }
        }
        if let Some(csv) = &mapping.csv {
            for (name, value) in [
                ("recordRowDelimiter", &csv.record_row_delimiter),
                ("recordColumnDelimiter", &csv.record_column_delimiter),
            ] {
                let path = format!("{at}.cSVMappingParameters.{name}");
                if let Some(delimiter) = v.required(&path, value) {
                    v.length(&path, delimiter, 1, usize::MAX);
                }
            }
        }
    }
    if let Some(encoding) = &schema.record_encoding {
        let at = format!("{member}.recordEncoding");
        v.pattern_text(&at, encoding, "UTF-8", encoding == "UTF-8");
    }
    let columns_member = format!("{member}.recordColumns");
    if let Some(columns) = v.required(&columns_member, &schema.record_columns) {
        v.list_size(&columns_member, columns.len(), 1, 1000);
        for (i, column) in columns.iter().enumerate() {
            let at = format!("{columns_member}.{}.member", i + 1);
            if let Some(name) = v.required(&format!("{at}.name"), &column.name) {
                let ok = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                v.pattern_text(&format!("{at}.name"), name, COLUMN_NAME_PATTERN, ok);
            }
            if let Some(kind) = v.required(&format!("{at}.sqlType"), &column.sql_type) {
                v.length(&format!("{at}.sqlType"), kind, 1, usize::MAX);
            }
        }
    }
}

pub(crate) fn input(v: &mut Validator, member: &str, input: &Input) {
    if let Some(prefix) = v.required(&format!("{member}.namePrefix"), &input.name_prefix) {
        v.length(&format!("{member}.namePrefix"), prefix, 1, 32);
    }
    if let Some(processing) = &input.input_processing_configuration {
        let at = format!("{member}.inputProcessingConfiguration.inputLambdaProcessor");
        if let Some(lambda) = v.required(&at, &processing.input_lambda_processor) {
            resource_role(v, &at, lambda);
        }
    }
    if let Some(pair) = &input.kinesis_streams_input {
        resource_role(v, &format!("{member}.kinesisStreamsInput"), pair);
    }
    if let Some(pair) = &input.kinesis_firehose_input {
        resource_role(v, &format!("{member}.kinesisFirehoseInput"), pair);
    }
    if let Some(parallelism) = &input.input_parallelism {
        v.range(
            &format!("{member}.inputParallelism.count"),
            parallelism.count,
            1,
            64,
        );
    }
    if let Some(s) = v.required(&format!("{member}.inputSchema"), &input.input_schema) {
        schema(v, &format!("{member}.inputSchema"), s);
    }
}

pub(crate) fn output(v: &mut Validator, member: &str, output: &Output) {
    if let Some(name) = v.required(&format!("{member}.name"), &output.name)
        && v.length(&format!("{member}.name"), name, 1, 32)
    {
        let ok = name.len() >= 2
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        v.pattern_text(&format!("{member}.name"), name, OUTPUT_NAME_PATTERN, ok);
    }
    for (kind, pair) in [
        ("kinesisStreamsOutput", &output.kinesis_streams_output),
        ("kinesisFirehoseOutput", &output.kinesis_firehose_output),
        ("lambdaOutput", &output.lambda_output),
    ] {
        if let Some(pair) = pair {
            resource_role(v, &format!("{member}.{kind}"), pair);
        }
    }
    let at = format!("{member}.destinationSchema");
    if let Some(schema) = v.required(&at, &output.destination_schema) {
        v.one_of(
            &format!("{at}.recordFormatType"),
            &schema.record_format_type,
            &["JSON", "CSV"],
        );
    }
}

pub(crate) fn reference(v: &mut Validator, member: &str, reference: &ReferenceDataSource) {
    if let Some(table) = v.required(&format!("{member}.tableName"), &reference.table_name) {
        v.length(&format!("{member}.tableName"), table, 1, 32);
    }
    if let Some(s3) = &reference.s3_reference_data_source {
        let at = format!("{member}.s3ReferenceDataSource");
        arn(v, &format!("{at}.bucketARN"), &s3.bucket_arn);
        if let Some(key) = v.required(&format!("{at}.fileKey"), &s3.file_key) {
            v.length(&format!("{at}.fileKey"), key, 1, 1024);
        }
        role(v, &format!("{at}.referenceRoleARN"), &s3.reference_role_arn);
    }
    let at = format!("{member}.referenceSchema");
    if let Some(s) = v.required(&at, &reference.reference_schema) {
        schema(v, &at, s);
    }
}

pub(crate) fn logging(v: &mut Validator, member: &str, option: &CloudWatchLoggingOption) {
    arn(v, &format!("{member}.logStreamARN"), &option.log_stream_arn);
    role(v, &format!("{member}.roleARN"), &option.role_arn);
}

/// The semantic checks AWS makes of an input beyond the model: one source, JSON columns mapped.
pub(crate) fn input_semantics(input: &Input) -> AnalyticsResult<()> {
    let sources = [
        input.kinesis_streams_input.is_some(),
        input.kinesis_firehose_input.is_some(),
    ];
    if sources.iter().filter(|s| **s).count() != 1 {
        return Err(AnalyticsError::InvalidArgumentException(
            "Exactly one of KinesisStreamsInput or KinesisFirehoseInput must be set.".into(),
        ));
    }
    let kind = match input.kinesis_streams_input {
        Some(_) => "stream",
        None => "deliverystream",
    };
    resource_named(input.source_arn(), kind)?;
    schema_semantics(input.input_schema.as_ref())
}

/// A JSON schema's columns each need a Mapping.
pub(crate) fn schema_semantics(schema: Option<&SourceSchema>) -> AnalyticsResult<()> {
    let Some(schema) = schema else { return Ok(()) };
    let json = schema
        .record_format
        .as_ref()
        .and_then(|f| f.record_format_type.as_deref())
        == Some("JSON");
    let unmapped = schema
        .record_columns
        .iter()
        .flatten()
        .find(|c| json && c.mapping.is_none());
    match unmapped {
        Some(column) => Err(AnalyticsError::InvalidArgumentException(format!(
            "Mapping is required for column {} when the RecordFormatType is JSON.",
            column.name.as_deref().unwrap_or_default()
        ))),
        None => Ok(()),
    }
}

/// Outputs need exactly one destination; Kinescope delivers to streams and delivery streams.
pub(crate) fn output_semantics(output: &Output) -> AnalyticsResult<()> {
    let destinations = [
        output.kinesis_streams_output.is_some(),
        output.kinesis_firehose_output.is_some(),
        output.lambda_output.is_some(),
    ];
    if destinations.iter().filter(|d| **d).count() != 1 {
        return Err(AnalyticsError::InvalidArgumentException(
            "Exactly one of KinesisStreamsOutput, KinesisFirehoseOutput or LambdaOutput must be set."
                .into(),
        ));
    }
    match (
        &output.kinesis_streams_output,
        &output.kinesis_firehose_output,
    ) {
        (Some(_), _) => resource_named(output.destination_arn(), "stream")?,
        (_, Some(_)) => resource_named(output.destination_arn(), "deliverystream")?,
        _ => {}
    }
    if output.lambda_output.is_some() {
        return Err(AnalyticsError::UnsupportedOperationException(
            "Kinescope does not emulate Lambda outputs: write the stream to a Kinesis stream or a \
             Firehose delivery stream."
                .into(),
        ));
    }
    Ok(())
}

/// An ARN must name a resource of `kind` (`…:stream/NAME`, `…:deliverystream/NAME`).
fn resource_named(arn: &str, kind: &str) -> AnalyticsResult<()> {
    match crate::analytics::output_writer::arn_resource(arn, kind) {
        Some(_) => Ok(()),
        None => Err(AnalyticsError::InvalidArgumentException(format!(
            "{arn} is not the ARN of a {}.",
            if kind == "stream" {
                "Kinesis stream"
            } else {
                "Firehose delivery stream"
            }
        ))),
    }
}

pub(crate) fn not_found(name: &str) -> AnalyticsError {
    AnalyticsError::ResourceNotFoundException(format!("Application {name} not found"))
}

/// A part (input, output, …) that application `name` does not have.
pub(crate) fn part_not_found(kind: &str, id: &str, name: &str) -> AnalyticsError {
    AnalyticsError::ResourceNotFoundException(format!(
        "{kind} with id {id} not found in application {name}"
    ))
}

impl World {
    /// The named application, or ResourceNotFoundException.
    pub(crate) fn application_named(&self, name: &str) -> AnalyticsResult<&Application> {
        self.analytics
            .applications
            .get(name)
            .ok_or_else(|| not_found(name))
    }

    /// The named application, to change its status; ResourceNotFoundException if there is none.
    pub(crate) fn application_named_mut(
        &mut self,
        name: &str,
    ) -> AnalyticsResult<&mut Application> {
        self.analytics
            .applications
            .get_mut(name)
            .ok_or_else(|| not_found(name))
    }

    /// The named application, ready for a change of configuration at `version`: it must exist,
    /// be READY or RUNNING, and be at that version.
    pub(crate) fn application_to_change(
        &mut self,
        name: &str,
        version: i64,
    ) -> AnalyticsResult<&mut Application> {
        let app = self.application_named_mut(name)?;
        if !matches!(
            app.status,
            ApplicationStatus::Ready | ApplicationStatus::Running
        ) {
            return Err(AnalyticsError::ResourceInUseException(format!(
                "Application {name} is {}; it can be changed only when READY or RUNNING.",
                app.status.as_str()
            )));
        }
        if app.version_id != version {
            return Err(AnalyticsError::ConcurrentModificationException(format!(
                "Current application version id {version} does not match the application's \
                 version id {}.",
                app.version_id
            )));
        }
        Ok(app)
    }
}
