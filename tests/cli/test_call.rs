use predicates::prelude::*;

use crate::common::{Env, json};

fn check_json(env: &Env, now: &str, ext: &str, number: &str) -> (i32, serde_json::Value) {
    let out = env
        .at(now)
        .args(["check", ext, number, "--format", "json"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        json(&String::from_utf8(out.stdout).unwrap()),
    )
}

#[test]
fn decision_order_and_json_shape() {
    let env = Env::new();
    env.add_protected("100", "4826", "5m");
    env.add("101", "5937");
    let now = "2026-11-26T09:00:00Z";
    let cases = [
        ("911", 0, true, "emergency"),
        ("112", 0, true, "emergency"),
        ("999", 0, true, "emergency"),
        ("000", 0, true, "emergency"),
        ("7777", 0, true, "feature_code"),
        ("101", 0, true, "internal"),
        ("(10) 1", 0, true, "internal"),
        ("102", 1, false, "locked"),
        ("+101", 1, false, "locked"),
        ("0049301234567", 1, false, "locked"),
        ("*72#", 1, false, "locked"),
    ];
    for (number, code, permitted, reason) in cases {
        let (c, v) = check_json(&env, now, "100", number);
        assert_eq!(c, code, "{number}");
        assert_eq!(v["permitted"], permitted, "{number}");
        assert_eq!(v["reason"], reason, "{number}");
        assert_eq!(v["extension"], "100");
        assert_eq!(v["unlocked_until"], serde_json::Value::Null);
        assert_eq!(v.as_object().unwrap().len(), 5);
    }
    let (c, v) = check_json(&env, now, "101", "0049301234567");
    assert_eq!((c, &v["reason"]), (0, &"not_protected".into()));
    env.dial_pin("100", "4826", now).success();
    let (c, v) = check_json(&env, now, "100", "+49 (30) 123-45.67");
    assert_eq!(c, 0);
    assert_eq!(
        v,
        serde_json::json!({"extension": "100", "number": "+49301234567", "permitted": true, "reason": "unlocked", "unlocked_until": "2026-11-26T09:05:00Z"})
    );
}

#[test]
fn text_output_explains_the_decision() {
    let env = Env::new();
    env.add_protected("100", "4826", "5m");
    env.cmd()
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(1)
        .stdout("denied: extension 100 is pin protected and locked; dial 7777 and enter the voicemail PIN first\n");
    env.cmd()
        .args(["check", "100", "911"])
        .assert()
        .code(0)
        .stdout("permitted: 911 is an emergency number; emergency calls are never blocked\n");
}

#[test]
fn invalid_numbers_and_unknown_extensions() {
    let env = Env::new();
    env.add("100", "4826");
    for bad in ["", "   ", "abc", "12a", "1+2", "+", "()", "911;", "1/2"] {
        env.cmd()
            .args(["check", "100", bad])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("error:"));
    }
    env.cmd()
        .args(["check", "999", "0049301234567"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("unknown extension 999"));
    env.cmd()
        .args(["check", "0100", "0049301234567"])
        .assert()
        .code(3);
    env.cmd()
        .args(["dial", "999", "0049301234567"])
        .assert()
        .code(3);
    env.cmd()
        .args(["dial", "999", "7777"])
        .write_stdin("4826\n")
        .assert()
        .code(3);
    env.cmd().args(["check", "1", "911"]).assert().code(2);
}

#[test]
fn the_window_closes_exactly_at_start_plus_duration() {
    let env = Env::new();
    env.add_protected("100", "4826", "90s");
    env.dial_pin("100", "4826", "2026-11-26T09:00:00Z")
        .code(0)
        .stdout("PIN accepted: extension 100 may place outbound calls until 2026-11-26 09:01:30 +00:00 (1m30s)\n");
    for (now, code) in [
        ("2026-11-26T08:59:59Z", 1),
        ("2026-11-26T09:00:00Z", 0),
        ("2026-11-26T09:01:29Z", 0),
        ("2026-11-26T09:01:29.999Z", 0),
        ("2026-11-26T10:01:29+01:00", 0),
        ("2026-11-26T09:01:30Z", 1),
        ("2026-11-26T09:01:31Z", 1),
    ] {
        env.at(now)
            .args(["check", "100", "0049301234567"])
            .assert()
            .code(code);
    }
}

#[test]
fn wrong_pin_grants_nothing() {
    let env = Env::new();
    env.add_protected("100", "0042", "5m");
    for (wrong, left) in [
        ("042", "4 more wrong PINs lock"),
        ("00420", "3 more wrong PINs lock"),
        ("4200", "2 more wrong PINs lock"),
    ] {
        env.dial_pin("100", wrong, "2026-11-26T09:00:00Z").code(1).stdout(format!(
            "wrong PIN: nothing granted; outbound calls from extension 100 stay as they were ({left} PIN entry)\n"
        ));
    }
    // Letters and other digits than 0-9 are not a PIN at all: exit 2, and
    // the lockout does not count them.
    for not_a_pin in ["abcd", "\u{664}\u{662}\u{660}\u{660}", "00 42", "*0042"] {
        env.dial_pin("100", not_a_pin, "2026-11-26T09:00:00Z")
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("not a PIN"));
    }
    env.dial_pin("100", "1111", "2026-11-26T09:00:00Z").code(1).stdout(
        "wrong PIN: nothing granted; outbound calls from extension 100 stay as they were (1 more wrong PIN locks PIN entry)\n",
    );
    env.cmd()
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(1);
    env.dial_pin("100", "0042", "2026-11-26T09:00:00Z").code(0);
}

#[test]
fn entering_the_pin_again_restarts_the_window() {
    let env = Env::new();
    env.add_protected("100", "4826", "5m");
    env.dial_pin("100", "4826", "2026-11-26T09:00:00Z")
        .success();
    env.dial_pin("100", "4826", "2026-11-26T09:04:00Z")
        .success()
        .stdout(predicate::str::contains("until 2026-11-26 09:09:00 +00:00"));
    env.at("2026-11-26T09:08:59Z")
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(0);
    env.at("2026-11-26T09:09:00Z")
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(1);
}

#[test]
fn pin_on_an_unprotected_extension_is_not_needed() {
    let env = Env::new();
    env.add("100", "4826");
    env.dial_pin("100", "4826", "2026-11-26T09:00:00Z")
        .code(0)
        .stdout("PIN accepted: extension 100 is not pin protected, so no PIN is needed for outbound calls\n");
    env.dial_pin("100", "1111", "2026-11-26T09:00:00Z").code(1);
    // Nothing was granted: turning protection on starts locked.
    env.ok(["enable", "100", "--duration", "5m"]);
    env.cmd()
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(1);
}

#[test]
fn dial_without_a_pin_is_a_usage_error() {
    let env = Env::new();
    env.add_protected("100", "4826", "5m");
    env.cmd()
        .args(["dial", "100", "7777"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no PIN on standard input"));
    env.cmd()
        .args(["dial", "100", "7777"])
        .write_stdin("\n")
        .assert()
        .code(2);
    env.cmd()
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(1);
}

#[test]
fn dialing_other_digits_reports_what_the_pbx_does() {
    let env = Env::new();
    env.add_protected("100", "4826", "5m");
    env.add("101", "5937");
    env.cmd()
        .args(["dial", "100", "0049301234567"])
        .assert()
        .code(1)
        .stdout("blocked: 100 -> 0049301234567: extension 100 is pin protected and locked; dial 7777 and enter the voicemail PIN first\n");
    env.cmd()
        .args(["dial", "100", "112"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "connected: 100 -> 112: 112 is an emergency number",
        ));
    env.cmd()
        .args(["dial", "100", "101"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("internal"));
    env.cmd()
        .args(["dial", "101", "0049301234567"])
        .assert()
        .code(0);
    env.cmd().args(["dial", "100", "12x"]).assert().code(2);
    // Separators around the feature code still reach the PIN prompt.
    env.cmd()
        .args(["dial", "100", "77-77"])
        .write_stdin("4826\n")
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("PIN accepted"));
}

/// A script asking for JSON gets JSON for an unknown extension too, with
/// the same exit code and message as the text form.
#[test]
fn check_json_answers_for_an_unknown_extension() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["check", "555", "0049301234567", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        json(&String::from_utf8(out.stdout).unwrap()),
        serde_json::json!({"extension": "555", "number": "0049301234567", "permitted": false,
            "reason": "unknown_extension", "unlocked_until": null})
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("error: unknown extension 555"));
    env.cmd()
        .args(["check", "555", "0049301234567"])
        .assert()
        .code(3)
        .stdout("")
        .stderr(predicate::str::contains("error: unknown extension 555"));
    // Permitted unknown extensions are answered as before.
    crate::common::set(&env, "unknown_extensions", "permit");
    let out = env
        .cmd()
        .args(["check", "555", "0049301234567", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        json(&String::from_utf8(out.stdout).unwrap())["permitted"],
        true
    );
}
