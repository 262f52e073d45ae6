//! TagStream, UntagStream, ListTagsForStream and TagResource, UntagResource, ListTagsForResource
//! (the same tags, addressed by the stream or by its ARN; at most 50 a stream).

use super::lifecycle::Nothing;
use super::validation::{self, finish};
use crate::validate::Validator;
use crate::video::error::VideoError;
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Tags a stream may carry.
pub const MAX_TAGS: usize = 50;

fn validate_key(v: &mut Validator, member: &str, key: &str) {
    v.length(member, key, 1, 128);
}

/// The model's constraints on a tag map (1–50 tags, keys 1–128, values 0–256).
pub(crate) fn validate_tag_map(v: &mut Validator, member: &str, tags: &BTreeMap<String, String>) {
    v.list_size(member, tags.len(), 1, MAX_TAGS);
    for (key, value) in tags {
        validate_key(v, &format!("{member}.key"), key);
        v.length(&format!("{member}.value"), value, 0, 256);
    }
}

fn validate_keys(v: &mut Validator, keys: &Option<Vec<String>>) {
    if let Some(keys) = v.required("tagKeyList", keys) {
        v.list_size("tagKeyList", keys.len(), 1, MAX_TAGS);
        for (i, key) in keys.iter().enumerate() {
            validate_key(v, &format!("tagKeyList.{}.member", i + 1), key);
        }
    }
}

/// Adds `tags` to those held, within the limit.
fn add_tags(
    held: &mut BTreeMap<String, String>,
    tags: BTreeMap<String, String>,
) -> Result<(), VideoError> {
    let added = tags.keys().filter(|k| !held.contains_key(*k)).count();
    if held.len() + added > MAX_TAGS {
        return Err(VideoError::TagsPerResourceExceededLimitException(format!(
            "A stream can have at most {MAX_TAGS} tags."
        )));
    }
    held.extend(tags);
    Ok(())
}

/// TagStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TagStreamInput {
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub stream_name: Option<String>,
    pub tags: Option<BTreeMap<String, String>>,
}

impl Operation for TagStreamInput {
    type Output = Nothing;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Nothing, VideoError> {
        let mut v = Validator::new();
        validation::stream(&mut v, &self.stream_name, &self.stream_arn);
        if let Some(tags) = v.required("tags", &self.tags) {
            validate_tag_map(&mut v, "tags", tags);
        }
        finish(v)?;
        let stream = world.video_stream_mut(&self.stream_name, &self.stream_arn)?;
        add_tags(&mut stream.tags, self.tags.unwrap_or_default())?;
        Ok(Nothing {})
    }
}

/// UntagStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UntagStreamInput {
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub stream_name: Option<String>,
    pub tag_key_list: Option<Vec<String>>,
}

impl Operation for UntagStreamInput {
    type Output = Nothing;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Nothing, VideoError> {
        let mut v = Validator::new();
        validation::stream(&mut v, &self.stream_name, &self.stream_arn);
        validate_keys(&mut v, &self.tag_key_list);
        finish(v)?;
        let stream = world.video_stream_mut(&self.stream_name, &self.stream_arn)?;
        for key in self.tag_key_list.unwrap_or_default() {
            stream.tags.remove(&key);
        }
        Ok(Nothing {})
    }
}

/// ListTagsForStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListTagsForStreamInput {
    pub next_token: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub stream_name: Option<String>,
}

/// The tags of a stream (every one: there are at most 50).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagsOutput {
    pub tags: BTreeMap<String, String>,
}

impl Operation for ListTagsForStreamInput {
    type Output = TagsOutput;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<TagsOutput, VideoError> {
        let mut v = Validator::new();
        validation::stream(&mut v, &self.stream_name, &self.stream_arn);
        v.string("nextToken", &self.next_token, 0, 1024, None);
        finish(v)?;
        let stream = world.video_stream_mut(&self.stream_name, &self.stream_arn)?;
        Ok(TagsOutput {
            tags: stream.tags.clone(),
        })
    }
}

/// A tag of TagResource's list.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// TagResource.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TagResourceInput {
    #[serde(rename = "ResourceARN")]
    pub resource_arn: Option<String>,
    pub tags: Option<Vec<Tag>>,
}

impl Operation for TagResourceInput {
    type Output = Nothing;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Nothing, VideoError> {
        let mut v = Validator::new();
        v.required("resourceARN", &self.resource_arn);
        validation::arn(&mut v, "resourceARN", &self.resource_arn);
        if let Some(tags) = v.required("tags", &self.tags) {
            v.list_size("tags", tags.len(), 1, MAX_TAGS);
            for (i, tag) in tags.iter().enumerate() {
                validate_key(&mut v, &format!("tags.{}.member.key", i + 1), &tag.key);
                let at = format!("tags.{}.member.value", i + 1);
                v.length(&at, &tag.value, 0, 256);
            }
        }
        finish(v)?;
        let tags = self.tags.unwrap_or_default();
        TagStreamInput {
            stream_arn: self.resource_arn,
            stream_name: None,
            tags: Some(tags.into_iter().map(|t| (t.key, t.value)).collect()),
        }
        .execute(world)
    }
}

/// UntagResource.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UntagResourceInput {
    #[serde(rename = "ResourceARN")]
    pub resource_arn: Option<String>,
    pub tag_key_list: Option<Vec<String>>,
}

impl Operation for UntagResourceInput {
    type Output = Nothing;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Nothing, VideoError> {
        let mut v = Validator::new();
        v.required("resourceARN", &self.resource_arn);
        validation::arn(&mut v, "resourceARN", &self.resource_arn);
        validate_keys(&mut v, &self.tag_key_list);
        finish(v)?;
        UntagStreamInput {
            stream_arn: self.resource_arn,
            stream_name: None,
            tag_key_list: self.tag_key_list,
        }
        .execute(world)
    }
}

/// ListTagsForResource.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListTagsForResourceInput {
    pub next_token: Option<String>,
    #[serde(rename = "ResourceARN")]
    pub resource_arn: Option<String>,
}

impl Operation for ListTagsForResourceInput {
    type Output = TagsOutput;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<TagsOutput, VideoError> {
        let mut v = Validator::new();
        v.required("resourceARN", &self.resource_arn);
        validation::arn(&mut v, "resourceARN", &self.resource_arn);
        v.string("nextToken", &self.next_token, 0, 1024, None);
        finish(v)?;
        ListTagsForStreamInput {
            next_token: self.next_token,
            stream_arn: self.resource_arn,
            stream_name: None,
        }
        .execute(world)
    }
}
