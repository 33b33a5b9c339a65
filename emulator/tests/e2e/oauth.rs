//! The Accounts API's OAuth endpoints, driven over HTTP as a browser and an application would:
//! the authorization page, the code and refresh grants with PKCE, validation, revocation, the
//! limits, and what a hostile client may send.

use crate::kind;
use base64::Engine;
use livechat_config::{Credentials, ErrorKind};
use livechat_config_emulator::{
    all_scopes, Emulator, EmulatorBuilder, OAuthClient, ORGANIZATION_ID, OWNER_ID,
};
use serde_json::{json, Value};
use sha2::Digest;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PUBLIC: &str = "cli-app";
const CONFIDENTIAL: &str = "server-app";
const SECRET: &str = "server-app-secret-d7MEp1YYo3";
const LOOPBACK: &str = "http://127.0.0.1:53682/callback";
const REGISTERED: &str = "https://app.example/oauth";
const VERIFIER: &str = "wuR7p4rc0UCqMx3r4jnwve1PqsiySUlf1pWVsCi1FqAeTZNQ5-._~abc";

fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier))
}

fn builder() -> EmulatorBuilder {
    Emulator::builder()
        .seed(1)
        .oauth_client(OAuthClient::public(PUBLIC))
        .oauth_client(OAuthClient::confidential(CONFIDENTIAL, SECRET).redirect_uri(REGISTERED))
}

async fn emulator() -> Emulator {
    builder().start().await.unwrap()
}

/// A client that shows redirects instead of following them.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn query_of(location: &str) -> BTreeMap<String, String> {
    let url = url::Url::parse(&format!("http://emulator{location}"))
        .or_else(|_| url::Url::parse(location))
        .unwrap();
    url.query_pairs().into_owned().collect()
}

/// `GET /?…`: the status and `Location` of the answer.
async fn authorize(emu: &Emulator, pairs: &[(&str, &str)]) -> (u16, String) {
    let url = format!("{}/?{}", emu.accounts_url(), form(pairs));
    authorize_raw(&url).await
}

async fn authorize_raw(url: &str) -> (u16, String) {
    let response = browser().get(url).send().await.unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (response.status().as_u16(), location)
}

/// A code for `client_id` to the loopback redirect URI, with an S256 challenge of [`VERIFIER`].
async fn code_for(emu: &Emulator, client_id: &str) -> String {
    let challenge = s256(VERIFIER);
    let (status, location) = authorize(
        emu,
        &[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", LOOPBACK),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    )
    .await;
    assert_eq!(status, 302, "{location}");
    assert!(location.starts_with(LOOPBACK), "{location}");
    query_of(&location)["code"].clone()
}

async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, body)
}

/// `POST /v2/token` with a form body.
async fn token(emu: &Emulator, pairs: &[(&str, &str)]) -> (u16, Value) {
    token_body(
        emu,
        "application/x-www-form-urlencoded",
        form(pairs).into_bytes(),
    )
    .await
}

async fn token_body(emu: &Emulator, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/v2/token", emu.accounts_url()))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    read(response).await
}

/// Exchanges a code of [`code_for`] for a public client.
async fn exchange_public(emu: &Emulator, code: &str) -> (u16, Value) {
    token(
        emu,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", PUBLIC),
            ("redirect_uri", LOOPBACK),
            ("code_verifier", VERIFIER),
        ],
    )
    .await
}

async fn tokens_for_public(emu: &Emulator) -> Value {
    let code = code_for(emu, PUBLIC).await;
    let (status, body) = exchange_public(emu, &code).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn refresh(emu: &Emulator, refresh_token: &str, client: &str) -> (u16, Value) {
    let mut pairs = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", client),
    ];
    if client == CONFIDENTIAL {
        pairs.push(("client_secret", SECRET));
    }
    token(emu, &pairs).await
}

async fn info(emu: &Emulator, token: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(format!("{}/v2/info", emu.accounts_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    read(response).await
}

async fn revoke_by_header(emu: &Emulator, token: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .delete(format!("{}/v2/token", emu.accounts_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    read(response).await
}

async fn revoke_by_code(emu: &Emulator, token: &str) -> (u16, Value) {
    let url = format!(
        "{}/v2/token?{}",
        emu.accounts_url(),
        form(&[("code", token)])
    );
    read(reqwest::Client::new().delete(url).send().await.unwrap()).await
}

fn str_of<'a>(body: &'a Value, key: &str) -> &'a str {
    body[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key}: {body}"))
}

/// Whether the token calls the Configuration API, or the kind of error it gets.
async fn api_outcome(emu: &Emulator, token: &str) -> Result<usize, ErrorKind> {
    let client = emu.client_with(Credentials::bearer(token));
    match client.list_agents().await {
        Ok(agents) => Ok(agents.len()),
        result => Err(kind(result)),
    }
}

fn assert_error(outcome: (u16, Value), status: u16, error: &str) {
    let (got_status, body) = outcome;
    assert_eq!(
        (got_status, body["error"].as_str()),
        (status, Some(error)),
        "{body}"
    );
    assert!(body["error_description"].is_string(), "{body}");
}

#[tokio::test]
async fn a_public_client_gets_tokens_with_s256_and_calls_the_api() {
    let emu = emulator().await;
    let state = "i8XNjC4b8KVok4uw5RftR38Wgp2BFwql &/=é";
    let challenge = s256(VERIFIER);
    let (status, location) = authorize(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", PUBLIC),
            ("redirect_uri", LOOPBACK),
            ("state", state),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    )
    .await;
    assert_eq!(status, 302);
    assert!(
        location.starts_with(&format!("{LOOPBACK}?code=dal%3A")),
        "{location}"
    );
    let query = query_of(&location);
    assert_eq!(query["state"], state, "the state comes back as sent");
    let code = &query["code"];
    assert!(code.starts_with("dal:") && code.len() > 20, "{code}");

    let (status, body) = exchange_public(&emu, code).await;
    assert_eq!(status, 200, "{body}");
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "access_token",
            "account_id",
            "expires_in",
            "organization_id",
            "refresh_token",
            "scope",
            "token_type"
        ]
    );
    let access = str_of(&body, "access_token");
    assert!(access.starts_with("dal:"), "{access}");
    assert!(!str_of(&body, "refresh_token").contains(':'));
    assert_eq!(body["expires_in"], 28_800);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["organization_id"], ORGANIZATION_ID);
    let every: Vec<String> = all_scopes().into_iter().collect();
    assert_eq!(body["scope"], every.join(","));
    let owner = emu.client().get_agent(OWNER_ID).await.unwrap();
    assert_eq!(body["account_id"].as_str(), owner.account_id.as_deref());

    assert_eq!(api_outcome(&emu, access).await, Ok(1));
    assert_eq!(emu.token_grants("authorization_code"), 1);
    assert_eq!(emu.token_grants("refresh_token"), 0);
    let journaled: Vec<Option<String>> = emu.requests(None).into_iter().map(|r| r.action).collect();
    assert_eq!(
        journaled,
        [
            Some("get_agent".to_string()),
            Some("list_agents".to_string())
        ],
        "OAuth requests stay out of the journal"
    );
}

#[tokio::test]
async fn a_confidential_client_exchanges_a_json_body_with_its_secret() {
    let emu = emulator().await;
    let redirect = format!("{REGISTERED}/callback");
    let challenge = s256(VERIFIER);
    let (status, location) = authorize(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", CONFIDENTIAL),
            ("redirect_uri", &redirect),
            ("code_challenge", &challenge),
            ("code_challenge_method", "s256"),
        ],
    )
    .await;
    assert_eq!(status, 302);
    assert!(location.starts_with(&redirect), "{location}");
    let query = query_of(&location);
    assert_eq!(query["state"], "");
    let body = json!({
        "grant_type": "authorization_code",
        "code": query["code"],
        "client_id": CONFIDENTIAL,
        "client_secret": SECRET,
        "redirect_uri": redirect,
        "code_verifier": VERIFIER,
    });
    let (status, answer) = token_body(&emu, "application/json", body.to_string().into()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        api_outcome(&emu, str_of(&answer, "access_token")).await,
        Ok(1)
    );

    // The OpenAPI document's `grant_type=code`, and a code without PKCE.
    let (_, location) = authorize(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", CONFIDENTIAL),
            ("redirect_uri", REGISTERED),
        ],
    )
    .await;
    let code = query_of(&location)["code"].clone();
    let (status, answer) = token(
        &emu,
        &[
            ("grant_type", "code"),
            ("code", &code),
            ("client_id", CONFIDENTIAL),
            ("client_secret", SECRET),
            ("redirect_uri", REGISTERED),
        ],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(emu.token_grants("authorization_code"), 2);
    assert_eq!(emu.token_grants("code"), 2);
}

#[tokio::test]
async fn the_docs_curl_sample_body_is_taken_as_written() {
    let emu = emulator().await;
    let (_, location) = authorize(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", CONFIDENTIAL),
            ("redirect_uri", REGISTERED),
        ],
    )
    .await;
    let code = query_of(&location)["code"].clone();
    // `curl -d "grant_type=authorization_code&\<newline>  code=…"`: spaces before each name,
    // a raw colon in the code.
    let body = format!(
        "grant_type=authorization_code&  code={code}&  client_id={CONFIDENTIAL}&  \
         client_secret={SECRET}&  redirect_uri={REGISTERED}"
    );
    let (status, answer) = token_body(&emu, "application/x-www-form-urlencoded", body.into()).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn granted_scopes_bound_what_the_token_may_call() {
    let emu = builder()
        .oauth_client(OAuthClient::public("tags-only").scopes(["tags--all:ro", "groups--all:ro"]))
        .start()
        .await
        .unwrap();
    let (_, location) = authorize(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", PUBLIC),
            ("redirect_uri", LOOPBACK),
            ("scope", "tags--all:ro,agents--my:rw"),
        ],
    )
    .await;
    let code = query_of(&location)["code"].clone();
    let (status, answer) = token(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", PUBLIC),
            ("redirect_uri", LOOPBACK),
        ],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["scope"], "agents--my:rw,tags--all:ro");
    let access = str_of(&answer, "access_token");
    assert_eq!(
        api_outcome(&emu, access).await,
        Err(ErrorKind::Authorization)
    );
    let client = emu.client_with(Credentials::bearer(access));
    assert_eq!(client.list_tags().await.unwrap(), []);

    // A client registered with fewer scopes gets those by default, and no others.
    let code = code_for(&emu, "tags-only").await;
    let (_, answer) = token(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "tags-only"),
            ("redirect_uri", LOOPBACK),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(answer["scope"], "groups--all:ro,tags--all:ro");
    let (status, location) = authorize(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", "tags-only"),
            ("redirect_uri", LOOPBACK),
            ("scope", "agents--all:ro"),
        ],
    )
    .await;
    assert_eq!(status, 302);
    assert_eq!(
        location,
        "/ooops?oauth_exception=invalid_scope&exception_details=scope_not_allowed"
    );
}

#[tokio::test]
async fn public_refresh_tokens_rotate_and_confidential_ones_do_not() {
    let emu = emulator().await;
    let first = tokens_for_public(&emu).await;
    let old = str_of(&first, "refresh_token");
    let (status, second) = refresh(&emu, old, PUBLIC).await;
    assert_eq!(status, 200, "{second}");
    let new = str_of(&second, "refresh_token");
    assert_ne!(new, old);
    assert_ne!(second["access_token"], first["access_token"]);
    assert_eq!(second["scope"], first["scope"]);
    assert_error(refresh(&emu, old, PUBLIC).await, 401, "unauthorized_client");
    assert_eq!(
        api_outcome(&emu, str_of(&second, "access_token")).await,
        Ok(1)
    );
    let (status, third) = refresh(&emu, new, PUBLIC).await;
    assert_eq!(status, 200, "{third}");
    let newest = str_of(&third, "refresh_token");

    let (_, location) = authorize(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", CONFIDENTIAL),
            ("redirect_uri", LOOPBACK),
        ],
    )
    .await;
    let code = query_of(&location)["code"].clone();
    let (_, first) = token(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", CONFIDENTIAL),
            ("client_secret", SECRET),
            ("redirect_uri", LOOPBACK),
        ],
    )
    .await;
    let kept = str_of(&first, "refresh_token");
    for _ in 0..3 {
        let (status, again) = refresh(&emu, kept, CONFIDENTIAL).await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(again["refresh_token"], kept);
        assert_ne!(again["access_token"], first["access_token"]);
    }
    assert_eq!(emu.token_grants("refresh_token"), 5);

    // Someone else's refresh token, a wrong secret, and one never issued.
    assert_error(
        refresh(&emu, newest, CONFIDENTIAL).await,
        401,
        "invalid_client",
    );
    let wrong_secret = token(
        &emu,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", kept),
            ("client_id", CONFIDENTIAL),
            ("client_secret", "guess"),
        ],
    )
    .await;
    assert_error(wrong_secret, 401, "unauthorized_client");
    assert_error(
        refresh(&emu, "never-issued", PUBLIC).await,
        401,
        "unauthorized_client",
    );
    assert_eq!(emu.token_grants("refresh_token"), 5);
}

#[tokio::test]
async fn info_describes_a_live_access_token() {
    let emu = emulator().await;
    let tokens = tokens_for_public(&emu).await;
    let access = str_of(&tokens, "access_token");
    let (status, body) = info(&emu, access).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["access_token"], access);
    assert_eq!(body["client_id"], PUBLIC);
    assert_eq!(body["refresh_token"], tokens["refresh_token"]);
    assert_eq!(body["account_id"], tokens["account_id"]);
    assert_eq!(body["organization_id"], ORGANIZATION_ID);
    assert_eq!(body["scope"], tokens["scope"]);
    assert_eq!(body["token_type"], "Bearer");
    let left = body["expires_in"].as_u64().unwrap();
    assert!((28_790..=28_800).contains(&left), "{left}");

    let url = format!(
        "{}/v2/info?{}",
        emu.accounts_url(),
        form(&[("code", access)])
    );
    let (status, by_code) = read(reqwest::get(url).await.unwrap()).await;
    assert_eq!((status, &by_code["client_id"]), (200, &json!(PUBLIC)));

    assert_error(info(&emu, "dal:unknown").await, 401, "unauthorized");
    // Refresh tokens are not validated this way.
    assert_error(
        info(&emu, str_of(&tokens, "refresh_token")).await,
        401,
        "unauthorized",
    );
    let none = reqwest::get(format!("{}/v2/info", emu.accounts_url()))
        .await
        .unwrap();
    assert_error(read(none).await, 422, "invalid_request");
}

#[tokio::test]
async fn revoking_an_access_token_takes_its_refresh_token_and_back() {
    let emu = emulator().await;
    let pair = tokens_for_public(&emu).await;
    let other = tokens_for_public(&emu).await;
    let (access, refresh_token) = (
        str_of(&pair, "access_token"),
        str_of(&pair, "refresh_token"),
    );
    assert_eq!(revoke_by_header(&emu, access).await, (200, json!({})));
    assert_eq!(
        api_outcome(&emu, access).await,
        Err(ErrorKind::Authentication)
    );
    assert_error(info(&emu, access).await, 401, "unauthorized");
    assert_error(
        refresh(&emu, refresh_token, PUBLIC).await,
        401,
        "unauthorized_client",
    );
    assert_error(
        revoke_by_header(&emu, access).await,
        404,
        "resource_not_found",
    );
    assert_error(
        revoke_by_code(&emu, refresh_token).await,
        404,
        "resource_not_found",
    );
    // Another grant of the same client is untouched.
    assert_eq!(
        api_outcome(&emu, str_of(&other, "access_token")).await,
        Ok(1)
    );

    // A refresh token, revoked by the `code` parameter, takes the access tokens it minted.
    let first = str_of(&other, "access_token");
    let (_, rotated) = refresh(&emu, str_of(&other, "refresh_token"), PUBLIC).await;
    let second = str_of(&rotated, "access_token");
    assert_eq!(api_outcome(&emu, first).await, Ok(1));
    assert_eq!(
        revoke_by_code(&emu, str_of(&rotated, "refresh_token")).await,
        (200, json!({}))
    );
    for access in [first, second] {
        assert_eq!(
            api_outcome(&emu, access).await,
            Err(ErrorKind::Authentication)
        );
    }
    let nothing = reqwest::Client::new()
        .delete(format!("{}/v2/token", emu.accounts_url()))
        .send()
        .await
        .unwrap();
    assert_error(read(nothing).await, 422, "invalid_request");
}

#[tokio::test]
async fn an_expired_access_token_is_refused_and_its_refresh_token_still_works() {
    let emu = builder()
        .oauth_token_lifetime(Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let tokens = tokens_for_public(&emu).await;
    assert_eq!(tokens["expires_in"], 1);
    let access = str_of(&tokens, "access_token");
    assert_eq!(api_outcome(&emu, access).await, Ok(1));
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(
        api_outcome(&emu, access).await,
        Err(ErrorKind::Authentication)
    );
    assert_error(info(&emu, access).await, 401, "unauthorized");
    let (status, fresh) = refresh(&emu, str_of(&tokens, "refresh_token"), PUBLIC).await;
    assert_eq!(status, 200, "{fresh}");
    assert_eq!(
        api_outcome(&emu, str_of(&fresh, "access_token")).await,
        Ok(1)
    );
}

#[tokio::test]
async fn a_code_is_single_use_and_expires() {
    let emu = builder()
        .oauth_code_lifetime(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let code = code_for(&emu, PUBLIC).await;
    assert_eq!(exchange_public(&emu, &code).await.0, 200);
    assert_error(exchange_public(&emu, &code).await, 401, "invalid_grant");

    let code = code_for(&emu, PUBLIC).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_error(exchange_public(&emu, &code).await, 401, "invalid_grant");
    assert_eq!(emu.token_grants("authorization_code"), 1);
}

#[tokio::test]
async fn a_wrong_verifier_secret_or_redirect_uri_is_refused_and_spends_nothing() {
    let emu = emulator().await;
    let code = code_for(&emu, PUBLIC).await;
    let exchange = |verifier: &'static str, redirect: &'static str| {
        let code = code.clone();
        let emu = &emu;
        async move {
            let mut pairs = vec![
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("client_id", PUBLIC),
                ("redirect_uri", redirect),
            ];
            if !verifier.is_empty() {
                pairs.push(("code_verifier", verifier));
            }
            token(emu, &pairs).await
        }
    };
    let wrong = "A-wrong-verifier-that-is-long-enough-to-be-well-formed-0123";
    assert_error(exchange(wrong, LOOPBACK).await, 401, "invalid_grant");
    assert_error(exchange("", LOOPBACK).await, 422, "invalid_request");
    assert_error(exchange("short", LOOPBACK).await, 422, "invalid_request");
    assert_error(
        exchange(VERIFIER, "http://127.0.0.1:53682/other").await,
        401,
        "unauthorized_client",
    );
    // A confidential client's code, exchanged with a wrong secret, none, or as another client.
    let (_, location) = authorize(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", CONFIDENTIAL),
            ("redirect_uri", LOOPBACK),
        ],
    )
    .await;
    let private = query_of(&location)["code"].clone();
    let with_secret = |secret: Option<&'static str>, client: &'static str| {
        let (emu, private) = (&emu, private.clone());
        async move {
            let mut pairs = vec![
                ("grant_type", "authorization_code"),
                ("code", private.as_str()),
                ("client_id", client),
                ("redirect_uri", LOOPBACK),
            ];
            if let Some(secret) = secret {
                pairs.push(("client_secret", secret));
            }
            token(emu, &pairs).await
        }
    };
    let refused = with_secret(Some("not-the-secret"), CONFIDENTIAL).await;
    assert!(
        !refused.1.to_string().contains("not-the-secret"),
        "{}",
        refused.1
    );
    assert_error(refused, 401, "unauthorized_client");
    assert_error(
        with_secret(None, CONFIDENTIAL).await,
        401,
        "unauthorized_client",
    );
    assert_error(with_secret(None, PUBLIC).await, 401, "invalid_grant");
    assert_error(
        with_secret(Some(SECRET), PUBLIC).await,
        401,
        "unauthorized_client",
    );
    assert_error(
        with_secret(None, "nobody").await,
        401,
        "unauthorized_client",
    );

    // The refusals spent neither code.
    assert_eq!(exchange(VERIFIER, LOOPBACK).await.0, 200);
    assert_eq!(with_secret(Some(SECRET), CONFIDENTIAL).await.0, 200);
    assert_eq!(emu.token_grants("authorization_code"), 2);
}

#[tokio::test]
async fn the_26th_token_of_a_client_revokes_the_oldest() {
    let emu = emulator().await;
    let mut grants = Vec::new();
    for _ in 0..26 {
        grants.push(tokens_for_public(&emu).await);
    }
    let (oldest, newest) = (&grants[0], &grants[25]);
    assert_eq!(
        api_outcome(&emu, str_of(oldest, "access_token")).await,
        Err(ErrorKind::Authentication)
    );
    assert_error(
        refresh(&emu, str_of(oldest, "refresh_token"), PUBLIC).await,
        401,
        "unauthorized_client",
    );
    assert_eq!(
        api_outcome(&emu, str_of(&grants[1], "access_token")).await,
        Ok(1)
    );
    assert_eq!(
        api_outcome(&emu, str_of(newest, "access_token")).await,
        Ok(1)
    );

    // Access tokens count on their own: 26 refreshes of one kept refresh token.
    let (_, location) = authorize(
        &emu,
        &[
            ("response_type", "code"),
            ("client_id", CONFIDENTIAL),
            ("redirect_uri", LOOPBACK),
        ],
    )
    .await;
    let code = query_of(&location)["code"].clone();
    let (_, first) = token(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", CONFIDENTIAL),
            ("client_secret", SECRET),
            ("redirect_uri", LOOPBACK),
        ],
    )
    .await;
    let kept = str_of(&first, "refresh_token");
    let mut second = None;
    for i in 0..25 {
        let (status, again) = refresh(&emu, kept, CONFIDENTIAL).await;
        assert_eq!(status, 200, "{again}");
        if i == 0 {
            second = Some(again);
        }
    }
    let first_access = str_of(&first, "access_token");
    assert_eq!(
        api_outcome(&emu, first_access).await,
        Err(ErrorKind::Authentication)
    );
    let second_access = str_of(second.as_ref().unwrap(), "access_token");
    assert_eq!(api_outcome(&emu, second_access).await, Ok(1));
    assert_eq!(refresh(&emu, kept, CONFIDENTIAL).await.0, 200);
    // The public client's grants were not touched by the other client's.
    assert_eq!(
        api_outcome(&emu, str_of(newest, "access_token")).await,
        Ok(1)
    );
}

#[tokio::test]
async fn authorization_problems_go_to_the_error_page_never_to_the_redirect_uri() {
    let emu = emulator().await;
    let challenge = s256(VERIFIER);
    let good = [
        ("response_type", "code"),
        ("client_id", PUBLIC),
        ("redirect_uri", LOOPBACK),
    ];
    let with = |name: &str, value: &'static str| {
        let mut pairs: Vec<(&str, &str)> =
            good.iter().filter(|(n, _)| *n != name).cloned().collect();
        if !value.is_empty() {
            pairs.push((name, value));
        }
        form(&pairs)
    };
    let cases = [
        (
            with("client_id", "unknown-app"),
            "unauthorized_client",
            "client_id_not_found",
        ),
        (
            with("client_id", ""),
            "unauthorized_client",
            "missing_client_id",
        ),
        (
            with("redirect_uri", "https://evil.example/callback"),
            "unauthorized_client",
            "invalid_redirect_uri",
        ),
        (
            with(
                "redirect_uri",
                "http://127.0.0.1:53682/cb\r\nSet-Cookie: a=b",
            ),
            "unauthorized_client",
            "invalid_redirect_uri",
        ),
        (
            with("redirect_uri", "https://app.example/oauth/../admin"),
            "unauthorized_client",
            "invalid_redirect_uri",
        ),
        (
            with("redirect_uri", ""),
            "invalid_request",
            "missing_redirect_uri",
        ),
        (
            with("response_type", "token"),
            "unsupported_response_type",
            "response_type_not_supported",
        ),
        (
            with("response_type", ""),
            "invalid_request",
            "missing_response_type",
        ),
        (
            with("code_challenge", "too-short"),
            "invalid_request",
            "invalid_code_challenge",
        ),
        (
            format!(
                "{}&code_challenge={challenge}&code_challenge_method=md5",
                form(&good)
            ),
            "invalid_request",
            "invalid_code_challenge_method",
        ),
        (
            format!("{}&redirect_uri=http%3A%2F%2Flocalhost%3A1%2F", form(&good)),
            "invalid_request",
            "duplicate_parameter",
        ),
        (
            format!("{}&state=%ff%fe", form(&good)),
            "invalid_request",
            "malformed_parameter",
        ),
    ];
    for (query, exception, details) in cases {
        let (status, location) = authorize_raw(&format!("{}/?{query}", emu.accounts_url())).await;
        assert_eq!(status, 302, "{query}");
        assert_eq!(
            location,
            format!("/ooops?oauth_exception={exception}&exception_details={details}"),
            "{query}"
        );
    }
    let page = reqwest::get(format!(
        "{}/ooops?oauth_exception=unauthorized_client&exception_details=client_id_not_found",
        emu.accounts_url()
    ))
    .await
    .unwrap();
    assert_eq!(page.status().as_u16(), 400);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = page.text().await.unwrap();
    assert!(
        text.contains("oauth_exception: unauthorized_client"),
        "{text}"
    );
    assert!(
        text.contains("exception_details: client_id_not_found"),
        "{text}"
    );
    // Followed by a browser, the error page is where it ends.
    let followed = reqwest::get(format!(
        "{}/?{}",
        emu.accounts_url(),
        with("client_id", "x")
    ))
    .await
    .unwrap();
    assert_eq!(followed.url().path(), "/ooops");
    assert_eq!(followed.status().as_u16(), 400);
}

#[tokio::test]
async fn hostile_token_requests_get_typed_errors() {
    let emu = emulator().await;
    let code = code_for(&emu, PUBLIC).await;
    let valid = form(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("client_id", PUBLIC),
        ("redirect_uri", LOOPBACK),
        ("code_verifier", VERIFIER),
    ]);
    let form_type = "application/x-www-form-urlencoded";
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            form_type,
            format!("{valid}&code=dal%3Aother").into(),
            422,
            "invalid_request",
        ),
        (
            form_type,
            format!("{valid}&client_id={PUBLIC}").into(),
            422,
            "invalid_request",
        ),
        (
            form_type,
            [valid.as_bytes(), b"&state=\xff\xfe"].concat(),
            422,
            "invalid_request",
        ),
        (
            form_type,
            format!("{valid}&state=%C3%28").into(),
            422,
            "invalid_request",
        ),
        (
            form_type,
            format!("{valid}&state=%G0").into(),
            422,
            "invalid_request",
        ),
        (form_type, b"".to_vec(), 422, "invalid_request"),
        (
            form_type,
            b"grant_type=client_credentials".to_vec(),
            403,
            "unsupported_grant_type",
        ),
        (
            form_type,
            b"grant_type=password&username=a&password=b".to_vec(),
            403,
            "unsupported_grant_type",
        ),
        (
            "application/json",
            b"[1, 2]".to_vec(),
            422,
            "invalid_request",
        ),
        (
            "application/json",
            br#"{"grant_type": 7}"#.to_vec(),
            422,
            "invalid_request",
        ),
        (
            "application/json",
            br#"{"grant_type": "refresh_token", "grant_type": "authorization_code"}"#.to_vec(),
            422,
            "invalid_request",
        ),
        (
            "text/plain",
            valid.clone().into_bytes(),
            422,
            "invalid_request",
        ),
    ];
    for (content_type, body, status, error) in cases {
        let shown = String::from_utf8_lossy(&body).into_owned();
        let (got, answer) = token_body(&emu, content_type, body).await;
        assert_eq!(
            (got, answer["error"].as_str()),
            (status, Some(error)),
            "{shown}: {answer}"
        );
        assert!(
            !answer.to_string().contains(&code),
            "no code repeated back: {answer}"
        );
    }
    let get = reqwest::get(format!("{}/v2/token", emu.accounts_url()))
        .await
        .unwrap();
    assert_error(read(get).await, 405, "invalid_request");
    // None of that spent the code.
    assert_eq!(token_body(&emu, form_type, valid.into()).await.0, 200);
}

/// Writes `Content-Length` (or a chunked body) of 100 MB and reads the answer while the body is
/// still going out.
async fn send_huge_body(emu: &Emulator, chunked: bool) -> (String, Duration) {
    let started = Instant::now();
    let stream = tokio::net::TcpStream::connect(emu.local_addr())
        .await
        .unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let length = if chunked {
        "Transfer-Encoding: chunked".to_string()
    } else {
        format!("Content-Length: {}", 100 * 1024 * 1024)
    };
    let head = format!(
        "POST /v2/token HTTP/1.1\r\nHost: emulator\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n{length}\r\n\r\n"
    );
    writer.write_all(head.as_bytes()).await.unwrap();
    let sending = tokio::spawn(async move {
        let chunk = vec![b'a'; 64 * 1024];
        let framed = [
            format!("{:x}\r\n", chunk.len()).into_bytes(),
            chunk.clone(),
            b"\r\n".to_vec(),
        ]
        .concat();
        for _ in 0..1600 {
            let piece = if chunked { &framed } else { &chunk };
            if writer.write_all(piece).await.is_err() {
                return;
            }
        }
    });
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        match tokio::time::timeout(Duration::from_secs(10), reader.read(&mut buffer)).await {
            Ok(Ok(n)) if n > 0 => answer.extend_from_slice(&buffer[..n]),
            _ => break,
        }
    }
    let elapsed = started.elapsed();
    sending.abort();
    (String::from_utf8_lossy(&answer).into_owned(), elapsed)
}

#[tokio::test]
async fn a_100_mb_body_is_refused_at_once() {
    let emu = emulator().await;
    for chunked in [false, true] {
        let (answer, elapsed) = send_huge_body(&emu, chunked).await;
        assert!(
            answer.starts_with("HTTP/1.1 413"),
            "chunked {chunked}: {answer}"
        );
        assert!(
            elapsed < Duration::from_secs(3),
            "chunked {chunked}: {elapsed:?}"
        );
    }
    // The emulator goes on serving.
    assert_eq!(
        exchange_public(&emu, &code_for(&emu, PUBLIC).await).await.0,
        200
    );
}

#[tokio::test]
async fn of_20_concurrent_exchanges_of_one_code_exactly_one_succeeds() {
    let emu = emulator().await;
    let code = code_for(&emu, PUBLIC).await;
    let attempts = (0..20).map(|_| exchange_public(&emu, &code));
    let outcomes = futures_util::future::join_all(attempts).await;
    let won: Vec<&Value> = outcomes
        .iter()
        .filter(|(s, _)| *s == 200)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(won.len(), 1, "{outcomes:?}");
    for (status, body) in outcomes.iter().filter(|(s, _)| *s != 200) {
        assert_eq!(
            (*status, body["error"].as_str()),
            (401, Some("invalid_grant"))
        );
    }
    assert_eq!(emu.token_grants("authorization_code"), 1);
    assert_eq!(
        api_outcome(&emu, str_of(won[0], "access_token")).await,
        Ok(1)
    );
}

#[tokio::test]
async fn registrations_are_checked_and_secrets_stay_out_of_debug() {
    let builder =
        Emulator::builder().oauth_client(OAuthClient::confidential("app", "hunter2-secret"));
    assert!(!format!("{builder:?}").contains("hunter2"));
    let twice = builder
        .clone()
        .oauth_client(OAuthClient::public("app"))
        .start()
        .await;
    let error = twice.unwrap_err().to_string();
    assert!(
        error.contains("twice") && !error.contains("hunter2"),
        "{error}"
    );
    let bad = Emulator::builder()
        .oauth_client(OAuthClient::public("web").redirect_uri("https://app.example/cb?next=1"))
        .start()
        .await;
    assert!(bad.is_err());
    let emu = builder.start().await.unwrap();
    assert!(!format!("{emu:?}").contains("hunter2"));
    let ids: Vec<&str> = emu.oauth_clients().map(|c| c.id()).collect();
    assert_eq!(ids, ["app"]);
    assert_eq!(emu.accounts_url(), emu.base_url());
}

#[tokio::test]
async fn the_binary_registers_oauth_clients_and_token_lifetimes() {
    use crate::binary::{command, start};
    let dir = crate::persistence::temp_dir("binary-oauth");
    let mut command = command(&dir.join("state.db"));
    command.args([
        "--oauth-client",
        PUBLIC,
        "--oauth-client",
        &format!("{CONFIDENTIAL}:{SECRET}"),
        "--oauth-token-lifetime",
        "60",
    ]);
    let (child, url, banner) = start(command);
    let text = banner.join("\n");
    assert!(text.contains(&format!("  {PUBLIC}  (public")), "{text}");
    assert!(
        text.contains(&format!("  {CONFIDENTIAL}  (confidential")),
        "{text}"
    );
    assert!(!text.contains(SECRET), "{text}");

    let (status, location) = authorize_raw(&format!(
        "{url}/?{}",
        form(&[
            ("response_type", "code"),
            ("client_id", CONFIDENTIAL),
            ("redirect_uri", LOOPBACK),
        ])
    ))
    .await;
    assert_eq!(status, 302, "{location}");
    let code = query_of(&location)["code"].clone();
    let response = reqwest::Client::new()
        .post(format!("{url}/v2/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", CONFIDENTIAL),
            ("client_secret", SECRET),
            ("redirect_uri", LOOPBACK),
        ]))
        .send()
        .await
        .unwrap();
    let (status, answer) = read(response).await;
    assert_eq!(
        (status, &answer["expires_in"]),
        (200, &json!(60)),
        "{answer}"
    );
    drop(child);
    std::fs::remove_dir_all(&dir).unwrap();
}
