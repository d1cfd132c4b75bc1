//! The audit report and the audit log.

use predicates::prelude::*;

use crate::common::{Env, NOW, events, json};

#[test]
fn audit_reports_weak_shared_and_unprotected_without_pins() {
    let env = Env::new();
    env.add_protected("100", "4826", "5m");
    // The test database's clock_override is a finding of its own.
    env.cmd()
        .args(["audit", "--format", "csv"])
        .assert()
        .code(1)
        .stdout("extension,finding,detail\n,clock_override,clock_override is on: changes may be made at any time given with --now\n");
    env.set_clock_override(false);
    env.cmd()
        .args(["audit"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains("audit: no weak PINs"));
    env.set_clock_override(true);
    env.add("101", "5937");
    env.add_protected("102", "5937", "5m");
    env.cmd()
        .args(["ext", "add", "103", "--pin-stdin", "--allow-weak"])
        .write_stdin("1111\n")
        .assert()
        .success();
    env.ok(["enable", "103", "--duration", "5m"]);
    env.set_clock_override(false);
    let out = env
        .cmd()
        .args(["audit", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        json(&stdout),
        serde_json::json!([
            {"extension": "101", "finding": "not_protected", "detail": "outbound calls need no PIN"},
            {"extension": "103", "finding": "weak_pin", "detail": "the PIN is weak; `pinprotect pins 103` shows why"},
            {"extension": "101", "finding": "shared_pin", "detail": "same PIN as 102"},
            {"extension": "102", "finding": "shared_pin", "detail": "same PIN as 101"},
        ])
    );
    for pin in ["4826", "5937", "1111"] {
        assert!(!stdout.contains(pin));
    }
    let csv = env
        .cmd()
        .args(["audit", "--format", "csv"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(csv.stdout)
            .unwrap()
            .starts_with("extension,finding,detail\n101,not_protected,")
    );
}

#[test]
fn log_filters_by_extension_time_and_count() {
    let env = three_hours();
    assert_eq!(
        events(&env, &[]),
        ["extension_added", "pin_protect_enabled", "extension_added"]
    );
    assert_eq!(
        events(&env, &["100"]),
        ["extension_added", "pin_protect_enabled"]
    );
    assert_eq!(
        events(&env, &["--since", "2026-11-26T10:00:00Z"]),
        ["pin_protect_enabled", "extension_added"]
    );
    assert_eq!(events(&env, &["--limit", "1"]), ["extension_added"]);
    let v = json(&env.stdout(&["log", "--format", "json", "--limit", "1"]));
    assert_eq!(v[0]["time"], "2026-11-26T11:00:00Z");
    assert_eq!(v[0]["extension"], "101");
    assert!(!v[0]["user"].as_str().unwrap().is_empty());
    let csv = env.stdout(&["log", "--format", "csv"]);
    assert!(
        csv.starts_with("id,time,user,event,extension,count,detail\n1,2026-11-26T09:00:00Z,"),
        "{csv}"
    );
    let table = env.stdout(&["log", "100"]);
    assert!(table.starts_with("ID  TIME"), "{table}");
    // The log cannot be rewritten, even with SQL.
    for sql in [
        "DELETE FROM events",
        "UPDATE events SET \"user\" = 'nobody'",
        "UPDATE events SET count = count + 1",
    ] {
        let err = env.try_sql(sql).unwrap_err();
        assert!(err.contains("the audit log is append-only"), "{sql}: {err}");
    }
}

/// Runs every command that leaves an event, with distinctive PINs, and
/// checks each event type is logged and no output, error or stored event
/// holds those digits.
#[test]
fn every_event_is_logged_and_no_pin_ever_is() {
    let env = Env::new();
    let secret = "86420975";
    let second = "97531864";
    let mut outputs: Vec<String> = Vec::new();
    let mut run = |args: &[&str], stdin: &str| {
        let out = env.cmd().args(args).write_stdin(stdin).output().unwrap();
        outputs.push(String::from_utf8_lossy(&out.stderr).into_owned());
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let pin_line = format!("{secret}\n");
    assert_eq!(
        run(&["ext", "add", "100", "--pin-stdin"], &pin_line).0,
        Some(0)
    );
    assert_eq!(
        run(&["ext", "edit", "100", "--first-name", "Ada"], "").0,
        Some(0)
    );
    assert_eq!(run(&["enable", "100", "--duration", "5m"], "").0, Some(0));
    assert_eq!(run(&["enable", "100", "--duration", "10m"], "").0, Some(0));
    assert_eq!(run(&["dial", "100", "7777"], &pin_line).0, Some(0));
    assert_eq!(run(&["revoke", "100"], "").0, Some(0));
    assert_eq!(
        run(
            &["ext", "set-pin", "100", "--pin-stdin"],
            &format!("{second}\n")
        )
        .0,
        Some(0)
    );
    // Wrong PINs that are one digit off the real one, then a lockout.
    for _ in 0..5 {
        assert_eq!(run(&["dial", "100", "7777"], "97531865\n").0, Some(1));
    }
    assert_eq!(
        run(&["dial", "100", "7777"], &format!("{second}\n")).0,
        Some(1)
    );
    assert_eq!(run(&["reset-lockout", "100"], "").0, Some(0));
    assert_eq!(
        run(
            &["ext", "add", "200", "--pin-stdin", "--allow-weak"],
            "1212\n"
        )
        .0,
        Some(0)
    );
    // Errors that involve the PIN.
    assert_eq!(
        run(&["ext", "set-pin", "100", "--pin-stdin"], "8642097\n").0,
        Some(0)
    );
    assert_eq!(
        run(
            &["ext", "set-pin", "100", "--pin-stdin"],
            &format!("{second}1234\n")
        )
        .0,
        Some(2)
    );
    assert_eq!(
        run(
            &["ext", "add", "101", "--pin-stdin"],
            &format!("{secret}x\n")
        )
        .0,
        Some(2)
    );
    assert_eq!(
        run(&["ext", "set-pin", "100", "--pin-stdin"], &pin_line).0,
        Some(0)
    );
    let import = format!("extension,voicemail_pin\n300,{secret}\n301,{secret}00000\n");
    assert_eq!(run(&["import", "-", "--format", "csv"], &import).0, Some(2));
    assert_eq!(
        run(
            &["import", "-", "--format", "csv"],
            &format!("extension,voicemail_pin\n300,{second}\n")
        )
        .0,
        Some(0)
    );
    assert!(run(&["pins", "--format", "csv"], "").1.contains(secret));
    assert_eq!(run(&["export"], "").0, Some(0));
    let file = env.path("out.csv");
    assert_eq!(
        run(
            &["export", "--no-pins", "--output", file.to_str().unwrap()],
            ""
        )
        .0,
        Some(0)
    );
    assert_eq!(
        run(&["settings", "set", "lockout_attempts", "4"], "").0,
        Some(0)
    );
    // A call denied at call time (Asterisk asking over AGI).
    let (code, stdout) = run(
        &["agi", "check"],
        "agi_callerid: 100\nagi_extension: 0049301234567\nagi_arg_1: check\n\n\
         200 result=1\n200 result=1\n200 result=1\n",
    );
    assert_eq!(code, Some(0));
    assert!(stdout.contains("PINPROTECT_RESULT \"denied\""), "{stdout}");
    // A 7777 call whose extension argument is empty: an agi_error.
    let (code, stdout) = run(
        &["agi", "unlock", ""],
        "agi_callerid: 100\nagi_arg_1: unlock\nagi_arg_2: \n\n\
         200 result=0\n200 result=1\n200 result=1\n200 result=0 endpos=1\n200 result=1\n",
    );
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("PINPROTECT_RESULT \"no_extension\""),
        "{stdout}"
    );
    let copy = env.path("copy.sqlite3");
    assert_eq!(run(&["backup", copy.to_str().unwrap()], "").0, Some(0));
    assert_eq!(
        run(&["restore", copy.to_str().unwrap(), "--yes"], "").0,
        Some(0)
    );
    // The restored log is the copy's, which never holds its own backup.
    assert_eq!(run(&["backup", copy.to_str().unwrap()], "").0, Some(0));
    let moved = env.path("moved.sqlite3");
    assert_eq!(
        run(&["migrate", "--to", moved.to_str().unwrap()], "").0,
        Some(0)
    );
    assert_eq!(run(&["disable", "100"], "").0, Some(0));
    assert_eq!(run(&["ext", "remove", "200", "--yes"], "").0, Some(0));

    // Every kind of event is in the log (a prune's, below).
    let log = events(&env, &[]);
    for kind in pinprotect::events::EventKind::ALL
        .into_iter()
        .filter(|k| *k != pinprotect::events::EventKind::LogPruned)
    {
        assert!(
            log.iter().any(|e| e == kind.name()),
            "no {} event in {log:?}",
            kind.name()
        );
    }
    // No PIN in any log output, in any format or filter.
    let mut texts = outputs;
    for format in ["table", "json", "csv"] {
        for extra in [
            &[][..],
            &["100"][..],
            &["--limit", "3"][..],
            &["--since", NOW][..],
        ] {
            let mut args = vec!["log", "--format", format];
            args.extend_from_slice(extra);
            let out = env.cmd().args(&args).output().unwrap();
            assert!(out.status.success());
            texts.push(String::from_utf8(out.stdout).unwrap());
            texts.push(String::from_utf8(out.stderr).unwrap());
        }
    }
    // Nor in the raw events table.
    texts.extend(env.query_texts(
        "SELECT at || ' ' || \"user\" || ' ' || kind || ' ' || coalesce(extension, '') || ' ' || detail FROM events",
    ));
    // Nor in an archive of the log, which its prune leaves in its place.
    let archive = env.path("log.jsonl");
    env.at("2026-11-26T09:00:02Z")
        .args([
            "log",
            "prune",
            "--before",
            "2026-11-26T09:00:01Z",
            "--archive",
        ])
        .arg(&archive)
        .assert()
        .success();
    texts.push(std::fs::read_to_string(&archive).unwrap());
    assert_eq!(events(&env, &[]), ["log_pruned"]);
    for text in &texts {
        for pin in [secret, second, "8642097", "97531865"] {
            assert!(!text.contains(pin), "a PIN in: {text}");
        }
    }
}

#[test]
fn log_since_and_until_take_dates_durations_and_days_in_local_time() {
    let env = three_hours();
    let cet = "CET-1CEST,M3.5.0,M10.5.0/3";
    // `at`: the time the command runs at, in the zone `tz`.
    let kinds = |at: &str, tz: &str, args: &[&str]| -> Vec<String> {
        let out = env
            .at(at)
            .env("TZ", tz)
            .args(["log", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        json(&String::from_utf8(out.stdout).unwrap())
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["event"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = ["extension_added", "pin_protect_enabled", "extension_added"];
    let late = "2026-11-26T11:30:00Z";
    assert_eq!(kinds(late, "UTC0", &["--since", "90m"]), all[1..]);
    assert_eq!(kinds(late, "UTC0", &["--since", "1h"]), all[2..]);
    assert_eq!(kinds(late, "UTC0", &["--since", "1h30m"]), all[1..]);
    assert_eq!(kinds(late, "UTC0", &["--since", "2d"]), all);
    assert_eq!(
        kinds(late, "UTC0", &["--since", "2026-11-26T10:00:00+01:00"]),
        all
    );
    // --until is before, not at.
    assert_eq!(
        kinds(late, "UTC0", &["--until", "2026-11-26T10:00:00Z"]),
        all[..1]
    );
    assert_eq!(
        kinds(
            late,
            "UTC0",
            &["--since", "2026-11-26T09:30:00Z", "--until", "30m"]
        ),
        all[1..2]
    );
    // A date is local midnight: the 26th starts at 23:00 UTC on the 25th
    // in Berlin, at 05:00 UTC in New York.
    assert_eq!(kinds(late, cet, &["--since", "2026-11-26"]), all);
    assert_eq!(
        kinds(late, cet, &["--until", "2026-11-26"]),
        [] as [&str; 0]
    );
    assert_eq!(kinds(late, "EST5", &["--since", "2026-11-26"]), all);
    assert_eq!(
        kinds(late, "EST5", &["--until", "2026-11-26"]),
        [] as [&str; 0]
    );
    // 09:00 UTC is 10:00 in Berlin, 04:00 in New York.
    assert_eq!(
        kinds(
            late,
            cet,
            &[
                "--since",
                "2026-11-26T10:00:00+01:00",
                "--until",
                "2026-11-27"
            ]
        ),
        all
    );
    // today and yesterday, where the command runs: at 00:30 on the 27th in
    // Berlin, today began after the events; yesterday before them.
    let next = "2026-11-26T23:30:00Z";
    assert_eq!(kinds(next, cet, &["--since", "today"]), [] as [&str; 0]);
    assert_eq!(kinds(next, cet, &["--since", "yesterday"]), all);
    assert_eq!(
        kinds(next, cet, &["--since", "yesterday", "--until", "today"]),
        all
    );
    // In UTC it is still the 26th.
    assert_eq!(kinds(next, "UTC0", &["--since", "today"]), all);
    assert_eq!(
        kinds(
            next,
            "UTC0",
            &["--since", "today", "--event", "extension_added", "101"]
        ),
        all[2..]
    );
    // Bad values: exit 2, the accepted forms listed, not a parser's words.
    for bad in [
        "1x",
        "tomorrow",
        "2026-11-31",
        "11/26/2026",
        "-1h",
        "2026-11-26T25:00:00Z",
    ] {
        for flag in ["--since", "--until"] {
            let out = env.cmd().args(["log", flag, bad]).output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{flag} {bad}");
            let err = String::from_utf8(out.stderr).unwrap();
            assert!(
                err.contains(&format!(
                    "{flag} <TIME>: '{bad}' is not a time: use an RFC 3339 time"
                )) && err.contains("a date (2026-11-29, local midnight)")
                    && err.contains("(90m, 1h, 2d")
                    && err.contains("today or yesterday")
                    && !err.contains("premature")
                    && !err.contains("input contains invalid characters"),
                "{flag} {bad}: {err}"
            );
        }
    }
    env.cmd()
        .args(["log", "--since", "today", "--until", "yesterday"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not after --since"));
    // The table shows local time with its offset; --utc shows UTC.
    let table = |tz: &str, extra: &[&str]| {
        let out = env
            .cmd()
            .env("TZ", tz)
            .args(["log", "100"])
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(table(cet, &[]).contains("2026-11-26 10:00:00 +01:00"));
    assert!(table(cet, &["--utc"]).contains("2026-11-26 09:00:00 +00:00"));
    assert!(table("EST5", &[]).contains("2026-11-26 04:00:00 -05:00"));
    // CSV and JSON lines stay RFC 3339 in UTC, whatever the zone.
    let jsonl = env
        .cmd()
        .env("TZ", cet)
        .args(["log", "--format", "jsonl", "--limit", "1"])
        .output()
        .unwrap();
    let line = String::from_utf8(jsonl.stdout).unwrap();
    assert_eq!(line.lines().count(), 1);
    assert_eq!(json(&line)["time"], "2026-11-26T11:00:00Z");
}

#[test]
fn log_follow_prints_new_events_as_they_are_logged_until_interrupted() {
    use std::io::BufRead;
    let env = Env::new();
    env.add("100", "4826");
    env.add("101", "5937");
    let mut follow = env
        .std_real_clock()
        .args(["log", "100", "--follow", "--format", "jsonl"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = follow.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next = || {
        json(
            &rx.recv_timeout(std::time::Duration::from_secs(20))
                .expect("a line within 20 s"),
        )
    };
    // What was logged already, then each new event of 100 as it comes;
    // 101's are not 100's.
    assert_eq!(next()["event"], "extension_added");
    for round in 0..3 {
        env.real_clock()
            .args(["enable", "101", "--duration", "5m"])
            .assert()
            .success();
        env.real_clock()
            .args(["enable", "100", "--duration", &format!("{}m", round + 6)])
            .assert()
            .success();
        let e = next();
        assert_eq!(e["extension"], "100", "{e}");
        assert!(
            ["pin_protect_enabled", "duration_changed"].contains(&e["event"].as_str().unwrap()),
            "{e}"
        );
    }
    assert!(rx.try_recv().is_err());
    // Ctrl-C ends it: exit 0, nothing on stderr.
    // SAFETY: a signal to our own child.
    unsafe {
        libc::kill(follow.id() as i32, libc::SIGINT);
    }
    let status = crate::common::wait_at_most(&mut follow, std::time::Duration::from_secs(10));
    assert_eq!(status.code(), Some(0));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut follow.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(err, "");
    // A JSON array never ends, and --until has no place with --follow.
    env.cmd()
        .args(["log", "--follow", "--format", "json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("use --format jsonl"));
    env.cmd()
        .args(["log", "--follow", "--until", "1h"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

/// Events at three times: 100 added at 09:00, enabled at 10:00, 101 added
/// at 11:00.
fn three_hours() -> Env {
    let env = Env::new();
    env.add("100", "4826");
    env.at("2026-11-26T10:00:00Z")
        .args(["enable", "100", "--duration", "5m"])
        .assert()
        .success();
    env.at("2026-11-26T11:00:00Z")
        .args(["ext", "add", "101", "--pin-stdin"])
        .write_stdin("5937\n")
        .assert()
        .success();
    env
}

/// `log prune` archives the old events as JSON lines and removes them in
/// one transaction; its own event takes their place at the head of the
/// log; everything else stays append-only.
#[test]
fn log_prune_archives_and_removes_the_old_events() {
    let env = three_hours();
    let before = json(&env.stdout(&["log", "--format", "json"]));
    let archive = env.path("old.jsonl");
    env.at("2026-11-26T12:00:00Z")
        .args([
            "log",
            "prune",
            "--before",
            "2026-11-26T10:30:00Z",
            "--archive",
        ])
        .arg(&archive)
        .assert()
        .success()
        .stdout("")
        .stderr(format!(
            "removed 2 events logged before 2026-11-26 10:30:00 +00:00, archived to {}\n",
            archive.display()
        ));
    // The archive: the two events, as `log --format json` showed them.
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&archive)
        .unwrap()
        .lines()
        .map(json)
        .collect();
    assert_eq!(lines, before.as_array().unwrap()[..2]);
    assert_eq!(crate::common::mode(&archive), 0o600);
    // The log: the prune first, with the id of the last event it removed.
    let after = json(&env.stdout(&["log", "--format", "json"]));
    let after = after.as_array().unwrap();
    assert_eq!(after.len(), 2);
    assert_eq!(after[0]["id"], 2);
    assert_eq!(after[0]["event"], "log_pruned");
    assert_eq!(after[0]["time"], "2026-11-26T12:00:00Z");
    assert_eq!(
        after[0]["detail"],
        format!(
            "2 events logged before 2026-11-26T10:30:00Z removed, archived to {}",
            archive.display()
        )
    );
    assert_eq!(after[1], before[2]);
    // Nothing older: nothing removed, nothing logged.
    env.at("2026-11-26T12:00:00Z")
        .args(["log", "prune", "--before", "2026-11-26T09:00:00Z", "--yes"])
        .assert()
        .success()
        .stderr("no events before 2026-11-26 09:00:00 +00:00; nothing was removed\n");
    // Without --archive: --yes, or a person at a terminal, must say so.
    env.at("2026-11-26T12:00:00Z")
        .args(["log", "prune", "--before", "2026-11-26T11:30:00Z"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "not removing 2 events logged before 2026-11-26 11:30:00 +00:00: standard input is not a terminal",
        ))
        .stderr(predicate::str::contains("--archive FILE to keep them"));
    // A time to come, an archive on a device or on the database: refused.
    env.at("2026-11-26T12:00:00Z")
        .args(["log", "prune", "--before", "2026-11-26T12:00:01Z", "--yes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is still to come; nothing was removed",
        ));
    for target in [std::path::PathBuf::from("/dev/null"), env.db.clone()] {
        env.at("2026-11-26T12:00:00Z")
            .args([
                "log",
                "prune",
                "--before",
                "2026-11-26T11:30:00Z",
                "--archive",
            ])
            .arg(&target)
            .assert()
            .code(5);
    }
    // A change like any other: at the system clock's time unless
    // clock_override allows a given one.
    env.set_clock_override(false);
    env.at("2026-11-26T12:00:00Z")
        .args(["log", "prune", "--before", "2026-11-26T11:30:00Z", "--yes"])
        .assert()
        .code(2);
    env.real_clock()
        .args(["log", "prune", "--before", "2026-11-26T11:30:00Z", "--yes"])
        .assert()
        .success();
    let left = json(&env.stdout(&["log", "--format", "json"]));
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["event"], "log_pruned");
    assert_eq!(left[0]["id"], 3);
    // Still append-only for SQL.
    let err = env.try_sql("DELETE FROM events").unwrap_err();
    assert!(err.contains("the audit log is append-only"), "{err}");
}

/// The user in the log is the process's effective uid looked up in
/// /etc/passwd, never `$USER`: a uid that /etc/passwd lacks (a user only
/// LDAP or SSSD knows, with a static binary that has no NSS) is `uid N`.
#[test]
fn the_logged_user_is_the_process_owner_not_an_environment_variable() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    for (path, mode) in [(env.dir.path(), 0o777), (env.db.as_path(), 0o666)] {
        if env.pg.is_none() || path == env.dir.path() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
    }
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=4242", "--regid=4242", "--clear-groups"])
        .arg(crate::common::bin())
        .arg("--db")
        .arg(&env.db)
        .args(["settings", "set", "lockout_attempts", "4"])
        .env("USER", "mallory")
        .env("LOGNAME", "mallory")
        .env_remove("PINPROTECT_NOW")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    env.real_clock()
        .args(["settings", "set", "lockout_attempts", "5"])
        .env("SUDO_USER", "alice")
        .env("USER", "mallory")
        .assert()
        .success();
    let log = json(&env.stdout(&["log", "--event", "settings_changed", "--format", "json"]));
    let users: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["user"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["uid 4242", "root (sudo by alice)"]);
}
