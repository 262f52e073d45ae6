//! The kinesisanalytics (SQL) API's error type: each variant is an error code of
//! `KinesisAnalytics_20150814` with AWS's message.

use crate::aws_error::aws_error;

aws_error! {
    /// A Kinesis Data Analytics error: the variant is the `__type` AWS sends, the string its
    /// `message`.
    pub enum AnalyticsError {
        ResourceNotFoundException,
        ResourceInUseException,
        InvalidArgumentException,
        ConcurrentModificationException,
        CodeValidationException,
        UnsupportedOperationException,
        LimitExceededException,
        TooManyTagsException,
        UnableToDetectSchemaException,
        InvalidApplicationConfigurationException,
        ValidationException,
    }
}

/// Result of an analytics command.
pub type AnalyticsResult<T> = Result<T, AnalyticsError>;
