//! The Redshift destination: records staged as objects in the S3 configuration's bucket, then
//! loaded with COPY into a PostgreSQL server standing for the cluster.

pub mod config;
pub mod copy_options;
pub mod copy_queue;
pub mod loader;
pub mod rows;
