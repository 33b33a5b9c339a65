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
