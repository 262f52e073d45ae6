//! The engine's one error type: each variant is an AWS Kinesis Data Streams error code and carries the
//! message text AWS sends (reference A.6–A.17). The wire layer only renders these.

use thiserror::Error;

/// An AWS Kinesis error: the variant is the `__type` AWS sends, the string is its `message`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[allow(clippy::enum_variant_names)]
pub enum KinesisError {
    #[error("{0}")]
    ResourceNotFoundException(String),
    #[error("{0}")]
    ResourceInUseException(String),
    #[error("{0}")]
    InvalidArgumentException(String),
    #[error("{0}")]
    LimitExceededException(String),
    #[error("{0}")]
    ValidationException(String),
    #[error("{0}")]
    ProvisionedThroughputExceededException(String),
    #[error("{0}")]
    ExpiredIteratorException(String),
    #[error("{0}")]
    ExpiredNextTokenException(String),
    #[error("{0}")]
    AccessDeniedException(String),
    #[error("{0}")]
    KMSDisabledException(String),
    #[error("{0}")]
    KMSInvalidStateException(String),
    #[error("{0}")]
    KMSAccessDeniedException(String),
    #[error("{0}")]
    KMSNotFoundException(String),
    #[error("{0}")]
    KMSOptInRequired(String),
    #[error("{0}")]
    KMSThrottlingException(String),
    #[error("{0}")]
    InternalFailureException(String),
}

impl KinesisError {
    /// The AWS error code, as sent in `__type` and `x-amzn-ErrorType`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ResourceNotFoundException(_) => "ResourceNotFoundException",
            Self::ResourceInUseException(_) => "ResourceInUseException",
            Self::InvalidArgumentException(_) => "InvalidArgumentException",
            Self::LimitExceededException(_) => "LimitExceededException",
            Self::ValidationException(_) => "ValidationException",
            Self::ProvisionedThroughputExceededException(_) => {
                "ProvisionedThroughputExceededException"
            }
            Self::ExpiredIteratorException(_) => "ExpiredIteratorException",
            Self::ExpiredNextTokenException(_) => "ExpiredNextTokenException",
            Self::AccessDeniedException(_) => "AccessDeniedException",
            Self::KMSDisabledException(_) => "KMSDisabledException",
            Self::KMSInvalidStateException(_) => "KMSInvalidStateException",
            Self::KMSAccessDeniedException(_) => "KMSAccessDeniedException",
            Self::KMSNotFoundException(_) => "KMSNotFoundException",
            Self::KMSOptInRequired(_) => "KMSOptInRequired",
            Self::KMSThrottlingException(_) => "KMSThrottlingException",
            Self::InternalFailureException(_) => "InternalFailureException",
        }
    }

    /// The message AWS sends with the code.
    pub fn message(&self) -> &str {
        match self {
            Self::ResourceNotFoundException(m)
            | Self::ResourceInUseException(m)
            | Self::InvalidArgumentException(m)
            | Self::LimitExceededException(m)
            | Self::ValidationException(m)
            | Self::ProvisionedThroughputExceededException(m)
            | Self::ExpiredIteratorException(m)
            | Self::ExpiredNextTokenException(m)
            | Self::AccessDeniedException(m)
            | Self::KMSDisabledException(m)
            | Self::KMSInvalidStateException(m)
            | Self::KMSAccessDeniedException(m)
            | Self::KMSNotFoundException(m)
            | Self::KMSOptInRequired(m)
            | Self::KMSThrottlingException(m)
            | Self::InternalFailureException(m) => m,
        }
    }

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
