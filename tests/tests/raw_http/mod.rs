//! Raw HTTP/1.1 against an in-process API server: requests exactly as written (any method, headers
//! and body), answers as they arrive, for tests of the wire itself.
#![allow(dead_code)]

use kinescope_core::api::{self, ApiState, AuthMode};
use kinescope_core::live::SharedWorld;
use kinescope_core::{Settings, Speed, World};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A well-formed SigV4 Authorization header (any signature is accepted without `--auth`).
pub const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";

/// Starts a server on a free port over a fresh world running in real time; returns the port.
pub async fn server() -> u16 {
    let settings = Settings::starting_now();
    let world = SharedWorld::new(World::new(settings, 1), Speed::Factor(1.0));
    let listener = api::bind("127.0.0.1", 0).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let state = ApiState {
        world,
        auth: AuthMode::AcceptAnySignature,
        log_requests: false,
    };
    tokio::spawn(api::serve(listener, None, state, std::future::pending()));
    port
}

/// An answer: status, the header block as text (lower-cased), and the body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: String,
    pub body: Vec<u8>,
}

impl Answer {
    /// The value of header `name` (lower-case), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            (key.trim() == name).then(|| value.trim())
        })
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request: `Content-Length` is the body's unless `headers` gives one.
pub async fn send(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-length"))
    {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let headers = String::from_utf8_lossy(&response[..split]).to_ascii_lowercase();
    let status = headers[9..12].parse().unwrap();
    Answer {
        status,
        headers,
        body: response[split + 4..].to_vec(),
    }
}

/// A signed POST of operation `target` (none: no X-Amz-Target header) with `content_type`.
pub async fn post(
    port: u16,
    target: Option<&str>,
    content_type: &str,
    auth: Option<&str>,
    body: &[u8],
) -> Answer {
    let target = target.map(|t| format!("Kinesis_20131202.{t}"));
    let mut headers = vec![
        ("Content-Type", content_type),
        ("X-Amz-Date", "20260101T000000Z"),
    ];
    if let Some(target) = &target {
        headers.push(("X-Amz-Target", target));
    }
    if let Some(auth) = auth {
        headers.push(("Authorization", auth));
    }
    send(port, "POST", "/", &headers, body).await
}
