//! The bots actions end to end: each test builds the call through the typed API, checks the exact
//! JSON body the server got and the typed values decoded from the reply.

use livechat_config::*;
use livechat_config_tests::{example_response, TestServer};
use serde_json::json;

#[tokio::test]
async fn create_bot_template_sends_every_parameter_and_decodes_id_and_secret() {
    let server = TestServer::start().await;
    server.reply(200, example_response("create_bot_template"));
    let created = server
        .client()
        .create_bot_template("Bot Name", "asXdesldiAJSq9padj")
        .avatar("https://example.com/avatar.jpg")
        .max_chats_count(6)
        .default_group_priority(Priority::First)
        .job_title("Support Bot")
        .affect_existing_installations(true)
        .await
        .unwrap();
    assert_eq!(created.id, "5c9871d5372c824cbf22d860a707a578");
    assert_eq!(created.secret, "641e2ae6d997d2009a3ac92a05f37fc3");
    server.assert_one(
        "create_bot_template",
        json!({
            "name": "Bot Name",
            "owner_client_id": "asXdesldiAJSq9padj",
            "avatar": "https://example.com/avatar.jpg",
            "max_chats_count": 6,
            "default_group_priority": "first",
            "job_title": "Support Bot",
            "affect_existing_installations": true
        }),
    );
}

#[tokio::test]
async fn create_bot_sends_groups_work_scheduler_and_owner_client_id() {
    let server = TestServer::start().await;
    server.reply(200, example_response("create_bot"));
    let created = server
        .client()
        .create_bot("Bot Name")
        .avatar("https://example.com/avatar.jpg")
        .max_chats_count(10)
        .default_group_priority(Priority::Normal)
        .job_title("Support Bot")
        .groups([
            GroupAssignment::new(0, Priority::First),
            GroupAssignment::new(2, Priority::Supervisor),
        ])
        .work_scheduler(
            WorkScheduler::new([
                ScheduleEntry::new(Day::Monday, true, "08:00", "16:00"),
                ScheduleEntry::new(Day::Sunday, false, "10:00", "12:00"),
            ])
            .timezone("Europe/Warsaw"),
        )
        // Required only when authorizing via PATs; with a bearer token it overrides the
        // token's client_id.
        .owner_client_id("asXdesldiAJSq9padj")
        .await
        .unwrap();
    assert_eq!(created.id, "5c9871d5372c824cbf22d860a707a578");
    assert_eq!(created.secret, "641e2ae6d997d2009a3ac92a05f37fc3");
    server.assert_one(
        "create_bot",
        json!({
            "name": "Bot Name",
            "avatar": "https://example.com/avatar.jpg",
            "max_chats_count": 10,
            "default_group_priority": "normal",
            "job_title": "Support Bot",
            "groups": [{"id": 0, "priority": "first"}, {"id": 2, "priority": "supervisor"}],
            "work_scheduler": {
                "timezone": "Europe/Warsaw",
                "schedule": [
                    {"day": "monday", "enabled": true, "start": "08:00", "end": "16:00"},
                    {"day": "sunday", "enabled": false, "start": "10:00", "end": "12:00"}
                ]
            },
            "owner_client_id": "asXdesldiAJSq9padj"
        }),
    );
}

#[tokio::test]
async fn create_bot_with_only_the_name_sends_the_reference_example() {
    let server = TestServer::start().await;
    server.reply(200, example_response("create_bot"));
    let created = server.client().create_bot("Bot Name").await.unwrap();
    assert_eq!(created.id, "5c9871d5372c824cbf22d860a707a578");
    assert_eq!(created.secret, "641e2ae6d997d2009a3ac92a05f37fc3");
    server.assert_one("create_bot", json!({"name": "Bot Name"}));
}

#[tokio::test]
async fn delete_bot_template_sends_owner_and_affect_existing_installations() {
    let server = TestServer::start().await;
    server.reply(200, example_response("delete_bot_template"));
    let deleted: Result<(), Error> = server
        .client()
        .delete_bot_template("505591fc9fc2d6e92798bed7d9d8f079", "asXdesldiAJSq9padj")
        .affect_existing_installations(true)
        .await;
    deleted.unwrap();
    server.assert_one(
        "delete_bot_template",
        json!({
            "id": "505591fc9fc2d6e92798bed7d9d8f079",
            "owner_client_id": "asXdesldiAJSq9padj",
            "affect_existing_installations": true
        }),
    );
}

#[tokio::test]
async fn delete_bot_sends_the_id() {
    let server = TestServer::start().await;
    server.reply(200, example_response("delete_bot"));
    let deleted: Result<(), Error> = server
        .client()
        .delete_bot("505591fc9fc2d6e92798bed7d9d8f079")
        .await;
    deleted.unwrap();
    server.assert_one(
        "delete_bot",
        json!({"id": "505591fc9fc2d6e92798bed7d9d8f079"}),
    );
}

#[tokio::test]
async fn update_bot_template_sends_every_parameter() {
    let server = TestServer::start().await;
    server.reply(200, example_response("update_bot_template"));
    let updated: Result<(), Error> = server
        .client()
        .update_bot_template("ce54714e3d2b53adbfff09dbdbdd56e9", "asXdesldiAJSq9padj")
        .name("New Bot Name")
        .avatar("https://example.com/new-avatar.jpg")
        .max_chats_count(500)
        .default_group_priority(Priority::Last)
        .job_title("Sales Bot")
        .affect_existing_installations(false)
        .await;
    updated.unwrap();
    server.assert_one(
        "update_bot_template",
        json!({
            "id": "ce54714e3d2b53adbfff09dbdbdd56e9",
            "owner_client_id": "asXdesldiAJSq9padj",
            "name": "New Bot Name",
            "avatar": "https://example.com/new-avatar.jpg",
            "max_chats_count": 500,
            "default_group_priority": "last",
            "job_title": "Sales Bot",
            "affect_existing_installations": false
        }),
    );
}

#[tokio::test]
async fn update_bot_sends_groups_priority_and_work_scheduler() {
    let server = TestServer::start().await;
    server.reply(200, example_response("update_bot"));
    let updated: Result<(), Error> = server
        .client()
        .update_bot("ce54714e3d2b53adbfff09dbdbdd56e9")
        .name("New Bot Name")
        .avatar("https://example.com/new-avatar.jpg")
        .max_chats_count(3)
        .groups([
            GroupAssignment::new(1, Priority::Normal),
            GroupAssignment::new(19, Priority::Last),
        ])
        .default_group_priority(Priority::Supervisor)
        .work_scheduler(
            WorkScheduler::new([ScheduleEntry::new(Day::Friday, true, "09:00", "17:30")])
                .timezone("America/New_York"),
        )
        .await;
    updated.unwrap();
    server.assert_one(
        "update_bot",
        json!({
            "id": "ce54714e3d2b53adbfff09dbdbdd56e9",
            "name": "New Bot Name",
            "avatar": "https://example.com/new-avatar.jpg",
            "max_chats_count": 3,
            "groups": [{"id": 1, "priority": "normal"}, {"id": 19, "priority": "last"}],
            "default_group_priority": "supervisor",
            "work_scheduler": {
                "timezone": "America/New_York",
                "schedule": [{"day": "friday", "enabled": true, "start": "09:00", "end": "17:30"}]
            }
        }),
    );
}

#[tokio::test]
async fn list_bot_templates_sends_the_owner_and_decodes_the_templates() {
    let server = TestServer::start().await;
    server.reply(200, example_response("list_bot_templates"));
    let templates = server
        .client()
        .list_bot_templates("asXdesldiAJSq9padj")
        .await
        .unwrap();
    assert_eq!(templates.len(), 1);
    assert_eq!(templates[0].id, "2c1b8da190222160e8f9e077af4c625b");
    assert_eq!(templates[0].name, "Bot Name");
    assert_eq!(
        templates[0].avatar_path.as_deref(),
        Some("example.com/avatar.jpg")
    );
    server.assert_one(
        "list_bot_templates",
        json!({"owner_client_id": "asXdesldiAJSq9padj"}),
    );
}

#[tokio::test]
async fn list_bots_sends_all_and_fields_and_decodes_the_example() {
    let server = TestServer::start().await;
    server.reply(200, example_response("list_bots"));
    let bots = server
        .client()
        .list_bots()
        .all(false)
        .fields([BotField::Groups, BotField::JobTitle])
        .await
        .unwrap();
    assert_eq!(bots.len(), 1);
    let bot = &bots[0];
    assert_eq!(bot.id, "2c1b8da190222160e8f9e077af4c625b");
    assert_eq!(bot.name, "Bot Name");
    assert_eq!(bot.avatar_path.as_deref(), Some("example.com/avatar.jpg"));
    assert_eq!(bot.default_group_priority, None);
    assert_eq!(bot.owner_client_id, None);
    assert_eq!(bot.max_chats_count, None);
    assert_eq!(bot.groups, None);
    assert_eq!(bot.work_scheduler, None);
    assert_eq!(bot.job_title, None);
    assert_eq!(bot.timezone, None);
    server.assert_one(
        "list_bots",
        json!({"all": false, "fields": ["groups", "job_title"]}),
    );
}

#[tokio::test]
async fn list_bots_decodes_every_additional_field() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!([
            {
                "id": "2c1b8da190222160e8f9e077af4c625b",
                "name": "Bot Name",
                "avatar_path": "example.com/avatar.jpg",
                "groups": [{"id": 0, "priority": "first"}, {"id": 4, "priority": "supervisor"}],
                "work_scheduler": {
                    "timezone": "Europe/Warsaw",
                    "schedule": [
                        {"day": "tuesday", "enabled": true, "start": "08:00", "end": "16:00"}
                    ]
                },
                "job_title": "Support Bot",
                "max_chats_count": 12,
                "timezone": "Europe/Warsaw"
            },
            {"id": "8b1a9953c4611296a827abf8c47804d7", "name": "Second Bot"}
        ]),
    );
    let bots = server
        .client()
        .list_bots()
        .all(true)
        .fields([
            BotField::WorkScheduler,
            BotField::Groups,
            BotField::JobTitle,
            BotField::MaxChatsCount,
            BotField::Timezone,
        ])
        .await
        .unwrap();
    assert_eq!(bots.len(), 2);

    let first = &bots[0];
    assert_eq!(first.id, "2c1b8da190222160e8f9e077af4c625b");
    assert_eq!(first.name, "Bot Name");
    let groups = first.groups.as_ref().expect("groups");
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0].id, 0);
    assert_eq!(groups[0].priority, Priority::First);
    assert_eq!(groups[1].id, 4);
    assert_eq!(groups[1].priority, Priority::Supervisor);
    let scheduler = first.work_scheduler.as_ref().expect("work_scheduler");
    assert_eq!(scheduler.timezone.as_deref(), Some("Europe/Warsaw"));
    assert_eq!(scheduler.schedule.len(), 1);
    assert_eq!(scheduler.schedule[0].day, Day::Tuesday);
    assert!(scheduler.schedule[0].enabled);
    assert_eq!(scheduler.schedule[0].start, "08:00");
    assert_eq!(scheduler.schedule[0].end, "16:00");
    assert_eq!(first.job_title.as_deref(), Some("Support Bot"));
    assert_eq!(first.max_chats_count, Some(12));
    assert_eq!(first.timezone.as_deref(), Some("Europe/Warsaw"));

    let second = &bots[1];
    assert_eq!(second.id, "8b1a9953c4611296a827abf8c47804d7");
    assert_eq!(second.name, "Second Bot");
    assert_eq!(second.avatar_path, None);
    assert_eq!(second.groups, None);
    assert_eq!(second.work_scheduler, None);

    server.assert_one(
        "list_bots",
        json!({
            "all": true,
            "fields": ["work_scheduler", "groups", "job_title", "max_chats_count", "timezone"]
        }),
    );
}

#[tokio::test]
async fn get_bot_sends_fields_and_decodes_the_reference_example() {
    let server = TestServer::start().await;
    server.reply(200, example_response("get_bot"));
    let bot = server
        .client()
        .get_bot("5c9871d5372c824cbf22d860a707a578")
        .fields([BotField::Groups, BotField::MaxChatsCount])
        .await
        .unwrap();
    assert_eq!(bot.id, "5c9871d5372c824cbf22d860a707a578");
    assert_eq!(bot.name, "John Doe");
    assert_eq!(
        bot.avatar_path.as_deref(),
        Some("https://example.com/avatar.jpg")
    );
    assert_eq!(bot.default_group_priority, Some(Priority::First));
    assert_eq!(bot.owner_client_id.as_deref(), Some("asXdesldiAJSq9padj"));
    assert_eq!(bot.max_chats_count, Some(6));
    let groups = bot.groups.as_ref().expect("groups");
    let decoded: Vec<(u64, &Priority)> = groups.iter().map(|g| (g.id, &g.priority)).collect();
    assert_eq!(
        decoded,
        vec![
            (0, &Priority::Normal),
            (1, &Priority::Normal),
            (2, &Priority::First)
        ]
    );
    assert_eq!(bot.work_scheduler, None);
    assert_eq!(bot.job_title, None);
    assert_eq!(bot.timezone, None);
    server.assert_one(
        "get_bot",
        json!({
            "id": "5c9871d5372c824cbf22d860a707a578",
            "fields": ["groups", "max_chats_count"]
        }),
    );
}

#[tokio::test]
async fn issue_bot_token_sends_the_reference_example_and_decodes_the_token() {
    let server = TestServer::start().await;
    server.reply(200, example_response("issue_bot_token"));
    let issued = server
        .client()
        .issue_bot_token(
            "5c9871d5372c824cbf22d860a707a578",
            "238ac5c3c3628210aca289c6d700d2c1",
            "641e2ae6d997d2009a3ac92a05f37fc3",
            "1a8a9ec7-bd5d-4400-9204-3826740981e0",
        )
        .await
        .unwrap();
    assert_eq!(issued.token, "<JWT Bot token>");
    server.assert_one(
        "issue_bot_token",
        json!({
            "bot_id": "5c9871d5372c824cbf22d860a707a578",
            "client_id": "238ac5c3c3628210aca289c6d700d2c1",
            "bot_secret": "641e2ae6d997d2009a3ac92a05f37fc3",
            "organization_id": "1a8a9ec7-bd5d-4400-9204-3826740981e0"
        }),
    );
}

#[tokio::test]
async fn reset_bot_template_secret_sends_owner_and_affect_existing_installations() {
    let server = TestServer::start().await;
    server.reply(200, example_response("reset_bot_template_secret"));
    let reset = server
        .client()
        .reset_bot_template_secret("5c9871d5372c824cbf22d860a707a578", "asXdesldiAJSq9padj")
        .affect_existing_installations(true)
        .await
        .unwrap();
    assert_eq!(reset.secret, "641e2ae6d997d2009a3ac92a05f37fc3");
    server.assert_one(
        "reset_bot_template_secret",
        json!({
            "id": "5c9871d5372c824cbf22d860a707a578",
            "owner_client_id": "asXdesldiAJSq9padj",
            "affect_existing_installations": true
        }),
    );
}

#[tokio::test]
async fn reset_bot_secret_sends_the_conditional_owner_client_id() {
    let server = TestServer::start().await;
    server.reply(200, example_response("reset_bot_secret"));
    let reset = server
        .client()
        .reset_bot_secret("5c9871d5372c824cbf22d860a707a578")
        .owner_client_id("asXdesldiAJSq9padj")
        .await
        .unwrap();
    assert_eq!(reset.secret, "641e2ae6d997d2009a3ac92a05f37fc3");
    server.assert_one(
        "reset_bot_secret",
        json!({
            "id": "5c9871d5372c824cbf22d860a707a578",
            "owner_client_id": "asXdesldiAJSq9padj"
        }),
    );
}

#[tokio::test]
async fn reset_bot_secret_without_owner_client_id_sends_the_reference_example() {
    let server = TestServer::start().await;
    server.reply(200, example_response("reset_bot_secret"));
    let reset = server
        .client()
        .reset_bot_secret("5c9871d5372c824cbf22d860a707a578")
        .await
        .unwrap();
    assert_eq!(reset.secret, "641e2ae6d997d2009a3ac92a05f37fc3");
    server.assert_one(
        "reset_bot_secret",
        json!({"id": "5c9871d5372c824cbf22d860a707a578"}),
    );
}
