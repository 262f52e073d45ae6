//! The Kinesis-compatible HTTP API: a thin wire layer over the engine, one module per protocol
//! family. Handlers decode the wire format, apply commands to the shared world, and encode the
//! answer (reference A.2, A.12, A.17). Authentication, TLS and the server are shared by all.

pub mod auth;
pub mod aws_json;
pub mod rest_json;
pub mod s3_view;
pub mod server;
pub mod sigv4;
pub mod tls;
pub mod wire_error;

pub use server::{ApiState, AuthMode, ServeError, bind, router, serve};
pub use sigv4::Credentials;
pub use tls::{TlsListener, bind_tls};
