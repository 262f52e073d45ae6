//! ListBuckets and ListObjectsV2 over the delivered objects: prefix, delimiter (common prefixes),
//! max-keys, continuation tokens, start-after and `encoding-type=url`, as S3 pages them.

use super::xml::{self, CommonPrefix, Contents, ListBucketResult};
use crate::api::auth::query_parameter;
use crate::api::server::ApiState;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use std::collections::BTreeSet;

/// Keys a page holds unless `max-keys` says fewer.
const MAX_KEYS: usize = 1_000;
/// What `encoding-type=url` leaves unescaped: RFC 3986's unreserved characters and `/`.
const KEY_ENCODING: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

fn iso8601(epoch_ms: i64) -> String {
    crate::time::Timestamp(epoch_ms).iso8601()
}

/// ListBuckets.
pub fn buckets(state: &ApiState, request_id: &str) -> Response {
    let (names, created) = state
        .world
        .read(|w| (w.objects().buckets(), iso8601(w.settings().start_epoch_ms)));
    xml::buckets(names, &created, request_id)
}

/// ListObjectsV2 of `bucket`.
pub fn objects(state: &ApiState, bucket: &str, query: Option<&str>, request_id: &str) -> Response {
    let parameter = |name: &str| {
        query_parameter(query, name).map(|v| {
            percent_decode_str(&v.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        })
    };
    let prefix = parameter("prefix").unwrap_or_default();
    let delimiter = parameter("delimiter").filter(|d| !d.is_empty());
    let max_keys = parameter("max-keys")
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(MAX_KEYS)
        .min(MAX_KEYS);
    let url_encoded = parameter("encoding-type").as_deref() == Some("url");
    let token = parameter("continuation-token");
    let start_after = parameter("start-after");
    let after = match &token {
        Some(token) => match STANDARD
            .decode(token)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
        {
            Some(key) => key,
            None => {
                return xml::error(
                    400,
                    "InvalidArgument",
                    "The continuation token provided is incorrect",
                    None,
                    request_id,
                );
            }
        },
        None => start_after.clone().unwrap_or_default(),
    };
    let (known, listed) = state.world.read(|w| {
        let store = w.objects();
        (
            store.buckets().iter().any(|b| b == bucket),
            store.list(bucket, &prefix),
        )
    });
    if !known {
        return xml::error(
            404,
            "NoSuchBucket",
            "The specified bucket does not exist",
            None,
            request_id,
        );
    }
    let encode = |key: &str| {
        if url_encoded {
            utf8_percent_encode(key, KEY_ENCODING).to_string()
        } else {
            key.to_owned()
        }
    };
    let mut contents = Vec::new();
    let mut prefixes = BTreeSet::new();
    let mut last = None;
    let mut truncated = false;
    for object in listed.iter().filter(|o| o.key > after) {
        let common = delimiter.as_deref().and_then(|d| {
            object.key[prefix.len()..]
                .find(d)
                .map(|at| object.key[..prefix.len() + at + d.len()].to_owned())
        });
        if let Some(common) = &common
            && prefixes.contains(common)
        {
            continue;
        }
        if contents.len() + prefixes.len() == max_keys {
            truncated = true;
            break;
        }
        match common {
            Some(common) => {
                // The next page starts after everything under this prefix.
                last = Some(format!("{common}{}", char::MAX));
                prefixes.insert(common);
            }
            None => {
                last = Some(object.key.clone());
                contents.push(Contents {
                    key: encode(&object.key),
                    last_modified: iso8601(object.meta.last_modified_ms),
                    etag: format!("\"{}\"", object.meta.etag.clone().unwrap_or_default()),
                    size: object.meta.size,
                    storage_class: "STANDARD",
                })
            }
        }
    }
    let key_count = contents.len() + prefixes.len();
    let result = ListBucketResult {
        xmlns: ListBucketResult::XMLNS,
        name: bucket.to_owned(),
        prefix: encode(&prefix),
        delimiter: delimiter.as_deref().map(encode),
        max_keys,
        encoding_type: url_encoded.then_some("url"),
        key_count,
        is_truncated: truncated,
        continuation_token: token,
        next_continuation_token: truncated
            .then(|| last.map(|k| STANDARD.encode(k)))
            .flatten(),
        start_after: start_after.map(|s| encode(&s)),
        contents,
        common_prefixes: prefixes
            .into_iter()
            .map(|p| CommonPrefix { prefix: encode(&p) })
            .collect(),
    };
    xml::listing(&result, request_id)
}
