use crate::{emulator, kind};
use livechat_config::*;
use livechat_config_emulator::{Token, OWNER_ID};

#[tokio::test]
async fn create_get_and_list_with_fields_and_filters() {
    let emu = emulator().await;
    let client = emu.client();
    let group = client
        .create_group("Sales", [(OWNER_ID, Priority::Normal)])
        .await
        .unwrap();
    let created = client
        .create_agent("smith@example.com", "Agent Smith")
        .role(Role::Administrator)
        .job_title("Support Hero")
        .mobile("+48 123")
        .groups([GroupAssignment::new(group.id, Priority::First)])
        .notifications([Notification::NewVisitor])
        .email_subscriptions([EmailSubscription::DailySummary])
        .work_scheduler(
            WorkScheduler::new([ScheduleEntry::new(Day::Monday, true, "08:00", "16:00")])
                .timezone("Europe/Warsaw"),
        )
        .await
        .unwrap();
    assert_eq!(created.id, "smith@example.com");

    let plain = client.get_agent("smith@example.com").await.unwrap();
    assert_eq!(plain.name, "Agent Smith");
    assert_eq!(plain.role, Some(Role::Administrator));
    assert_eq!(plain.login_status, Some(LoginStatus::NotAcceptingChats));
    assert!(plain.account_id.is_some() && plain.avatar.is_some());
    assert_eq!(plain.job_title, None, "fields not asked for are left out");
    assert_eq!(plain.groups, None);

    let full = client
        .get_agent("smith@example.com")
        .fields(AgentField::KNOWN.iter().cloned())
        .await
        .unwrap();
    assert_eq!(full.job_title.as_deref(), Some("Support Hero"));
    assert_eq!(full.mobile.as_deref(), Some("+48 123"));
    assert_eq!(full.max_chats_count, Some(6), "documented default");
    assert_eq!(
        full.groups,
        Some(vec![GroupAssignment::new(group.id, Priority::First)])
    );
    assert_eq!(full.notifications, Some(vec![Notification::NewVisitor]));
    assert_eq!(
        full.email_subscriptions,
        Some(vec![EmailSubscription::DailySummary])
    );
    assert_eq!(
        full.work_scheduler.unwrap().timezone.as_deref(),
        Some("Europe/Warsaw")
    );
    assert_eq!(full.suspended, Some(false));
    assert_eq!(full.awaiting_approval, Some(false));
    assert_eq!(full.last_logout, None, "no logout happened");

    client
        .create_agent("jones@example.com", "Jones")
        .await
        .unwrap();
    let everyone = client.list_agents().await.unwrap();
    let ids: Vec<&str> = everyone.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        ["jones@example.com", OWNER_ID, "smith@example.com"],
        "sorted by id"
    );
    assert!(everyone.iter().all(|a| a.avatar_path.is_some()));

    let in_group = client
        .list_agents()
        .filters(AgentFilters::new().group_ids([group.id]))
        .fields([AgentField::EmailSubscriptions, AgentField::Groups])
        .await
        .unwrap();
    let ids: Vec<&str> = in_group.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, [OWNER_ID, "smith@example.com"]);
    assert_eq!(
        in_group[1].summaries,
        Some(vec![EmailSubscription::DailySummary])
    );
    let general = client
        .list_agents()
        .filters(AgentFilters::new().group_ids([0]))
        .await
        .unwrap();
    assert_eq!(
        general.len(),
        2,
        "agents created without groups join General"
    );
}

#[tokio::test]
async fn update_changes_only_what_is_given_and_moves_groups() {
    let emu = emulator().await;
    let client = emu.client();
    let group = client
        .create_group("Billing", [(OWNER_ID, Priority::Normal)])
        .await
        .unwrap();
    client
        .create_agent("a@example.com", "A")
        .job_title("Old")
        .await
        .unwrap();
    client
        .update_agent("a@example.com")
        .max_chats_count(3)
        .groups([GroupAssignment::new(group.id, Priority::Supervisor)])
        .login_status(LoginStatus::AcceptingChats)
        .await
        .unwrap();
    let agent = client
        .get_agent("a@example.com")
        .fields([
            AgentField::JobTitle,
            AgentField::MaxChatsCount,
            AgentField::Groups,
        ])
        .await
        .unwrap();
    assert_eq!(agent.job_title.as_deref(), Some("Old"));
    assert_eq!(agent.max_chats_count, Some(3));
    assert_eq!(agent.login_status, Some(LoginStatus::AcceptingChats));
    assert_eq!(
        agent.groups,
        Some(vec![GroupAssignment::new(group.id, Priority::Supervisor)])
    );
    let general = client
        .get_group(0)
        .fields([GroupField::AgentPriorities])
        .await
        .unwrap();
    assert!(!general
        .agent_priorities
        .unwrap()
        .contains_key("a@example.com"));
    assert_eq!(
        kind(client.update_agent("ghost@example.com").await),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(
            client
                .update_agent("a@example.com")
                .groups([GroupAssignment::new(99, Priority::Normal)])
                .await
        ),
        ErrorKind::GroupNotFound
    );
}

#[tokio::test]
async fn duplicates_and_missing_agents_are_errors() {
    let emu = emulator().await;
    let client = emu.client();
    client.create_agent("a@example.com", "A").await.unwrap();
    assert_eq!(
        kind(client.create_agent("a@example.com", "Again").await),
        ErrorKind::AlreadyExists
    );
    assert_eq!(
        kind(client.get_agent("nobody@example.com").await),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(client.delete_agent("nobody@example.com").await),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(
            client
                .create_agent("b@example.com", "B")
                .groups([GroupAssignment::new(7, Priority::Last)])
                .await
        ),
        ErrorKind::GroupNotFound
    );
}

#[tokio::test]
async fn delete_suspend_unsuspend_approve_and_the_owner_is_protected() {
    let emu = emulator().await;
    let client = emu.client();
    client.create_agent("a@example.com", "A").await.unwrap();
    client.suspend_agent("a@example.com").await.unwrap();
    let suspended = client
        .list_agents()
        .filters(AgentFilters::new().suspended(true))
        .await
        .unwrap();
    assert_eq!(suspended.len(), 1);
    assert_eq!(suspended[0].id, "a@example.com");
    client.unsuspend_agent("a@example.com").await.unwrap();
    let agent = client
        .get_agent("a@example.com")
        .fields([AgentField::Suspended])
        .await
        .unwrap();
    assert_eq!(agent.suspended, Some(false));

    client.delete_agent("a@example.com").await.unwrap();
    assert_eq!(
        kind(client.get_agent("a@example.com").await),
        ErrorKind::NotFound
    );
    let general = client
        .get_group(0)
        .fields([GroupField::AgentPriorities])
        .await
        .unwrap();
    assert_eq!(
        general.agent_priorities.unwrap().keys().collect::<Vec<_>>(),
        [OWNER_ID]
    );

    assert_eq!(
        kind(client.delete_agent(OWNER_ID).await),
        ErrorKind::Authorization
    );
    assert_eq!(
        kind(client.suspend_agent(OWNER_ID).await),
        ErrorKind::Authorization
    );
}

#[tokio::test]
async fn approval_depends_on_the_creators_scopes() {
    let limited = Token::bearer("dal:recruiter").scopes([
        "accounts--all:rc",
        "agents--all:ro",
        "agents--all:rw",
    ]);
    let emu = livechat_config_emulator::Emulator::builder()
        .token(limited.clone())
        .start()
        .await
        .unwrap();
    let recruiter = emu.client_with(limited.credentials());
    recruiter
        .create_agent("new@example.com", "New")
        .await
        .unwrap();
    let fields = [AgentField::AwaitingApproval];
    let agent = recruiter
        .get_agent("new@example.com")
        .fields(fields.clone())
        .await
        .unwrap();
    assert_eq!(agent.awaiting_approval, Some(true));
    assert_eq!(
        kind(
            recruiter
                .create_agent("x@example.com", "X")
                .awaiting_approval(false)
                .await
        ),
        ErrorKind::Authorization
    );
    assert_eq!(
        kind(
            recruiter
                .create_agent("y@example.com", "Y")
                .role(Role::Viceowner)
                .await
        ),
        ErrorKind::Authorization,
        "a role above normal needs accounts.roles.lc--all:rw"
    );
    let admin = emu.client();
    admin.approve_agent("new@example.com").await.unwrap();
    let agent = admin
        .get_agent("new@example.com")
        .fields(fields)
        .await
        .unwrap();
    assert_eq!(agent.awaiting_approval, Some(false));
    let direct = admin.create_agent("z@example.com", "Z").await.unwrap();
    let z = admin
        .get_agent(direct.id)
        .fields([AgentField::AwaitingApproval])
        .await
        .unwrap();
    assert_eq!(
        z.awaiting_approval,
        Some(false),
        "accounts--all:rw creates approved agents"
    );
}

#[tokio::test]
async fn request_unsuspension_is_for_suspended_agents() {
    let me = Token::bearer("dal:agent-a").agent_id("a@example.com");
    let emu = livechat_config_emulator::Emulator::builder()
        .token(me.clone())
        .start()
        .await
        .unwrap();
    let admin = emu.client();
    let agent = emu.client_with(me.credentials());
    admin.create_agent("a@example.com", "A").await.unwrap();
    assert_eq!(
        kind(agent.request_agent_unsuspension().await),
        ErrorKind::Validation
    );
    admin.suspend_agent("a@example.com").await.unwrap();
    agent.request_agent_unsuspension().await.unwrap();
}

#[tokio::test]
async fn a_request_cannot_make_an_agent_owner() {
    let emu = emulator().await;
    let client = emu.client();
    client
        .create_agent("next@example.com", "Next")
        .await
        .unwrap();
    let refused = client
        .update_agent("next@example.com")
        .role(Role::Owner)
        .await;
    assert!(
        matches!(refused, Err(Error::InvalidRequest { .. })),
        "{refused:?}"
    );
    assert_eq!(emu.served(Action::UpdateAgent), 0);
    assert_eq!(
        client.get_agent(OWNER_ID).await.unwrap().role,
        Some(Role::Owner)
    );
    assert_eq!(
        client.get_agent("next@example.com").await.unwrap().role,
        Some(Role::Normal)
    );
}

/// The owner's role is not a request's to change: it stays `owner`, and nothing else changes.
#[tokio::test]
async fn the_owners_role_cannot_be_changed() {
    let emu = emulator().await;
    let client = emu.client();
    let refused = client
        .update_agent(OWNER_ID)
        .role(Role::Viceowner)
        .job_title("Founder")
        .await;
    assert_eq!(kind(refused), ErrorKind::Validation);
    let owner = client.get_agent(OWNER_ID).await.unwrap();
    assert_eq!(owner.role, Some(Role::Owner));
    assert_ne!(owner.job_title.as_deref(), Some("Founder"));
}
