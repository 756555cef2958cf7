//! The project's own implementation of Terraform's plugin protocol 6, on `tonic` and
//! `tokio` over the tfplugin6 bindings of `magma-protocol`.
//!
//! Layers, from the wire up: [`goplugin`] (process start-up as go-plugin expects it:
//! cookie, handshake, AutoMTLS, TCP_NODELAY, controller), [`server`] (the `Provider`
//! gRPC service: decoding with the schema, cancellation scopes, write-only attributes
//! kept out of state), [`dynamic`] (msgpack/JSON values with unknowns and nulls),
//! [`schema`] and [`diagnostics`] (what the provider declares and reports), and
//! [`resource`] (the typed traits resources, data sources, ephemeral resources and the
//! provider implement). Only what Terraform 1.11 understands is advertised.

pub mod diagnostics;
pub mod dynamic;
pub mod goplugin;
pub mod resource;
pub mod schema;
pub mod server;
pub mod upgrade;
pub mod value;

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

pub use diagnostics::{AttributePath, Diagnostics};
pub use resource::{
    DataSource, DynamicDataSource, DynamicEphemeralResource, DynamicResource, EphemeralResource,
    Provider,
};

/// Serves `provider` (local name `name`) to Terraform until Terraform shuts it down.
pub async fn serve<P: Provider>(name: &str, provider: P) -> anyhow::Result<()> {
    goplugin::check_protocol_versions(std::env::var("PLUGIN_PROTOCOL_VERSIONS").ok().as_deref())?;
    let registry = Arc::new(server::Registry::new(name, provider));
    let listener = goplugin::bind().await?;
    let addr = listener.local_addr()?;
    let tls = match std::env::var("PLUGIN_CLIENT_CERT") {
        Ok(pem) if !pem.trim().is_empty() => Some(goplugin::tls_from_client_cert(&pem)?),
        _ => None,
    };
    let line = goplugin::handshake_line(addr, tls.as_ref().map(|t| t.server_cert.as_slice()));
    let acceptor = tls.map(|t| t.acceptor);

    let (sender, receiver) = tokio::sync::mpsc::channel::<std::io::Result<Conn>>(16);
    tokio::spawn(async move {
        loop {
            let stream = match goplugin::accept_no_delay(&listener).await {
                Ok(stream) => stream,
                Err(e) => {
                    tracing::warn!("accept failed: {e}");
                    continue;
                }
            };
            let sender = sender.clone();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let conn = match acceptor {
                    None => Conn::Plain(stream),
                    Some(acceptor) => match acceptor.accept(stream).await {
                        Ok(tls) => Conn::Tls(Box::new(tls)),
                        Err(e) => {
                            tracing::warn!("TLS handshake with the client failed: {e}");
                            return;
                        }
                    },
                };
                let _ = sender.send(Ok(conn)).await;
            });
        }
    });

    let (health, health_service) = tonic_health::server::health_reporter();
    health
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;
    let shutdown = CancellationToken::new();
    let provider_service = magma_protocol::tfplugin6::provider_server::ProviderServer::new(
        server::ProviderServer::new(registry),
    )
    .max_decoding_message_size(goplugin::MAX_MESSAGE_BYTES)
    .max_encoding_message_size(goplugin::MAX_MESSAGE_BYTES);

    {
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{line}")?;
        stdout.flush()?;
    }

    let incoming = tokio_stream::wrappers::ReceiverStream::new(receiver);
    let stop = shutdown.clone();
    let serving = tonic::transport::Server::builder()
        .add_service(provider_service)
        .add_service(health_service)
        .add_service(goplugin::Controller::new(shutdown.clone()))
        .serve_with_incoming_shutdown(incoming, async move { stop.cancelled().await });
    tokio::select! {
        result = serving => result?,
        // Shutdown was asked for: give open calls a moment, then leave.
        _ = async { shutdown.cancelled().await; tokio::time::sleep(Duration::from_secs(1)).await } => {}
    }
    Ok(())
}

/// An accepted connection, with or without TLS.
enum Conn {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

impl tonic::transport::server::Connected for Conn {
    type ConnectInfo = ();

    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for Conn {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => std::pin::Pin::new(s).poll_read(cx, buf),
            Conn::Tls(s) => std::pin::Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(s) => std::pin::Pin::new(s).poll_write(cx, buf),
            Conn::Tls(s) => std::pin::Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => std::pin::Pin::new(s).poll_flush(cx),
            Conn::Tls(s) => std::pin::Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => std::pin::Pin::new(s).poll_shutdown(cx),
            Conn::Tls(s) => std::pin::Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
