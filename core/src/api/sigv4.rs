//! SigV4 verification for `kinescope serve --auth KEY:SECRET`: the canonical request is rebuilt from
//! what arrived (only the headers the client signed), signed again with the configured secret, and
//! the two signatures compared. aws-sigv4 signs requests but chooses the headers itself, so it
//! cannot re-create a client's canonical request; the hashing here uses the sha2/hmac crates.

use super::auth::query_parameter;
use super::wire_error::WireError;
use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The credentials a verifying server accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// Access key id.
    pub access_key: String,
    /// Secret access key.
    pub secret: String,
}

/// The parts of a request that were signed.
pub struct SignedRequest<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// Path as it arrived (already URI-encoded).
    pub path: &'a str,
    /// Query string, if any.
    pub query: Option<&'a str>,
    /// Request headers.
    pub headers: &'a HeaderMap,
    /// Host from the URI authority (HTTP/2 has no Host header).
    pub authority: Option<&'a str>,
    /// Request body.
    pub body: &'a [u8],
}

fn forbidden(code: &str, message: &str) -> WireError {
    WireError::new(403, code, message)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn parameter<'a>(params: &'a str, name: &str) -> Option<&'a str> {
    params
        .split(',')
        .map(str::trim)
        .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
}

fn canonical_value(values: Vec<&str>) -> String {
    values
        .iter()
        .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(",")
}

/// The canonical query string: pairs sorted, a presigned request's own signature left out.
fn canonical_query(query: Option<&str>) -> String {
    let mut pairs: Vec<(&str, &str)> = query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .filter(|(k, _)| *k != "X-Amz-Signature")
        .collect();
    pairs.sort_unstable();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes `%XX` escapes (query-string values arrive URI-encoded).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok())
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a signature is made of, from the Authorization header or a presigned query string.
struct SignatureParts {
    credential: String,
    signed_headers: String,
    signature: String,
    amz_date: String,
    presigned: bool,
    shown: String,
}

impl SignatureParts {
    fn of(request: &SignedRequest<'_>) -> Self {
        let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
        if let Some(authorization) = header("authorization") {
            let params = authorization
                .strip_prefix("AWS4-HMAC-SHA256 ")
                .unwrap_or_default();
            let part = |name| parameter(params, name).unwrap_or_default().to_owned();
            return Self {
                credential: part("Credential"),
                signed_headers: part("SignedHeaders"),
                signature: part("Signature"),
                amz_date: header("x-amz-date")
                    .or(header("date"))
                    .unwrap_or_default()
                    .to_owned(),
                presigned: false,
                shown: format!("Authorization={authorization}"),
            };
        }
        let query = |name| percent_decode(query_parameter(request.query, name).unwrap_or_default());
        Self {
            credential: query("X-Amz-Credential"),
            signed_headers: query("X-Amz-SignedHeaders"),
            signature: query("X-Amz-Signature"),
            amz_date: query("X-Amz-Date"),
            presigned: true,
            shown: format!("X-Amz-Credential={}", query("X-Amz-Credential")),
        }
    }
}

/// Checks the request's SigV4 signature (header or presigned query) against `credentials`.
pub fn verify(request: &SignedRequest<'_>, credentials: &Credentials) -> Result<(), WireError> {
    let parts = SignatureParts::of(request);
    let mut scope_parts = parts.credential.splitn(2, '/');
    let (access_key, scope) = (
        scope_parts.next().unwrap_or_default(),
        scope_parts.next().unwrap_or_default(),
    );
    if access_key != credentials.access_key {
        return Err(forbidden(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ));
    }
    let scope_fields: Vec<&str> = scope.split('/').collect();
    let [date, region, service, "aws4_request"] = scope_fields[..] else {
        return Err(forbidden(
            "IncompleteSignatureException",
            &format!(
                "Credential should be scoped to a valid region. {}",
                parts.shown
            ),
        ));
    };
    let mut canonical_headers = String::new();
    for name in parts.signed_headers.split(';') {
        let values: Vec<&str> = request
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let values = if values.is_empty() && name == "host" {
            request.authority.into_iter().collect()
        } else {
            values
        };
        canonical_headers.push_str(&format!("{name}:{}\n", canonical_value(values)));
    }
    let declared = request
        .headers
        .get("x-amz-content-sha256")
        .and_then(|v| v.to_str().ok());
    let mut payload_hashes =
        vec![declared.map_or_else(|| hex(&Sha256::digest(request.body)), str::to_owned)];
    if parts.presigned {
        // A presigned URL may leave its payload unsigned, as S3's do.
        payload_hashes.push("UNSIGNED-PAYLOAD".into());
    }
    let key = [date, region, service, "aws4_request"].iter().fold(
        format!("AWS4{}", credentials.secret).into_bytes(),
        |key, part| hmac(&key, part.as_bytes()),
    );
    let matches = payload_hashes.iter().any(|payload_hash| {
        let canonical_request = format!(
            "{}\n{}\n{}\n{canonical_headers}\n{}\n{payload_hash}",
            request.method,
            if request.path.is_empty() {
                "/"
            } else {
                request.path
            },
            canonical_query(request.query),
            parts.signed_headers,
        );
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256\n{}\n{date}/{region}/{service}/aws4_request\n{}",
            parts.amz_date,
            hex(&Sha256::digest(canonical_request.as_bytes()))
        );
        hex(&hmac(&key, string_to_sign.as_bytes())) == parts.signature
    });
    if !matches {
        return Err(forbidden(
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    /// AWS's published SigV4 example (the "get-vanilla" test of the SigV4 test suite).
    #[test]
    fn the_aws_test_suite_vanilla_request_verifies() {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("example.amazonaws.com"));
        headers.insert("x-amz-date", HeaderValue::from_static("20150830T123600Z"));
        headers.insert(
            "authorization",
            HeaderValue::from_static("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        );
        let credentials = Credentials {
            access_key: "AKIDEXAMPLE".into(),
            secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        };
        let request = SignedRequest {
            method: "GET",
            path: "/",
            query: None,
            headers: &headers,
            authority: None,
            body: b"",
        };
        assert_eq!(verify(&request, &credentials), Ok(()));
        let wrong = Credentials {
            secret: "other".into(),
            ..credentials.clone()
        };
        assert_eq!(
            verify(&request, &wrong).unwrap_err().code,
            "InvalidSignatureException"
        );
        let stranger = Credentials {
            access_key: "AKIDOTHER".into(),
            ..credentials
        };
        assert_eq!(
            verify(&request, &stranger).unwrap_err().code,
            "UnrecognizedClientException"
        );
    }

    /// AWS's published presigned-URL example (S3 GET object, "Authenticating Requests: Using
    /// Query Parameters"): the signature travels in the query string over an unsigned payload.
    #[test]
    fn the_aws_presigned_url_example_verifies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "host",
            HeaderValue::from_static("examplebucket.s3.amazonaws.com"),
        );
        let query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
        let credentials = Credentials {
            access_key: "AKIAIOSFODNN7EXAMPLE".into(),
            secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
        };
        let request = SignedRequest {
            method: "GET",
            path: "/test.txt",
            query: Some(query),
            headers: &headers,
            authority: None,
            body: b"",
        };
        assert_eq!(verify(&request, &credentials), Ok(()));
        let tampered = query.replace("86400", "86401");
        let request = SignedRequest {
            query: Some(&tampered),
            ..request
        };
        assert_eq!(
            verify(&request, &credentials).unwrap_err().code,
            "InvalidSignatureException"
        );
    }
}
