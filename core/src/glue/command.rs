//! The `GlueCommand` enum: every Glue operation Kinescope answers, by name.

use super::error::GlueError;
use super::ops::*;
use crate::service_command::service_commands;
use crate::streams::shapes::Empty;

/// The operations of `AWSGlue` that Kinescope answers.
pub const GLUE_OPERATIONS: &[&str] = &[
    "CreateDatabase",
    "GetDatabase",
    "GetDatabases",
    "DeleteDatabase",
    "CreateTable",
    "GetTable",
    "GetTables",
    "UpdateTable",
    "DeleteTable",
];

service_commands! {
    GlueCommand, GlueOutput, GlueError;
    CreateDatabase(CreateDatabaseInput) -> Empty;
    GetDatabase(GetDatabaseInput) -> GetDatabaseOutput;
    GetDatabases(GetDatabasesInput) -> GetDatabasesOutput;
    DeleteDatabase(DeleteDatabaseInput) -> Empty;
    CreateTable(CreateTableInput) -> Empty;
    GetTable(GetTableInput) -> GetTableOutput;
    GetTables(GetTablesInput) -> GetTablesOutput;
    UpdateTable(UpdateTableInput) -> Empty;
    DeleteTable(DeleteTableInput) -> Empty;
}

impl GlueCommand {
    /// The database (and table) a call names, for the traffic log.
    pub fn resource_hint(&self) -> Option<String> {
        let value = serde_json::to_value(self).ok()?;
        let input = value.get("Input")?;
        let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_owned);
        let database = text(input.get("DatabaseName"))
            .or_else(|| text(input.pointer("/DatabaseInput/Name")))
            .or_else(|| text(input.get("Name")))?;
        let table = text(input.pointer("/TableInput/Name"))
            .or_else(|| text(input.get("Name")).filter(|_| input.get("DatabaseName").is_some()));
        Some(match table {
            Some(table) => format!("{database}.{table}"),
            None => database,
        })
    }
}
