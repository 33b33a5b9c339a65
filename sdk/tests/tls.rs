//! HTTPS on loopback with a certificate authority of the test's own, through whichever TLS
//! backend the crate is built with (`rustls` by default; `.ci/run` also runs this file with
//! `native-tls`): a certificate the client trusts works; an untrusted, expired or wrong-host
//! one fails the call as a connect error that says so.

use livechat_config::{Client, Credentials, Error, RetryPolicy};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

struct Authority {
    cert: rcgen::Certificate,
    key: KeyPair,
}

fn authority(name: &str) -> Authority {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    Authority { cert, key }
}

/// A server certificate for `names`, signed by `ca`, valid over `years` (all time when none).
fn leaf(
    ca: &Authority,
    names: &[&str],
    years: Option<(i32, i32)>,
) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names).unwrap();
    if let Some((from, until)) = years {
        params.not_before = rcgen::date_time_ymd(from, 1, 1);
        params.not_after = rcgen::date_time_ymd(until, 1, 1);
    }
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &ca.cert, &ca.key).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    (cert.der().clone(), key)
}

/// An HTTPS server on 127.0.0.1 answering every request with `[]`, as `list_tags` of an empty
/// license; its base URL.
async fn serve(cert: CertificateDer<'static>, key: PrivateKeyDer<'static>) -> String {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                // Headers, then as many body bytes as they announce.
                loop {
                    let Ok(n) = tls.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&seen).to_ascii_lowercase();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if seen.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                              Content-Length: 2\r\nConnection: close\r\n\r\n[]";
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    url
}

fn client(url: &str, roots: &[&Authority]) -> Client {
    roots
        .iter()
        .fold(
            Client::builder(Credentials::bearer("dal:test-token")).base_url(url),
            |builder, ca| builder.root_certificate_pem(ca.cert.pem()),
        )
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// The error and every cause under it, one line.
fn chain(error: &Error) -> String {
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(c) = cause {
        text.push_str(" / ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Fails the call as a connect error whose causes name one of `reasons`.
async fn refused(client: Client, reasons: &[&str]) -> String {
    let error = client.list_tags().await.unwrap_err();
    let text = chain(&error);
    let Error::Transport { source, .. } = &error else {
        panic!("expected a transport error: {text}");
    };
    assert!(source.is_connect(), "{text}");
    assert!(
        reasons.iter().any(|r| text.contains(r)),
        "none of {reasons:?} in: {text}"
    );
    text
}

// What each backend calls each failure.
#[cfg(not(feature = "native-tls"))]
mod reason {
    pub const UNTRUSTED: &[&str] = &["UnknownIssuer"];
    pub const EXPIRED: &[&str] = &["certificate expired", "Expired"];
    pub const WRONG_HOST: &[&str] = &["NotValidForName", "not valid for name"];
}
#[cfg(feature = "native-tls")]
mod reason {
    pub const UNTRUSTED: &[&str] = &[
        "unable to get local issuer certificate",
        "self-signed certificate in certificate chain",
    ];
    pub const EXPIRED: &[&str] = &["certificate has expired"];
    pub const WRONG_HOST: &[&str] = &["IP address mismatch", "Hostname mismatch"];
}

#[tokio::test]
async fn a_certificate_of_a_trusted_authority_works() {
    let ca = authority("Test CA");
    let (cert, key) = leaf(&ca, &["127.0.0.1", "localhost"], None);
    let url = serve(cert, key).await;
    assert!(client(&url, &[&ca]).list_tags().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_untrusted_expired_or_wrong_host_certificate_fails_the_call() {
    let ca = authority("Test CA");
    let (cert, key) = leaf(&ca, &["127.0.0.1"], None);
    let url = serve(cert, key).await;
    // The built-in roots alone do not know the test's authority, nor does another authority.
    refused(client(&url, &[]), reason::UNTRUSTED).await;
    refused(client(&url, &[&authority("Other CA")]), reason::UNTRUSTED).await;

    let (cert, key) = leaf(&ca, &["127.0.0.1"], Some((2020, 2021)));
    let url = serve(cert, key).await;
    refused(client(&url, &[&ca]), reason::EXPIRED).await;

    let (cert, key) = leaf(&ca, &["other.example"], None);
    let url = serve(cert, key).await;
    refused(client(&url, &[&ca]), reason::WRONG_HOST).await;
}

#[tokio::test]
async fn a_root_certificate_that_is_none_or_has_nowhere_to_go_fails_the_build() {
    for pem in [
        "",
        "not a certificate",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ] {
        let built = Client::builder(Credentials::bearer("dal:test-token"))
            .root_certificate_pem(pem)
            .build();
        assert!(matches!(built, Err(Error::Config(_))), "{pem:?}: {built:?}");
    }
    let built = Client::builder(Credentials::bearer("dal:test-token"))
        .root_certificate_pem(authority("Test CA").cert.pem())
        .http_client(livechat_config::reqwest::Client::new())
        .build();
    let Err(Error::Config(message)) = built else {
        panic!("expected a configuration error: {built:?}");
    };
    assert!(message.contains("http_client"), "{message}");
}
