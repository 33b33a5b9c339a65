//! v3.5, the legacy version: its spec against its reference, what v3.6 changes since (checked
//! against the changelog's v3.6 section), and its calls through the emulator over the license
//! v3.6 sees.

use livechat_config::v3_5::{self, Action};
use livechat_config_tests::{examples, root};
use serde_json::{json, Value};

fn spec_json() -> Value {
    let text = std::fs::read_to_string(root().join("spec/configuration-v3.5.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn actions() -> Vec<Value> {
    spec_json()["actions"].as_array().unwrap().clone()
}

fn decode_request(name: &str, body: &[u8]) -> Result<(), String> {
    let action = Action::from_name(name).ok_or_else(|| format!("no action `{name}`"))?;
    action
        .decode_request(body)
        .map(drop)
        .map_err(|e| e.to_string())
}

fn decode_response(name: &str, body: &[u8]) -> Result<(), String> {
    let action = Action::from_name(name).ok_or_else(|| format!("no action `{name}`"))?;
    let typed = action.decode_response(body).map_err(|e| e.to_string())?;
    assert_eq!(typed.action(), action);
    Ok(())
}

#[test]
fn v3_5_reads_as_the_legacy_version_with_54_actions_and_9_batch_endpoints() {
    let spec = spec_json();
    assert_eq!(spec["version"], "3.5");
    assert_eq!(spec["path"], "/v3.5/configuration/action/{action}");
    assert!(spec["description"].as_str().unwrap().contains("legacy"));
    assert_eq!(v3_5::ACTION_PATH, "/v3.5/configuration/action/");
    let plain = Action::ALL.iter().filter(|a| !a.is_batch()).count();
    let batch: Vec<&str> = Action::ALL
        .iter()
        .filter(|a| a.is_batch())
        .map(|a| a.name())
        .collect();
    assert_eq!(plain, 54);
    assert_eq!(
        batch,
        [
            "batch_create_agents",
            "batch_update_agents",
            "batch_delete_agents",
            "batch_suspend_agents",
            "batch_unsuspend_agents",
            "batch_approve_agents",
            "batch_create_bots",
            "batch_delete_bots",
            "batch_update_bots",
        ]
    );
}

/// The reference's example answers (its `payloads/v3.5/` files, named after their action) are
/// the spec's examples, and each decodes as its action's answer.
#[test]
fn every_v3_5_example_response_decodes() {
    let dir = root().join("tests/reference/v3.5");
    let compared = examples::check_payloads(&dir, &actions(), &decode_response);
    assert_eq!(compared, 25);
    let decoded = examples::check_responses(&actions(), &decode_response);
    assert!(decoded >= compared, "{decoded}");
}

#[test]
fn every_example_request_decodes_and_published_mismatches_are_rejected() {
    let (decoded, refused) =
        examples::check_requests(&actions(), &["register_property"], &decode_request);
    assert_eq!(decoded, 54);
    // Five bot-template examples without owner_client_id, and Update Agent's day-keyed scheduler.
    assert_eq!(refused, 6);
}

/// The lines of the changelog's v3.6 section: what v3.6 changed since v3.5.
fn changelog_v3_6() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("tests/reference/changelog.mdx")).unwrap();
    text.lines()
        .skip_while(|l| !l.starts_with("## [v3.6]"))
        .skip(1)
        .take_while(|l| !l.starts_with("## ["))
        .filter(|l| l.trim_start().starts_with("- "))
        .map(str::to_string)
        .collect()
}

/// Each item of the changelog's v3.6 section is in `cargo xtask diff 3.5 3.6` (or says what a
/// spec cannot: a header, a rule in prose), and the diff says nothing the changelog does not,
/// but for the types the new methods bring and the one rename the changelog leaves out.
#[test]
fn the_diff_to_v3_6_is_the_changelog_s_v3_6_section() {
    let diff = xtask::diff::diff(&root(), "3.5", "3.6").unwrap();
    let lines: Vec<&str> = diff
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("## "))
        .collect();
    // A changelog item (a phrase of it) and the diff lines it accounts for.
    let items: [(&str, &[&str]); 19] = [
        (
            "The `avatar` property in [**Create Agent**]",
            &["~ create_agent", "- CreateAgentRequest.avatar"],
        ),
        (
            "The `name` and `avatar` properties in [**Update Agent**]",
            &[
                "~ update_agent",
                "- UpdateAgentRequest.name",
                "- UpdateAgentRequest.avatar",
            ],
        ),
        // A header, not a body field: v3.5's description says so.
        ("The `X-Author-Id` mechanism", &[]),
        (
            "Bots have a new `type` property.",
            &[
                "~ create_bot",
                "+ CreateBotRequest.type: string, optional, default \"chatbot\"",
                "~ update_bot",
                "+ UpdateBotRequest.type: string, optional",
                "+ Bot.type: string, optional",
            ],
        ),
        ("The customer bans management methods", &[]),
        ("[**List Customer Bans**]", &["+ list_customer_bans"]),
        ("[**Unban Customer**]", &["+ unban_customer"]),
        ("There are new methods:", &[]),
        ("[**Create Greeting**]", &["+ create_greeting"]),
        ("[**Update Greeting**]", &["+ update_greeting"]),
        ("[**Delete Greeting**]", &["+ delete_greeting"]),
        // The changelog titles Get Greeting "List Greeting" too; its link is #get-greeting.
        (
            "[**List Greeting**](/management/configuration-api/#list-greeting)",
            &["+ list_greetings"],
        ),
        // A rule stated in prose; v3.5's description of the parameter states it.
        (
            "The \"At least one agent must have the `normal` priority\"",
            &[],
        ),
        (
            "a new `requester` property",
            &[
                "~ WebhookEnvelope",
                "+ WebhookEnvelope.requester: WebhookRequester, optional",
                "+ WebhookRequester (object)",
            ],
        ),
        ("There are new webhooks:", &["~ WebhookAction"]),
        (
            "[**event_deleted**]",
            &["WebhookAction: + event_deleted", "+ event_deleted"],
        ),
        (
            "[**thread_summary_set**]",
            &[
                "WebhookAction: + thread_summary_set",
                "+ thread_summary_set",
                "+ ThreadSummary (object)",
            ],
        ),
        (
            "The **incoming_customer** webhook was removed.",
            &["WebhookAction: - incoming_customer", "- incoming_customer"],
        ),
        ("[**Reactivate Email**]", &["+ reactivate_email"]),
    ];
    let changelog = changelog_v3_6();
    let mut explained: Vec<&str> = Vec::new();
    for (phrase, accounted) in items {
        assert!(
            changelog.iter().any(|l| l.contains(phrase)),
            "the changelog has no item `{phrase}`"
        );
        for line in accounted {
            assert!(
                lines.contains(line),
                "`{line}` ({phrase}) is not in:\n{diff}"
            );
            explained.push(line);
        }
    }
    for (phrase, line) in [
        ("[**Update Company Details**]", "+ update_company_details"),
        (
            "(/management/configuration-api/#get-greeting)",
            "+ get_greeting",
        ),
    ] {
        assert!(changelog.iter().any(|l| l.contains(phrase)), "{phrase}");
        assert!(lines.contains(&line), "{line}");
        explained.push(line);
    }
    // Every changelog item is one of the above.
    for item in &changelog {
        let known = items.iter().any(|(p, _)| item.contains(p))
            || item.contains("Update Company Details")
            || item.contains("#get-greeting");
        assert!(known, "changelog item not checked: {item}");
    }
    // What the diff says beyond the changelog: the types the new methods bring, and v3.5's
    // bots naming the avatar `avatar` where v3.6 says `avatar_path` (the spec's notes).
    let brought = [
        "+ CustomerBan (object)",
        "+ GreetingType (enum: normal, announcement)",
        "+ RuleUrl (object)",
        "+ GreetingRule (object)",
        "+ RichMessageImage (object)",
        "+ RichMessageButton (object)",
        "+ RichMessageElement (object)",
        "+ RichMessage (object)",
        "+ Greeting (object)",
        "~ Bot",
        "~ BotTemplate",
        "+ Bot.avatar_path: string, optional",
        "- Bot.avatar",
        "+ BotTemplate.avatar_path: string, optional",
        "- BotTemplate.avatar",
    ];
    let enums_of_greetings = [
        "+ RuleCondition (enum:",
        "+ RuleType (enum:",
        "+ RuleOperator (enum:",
        "+ RichMessageTemplate (enum:",
        "+ ButtonType (enum:",
        "+ ButtonRole (enum:",
    ];
    // Where the two webhooks references' samples differ (the spec's notes): v3.5's queue has
    // `queued_at_us`, its rich message postback only `id` and `toggled`.
    let samples = [
        "~ Queue",
        "- Queue.queued_at_us",
        "~ RichMessagePostback",
        "+ RichMessagePostback.button_type: ButtonType, optional",
        "+ RichMessagePostback.button_value: string, optional",
        "+ RichMessagePostback.ecommerce: PostbackEcommerce, optional",
    ];
    let unexplained: Vec<&&str> = lines
        .iter()
        .filter(|l| {
            !explained.contains(l)
                && !brought.contains(l)
                && !samples.contains(l)
                && !enums_of_greetings.iter().any(|p| l.starts_with(p))
        })
        .collect();
    assert!(unexplained.is_empty(), "{unexplained:#?}\n{diff}");
    let notes = spec_json()["types"].to_string();
    assert!(notes.contains("avatar_path"), "the rename is recorded");
}

mod e2e {
    use livechat_config::versions::Version;
    use livechat_config_emulator::Emulator;
    use serde_json::{json, Value};

    /// A call of `action` in `version`, as the status and body the emulator answered.
    async fn call(emu: &Emulator, version: &str, action: &str, body: Value) -> (u16, Value) {
        let action = Version::from_name(version).unwrap().action(action).unwrap();
        match emu.client().call_action(action, body).await {
            Ok(answer) => (200, answer),
            Err(e) => (
                e.status().unwrap_or(0),
                json!({"error": {"type": e.api_kind().map(|k| k.as_str().to_string())}}),
            ),
        }
    }

    #[tokio::test]
    async fn an_agent_s_avatar_and_name_set_through_v3_5_are_the_license_s() {
        let emu = Emulator::start().await.unwrap();
        let body =
            json!({"id": "old@example.com", "name": "Old", "avatar": "https://example.com/a.png"});
        let (status, created) = call(&emu, "3.5", "create_agent", body).await;
        assert_eq!(status, 200, "{created}");
        assert_eq!(created, json!({"id": "old@example.com"}));
        let (_, seen) = call(&emu, "3.6", "get_agent", json!({"id": "old@example.com"})).await;
        assert_eq!(seen["avatar"], "https://example.com/a.png", "{seen}");

        let renamed = json!({"id": "old@example.com", "name": "Renamed", "job_title": "Support"});
        let (status, reply) = call(&emu, "3.5", "update_agent", renamed).await;
        assert_eq!(status, 200, "{reply}");
        let (_, seen) = call(
            &emu,
            "3.5",
            "get_agent",
            json!({"id": "old@example.com", "fields": ["job_title"]}),
        )
        .await;
        assert_eq!(
            (&seen["name"], &seen["job_title"]),
            (&json!("Renamed"), &json!("Support"))
        );

        // A blank name is refused and changes nothing, the job title included.
        let blank = json!({"id": "old@example.com", "name": " ", "job_title": "Other"});
        let (status, reply) = call(&emu, "3.5", "update_agent", blank).await;
        assert_eq!(
            (status, &reply["error"]["type"]),
            (400, &json!("validation"))
        );
        let (_, seen) = call(
            &emu,
            "3.6",
            "get_agent",
            json!({"id": "old@example.com", "fields": ["job_title"]}),
        )
        .await;
        assert_eq!(
            (&seen["name"], &seen["job_title"]),
            (&json!("Renamed"), &json!("Support"))
        );

        // v3.6 has no such field: a name sent to it is not a field of its request, and the
        // agent keeps its name.
        let (status, _) = call(
            &emu,
            "3.6",
            "update_agent",
            json!({"id": "old@example.com", "name": "X"}),
        )
        .await;
        assert_eq!(status, 200);
        let (_, seen) = call(&emu, "3.6", "get_agent", json!({"id": "old@example.com"})).await;
        assert_eq!(seen["name"], "Renamed");
    }

    #[tokio::test]
    async fn a_bot_s_avatar_path_is_v3_5_s_avatar() {
        let emu = Emulator::start().await.unwrap();
        let body = json!({"name": "Helper", "avatar": "https://example.com/b.png", "owner_client_id": livechat_config_emulator::DEFAULT_CLIENT_ID});
        let (status, created) = call(&emu, "3.5", "create_bot", body).await;
        assert_eq!(status, 200, "{created}");
        let id = created["id"].as_str().unwrap();
        let (_, old) = call(&emu, "3.5", "get_bot", json!({"id": id})).await;
        let (_, new) = call(&emu, "3.6", "get_bot", json!({"id": id})).await;
        assert_eq!(old["avatar"], new["avatar_path"], "{old} {new}");
        assert!(
            old["avatar"].is_string() && old.get("avatar_path").is_none(),
            "{old}"
        );
        assert!(old.get("type").is_none(), "v3.5 bots have no type: {old}");
    }

    #[tokio::test]
    async fn incoming_customer_webhooks_are_v3_5_s_with_its_filters() {
        let emu = Emulator::start().await.unwrap();
        let owner = livechat_config_emulator::DEFAULT_CLIENT_ID;
        let base = json!({"url": "https://example.com/hook", "secret_key": "k", "type": "license", "owner_client_id": owner, "action": "incoming_customer"});
        let mut filtered = base.clone();
        filtered["filters"] = json!({"source_type": ["my_client"]});
        let (status, reply) = call(&emu, "3.5", "register_webhook", filtered).await;
        assert_eq!(status, 200, "{reply}");
        let mut present = base.clone();
        present["filters"] = json!({"chat_presence": {"my_bots": true}});
        let (status, reply) = call(&emu, "3.5", "register_webhook", present).await;
        assert_eq!(
            (status, &reply["error"]["type"]),
            (400, &json!("validation")),
            "{reply}"
        );
        let mut data = base.clone();
        data["additional_data"] = json!(["chat_properties"]);
        let (status, _) = call(&emu, "3.5", "register_webhook", data).await;
        assert_eq!(status, 400);
        // v3.6 does not have the action.
        let (status, _) = call(&emu, "3.6", "register_webhook", base).await;
        assert_eq!(status, 400);
        let (_, listed) = call(
            &emu,
            "3.5",
            "list_webhooks",
            json!({"owner_client_id": owner}),
        )
        .await;
        assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
        assert_eq!(listed[0]["action"], "incoming_customer");
    }

    #[tokio::test]
    async fn webhook_names_are_those_of_the_version_asked_for() {
        let emu = Emulator::start().await.unwrap();
        for (asked, through) in [
            (Some("3.5"), "3.6"),
            (Some("3.5"), "3.5"),
            (None, "3.5"),
            (None, "3.6"),
            (Some("3.7"), "3.5"),
        ] {
            let body = asked.map_or(json!({}), |v| json!({"version": v}));
            let (status, names) = call(&emu, through, "list_webhook_names", body).await;
            assert_eq!(status, 200, "{names}");
            // Without a version, the call's own (the reference's "current stable version", as
            // each version's page says it: see the v3.5 spec's notes).
            let version = Version::from_name(asked.unwrap_or(through)).unwrap();
            let listed: Vec<&str> = names
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["action"].as_str().unwrap())
                .collect();
            let expected: Vec<&str> = version.webhook_actions().iter().map(|(a, _)| *a).collect();
            assert_eq!(listed, expected, "{asked:?} through v{through}");
        }
        let v3_5: Vec<&str> = Version::from_name("3.5")
            .unwrap()
            .webhook_actions()
            .iter()
            .map(|(a, _)| *a)
            .collect();
        assert!(v3_5.contains(&"incoming_customer") && !v3_5.contains(&"event_deleted"));
    }
}

#[test]
fn the_webhooks_reference_differences_are_recorded() {
    let spec = spec_json();
    let notes = spec["webhooks"]["notes"].to_string();
    assert!(notes.contains("requester"), "{notes}");
    assert!(notes.contains("create_group"), "{notes}");
    let envelope = spec["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "WebhookEnvelope")
        .unwrap()
        .clone();
    assert!(!envelope.to_string().contains("requester"));
    assert_eq!(
        json!(v3_5::WebhookAction::IncomingCustomer.as_str()),
        "incoming_customer"
    );
}
