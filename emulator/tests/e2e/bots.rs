use crate::{emulator, emulator_owning, kind};
use livechat_config::*;
use livechat_config_emulator::{
    Emulator, Token, DEFAULT_CLIENT_ID, DEFAULT_PAT, DEFAULT_PAT_ACCOUNT, ORGANIZATION_ID,
    TEMPLATE_LIMIT,
};

#[tokio::test]
async fn bots_round_trip_with_fields() {
    let emu = emulator().await;
    let client = emu.client();
    let group = client.create_group("Bots", []).await.unwrap();
    let created = client
        .create_bot("Helper")
        .max_chats_count(20)
        .job_title("Bot")
        .default_group_priority(Priority::First)
        .groups([GroupAssignment::new(group.id, Priority::Normal)])
        .work_scheduler(WorkScheduler::new([]).timezone("Europe/Berlin"))
        .await
        .unwrap();
    assert_eq!(created.id.len(), 32);
    assert_eq!(created.secret.len(), 32);
    assert_ne!(created.id, created.secret);

    let plain = client.get_bot(&created.id).await.unwrap();
    assert_eq!(plain.name, "Helper");
    assert_eq!(plain.owner_client_id.as_deref(), Some(DEFAULT_CLIENT_ID));
    assert_eq!(plain.default_group_priority, Some(Priority::First));
    assert_eq!(plain.groups, None);
    let full = client
        .get_bot(&created.id)
        .fields(BotField::KNOWN.iter().cloned())
        .await
        .unwrap();
    assert_eq!(full.max_chats_count, Some(20));
    assert_eq!(full.job_title.as_deref(), Some("Bot"));
    assert_eq!(full.timezone.as_deref(), Some("Europe/Berlin"));
    assert_eq!(
        full.groups,
        Some(vec![GroupAssignment::new(group.id, Priority::Normal)])
    );
    let team = client
        .get_group(group.id)
        .fields([GroupField::AgentPriorities])
        .await
        .unwrap();
    assert_eq!(
        team.agent_priorities.unwrap()[&created.id],
        Priority::Normal
    );

    client
        .update_bot(&created.id)
        .name("Helper 2")
        .max_chats_count(7)
        .await
        .unwrap();
    let bots = client
        .list_bots()
        .fields([BotField::MaxChatsCount])
        .await
        .unwrap();
    assert_eq!(bots.len(), 1);
    assert_eq!(
        (bots[0].name.as_str(), bots[0].max_chats_count),
        ("Helper 2", Some(7))
    );

    client.delete_bot(&created.id).await.unwrap();
    assert_eq!(kind(client.get_bot(&created.id).await), ErrorKind::NotFound);
    assert_eq!(
        kind(client.update_bot(&created.id).name("x").await),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(client.delete_bot(&created.id).await),
        ErrorKind::NotFound
    );
    let team = client
        .get_group(group.id)
        .fields([GroupField::AgentPriorities])
        .await
        .unwrap();
    assert!(team.agent_priorities.unwrap().is_empty());
}

#[tokio::test]
async fn list_bots_shows_the_callers_own_unless_all() {
    let other_app = Token::bearer("dal:other-app").client_id("other-client");
    let emu = Emulator::builder()
        .token(other_app.clone())
        .start()
        .await
        .unwrap();
    let mine = emu.client();
    let theirs = emu.client_with(other_app.credentials());
    let pat = emu.client_with(Credentials::pat(DEFAULT_PAT_ACCOUNT, DEFAULT_PAT));
    mine.create_bot("Mine").await.unwrap();
    theirs.create_bot("Theirs").await.unwrap();
    pat.create_bot("Personal")
        .owner_client_id("pat-app")
        .await
        .unwrap();
    let names = |bots: Vec<Bot>| bots.into_iter().map(|b| b.name).collect::<Vec<_>>();
    assert_eq!(names(mine.list_bots().await.unwrap()), ["Mine"]);
    assert_eq!(names(theirs.list_bots().await.unwrap()), ["Theirs"]);
    assert_eq!(names(pat.list_bots().await.unwrap()), ["Personal"]);
    let mut all = names(mine.list_bots().all(true).await.unwrap());
    all.sort();
    assert_eq!(all, ["Mine", "Personal", "Theirs"]);
    assert_eq!(
        kind(pat.create_bot("No owner").await),
        ErrorKind::Validation
    );
}

#[tokio::test]
async fn issue_bot_token_checks_the_secret_and_the_token_works() {
    let emu = emulator().await;
    let client = emu.client();
    let bot = client.create_bot("Chatty").await.unwrap();
    assert_eq!(
        kind(
            client
                .issue_bot_token(&bot.id, DEFAULT_CLIENT_ID, "wrong", ORGANIZATION_ID)
                .await
        ),
        ErrorKind::Authorization
    );
    assert_eq!(
        kind(
            client
                .issue_bot_token("nope", DEFAULT_CLIENT_ID, &bot.secret, ORGANIZATION_ID)
                .await
        ),
        ErrorKind::NotFound
    );
    let issued = client
        .issue_bot_token(&bot.id, DEFAULT_CLIENT_ID, &bot.secret, ORGANIZATION_ID)
        .await
        .unwrap();
    assert!(issued.token.starts_with("dal:"));
    let as_bot = emu.client_with(Credentials::bearer(&issued.token));
    as_bot.update_bot(&bot.id).name("Chatty 2").await.unwrap();
    assert_eq!(
        kind(as_bot.list_groups().await),
        ErrorKind::Authorization,
        "bot tokens have bot scopes only"
    );

    let reset = client.reset_bot_secret(&bot.id).await.unwrap();
    assert_ne!(reset.secret, bot.secret);
    assert_eq!(
        kind(
            client
                .issue_bot_token(&bot.id, DEFAULT_CLIENT_ID, &bot.secret, ORGANIZATION_ID)
                .await
        ),
        ErrorKind::Authorization,
        "the old secret no longer works"
    );
    client
        .issue_bot_token(&bot.id, DEFAULT_CLIENT_ID, &reset.secret, ORGANIZATION_ID)
        .await
        .unwrap();
    assert_eq!(
        kind(
            client
                .reset_bot_secret(&bot.id)
                .owner_client_id("someone-else")
                .await
        ),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn templates_are_limited_per_client_and_can_make_bots() {
    let emu = emulator_owning(&["app-1", "app-2"]).await;
    let client = emu.client();
    let mut ids = Vec::new();
    for i in 0..TEMPLATE_LIMIT {
        let t = client
            .create_bot_template(format!("T{i}"), "app-1")
            .await
            .unwrap();
        ids.push(t.id);
    }
    assert_eq!(
        kind(client.create_bot_template("T5", "app-1").await),
        ErrorKind::LimitReached
    );
    client
        .create_bot_template("Other app", "app-2")
        .await
        .unwrap();
    let listed = client.list_bot_templates("app-1").await.unwrap();
    assert_eq!(listed.len(), TEMPLATE_LIMIT);
    assert_eq!(listed[0].name, "T0");

    client
        .update_bot_template(&ids[0], "app-1")
        .name("Renamed")
        .await
        .unwrap();
    assert_eq!(
        client.list_bot_templates("app-1").await.unwrap()[0].name,
        "Renamed"
    );
    assert_eq!(
        kind(client.update_bot_template(&ids[0], "app-2").name("x").await),
        ErrorKind::NotFound
    );
    client.delete_bot_template(&ids[0], "app-1").await.unwrap();
    assert_eq!(
        client.list_bot_templates("app-1").await.unwrap().len(),
        TEMPLATE_LIMIT - 1
    );
    let again = client
        .create_bot_template("Fits again", "app-1")
        .await
        .unwrap();

    let installed = client
        .create_bot_template("Installed", "app-2")
        .affect_existing_installations(true)
        .await
        .unwrap();
    let bot = client.get_bot(&installed.id).await.unwrap();
    assert_eq!(bot.name, "Installed");
    assert_eq!(bot.owner_client_id.as_deref(), Some("app-2"));
    let secret = client
        .reset_bot_template_secret(&installed.id, "app-2")
        .affect_existing_installations(true)
        .await
        .unwrap()
        .secret;
    client
        .issue_bot_token(&installed.id, "app-2", &secret, ORGANIZATION_ID)
        .await
        .unwrap();
    client
        .delete_bot_template(&installed.id, "app-2")
        .affect_existing_installations(true)
        .await
        .unwrap();
    assert_eq!(
        kind(client.get_bot(&installed.id).await),
        ErrorKind::NotFound
    );
    let plain = client
        .reset_bot_template_secret(&again.id, "app-1")
        .await
        .unwrap();
    assert_eq!(plain.secret.len(), 32);
}

#[tokio::test]
async fn template_owners_belong_to_the_organization() {
    let emu = emulator().await;
    let client = emu.client();
    assert_eq!(
        kind(client.create_bot_template("T", "elsewhere").await),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(client.list_bot_templates("elsewhere").await),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(client.delete_bot_template("any", "elsewhere").await),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(
            client
                .update_bot_template("any", "elsewhere")
                .name("x")
                .await
        ),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(client.reset_bot_template_secret("any", "elsewhere").await),
        ErrorKind::Validation
    );
    assert_eq!(emu.state_json()["bot_templates"], serde_json::json!([]));
    client
        .create_bot_template("T", DEFAULT_CLIENT_ID)
        .await
        .unwrap();
}
