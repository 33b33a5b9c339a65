use livechat_config::*;
use livechat_config_tests::{example_response, TestServer};
use serde_json::json;

#[tokio::test]
async fn add_auto_access_sends_the_reference_conditions_and_decodes_the_id() {
    let server = TestServer::start().await;
    server.reply(200, example_response("add_auto_access"));
    let created = server
        .client()
        .add_auto_access(
            Access::new([1]),
            Conditions::new()
                .domain(
                    MatchCondition::new()
                        .values([MatchObject::new("livechat.com").exact_match(true)]),
                )
                .geolocation(GeolocationCondition::new([Geolocation::new()
                    .country("United States")
                    .country_code("US")])),
        )
        .description("Chats on livechat.com from United States")
        .next_id("1faad6f5f1d6e8fdf27e8af9839783b7")
        .await
        .unwrap();
    assert_eq!(created.id, "pqi8oasdjahuakndw9nsad9na");
    server.assert_one(
        "add_auto_access",
        json!({
            "description": "Chats on livechat.com from United States",
            "access": {"groups": [1]},
            "conditions": {
                "domain": {"values": [{"value": "livechat.com", "exact_match": true}]},
                "geolocation": {"values": [{"country": "United States", "country_code": "US"}]}
            },
            "next_id": "1faad6f5f1d6e8fdf27e8af9839783b7"
        }),
    );
}

#[tokio::test]
async fn add_auto_access_sends_url_exclusions_and_every_geolocation_field() {
    let server = TestServer::start().await;
    server.reply(200, json!({"id": "a1b2c3"}));
    let created = server
        .client()
        .add_auto_access(
            Access::new([0, 42]),
            Conditions::new()
                .url(MatchCondition::new().exclude_values([
                    MatchObject::new("/pricing").exact_match(false),
                    MatchObject::new("https://www.livechat.com/contact/"),
                ]))
                .geolocation(GeolocationCondition::new([
                    Geolocation::new()
                        .country("United States")
                        .country_code("US")
                        .region("California")
                        .city("Mountain View"),
                    Geolocation::new().country_code("PL"),
                ])),
        )
        .await
        .unwrap();
    assert_eq!(created.id, "a1b2c3");
    server.assert_one(
        "add_auto_access",
        json!({
            "access": {"groups": [0, 42]},
            "conditions": {
                "url": {"exclude_values": [
                    {"value": "/pricing", "exact_match": false},
                    {"value": "https://www.livechat.com/contact/"}
                ]},
                "geolocation": {"values": [
                    {
                        "country": "United States",
                        "country_code": "US",
                        "region": "California",
                        "city": "Mountain View"
                    },
                    {"country_code": "PL"}
                ]}
            }
        }),
    );
}

#[tokio::test]
async fn add_auto_access_rejects_conditions_breaking_the_documented_rules_without_sending() {
    let server = TestServer::start().await;
    let client = server.client();

    // 1) conditions must have at least one of url, domain, geolocation set.
    let err = client
        .add_auto_access(Access::new([1]), Conditions::new())
        .await
        .unwrap_err();
    assert_eq!(violation_paths(err, Action::AddAutoAccess), ["conditions"]);

    // `values` may not be used together with `exclude_values`.
    let err = client
        .add_auto_access(
            Access::new([1]),
            Conditions::new().domain(
                MatchCondition::new()
                    .values([MatchObject::new("livechat.com")])
                    .exclude_values([MatchObject::new("text.com")]),
            ),
        )
        .await
        .unwrap_err();
    assert_eq!(
        violation_paths(err, Action::AddAutoAccess),
        ["conditions.domain"]
    );

    // 3) a geolocation object needs at least one field.
    let err = client
        .add_auto_access(
            Access::new([1]),
            Conditions::new().geolocation(GeolocationCondition::new([
                Geolocation::new().country("Poland"),
                Geolocation::new(),
            ])),
        )
        .await
        .unwrap_err();
    assert_eq!(
        violation_paths(err, Action::AddAutoAccess),
        ["conditions.geolocation.values[1]"]
    );

    assert!(server.requests().is_empty());
}

fn violation_paths(err: Error, expected_action: Action) -> Vec<String> {
    match err {
        Error::InvalidRequest { action, violations } => {
            assert_eq!(action, expected_action);
            violations.into_iter().map(|v| v.path).collect()
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

#[tokio::test]
async fn list_auto_accesses_decodes_the_reference_list() {
    let server = TestServer::start().await;
    server.reply(200, example_response("list_auto_accesses"));
    let list = server.client().list_auto_accesses().await.unwrap();
    server.assert_one("list_auto_accesses", json!({}));
    assert_eq!(list.len(), 1);
    let rule = &list[0];
    assert_eq!(rule.id, "1faad6f5f1d6e8fdf27e8af9839783b7");
    assert_eq!(
        rule.description.as_deref(),
        Some("Chats on livechat.com from United States")
    );
    assert_eq!(rule.access.as_ref().unwrap().groups, vec![0]);
    assert_eq!(rule.next_id.as_deref(), Some("pqi8oasdjahuakndw9nsad9na"));

    let conditions = rule.conditions.as_ref().unwrap();
    assert_eq!(conditions.url, None);
    let domain = conditions.domain.as_ref().unwrap();
    assert_eq!(domain.exclude_values, None);
    let values = domain.values.as_ref().unwrap();
    assert_eq!(values.len(), 1);
    assert_eq!(values[0].value, "livechat.com");
    assert_eq!(values[0].exact_match, Some(true));
    let geolocation = &conditions.geolocation.as_ref().unwrap().values;
    assert_eq!(geolocation.len(), 1);
    assert_eq!(geolocation[0].country.as_deref(), Some("United States"));
    assert_eq!(geolocation[0].country_code.as_deref(), Some("US"));
    assert_eq!(geolocation[0].region, None);
    assert_eq!(geolocation[0].city, None);
}

#[tokio::test]
async fn list_auto_accesses_decodes_the_last_rule_without_next_id() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!([{
            "id": "pqi8oasdjahuakndw9nsad9na",
            "access": {"groups": [3, 4]},
            "conditions": {
                "url": {"exclude_values": [{"value": "checkout", "exact_match": false}]},
                "geolocation": {"values": [{"region": "California", "city": "Mountain View"}]}
            }
        }]),
    );
    let list = server.client().list_auto_accesses().await.unwrap();
    server.assert_one("list_auto_accesses", json!({}));
    assert_eq!(list.len(), 1);
    let rule = &list[0];
    assert_eq!(rule.id, "pqi8oasdjahuakndw9nsad9na");
    assert_eq!(rule.description, None);
    assert_eq!(rule.next_id, None);
    assert_eq!(rule.access.as_ref().unwrap().groups, vec![3, 4]);
    let conditions = rule.conditions.as_ref().unwrap();
    assert_eq!(conditions.domain, None);
    let url = conditions.url.as_ref().unwrap();
    assert_eq!(url.values, None);
    let excluded = url.exclude_values.as_ref().unwrap();
    assert_eq!(excluded.len(), 1);
    assert_eq!(excluded[0].value, "checkout");
    assert_eq!(excluded[0].exact_match, Some(false));
    let geolocation = &conditions.geolocation.as_ref().unwrap().values;
    assert_eq!(geolocation.len(), 1);
    assert_eq!(geolocation[0].country, None);
    assert_eq!(geolocation[0].country_code, None);
    assert_eq!(geolocation[0].region.as_deref(), Some("California"));
    assert_eq!(geolocation[0].city.as_deref(), Some("Mountain View"));
}

#[tokio::test]
async fn delete_auto_access_sends_the_id() {
    let server = TestServer::start().await;
    server.reply(200, example_response("delete_auto_access"));
    let () = server
        .client()
        .delete_auto_access("pqi8oasdjahuakndw9nsad9na")
        .await
        .unwrap();
    server.assert_one(
        "delete_auto_access",
        json!({"id": "pqi8oasdjahuakndw9nsad9na"}),
    );
}

#[tokio::test]
async fn update_auto_access_sends_the_reference_request() {
    let server = TestServer::start().await;
    server.reply(200, example_response("update_auto_access"));
    let () = server
        .client()
        .update_auto_access("pqi8oasdjahuakndw9nsad9na")
        .access(Access::new([0, 42]))
        .next_id("1faad6f5f1d6e8fdf27e8af9839783b7")
        .await
        .unwrap();
    server.assert_one(
        "update_auto_access",
        json!({
            "id": "pqi8oasdjahuakndw9nsad9na",
            "access": {"groups": [0, 42]},
            "next_id": "1faad6f5f1d6e8fdf27e8af9839783b7"
        }),
    );
}

#[tokio::test]
async fn update_auto_access_sends_conditions_description_and_an_empty_next_id() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    let () = server
        .client()
        .update_auto_access("pqi8oasdjahuakndw9nsad9na")
        .conditions(
            Conditions::new()
                .url(
                    MatchCondition::new()
                        .values([MatchObject::new("livechat.com/pricing").exact_match(false)]),
                )
                .domain(
                    MatchCondition::new()
                        .values([MatchObject::new("livechat.com").exact_match(true)]),
                )
                .geolocation(GeolocationCondition::new([
                    Geolocation::new().country("Germany")
                ])),
        )
        .description("Pricing page visitors from Germany")
        .next_id("")
        .await
        .unwrap();
    server.assert_one(
        "update_auto_access",
        json!({
            "id": "pqi8oasdjahuakndw9nsad9na",
            "conditions": {
                "url": {"values": [{"value": "livechat.com/pricing", "exact_match": false}]},
                "domain": {"values": [{"value": "livechat.com", "exact_match": true}]},
                "geolocation": {"values": [{"country": "Germany"}]}
            },
            "description": "Pricing page visitors from Germany",
            "next_id": ""
        }),
    );
}
