//! `login` (the authorization code grant with PKCE, redirected to a listener on loopback),
//! `logout` and `whoami`.

use crate::stored::{self, Stored};
use crate::target::Target;
use livechat_config::auth::{App, TokenInfo};
use livechat_config::CredentialsProvider;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How long `login` waits for the browser to come back.
const WAIT: Duration = Duration::from_secs(300);
/// How long one connection to the listener may take to send its request.
const REQUEST_TIME: Duration = Duration::from_secs(10);
/// The largest request the listener reads: a redirect's URL is well under it.
const MAX_REQUEST: usize = 16 * 1024;
const CALLBACK: &str = "/callback";
/// Connections the listener serves at once.
const MAX_CONNECTIONS: usize = 16;

pub async fn login(target: &Target, no_browser: bool, scopes: &[String]) -> Result<(), String> {
    let client_id = match target.client_ids.as_slice() {
        [one] => one.clone(),
        [] => return Err("login needs the application's Client ID: --client-id ID".into()),
        _ => return Err("login takes one --client-id".into()),
    };
    let path = stored::path()?;
    let accounts = target.accounts(&target.accounts_url(None))?;
    let app = App::public(client_id);
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("listening on 127.0.0.1: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let mut authorization = accounts
        .authorize(&app, format!("http://127.0.0.1:{port}{CALLBACK}"))
        .map_err(|e| e.to_string())?;
    if !scopes.is_empty() {
        authorization = authorization.scopes(scopes).map_err(|e| e.to_string())?;
    }
    eprintln!(
        "Open this URL in a browser and sign in (waiting {} minutes):",
        WAIT.as_secs() / 60
    );
    crate::out(&format!("{}\n", authorization.url()));
    if !no_browser {
        open_browser(authorization.url());
    }
    let redirect = tokio::time::timeout(WAIT, redirect(&listener, authorization.state()))
        .await
        .map_err(|_| "no sign-in within 5 minutes".to_string())??;
    let tokens = authorization
        .finish(&accounts, &redirect)
        .await
        .map_err(|e| crate::report::report(&e))?;
    Stored::new(&accounts, &app, &tokens)?.save(&path)?;
    eprintln!(
        "Logged in: account {}, organization {}, region {}; scopes: {}.\nStored in {}.",
        tokens.account_id(),
        tokens.organization_id(),
        tokens.region().map_or("dal".into(), |r| r.to_string()),
        tokens.scopes().join(", "),
        path.display()
    );
    Ok(())
}

/// Answers requests to the listener until one comes to the callback with this login's `state`;
/// others (a favicon, a forged redirect) are refused and the wait goes on. Connections are
/// served side by side, at most [`MAX_CONNECTIONS`], each given [`REQUEST_TIME`] to send its
/// request: one that never sends holds a place no longer, and beyond the bound new ones are
/// closed at once.
async fn redirect(listener: &TcpListener, state: &str) -> Result<String, String> {
    use futures_util::stream::{FuturesUnordered, StreamExt};
    let mut serving = FuturesUnordered::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = accepted.map_err(|e| e.to_string())?;
                if serving.len() < MAX_CONNECTIONS {
                    serving.push(serve(stream, state));
                }
            }
            Some(served) = serving.next() => {
                if let Some(query) = served {
                    return Ok(query);
                }
            }
        }
    }
}

/// One connection: the redirect's query if it is this login's.
async fn serve(mut stream: TcpStream, state: &str) -> Option<String> {
    let target = tokio::time::timeout(REQUEST_TIME, request_target(&mut stream))
        .await
        .ok()?
        .ok()?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    if path != CALLBACK {
        respond(&mut stream, "404 Not Found", "Not found.").await;
        return None;
    }
    if !carries_state(query, state) {
        respond(
            &mut stream,
            "400 Bad Request",
            "This is not this sign-in's redirect.",
        )
        .await;
        return None;
    }
    respond(
        &mut stream,
        "200 OK",
        "livechat-config has your sign-in. You can close this tab.",
    )
    .await;
    Some(query.to_owned())
}

fn carries_state(query: &str, state: &str) -> bool {
    livechat_config::reqwest::Url::parse(&format!("http://callback.invalid/?{query}"))
        .map(|url| url.query_pairs().any(|(k, v)| k == "state" && v == state))
        .unwrap_or(false)
}

/// The target of a `GET` request line, once the request's head is in.
async fn request_target(stream: &mut TcpStream) -> Result<String, ()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.map_err(drop)?;
        if n == 0 || head.len() + n > MAX_REQUEST {
            return Err(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = head.split(|&b| b == b'\r').next().ok_or(())?;
    let line = std::str::from_utf8(line).map_err(drop)?;
    match line.split(' ').collect::<Vec<_>>().as_slice() {
        ["GET", target, version] if version.starts_with("HTTP/1.") => Ok((*target).to_owned()),
        _ => Err(()),
    }
}

async fn respond(stream: &mut TcpStream, status: &str, text: &str) {
    let page = format!("<!doctype html><title>livechat-config</title><p>{text}</p>\n");
    let answer = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = tokio::time::timeout(REQUEST_TIME, stream.write_all(answer.as_bytes())).await;
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let opened = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if opened.is_err() {
        eprintln!("(no browser could be started: open the URL yourself)");
    }
}

/// Revokes what `login` stored and deletes it. A token the Accounts API no longer knows is as
/// good as revoked; a failure to reach it keeps the file, so that logout can be run again.
pub async fn logout(target: &Target) -> Result<(), String> {
    let path = stored::path()?;
    let Some(stored) = Stored::load(&path)? else {
        eprintln!("Not logged in ({} does not exist).", path.display());
        return Ok(());
    };
    let accounts = stored.accounts(target)?;
    for token in [&stored.access_token, &stored.refresh_token] {
        match accounts.revoke(token).await {
            Ok(()) => {}
            Err(e) if e.needs_new_authorization() => {}
            Err(e) => {
                return Err(format!(
                    "{}; the login is kept in {}",
                    crate::report::report(&e),
                    path.display()
                ))
            }
        }
    }
    std::fs::remove_file(&path).map_err(|e| format!("deleting {}: {e}", path.display()))?;
    eprintln!(
        "Logged out: the tokens are revoked and {} is deleted.",
        path.display()
    );
    Ok(())
}

/// Account, organization, region, scopes and expiry of the credentials the other commands use.
pub async fn whoami(target: &Target) -> Result<String, String> {
    if let Some(token) = target.token() {
        let accounts = target.accounts(&target.accounts_url(None))?;
        let info = accounts
            .info(token)
            .await
            .map_err(|e| crate::report::report(&e))?;
        return Ok(describe(
            &info,
            "the access token in LIVECHAT_TOKEN (or --token)",
        ));
    }
    if let Some(account) = target.pat_account() {
        return Ok(format!(
            "credentials   a personal access token (LIVECHAT_ACCOUNT_ID, LIVECHAT_PAT)\n\
             account       {account}\n\
             region        {}\n\
             scopes        those chosen when the token was created (the Accounts API tells \
             scopes of OAuth tokens only)\n",
            target.region_name().unwrap_or("dal (the default)")
        ));
    }
    let path = stored::path()?;
    let stored = Stored::load(&path)?.ok_or_else(crate::target::no_credentials)?;
    let provider = stored.provider(path.clone(), target)?;
    // Refreshes first when the stored access token is due.
    provider
        .credentials(false)
        .await
        .map_err(|e| crate::report::report(&*e))?;
    let token = provider
        .tokens()
        .map(|t| t.access_token().to_owned())
        .ok_or("no access token after refreshing")?;
    let accounts = target.accounts(&target.accounts_url(Some(&stored.accounts_url)))?;
    let info = accounts
        .info(&token)
        .await
        .map_err(|e| crate::report::report(&e))?;
    Ok(describe(
        &info,
        &format!("the login stored in {}", path.display()),
    ))
}

fn describe(info: &TokenInfo, source: &str) -> String {
    let left = info.expires_in().as_secs();
    format!(
        "credentials   {source}\n\
         account       {}\n\
         organization  {}\n\
         region        {}\n\
         application   {}\n\
         scopes        {}\n\
         expires in    {}h {:02}m\n",
        info.account_id(),
        info.organization_id(),
        info.region().map_or("dal".into(), |r| r.to_string()),
        info.client_id(),
        info.scopes().join(", "),
        left / 3600,
        left % 3600 / 60
    )
}
