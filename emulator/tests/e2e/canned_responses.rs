//! v3.7's canned responses through the sdk's `v3_7::Client`: per group, with tags, private to
//! their author, paged with opaque page ids, and reached per group without the `--all` scopes.

use crate::{emulator, kind, post, preview};
use livechat_config::v3_7;
use livechat_config::*;
use livechat_config_emulator::{Emulator, Token, DEFAULT_TOKEN, OWNER_ID};
use serde_json::json;

async fn create(client: &v3_7::Client, text: &str, group: u64, private: bool) -> u64 {
    client
        .create_canned_response(text, ["support"], group)
        .is_private(private)
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn created_updated_listed_and_deleted_with_tags_authors_and_times() {
    let emu = emulator().await;
    let client = preview(&emu);
    let id = client
        .create_canned_response(
            " Thank you for contacting us! <b>How can I help?</b> ",
            ["greeting", "support", "greeting"],
            0,
        )
        .await
        .unwrap()
        .id;
    let listed = client.list_canned_responses().await.unwrap();
    assert_eq!(listed.found_canned_responses, 1);
    assert_eq!(listed.next_page_id, None);
    let canned = &listed.canned_responses[0];
    assert_eq!(canned.id, id);
    assert_eq!(canned.text, "Thank you for contacting us! How can I help?");
    assert_eq!(canned.tags, ["greeting", "support"]);
    assert_eq!((canned.group_id, canned.is_private), (0, false));
    assert_eq!(canned.author_id.as_deref(), Some(OWNER_ID));
    assert_eq!(canned.created_at, canned.updated_at);

    client
        .update_canned_response(id)
        .text("We'll get back to you within 24 hours.")
        .tags(["follow-up"])
        .await
        .unwrap();
    let updated = &client
        .list_canned_responses()
        .await
        .unwrap()
        .canned_responses[0];
    assert_eq!(updated.text, "We'll get back to you within 24 hours.");
    assert_eq!(updated.tags, ["follow-up"]);
    assert!(updated.updated_at > canned.updated_at);
    assert_eq!(updated.created_at, canned.created_at);

    client.delete_canned_response(id).await.unwrap();
    assert_eq!(
        kind(client.delete_canned_response(id).await),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(client.update_canned_response(id).text("x").await),
        ErrorKind::NotFound
    );
    // Ids are not reused.
    assert!(create(&client, "Next", 0, false).await > id);

    assert_eq!(
        kind(client.create_canned_response("Hi", ["a"], 42).await),
        ErrorKind::GroupNotFound
    );
    assert_eq!(
        kind(client.create_canned_response("<p></p> ", ["a"], 0).await),
        ErrorKind::Validation
    );
    assert_eq!(
        client
            .list_canned_responses()
            .await
            .unwrap()
            .found_canned_responses,
        1
    );
}

#[tokio::test]
async fn private_ones_are_listed_only_when_asked_for() {
    let emu = emulator().await;
    let client = preview(&emu);
    let public = create(&client, "Public", 0, false).await;
    let private = create(&client, "Private", 0, true).await;
    let ids = |list: v3_7::ListCannedResponsesResponse| -> Vec<u64> {
        list.canned_responses.iter().map(|c| c.id).collect()
    };
    assert_eq!(ids(client.list_canned_responses().await.unwrap()), [public]);
    assert_eq!(
        ids(client
            .list_canned_responses()
            .include_private(true)
            .await
            .unwrap()),
        [public, private]
    );
    client
        .update_canned_response(private)
        .is_private(false)
        .await
        .unwrap();
    assert_eq!(
        ids(client.list_canned_responses().await.unwrap()),
        [public, private]
    );
}

#[tokio::test]
async fn all_walks_every_page_keeping_the_filters_and_a_foreign_page_id_is_refused() {
    let emu = emulator().await;
    let client = preview(&emu);
    let sales = emu
        .client()
        .create_group("Sales", [(OWNER_ID, Priority::Normal)])
        .await
        .unwrap()
        .id;
    let mut in_sales = Vec::new();
    for i in 0..7 {
        create(&client, &format!("General {i}"), 0, false).await;
        in_sales.push(create(&client, &format!("Sales {i}"), sales, i % 3 == 0).await);
    }
    let all = client
        .list_canned_responses()
        .group_ids([sales])
        .include_private(true)
        .limit(2)
        .all()
        .await
        .unwrap();
    let ids: Vec<u64> = all.iter().map(|c| c.id).collect();
    assert_eq!(ids, in_sales);

    let first = client
        .list_canned_responses()
        .group_ids([sales])
        .limit(3)
        .await
        .unwrap();
    assert_eq!(first.found_canned_responses, 4, "the public ones of Sales");
    assert_eq!(first.canned_responses.len(), 3);
    let page_id = first.next_page_id.unwrap();
    let second = client
        .list_canned_responses()
        .group_ids([sales])
        .limit(3)
        .page_id(&page_id)
        .await
        .unwrap();
    assert_eq!(second.canned_responses.len(), 1);
    assert_eq!(second.next_page_id, None);

    // A page of one listing is not a page of another, nor is anything made by hand.
    assert_eq!(
        kind(
            client
                .list_canned_responses()
                .group_ids([0])
                .page_id(&page_id)
                .await
        ),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(client.list_canned_responses().page_id("MTIzNDY=").await),
        ErrorKind::Validation
    );
    let auth = format!("Bearer {DEFAULT_TOKEN}");
    let (status, reply) = post(
        &emu,
        "/v3.7/configuration/action/list_greetings",
        &[("authorization", &auth)],
        &json!({ "page_id": page_id }).to_string(),
    )
    .await;
    assert_eq!(
        (status, reply["error"]["type"].as_str()),
        (400, Some("validation"))
    );
}

#[tokio::test]
async fn without_the_all_scopes_an_agent_reaches_only_its_groups_and_its_own_private_ones() {
    let agent = "smith@example.com";
    let emu = Emulator::builder()
        .seed(1)
        .token(Token::bearer("dc:groups-only").agent_id(agent).scopes([
            "canned_responses_write",
            "canned_responses--groups:rw",
            "canned_responses--groups:ro",
        ]))
        .start()
        .await
        .unwrap();
    let admin = preview(&emu);
    admin
        .create_agent(agent, "Agent Smith")
        .groups([v3_7::GroupAssignment::new(0, v3_7::Priority::Normal)])
        .await
        .unwrap();
    let other = emu
        .client()
        .create_group("Other", [(OWNER_ID, Priority::Normal)])
        .await
        .unwrap()
        .id;
    let elsewhere = create(&admin, "Elsewhere", other, false).await;
    let owners_private = create(&admin, "Owner's", 0, true).await;
    let general = create(&admin, "General", 0, false).await;

    let smith = v3_7::Client::from(emu.client_with(Credentials::bearer("dc:groups-only")));
    let mine = create(&smith, "Smith's", 0, true).await;
    let listed: Vec<u64> = smith
        .list_canned_responses()
        .include_private(true)
        .all()
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(listed, [general, mine]);
    assert_eq!(
        kind(smith.list_canned_responses().group_ids([other]).await),
        ErrorKind::Authorization
    );
    assert_eq!(
        kind(
            smith
                .list_canned_responses()
                .include_all_private(true)
                .await
        ),
        ErrorKind::Authorization
    );
    assert_eq!(
        kind(
            smith
                .update_canned_response(elsewhere)
                .text("Mine now")
                .await
        ),
        ErrorKind::Authorization
    );
    assert_eq!(
        kind(smith.delete_canned_response(owners_private).await),
        ErrorKind::Authorization
    );
    assert_eq!(
        kind(smith.update_canned_response(general).group_id(other).await),
        ErrorKind::Authorization
    );
    smith
        .update_canned_response(general)
        .text("General, edited")
        .await
        .unwrap();
    let edited = admin.list_canned_responses().all().await.unwrap();
    let edited = edited.iter().find(|c| c.id == general).unwrap();
    assert_eq!(edited.author_id.as_deref(), Some(agent));

    // The owner's token has every scope: every group, and every private one on request.
    let everything = admin
        .list_canned_responses()
        .include_all_private(true)
        .all()
        .await
        .unwrap();
    assert_eq!(everything.len(), 4);
}

#[tokio::test]
async fn a_groups_canned_responses_go_with_it() {
    let emu = emulator().await;
    let client = preview(&emu);
    let sales = emu
        .client()
        .create_group("Sales", [(OWNER_ID, Priority::Normal)])
        .await
        .unwrap()
        .id;
    let kept = create(&client, "Kept", 0, false).await;
    create(&client, "Gone", sales, false).await;
    emu.client().delete_group(sales).await.unwrap();
    let left: Vec<u64> = client
        .list_canned_responses()
        .all()
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(left, [kept]);
}
