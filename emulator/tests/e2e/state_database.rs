//! The state database: every acknowledged change survives kill -9 under concurrent writers, a
//! JSON state file of earlier emulators is migrated, and what this emulator cannot read is
//! refused with a clear message and left as it was.

use crate::binary::{client, command, start};
use crate::persistence::temp_dir;
use livechat_config_emulator::Emulator;
use std::collections::BTreeSet;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_20_concurrent_writers_loses_no_acknowledged_write() {
    let dir = temp_dir("kill-cycles");
    let state = dir.join("state.db");
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    for cycle in 0..20 {
        let (child, url, _) = start(command(&state));
        let client = client(&url);
        // Everything acknowledged in earlier cycles is there after each restart.
        let present: BTreeSet<String> = client
            .list_tags()
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        let missing: Vec<_> = acknowledged
            .lock()
            .unwrap()
            .difference(&present)
            .cloned()
            .collect();
        assert!(missing.is_empty(), "cycle {cycle}: lost {missing:?}");

        let writers: Vec<_> = (0..20)
            .map(|writer| {
                let client = client.clone();
                let acknowledged = acknowledged.clone();
                tokio::spawn(async move {
                    for n in 0.. {
                        let name = format!("c{cycle}-w{writer}-{n}");
                        match client.create_tag(&name).await {
                            Ok(()) => acknowledged.lock().unwrap().insert(name),
                            Err(_) => return,
                        };
                    }
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(150 + 17 * cycle)).await;
        drop(child); // SIGKILL, mid-write
        for writer in writers {
            writer.await.unwrap();
        }
    }
    let (child, url, _) = start(command(&state));
    let present: BTreeSet<String> = client(&url)
        .list_tags()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    let acknowledged = acknowledged.lock().unwrap();
    assert!(
        acknowledged.len() > 200,
        "writes happened: {}",
        acknowledged.len()
    );
    assert!(
        acknowledged.is_subset(&present),
        "an acknowledged write was lost"
    );
    println!(
        "20 kill -9 cycles: {} writes acknowledged, all present; {} present in all",
        acknowledged.len(),
        present.len()
    );
    drop(child);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_json_state_file_of_an_earlier_emulator_is_migrated_and_kept_beside() {
    let dir = temp_dir("migrate");
    let file = dir.join("state.json");
    let emu = Emulator::builder().seed(3).start().await.unwrap();
    emu.client().create_tag("from json").await.unwrap();
    let json = emu.state_json();
    emu.stop().await.unwrap();
    std::fs::write(&file, serde_json::to_vec_pretty(&json).unwrap()).unwrap();

    let emu = Emulator::builder().state_file(&file).start().await.unwrap();
    let backup = dir.join("state.json.json-backup");
    assert_eq!(emu.migrated_from(), Some(backup.as_path()));
    let tags = emu.client().list_tags().await.unwrap();
    assert_eq!(tags[0].name, "from json");
    emu.client().create_tag("after").await.unwrap();
    emu.stop().await.unwrap();
    assert!(std::fs::read(&file)
        .unwrap()
        .starts_with(b"SQLite format 3\0"));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&std::fs::read(&backup).unwrap()).unwrap(),
        json
    );

    let emu = Emulator::builder().state_file(&file).start().await.unwrap();
    assert_eq!(emu.migrated_from(), None, "migrated once");
    assert_eq!(emu.client().list_tags().await.unwrap().len(), 2);
    emu.stop().await.unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_database_of_a_newer_emulator_or_of_something_else_is_refused_and_kept() {
    let dir = temp_dir("newer");
    let file = dir.join("state.db");
    let emu = Emulator::builder().state_file(&file).start().await.unwrap();
    emu.stop().await.unwrap();
    let db = rusqlite::Connection::open(&file).unwrap();
    db.execute(
        "UPDATE meta SET value = '2' WHERE key = 'schema_version'",
        [],
    )
    .unwrap();
    drop(db);
    let err = Emulator::builder()
        .state_file(&file)
        .start()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(
        err.to_string().contains("newer emulator (schema 2"),
        "{err}"
    );

    let other = dir.join("other.db");
    let db = rusqlite::Connection::open(&other).unwrap();
    db.execute_batch(
        "CREATE TABLE invoices (id INTEGER PRIMARY KEY); INSERT INTO invoices VALUES (7);",
    )
    .unwrap();
    drop(db);
    let err = Emulator::builder()
        .state_file(&other)
        .start()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("not an emulator state file"),
        "{err}"
    );
    let db = rusqlite::Connection::open(&other).unwrap();
    let kept: i64 = db
        .query_row("SELECT id FROM invoices", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 7);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A state file whose write-ahead log was deleted after a kill -9 has lost acknowledged
/// changes: the emulator says so and does not start, rather than serve an older license.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_write_ahead_log_is_found_at_start() {
    let dir = temp_dir("wal-deleted");
    let state = dir.join("state.db");
    let (child, url, _) = start(command(&state));
    let client = client(&url);
    for i in 0..30 {
        client
            .create_tag(format!("acknowledged-{i}"))
            .await
            .unwrap();
    }
    drop(child); // SIGKILL: the changes are in the write-ahead log only
    let wal = dir.join("state.db-wal");
    assert!(wal.exists(), "WAL mode keeps a log beside the database");
    std::fs::remove_file(&wal).unwrap();

    let mut refused = command(&state).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = refused.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = refused.kill();
            panic!("the emulator started on a database missing acknowledged changes");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    refused
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!status.success());
    assert!(
        stderr.contains("but 30 were acknowledged") && stderr.contains("write-ahead log"),
        "{stderr}"
    );

    // Moved away, the state starts afresh, and a new count with it.
    std::fs::rename(&state, dir.join("lost.db")).unwrap();
    let (child, url, _) = start(command(&state));
    assert!(crate::binary::client(&url)
        .list_tags()
        .await
        .unwrap()
        .is_empty());
    drop(child);
    std::fs::remove_dir_all(&dir).unwrap();
}
