use predicates::prelude::*;

use crate::common::{Env, json};

#[test]
fn add_with_a_piped_pin_keeps_leading_zeros() {
    let env = Env::new();
    env.cmd()
        .args([
            "ext",
            "add",
            "0100",
            "--first-name",
            "Zoë",
            "--last-name",
            "O'Brien, \"Jr\"",
            "--email",
            "zoe@example.com",
            "--pin-stdin",
        ])
        .write_stdin("0042\r\nignored second line\n")
        .assert()
        .success()
        .stdout("")
        .stderr("added extension 0100\n");
    let v = json(&env.stdout(&["ext", "show", "0100", "--format", "json"]));
    assert_eq!(v["extension"], "0100");
    assert_eq!(v["first_name"], "Zoë");
    assert_eq!(v["last_name"], "O'Brien, \"Jr\"");
    assert_eq!(v["email"], "zoe@example.com");
    assert_eq!(v["pin_protect"], false);
    assert!(
        v.get("voicemail_pin").is_none(),
        "ext show never shows the PIN"
    );
    assert_eq!(
        env.stdout(&["pins", "0100", "--format", "csv"]),
        "extension,first_name,last_name,voicemail_pin,weak_pin\n0100,Zoë,\"O'Brien, \"\"Jr\"\"\",0042,\n"
    );
}

#[test]
fn add_without_a_pin_generates_one_and_prints_it_once() {
    let env = Env::new();
    let out = env.cmd().args(["ext", "add", "100"]).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let pin = stdout
        .strip_prefix("voicemail PIN for extension 100: ")
        .and_then(|s| s.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("{stdout:?}"));
    assert_eq!(pin.len(), 6);
    assert!(pin.bytes().all(|b| b.is_ascii_digit()));
    let b = pin.as_bytes();
    assert!(!b.iter().all(|&d| d == b[0]), "all one digit: {pin}");
    assert!(
        !b.windows(2).all(|w| w[1] == w[0] + 1),
        "ascending run: {pin}"
    );
    assert!(
        !b.windows(2).all(|w| w[0] == w[1] + 1),
        "descending run: {pin}"
    );
    let v = json(&env.stdout(&["pins", "100", "--format", "json"]));
    assert_eq!(v[0]["voicemail_pin"], pin);
    // Listing and showing never print it again.
    assert!(!env.stdout(&["ext", "list"]).contains(pin));
    assert!(!env.stdout(&["ext", "show", "100"]).contains(pin));
}

#[test]
fn generated_pins_differ() {
    let env = Env::new();
    let mut pins = std::collections::HashSet::new();
    for ext in ["100", "101", "102", "103", "104", "105"] {
        env.ok(["ext", "add", ext]);
    }
    let v = json(&env.stdout(&["pins", "--format", "json"]));
    for row in v.as_array().unwrap() {
        pins.insert(row["voicemail_pin"].as_str().unwrap().to_owned());
    }
    assert!(pins.len() >= 5, "{pins:?}");
}

#[test]
fn add_rejects_bad_input_and_writes_nothing() {
    let env = Env::new();
    env.add("100", "4826");
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["ext", "add", "100", "--pin-stdin"],
            "4826\n",
            "extension 100 already exists",
        ),
        (
            &["ext", "add", "7777", "--pin-stdin"],
            "4826\n",
            "7777 is the pin protect feature code",
        ),
        (
            &["ext", "add", "1", "--pin-stdin"],
            "4826\n",
            "must have 2 to 10 digits",
        ),
        (
            &["ext", "add", "12345678901", "--pin-stdin"],
            "4826\n",
            "must have 2 to 10 digits",
        ),
        (
            &["ext", "add", "10a", "--pin-stdin"],
            "4826\n",
            "must contain only digits",
        ),
        (
            &["ext", "add", "101", "--pin-stdin"],
            "123\n",
            "a PIN must have 4 to 10 digits",
        ),
        (
            &["ext", "add", "101", "--pin-stdin"],
            "12a4\n",
            "only digits",
        ),
        (
            &["ext", "add", "101", "--pin-stdin"],
            "",
            "no PIN on standard input",
        ),
        (
            &["ext", "add", "101", "--pin-stdin"],
            "\n",
            "no PIN on standard input",
        ),
        (
            &["ext", "add", "101", "--email", "not-an-address"],
            "",
            "invalid e-mail address",
        ),
        (
            &["ext", "add", "101", "--first-name", "a\u{7}b"],
            "",
            "control character",
        ),
        (
            &["ext", "add", "101", "--last-name", "line\nbreak"],
            "",
            "control character",
        ),
    ];
    for (args, stdin, message) in cases {
        env.cmd()
            .args(*args)
            .write_stdin(*stdin)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(*message));
    }
    assert_eq!(
        env.stdout(&["pins", "--format", "csv"]),
        "extension,first_name,last_name,voicemail_pin,weak_pin\n100,,,4826,\n"
    );
}

#[test]
fn errors_never_repeat_a_pin() {
    let env = Env::new();
    env.cmd()
        .args(["ext", "add", "101", "--pin-stdin"])
        .write_stdin("98765432109876\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("98765432109876").not());
}

#[test]
fn edit_sets_and_clears_fields() {
    let env = Env::new();
    env.add("100", "4826");
    env.ok([
        "ext",
        "edit",
        "100",
        "--first-name",
        "Alice",
        "--email",
        "a@example.com",
    ])
    .stderr("updated extension 100\n");
    env.ok(["ext", "edit", "100", "--last-name", "Martin"]);
    let v = json(&env.stdout(&["ext", "show", "100", "--format", "json"]));
    assert_eq!(
        (&v["first_name"], &v["last_name"], &v["email"]),
        (&"Alice".into(), &"Martin".into(), &"a@example.com".into())
    );
    env.ok(["ext", "edit", "100", "--email", ""]);
    let v = json(&env.stdout(&["ext", "show", "100", "--format", "json"]));
    assert_eq!(v["email"], serde_json::Value::Null);
    assert_eq!(v["first_name"], "Alice");
    env.cmd()
        .args(["ext", "edit", "100"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to change"));
    env.cmd()
        .args(["ext", "edit", "999", "--first-name", "X"])
        .assert()
        .code(3);
    env.cmd()
        .args(["ext", "edit", "100", "--email", "bad"])
        .assert()
        .code(2);
}

#[test]
fn set_pin_from_stdin_or_generated_and_never_from_argv() {
    let env = Env::new();
    env.add("100", "4826");
    env.cmd()
        .args(["ext", "set-pin", "100", "--pin-stdin"])
        .write_stdin("0007\n")
        .assert()
        .success()
        .stderr("changed the voicemail PIN of extension 100\n");
    assert_eq!(
        json(&env.stdout(&["pins", "100", "--format", "json"]))[0]["voicemail_pin"],
        "0007"
    );
    let out = env.stdout(&["ext", "set-pin", "100", "--generate"]);
    let pin = out.trim().rsplit(' ').next().unwrap().to_owned();
    assert_eq!(pin.len(), 6);
    assert_eq!(
        json(&env.stdout(&["pins", "100", "--format", "json"]))[0]["voicemail_pin"],
        pin.as_str()
    );
    // No terminal and no flag: refuse with a hint.
    env.cmd()
        .args(["ext", "set-pin", "100"])
        .write_stdin("1357\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("hint: pass --pin-stdin"));
    // A PIN is never an argument.
    env.cmd()
        .args(["ext", "set-pin", "100", "1357"])
        .assert()
        .code(2);
    env.cmd()
        .args(["ext", "set-pin", "999", "--generate"])
        .assert()
        .code(3);
    env.cmd()
        .args(["ext", "set-pin", "100", "--pin-stdin", "--generate"])
        .assert()
        .code(2);
}

#[test]
fn changing_the_pin_ends_the_grant() {
    let env = Env::new();
    env.add_protected("100", "4826", "10m");
    env.dial_pin("100", "4826", "2026-11-26T09:00:00Z")
        .success();
    env.at("2026-11-26T09:01:00Z")
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(0);
    env.at("2026-11-26T09:01:00Z")
        .args(["ext", "set-pin", "100", "--pin-stdin"])
        .write_stdin("5937\n")
        .assert()
        .success()
        .stderr("changed the voicemail PIN of extension 100; its grant until 2026-11-26T09:10:00Z ended\n");
    env.at("2026-11-26T09:01:01Z")
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("locked"));
    // The old PIN no longer works, the new one does.
    env.dial_pin("100", "4826", "2026-11-26T09:02:00Z").code(1);
    env.dial_pin("100", "5937", "2026-11-26T09:02:00Z").code(0);
}

#[test]
fn list_and_show_in_every_format() {
    let env = Env::new();
    env.add("1000", "1357");
    env.add("099", "2468");
    env.add("0100", "0042");
    env.add("100", "8642");
    env.ok(["ext", "edit", "100", "--first-name", "Ann, \"A\""]);
    env.ok(["enable", "0100", "--duration", "15m"]);
    let csv = env.stdout(&["ext", "list", "--format", "csv"]);
    assert_eq!(
        csv,
        "extension,first_name,last_name,email,pin_protect,pin_protect_duration_s,state,unlocked_until,locked_out_until\n\
         099,,,,false,,unrestricted,,\n\
         0100,,,,true,900,locked,,\n\
         100,\"Ann, \"\"A\"\"\",,,false,,unrestricted,,\n\
         1000,,,,false,,unrestricted,,\n"
    );
    let v = json(&env.stdout(&["ext", "list", "--format", "json"]));
    let numbers: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["extension"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["099", "0100", "100", "1000"]);
    assert_eq!(v[1]["pin_protect_duration_s"], 900);
    let table = env.stdout(&["ext", "list"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("EXTENSION"), "{table}");
    assert!(lines[0].contains("DURATION"), "{table}");
    assert!(
        lines[2].starts_with("0100 ") && lines[2].contains("15m") && lines[2].contains("locked"),
        "{table}"
    );
    assert_eq!(lines.len(), 5);
    let show = env.stdout(&["ext", "show", "0100"]);
    assert!(
        show.contains("extension:") && show.contains("0100") && show.contains("15m"),
        "{show}"
    );
    assert_eq!(
        env.stdout(&["ext", "show", "099", "--format", "csv"]),
        "extension,first_name,last_name,email,pin_protect,pin_protect_duration_s,state,unlocked_until,locked_out_until\n099,,,,false,,unrestricted,,\n"
    );
    env.cmd()
        .args(["ext", "show", "98"])
        .assert()
        .code(3)
        .stdout("");
}

#[test]
fn empty_list_says_so_on_stderr() {
    let env = Env::new();
    env.ok(["ext", "list"])
        .stdout("")
        .stderr(predicate::str::contains("no extensions yet"));
    env.ok(["ext", "list", "--format", "json"]).stdout("[]\n");
}

#[test]
fn remove_needs_confirmation_or_yes() {
    let env = Env::new();
    env.add("100", "4826");
    env.add("101", "5937");
    env.cmd()
        .args(["ext", "remove", "100"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("hint: pass --yes"));
    // One unknown extension: nothing is removed.
    env.cmd()
        .args(["ext", "remove", "100", "999", "--yes"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("unknown extension 999"));
    assert_eq!(
        json(&env.stdout(&["ext", "list", "--format", "json"]))
            .as_array()
            .unwrap()
            .len(),
        2
    );
    env.ok(["ext", "remove", "100", "101", "--yes"])
        .stderr("removed extensions 100 and 101\n");
    env.cmd()
        .args(["ext", "list", "--format", "json"])
        .assert()
        .stdout("[]\n");
}

#[test]
fn emergency_numbers_and_extensions_never_collide() {
    let env = Env::new();
    for number in ["911", "112", "999", "000"] {
        env.cmd()
            .args(["ext", "add", number, "--pin-stdin"])
            .write_stdin("4826\n")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "{number} is an emergency number and cannot be an extension"
            )));
    }
    // The number is refused before any PIN is read.
    env.cmd()
        .args(["ext", "add", "911", "--pin-stdin"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("911 is an emergency number"));
    // A configured one, and one after the outbound prefix.
    env.ok(["settings", "set", "emergency_numbers", "911,112,110"]);
    env.ok(["settings", "set", "outbound_prefix", "9"]);
    for number in ["110", "9110", "9112"] {
        env.cmd()
            .args(["ext", "add", number, "--pin-stdin"])
            .write_stdin("4826\n")
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is an emergency number"));
    }
    // The other way round: a list or prefix that would make an existing
    // extension an emergency number is refused, naming it.
    env.add("300", "4826");
    env.add("1911", "5937");
    env.cmd()
        .args(["settings", "set", "emergency_numbers", "911,300"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "extension 300 exists, so emergency_numbers 911,300 would make it an emergency number",
        ));
    env.cmd()
        .args(["settings", "set", "outbound_prefix", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("extension 1911 exists"));
    let s = json(&env.stdout(&["settings", "show", "--format", "json"]));
    assert_eq!(
        s["emergency_numbers"],
        serde_json::json!(["911", "112", "110"])
    );
    assert_eq!(s["outbound_prefix"], "9");
    // Import names such rows with their lines, and imports nothing.
    env.cmd()
        .args(["import", "-", "--format", "csv"])
        .write_stdin("extension,voicemail_pin\n400,4826\n112,5937\n9110,4826\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "line 3: 112 is an emergency number and cannot be an extension",
        ))
        .stderr(predicate::str::contains(
            "line 4: 9110 is an emergency number and cannot be an extension",
        ));
    env.cmd().args(["ext", "show", "400"]).assert().code(3);
}

#[test]
fn log_of_an_extension_that_never_existed_exits_3() {
    let env = Env::new();
    env.add("300", "4826");
    env.cmd()
        .args(["log", "999"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("unknown extension 999"));
    // A removed extension keeps its events.
    env.ok(["ext", "remove", "300", "--yes"]);
    let events = json(&env.stdout(&["log", "300", "--format", "json"]));
    assert!(events.as_array().unwrap().len() >= 2, "{events}");
}

#[test]
fn a_bad_value_on_the_command_line_is_echoed_once_and_shortened() {
    let env = Env::new();
    let long = format!("12{}", "a".repeat(200));
    let out = env.cmd().args(["ext", "add", &long]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches("12aaaa").count(), 1, "{stderr}");
    assert!(!stderr.contains(&long), "{stderr}");
    assert!(
        stderr.starts_with("error: <EXT>: extension number '12aaa"),
        "{stderr}"
    );
    for (args, shown) in [
        (
            &["check", "100", "abc!!"][..],
            "<NUMBER>: invalid number 'abc!!'",
        ),
        (
            &["enable", "100", "--duration", "5x"],
            "--duration <D>: invalid duration '5x'",
        ),
    ] {
        let out = env.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(shown), "{stderr}");
        assert!(!stderr.contains("invalid value"), "{stderr}");
    }
}
