//! PutObject through the S3 view: a user's own object (reference data for an analytics
//! application, say) stored beside what Firehose delivered, as `aws s3 cp` puts it.

use super::object_store::{ObjectMeta, ObjectRole};
use crate::world::{Operation, World};
use md5::Digest;

/// Stores `body` as `bucket`/`key`.
#[derive(Debug, Clone, PartialEq)]
pub struct PutObjectInput {
    pub bucket: String,
    pub key: String,
    pub body: Vec<u8>,
}

impl Operation for PutObjectInput {
    /// The object's ETag (the MD5 of its body, in hex).
    type Output = String;
    /// Why the object could not be written (the data directory's file system said no).
    type Error = String;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<String, String> {
        let etag = format!("{:x}", md5::Md5::digest(&self.body));
        let meta = ObjectMeta {
            size: self.body.len() as u64,
            content_encoding: None,
            last_modified_ms: world.now_ms(),
            records: 0,
            etag: Some(etag.clone()),
            role: ObjectRole::Data,
        };
        world
            .firehose
            .store
            .put(&self.bucket, &self.key, self.body, meta)
            .map_err(|e| e.to_string())?;
        Ok(etag)
    }
}
