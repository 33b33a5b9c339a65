use crate::{call, emulator, kind};
use livechat_config::*;
use livechat_config_emulator::{
    Emulator, Token, DEFAULT_CLIENT_ID, DEFAULT_PAT, DEFAULT_PAT_ACCOUNT, TEST_NAMESPACE,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn rw() -> LocationAccess {
    LocationAccess::new().agent([AccessType::Read, AccessType::Write])
}

fn values(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[tokio::test]
async fn register_list_publish_unregister() {
    let emu = emulator().await;
    let client = emu.client();
    client
        .register_property(
            "string_property",
            DEFAULT_CLIENT_ID,
            PropertyType::String,
            PropertyAccess::new().chat(rw()),
        )
        .description("A string")
        .await
        .unwrap();
    assert_eq!(
        kind(
            client
                .register_property(
                    "string_property",
                    DEFAULT_CLIENT_ID,
                    PropertyType::Int,
                    PropertyAccess::new().chat(rw())
                )
                .await
        ),
        ErrorKind::AlreadyExists
    );
    let listed = client.list_properties(DEFAULT_CLIENT_ID).await.unwrap();
    let def = &listed["string_property"];
    assert_eq!(def.r#type, PropertyType::String);
    assert_eq!(def.description.as_deref(), Some("A string"));
    assert_eq!(def.access.chat, Some(rw()));
    assert_eq!(def.public_access, None);

    client
        .register_property(
            "temp",
            DEFAULT_CLIENT_ID,
            PropertyType::Bool,
            PropertyAccess::new().thread(rw()),
        )
        .await
        .unwrap();
    client
        .unregister_property("temp", DEFAULT_CLIENT_ID)
        .await
        .unwrap();
    assert_eq!(
        kind(client.unregister_property("temp", DEFAULT_CLIENT_ID).await),
        ErrorKind::NotFound
    );

    client
        .publish_property("string_property", DEFAULT_CLIENT_ID, [AccessType::Read])
        .await
        .unwrap();
    let listed = client.list_properties(DEFAULT_CLIENT_ID).await.unwrap();
    assert_eq!(
        listed["string_property"].public_access,
        Some(vec![AccessType::Read])
    );
    assert_eq!(
        kind(
            client
                .unregister_property("string_property", DEFAULT_CLIENT_ID)
                .await
        ),
        ErrorKind::Validation,
        "published properties cannot be unregistered"
    );
    assert_eq!(
        kind(
            client
                .publish_property("nope", DEFAULT_CLIENT_ID, [AccessType::Read])
                .await
        ),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn registration_rules_for_domain_range_and_defaults() {
    let emu = emulator().await;
    let client = emu.client();
    let license = PropertyAccess::new().license(rw());
    let register = |name: &str, kind: PropertyType, access: PropertyAccess| {
        client.register_property(name.to_string(), DEFAULT_CLIENT_ID, kind, access)
    };
    // The sdk refuses this one before sending; the emulator refuses it too.
    let (status, reply) = call(
        &emu,
        "register_property",
        r#"{"name": "a", "owner_client_id": "x", "type": "int", "access": {"license": {"agent": ["read"]}},
            "domain": [1], "range": {"from": 1, "to": 3}}"#,
    )
    .await;
    assert_eq!(
        (status, reply["error"]["type"].as_str()),
        (400, Some("validation"))
    );
    assert_eq!(
        kind(
            register("b", PropertyType::String, license.clone())
                .range(PropertyRange::new().from(1))
                .await
        ),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(
            register("c", PropertyType::Int, license.clone())
                .domain([json!("x")])
                .await
        ),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(
            register("d", PropertyType::Int, PropertyAccess::new().chat(rw()))
                .default_value(json!(1))
                .await
        ),
        ErrorKind::Validation,
        "defaults only for license or group locations"
    );
    assert_eq!(
        kind(
            register("e", PropertyType::Int, license.clone())
                .range(PropertyRange::new().from(1).to(3))
                .default_value(json!(5))
                .await
        ),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(
            register("f", PropertyType::Bool, license.clone())
                .default_value(json!("yes"))
                .await
        ),
        ErrorKind::Validation
    );
    for access in [r#"{}"#, r#"{"event": {}}"#] {
        let body = format!(
            r#"{{"name": "g", "owner_client_id": "x", "type": "int", "access": {access}}}"#
        );
        let (status, reply) = call(&emu, "register_property", &body).await;
        assert_eq!(
            (status, reply["error"]["type"].as_str()),
            (400, Some("validation")),
            "{access}"
        );
    }
    register("ok", PropertyType::Int, license)
        .range(PropertyRange::new().from(1).to(3))
        .default_value(json!(2))
        .await
        .unwrap();
    assert_eq!(
        client
            .list_properties(DEFAULT_CLIENT_ID)
            .await
            .unwrap()
            .len(),
        1,
        "only the valid one"
    );
}

#[tokio::test]
async fn license_values_defaults_filters_and_validation() {
    let emu = emulator().await;
    let client = emu.client();
    let ns = DEFAULT_CLIENT_ID;
    client
        .register_property(
            "tier",
            ns,
            PropertyType::String,
            PropertyAccess::new().license(rw()),
        )
        .domain([json!("free"), json!("pro")])
        .default_value(json!("free"))
        .await
        .unwrap();
    client
        .register_property(
            "seats",
            ns,
            PropertyType::Int,
            PropertyAccess::new().license(rw()).group(rw()),
        )
        .range(PropertyRange::new().from(1).to(100))
        .await
        .unwrap();
    client
        .register_property(
            "chat_only",
            ns,
            PropertyType::Bool,
            PropertyAccess::new().chat(rw()),
        )
        .await
        .unwrap();

    let all = client
        .list_license_properties()
        .namespace(ns)
        .await
        .unwrap();
    assert_eq!(
        all[ns],
        values(&[("tier", json!("free"))]),
        "defaults stand in for unset values"
    );

    client
        .update_license_properties([(ns, values(&[("seats", json!(10))]))])
        .await
        .unwrap();
    client
        .update_license_properties([(ns, values(&[("tier", json!("pro"))]))])
        .await
        .unwrap();
    let all = client
        .list_license_properties()
        .namespace(ns)
        .await
        .unwrap();
    assert_eq!(
        all[ns],
        values(&[("seats", json!(10)), ("tier", json!("pro"))]),
        "updates do not overwrite other values"
    );
    let prefixed = client
        .list_license_properties()
        .namespace(ns)
        .name_prefix("se")
        .await
        .unwrap();
    assert_eq!(prefixed[ns], values(&[("seats", json!(10))]));

    for bad in [
        values(&[("tier", json!("gold"))]),
        values(&[("seats", json!(0))]),
        values(&[("seats", json!("ten"))]),
        values(&[("seats", json!(5_000_000_000i64))]),
        values(&[("chat_only", json!(true))]),
        values(&[("seats", json!(5)), ("tier", json!("gold"))]),
    ] {
        assert_eq!(
            kind(client.update_license_properties([(ns, bad)]).await),
            ErrorKind::Validation
        );
    }
    assert_eq!(
        kind(
            client
                .update_license_properties([(ns, values(&[("missing", json!(1))]))])
                .await
        ),
        ErrorKind::NotFound
    );
    let all = client
        .list_license_properties()
        .namespace(ns)
        .await
        .unwrap();
    assert_eq!(
        all[ns]["seats"],
        json!(10),
        "a rejected update changes nothing"
    );

    client
        .update_license_properties([(TEST_NAMESPACE, values(&[("int_property", json!(7))]))])
        .await
        .unwrap();
    let tokenized = values(&[("tokenized_string_property", json!("split into tokens"))]);
    client
        .update_license_properties([(TEST_NAMESPACE, tokenized)])
        .await
        .unwrap();
    for (name, wrong) in [
        ("tokenized_string_property", json!(1)),
        ("bool_property", json!("true")),
        ("string_property", json!(false)),
    ] {
        let bad = values(&[(name, wrong)]);
        assert_eq!(
            kind(
                client
                    .update_license_properties([(TEST_NAMESPACE, bad)])
                    .await
            ),
            ErrorKind::Validation,
            "{name}"
        );
    }
    let test = client
        .list_license_properties()
        .namespace(TEST_NAMESPACE)
        .await
        .unwrap();
    assert_eq!(test[TEST_NAMESPACE]["int_property"], json!(7));
    assert_eq!(
        test[TEST_NAMESPACE]["tokenized_string_property"],
        json!("split into tokens")
    );
    let everything = client.list_license_properties().await.unwrap();
    assert!(everything.contains_key(ns) && everything.contains_key(TEST_NAMESPACE));

    client
        .delete_license_properties([(ns, vec!["tier".to_string(), "seats".to_string()])])
        .await
        .unwrap();
    let all = client
        .list_license_properties()
        .namespace(ns)
        .await
        .unwrap();
    assert_eq!(
        all[ns],
        values(&[("tier", json!("free"))]),
        "back to the default"
    );
}

#[tokio::test]
async fn other_namespaces_need_the_all_scope_and_a_published_property() {
    let mine_only = Token::bearer("dal:my-scopes")
        .client_id("other-app")
        .scopes([
            "properties.configuration:rw",
            "properties.license.value--my:rw",
            "properties.license.value--my:ro",
        ]);
    let emu = Emulator::builder()
        .token(mine_only.clone())
        .organization_client_id("other-app")
        .start()
        .await
        .unwrap();
    let owner = emu.client();
    let other = emu.client_with(mine_only.credentials());
    let ns = DEFAULT_CLIENT_ID;
    owner
        .register_property(
            "secret",
            ns,
            PropertyType::String,
            PropertyAccess::new().license(rw()),
        )
        .await
        .unwrap();
    owner
        .update_license_properties([(ns, values(&[("secret", json!("s"))]))])
        .await
        .unwrap();

    assert_eq!(
        kind(
            other
                .update_license_properties([(ns, values(&[("secret", json!("x"))]))])
                .await
        ),
        ErrorKind::Authorization
    );
    assert!(
        other.list_license_properties().await.unwrap().is_empty(),
        "nothing of others is visible with --my"
    );
    other
        .register_property(
            "own",
            "other-app",
            PropertyType::Int,
            PropertyAccess::new().license(rw()),
        )
        .await
        .unwrap();
    other
        .update_license_properties([("other-app", values(&[("own", json!(1))]))])
        .await
        .unwrap();
    assert_eq!(
        other.list_license_properties().await.unwrap()["other-app"]["own"],
        json!(1)
    );

    // The owner reaches other namespaces with --all, but private properties stay private.
    assert_eq!(
        kind(
            owner
                .update_license_properties([("other-app", values(&[("own", json!(2))]))])
                .await
        ),
        ErrorKind::Authorization
    );
    other
        .publish_property("own", "other-app", [AccessType::Read])
        .await
        .unwrap();
    assert_eq!(
        owner.list_license_properties().await.unwrap()["other-app"]["own"],
        json!(1)
    );
    assert_eq!(
        kind(
            owner
                .update_license_properties([("other-app", values(&[("own", json!(2))]))])
                .await
        ),
        ErrorKind::Authorization,
        "read-only publicly"
    );
}

#[tokio::test]
async fn group_values_per_group() {
    let emu = emulator().await;
    let client = emu.client();
    let ns = DEFAULT_CLIENT_ID;
    let group = client.create_group("G", []).await.unwrap();
    client
        .register_property(
            "greeting",
            ns,
            PropertyType::String,
            PropertyAccess::new().group(rw()),
        )
        .default_value(json!("hi"))
        .await
        .unwrap();
    client
        .register_property(
            "license_only",
            ns,
            PropertyType::String,
            PropertyAccess::new().license(rw()),
        )
        .await
        .unwrap();
    client
        .update_group_properties(group.id, [(ns, values(&[("greeting", json!("hello"))]))])
        .await
        .unwrap();
    assert_eq!(
        kind(
            client
                .update_group_properties(group.id, [(ns, values(&[("license_only", json!("x"))]))])
                .await
        ),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(
            client
                .update_group_properties(99, [(ns, values(&[("greeting", json!("x"))]))])
                .await
        ),
        ErrorKind::GroupNotFound
    );

    let listed = client
        .list_groups_properties([] as [u64; 0])
        .namespace(ns)
        .await
        .unwrap();
    assert_eq!(listed.len(), 2, "an empty group_ids means every group");
    assert_eq!(listed[0].id, 0);
    assert_eq!(
        listed[0].properties.as_ref().unwrap()[ns]["greeting"],
        json!("hi")
    );
    assert_eq!(
        listed[1].properties.as_ref().unwrap()[ns]["greeting"],
        json!("hello")
    );
    let one = client
        .list_groups_properties([group.id])
        .name_prefix("gr")
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(
        one[0].properties.as_ref().unwrap()[ns]["greeting"],
        json!("hello")
    );
    assert_eq!(
        kind(client.list_groups_properties([5]).await),
        ErrorKind::GroupNotFound
    );

    client
        .delete_group_properties(group.id, [(ns, vec!["greeting".to_string()])])
        .await
        .unwrap();
    let one = client
        .list_groups_properties([group.id])
        .namespace(ns)
        .await
        .unwrap();
    assert_eq!(
        one[0].properties.as_ref().unwrap()[ns]["greeting"],
        json!("hi")
    );
    assert_eq!(
        kind(
            client
                .delete_group_properties(group.id, [(ns, vec!["missing".to_string()])])
                .await
        ),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn only_the_owner_client_id_configures_its_properties() {
    // Every scope, but issued to another application of the same organization.
    let intruder = Token::bearer("dal:intruder").client_id("other-app");
    let emu = Emulator::builder()
        .token(intruder.clone())
        .organization_client_id("other-app")
        .start()
        .await
        .unwrap();
    let owner = emu.client();
    let other = emu.client_with(intruder.credentials());
    let ns = DEFAULT_CLIENT_ID;
    owner
        .register_property(
            "secret",
            ns,
            PropertyType::String,
            PropertyAccess::new().license(rw()),
        )
        .await
        .unwrap();
    owner
        .update_license_properties([(ns, values(&[("secret", json!("s"))]))])
        .await
        .unwrap();

    assert_eq!(
        kind(
            other
                .publish_property("secret", ns, [AccessType::Read, AccessType::Write])
                .await
        ),
        ErrorKind::Authorization
    );
    assert_eq!(
        kind(
            other
                .update_license_properties([(ns, values(&[("secret", json!("x"))]))])
                .await
        ),
        ErrorKind::Authorization,
        "still private"
    );
    assert!(!other
        .list_license_properties()
        .await
        .unwrap()
        .contains_key(ns));
    assert_eq!(
        kind(other.unregister_property("secret", ns).await),
        ErrorKind::Authorization
    );
    assert_eq!(
        kind(
            other
                .register_property(
                    "planted",
                    ns,
                    PropertyType::Int,
                    PropertyAccess::new().license(rw())
                )
                .await
        ),
        ErrorKind::Authorization
    );
    let defined = owner.list_properties(ns).await.unwrap();
    assert_eq!(
        defined.keys().collect::<Vec<_>>(),
        ["secret"],
        "nothing planted"
    );
    assert_eq!(defined["secret"].public_access, None, "not published");
    assert_eq!(
        owner.list_license_properties().await.unwrap()[ns]["secret"],
        json!("s")
    );

    // A personal access token belongs to the organization, not to a Client ID: it configures
    // the properties of any Client ID the organization owns.
    let pat = emu.client_with(Credentials::pat(DEFAULT_PAT_ACCOUNT, DEFAULT_PAT));
    pat.register_property(
        "from_pat",
        "other-app",
        PropertyType::Bool,
        PropertyAccess::new().license(rw()),
    )
    .await
    .unwrap();
    pat.publish_property("from_pat", "other-app", [AccessType::Read])
        .await
        .unwrap();
    assert_eq!(
        other.list_properties("other-app").await.unwrap()["from_pat"].public_access,
        Some(vec![AccessType::Read])
    );
}

#[tokio::test]
async fn owner_client_id_must_belong_to_the_organization() {
    let emu = emulator().await;
    let client = emu.client();
    let access = || PropertyAccess::new().license(rw());
    assert_eq!(
        kind(
            client
                .register_property("p", "elsewhere", PropertyType::Int, access())
                .await
        ),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(client.list_properties("elsewhere").await),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(
            client
                .publish_property("p", "elsewhere", [AccessType::Read])
                .await
        ),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(client.unregister_property("p", "elsewhere").await),
        ErrorKind::Validation
    );
    let pat = emu.client_with(Credentials::pat(DEFAULT_PAT_ACCOUNT, DEFAULT_PAT));
    assert_eq!(
        kind(
            pat.register_property("p", "elsewhere", PropertyType::Int, access())
                .await
        ),
        ErrorKind::Validation,
        "not even for the organization's own agents"
    );
    let (status, reply) = call(
        &emu,
        "register_property",
        r#"{"name": "p", "owner_client_id": "elsewhere", "type": "int", "access": {"license": {"agent": ["read"]}}}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(reply["error"]["type"], "validation");
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a Client ID of this license's organization"),
        "{reply}"
    );
    assert!(
        !emu.state_json()["properties"]
            .as_object()
            .unwrap()
            .contains_key("elsewhere"),
        "nothing registered"
    );

    let wider = Emulator::builder()
        .organization_client_id("elsewhere")
        .start()
        .await
        .unwrap();
    wider
        .client_with(Credentials::pat(DEFAULT_PAT_ACCOUNT, DEFAULT_PAT))
        .register_property("p", "elsewhere", PropertyType::Int, access())
        .await
        .unwrap();
    assert_eq!(
        wider
            .client()
            .list_properties(DEFAULT_CLIENT_ID)
            .await
            .unwrap()
            .len(),
        0,
        "the default Client ID stays in the organization"
    );
}
