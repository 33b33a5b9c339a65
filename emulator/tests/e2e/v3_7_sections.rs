//! v3.7's allowed domains, bans and translations through the sdk's `v3_7::Client`, over the same
//! license state as v3.6.

use crate::{emulator, kind, post, preview};
use livechat_config::v3_7::{self, UpdateTranslationsRequest};
use livechat_config::*;
use livechat_config_emulator::{Emulator, Token, DEFAULT_TOKEN, OWNER_ID};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;

#[tokio::test]
async fn allowed_domains_are_added_listed_and_deleted_without_case_or_trailing_dot() {
    let emu = emulator().await;
    let client = preview(&emu);
    assert!(client
        .list_allowed_domains()
        .await
        .unwrap()
        .domains
        .is_empty());
    client
        .add_allowed_domain("Shop.Example.com.")
        .await
        .unwrap();
    client.add_allowed_domain("example.com").await.unwrap();
    let listed = client.list_allowed_domains().await.unwrap();
    assert_eq!(listed.domains, ["example.com", "shop.example.com"]);

    assert_eq!(
        kind(client.add_allowed_domain("EXAMPLE.com").await),
        ErrorKind::AlreadyExists
    );
    for not_a_domain in [
        "exa mple.com",
        "-example.com",
        "example..com",
        "http://example.com",
    ] {
        assert_eq!(
            kind(client.add_allowed_domain(not_a_domain).await),
            ErrorKind::Validation,
            "{not_a_domain}"
        );
    }
    // Over the 255-character limit: refused before it is sent.
    let long = format!("{}.com", "a".repeat(252));
    let err = client.add_allowed_domain(long).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err}");

    client.delete_allowed_domain("EXAMPLE.COM").await.unwrap();
    assert_eq!(
        client.list_allowed_domains().await.unwrap().domains,
        ["shop.example.com"]
    );
    assert_eq!(
        kind(client.delete_allowed_domain("example.com").await),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn a_ban_lasts_its_seconds_replaces_an_earlier_one_and_is_seen_by_both_versions() {
    let emu = emulator().await;
    let client = preview(&emu);
    let customer = "b7eff798-f8df-4364-8059-649c35c9ed0c";
    client
        .ban_customer(Duration::from_secs(3600))
        .ip("192.168.1.1")
        .customer_id(customer)
        .await
        .unwrap();
    client
        .ban_customer(Duration::from_secs(60))
        .customer_id("c-2")
        .await
        .unwrap();
    let bans = emu.client().list_customer_bans().await.unwrap();
    assert_eq!(bans.len(), 2);
    let first = &bans[0];
    assert_eq!(first.ip.as_deref(), Some("192.168.1.1"));
    assert_eq!(first.customer_id.as_deref(), Some(customer));
    assert_eq!(first.agent_id.as_deref(), Some(OWNER_ID));
    let (created, expires) = (
        first.created_at.clone().unwrap(),
        first.expires_at.clone().unwrap(),
    );
    // An hour later, in the same fixed-width format: the hour field moved by one.
    assert!(expires > created, "{created} → {expires}");
    assert_eq!(created.len(), expires.len());

    // Banning the same pair again replaces its ban instead of adding one.
    client
        .ban_customer(Duration::from_secs(7200))
        .ip("192.168.1.1")
        .customer_id(customer)
        .await
        .unwrap();
    let bans = client.list_customer_bans().await.unwrap();
    assert_eq!(bans.len(), 2);
    let renewed = bans.iter().find(|b| b.ip.is_some()).unwrap();
    assert!(renewed.expires_at.clone().unwrap() > expires);

    // Lifted through v3.7, gone for v3.6 too.
    client.unban_customer().customer_id("c-2").await.unwrap();
    assert_eq!(emu.client().list_customer_bans().await.unwrap().len(), 1);

    // A ban of no one or of no time is refused before it is sent; one past the year 9999 by
    // the emulator.
    let err = client
        .ban_customer(Duration::from_secs(3600))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err}");
    let err = client
        .ban_customer(Duration::from_secs(0))
        .ip("10.0.0.1")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err}");
    assert_eq!(
        kind(
            client
                .ban_customer(Duration::from_secs(u64::MAX))
                .ip("10.0.0.1")
                .await
        ),
        ErrorKind::Validation
    );
    assert_eq!(client.list_customer_bans().await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_ip_under_the_licenses_monitoring_mask_cannot_be_banned() {
    let emu = Emulator::builder()
        .seed(1)
        .organization_client_id("monitoring")
        .token(Token::bearer("dc:monitoring").client_id("monitoring"))
        .start()
        .await
        .unwrap();
    let monitoring = emu.client_with(Credentials::bearer("dc:monitoring"));
    let access = PropertyAccess::new()
        .license(LocationAccess::new().agent([AccessType::Read, AccessType::Write]));
    monitoring
        .register_property("ip_mask", "monitoring", PropertyType::String, access)
        .await
        .unwrap();
    let mask = BTreeMap::from([("ip_mask".to_string(), json!("10.1.*.*"))]);
    monitoring
        .update_license_properties([("monitoring", mask)])
        .await
        .unwrap();
    let client = preview(&emu);
    assert_eq!(
        kind(
            client
                .ban_customer(Duration::from_secs(60))
                .ip("10.1.20.30")
                .await
        ),
        ErrorKind::Validation
    );
    client
        .ban_customer(Duration::from_secs(60))
        .ip("10.2.20.30")
        .await
        .unwrap();
    let bans = client.list_customer_bans().await.unwrap();
    let ips: Vec<_> = bans.iter().filter_map(|b| b.ip.as_deref()).collect();
    assert_eq!(ips, ["10.2.20.30"]);
}

#[tokio::test]
async fn translations_merge_per_group_and_language_and_go_with_their_group() {
    let emu = emulator().await;
    let client = preview(&emu);
    let group = emu
        .client()
        .create_group("Sales", [(OWNER_ID, Priority::Normal)])
        .await
        .unwrap()
        .id;
    client
        .update_translations(
            group,
            "en",
            [("Welcome_title", "Welcome!"), ("Client", "Visitor")],
        )
        .await
        .unwrap();
    client
        .update_translations(group, "en", [("Client", "Customer")])
        .await
        .unwrap();
    client
        .update_translations(group, "pt-BR", [("Client", "Cliente")])
        .await
        .unwrap();
    let en = client.list_translations(group, "en").await.unwrap().phrases;
    assert_eq!(
        en,
        BTreeMap::from([
            ("Client".to_string(), "Customer".to_string()),
            ("Welcome_title".to_string(), "Welcome!".to_string()),
        ])
    );
    let pt = client
        .list_translations(group, "pt-BR")
        .await
        .unwrap()
        .phrases;
    assert_eq!(pt["Client"], "Cliente");
    assert!(client
        .list_translations(0, "en")
        .await
        .unwrap()
        .phrases
        .is_empty());

    assert_eq!(
        kind(
            client
                .update_translations(group, "English", [("Client", "x")])
                .await
        ),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(client.update_translations(group, "en", []).await),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(client.list_translations(999, "en").await),
        ErrorKind::GroupNotFound
    );

    emu.client().delete_group(group).await.unwrap();
    let again = emu
        .client()
        .create_group("Sales again", [(OWNER_ID, Priority::Normal)])
        .await
        .unwrap()
        .id;
    assert!(client
        .list_translations(again, "en")
        .await
        .unwrap()
        .phrases
        .is_empty());
    assert_eq!(
        kind(client.list_translations(group, "en").await),
        ErrorKind::GroupNotFound
    );
}

#[tokio::test]
async fn batch_update_translations_applies_each_item_and_answers_each_failure_in_place() {
    let emu = emulator().await;
    let client = preview(&emu);
    let results = client
        .batch_update_translations([
            UpdateTranslationsRequest::new(0, "en", [("Client", "Visitor")]),
            UpdateTranslationsRequest::new(7, "de", [("Client", "Besucher")]),
            UpdateTranslationsRequest::new(0, "de", [("Client", "Besucher")]),
        ])
        .await
        .unwrap();
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[2].is_ok(), "{results:?}");
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(err.api_kind(), Some(&ErrorKind::GroupNotFound), "{err}");
    assert_eq!(
        client.list_translations(0, "en").await.unwrap().phrases["Client"],
        "Visitor"
    );
    assert_eq!(
        client.list_translations(0, "de").await.unwrap().phrases["Client"],
        "Besucher"
    );
}

#[tokio::test]
async fn both_versions_serve_one_license_and_each_only_its_own_actions() {
    let emu = emulator().await;
    let created = preview(&emu)
        .create_agent("smith@example.com", "Agent Smith")
        .await
        .unwrap();
    assert_eq!(created.id, "smith@example.com");
    let agent = emu.client().get_agent("smith@example.com").await.unwrap();
    assert_eq!(agent.name, "Agent Smith");
    preview(&emu)
        .delete_agent("smith@example.com")
        .await
        .unwrap();
    assert_eq!(
        kind(emu.client().get_agent("smith@example.com").await),
        ErrorKind::NotFound
    );

    let names = preview(&emu)
        .list_webhook_names()
        .version("3.7")
        .await
        .unwrap();
    assert!(names
        .iter()
        .any(|n| n.action == v3_7::WebhookAction::AgentCreated));

    let auth = format!("Bearer {DEFAULT_TOKEN}");
    let (status, reply) = post(
        &emu,
        "/v3.6/configuration/action/add_allowed_domain",
        &[("authorization", &auth)],
        r#"{"domain": "example.com"}"#,
    )
    .await;
    assert_eq!(
        (status, reply["error"]["type"].as_str()),
        (404, Some("not_found"))
    );
    let (status, _) = post(
        &emu,
        "/v3.7/configuration/action/add_allowed_domain",
        &[("authorization", &auth)],
        r#"{"domain": "example.com"}"#,
    )
    .await;
    assert_eq!(status, 200);
    // Counted per action, whatever the version; a path that names no action counts for none.
    assert_eq!(emu.served(v3_7::Action::AddAllowedDomain), 1);
}

#[tokio::test]
async fn a_change_through_v3_7_delivers_its_webhook_like_one_through_v3_6() {
    let emu = emulator().await;
    // Nobody listens there: the delivery is made, journaled, and fails.
    let url = "http://127.0.0.1:9/hooks";
    preview(&emu)
        .register_webhook(
            v3_7::WebhookAction::AgentCreated,
            "s3cret",
            url,
            livechat_config_emulator::DEFAULT_CLIENT_ID,
            v3_7::WebhookType::License,
        )
        .await
        .unwrap();
    preview(&emu)
        .create_agent("preview@example.com", "Preview Agent")
        .await
        .unwrap();
    let deliveries = emu.webhook_deliveries();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].action, "agent_created");
    assert_eq!(deliveries[0].url, url);
    assert_eq!(deliveries[0].body["payload"]["id"], "preview@example.com");
    assert_eq!(deliveries[0].body["secret_key"], "****");
}
