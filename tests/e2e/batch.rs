use livechat_config::*;
use livechat_config_tests::TestServer;
use serde_json::json;

/// The item error of a batch answer, with the checks every item error shares: no HTTP status
/// of its own.
fn item_error<T: std::fmt::Debug>(result: &Result<T, Error>) -> &ApiError {
    let err = result.as_ref().unwrap_err().api().expect("an API error");
    assert_eq!(err.status, None, "a batch item error has no HTTP status");
    err
}

#[tokio::test]
async fn batch_create_agents_sends_every_item_and_decodes_ids_and_item_errors() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!({"responses": [
            {"id": "smith@example.com"},
            {"id": "jones@example.com"},
            {"error": {"type": "already_exists", "message": "Already exists"}}
        ]}),
    );
    let results = server
        .client()
        .batch_create_agents([
            CreateAgentRequest::new("smith@example.com", "Agent Smith")
                .role(Role::Viceowner)
                .groups([GroupAssignment::new(5, Priority::First)])
                .max_chats_count(20),
            CreateAgentRequest::new("jones@example.com", "Agent Jones")
                .login_status(LoginStatus::AcceptingChats)
                .awaiting_approval(false),
            CreateAgentRequest::new("brown@example.com", "Agent Brown"),
        ])
        .await
        .unwrap();
    server.assert_one(
        "batch_create_agents",
        json!({"requests": [
            {
                "id": "smith@example.com",
                "name": "Agent Smith",
                "role": "viceowner",
                "groups": [{"id": 5, "priority": "first"}],
                "max_chats_count": 20
            },
            {
                "id": "jones@example.com",
                "name": "Agent Jones",
                "login_status": "accepting chats",
                "awaiting_approval": false
            },
            {"id": "brown@example.com", "name": "Agent Brown"}
        ]}),
    );
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().unwrap().id, "smith@example.com");
    assert_eq!(results[1].as_ref().unwrap().id, "jones@example.com");
    let err = item_error(&results[2]);
    assert_eq!(err.kind, ErrorKind::AlreadyExists);
    assert_eq!(err.message, "Already exists");
    assert_eq!(err.data, None);
}

#[tokio::test]
async fn batch_update_agents_sends_every_item_and_decodes_item_errors() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!({"responses": [
            {},
            {"error": {"type": "not_found", "message": "Agent not found", "data": {"id": "ghost@example.com"}}}
        ]}),
    );
    let results = server
        .client()
        .batch_update_agents([
            UpdateAgentRequest::new("smith@example.com")
                .job_title("Support Hero")
                .max_chats_count(20)
                .work_scheduler(
                    WorkScheduler::new([ScheduleEntry::new(Day::Tuesday, false, "09:00", "17:00")])
                        .timezone("America/Chicago"),
                ),
            UpdateAgentRequest::new("ghost@example.com").mobile("+1 555 0100"),
        ])
        .await
        .unwrap();
    server.assert_one(
        "batch_update_agents",
        json!({"requests": [
            {
                "id": "smith@example.com",
                "job_title": "Support Hero",
                "max_chats_count": 20,
                "work_scheduler": {
                    "timezone": "America/Chicago",
                    "schedule": [{"day": "tuesday", "enabled": false, "start": "09:00", "end": "17:00"}]
                }
            },
            {"id": "ghost@example.com", "mobile": "+1 555 0100"}
        ]}),
    );
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok(), "{:?}", results[0]);
    let err = item_error(&results[1]);
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert_eq!(err.message, "Agent not found");
    assert_eq!(err.data, Some(json!({"id": "ghost@example.com"})));
}

#[tokio::test]
async fn batch_delete_agents_decodes_the_reference_answer() {
    let server = TestServer::start().await;
    // The reference's answer to its batch_delete_agents example.
    server.reply(
        200,
        json!({"responses": [
            {},
            {},
            {"error": {"type": "validation", "message": "`id` is required"}}
        ]}),
    );
    let results = server
        .client()
        .batch_delete_agents([
            DeleteAgentRequest::new("smith@example.com"),
            DeleteAgentRequest::new("brown@example.com"),
            // The reference sends `{}` here, which the client refuses before sending; a valid id
            // gets the reference's answer instead.
            DeleteAgentRequest::new("jones@example.com"),
        ])
        .await
        .unwrap();
    server.assert_one(
        "batch_delete_agents",
        json!({"requests": [
            {"id": "smith@example.com"},
            {"id": "brown@example.com"},
            {"id": "jones@example.com"}
        ]}),
    );
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok(), "{:?}", results[0]);
    assert!(results[1].is_ok(), "{:?}", results[1]);
    let err = item_error(&results[2]);
    assert_eq!(err.kind, ErrorKind::Validation);
    assert_eq!(err.message, "`id` is required");
    assert_eq!(err.data, None);
}

#[tokio::test]
async fn batch_suspend_agents_sends_every_item_and_decodes_item_errors() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!({"responses": [
            {"error": {"type": "authorization", "message": "Authorization error"}},
            {}
        ]}),
    );
    let results = server
        .client()
        .batch_suspend_agents([
            SuspendAgentRequest::new("owner@example.com"),
            SuspendAgentRequest::new("smith@example.com"),
        ])
        .await
        .unwrap();
    server.assert_one(
        "batch_suspend_agents",
        json!({"requests": [{"id": "owner@example.com"}, {"id": "smith@example.com"}]}),
    );
    assert_eq!(results.len(), 2);
    let err = item_error(&results[0]);
    assert_eq!(err.kind, ErrorKind::Authorization);
    assert_eq!(err.message, "Authorization error");
    assert!(results[1].is_ok(), "{:?}", results[1]);
}

#[tokio::test]
async fn batch_unsuspend_agents_sends_every_item_and_decodes_item_errors() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!({"responses": [
            {},
            {"error": {"type": "limit_reached", "message": "Limit reached", "data": {"limit": 10}}},
            {}
        ]}),
    );
    let results = server
        .client()
        .batch_unsuspend_agents([
            UnsuspendAgentRequest::new("smith@example.com"),
            UnsuspendAgentRequest::new("jones@example.com"),
            UnsuspendAgentRequest::new("brown@example.com"),
        ])
        .await
        .unwrap();
    server.assert_one(
        "batch_unsuspend_agents",
        json!({"requests": [
            {"id": "smith@example.com"},
            {"id": "jones@example.com"},
            {"id": "brown@example.com"}
        ]}),
    );
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok(), "{:?}", results[0]);
    let err = item_error(&results[1]);
    assert_eq!(err.kind, ErrorKind::LimitReached);
    assert_eq!(err.message, "Limit reached");
    assert_eq!(err.data, Some(json!({"limit": 10})));
    assert!(results[2].is_ok(), "{:?}", results[2]);
}

#[tokio::test]
async fn batch_approve_agents_sends_every_item_and_decodes_item_errors() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!({"responses": [
            {},
            {"error": {"type": "not_found", "message": "Not found"}}
        ]}),
    );
    let results = server
        .client()
        .batch_approve_agents([
            ApproveAgentRequest::new("smith@example.com"),
            ApproveAgentRequest::new("ghost@example.com"),
        ])
        .await
        .unwrap();
    server.assert_one(
        "batch_approve_agents",
        json!({"requests": [{"id": "smith@example.com"}, {"id": "ghost@example.com"}]}),
    );
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok(), "{:?}", results[0]);
    let err = item_error(&results[1]);
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert_eq!(err.message, "Not found");
}

#[tokio::test]
async fn batch_create_bots_sends_every_item_and_decodes_ids_secrets_and_item_errors() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!({"responses": [
            {"id": "5c9871d5372c824cbf22d860a707a578", "secret": "641e2ae6d997d2009a3ac92a05f37fc3"},
            {"error": {"type": "group_not_found", "message": "Group not found"}},
            {"id": "ce54714e3d2b53adbfff09dbdbdd56e9", "secret": "9b1f5a1d2c3e4f5061728394a5b6c7d8"}
        ]}),
    );
    let results = server
        .client()
        .batch_create_bots([
            CreateBotRequest::new("Bot Name"),
            CreateBotRequest::new("Routing Bot")
                .groups([GroupAssignment::new(404, Priority::Supervisor)])
                .default_group_priority(Priority::Last),
            CreateBotRequest::new("Helper Bot")
                .avatar("https://example.com/bot.png")
                .max_chats_count(500)
                .job_title("Assistant")
                .owner_client_id("asXdesldiAJSq9padj"),
        ])
        .await
        .unwrap();
    server.assert_one(
        "batch_create_bots",
        json!({"requests": [
            {"name": "Bot Name"},
            {
                "name": "Routing Bot",
                "groups": [{"id": 404, "priority": "supervisor"}],
                "default_group_priority": "last"
            },
            {
                "name": "Helper Bot",
                "avatar": "https://example.com/bot.png",
                "max_chats_count": 500,
                "job_title": "Assistant",
                "owner_client_id": "asXdesldiAJSq9padj"
            }
        ]}),
    );
    assert_eq!(results.len(), 3);
    let first = results[0].as_ref().unwrap();
    assert_eq!(first.id, "5c9871d5372c824cbf22d860a707a578");
    assert_eq!(first.secret, "641e2ae6d997d2009a3ac92a05f37fc3");
    let err = item_error(&results[1]);
    assert_eq!(err.kind, ErrorKind::GroupNotFound);
    assert_eq!(err.message, "Group not found");
    let third = results[2].as_ref().unwrap();
    assert_eq!(third.id, "ce54714e3d2b53adbfff09dbdbdd56e9");
    assert_eq!(third.secret, "9b1f5a1d2c3e4f5061728394a5b6c7d8");
}

#[tokio::test]
async fn batch_update_bots_sends_every_item_and_decodes_item_errors() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!({"responses": [
            {},
            {"error": {"type": "validation", "message": "Wrong format of request", "data": {"field": "name"}}}
        ]}),
    );
    let results = server
        .client()
        .batch_update_bots([
            UpdateBotRequest::new("ce54714e3d2b53adbfff09dbdbdd56e9").name("New Bot Name"),
            UpdateBotRequest::new("505591fc9fc2d6e92798bed7d9d8f079")
                .avatar("https://example.com/new.png")
                .max_chats_count(3)
                .groups([GroupAssignment::new(1, Priority::Normal)])
                .default_group_priority(Priority::First),
        ])
        .await
        .unwrap();
    server.assert_one(
        "batch_update_bots",
        json!({"requests": [
            {"id": "ce54714e3d2b53adbfff09dbdbdd56e9", "name": "New Bot Name"},
            {
                "id": "505591fc9fc2d6e92798bed7d9d8f079",
                "avatar": "https://example.com/new.png",
                "max_chats_count": 3,
                "groups": [{"id": 1, "priority": "normal"}],
                "default_group_priority": "first"
            }
        ]}),
    );
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok(), "{:?}", results[0]);
    let err = item_error(&results[1]);
    assert_eq!(err.kind, ErrorKind::Validation);
    assert_eq!(err.message, "Wrong format of request");
    assert_eq!(err.data, Some(json!({"field": "name"})));
}

#[tokio::test]
async fn batch_delete_bots_sends_every_item_and_decodes_item_errors() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!({"responses": [
            {"error": {"type": "not_found", "message": "Not found"}},
            {}
        ]}),
    );
    let results = server
        .client()
        .batch_delete_bots([
            DeleteBotRequest::new("00000000000000000000000000000000"),
            DeleteBotRequest::new("505591fc9fc2d6e92798bed7d9d8f079"),
        ])
        .await
        .unwrap();
    server.assert_one(
        "batch_delete_bots",
        json!({"requests": [
            {"id": "00000000000000000000000000000000"},
            {"id": "505591fc9fc2d6e92798bed7d9d8f079"}
        ]}),
    );
    assert_eq!(results.len(), 2);
    let err = item_error(&results[0]);
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert_eq!(err.message, "Not found");
    assert!(results[1].is_ok(), "{:?}", results[1]);
}

#[tokio::test]
async fn a_batch_item_that_does_not_decode_fails_its_chunk_naming_the_item() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!({"responses": [{"id": "smith@example.com"}, {"id": 42}]}),
    );
    let results = server
        .client()
        .batch_create_agents([
            CreateAgentRequest::new("smith@example.com", "Agent Smith"),
            CreateAgentRequest::new("jones@example.com", "Agent Jones"),
        ])
        .await
        .unwrap();
    assert_eq!(results.len(), 2);
    for result in &results {
        match result {
            Err(Error::Decode(e)) => {
                assert_eq!(e.action, Action::BatchCreateAgents);
                assert_eq!(e.path, "responses[1].id");
                assert!(e.excerpt.contains("responses"), "excerpt: {}", e.excerpt);
            }
            other => panic!("expected Decode, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_batch_answer_without_responses_is_a_decode_error_for_each_item() {
    let server = TestServer::start().await;
    server.reply(200, json!({"results": []}));
    let results = server
        .client()
        .batch_delete_bots([DeleteBotRequest::new("505591fc9fc2d6e92798bed7d9d8f079")])
        .await
        .unwrap();
    assert_eq!(results.len(), 1);
    match &results[0] {
        Err(Error::Decode(e)) => {
            assert_eq!(e.action, Action::BatchDeleteBots);
            assert!(e.message.contains("responses"), "message: {}", e.message);
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_whole_batch_failing_gives_its_api_error_to_each_item() {
    let server = TestServer::start().await;
    server.reply(
        401,
        json!({"error": {"type": "authentication", "message": "Authentication error"}}),
    );
    let results = server
        .client()
        .batch_approve_agents([
            ApproveAgentRequest::new("smith@example.com"),
            ApproveAgentRequest::new("jones@example.com"),
        ])
        .await
        .unwrap();
    assert_eq!(results.len(), 2);
    for result in &results {
        let api = result.as_ref().unwrap_err().api().expect("an API error");
        assert_eq!(api.kind, ErrorKind::Authentication);
        assert_eq!(api.message, "Authentication error");
        assert_eq!(api.status, Some(401));
    }
    server.assert_one(
        "batch_approve_agents",
        json!({"requests": [{"id": "smith@example.com"}, {"id": "jones@example.com"}]}),
    );
}

#[tokio::test]
async fn a_batch_item_breaking_a_limit_is_rejected_and_the_rest_is_sent() {
    let server = TestServer::start().await;
    server.reply(200, json!({"responses": [{"id": "smith@example.com"}]}));
    let results = server
        .client()
        .batch_create_agents([
            CreateAgentRequest::new("smith@example.com", "Agent Smith").max_chats_count(20),
            CreateAgentRequest::new("jones@example.com", "Agent Jones").max_chats_count(21),
        ])
        .await
        .unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].as_ref().unwrap().id, "smith@example.com");
    match &results[1] {
        Err(Error::InvalidRequest { action, violations }) => {
            assert_eq!(*action, Action::CreateAgent);
            assert_eq!(violations.len(), 1);
            assert_eq!(violations[0].path, "max_chats_count");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    server.assert_one(
        "batch_create_agents",
        json!({"requests": [{"id": "smith@example.com", "name": "Agent Smith", "max_chats_count": 20}]}),
    );
}

#[tokio::test]
async fn an_empty_batch_sends_nothing() {
    let server = TestServer::start().await;
    let results = server
        .client()
        .batch_delete_agents(Vec::<DeleteAgentRequest>::new())
        .await
        .unwrap();
    assert!(results.is_empty());
    assert!(server.requests().is_empty());
}

#[test]
fn batch_actions_and_their_single_twins() {
    assert_eq!(
        Action::BatchDeleteAgents.single_action(),
        Some(Action::DeleteAgent)
    );
    assert_eq!(
        Action::DeleteAgent.batch_action(),
        Some(Action::BatchDeleteAgents)
    );
    assert_eq!(Action::BatchDeleteAgents.name(), "batch_delete_agents");
    assert!(Action::BatchDeleteAgents.is_batch());
    assert!(!Action::DeleteAgent.is_batch());
    assert_eq!(Action::DeleteAgent.single_action(), None);
    assert_eq!(Action::BatchDeleteAgents.batch_action(), None);
    // Its own row says "Batch support: Yes", but the batch table has no endpoint for it.
    assert_eq!(Action::RequestAgentUnsuspension.batch_action(), None);
    assert_eq!(Action::GetAgent.batch_action(), None);

    let batch: Vec<Action> = Action::ALL
        .iter()
        .copied()
        .filter(|a| a.is_batch())
        .collect();
    assert_eq!(batch.len(), 9);
    let mut names: Vec<&str> = batch.iter().map(|a| a.name()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "batch_approve_agents",
            "batch_create_agents",
            "batch_create_bots",
            "batch_delete_agents",
            "batch_delete_bots",
            "batch_suspend_agents",
            "batch_unsuspend_agents",
            "batch_update_agents",
            "batch_update_bots",
        ]
    );
    let pairs = [
        (Action::BatchCreateAgents, Action::CreateAgent),
        (Action::BatchUpdateAgents, Action::UpdateAgent),
        (Action::BatchDeleteAgents, Action::DeleteAgent),
        (Action::BatchSuspendAgents, Action::SuspendAgent),
        (Action::BatchUnsuspendAgents, Action::UnsuspendAgent),
        (Action::BatchApproveAgents, Action::ApproveAgent),
        (Action::BatchCreateBots, Action::CreateBot),
        (Action::BatchUpdateBots, Action::UpdateBot),
        (Action::BatchDeleteBots, Action::DeleteBot),
    ];
    for (batch_action, single) in pairs {
        assert_eq!(batch_action.single_action(), Some(single), "{batch_action}");
        assert_eq!(single.batch_action(), Some(batch_action), "{single}");
        assert_eq!(batch_action.scopes(), single.scopes(), "{batch_action}");
    }
    // Exactly these nine plain actions have a batch twin.
    let with_twin = Action::ALL
        .iter()
        .filter(|a| a.batch_action().is_some())
        .count();
    assert_eq!(with_twin, 9);
}
