//! PIN-entry lockout: its count, its expiry, its reset, and its count
//! under parallel wrong PINs.

use std::process::{Command, Stdio};

use predicates::prelude::*;

use crate::common::{Env, NOW, bin, count, events, json, set};

#[test]
fn lockout_after_exactly_n_wrong_pins_and_its_expiry() {
    let env = Env::new();
    env.add_protected("100", "4826", "5m");
    set(&env, "lockout_attempts", "3");
    set(&env, "lockout_seconds", "600");
    env.dial_pin("100", "1111", "2026-11-26T09:00:00Z")
        .code(1)
        .stdout(predicate::str::contains(
            "(2 more wrong PINs lock PIN entry)",
        ));
    env.dial_pin("100", "2222", "2026-11-26T09:00:01Z")
        .code(1)
        .stdout(predicate::str::contains(
            "(1 more wrong PIN locks PIN entry)",
        ));
    env.dial_pin("100", "3333", "2026-11-26T09:00:02Z").code(1).stdout(
        "wrong PIN: too many wrong PINs; PIN entry for extension 100 is locked until 2026-11-26 09:10:02 +00:00\n",
    );
    // Now even the right PIN is refused, and says until when.
    env.dial_pin("100", "4826", "2026-11-26T09:10:01Z").code(1).stdout(
        "locked out: PIN entry for extension 100 is locked after too many wrong PINs; try again at 2026-11-26 09:10:02 +00:00\n",
    );
    env.at("2026-11-26T09:10:01Z")
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(1);
    let out = env
        .at("2026-11-26T09:05:00Z")
        .args(["status", "100", "--format", "json"])
        .output()
        .unwrap();
    let v = json(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(v[0]["state"], "locked_out");
    assert_eq!(v[0]["locked_out_until"], "2026-11-26T09:10:02Z");
    // The lockout ends on time.
    env.dial_pin("100", "4826", "2026-11-26T09:10:02Z")
        .code(0)
        .stdout(predicate::str::starts_with("PIN accepted"));
    let log = events(&env, &["100"]);
    assert_eq!(count(&log, "wrong_pin"), 3);
    assert_eq!(count(&log, "lockout"), 1);
    assert_eq!(count(&log, "pin_entry_refused"), 1);
    assert_eq!(count(&log, "grant"), 1);
}

#[test]
fn a_right_pin_resets_the_count_and_reset_lockout_clears_it() {
    let env = Env::new();
    env.add_protected("100", "4826", "5m");
    set(&env, "lockout_attempts", "3");
    for _ in 0..2 {
        env.dial_pin("100", "1111", NOW).code(1);
    }
    env.dial_pin("100", "4826", NOW).code(0);
    // Two more wrong PINs do not lock: the count started afresh.
    for _ in 0..2 {
        env.dial_pin("100", "1111", NOW)
            .code(1)
            .stdout(predicate::str::contains("more wrong PIN"));
    }
    env.dial_pin("100", "1111", NOW)
        .code(1)
        .stdout(predicate::str::contains("locked until"));
    env.dial_pin("100", "4826", NOW)
        .code(1)
        .stdout(predicate::str::starts_with("locked out"));
    env.ok(["reset-lockout", "100"]).stderr(
        "cleared the lockout of extension 100 (it would have ended at 2026-11-26 09:15:00 +00:00)\n",
    );
    env.dial_pin("100", "4826", NOW).code(0);
    assert_eq!(count(&events(&env, &[]), "lockout_reset"), 1);
    env.cmd().args(["reset-lockout", "999"]).assert().code(3);
}

#[test]
fn twenty_parallel_wrong_pins_get_exactly_n_pin_checks() {
    let env = Env::new();
    env.add_protected("100", "4826", "5m");
    let attempts = 5;
    let children: Vec<_> = (0..20)
        .map(|_| {
            let mut child = Command::new(bin())
                .arg("--db")
                .arg(&env.db)
                .args(["--now", NOW, "dial", "100", "7777"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"1111\n").unwrap();
            child
        })
        .collect();
    let mut wrong = 0;
    let mut refused = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        if text.starts_with("wrong PIN") {
            wrong += 1;
        } else if text.starts_with("locked out") {
            refused += 1;
        } else {
            panic!("unexpected: {text}");
        }
    }
    assert_eq!((wrong, refused), (attempts, 20 - attempts));
    let log = events(&env, &[]);
    assert_eq!(count(&log, "wrong_pin"), attempts);
    assert_eq!(count(&log, "lockout"), 1);
    assert_eq!(count(&log, "pin_entry_refused"), 20 - attempts);
    // The right PIN stays refused until the lockout ends.
    env.dial_pin("100", "4826", "2026-11-26T09:14:59Z").code(1);
    env.dial_pin("100", "4826", "2026-11-26T09:15:00Z").code(0);
}
