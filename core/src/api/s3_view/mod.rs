//! The S3 view of what Firehose delivered (path-style URLs): ListBuckets, ListObjectsV2,
//! GetObject (with a byte range) and HeadObject, so `aws s3 ls` and `aws s3 cp` read the data
//! directory's bucket folders as they would read S3 — and PutObject (and CreateBucket, which has
//! nothing to do: buckets exist as soon as they hold an object), so a user can put reference data
//! for an analytics application there. Requests signed for the `s3` service come here; anything
//! else that would change a bucket (deletes, multipart uploads) is refused as S3 refuses a grant
//! without it.

mod listing;
mod xml;

use super::server::ApiState;
use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use md5::{Digest, Md5};

/// Whether a request is meant for S3: signed (header or presigned query) for the `s3` service.
pub fn is_s3_request(parts: &Parts) -> bool {
    let scope_names_s3 = |text: &str| text.contains("/s3/aws4_request");
    let in_header = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(scope_names_s3);
    let in_query = parts.uri.query().is_some_and(|q| {
        super::auth::query_parameter(Some(q), "X-Amz-Credential")
            .is_some_and(|c| scope_names_s3(&c.replace("%2F", "/").replace("%2f", "/")))
    });
    in_header || in_query
}

/// The S3 operation a request is, and the bucket it names (for the traffic log).
pub fn operation_of(parts: &Parts) -> (&'static str, Option<String>) {
    let (bucket, key) = bucket_and_key(parts);
    let operation = match (&parts.method, bucket.is_empty(), key.is_empty()) {
        (_, true, _) => "ListBuckets",
        (&Method::PUT, false, true) => "CreateBucket",
        (_, false, true) => "ListObjectsV2",
        (&Method::HEAD, false, false) => "HeadObject",
        (&Method::GET, false, false) => "GetObject",
        (&Method::PUT, false, false) => "PutObject",
        _ => "S3 (refused)",
    };
    (operation, (!bucket.is_empty()).then_some(bucket))
}

/// The bucket and key of a path-style URL, percent-decoded.
fn bucket_and_key(parts: &Parts) -> (String, String) {
    let decoded = percent_encoding::percent_decode_str(parts.uri.path()).decode_utf8_lossy();
    let trimmed = decoded.trim_start_matches('/');
    match trimmed.split_once('/') {
        Some((bucket, key)) => (bucket.to_owned(), key.to_owned()),
        None => (trimmed.to_owned(), String::new()),
    }
}

/// Answers one S3 request.
pub fn answer(state: &ApiState, parts: &Parts, body: &[u8]) -> Response {
    let request_id = format!("{:016X}", rand::random::<u64>());
    // S3 signs its canonical request its own way (no double encoding of the path, the payload
    // hash from x-amz-content-sha256): the view asks for a well-formed signature, like
    // AcceptAnySignature, and does not verify it.
    let text = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let signed = super::auth::check_signature_present(
        text("authorization"),
        text("x-amz-date").or(text("date")),
        parts.uri.query(),
    );
    if let Err(error) = signed {
        return xml::error(403, &error.code, &error.message, None, &request_id);
    }
    let (bucket, key) = bucket_and_key(parts);
    // A plain PutObject only: sub-resources (?tagging, ?acl, multipart uploads) and copies are
    // not taken.
    let plain = parts.uri.query().is_none_or(str::is_empty)
        && !parts.headers.contains_key("x-amz-copy-source");
    if parts.method == Method::PUT && !bucket.is_empty() && plain {
        return put(state, &bucket, &key, body, &request_id);
    }
    let reading = parts.method == Method::GET || parts.method == Method::HEAD;
    if !reading {
        return xml::error(
            403,
            "AccessDenied",
            "Access Denied: the S3 view of Kinescope takes reads and PutObject only",
            None,
            &request_id,
        );
    }
    match (bucket.is_empty(), key.is_empty()) {
        (true, _) => listing::buckets(state, &request_id),
        (false, true) => listing::objects(state, &bucket, parts.uri.query(), &request_id),
        (false, false) => object(state, parts, &bucket, &key, &request_id),
    }
}

/// PutObject (an empty key: CreateBucket, which has nothing to do).
fn put(state: &ApiState, bucket: &str, key: &str, body: &[u8], request_id: &str) -> Response {
    if key.is_empty() {
        return bare(200, request_id);
    }
    let input = crate::firehose::put_object::PutObjectInput {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        body: body.to_vec(),
    };
    match state.world.apply(input) {
        Ok(etag) => {
            let mut response = bare(200, request_id);
            if let Ok(value) = HeaderValue::from_str(&format!("\"{etag}\"")) {
                response.headers_mut().insert(header::ETAG, value);
            }
            response
        }
        Err(e) => xml::error(500, "InternalError", &e, None, request_id),
    }
}

/// GetObject / HeadObject, with AWS's headers and a single byte range.
fn object(state: &ApiState, parts: &Parts, bucket: &str, key: &str, request_id: &str) -> Response {
    let head = parts.method == Method::HEAD;
    let found = state.world.read(|world| {
        let store = world.objects();
        let meta = store.meta(bucket, key).cloned();
        store.body(bucket, key).map(|body| body.map(|b| (b, meta)))
    });
    let (bytes, meta) = match found {
        Ok(Some(found)) => found,
        Ok(None) => {
            let bucket_known = state
                .world
                .read(|w| w.objects().buckets().iter().any(|b| b == bucket));
            let (code, message) = if bucket_known {
                ("NoSuchKey", "The specified key does not exist.")
            } else {
                ("NoSuchBucket", "The specified bucket does not exist")
            };
            if head {
                return bare(404, request_id);
            }
            return xml::error(404, code, message, Some(key), request_id);
        }
        Err(e) => return xml::error(500, "InternalError", &e.to_string(), None, request_id),
    };
    let total = bytes.len();
    let range = parts
        .headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| byte_range(r, total));
    let (status, slice) = match range {
        Some((start, end)) => (206, bytes.slice(start..=end)),
        None => (200, bytes.clone()),
    };
    let mut response = Response::new(if head {
        Body::empty()
    } else {
        Body::from(slice.clone())
    });
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    let mut set = |name: header::HeaderName, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    set(header::CONTENT_TYPE, "application/octet-stream".into());
    set(header::CONTENT_LENGTH, slice.len().to_string());
    set(header::ETAG, format!("\"{:x}\"", Md5::digest(&bytes)));
    set(header::ACCEPT_RANGES, "bytes".into());
    if let Some((start, end)) = range {
        set(
            header::CONTENT_RANGE,
            format!("bytes {start}-{end}/{total}"),
        );
    }
    if let Some(meta) = &meta {
        set(header::LAST_MODIFIED, http_date(meta.last_modified_ms));
        if let Some(encoding) = meta.content_encoding {
            set(header::CONTENT_ENCODING, encoding.into());
        }
    }
    set(
        header::HeaderName::from_static("x-amz-request-id"),
        request_id.to_owned(),
    );
    response
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n` within `total` bytes, as inclusive offsets.
fn byte_range(text: &str, total: usize) -> Option<(usize, usize)> {
    let spec = text.strip_prefix("bytes=")?;
    let (start, end) = spec.split_once('-')?;
    if total == 0 {
        return None;
    }
    let last = total - 1;
    match (start.parse::<usize>().ok(), end.parse::<usize>().ok()) {
        (Some(start), Some(end)) if start <= end && start <= last => Some((start, end.min(last))),
        (Some(start), None) if end.is_empty() && start <= last => Some((start, last)),
        (None, Some(suffix)) if start.is_empty() && suffix > 0 => {
            Some((total.saturating_sub(suffix), last))
        }
        _ => None,
    }
}

/// An RFC 7231 date, as Last-Modified carries it.
fn http_date(epoch_ms: i64) -> String {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_millis(epoch_ms.max(0) as u64);
    httpdate::fmt_http_date(time)
}

fn bare(status: u16, request_id: &str) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::NOT_FOUND);
    if let Ok(id) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-amz-request-id", id);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges_are_read_as_s3_reads_them() {
        assert_eq!(byte_range("bytes=0-9", 100), Some((0, 9)));
        assert_eq!(byte_range("bytes=90-200", 100), Some((90, 99)));
        assert_eq!(byte_range("bytes=50-", 100), Some((50, 99)));
        assert_eq!(byte_range("bytes=-10", 100), Some((90, 99)));
        assert_eq!(byte_range("bytes=100-", 100), None);
        assert_eq!(byte_range("items=0-1", 100), None);
    }

    #[test]
    fn dates_are_http_dates() {
        assert_eq!(
            http_date(1_767_225_600_000),
            "Thu, 01 Jan 2026 00:00:00 GMT"
        );
    }
}
