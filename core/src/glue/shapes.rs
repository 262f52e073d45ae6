//! Glue's shapes as the API carries them. Members Kinescope does not interpret are kept as given
//! (`rest`) and answered back, so a table reads back the way it was written.

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A column: its name and Hive type (`int`, `string`, `array<string>`, `decimal(10,2)`, ...).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Column {
    pub name: String,
    #[serde(rename = "Type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct StorageDescriptor {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<Column>>,
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DatabaseInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TableInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_descriptor: Option<StorageDescriptor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition_keys: Option<Vec<Column>>,
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// A database as GetDatabase answers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Database {
    pub name: String,
    pub create_time: Timestamp,
    pub catalog_id: String,
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// A table as GetTable answers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Table {
    pub name: String,
    pub database_name: String,
    pub create_time: Timestamp,
    pub update_time: Timestamp,
    pub storage_descriptor: StorageDescriptor,
    pub partition_keys: Vec<Column>,
    pub version_id: String,
    pub catalog_id: String,
    pub is_registered_with_lake_formation: bool,
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}
