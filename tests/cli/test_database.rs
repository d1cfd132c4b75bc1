use predicates::prelude::*;

use crate::common::{Env, mode};

/// Every command but init, with valid arguments.
const COMMANDS: &[&[&str]] = &[
    &["ext", "list"],
    &["ext", "show", "100"],
    &["ext", "add", "100"],
    &["ext", "edit", "100", "--first-name", "A"],
    &["ext", "set-pin", "100", "--generate"],
    &["ext", "remove", "100", "--yes"],
    &["enable", "100", "--duration", "5m"],
    &["disable", "--all"],
    &["revoke", "--all"],
    &["status"],
    &["pins"],
    &["export"],
    &["check", "100", "0049301234567"],
    &["dial", "100", "0049301234567"],
];

#[test]
fn missing_database_exits_4_with_a_hint_and_creates_nothing() {
    let env = Env::empty();
    for args in COMMANDS {
        env.cmd()
            .args(*args)
            .assert()
            .code(4)
            .stdout("")
            .stderr(predicate::str::contains("error: no database at"))
            .stderr(predicate::str::contains("hint: run `pinprotect init`"));
        assert!(!env.db.exists(), "{args:?} created the database");
        if env.pg.is_some() {
            let tables =
                env.query_texts("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
            assert_eq!(tables, ["0"], "{args:?} created tables");
        }
    }
    assert_eq!(std::fs::read_dir(env.dir.path()).unwrap().count(), 0);
}

fn assert_refused(env: &Env, content: &[u8], message: &str) {
    std::fs::write(&env.db, content).unwrap();
    assert_each_refuses(env, message, || std::fs::read(&env.db).unwrap());
}

/// Every command and `init` exit 4 with `message`, and leave the database
/// as `state` read it before.
fn assert_each_refuses<T: PartialEq + std::fmt::Debug>(
    env: &Env,
    message: &str,
    state: impl Fn() -> T,
) {
    let before = state();
    let mut all: Vec<&[&str]> = COMMANDS.to_vec();
    all.push(&["init"]);
    for args in all {
        env.cmd()
            .args(args)
            .assert()
            .code(4)
            .stdout("")
            .stderr(predicate::str::contains(message));
        assert_eq!(state(), before, "{args:?} changed the database");
    }
}

#[test]
fn a_file_that_is_not_sqlite_exits_4_and_stays_byte_identical() {
    crate::sqlite_only!();
    let env = Env::empty();
    assert_refused(
        &env,
        b"extension,pin\n100,1234\n",
        "is not a SQLite database",
    );
    let mut noise = vec![0u8; 8192];
    for (i, b) in noise.iter_mut().enumerate() {
        *b = (i * 7 % 251) as u8;
    }
    assert_refused(&env, &noise, "is not a SQLite database");
}

fn sqlite_file(setup: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(setup).unwrap();
    drop(conn);
    std::fs::read(&path).unwrap()
}

#[test]
fn a_foreign_sqlite_database_exits_4_and_stays_byte_identical() {
    crate::sqlite_only!();
    let env = Env::empty();
    let bytes = sqlite_file("CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('x');");
    assert_refused(&env, &bytes, "not a pinprotect database");
}

#[test]
fn a_newer_schema_exits_4_and_stays_byte_identical() {
    let env = Env::new();
    env.add("100", "4826");
    if env.pg.is_some() {
        env.sql("UPDATE pinprotect_schema SET version = 99", None);
        assert_each_refuses(
            &env,
            "schema version 99, newer than this pinprotect understands",
            || {
                let mut all = env.snapshot();
                all.extend(env.query_texts("SELECT version FROM pinprotect_schema"));
                all
            },
        );
        assert_eq!(
            env.query_texts("SELECT version FROM pinprotect_schema"),
            ["99"]
        );
        return;
    }
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;")
        .unwrap();
    drop(conn);
    let bytes = std::fs::read(&env.db).unwrap();
    assert_refused(
        &env,
        &bytes,
        "schema version 99, newer than this pinprotect understands",
    );
}

#[test]
fn init_creates_folders_and_a_private_file_and_is_idempotent() {
    let env = Env::empty();
    let nested = env.path("a/b/pbx.sqlite3");
    let mut init = env.cmd();
    init.arg("--db").arg(&nested).arg("init");
    init.assert()
        .success()
        .stderr(predicate::str::contains("created database"));
    assert_eq!(mode(&nested), 0o600);
    assert_eq!(mode(&env.path("a")), 0o700);
    env.real_clock()
        .arg("--db")
        .arg(&nested)
        .args(["ext", "add", "100", "--pin-stdin"])
        .write_stdin("4826\n")
        .assert()
        .success();
    let mut again = env.cmd();
    again.arg("--db").arg(&nested).arg("init");
    again
        .assert()
        .success()
        .stderr(predicate::str::contains("is up to date"));
    let out = env
        .cmd()
        .arg("--db")
        .arg(&nested)
        .args(["pins", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "extension,first_name,last_name,voicemail_pin,weak_pin\n100,,,4826,\n"
    );
}

#[test]
fn an_empty_file_is_not_a_database_until_init() {
    crate::sqlite_only!();
    let env = Env::empty();
    std::fs::write(&env.db, b"").unwrap();
    env.cmd()
        .arg("status")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("is empty"))
        .stderr(predicate::str::contains("hint: run `pinprotect init`"));
    assert_eq!(std::fs::metadata(&env.db).unwrap().len(), 0);
    env.cmd().arg("init").assert().success();
    assert_eq!(mode(&env.db), 0o600);
    env.cmd().arg("status").assert().success();
}

#[test]
fn database_and_its_wal_files_are_private() {
    crate::sqlite_only!();
    let env = Env::new();
    assert_eq!(mode(&env.db), 0o600);
    // Hold a reader open so the -wal and -shm files outlive the commands.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let _: i64 = conn
        .query_row("SELECT count(*) FROM extensions", [], |r| r.get(0))
        .unwrap();
    env.add("100", "4826");
    for suffix in ["", "-wal", "-shm"] {
        let p = std::path::PathBuf::from(format!("{}{suffix}", env.db.display()));
        assert!(p.exists(), "{p:?} missing");
        assert_eq!(mode(&p), 0o600, "{p:?}");
    }
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
}

#[test]
fn a_folder_is_not_a_database() {
    crate::sqlite_only!();
    let env = Env::empty();
    std::fs::create_dir(&env.db).unwrap();
    env.cmd()
        .arg("init")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("is a folder"));
    env.cmd()
        .arg("status")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("is a folder"));
}

/// A database of the schema before this binary's (version 3, before
/// `voicemail_options`): refused, emergency calls still answered, until
/// `init` brings it up to date with every extension kept.
#[test]
fn an_older_schema_is_refused_until_init_upgrades_it() {
    let env = Env::new();
    env.add_protected("100", "4826", "5m");
    let downgrade = if env.pg.is_some() {
        "ALTER TABLE extensions DROP COLUMN voicemail_options; UPDATE pinprotect_schema SET version = 3;"
    } else {
        "ALTER TABLE extensions DROP COLUMN voicemail_options; PRAGMA user_version = 3;"
    };
    env.try_sql(downgrade).unwrap();
    env.cmd()
        .args(["status"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "has schema version 3; this pinprotect needs version 4",
        ))
        .stderr(predicate::str::contains(
            "run `pinprotect init` to upgrade it",
        ));
    env.cmd()
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(4);
    env.cmd()
        .args(["check", "100", "911"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("permitted"));
    env.real_clock().arg("init").assert().success();
    assert_eq!(
        env.stdout(&["export", "--no-pins"]),
        "extension,first_name,last_name,email,pin_protect,pin_protect_duration_s,unlocked_until,voicemail_options\n\
         100,,,,true,300,,\n"
    );
    env.cmd()
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(1);
}
