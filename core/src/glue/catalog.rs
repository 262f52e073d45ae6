//! The catalog's state: databases holding tables. Glue keeps names in lower case, so names are
//! folded when stored and when looked up.

use super::error::GlueError;
use super::shapes::{Column, DatabaseInput, TableInput};
use std::collections::BTreeMap;

/// Databases a catalog may hold (Glue's default quota).
pub const MAX_DATABASES: usize = 10_000;
/// Tables a database may hold (Glue's default quota is per account: 1,000,000).
pub const MAX_TABLES: usize = 200_000;

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub(crate) databases: BTreeMap<String, StoredDatabase>,
}

#[derive(Debug, Clone)]
pub struct StoredDatabase {
    pub input: DatabaseInput,
    pub created_ms: i64,
    pub tables: BTreeMap<String, StoredTable>,
}

#[derive(Debug, Clone)]
pub struct StoredTable {
    pub input: TableInput,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// Bumped by each UpdateTable, from 0.
    pub version: u64,
}

impl StoredTable {
    /// The table's columns (StorageDescriptor.Columns), then its partition keys.
    pub fn columns(&self) -> Vec<Column> {
        let input = &self.input;
        let mut columns = input
            .storage_descriptor
            .as_ref()
            .and_then(|d| d.columns.clone())
            .unwrap_or_default();
        columns.extend(input.partition_keys.clone().unwrap_or_default());
        columns
    }
}

pub(crate) fn database_not_found(name: &str) -> GlueError {
    GlueError::EntityNotFoundException(format!("Database {name} not found."))
}

pub(crate) fn table_not_found(name: &str) -> GlueError {
    GlueError::EntityNotFoundException(format!("Table {name} not found."))
}

impl Catalog {
    pub fn database(&self, name: &str) -> Result<&StoredDatabase, GlueError> {
        self.databases
            .get(&name.to_lowercase())
            .ok_or_else(|| database_not_found(name))
    }

    pub(crate) fn database_mut(&mut self, name: &str) -> Result<&mut StoredDatabase, GlueError> {
        self.databases
            .get_mut(&name.to_lowercase())
            .ok_or_else(|| database_not_found(name))
    }

    /// Table `table` of database `database`.
    pub fn table(&self, database: &str, table: &str) -> Result<&StoredTable, GlueError> {
        self.database(database)?
            .tables
            .get(&table.to_lowercase())
            .ok_or_else(|| table_not_found(table))
    }
}
