//! The emulator over HTTPS: with a certificate made at start or one given, through the sdk's
//! client; and what a TLS port gets from clients that never finish a handshake, send garbage or
//! speak plain HTTP to it.

use crate::binary::{command, start};
use crate::connections::closed_within;
use crate::persistence::temp_dir;
use livechat_config::{Client, Credentials, Error, RetryPolicy};
use livechat_config_emulator::{Emulator, DEFAULT_TOKEN};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

fn sdk_client(url: &str, root: Option<&str>) -> Client {
    let builder = Client::builder(Credentials::bearer(DEFAULT_TOKEN))
        .base_url(url)
        .retry(RetryPolicy::none());
    match root {
        Some(pem) => builder.root_certificate_pem(pem),
        None => builder,
    }
    .build()
    .unwrap()
}

#[tokio::test]
async fn a_certificate_made_at_start_is_trusted_through_the_authority_it_hands_out() {
    let emu = Emulator::builder().tls_self_signed().start().await.unwrap();
    assert!(
        emu.base_url().starts_with("https://127.0.0.1:"),
        "{}",
        emu.base_url()
    );
    let authority = emu.certificate_pem().unwrap().to_string();
    assert!(
        authority.starts_with("-----BEGIN CERTIFICATE-----"),
        "{authority}"
    );
    assert!(emu.client().list_tags().await.unwrap().is_empty());
    assert!(sdk_client(emu.base_url(), Some(&authority))
        .list_tags()
        .await
        .unwrap()
        .is_empty());
    // By name too, and not without the authority.
    let by_name = emu.base_url().replace("127.0.0.1", "localhost");
    assert!(sdk_client(&by_name, Some(&authority))
        .list_tags()
        .await
        .is_ok());
    let refused = sdk_client(emu.base_url(), None)
        .list_tags()
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Transport { .. }), "{refused:?}");
    // Two emulators, two authorities: one's does not vouch for the other.
    let other = Emulator::builder().tls_self_signed().start().await.unwrap();
    assert!(sdk_client(other.base_url(), Some(&authority))
        .list_tags()
        .await
        .is_err());
}

#[tokio::test]
async fn a_given_chain_and_key_are_served_and_unusable_ones_refused_at_start() {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca = params.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &ca, &ca_key)
        .unwrap();
    let chain = format!("{}{}", leaf.pem(), ca.pem());
    let emu = Emulator::builder()
        .tls(chain.clone(), leaf_key.serialize_pem())
        .start()
        .await
        .unwrap();
    assert!(emu.client().list_tags().await.unwrap().is_empty());
    assert!(sdk_client(emu.base_url(), Some(&ca.pem()))
        .list_tags()
        .await
        .is_ok());
    let builder = format!(
        "{:?}",
        Emulator::builder().tls(chain.clone(), leaf_key.serialize_pem())
    );
    assert!(!builder.contains("PRIVATE KEY"), "{builder}");

    let other_key = KeyPair::generate().unwrap().serialize_pem();
    for (chain, key, why) in [
        (String::new(), leaf_key.serialize_pem(), "no certificate"),
        (chain.clone(), "not a key".to_string(), "TLS key"),
        (chain.clone(), other_key, "TLS certificate and key"),
    ] {
        let started = Emulator::builder().tls(chain, key).start().await;
        let error = started.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
        assert!(error.to_string().contains(why), "{error}");
    }
}

#[tokio::test]
async fn silent_garbage_and_plain_http_clients_of_the_tls_port_are_cut_and_harm_nothing() {
    let emu = Emulator::builder()
        .tls_self_signed()
        .max_connections(8)
        .header_read_timeout(Duration::from_millis(500))
        .start()
        .await
        .unwrap();
    let mut silent = Vec::new();
    for _ in 0..12 {
        silent.push(TcpStream::connect(emu.local_addr()).await.unwrap());
    }
    let mut garbage = TcpStream::connect(emu.local_addr()).await.unwrap();
    garbage
        .write_all(&[0x16, 0x03, 0x01, 0xff, 0xff, 0, 1, 2, 3])
        .await
        .unwrap();
    let mut plain = TcpStream::connect(emu.local_addr()).await.unwrap();
    plain
        .write_all(b"POST /v3.6/configuration/action/list_tags HTTP/1.1\r\nHost: e\r\n\r\n")
        .await
        .unwrap();
    // Served at once although every slot is taken by someone who never finished a handshake.
    let started = Instant::now();
    let tags = timeout(Duration::from_secs(5), emu.client().list_tags())
        .await
        .expect("answered")
        .unwrap();
    assert!(tags.is_empty());
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(closed_within(&mut garbage, Duration::from_secs(2)).await);
    let mut answer = Vec::new();
    let _ = timeout(Duration::from_secs(2), plain.read_to_end(&mut answer)).await;
    assert!(!String::from_utf8_lossy(&answer).contains("200 OK"));
    // A handshake never begun is cut at the header-read timeout.
    let last = silent.last_mut().unwrap();
    assert!(closed_within(last, Duration::from_secs(3)).await);
    assert!(emu.client().list_tags().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_binary_serves_https_and_prints_the_authority_to_trust() {
    let dir = temp_dir("tls-binary");
    let mut self_signed = command(&dir.join("state.json"));
    self_signed.arg("--tls-self-signed");
    let (_child, url, banner) = start(self_signed);
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let begin = banner
        .iter()
        .position(|l| l == "-----BEGIN CERTIFICATE-----")
        .expect("the authority's certificate in the banner");
    let end = banner
        .iter()
        .position(|l| l == "-----END CERTIFICATE-----")
        .unwrap();
    let pem = banner[begin..=end].join("\n") + "\n";
    assert!(sdk_client(&url, Some(&pem))
        .list_tags()
        .await
        .unwrap()
        .is_empty());

    let junk = dir.join("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    let junk = junk.to_str().unwrap();
    for (args, why) in [
        (vec!["--tls-cert", junk], "--tls-key"),
        (
            vec!["--tls-cert", junk, "--tls-key", junk],
            "TLS certificate",
        ),
        (
            vec!["--tls-key", junk, "--tls-self-signed"],
            "cannot be used with",
        ),
    ] {
        let mut child = command(&dir.join("other.json"))
            .args(&args)
            .spawn()
            .unwrap();
        let waited = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if waited.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                panic!("{args:?}: started instead of refusing");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(!status.success(), "{args:?}");
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert!(stderr.contains(why), "{args:?}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
