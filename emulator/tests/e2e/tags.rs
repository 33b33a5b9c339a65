use crate::{emulator, kind};
use livechat_config::*;
use livechat_config_emulator::OWNER_ID;

#[tokio::test]
async fn create_is_case_insensitive_update_and_delete_are_not() {
    let emu = emulator().await;
    let client = emu.client();
    client.create_tag("docs_feedback").await.unwrap();
    assert_eq!(
        kind(client.create_tag("Docs_Feedback").await),
        ErrorKind::AlreadyExists
    );
    assert_eq!(
        kind(client.update_tag("DOCS_FEEDBACK").group_ids([0]).await),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(client.delete_tag("Docs_feedback").await),
        ErrorKind::NotFound
    );
    client
        .update_tag("docs_feedback")
        .group_ids([0])
        .await
        .unwrap();
    let tags = client.list_tags().await.unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].group_ids, Some(vec![0]));
    assert_eq!(tags[0].author_id.as_deref(), Some(OWNER_ID));
    assert!(tags[0].created_at.as_deref().unwrap().ends_with('Z'));
    client.delete_tag("docs_feedback").await.unwrap();
    assert!(client.list_tags().await.unwrap().is_empty());
}

#[tokio::test]
async fn group_ids_filter_and_unknown_groups() {
    let emu = emulator().await;
    let client = emu.client();
    let sales = client
        .create_group("Sales", [(OWNER_ID, Priority::Normal)])
        .await
        .unwrap();
    client.create_tag("general").group_ids([0]).await.unwrap();
    client
        .create_tag("sales")
        .group_ids([sales.id])
        .await
        .unwrap();
    client
        .create_tag("both")
        .group_ids([0, sales.id])
        .await
        .unwrap();
    client.create_tag("none").await.unwrap();
    let names = |tags: Vec<Tag>| tags.into_iter().map(|t| t.name).collect::<Vec<_>>();
    assert_eq!(
        names(
            client
                .list_tags()
                .filters(TagFilters::new([sales.id]))
                .await
                .unwrap()
        ),
        ["sales", "both"]
    );
    assert_eq!(
        names(
            client
                .list_tags()
                .filters(TagFilters::new([0]))
                .await
                .unwrap()
        ),
        ["general", "both"]
    );
    assert_eq!(names(client.list_tags().await.unwrap()).len(), 4);
    assert_eq!(
        kind(client.create_tag("bad").group_ids([42]).await),
        ErrorKind::GroupNotFound
    );
    assert_eq!(
        kind(client.update_tag("none").group_ids([42]).await),
        ErrorKind::GroupNotFound
    );
}
