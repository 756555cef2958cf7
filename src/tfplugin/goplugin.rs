//! Start-up as a go-plugin server, the way Terraform starts providers: the magic cookie
//! check, the handshake line on stdout, AutoMTLS, TCP_NODELAY on every accepted
//! connection, and the services go-plugin clients call beside the provider (health,
//! `plugin.GRPCController/Shutdown`).
//!
//! AutoMTLS: Terraform passes its client certificate in `PLUGIN_CLIENT_CERT` and trusts
//! the server certificate printed in the handshake. Terraform's certificate is a
//! self-signed P-521 ECDSA certificate; the client is accepted only when it presents
//! exactly that certificate, and its handshake signature is checked (P-521 through the
//! `p521` crate, everything else through rustls' own algorithms).

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use anyhow::{bail, Context as _};
use base64::Engine as _;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::pki_types::{
    AlgorithmIdentifier, CertificateDer, InvalidSignature, SignatureVerificationAlgorithm,
};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// The cookie Terraform sets so that a provider knows it was started by Terraform.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// Its value.
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// The go-plugin core protocol version.
const CORE_PROTOCOL: u32 = 1;
/// The application protocol this plugin speaks (tfplugin6).
pub const APP_PROTOCOL: u32 = 6;
/// gRPC message limit, as terraform-plugin-go serves: large states must not fail.
pub const MAX_MESSAGE_BYTES: usize = 256 << 20;

/// The text go-plugin servers print when run by hand.
pub const NOT_BY_HAND: &str = "This binary is a plugin. These are not meant to be executed directly.\nPlease execute the program that consumes these plugins, which will\nload any plugins automatically";

/// Whether Terraform started this process (the magic cookie is set and right).
pub fn started_by_terraform() -> bool {
    std::env::var(MAGIC_COOKIE_KEY).is_ok_and(|v| v == MAGIC_COOKIE_VALUE)
}

/// Checks that the client speaks our protocol version, when it says which it speaks.
pub fn check_protocol_versions(offered: Option<&str>) -> anyhow::Result<()> {
    let Some(offered) = offered.filter(|s| !s.trim().is_empty()) else {
        return Ok(());
    };
    let speaks = offered
        .split(',')
        .any(|v| v.trim().parse::<u32>() == Ok(APP_PROTOCOL));
    if !speaks {
        bail!("this provider speaks plugin protocol {APP_PROTOCOL}; the client offered {offered}");
    }
    Ok(())
}

/// Binds a loopback listener inside `PLUGIN_MIN_PORT`..=`PLUGIN_MAX_PORT` when given.
pub async fn bind() -> anyhow::Result<TcpListener> {
    let port = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u16>().ok());
    match (port("PLUGIN_MIN_PORT"), port("PLUGIN_MAX_PORT")) {
        (Some(min), Some(max)) if min <= max && min > 0 => {
            for p in min..=max {
                if let Ok(listener) = TcpListener::bind(("127.0.0.1", p)).await {
                    return Ok(listener);
                }
            }
            bail!("no free port between {min} and {max}")
        }
        _ => Ok(TcpListener::bind(("127.0.0.1", 0)).await?),
    }
}

/// The server's TLS set-up for AutoMTLS.
pub struct Tls {
    /// The acceptor for incoming connections.
    pub acceptor: tokio_rustls::TlsAcceptor,
    /// The server certificate (DER), printed in the handshake.
    pub server_cert: Vec<u8>,
}

/// Builds the TLS acceptor from the client certificate Terraform passed (PEM).
pub fn tls_from_client_cert(client_pem: &str) -> anyhow::Result<Tls> {
    let client_der = rustls_pemfile_first_cert(client_pem)?;
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()])?;
    let mut name = rcgen::DistinguishedName::new();
    name.push(rcgen::DnType::CommonName, "localhost");
    name.push(
        rcgen::DnType::OrganizationName,
        "terraform-provider-polycloud",
    );
    params.distinguished_name = name;
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::KeyEncipherment,
        rcgen::KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let now = std::time::SystemTime::now();
    params.not_before = (now - std::time::Duration::from_secs(60)).into();
    params.not_after = (now + std::time::Duration::from_secs(30 * 86_400)).into();
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let cert = params.self_signed(&key)?;
    let server_cert = cert.der().to_vec();

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(PinnedClient::new(client_der));
    let key_der = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![CertificateDer::from(server_cert.clone())], key_der)?;
    // grpc-go refuses TLS connections that do not negotiate HTTP/2 by ALPN.
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Tls {
        acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        server_cert,
    })
}

fn rustls_pemfile_first_cert(pem: &str) -> anyhow::Result<Vec<u8>> {
    let begin = "-----BEGIN CERTIFICATE-----";
    let end = "-----END CERTIFICATE-----";
    let start = pem
        .find(begin)
        .context("PLUGIN_CLIENT_CERT holds no PEM certificate")?
        + begin.len();
    let stop = pem[start..]
        .find(end)
        .context("PLUGIN_CLIENT_CERT: unterminated PEM certificate")?
        + start;
    let body: String = pem[start..stop]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .context("PLUGIN_CLIENT_CERT: bad base64 in the PEM certificate")
}

/// The handshake line go-plugin clients read from stdout.
pub fn handshake_line(addr: std::net::SocketAddr, server_cert: Option<&[u8]>) -> String {
    let mut line = format!("{CORE_PROTOCOL}|{APP_PROTOCOL}|tcp|{addr}|grpc");
    if let Some(cert) = server_cert {
        line.push('|');
        line.push_str(&base64::engine::general_purpose::STANDARD_NO_PAD.encode(cert));
    }
    line
}

/// Accepts a connection and switches Nagle's algorithm off on it (small gRPC frames
/// would otherwise wait for delayed ACKs), on every platform.
pub async fn accept_no_delay(listener: &TcpListener) -> std::io::Result<TcpStream> {
    let (stream, _) = listener.accept().await?;
    if std::env::var_os("POLYCLOUD_DISABLE_NODELAY_FIX").is_none() {
        stream.set_nodelay(true)?;
    }
    Ok(stream)
}

/// Accepts only the one client certificate Terraform announced.
#[derive(Debug)]
struct PinnedClient {
    expected: Vec<u8>,
    algorithms: rustls::crypto::WebPkiSupportedAlgorithms,
}

impl PinnedClient {
    fn new(expected: Vec<u8>) -> Self {
        Self {
            expected,
            algorithms: algorithms_with_p521(),
        }
    }
}

static P521: P521Sha512 = P521Sha512;
static P521_ONLY: [&dyn SignatureVerificationAlgorithm; 1] = [&P521];

fn algorithms_with_p521() -> rustls::crypto::WebPkiSupportedAlgorithms {
    let base = rustls::crypto::ring::default_provider().signature_verification_algorithms;
    let mut all: Vec<&'static dyn SignatureVerificationAlgorithm> = base.all.to_vec();
    all.push(&P521);
    let mut mapping = base.mapping.to_vec();
    mapping.push((SignatureScheme::ECDSA_NISTP521_SHA512, &P521_ONLY));
    rustls::crypto::WebPkiSupportedAlgorithms {
        all: Box::leak(all.into_boxed_slice()),
        mapping: Box::leak(mapping.into_boxed_slice()),
    }
}

/// ECDSA over P-521 with SHA-512, which ring lacks and Terraform's certificate uses.
#[derive(Debug)]
struct P521Sha512;

impl SignatureVerificationAlgorithm for P521Sha512 {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        use p521::ecdsa::signature::Verifier;
        let key =
            p521::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| InvalidSignature)?;
        let signature =
            p521::ecdsa::Signature::from_der(signature).map_err(|_| InvalidSignature)?;
        key.verify(message, &signature)
            .map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        rustls::pki_types::alg_id::ECDSA_P521
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        rustls::pki_types::alg_id::ECDSA_SHA512
    }
}

impl ClientCertVerifier for PinnedClient {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.expected.as_slice() {
            tracing::debug!("client certificate matches PLUGIN_CLIENT_CERT");
            Ok(ClientCertVerified::assertion())
        } else {
            tracing::warn!("refused a client whose certificate is not the one Terraform announced");
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// `plugin.GRPCController`: `Shutdown` asks the plugin to exit.
#[derive(Clone)]
pub struct Controller {
    shutdown: CancellationToken,
}

impl Controller {
    /// Cancels `shutdown` when the client asks the plugin to exit.
    pub fn new(shutdown: CancellationToken) -> Self {
        Self { shutdown }
    }
}

impl tonic::server::NamedService for Controller {
    const NAME: &'static str = "plugin.GRPCController";
}

struct ShutdownCall(CancellationToken);

impl tonic::server::UnaryService<()> for ShutdownCall {
    type Response = ();
    type Future = std::future::Ready<Result<tonic::Response<()>, tonic::Status>>;

    fn call(&mut self, _request: tonic::Request<()>) -> Self::Future {
        tracing::debug!("the client asked the plugin to shut down");
        self.0.cancel();
        std::future::ready(Ok(tonic::Response::new(())))
    }
}

impl<B> tower_service::Service<http::Request<B>> for Controller
where
    B: tonic::codegen::Body + Send + 'static,
    B::Error: Into<tonic::codegen::StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Self::Response, Infallible>> + Send>,
    >;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let shutdown = self.shutdown.clone();
        Box::pin(async move {
            if request.uri().path() == "/plugin.GRPCController/Shutdown" {
                let mut grpc =
                    tonic::server::Grpc::new(tonic::codec::ProstCodec::<(), ()>::default());
                Ok(grpc.unary(ShutdownCall(shutdown), request).await)
            } else {
                Ok(tonic::Status::unimplemented("").into_http())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_line_carries_the_certificate_without_padding() {
        let addr: std::net::SocketAddr = "127.0.0.1:4242".parse().unwrap();
        assert_eq!(handshake_line(addr, None), "1|6|tcp|127.0.0.1:4242|grpc");
        let line = handshake_line(addr, Some(&[1, 2, 3, 4]));
        assert_eq!(line, "1|6|tcp|127.0.0.1:4242|grpc|AQIDBA");
    }

    #[test]
    fn protocol_six_must_be_offered() {
        assert!(check_protocol_versions(Some("5,6")).is_ok());
        assert!(check_protocol_versions(None).is_ok());
        assert!(check_protocol_versions(Some("5")).is_err());
    }

    #[tokio::test]
    async fn accepted_connections_have_nagle_switched_off() {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = tokio::spawn(async move { TcpStream::connect(addr).await.unwrap() });
        let accepted = accept_no_delay(&listener).await.unwrap();
        assert!(
            accepted.nodelay().unwrap(),
            "TCP_NODELAY must be set on accepted sockets"
        );
        drop(client.await.unwrap());
    }

    #[test]
    fn only_the_announced_client_certificate_is_accepted() {
        let verifier = PinnedClient::new(vec![1, 2, 3]);
        let now = rustls::pki_types::UnixTime::now();
        assert!(verifier
            .verify_client_cert(&CertificateDer::from(vec![1, 2, 3]), &[], now)
            .is_ok());
        assert!(verifier
            .verify_client_cert(&CertificateDer::from(vec![9, 9]), &[], now)
            .is_err());
        assert!(verifier
            .supported_verify_schemes()
            .contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
    }
}
