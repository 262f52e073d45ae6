//! The model's constraints shared by the control plane's operations (InvalidArgumentException
//! with AWS's "validation error" texts: the API has no ValidationException).

use crate::validate::Validator;
use crate::video::error::VideoError;

const NAME_PATTERN: &str = "[a-zA-Z0-9_.-]+";
const ARN_PATTERN: &str =
    "arn:[a-z\\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+";
const VERSION_PATTERN: &str = "[a-zA-Z0-9]+";
const MEDIA_TYPE_PATTERN: &str =
    "[\\w\\-\\.\\+]+/[\\w\\-\\.\\+]+(,[\\w\\-\\.\\+]+/[\\w\\-\\.\\+]+)*";

fn name_ok(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
}

fn arn_ok(text: &str) -> bool {
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts[..] else {
        return false;
    };
    let segments: Vec<&str> = resource.split('/').collect();
    arn == "arn"
        && !partition.is_empty()
        && partition
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && service == "kinesisvideo"
        && !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !account.is_empty()
        && account.bytes().all(|b| b.is_ascii_digit())
        && segments.len() == 3
        && !segments[0].is_empty()
        && segments[0].bytes().all(|b| b.is_ascii_lowercase())
        && !segments[1].is_empty()
        && name_ok(segments[1])
        && !segments[2].is_empty()
        && segments[2].bytes().all(|b| b.is_ascii_digit())
}

fn media_type_ok(text: &str) -> bool {
    let word = |w: &str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == '+')
    };
    text.split(',').all(|pair| {
        pair.split_once('/')
            .is_some_and(|(kind, sub)| word(kind) && word(sub))
    })
}

/// A name member: 1–`max` characters of `[a-zA-Z0-9_.-]`.
pub(crate) fn name(v: &mut Validator, member: &str, value: &Option<String>, max: usize) {
    if let Some(value) = value
        && v.length(member, value, 1, max)
    {
        v.pattern_text(member, value, NAME_PATTERN, name_ok(value));
    }
}

pub(crate) fn stream_name(v: &mut Validator, value: &Option<String>) {
    name(v, "streamName", value, 256);
}

/// The stream a call names: StreamName and StreamARN as the model checks them.
pub(crate) fn stream(v: &mut Validator, name: &Option<String>, arn_value: &Option<String>) {
    stream_name(v, name);
    arn(v, "streamARN", arn_value);
}

pub(crate) fn arn(v: &mut Validator, member: &str, value: &Option<String>) {
    if let Some(value) = value
        && v.length(member, value, 1, 1024)
    {
        v.pattern_text(member, value, ARN_PATTERN, arn_ok(value));
    }
}

pub(crate) fn version(v: &mut Validator, member: &str, value: &Option<String>) {
    if let Some(value) = value
        && v.length(member, value, 1, 64)
    {
        let ok = value.bytes().all(|b| b.is_ascii_alphanumeric());
        v.pattern_text(member, value, VERSION_PATTERN, ok);
    }
}

pub(crate) fn media_type(v: &mut Validator, value: &Option<String>) {
    if let Some(value) = value
        && v.length("mediaType", value, 1, 128)
    {
        v.pattern_text("mediaType", value, MEDIA_TYPE_PATTERN, media_type_ok(value));
    }
}

/// A NextToken: the text a page ended at, in base64.
pub(crate) fn next_token(after: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(after)
}

/// The text a NextToken carries (none for an absent or empty token); InvalidArgumentException if
/// it is not one this API gave.
pub(crate) fn token_text(token: &Option<String>) -> Result<Option<String>, VideoError> {
    use base64::Engine;
    match token.as_deref() {
        None | Some("") => Ok(None),
        Some(token) => base64::engine::general_purpose::STANDARD
            .decode(token)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .map(Some)
            .ok_or_else(|| VideoError::InvalidArgumentException("NextToken is not valid.".into())),
    }
}

pub(crate) fn finish(v: Validator) -> Result<(), VideoError> {
    v.finish_as(VideoError::InvalidArgumentException)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_and_media_types_follow_the_model_patterns() {
        assert!(arn_ok(
            "arn:aws:kinesisvideo:us-east-1:000000000000:stream/cam-1/1767225600000"
        ));
        assert!(!arn_ok(
            "arn:aws:kinesis:us-east-1:000000000000:stream/cam-1/1"
        ));
        assert!(!arn_ok(
            "arn:aws:kinesisvideo:us-east-1:000000000000:stream/cam 1/1"
        ));
        assert!(!arn_ok(
            "arn:aws:kinesisvideo:us-east-1:000000000000:stream/cam-1"
        ));
        assert!(media_type_ok("video/h264"));
        assert!(media_type_ok("video/h264,audio/aac"));
        assert!(!media_type_ok("video"));
        assert!(!media_type_ok("video/h264,"));
    }
}
