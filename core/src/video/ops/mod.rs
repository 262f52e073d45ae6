//! The operations of the `kinesisvideo` control plane, one file per group.

pub mod fragments;
pub mod lifecycle;
pub mod retention;
pub mod tags;
mod validation;
