//! The operations of the `kinesisvideo` control plane, one file per group.

pub mod clip;
pub mod fragments;
pub mod images;
pub mod lifecycle;
pub mod retention;
pub mod tags;
mod validation;

/// The stream a data-plane call names (StreamName or StreamARN), checked as the model says.
pub(crate) fn validation_for_media(
    v: &mut crate::validate::Validator,
    name: &Option<String>,
    arn: &Option<String>,
) {
    validation::stream_name(v, name);
    validation::arn(v, "streamARN", arn);
}
