//! The kinesisanalytics (SQL) operations, by concern: lifecycle, the parts of an application,
//! UpdateApplication, tags and schema discovery, with the checks they share.

pub mod checks;
pub mod discover;
pub mod lifecycle;
pub mod parts;
pub mod tags;
pub mod update;
