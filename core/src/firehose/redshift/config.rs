//! The Redshift destination's configuration (reference B.3, B.4, B.5, B.10): the shape the API
//! carries, the model's constraints, AWS's rules and what a delivery stream holds. Kinescope
//! speaks PostgreSQL's protocol to the cluster the JDBC URL names, so a PostgreSQL server stands
//! for Redshift; the URL's host may be any host (AWS's pattern wants a `*.redshift.*` name).

use super::copy_queue::CopyQueue;
use crate::firehose::destination::{
    CloudWatchLoggingOptions, CompressionFormat, PlainS3Description, ProcessingConfiguration,
    S3Destination, S3DestinationInput,
};
use crate::firehose::error::FirehoseError;
use crate::firehose::http_endpoint::{RetryOptions, validate_retry_and_backup};
use crate::firehose::messages;
use crate::firehose::object_key::Prefix;
use crate::firehose::optional_shape::optional_shape;
use crate::validate::Validator;
use serde::Serialize;
use serde_json::Value;

optional_shape!(RedshiftDestinationConfiguration {
    #[serde(rename = "RoleARN")]
    role_arn: String,
    #[serde(rename = "ClusterJDBCURL")]
    cluster_jdbc_url: String,
    copy_command: CopyCommand,
    username: String,
    password: String,
    retry_options: RetryOptions,
    #[serde(rename = "S3Configuration", alias = "S3Update")]
    s3_configuration: S3DestinationInput,
    processing_configuration: ProcessingConfiguration,
    #[serde(rename = "S3BackupMode")]
    s3_backup_mode: String,
    #[serde(rename = "S3BackupConfiguration", alias = "S3BackupUpdate")]
    s3_backup_configuration: S3DestinationInput,
    cloud_watch_logging_options: CloudWatchLoggingOptions,
    secrets_manager_configuration: Value,
});
optional_shape!(CopyCommand {
    data_table_name: String,
    data_table_columns: String,
    copy_options: String,
});

/// The model's pattern of ClusterJDBCURL, for the ValidationException text.
const JDBC_URL_PATTERN: &str = "jdbc:(redshift|postgresql)://((?!-)[A-Za-z0-9-]{1,63}(?<!-)\\.)+(redshift(-serverless)?)\\.([a-zA-Z0-9\\.\\-]+):\\d{1,5}/[a-zA-Z0-9_$-]+";
/// RetryOptions.DurationInSeconds 0–7200, default 3600 (B.5).
const DEFAULT_RETRY_SECONDS: i64 = 3_600;
const BACKUP_MODES: [&str; 2] = ["Disabled", "Enabled"];

/// Where the cluster is: `jdbc:redshift://HOST:PORT/DATABASE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JdbcUrl {
    pub host: String,
    pub port: u16,
    pub database: String,
}

impl JdbcUrl {
    /// The URL's parts, if it is a JDBC URL of Redshift or PostgreSQL with a host, a port and a
    /// database (the model's pattern, any host).
    pub fn parse(url: &str) -> Option<JdbcUrl> {
        let rest = url
            .strip_prefix("jdbc:redshift://")
            .or_else(|| url.strip_prefix("jdbc:postgresql://"))?;
        let (authority, database) = rest.split_once('/')?;
        let (host, port) = authority.rsplit_once(':')?;
        let host_ok = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        let port_ok = (1..=5).contains(&port.len()) && port.bytes().all(|b| b.is_ascii_digit());
        let database_ok = !database.is_empty()
            && database
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_$-".contains(&b));
        let port = port.parse().ok().filter(|_| port_ok)?;
        (host_ok && database_ok).then(|| JdbcUrl {
            host: host.to_owned(),
            port,
            database: database.to_owned(),
        })
    }
}

/// A Redshift destination as a delivery stream holds it (its S3 configuration is the stream's
/// S3 destination: the staging bucket).
#[derive(Debug, Clone, PartialEq)]
pub struct Redshift {
    pub role_arn: String,
    pub jdbc_url: String,
    pub cluster: JdbcUrl,
    pub username: String,
    pub password: String,
    pub table: String,
    pub columns: Option<String>,
    pub copy_options: String,
    pub retry_duration_ms: i64,
    pub processing_configuration: Option<ProcessingConfiguration>,
    pub cloud_watch_logging_options: CloudWatchLoggingOptions,
    /// The configuration as given (its S3 parts held apart), for UpdateDestination to merge into.
    pub config: RedshiftDestinationConfiguration,
    /// Staged objects waiting for their COPY, and the COPY under way.
    pub queue: CopyQueue,
}

/// The model's constraints on a new destination (ValidationException).
pub(crate) fn validate(v: &mut Validator, member: &str, c: &RedshiftDestinationConfiguration) {
    let at = |m: &str| format!("{member}.{m}");
    v.required(&at("roleARN"), &c.role_arn);
    v.required(&at("clusterJDBCURL"), &c.cluster_jdbc_url);
    v.required(&at("copyCommand"), &c.copy_command);
    v.required(&at("s3Configuration"), &c.s3_configuration);
    validate_update(v, member, c);
}

/// The model's constraints on the members present (RedshiftDestinationUpdate).
pub(crate) fn validate_update(
    v: &mut Validator,
    member: &str,
    c: &RedshiftDestinationConfiguration,
) {
    let at = |m: &str| format!("{member}.{m}");
    if let Some(url) = &c.cluster_jdbc_url
        && v.length(&at("clusterJDBCURL"), url, 1, 512)
    {
        let ok = JdbcUrl::parse(url).is_some();
        v.pattern_text(&at("clusterJDBCURL"), url, JDBC_URL_PATTERN, ok);
    }
    if let Some(copy) = &c.copy_command {
        let name = &copy.data_table_name;
        v.required_string(&at("copyCommand.dataTableName"), name, 1, 512, None);
        let columns = &copy.data_table_columns;
        v.string(
            &at("copyCommand.dataTableColumns"),
            columns,
            0,
            10_240,
            None,
        );
        let options = &copy.copy_options;
        v.string(&at("copyCommand.copyOptions"), options, 0, 10_240, None);
    }
    v.string(&at("username"), &c.username, 1, 512, None);
    v.sensitive_length(&at("password"), &c.password, 6, 512);
    let (retry, mode) = (&c.retry_options, &c.s3_backup_mode);
    validate_retry_and_backup(v, member, retry, mode, &BACKUP_MODES);
}

/// AWS's rules and the defaults.
pub(crate) fn check(c: &RedshiftDestinationConfiguration) -> Result<Redshift, FirehoseError> {
    let jdbc_url = c.cluster_jdbc_url.clone().unwrap_or_default();
    let cluster = JdbcUrl::parse(&jdbc_url).ok_or_else(|| {
        messages::invalid(format!(
            "ClusterJDBCURL {jdbc_url} must read jdbc:redshift://HOST:PORT/DATABASE."
        ))
    })?;
    let secrets = c
        .secrets_manager_configuration
        .as_ref()
        .and_then(|s| s.get("Enabled"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if secrets {
        return Err(messages::invalid(
            "Kinescope does not emulate SecretsManagerConfiguration: give Username and Password.",
        ));
    }
    let (Some(username), Some(password)) = (&c.username, &c.password) else {
        return Err(messages::invalid(
            "Username and Password are required when SecretsManagerConfiguration is not enabled.",
        ));
    };
    let copy = c.copy_command.clone().unwrap_or_default();
    Ok(Redshift {
        role_arn: c.role_arn.clone().unwrap_or_default(),
        jdbc_url,
        cluster,
        username: username.clone(),
        password: password.clone(),
        table: copy.data_table_name.unwrap_or_default(),
        columns: copy.data_table_columns.filter(|c| !c.trim().is_empty()),
        copy_options: copy.copy_options.unwrap_or_default(),
        retry_duration_ms: c
            .retry_options
            .as_ref()
            .and_then(|r| r.duration_in_seconds)
            .unwrap_or(DEFAULT_RETRY_SECONDS)
            * 1_000,
        processing_configuration: c.processing_configuration.clone(),
        cloud_watch_logging_options: c.cloud_watch_logging_options.clone().unwrap_or_default(),
        config: RedshiftDestinationConfiguration {
            s3_configuration: None,
            s3_backup_configuration: None,
            ..c.clone()
        },
        queue: CopyQueue::default(),
    })
}

/// The rules on the staging bucket's configuration (B.4): COPY reads what is staged, so the
/// prefix is plain text, errors have no prefix of their own, and the compression is one COPY
/// reads; a plain S3 configuration has no conversion or partitioning.
pub(crate) fn check_staging(s3: &S3Destination) -> Result<(), FirehoseError> {
    let partitioned = s3
        .dynamic_partitioning_configuration
        .as_ref()
        .is_some_and(|d| d.enabled == Some(true));
    if s3.data_format_conversion_configuration.is_some() || partitioned {
        return Err(messages::invalid(
            "The S3Configuration of a Redshift destination has no DataFormatConversionConfiguration or DynamicPartitioningConfiguration: those are ExtendedS3DestinationConfiguration's.",
        ));
    }
    if Prefix::has_expressions(&s3.prefix) {
        return Err(messages::invalid(
            "The S3Configuration of a Redshift destination cannot use expressions in its Prefix.",
        ));
    }
    if s3.error_output_prefix.is_some() {
        return Err(messages::invalid(
            "The S3Configuration of a Redshift destination cannot have an ErrorOutputPrefix.",
        ));
    }
    if !matches!(
        s3.compression_format,
        CompressionFormat::Uncompressed | CompressionFormat::Gzip
    ) {
        return Err(messages::invalid(
            "CompressionFormat of a Redshift destination's S3Configuration must be UNCOMPRESSED or GZIP: COPY cannot read Snappy or ZIP.",
        ));
    }
    Ok(())
}

impl Redshift {
    /// `held`'s loading state carried into this configuration (UpdateDestination).
    pub fn keeping_queue_of(mut self, held: &Redshift) -> Redshift {
        self.queue = held.queue.clone();
        self
    }

    /// Where rows go, as people read it.
    pub fn label(&self) -> String {
        format!("COPY into {} at {}", self.table, self.jdbc_url)
    }

    pub fn describe(&self, s3: &S3Destination) -> RedshiftDescription {
        RedshiftDescription {
            role_arn: self.role_arn.clone(),
            cluster_jdbc_url: self.jdbc_url.clone(),
            copy_command: CopyCommand {
                data_table_name: Some(self.table.clone()),
                data_table_columns: self.columns.clone(),
                copy_options: Some(self.copy_options.clone()).filter(|o| !o.is_empty()),
            },
            username: self.username.clone(),
            retry_options: RetryOptions {
                duration_in_seconds: Some(self.retry_duration_ms / 1_000),
            },
            s3: PlainS3Description::from(s3),
            processing_configuration: self.processing_configuration.clone(),
            s3_backup_mode: s3.s3_backup_mode.clone(),
            s3_backup: s3.s3_backup_description.clone(),
            cloud_watch_logging_options: self.cloud_watch_logging_options.clone(),
        }
    }
}

/// DescribeDeliveryStream's RedshiftDestinationDescription (no password, as AWS).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RedshiftDescription {
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
    #[serde(rename = "ClusterJDBCURL")]
    pub cluster_jdbc_url: String,
    pub copy_command: CopyCommand,
    pub username: String,
    pub retry_options: RetryOptions,
    #[serde(rename = "S3DestinationDescription")]
    pub s3: PlainS3Description,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_configuration: Option<ProcessingConfiguration>,
    #[serde(rename = "S3BackupMode")]
    pub s3_backup_mode: String,
    #[serde(
        rename = "S3BackupDescription",
        skip_serializing_if = "Option::is_none"
    )]
    pub s3_backup: Option<PlainS3Description>,
    pub cloud_watch_logging_options: CloudWatchLoggingOptions,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jdbc_urls_name_host_port_and_database() {
        let url =
            JdbcUrl::parse("jdbc:redshift://example.abc.us-east-1.redshift.amazonaws.com:5439/dev");
        assert_eq!(
            url.map(|u| (u.port, u.database)),
            Some((5439, "dev".into()))
        );
        let local = JdbcUrl::parse("jdbc:postgresql://127.0.0.1:54321/analytics").unwrap();
        assert_eq!((local.host.as_str(), local.port), ("127.0.0.1", 54321));
        for bad in [
            "jdbc:mysql://h:1/db",
            "jdbc:redshift://h/db",
            "jdbc:redshift://h:123456/db",
            "jdbc:redshift://h:5439/",
            "jdbc:redshift://h:5439/a b",
            "redshift://h:5439/db",
        ] {
            assert_eq!(JdbcUrl::parse(bad), None, "{bad}");
        }
    }
}
