//! The AWS JSON 1.1 protocol family and its CBOR variant (reference A.2, F): `POST /` with an
//! `X-Amz-Target` naming the service and the operation. The front door judges a request in AWS's
//! order, the handler decodes it into the named service's command, applies it to the shared world
//! and encodes the answer. No service logic lives here.

pub mod catalog_services;
pub mod eventstream;
pub mod fast_json;
pub mod front_door;
pub mod handler;
pub mod input_model;
pub mod kinesis;
pub mod protocol;
pub mod subscribe;
pub mod typecheck;
