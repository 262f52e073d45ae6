//! SubscribeToShard over the wire: an `initial-response` event first, then a SubscribeToShardEvent
//! for each event the engine pushes (woken when this subscription has something new, not by every
//! change and not on a timer), and an exception message if the subscription is taken over or its
//! consumer disappears (reference A.12).

use super::eventstream;
use super::protocol::{self, Format, WireError};
use crate::api::server::ApiState;
use crate::live::SharedWorld;
use crate::streams::efo::SubscriptionEvent;
use crate::streams::ops::consumers::{
    CancelSubscriptionInput, ReadSubscriptionInput, SubscribeToShardInput,
};
use axum::body::Body;
use bytes::Bytes;
use std::sync::Arc;
use tokio::sync::Notify;

/// Cancels the engine subscription when the client goes away.
struct Subscriber {
    world: Arc<SharedWorld>,
    id: u64,
    wake: Arc<Notify>,
    format: Format,
    started: bool,
    done: bool,
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        self.world.unwatch_subscription(self.id);
        let _ = self.world.apply(CancelSubscriptionInput {
            subscription_id: self.id,
        });
    }
}

impl Subscriber {
    fn frame(&self, event: &SubscriptionEvent) -> Vec<u8> {
        let content_type = self.format.content_type();
        match event {
            SubscriptionEvent::Event(e) => eventstream::event(
                "SubscribeToShardEvent",
                content_type,
                &protocol::encode(self.format, e),
            ),
            SubscriptionEvent::Error(error) => {
                let body = protocol::encode_error(self.format, &WireError::from(error.clone()));
                eventstream::exception(error.code(), content_type, &body)
            }
            SubscriptionEvent::End => Vec::new(),
        }
    }

    /// The next chunk of the response body, or `None` when the subscription is over.
    async fn next_chunk(&mut self) -> Option<Bytes> {
        if !self.started {
            self.started = true;
            // An empty object in the request's own format: `{}` for JSON, an empty map (0xa0)
            // for CBOR clients.
            let empty = protocol::encode(self.format, &serde_json::Map::new());
            return Some(Bytes::from(eventstream::event(
                "initial-response",
                self.format.content_type(),
                &empty,
            )));
        }
        loop {
            if self.done {
                return None;
            }
            let out = self
                .world
                .apply(ReadSubscriptionInput {
                    subscription_id: self.id,
                })
                .ok()?;
            self.done = out.finished;
            let bytes: Vec<u8> = out.events.iter().flat_map(|e| self.frame(e)).collect();
            if !bytes.is_empty() {
                return Some(Bytes::from(bytes));
            }
            if !self.done {
                // Events queued since the read above left a permit: this returns at once.
                self.wake.notified().await;
            }
        }
    }
}

/// Starts a subscription and returns its event-stream body; errors before the stream starts are
/// ordinary error responses.
pub async fn open(
    state: &ApiState,
    input: SubscribeToShardInput,
    format: Format,
) -> Result<Body, WireError> {
    let id = state.world.apply(input)?.subscription_id;
    let subscriber = Subscriber {
        world: state.world.clone(),
        id,
        wake: state.world.watch_subscription(id),
        format,
        started: false,
        done: false,
    };
    let stream = futures_util::stream::unfold(subscriber, |mut s| async move {
        s.next_chunk()
            .await
            .map(|chunk| (Ok::<_, std::io::Error>(chunk), s))
    });
    Ok(Body::from_stream(stream))
}
