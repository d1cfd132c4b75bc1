//! The README's examples work as written.

use std::path::Path;
use std::process::Command;

use crate::common::{Env, bin, mode};

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The body of the first fenced block of `lang`.
fn block(text: &str, lang: &str) -> String {
    let start = text
        .find(&format!("```{lang}\n"))
        .unwrap_or_else(|| panic!("no {lang} block"))
        + lang.len()
        + 4;
    let end = text[start..].find("```").unwrap() + start;
    text[start..end].to_string()
}

/// What cron runs for a crontab line: the command after the five time
/// fields, with `\%` turned into `%` (an unescaped `%` would end the command).
fn cron_command(line: &str) -> String {
    let command = line.splitn(6, ' ').nth(5).unwrap();
    let unescaped = command.replace("\\%", "");
    assert!(!unescaped.contains('%'), "an unescaped % in {line}");
    command.replace("\\%", "%")
}

/// Runs `script` with sh as cron or systemd would (a bare environment),
/// asserting that it succeeded.
fn sh(env: &Env, script: &str) -> std::process::Output {
    let out = Command::new("sh")
        .args(["-c", script])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", env.dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn the_cron_export_works_as_written() {
    let env = Env::varied();
    let backups = env.path("backups");
    let text = readme();
    // The setup step, then the crontab line, each run by sh as cron would.
    let setup = text
        .lines()
        .find(|l| l.starts_with("install -d ") && l.contains("/var/backups/pbx"))
        .expect("the README makes the backup folder");
    let crontab = block(&text, "crontab");
    let line = crontab
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty())
        .unwrap();
    let command = cron_command(line);
    let substitute = |s: &str| {
        s.replace("/usr/local/bin/pinprotect", bin())
            .replace("/var/lib/pbx/pbx.sqlite3", env.db.to_str().unwrap())
            .replace("/var/backups/pbx", backups.to_str().unwrap())
    };
    for script in [substitute(setup), substitute(&command)] {
        let out = sh(&env, &script);
        assert!(
            out.stdout.is_empty() && out.stderr.is_empty(),
            "{script} printed something"
        );
    }
    assert_eq!(mode(&backups), 0o700);
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

/// The command after `prefix` on the README line that has it, up to the
/// end of the line or the closing backquote.
fn readme_command(text: &str, prefix: &str) -> String {
    let line = text
        .lines()
        .find(|l| l.contains(prefix))
        .unwrap_or_else(|| panic!("no README line with {prefix}"));
    let start = line.find(prefix).unwrap() + prefix.len();
    line[start..].split('`').next().unwrap().to_owned()
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
    let text = readme();
    // The systemd unit's command, then the cron line's (after the time
    // fields and the user), each run by sh.
    let unit = readme_command(
        &text,
        "ExecStart=/usr/local/bin/pinprotect -q --db /var/lib/pinprotect/pbx.sqlite3 import /etc/asterisk/voicemail.conf",
    );
    let unit = format!(
        "pinprotect -q --db /var/lib/pinprotect/pbx.sqlite3 import /etc/asterisk/voicemail.conf{unit}"
    );
    let cron = readme_command(&text, "*/5 * * * * root ");
    assert!(unit.contains("--sync") && cron.contains("--sync"));
    let run = |command: &str| {
        let script = command
            .replace("/var/lib/pinprotect/pbx.sqlite3", env.db.to_str().unwrap())
            .replacen("pinprotect -q ", &format!("{} -q ", bin()), 1)
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

/// The README's settings table has every setting with its default, from
/// the one list in the code.
#[test]
fn the_settings_table_lists_every_setting_with_its_default() {
    let text = readme();
    let table: Vec<&str> = text
        .split("\n## Settings\n")
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
            .unwrap_or_else(|| panic!("no README row for {key}"));
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
    let backups = env.path("backups");
    std::fs::create_dir(&backups).unwrap();
    let text = readme();
    let line = format!(
        "0 3 1 * * root {}",
        readme_command(&text, "0 3 1 * * root ")
    );
    let command = cron_command(&line)
        .strip_prefix("root ")
        .unwrap()
        .replace("/usr/local/bin/pinprotect", bin())
        .replace("/var/lib/pinprotect/pbx.sqlite3", env.db.to_str().unwrap())
        .replace("/var/backups", backups.to_str().unwrap());
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
    let copies = env.path("pinprotect");
    let exports = env.path("pbx");
    std::fs::create_dir(&exports).unwrap();
    let text = readme();
    let setup = text
        .lines()
        .find(|l| l.starts_with("install -d ") && l.contains("/var/backups/pinprotect"))
        .expect("the README makes the backup folder");
    let line = crate::dialplan::readme_blocks("crontab")
        .into_iter()
        .flat_map(|b| b.lines().map(String::from).collect::<Vec<_>>())
        .find(|l| l.contains(" backup "))
        .expect("a crontab line that backs up");
    let substitute = |s: &str| {
        s.replace("/usr/local/bin/pinprotect", bin())
            .replace("/var/lib/pbx/pbx.sqlite3", env.db.to_str().unwrap())
            .replace("/var/backups/pinprotect", copies.to_str().unwrap())
            .replace("/var/backups/pbx", exports.to_str().unwrap())
    };
    sh(&env, &substitute(setup));
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
    let out = sh(&env, &substitute(&cron_command(&line)));
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

/// The fenced `ini` block of the README that starts with `first`.
fn ini_block(first: &str) -> String {
    crate::dialplan::readme_blocks("ini")
        .into_iter()
        .find(|b| b.starts_with(first))
        .unwrap_or_else(|| panic!("no ini block starting with {first}"))
}

/// The package ships the README's units, with the package's binary path,
/// and a Debian changelog of the crate's version.
#[test]
fn the_package_ships_the_readme_units_and_the_crate_version() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["pinprotect-voicemail.path", "pinprotect-voicemail.service"] {
        let shipped = std::fs::read_to_string(root.join("debian/examples").join(name)).unwrap();
        let readme = ini_block(&format!("# /etc/systemd/system/{name}"))
            .replace("/usr/local/bin/pinprotect", "/usr/bin/pinprotect");
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
