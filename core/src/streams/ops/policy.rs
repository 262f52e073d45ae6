//! Resource policies on streams and consumers: stored as given and returned as stored.

use super::resource::Resource;
use super::tags::validate_resource_arn;
use crate::streams::error::{KinesisError, KinesisResult};
use crate::streams::shapes::Empty;
use crate::validate::Validator;
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};

impl World {
    fn policy_of_mut(&mut self, resource: &Resource) -> KinesisResult<&mut Option<String>> {
        match resource {
            Resource::Stream(name) => Ok(&mut self.stream_named_mut(name)?.policy),
            Resource::Consumer { stream, consumer } => self
                .stream_named_mut(stream)?
                .consumers
                .get_mut(consumer)
                .map(|c| &mut c.policy)
                .ok_or_else(|| {
                    KinesisError::ResourceNotFoundException(format!(
                        "Consumer {consumer} not found."
                    ))
                }),
        }
    }
}

/// PutResourcePolicy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PutResourcePolicyInput {
    #[serde(rename = "ResourceARN")]
    pub resource_arn: Option<String>,
    pub policy: Option<String>,
}

impl Operation for PutResourcePolicyInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        let mut v = Validator::new();
        validate_resource_arn(&mut v, &self.resource_arn);
        v.required("policy", &self.policy);
        v.finish()?;
        let policy = self.policy.unwrap_or_default();
        let is_object =
            serde_json::from_str::<serde_json::Value>(&policy).is_ok_and(|p| p.is_object());
        if !is_object {
            return Err(KinesisError::InvalidArgumentException(
                "Policy is not a valid JSON policy document.".into(),
            ));
        }
        let resource = world.resolve_resource(self.resource_arn.as_deref().unwrap_or_default())?;
        *world.policy_of_mut(&resource)? = Some(policy);
        Ok(Empty {})
    }
}

/// GetResourcePolicy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetResourcePolicyInput {
    #[serde(rename = "ResourceARN")]
    pub resource_arn: Option<String>,
}

/// GetResourcePolicy's output: the stored policy, `{}` when none is attached.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetResourcePolicyOutput {
    pub policy: String,
}

impl Operation for GetResourcePolicyInput {
    type Output = GetResourcePolicyOutput;
    type Error = KinesisError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> KinesisResult<GetResourcePolicyOutput> {
        let mut v = Validator::new();
        validate_resource_arn(&mut v, &self.resource_arn);
        v.finish()?;
        let resource = world.resolve_resource(self.resource_arn.as_deref().unwrap_or_default())?;
        let policy = world
            .policy_of_mut(&resource)?
            .clone()
            .unwrap_or_else(|| "{}".into());
        Ok(GetResourcePolicyOutput { policy })
    }
}

/// DeleteResourcePolicy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteResourcePolicyInput {
    #[serde(rename = "ResourceARN")]
    pub resource_arn: Option<String>,
}

impl Operation for DeleteResourcePolicyInput {
    type Output = Empty;
    type Error = KinesisError;

    fn execute(self, world: &mut World) -> KinesisResult<Empty> {
        let mut v = Validator::new();
        validate_resource_arn(&mut v, &self.resource_arn);
        v.finish()?;
        let arn = self.resource_arn.unwrap_or_default();
        let resource = world.resolve_resource(&arn)?;
        let policy = world.policy_of_mut(&resource)?;
        if policy.take().is_none() {
            return Err(KinesisError::ResourceNotFoundException(format!(
                "No resource policy exists for {arn}"
            )));
        }
        Ok(Empty {})
    }
}
