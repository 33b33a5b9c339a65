//! `login`, `whoami`, `scopes` and `logout` against the emulator's Accounts API twin, end to end:
//! the browser's part is played by an HTTP client that follows the authorization page's redirect.

use crate::support::{bare, run, scratch, write};
use livechat_config::auth::Accounts;
use livechat_config::reqwest;
use livechat_config_emulator::{Emulator, OAuthClient};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const APP: &str = "cli-app";

fn logged_in(emulator: &Emulator, config: &Path) -> Command {
    let mut command = bare();
    command
        .env("XDG_CONFIG_HOME", config)
        .env("LIVECHAT_BASE_URL", emulator.base_url())
        .env("LIVECHAT_ACCOUNTS_URL", emulator.accounts_url());
    command
}

/// Runs `login --no-browser`, plays the browser, and returns the command's stderr.
async fn login(emulator: &Emulator, config: &Path) -> String {
    let mut child = logged_in(emulator, config)
        .args(["login", "--client-id", APP, "--no-browser"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let url = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let url = url.trim_end();
    assert!(url.starts_with(emulator.accounts_url()), "{url}");
    let callback_port = {
        let parsed = reqwest::Url::parse(url).unwrap();
        let redirect = parsed
            .query_pairs()
            .find(|(k, _)| k == "redirect_uri")
            .unwrap()
            .1
            .into_owned();
        reqwest::Url::parse(&redirect).unwrap().port().unwrap()
    };

    // Hostile neighbours on the listener first: one that never sends, one that sends a request
    // too large, and a forged redirect. None of them ends or holds up the login.
    let _silent = std::net::TcpStream::connect(("127.0.0.1", callback_port)).unwrap();
    let mut huge = std::net::TcpStream::connect(("127.0.0.1", callback_port)).unwrap();
    let _ = huge.write_all(&vec![b'A'; 64 * 1024]);
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let forged = browser
        .get(format!(
            "http://127.0.0.1:{callback_port}/callback?code=dal:x&state=forged"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);

    let approved = browser.get(url).send().await.unwrap();
    assert_eq!(approved.status(), 302);
    let location = approved.headers()["location"].to_str().unwrap().to_string();
    let back = browser.get(&location).send().await.unwrap();
    assert_eq!(back.status(), 200);
    let status = tokio::task::spawn_blocking(move || {
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (child.wait().unwrap(), stderr)
    })
    .await
    .unwrap();
    assert!(status.0.success(), "{}", status.1);
    status.1
}

#[tokio::test]
async fn login_then_calls_whoami_refresh_and_logout() {
    let emulator = Emulator::builder()
        .oauth_client(OAuthClient::public(APP))
        .oauth_token_lifetime(Duration::from_secs(8))
        .start()
        .await
        .unwrap();
    let config = scratch("login-flow");
    let said = login(&emulator, &config).await;
    assert!(said.contains("Logged in: account"), "{said}");
    let file = config.join("livechat-config").join("login.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(file.parent().unwrap()), 0o700);
    }
    let stored: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let first_refresh = stored["refresh_token"].as_str().unwrap().to_string();

    // Later commands use the login when no token is set.
    let listed = run(logged_in(&emulator, &config), &["call", "list_agents"]).await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(listed.stdout.contains("\"id\""), "{}", listed.stdout);

    let whoami = run(logged_in(&emulator, &config), &["whoami"]).await;
    assert_eq!(whoami.code, 0, "{}", whoami.stderr);
    for line in [
        "application   cli-app",
        "region        dal",
        "organization  ",
        "scopes        ",
    ] {
        assert!(whoami.stdout.contains(line), "{line}: {}", whoami.stdout);
    }
    assert!(!whoami.stdout.contains(&first_refresh));
    assert_eq!(emulator.token_grants("refresh_token"), 0);

    // Half the 8 s lifetime later the token is due: one refresh, stored for the next command.
    tokio::time::sleep(Duration::from_millis(4_200)).await;
    let listed = run(logged_in(&emulator, &config), &["call", "list_agents"]).await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert_eq!(emulator.token_grants("refresh_token"), 1);
    let stored: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let rotated = stored["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(
        rotated, first_refresh,
        "a public app's refresh token rotates"
    );
    let listed = run(logged_in(&emulator, &config), &["call", "list_agents"]).await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert_eq!(
        emulator.token_grants("refresh_token"),
        1,
        "the stored token is still fresh"
    );

    let access = stored["access_token"].as_str().unwrap().to_string();
    let out = run(logged_in(&emulator, &config), &["logout"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!file.exists());
    let accounts = Accounts::with_base_url(emulator.accounts_url()).unwrap();
    assert!(
        accounts.info(&access).await.is_err(),
        "the access token is revoked"
    );
    let after = run(logged_in(&emulator, &config), &["call", "list_agents"]).await;
    assert_eq!(after.code, 1);
    assert!(
        after.stderr.contains("livechat-config login"),
        "{}",
        after.stderr
    );
}

#[tokio::test]
async fn whoami_with_a_token_and_without_credentials() {
    let emulator = Emulator::builder()
        .oauth_client(OAuthClient::public(APP))
        .start()
        .await
        .unwrap();
    let config = scratch("whoami-token");
    login(&emulator, &config).await;
    let file = config.join("livechat-config").join("login.json");
    let stored: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let token = stored["access_token"].as_str().unwrap();
    let mut command = bare();
    command
        .env("LIVECHAT_TOKEN", token)
        .env("LIVECHAT_ACCOUNTS_URL", emulator.accounts_url());
    let whoami = run(command, &["whoami"]).await;
    assert_eq!(whoami.code, 0, "{}", whoami.stderr);
    assert!(
        whoami.stdout.contains("LIVECHAT_TOKEN"),
        "{}",
        whoami.stdout
    );

    let none = run(bare(), &["whoami"]).await;
    assert_eq!(none.code, 1);
    assert!(none.stderr.contains("no credentials"), "{}", none.stderr);

    // A login file that is not one is refused without quoting it.
    std::fs::write(&file, "{\"refresh_token\": \"secret-value\", oops").unwrap();
    let broken = run(logged_in(&emulator, &config), &["whoami"]).await;
    assert_eq!(broken.code, 1);
    assert!(
        broken.stderr.contains("not a login file"),
        "{}",
        broken.stderr
    );
    assert!(!broken.stderr.contains("secret-value"));
}

#[tokio::test]
async fn scopes_lists_what_plan_and_apply_of_a_file_need() {
    let dir = scratch("scopes");
    let file = write(
        &dir,
        "license.toml",
        r#"groups = [{ name = "Support" }]
tags = [{ name = "vip", groups = ["Support"] }]
"#,
    );
    let out = run(bare(), &["scopes", &file]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line = |prefix: &str| -> Vec<String> {
        out.stdout
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap()
            .trim()
            .split(',')
            .map(str::to_string)
            .collect()
    };
    let plan = line("plan:");
    let apply = line("apply:");
    assert!(plan.contains(&"groups--all:ro".into()) && plan.contains(&"tags--all:ro".into()));
    assert!(!plan
        .iter()
        .any(|s| s.ends_with(":rw") && s.starts_with("groups")));
    assert!(apply.contains(&"groups--all:rw".into()) && apply.contains(&"tags--all:rw".into()));
    assert!(!apply.contains(&"groups--all:ro".into()), "rw includes ro");
    assert!(
        !apply.iter().any(|s| s.starts_with("agents--all:rw")),
        "no agent section"
    );
    assert!(out.stdout.contains("create_tag"), "{}", out.stdout);

    let bad = write(&dir, "bad.toml", "groups = [{ nme = \"x\" }]\n");
    let out = run(bare(), &["scopes", &bad]).await;
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("bad.toml:1:"), "{}", out.stderr);
}
