//! A week-one admin's session, as typed in a shell: each line with the
//! exit status and the words it must show. It runs on the system clock,
//! in a zone an hour east of UTC, with `pinprotect` found on PATH and the
//! default database in a fresh home.

use std::path::Path;
use std::process::Command;

use crate::common::bin;

/// (command line, exit status, what stdout and stderr together must hold)
const SESSION: [(&str, i32, &[&str]); 22] = [
    ("pinprotect init", 0, &["created database"]),
    (
        "printf '4826\\n' | pinprotect ext add 100 --first-name Alice --pin-stdin",
        0,
        &["added extension 100"],
    ),
    (
        "printf '1234\\n' | pinprotect ext add 101 --first-name Bob --pin-stdin --allow-weak",
        0,
        &["added extension 101"],
    ),
    (
        "pinprotect enable 100 --duration 15m",
        0,
        &["pin protect on for extension 100, duration 15m"],
    ),
    (
        "printf '4826\\n' | pinprotect dial 100 7777",
        0,
        &["may place outbound calls until", " +01:00 (15m)"],
    ),
    ("pinprotect status", 0, &["UNLOCKED UNTIL", " +01:00\n"]),
    ("pinprotect status --utc", 0, &[" +00:00\n"]),
    (
        "pinprotect log --since 1h --event grant",
        0,
        &["grant", " +01:00 "],
    ),
    (
        "pinprotect log --since today --format jsonl --limit 1",
        0,
        &["\"time\":\"20", "Z\""],
    ),
    (
        "pinprotect log --since lastweek",
        2,
        &["is not a time: use an RFC 3339 time", "today or yesterday"],
    ),
    (
        "pinprotect settings show",
        0,
        &[
            "feature_code             7777\n",
            "lockout_seconds          900\n",
        ],
    ),
    ("pinprotect settings get feature_code", 0, &["7777\n"]),
    (
        "pinprotect settings set lockout-seconds 600",
        2,
        &["did you mean lockout_seconds?"],
    ),
    (
        "pinprotect check 555 0049301234567 --format json",
        3,
        &[
            "\"reason\":\"unknown_extension\"",
            "error: unknown extension 555",
        ],
    ),
    (
        "pinprotect enable",
        2,
        &["pinprotect enable [OPTIONS] --all"],
    ),
    (
        "PINPROTECT_DB= pinprotect status",
        2,
        &["error: PINPROTECT_DB: set but empty"],
    ),
    (
        "pinprotect revoke --all",
        0,
        &["1 running grant ended (all 2 extensions checked)"],
    ),
    ("pinprotect audit", 1, &["`pinprotect pins 101` shows why"]),
    (
        "pinprotect export --format voicemail-conf --spreadsheet-safe",
        2,
        &["--spreadsheet-safe is for CSV exports"],
    ),
    (
        "printf '[default]\\n102 => 5937,Carl Smith,c@example.com,,attach=yes|saycid=no\\n' > vm.conf && pinprotect import vm.conf && pinprotect export --format voicemail-conf",
        0,
        &["102 => 5937,Carl Smith,c@example.com,,attach=yes|saycid=no\n"],
    ),
    (
        "pinprotect export --delimiter ';' --no-pins > de.csv && pinprotect import de.csv --delimiter ';' --update --dry-run",
        0,
        &["would import 3: 0 added, 0 updated, 3 unchanged"],
    ),
    (
        "man -l \"$MANDIR/pinprotect.7\" | grep -c 'HOW A CALL IS DECIDED'",
        0,
        &["1\n"],
    ),
];

#[test]
fn the_newcomers_session_runs_clean() {
    let home = tempfile::tempdir().unwrap();
    let bin_dir = home.path().join("bin");
    std::fs::create_dir(&bin_dir).unwrap();
    std::os::unix::fs::symlink(bin(), bin_dir.join("pinprotect")).unwrap();
    let man = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    for (line, status, shown) in SESSION {
        let out = Command::new("sh")
            .args(["-c", line])
            .env_clear()
            .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
            .env("HOME", home.path())
            .env("TZ", "CET-1")
            .env("MANDIR", &man)
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "80")
            .current_dir(home.path())
            .output()
            .unwrap();
        let text = crate::common::printed(&out);
        assert_eq!(out.status.code(), Some(status), "$ {line}\n{text}");
        for s in shown {
            assert!(text.contains(s), "$ {line}: {s:?} missing in\n{text}");
        }
        // No line says something is wrong unless the status does.
        if status == 0 {
            assert!(
                !text.contains("error:") && !text.contains("warning:"),
                "$ {line}\n{text}"
            );
        }
        // Never a PIN in a command's output, but where asked for.
        if !line.contains("export") {
            assert!(!text.contains("4826"), "$ {line}\n{text}");
        }
    }
}
