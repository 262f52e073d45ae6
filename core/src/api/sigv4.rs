//! SigV4 verification for `kinescope serve --auth KEY:SECRET`: the canonical request is rebuilt from
//! what arrived (only the headers the client signed), signed again with the configured secret, and
//! the two signatures compared. aws-sigv4 signs requests but chooses the headers itself, so it
//! cannot re-create a client's canonical request; the hashing here uses the sha2/hmac crates.

use super::protocol::WireError;
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
    WireError {
        status: 403,
        code: code.into(),
        message: message.into(),
    }
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

fn canonical_query(query: Option<&str>) -> String {
    let mut pairs: Vec<(&str, &str)> = query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    pairs.sort_unstable();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Checks the request's SigV4 signature against `credentials`.
pub fn verify(request: &SignedRequest<'_>, credentials: &Credentials) -> Result<(), WireError> {
    let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
    let authorization = header("authorization").unwrap_or_default();
    let params = authorization
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .unwrap_or_default();
    let credential = parameter(params, "Credential").unwrap_or_default();
    let signed_headers = parameter(params, "SignedHeaders").unwrap_or_default();
    let signature = parameter(params, "Signature").unwrap_or_default();
    let mut scope_parts = credential.splitn(2, '/');
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
                "Credential should be scoped to a valid region. Authorization={authorization}"
            ),
        ));
    };
    let amz_date = header("x-amz-date").or(header("date")).unwrap_or_default();
    let mut canonical_headers = String::new();
    for name in signed_headers.split(';') {
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
    let payload_hash = header("x-amz-content-sha256")
        .map_or_else(|| hex(&Sha256::digest(request.body)), str::to_owned);
    let canonical_request = format!(
        "{}\n{}\n{}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
        request.method,
        if request.path.is_empty() {
            "/"
        } else {
            request.path
        },
        canonical_query(request.query)
    );
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{date}/{region}/{service}/aws4_request\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let key = [date, region, service, "aws4_request"].iter().fold(
        format!("AWS4{}", credentials.secret).into_bytes(),
        |key, part| hmac(&key, part.as_bytes()),
    );
    let expected = hex(&hmac(&key, string_to_sign.as_bytes()));
    if expected != signature {
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
}
