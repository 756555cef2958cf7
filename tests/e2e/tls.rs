//! TLS trust (SPEC §10): an on-premises StarVCenter whose certificate comes from an
//! internal CA. The test makes the CA and the simulator's certificate itself; the
//! simulator serves HTTPS with them. Without `ca_certificate` the provider refuses the
//! certificate; with the CA's PEM it connects, verification on; `insecure` also
//! works and stays the last resort. A CA in the system's trust store (here through
//! `SSL_CERT_FILE`, which the system store loader honours) is trusted too.

use std::path::Path;

use crate::harness::*;
use crate::starvcenter_common::{SVC_BASE, SVC_TOKEN};

/// A CA and a certificate for 127.0.0.1 signed by it, written as PEM files into
/// `dir`; returns the CA's PEM.
fn make_ca_and_server_certificate(dir: &Path) -> String {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "polycloud test internal CA");
    ca.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let ca_cert = ca.self_signed(&ca_key).unwrap();

    let key = rcgen::KeyPair::generate().unwrap();
    let mut server = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    server
        .distinguished_name
        .push(rcgen::DnType::CommonName, "starvcenter.internal");
    let cert = server.signed_by(&key, &ca_cert, &ca_key).unwrap();
    std::fs::write(dir.join("server.pem"), cert.pem()).unwrap();
    std::fs::write(dir.join("server.key"), key.serialize_pem()).unwrap();
    std::fs::write(dir.join("ca.pem"), ca_cert.pem()).unwrap();
    ca_cert.pem()
}

fn config(sim: &Sim, extra: &str) -> String {
    format!(
        "provider \"polycloud\" {{\n  cloud       = \"starvcenter\"\n  endpoint    = \"{}{SVC_BASE}\"\n  token       = \"{SVC_TOKEN}\"\n  max_retries = 0\n{extra}}}\n\ndata \"polycloud_hosts\" \"all\" {{}}\n",
        sim.base
    )
}

#[test]
fn an_internal_ca_is_trusted_through_ca_certificate_without_insecure() {
    let certs = tempfile::tempdir().unwrap();
    make_ca_and_server_certificate(certs.path());
    let cert = certs.path().join("server.pem");
    let key = certs.path().join("server.key");
    let sim = Sim::start_args(&[
        "--task-ms",
        "200",
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    assert!(sim.base.starts_with("https://127.0.0.1:"), "{}", sim.base);
    let ws = Workspace::new();
    std::fs::copy(certs.path().join("ca.pem"), ws.path().join("ca.pem")).unwrap();

    // Neither the bundled roots nor the system's store know the internal CA.
    ws.write(&config(&sim, ""));
    let run = ws.tf(&["plan", "-no-color", "-input=false"]);
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.to_lowercase().contains("certificate"), "{out}");

    // The CA's PEM, verification on.
    ws.write(&config(
        &sim,
        "  ca_certificate = file(\"${path.module}/ca.pem\")\n",
    ));
    ws.apply().ok();
    ws.assert_no_changes();

    // A block that is not a certificate is refused at validate, on the attribute.
    ws.write(&config(&sim, "  ca_certificate = \"not a certificate\"\n"));
    let run = ws.tf(&["validate", "-no-color"]);
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("Invalid ca_certificate"), "{out}");

    // The last resort still works.
    ws.write(&config(&sim, "  insecure = true\n"));
    ws.apply().ok();
}

#[test]
fn the_system_trust_store_is_used_besides_the_bundled_roots() {
    let certs = tempfile::tempdir().unwrap();
    make_ca_and_server_certificate(certs.path());
    let cert = certs.path().join("server.pem");
    let key = certs.path().join("server.key");
    let sim = Sim::start_args(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    let mut ws = Workspace::new();
    // OpenSSL's convention, which the system store loader follows: the CA is in "the
    // system's" store for this process only.
    ws.env(
        "SSL_CERT_FILE",
        certs.path().join("ca.pem").to_str().unwrap(),
    );
    ws.write(&config(&sim, ""));
    ws.apply().ok();
}
