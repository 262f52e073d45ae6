//! TagDeliveryStream, UntagDeliveryStream, ListTagsForDeliveryStream (up to 50 tags a stream).

use super::lifecycle::validate_name;
use crate::firehose::error::FirehoseError;
use crate::firehose::shapes::Tag;
use crate::streams::shapes::Empty;
use crate::validate::Validator;
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};

/// Tags a delivery stream may carry.
pub const MAX_TAGS: usize = 50;
const KEY_PATTERN: &str = "^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$";
const VALUE_PATTERN: &str = "^[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$";

fn tag_text_ok(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@%".contains(c))
}

fn validate_key(v: &mut Validator, member: &str, key: &str) {
    if v.length(member, key, 1, 128) {
        let ok = tag_text_ok(key) && !key.starts_with("aws:");
        v.pattern_text(member, key, KEY_PATTERN, ok);
    }
}

/// The model's constraints on a tag list (1–50 tags, keys 1–128, values 0–256).
pub(crate) fn validate_tags(v: &mut Validator, member: &str, tags: &[Tag]) {
    v.list_size(member, tags.len(), 1, MAX_TAGS);
    for (i, tag) in tags.iter().enumerate() {
        validate_key(v, &format!("{member}.{}.member.key", i + 1), &tag.key);
        if let Some(value) = &tag.value {
            let at = format!("{member}.{}.member.value", i + 1);
            if v.length(&at, value, 0, 256) {
                v.pattern_text(&at, value, VALUE_PATTERN, tag_text_ok(value));
            }
        }
    }
}

/// TagDeliveryStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TagDeliveryStreamInput {
    pub delivery_stream_name: Option<String>,
    pub tags: Option<Vec<Tag>>,
}

impl Operation for TagDeliveryStreamInput {
    type Output = Empty;
    type Error = FirehoseError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Empty, FirehoseError> {
        let mut v = Validator::new();
        validate_name(&mut v, &self.delivery_stream_name);
        if let Some(tags) = v.required("tags", &self.tags) {
            validate_tags(&mut v, "tags", tags);
        }
        v.finish_as(FirehoseError::ValidationException)?;
        let name = self.delivery_stream_name.unwrap_or_default();
        let stream = world.delivery_stream_named_mut(&name)?;
        let tags = self.tags.unwrap_or_default();
        let added = tags
            .iter()
            .filter(|t| !stream.tags.contains_key(&t.key))
            .map(|t| &t.key)
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        if stream.tags.len() + added > MAX_TAGS {
            return Err(FirehoseError::LimitExceededException(format!(
                "Delivery stream {name} can have at most {MAX_TAGS} tags."
            )));
        }
        stream
            .tags
            .extend(tags.into_iter().map(|t| (t.key, t.value)));
        Ok(Empty {})
    }
}

/// UntagDeliveryStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UntagDeliveryStreamInput {
    pub delivery_stream_name: Option<String>,
    pub tag_keys: Option<Vec<String>>,
}

impl Operation for UntagDeliveryStreamInput {
    type Output = Empty;
    type Error = FirehoseError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Empty, FirehoseError> {
        let mut v = Validator::new();
        validate_name(&mut v, &self.delivery_stream_name);
        if let Some(keys) = v.required("tagKeys", &self.tag_keys) {
            v.list_size("tagKeys", keys.len(), 1, MAX_TAGS);
            for key in keys {
                validate_key(&mut v, "tagKeys", key);
            }
        }
        v.finish_as(FirehoseError::ValidationException)?;
        let name = self.delivery_stream_name.unwrap_or_default();
        let stream = world.delivery_stream_named_mut(&name)?;
        for key in self.tag_keys.unwrap_or_default() {
            stream.tags.remove(&key);
        }
        Ok(Empty {})
    }
}

/// ListTagsForDeliveryStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListTagsForDeliveryStreamInput {
    pub delivery_stream_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_start_tag_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

/// ListTagsForDeliveryStream's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForDeliveryStreamOutput {
    pub tags: Vec<Tag>,
    pub has_more_tags: bool,
}

impl Operation for ListTagsForDeliveryStreamInput {
    type Output = ListTagsForDeliveryStreamOutput;
    type Error = FirehoseError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<ListTagsForDeliveryStreamOutput, FirehoseError> {
        let mut v = Validator::new();
        validate_name(&mut v, &self.delivery_stream_name);
        v.range("limit", self.limit, 1, MAX_TAGS as i64);
        if let Some(key) = &self.exclusive_start_tag_key {
            validate_key(&mut v, "exclusiveStartTagKey", key);
        }
        v.finish_as(FirehoseError::ValidationException)?;
        let name = self.delivery_stream_name.unwrap_or_default();
        let stream = world.delivery_stream_named(&name)?;
        let limit = self.limit.unwrap_or(MAX_TAGS as i64) as usize;
        let start = self.exclusive_start_tag_key.unwrap_or_default();
        let tags = stream
            .tags
            .iter()
            .filter(|(key, _)| **key > start)
            .map(|(key, value)| Tag {
                key: key.clone(),
                value: value.clone(),
            });
        let (tags, has_more_tags) = super::page(tags, limit);
        Ok(ListTagsForDeliveryStreamOutput {
            tags,
            has_more_tags,
        })
    }
}
