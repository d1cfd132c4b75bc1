//! The files generated from the command line definition: shell completions
//! in `completions/` and manual pages in `man/`. They are committed;
//! `test_generated` regenerates them in memory and fails when a committed
//! file differs. Test code only: the man page writer (clap_mangen, roff)
//! is a dev-dependency, not part of the shipped binary.

use std::io;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;
use roff::{Roff, bold, italic, roman};

use pinprotect::cli::{Cli, completion};

/// The completion scripts: shell and file name under `completions/`.
pub const COMPLETIONS: [(Shell, &str); 5] = [
    (Shell::Bash, "pinprotect.bash"),
    (Shell::Zsh, "_pinprotect"),
    (Shell::Fish, "pinprotect.fish"),
    (Shell::Elvish, "pinprotect.elv"),
    (Shell::PowerShell, "_pinprotect.ps1"),
];

/// Splits an `after_help` text into its notes and its example lines.
fn notes_and_examples(after_help: &str) -> (Vec<String>, Vec<String>) {
    let (notes, examples) = match after_help.split_once("Examples:\n") {
        Some((n, e)) => (n, e),
        None => (after_help, ""),
    };
    // Lines of a paragraph are joined, except those indented by two
    // spaces (list items), which start a line of their own; deeper
    // indented lines continue the item.
    let paragraphs = notes
        .split("\n\n")
        .map(|p| {
            let mut out: Vec<String> = Vec::new();
            for line in p.lines() {
                let words = line.split_whitespace().collect::<Vec<_>>().join(" ");
                match out.last_mut() {
                    Some(last) if !is_item(line) && !words.is_empty() => {
                        last.push(' ');
                        last.push_str(&words);
                    }
                    _ if words.is_empty() => {}
                    _ => out.push(words),
                }
            }
            out.join("\n")
        })
        .filter(|p| !p.is_empty())
        .collect();
    let examples = examples
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    (paragraphs, examples)
}

/// A line of a list: indented by exactly two spaces.
fn is_item(line: &str) -> bool {
    line.strip_prefix("  ")
        .is_some_and(|rest| !rest.starts_with(char::is_whitespace))
}

/// The date in the manual pages' title line: the date of the last change
/// to the manual, fixed so that generation is deterministic.
const MAN_DATE: &str = "2026-11-26";

fn section(roff: &mut Roff, title: &str) {
    roff.control("SH", [title]);
}

/// Paragraphs of a section: `.PP` separates them (not before the first).
fn paragraphs<'a>(roff: &mut Roff, texts: impl IntoIterator<Item = &'a str>) {
    for (i, text) in texts.into_iter().enumerate() {
        if i > 0 {
            roff.control("PP", []);
        }
        for (j, line) in text.split('\n').enumerate() {
            if j > 0 {
                roff.control("br", []);
            }
            roff.text([roman(line)]);
        }
    }
}

/// The `.TH` line, written here so that the empty fields clap_mangen
/// leaves out cannot shift the others.
fn title_line(name: &str) -> Vec<u8> {
    format!(
        ".TH {} 1 \"{MAN_DATE}\" \"pinprotect {}\" \"pinprotect manual\"\n",
        name.to_uppercase(),
        env!("CARGO_PKG_VERSION")
    )
    .into_bytes()
}

/// Collapses the blank lines and `.br` requests that clap_mangen puts
/// around option details into one `.br`, which renders the same and
/// lints clean.
fn tidy(roff: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&roff);
    let mut out = String::with_capacity(text.len());
    let mut pending_break = false;
    for line in text.lines() {
        // Trailing blanks are noise to roff (an escaped one is kept).
        let line = if line.ends_with("\\ ") {
            line
        } else {
            line.trim_end()
        };
        if line.is_empty() || line == ".br" {
            pending_break = true;
            continue;
        }
        if pending_break {
            // A break right before a paragraph macro is redundant.
            let starts_paragraph = [".TP", ".IP", ".PP", ".SH", ".RS", ".RE"]
                .iter()
                .any(|m| line.starts_with(m));
            if !starts_paragraph {
                out.push_str(".br\n");
            }
            pending_break = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.into_bytes()
}

fn examples_section(roff: &mut Roff, examples: &[String]) {
    if examples.is_empty() {
        return;
    }
    section(roff, "EXAMPLES");
    roff.control("nf", []);
    roff.control("RS", ["4"]);
    for line in examples {
        roff.text([roman(line.as_str())]);
    }
    roff.control("RE", []);
    roff.control("fi", []);
}

/// A labelled paragraph: `.TP`, the label in bold, then the text.
fn tagged(roff: &mut Roff, label: &str, text: &str) {
    roff.control("TP", []);
    roff.text([bold(label)]);
    roff.text([roman(text)]);
}

const ENVIRONMENT: [(&str, &str); 4] = [
    ("PINPROTECT_DB", "The database file, as with --db."),
    (
        "XDG_DATA_HOME",
        "Where the default database lives: $XDG_DATA_HOME/pinprotect/pbx.sqlite3, or ~/.local/share/pinprotect/pbx.sqlite3 when it is unset.",
    ),
    (
        "PINPROTECT_NOW",
        "An RFC 3339 time to answer at, as with --now: a what-if for commands that only read; commands that change the database refuse it unless clock_override is on. A warning says when it is set.",
    ),
    (
        "NO_COLOR",
        "When set and not empty, --color auto uses no colour.",
    ),
];

const SECURITY: [&str; 9] = [
    "Voicemail PINs are stored readable, because administrators must be able to show a user their PIN (pinprotect pins). The database is therefore created with mode 0600 (its -wal and -shm files follow), in folders created 0700, and export files are written with mode 0600. Whoever can read the database can read every PIN. Changed and removed PINs are overwritten in the file (secure_delete), not left in free pages.",
    "A PIN is never taken from the command line, which other users can read: it comes from standard input (--pin-stdin), a hidden prompt, or the generator. Error messages, the audit log and the audit report never show a PIN. pins and export write their audit event first and show nothing when it cannot be written.",
    "After lockout_attempts wrong PINs in a row (default 5), PIN entry for the extension is refused for lockout_seconds (default 900), even with the right PIN; pinprotect reset-lockout clears it.",
    "Weak PINs (too short, one digit repeated, runs such as 1234, equal to the extension, the 20 most common PINs) are refused unless --allow-weak, which is logged; pinprotect audit reports weak and shared PINs without saying which rule a PIN breaks (pins shows that, next to the PIN).",
    "Changes, grants, wrong PINs, lockouts, shown PINs, exports and imports are appended to an audit log that cannot be edited; pinprotect log shows it. Changes happen at the system clock's time: --now and PINPROTECT_NOW are refused for them unless the database's clock_override setting is on, which audit reports.",
    "Emergency numbers (911, 112, 999, 000 by default) are never blocked: check and dial permit them before anything else, for unknown callers too, and when the database is missing, unreadable, busy or damaged they permit the built-in numbers (also after a prefix of 1 to 4 digits) with a warning.",
    "--db and --output refuse devices, FIFOs, sockets and folders before anything touches them; --output also refuses the database and its -wal, -shm and -journal files by any path.",
    "User-supplied text echoed in messages, tables, CSV listings and the audit log has control and invisible Unicode format characters escaped (\\x1b, \\n, \\u{202e}) and is cut short in messages.",
    "Commands that only read open the database read-only, so a user with read access may run check and status.",
];

/// The SYNOPSIS: the command, then each option as it is typed, with its
/// value (`[--db PATH|URL]`), `...` after one that repeats, then the
/// arguments (`<EXT>...`) and `<COMMAND>` when there are subcommands.
fn synopsis(cmd: &clap::Command, name: &str) -> Vec<u8> {
    use clap::ArgAction;
    let mut parts: Vec<roff::Inline> = vec![bold(name)];
    let push =
        |parts: &mut Vec<roff::Inline>, inner: Vec<roff::Inline>, optional: bool, many: bool| {
            parts.push(roman(if optional { " [" } else { " " }));
            parts.extend(inner);
            if optional {
                parts.push(roman("]"));
            }
            if many {
                parts.push(roman("..."));
            }
        };
    let shown = |a: &&clap::Arg| !a.is_hide_set();
    for arg in cmd
        .get_arguments()
        .filter(shown)
        .filter(|a| !a.is_positional())
    {
        let mut inner = Vec::new();
        let names: Vec<String> = arg
            .get_short()
            .map(|c| format!("-{c}"))
            .into_iter()
            .chain(arg.get_long().map(|l| format!("--{l}")))
            .collect();
        for (i, n) in names.iter().enumerate() {
            if i > 0 {
                inner.push(roman("|"));
            }
            inner.push(bold(n.as_str()));
        }
        let takes_value = matches!(arg.get_action(), ArgAction::Set | ArgAction::Append);
        if takes_value {
            let value = arg
                .get_value_names()
                .and_then(|v| v.first())
                .map(ToString::to_string)
                .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
            inner.push(roman(" "));
            inner.push(italic(value));
        }
        let many = matches!(arg.get_action(), ArgAction::Append);
        push(&mut parts, inner, !arg.is_required_set(), many);
    }
    for arg in cmd
        .get_arguments()
        .filter(shown)
        .filter(|a| a.is_positional())
    {
        let value = arg
            .get_value_names()
            .and_then(|v| v.first())
            .map(ToString::to_string)
            .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
        let many = arg.get_num_args().is_some_and(|n| n.max_values() > 1);
        let required = arg.is_required_set();
        let inner = if required {
            vec![roman("<"), italic(value), roman(">")]
        } else {
            vec![italic(value)]
        };
        push(&mut parts, inner, !required, many);
    }
    if cmd.has_subcommands() {
        let required = cmd.is_subcommand_required_set();
        let inner = if required {
            vec![roman("<"), italic("COMMAND"), roman(">")]
        } else {
            vec![italic("COMMAND")]
        };
        push(&mut parts, inner, !required, false);
    }
    let mut roff = Roff::default();
    section(&mut roff, "SYNOPSIS");
    roff.text(parts);
    roff.to_roff().into_bytes()
}

/// The main page: the clap sections, then exit status, environment, files,
/// examples and security.
fn main_page(cmd: clap::Command) -> io::Result<Vec<u8>> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = title_line("pinprotect");
    man.render_name_section(&mut out)?;
    out.extend(synopsis(&cmd, "pinprotect"));
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    man.render_subcommands_section(&mut out)?;

    let mut roff = Roff::default();
    section(&mut roff, "EXIT STATUS");
    for code in pinprotect::error::ExitCode::ALL {
        tagged(&mut roff, &(code as u8).to_string(), code.meaning());
    }
    section(&mut roff, "ENVIRONMENT");
    for (name, text) in ENVIRONMENT {
        tagged(&mut roff, name, text);
    }
    section(&mut roff, "FILES");
    roff.control("TP", []);
    roff.text([italic("~/.local/share/pinprotect/pbx.sqlite3")]);
    roff.text([roman(
        "The default database (in the user's data directory). Every command but init needs it to exist; init creates it.",
    )]);
    let (_, examples) = notes_and_examples(
        &cmd.get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default(),
    );
    examples_section(&mut roff, &examples);
    section(&mut roff, "SECURITY");
    paragraphs(&mut roff, SECURITY);
    section(&mut roff, "SEE ALSO");
    let see_also: Vec<String> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .map(|s| format!("pinprotect-{}(1)", s.get_name()))
        .collect();
    roff.text([roman(see_also.join(", "))]);
    roff.to_writer(&mut out)?;
    man.render_version_section(&mut out)?;
    Ok(tidy(out))
}

/// A subcommand's page: the clap sections, notes and examples.
fn sub_page(cmd: clap::Command) -> io::Result<Vec<u8>> {
    let after = cmd
        .get_after_help()
        .map(|h| h.to_string())
        .unwrap_or_default();
    let man = clap_mangen::Man::new(cmd.clone());
    let name = cmd
        .get_display_name()
        .unwrap_or_else(|| cmd.get_name())
        .to_owned();
    let mut out = title_line(&name);
    man.render_name_section(&mut out)?;
    out.extend(synopsis(&cmd, &name.replace('-', " ")));
    man.render_description_section(&mut out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut out)?;
    }
    let (notes, examples) = notes_and_examples(&after);
    let mut roff = Roff::default();
    if !notes.is_empty() {
        section(&mut roff, "NOTES");
        paragraphs(&mut roff, notes.iter().map(String::as_str));
    }
    examples_section(&mut roff, &examples);
    section(&mut roff, "SEE ALSO");
    roff.text([bold("pinprotect"), roman("(1)")]);
    roff.to_writer(&mut out)?;
    Ok(tidy(out))
}

fn collect_pages(cmd: &clap::Command, out: &mut Vec<(PathBuf, Vec<u8>)>) -> io::Result<()> {
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = sub
            .get_display_name()
            .unwrap_or_else(|| sub.get_name())
            .to_owned();
        out.push((
            PathBuf::from(format!("man/{name}.1")),
            sub_page(sub.clone())?,
        ));
        collect_pages(sub, out)?;
    }
    Ok(())
}

/// Every generated file, by its path relative to the repository root.
pub fn generated_files() -> io::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = COMPLETIONS
        .iter()
        .map(|(shell, name)| (Path::new("completions").join(name), completion(*shell)))
        .collect();
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    files.push((PathBuf::from("man/pinprotect.1"), main_page(cmd.clone())?));
    collect_pages(&cmd, &mut files)?;
    Ok(files)
}

mod tests {
    use super::*;

    #[test]
    fn tidy_collapses_breaks_and_blank_lines() {
        let out = tidy(b"a\n\n.br\nb\n.br\n\n.br\n.TP\nc\n".to_vec());
        assert_eq!(String::from_utf8(out).unwrap(), "a\n.br\nb\n.TP\nc\n");
    }

    #[test]
    fn notes_and_examples_split() {
        let (notes, ex) = notes_and_examples(
            "Some text\nwrapped.\n\nMore.\n\nExamples:\n  pinprotect a\n  pinprotect b\n",
        );
        assert_eq!(notes, ["Some text wrapped.", "More."]);
        let (notes, _) = notes_and_examples("A list:\n  one\n  two\n    wrapped\n\nExamples:\n");
        assert_eq!(notes, ["A list:\none\ntwo wrapped"]);
        assert_eq!(ex, ["pinprotect a", "pinprotect b"]);
    }
}
