//! The Glue operations Kinescope answers: CreateDatabase, GetDatabase, GetDatabases,
//! DeleteDatabase, CreateTable, GetTable, GetTables, UpdateTable, DeleteTable.

use super::catalog::{
    Catalog, MAX_DATABASES, MAX_TABLES, StoredDatabase, StoredTable, database_not_found,
    table_not_found,
};
use super::error::GlueError;
use super::shapes::{Database, DatabaseInput, StorageDescriptor, Table, TableInput};
use crate::streams::shapes::Empty;
use crate::time::Timestamp;
use crate::validate::Validator;
use crate::world::{Operation, World};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const NAME_PATTERN: &str = "[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*";

fn single_line(text: &str) -> bool {
    !text.chars().any(|c| c.is_control() && c != '\t')
}

fn validate_name(v: &mut Validator, member: &str, name: &Option<String>) {
    if let Some(name) = v.required(member, name)
        && v.length(member, name, 1, 255)
    {
        v.pattern_text(member, name, NAME_PATTERN, single_line(name));
    }
}

fn validate_catalog_id(v: &mut Validator, id: &Option<String>) {
    if let Some(id) = id
        && v.length("catalogId", id, 1, 255)
    {
        v.pattern_text("catalogId", id, NAME_PATTERN, single_line(id));
    }
}

fn finish(v: Validator) -> Result<(), GlueError> {
    v.finish_as(GlueError::ValidationException)
}

/// A page of `names` after the one a NextToken carries.
fn page_of<'a>(
    names: impl Iterator<Item = &'a String>,
    token: &Option<String>,
    max_results: Option<i64>,
) -> Result<(Vec<&'a String>, Option<String>), GlueError> {
    let after = match token {
        Some(token) => Some(
            BASE64
                .decode(token)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| GlueError::InvalidInputException("Invalid NextToken.".into()))?,
        ),
        None => None,
    };
    let limit = max_results.unwrap_or(100) as usize;
    let mut rest = names.filter(|n| after.as_ref().is_none_or(|a| *n > a));
    let page: Vec<&String> = rest.by_ref().take(limit).collect();
    let next = match (rest.next(), page.last()) {
        (Some(_), Some(last)) => Some(BASE64.encode(last.as_bytes())),
        _ => None,
    };
    Ok((page, next))
}

/// Whether `name` matches a GetTables Expression (`*` matches any run of characters).
fn matches_expression(name: &str, expression: &str) -> bool {
    let parts: Vec<&str> = expression.split('*').collect();
    let mut rest = name;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(after) = rest.strip_prefix(part) else {
                return false;
            };
            rest = after;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    rest.is_empty()
}

impl Catalog {
    fn answer_database(&self, name: &str, catalog_id: &str) -> Result<Database, GlueError> {
        let stored = self.database(name)?;
        Ok(Database {
            name: name.to_lowercase(),
            create_time: Timestamp(stored.created_ms),
            catalog_id: catalog_id.into(),
            rest: stored.input.rest.clone(),
        })
    }

    fn answer_table(
        &self,
        database: &str,
        name: &str,
        catalog_id: &str,
    ) -> Result<Table, GlueError> {
        let stored = self.table(database, name)?;
        Ok(Table {
            name: name.to_lowercase(),
            database_name: database.to_lowercase(),
            create_time: Timestamp(stored.created_ms),
            update_time: Timestamp(stored.updated_ms),
            storage_descriptor: stored.input.storage_descriptor.clone().unwrap_or_default(),
            partition_keys: stored.input.partition_keys.clone().unwrap_or_default(),
            version_id: stored.version.to_string(),
            catalog_id: catalog_id.into(),
            is_registered_with_lake_formation: false,
            rest: stored.input.rest.clone(),
        })
    }
}

/// The model's constraints on a TableInput, and its columns' names and types.
fn validate_table_input(v: &mut Validator, input: &Option<TableInput>) {
    let Some(input) = v.required("tableInput", input) else {
        return;
    };
    validate_name(v, "tableInput.name", &input.name);
    let columns = input
        .storage_descriptor
        .as_ref()
        .and_then(|d| d.columns.as_ref());
    for (i, column) in columns.into_iter().flatten().enumerate() {
        let at = format!("tableInput.storageDescriptor.columns.{}.member.name", i + 1);
        if v.length(&at, &column.name, 1, 255) {
            v.pattern_text(&at, &column.name, NAME_PATTERN, single_line(&column.name));
        }
        if let Some(kind) = &column.kind {
            let at = format!("tableInput.storageDescriptor.columns.{}.member.type", i + 1);
            v.length(&at, kind, 0, 131_072);
        }
    }
}

macro_rules! glue_input {
    ($(#[$meta:meta])* $name:ident { $($field:ident: $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        #[serde(rename_all = "PascalCase", default)]
        pub struct $name {
            #[serde(skip_serializing_if = "Option::is_none")]
            pub catalog_id: Option<String>,
            $(#[serde(skip_serializing_if = "Option::is_none")] pub $field: Option<$ty>,)*
        }
    };
}

glue_input!(CreateDatabaseInput { database_input: DatabaseInput, tags: BTreeMap<String, String>, });
glue_input!(GetDatabaseInput { name: String });
glue_input!(GetDatabasesInput {
    next_token: String,
    max_results: i64,
    resource_share_type: String,
});
glue_input!(DeleteDatabaseInput { name: String });
glue_input!(CreateTableInput {
    database_name: String,
    table_input: TableInput,
});
glue_input!(GetTableInput {
    database_name: String,
    name: String,
});
glue_input!(GetTablesInput {
    database_name: String,
    expression: String,
    next_token: String,
    max_results: i64,
});
glue_input!(UpdateTableInput {
    database_name: String,
    table_input: TableInput,
    skip_archive: bool,
    version_id: String,
});
glue_input!(DeleteTableInput {
    database_name: String,
    name: String,
});

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetDatabaseOutput {
    pub database: Database,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetDatabasesOutput {
    pub database_list: Vec<Database>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTableOutput {
    pub table: Table,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTablesOutput {
    pub table_list: Vec<Table>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

impl World {
    fn catalog_id(&self, given: &Option<String>) -> String {
        given
            .clone()
            .unwrap_or_else(|| self.settings.account_id.clone())
    }
}

impl Operation for CreateDatabaseInput {
    type Output = Empty;
    type Error = GlueError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Empty, GlueError> {
        let mut v = Validator::new();
        validate_catalog_id(&mut v, &self.catalog_id);
        if let Some(input) = v.required("databaseInput", &self.database_input) {
            validate_name(&mut v, "databaseInput.name", &input.name);
        }
        finish(v)?;
        let mut input = self.database_input.unwrap_or_default();
        let name = input.name.take().unwrap_or_default().to_lowercase();
        let now = world.now_ms();
        let catalog = &mut world.glue;
        if catalog.databases.contains_key(&name) {
            return Err(GlueError::AlreadyExistsException(
                "Database already exists.".into(),
            ));
        }
        if catalog.databases.len() >= MAX_DATABASES {
            return Err(GlueError::ResourceNumberLimitExceededException(
                "Number of databases exceeds the account's limit.".into(),
            ));
        }
        let stored = StoredDatabase {
            input,
            created_ms: now,
            tables: BTreeMap::new(),
        };
        catalog.databases.insert(name, stored);
        Ok(Empty {})
    }
}

impl Operation for GetDatabaseInput {
    type Output = GetDatabaseOutput;
    type Error = GlueError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<GetDatabaseOutput, GlueError> {
        let mut v = Validator::new();
        validate_catalog_id(&mut v, &self.catalog_id);
        validate_name(&mut v, "name", &self.name);
        finish(v)?;
        let catalog_id = world.catalog_id(&self.catalog_id);
        let name = self.name.unwrap_or_default();
        Ok(GetDatabaseOutput {
            database: world.glue.answer_database(&name, &catalog_id)?,
        })
    }
}

impl Operation for GetDatabasesInput {
    type Output = GetDatabasesOutput;
    type Error = GlueError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<GetDatabasesOutput, GlueError> {
        let mut v = Validator::new();
        validate_catalog_id(&mut v, &self.catalog_id);
        v.range("maxResults", self.max_results, 1, 100);
        finish(v)?;
        let catalog_id = world.catalog_id(&self.catalog_id);
        let catalog = &world.glue;
        let (names, next_token) =
            page_of(catalog.databases.keys(), &self.next_token, self.max_results)?;
        let database_list = names
            .into_iter()
            .map(|name| catalog.answer_database(name, &catalog_id))
            .collect::<Result<_, _>>()?;
        Ok(GetDatabasesOutput {
            database_list,
            next_token,
        })
    }
}

impl Operation for DeleteDatabaseInput {
    type Output = Empty;
    type Error = GlueError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Empty, GlueError> {
        let mut v = Validator::new();
        validate_catalog_id(&mut v, &self.catalog_id);
        validate_name(&mut v, "name", &self.name);
        finish(v)?;
        let name = self.name.unwrap_or_default();
        world
            .glue
            .databases
            .remove(&name.to_lowercase())
            .map(|_| Empty {})
            .ok_or_else(|| database_not_found(&name))
    }
}

impl Operation for CreateTableInput {
    type Output = Empty;
    type Error = GlueError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Empty, GlueError> {
        let mut v = Validator::new();
        validate_catalog_id(&mut v, &self.catalog_id);
        validate_name(&mut v, "databaseName", &self.database_name);
        validate_table_input(&mut v, &self.table_input);
        finish(v)?;
        let now = world.now_ms();
        let database = world
            .glue
            .database_mut(self.database_name.as_deref().unwrap_or_default())?;
        let mut input = self.table_input.unwrap_or_default();
        let name = input.name.clone().unwrap_or_default().to_lowercase();
        if database.tables.contains_key(&name) {
            return Err(GlueError::AlreadyExistsException(
                "Table already exists.".into(),
            ));
        }
        if database.tables.len() >= MAX_TABLES {
            return Err(GlueError::ResourceNumberLimitExceededException(
                "Number of tables exceeds the account's limit.".into(),
            ));
        }
        input.name = None;
        let stored = StoredTable {
            input,
            created_ms: now,
            updated_ms: now,
            version: 0,
        };
        database.tables.insert(name, stored);
        Ok(Empty {})
    }
}

impl Operation for GetTableInput {
    type Output = GetTableOutput;
    type Error = GlueError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<GetTableOutput, GlueError> {
        let mut v = Validator::new();
        validate_catalog_id(&mut v, &self.catalog_id);
        validate_name(&mut v, "databaseName", &self.database_name);
        validate_name(&mut v, "name", &self.name);
        finish(v)?;
        let catalog_id = world.catalog_id(&self.catalog_id);
        let database = self.database_name.unwrap_or_default();
        let name = self.name.unwrap_or_default();
        Ok(GetTableOutput {
            table: world.glue.answer_table(&database, &name, &catalog_id)?,
        })
    }
}

impl Operation for GetTablesInput {
    type Output = GetTablesOutput;
    type Error = GlueError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<GetTablesOutput, GlueError> {
        let mut v = Validator::new();
        validate_catalog_id(&mut v, &self.catalog_id);
        validate_name(&mut v, "databaseName", &self.database_name);
        v.range("maxResults", self.max_results, 1, 100);
        finish(v)?;
        let catalog_id = world.catalog_id(&self.catalog_id);
        let database_name = self.database_name.unwrap_or_default();
        let catalog = &world.glue;
        let database = catalog.database(&database_name)?;
        let expression = self.expression.unwrap_or_else(|| "*".into());
        let names = database
            .tables
            .keys()
            .filter(|name| matches_expression(name, &expression));
        let (names, next_token) = page_of(names, &self.next_token, self.max_results)?;
        let table_list = names
            .into_iter()
            .map(|name| catalog.answer_table(&database_name, name, &catalog_id))
            .collect::<Result<_, _>>()?;
        Ok(GetTablesOutput {
            table_list,
            next_token,
        })
    }
}

impl Operation for UpdateTableInput {
    type Output = Empty;
    type Error = GlueError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Empty, GlueError> {
        let mut v = Validator::new();
        validate_catalog_id(&mut v, &self.catalog_id);
        validate_name(&mut v, "databaseName", &self.database_name);
        validate_table_input(&mut v, &self.table_input);
        finish(v)?;
        let now = world.now_ms();
        let database = world
            .glue
            .database_mut(self.database_name.as_deref().unwrap_or_default())?;
        let mut input = self.table_input.unwrap_or_default();
        let name = input.name.take().unwrap_or_default();
        let table = database
            .tables
            .get_mut(&name.to_lowercase())
            .ok_or_else(|| table_not_found(&name))?;
        if input.storage_descriptor.is_none() {
            input.storage_descriptor = Some(StorageDescriptor::default());
        }
        table.input = input;
        table.updated_ms = now;
        table.version += 1;
        Ok(Empty {})
    }
}

impl Operation for DeleteTableInput {
    type Output = Empty;
    type Error = GlueError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Empty, GlueError> {
        let mut v = Validator::new();
        validate_catalog_id(&mut v, &self.catalog_id);
        validate_name(&mut v, "databaseName", &self.database_name);
        validate_name(&mut v, "name", &self.name);
        finish(v)?;
        let database = world
            .glue
            .database_mut(self.database_name.as_deref().unwrap_or_default())?;
        let name = self.name.unwrap_or_default();
        database
            .tables
            .remove(&name.to_lowercase())
            .map(|_| Empty {})
            .ok_or_else(|| table_not_found(&name))
    }
}

#[cfg(test)]
mod tests {
    use super::matches_expression;

    #[test]
    fn expressions_match_with_wildcards() {
        assert!(matches_expression("clicks", "*"));
        assert!(matches_expression("clicks", "cl*"));
        assert!(matches_expression("clicks", "*ks"));
        assert!(matches_expression("clicks", "c*i*s"));
        assert!(!matches_expression("clicks", "views*"));
        assert!(matches_expression("clicks", "clicks"));
        assert!(!matches_expression("clicks2", "clicks"));
    }
}
