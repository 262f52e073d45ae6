//! Firehose's error type: each variant is an error code of the `Firehose_20150804` API and carries
//! the message text AWS sends (reference B.1, B.2). The wire layer only renders these.

use crate::aws_error::aws_error;

aws_error! {
    /// An Amazon Data Firehose error: the variant is the `__type` AWS sends, the string its
    /// `message`.
    pub enum FirehoseError {
        ResourceNotFoundException,
        ResourceInUseException,
        InvalidArgumentException,
        LimitExceededException,
        InvalidKMSResourceException,
        InvalidSourceException,
        ServiceUnavailableException,
        ConcurrentModificationException,
        ValidationException,
    }
}

impl FirehoseError {
    /// The HTTP status AWS answers with: 503 for ServiceUnavailable, 400 for everything else.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::ServiceUnavailableException(_) => 503,
            _ => 400,
        }
    }
}

/// Result of a Firehose command.
pub type FirehoseResult<T> = Result<T, FirehoseError>;
