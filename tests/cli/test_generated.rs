//! The committed completions/ and man/ match what the command line
//! definition generates. `PINPROTECT_UPDATE_GENERATED=1 cargo test`
//! rewrites them.

use std::io;
use std::path::{Path, PathBuf};

use crate::generate::generated_files;

use crate::common::Env;

fn report(stale: &[(std::path::PathBuf, String)]) -> String {
    stale
        .iter()
        .map(|(p, diff)| format!("--- {}\n{diff}", p.display()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn committed_completions_and_man_pages_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("PINPROTECT_UPDATE_GENERATED").is_some_and(|v| v == "1") {
        write_generated(root).unwrap();
    }
    let stale = stale_files(root).unwrap();
    assert!(
        stale.is_empty(),
        "generated files are out of date; run `PINPROTECT_UPDATE_GENERATED=1 cargo test` \
         and commit the result:\n{}",
        report(&stale)
    );
}

#[test]
fn hand_edits_are_caught_and_regeneration_fixes_them() {
    let dir = tempfile::tempdir().unwrap();
    let written = write_generated(dir.path()).unwrap();
    assert!(written.len() >= 20, "{written:?}");
    assert!(stale_files(dir.path()).unwrap().is_empty());

    let page = dir.path().join("man/pinprotect-enable.1");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replace("Turn pin protect on", "Turn pin protect ON"),
    )
    .unwrap();
    let script = dir.path().join("completions/pinprotect.fish");
    let mut fish = std::fs::read_to_string(&script).unwrap();
    fish.push_str("# a local tweak\n");
    std::fs::write(&script, fish).unwrap();
    std::fs::write(dir.path().join("man/pinprotect-old.1"), ".TH OLD 1\n").unwrap();
    std::fs::remove_file(dir.path().join("completions/_pinprotect")).unwrap();

    let stale = stale_files(dir.path()).unwrap();
    let names: Vec<String> = stale.iter().map(|(p, _)| p.display().to_string()).collect();
    assert_eq!(
        names,
        [
            "completions/_pinprotect",
            "completions/pinprotect.fish",
            "man/pinprotect-enable.1",
            "man/pinprotect-old.1"
        ]
    );
    let enable = &stale
        .iter()
        .find(|(p, _)| p.ends_with("pinprotect-enable.1"))
        .unwrap()
        .1;
    assert!(
        enable.contains("-") && enable.contains("Turn pin protect ON"),
        "{enable}"
    );
    assert!(
        enable.contains("+") && enable.contains("Turn pin protect on"),
        "{enable}"
    );

    write_generated(dir.path()).unwrap();
    std::fs::remove_file(dir.path().join("man/pinprotect-old.1")).unwrap();
    assert!(stale_files(dir.path()).unwrap().is_empty());
}

#[test]
fn completions_command_prints_the_committed_scripts() {
    let env = Env::empty();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, file) in [
        ("bash", "pinprotect.bash"),
        ("zsh", "_pinprotect"),
        ("fish", "pinprotect.fish"),
        ("elvish", "pinprotect.elv"),
        ("powershell", "_pinprotect.ps1"),
    ] {
        let expected = std::fs::read(root.join("completions").join(file)).unwrap();
        let out = env.cmd().args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        assert!(out.stdout == expected, "{shell}");
    }
    env.cmd().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn completions_know_commands_flags_values_and_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fish = std::fs::read_to_string(root.join("completions/pinprotect.fish")).unwrap();
    for needle in [
        "-a \"import\"",
        "-a \"set-pin\"",
        "-l duration",
        "voicemail-conf",
        "jsonl",
        "-l db -d 'The database: a SQLite file, or a postgres:// URL",
    ] {
        assert!(
            fish.contains(needle),
            "{needle} missing from the fish completions"
        );
    }
    // --db, --output and import's FILE complete file names.
    assert!(fish.contains(
        "-l db -d 'The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]' -r -F"
    ));
    assert!(fish.contains(
        "-l output -d 'Write to FILE (atomically, mode 0600) instead of standard output' -r -F"
    ));
    let zsh = std::fs::read_to_string(root.join("completions/_pinprotect")).unwrap();
    assert!(
        zsh.contains(":file -- The file to import, or - for standard input:_files"),
        "import FILE"
    );
}

/// Every command a user is shown (in completions, usage and help) is one
/// they can run, and there are no hidden ones.
#[test]
fn no_completion_or_usage_names_a_command_users_cannot_run() {
    use clap::CommandFactory;
    fn hidden(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        for sub in cmd.get_subcommands() {
            let name = format!("{path} {}", sub.get_name());
            if sub.is_hide_set() {
                out.push(name.clone());
            }
            hidden(sub, &name, out);
        }
    }
    let mut found = Vec::new();
    hidden(&pinprotect::cli::Cli::command(), "pinprotect", &mut found);
    assert!(found.is_empty(), "hidden commands: {found:?}");

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bare = std::process::Command::new(crate::common::bin())
        .output()
        .unwrap();
    let usage = String::from_utf8_lossy(&bare.stderr).into_owned();
    let mut texts = vec![("bare usage".to_string(), usage)];
    for f in ["pinprotect.bash", "_pinprotect", "pinprotect.fish"] {
        let text = std::fs::read_to_string(root.join("completions").join(f)).unwrap();
        texts.push((f.to_string(), text));
    }
    for (what, text) in &texts {
        assert!(
            !text.contains("generate-files"),
            "{what} names generate-files"
        );
    }
    // Each command the bare usage lists runs (its --help).
    let commands: Vec<&str> = texts[0]
        .1
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A command's line, not a wrapped description.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(commands.len() >= 15, "{commands:?}");
    for c in commands {
        let args: &[&str] = if c == "help" {
            &["help"]
        } else {
            &[c, "--help"]
        };
        let out = std::process::Command::new(crate::common::bin())
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "pinprotect {c} --help");
    }
}

#[test]
fn the_man_pages_show_arguments_that_repeat() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = std::fs::read_to_string(root.join("man/pinprotect-ext-remove.1")).unwrap();
    assert!(page.contains("<\\fIEXT\\fR>..."), "{page}");
    let main = std::fs::read_to_string(root.join("man/pinprotect.1")).unwrap();
    assert!(main.contains("XDG_DATA_HOME"));
}

/// The SYNOPSIS shows what each option takes, as typed.
#[test]
fn the_man_pages_synopsis_shows_option_values() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let synopsis = |page: &str| {
        let text = std::fs::read_to_string(root.join("man").join(page)).unwrap();
        let start = text.find(".SH SYNOPSIS\n").unwrap();
        text[start..].lines().nth(1).unwrap().to_owned()
    };
    let main = synopsis("pinprotect.1");
    assert!(main.starts_with("\\fBpinprotect\\fR [\\fB\\-\\-db\\fR \\fIPATH|URL\\fR] [\\fB\\-\\-now\\fR \\fITIME\\fR]"), "{main}");
    assert!(main.ends_with(" <\\fICOMMAND\\fR>"), "{main}");
    let serve = synopsis("pinprotect-serve.1");
    assert!(
        serve.contains(" [\\fB\\-\\-listen\\fR \\fIADDR:PORT\\fR]... "),
        "{serve}"
    );
    assert!(
        serve.contains(" [\\fB\\-\\-grace\\fR \\fISECONDS\\fR] "),
        "{serve}"
    );
    assert!(
        serve.contains(" [\\fB\\-q\\fR|\\fB\\-\\-quiet\\fR] "),
        "{serve}"
    );
    let log = synopsis("pinprotect-log.1");
    assert!(log.ends_with(" [\\fIEXT\\fR] [\\fICOMMAND\\fR]"), "{log}");
    let check = synopsis("pinprotect-check.1");
    assert!(
        check.ends_with(" <\\fIEXT\\fR> <\\fINUMBER\\fR>"),
        "{check}"
    );
}

#[test]
fn global_options_have_a_heading_of_their_own() {
    let out = std::process::Command::new(crate::common::bin())
        .args(["status", "-h"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    let (own, global) = help.split_once("Global options:").expect("a heading");
    assert!(own.contains("--format") && !own.contains("--db"), "{help}");
    assert!(
        global.contains("--db") && global.contains("--quiet"),
        "{help}"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = std::fs::read_to_string(root.join("man/pinprotect-status.1")).unwrap();
    let options = page.split_once(".SH OPTIONS").expect("options").1;
    let (own, global) = options
        .split_once(".SH \"GLOBAL OPTIONS\"")
        .expect("a section");
    assert!(own.contains("\\-\\-format") && !own.contains("\\-\\-db"));
    assert!(global.contains("\\-\\-db"));
}

/// Writes every generated file below `root`.
fn write_generated(root: &Path) -> io::Result<Vec<PathBuf>> {
    let files = generated_files()?;
    let mut written = Vec::with_capacity(files.len());
    for (rel, bytes) in files {
        let path = root.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes)?;
        written.push(rel);
    }
    Ok(written)
}

/// The generated files that are missing or differ below `root`, each with
/// a diff of committed against generated text; and files in `man/` or
/// `completions/` that nothing generates any more.
fn stale_files(root: &Path) -> io::Result<Vec<(PathBuf, String)>> {
    let files = generated_files()?;
    let mut stale = Vec::new();
    for (rel, bytes) in &files {
        match std::fs::read(root.join(rel)) {
            Ok(committed) if &committed == bytes => {}
            Ok(committed) => stale.push((
                rel.clone(),
                line_diff(
                    &String::from_utf8_lossy(&committed),
                    &String::from_utf8_lossy(bytes),
                ),
            )),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                stale.push((rel.clone(), "missing".into()))
            }
            Err(e) => return Err(e),
        }
    }
    for dir in ["man", "completions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries {
            let rel = Path::new(dir).join(entry?.file_name());
            if !files.iter().any(|(p, _)| *p == rel) {
                stale.push((rel, "not generated any more: remove it".into()));
            }
        }
    }
    stale.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(stale)
}

/// A short line diff: `-` committed, `+` generated, around the changes.
fn line_diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // Longest common subsequence table, from the end.
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("+{}: {}\n", j + 1, b[j]));
            j += 1;
        } else {
            out.push_str(&format!("-{}: {}\n", i + 1, a[i]));
            i += 1;
        }
    }
    out
}

#[test]
fn diff_shows_changed_lines() {
    assert_eq!(
        line_diff("a\nb\nc\n", "a\nB\nc\nd\n"),
        "+2: B\n-2: b\n+4: d\n"
    );
    assert_eq!(line_diff("same\n", "same\n"), "");
}
