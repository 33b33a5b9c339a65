use crate::{emulator, kind};
use livechat_config::*;
use livechat_config_emulator::OWNER_ID;

#[tokio::test]
async fn channels_follow_the_applications_with_bots() {
    let emu = emulator().await;
    let client = emu.client();
    let channels = client.list_channels().await.unwrap();
    let types: Vec<ChannelType> = channels.iter().map(|c| c.channel_type.clone()).collect();
    assert_eq!(types, [ChannelType::Code, ChannelType::DirectLink]);
    assert!(channels[0].first_activity_timestamp.ends_with('Z'));
    client
        .create_bot("B")
        .owner_client_id("c6e4f62e")
        .await
        .unwrap();
    let channels = client.list_channels().await.unwrap();
    assert_eq!(channels.len(), 3);
    assert_eq!(channels[2].channel_type, ChannelType::Integration);
    assert_eq!(channels[2].channel_subtype, "c6e4f62e");
}

#[tokio::test]
async fn product_limits_compare_the_license_with_the_plan() {
    let emu = emulator().await;
    let client = emu.client();
    assert!(
        client
            .check_product_limits_for_plan(Plan::Starter)
            .await
            .unwrap()
            .is_empty(),
        "a fresh license fits"
    );
    let g1 = client
        .create_group("One", [(OWNER_ID, Priority::Normal)])
        .await
        .unwrap();
    client
        .create_group("Two", [(OWNER_ID, Priority::Normal)])
        .await
        .unwrap();
    client
        .create_agent("a@example.com", "A")
        .groups([GroupAssignment::new(g1.id, Priority::Normal)])
        .await
        .unwrap();
    let over = client
        .check_product_limits_for_plan(Plan::Starter)
        .await
        .unwrap();
    let find = |resource: LimitResource, id: Option<&str>| {
        over.iter()
            .find(|b| b.resource == resource && b.id.as_deref() == id)
            .map(|b| b.limit_balance)
    };
    assert_eq!(find(LimitResource::Agents, None), Some(1));
    assert_eq!(find(LimitResource::Groups, None), Some(2));
    assert_eq!(find(LimitResource::GroupsPerAgent, Some(OWNER_ID)), Some(2));
    assert_eq!(
        find(LimitResource::GroupsPerAgent, Some("a@example.com")),
        None
    );
    assert!(client
        .check_product_limits_for_plan(Plan::Enterprise)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn product_source_email_and_company_details() {
    let emu = emulator().await;
    let client = emu.client();
    let source = client.get_product_source().await.unwrap();
    assert_eq!(source.source_id.as_deref(), Some("create_account_link"));
    assert_eq!(
        source.source_url.as_deref(),
        Some("https://accounts.livechat.com")
    );
    client.reactivate_email(OWNER_ID).await.unwrap();
    assert_eq!(
        kind(client.reactivate_email("ghost@example.com").await),
        ErrorKind::NotFound
    );
    client
        .update_company_details()
        .enrich(true)
        .company("Text")
        .url("www.text.com")
        .await
        .unwrap();
    let state = emu.state_json();
    assert_eq!(state["company"]["company"], "Text");
    assert_eq!(state["company"]["enrich"], true);
}
