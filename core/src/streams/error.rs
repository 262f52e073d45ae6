//! The engine's one error type: each variant is an AWS Kinesis Data Streams error code and carries the
//! message text AWS sends (reference A.6–A.17). The wire layer only renders these.

use crate::aws_error::aws_error;

aws_error! {
    /// An AWS Kinesis error: the variant is the `__type` AWS sends, the string is its `message`.
    pub enum KinesisError {
        ResourceNotFoundException,
        ResourceInUseException,
        InvalidArgumentException,
        LimitExceededException,
        ValidationException,
        ProvisionedThroughputExceededException,
        ExpiredIteratorException,
        ExpiredNextTokenException,
        AccessDeniedException,
        KMSDisabledException,
        KMSInvalidStateException,
        KMSAccessDeniedException,
        KMSNotFoundException,
        KMSOptInRequired,
        KMSThrottlingException,
        InternalFailureException,
    }
}

impl KinesisError {
    /// The HTTP status AWS answers with: 500 for an internal failure, 400 for everything else (A.17).
    pub fn http_status(&self) -> u16 {
        match self {
            Self::InternalFailureException(_) => 500,
            _ => 400,
        }
    }

    /// Whether AWS clients treat this as retryable throttling.
    pub fn is_throttling(&self) -> bool {
        matches!(
            self,
            Self::ProvisionedThroughputExceededException(_) | Self::LimitExceededException(_)
        )
    }
}

/// Result of an engine command.
pub type KinesisResult<T> = Result<T, KinesisError>;
