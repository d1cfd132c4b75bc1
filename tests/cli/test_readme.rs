//! The README's and the man pages' examples work as written, and the
//! README says first what pinprotect is, in a few screens.

use std::path::Path;
use std::process::Command;

use crate::common::{Env, bin, mode};
use crate::docs;

fn readme() -> String {
    docs::text("README")
}

/// What cron runs for a line of /etc/cron.d: the command after the five
/// time fields and the user (root), with `\%` turned into `%` (an
/// unescaped `%` would end the command).
fn cron_command(line: &str) -> String {
    let fields: Vec<&str> = line.splitn(7, ' ').collect();
    assert_eq!(fields.get(5), Some(&"root"), "{line}");
    let command = fields[6];
    let unescaped = command.replace("\\%", "");
    assert!(!unescaped.contains('%'), "an unescaped % in {line}");
    command.replace("\\%", "%")
}

/// The README's crontab lines.
fn readme_cron_lines() -> Vec<String> {
    docs::blocks("README", "crontab")
        .iter()
        .flat_map(|b| b.lines().map(String::from).collect::<Vec<_>>())
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect()
}

/// The README's crontab line that runs `what`.
fn readme_cron_line(what: &str) -> String {
    readme_cron_lines()
        .into_iter()
        .find(|l| l.contains(&format!(" {what} ")) || l.ends_with(&format!(" {what}")))
        .unwrap_or_else(|| panic!("no crontab line of the README runs {what}"))
}

/// The README's setup line that makes the private backup folders.
fn readme_setup() -> String {
    readme()
        .lines()
        .find(|l| l.starts_with("install -d ") && l.contains("/var/backups/pinprotect"))
        .expect("the README makes the backup folders")
        .to_owned()
}

/// The package's paths made this test's: the binary, the database and
/// the backup folders below `root`.
fn substitute(env: &Env, root: &Path, s: &str) -> String {
    s.replace("/usr/bin/pinprotect", bin())
        .replace("/var/lib/pinprotect/pbx.sqlite3", env.db.to_str().unwrap())
        .replace("/var/backups", root.to_str().unwrap())
}

/// Runs `script` with sh as cron or systemd would (a bare environment),
/// asserting that it succeeded.
fn sh(env: &Env, script: &str) -> std::process::Output {
    let out = sh_status(env, script);
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn sh_status(env: &Env, script: &str) -> std::process::Output {
    Command::new("sh")
        .args(["-c", script])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", env.dir.path())
        .output()
        .unwrap()
}

/// The README fits in a few screens, and its first screen says what
/// pinprotect is: pin protect for Asterisk and FreePBX, from a database
/// of its own fed from the PBX's files, enforced live over AGI.
#[test]
fn the_readme_is_short_and_says_first_what_pinprotect_is() {
    let text = readme();
    assert!(text.len() <= 15 * 1024, "{} bytes", text.len());
    // The first screen: the title and the two paragraphs before the first
    // section.
    let first = text.split("\n## ").next().unwrap();
    assert!(first.lines().count() <= 6 && first.len() < 1600, "{first}");
    for claim in [
        "Asterisk and FreePBX",
        "7777",
        "voicemail PIN",
        "Emergency numbers are never blocked",
        "its own database",
        "does not edit your PBX",
        "voicemail.conf",
        "FreePBX Bulk Handler",
        "3CX",
        "keep in step",
        "AGI or FastAGI",
        "exit code",
    ] {
        assert!(first.contains(claim), "the first screen lacks {claim:?}");
    }
    // Then the Quick start, then how to install: the package first.
    let sections: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("## ")).collect();
    assert_eq!(&sections[..2], ["Quick start", "Install"], "{sections:?}");
    let install = text.split("\n## Install\n").nth(1).unwrap();
    assert!(
        install.find("Debian package").unwrap() < install.find("From source").unwrap(),
        "{install}"
    );
    // The details are a link away, in pages that exist.
    for page in [
        "doc/pinprotect.7.md",
        "doc/pinprotect-import.md",
        "doc/pinprotect-serve.md",
        "CONTRIBUTING.md",
        "BENCHMARKS.md",
    ] {
        assert!(text.contains(&format!("]({page})")), "no link to {page}");
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(page).is_file(),
            "{page}"
        );
    }
}

/// Every command line the README shows for cron or systemd runs the
/// installed binary by its full path, on the one database path.
#[test]
fn the_readme_uses_one_binary_path_and_one_database_path() {
    let text = readme();
    let lines = readme_cron_lines();
    assert!(lines.len() >= 4, "{lines:?}");
    for line in &lines {
        let command = cron_command(line);
        assert!(command.starts_with("/usr/bin/pinprotect "), "{line}");
        assert!(
            command.contains(" --db /var/lib/pinprotect/pbx.sqlite3 "),
            "{line}"
        );
    }
    for (doc, unit) in docs::all_blocks("ini") {
        for exec in unit.lines().filter(|l| l.starts_with("ExecStart=")) {
            assert!(
                exec.starts_with("ExecStart=/usr/bin/pinprotect "),
                "{doc}: {exec}"
            );
            assert!(
                exec.contains(" --db /var/lib/pinprotect/pbx.sqlite3 "),
                "{doc}: {exec}"
            );
        }
    }
    // No other database anywhere in the README: a --db is that path (or a
    // PostgreSQL URL), and a file ending in .sqlite3 is it, the default
    // or a dated backup.
    let mut rest = text.as_str();
    while let Some(at) = rest.find("--db ") {
        let arg = rest[at + 5..].split([' ', '`', '\n']).next().unwrap();
        assert!(
            arg == "/var/lib/pinprotect/pbx.sqlite3"
                || arg == "FILE"
                || arg.starts_with("postgres"),
            "--db {arg}"
        );
        rest = &rest[at + 5..];
    }
    for word in text.split([' ', '`', '(', ')', '\n']) {
        if word.ends_with(".sqlite3") && word.starts_with('/') {
            assert!(
                word == "/var/lib/pinprotect/pbx.sqlite3"
                    || word.starts_with("/var/backups/pinprotect/pbx-"),
                "{word}"
            );
        }
    }
    assert!(!text.contains("/var/lib/pbx/"));
}

/// Each crontab line of the README is run by one of the tests below.
#[test]
fn every_cron_line_of_the_readme_is_run() {
    let lines = readme_cron_lines();
    let run = [" export ", " backup ", " log prune ", " audit"];
    assert_eq!(lines.len(), run.len(), "{lines:?}");
    for line in &lines {
        assert!(run.iter().any(|r| line.contains(r)), "no test runs {line}");
    }
}

#[test]
fn the_readme_audit_cron_line_mails_only_findings() {
    let env = Env::new();
    env.add("100", "4826");
    env.set_clock_override(false);
    let root = env.path("var-backups");
    let command = substitute(&env, &root, &cron_command(&readme_cron_line("audit")));
    // Protected with a strong PIN: nothing to say, exit 0, no mail.
    env.real_clock()
        .args(["enable", "100", "--duration", "5m"])
        .assert()
        .success();
    let out = sh(&env, &command);
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
    // A weak PIN: exit 1 and the finding on standard output, for cron's mail.
    env.real_clock()
        .args(["ext", "add", "101", "--pin-stdin", "--allow-weak"])
        .write_stdin("1234\n")
        .assert()
        .success();
    let out = sh_status(&env, &command);
    assert_eq!(out.status.code(), Some(1));
    let found = String::from_utf8(out.stdout).unwrap();
    assert!(
        found.contains("101") && found.contains("weak_pin"),
        "{found}"
    );
    assert!(!found.contains("1234"), "{found}");
}

#[test]
fn the_cron_export_works_as_written() {
    let env = Env::varied();
    let root = env.path("var-backups");
    // The setup step, then the crontab line, each run by sh as cron would.
    let command = cron_command(&readme_cron_line("export"));
    for script in [readme_setup(), command] {
        let script = substitute(&env, &root, &script);
        let out = sh(&env, &script);
        assert!(
            out.stdout.is_empty() && out.stderr.is_empty(),
            "{script} printed something"
        );
    }
    let backups = root.join("pbx");
    assert_eq!(mode(&backups), 0o700);
    assert_eq!(mode(&root.join("pinprotect")), 0o700);
    let files: Vec<_> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_str().unwrap().to_owned();
    let date = name
        .strip_prefix("extensions-")
        .and_then(|n| n.strip_suffix(".csv"))
        .unwrap();
    assert!(
        date.len() == 10
            && date.chars().enumerate().all(|(i, c)| if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }),
        "{name}"
    );
    assert_eq!(mode(&files[0]), 0o600);
    let exported = std::fs::read_to_string(&files[0]).unwrap();
    assert!(exported.starts_with("extension,first_name,last_name,email,voicemail_pin,"));
    assert_eq!(exported.lines().count(), 6);
}

/// The exit codes in the README, `--help` and the man page are the one
/// definition in the code.
#[test]
fn the_exit_codes_are_documented_from_one_definition() {
    use pinprotect::error::ExitCode;
    let text = readme();
    let start = text
        .find("| code | meaning |")
        .expect("the README's exit-code table");
    let rows: Vec<(String, String)> = text[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            (cells[0].to_string(), cells[1].to_string())
        })
        .collect();
    let expected: Vec<(String, String)> = ExitCode::ALL
        .iter()
        .map(|c| ((*c as u8).to_string(), c.meaning().to_string()))
        .collect();
    assert_eq!(rows, expected);
    let help = Command::new(bin()).arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let page =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("man/pinprotect.1"))
            .unwrap();
    for code in ExitCode::ALL {
        // --help wraps long lines: compare word by word.
        let words: Vec<&str> = code.meaning().split_whitespace().collect();
        let help_words: Vec<&str> = help.split_whitespace().collect();
        assert!(
            help_words
                .windows(words.len())
                .any(|w| w == words.as_slice()),
            "--help lacks: {}",
            code.meaning()
        );
        let page_text = page.replace("\\-", "-");
        let page_words: Vec<&str> = page_text.split_whitespace().collect();
        assert!(
            page_words
                .windows(words.len())
                .any(|w| w == words.as_slice()),
            "the man page lacks: {}",
            code.meaning()
        );
    }
}

#[test]
fn keeping_in_step_with_voicemail_conf_works_as_written() {
    let env = Env::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/voicemail");
    let etc = env.path("asterisk");
    std::fs::create_dir(&etc).unwrap();
    for f in ["voicemail.conf", "voicemail-extra.conf"] {
        std::fs::copy(fixtures.join(f), etc.join(f)).unwrap();
    }
    let conf = etc.join("voicemail.conf");
    // The systemd unit's command, then the cron line's, each run by sh, as
    // pinprotect-import(1) shows them.
    let unit = ini_block("# /etc/systemd/system/pinprotect-voicemail.service")
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .unwrap()
        .to_owned();
    let cron_line = docs::block("pinprotect-import", "crontab", "voicemail.conf");
    let cron = cron_command(cron_line.trim_end());
    assert!(unit.contains("--sync") && cron.contains("--sync"));
    let run = |command: &str| {
        let script = command
            .replace("/var/lib/pinprotect/pbx.sqlite3", env.db.to_str().unwrap())
            .replace("/usr/bin/pinprotect", bin())
            .replace("/etc/asterisk/voicemail.conf", conf.to_str().unwrap());
        let out = sh(&env, &script);
        assert!(out.stderr.is_empty(), "{script}");
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(run(&unit), "");
    let pins = || env.stdout(&["pins", "--format", "csv"]);
    assert_eq!(
        pins(),
        "extension,first_name,last_name,voicemail_pin,weak_pin\n\
         1234,Example,Mailbox,4242,\n\
         4069,Matt,Brooks,6522,\n\
         4110,Rob,Flynn,3443,\n\
         4200,Mark,Spencer,9855,\n\
         4310,Sue,Northrop,5432,a run of consecutive digits\n"
    );
    // A user changes a PIN from the phone; a mailbox is deleted.
    let changed = std::fs::read_to_string(&conf)
        .unwrap()
        .replace("4069 = 6522,", "4069 = 7513,");
    std::fs::write(&conf, changed).unwrap();
    std::fs::write(etc.join("voicemail-extra.conf"), "; empty now\n").unwrap();
    assert_eq!(run(&cron), "removed extension 4110\n");
    assert_eq!(
        pins(),
        "extension,first_name,last_name,voicemail_pin,weak_pin\n\
         1234,Example,Mailbox,4242,\n\
         4069,Matt,Brooks,7513,\n\
         4200,Mark,Spencer,9855,\n\
         4310,Sue,Northrop,5432,a run of consecutive digits\n"
    );
}

/// pinprotect(7)'s settings table has every setting with its default,
/// from the one list in the code.
#[test]
fn the_settings_table_lists_every_setting_with_its_default() {
    let text = docs::text("pinprotect.7");
    let table: Vec<&str> = text
        .split("\n## SETTINGS\n")
        .nth(1)
        .unwrap()
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    let defaults = pinprotect::settings::Settings::default();
    for key in pinprotect::settings::KEYS {
        let row = table
            .iter()
            .find(|r| r.split('|').nth(1).unwrap().contains(&format!("`{key}`")))
            .unwrap_or_else(|| panic!("no pinprotect(7) row for {key}"));
        let default = defaults.get(key).unwrap();
        let shown = if default.is_empty() {
            "empty".to_string()
        } else {
            format!("`{default}`")
        };
        assert!(
            row.split('|').nth(2).unwrap().contains(&shown),
            "{key}: {shown} not in {row}"
        );
    }
    // And no row names a setting the code does not have.
    for row in &table[2..] {
        for name in row.split('|').nth(1).unwrap().split('`').skip(1).step_by(2) {
            assert!(
                pinprotect::settings::KEYS.contains(&name),
                "{name} is no setting"
            );
        }
    }
}

/// The monthly prune of the audit log, run as cron runs it: the events
/// older than 90 days go to the month's archive, and the prune's own
/// event heads the log.
#[test]
fn the_log_prune_cron_line_works_as_written() {
    let env = Env::new();
    env.at("2026-07-01T00:00:00Z")
        .args(["ext", "add", "100", "--pin-stdin"])
        .write_stdin("4826\n")
        .assert()
        .success();
    let root = env.path("var-backups");
    std::fs::create_dir_all(root.join("pinprotect")).unwrap();
    let backups = root.join("pinprotect");
    // 90 days back from the system clock: the event of 2026-07-01 and
    // more goes, as long as that is before today (it is, from October).
    let command = substitute(&env, &root, &cron_command(&readme_cron_line("log prune")));
    assert!(command.contains("log prune --before"), "{command}");
    let out = sh(&env, &command);
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{command}");
    let files: Vec<_> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let archived = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        archived
            .lines()
            .next()
            .unwrap()
            .contains("\"time\":\"2026-07-01T00:00:00Z\""),
        "{archived}"
    );
    assert_eq!(mode(&files[0]), 0o600);
    let log = env.stdout(&["log", "--format", "csv"]);
    assert!(
        log.lines().nth(1).unwrap().contains(",log_pruned,"),
        "{log}"
    );
}

#[test]
fn the_nightly_backup_works_as_written() {
    crate::sqlite_only!();
    let env = Env::varied();
    let root = env.path("var-backups");
    let copies = root.join("pinprotect");
    let exports = root.join("pbx");
    let line = readme_cron_line("backup");
    sh(&env, &substitute(&env, &root, &readme_setup()));
    assert_eq!(mode(&copies), 0o700);
    // Copies and exports from 40 and 10 days ago.
    for (folder, name) in [
        (&copies, "pbx-2026-10-20.sqlite3"),
        (&copies, "pbx-2026-11-19.sqlite3"),
        (&exports, "extensions-2026-10-20.csv"),
        (&exports, "extensions-2026-11-19.csv"),
    ] {
        std::fs::write(folder.join(name), "old").unwrap();
    }
    sh(
        &env,
        &format!(
            "touch -d '40 days ago' {0}/pbx-2026-10-20.sqlite3 {1}/extensions-2026-10-20.csv; \
             touch -d '10 days ago' {0}/pbx-2026-11-19.sqlite3 {1}/extensions-2026-11-19.csv",
            copies.display(),
            exports.display()
        ),
    );
    let out = sh(&env, &substitute(&env, &root, &cron_command(&line)));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    let mut names: Vec<String> = std::fs::read_dir(&copies)
        .unwrap()
        .chain(std::fs::read_dir(&exports).unwrap())
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!(names[0], "extensions-2026-11-19.csv");
    assert_eq!(names[1], "pbx-2026-11-19.sqlite3");
    let today = copies.join(&names[2]);
    assert!(names[2].starts_with("pbx-") && names[2] != "pbx-2026-11-19.sqlite3");
    assert_eq!(mode(&today), 0o600);
    let verified = Command::new(bin())
        .arg("--db")
        .arg(&today)
        .arg("verify")
        .env_remove("PINPROTECT_NOW")
        .output()
        .unwrap();
    assert!(verified.status.success());
}

/// The fenced `ini` block of the docs that starts with `first`.
fn ini_block(first: &str) -> String {
    docs::all_blocks("ini")
        .into_iter()
        .map(|(_, b)| b)
        .find(|b| b.starts_with(first))
        .unwrap_or_else(|| panic!("no ini block starting with {first}"))
}

/// The package ships the units of the man pages, and a Debian changelog
/// of the crate's version.
#[test]
fn the_package_ships_the_documented_units_and_the_crate_version() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["pinprotect-voicemail.path", "pinprotect-voicemail.service"] {
        let shipped = std::fs::read_to_string(root.join("debian/examples").join(name)).unwrap();
        let readme = ini_block(&format!("# /etc/systemd/system/{name}"));
        assert_eq!(shipped, readme, "{name}");
    }
    // The server's unit: the README's, but for the package's binary and
    // its config file (no --db), with its man page named.
    let shipped = std::fs::read_to_string(root.join("debian/pinprotect.service")).unwrap();
    let readme = ini_block("# /etc/systemd/system/pinprotect.service");
    let without = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| {
                !l.starts_with('#')
                    && !l.starts_with("ExecStart=")
                    && !l.starts_with("Documentation=")
            })
            .map(String::from)
            .collect()
    };
    assert_eq!(without(&shipped), without(&readme));
    assert!(shipped.contains("\nExecStart=/usr/bin/pinprotect serve\n"));
    let changelog = std::fs::read_to_string(root.join("debian/changelog")).unwrap();
    assert!(
        changelog.starts_with(&format!("pinprotect ({}-1) ", env!("CARGO_PKG_VERSION"))),
        "{changelog}"
    );
}
