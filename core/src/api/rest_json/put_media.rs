//! PutMedia over HTTP (reference C.3): the request names the stream in its headers and streams a
//! Matroska body; the answer is HTTP 200 at once, then newline-separated JSON acknowledgements on
//! the same connection as the body's fragments are read — IDLE every few seconds while nothing
//! comes, the request closed after 30 quiet seconds, after an ERROR, or when the body ends.

use super::{RestAnswer, respond, success};
use crate::api::server::ApiState;
use crate::video::put_media::{Ack, EndPutMedia, PutMediaData, StartPutMedia};
use axum::body::Body;
use axum::http::request::Parts;
use axum::response::Response;
use futures_util::StreamExt;
use std::time::Duration;

/// How often IDLE is sent while no data comes.
const IDLE_EVERY: Duration = Duration::from_secs(3);
/// How long a session may stay quiet before the request is closed.
const QUIET_LIMIT: Duration = Duration::from_secs(30);

/// Whether a request is PutMedia (its body must be read as it comes, not whole).
pub fn is_put_media(parts: &Parts) -> bool {
    parts.method == axum::http::Method::POST && parts.uri.path() == "/putMedia"
}

fn text<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The producer start timestamp header: epoch seconds, with a fraction.
fn producer_start_ms(parts: &Parts) -> Result<Option<i64>, String> {
    match text(parts, "x-amzn-producer-start-timestamp") {
        None => Ok(None),
        Some(value) => value
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| Some((s * 1_000.0).round() as i64))
            .ok_or_else(|| format!("x-amzn-producer-start-timestamp {value} is not a timestamp.")),
    }
}

fn ack_line(ack: &Ack) -> bytes::Bytes {
    let mut line = serde_json::to_vec(ack).unwrap_or_default();
    line.push(b'\n');
    line.into()
}

/// Answers a PutMedia request, reading its body as it arrives.
pub async fn serve(state: ApiState, parts: Parts, body: Body, request_id: &str) -> Response {
    let refuse = |answer: RestAnswer| respond(&answer, request_id);
    if let Err(e) = state.auth.check(&parts, &[]) {
        return refuse(e.into());
    }
    let start = match producer_start_ms(&parts) {
        Ok(start) => start,
        Err(message) => {
            let error = crate::video::error::VideoError::InvalidArgumentException(message);
            return refuse(error.into());
        }
    };
    let session = state.world.apply(StartPutMedia {
        stream_name: text(&parts, "x-amzn-stream-name").map(str::to_owned),
        stream_arn: text(&parts, "x-amzn-stream-arn").map(str::to_owned),
        fragment_timecode_type: text(&parts, "x-amzn-fragment-timecode-type").map(str::to_owned),
        producer_start_ms: start,
    });
    let session = match session {
        Ok(session) => session,
        Err(e) => return refuse(e.into()),
    };
    let (sender, receiver) = tokio::sync::mpsc::channel::<bytes::Bytes>(64);
    tokio::spawn(read_body(state, session, body, sender));
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver
            .recv()
            .await
            .map(|line| (Ok::<_, std::io::Error>(line), receiver))
    });
    success(Body::from_stream(stream), "application/json", request_id)
}

/// Feeds the body to the session and sends every ACK it earns.
async fn read_body(
    state: ApiState,
    session: u64,
    body: Body,
    sender: tokio::sync::mpsc::Sender<bytes::Bytes>,
) {
    let mut data = body.into_data_stream();
    let mut quiet = Duration::ZERO;
    loop {
        let next = tokio::time::timeout(IDLE_EVERY, data.next()).await;
        let acks = match next {
            Err(_) => {
                quiet += IDLE_EVERY;
                if quiet >= QUIET_LIMIT {
                    break;
                }
                vec![Ack::idle()]
            }
            Ok(Some(Ok(bytes))) => {
                quiet = Duration::ZERO;
                let bytes = bytes.to_vec();
                state
                    .world
                    .apply(PutMediaData { session, bytes })
                    .unwrap_or_default()
            }
            // The body ended, or the connection broke: what was read is taken.
            Ok(None) | Ok(Some(Err(_))) => break,
        };
        let failed = acks.iter().any(|a| a.event_type == "ERROR");
        for ack in &acks {
            if sender.send(ack_line(ack)).await.is_err() {
                break;
            }
        }
        if failed {
            // Read the rest of the body away, so the client still reads the ERROR rather than
            // a connection closed under its upload.
            while let Ok(Some(Ok(_))) = tokio::time::timeout(QUIET_LIMIT, data.next()).await {}
            break;
        }
    }
    let last = state
        .world
        .apply(EndPutMedia { session })
        .unwrap_or_default();
    for ack in &last {
        let _ = sender.send(ack_line(ack)).await;
    }
}
