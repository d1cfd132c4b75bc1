//! The weak-PIN policy, wherever a PIN is set.

use predicates::prelude::*;

use crate::common::{Env, json, set};

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
    env.ok(["ext", "remove", "100", "4826", "--yes"]);
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
