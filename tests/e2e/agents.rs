use livechat_config::*;
use livechat_config_tests::{example_response, TestServer};
use serde_json::json;

#[tokio::test]
async fn create_agent_sends_every_parameter_and_decodes_the_id() {
    let server = TestServer::start().await;
    server.reply(200, example_response("create_agent"));
    let created = server
        .client()
        .create_agent("smith@example.com", "Agent Smith")
        .role(Role::Viceowner)
        .groups([
            GroupAssignment::new(5, Priority::First),
            GroupAssignment::new(2, Priority::Last),
        ])
        .work_scheduler(
            WorkScheduler::new([ScheduleEntry::new(Day::Monday, true, "08:00", "12:30")])
                .timezone("Europe/Warsaw"),
        )
        .notifications([Notification::NewVisitor])
        .email_subscriptions([EmailSubscription::WeeklySummary])
        .max_chats_count(6)
        .await
        .unwrap();
    assert_eq!(created.id, "smith@example.com");
    server.assert_one(
        "create_agent",
        json!({
            "id": "smith@example.com",
            "name": "Agent Smith",
            "role": "viceowner",
            "groups": [{"id": 5, "priority": "first"}, {"id": 2, "priority": "last"}],
            "work_scheduler": {
                "timezone": "Europe/Warsaw",
                "schedule": [{"day": "monday", "enabled": true, "start": "08:00", "end": "12:30"}]
            },
            "notifications": ["new_visitor"],
            "email_subscriptions": ["weekly_summary"],
            "max_chats_count": 6
        }),
    );
}

#[tokio::test]
async fn get_agent_sends_every_field_name_and_decodes_the_reference_agent() {
    let server = TestServer::start().await;
    server.reply(200, example_response("get_agent"));
    let agent = server
        .client()
        .get_agent("smith@example.com")
        .fields([
            AgentField::WorkScheduler,
            AgentField::Groups,
            AgentField::EmailSubscriptions,
            AgentField::Notifications,
            AgentField::JobTitle,
            AgentField::Mobile,
            AgentField::MaxChatsCount,
            AgentField::Suspended,
            AgentField::AwaitingApproval,
            AgentField::LastLogout,
        ])
        .await
        .unwrap();
    server.assert_one(
        "get_agent",
        json!({
            "id": "smith@example.com",
            "fields": [
                "work_scheduler", "groups", "email_subscriptions", "notifications", "job_title",
                "mobile", "max_chats_count", "suspended", "awaiting_approval", "last_logout"
            ]
        }),
    );
    assert_eq!(agent.id, "smith@example.com");
    assert_eq!(
        agent.account_id.as_deref(),
        Some("d24fa41e-bc16-41b8-a15b-9ca45ff7e0cf")
    );
    assert_eq!(agent.name, "Agent Smith");
    assert_eq!(
        agent.avatar.as_deref(),
        Some("https://domain.com/avatar.image.jpg")
    );
    assert_eq!(agent.avatar_path, None);
    assert_eq!(agent.role, Some(Role::Administrator));
    assert_eq!(agent.login_status, Some(LoginStatus::AcceptingChats));
    assert_eq!(agent.job_title, None);
    assert_eq!(agent.mobile, None);
    assert_eq!(agent.max_chats_count, None);
    assert_eq!(agent.groups, None);
    assert_eq!(agent.notifications, None);
    assert_eq!(agent.email_subscriptions, None);
    assert_eq!(agent.summaries, None);
    assert_eq!(agent.work_scheduler, None);
    assert_eq!(agent.suspended, None);
    assert_eq!(agent.awaiting_approval, None);
    assert_eq!(agent.last_logout, None);
}

#[tokio::test]
async fn get_agent_decodes_every_requested_field() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!({
            "id": "smith@example.com",
            "account_id": "d24fa41e-bc16-41b8-a15b-9ca45ff7e0cf",
            "name": "Agent Smith",
            "avatar": "https://domain.com/avatar.image.jpg",
            "role": "viceowner",
            "login_status": "not accepting chats",
            "job_title": "Support Hero",
            "mobile": "+48 123 456 789",
            "max_chats_count": 6,
            "groups": [{"id": 5, "priority": "first"}, {"id": 1, "priority": "supervisor"}],
            "notifications": ["new_visitor", "incoming_message_for_focused_chat"],
            "email_subscriptions": ["daily_summary"],
            "work_scheduler": {
                "timezone": "Europe/Warsaw",
                "schedule": [
                    {"day": "monday", "enabled": true, "start": "08:00", "end": "12:30"},
                    {"day": "sunday", "enabled": false, "start": "10:00", "end": "14:00"}
                ]
            },
            "suspended": false,
            "awaiting_approval": true,
            "last_logout": "2022-08-23T14:31:21.000000Z"
        }),
    );
    let agent = server
        .client()
        .get_agent("smith@example.com")
        .fields([AgentField::Groups, AgentField::WorkScheduler])
        .await
        .unwrap();
    server.assert_one(
        "get_agent",
        json!({"id": "smith@example.com", "fields": ["groups", "work_scheduler"]}),
    );
    assert_eq!(agent.id, "smith@example.com");
    assert_eq!(agent.name, "Agent Smith");
    assert_eq!(agent.role, Some(Role::Viceowner));
    assert_eq!(agent.login_status, Some(LoginStatus::NotAcceptingChats));
    assert_eq!(agent.job_title.as_deref(), Some("Support Hero"));
    assert_eq!(agent.mobile.as_deref(), Some("+48 123 456 789"));
    assert_eq!(agent.max_chats_count, Some(6));
    let groups = agent.groups.unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0].id, 5);
    assert_eq!(groups[0].priority, Priority::First);
    assert_eq!(groups[1].id, 1);
    assert_eq!(groups[1].priority, Priority::Supervisor);
    assert_eq!(
        agent.notifications,
        Some(vec![
            Notification::NewVisitor,
            Notification::IncomingMessageForFocusedChat
        ])
    );
    assert_eq!(
        agent.email_subscriptions,
        Some(vec![EmailSubscription::DailySummary])
    );
    assert_eq!(agent.summaries, None);
    let scheduler = agent.work_scheduler.unwrap();
    assert_eq!(scheduler.timezone.as_deref(), Some("Europe/Warsaw"));
    assert_eq!(scheduler.schedule.len(), 2);
    assert_eq!(scheduler.schedule[0].day, Day::Monday);
    assert!(scheduler.schedule[0].enabled);
    assert_eq!(scheduler.schedule[0].start, "08:00");
    assert_eq!(scheduler.schedule[0].end, "12:30");
    assert_eq!(scheduler.schedule[1].day, Day::Sunday);
    assert!(!scheduler.schedule[1].enabled);
    assert_eq!(scheduler.schedule[1].start, "10:00");
    assert_eq!(scheduler.schedule[1].end, "14:00");
    assert_eq!(agent.suspended, Some(false));
    assert_eq!(agent.awaiting_approval, Some(true));
    assert_eq!(
        agent.last_logout.as_deref(),
        Some("2022-08-23T14:31:21.000000Z")
    );
}

#[tokio::test]
async fn list_agents_sends_fields_and_filters_and_decodes_the_reference_list() {
    let server = TestServer::start().await;
    server.reply(200, example_response("list_agents"));
    let agents = server
        .client()
        .list_agents()
        .fields([
            AgentField::EmailSubscriptions,
            AgentField::MaxChatsCount,
            AgentField::JobTitle,
            AgentField::LastLogout,
        ])
        .filters(AgentFilters::new().group_ids([0, 1]))
        .await
        .unwrap();
    server.assert_one(
        "list_agents",
        json!({
            "fields": ["email_subscriptions", "max_chats_count", "job_title", "last_logout"],
            "filters": {"group_ids": [0, 1]}
        }),
    );
    assert_eq!(agents.len(), 2);

    let smith = &agents[0];
    assert_eq!(smith.id, "smith@example.com");
    assert_eq!(
        smith.account_id.as_deref(),
        Some("d24fa41e-bc16-41b8-a15b-9ca45ff7e0cf")
    );
    assert_eq!(smith.name, "Smith");
    assert_eq!(
        smith.avatar_path.as_deref(),
        Some("cdn.livechatinc.com/avatars/1.png")
    );
    assert_eq!(smith.avatar, None);
    assert_eq!(smith.job_title.as_deref(), Some("Support Hero"));
    assert_eq!(smith.login_status, Some(LoginStatus::NotAcceptingChats));
    assert_eq!(smith.role, Some(Role::Owner));
    assert_eq!(smith.max_chats_count, Some(5));
    assert_eq!(
        smith.summaries,
        Some(vec![
            EmailSubscription::DailySummary,
            EmailSubscription::WeeklySummary
        ])
    );
    assert_eq!(smith.email_subscriptions, None);
    assert_eq!(smith.last_logout, None);

    let jones = &agents[1];
    assert_eq!(jones.id, "jones@example.com");
    assert_eq!(
        jones.account_id.as_deref(),
        Some("2fca3315-f6b2-422f-8550-c84b649cef1a")
    );
    assert_eq!(jones.name, "Jones");
    assert_eq!(
        jones.avatar_path.as_deref(),
        Some("cdn.livechatinc.com/avatars/2.png")
    );
    assert_eq!(jones.job_title.as_deref(), Some("Support Hero (Newbie)"));
    assert_eq!(jones.login_status, Some(LoginStatus::AcceptingChats));
    assert_eq!(
        jones.last_logout.as_deref(),
        Some("2022-08-23T14:31:21.000000Z")
    );
    assert_eq!(jones.role, Some(Role::Viceowner));
    assert_eq!(jones.max_chats_count, Some(2));
    assert_eq!(
        jones.summaries,
        Some(vec![EmailSubscription::WeeklySummary])
    );
    assert_eq!(jones.groups, None);
}

#[tokio::test]
async fn list_agents_sends_the_suspended_filter() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!([{"id": "brown@example.com", "name": "Brown", "suspended": true}]),
    );
    let agents = server
        .client()
        .list_agents()
        .filters(AgentFilters::new().suspended(true))
        .fields([AgentField::Suspended])
        .await
        .unwrap();
    server.assert_one(
        "list_agents",
        json!({"filters": {"suspended": true}, "fields": ["suspended"]}),
    );
    assert_eq!(agents.len(), 1);
    assert_eq!(agents[0].id, "brown@example.com");
    assert_eq!(agents[0].name, "Brown");
    assert_eq!(agents[0].suspended, Some(true));
    assert_eq!(agents[0].role, None);
}

#[tokio::test]
async fn list_agents_without_parameters_sends_an_empty_object() {
    let server = TestServer::start().await;
    server.reply(200, json!([]));
    let agents = server.client().list_agents().await.unwrap();
    server.assert_one("list_agents", json!({}));
    assert!(agents.is_empty());
}

#[tokio::test]
async fn update_agent_sends_every_parameter() {
    let server = TestServer::start().await;
    server.reply(200, example_response("update_agent"));
    let () = server
        .client()
        .update_agent("smith@example.com")
        .role(Role::Viceowner)
        .login_status(LoginStatus::AcceptingChats)
        .job_title("Support Hero")
        .mobile("+48 123 456 789")
        .max_chats_count(20)
        .groups([
            GroupAssignment::new(5, Priority::First),
            GroupAssignment::new(2, Priority::Last),
            GroupAssignment::new(1, Priority::Normal),
        ])
        .work_scheduler(
            WorkScheduler::new([
                ScheduleEntry::new(Day::Monday, true, "08:30", "12:30"),
                ScheduleEntry::new(Day::Friday, true, "07:30", "21:30"),
            ])
            .timezone("Europe/Warsaw"),
        )
        .notifications([
            Notification::NewVisitor,
            Notification::NewGoal,
            Notification::VisitorIsTyping,
        ])
        .email_subscriptions([EmailSubscription::WeeklySummary])
        .await
        .unwrap();
    server.assert_one(
        "update_agent",
        json!({
            "id": "smith@example.com",
            "role": "viceowner",
            "login_status": "accepting chats",
            "job_title": "Support Hero",
            "mobile": "+48 123 456 789",
            "max_chats_count": 20,
            "groups": [
                {"id": 5, "priority": "first"},
                {"id": 2, "priority": "last"},
                {"id": 1, "priority": "normal"}
            ],
            "work_scheduler": {
                "schedule": [
                    {"day": "monday", "enabled": true, "start": "08:30", "end": "12:30"},
                    {"day": "friday", "enabled": true, "start": "07:30", "end": "21:30"}
                ],
                "timezone": "Europe/Warsaw"
            },
            "notifications": ["new_visitor", "new_goal", "visitor_is_typing"],
            "email_subscriptions": ["weekly_summary"]
        }),
    );
}

#[tokio::test]
async fn update_agent_rejects_more_than_20_chats_without_sending() {
    let server = TestServer::start().await;
    let err = server
        .client()
        .update_agent("smith@example.com")
        .max_chats_count(21)
        .await
        .unwrap_err();
    match err {
        Error::InvalidRequest { action, violations } => {
            assert_eq!(action, Action::UpdateAgent);
            assert_eq!(violations.len(), 1);
            assert_eq!(violations[0].path, "max_chats_count");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn delete_agent_sends_the_id() {
    let server = TestServer::start().await;
    server.reply(200, example_response("delete_agent"));
    let () = server
        .client()
        .delete_agent("smith@example.com")
        .await
        .unwrap();
    server.assert_one("delete_agent", json!({"id": "smith@example.com"}));
}

#[tokio::test]
async fn delete_agent_accepts_an_empty_body() {
    let server = TestServer::start().await;
    server.reply_raw(200, "");
    let () = server
        .client()
        .delete_agent("smith@example.com")
        .await
        .unwrap();
    server.assert_one("delete_agent", json!({"id": "smith@example.com"}));
}

#[tokio::test]
async fn suspend_agent_sends_the_id() {
    let server = TestServer::start().await;
    server.reply(200, example_response("suspend_agent"));
    let () = server
        .client()
        .suspend_agent("smith@example.com")
        .await
        .unwrap();
    server.assert_one("suspend_agent", json!({"id": "smith@example.com"}));
}

#[tokio::test]
async fn unsuspend_agent_sends_the_id() {
    let server = TestServer::start().await;
    server.reply(200, example_response("unsuspend_agent"));
    let () = server
        .client()
        .unsuspend_agent("smith@example.com")
        .await
        .unwrap();
    server.assert_one("unsuspend_agent", json!({"id": "smith@example.com"}));
}

#[tokio::test]
async fn request_agent_unsuspension_sends_an_empty_object() {
    let server = TestServer::start().await;
    server.reply(200, example_response("request_agent_unsuspension"));
    let () = server.client().request_agent_unsuspension().await.unwrap();
    server.assert_one("request_agent_unsuspension", json!({}));
}

#[tokio::test]
async fn approve_agent_sends_the_id() {
    let server = TestServer::start().await;
    server.reply(200, example_response("approve_agent"));
    let () = server
        .client()
        .approve_agent("smith@example.com")
        .await
        .unwrap();
    server.assert_one("approve_agent", json!({"id": "smith@example.com"}));
}
