//! `backup` and `verify`: an online copy while calls and PIN entries go
//! on, and the check that a database or a copy is sound.

use std::os::unix::fs::PermissionsExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use predicates::prelude::*;

use crate::common::{Env, json};
use crate::test_agi::Server;

#[test]
fn a_backup_while_writers_and_serve_run_is_sound_and_holds_every_committed_grant() {
    let env = Env::new();
    // 64 protected extensions for 8 writers; grants last an hour.
    let exts: Vec<String> = (300..364).map(|n| n.to_string()).collect();
    let mut csv = String::from("extension,voicemail_pin,pin_protect,pin_protect_duration_s\n");
    for e in &exts {
        csv.push_str(&format!("{e},4826{e},true,3600\n"));
    }
    env.cmd()
        .args(["import", "-", "--format", "csv", "--allow-weak"])
        .write_stdin(csv)
        .assert()
        .success();
    let server = Server::start(&env, &[]);
    let stop = Arc::new(AtomicBool::new(false));
    let granted: Arc<Mutex<Vec<String>>> = Arc::default();
    let writers: Vec<_> = exts
        .chunks(8)
        .map(|chunk| {
            let chunk = chunk.to_vec();
            let (stop, granted) = (Arc::clone(&stop), Arc::clone(&granted));
            let mut dial = env.std_real_clock();
            dial.args(["-q", "dial"]);
            let db = env.db.clone();
            std::thread::spawn(move || {
                let _ = db;
                while !stop.load(Ordering::SeqCst) {
                    for e in &chunk {
                        let mut c = std::process::Command::new(dial.get_program());
                        c.args(dial.get_args()).args([e.as_str(), "7777"]);
                        for (k, v) in dial.get_envs() {
                            match v {
                                Some(v) => c.env(k, v),
                                None => c.env_remove(k),
                            };
                        }
                        let mut child = c
                            .stdin(std::process::Stdio::piped())
                            .stdout(std::process::Stdio::null())
                            .stderr(std::process::Stdio::null())
                            .spawn()
                            .unwrap();
                        use std::io::Write;
                        child
                            .stdin
                            .take()
                            .unwrap()
                            .write_all(format!("4826{e}\n").as_bytes())
                            .unwrap();
                        if child.wait().unwrap().success() {
                            granted.lock().unwrap().push(e.clone());
                        }
                    }
                }
            })
        })
        .collect();
    // Calls go on too.
    let calls = {
        let stop = Arc::clone(&stop);
        let port = server.port;
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let call = crate::test_agi::call_port(port, "check", &["300", "0049301234567"]);
                assert_ne!(call.var("PINPROTECT_RESULT"), "error");
                n += 1;
            }
            n
        })
    };
    // Wait until some grants are committed, note them, then back up.
    while granted.lock().unwrap().len() < 16 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let committed: Vec<String> = granted.lock().unwrap().clone();
    let copy = env.path("copy.sqlite3");
    env.real_clock()
        .args(["backup", copy.to_str().unwrap()])
        .assert()
        .success();
    std::thread::sleep(std::time::Duration::from_millis(300));
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.join().unwrap();
    }
    assert!(calls.join().unwrap() > 0);
    let (code, _) = server.stop();
    assert_eq!(code, 0);
    // The copy: private, sound, and every grant committed before it.
    assert_eq!(
        std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let copy_env = |args: &[&str]| {
        let mut c = assert_cmd::Command::new(crate::common::bin());
        c.env_remove("PINPROTECT_NOW")
            .arg("--db")
            .arg(&copy)
            .args(args);
        c
    };
    copy_env(&["verify"]).assert().success();
    let status = copy_env(&["status", "--format", "json"]).output().unwrap();
    let status = json(&String::from_utf8(status.stdout).unwrap());
    for e in &committed {
        let row = status
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["extension"] == e.as_str())
            .unwrap();
        assert_eq!(row["state"], "unlocked", "{e}: {row}");
    }
    // The backup is in the database's log, not in the copy.
    let logged = json(&env.stdout(&["log", "--event", "backup", "--format", "json"]));
    assert_eq!(logged.as_array().unwrap().len(), 1, "{logged}");
    assert!(
        logged[0]["detail"]
            .as_str()
            .unwrap()
            .contains("copy.sqlite3 (64 extensions)")
    );
}

#[test]
fn backup_refuses_targets_it_must_not_replace_and_replaces_an_old_copy_whole() {
    let env = Env::new();
    env.add("100", "4826");
    for (target, code) in [
        (env.db.to_str().unwrap().to_string(), 5),
        (format!("{}-wal", env.db.display()), 5),
        ("/dev/null".to_string(), 5),
        (env.dir.path().to_str().unwrap().to_string(), 5),
        (env.path("missing/copy").to_str().unwrap().to_string(), 5),
    ] {
        env.real_clock()
            .args(["backup", &target])
            .assert()
            .code(code)
            .stdout("");
    }
    assert!(std::fs::metadata("/dev/null").unwrap().permissions().mode() & 0o666 == 0o666);
    // An older copy is replaced as a whole, by rename.
    let copy = env.path("copy.sqlite3");
    std::fs::write(&copy, "an older copy").unwrap();
    env.real_clock()
        .args(["backup", copy.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicates::str::contains("backed up"));
    let mut c = assert_cmd::Command::new(crate::common::bin());
    c.arg("--db").arg(&copy).arg("verify").assert().success();
    // No temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".pinprotect-"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn verify_finds_damage_a_changed_log_and_foreign_files() {
    crate::sqlite_only!();
    let env = Env::new();
    env.add("100", "4826");
    env.cmd()
        .arg("verify")
        .assert()
        .success()
        .stderr(predicates::str::contains("is sound: schema version"));
    // A trigger of the audit log dropped by hand.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute_batch("DROP TRIGGER events_are_append_only_delete")
        .unwrap();
    drop(conn);
    env.cmd()
        .arg("verify")
        .assert()
        .code(4)
        .stderr(predicates::str::contains(
            "the trigger events_are_append_only_delete, which keeps the audit log append-only, is missing",
        ));
    // A foreign file.
    let other = env.path("other.sqlite3");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    let mut c = assert_cmd::Command::new(crate::common::bin());
    c.arg("--db")
        .arg(&other)
        .arg("verify")
        .assert()
        .code(4)
        .stderr(predicates::str::contains("not a pinprotect database"));
    // A damaged index page.
    let env = Env::new();
    crate::common::fill(&env, 2_000);
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let root: i64 = conn
        .query_row(
            "SELECT rootpage FROM sqlite_schema WHERE name = 'extensions_numeric_order'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    drop(conn);
    let mut bytes = std::fs::read(&env.db).unwrap();
    let page = 4096 * (root as usize - 1);
    // The cells sit at the end of the page.
    for b in &mut bytes[page + 4096 - 300..page + 4096 - 8] {
        *b = 0xA5;
    }
    std::fs::write(&env.db, bytes).unwrap();
    let out = env.cmd().arg("verify").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_restore_under_a_running_server_is_read_at_its_next_call_and_mixes_nothing_in() {
    let env = crate::test_agi::pbx();
    let copy = env.path("copy.sqlite3");
    env.real_clock()
        .args(["backup", copy.to_str().unwrap()])
        .assert()
        .success();
    // After the backup: 201 no longer protected.
    env.ok(["disable", "201"]);
    let server = Server::start(&env, &[]);
    let reason = || {
        server
            .call("check", &["201", "0049301234567"], &[])
            .var("PINPROTECT_REASON")
            .to_string()
    };
    assert_eq!(reason(), "not_protected");
    // Calls that log (denied ones) go on while the restore runs.
    let stop = Arc::new(AtomicBool::new(false));
    let port = server.port;
    let caller = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut results = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                let call = crate::test_agi::call_port(port, "check", &["555", "0049301234567"]);
                results.push(call.var("PINPROTECT_RESULT").to_string());
            }
            results
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(200));
    env.real_clock()
        .args(["restore", copy.to_str().unwrap(), "--yes"])
        .assert()
        .success()
        .stderr(predicates::str::contains("restored "));
    std::thread::sleep(std::time::Duration::from_millis(200));
    stop.store(true, Ordering::SeqCst);
    let results = caller.join().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| r == "denied"), "{results:?}");
    // The server reads the restored content at its next call.
    assert_eq!(reason(), "locked");
    let (code, _) = server.stop();
    assert_eq!(code, 0);
    env.real_clock().arg("verify").assert().success();
    let restored = json(&env.stdout(&["log", "--event", "restore", "--format", "json"]));
    assert_eq!(restored.as_array().unwrap().len(), 1, "{restored}");
    assert!(
        restored[0]["detail"]
            .as_str()
            .unwrap()
            .starts_with(&format!("from {}", copy.display())),
        "{restored}"
    );
}

#[test]
fn restore_refuses_what_is_not_a_sound_backup_and_leaves_the_database_as_it_was() {
    crate::sqlite_only!();
    let env = crate::test_agi::pbx();
    let state = || {
        [
            env.stdout(&["export", "--format", "jsonl"]),
            env.stdout(&["settings", "show", "--format", "json"]),
        ]
        .concat()
    };
    let foreign = env.path("foreign.sqlite3");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1)")
        .unwrap();
    let empty = env.path("empty");
    std::fs::write(&empty, "").unwrap();
    let text = env.path("text");
    std::fs::write(&text, "extension,voicemail_pin\n100,4826\n").unwrap();
    // A backup whose audit log lost a trigger.
    let tampered = env.path("tampered.sqlite3");
    env.real_clock()
        .args(["backup", tampered.to_str().unwrap()])
        .assert()
        .success();
    rusqlite::Connection::open(&tampered)
        .unwrap()
        .execute_batch("DROP TRIGGER events_are_append_only_update")
        .unwrap();
    // A backup with a damaged index page.
    let damaged = env.path("damaged.sqlite3");
    crate::common::fill(&env, 2_000);
    env.real_clock()
        .args(["backup", damaged.to_str().unwrap()])
        .assert()
        .success();
    let root: i64 = rusqlite::Connection::open(&damaged)
        .unwrap()
        .query_row(
            "SELECT rootpage FROM sqlite_schema WHERE name = 'extensions_numeric_order'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut bytes = std::fs::read(&damaged).unwrap();
    let page = 4096 * (root as usize - 1);
    for b in &mut bytes[page + 4096 - 300..page + 4096 - 8] {
        *b = 0xA5;
    }
    std::fs::write(&damaged, bytes).unwrap();
    let before = state();
    for (file, message) in [
        (&damaged, "damaged.sqlite3 is damaged"),
        (&foreign, "not a pinprotect database"),
        (&empty, "is empty, not a backup"),
        (&text, "not a SQLite database"),
        (&tampered, "events_are_append_only_update"),
    ] {
        env.real_clock()
            .args(["restore", file.to_str().unwrap(), "--yes"])
            .assert()
            .code(4)
            .stderr(predicates::str::contains(message))
            .stderr(predicates::str::contains(".pinprotect-").not());
    }
    env.real_clock()
        .args(["restore", env.dir.path().to_str().unwrap(), "--yes"])
        .assert()
        .code(2);
    // A sound backup, but nobody to confirm.
    let good = env.path("good.sqlite3");
    env.real_clock()
        .args(["backup", good.to_str().unwrap()])
        .assert()
        .success();
    env.real_clock()
        .args(["restore", good.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--yes"));
    assert_eq!(state(), before);
    // No database to restore into: said, and nothing made.
    let elsewhere = env.path("elsewhere.sqlite3");
    let mut c = assert_cmd::Command::new(crate::common::bin());
    c.env_remove("PINPROTECT_NOW")
        .arg("--db")
        .arg(&elsewhere)
        .args(["restore", good.to_str().unwrap(), "--yes"])
        .assert()
        .code(4)
        .stderr(predicates::str::contains("to restore into"));
    assert!(!elsewhere.exists());
    // Nothing of the staged copies is left beside the database.
    let left: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".pinprotect-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
