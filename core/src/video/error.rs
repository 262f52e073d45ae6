//! Kinesis Video Streams' error type: each variant is an error code of the `kinesisvideo` APIs with
//! the message AWS sends (reference C.1). The wire layer renders them as REST-JSON errors.

use crate::aws_error::aws_error;

aws_error! {
    /// A Kinesis Video Streams error: the variant is the code AWS sends in `x-amzn-ErrorType`,
    /// the string its `Message`.
    pub enum VideoError {
        ResourceNotFoundException,
        ResourceInUseException,
        InvalidArgumentException,
        VersionMismatchException,
        AccountStreamLimitExceededException,
        ClientLimitExceededException,
        TagsPerResourceExceededLimitException,
        InvalidResourceFormatException,
        NotAuthorizedException,
        NoDataRetentionException,
        UnsupportedStreamMediaTypeException,
        MissingCodecPrivateDataException,
        InvalidCodecPrivateDataException,
        /// Not in the model, but what GetImages answers to WidthPixels alone (C.5).
        ValidationException,
    }
}

impl VideoError {
    /// The HTTP status of the model: 404 for ResourceNotFound, 401 for NotAuthorized, 400 else.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::ResourceNotFoundException(_) => 404,
            Self::NotAuthorizedException(_) => 401,
            _ => 400,
        }
    }
}

/// The stream named does not exist (or is being deleted).
pub(crate) fn not_found() -> VideoError {
    VideoError::ResourceNotFoundException("The requested stream is not found or not active.".into())
}

/// The stream's version is not the one the caller read.
pub(crate) fn version_mismatch() -> VideoError {
    VideoError::VersionMismatchException(
        "The stream version provided does not match the latest stream version.".into(),
    )
}

/// The stream is not ACTIVE.
pub(crate) fn not_active() -> VideoError {
    VideoError::ResourceInUseException(
        "The stream is currently not available for this operation.".into(),
    )
}

/// Result of a Kinesis Video Streams command.
pub type VideoResult<T> = Result<T, VideoError>;
