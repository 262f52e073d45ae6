//! TagResource, UntagResource and ListTagsForResource (reference D): up to 50 tags an
//! application, addressed by its ARN.

use super::checks::finish;
use crate::analytics::application::{Application, MAX_TAGS};
use crate::analytics::error::{AnalyticsError, AnalyticsResult};
use crate::firehose::ops::tags::validate_tags;
use crate::firehose::shapes::Tag;
use crate::streams::shapes::Empty;
use crate::validate::Validator;
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};

const ARN_PATTERN: &str =
    "arn:aws:kinesisanalytics:[a-z]{2}-[a-z]+-\\d{1}+:\\d{12}+:application/[a-zA-Z0-9_.-]{1,128}";

fn arn_ok(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts[..] else {
        return false;
    };
    let region_ok = {
        let pieces: Vec<&str> = region.split('-').collect();
        pieces.len() == 3
            && pieces[0].len() == 2
            && pieces[0].bytes().all(|b| b.is_ascii_lowercase())
            && !pieces[1].is_empty()
            && pieces[1].bytes().all(|b| b.is_ascii_lowercase())
            && !pieces[2].is_empty()
            && pieces[2].bytes().all(|b| b.is_ascii_digit())
    };
    let name_ok = resource.strip_prefix("application/").is_some_and(|n| {
        (1..=128).contains(&n.len())
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    });
    prefix == "arn"
        && partition == "aws"
        && service == "kinesisanalytics"
        && region_ok
        && account.len() >= 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && name_ok
}

fn validate_arn(v: &mut Validator, arn: &Option<String>) {
    if let Some(arn) = v.required("resourceARN", arn)
        && v.length("resourceARN", arn, 1, 2048)
    {
        v.pattern_text("resourceARN", arn, ARN_PATTERN, arn_ok(arn));
    }
}

impl World {
    /// The application ARN `arn` names, once the request passes its model checks (the ARN's,
    /// and `more`).
    fn application_by_arn(
        &mut self,
        arn: &Option<String>,
        more: impl FnOnce(&mut Validator),
    ) -> AnalyticsResult<&mut Application> {
        let mut v = Validator::new();
        validate_arn(&mut v, arn);
        more(&mut v);
        finish(v)?;
        let arn = arn.as_deref().unwrap_or_default();
        self.analytics
            .applications
            .values_mut()
            .find(|app| app.arn == arn)
            .ok_or_else(|| {
                AnalyticsError::ResourceNotFoundException(format!("Resource {arn} not found"))
            })
    }
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
    type Output = Empty;
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<Empty> {
        let app = world.application_by_arn(&self.resource_arn, |v| {
            if let Some(tags) = v.required("tags", &self.tags) {
                validate_tags(v, "tags", tags);
            }
        })?;
        let mut tags = app.tags.clone();
        for tag in self.tags.unwrap_or_default() {
            match tags.iter_mut().find(|t| t.key == tag.key) {
                Some(existing) => existing.value = tag.value,
                None => tags.push(tag),
            }
        }
        if tags.len() > MAX_TAGS {
            return Err(AnalyticsError::TooManyTagsException(format!(
                "Application {} would have {} tags; the most it can have is {MAX_TAGS}.",
                app.name,
                tags.len()
            )));
        }
        app.tags = tags;
        Ok(Empty {})
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
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<Empty> {
        let app = world.application_by_arn(&self.resource_arn, |v| {
            if let Some(keys) = v.required("tagKeys", &self.tag_keys) {
                v.list_size("tagKeys", keys.len(), 1, 200);
                for (i, key) in keys.iter().enumerate() {
                    v.length(&format!("tagKeys.{}.member", i + 1), key, 1, 128);
                }
            }
        })?;
        let keys = self.tag_keys.unwrap_or_default();
        app.tags.retain(|t| !keys.contains(&t.key));
        Ok(Empty {})
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
    type Error = AnalyticsError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> AnalyticsResult<ListTagsForResourceOutput> {
        let app = world.application_by_arn(&self.resource_arn, |_| {})?;
        Ok(ListTagsForResourceOutput {
            tags: app.tags.clone(),
        })
    }
}
