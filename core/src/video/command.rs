//! The `VideoCommand` enum: every `kinesisvideo` control-plane command by its operation name, and
//! the REST path each is POSTed to (reference C.1).

use super::error::VideoError;
use super::ops::fragments::*;
use super::ops::images::*;
use super::ops::lifecycle::*;
use super::ops::retention::*;
use super::ops::tags::*;
use super::streaming::session_url::*;
use crate::service_command::service_commands;

/// The operations answered, by their REST paths.
pub const VIDEO_OPERATIONS: &[(&str, &str)] = &[
    ("/createStream", "CreateStream"),
    ("/describeStream", "DescribeStream"),
    ("/listStreams", "ListStreams"),
    ("/updateStream", "UpdateStream"),
    ("/deleteStream", "DeleteStream"),
    ("/updateDataRetention", "UpdateDataRetention"),
    ("/getDataEndpoint", "GetDataEndpoint"),
    ("/tagStream", "TagStream"),
    ("/untagStream", "UntagStream"),
    ("/listTagsForStream", "ListTagsForStream"),
    ("/TagResource", "TagResource"),
    ("/UntagResource", "UntagResource"),
    ("/ListTagsForResource", "ListTagsForResource"),
    ("/listFragments", "ListFragments"),
    ("/getImages", "GetImages"),
    ("/getHLSStreamingSessionURL", "GetHLSStreamingSessionURL"),
    ("/getDASHStreamingSessionURL", "GetDASHStreamingSessionURL"),
];

/// The operation POSTed to `path`, if it is one of [`VIDEO_OPERATIONS`].
pub fn operation_at(path: &str) -> Option<&'static str> {
    VIDEO_OPERATIONS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, op)| *op)
}

service_commands! {
    VideoCommand, VideoOutput, VideoError;
    CreateStream(CreateStreamInput) -> CreateStreamOutput;
    DescribeStream(DescribeStreamInput) -> DescribeStreamOutput;
    ListStreams(ListStreamsInput) -> ListStreamsOutput;
    UpdateStream(UpdateStreamInput) -> Nothing;
    DeleteStream(DeleteStreamInput) -> Nothing;
    UpdateDataRetention(UpdateDataRetentionInput) -> Nothing;
    GetDataEndpoint(GetDataEndpointInput) -> GetDataEndpointOutput;
    TagStream(TagStreamInput) -> Nothing;
    UntagStream(UntagStreamInput) -> Nothing;
    ListTagsForStream(ListTagsForStreamInput) -> TagsOutput;
    TagResource(TagResourceInput) -> Nothing;
    UntagResource(UntagResourceInput) -> Nothing;
    ListTagsForResource(ListTagsForResourceInput) -> TagsOutput;
    ListFragments(ListFragmentsInput) -> ListFragmentsOutput;
    GetImages(GetImagesInput) -> GetImagesOutput;
    GetHLSStreamingSessionURL(GetHLSStreamingSessionURLInput) -> GetHLSStreamingSessionURLOutput;
    GetDASHStreamingSessionURL(GetDASHStreamingSessionURLInput) -> GetDASHStreamingSessionURLOutput;
}

impl VideoCommand {
    /// The stream a call names, for the traffic log.
    pub fn stream_hint(&self) -> Option<String> {
        let value = serde_json::to_value(self).ok()?;
        let input = value.get("Input")?;
        ["StreamName", "StreamARN", "ResourceARN"]
            .iter()
            .find_map(|k| input.get(*k).and_then(|v| v.as_str()))
            .map(|s| s.rsplit('/').nth(1).unwrap_or(s).to_owned())
    }
}
