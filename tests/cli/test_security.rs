//! Settings, PIN-entry lockout, the weak-PIN policy, the audit report and
//! the audit log.

use std::process::{Command, Stdio};

use predicates::prelude::*;

use crate::common::{Env, NOW, bin, json};

fn set(env: &Env, key: &str, value: &str) {
    env.cmd()
        .args(["settings", "set", key, value])
        .assert()
        .success();
}

/// The event names in the log, oldest first.
fn events(env: &Env, args: &[&str]) -> Vec<String> {
    let mut all = vec!["log", "--format", "json"];
    all.extend_from_slice(args);
    json(&env.stdout(&all))
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .collect()
}

fn count(list: &[String], name: &str) -> usize {
    list.iter().filter(|e| *e == name).count()
}

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
        "wrong PIN: too many wrong PINs; PIN entry for extension 100 is locked until 2026-11-26T09:10:02Z\n",
    );
    // Now even the right PIN is refused, and says until when.
    env.dial_pin("100", "4826", "2026-11-26T09:10:01Z").code(1).stdout(
        "locked out: PIN entry for extension 100 is locked after too many wrong PINs; try again at 2026-11-26T09:10:02Z\n",
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
    env.cmd()
        .args(["reset-lockout", "100"])
        .assert()
        .success()
        .stderr(
            "cleared the lockout of extension 100 (it would have ended at 2026-11-26T09:15:00Z)\n",
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

#[test]
fn weak_pins_are_refused_everywhere_unless_allowed() {
    let env = Env::new();
    let cases: &[(&str, &str, &str)] = &[
        ("100", "0000", "one digit repeated"),
        ("100", "1234", "a run of consecutive digits"),
        ("100", "4321", "a run of consecutive digits"),
        ("100", "0123", "a run of consecutive digits"),
        ("100", "9876", "a run of consecutive digits"),
        ("4826", "4826", "the same as the extension number"),
    ];
    let mut all: Vec<(&str, &str, &str)> = cases.to_vec();
    for common in pinprotect::weakpin::COMMON_PINS {
        all.push(("100", common, ""));
    }
    for (ext, pin, reason) in &all {
        let out = env
            .cmd()
            .args(["ext", "add", ext, "--pin-stdin"])
            .write_stdin(format!("{pin}\n"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{pin}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains(&format!("the PIN for extension {ext} is weak: {reason}")),
            "{stderr}"
        );
        assert!(
            stderr.contains("hint: choose another PIN, or pass --allow-weak"),
            "{stderr}"
        );
        // The message never repeats the PIN (beyond an extension number equal to it).
        assert!(
            !stderr
                .replace(&format!("extension {ext}"), "")
                .contains(pin),
            "{stderr}"
        );
    }
    env.cmd()
        .args(["ext", "list", "--format", "json"])
        .assert()
        .stdout("[]\n");
    // The same rules on set-pin and import, each one.
    env.add("100", "4826");
    env.add("4826", "5937");
    for (ext, pin, reason) in &all {
        env.cmd()
            .args(["ext", "set-pin", ext, "--pin-stdin"])
            .write_stdin(format!("{pin}\n"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "the PIN for extension {ext} is weak: {reason}"
            )));
        env.cmd()
            .args(["import", "-", "--format", "csv", "--update"])
            .write_stdin(format!("extension,voicemail_pin\n{ext},{pin}\n"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "line 2: the PIN for extension {ext} is weak: {reason}"
            )));
    }
    assert_eq!(
        env.stdout(&["pins", "--format", "csv"]),
        "extension,first_name,last_name,voicemail_pin,weak_pin\n100,,,4826,\n4826,,,5937,\n"
    );
    env.cmd()
        .args(["ext", "remove", "100", "4826", "--yes"])
        .assert()
        .success();
    // Shorter than the minimum length.
    set(&env, "pin_min_length", "6");
    env.cmd()
        .args(["ext", "add", "100", "--pin-stdin"])
        .write_stdin("48261\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "shorter than the minimum of 6 digits",
        ));
    // Generated PINs follow the minimum.
    set(&env, "pin_min_length", "8");
    let out = env.stdout(&["ext", "add", "101"]);
    assert_eq!(out.trim().rsplit(' ').next().unwrap().len(), 8, "{out}");
    set(&env, "pin_min_length", "4");
    // set-pin
    env.add("100", "4826");
    env.cmd()
        .args(["ext", "set-pin", "100", "--pin-stdin"])
        .write_stdin("1111\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("weak: one digit repeated"));
    // import
    env.cmd()
        .args(["import", "-", "--format", "csv"])
        .write_stdin("extension,voicemail_pin\n200,1212\n201,2000\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "line 2: the PIN for extension 200 is weak: one of the most common PINs",
        ))
        .stderr(predicate::str::contains(
            "line 3: the PIN for extension 201 is weak",
        ));
    // --allow-weak accepts each, and the override is logged without the PIN.
    env.cmd()
        .args(["ext", "add", "102", "--pin-stdin", "--allow-weak"])
        .write_stdin("1234\n")
        .assert()
        .success();
    env.cmd()
        .args(["ext", "set-pin", "100", "--pin-stdin", "--allow-weak"])
        .write_stdin("1111\n")
        .assert()
        .success();
    env.cmd()
        .args(["import", "-", "--format", "csv", "--allow-weak"])
        .write_stdin("extension,voicemail_pin\n200,1212\n")
        .assert()
        .success();
    let log = json(&env.stdout(&["log", "--format", "json"]));
    let allowed: Vec<(String, String)> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "weak_pin_allowed")
        .map(|e| {
            (
                e["extension"].as_str().unwrap().to_owned(),
                e["detail"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        allowed,
        [
            (
                "102".to_string(),
                "a weak PIN accepted with --allow-weak".to_string()
            ),
            (
                "100".to_string(),
                "a weak PIN accepted with --allow-weak".to_string()
            ),
            (
                "200".to_string(),
                "a weak PIN accepted with --allow-weak (import)".to_string()
            ),
        ]
    );
}

#[test]
fn settings_show_set_and_validate() {
    let env = Env::new();
    assert_eq!(
        json(&env.stdout(&["settings", "show", "--format", "json"])),
        serde_json::json!({"feature_code": "7777", "emergency_numbers": ["911", "112", "999", "000"], "outbound_prefix": "",
            "pin_min_length": 4, "lockout_attempts": 5, "lockout_seconds": 900, "default_duration": 300, "clock_override": true,
            "agi_pin_prompt": "agent-pass", "agi_granted_prompt": "auth-thankyou",
            "agi_wrong_pin_prompt": "auth-incorrect", "agi_refused_prompt": "cannot-complete-as-dialed",
            "agi_goodbye_prompt": "vm-goodbye", "agi_pin_timeout_seconds": 10, "agi_pin_tries": 3})
    );
    assert_eq!(
        env.stdout(&["settings", "show", "--format", "csv"]),
        "feature_code,emergency_numbers,outbound_prefix,pin_min_length,lockout_attempts,lockout_seconds,\
         default_duration,clock_override,\
         agi_pin_prompt,agi_granted_prompt,agi_wrong_pin_prompt,agi_refused_prompt,agi_goodbye_prompt,\
         agi_pin_timeout_seconds,agi_pin_tries\n\
         7777,\"911,112,999,000\",,4,5,900,5m,on,agent-pass,auth-thankyou,auth-incorrect,\
         cannot-complete-as-dialed,vm-goodbye,10,3\n"
    );
    let table = env.stdout(&["settings"]);
    assert!(
        table.contains("feature code:") && table.contains("7777") && table.contains("(none)"),
        "{table}"
    );
    env.cmd()
        .args(["settings", "set", "outbound_prefix", "9"])
        .assert()
        .success()
        .stderr("outbound_prefix: '' -> '9'\n");
    for (key, value, message) in [
        (
            "pin_min_length",
            "3",
            "pin_min_length must be a whole number from 4 to 10",
        ),
        ("lockout_attempts", "101", "from 1 to 100"),
        ("lockout_seconds", "0", "lockout_seconds must be"),
        ("feature_code", "77a", "invalid feature code"),
        ("feature_code", "911", "cannot also be an emergency number"),
        ("emergency_numbers", "", "comma-separated list"),
        (
            "outbound_prefix",
            "x",
            "outbound_prefix must be empty or 1 to 4 digits",
        ),
        ("colour", "red", "unknown setting 'colour'"),
    ] {
        env.cmd()
            .args(["settings", "set", key, value])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
    env.add("100", "4826");
    env.cmd()
        .args(["settings", "set", "feature_code", "100"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "extension 100 exists, so 100 cannot be the feature code",
        ));
    assert_eq!(
        json(&env.stdout(&["settings", "show", "--format", "json"]))["feature_code"],
        "7777"
    );
}

#[test]
fn outbound_prefix_feature_code_and_emergency_list_are_honoured() {
    let env = Env::new();
    env.add_protected("100", "4826", "5m");
    // 9911 is an emergency call once 9 is the outbound prefix.
    env.cmd().args(["check", "100", "9911"]).assert().code(1);
    set(&env, "outbound_prefix", "9");
    env.cmd()
        .args(["check", "100", "9911", "--format", "json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"reason\":\"emergency\""));
    env.cmd()
        .args(["dial", "100", "9 112"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "connected: 100 -> 9112: 9112 is an emergency number",
        ));
    // A new emergency list replaces the old one.
    set(&env, "emergency_numbers", "110,112");
    env.cmd().args(["check", "100", "110"]).assert().code(0);
    env.cmd().args(["check", "100", "911"]).assert().code(1);
    env.cmd().args(["dial", "100", "9110"]).assert().code(0);
    // A new feature code: 7777 is an ordinary number, *77 asks for the PIN.
    set(&env, "feature_code", "*77");
    env.cmd()
        .args(["check", "100", "*77", "--format", "json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"reason\":\"feature_code\""));
    env.cmd().args(["check", "100", "7777"]).assert().code(1);
    env.cmd()
        .args(["dial", "100", "7777"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "dial *77 and enter the voicemail PIN",
        ));
    env.cmd()
        .args(["dial", "100", "*77"])
        .write_stdin("4826\n")
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("PIN accepted"));
    // 7777 may now be an extension; a digit feature code may not.
    env.add("7777", "4826");
    set(&env, "feature_code", "8888");
    env.cmd()
        .args(["ext", "add", "8888", "--pin-stdin"])
        .write_stdin("4826\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "8888 is the pin protect feature code",
        ));
}

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
    env.cmd()
        .args(["enable", "103", "--duration", "5m"])
        .assert()
        .success();
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
            {"extension": "103", "finding": "weak_pin", "detail": "the PIN is weak; `pinprotect pins EXT` shows why"},
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
        csv.starts_with("id,time,user,event,extension,detail\n1,2026-11-26T09:00:00Z,"),
        "{csv}"
    );
    let table = env.stdout(&["log", "100"]);
    assert!(table.starts_with("ID  TIME"), "{table}");
    // The log cannot be rewritten, even with SQL.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    assert!(conn.execute("DELETE FROM events", []).is_err());
    assert!(
        conn.execute("UPDATE events SET user = 'nobody'", [])
            .is_err()
    );
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
    assert_eq!(run(&["disable", "100"], "").0, Some(0));
    assert_eq!(run(&["ext", "remove", "200", "--yes"], "").0, Some(0));

    // Every kind of event is in the log.
    let log = events(&env, &[]);
    for kind in pinprotect::events::EventKind::ALL {
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
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let mut stmt = conn
        .prepare("SELECT at, user, kind, coalesce(extension, ''), detail FROM events")
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok(format!(
                "{} {} {} {} {}",
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?
            ))
        })
        .unwrap();
    for row in rows {
        texts.push(row.unwrap());
    }
    for text in &texts {
        for pin in [secret, second, "8642097", "97531865"] {
            assert!(!text.contains(pin), "a PIN in: {text}");
        }
    }
}
