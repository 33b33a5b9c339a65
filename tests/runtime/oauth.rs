//! The `auth` module against the emulator's Accounts API twin: the code grant with PKCE, the
//! refreshing provider under concurrent calls, token info and revocation; and against hostile
//! servers.

use futures_util::future::join_all;
use livechat_config::auth::{self, Accounts, App, RefreshFailed, RefreshingCredentials, TokenSet};
use livechat_config::{reqwest, Client, Credentials, Error};
use livechat_config_emulator::{Emulator, OAuthClient};
use livechat_config_tests::TestServer;
use serde_json::json;
use std::time::{Duration, SystemTime};

const PUBLIC: &str = "cli-app";
const CONFIDENTIAL: &str = "server-app";
const SECRET: &str = "server-app-secret";

async fn emulator(lifetime: Duration) -> Emulator {
    Emulator::builder()
        .oauth_client(OAuthClient::public(PUBLIC))
        .oauth_client(OAuthClient::confidential(CONFIDENTIAL, SECRET))
        .oauth_token_lifetime(lifetime)
        .start()
        .await
        .unwrap()
}

/// The browser's part: opens the authorization URL and returns where it is redirected.
async fn approve(url: &str) -> String {
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = browser.get(url).send().await.unwrap();
    assert_eq!(answer.status(), 302, "{url}");
    answer.headers()["location"].to_str().unwrap().to_string()
}

async fn sign_in(emulator: &Emulator, app: &App) -> (Accounts, TokenSet) {
    let accounts = Accounts::with_base_url(emulator.accounts_url()).unwrap();
    let authorization = accounts
        .authorize(app, "http://127.0.0.1:9/callback")
        .unwrap();
    let redirect = approve(authorization.url()).await;
    assert!(
        redirect.starts_with("http://127.0.0.1:9/callback?"),
        "{redirect}"
    );
    let tokens = authorization.finish(&accounts, &redirect).await.unwrap();
    (accounts, tokens)
}

fn client(emulator: &Emulator, provider: RefreshingCredentials, first: Credentials) -> Client {
    Client::builder(first)
        .base_url(emulator.base_url())
        .credentials_provider(provider)
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_code_grant_with_pkce_gives_tokens_that_call_the_api() {
    let emulator = emulator(Duration::from_secs(28_800)).await;
    for app in [App::public(PUBLIC), App::confidential(CONFIDENTIAL, SECRET)] {
        let (accounts, tokens) = sign_in(&emulator, &app).await;
        assert!(tokens.access_token().starts_with("dal:"), "{tokens:?}");
        let refresh = tokens.refresh_token().unwrap().to_string();
        assert!(!refresh.contains(':'), "refresh tokens carry no region");
        assert_eq!(tokens.lifetime(), Duration::from_secs(28_800));
        assert!(!tokens.scopes().is_empty());
        assert!(!tokens.account_id().is_empty() && !tokens.organization_id().is_empty());
        // Debug shows neither token.
        let shown = format!("{tokens:?}");
        let secret_part = tokens.access_token().split_once(':').unwrap().1;
        assert!(
            !shown.contains(secret_part) && !shown.contains(&refresh),
            "{shown}"
        );

        let agents = emulator
            .client_with(tokens.credentials())
            .list_agents()
            .await
            .unwrap();
        assert!(!agents.is_empty());

        let info = accounts.info(tokens.access_token()).await.unwrap();
        assert_eq!(info.client_id(), app.client_id());
        assert_eq!(info.account_id(), tokens.account_id());
        assert_eq!(info.scopes(), tokens.scopes());
        assert!(info.expires_in() <= Duration::from_secs(28_800));
        assert!(info.expires_in() > Duration::from_secs(28_000));

        accounts.revoke(tokens.access_token()).await.unwrap();
        let refused = accounts.info(tokens.access_token()).await.unwrap_err();
        assert_eq!(refused.oauth().map(|e| e.status()), Some(401), "{refused}");
        let error = emulator
            .client_with(tokens.credentials())
            .list_agents()
            .await
            .unwrap_err();
        assert!(error.is_authentication(), "{error}");
        // Revoking the access token revoked its refresh token too.
        let gone = accounts.refresh(&app, &refresh).await.unwrap_err();
        assert!(gone.needs_new_authorization(), "{gone}");
    }
}

#[tokio::test]
async fn a_forged_redirect_or_a_wrong_secret_gets_no_tokens() {
    let emulator = emulator(Duration::from_secs(600)).await;
    let accounts = Accounts::with_base_url(emulator.accounts_url()).unwrap();
    let app = App::public(PUBLIC);
    let authorization = accounts.authorize(&app, "http://127.0.0.1:9/cb").unwrap();
    let redirect = approve(authorization.url()).await;
    let forged = redirect.replace(authorization.state(), "someone-elses-state");
    let error = accounts
        .authorize(&app, "http://127.0.0.1:9/cb")
        .unwrap()
        .finish(&accounts, &forged)
        .await
        .unwrap_err();
    assert!(matches!(error, auth::Error::Authorization(_)), "{error}");

    let wrong = App::confidential(CONFIDENTIAL, "not-the-secret");
    let authorization = accounts.authorize(&wrong, "http://127.0.0.1:9/cb").unwrap();
    let redirect = approve(authorization.url()).await;
    let error = authorization
        .finish(&accounts, &redirect)
        .await
        .unwrap_err();
    let refused = error.oauth().expect("an OAuth error");
    assert!(refused.needs_new_authorization(), "{error}");
    assert!(!error.to_string().contains("not-the-secret"), "{error}");
}

#[tokio::test]
async fn an_expiry_under_a_hundred_concurrent_calls_makes_one_refresh() {
    let emulator = emulator(Duration::from_secs(3)).await;
    let app = App::public(PUBLIC);
    let (accounts, tokens) = sign_in(&emulator, &app).await;
    let first = tokens.credentials();
    let stored = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = stored.clone();
    let provider = RefreshingCredentials::new(accounts, app, tokens)
        .unwrap()
        .refresh_margin(Duration::from_secs(1))
        .on_refresh(move |t| {
            keep.lock()
                .unwrap()
                .push(t.refresh_token().unwrap().to_string())
        });
    let client = client(&emulator, provider.clone(), first);

    let calls = join_all((0..100).map(|_| async { client.list_agents().await })).await;
    assert!(calls.iter().all(Result::is_ok));
    assert_eq!(provider.refreshes(), 0, "a fresh token is not refreshed");

    // Due 2 s after issue (a 1 s margin of a 3 s lifetime).
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let calls = join_all((0..100).map(|_| async { client.list_agents().await })).await;
    for call in &calls {
        assert!(call.is_ok(), "{call:?}");
    }
    assert_eq!(provider.refreshes(), 1);
    assert_eq!(emulator.token_grants("refresh_token"), 1);
    // The public app's refresh token rotated, and the new one was handed over to be stored.
    assert_eq!(stored.lock().unwrap().len(), 1);
    assert_eq!(
        stored.lock().unwrap()[0],
        provider.tokens().unwrap().refresh_token().unwrap()
    );
}

#[tokio::test]
async fn a_token_the_api_refuses_is_refreshed_once_for_a_hundred_calls() {
    let emulator = emulator(Duration::from_secs(28_800)).await;
    let app = App::confidential(CONFIDENTIAL, SECRET);
    let (accounts, tokens) = sign_in(&emulator, &app).await;
    // Tokens that look valid for an hour, but whose access token the API no longer knows.
    let stale = TokenSet::from_stored(
        "dal:revoked-long-ago",
        tokens.refresh_token().map(str::to_string),
        SystemTime::now(),
        Duration::from_secs(3600),
    );
    let provider = RefreshingCredentials::new(accounts, app, stale).unwrap();
    let client = client(
        &emulator,
        provider.clone(),
        Credentials::bearer("dal:revoked-long-ago"),
    );
    let calls = join_all((0..100).map(|_| async { client.list_agents().await })).await;
    for call in &calls {
        assert!(call.is_ok(), "{call:?}");
    }
    assert_eq!(provider.refreshes(), 1);
    assert_eq!(emulator.token_grants("refresh_token"), 1);
    // A confidential app's refresh token does not rotate.
    assert_eq!(
        provider.tokens().unwrap().refresh_token(),
        tokens.refresh_token()
    );
}

#[tokio::test]
async fn a_failed_refresh_fails_the_calls_that_waited_with_its_cause() {
    let emulator = emulator(Duration::from_secs(28_800)).await;
    let app = App::public(PUBLIC);
    let (accounts, tokens) = sign_in(&emulator, &app).await;
    let refresh = tokens.refresh_token().unwrap().to_string();
    accounts.revoke(&refresh).await.unwrap();
    let provider = RefreshingCredentials::from_refresh_token(accounts, app, refresh.clone());
    let client = client(
        &emulator,
        provider.clone(),
        Credentials::bearer("dal:unused"),
    );
    let calls = join_all((0..50).map(|_| async { client.list_agents().await })).await;
    assert_eq!(
        provider.refreshes(),
        1,
        "the calls that waited took its outcome"
    );
    for call in calls {
        let error = call.unwrap_err();
        let Error::Credentials { source, .. } = &error else {
            panic!("not a credentials error: {error}");
        };
        let failed = source
            .downcast_ref::<RefreshFailed>()
            .expect("the refresh's failure");
        assert!(failed.cause().needs_new_authorization(), "{failed:?}");
        assert!(!format!("{error:?}").contains(&refresh));
    }
    assert_eq!(emulator.served_total(), 0, "no call was sent");
}

#[tokio::test]
async fn a_hostile_accounts_server_gets_typed_errors() {
    let server = TestServer::start().await;
    let accounts = Accounts::with_base_url(&server.base_url).unwrap();
    let app = App::confidential("id", "the-client-secret");

    server.reply_raw(200, vec![b'{'; 10 << 20]);
    let error = accounts.refresh(&app, "r").await.unwrap_err();
    assert!(matches!(error, auth::Error::Decode { .. }), "{error}");

    server.reply(
        200,
        json!({"access_token": "dal:leaked-token", "expires_in": "dal:leaked-token"}),
    );
    let error = accounts.refresh(&app, "r").await.unwrap_err();
    assert!(!error.to_string().contains("leaked"), "{error}");

    server.reply(
        200,
        json!({"access_token": "dal:x", "expires_in": 60, "token_type": "MAC"}),
    );
    assert!(accounts.refresh(&app, "r").await.is_err());

    server.reply(
        400,
        json!({"error": "invalid_grant\r\nX-Injected: 1", "error_description": "gone\u{1b}[2K\r\nreally"}),
    );
    let error = accounts.refresh(&app, "r").await.unwrap_err();
    let refused = error.oauth().unwrap();
    assert_eq!(
        refused.code(),
        "http_400",
        "a code that is not one is not shown as one"
    );
    assert_eq!(refused.description(), Some("gone[2Kreally"));

    server.reply_raw(502, "<html>bad gateway</html>");
    let error = accounts.info("dal:t").await.unwrap_err();
    assert!(error.oauth().unwrap().is_transient(), "{error}");

    // The secret went in the form body, never in a URL or header.
    let sent = server.requests();
    assert!(sent.iter().all(|r| !r.path.contains("secret")));
    assert!(String::from_utf8_lossy(&sent[0].body).contains("client_secret=the-client-secret"));
    assert!(!format!("{app:?}").contains("the-client-secret"));

    let error = Accounts::with_base_url("ftp://accounts.example").unwrap_err();
    assert!(matches!(error, auth::Error::Config(_)));
    let error = accounts.info("dal:bad\r\ntoken").await.unwrap_err();
    assert!(matches!(error, auth::Error::Config(_)) && !error.to_string().contains("bad"));
}
