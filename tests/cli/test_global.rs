use predicates::prelude::*;

use crate::common::{Env, NOW, bin, fill};

#[test]
fn invalid_now_is_a_usage_error() {
    let env = Env::new();
    env.at("yesterday")
        .args(["status"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid time 'yesterday'"));
    env.at("2026-11-26").args(["status"]).assert().code(2);
}

#[test]
fn now_and_db_come_from_the_environment() {
    let env = Env::new();
    env.add_protected("100", "4826", "5m");
    env.dial_pin("100", "4826", NOW).success();
    let mut c = assert_cmd::Command::new(bin());
    c.env("PINPROTECT_DB", &env.db)
        .env("PINPROTECT_NOW", "2026-11-26T09:04:59Z")
        .env("TZ", "UTC0")
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "unlocked until 2026-11-26 09:05:00 +00:00",
        ));
    let mut c = assert_cmd::Command::new(bin());
    c.env("PINPROTECT_DB", &env.db)
        .env("PINPROTECT_NOW", "2026-11-26T09:05:00Z")
        .args(["check", "100", "0049301234567"])
        .assert()
        .code(1);
}

#[test]
fn global_options_go_before_or_after_the_subcommand() {
    let env = Env::new();
    env.add("100", "4826");
    let mut c = assert_cmd::Command::new(bin());
    c.args(["status", "--format", "csv", "--db"])
        .arg(&env.db)
        .args(["--now", NOW, "-q"])
        .assert()
        .success()
        .stdout("extension,pin_protect,pin_protect_duration_s,state,unlocked_until,locked_out_until\n100,false,,unrestricted,,\n");
}

#[test]
fn default_database_lives_in_the_user_data_directory() {
    let env = Env::empty();
    let mut c = assert_cmd::Command::new(bin());
    c.env_clear()
        .env("HOME", env.dir.path())
        .args(["init"])
        .assert()
        .success();
    let expected = env.dir.path().join(".local/share/pinprotect/pbx.sqlite3");
    assert!(expected.is_file(), "{expected:?}");
    assert_eq!(crate::common::mode(&expected), 0o600);
}

#[test]
fn quiet_silences_messages_but_not_data_or_errors() {
    let env = Env::new();
    env.cmd()
        .args(["-q", "ext", "add", "100", "--pin-stdin"])
        .write_stdin("4826\n")
        .assert()
        .success()
        .stdout("")
        .stderr("");
    env.ok(["ext", "add", "101", "--quiet"])
        .stdout(predicate::str::is_match(r"^voicemail PIN for extension 101: \d{6}\n$").unwrap())
        .stderr("");
    env.cmd()
        .args(["-q", "check", "100", "12a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error:"));
    env.cmd()
        .args(["-q", "check", "100", "911"])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let env = Env::new();
    env.add("100", "4826");
    env.cmd()
        .args(["check", "100", "911"])
        .assert()
        .stdout(predicate::str::contains("\x1b[").not());
    env.cmd()
        .args(["--color", "always", "check", "100", "911"])
        .assert()
        .stdout(predicate::str::contains("\x1b[1;32mpermitted\x1b[0m"));
    env.cmd()
        .args(["--color", "never", "ext", "show", "999"])
        .assert()
        .code(3)
        .stderr(predicate::str::starts_with(
            "error: unknown extension 999\nhint: ",
        ));
}

#[test]
fn help_explains_every_command_with_examples() {
    let env = Env::empty();
    let subcommands: &[&[&str]] = &[
        &["init"],
        &["ext"],
        &["ext", "add"],
        &["ext", "edit"],
        &["ext", "set-pin"],
        &["ext", "show"],
        &["ext", "list"],
        &["ext", "remove"],
        &["enable"],
        &["disable"],
        &["revoke"],
        &["status"],
        &["pins"],
        &["export"],
        &["import"],
        &["dial"],
        &["check"],
        &["demo"],
        &["completions"],
        &["reset-lockout"],
        &["settings"],
        &["settings", "show"],
        &["settings", "set"],
        &["audit"],
        &["log"],
        &["log", "prune"],
    ];
    for sub in subcommands {
        let mut args = sub.to_vec();
        args.push("--help");
        let out = env.cmd().args(&args).output().unwrap();
        assert!(out.status.success());
        let help = String::from_utf8(out.stdout).unwrap();
        // The help ends with 1 to 3 examples.
        let (_, examples) = help
            .rsplit_once("\nExamples:\n")
            .unwrap_or_else(|| panic!("{sub:?} has no examples:\n{help}"));
        let lines: Vec<&str> = examples.lines().collect();
        assert!((1..=3).contains(&lines.len()), "{sub:?}: {lines:?}");
        for line in lines {
            assert!(
                line.starts_with("  ") && line.contains("pinprotect "),
                "{sub:?}: {line:?}"
            );
        }
    }
    env.cmd()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit status:\n  0  Success"))
        .stdout(predicate::str::contains("PINPROTECT_DB"));
}

#[test]
fn a_closed_pipe_ends_output_quietly_and_keeps_the_answer() {
    let env = Env::new();
    fill(&env, 20_000);
    env.add_protected("100", "4826", "5m");
    let run = |args: &str| {
        let script = format!(
            "\"$0\" --db \"$1\" --now {NOW} {args} | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}"
        );
        let out = std::process::Command::new("bash")
            .args(["-c", &script, bin()])
            .arg(&env.db)
            .output()
            .unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    for args in [
        "export",
        "export --format json",
        "status --format csv",
        "pins --format json",
    ] {
        assert_eq!(run(args), ("0\n".to_string(), String::new()), "{args}");
    }
    assert_eq!(run("check 100 0049301234567").0, "1\n");
}

/// An empty PINPROTECT_DB or a PINPROTECT_NOW that is no time: the error
/// names the variable, not the flag; the flag wins over it; an emergency
/// call is answered all the same.
#[test]
fn an_unusable_environment_variable_is_named_and_never_stops_an_emergency_call() {
    let env = Env::new();
    // No --db here: the variable is the database.
    let run = |vars: &[(&str, &str)], args: &[&str]| {
        let mut c = std::process::Command::new(bin());
        c.env_clear()
            .env("HOME", env.dir.path())
            .env("XDG_DATA_HOME", env.path("xdg"))
            .env("TZ", "UTC0")
            .envs(vars.iter().copied());
        c.args(args).output().unwrap()
    };
    let db = env.db.to_str().unwrap();
    let out = run(&[("PINPROTECT_DB", "")], &["status"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: PINPROTECT_DB: set but empty; unset it (`unset PINPROTECT_DB`)"),
        "{err}"
    );
    assert!(!err.contains("'--db"), "{err}");
    let out = run(
        &[("PINPROTECT_NOW", "yesterday"), ("PINPROTECT_DB", db)],
        &["status"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: PINPROTECT_NOW: invalid time 'yesterday'"),
        "{err}"
    );
    assert!(!err.contains("--now <TIME>"), "{err}");
    // The flag wins: the variable does not matter then.
    let out = run(&[("PINPROTECT_DB", "")], &["--db", db, "status", "-q"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Emergency first: the call is permitted, with a warning naming it.
    for vars in [
        &[("PINPROTECT_DB", "")][..],
        &[("PINPROTECT_DB", db), ("PINPROTECT_NOW", "soon")],
    ] {
        let out = run(vars, &["check", "100", "911"]);
        assert_eq!(out.status.code(), Some(0), "{vars:?}");
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("permitted"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("warning: {}:", vars.last().unwrap().0)),
            "{err}"
        );
    }
}

#[test]
fn usage_of_enable_disable_and_revoke_names_all() {
    let env = Env::new();
    for cmd in ["enable", "disable", "revoke"] {
        let out = env.cmd().arg(cmd).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!(
                "Usage: pinprotect {cmd} [OPTIONS] <EXT>...\n       pinprotect {cmd} [OPTIONS] --all\n"
            )),
            "{err}"
        );
    }
}

/// `-h` is short: no exit-status block, which `--help` has.
#[test]
fn short_help_leaves_the_exit_codes_to_long_help() {
    let env = Env::new();
    let short = env.stdout(&["-h"]);
    let long = env.stdout(&["--help"]);
    assert!(
        long.contains("Exit status:") && long.contains("Examples:"),
        "{long}"
    );
    assert!(
        !short.contains("Exit status:") && short.contains("Examples:"),
        "{short}"
    );
}
