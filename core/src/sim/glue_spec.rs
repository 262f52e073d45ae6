//! The `glue` of a scenario: the Glue Data Catalog it starts with — databases as CreateDatabase's
//! `DatabaseInput` and tables as CreateTable's input, in the API's field names — so a firehose
//! converting to Parquet or ORC finds its table.

use crate::glue::ops::{CreateDatabaseInput, CreateTableInput};
use crate::glue::shapes::DatabaseInput;
use crate::world::World;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GlueSpec {
    pub databases: Vec<DatabaseInput>,
    pub tables: Vec<CreateTableInput>,
}

impl GlueSpec {
    pub fn is_empty(&self) -> bool {
        self.databases.is_empty() && self.tables.is_empty()
    }

    /// Creates the databases, then the tables; the error names the entry at fault.
    pub fn create_in(&self, world: &mut World) -> Result<(), String> {
        for (i, database) in self.databases.iter().enumerate() {
            world
                .apply(CreateDatabaseInput {
                    database_input: Some(database.clone()),
                    ..CreateDatabaseInput::default()
                })
                .map_err(|e| format!("glue.databases[{i}]: {}: {e}", e.code()))?;
        }
        for (i, table) in self.tables.iter().enumerate() {
            world
                .apply(table.clone())
                .map_err(|e| format!("glue.tables[{i}]: {}: {e}", e.code()))?;
        }
        Ok(())
    }
}
