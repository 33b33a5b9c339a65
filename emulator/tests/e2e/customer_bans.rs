use crate::{call, kind};
use livechat_config::*;
use livechat_config_emulator::Emulator;
use serde_json::json;

fn ban(ip: &str, customer_id: Option<&str>, expires_at: &str) -> CustomerBan {
    let mut ban = CustomerBan::new()
        .ip(ip)
        .agent_id("smith@example.com")
        .created_at("2025-08-07T06:51:43.000000Z")
        .expires_at(expires_at);
    ban.customer_id = customer_id.map(str::to_string);
    ban
}

async fn emulator_with_bans() -> Emulator {
    Emulator::builder()
        .seed(1)
        .customer_ban(ban("192.168.8.1", None, "2999-01-01T00:00:00.000000Z"))
        .customer_ban(ban(
            "10.42.42.1",
            Some("18405023-fdd0-4d67-b641-299e3823888c"),
            "2999-01-01T00:00:00.000000Z",
        ))
        // Expired: no longer active, so neither listed nor liftable.
        .customer_ban(ban("10.0.0.9", None, "2020-01-01T00:00:00.000000Z"))
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn active_bans_are_listed_and_lifted_by_ip_or_customer() {
    let emu = emulator_with_bans().await;
    let client = emu.client();
    let bans = client.list_customer_bans().await.unwrap();
    let ips: Vec<&str> = bans.iter().filter_map(|b| b.ip.as_deref()).collect();
    assert_eq!(ips, ["192.168.8.1", "10.42.42.1"]);
    assert_eq!(bans[0].agent_id.as_deref(), Some("smith@example.com"));

    client.unban_customer().ip("192.168.8.1").await.unwrap();
    client
        .unban_customer()
        .customer_id("18405023-fdd0-4d67-b641-299e3823888c")
        .await
        .unwrap();
    assert!(client.list_customer_bans().await.unwrap().is_empty());
    assert_eq!(
        kind(client.unban_customer().ip("192.168.8.1").await),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(client.unban_customer().ip("10.0.0.9").await),
        ErrorKind::NotFound,
        "an expired ban is not active"
    );
}

#[tokio::test]
async fn a_fresh_license_has_no_bans() {
    let emu = Emulator::builder().seed(1).start().await.unwrap();
    assert!(emu.client().list_customer_bans().await.unwrap().is_empty());
    let (status, reply) = call(&emu, "list_customer_bans", "{}").await;
    assert_eq!((status, reply), (200, json!([])));
}

#[tokio::test]
async fn unban_takes_exactly_one_of_ip_and_customer_id() {
    let emu = emulator_with_bans().await;
    for body in [
        json!({}),
        json!({"ip": "192.168.8.1", "customer_id": "18405023-fdd0-4d67-b641-299e3823888c"}),
        json!({"ip": ""}),
    ] {
        let (status, reply) = call(&emu, "unban_customer", &body.to_string()).await;
        assert_eq!(status, 400, "{body}: {reply}");
        assert_eq!(reply["error"]["type"], "validation", "{body}");
    }
    assert_eq!(emu.client().list_customer_bans().await.unwrap().len(), 2);
    // The sdk refuses the same requests before sending them.
    let err = emu.client().unban_customer().await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
}

#[tokio::test]
async fn state_files_from_before_bans_and_greetings_load_and_seeded_bans_are_kept_once() {
    // The JSON state file of an emulator from before bans and greetings.
    let dir = crate::persistence::temp_dir("bans");
    let file = dir.join("state.json");
    let emu = Emulator::builder().start().await.unwrap();
    let mut old = emu.state_json();
    emu.stop().await.unwrap();
    for key in ["customer_bans", "greetings", "next_greeting_id"] {
        assert!(old.as_object_mut().unwrap().remove(key).is_some(), "{key}");
    }
    std::fs::write(&file, old.to_string()).unwrap();

    let seeded = ban("192.168.8.1", None, "2999-01-01T00:00:00.000000Z");
    for round in 0..2 {
        let emu = Emulator::builder()
            .state_file(&file)
            .customer_ban(seeded.clone())
            .start()
            .await
            .unwrap();
        let client = emu.client();
        assert_eq!(
            client.list_customer_bans().await.unwrap(),
            vec![seeded.clone()]
        );
        // A write saves the state, bans included.
        client.create_tag(format!("saved-{round}")).await.unwrap();
        emu.stop().await.unwrap();
    }
    let emu = Emulator::builder().state_file(&file).start().await.unwrap();
    let client = emu.client();
    assert_eq!(client.list_customer_bans().await.unwrap().len(), 1);
    let greeting = client
        .create_greeting(
            GreetingType::Normal,
            true,
            "First",
            0,
            [
                GreetingRule::new(RuleCondition::And, RuleType::SearchKeyword)
                    .operator(RuleOperator::Contains)
                    .value("shoes"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(greeting.id, 1);
    client.unban_customer().ip("192.168.8.1").await.unwrap();
    emu.stop().await.unwrap();
    let emu = Emulator::builder().state_file(&file).start().await.unwrap();
    assert!(
        emu.client().list_customer_bans().await.unwrap().is_empty(),
        "the unban was saved"
    );
    emu.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}
