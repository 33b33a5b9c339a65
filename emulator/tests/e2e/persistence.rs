use livechat_config::*;
use livechat_config_emulator::Emulator;
use std::path::PathBuf;

pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lc-emulator-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = temp_dir("restart");
    let file = dir.join("state.db");
    let emu = Emulator::builder().state_file(&file).start().await.unwrap();
    let client = emu.client();
    let group = client.create_group("Kept", []).await.unwrap();
    client
        .create_agent("kept@example.com", "Kept")
        .groups([GroupAssignment::new(group.id, Priority::First)])
        .await
        .unwrap();
    client.create_tag("kept").await.unwrap();
    let bot = client.create_bot("Kept bot").await.unwrap();
    emu.stop().await.unwrap();
    assert!(file.exists());

    let emu = Emulator::builder().state_file(&file).start().await.unwrap();
    let client = emu.client();
    let agent = client
        .get_agent("kept@example.com")
        .fields([AgentField::Groups])
        .await
        .unwrap();
    assert_eq!(
        agent.groups.unwrap()[0],
        GroupAssignment::new(group.id, Priority::First)
    );
    assert_eq!(client.list_tags().await.unwrap()[0].name, "kept");
    assert_eq!(client.get_bot(&bot.id).await.unwrap().name, "Kept bot");
    let next = client.create_group("Next", []).await.unwrap();
    assert_eq!(next.id, group.id + 1, "ids continue where they stopped");
    let another = client.create_bot("Another").await.unwrap();
    assert_ne!(another.id, bot.id);
    emu.stop().await.unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_file_that_is_not_a_state_is_refused_and_kept() {
    let dir = temp_dir("garbage");
    let file = dir.join("state.json");
    std::fs::write(&file, "{ not a state").unwrap();
    let err = Emulator::builder()
        .state_file(&file)
        .start()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "{ not a state");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A hard link or a symbolic link to a state file in use is the same file: a second emulator
/// through it is refused, and the first one's acknowledged writes all survive.
#[cfg(unix)]
#[tokio::test]
async fn a_link_to_a_state_file_in_use_is_refused_too() {
    let dir = temp_dir("linked");
    let file = dir.join("state.db");
    let first = Emulator::builder().state_file(&file).start().await.unwrap();
    let hard = dir.join("hard.db");
    let soft = dir.join("soft.db");
    std::fs::hard_link(&file, &hard).unwrap();
    std::os::unix::fs::symlink(&file, &soft).unwrap();
    for link in [&hard, &soft] {
        let err = Emulator::builder()
            .state_file(link)
            .start()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ResourceBusy, "{err}");
        assert!(
            err.to_string().contains("in use by another emulator"),
            "{err}"
        );
    }
    for i in 0..50 {
        first.client().create_tag(format!("tag-{i}")).await.unwrap();
    }
    first.stop().await.unwrap();
    let next = Emulator::builder().state_file(&hard).start().await.unwrap();
    assert_eq!(next.client().list_tags().await.unwrap().len(), 50);
    next.stop().await.unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn one_state_file_serves_one_emulator_at_a_time() {
    let dir = temp_dir("owned");
    let file = dir.join("state.db");
    let first = Emulator::builder().state_file(&file).start().await.unwrap();
    first.client().create_tag("first").await.unwrap();
    let err = Emulator::builder()
        .state_file(&file)
        .start()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ResourceBusy);
    assert!(
        err.to_string().contains("in use by another emulator"),
        "{err}"
    );
    first.client().create_tag("still first").await.unwrap();
    first.stop().await.unwrap();

    let next = Emulator::builder().state_file(&file).start().await.unwrap();
    let names: Vec<String> = next
        .client()
        .list_tags()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["first", "still first"], "free again once stopped");
    next.stop().await.unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
