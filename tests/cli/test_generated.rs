//! The committed completions/ and man/ match what the command line
//! definition generates. `PINPROTECT_UPDATE_GENERATED=1 cargo test`
//! rewrites them.

use std::path::Path;

use pinprotect::generate::{stale_files, write_generated};

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
        "-l db -d 'The database file",
    ] {
        assert!(
            fish.contains(needle),
            "{needle} missing from the fish completions"
        );
    }
    // --db, --output and import's FILE complete file names.
    assert!(fish.contains(
        "-l db -d 'The database file [default: ~/.local/share/pinprotect/pbx.sqlite3]' -r -F"
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
