//! The operations of the `kinesisvideo` control plane, one file per group.

pub mod clip;
pub mod fragments;
pub mod images;
pub mod lifecycle;
pub mod retention;
pub mod tags;
mod validation;

pub(crate) use validation::stream as validation_for_media;
