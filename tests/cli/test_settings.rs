//! Settings: shown, set, checked, and honoured by calls.

use predicates::prelude::*;

use crate::common::{Env, json, set};

#[test]
fn settings_show_set_and_validate() {
    let env = Env::new();
    assert_eq!(
        json(&env.stdout(&["settings", "show", "--format", "json"])),
        serde_json::json!({"feature_code": "7777", "emergency_numbers": ["911", "112", "999", "000"], "outbound_prefix": "",
            "pin_min_length": 4, "lockout_attempts": 5, "lockout_seconds": 900, "default_duration": 300, "unknown_extensions": "deny", "clock_override": true,
            "agi_pin_prompt": "agent-pass", "agi_granted_prompt": "auth-thankyou",
            "agi_wrong_pin_prompt": "auth-incorrect", "agi_refused_prompt": "cannot-complete-as-dialed",
            "agi_goodbye_prompt": "vm-goodbye", "agi_pin_timeout_seconds": 10, "agi_pin_tries": 3})
    );
    assert_eq!(
        env.stdout(&["settings", "show", "--format", "csv"]),
        "feature_code,emergency_numbers,outbound_prefix,pin_min_length,lockout_attempts,lockout_seconds,\
         default_duration,unknown_extensions,clock_override,\
         agi_pin_prompt,agi_granted_prompt,agi_wrong_pin_prompt,agi_refused_prompt,agi_goodbye_prompt,\
         agi_pin_timeout_seconds,agi_pin_tries\n\
         7777,\"911,112,999,000\",,4,5,900,5m,deny,on,agent-pass,auth-thankyou,auth-incorrect,\
         cannot-complete-as-dialed,vm-goodbye,10,3\n"
    );
    // Each setting under the key `settings set` takes, whatever the width.
    let table = env.stdout(&["settings"]);
    assert!(
        table.starts_with("feature_code             7777\nemergency_numbers        911,112,999,000\noutbound_prefix          (none)\n"),
        "{table}"
    );
    let keys: Vec<&str> = table
        .lines()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(keys, pinprotect::settings::KEYS);
    assert_eq!(table, env.stdout(&["settings", "show"]));
    // One value, as set takes it, alone on its line.
    assert_eq!(env.stdout(&["settings", "get", "feature_code"]), "7777\n");
    assert_eq!(env.stdout(&["settings", "get", "outbound_prefix"]), "\n");
    assert_eq!(env.stdout(&["settings", "get", "default_duration"]), "5m\n");
    for (typed, hint) in [
        ("lockout-seconds", "did you mean lockout_seconds?"),
        ("feature code", "did you mean feature_code?"),
        ("prefix", "did you mean outbound_prefix?"),
        ("colour", "the settings are feature_code, emergency_numbers"),
    ] {
        env.cmd()
            .args(["settings", "get", typed])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!(
                "unknown setting '{typed}'; {hint}"
            )));
        env.cmd()
            .args(["settings", "set", typed, "9"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "unknown setting '{typed}'; {hint}"
            )));
    }
    env.ok(["settings", "set", "outbound_prefix", "9"])
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
