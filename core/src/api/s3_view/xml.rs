//! S3's XML answers (namespace `http://s3.amazonaws.com/doc/2006-03-01/`), written with
//! quick-xml's serde serializer.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;

const NAMESPACE: &str = "http://s3.amazonaws.com/doc/2006-03-01/";
/// The owner every bucket of the view has.
const OWNER_ID: &str = "kinescope";

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Owner {
    #[serde(rename = "ID")]
    id: &'static str,
    display_name: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BucketEntry {
    name: String,
    creation_date: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Buckets {
    bucket: Vec<BucketEntry>,
}

#[derive(Serialize)]
#[serde(rename = "ListAllMyBucketsResult", rename_all = "PascalCase")]
struct ListAllMyBuckets {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    owner: Owner,
    buckets: Buckets,
}

/// One object in a listing.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Contents {
    pub key: String,
    pub last_modified: String,
    #[serde(rename = "ETag")]
    pub etag: String,
    pub size: u64,
    pub storage_class: &'static str,
}

/// A common prefix in a listing with a delimiter.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CommonPrefix {
    pub prefix: String,
}

/// ListObjectsV2's answer.
#[derive(Serialize)]
#[serde(rename = "ListBucketResult", rename_all = "PascalCase")]
pub struct ListBucketResult {
    #[serde(rename = "@xmlns")]
    pub xmlns: &'static str,
    pub name: String,
    pub prefix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    pub max_keys: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding_type: Option<&'static str>,
    pub key_count: usize,
    pub is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continuation_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_continuation_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_after: Option<String>,
    pub contents: Vec<Contents>,
    pub common_prefixes: Vec<CommonPrefix>,
}

impl ListBucketResult {
    /// The namespace every answer carries.
    pub const XMLNS: &'static str = NAMESPACE;
}

#[derive(Serialize)]
#[serde(rename = "Error", rename_all = "PascalCase")]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
    request_id: &'a str,
}

fn document(value: &impl Serialize) -> String {
    let mut text = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if quick_xml::se::to_writer(&mut text, value).is_err() {
        text.push_str("<Error><Code>InternalError</Code></Error>");
    }
    text
}

/// An XML answer.
pub fn respond(status: u16, text: String, request_id: &str) -> Response {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml"),
    );
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amz-request-id", id);
    }
    response
}

/// An S3 error document.
pub fn error(
    status: u16,
    code: &str,
    message: &str,
    key: Option<&str>,
    request_id: &str,
) -> Response {
    let body = ErrorBody {
        code,
        message,
        key,
        request_id,
    };
    respond(status, document(&body), request_id)
}

/// ListBuckets' answer for `names`, each created at `created`.
pub fn buckets(names: Vec<String>, created: &str, request_id: &str) -> Response {
    let body = ListAllMyBuckets {
        xmlns: NAMESPACE,
        owner: Owner {
            id: OWNER_ID,
            display_name: OWNER_ID,
        },
        buckets: Buckets {
            bucket: names
                .into_iter()
                .map(|name| BucketEntry {
                    name,
                    creation_date: created.to_owned(),
                })
                .collect(),
        },
    };
    respond(200, document(&body), request_id)
}

/// ListObjectsV2's answer.
pub fn listing(result: &ListBucketResult, request_id: &str) -> Response {
    respond(200, document(result), request_id)
}
