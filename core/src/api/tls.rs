//! The HTTPS listener (the KPL only speaks TLS): a certificate generated at start-up for localhost,
//! rustls on ring, ALPN offering h2 and http/1.1, so the Java and Rust SDKs get HTTP/2 here.

use super::server::ServeError;
use axum::Router;
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use std::net::SocketAddr;

/// A bound TLS port and its self-signed certificate.
pub struct TlsListener {
    listener: std::net::TcpListener,
    /// The certificate clients can trust instead of skipping verification (PEM).
    pub certificate_pem: String,
    key_der: Vec<u8>,
    certificate_der: Vec<u8>,
}

impl TlsListener {
    /// The bound address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

/// Binds the HTTPS port (0 picks a free one) and makes a certificate for `host`, localhost and
/// 127.0.0.1.
pub fn bind_tls(host: &str, port: u16) -> Result<TlsListener, ServeError> {
    let listener = std::net::TcpListener::bind((host, port))
        .map_err(|source| ServeError::binding(host, port, source))?;
    listener.set_nonblocking(true)?;
    let mut names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    if !names.iter().any(|n| n == host) {
        names.push(host.to_owned());
    }
    let certified = rcgen::generate_simple_self_signed(names).map_err(|e| {
        ServeError::Io(std::io::Error::other(format!(
            "cannot make a certificate: {e}"
        )))
    })?;
    Ok(TlsListener {
        listener,
        certificate_pem: certified.cert.pem(),
        certificate_der: certified.cert.der().to_vec(),
        key_der: certified.signing_key.serialize_der(),
    })
}

/// Serves `app` over TLS until `handle` is told to shut down.
pub(crate) async fn serve_tls(
    tls: TlsListener,
    app: Router,
    handle: Handle<SocketAddr>,
) -> Result<(), ServeError> {
    let config = RustlsConfig::from_der(vec![tls.certificate_der], tls.key_der).await?;
    axum_server::from_tcp_rustls(tls.listener, config)?
        .handle(handle)
        .serve(app.into_make_service_with_connect_info::<SocketAddr>())
        .await?;
    Ok(())
}
