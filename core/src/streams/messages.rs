//! The texts of AWS's error messages, in one place (reference A.6–A.17; where AWS's own text is not
//! documented, the text kinesalite and kinesis-mock copied from it).

use super::shapes::{ShardId, StreamStatus};
use crate::streams::error::KinesisError;

/// `Stream <s> under account <a> not found.`
pub fn stream_not_found(stream: &str, account: &str) -> KinesisError {
    KinesisError::ResourceNotFoundException(format!(
        "Stream {stream} under account {account} not found."
    ))
}

/// `Stream <s> under account <a> already exists.`
pub fn stream_exists(stream: &str, account: &str) -> KinesisError {
    KinesisError::ResourceInUseException(format!(
        "Stream {stream} under account {account} already exists."
    ))
}

/// `Stream <s> under account <a> not ACTIVE, instead in state <STATE>`
pub fn stream_not_active(stream: &str, account: &str, status: StreamStatus) -> KinesisError {
    KinesisError::ResourceInUseException(format!(
        "Stream {stream} under account {account} not ACTIVE, instead in state {status}"
    ))
}

/// `Shard <id> in stream <s> under account <a> does not exist`
pub fn shard_not_found(shard: &str, stream: &str, account: &str) -> KinesisError {
    KinesisError::ResourceNotFoundException(format!(
        "Shard {shard} in stream {stream} under account {account} does not exist"
    ))
}

/// `Could not find shard <id> in stream <s> under account <a>.`
pub fn could_not_find_shard(shard: &str, stream: &str, account: &str) -> KinesisError {
    KinesisError::ResourceNotFoundException(format!(
        "Could not find shard {shard} in stream {stream} under account {account}."
    ))
}

/// The write throttle text (A.6).
pub fn write_throttled(shard: ShardId, stream: &str, account: &str) -> String {
    format!("Rate exceeded for shard {shard} in stream {stream} under account {account}.")
}

/// GetShardIterator beyond 5 calls per second on a shard (A.4): the shard's rate text.
pub fn iterator_throttled(shard: ShardId, stream: &str, account: &str) -> KinesisError {
    KinesisError::ProvisionedThroughputExceededException(write_throttled(shard, stream, account))
}

/// The read throttle text (A.7).
pub fn read_throttled(shard: ShardId, stream: &str, account: &str) -> KinesisError {
    KinesisError::ProvisionedThroughputExceededException(format!(
        "Rate exceeded for Shard - {account}/{stream}/{shard}"
    ))
}

/// The shard-quota text (A.9).
pub fn shard_limit(
    account: &str,
    region: &str,
    current: u32,
    limit: u32,
    additional: u32,
) -> KinesisError {
    KinesisError::LimitExceededException(format!(
        "This request would exceed the shard limit for the account {account} in {region}. \
         Current shard count for the account: {current}. Limit: {limit}. Number of additional \
         shards that would have resulted from this request: {additional}. Refer to the AWS \
         Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) \
         for current limits and how to request higher limits."
    ))
}

/// The text for provisioned-only APIs called on an on-demand stream (A.9).
pub fn on_demand_unsupported(operation: &str, stream_arn: &str) -> KinesisError {
    KinesisError::ValidationException(format!(
        "{operation} is not supported for stream {stream_arn}. You tried to invoke this API for a \
         data stream with the on-demand capacity mode. This API is only supported for data streams \
         with the provisioned capacity mode."
    ))
}

/// A StreamARN that names another account or region than this world's.
pub fn arn_elsewhere(arn: &str, account: &str, region: &str) -> KinesisError {
    KinesisError::AccessDeniedException(format!(
        "User: arn:aws:iam::{account}:root is not authorized to access {arn}: the resource is not in \
         account {account} region {region}"
    ))
}

/// Neither StreamName nor StreamARN given.
pub fn stream_address_missing() -> KinesisError {
    KinesisError::InvalidArgumentException(
        "Either StreamName or StreamARN should be provided.".into(),
    )
}

/// StreamName and StreamARN disagree.
pub fn stream_address_mismatch(name: &str, arn: &str) -> KinesisError {
    KinesisError::InvalidArgumentException(format!(
        "StreamARN {arn} and StreamName {name} refer to different streams."
    ))
}

/// Consumer not found.
pub fn consumer_not_found(consumer: &str, stream_arn: &str) -> KinesisError {
    KinesisError::ResourceNotFoundException(format!(
        "Consumer {consumer} under stream {stream_arn} not found."
    ))
}

/// A rolling-24-hour call quota was used up.
pub fn daily_quota(what: &str, stream: &str, account: &str, limit: usize) -> KinesisError {
    KinesisError::LimitExceededException(format!(
        "{what} for stream {stream} under account {account} has exceeded the limit of {limit} per rolling 24-hour period."
    ))
}
