//! Exports diff cleanly in git: written over a file they keep its order and its secrets'
//! variable names, they leave out the server's defaults, and they are in the compact style.

use crate::license::{self, HOOK_ENV};
use crate::preflight::thousand;
use crate::support::{against, run, scratch};
use livechat_config::Notification;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_over_a_file_changes_only_what_changed() {
    let emulator = thousand().await;
    let dir = scratch("export-diff");
    let path = dir.join("license.toml").to_string_lossy().into_owned();
    let first = run(against(&emulator), &["export", "-o", &path]).await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = std::fs::read_to_string(&path).unwrap();
    assert!(!before.contains("[[agents.groups]]"), "compact style");
    assert!(
        before.contains("groups = [{ group = \"Team 3\", priority = \"normal\" }]"),
        "{}",
        &before[..before.len().min(2000)]
    );
    // Nothing the server has by default: `max_chats_count = 6`, `role = "normal"`, `[]`.
    assert!(!before.contains("max_chats_count = 6"), "defaults left out");
    assert!(!before.contains("role = \"normal\""));
    assert!(!before.contains("= []"));

    // Someone reorders the file by hand; the license gains one agent and changes another.
    let mut blocks: Vec<String> = before
        .split("\n\n")
        .map(str::to_owned)
        .filter(|b| !b.is_empty())
        .collect();
    let agents: Vec<usize> = (0..blocks.len())
        .filter(|&i| blocks[i].starts_with("[[agents]]"))
        .collect();
    let (a, b) = (agents[1], agents[agents.len() - 1]);
    let id_of = |block: &str| {
        block
            .lines()
            .find_map(|l| l.strip_prefix("id = "))
            .unwrap()
            .to_owned()
    };
    let (first_id, last_id) = (id_of(&blocks[a]), id_of(&blocks[b]));
    blocks.swap(a, b);
    let reordered = blocks.join("\n\n") + "\n";
    std::fs::write(&path, &reordered).unwrap();
    let client = emulator.client();
    client
        .create_agent("zeta@example.com", "Zeta")
        .max_chats_count(8)
        .notifications([Notification::IncomingChat])
        .await
        .unwrap();
    client
        .update_agent("agent7@example.com")
        .job_title("Lead")
        .await
        .unwrap();
    let second = run(against(&emulator), &["export", "-o", &path]).await;
    assert_eq!(second.code, 0, "{}", second.stderr);
    let after = std::fs::read_to_string(&path).unwrap();
    let old: Vec<&str> = reordered.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    // The hand-made order holds, and the new agent comes after the known ones.
    let removed: Vec<&&str> = old.iter().filter(|l| !new.contains(l)).collect();
    let added: Vec<&&str> = new.iter().filter(|l| !old.contains(l)).collect();
    assert_eq!(removed, Vec::<&&str>::new(), "nothing moved or vanished");
    assert!(added.contains(&&"job_title = \"Lead\""), "{added:?}");
    assert!(added.contains(&&"id = \"zeta@example.com\""), "{added:?}");
    assert!(added.contains(&&"max_chats_count = 8"), "{added:?}");
    assert!(added.len() <= 6, "{added:?}");
    let position = |text: &str, needle: &str| text.find(needle).unwrap();
    assert!(
        position(&after, &last_id) < position(&after, &first_id),
        "the swap made by hand is kept"
    );
    assert!(position(&after, "zeta@example.com") > position(&after, &first_id));
    emulator.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_keeps_the_variable_each_webhook_secret_is_read_from() {
    let emulator = livechat_config_emulator::Emulator::start().await.unwrap();
    let dir = scratch("export-env");
    let file = crate::support::write(&dir, "base.toml", &license::base());
    let applied = run(against(&emulator), &["apply", &file, "--yes"]).await;
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    // The file names its own variable; an export over it keeps that name.
    let out = dir.join("export.toml").to_string_lossy().into_owned();
    std::fs::copy(&file, &out).unwrap();
    let exported = run(against(&emulator), &["export", "-o", &out]).await;
    assert_eq!(exported.code, 0, "{}", exported.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains(&format!("secret_key = {{ env = \"{HOOK_ENV}\" }}")),
        "{text}"
    );
    // Without a file to follow, the default variable.
    let fresh = run(against(&emulator), &["export"]).await;
    assert!(fresh
        .stdout
        .contains("secret_key = { env = \"LIVECHAT_WEBHOOK_SECRET\" }"));
    emulator.stop().await.unwrap();
}
