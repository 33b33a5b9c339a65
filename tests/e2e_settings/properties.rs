use livechat_config::validate::Violation;
use livechat_config::*;
use livechat_config_tests::{example_response, TestServer};
use serde_json::json;
use std::collections::BTreeMap;

const OWNER: &str = "0805e283233042b37f460ed8fbf22160";

/// `{"<name>": <value>}` as the inner map of a namespace.
fn values(name: &str, value: serde_json::Value) -> BTreeMap<String, serde_json::Value> {
    BTreeMap::from([(name.to_string(), value)])
}

/// The call must fail client-side with exactly these violations, and reach no server.
fn assert_rejected(
    server: &TestServer,
    result: Result<(), Error>,
    action: Action,
    expected: Vec<Violation>,
) {
    match result {
        Err(Error::InvalidRequest {
            action: got,
            violations,
        }) => {
            assert_eq!(got, action);
            assert_eq!(violations, expected);
        }
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
    assert!(
        server.requests().is_empty(),
        "a rejected request reached the server: {:#?}",
        server.requests()
    );
}

#[tokio::test]
async fn register_property_sends_the_reference_example_with_description_and_domain() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server
        .client()
        .register_property(
            "string_property",
            OWNER,
            PropertyType::String,
            PropertyAccess::new().chat(
                LocationAccess::new()
                    .agent([AccessType::Read])
                    .customer([AccessType::Read, AccessType::Write]),
            ),
        )
        .description("Favourite colour of the customer")
        .domain([json!("red"), json!("green"), json!("blue")])
        .await
        .unwrap();
    server.assert_one(
        "register_property",
        json!({
            "name": "string_property",
            "owner_client_id": "0805e283233042b37f460ed8fbf22160",
            "type": "string",
            "access": {
                "chat": {
                    "agent": ["read"],
                    "customer": ["read", "write"]
                }
            },
            "description": "Favourite colour of the customer",
            "domain": ["red", "green", "blue"]
        }),
    );
}

#[tokio::test]
async fn register_property_sends_license_and_group_access_a_range_and_a_default_value() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server
        .client()
        .register_property(
            "int_property",
            OWNER,
            PropertyType::Int,
            PropertyAccess::new()
                .license(LocationAccess::new().agent([AccessType::Read, AccessType::Write]))
                .group(LocationAccess::new().customer([AccessType::Read])),
        )
        .range(PropertyRange::new().from(1).to(3))
        .default_value(json!(2))
        .await
        .unwrap();
    server.assert_one(
        "register_property",
        json!({
            "name": "int_property",
            "owner_client_id": "0805e283233042b37f460ed8fbf22160",
            "type": "int",
            "access": {
                "license": {"agent": ["read", "write"]},
                "group": {"customer": ["read"]}
            },
            "range": {"from": 1, "to": 3},
            "default_value": 2
        }),
    );
}

#[tokio::test]
async fn register_property_with_both_domain_and_range_is_rejected_before_sending() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    let result = server
        .client()
        .register_property(
            "int_property",
            OWNER,
            PropertyType::Int,
            PropertyAccess::new().license(LocationAccess::new().agent([AccessType::Read])),
        )
        .domain([json!(1), json!(2), json!(3)])
        .range(PropertyRange::new().from(1).to(3))
        .await;
    assert_rejected(
        &server,
        result,
        Action::RegisterProperty,
        vec![Violation::new(
            String::new(),
            "takes only one of `domain`, `range`",
        )],
    );
}

#[tokio::test]
async fn register_property_with_an_access_object_without_a_location_is_rejected_before_sending() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    let result = server
        .client()
        .register_property(
            "string_property",
            OWNER,
            PropertyType::String,
            PropertyAccess::new(),
        )
        .await;
    assert_rejected(
        &server,
        result,
        Action::RegisterProperty,
        vec![Violation::new(
            "access",
            "needs at least one of `chat`, `thread`, `event`, `license`, `group`",
        )],
    );
}

#[tokio::test]
async fn register_property_with_a_location_without_a_user_is_rejected_before_sending() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    let result = server
        .client()
        .register_property(
            "string_property",
            OWNER,
            PropertyType::String,
            PropertyAccess::new().chat(LocationAccess::new()),
        )
        .await;
    assert_rejected(
        &server,
        result,
        Action::RegisterProperty,
        vec![Violation::new(
            "access.chat",
            "needs at least one of `agent`, `customer`",
        )],
    );
}

#[tokio::test]
async fn unregister_property_sends_name_and_owner() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server
        .client()
        .unregister_property("string_property", OWNER)
        .await
        .unwrap();
    server.assert_one(
        "unregister_property",
        json!({
            "name": "string_property",
            "owner_client_id": "0805e283233042b37f460ed8fbf22160"
        }),
    );
}

#[tokio::test]
async fn publish_property_sends_the_public_access_type() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server
        .client()
        .publish_property("string_property", OWNER, [AccessType::Read])
        .await
        .unwrap();
    server.assert_one(
        "publish_property",
        json!({
            "name": "string_property",
            "owner_client_id": "0805e283233042b37f460ed8fbf22160",
            "access_type": ["read"]
        }),
    );
}

#[tokio::test]
async fn list_properties_decodes_typed_access_and_public_access() {
    let server = TestServer::start().await;
    server.reply(200, example_response("list_properties"));
    let properties = server.client().list_properties(OWNER).await.unwrap();
    server.assert_one(
        "list_properties",
        json!({"owner_client_id": "0805e283233042b37f460ed8fbf22160"}),
    );

    assert_eq!(
        properties.keys().collect::<Vec<_>>(),
        vec!["string_property"]
    );
    let property = &properties["string_property"];
    assert_eq!(property.r#type, PropertyType::String);
    assert_eq!(property.description.as_deref(), Some(""));
    assert_eq!(property.public_access, Some(vec![AccessType::Read]));
    assert_eq!(property.domain, None);
    assert_eq!(property.range, None);
    assert_eq!(property.default_value, None);

    let thread = property.access.thread.as_ref().expect("access.thread");
    assert_eq!(
        thread.agent,
        Some(vec![AccessType::Read, AccessType::Write])
    );
    assert_eq!(thread.customer, Some(vec![AccessType::Read]));
    let chat = property.access.chat.as_ref().expect("access.chat");
    assert_eq!(chat.agent, Some(vec![AccessType::Write]));
    assert_eq!(
        chat.customer,
        Some(vec![AccessType::Read, AccessType::Write])
    );
    assert_eq!(property.access.event, None);
    assert_eq!(property.access.license, None);
    assert_eq!(property.access.group, None);
}

#[tokio::test]
async fn update_license_properties_sends_values_per_namespace() {
    let server = TestServer::start().await;
    server.reply(200, example_response("update_license_properties"));
    server
        .client()
        .update_license_properties([(OWNER, values("string_property", json!("string value")))])
        .await
        .unwrap();
    server.assert_one(
        "update_license_properties",
        json!({
            "properties": {
                "0805e283233042b37f460ed8fbf22160": {"string_property": "string value"}
            }
        }),
    );
}

#[tokio::test]
async fn list_license_properties_sends_namespace_and_prefix_and_decodes_values() {
    let server = TestServer::start().await;
    server.reply(200, example_response("list_license_properties"));
    let properties = server
        .client()
        .list_license_properties()
        .namespace(OWNER)
        .name_prefix("string")
        .await
        .unwrap();
    server.assert_one(
        "list_license_properties",
        json!({
            "namespace": "0805e283233042b37f460ed8fbf22160",
            "name_prefix": "string"
        }),
    );
    assert_eq!(properties.len(), 1);
    let namespace = &properties[OWNER];
    assert_eq!(namespace.len(), 1);
    assert_eq!(namespace["string_property"], json!("string value"));
}

#[tokio::test]
async fn list_license_properties_without_filters_sends_an_empty_object() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    let properties = server.client().list_license_properties().await.unwrap();
    server.assert_one("list_license_properties", json!({}));
    assert!(properties.is_empty());
}

#[tokio::test]
async fn delete_license_properties_sends_names_per_namespace() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server
        .client()
        .delete_license_properties([(OWNER, vec!["string_property".to_string()])])
        .await
        .unwrap();
    server.assert_one(
        "delete_license_properties",
        json!({
            "properties": {
                "0805e283233042b37f460ed8fbf22160": ["string_property"]
            }
        }),
    );
}

#[tokio::test]
async fn update_group_properties_sends_group_id_and_values() {
    let server = TestServer::start().await;
    server.reply(200, example_response("update_group_properties"));
    server
        .client()
        .update_group_properties(
            1,
            [(
                OWNER,
                values("string_property", json!("group property value")),
            )],
        )
        .await
        .unwrap();
    server.assert_one(
        "update_group_properties",
        json!({
            "group_id": 1,
            "properties": {
                "0805e283233042b37f460ed8fbf22160": {"string_property": "group property value"}
            }
        }),
    );
}

#[tokio::test]
async fn list_groups_properties_sends_filters_and_decodes_each_group() {
    let server = TestServer::start().await;
    server.reply(200, example_response("list_groups_properties"));
    let groups = server
        .client()
        .list_groups_properties([0, 1])
        .namespace("a")
        .name_prefix("b")
        .await
        .unwrap();
    server.assert_one(
        "list_groups_properties",
        json!({"group_ids": [0, 1], "namespace": "a", "name_prefix": "b"}),
    );

    assert_eq!(groups.len(), 2);
    let expected = [
        (0u64, "group property value for group 0"),
        (1u64, "group property value for group 1"),
    ];
    for (group, (id, value)) in groups.iter().zip(expected) {
        assert_eq!(group.id, id);
        let properties = group.properties.as_ref().expect("properties");
        assert_eq!(properties.len(), 1);
        let namespace = &properties[OWNER];
        assert_eq!(namespace.len(), 1);
        assert_eq!(namespace["string_property"], json!(value));
    }
}

#[tokio::test]
async fn delete_group_properties_sends_id_and_names() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server
        .client()
        .delete_group_properties(1, [(OWNER, vec!["string_property".to_string()])])
        .await
        .unwrap();
    server.assert_one(
        "delete_group_properties",
        json!({
            "id": 1,
            "properties": {
                "0805e283233042b37f460ed8fbf22160": ["string_property"]
            }
        }),
    );
}
