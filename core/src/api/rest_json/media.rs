//! GetMedia and GetMediaForFragmentList over HTTP (reference C.4, C.5): the answer streams one
//! complete Matroska document per fragment. GetMedia follows the stream while a PutMedia request
//! feeds it, and ends once it has caught up with a stream nobody is writing to.

use super::{RestAnswer, respond, success};
use crate::api::server::ApiState;
use crate::video::error::VideoError;
use crate::video::media::{FollowMedia, GetMediaForFragmentListInput, GetMediaInput, MediaBatch};
use crate::video::ops::clip::GetClipInput;
use axum::body::Body;
use axum::http::Method;
use axum::http::request::Parts;
use axum::response::Response;
use std::time::Duration;

/// How often a followed stream is looked at for new fragments.
const POLL: Duration = Duration::from_millis(100);
/// How long GetMedia waits on a live stream that sends nothing before it ends.
const QUIET_LIMIT: Duration = Duration::from_secs(30);

/// The media read a request is, if it is one.
pub fn operation_of(parts: &Parts) -> Option<&'static str> {
    if parts.method != Method::POST {
        return None;
    }
    match parts.uri.path() {
        "/getMedia" => Some("GetMedia"),
        "/getMediaForFragmentList" => Some("GetMediaForFragmentList"),
        "/getClip" => Some("GetClip"),
        _ => None,
    }
}

/// Answers a media read; the stream it names, for the traffic log.
pub fn serve(
    state: &ApiState,
    parts: &Parts,
    operation: &str,
    body: &[u8],
    request_id: &str,
) -> (Response, Option<String>) {
    let refuse = |answer: RestAnswer| (respond(&answer, request_id), None);
    if let Err(e) = state.auth.check(parts, body) {
        return refuse(e.into());
    }
    let invalid = |e: serde_json::Error| {
        RestAnswer::from(VideoError::InvalidArgumentException(format!(
            "The request body is not a valid {operation} input: {e}"
        )))
    };
    if operation == "GetClip" {
        let clip = match serde_json::from_slice::<GetClipInput>(body) {
            Ok(input) => state.world.apply(input),
            Err(e) => return refuse(invalid(e)),
        };
        return match clip {
            Ok(clip) => (
                success(Body::from(clip.mp4), "video/mp4", request_id),
                Some(clip.stream),
            ),
            Err(e) => refuse(e.into()),
        };
    }
    let batch = match operation {
        "GetMedia" => match serde_json::from_slice::<GetMediaInput>(body) {
            Ok(input) => state.world.apply(input),
            Err(e) => return refuse(invalid(e)),
        },
        _ => match serde_json::from_slice::<GetMediaForFragmentListInput>(body) {
            Ok(input) => state.world.apply(input),
            Err(e) => return refuse(invalid(e)),
        },
    };
    let batch = match batch {
        Ok(batch) => batch,
        Err(e) => return refuse(e.into()),
    };
    let stream = Some(batch.stream.clone());
    let follow = operation == "GetMedia";
    let (sender, receiver) = tokio::sync::mpsc::channel::<bytes::Bytes>(8);
    tokio::spawn(send_chunks(state.clone(), batch, follow, sender));
    let chunks = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver
            .recv()
            .await
            .map(|chunk| (Ok::<_, std::io::Error>(chunk), receiver))
    });
    let response = success(Body::from_stream(chunks), "video/webm", request_id);
    (response, stream)
}

/// Sends `batch`, then (following) what arrives after it, until caught up with a stream no
/// PutMedia request feeds.
async fn send_chunks(
    state: ApiState,
    mut batch: MediaBatch,
    follow: bool,
    sender: tokio::sync::mpsc::Sender<bytes::Bytes>,
) {
    let mut quiet = Duration::ZERO;
    loop {
        let sent_any = !batch.chunks.is_empty();
        for chunk in std::mem::take(&mut batch.chunks) {
            if sender.send(chunk).await.is_err() {
                return;
            }
        }
        if !follow || (!sent_any && !batch.live) || quiet >= QUIET_LIMIT {
            return;
        }
        if sent_any {
            quiet = Duration::ZERO;
        } else {
            tokio::time::sleep(POLL).await;
            quiet += POLL;
        }
        let next = state.world.apply(FollowMedia {
            stream: batch.stream.clone(),
            after: batch.last.clone(),
        });
        match next {
            Ok(next) => batch = next,
            Err(_) => return,
        }
    }
}
