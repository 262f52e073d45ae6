//! One COPY of staged objects into the cluster, over a real PostgreSQL connection: the table's
//! columns are read from the server, each object is read into rows by the COPY options, and
//! the rows go in through `COPY … FROM STDIN` in one transaction, as a manifest's objects load
//! into Redshift all or nothing. Failures carry Firehose's Redshift error codes.

use super::config::JdbcUrl;
use super::copy_options::CopyPlan;
use super::rows::{Column, ColumnKind, LoadError, Row, read_rows};
use postgres::types::Type;
use std::io::{Read, Write};
use std::time::Duration;

/// How long connecting to the cluster may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

/// A staged object as COPY reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedBody {
    /// `s3://bucket/key`, as the manifest names it.
    pub url: String,
    pub body: Vec<u8>,
}

/// Everything one COPY needs, made by the engine and run off its lock.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyCall {
    pub cluster: JdbcUrl,
    pub user: String,
    pub password: String,
    pub table: String,
    pub columns: Option<String>,
    pub plan: CopyPlan,
    pub objects: Vec<StagedBody>,
}

/// Why a COPY failed: Firehose's error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyFailure {
    pub code: String,
    pub message: String,
}

/// Rows loaded, or why none were.
pub type CopyResult = Result<u64, CopyFailure>;

fn failure(code: &str, message: impl Into<String>) -> CopyFailure {
    CopyFailure {
        code: code.into(),
        message: message.into(),
    }
}

/// Firehose's code and text for what the server or the connection said (CloudWatch Logs' delivery
/// errors), with the server's own words after them.
fn failure_of(error: &postgres::Error) -> CopyFailure {
    let Some(db) = error.as_db_error() else {
        return failure(
            "Redshift.ConnectionFailed",
            format!(
                "The connection to the specified Amazon Redshift cluster failed. Ensure that security settings allow Firehose connections, that the cluster or database specified in the Amazon Redshift destination configuration or JDBC URL is correct, and that the cluster is available. ({error})"
            ),
        );
    };
    let (code, text) = match db.code().code() {
        "28P01" | "28000" => (
            "Redshift.AuthenticationFailed",
            "The provided user name and password failed authentication. Provide a valid user name and password.",
        ),
        "3D000" => (
            "Redshift.DatabaseNotFound",
            "The database specified in the Amazon Redshift destination configuration or JDBC URL was not found. Specify a valid database name.",
        ),
        "42P01" | "3F000" => (
            "Redshift.TableNotFound",
            "The table to which to load data was not found. Ensure that the specified table exists.",
        ),
        "42703" => (
            "Redshift.ColumnNotFound",
            "A column in the COPY command does not exist in the table. Specify a valid column name.",
        ),
        "42601" => (
            "Redshift.SyntaxError",
            "The COPY command contains a syntax error. Retry the command.",
        ),
        "42501" => (
            "Redshift.InsufficientPrivilege",
            "The user does not have permissions to load data into the table. Check the Amazon Redshift user permissions for the INSERT privilege.",
        ),
        "25006" => (
            "Redshift.ReadOnlyCluster",
            "The query cannot be executed because the system is in resize mode.",
        ),
        "53100" => (
            "Redshift.DiskFull",
            "Data could not be loaded because the disk is full. Increase the capacity of the Amazon Redshift cluster or delete unused data to free disk space.",
        ),
        "23502" => (
            "Redshift.MissingColumn",
            "There is a column defined in the table schema as NOT NULL without a DEFAULT value and not included in the column list. Exclude this column, ensure that the loaded data always provides a value for this column, or add a default value to the Amazon Redshift schema for this table.",
        ),
        _ => (
            "Redshift.DataLoadFailed",
            "Loading data into the table failed. Check STL_LOAD_ERRORS system table for details.",
        ),
    };
    failure(code, format!("{text} (PostgreSQL: {})", db.message()))
}

fn kind_of(ty: &Type) -> ColumnKind {
    if [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::NAME].contains(ty) {
        ColumnKind::Text
    } else if [Type::TIMESTAMP, Type::TIMESTAMPTZ].contains(ty) {
        ColumnKind::Timestamp
    } else {
        ColumnKind::Other
    }
}

fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A row as a CSV line PostgreSQL's `FORMAT csv` reads: NULL unquoted and empty, text quoted.
fn write_csv_row(out: &mut Vec<u8>, row: &[Option<String>]) {
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if let Some(text) = value {
            out.push(b'"');
            out.extend_from_slice(text.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        }
    }
    out.push(b'\n');
}

/// The rows of every object of `call` read against `columns`, and the columns they name.
fn read_objects(call: &CopyCall, columns: &[Column]) -> Result<(Vec<Row>, Vec<bool>), CopyFailure> {
    let mut rows = Vec::new();
    let mut present = vec![false; columns.len()];
    let mut errors: Vec<(String, LoadError)> = Vec::new();
    for object in &call.objects {
        let body = if call.plan.gzip {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(&object.body[..])
                .read_to_end(&mut out)
                .map_err(|e| {
                    failure(
                        "Redshift.DataLoadFailed",
                        format!(
                            "Loading data into the table failed: {} is not a GZIP file ({e}).",
                            object.url
                        ),
                    )
                })?;
            out
        } else {
            object.body.clone()
        };
        let read = read_rows(&body, &call.plan, columns);
        rows.extend(read.rows);
        for (seen, this) in present.iter_mut().zip(read.present) {
            *seen |= this;
        }
        errors.extend(read.errors.into_iter().map(|e| (object.url.clone(), e)));
    }
    if errors.len() > call.plan.max_error {
        let (url, first) = &errors[0];
        return Err(failure(
            "Redshift.DataLoadFailed",
            format!(
                "Load into table '{}' failed: {} load errors, MAXERROR is {}. First: {url} line {}: {}",
                call.table,
                errors.len(),
                call.plan.max_error,
                first.line,
                first.reason
            ),
        ));
    }
    Ok((rows, present))
}

/// Makes the COPY `call` describes, blocking until it is done.
pub fn run(call: &CopyCall) -> CopyResult {
    let mut config = postgres::Config::new();
    config
        .host(&call.cluster.host)
        .port(call.cluster.port)
        .dbname(&call.cluster.database)
        .user(&call.user)
        .password(&call.password)
        .application_name("kinescope-firehose")
        .connect_timeout(CONNECT_TIMEOUT);
    let mut client = config
        .connect(postgres::NoTls)
        .map_err(|e| failure_of(&e))?;
    let select = format!(
        "SELECT {} FROM {} LIMIT 0",
        call.columns.as_deref().unwrap_or("*"),
        call.table
    );
    let statement = client.prepare(&select).map_err(|e| failure_of(&e))?;
    let columns: Vec<Column> = statement
        .columns()
        .iter()
        .map(|c| Column {
            name: c.name().to_owned(),
            kind: kind_of(c.type_()),
        })
        .collect();
    let (rows, present) = read_objects(call, &columns)?;
    if rows.is_empty() {
        return Ok(0);
    }
    // Columns no JSON object names keep their DEFAULT; the others are loaded, NULL where missing.
    let kept: Vec<usize> = (0..columns.len()).filter(|&i| present[i]).collect();
    let list: Vec<String> = kept
        .iter()
        .map(|&i| quote_identifier(&columns[i].name))
        .collect();
    let mut data = Vec::new();
    for row in &rows {
        let values: Vec<Option<String>> = kept.iter().map(|&i| row[i].clone()).collect();
        write_csv_row(&mut data, &values);
    }
    let copy = format!(
        "COPY {} ({}) FROM STDIN WITH (FORMAT csv)",
        call.table,
        list.join(", ")
    );
    let mut transaction = client.transaction().map_err(|e| failure_of(&e))?;
    let mut writer = transaction.copy_in(&copy).map_err(|e| failure_of(&e))?;
    writer
        .write_all(&data)
        .map_err(|e| failure("Redshift.ConnectionFailed", e.to_string()))?;
    writer.finish().map_err(|e| failure_of(&e))?;
    transaction.commit().map_err(|e| failure_of(&e))?;
    Ok(rows.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_written_as_csv_with_nulls_unquoted() {
        let mut out = Vec::new();
        write_csv_row(&mut out, &[Some("a\"b".into()), None, Some(String::new())]);
        assert_eq!(out, b"\"a\"\"b\",,\"\"\n");
        assert_eq!(quote_identifier("we\"ird"), "\"we\"\"ird\"");
    }
}
