//! What only PostgreSQL has: several servers on one database, a server
//! that restarts, credentials and TLS the libpq way, and the move between
//! engines. Run when the suite runs on PostgreSQL (`.ci/with-postgres`).

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::common::{Env, PgDatabase, count, events, postgres_server};
use crate::test_agi::{Keys, Server, call_port, call_with_keys};

/// Returns from a test unless the suite runs on PostgreSQL.
macro_rules! postgres_only {
    () => {
        if !$crate::common::on_postgres() {
            eprintln!("about PostgreSQL: run by .ci/with-postgres");
            return;
        }
    };
}

/// `host:port` of the suite's server.
fn server_address() -> String {
    let server = postgres_server().unwrap();
    let rest = server.split_once("://").unwrap().1;
    let authority = rest.split('/').next().unwrap();
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, h)| h)
        .to_owned()
}

fn port() -> String {
    server_address().rsplit_once(':').unwrap().1.to_owned()
}

/// pinprotect with a clean environment and `--db url`.
fn with_db(env: &Env, url: &str) -> assert_cmd::Command {
    let mut c = env.real_clock();
    // The last --db wins.
    c.args(["--db", url]);
    c
}

/// An extension 201 with PIN 4826, pin protected for 10 minutes.
fn pbx() -> Env {
    let env = Env::new();
    env.add_protected("201", "4826", "10m");
    env
}

/// One unlock call with `pin` to the server on `port`: its result.
fn unlock(port: u16, ext: &str, pin: &'static str) -> String {
    call_with_keys(port, "unlock", &[ext], &[Keys::Pin(pin)])
        .var("PINPROTECT_RESULT")
        .to_owned()
}

/// Two servers, as on two PBX nodes, on one database: 100 calls with a
/// wrong PIN at once, half to each. Exactly `lockout_attempts` PINs are
/// compared; every other entry is refused, and no call fails.
#[test]
fn two_servers_on_one_database_compare_exactly_lockout_attempts_pins() {
    postgres_only!();
    let env = pbx();
    let a = Server::start(&env, &[]);
    let b = Server::start(&env, &[]);
    let ports = [a.port, b.port];
    let results: Vec<String> = (0..100)
        .map(|i| {
            let port = ports[i % 2];
            std::thread::spawn(move || unlock(port, "201", "1111"))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    let mut tally = std::collections::BTreeMap::new();
    for r in &results {
        *tally.entry(r.as_str()).or_insert(0) += 1;
    }
    let log = events(&env, &[]);
    assert_eq!(count(&log, "wrong_pin"), 5, "{log:?}");
    assert_eq!(count(&log, "lockout"), 1);
    // Four wrong PINs were told to try again (and the caller went
    // silent); the fifth locked PIN entry, and every other call was
    // refused: at its start (the lockout already read) or at its PIN.
    assert_eq!(tally.get("timeout"), Some(&4), "{tally:?}");
    assert_eq!(tally.get("locked_out"), Some(&96), "{tally:?}");
    assert!(
        !tally.contains_key("granted") && !tally.contains_key("error"),
        "{tally:?}"
    );
    // Even the right PIN is refused now, on either node.
    assert_ne!(unlock(a.port, "201", "4826"), "granted");
    assert_ne!(unlock(b.port, "201", "4826"), "granted");
    let status = crate::common::json(&env.stdout(&["status", "201", "--format", "json"]));
    assert!(!status[0]["locked_out_until"].is_null(), "{status}");
    assert_eq!(a.stop().0, 0);
    assert_eq!(b.stop().0, 0);
}

/// A grant opened through one node holds for a call through the other at
/// once.
#[test]
fn a_grant_on_one_node_holds_on_the_other_at_once() {
    postgres_only!();
    let env = pbx();
    let a = Server::start(&env, &[]);
    let b = Server::start(&env, &[]);
    let denied = b.call("check", &["201", "0049301234567"], &[]);
    assert_eq!(denied.var("PINPROTECT_RESULT"), "denied");
    assert_eq!(unlock(a.port, "201", "4826"), "granted");
    let permitted = b.call("check", &["201", "0049301234567"], &[]);
    assert_eq!(permitted.var("PINPROTECT_RESULT"), "permitted");
}

/// A PostgreSQL cluster of this test's own, which it may stop and start.
struct Cluster {
    dir: tempfile::TempDir,
    ctl: String,
    port: u16,
}

impl Cluster {
    fn start() -> Cluster {
        let ctl = std::env::var("PINPROTECT_TEST_PG_CTL").expect("run by .ci/with-postgres");
        let bin = std::path::Path::new(&ctl).parent().unwrap().to_owned();
        let dir = tempfile::tempdir().unwrap();
        let owner = |path: &std::path::Path| {
            assert!(
                Command::new("chown")
                    .args(["-R", "postgres"])
                    .arg(path)
                    .status()
                    .unwrap()
                    .success()
            );
        };
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .unwrap();
        owner(dir.path());
        let data = dir.path().join("data");
        let ok = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(bin.join("initdb"))
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-D"])
            .arg(&data)
            .output()
            .unwrap();
        assert!(ok.status.success(), "{ok:?}");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut conf = std::fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .unwrap();
        writeln!(
            conf,
            "listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\nfsync = off",
            dir.path().display()
        )
        .unwrap();
        let cluster = Cluster { dir, ctl, port };
        cluster.pg_ctl(&["start", "-w"]);
        cluster
    }

    fn pg_ctl(&self, args: &[&str]) {
        let out = Command::new("runuser")
            .args(["-u", "postgres", "--", &self.ctl, "-D"])
            .arg(self.dir.path().join("data"))
            .arg("-l")
            .arg(self.dir.path().join("log"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "pg_ctl {args:?}: {out:?}");
    }

    /// An initialised database on this cluster with extension 201 (PIN
    /// 4826), pin protected for `protected` when given.
    fn pbx(&self, protected: Option<&str>) -> Env {
        let mut env = Env::sqlite();
        env.db = PathBuf::from(self.url());
        env.real_clock().arg("init").assert().success();
        env.real_clock()
            .args(["ext", "add", "201", "--pin-stdin"])
            .write_stdin("4826\n")
            .assert()
            .success();
        if let Some(duration) = protected {
            env.real_clock()
                .args(["enable", "201", "--duration", duration])
                .assert()
                .success();
        }
        env
    }

    fn url(&self) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/postgres?sslmode=disable",
            self.port
        )
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--", &self.ctl, "-D"])
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

/// PostgreSQL stops under a server taking calls and comes back: during
/// the outage emergency numbers (built-in, and the ones it last read) are
/// permitted and other calls get `error`, no call hangs; afterwards the
/// server answers again by itself, and the grant committed before the
/// outage is still there.
#[test]
fn a_restart_of_postgresql_under_load_loses_no_grant_and_serve_recovers_by_itself() {
    postgres_only!();
    let cluster = Cluster::start();
    let env = cluster.pbx(Some("10m"));
    env.real_clock()
        .args([
            "settings",
            "set",
            "emergency_numbers",
            "911,112,999,000,110",
        ])
        .assert()
        .success();
    let server = Server::start(&env, &[]);
    let port = server.port;
    assert_eq!(unlock(port, "201", "4826"), "granted");
    // Calls keep coming through the outage.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load: Vec<_> = (0..4)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut results = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let started = Instant::now();
                    let call = call_port(port, "check", &["201", "0049301234567"]);
                    results.push((call.var("PINPROTECT_RESULT").to_owned(), started.elapsed()));
                }
                results
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    cluster.pg_ctl(&["stop", "-m", "fast", "-w"]);
    for number in ["911", "110"] {
        let call = call_port(port, "check", &["201", number]);
        assert_eq!(call.var("PINPROTECT_RESULT"), "permitted", "{number}");
        assert_eq!(call.var("PINPROTECT_REASON"), "emergency", "{number}");
    }
    let call = call_port(port, "check", &["201", "0049301234567"]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "error");
    std::thread::sleep(Duration::from_millis(500));
    cluster.pg_ctl(&["start", "-w"]);
    // Back by itself: the committed grant holds.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let call = call_port(port, "check", &["201", "0049301234567"]);
        match call.var("PINPROTECT_RESULT") {
            "permitted" => break,
            "error" if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            other => panic!("after the restart: {other}"),
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let results: Vec<(String, Duration)> =
        load.into_iter().flat_map(|h| h.join().unwrap()).collect();
    // Every call was answered, none waited long, and none was wrongly
    // denied: permitted (the grant) or error (the outage).
    assert!(results.iter().any(|(r, _)| r == "error"), "{results:?}");
    assert!(results.iter().any(|(r, _)| r == "permitted"));
    for (r, took) in &results {
        assert!(r == "permitted" || r == "error", "{r}");
        assert!(*took < Duration::from_secs(15), "{took:?}");
    }
    let (code, _) = server.stop();
    assert_eq!(code, 0);
}

/// SQLite to PostgreSQL and back: the export and the log of what was
/// there are byte for byte the same; the moves are logged after them.
#[test]
fn migrate_round_trip_keeps_export_and_log_byte_for_byte() {
    postgres_only!();
    let env = Env::varied_on(Env::sqlite());
    env.dial_pin("100", "000123", crate::common::NOW).success();
    env.dial_pin("0099", "1111", crate::common::NOW).code(1);
    env.ok(["settings", "set", "lockout_attempts", "4"]);
    let export = |db: &str| -> Vec<u8> {
        with_db(&env, db)
            .args(["--now", crate::common::NOW, "export", "--format", "json"])
            .output()
            .unwrap()
            .stdout
    };
    let log = |db: &str, limit: usize| -> Vec<String> {
        let out = with_db(&env, db)
            .args(["log", "--format", "csv"])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .skip(1)
            .take(limit)
            .map(str::to_owned)
            .collect()
    };
    let original = env.db.to_str().unwrap().to_owned();
    let before_export = export(&original);
    let before_log = log(&original, usize::MAX);
    let n = before_log.len();
    let pg = PgDatabase::create(&postgres_server().unwrap());
    env.ok(["migrate", "--to", &pg.url])
        .stderr(predicate::str::contains(format!(
            "copied 5 extensions, 2 settings and {n} events"
        )));
    let back = env.path("back.sqlite3");
    with_db(&env, &pg.url)
        .args(["migrate", "--to", back.to_str().unwrap()])
        .assert()
        .success();
    for db in [pg.url.as_str(), back.to_str().unwrap()] {
        assert_eq!(export(db), before_export, "{db}");
        assert_eq!(log(db, n), before_log, "{db}");
    }
    // The moves are logged on both sides.
    let migrated = |db: &str| -> Vec<String> {
        let out = with_db(&env, db)
            .args(["log", "--event", "migrate", "--format", "csv"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .skip(1)
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(migrated(&original).len(), 1);
    assert!(migrated(&original)[0].contains(&format!("to {}", pg.url.split('?').next().unwrap())));
    let on_pg = migrated(&pg.url);
    assert_eq!(on_pg.len(), 2, "{on_pg:?}");
    assert!(on_pg[0].contains("from "), "{on_pg:?}");
    assert!(on_pg[1].contains("to "), "{on_pg:?}");
    // A database that holds data is not migrated into: nothing changes.
    env.cmd()
        .args(["migrate", "--to", &pg.url])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already holds data"));
    assert_eq!(export(&pg.url), before_export);
    // New rows get new ids after the copied ones.
    with_db(&env, &pg.url)
        .args(["ext", "add", "777", "--pin-stdin"])
        .write_stdin("5937\n")
        .assert()
        .success();
}

/// The role `pinprotect_pw` must give its password: from PGPASSWORD, from
/// the password file (mode 0600 only), from PGPASSFILE, or from the URL
/// (with a warning). Host, port, user and database come from PGHOST,
/// PGPORT, PGUSER and PGDATABASE when the URL leaves them out.
#[test]
fn credentials_come_the_libpq_way_and_never_need_the_command_line() {
    postgres_only!();
    let env = pbx();
    let name = &env.pg.as_ref().unwrap().name;
    let url = format!(
        "postgres://pinprotect_pw@127.0.0.1:{}/{name}?sslmode=disable",
        port()
    );
    let check = |c: &mut assert_cmd::Command| c.args(["check", "201", "0049301234567"]).assert();
    check(&mut with_db(&env, &url))
        .code(4)
        .stderr(predicate::str::contains("refused the login"))
        .stderr(predicate::str::contains("~/.pgpass"));
    check(with_db(&env, &url).env("PGPASSWORD", "correct horse")).code(1);
    // The password file in HOME: used at mode 0600, ignored (and named)
    // when others may read it.
    let pgpass = env.dir.path().join(".pgpass");
    std::fs::write(
        &pgpass,
        format!(
            "# pinprotect\n127.0.0.1:{}:*:pinprotect_pw:correct horse\n",
            port()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    check(&mut with_db(&env, &url)).code(1);
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o644)).unwrap();
    check(&mut with_db(&env, &url))
        .code(4)
        .stderr(predicate::str::contains("chmod 600"));
    let elsewhere = env.path("passwords");
    std::fs::rename(&pgpass, &elsewhere).unwrap();
    std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o600)).unwrap();
    check(with_db(&env, &url).env("PGPASSFILE", &elsewhere)).code(1);
    // In the URL it works, with a warning that names the safer ways.
    let with_password = format!(
        "postgres://pinprotect_pw:correct%20horse@127.0.0.1:{}/{name}?sslmode=disable",
        port()
    );
    check(&mut with_db(&env, &with_password))
        .code(1)
        .stderr(predicate::str::contains("holds a password"))
        .stderr(predicate::str::contains("~/.pgpass"))
        .stdout(predicate::str::contains("correct").not());
    // Everything from the environment.
    check(
        with_db(&env, "postgres://")
            .env("PGHOST", "127.0.0.1")
            .env("PGPORT", port())
            .env("PGUSER", "postgres")
            .env("PGDATABASE", name)
            .env("PGSSLMODE", "disable"),
    )
    .code(1);
    // Messages never show the password.
    let out = with_db(&env, &with_password.replace(name, "no_such_db"))
        .args(["status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("correct"), "{stderr}");
    assert!(stderr.contains("createdb"), "{stderr}");
}

/// `sslmode=verify-full` checks the server's certificate against the CA
/// and its name against the host; `verify-ca` only the first; an unknown
/// mode is a usage error.
#[test]
fn tls_verify_full_checks_the_certificate_and_the_host_name() {
    postgres_only!();
    let ca = std::env::var("PINPROTECT_TEST_PG_CA").expect("run by .ci/with-postgres");
    let env = pbx();
    let name = &env.pg.as_ref().unwrap().name;
    let url = |host: &str, mode: &str, root: Option<&str>| {
        let root = root.map_or(String::new(), |r| format!("&sslrootcert={r}"));
        format!(
            "postgres://postgres@{host}:{}/{name}?sslmode={mode}{root}",
            port()
        )
    };
    let check = |u: &str| {
        with_db(&env, u)
            .args(["check", "201", "0049301234567"])
            .assert()
    };
    check(&url("localhost", "verify-full", Some(&ca))).code(1);
    check(&url("127.0.0.1", "verify-full", Some(&ca)))
        .code(4)
        .stderr(predicate::str::contains("cannot reach PostgreSQL"));
    check(&url("127.0.0.1", "verify-ca", Some(&ca))).code(1);
    check(&url("localhost", "verify-full", None)).code(4);
    check(&url("localhost", "require", None)).code(1);
    with_db(&env, &url("localhost", "bogus", None))
        .args(["status"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "disable, allow, prefer, require, verify-ca, verify-full",
        ));
    // The CA where libpq looks for it by default.
    let dot = env.dir.path().join(".postgresql");
    std::fs::create_dir_all(&dot).unwrap();
    std::fs::copy(&ca, dot.join("root.crt")).unwrap();
    check(&url("localhost", "verify-full", None)).code(1);
    check(&url("127.0.0.1", "verify-full", None)).code(4);
    std::fs::remove_file(dot.join("root.crt")).unwrap();
    // From the environment, as libpq reads it.
    let plain = format!("postgres://postgres@localhost:{}/{name}", port());
    with_db(&env, &plain)
        .env("PGSSLMODE", "verify-full")
        .env("PGSSLROOTCERT", &ca)
        .args(["check", "201", "0049301234567"])
        .assert()
        .code(1);
}

/// `init` on a database with tables of something else refuses it and
/// leaves it alone; eight `init`s at once make the tables once.
#[test]
fn init_refuses_a_foreign_database_and_runs_once_at_a_time() {
    postgres_only!();
    let env = Env::empty();
    env.sql("CREATE TABLE cdr (id int)", None);
    env.real_clock()
        .arg("init")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("not a pinprotect database"));
    assert_eq!(
        env.query_texts("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"),
        ["1"]
    );
    let fresh = Env::empty();
    let children: Vec<_> = (0..8)
        .map(|_| {
            fresh
                .std_real_clock()
                .arg("init")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut created = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        created += usize::from(stderr.contains("created database"));
    }
    assert_eq!(created, 1);
    fresh.real_clock().arg("verify").assert().success();
}

/// `verify` finds the audit log's guard changed: a trigger disabled or
/// dropped, the function rewritten.
#[test]
fn verify_finds_the_audit_logs_triggers_changed() {
    postgres_only!();
    for (change, found) in [
        (
            "ALTER TABLE events DISABLE TRIGGER events_are_append_only_delete",
            "events_are_append_only_delete, which keeps the audit log append-only, is disabled",
        ),
        (
            "DROP TRIGGER events_are_append_only_truncate ON events",
            "events_are_append_only_truncate, which keeps the audit log append-only, is missing",
        ),
        (
            "CREATE OR REPLACE FUNCTION pinprotect_events_append_only() RETURNS trigger \
             LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
            "pinprotect_events_append_only, which keeps the audit log append-only, is missing or has been changed",
        ),
    ] {
        let env = pbx();
        // Sound; PostgreSQL's pages are not this check's to claim.
        env.real_clock()
            .arg("verify")
            .assert()
            .success()
            .stderr(predicate::str::contains(format!(
                "is sound: schema version {}, audit log append-only",
                pinprotect::store::SCHEMA_VERSION
            )));
        env.sql(change, None);
        env.real_clock()
            .arg("verify")
            .assert()
            .code(4)
            .stderr(predicate::str::contains(found));
    }
    // TRUNCATE cannot empty the log either.
    let env = pbx();
    let err = env.try_sql("TRUNCATE events").unwrap_err();
    assert!(err.contains("the audit log is append-only"), "{err}");
}

/// A server that takes many calls keeps a bounded number of connections
/// to PostgreSQL.
#[test]
fn serve_keeps_a_bounded_pool_of_connections() {
    postgres_only!();
    let env = pbx();
    let server = Server::start(&env, &[]);
    let port = server.port;
    let calls: Vec<_> = (0..64)
        .map(|i| {
            std::thread::spawn(move || {
                let number = if i % 2 == 0 { "0049301234567" } else { "911" };
                call_port(port, "check", &["201", number])
                    .var("PINPROTECT_RESULT")
                    .to_owned()
            })
        })
        .collect();
    for c in calls {
        assert_ne!(c.join().unwrap(), "error");
    }
    let open: usize = env.query_texts(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
         AND application_name = 'pinprotect'",
    )[0]
    .parse()
    .unwrap();
    assert!((1..=4).contains(&open), "{open} connections");
    let _ = server.stop();
}

/// The privileges of pinprotect-serve(1): with the tables owned by another role, the
/// nodes' role runs calls and everyday commands, and can neither rewrite
/// the audit log nor switch off its triggers.
#[test]
fn the_documented_privileges_let_nodes_work_and_keep_the_log_out_of_their_reach() {
    postgres_only!();
    let env = Env::empty();
    let pg = env.pg.as_ref().unwrap();
    // The roles are the cluster's: made once, whichever test run comes first.
    let mut admin =
        postgres::Client::connect(&postgres_server().unwrap(), postgres::NoTls).unwrap();
    admin
        .batch_execute(
            "DO $$ BEGIN CREATE ROLE pinprotect_owner LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
             DO $$ BEGIN CREATE ROLE pinprotect_node LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;",
        )
        .unwrap();
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {} OWNER TO pinprotect_owner",
            pg.name
        ))
        .unwrap();
    let as_role = |role: &str| {
        pg.url
            .replacen("postgres://postgres@", &format!("postgres://{role}@"), 1)
    };
    let owner = as_role("pinprotect_owner");
    let node = as_role("pinprotect_node");
    with_db(&env, &owner).arg("init").assert().success();
    let sql = crate::docs::block("pinprotect-serve", "sql", "pinprotect_node");
    let mut as_owner = postgres::Client::connect(&owner, postgres::NoTls).unwrap();
    as_owner.batch_execute(&sql).unwrap();
    with_db(&env, &owner)
        .args(["settings", "set", "clock_override", "on"])
        .assert()
        .success();
    // Everyday work as the node.
    let run = |args: &[&str], stdin: &str| {
        with_db(&env, &node)
            .args(args)
            .write_stdin(stdin.to_owned())
            .assert()
    };
    run(&["ext", "add", "201", "--pin-stdin"], "4826\n").success();
    run(&["enable", "201", "--duration", "10m"], "").success();
    run(&["check", "201", "0049301234567"], "").code(1);
    run(&["dial", "201", "7777"], "1111\n").code(1);
    run(&["dial", "201", "7777"], "4826\n").success();
    run(&["check", "201", "0049301234567"], "").success();
    run(
        &["import", "-", "--format", "csv"],
        "extension,voicemail_pin\n202,5937\n",
    )
    .success();
    run(&["export"], "").success();
    run(&["log"], "").success();
    let server = Server::spawn(
        {
            let mut c = env.std_real_clock();
            c.args(["--db", &node]);
            c
        },
        &[],
    );
    for _ in 0..2 {
        let denied = server.call("check", &["202", "0049301234567"], &[]);
        assert_eq!(denied.var("PINPROTECT_RESULT"), "permitted");
    }
    run(&["enable", "202", "--duration", "1m"], "").success();
    for _ in 0..2 {
        let denied = server.call("check", &["202", "0049301234567"], &[]);
        assert_eq!(denied.var("PINPROTECT_RESULT"), "denied");
    }
    let _ = server.stop();
    // A moment after every event so far.
    std::thread::sleep(Duration::from_millis(1100));
    let just_now = chrono::DateTime::from_timestamp(crate::test_agi::unix_now(), 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    // Not the node's to change.
    let mut as_node = postgres::Client::connect(&node, postgres::NoTls).unwrap();
    for change in [
        "ALTER TABLE events DISABLE TRIGGER ALL",
        "DELETE FROM events",
        "UPDATE events SET detail = 'nothing happened'",
        "TRUNCATE events",
        "DROP TRIGGER events_are_append_only_update ON events",
    ] {
        let err = as_node.batch_execute(change).unwrap_err();
        let message = err
            .as_db_error()
            .map(|d| d.message().to_owned())
            .unwrap_or_default();
        assert!(
            message.contains("permission denied") || message.contains("must be owner"),
            "{change}: {message}"
        );
    }
    run(&["log", "prune", "--before", &just_now, "--yes"], "")
        .code(4)
        .stderr(predicate::str::contains("privilege"));
    with_db(&env, &owner).arg("verify").assert().success();
}

/// A server that accepts connections and then says nothing: emergency
/// numbers are permitted within seconds, other checks fail within their
/// limit, nothing waits for ever.
#[test]
fn a_server_that_accepts_and_never_answers_holds_no_call() {
    postgres_only!();
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    // Accepts, and keeps every connection open without a word.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in silent.incoming() {
            held.push(s);
        }
    });
    let mut env = Env::sqlite();
    env.db = format!("postgres://postgres@127.0.0.1:{port}/pinprotect?sslmode=disable").into();
    let started = Instant::now();
    env.real_clock()
        .args(["check", "201", "911"])
        .timeout(Duration::from_secs(30))
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "911 is a built-in emergency number",
        ));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    env.real_clock()
        .args(["check", "201", "0049301234567"])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("no answer within"));
}

impl Cluster {
    /// The cluster's processes: the postmaster and its children.
    fn pids(&self) -> Vec<i32> {
        let pidfile = std::fs::read_to_string(self.dir.path().join("data/postmaster.pid")).unwrap();
        let main: i32 = pidfile.lines().next().unwrap().trim().parse().unwrap();
        let mut pids = vec![main];
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // pid (comm) state ppid ...
            let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
            let ppid: i32 = after
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            if ppid == main {
                pids.push(pid);
            }
        }
        pids
    }

    fn signal(&self, signal: i32) {
        for pid in self.pids() {
            // SAFETY: a signal to the test's own PostgreSQL processes.
            unsafe {
                libc::kill(pid, signal);
            }
        }
    }
}

/// PostgreSQL freezes (every process stopped) under a running server
/// whose pooled connections it had answered: an emergency call is still
/// permitted within seconds, other calls end in `error` within their
/// limit; once PostgreSQL goes on, so do the calls.
#[test]
fn a_frozen_postgresql_keeps_no_call_waiting_and_emergency_calls_go_through() {
    postgres_only!();
    let cluster = Cluster::start();
    let env = cluster.pbx(Some("10m"));
    let server = Server::start(&env, &[]);
    let port = server.port;
    assert_eq!(
        call_port(port, "check", &["201", "0049301234567"]).var("PINPROTECT_RESULT"),
        "denied"
    );
    cluster.signal(libc::SIGSTOP);
    let frozen = scopeguard(|| cluster.signal(libc::SIGCONT));
    let started = Instant::now();
    let call = call_port(port, "check", &["201", "911"]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "permitted");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let started = Instant::now();
    let call = call_port(port, "check", &["201", "0049301234567"]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "error");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    drop(frozen);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let call = call_port(port, "check", &["201", "0049301234567"]);
        match call.var("PINPROTECT_RESULT") {
            "denied" => break,
            "error" if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(200)),
            other => panic!("after the freeze: {other}"),
        }
    }
    let (code, _) = server.stop();
    assert_eq!(code, 0);
}

/// Runs `f` when dropped: a frozen cluster thaws even when a test fails.
fn scopeguard(f: impl FnOnce()) -> impl Drop {
    struct Guard<F: FnOnce()>(Option<F>);
    impl<F: FnOnce()> Drop for Guard<F> {
        fn drop(&mut self) {
            if let Some(f) = self.0.take() {
                f();
            }
        }
    }
    Guard(Some(f))
}

/// A node that boots while PostgreSQL is down still starts its server:
/// emergency numbers are permitted at once, other calls end in `error`
/// until PostgreSQL answers, and then they are decided as usual.
#[test]
fn serve_starts_while_postgresql_is_down_and_picks_it_up_later() {
    postgres_only!();
    let cluster = Cluster::start();
    let env = cluster.pbx(None);
    cluster.pg_ctl(&["stop", "-m", "fast", "-w"]);
    let server = Server::start(&env, &[]);
    let call = call_port(server.port, "check", &["201", "112"]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "permitted");
    let call = call_port(server.port, "check", &["201", "0049301234567"]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "error");
    cluster.pg_ctl(&["start", "-w"]);
    let call = call_port(server.port, "check", &["201", "0049301234567"]);
    assert_eq!(call.var("PINPROTECT_RESULT"), "permitted");
    let (code, lines) = server.stop();
    assert_eq!(code, 0);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("does not answer; serving anyway")),
        "{lines:?}"
    );
}

/// `db` in a config file may be a PostgreSQL URL; what `config show` and
/// every message print of it never holds the password.
#[test]
fn a_config_file_names_the_postgresql_database_and_no_message_shows_its_password() {
    postgres_only!();
    let env = pbx();
    let name = &env.pg.as_ref().unwrap().name;
    let config = env.path("pinprotect.toml");
    std::fs::write(
        &config,
        format!(
            "db = \"postgres://pinprotect_pw:correct%20horse@127.0.0.1:{}/{name}?sslmode=disable\"\n",
            port()
        ),
    )
    .unwrap();
    let mut plain = assert_cmd::Command::new(crate::common::bin());
    plain
        .env_remove("PINPROTECT_DB")
        .env("HOME", env.dir.path())
        .env("PINPROTECT_CONFIG", &config);
    let out = plain
        .args(["check", "201", "0049301234567"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("holds a password"), "{stderr}");
    let mut show = assert_cmd::Command::new(crate::common::bin());
    let out = show
        .env_remove("PINPROTECT_DB")
        .env("HOME", env.dir.path())
        .env("PINPROTECT_CONFIG", &config)
        .args(["config", "show"])
        .output()
        .unwrap();
    let text = crate::common::printed(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains(&format!(
            "postgres://pinprotect_pw@127.0.0.1:{}/{name}",
            port()
        )),
        "{text}"
    );
    assert!(!text.contains("horse"), "{text}");
}

/// A PostgreSQL server that stops answering while a denied call is being
/// logged (here: every insert into the log sleeps a minute) keeps the call
/// no longer than its limit: the call is denied within about 20 s, and the
/// log line that could not be written is reported.
#[test]
fn a_denied_call_whose_log_line_hangs_is_answered_within_its_limit() {
    postgres_only!();
    let env = pbx();
    env.sql(
        "CREATE FUNCTION stall() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN PERFORM pg_sleep(60); RETURN NEW; END $$; \
         CREATE TRIGGER stall BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION stall();",
        None,
    );
    let server = Server::start(&env, &[]);
    let started = Instant::now();
    let call = call_port(server.port, "check", &["201", "0049301234567"]);
    let took = started.elapsed();
    assert_eq!(call.var("PINPROTECT_RESULT"), "denied");
    // The statement limit (30 s) would end it later: the call's own limit
    // (twice the 10 s lock wait, and half a second) ends it first.
    assert!(took < Duration::from_secs(25), "{took:?}");
    let (_, lines) = server.stop();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("the denied call was not logged")
                && l.contains("did not answer within 20.5 s")),
        "{lines:?}"
    );
}
