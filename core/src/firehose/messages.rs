//! AWS's Firehose error texts (reference B.1, B.2), in one place.

use super::error::FirehoseError;

/// ResourceNotFoundException for a delivery stream [obs].
pub fn not_found(name: &str, account: &str) -> FirehoseError {
    FirehoseError::ResourceNotFoundException(format!(
        "Firehose {name} under account {account} not found."
    ))
}

/// CreateDeliveryStream of a name in use.
pub fn already_exists(name: &str, account: &str) -> FirehoseError {
    FirehoseError::ResourceInUseException(format!(
        "Firehose {name} under accountId {account} already exists"
    ))
}

/// A call the delivery stream's status does not allow.
pub fn not_in_state(name: &str, account: &str, status: &str, action: &str) -> FirehoseError {
    FirehoseError::ResourceInUseException(format!(
        "Firehose {name} under accountId {account} is in {status} state and cannot be {action}."
    ))
}

/// PutRecord / PutRecordBatch on a stream fed by Kinesis [obs].
pub fn not_direct_put(kind: &str) -> FirehoseError {
    FirehoseError::InvalidArgumentException(format!(
        "This operation is not permitted on {kind} delivery stream type."
    ))
}

/// No (or more than one) destination configuration [obs].
pub fn exactly_one_destination() -> FirehoseError {
    FirehoseError::InvalidArgumentException(
        "Exactly one destination configuration is supported for a Firehose".into(),
    )
}

/// The text of a throttled put or entry.
pub const SLOW_DOWN: &str = "Slow down.";

/// A put over the stream's quota.
pub fn slow_down() -> FirehoseError {
    FirehoseError::ServiceUnavailableException(SLOW_DOWN.into())
}

/// The account's delivery stream quota.
pub fn stream_quota(limit: u32) -> FirehoseError {
    FirehoseError::LimitExceededException(format!(
        "You have already consumed your firehose quota of {limit} hoses."
    ))
}

/// UpdateDestination with a stale version id.
pub fn version_mismatch(name: &str, current: u64, given: &str) -> FirehoseError {
    FirehoseError::ConcurrentModificationException(format!(
        "Cannot update firehose: {name} since the current version id: {current} and specified version id: {given} do not match"
    ))
}

/// An invalid argument, in AWS's wording where it has one.
pub fn invalid(text: impl Into<String>) -> FirehoseError {
    FirehoseError::InvalidArgumentException(text.into())
}
