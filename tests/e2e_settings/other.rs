use livechat_config::*;
use livechat_config_tests::{example_response, TestServer};
use serde_json::json;

#[tokio::test]
async fn list_channels_decodes_every_channel_type() {
    let server = TestServer::start().await;
    server.reply(200, example_response("list_channels"));
    let channels = server.client().list_channels().await.unwrap();
    server.assert_one("list_channels", json!({}));

    assert_eq!(channels.len(), 3);
    assert_eq!(channels[0].channel_type, ChannelType::Code);
    assert_eq!(channels[0].channel_subtype, "");
    assert_eq!(channels[0].first_activity_timestamp, "2017-10-12T13:56:16Z");
    assert_eq!(channels[1].channel_type, ChannelType::DirectLink);
    assert_eq!(channels[1].channel_subtype, "");
    assert_eq!(channels[1].first_activity_timestamp, "2017-10-12T15:20:00Z");
    assert_eq!(channels[2].channel_type, ChannelType::Integration);
    assert_eq!(
        channels[2].channel_subtype,
        "c6e4f62e2a2dab12531235b12c5a2a6b"
    );
    assert_eq!(channels[2].first_activity_timestamp, "2019-08-16T16:55:51Z");
}

#[tokio::test]
async fn check_product_limits_for_plan_sends_the_plan_and_decodes_every_balance() {
    let server = TestServer::start().await;
    server.reply(200, example_response("check_product_limits_for_plan"));
    let balances = server
        .client()
        .check_product_limits_for_plan(Plan::Starter)
        .await
        .unwrap();
    server.assert_one("check_product_limits_for_plan", json!({"plan": "starter"}));

    let decoded: Vec<(LimitResource, i64, Option<&str>)> = balances
        .iter()
        .map(|b| (b.resource.clone(), b.limit_balance, b.id.as_deref()))
        .collect();
    assert_eq!(
        decoded,
        vec![
            (LimitResource::Groups, 1, None),
            (LimitResource::GroupsPerAgent, 2, Some("user@example.com")),
            (LimitResource::GroupChooserGroups, 3, Some("0")),
            (LimitResource::Queue, 4, None),
            (LimitResource::Queue, 4, Some("0")),
            (LimitResource::QueueContinuous, 1, None),
            (LimitResource::QueueContinuous, 1, Some("0")),
            (LimitResource::AccessRules, 1, None),
        ]
    );
}

#[tokio::test]
async fn check_product_limits_for_plan_sends_enterpriseplus_and_decodes_the_other_resources() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!([
            {"resource": "agents", "limit_balance": 5},
            {"resource": "banned", "limit_balance": 120}
        ]),
    );
    let balances = server
        .client()
        .check_product_limits_for_plan(Plan::Enterpriseplus)
        .await
        .unwrap();
    server.assert_one(
        "check_product_limits_for_plan",
        json!({"plan": "enterpriseplus"}),
    );
    assert_eq!(balances.len(), 2);
    assert_eq!(balances[0].resource, LimitResource::Agents);
    assert_eq!(balances[0].limit_balance, 5);
    assert_eq!(balances[0].id, None);
    assert_eq!(balances[1].resource, LimitResource::Banned);
    assert_eq!(balances[1].limit_balance, 120);
    assert_eq!(balances[1].id, None);
}

#[tokio::test]
async fn get_product_source_decodes_the_source() {
    let server = TestServer::start().await;
    server.reply(200, example_response("get_product_source"));
    let source = server.client().get_product_source().await.unwrap();
    server.assert_one("get_product_source", json!({}));
    assert_eq!(source.source_id.as_deref(), Some("create_account_link"));
    assert_eq!(source.source_type.as_deref(), Some("accounts"));
    assert_eq!(
        source.source_url.as_deref(),
        Some("https://accounts.livechat.com")
    );
}

#[tokio::test]
async fn reactivate_email_sends_the_agent_id() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server
        .client()
        .reactivate_email("smith@example.com")
        .await
        .unwrap();
    server.assert_one("reactivate_email", json!({"agent_id": "smith@example.com"}));
}

#[tokio::test]
async fn update_company_details_sends_the_reference_example() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server
        .client()
        .update_company_details()
        .enrich(true)
        .url("www.text.com")
        .await
        .unwrap();
    server.assert_one(
        "update_company_details",
        json!({"enrich": true, "url": "www.text.com"}),
    );
}

#[tokio::test]
async fn update_company_details_sends_every_optional_field() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server
        .client()
        .update_company_details()
        .enrich(false)
        .audience("b2b")
        .chat_purpose("customer_service")
        .city("Wroclaw")
        .company("Text Ltd")
        .company_size("51-200")
        .country("Poland")
        .invoice_email("invoices@text.com")
        .invoice_name("Text Ltd Accounts")
        .nip("PL1234567890")
        .postal_code("50-001")
        .state("Dolnoslaskie")
        .street("Rynek 1")
        .phone("+48 71 000 00 00")
        .province("Lower Silesia")
        .url("www.text.com")
        .await
        .unwrap();
    server.assert_one(
        "update_company_details",
        json!({
            "enrich": false,
            "audience": "b2b",
            "chat_purpose": "customer_service",
            "city": "Wroclaw",
            "company": "Text Ltd",
            "company_size": "51-200",
            "country": "Poland",
            "invoice_email": "invoices@text.com",
            "invoice_name": "Text Ltd Accounts",
            "nip": "PL1234567890",
            "postal_code": "50-001",
            "state": "Dolnoslaskie",
            "street": "Rynek 1",
            "phone": "+48 71 000 00 00",
            "province": "Lower Silesia",
            "url": "www.text.com"
        }),
    );
}
