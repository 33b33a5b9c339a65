//! On a license of 1,000 agents: what `plan` can know is refused by `plan` and by `apply` before
//! any write (the emulator's journal shows none), exit codes mean one thing, names cannot rewrite
//! the terminal, and failures say whether a re-run helps.

use crate::apply::thousand_agents;
use crate::support::{against, bare, run, scratch, write};
use livechat_config_emulator::{Emulator, DEFAULT_CLIENT_ID, OWNER_ID};

/// An emulator holding the 1,000 agents of `thousand_agents`, applied by the tool itself.
pub async fn thousand() -> Emulator {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("preflight-seed");
    let file = write(&dir, "agents.toml", &thousand_agents());
    let applied = run(against(&emulator), &["apply", &file, "--yes"]).await;
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    emulator.clear_requests();
    emulator
}

/// The actions of the requests since the journal was cleared that are not reads.
pub fn writes(emulator: &Emulator) -> Vec<String> {
    emulator
        .requests(None)
        .into_iter()
        .filter_map(|r| r.action)
        .filter(|a| !a.starts_with("list_"))
        .collect()
}

const OWNER: &str = "\n[[agents]]\nid = \"OWNER\"\nname = \"License Owner\"\nrole = \"owner\"\ngroups = [{ group = \"General\", priority = \"normal\" }]\n";

pub fn with_owner(extra: &str) -> String {
    thousand_agents() + &OWNER.replace("OWNER", OWNER_ID) + extra
}

/// `plan` and `apply --yes` of `text` both refuse with exit 1 and a message holding `says`, and
/// nothing is written.
async fn refused(emulator: &Emulator, name: &str, text: &str, args: &[&str], says: &str) {
    let dir = scratch(&format!("preflight-{name}"));
    let file = write(&dir, "license.toml", text);
    for command in [
        vec!["plan", file.as_str()],
        vec!["apply", file.as_str(), "--yes"],
    ] {
        let mut command = command;
        command.extend(args);
        let out = run(against(emulator), &command).await;
        assert_eq!(
            out.code, 1,
            "{name} {command:?}: {}{}",
            out.stdout, out.stderr
        );
        assert!(out.stderr.contains(says), "{name}: {}", out.stderr);
        assert!(
            out.stderr.contains("license.toml:"),
            "{name}: located: {}",
            out.stderr
        );
        assert_eq!(writes(emulator), Vec::<String>::new(), "{name} {command:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_plan_can_know_is_refused_before_any_write() {
    let emulator = thousand().await;
    let webhook = |env: &str| {
        format!(
            "\n[[webhooks]]\naction = \"agent_created\"\nurl = \"https://hooks.example.com/a\"\n\
             type = \"license\"\nowner_client_id = \"{DEFAULT_CLIENT_ID}\"\nsecret_key = {{ env = \"{env}\" }}\n"
        )
    };
    refused(
        &emulator,
        "unset-env",
        &with_owner(&webhook("PREFLIGHT_NEVER_SET")),
        &[],
        "the environment variable `PREFLIGHT_NEVER_SET` (the webhook's secret key) is not set",
    )
    .await;
    // Set, and still refused: the tool's own token must not be sent to a URL a file names.
    refused(
        &emulator,
        "own-variable",
        &with_owner(&webhook("LIVECHAT_TOKEN")),
        &[],
        "`LIVECHAT_TOKEN` is one of the tool's own variables",
    )
    .await;
    refused(
        &emulator,
        "demote-owner",
        &with_owner("").replacen("role = \"owner\"", "role = \"administrator\"", 1),
        &[],
        "is the license's owner: no request changes the owner's role",
    )
    .await;
    refused(
        &emulator,
        "second-owner",
        &with_owner("\n[[agents]]\nid = \"new@example.com\"\nname = \"New\"\nrole = \"owner\"\n"),
        &[],
        "the license has one owner",
    )
    .await;
    refused(
        &emulator,
        "prune-owner",
        &thousand_agents(),
        &["--prune"],
        "is not in the file: with --prune that means removing the owner",
    )
    .await;
    refused(
        &emulator,
        "limit",
        &with_owner("").replacen(
            "name = \"Agent 7\"",
            "name = \"Agent 7\"\nmax_chats_count = 500",
            1,
        ),
        &[],
        "max_chats_count",
    )
    .await;
    refused(
        &emulator,
        "no-group",
        &with_owner("").replacen("group = \"Team 3\"", "group = \"Nowhere\"", 1),
        &[],
        "no group named `Nowhere` in the file or the license",
    )
    .await;
    emulator.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_mean_matches_differs_or_error() {
    let emulator = thousand().await;
    let dir = scratch("preflight-exit");
    let same = write(&dir, "same.toml", &with_owner(""));
    let plan = run(against(&emulator), &["plan", &same]).await;
    assert_eq!(plan.code, 0, "{}{}", plan.stdout, plan.stderr);
    assert!(plan.stdout.starts_with("No changes"), "{}", plan.stdout);

    // A name no action changes: a difference, not "No changes".
    let renamed = write(
        &dir,
        "renamed.toml",
        &with_owner("").replacen("name = \"Agent 5\"", "name = \"Agent Five\"", 1),
    );
    for args in [
        vec!["plan", renamed.as_str()],
        vec!["apply", renamed.as_str(), "--dry-run"],
        vec!["apply", renamed.as_str(), "--yes"],
    ] {
        let out = run(against(&emulator), &args).await;
        assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
        assert!(!out.stdout.contains("No changes"), "{}", out.stdout);
        assert!(
            out.stdout.contains("Differences no action can make"),
            "{}",
            out.stdout
        );
        assert!(out.stdout.contains("agent5@example.com"), "{}", out.stdout);
    }
    assert_eq!(writes(&emulator), Vec::<String>::new());

    // A change: --dry-run exits as plan does and writes nothing.
    let changed = write(
        &dir,
        "changed.toml",
        &with_owner("\n[[agents]]\nid = \"extra@example.com\"\nname = \"Extra\"\n"),
    );
    let dry = run(against(&emulator), &["apply", &changed, "--dry-run"]).await;
    assert_eq!(dry.code, 2, "{}", dry.stderr);
    assert_eq!(writes(&emulator), Vec::<String>::new());
    emulator.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_cannot_rewrite_the_terminal() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("preflight-names");
    let file = write(
        &dir,
        "groups.toml",
        "[[groups]]\nname = \"evil\\r\\u001b[2K+ nothing\"\n\n[[groups]]\nname = \"abc\\u202Efed\"\n",
    );
    let plan = run(against(&emulator), &["plan", &file]).await;
    assert_eq!(plan.code, 2, "{}", plan.stderr);
    for raw in ['\r', '\u{1b}', '\u{202E}'] {
        assert!(!plan.stdout.contains(raw), "{:?}", plan.stdout);
    }
    assert!(
        plan.stdout
            .contains("+ create group `evil\\r\\u{001b}[2K+ nothing`"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("abc\\u{202e}fed"), "{}", plan.stdout);
    emulator.stop().await.unwrap();
}

#[tokio::test]
async fn small_things_read_right() {
    let missing = run(bare(), &["plan", "/nonexistent/license.toml"]).await;
    assert_eq!(missing.code, 1);
    assert_eq!(
        missing.stderr.trim_end(),
        "error: cannot read /nonexistent/license.toml: No such file or directory"
    );

    // A file that never ends is refused at a bound, not read until memory runs out.
    let endless = run(bare(), &["plan", "/dev/zero"]).await;
    assert_eq!(endless.code, 1);
    assert!(
        endless
            .stderr
            .contains("cannot read /dev/zero: it is over 64 MiB"),
        "{}",
        endless.stderr
    );

    // A token never goes to a plain-http host off loopback unless told to.
    let mut insecure = bare();
    insecure
        .env("LIVECHAT_TOKEN", "dal:secret-token")
        .env("LIVECHAT_BASE_URL", "http://emulator.invalid:9");
    let refused = run(insecure, &["call", "list_agents"]).await;
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("plain http"), "{}", refused.stderr);
    let mut allowed = bare();
    allowed
        .env("LIVECHAT_TOKEN", "dal:secret-token")
        .env("LIVECHAT_BASE_URL", "http://emulator.invalid:9");
    let tried = run(allowed, &["--allow-insecure-http", "call", "list_agents"]).await;
    assert_eq!(tried.code, 1);
    assert!(!tried.stderr.contains("plain http"), "{}", tried.stderr);
    assert!(!tried.stderr.contains("secret-token"), "{}", tried.stderr);

    let emulator = Emulator::start().await.unwrap();
    let body = run(against(&emulator), &["call", "create_tag", "@/dev/zero"]).await;
    assert_eq!(body.code, 1);
    assert!(body.stderr.contains("it is over 64 MiB"), "{}", body.stderr);
    let typo = run(against(&emulator), &["call", "list_agnets"]).await;
    assert_eq!(typo.code, 1);
    assert!(
        typo.stderr.contains("did you mean `list_agents`?"),
        "{}",
        typo.stderr
    );
    let elsewhere = run(against(&emulator), &["call", "list_translations"]).await;
    assert_eq!(elsewhere.code, 1);
    assert!(
        elsewhere
            .stderr
            .contains("it is one of v3.7 (`--api-version 3.7`)"),
        "{}",
        elsewhere.stderr
    );
    let far = run(against(&emulator), &["call", "make_coffee"]).await;
    assert!(!far.stderr.contains("did you mean"), "{}", far.stderr);
    assert!(emulator.requests(None).is_empty(), "nothing was sent");

    let dir = scratch("preflight-one-call");
    let file = write(&dir, "one.toml", "[[groups]]\nname = \"Solo\"\n");
    let applied = run(against(&emulator), &["apply", &file, "--yes"]).await;
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    assert!(applied.stderr.contains("(1 call)"), "{}", applied.stderr);
    emulator.stop().await.unwrap();
}
