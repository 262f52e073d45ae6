//! `--s3-endpoint URL`: deliveries go to a real S3-compatible service (AWS S3, MinIO, moto)
//! instead of the folders of the data directory — a path-style PUT per object, signed with
//! SigV4 (aws-sigv4) when the call is made, with the credentials the binary was given.

use crate::outbound::{CallResult, HttpCall, Signing};
use std::time::Duration;

/// How long a PUT may take.
const PUT_TIMEOUT: Duration = Duration::from_secs(60);

/// Where objects go, and who signs for them.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct RemoteS3 {
    /// `http://HOST:PORT` or `https://HOST`, without a trailing slash.
    pub endpoint: String,
    pub access_key: String,
    pub secret_key: String,
}

/// S3's encoding of a key in a path: every byte but unreserved characters and `/`.
fn encode_key(key: &str) -> String {
    let mut out = String::new();
    for byte in key.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

impl RemoteS3 {
    /// The PUT of one object.
    pub fn put(
        &self,
        region: &str,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        content_encoding: Option<&str>,
    ) -> HttpCall {
        let mut headers = vec![(
            "Content-Type".to_owned(),
            "application/octet-stream".to_owned(),
        )];
        if let Some(encoding) = content_encoding {
            headers.push(("Content-Encoding".into(), encoding.into()));
        }
        HttpCall {
            url: format!("{}/{bucket}/{}", self.endpoint, encode_key(key)),
            method: "PUT",
            headers,
            body,
            timeout: PUT_TIMEOUT,
            signing: Some(Signing {
                service: "s3",
                region: region.to_owned(),
                access_key: self.access_key.clone(),
                secret_key: self.secret_key.clone(),
            }),
        }
    }
}

/// Why a PUT failed, or nothing when the object was stored.
pub fn judge_put(answer: CallResult) -> Result<(), String> {
    let answer = answer?;
    if answer.status == 200 {
        return Ok(());
    }
    let text: String = String::from_utf8_lossy(&answer.body)
        .chars()
        .take(300)
        .collect();
    Err(format!("S3 answered HTTP {}: {text}", answer.status))
}

#[cfg(test)]
mod tests {
    use super::encode_key;

    #[test]
    fn keys_are_encoded_as_s3_wants_them_in_a_path() {
        assert_eq!(encode_key("a/b c/é+x.gz"), "a/b%20c/%C3%A9%2Bx.gz");
    }
}
