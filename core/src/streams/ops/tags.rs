//! Tags on streams and consumers: AddTagsToStream / RemoveTagsFromStream / ListTagsForStream and
//! TagResource / UntagResource / ListTagsForResource (up to 50 tags per resource, A.4).

use super::resource::Resource;
use crate::streams::error::{KinesisError, KinesisResult};
use crate::streams::shapes::{Empty, Tag};
use crate::validate::{Pattern, Validator};
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Tags one resource may carry.
pub const MAX_TAGS: usize = 50;

/// Model constraints of a TagMap: 1–200 entries, keys 1–128 characters, values 0–256.
pub(crate) fn validate_tag_map(v: &mut Validator, member: &str, tags: &BTreeMap<String, String>) {
    v.list_size(member, tags.len(), 1, 200);
    for (key, value) in tags {
        v.length(member, key, 1, 128);
        v.length(member, value, 0, 256);
    }
}

fn validate_tag_keys(v: &mut Validator, keys: &[String]) {
    v.list_size("tagKeys", keys.len(), 1, 50);
    for key in keys {
        v.length("tagKeys", key, 1, 128);
    }
}

fn valid_tag_text(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_./=+-%@:".contains(c))
}

/// Semantic checks of tags to add: allowed characters, no `aws:` prefix, at most 50 in all.
fn check_tags_to_add(
    resource: &str,
    account: &str,
    existing: &BTreeMap<String, String>,
    tags: &BTreeMap<String, String>,
) -> KinesisResult<()> {
    if !tags
        .iter()
        .all(|(k, v)| valid_tag_text(k) && valid_tag_text(v))
    {
        return Err(KinesisError::InvalidArgumentException(
            "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @ :.".into(),
        ));
    }
    if tags.iter().any(|(k, v)| k.contains('%') || v.contains('%')) {
        return Err(KinesisError::InvalidArgumentException(format!(
            "Failed to add tags to stream {resource} under account {account} because some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@',':'."
        )));
    }
    if tags
        .keys()
        .any(|k| k.to_ascii_lowercase().starts_with("aws:"))
    {
        return Err(KinesisError::InvalidArgumentException(
            "Tag keys starting with 'aws:' are reserved for AWS use.".into(),
        ));
    }
    let after = existing.len() + tags.keys().filter(|k| !existing.contains_key(*k)).count();
    check_tag_count(resource, account, after, 0)
}

/// InvalidArgumentException if a resource would carry more than 50 tags.
pub(crate) fn check_tag_count(
    resource: &str,
    account: &str,
    existing: usize,
    added: usize,
) -> KinesisResult<()> {
    if existing + added > MAX_TAGS {
        return Err(KinesisError::InvalidArgumentException(format!(
            "Failed to add tags to stream {resource} under account {account} because a given stream cannot have more than {MAX_TAGS} tags associated with it."
        )));
    }
    Ok(())
}

fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag {
            key: k.clone(),
            value: Some(v.clone()),
        })
        .collect()
}

impl World {
    fn tags_of_mut(&mut self, resource: &Resource) -> KinesisResult<&mut BTreeMap<String, String>> {
        match resource {
            Resource::Stream(name) => Ok(&mut self.stream_named_mut(name)?.tags),
            Resource::Consumer { stream, consumer } => {
                let stream = self.stream_named_mut(stream)?;
                stream
                    .consumers
                    .get_mut(consumer)
                    .map(|c| &mut c.tags)
                    .ok_or_else(|| {
                        KinesisError::ResourceNotFoundException(format!(
                            "Consumer {consumer} not found."
                        ))
                    })
            }
        }
    }

    fn add_tags(
        &mut self,
        resource: Resource,
        label: &str,
        tags: BTreeMap<String, String>,
    ) -> KinesisResult<Empty> {
        let account = self.account_id().to_owned();
        let existing = self.tags_of_mut(&resource)?;
        check_tags_to_add(label, &account, existing, &tags)?;
        existing.extend(tags);
        Ok(Empty {})
    }

    fn remove_tags(&mut self, resource: Resource, keys: &[String]) -> KinesisResult<Empty> {
        let existing = self.tags_of_mut(&resource)?;
        for key in keys {
            existing.remove(key);
        }
        Ok(Empty {})
    }
}

/// AddTagsToStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AddTagsToStreamInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub tags: Option<BTreeMap<String, String>>,
}

impl Operation for AddTagsToStreamInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        let mut v = Validator::new();
        v.stream_address(&self.stream_name, &self.stream_arn);
        if let Some(tags) = v.required("tags", &self.tags) {
            validate_tag_map(&mut v, "tags", tags);
        }
        v.finish()?;
        let name =
            world.resolve_stream_name(self.stream_name.as_deref(), self.stream_arn.as_deref())?;
        world.active_stream_mut(&name)?;
        world.add_tags(
            Resource::Stream(name.clone()),
            &name,
            self.tags.unwrap_or_default(),
        )
    }
}

/// RemoveTagsFromStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RemoveTagsFromStreamInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub tag_keys: Option<Vec<String>>,
}

impl Operation for RemoveTagsFromStreamInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        let mut v = Validator::new();
        v.stream_address(&self.stream_name, &self.stream_arn);
        if let Some(keys) = v.required("tagKeys", &self.tag_keys) {
            validate_tag_keys(&mut v, keys);
        }
        v.finish()?;
        let name =
            world.resolve_stream_name(self.stream_name.as_deref(), self.stream_arn.as_deref())?;
        world.active_stream_mut(&name)?;
        world.remove_tags(Resource::Stream(name), &self.tag_keys.unwrap_or_default())
    }
}

/// ListTagsForStream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListTagsForStreamInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub exclusive_start_tag_key: Option<String>,
    pub limit: Option<i64>,
}

/// ListTagsForStream's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForStreamOutput {
    pub tags: Vec<Tag>,
    pub has_more_tags: bool,
}

impl Operation for ListTagsForStreamInput {
    type Output = ListTagsForStreamOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<ListTagsForStreamOutput> {
        let mut v = Validator::new();
        v.stream_address(&self.stream_name, &self.stream_arn);
        v.string(
            "exclusiveStartTagKey",
            &self.exclusive_start_tag_key,
            1,
            128,
            None,
        );
        v.range("limit", self.limit, 1, 50);
        v.finish()?;
        let name =
            world.resolve_stream_name(self.stream_name.as_deref(), self.stream_arn.as_deref())?;
        let stream = world.stream_named(&name)?;
        let limit = self.limit.unwrap_or(50) as usize;
        let start = self.exclusive_start_tag_key.as_deref();
        let mut after = stream
            .tags
            .iter()
            .filter(|(k, _)| start.is_none_or(|s| k.as_str() > s));
        let page: BTreeMap<String, String> = after
            .by_ref()
            .take(limit)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(ListTagsForStreamOutput {
            tags: tag_list(&page),
            has_more_tags: after.next().is_some(),
        })
    }
}

/// TagResource (stream or consumer ARN).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TagResourceInput {
    #[serde(rename = "ResourceARN")]
    pub resource_arn: Option<String>,
    pub tags: Option<BTreeMap<String, String>>,
}

pub(crate) fn validate_resource_arn(v: &mut Validator, arn: &Option<String>) {
    v.required("resourceARN", arn);
    v.string("resourceARN", arn, 1, 2048, Some(Pattern::ResourceArn));
}

impl Operation for TagResourceInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        let mut v = Validator::new();
        validate_resource_arn(&mut v, &self.resource_arn);
        if let Some(tags) = v.required("tags", &self.tags) {
            validate_tag_map(&mut v, "tags", tags);
        }
        v.finish()?;
        let arn = self.resource_arn.unwrap_or_default();
        let resource = world.resolve_resource(&arn)?;
        world.add_tags(resource, &arn, self.tags.unwrap_or_default())
    }
}

/// UntagResource.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UntagResourceInput {
    #[serde(rename = "ResourceARN")]
    pub resource_arn: Option<String>,
    pub tag_keys: Option<Vec<String>>,
}

impl Operation for UntagResourceInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        let mut v = Validator::new();
        validate_resource_arn(&mut v, &self.resource_arn);
        if let Some(keys) = v.required("tagKeys", &self.tag_keys) {
            validate_tag_keys(&mut v, keys);
        }
        v.finish()?;
        let resource = world.resolve_resource(self.resource_arn.as_deref().unwrap_or_default())?;
        world.remove_tags(resource, &self.tag_keys.unwrap_or_default())
    }
}

/// ListTagsForResource.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListTagsForResourceInput {
    #[serde(rename = "ResourceARN")]
    pub resource_arn: Option<String>,
}

/// ListTagsForResource's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceOutput {
    pub tags: Vec<Tag>,
}

impl Operation for ListTagsForResourceInput {
    type Output = ListTagsForResourceOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<ListTagsForResourceOutput> {
        let mut v = Validator::new();
        validate_resource_arn(&mut v, &self.resource_arn);
        v.finish()?;
        let resource = world.resolve_resource(self.resource_arn.as_deref().unwrap_or_default())?;
        let tags = world.tags_of_mut(&resource)?;
        Ok(ListTagsForResourceOutput {
            tags: tag_list(tags),
        })
    }
}
