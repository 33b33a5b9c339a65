//! The spec says what the reference says, and the generated metadata agrees with it.

use livechat_config::{Action, AnyRequest, AnyResponse, ErrorKind, Role};
use livechat_config_tests::{examples, spec_json};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

fn actions() -> Vec<Value> {
    spec_json()["actions"].as_array().unwrap().clone()
}

fn action(name: &str) -> Value {
    actions().into_iter().find(|a| a["name"] == name).unwrap()
}

fn param(action_name: &str, param: &str) -> Value {
    action(action_name)["params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == param)
        .unwrap_or_else(|| panic!("`{action_name}` has no parameter `{param}`"))
        .clone()
}

fn named_type(name: &str) -> Value {
    spec_json()["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no type `{name}`"))
        .clone()
}

fn field(type_name: &str, field: &str) -> Value {
    named_type(type_name)["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == field)
        .unwrap_or_else(|| panic!("`{type_name}` has no field `{field}`"))
        .clone()
}

fn enum_values(type_name: &str) -> Vec<String> {
    named_type(type_name)["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn all_63_actions_in_their_10_sections() {
    let mut per_section: BTreeMap<String, usize> = BTreeMap::new();
    for a in actions() {
        *per_section
            .entry(a["section"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let expected: BTreeMap<String, usize> = [
        ("agents", 9),
        ("auto_access", 4),
        ("bots", 12),
        ("customer_bans", 2),
        ("greetings", 5),
        ("groups", 5),
        ("properties", 10),
        ("tags", 4),
        ("webhooks", 7),
        ("other", 5),
    ]
    .into_iter()
    .map(|(s, n)| (s.to_string(), n))
    .collect();
    assert_eq!(per_section, expected);
    assert_eq!(actions().len(), 63);
    let batch_endpoints = actions().iter().filter(|a| a["batch"] == true).count();
    assert_eq!(batch_endpoints, 9);
}

#[test]
fn batch_endpoints_are_exactly_the_reference_table() {
    let batch: BTreeSet<&str> = Action::ALL
        .iter()
        .filter(|a| a.is_batch())
        .map(|a| a.name())
        .collect();
    assert_eq!(
        batch,
        BTreeSet::from([
            "batch_create_agents",
            "batch_update_agents",
            "batch_delete_agents",
            "batch_suspend_agents",
            "batch_unsuspend_agents",
            "batch_approve_agents",
            "batch_create_bots",
            "batch_update_bots",
            "batch_delete_bots"
        ])
    );
    assert_eq!(Action::ALL.len(), 72);
    // Its own row says "Yes", the table does not list it: the table wins, and the spec says so.
    let unsuspension = action("request_agent_unsuspension");
    assert_eq!(unsuspension["batch"], false);
    assert!(unsuspension["notes"].to_string().contains("table"));
    assert_eq!(Action::RequestAgentUnsuspension.batch_action(), None);
    for a in Action::ALL.iter().filter(|a| a.is_batch()) {
        let single = a.single_action().unwrap();
        assert_eq!(single.batch_action(), Some(*a));
        assert_eq!(a.scopes(), single.scopes(), "same scopes as `{single}`");
    }
}

#[test]
fn action_metadata_matches_the_spec() {
    for a in actions() {
        let name = a["name"].as_str().unwrap();
        let action = Action::from_name(name).unwrap();
        assert_eq!(action.name(), name);
        assert_eq!(action.title(), a["title"]);
        assert_eq!(action.section(), a["section"]);
        let scopes: Vec<&str> = a["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert_eq!(action.scopes(), scopes.as_slice(), "scopes of `{name}`");
    }
    assert_eq!(Action::from_name("create_agents"), None);
    assert_eq!(
        Action::CreateAgent.scopes(),
        [
            "accounts--all:rc",
            "accounts--all:rw",
            "subscription.lc:rw",
            "accounts.roles.lc--all:rw"
        ]
    );
    assert_eq!(Action::IssueBotToken.scopes(), [] as [&str; 0]);
    assert!(
        action("create_agent")["scope_notes"]["accounts.roles.lc--all:rw"]
            .as_str()
            .unwrap()
            .contains("role higher than normal")
    );
}

#[test]
fn the_13_documented_error_types() {
    let kinds: Vec<&str> = ErrorKind::KNOWN.iter().map(ErrorKind::as_str).collect();
    assert_eq!(
        kinds,
        [
            "authentication",
            "authorization",
            "already_exists",
            "group_not_found",
            "internal",
            "license_expired",
            "limit_reached",
            "misdirected_request",
            "not_found",
            "too_many_requests",
            "ownership_transfer",
            "unsupported_version",
            "validation"
        ]
    );
    assert_eq!(
        ErrorKind::MisdirectedRequest.default_message(),
        Some("Wrong region")
    );
}

#[test]
fn limits_defaults_and_enums_from_the_tables() {
    assert_eq!(
        param("create_agent", "max_chats_count")["limits"]["max"],
        20.0
    );
    assert_eq!(param("create_agent", "max_chats_count")["default"], 6);
    assert_eq!(
        param("update_agent", "max_chats_count")["limits"]["max"],
        20.0
    );
    for bot_action in [
        "create_bot",
        "update_bot",
        "create_bot_template",
        "update_bot_template",
    ] {
        assert_eq!(param(bot_action, "max_chats_count")["limits"]["max"], 500.0);
    }
    assert_eq!(param("create_group", "name")["limits"]["max_length"], 180);
    assert_eq!(param("create_agent", "role")["default"], "normal");
    assert_eq!(
        enum_values("Priority"),
        ["first", "normal", "last", "supervisor"]
    );
    assert_eq!(enum_values("Notification").len(), 14);
    assert_eq!(enum_values("WebhookAction").len(), 38);
    assert_eq!(
        enum_values("Plan"),
        ["starter", "team", "enterprise", "enterpriseplus"]
    );
    assert_eq!(
        enum_values("PropertyType"),
        ["int", "bool", "string", "tokenized_string"]
    );
}

#[test]
fn nested_fields_are_described_fully() {
    // create_agent's work_scheduler.schedule[].day
    assert_eq!(
        param("create_agent", "work_scheduler")["type"],
        "WorkScheduler"
    );
    assert_eq!(
        field("WorkScheduler", "schedule")["type"],
        "ScheduleEntry[]"
    );
    assert_eq!(field("ScheduleEntry", "day")["type"], "Day");
    assert_eq!(
        enum_values("Day"),
        [
            "sunday",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday"
        ]
    );
    assert_eq!(
        field("WorkScheduler", "timezone")["required_when"]
            .as_str()
            .map(|s| s.contains("schedule")),
        Some(true)
    );
    assert_eq!(
        param("create_group", "agent_priorities")["type"],
        "map<Priority>"
    );
}

#[test]
fn situational_requirements_are_recorded() {
    for (action_name, param_name) in [
        ("create_bot", "owner_client_id"),
        ("reset_bot_secret", "owner_client_id"),
        ("enable_license_webhooks", "owner_client_id"),
        ("disable_license_webhooks", "owner_client_id"),
        ("get_license_webhooks_state", "owner_client_id"),
    ] {
        let p = param(action_name, param_name);
        assert_eq!(p["required"], true);
        assert!(
            p["required_when"].as_str().unwrap().contains("PAT"),
            "{action_name}.{param_name}"
        );
    }
    // Conditional parameters are optional in Rust: the constructor does not ask for them.
    let bot = livechat_config::CreateBotRequest::new("Bot");
    assert_eq!(bot.owner_client_id, None);
}

#[test]
fn every_example_request_decodes_and_published_mismatches_are_rejected() {
    // `register_property`'s published example breaks a rule between `default_value` and `access`
    // that the schema cannot express (see the action's notes); it is not decode-checked.
    let (decoded, refused) =
        examples::check_requests(&actions(), &["register_property"], &decode_request);
    assert_eq!(decoded, 63);
    // Five bot-template examples without owner_client_id, Update Agent's day-keyed scheduler, and
    // the greeting examples' "text" template.
    assert_eq!(refused, 8, "the reference's non-conforming examples");
}

#[test]
fn every_example_response_decodes() {
    let decoded = examples::check_responses(&actions(), &decode_response);
    assert!(decoded >= 40, "{decoded}");
    let Ok(AnyResponse::ListAgents(agents)) = Action::ListAgents.decode_response(
        action("list_agents")["examples"]["response"]
            .to_string()
            .as_bytes(),
    ) else {
        panic!("list_agents example");
    };
    assert_eq!(agents[1].id, "jones@example.com");
    assert_eq!(
        agents[1].last_logout.as_deref(),
        Some("2022-08-23T14:31:21.000000Z")
    );
}

#[test]
fn decode_request_names_the_action_and_the_field() {
    let err = Action::CreateAgent
        .decode_request(br#"{"id": "a@b.c"}"#)
        .unwrap_err();
    assert_eq!(err.action, Action::CreateAgent);
    assert!(err.message.contains("missing field `name`"), "{err}");

    let err = Action::CreateAgent
        .decode_request(
            br#"{"id": "a@b.c", "name": "b", "groups": [{"id": 1, "priority": "top"}]}"#,
        )
        .unwrap_err();
    assert_eq!(err.path, "groups[0].priority");
    assert!(
        err.message.contains("unknown Priority value `top`"),
        "{err}"
    );
    assert!(err.to_string().contains("create_agent"));

    let err = Action::CreateAgent
        .decode_request(br#"{"id": "a@b.c", "name": "b", "max_chats_count": "many"}"#)
        .unwrap_err();
    assert_eq!(err.path, "max_chats_count");

    let err = Action::CreateAgent
        .decode_request(br#"{"id": "a@b.c", "name": "b", "max_chats_count": 21}"#)
        .unwrap_err();
    assert_eq!(err.path, "max_chats_count");
    assert!(err.message.contains("at most 20"), "{err}");

    let err = Action::CreateGroup
        .decode_request(
            format!(
                r#"{{"name": "{}", "agent_priorities": {{}}}}"#,
                "x".repeat(181)
            )
            .as_bytes(),
        )
        .unwrap_err();
    assert_eq!(err.path, "name");

    let err = Action::AddAutoAccess
        .decode_request(br#"{"access": {"groups": [1]}, "conditions": {}}"#)
        .unwrap_err();
    assert_eq!(err.path, "conditions");
    assert!(err.message.contains("at least one of"), "{err}");

    assert!(Action::GetAgent.decode_request(b"[1, 2").is_err());
    assert!(Action::GetAgent.decode_request(b"\xff\xfe").is_err());
}

#[test]
fn a_batch_request_decodes_item_by_item() {
    let body = br#"{"requests": [{"id": "smith@example.com"}, {"id": "brown@example.com"}, {}]}"#;
    let Ok(AnyRequest::BatchDeleteAgents(items)) = Action::BatchDeleteAgents.decode_request(body)
    else {
        panic!("batch_delete_agents");
    };
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap().id, "smith@example.com");
    assert_eq!(items[1].as_ref().unwrap().id, "brown@example.com");
    let err = items[2].as_ref().unwrap_err();
    assert_eq!(err.action, Action::DeleteAgent);
    assert!(err.message.contains("missing field `id`"), "{err}");
    assert!(Action::BatchDeleteAgents
        .decode_request(br#"{"items": []}"#)
        .is_err());
}

/// Every field of the spec, with where it is: type fields, parameters and response fields.
fn all_fields() -> Vec<(String, Value)> {
    let spec = spec_json();
    let mut out = Vec::new();
    for t in spec["types"].as_array().unwrap() {
        for f in t["fields"].as_array().into_iter().flatten() {
            out.push((format!("type {}", t["name"]), f.clone()));
        }
    }
    for a in actions() {
        let name = &a["name"];
        for f in a["params"].as_array().unwrap() {
            out.push((format!("{name} parameter"), f.clone()));
        }
        for f in a["response"]["fields"].as_array().into_iter().flatten() {
            out.push((format!("{name} response"), f.clone()));
        }
    }
    out
}

#[test]
fn every_field_named_for_a_credential_is_marked_secret() {
    let mut marked = 0;
    for (owner, f) in all_fields() {
        let name = f["name"].as_str().unwrap().to_lowercase();
        if name.contains("secret") || name.contains("token") {
            assert_eq!(f["secret"], true, "{owner} `{name}` is a credential");
            marked += 1;
        }
    }
    // Webhook and delivery secret keys, four bot secrets, bot_secret and the bot token.
    assert_eq!(marked, 9);
}

#[test]
fn credentials_print_masked() {
    let secret = "641e2ae6d997d2009a3ac92a05f37fc3";
    let answers = [
        (Action::CreateBot, json!({"id": "b1", "secret": secret})),
        (
            Action::CreateBotTemplate,
            json!({"id": "t1", "secret": secret}),
        ),
        (Action::ResetBotSecret, json!({"secret": secret})),
        (Action::ResetBotTemplateSecret, json!({"secret": secret})),
        (Action::IssueBotToken, json!({"token": secret})),
        (
            Action::BatchCreateBots,
            json!({"responses": [{"id": "b1", "secret": secret}]}),
        ),
    ];
    for (action, body) in answers {
        let decoded = action.decode_response(body.to_string().as_bytes()).unwrap();
        let printed = format!("{decoded:?}");
        assert!(!printed.contains(secret), "{action}: {printed}");
        assert!(printed.contains("****"), "{action}: {printed}");
    }
    let request = livechat_config::IssueBotTokenRequest::new("b1", "client-1", secret, "org-1");
    let printed = format!("{request:?}");
    assert!(
        !printed.contains(secret) && printed.contains("****"),
        "{printed}"
    );
    assert!(printed.contains("client-1"), "{printed}");
}

#[test]
fn decode_errors_never_show_a_body_that_carries_a_secret() {
    let secret = "641e2ae6d997d2009a3ac92a05f37fc3";
    let broken = [
        (Action::CreateBot, json!({"id": 5, "secret": secret})),
        (Action::IssueBotToken, json!({"token": [secret]})),
        (Action::IssueBotToken, json!({"tokn": secret})),
        (Action::ResetBotSecret, json!({"secret": [secret]})),
        (
            Action::ListWebhooks,
            json!([{"id": 1, "secret_key": secret}]),
        ),
        (
            Action::BatchCreateBots,
            json!({"responses": [{"id": 5, "secret": secret}]}),
        ),
    ];
    for (action, body) in broken {
        let err = action
            .decode_response(body.to_string().as_bytes())
            .expect_err(action.name());
        assert!(!err.excerpt.contains(secret), "{action}: {err:?}");
        assert!(!err.to_string().contains(secret), "{action}: {err}");
        assert!(!format!("{err:?}").contains(secret), "{action}: {err:?}");
    }
    let err = Action::IssueBotToken
        .decode_request(
            json!({"bot_id": 5, "bot_secret": secret})
                .to_string()
                .as_bytes(),
        )
        .unwrap_err();
    assert!(!err.to_string().contains(secret), "{err}");
    // Bodies without a credential still show, to help find what is wrong.
    let err = Action::GetAgent
        .decode_response(br#"{"id": 5, "name": "Smith"}"#)
        .unwrap_err();
    assert!(err.excerpt.contains("Smith"), "{err:?}");
}

#[test]
fn answers_read_left_out_lists_as_empty_but_requests_must_carry_them() {
    let Ok(AnyResponse::ListAutoAccesses(rules)) = Action::ListAutoAccesses
        .decode_response(br#"[{"id": "a1", "access": {}, "conditions": {"geolocation": {}}}]"#)
    else {
        panic!("list_auto_accesses");
    };
    assert_eq!(rules[0].access.as_ref().unwrap().groups, Vec::<u64>::new());
    let geolocation = rules[0].conditions.as_ref().unwrap().geolocation.as_ref();
    assert!(geolocation.unwrap().values.is_empty());
    let Ok(AnyResponse::GetAgent(agent)) = Action::GetAgent.decode_response(
        br#"{"id": "smith@example.com", "name": "Smith", "work_scheduler": {"timezone": "Europe/Warsaw"}}"#,
    ) else {
        panic!("get_agent");
    };
    assert!(agent.work_scheduler.unwrap().schedule.is_empty());
    let Ok(AnyResponse::ListGroups(groups)) = Action::ListGroups
        .decode_response(br#"[{"id": 0, "name": "General", "agent_priorities": {}}]"#)
    else {
        panic!("list_groups");
    };
    assert_eq!(groups[0].id, 0);

    let cases: [(Action, Value, &str, &str); 5] = [
        (
            Action::AddAutoAccess,
            json!({"access": {}, "conditions": {"url": {"values": [{"value": "x"}]}}}),
            "access",
            "missing field `groups`",
        ),
        (
            Action::AddAutoAccess,
            json!({"access": {"groups": [1]}, "conditions": {"geolocation": {}}}),
            "conditions.geolocation",
            "missing field `values`",
        ),
        (
            Action::CreateAgent,
            json!({"id": "a@b.c", "name": "A", "work_scheduler": {"timezone": "Europe/Warsaw"}}),
            "work_scheduler",
            "missing field `schedule`",
        ),
        (
            Action::CreateGroup,
            json!({"name": "Sales"}),
            "",
            "missing field `agent_priorities`",
        ),
        (
            Action::ListTags,
            json!({"filters": {}}),
            "filters",
            "missing field `group_ids`",
        ),
    ];
    for (action, body, path, message) in cases {
        let err = action
            .decode_request(body.to_string().as_bytes())
            .expect_err(&body.to_string());
        assert_eq!(
            (err.path.as_str(), err.message.as_str()),
            (path, message),
            "{body}"
        );
    }
    let Ok(AnyRequest::BatchUpdateAgents(items)) = Action::BatchUpdateAgents.decode_request(
        br#"{"requests": [{"id": "a@b.c", "work_scheduler": {"schedule": []}}, {"id": "b@b.c", "work_scheduler": {}}]}"#,
    ) else {
        panic!("batch_update_agents");
    };
    assert!(items[0].is_ok());
    assert_eq!(
        items[1].as_ref().unwrap_err().path,
        "requests[1].work_scheduler"
    );
}

#[test]
fn enums_parse_strictly_and_decode_leniently() {
    use std::str::FromStr;
    assert_eq!("administrator".parse::<Role>(), Ok(Role::Administrator));
    let err = Role::from_str("adminstrator").unwrap_err();
    assert_eq!(err.type_name, "Role");
    assert_eq!(err.value, "adminstrator");
    assert_eq!(
        err.expected,
        ["owner", "viceowner", "administrator", "normal"]
    );
    assert!(err.to_string().contains("`adminstrator`"), "{err}");
    assert!("platinum".parse::<livechat_config::Plan>().is_err());
    assert!(
        "Priority".parse::<livechat_config::Priority>().is_err(),
        "case matters"
    );
    // Answers keep what the server sends.
    assert_eq!(
        serde_json::from_str::<Role>(r#""emperor""#).unwrap(),
        Role::Other("emperor".into())
    );
    assert_eq!(Role::from("emperor"), Role::Other("emperor".into()));

    let kinds: BTreeSet<ErrorKind> = [
        ErrorKind::Validation,
        ErrorKind::Authentication,
        ErrorKind::Validation,
    ]
    .into();
    assert_eq!(kinds.len(), 2);
    let counted: std::collections::HashMap<ErrorKind, u32> =
        [(ErrorKind::NotFound, 1)].into_iter().collect();
    assert_eq!(counted[&ErrorKind::NotFound], 1);
    assert!(
        ErrorKind::Authentication < ErrorKind::Validation,
        "reference order"
    );
}

#[test]
fn formats_and_request_values_come_from_the_tables() {
    for agent_action in [
        "create_agent",
        "get_agent",
        "update_agent",
        "delete_agent",
        "suspend_agent",
        "unsuspend_agent",
        "approve_agent",
    ] {
        assert_eq!(
            param(agent_action, "id")["format"],
            "email",
            "{agent_action}"
        );
    }
    assert_eq!(param("reactivate_email", "agent_id")["format"], "email");
    assert_eq!(param("register_webhook", "url")["format"], "url");
    assert_eq!(param("create_bot", "avatar")["format"], "url");
    // The reference's own example sends `www.text.com`: a company URL has no scheme.
    assert!(param("update_company_details", "url")
        .get("format")
        .is_none());
    assert_eq!(field("Tag", "created_at")["format"], "date-time");
    for agent_action in ["create_agent", "update_agent"] {
        assert_eq!(
            param(agent_action, "role")["request_values"],
            json!(["viceowner", "administrator", "normal"])
        );
        assert_eq!(param(agent_action, "max_chats_count")["limits"]["min"], 0);
    }
    assert_eq!(param("create_group", "name")["limits"]["min_length"], 1);
    assert_eq!(
        named_type("WorkScheduler")["constraints"][0]["kind"],
        "required_if_non_empty"
    );
}

#[test]
fn a_bot_may_send_a_timezone_alone_an_agent_may_not() {
    let scheduler = json!({"timezone": "Europe/Berlin"});
    let Ok(AnyRequest::CreateBot(bot)) = Action::CreateBot.decode_request(
        json!({"name": "Bot", "work_scheduler": scheduler})
            .to_string()
            .as_bytes(),
    ) else {
        panic!("create_bot");
    };
    let scheduler_of_bot = bot.work_scheduler.unwrap();
    assert_eq!(scheduler_of_bot.timezone.as_deref(), Some("Europe/Berlin"));
    assert!(scheduler_of_bot.schedule.is_empty());
    assert!(Action::UpdateBot
        .decode_request(
            json!({"id": "b1", "work_scheduler": scheduler})
                .to_string()
                .as_bytes()
        )
        .is_ok());
    for action in [Action::CreateAgent, Action::UpdateAgent] {
        let err = action
            .decode_request(
                json!({"id": "a@b.c", "name": "A", "work_scheduler": scheduler})
                    .to_string()
                    .as_bytes(),
            )
            .unwrap_err();
        assert_eq!(
            (err.path.as_str(), err.message.as_str()),
            ("work_scheduler", "missing field `schedule`")
        );
    }
    // A bot's schedule still needs its timezone.
    let err = Action::CreateBot
        .decode_request(
            json!({"name": "Bot", "work_scheduler": {"schedule": [
                {"day": "monday", "enabled": true, "start": "08:00", "end": "16:00"}
            ]}})
            .to_string()
            .as_bytes(),
        )
        .unwrap_err();
    assert_eq!(err.path, "work_scheduler.timezone");
}

/// The reference's example answers (its `payloads/v3.6/` files, one per action that has one,
/// named after the action) are the spec's examples, unchanged.
#[test]
fn the_reference_payloads_are_the_spec_examples() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reference/v3.6");
    let compared = examples::check_payloads(&dir, &actions(), &decode_response);
    assert_eq!(compared, 30);
}

#[test]
fn v3_6_reads_as_the_stable_version() {
    let description = spec_json()["description"].as_str().unwrap().to_string();
    assert!(
        description.contains("current stable version"),
        "{description}"
    );
    assert!(!description.contains("developer preview"));
    assert_eq!(
        param("create_agent", "max_chats_count")["limits"]["max"],
        20
    );
    for name in ["create_agent", "update_agent"] {
        let params = action(name)["params"].to_string();
        assert!(!params.contains("\"avatar\""), "{name} takes no avatar");
    }
    assert!(!action("update_agent")["params"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "name"));
    assert_eq!(param("create_bot", "type")["default"], "chatbot");
    assert_eq!(param("update_bot", "type")["type"], "string");
    assert_eq!(param("update_bot", "job_title")["required"], false);
    assert_eq!(field("Bot", "type")["required"], false);
    assert_eq!(
        param("register_webhook", "url")["limits"]["max_length"],
        500
    );
    let actions = enum_values("WebhookAction");
    assert!(actions.contains(&"event_deleted".to_string()));
    assert!(actions.contains(&"thread_summary_set".to_string()));
    assert!(!actions.contains(&"incoming_customer".to_string()));
    assert_eq!(
        action("list_customer_bans")["scopes"],
        json!(["banlist_read"])
    );
    assert_eq!(action("unban_customer")["scopes"], json!(["banlist_write"]));
    for name in ["create_greeting", "update_greeting", "delete_greeting"] {
        assert_eq!(action(name)["scopes"], json!(["greetings:rw"]), "{name}");
    }
    for name in ["list_greetings", "get_greeting"] {
        assert_eq!(action(name)["scopes"], json!(["greetings:ro"]), "{name}");
    }
    assert_eq!(enum_values("RuleType").len(), 13);
    assert_eq!(enum_values("RuleOperator").len(), 8);
    assert_eq!(field("GreetingRule", "urls")["limits"]["max_items"], 10);
    assert_eq!(param("create_greeting", "rules")["limits"]["max_items"], 10);
    assert_eq!(
        field("RichMessageElement", "buttons")["limits"]["max_items"],
        13
    );
    assert_eq!(param("list_greetings", "limit")["default"], 100);
    assert_eq!(param("list_greetings", "limit")["limits"]["max"], 100);
}

#[test]
fn list_greetings_pages_and_a_page_id_excludes_its_filters() {
    assert_eq!(
        action("list_greetings")["paging"],
        json!({"page_id": "page_id", "limit": "limit", "items": "greetings",
               "next_page_id": "next_page_id", "excluded_by_page_id": ["groups", "limit"]})
    );
    let paging: Vec<Value> = actions()
        .into_iter()
        .filter(|a| a.get("paging").is_some())
        .collect();
    assert_eq!(paging.len(), 1);
    for body in [
        json!({"page_id": "p1", "groups": [0]}),
        json!({"page_id": "p1", "limit": 10}),
    ] {
        let err = Action::ListGreetings
            .decode_request(body.to_string().as_bytes())
            .expect_err("page_id with a filter it stands for");
        assert!(err.message.contains("page_id"), "{err}");
    }
    let ok = Action::ListGreetings.decode_request(br#"{"page_id": "p1"}"#);
    assert!(matches!(ok, Ok(AnyRequest::ListGreetings(_))));
}

#[test]
fn unban_customer_takes_exactly_one_of_ip_and_customer_id() {
    for body in [json!({}), json!({"ip": "10.0.0.1", "customer_id": "c1"})] {
        let err = Action::UnbanCustomer
            .decode_request(body.to_string().as_bytes())
            .expect_err("neither or both");
        assert!(err.message.contains("ip"), "{err}");
    }
    for body in [json!({"ip": "10.0.0.1"}), json!({"customer_id": "c1"})] {
        assert!(Action::UnbanCustomer
            .decode_request(body.to_string().as_bytes())
            .is_ok());
    }
}

#[test]
fn the_greeting_examples_template_is_refused_and_the_conforming_one_is_cards() {
    for name in ["create_greeting", "update_greeting"] {
        let examples = &action(name)["examples"];
        assert_eq!(
            examples["request_as_published"]["rich_message"]["template_id"],
            "text"
        );
        assert_eq!(examples["request"]["rich_message"]["template_id"], "cards");
        let err = Action::from_name(name)
            .unwrap()
            .decode_request(examples["request_as_published"].to_string().as_bytes())
            .unwrap_err();
        assert_eq!(err.path, "rich_message.template_id", "{name}: {err}");
        assert!(
            action(name)["notes"].to_string().contains("cards"),
            "{name}"
        );
    }
    // Answers leave the template out; requests must name it.
    let Ok(AnyResponse::GetGreeting(greeting)) = Action::GetGreeting.decode_response(
        action("get_greeting")["examples"]["response"]
            .to_string()
            .as_bytes(),
    ) else {
        panic!("get_greeting example");
    };
    let message = greeting.rich_message.unwrap();
    assert_eq!(message.template_id, None);
    let button = &message.elements.unwrap()[0].buttons.clone().unwrap()[0];
    assert_eq!(
        button.button_id.as_deref(),
        Some("20ff0b3f-fbed-49f4-b13f-788c9ec66f03")
    );
    assert_eq!(
        greeting.rules[0].r#type,
        livechat_config::RuleType::VisitTimeSite
    );
}

/// A body as the request of the action `name`, which the error names when it does not decode.
fn decode_request(name: &str, body: &[u8]) -> Result<(), String> {
    let action = Action::from_name(name).ok_or_else(|| format!("no action `{name}`"))?;
    let typed = action.decode_request(body).map_err(|e| {
        assert_eq!(e.action, action);
        e.to_string()
    })?;
    assert_eq!(typed.action(), action);
    Ok(())
}

/// A body as the answer of the action `name`.
fn decode_response(name: &str, body: &[u8]) -> Result<(), String> {
    let action = Action::from_name(name).ok_or_else(|| format!("no action `{name}`"))?;
    let typed = action.decode_response(body).map_err(|e| e.to_string())?;
    assert_eq!(typed.action(), action);
    Ok(())
}

#[test]
fn only_the_actions_the_reference_calls_open_need_no_authorization() {
    let open: Vec<&str> = livechat_config::Action::ALL
        .iter()
        .filter(|a| !a.needs_authorization())
        .map(|a| a.name())
        .collect();
    assert_eq!(open, ["list_webhook_names"]);
    let open_v3_7: Vec<&str> = livechat_config::v3_7::Action::ALL
        .iter()
        .filter(|a| !a.needs_authorization())
        .map(|a| a.name())
        .collect();
    assert_eq!(open_v3_7, ["list_webhook_names"]);
}
