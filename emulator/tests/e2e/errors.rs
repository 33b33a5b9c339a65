use crate::{call, emulator, kind, post};
use livechat_config::*;
use livechat_config_emulator::{
    Emulator, Faults, Token, DEFAULT_PAT, DEFAULT_PAT_ACCOUNT, FRA_TOKEN,
};
use std::time::{Duration, Instant};

#[tokio::test]
async fn bodies_are_validated_against_the_spec() {
    let emu = emulator().await;
    let cases = [
        ("create_agent", r#"{"name": "No id"}"#, "id"),
        ("create_agent", r#"{"id": 5, "name": "x"}"#, "id"),
        (
            "create_agent",
            r#"{"id": "a@b.c", "name": "x", "role": "emperor"}"#,
            "emperor",
        ),
        (
            "create_agent",
            r#"{"id": "a@b.c", "name": "x", "max_chats_count": 101}"#,
            "max_chats_count",
        ),
        (
            "update_agent",
            r#"{"id": "a@b.c", "groups": [{"id": 1, "priority": "top"}]}"#,
            "groups[0].priority",
        ),
        (
            "create_group",
            r#"{"name": "g", "agent_priorities": {"a": "sometimes"}}"#,
            "sometimes",
        ),
        (
            "check_product_limits_for_plan",
            r#"{"plan": "platinum"}"#,
            "platinum",
        ),
        ("get_group", r#"{"id": -1}"#, "id"),
        ("list_agents", r#"not json"#, ""),
    ];
    for (action, body, mentions) in cases {
        let (status, reply) = call(&emu, action, body).await;
        assert_eq!(status, 400, "{action} {body}: {reply}");
        assert_eq!(reply["error"]["type"], "validation", "{action} {body}");
        let message = reply["error"]["message"].as_str().unwrap();
        assert!(message.contains(mentions), "{action} {body}: {message}");
    }
    assert!(
        emu.client().list_agents().await.unwrap().len() == 1,
        "nothing was created"
    );
}

#[tokio::test]
async fn unknown_actions_versions_methods_and_paths() {
    let emu = emulator().await;
    let (status, reply) = call(&emu, "make_coffee", "{}").await;
    assert_eq!(
        (status, reply["error"]["type"].as_str()),
        (404, Some("not_found"))
    );
    let (status, reply) = post(&emu, "/v3.4/configuration/action/list_agents", &[], "{}").await;
    assert_eq!(
        (status, reply["error"]["type"].as_str()),
        (400, Some("unsupported_version"))
    );
    let (status, reply) = post(&emu, "/v2/configuration/action/make_coffee", &[], "{}").await;
    assert_eq!(reply["error"]["type"], "unsupported_version", "{status}");
    let (status, reply) = post(&emu, "/somewhere/else", &[], "{}").await;
    assert_eq!(
        (status, reply["error"]["type"].as_str()),
        (404, Some("not_found"))
    );
    let response = reqwest::get(format!(
        "{}/v3.6/configuration/action/list_agents",
        emu.base_url()
    ))
    .await
    .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(
        response.headers()["allow"],
        "POST",
        "RFC 9110: a 405 names the methods"
    );
}

#[tokio::test]
async fn every_405_names_the_methods_the_path_takes() {
    let emu = emulator().await;
    let http = reqwest::Client::new();
    for (method, path, allow) in [
        (reqwest::Method::DELETE, "/emulator/reset", "POST"),
        (reqwest::Method::POST, "/emulator/state", "GET, PUT"),
        (reqwest::Method::PUT, "/emulator/requests", "GET, DELETE"),
        (reqwest::Method::PUT, "/v2/token", "POST, DELETE"),
        (reqwest::Method::POST, "/v2/info", "GET"),
    ] {
        let response = http
            .request(method.clone(), format!("{}{path}", emu.base_url()))
            .bearer_auth(emu.admin_token())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 405, "{method} {path}");
        assert_eq!(response.headers()["allow"], allow, "{method} {path}");
    }
}

#[test]
fn a_token_s_debug_masks_it() {
    let shown = format!(
        "{:?} {:?}",
        livechat_config_emulator::Token::bearer("dal:very-secret-token"),
        livechat_config_emulator::Token::pat("account", "very-secret-pat")
    );
    assert!(!shown.contains("very-secret"), "{shown}");
    assert!(shown.contains("****"), "{shown}");
}

#[tokio::test]
async fn authentication_is_checked_before_anything_else() {
    let emu = emulator().await;
    let stranger = emu.client_with(Credentials::bearer("dal:who-are-you"));
    let err = stranger.list_agents().await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(
        (api.kind.clone(), api.status),
        (ErrorKind::Authentication, Some(401))
    );
    let wrong_pat = emu.client_with(Credentials::pat("account", "wrong"));
    assert_eq!(
        kind(wrong_pat.list_agents().await),
        ErrorKind::Authentication
    );
    let (status, reply) = post(&emu, "/v3.6/configuration/action/list_agents", &[], "{}").await;
    assert_eq!(
        (status, reply["error"]["type"].as_str()),
        (401, Some("authentication"))
    );
    let (status, _) = post(
        &emu,
        "/v3.6/configuration/action/list_agents",
        &[("authorization", "Basic !!!")],
        "{}",
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn scopes_any_of_the_listed_ones_will_do() {
    let reader = Token::bearer("dal:reader").scopes(["agents--all:ro", "groups--my:ro"]);
    let emu = Emulator::builder()
        .token(reader.clone())
        .start()
        .await
        .unwrap();
    let client = emu.client_with(reader.credentials());
    client.list_agents().await.unwrap();
    client.get_group(0).await.unwrap();
    let err = client.create_group("x", []).await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(
        (api.kind.clone(), api.status),
        (ErrorKind::Authorization, Some(403))
    );
    assert!(api.message.contains("groups--all:rw"), "{}", api.message);
    assert_eq!(kind(client.list_tags().await), ErrorKind::Authorization);
    assert_eq!(
        emu.client().list_groups().await.unwrap().len(),
        1,
        "nothing was created"
    );
}

#[tokio::test]
async fn fra_tokens_need_the_region_header() {
    let emu = emulator().await;
    // The sdk names the token's region itself.
    let fra = emu.client_with(Credentials::bearer(FRA_TOKEN));
    fra.list_agents().await.unwrap();
    let fra_token = format!("Bearer {FRA_TOKEN}");
    let (status, reply) = post(
        &emu,
        "/v3.6/configuration/action/list_agents",
        &[("authorization", &fra_token)],
        "{}",
    )
    .await;
    assert_eq!(status, 421);
    assert_eq!(reply["error"]["type"], "misdirected_request");
    assert_eq!(reply["error"]["data"]["region"], "fra");

    let auth = format!("Bearer {FRA_TOKEN}");
    let path = "/v3.6/configuration/action/list_groups";
    let (status, reply) = post(
        &emu,
        path,
        &[("authorization", &auth), ("x-region", "fra")],
        "{}",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(reply[0]["name"], "General");
    let (status, reply) = post(
        &emu,
        path,
        &[
            ("authorization", "Bearer dal:emulator-token"),
            ("x-region", "fra"),
        ],
        "{}",
    )
    .await;
    assert_eq!(
        (status, reply["error"]["data"]["region"].as_str()),
        (421, Some("dal"))
    );
}

#[tokio::test]
async fn a_token_of_a_hyphenated_data_center_is_served_there() {
    let emu = Emulator::builder()
        .token(Token::bearer("fra-a:hyphenated-token"))
        .start()
        .await
        .unwrap();
    // The sdk names `fra-a` from the token's prefix; without the header the emulator says where
    // the account is, and a client that starts elsewhere follows it there.
    emu.client_with(Credentials::bearer("fra-a:hyphenated-token"))
        .list_groups()
        .await
        .unwrap();
    let (status, reply) = post(
        &emu,
        "/v3.6/configuration/action/list_groups",
        &[("authorization", "Bearer fra-a:hyphenated-token")],
        "{}",
    )
    .await;
    assert_eq!(status, 421);
    assert_eq!(reply["error"]["data"]["region"], "fra-a");
    let elsewhere = emu.client_with(
        Credentials::bearer("fra-a:hyphenated-token").with_region(livechat_config::Region::Fra),
    );
    elsewhere.list_groups().await.unwrap();
    assert_eq!(elsewhere.region(), livechat_config::Region::from("fra-a"));
}

#[tokio::test]
async fn an_emulator_in_fra_serves_fra_tokens_without_the_header() {
    let emu = Emulator::builder().region("fra").start().await.unwrap();
    emu.client_with(Credentials::bearer(FRA_TOKEN))
        .list_groups()
        .await
        .unwrap();
    let dal = emu.client().list_groups().await.unwrap_err();
    assert_eq!(dal.api().unwrap().region(), Some("dal"));
    let pat = emu.client_with(Credentials::pat(DEFAULT_PAT_ACCOUNT, DEFAULT_PAT));
    pat.list_groups().await.unwrap();
}

#[tokio::test]
async fn fault_shares_are_seeded_and_counted() {
    let start = || {
        Emulator::builder()
            .seed(42)
            .rate_limited_share(0.25)
            .server_error_share(0.25)
            .start()
    };
    let outcomes = |emu: Emulator| async move {
        // Retries would hide the faults being counted.
        let client = Client::builder(Credentials::bearer("dal:emulator-token"))
            .base_url(emu.base_url())
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let mut seen = Vec::new();
        for _ in 0..40 {
            seen.push(match client.list_channels().await {
                Ok(_) => 200,
                Err(e) => match e.api() {
                    Some(api) => api.status.unwrap_or(0),
                    None => panic!("{e}"),
                },
            });
        }
        assert_eq!(emu.served(Action::ListChannels), 40);
        seen
    };
    let first = outcomes(start().await.unwrap()).await;
    let second = outcomes(start().await.unwrap()).await;
    assert_eq!(first, second, "the same seed gives the same faults");
    let count = |code| first.iter().filter(|s| **s == code).count();
    assert!(
        count(429) >= 3 && count(503) >= 3 && count(200) >= 10,
        "{first:?}"
    );
    assert_eq!(count(429) + count(503) + count(200), 40);

    let emu = start().await.unwrap();
    emu.set_faults(Faults::default());
    for _ in 0..10 {
        emu.client().list_channels().await.unwrap();
    }
}

#[tokio::test]
async fn latency_is_added() {
    let emu = Emulator::builder()
        .latency(Duration::from_millis(150))
        .start()
        .await
        .unwrap();
    let started = Instant::now();
    emu.client().get_product_source().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn every_action_is_served_and_answers_what_the_sdk_decodes() {
    let emu = emulator().await;
    for action in Action::ALL {
        let (status, reply) = call(&emu, action.name(), "{}").await;
        assert!(
            status == 200 || status == 400 || status == 404,
            "{action}: {status} {reply}"
        );
        if status != 200 {
            assert!(reply["error"]["type"].is_string(), "{action}: {reply}");
        } else {
            let bytes = serde_json::to_vec(&reply).unwrap();
            action.decode_response(&bytes).unwrap();
        }
        assert_eq!(emu.served(action), 1, "{action}");
    }
    assert_eq!(emu.served_total(), 72);
}

#[tokio::test]
async fn junk_bodies_are_validation_errors_for_every_action() {
    let emu = emulator().await;
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let junk = [
        "[]",
        "null",
        "\"text\"",
        "{\"requests\": null}",
        "{",
        "\u{0}",
        deep.as_str(),
    ];
    for action in Action::ALL {
        for body in junk {
            let (status, reply) = call(&emu, action.name(), body).await;
            if action == Action::ListWebhookNames || status == 200 {
                continue;
            }
            assert_eq!(status, 400, "{action} {body:?}: {reply}");
            assert_eq!(reply["error"]["type"], "validation", "{action} {body:?}");
        }
    }
    assert_eq!(
        emu.client().list_groups().await.unwrap().len(),
        1,
        "still serving"
    );
}
