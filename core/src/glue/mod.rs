//! A minimal AWS Glue Data Catalog: databases and tables with their columns, as much of Glue as
//! Firehose's format conversion needs to find a schema (reference B.8), answered on the same port
//! (`AWSGlue` JSON 1.1) so boto3 and the AWS CLI set it up unchanged.

pub mod catalog;
pub mod command;
pub mod error;
pub mod ops;
pub mod shapes;
