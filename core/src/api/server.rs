//! The API server: binds the port, serves HTTP/1.1 and HTTP/2 (h2c) with one handler, keeps time
//! moving between requests, and stops cleanly when told to.

use super::auth;
use super::aws_json::handler::handle;
use super::sigv4::{self, Credentials, SignedRequest};
use super::tls::{TlsListener, serve_tls};
use super::wire_error::WireError;
use crate::live::SharedWorld;
use axum::Router;
use axum::http::request::Parts;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use tokio::net::TcpListener;

/// How often time moves forward while no request arrives (so EFO pushes and transitions happen).
const TICK: Duration = Duration::from_millis(20);

/// How requests are authenticated.
#[derive(Debug, Clone, Default)]
pub enum AuthMode {
    /// Any well-formed SigV4 header is accepted.
    #[default]
    AcceptAnySignature,
    /// Signatures are verified against these credentials (`--auth KEY:SECRET`).
    Verify(Credentials),
}

impl AuthMode {
    pub(crate) fn check(&self, parts: &Parts, body: &[u8]) -> Result<(), WireError> {
        let headers = &parts.headers;
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let query = parts.uri.query();
        auth::check_signature_present(
            text("authorization"),
            text("x-amz-date").or(text("date")),
            query,
        )?;
        match self {
            AuthMode::AcceptAnySignature => Ok(()),
            AuthMode::Verify(credentials) => {
                let request = SignedRequest {
                    method: parts.method.as_str(),
                    path: parts.uri.path(),
                    query,
                    headers,
                    authority: parts.uri.authority().map(|a| a.as_str()),
                    body,
                };
                sigv4::verify(&request, credentials)
            }
        }
    }
}

/// State every request handler sees.
#[derive(Clone)]
pub struct ApiState {
    /// The shared world.
    pub world: Arc<SharedWorld>,
    /// Authentication.
    pub auth: AuthMode,
    /// Print one line per call.
    pub log_requests: bool,
}

/// Why the server could not start.
#[derive(Debug, Error)]
pub enum ServeError {
    /// The port is taken.
    #[error(
        "port {port} on {host} is already in use; choose another with --port (0 picks a free one)"
    )]
    PortInUse { host: String, port: u16 },
    /// Any other bind failure.
    #[error("cannot listen on {host}:{port}: {source}")]
    Bind {
        host: String,
        port: u16,
        source: std::io::Error,
    },
    /// The server stopped with an I/O error.
    #[error("the API server stopped: {0}")]
    Io(#[from] std::io::Error),
}

/// Binds `host:port` (port 0 picks a free one), with a clear error when the port is taken.
pub async fn bind(host: &str, port: u16) -> Result<TcpListener, ServeError> {
    TcpListener::bind((host, port))
        .await
        .map_err(|source| ServeError::binding(host, port, source))
}

impl ServeError {
    /// The error for a failed bind of `host:port`: PortInUse when the port is taken.
    pub(crate) fn binding(host: &str, port: u16, source: std::io::Error) -> Self {
        match source.kind() {
            std::io::ErrorKind::AddrInUse => ServeError::PortInUse {
                host: host.into(),
                port,
            },
            _ => ServeError::Bind {
                host: host.into(),
                port,
                source,
            },
        }
    }
}

/// The router: every path and method goes to the one handler.
pub fn router(state: ApiState) -> Router {
    Router::new().fallback(handle).with_state(state)
}

/// Serves the API on `listener` (and over TLS on `tls`, if given) until `shutdown` resolves, moving
/// time forward in the background.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsListener>,
    state: ApiState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let world = state.world.clone();
    let ticker = tokio::spawn(async move {
        let mut interval = tokio::time::interval(TICK);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            interval.tick().await;
            world.tick();
        }
    });
    let handle = axum_server::Handle::new();
    let tls_server = tls.map(|tls| {
        let app = router(state.clone()).layer(axum::Extension(super::rest_json::OverTls));
        tokio::spawn(serve_tls(tls, app, handle.clone()))
    });
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    handle.graceful_shutdown(Some(Duration::from_secs(1)));
    if let Some(server) = tls_server {
        let _ = server.await;
    }
    ticker.abort();
    result.map_err(ServeError::Io)
}
