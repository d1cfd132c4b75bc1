//! Output as scripts meet it: one JSON style with typed values, and exit
//! statuses that hold when standard output is cut short or closed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common::{Env, NOW, bin, fill, json};

/// `pinprotect --db DB --now NOW ARGS` run by `sh` with `redirect` after
/// it (`>&-` closes standard output): exit status, stdout, stderr.
fn sh(env: &Env, args: &str, redirect: &str) -> (i32, String, String) {
    let script = format!(
        "exec '{}' --db '{}' --now {NOW} {args} {redirect}",
        bin(),
        env.db.display()
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .env_remove("PINPROTECT_DB")
        .env_remove("PINPROTECT_NOW")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs ARGS, reads the first line of its output and closes the pipe, as
/// `| head -1` does: the exit status and stderr.
fn first_line_only(env: &Env, args: &[&str]) -> (i32, String, String) {
    let mut child = env
        .std_cmd()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is gone now.
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        first,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn events(env: &Env, kind: &str) -> usize {
    json(&env.stdout(&["log", "--format", "json"]))
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == kind)
        .count()
}

#[test]
fn audit_findings_exit_1_when_the_reader_goes_away() {
    let env = Env::new();
    // Far more findings than any buffer holds.
    fill(&env, 5000);
    let (code, first, stderr) = first_line_only(&env, &["audit"]);
    assert!(!first.is_empty());
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn a_listing_cut_short_exits_0_silently() {
    let env = Env::new();
    fill(&env, 5000);
    for args in [
        &["status"][..],
        &["ext", "list", "--format", "csv"],
        &["pins", "--format", "json"],
    ] {
        let (code, first, stderr) = first_line_only(&env, args);
        assert!(!first.is_empty(), "{args:?}");
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

#[test]
fn export_and_pins_to_a_closed_stdout_exit_5_and_log_nothing() {
    let env = Env::new();
    env.add("100", "4826");
    for args in ["export", "export --format json", "pins", "pins 100"] {
        let (code, _, stderr) = sh(&env, args, ">&-");
        assert_eq!(code, 5, "{args}: {stderr}");
        assert!(
            stderr.contains("cannot write standard output"),
            "{args}: {stderr}"
        );
    }
    assert_eq!(events(&env, "export"), 0);
    assert_eq!(events(&env, "pins_shown"), 0);
    // A listing to a closed stdout fails too; to /dev/null it is fine.
    let (code, _, stderr) = sh(&env, "status", ">&-");
    assert_eq!(code, 5, "{stderr}");
    let (code, _, stderr) = sh(&env, "export", ">/dev/null");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(events(&env, "export"), 1);
    // A closed stdout is not taken by a file pinprotect opens: the export
    // file gets the data, and nothing else does.
    let out = env.path("out.csv");
    let (code, _, stderr) = sh(&env, &format!("export --output '{}'", out.display()), ">&-");
    assert_eq!(code, 0, "{stderr}");
    assert!(std::fs::read_to_string(&out).unwrap().contains("100,"));
}

#[test]
fn every_json_output_is_one_compact_line_with_typed_values() {
    let env = Env::new();
    env.add_protected("100", "4826", "300");
    let settings = env.stdout(&["settings", "show", "--format", "json"]);
    let show = env.stdout(&["ext", "show", "100", "--format", "json"]);
    for out in [&settings, &show] {
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(!out.contains(": ") && !out.contains("  "), "{out}");
    }
    let s = json(&settings);
    assert_eq!(s["lockout_attempts"], 5);
    assert_eq!(s["lockout_seconds"], 900);
    assert_eq!(s["pin_min_length"], 4);
    assert_eq!(s["clock_override"], true);
    assert_eq!(
        s["emergency_numbers"],
        serde_json::json!(["911", "112", "999", "000"])
    );
    assert_eq!(s["feature_code"], "7777");
    let e = json(&show);
    assert_eq!(e["pin_protect"], true);
    assert_eq!(e["pin_protect_duration_s"], 300);
}
