//! Serving HTTPS, for tests that want the wire as production has it: with a certificate chain and
//! key given as PEM, or with a certificate made at start for 127.0.0.1, `::1` and `localhost`,
//! signed by an authority made with it, whose certificate clients are handed to trust.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::io;
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

/// Where the certificate comes from.
#[derive(Clone)]
pub enum Source {
    Given { chain_pem: String, key_pem: String },
    MadeAtStart,
}

/// The key never shows.
impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Given { .. } => f.write_str("Given { chain_pem, key_pem: **** }"),
            Self::MadeAtStart => f.write_str("MadeAtStart"),
        }
    }
}

/// What serving needs, and what a client must trust.
pub struct Tls {
    pub acceptor: TlsAcceptor,
    /// PEM: the authority made at start, or the chain given.
    pub trust_pem: String,
}

fn invalid(why: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, why)
}

pub fn configure(source: &Source) -> io::Result<Tls> {
    let (chain_pem, key_pem, trust_pem) = match source {
        Source::Given { chain_pem, key_pem } => {
            (chain_pem.clone(), key_pem.clone(), chain_pem.clone())
        }
        Source::MadeAtStart => made_at_start()?,
    };
    let chain = CertificateDer::pem_slice_iter(chain_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(format!("TLS certificate: {e}")))?;
    if chain.is_empty() {
        return Err(invalid(
            "TLS certificate: the PEM text holds no certificate".to_string(),
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
        .map_err(|e| invalid(format!("TLS key: {e}")))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid(format!("TLS: {e}")))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| invalid(format!("TLS certificate and key: {e}")))?;
    // It serves HTTP/1.1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Tls {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        trust_pem,
    })
}

/// A leaf for loopback signed by a fresh authority: (leaf PEM, leaf key PEM, authority PEM).
fn made_at_start() -> io::Result<(String, String, String)> {
    let failed = |e: rcgen::Error| invalid(format!("cannot make a TLS certificate: {e}"));
    let mut authority = CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
    authority
        .distinguished_name
        .push(DnType::CommonName, "livechat-config-emulator authority");
    authority.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let authority_key = KeyPair::generate().map_err(failed)?;
    let authority = authority.self_signed(&authority_key).map_err(failed)?;
    let names = ["127.0.0.1", "::1", "localhost"].map(String::from).to_vec();
    let mut leaf = CertificateParams::new(names).map_err(failed)?;
    leaf.distinguished_name
        .push(DnType::CommonName, "livechat-config-emulator");
    let leaf_key = KeyPair::generate().map_err(failed)?;
    let leaf = leaf
        .signed_by(&leaf_key, &authority, &authority_key)
        .map_err(failed)?;
    Ok((leaf.pem(), leaf_key.serialize_pem(), authority.pem()))
}
