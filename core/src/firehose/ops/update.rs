//! UpdateDestination (reference B.1): the caller names the version it read; an S3 update merges
//! into the destination held, and the version id goes up by one.

use super::destination_check::{check_destination, validate_members};
use super::lifecycle::validate_name;
use crate::firehose::buffer::FlushReason;
use crate::firehose::destination::ProcessingConfiguration;
use crate::firehose::destination::S3DestinationInput;
use crate::firehose::error::FirehoseError;
use crate::firehose::http_delivery::HttpTarget;
use crate::firehose::http_endpoint::{self, HttpEndpointDestinationConfiguration};
use crate::firehose::messages;
use crate::firehose::opensearch::{self, OpenSearchDestinationConfiguration};
use crate::firehose::redshift::config::{self as redshift, RedshiftDestinationConfiguration};
use crate::firehose::shapes::DeliveryStreamStatus;
use crate::firehose::source_backup;
use crate::firehose::splunk::{self, SplunkDestinationConfiguration};
use crate::streams::shapes::Empty;
use crate::validate::Validator;
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// UpdateDestination.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateDestinationInput {
    pub delivery_stream_name: Option<String>,
    pub current_delivery_stream_version_id: Option<String>,
    pub destination_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3_destination_update: Option<S3DestinationInput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended_s3_destination_update: Option<S3DestinationInput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_endpoint_destination_update: Option<Box<HttpEndpointDestinationConfiguration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amazonopensearchservice_destination_update: Option<Box<OpenSearchDestinationConfiguration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub splunk_destination_update: Option<Box<SplunkDestinationConfiguration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redshift_destination_update: Option<Box<RedshiftDestinationConfiguration>>,
    /// Updates of destination types not emulated, kept to refuse them clearly.
    #[serde(flatten, skip_serializing_if = "BTreeMap::is_empty")]
    pub other: BTreeMap<String, serde_json::Value>,
}

impl Operation for UpdateDestinationInput {
    type Output = Empty;
    type Error = FirehoseError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Empty, FirehoseError> {
        let mut v = Validator::new();
        validate_name(&mut v, &self.delivery_stream_name);
        let version = &self.current_delivery_stream_version_id;
        v.required_string("currentDeliveryStreamVersionId", version, 1, 50, None);
        if let Some(text) = version {
            let ok = text.bytes().all(|b| b.is_ascii_digit());
            v.pattern_text("currentDeliveryStreamVersionId", text, "[0-9]+", ok);
        }
        v.required_string("destinationId", &self.destination_id, 1, 100, None);
        if let Some(update) = &self.s3_destination_update {
            validate_members(&mut v, "s3DestinationUpdate", update);
        }
        if let Some(update) = &self.extended_s3_destination_update {
            validate_members(&mut v, "extendedS3DestinationUpdate", update);
        }
        if let Some(update) = &self.redshift_destination_update {
            redshift::validate_update(&mut v, "redshiftDestinationUpdate", update);
        }
        v.finish_as(FirehoseError::ValidationException)?;
        if let Some(other) = self.other.keys().find(|k| k.ends_with("DestinationUpdate")) {
            return Err(messages::invalid(format!(
                "Kinescope does not emulate {other} yet: only S3 destinations can be updated."
            )));
        }
        let name = self.delivery_stream_name.unwrap_or_default();
        let account = world.account_id().to_owned();
        let now = world.now_ms();
        let stream = world.delivery_stream_named_mut(&name)?;
        if stream.status != DeliveryStreamStatus::Active {
            let status = serde_json::to_value(stream.status)
                .ok()
                .and_then(|s| s.as_str().map(str::to_owned))
                .unwrap_or_default();
            return Err(messages::not_in_state(&name, &account, &status, "updated"));
        }
        let given = version.clone().unwrap_or_default();
        if given.parse::<u64>().ok() != Some(stream.version) {
            return Err(messages::version_mismatch(&name, stream.version, &given));
        }
        let destination_id = self.destination_id.unwrap_or_default();
        if destination_id != stream.destination_id {
            return Err(messages::invalid(format!(
                "Destination Id {destination_id} not found for delivery stream {name}."
            )));
        }
        let s3_part = |processing: &Option<ProcessingConfiguration>,
                       s3: &Option<S3DestinationInput>| {
            S3DestinationInput {
                processing_configuration: processing.clone(),
                ..s3.clone().unwrap_or_default()
            }
        };
        let mut redshift_target = None;
        let (update, http) = match (
            &stream.http,
            &self.http_endpoint_destination_update,
            &self.amazonopensearchservice_destination_update,
            &self.splunk_destination_update,
        ) {
            (None, None, None, None) if stream.redshift.is_some() => {
                let (Some(held), Some(given)) =
                    (&stream.redshift, &self.redshift_destination_update)
                else {
                    return Err(messages::invalid(
                        "Kinescope does not change a delivery stream's destination type: update a Redshift destination with RedshiftDestinationUpdate.",
                    ));
                };
                let merged = overlay(&held.config, given)?;
                redshift_target = Some(Box::new(redshift::check(&merged)?.keeping_queue_of(held)));
                let s3 = S3DestinationInput {
                    s3_backup_mode: given.s3_backup_mode.clone(),
                    s3_backup_configuration: given.s3_backup_configuration.clone().map(Box::new),
                    ..s3_part(&given.processing_configuration, &given.s3_configuration)
                };
                (s3, None)
            }
            (None, None, None, None) if self.redshift_destination_update.is_none() => (
                self.extended_s3_destination_update
                    .or(self.s3_destination_update)
                    .unwrap_or_default(),
                None,
            ),
            (Some(HttpTarget::Endpoint(held)), Some(given), None, None) => {
                let checked = http_endpoint::check(given, Some(held))?;
                let s3 = s3_part(&given.processing_configuration, &given.s3_configuration);
                (s3, Some(HttpTarget::Endpoint(checked)))
            }
            (Some(HttpTarget::OpenSearch(held)), None, Some(given), None) => {
                let merged = overlay(&held.config, given)?;
                let checked = opensearch::check(&merged)?;
                let s3 = s3_part(&given.processing_configuration, &given.s3_configuration);
                (s3, Some(HttpTarget::OpenSearch(checked)))
            }
            (Some(HttpTarget::Splunk(held)), None, None, Some(given)) => {
                let merged = overlay(&held.config, given)?;
                let checked = splunk::check(&merged)?;
                let s3 = s3_part(&given.processing_configuration, &given.s3_configuration);
                (s3, Some(HttpTarget::Splunk(checked)))
            }
            _ => {
                return Err(messages::invalid(
                    "Kinescope does not change a delivery stream's destination type: update it with the update of its own destination type.",
                ));
            }
        };
        let mut checked = check_destination(&update, Some(&stream.destination))?;
        if redshift_target.is_some() {
            redshift::check_staging(&checked.destination)?;
        }
        let source_backup = source_backup::of_destination(
            &mut checked.destination,
            update.s3_backup_configuration.as_deref(),
            stream.source_backup.as_ref(),
        )?;
        // What waits under the old processing or partitioning is finished with it first, so
        // nothing is stranded in a buffer the new configuration no longer has.
        let lambda_removed = stream.pipeline.lambda.is_some() && checked.pipeline.lambda.is_none();
        let partitioning_changed =
            stream.partitioned != checked.partitioned || stream.prefix != checked.prefix;
        if lambda_removed {
            world.flush_processing(&name);
        }
        if partitioning_changed {
            world.flush_delivery_stream(&name, FlushReason::Reconfigured);
        }
        let stream = world.delivery_stream_named_mut(&name)?;
        stream.destination = checked.destination;
        stream.pipeline = checked.pipeline;
        stream.conversion = checked.conversion;
        stream.source_backup = source_backup;
        if http.is_some() {
            stream.http = http;
        }
        if redshift_target.is_some() {
            stream.redshift = redshift_target;
        }
        stream.partitioned = checked.partitioned;
        stream.prefix = checked.prefix;
        stream.error_prefix = checked.error_prefix;
        stream.version += 1;
        stream.updated_ms = Some(now);
        Ok(Empty {})
    }
}

/// `held` with the members `given` sets replaced (UpdateDestination's merge of a destination
/// configuration; its S3 part is merged on its own).
fn overlay<T: Serialize + serde::de::DeserializeOwned>(
    held: &T,
    given: &T,
) -> Result<T, FirehoseError> {
    let mut merged = serde_json::to_value(held).unwrap_or_default();
    if let (Some(merged), Ok(serde_json::Value::Object(given))) =
        (merged.as_object_mut(), serde_json::to_value(given))
    {
        for (member, value) in given {
            if member != "S3Configuration" {
                merged.insert(member, value);
            }
        }
    }
    serde_json::from_value(merged).map_err(|e| messages::invalid(e.to_string()))
}
