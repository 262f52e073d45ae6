//! StartDeliveryStreamEncryption, StopDeliveryStreamEncryption (reference B.1): ENABLING /
//! DISABLING settle on the clock; DirectPut streams only; at most 25 calls a stream per 24 hours.

use super::lifecycle::validate_name;
use crate::firehose::error::FirehoseError;
use crate::firehose::messages;
use crate::firehose::shapes::*;
use crate::streams::shapes::Empty;
use crate::validate::Validator;
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};

/// Start and stop calls a stream may take in 24 hours.
const CALLS_PER_DAY: usize = 25;
const DAY_MS: i64 = 24 * 3_600 * 1_000;
const KEY_TYPES: &[&str] = &["AWS_OWNED_CMK", "CUSTOMER_MANAGED_CMK"];

/// The model's constraints on an encryption input.
pub(crate) fn validate_encryption_input(v: &mut Validator, input: &EncryptionInput) {
    let member = "deliveryStreamEncryptionConfigurationInput";
    v.string(&format!("{member}.keyARN"), &input.key_arn, 1, 512, None);
    let _: Option<KeyType> = v.parse_enum(
        &format!("{member}.keyType"),
        input.key_type.as_deref(),
        KEY_TYPES,
    );
}

/// The key type and ARN an input asks for, under AWS's rules.
pub(crate) fn check_encryption_input(
    input: &EncryptionInput,
) -> Result<(KeyType, Option<String>), FirehoseError> {
    let key_type = input
        .key_type
        .as_deref()
        .and_then(|t| serde_json::from_value(serde_json::Value::String(t.into())).ok())
        .unwrap_or_default();
    match (key_type, &input.key_arn) {
        (KeyType::CustomerManagedCmk, None) => Err(messages::invalid(
            "KeyARN must be specified when KeyType is CUSTOMER_MANAGED_CMK.",
        )),
        (KeyType::AwsOwnedCmk, Some(_)) => Err(messages::invalid(
            "KeyARN must not be specified when KeyType is AWS_OWNED_CMK.",
        )),
        (key_type, arn) => Ok((key_type, arn.clone())),
    }
}

fn change_encryption(
    world: &mut World,
    name: Option<String>,
    enable: Option<(KeyType, Option<String>)>,
) -> Result<Empty, FirehoseError> {
    let name = name.unwrap_or_default();
    let account = world.account_id().to_owned();
    let now = world.now_ms();
    let delay = world.settings().transition_delay_ms;
    let stream = world.delivery_stream_named_mut(&name)?;
    if stream.kind != DeliveryStreamType::DirectPut {
        return Err(messages::invalid(format!(
            "Server-side encryption is only supported for DirectPut delivery streams; {name} is {:?}.",
            stream.kind
        )));
    }
    if stream.status != DeliveryStreamStatus::Active {
        return Err(messages::not_in_state(
            &name,
            &account,
            &format!("{:?}", stream.status).to_uppercase(),
            "updated",
        ));
    }
    let calls = &mut stream.encryption.recent_calls;
    while calls.front().is_some_and(|&t| t <= now - DAY_MS) {
        calls.pop_front();
    }
    if calls.len() >= CALLS_PER_DAY {
        return Err(FirehoseError::LimitExceededException(format!(
            "Delivery stream {name} has reached the limit of {CALLS_PER_DAY} StartDeliveryStreamEncryption and StopDeliveryStreamEncryption calls in 24 hours."
        )));
    }
    calls.push_back(now);
    let encryption = &mut stream.encryption;
    match enable {
        Some((key_type, key_arn)) => {
            encryption.status = EncryptionStatus::Enabling;
            encryption.key_type = Some(key_type);
            encryption.key_arn = key_arn;
        }
        None => {
            encryption.status = EncryptionStatus::Disabling;
        }
    }
    encryption.settles_at_ms = Some(now + delay);
    Ok(Empty {})
}

/// StartDeliveryStreamEncryption.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct StartDeliveryStreamEncryptionInput {
    pub delivery_stream_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_stream_encryption_configuration_input: Option<EncryptionInput>,
}

impl Operation for StartDeliveryStreamEncryptionInput {
    type Output = Empty;
    type Error = FirehoseError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Empty, FirehoseError> {
        let mut v = Validator::new();
        validate_name(&mut v, &self.delivery_stream_name);
        if let Some(input) = &self.delivery_stream_encryption_configuration_input {
            validate_encryption_input(&mut v, input);
        }
        v.finish_as(FirehoseError::ValidationException)?;
        let key = check_encryption_input(
            &self
                .delivery_stream_encryption_configuration_input
                .unwrap_or_default(),
        )?;
        change_encryption(world, self.delivery_stream_name, Some(key))
    }
}

/// StopDeliveryStreamEncryption.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct StopDeliveryStreamEncryptionInput {
    pub delivery_stream_name: Option<String>,
}

impl Operation for StopDeliveryStreamEncryptionInput {
    type Output = Empty;
    type Error = FirehoseError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Empty, FirehoseError> {
        let mut v = Validator::new();
        validate_name(&mut v, &self.delivery_stream_name);
        v.finish_as(FirehoseError::ValidationException)?;
        change_encryption(world, self.delivery_stream_name, None)
    }
}
