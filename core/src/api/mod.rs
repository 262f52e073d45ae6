//! The Kinesis-compatible HTTP API: a thin wire layer over the engine. Handlers decode the wire
//! format, apply commands to the shared world, and encode the answer (reference A.2, A.12, A.17).

pub mod auth;
pub mod eventstream;
pub mod fast_json;
pub mod front_door;
pub mod handler;
pub mod input_model;
pub mod protocol;
pub mod server;
pub mod sigv4;
pub mod subscribe;
pub mod tls;
pub mod typecheck;

pub use server::{ApiState, AuthMode, ServeError, bind, router, serve};
pub use sigv4::Credentials;
pub use tls::{TlsListener, bind_tls};
