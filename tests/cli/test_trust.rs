//! Trust: no false "damaged" verdicts under load or after a crash during a
//! checkpoint, emergency calls never refused, no clock override on changes
//! by default, files never clobbered, PINs shown only once logged, nothing
//! raw reaching a terminal or the log, old PINs gone from the file.

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use predicates::prelude::*;

use crate::common::{Env, NOW, bin, fill, json};

/// Runs `args` on `db` and returns (exit code, stdout, stderr).
fn run(env: &Env, args: &[&str]) -> (i32, String, String) {
    let out = env.cmd().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn event_count(env: &Env) -> usize {
    env.query_texts("SELECT count(*) FROM events")[0]
        .parse()
        .unwrap()
}

// ---------------------------------------------------------------------
// No false "damaged" verdicts.

#[test]
#[ignore = "a long load test: .ci/run runs it with --ignored"]
fn many_workers_with_an_importer_forcing_checkpoints_never_see_damage() {
    crate::sqlite_only!();
    const WORKERS: usize = 8;
    const PER_WORKER: usize = 260;
    let env = Env::new();
    fill(&env, 3_000);
    for i in 0..WORKERS {
        env.add_protected(&format!("5{i:02}"), &format!("48{i:02}"), "5m");
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // The ninth process: imports that grow the file, and checkpoints
    // forced in between from another connection.
    let importer = {
        let db = env.db.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.busy_timeout(std::time::Duration::from_secs(10))
                .unwrap();
            let mut rounds = 0u32;
            let mut failures = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let mut csv = String::from("extension,first_name,voicemail_pin\n");
                for k in 0..400 {
                    csv.push_str(&format!(
                        "{},Imported {rounds},{:06}\n",
                        7_000_000 + rounds * 1000 + k,
                        482_600 + k
                    ));
                }
                let out = Command::new(bin())
                    .arg("--db")
                    .arg(&db)
                    .args(["--now", NOW, "-q", "import", "-", "--format", "csv"])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .and_then(|mut child| {
                        use std::io::Write;
                        child.stdin.take().unwrap().write_all(csv.as_bytes())?;
                        child.wait_with_output()
                    })
                    .unwrap();
                if !out.status.success() {
                    failures.push(String::from_utf8_lossy(&out.stderr).into_owned());
                }
                let _: (i64, i64, i64) = conn
                    .query_row("PRAGMA wal_checkpoint", [], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .unwrap();
                rounds += 1;
            }
            (rounds, failures)
        })
    };
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let db = env.db.clone();
            let dir = env.dir.path().to_owned();
            std::thread::spawn(move || {
                let ext = format!("5{w:02}");
                let mut bad = Vec::new();
                for i in 0..PER_WORKER {
                    let mut c = Command::new(bin());
                    c.env_remove("PINPROTECT_NOW")
                        .arg("--db")
                        .arg(&db)
                        .args(["--now", NOW, "-q"])
                        .stdout(Stdio::null())
                        .stderr(Stdio::piped());
                    let mut stdin = None;
                    match i % 7 {
                        0 => {
                            c.args(["check", &ext, "0049301234567"]);
                        }
                        1 => {
                            c.args(["dial", &ext, "7777"]);
                            stdin = Some(format!("48{w:02}\n"));
                        }
                        2 => {
                            c.args(["status", &ext, "1000001"]);
                        }
                        3 => {
                            c.args(["enable", &ext, "--duration", "10m"]);
                        }
                        4 => {
                            c.args(["revoke", &ext]);
                        }
                        5 => {
                            c.args([
                                "ext",
                                "add",
                                &format!("6{w:02}{i:04}"),
                                "--first-name",
                                "Load",
                            ]);
                        }
                        _ => {
                            c.args(["export", "--no-pins", "--output"])
                                .arg(dir.join(format!("export-{w}.csv")));
                        }
                    }
                    c.stdin(if stdin.is_some() {
                        Stdio::piped()
                    } else {
                        Stdio::null()
                    });
                    let mut child = c.spawn().unwrap();
                    if let Some(pin) = stdin {
                        use std::io::Write;
                        child
                            .stdin
                            .take()
                            .unwrap()
                            .write_all(pin.as_bytes())
                            .unwrap();
                    }
                    let out = child.wait_with_output().unwrap();
                    let code = out.status.code().unwrap_or(-1);
                    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
                    if !(code == 0 || code == 1) || stderr.contains("damaged") {
                        bad.push(format!("worker {w} command {i}: exit {code}: {stderr}"));
                    }
                }
                bad
            })
        })
        .collect();
    let mut bad = Vec::new();
    for w in workers {
        bad.extend(w.join().unwrap());
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (rounds, failures) = importer.join().unwrap();
    assert!(rounds >= 1);
    assert!(failures.is_empty(), "imports failed: {failures:?}");
    assert!(
        bad.is_empty(),
        "{} of {} commands failed:\n{}",
        bad.len(),
        WORKERS * PER_WORKER,
        bad.join("\n")
    );
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

/// A database as a crash in the middle of a checkpoint leaves it: page 1,
/// copied from the `-wal` file, already says the database has grown, but
/// the main file was not extended yet; the `-wal` file holds every page.
struct CrashedCheckpoint {
    main: Vec<u8>,
    wal: Vec<u8>,
    rows: i64,
}

fn crashed_during_checkpoint() -> CrashedCheckpoint {
    let env = Env::new();
    fill(&env, 1_500);
    // A command that writes checkpoints and removes the -wal file when it
    // closes (a read-only one cannot).
    env.cmd().arg("init").assert().success();
    assert!(!wal_of(&env.db).exists(), "the first state has no -wal");
    let old_len = std::fs::metadata(&env.db).unwrap().len() as usize;

    let keep = rusqlite::Connection::open(&env.db).unwrap();
    keep.query_row("SELECT count(*) FROM extensions", [], |r| {
        r.get::<_, i64>(0)
    })
    .unwrap();
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    conn.execute(
        "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < 1500)
         INSERT INTO extensions (number, first_name, voicemail_pin)
         SELECT printf('%d', 2000000 + i), 'Later ' || i, printf('7%05d', i) FROM seq",
        [],
    )
    .unwrap();
    let wal = std::fs::read(wal_of(&env.db)).unwrap();
    // The checkpoint writes the pages (page 1 first) and extends the file;
    // the crash is modelled by cutting the file back to its old length.
    let _: (i64, i64, i64) = conn
        .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    let mut main = std::fs::read(&env.db).unwrap();
    assert!(main.len() > old_len, "the insert grew the database");
    main.truncate(old_len);
    let pages = u32::from_be_bytes(main[28..32].try_into().unwrap()) as usize;
    let page_size = u16::from_be_bytes(main[16..18].try_into().unwrap()) as usize;
    assert!(
        pages * page_size > main.len(),
        "page 1 says the file is longer"
    );
    drop(conn);
    drop(keep);
    CrashedCheckpoint {
        main,
        wal,
        rows: 3_000,
    }
}

fn wal_of(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", db.display()))
}

#[test]
fn a_crash_during_a_checkpoint_leaves_a_database_every_command_uses() {
    crate::sqlite_only!();
    let state = crashed_during_checkpoint();
    let commands: &[&[&str]] = &[
        &["status"],
        &["ext", "list", "--format", "csv"],
        &["check", "2001499", "0049301234567"],
        &["dial", "2001499", "0049301234567"],
        &["enable", "1000000", "--duration", "5m"],
        &["ext", "add", "555"],
        &["export", "--no-pins"],
        &["pins", "2000000"],
        &["audit"],
        &["log"],
        &["init"],
    ];
    for args in commands {
        let env = Env::empty();
        std::fs::write(&env.db, &state.main).unwrap();
        std::fs::write(wal_of(&env.db), &state.wal).unwrap();
        env.set_clock_override(true);
        let (code, stdout, stderr) = run(&env, args);
        assert!(
            code == 0 || (args[0] == "audit" && code == 1),
            "{args:?}: exit {code}: {stderr}"
        );
        assert!(!stderr.contains("damaged"), "{args:?}: {stderr}");
        if args[1..].first() == Some(&"list") {
            assert_eq!(stdout.lines().count() as i64, state.rows + 1);
        }
        // Every row is there and SQLite finds the file healthy.
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        let (rows, check): (i64, String) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM extensions WHERE number < '3'), \
                 (SELECT integrity_check FROM pragma_integrity_check)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert!(rows >= state.rows, "{args:?}: {rows} rows");
        assert_eq!(check, "ok", "{args:?}");
    }
}

#[test]
fn a_file_cut_short_without_a_wal_is_still_refused() {
    crate::sqlite_only!();
    let state = crashed_during_checkpoint();
    let env = Env::empty();
    std::fs::write(&env.db, &state.main).unwrap();
    let (code, _, stderr) = run(&env, &["status"]);
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains("is damaged: it is cut short"), "{stderr}");
    assert_eq!(std::fs::read(&env.db).unwrap(), state.main);
}

// ---------------------------------------------------------------------
// Emergency first.

fn assert_emergency(env: &Env, ext: &str, what: &str) {
    for number in ["911", "9112"] {
        if number == "9112" && what == "unknown caller" {
            continue; // no prefix configured: 9112 is an ordinary number there
        }
        let out = env
            .cmd()
            .args(["check", ext, number, "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{what}: check {number}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v = json(&String::from_utf8(out.stdout).unwrap());
        assert_eq!(
            (&v["permitted"], &v["reason"]),
            (&true.into(), &"emergency".into()),
            "{what}"
        );
        let out = env.cmd().args(["dial", ext, number]).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{what}: dial {number}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).starts_with("connected:"),
            "{what}"
        );
    }
}

#[test]
fn emergency_numbers_are_permitted_whatever_else_is_wrong() {
    // An unknown caller on a healthy database.
    let env = Env::new();
    env.add("100", "4826");
    assert_emergency(&env, "555", "unknown caller");
    env.cmd()
        .args(["check", "555", "0049301234567"])
        .assert()
        .code(3);
    // A known caller's grant is still reported.
    env.add_protected("101", "5937", "5m");
    env.dial_pin("101", "5937", NOW).code(0);
    let v = json(&env.stdout(&["check", "101", "911", "--format", "json"]));
    assert_eq!(
        (&v["reason"], &v["unlocked_until"]),
        (&"emergency".into(), &"2026-11-26T09:05:00Z".into())
    );

    // A missing database: permitted, with a warning that says why.
    let missing = Env::empty();
    assert_emergency(&missing, "100", "missing");
    missing
        .cmd()
        .args(["check", "100", "112"])
        .assert()
        .code(0)
        .stderr(predicate::str::starts_with("warning: no database at"))
        .stderr(predicate::str::contains(
            "112 is a built-in emergency number, so the call is permitted",
        ));
    missing
        .cmd()
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(4);
    assert!(!missing.db.exists());

    if crate::common::on_postgres() {
        // No server: a port where nothing listens.
        let mut gone = Env::empty();
        gone.db = "postgres://postgres@127.0.0.1:9/pinprotect?sslmode=disable".into();
        assert_emergency(&gone, "100", "no server");
        gone.cmd()
            .args(["check", "100", "0049301234567"])
            .assert()
            .code(4)
            .stderr(predicate::str::contains(
                "error: cannot reach PostgreSQL at postgres://postgres@127.0.0.1:9/pinprotect",
            ));
        // A database of something else.
        let foreign = Env::empty();
        foreign.sql("CREATE TABLE cdr (id int)", None);
        assert_emergency(&foreign, "100", "foreign");
        foreign
            .cmd()
            .args(["check", "100", "0049301234567"])
            .assert()
            .code(4)
            .stderr(predicate::str::contains(
                "is a PostgreSQL database, but not a pinprotect database",
            ));
    } else {
        // Not SQLite at all.
        let foreign = Env::empty();
        std::fs::write(&foreign.db, "hello, not a database\n".repeat(20)).unwrap();
        assert_emergency(&foreign, "100", "not SQLite");

        // Cut short, with no -wal file to explain it.
        let cut = Env::new();
        fill(&cut, 2_000);
        cut.cmd().arg("init").assert().success();
        let bytes = std::fs::read(&cut.db).unwrap();
        std::fs::write(&cut.db, &bytes[..bytes.len() / 2 / 4096 * 4096]).unwrap();
        assert_emergency(&cut, "1000001", "truncated");
        cut.cmd()
            .args(["check", "1000001", "0049301234567"])
            .assert()
            .code(4);
    }

    // A time refused for changes does not stand in the way of dial.
    let plain = Env::default_clock();
    plain
        .real_clock()
        .args(["ext", "add", "100"])
        .assert()
        .success();
    plain.cmd().args(["dial", "100", "112"]).assert().code(0);
}

#[test]
fn emergency_numbers_are_permitted_on_a_database_locked_by_another_writer() {
    let env = Env::new();
    env.add_protected("100", "4826", "5m");
    // A lock that keeps readers out too: SQLite's exclusive lock, or on
    // PostgreSQL an ACCESS EXCLUSIVE lock on the tables.
    let _held: Box<dyn std::any::Any> = match &env.pg {
        Some(pg) => {
            let mut client = pg.client();
            client
                .batch_execute(
                    "BEGIN; LOCK TABLE extensions, settings IN ACCESS EXCLUSIVE MODE; \
                     UPDATE extensions SET first_name = 'x';",
                )
                .unwrap();
            Box::new(client)
        }
        None => {
            let conn = rusqlite::Connection::open(&env.db).unwrap();
            conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
                .unwrap();
            conn.execute_batch("BEGIN EXCLUSIVE; UPDATE extensions SET first_name = 'x';")
                .unwrap();
            Box::new(conn)
        }
    };
    assert_emergency(&env, "100", "locked");
    let (code, _, stderr) = run(&env, &["check", "100", "112"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("is busy"), "{stderr}");
}

#[test]
fn emergency_numbers_are_permitted_for_a_user_who_cannot_read_the_database() {
    crate::sqlite_only!();
    let env = Env::new();
    env.add_protected("100", "4826", "5m");
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o600)).unwrap();
    for (args, want) in [
        (vec!["check", "100", "911", "--format", "json"], 0),
        (vec!["dial", "100", "112"], 0),
        (vec!["check", "555", "999"], 0),
        (vec!["check", "100", "0049301234567"], 4),
    ] {
        let out = as_nobody(&env, &args);
        assert_eq!(
            out.status.code(),
            Some(want),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// ---------------------------------------------------------------------
// The real clock for every change.

#[test]
fn changes_refuse_a_given_time_unless_clock_override_is_on() {
    let env = Env::default_clock();
    env.real_clock()
        .args(["ext", "add", "100", "--pin-stdin"])
        .write_stdin("4826\n")
        .assert()
        .success();
    env.real_clock()
        .args(["enable", "100", "--duration", "5m"])
        .assert()
        .success();
    let before = env.snapshot();
    let events = event_count(&env);
    for (args, stdin) in [
        (vec!["dial", "100", "7777"], "4826\n"),
        (vec!["dial", "100", "0049301234567"], ""),
        (vec!["enable", "100", "--duration", "10m"], ""),
        (vec!["ext", "add", "101"], ""),
        (vec!["revoke", "--all"], ""),
        (vec!["settings", "set", "clock_override", "on"], ""),
    ] {
        env.cmd()
            .args(&args)
            .write_stdin(stdin)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(
                "refusing to change the database as if it were 2026-11-26 09:00:00 +00:00",
            ))
            .stderr(predicate::str::contains("clock_override"));
    }
    assert_eq!(event_count(&env), events);
    assert_eq!(env.snapshot(), before);
    // Reads keep --now as a what-if.
    env.cmd()
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(1);
    env.ok(["status", "100"]);

    // Turned on (logged), the given time is used, for the grant and the log.
    env.real_clock()
        .args(["settings", "set", "clock_override", "on"])
        .assert()
        .success();
    env.dial_pin("100", "4826", NOW).code(0);
    env.cmd()
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(0);
    env.at("2026-11-26T09:05:00Z")
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(1);
    let log = json(&env.stdout(&["log", "--format", "json"]));
    let log = log.as_array().unwrap();
    let settings = log
        .iter()
        .find(|e| e["event"] == "settings_changed")
        .unwrap();
    assert_eq!(settings["detail"], "clock_override: 'off' -> 'on'");
    let grant = log.iter().find(|e| e["event"] == "grant").unwrap();
    assert_eq!(grant["time"], NOW);
    assert_eq!(grant["detail"], "until 2026-11-26T09:05:00Z");
    env.real_clock()
        .args(["-q", "settings", "set", "clock_override", "off"])
        .assert()
        .success();
    env.cmd().args(["revoke", "100"]).assert().code(2);
}

#[test]
fn reads_that_log_use_the_system_clock_for_their_events() {
    let env = Env::default_clock();
    env.real_clock()
        .args(["ext", "add", "100"])
        .assert()
        .success();
    env.ok(["pins"]);
    env.cmd()
        .args(["export", "--output"])
        .arg(env.path("x.csv"))
        .assert()
        .success();
    let log = json(&env.stdout(&["log", "--format", "json"]));
    let system = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    for e in log.as_array().unwrap() {
        let t = chrono::DateTime::parse_from_rfc3339(e["time"].as_str().unwrap())
            .unwrap()
            .timestamp();
        assert!((system - t).abs() < 600, "{e}");
    }
}

#[test]
fn pinprotect_now_from_the_environment_warns_and_times_are_bounded() {
    let env = Env::new();
    env.add("100", "4826");
    let mut c = Command::new(bin());
    c.env("PINPROTECT_NOW", NOW)
        .arg("--db")
        .arg(&env.db)
        .args(["check", "100", "0049301234567"]);
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(
            "warning: PINPROTECT_NOW is set: answering as if it were 2026-11-26 09:00:00 +00:00"
        ),
        "{stderr}"
    );
    let quiet = Command::new(bin())
        .env("PINPROTECT_NOW", NOW)
        .arg("--db")
        .arg(&env.db)
        .args(["-q", "check", "100", "0049301234567"])
        .output()
        .unwrap();
    assert_eq!(quiet.status.code(), Some(0));
    assert!(quiet.stderr.is_empty());
    // On the command line, no warning.
    env.cmd()
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(0)
        .stderr("");
    for bad in [
        "0001-01-01T00:00:00Z",
        "+10000-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z",
    ] {
        env.at(bad)
            .args(["check", "100", "0049301234567"])
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("out of range")
                    .or(predicate::str::contains("invalid time")),
            );
    }
    env.at("9999-12-31T23:59:59Z")
        .args(["status"])
        .assert()
        .success();
}

// ---------------------------------------------------------------------
// Never clobber.

fn mknod_char(path: &Path) {
    let status = Command::new("mknod")
        .arg(path)
        .args(["c", "1", "3"])
        .status()
        .unwrap();
    assert!(status.success());
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

/// What a path is, without following a link: kind, mode, and content for
/// regular files.
fn snapshot(path: &Path) -> (String, u32, Option<Vec<u8>>) {
    let m = std::fs::symlink_metadata(path).unwrap();
    let t = m.file_type();
    let kind = if t.is_symlink() {
        format!("link to {}", std::fs::read_link(path).unwrap().display())
    } else if t.is_char_device() {
        format!("char {}", m.rdev())
    } else if t.is_fifo() {
        "fifo".into()
    } else if t.is_dir() {
        "dir".into()
    } else {
        "file".into()
    };
    let content = t.is_file().then(|| std::fs::read(path).unwrap());
    (kind, m.mode(), content)
}

#[test]
fn output_refuses_devices_fifos_folders_and_the_database_itself() {
    crate::sqlite_only!();
    let env = Env::new();
    env.add("100", "4826");
    // Keep a connection open so that the -wal file exists.
    let keep = rusqlite::Connection::open(&env.db).unwrap();
    keep.execute_batch("UPDATE extensions SET first_name = 'Kept'")
        .unwrap();
    assert!(wal_of(&env.db).exists());
    let device = env.path("device");
    mknod_char(&device);
    let fifo = env.path("fifo");
    mkfifo(&fifo);
    let folder = env.path("folder");
    std::fs::create_dir(&folder).unwrap();
    let to_stdout = env.path("stdout-link");
    std::os::unix::fs::symlink("/proc/self/fd/1", &to_stdout).unwrap();
    let hard = env.path("hard-link.sqlite3");
    std::fs::hard_link(&env.db, &hard).unwrap();
    let soft = env.path("soft-link");
    std::os::unix::fs::symlink(&env.db, &soft).unwrap();
    let other_path = env.dir.path().join(".").join("pbx.sqlite3");
    let events = event_count(&env);
    let db_before = std::fs::read(&env.db).unwrap();
    for target in [
        device.clone(),
        fifo.clone(),
        folder.clone(),
        to_stdout,
        env.db.clone(),
        wal_of(&env.db),
        hard,
        soft,
        other_path,
        PathBuf::from("/dev/null"),
        PathBuf::from("/dev/stdout"),
    ] {
        let before = snapshot(&target);
        let out = env
            .cmd()
            .args(["export", "--output"])
            .arg(&target)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(5),
            "{}: {}",
            target.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{}", target.display());
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.starts_with("error: refusing to write "), "{stderr}");
        assert!(stderr.contains("hint: "), "{stderr}");
        if target != wal_of(&env.db) {
            assert_eq!(snapshot(&target), before, "{}", target.display());
        }
    }
    assert_eq!(event_count(&env), events, "a refused export is not logged");
    assert_eq!(std::fs::read(&env.db).unwrap(), db_before);
    // A -wal name is refused even while no such file exists.
    drop(keep);
    env.cmd().arg("init").assert().success();
    assert!(!wal_of(&env.db).exists());
    env.cmd()
        .args(["export", "--output"])
        .arg(wal_of(&env.db))
        .assert()
        .code(5);
    assert!(!wal_of(&env.db).exists());
}

#[test]
fn db_refuses_devices_and_fifos_before_sqlite_touches_them() {
    let env = Env::empty();
    let device = env.path("device");
    mknod_char(&device);
    let fifo = env.path("fifo");
    mkfifo(&fifo);
    for target in [&device, &fifo] {
        let before = snapshot(target);
        for args in [&["init"][..], &["status"], &["ext", "add", "100"]] {
            let out = env
                .real_clock()
                .arg("--db")
                .arg(target)
                .args(args)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(4), "{args:?}");
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert!(stderr.contains("is not a regular file"), "{stderr}");
        }
        assert_eq!(snapshot(target), before);
    }
    let mut names: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["device", "fifo"], "nothing was left beside them");
}

#[test]
fn a_stale_temporary_export_file_is_removed_by_the_next_export() {
    let env = Env::new();
    env.add("100", "4826");
    let out = env.path("exports");
    std::fs::create_dir(&out).unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(120);
    let stale = out.join(".pinprotect-Ab12Cd.tmp");
    let fresh = out.join(".pinprotect-Xy34Zw.tmp");
    let foreign = out.join(".pinprotect-notours.tmp");
    for p in [&stale, &fresh, &foreign] {
        std::fs::write(p, "100,4826\n").unwrap();
    }
    for p in [&stale, &foreign] {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    env.cmd()
        .args(["export", "--output"])
        .arg(out.join("x.csv"))
        .assert()
        .success();
    assert!(!stale.exists(), "the stale temporary file is gone");
    assert!(fresh.exists(), "a running export's file stays");
    assert!(foreign.exists(), "a file not named like ours stays");
    assert!(out.join("x.csv").exists());
}

// ---------------------------------------------------------------------
// PINs shown only when the viewing is logged; read-only use.

fn as_nobody(env: &Env, args: &[&str]) -> std::process::Output {
    Command::new("setpriv")
        .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"])
        .arg(bin())
        .arg("--db")
        .arg(&env.db)
        .args(args)
        .current_dir("/")
        .env_remove("PINPROTECT_NOW")
        .env_remove("PINPROTECT_DB")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn a_user_who_may_only_read_can_check_but_sees_no_pin() {
    crate::sqlite_only!();
    let env = Env::new();
    env.add_protected("100", "9081726354", "5m");
    env.add("101", "4826");
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out_dir = env.path("out");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::set_permissions(&out_dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let before = std::fs::read(&env.db).unwrap();

    let status = as_nobody(&env, &["status", "--format", "csv"]);
    assert_eq!(
        status.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(
        String::from_utf8(status.stdout)
            .unwrap()
            .contains("100,true,300,locked")
    );
    let check = as_nobody(&env, &["check", "100", "0049301234567"]);
    assert_eq!(check.status.code(), Some(1));
    let check = as_nobody(&env, &["check", "101", "0049301234567"]);
    assert_eq!(check.status.code(), Some(0));
    for args in [&["ext", "list"][..], &["log"], &["settings"], &["audit"]] {
        let out = as_nobody(&env, args);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let pins = as_nobody(&env, &["pins"]);
    assert_eq!(pins.status.code(), Some(4));
    assert!(pins.stdout.is_empty());
    let stderr = String::from_utf8(pins.stderr).unwrap();
    assert!(stderr.contains("no PINs shown"), "{stderr}");
    assert!(stderr.contains("hint: PINs are shown only once the audit log records it"));
    assert!(!stderr.contains("9081726354"));

    let target = out_dir.join("export.csv");
    let export = as_nobody(&env, &["export", "--output", target.to_str().unwrap()]);
    assert_eq!(export.status.code(), Some(4));
    assert!(!target.exists());
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), 0);
    let export = as_nobody(&env, &["export"]);
    assert_eq!(export.status.code(), Some(4));
    assert!(export.stdout.is_empty());

    // Nothing the reader did changed the file; a change is refused.
    let add = as_nobody(&env, &["ext", "add", "102"]);
    assert_eq!(add.status.code(), Some(4));
    assert_eq!(std::fs::read(&env.db).unwrap(), before);
}

// ---------------------------------------------------------------------
// Nothing raw reaches a terminal or the log.

#[test]
fn file_names_with_control_and_bidi_characters_are_escaped_in_the_log() {
    let env = Env::new();
    env.add("100", "4826");
    let name = "evil\x1b[2J\nforged\u{202e}.csv";
    env.cmd()
        .args(["export", "--no-pins", "--output"])
        .arg(env.path(name))
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "evil\\x1b[2J\\nforged\\u{202e}.csv",
        ));
    assert!(env.path(name).exists());
    for format in ["table", "csv", "json"] {
        let out = env.stdout(&["log", "--format", format]);
        assert!(!out.contains('\x1b'), "{format}: {out}");
        assert!(!out.contains('\u{202e}'), "{format}: {out}");
        if format != "json" {
            assert!(
                out.contains("evil\\x1b[2J\\nforged\\u{202e}.csv"),
                "{format}: {out}"
            );
            // The newline did not forge a second line.
            assert_eq!(out.lines().filter(|l| l.contains("forged")).count(), 1);
        }
    }
    // The stored detail is escaped too.
    let detail = env
        .query_texts("SELECT detail FROM events WHERE kind = 'export'")
        .remove(0);
    assert!(
        !detail.contains('\n') && !detail.contains('\x1b'),
        "{detail}"
    );
}

#[test]
fn import_problems_echo_cells_escaped_and_short() {
    let env = Env::new();
    let csv = "extension,first_name,pin_protect\n100,Ann,\x1bc\n101,\u{202e}Bob,true\n";
    let out = env
        .cmd()
        .args(["import", "-", "--format", "csv"])
        .write_stdin(csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stderr.contains('\x1b') && !stderr.contains('\u{202e}'),
        "{stderr}"
    );
    assert!(stderr.contains("line 2: pin_protect: '\\x1bc'"), "{stderr}");
    assert!(
        stderr.contains("line 3:") && stderr.contains("\\u{202e}"),
        "{stderr}"
    );
    // Bidi overrides are refused in names like control characters.
    env.cmd()
        .args(["ext", "add", "102", "--first-name", "\u{202e}dlrow"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invisible character \\u{202e}"));
    // A long cell is cut.
    let long = format!("extension,pin_protect\n100,{}\n", "y".repeat(100_000));
    let out = env
        .cmd()
        .args(["import", "-", "--format", "csv"])
        .write_stdin(long)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stderr.len() < 2_000, "{}", out.stderr.len());
}

#[test]
fn a_50_mb_line_stops_the_import_with_little_output_and_memory() {
    let env = Env::new();
    let file = env.path("one-line.csv");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        f.write_all(b"extension,").unwrap();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..50 {
            f.write_all(&chunk).unwrap();
        }
        f.write_all(b"\n").unwrap();
    }
    for format in ["csv", "3cx", "jsonl", "voicemail-conf"] {
        let out = Command::new("sh")
            .args(["-c", "ulimit -v 262144 && exec \"$@\"", "sh", bin(), "--db"])
            .arg(&env.db)
            .args(["--now", NOW, "import", "--format", format])
            .arg(&file)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert!(
            out.stderr.len() < 64 * 1024,
            "{format}: {}",
            out.stderr.len()
        );
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains("line 1 is longer than 1 MiB"),
            "{format}: {stderr}"
        );
    }
}

// ---------------------------------------------------------------------
// Reports never narrow a PIN down; deleted PINs are gone.

#[test]
fn audit_and_log_word_every_weak_pin_alike() {
    let report = |pin: &str| {
        let env = Env::new();
        env.cmd()
            .args(["ext", "add", "4826", "--pin-stdin", "--allow-weak"])
            .write_stdin(format!("{pin}\n"))
            .assert()
            .success();
        let audit = env
            .cmd()
            .args(["audit", "--format", "csv"])
            .output()
            .unwrap();
        let log = env.stdout(&["log", "--format", "csv"]);
        let user_free: Vec<String> = log
            .lines()
            .map(|l| l.split(',').skip(3).collect::<Vec<_>>().join(","))
            .collect();
        (String::from_utf8(audit.stdout).unwrap(), user_free)
    };
    let same_as_extension = report("4826");
    let one_digit = report("5555");
    assert_eq!(same_as_extension, one_digit);
    assert!(
        same_as_extension
            .0
            .contains("4826,weak_pin,the PIN is weak")
    );
    for text in [&same_as_extension.0, &same_as_extension.1.join("\n")] {
        assert!(!text.contains("extension number"), "{text}");
        assert!(!text.contains("repeated"), "{text}");
    }
}

#[test]
fn a_changed_pin_leaves_no_trace_in_the_database_file() {
    crate::sqlite_only!();
    let env = Env::new();
    fill(&env, 50);
    env.add("100", "9081726354");
    env.cmd()
        .args(["ext", "set-pin", "100", "--pin-stdin"])
        .write_stdin("5928374\n")
        .assert()
        .success();
    env.add("101", "9182736450");
    env.ok(["ext", "remove", "101", "--yes"]);
    for path in [env.db.clone(), wal_of(&env.db)] {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        for old in ["9081726354", "9182736450"] {
            assert!(
                !bytes.windows(old.len()).any(|w| w == old.as_bytes()),
                "{old} is still in {}",
                path.display()
            );
        }
    }
    assert_eq!(
        env.stdout(&["pins", "100", "--format", "csv"]),
        "extension,first_name,last_name,voicemail_pin,weak_pin\n100,,,5928374,\n"
    );
}

#[test]
fn output_to_dev_stdout_redirected_to_a_file_leaves_dev_alone() {
    let env = Env::new();
    env.add("100", "4826");
    let redirected = env.path("redirected.txt");
    let file = std::fs::File::create(&redirected).unwrap();
    let link_before = std::fs::read_link("/dev/stdout").unwrap();
    let out = Command::new(bin())
        .arg("--db")
        .arg(&env.db)
        .args(["--now", NOW, "export", "--output", "/dev/stdout"])
        .stdout(file)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(std::fs::read_link("/dev/stdout").unwrap(), link_before);
    assert_eq!(std::fs::read(&redirected).unwrap(), b"");
}

#[test]
fn an_export_that_cannot_be_written_names_the_target_not_a_temporary_file() {
    crate::sqlite_only!();
    let env = Env::new();
    env.add("100", "4826");
    // nobody may write the database's folder and the file, not the target
    // folder.
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o666)).unwrap();
    let locked = env.path("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let target = locked.join("x.csv");
    let out = as_nobody(&env, &["export", "--output", target.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot write {}: Permission denied",
            target.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains(".pinprotect-"), "{stderr}");
    assert!(
        stderr.contains("hint: this user may not create files in that folder"),
        "{stderr}"
    );
}
