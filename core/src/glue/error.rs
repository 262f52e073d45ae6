//! Glue's error type: each variant is an error code of the `AWSGlue` API with AWS's message.

use crate::aws_error::aws_error;

aws_error! {
    /// An AWS Glue error: the variant is the `__type` AWS sends, the string its `message`.
    pub enum GlueError {
        EntityNotFoundException,
        AlreadyExistsException,
        InvalidInputException,
        ValidationException,
        ResourceNumberLimitExceededException,
    }
}

/// Result of a Glue command.
pub type GlueResult<T> = Result<T, GlueError>;
