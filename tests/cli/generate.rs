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

/// The `.TH` line of a page of `section`, written here so that the empty
/// fields clap_mangen leaves out cannot shift the others.
fn title_line(name: &str, section: u8) -> Vec<u8> {
    format!(
        ".TH {} {section} \"{MAN_DATE}\" \"pinprotect {}\" \"pinprotect manual\"\n",
        name.to_uppercase(),
        env!("CARGO_PKG_VERSION")
    )
    .into_bytes()
}

/// The long-form text of a page, `doc/NAME.md` in the repository, if it
/// has one: the README links to these files, and their fenced blocks are
/// the ones the tests run.
pub fn doc_source(name: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("doc")
        .join(format!("{name}.md"));
    std::fs::read_to_string(path).ok()
}

/// Inline Markdown of the doc sources as roff: `code` and **strong** in
/// bold, a link as its text.
fn inline(text: &str) -> Vec<roff::Inline> {
    // Links first: `[text](target)` is its text.
    let mut plain = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        match after.find("](").and_then(|close| {
            after[close + 2..]
                .find(')')
                .map(|end| (close, close + 2 + end))
        }) {
            Some((close, end)) if !after[..close].contains('`') => {
                plain.push_str(&rest[..open]);
                plain.push_str(&after[..close]);
                rest = &after[end + 1..];
            }
            _ => {
                plain.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    plain.push_str(rest);
    let mut out = Vec::new();
    for (i, part) in plain.split('`').enumerate() {
        if i % 2 == 1 {
            out.push(bold(part));
            continue;
        }
        for (j, piece) in part.split("**").enumerate() {
            if !piece.is_empty() {
                out.push(if j % 2 == 1 {
                    bold(piece)
                } else {
                    roman(piece)
                });
            }
        }
    }
    out
}

/// The Markdown of a doc source as roff: `## TITLE` a section, `### Title`
/// a subsection, paragraphs, `- ` and `1. ` items, fenced blocks as they
/// are, and tables as a tagged paragraph per row.
fn markdown(roff: &mut Roff, md: &str) {
    let mut lines = md.lines().peekable();
    let mut paragraph: Vec<String> = Vec::new();
    let mut first_in_section = true;
    let flush = |roff: &mut Roff, paragraph: &mut Vec<String>, first: &mut bool| {
        if paragraph.is_empty() {
            return;
        }
        if !*first {
            roff.control("PP", []);
        }
        *first = false;
        roff.text(inline(&paragraph.join(" ")));
        paragraph.clear();
    };
    while let Some(line) = lines.next() {
        if let Some(title) = line.strip_prefix("## ") {
            flush(roff, &mut paragraph, &mut first_in_section);
            section(roff, title);
            first_in_section = true;
        } else if let Some(title) = line.strip_prefix("### ") {
            flush(roff, &mut paragraph, &mut first_in_section);
            roff.control("SS", [title]);
            first_in_section = true;
        } else if line.starts_with("```") {
            flush(roff, &mut paragraph, &mut first_in_section);
            roff.control("PP", []);
            roff.control("RS", ["4"]);
            roff.control("nf", []);
            for code in lines.by_ref() {
                if code.starts_with("```") {
                    break;
                }
                if code.is_empty() {
                    // A blank line of the block (tidy drops empty lines).
                    roff.control("sp", []);
                } else {
                    roff.text([roman(code)]);
                }
            }
            roff.control("fi", []);
            roff.control("RE", []);
            first_in_section = false;
        } else if line.starts_with('|') {
            flush(roff, &mut paragraph, &mut first_in_section);
            let mut rows = vec![line];
            while let Some(next) = lines.next_if(|l| l.starts_with('|')) {
                rows.push(next);
            }
            // The header and its rule are the column names: left out.
            for row in rows.iter().skip(2) {
                let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
                roff.control("TP", []);
                roff.text(
                    inline(cells[0])
                        .into_iter()
                        .map(|i| match i {
                            roff::Inline::Roman(t) => bold(t),
                            other => other,
                        })
                        .collect::<Vec<_>>(),
                );
                roff.text(inline(&cells[1..].join(": ")));
            }
            first_in_section = false;
        } else if let Some((mark, text)) = list_item(line) {
            flush(roff, &mut paragraph, &mut first_in_section);
            let mut text = text.to_owned();
            while let Some(more) = lines.next_if(|l| l.starts_with("  ") && !l.trim().is_empty()) {
                text.push(' ');
                text.push_str(more.trim());
            }
            roff.control("IP", [mark.as_str(), "4"]);
            roff.text(inline(&text));
            first_in_section = false;
        } else if line.trim().is_empty() {
            flush(roff, &mut paragraph, &mut first_in_section);
        } else {
            paragraph.push(line.trim().to_owned());
        }
    }
    flush(roff, &mut paragraph, &mut first_in_section);
}

/// A Markdown list item: its roff mark (a bullet, or `N.`) and its text.
fn list_item(line: &str) -> Option<(String, &str)> {
    if let Some(text) = line.strip_prefix("- ") {
        return Some(("\\(bu".to_owned(), text));
    }
    let (n, text) = line.split_once(". ")?;
    n.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| (format!("{n}."), text))
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

const ENVIRONMENT: [(&str, &str); 6] = [
    (
        "PINPROTECT_DB",
        "The database, as with --db: a file or a postgres:// URL. Set but empty, it is an error naming it.",
    ),
    (
        "PINPROTECT_CONFIG",
        "Read only this config file, instead of /etc/pinprotect/pinprotect.toml and ~/.config/pinprotect/config.toml.",
    ),
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
    (
        "TZ",
        "The time zone of the times in tables and messages (else /etc/localtime); --utc shows UTC.",
    ),
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

/// The main page: the clap sections, then exit status, environment, files
/// and examples; the overview is pinprotect(7).
fn main_page(cmd: clap::Command) -> io::Result<Vec<u8>> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = title_line("pinprotect", 1);
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
    section(&mut roff, "SEE ALSO");
    let mut see_also = vec!["pinprotect(7)".to_owned()];
    see_also.extend(
        cmd.get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
            .map(|s| format!("pinprotect-{}(1)", s.get_name())),
    );
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
    let mut out = title_line(&name, 1);
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
    if let Some(md) = doc_source(&name) {
        markdown(&mut roff, &md);
    }
    section(&mut roff, "SEE ALSO");
    roff.text([
        bold("pinprotect"),
        roman("(1), "),
        bold("pinprotect"),
        roman("(7)"),
    ]);
    roff.to_writer(&mut out)?;
    Ok(tidy(out))
}

/// pinprotect(7): the overview, from doc/pinprotect.7.md.
fn overview_page() -> io::Result<Vec<u8>> {
    let md =
        doc_source("pinprotect.7").ok_or_else(|| io::Error::other("no doc/pinprotect.7.md"))?;
    let mut out = title_line("pinprotect", 7);
    let mut roff = Roff::default();
    section(&mut roff, "NAME");
    roff.text([roman(
        "pinprotect - pin protect for outbound calls on Asterisk and FreePBX: how it works",
    )]);
    markdown(&mut roff, &md);
    section(&mut roff, "SEE ALSO");
    roff.text([
        bold("pinprotect"),
        roman("(1), "),
        bold("pinprotect-import"),
        roman("(1), "),
        bold("pinprotect-serve"),
        roman("(1), "),
        bold("pinprotect-check"),
        roman("(1), "),
        bold("pinprotect-log"),
        roman("(1)"),
    ]);
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
    files.push((PathBuf::from("man/pinprotect.7"), overview_page()?));
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
