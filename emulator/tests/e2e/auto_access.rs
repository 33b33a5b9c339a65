use crate::{emulator, kind};
use livechat_config::*;

fn conditions(site: &str) -> Conditions {
    Conditions::new().url(MatchCondition::new().values([MatchObject::new(site)]))
}

async fn add(client: &Client, name: &str, next_id: Option<&str>) -> String {
    let call = client
        .add_auto_access(Access::new([0]), conditions(name))
        .description(name);
    let call = match next_id {
        Some(next) => call.next_id(next),
        None => call,
    };
    call.await.unwrap().id
}

/// The list as its `next_id` links read, by description, checking the links are consistent.
async fn chain(client: &Client) -> Vec<String> {
    let rules = client.list_auto_accesses().await.unwrap();
    for pair in rules.windows(2) {
        assert_eq!(pair[0].next_id.as_deref(), Some(pair[1].id.as_str()));
    }
    if let Some(last) = rules.last() {
        assert_eq!(last.next_id, None, "the last rule points nowhere");
    }
    rules.into_iter().map(|r| r.description.unwrap()).collect()
}

#[tokio::test]
async fn the_references_reorder_example() {
    let emu = emulator().await;
    let client = emu.client();
    let d = add(&client, "D", None).await;
    let c = add(&client, "C", Some(&d)).await;
    let b = add(&client, "B", Some(&c)).await;
    let a = add(&client, "A", Some(&b)).await;
    assert_eq!(chain(&client).await, ["A", "B", "C", "D"]);

    client.update_auto_access(&c).next_id(&b).await.unwrap();
    assert_eq!(chain(&client).await, ["A", "C", "B", "D"]);

    client.update_auto_access(&a).next_id("").await.unwrap();
    assert_eq!(chain(&client).await, ["C", "B", "D", "A"]);
    client.update_auto_access(&a).next_id(&c).await.unwrap();
    assert_eq!(chain(&client).await, ["A", "C", "B", "D"]);
    client.update_auto_access(&d).next_id(&a).await.unwrap();
    assert_eq!(chain(&client).await, ["D", "A", "C", "B"]);
}

#[tokio::test]
async fn update_without_next_id_keeps_the_order_and_overwrites_fields() {
    let emu = emulator().await;
    let client = emu.client();
    let group = client.create_group("G", []).await.unwrap();
    let first = add(&client, "first", None).await;
    add(&client, "second", None).await;
    client
        .update_auto_access(&first)
        .access(Access::new([0, group.id]))
        .description("renamed")
        .await
        .unwrap();
    assert_eq!(chain(&client).await, ["renamed", "second"]);
    let rules = client.list_auto_accesses().await.unwrap();
    assert_eq!(rules[0].access.as_ref().unwrap().groups, [0, group.id]);
    assert_eq!(
        rules[0].conditions,
        Some(conditions("first")),
        "conditions not given stay"
    );
}

#[tokio::test]
async fn delete_relinks_and_bad_ids_fail() {
    let emu = emulator().await;
    let client = emu.client();
    let a = add(&client, "A", None).await;
    let b = add(&client, "B", None).await;
    add(&client, "C", None).await;
    client.delete_auto_access(&b).await.unwrap();
    assert_eq!(chain(&client).await, ["A", "C"]);
    assert_eq!(
        kind(client.delete_auto_access(&b).await),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(client.update_auto_access(&b).description("x").await),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(client.update_auto_access(&a).next_id(&b).await),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(client.update_auto_access(&a).next_id(&a).await),
        ErrorKind::Validation
    );
    let bad_next = client
        .add_auto_access(Access::new([0]), conditions("x"))
        .next_id("missing")
        .await;
    assert_eq!(kind(bad_next), ErrorKind::NotFound);
    let bad_group = client
        .add_auto_access(Access::new([9]), conditions("x"))
        .await;
    assert_eq!(kind(bad_group), ErrorKind::GroupNotFound);
    assert_eq!(
        chain(&client).await,
        ["A", "C"],
        "failed calls change nothing"
    );
}
