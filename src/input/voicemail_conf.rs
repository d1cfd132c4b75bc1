//! Asterisk's voicemail.conf, as Asterisk writes it.

use std::os::unix::fs::OpenOptionsExt;

use super::{FileId, Incoming, LineLimit, RowError, Sink, cell, read_error, split_full_name};
use crate::error::{Error, Result};
use crate::records::FieldEdit;
use std::io::{self, BufRead};
use std::path::Path;

/// Where a voicemail.conf comes from and which of its contexts to import.
#[derive(Debug, Clone, Default)]
pub struct VoicemailConf {
    /// The file, whose folder `#include` paths are relative to; `None` for
    /// standard input, where an include is an error.
    pub origin: Option<std::path::PathBuf>,
    /// Only these contexts (sections); all mailbox contexts when empty.
    pub contexts: Vec<String>,
    /// Folders besides the file's own that `#include` may read from.
    pub include_dirs: Vec<std::path::PathBuf>,
    /// An included file whose last line has no newline is an error (it
    /// may still be being written): for `--sync`.
    pub whole_lines: bool,
}

/// How deep `#include`s may nest.
pub(super) const MAX_INCLUDE_DEPTH: usize = 8;

/// What reading a voicemail.conf has seen so far, across its includes.
#[derive(Default)]
pub(super) struct VoicemailState {
    /// `aliasescontext` from `[general]`.
    aliases: Option<String>,
    /// The section being read, lower case.
    section: String,
    /// Mailbox number -> where it was first seen (context, place).
    seen: std::collections::HashMap<String, (String, String)>,
    /// The files being read, outermost first (loops are refused).
    stack: Vec<std::path::PathBuf>,
    /// Sections met in the outermost file, lower case; included files
    /// only count theirs (their names are not echoed).
    sections: std::collections::BTreeSet<String>,
    /// Mailbox sections met in included files but not in the outermost.
    hidden_sections: std::collections::BTreeSet<String>,
    /// The folders includes may read from, resolved.
    roots: Vec<std::path::PathBuf>,
    /// Every included file, as it was when opened.
    opened: Vec<(std::path::PathBuf, FileId)>,
}

/// Asterisk's voicemail.conf: `[general]`, `[zonemessages]` and the alias
/// section are skipped; every other section is a mailbox context, read
/// unless `--context` names others. `#include` and `#tryinclude` are
/// followed relative to the including file's folder.
pub(super) fn read_voicemail_conf(
    input: impl BufRead,
    conf: &VoicemailConf,
    sink: &mut Sink<'_>,
) -> Result<Vec<(std::path::PathBuf, FileId)>> {
    let mut state = VoicemailState::default();
    if let Some(origin) = &conf.origin {
        let origin = std::fs::canonicalize(origin).unwrap_or_else(|_| origin.clone());
        if let Some(folder) = origin.parent() {
            state.roots.push(folder.to_path_buf());
        }
        state.stack.push(origin);
    }
    for dir in &conf.include_dirs {
        let resolved = std::fs::canonicalize(dir).map_err(|e| {
            Error::invalid_with_hint(
                format!("--include-dir {}: {e}", crate::text::path(dir)),
                "give a folder that exists",
            )
        })?;
        state.roots.push(resolved);
    }
    let name = conf
        .origin
        .as_deref()
        .map(crate::text::path)
        .unwrap_or_else(|| "standard input".into());
    voicemail_lines(input, conf, &name, None, &mut state, sink)?;
    // A `--context` the file does not have is a mistake, not an empty
    // import (nor, with `--sync`, a reason to remove everything).
    let aliases = state.aliases.unwrap_or_default();
    let mailboxes =
        |s: &&String| !["general", "zonemessages", aliases.as_str()].contains(&s.as_str());
    let contexts: Vec<&str> = state
        .sections
        .iter()
        .filter(mailboxes)
        .map(String::as_str)
        .collect();
    let hidden = state
        .hidden_sections
        .iter()
        .filter(mailboxes)
        .filter(|s| !state.sections.contains(*s))
        .count();
    if let Some(missing) = conf.contexts.iter().find(|c| {
        let c = c.to_ascii_lowercase();
        !state.sections.contains(&c) && !state.hidden_sections.contains(&c)
    }) {
        let mut listed = if contexts.is_empty() {
            "the file has no mailbox contexts of its own".to_string()
        } else {
            format!(
                "its contexts: {}",
                crate::text::escaped(&contexts.join(", "))
            )
        };
        if hidden > 0 {
            listed.push_str(&format!(
                " (and {} in included files)",
                crate::text::plural(hidden as u64, "more")
            ));
        }
        return Err(Error::invalid_with_hint(
            format!(
                "{name} has no context [{}]; nothing was imported",
                crate::text::shown(missing)
            ),
            listed,
        ));
    }
    Ok(state.opened)
}

/// A line without its comment: `;` starts one, `\;` is a semicolon.
pub(super) fn without_comment(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&';') => {
                out.push(';');
                chars.next();
            }
            ';' => break,
            c => out.push(c),
        }
    }
    out.trim().to_owned()
}

/// Reads the lines of one file. `within` is the place of the `#include`
/// that brought it in (`None` for the file named on the command line):
/// problems in an included file are reported at that line, naming the
/// file and its own line.
pub(super) fn voicemail_lines(
    mut input: impl BufRead,
    conf: &VoicemailConf,
    name: &str,
    within: Option<u64>,
    state: &mut VoicemailState,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let mut raw = String::new();
    let mut number = 0u64;
    // Values from an included file are never echoed: it may be a file of
    // secrets that the include points at.
    let quiet = within.is_some();
    loop {
        raw.clear();
        if input.read_line(&mut raw).map_err(read_error)? == 0 {
            return Ok(());
        }
        number += 1;
        let at = Place {
            name,
            number,
            within,
        };
        let line = at.line();
        if quiet && conf.whole_lines && !raw.ends_with('\n') {
            sink(Err(at.problem(
                "the file ends in the middle of a line: it may still be being written",
            )))?;
            continue;
        }
        let content = without_comment(&raw);
        if content.is_empty() {
            continue;
        }
        if let Some(directive) = content.strip_prefix('#') {
            let (word, arg) = directive
                .split_once(char::is_whitespace)
                .unwrap_or((directive, ""));
            let optional = match word {
                "include" => false,
                "tryinclude" => true,
                _ if quiet => {
                    sink(Err(at.problem("unknown directive")))?;
                    continue;
                }
                _ => {
                    sink(Err(at.problem(&format!(
                        "unknown directive '#{}'",
                        crate::text::shown(word)
                    ))))?;
                    continue;
                }
            };
            let target = arg.trim().trim_matches('"').trim();
            include(conf, &at, target, optional, state, sink)?;
            continue;
        }
        if let Some(section) = content.strip_prefix('[') {
            state.section = section
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if quiet {
                state.hidden_sections.insert(state.section.clone());
            } else {
                state.sections.insert(state.section.clone());
            }
            continue;
        }
        let Some((key, rest)) = content.split_once("=>").or_else(|| content.split_once('=')) else {
            sink(Err(
                at.problem("expected 'MAILBOX => PIN,Full Name,email,...'")
            ))?;
            continue;
        };
        let (key, rest) = (key.trim(), rest.trim());
        match state.section.as_str() {
            "general" => {
                if key.eq_ignore_ascii_case("aliasescontext") {
                    state.aliases = Some(rest.to_ascii_lowercase());
                }
                continue;
            }
            "zonemessages" => continue,
            _ => {}
        }
        // The alias section, and any line that points at another mailbox
        // (`1234@devices => 1234@default`), is not a mailbox.
        let is_alias_target = rest
            .split_once('@')
            .is_some_and(|(m, c)| !m.is_empty() && !c.is_empty() && !rest.contains(','));
        if state.aliases.as_deref() == Some(state.section.as_str())
            || is_alias_target
            || key.contains('@')
        {
            continue;
        }
        // A context's own options (`directoryintro=dir-company`) are no
        // mailboxes.
        if key.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        if !conf.contexts.is_empty()
            && !conf
                .contexts
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&state.section))
        {
            continue;
        }
        let here = at.here();
        match state.seen.get(key) {
            Some((context, first)) if quiet && *context != state.section => {
                let first = first.clone();
                sink(Err(at.problem(&format!(
                    "a mailbox in two contexts (also {first}); choose one with --context"
                ))))?;
                continue;
            }
            Some((context, first)) if *context != state.section => {
                sink(Err(RowError::new(
                    line,
                    format!(
                        "mailbox {} is in context [{}] ({first}) and in [{}] ({here}); choose one with --context",
                        crate::text::shown(key),
                        crate::text::shown(context),
                        crate::text::shown(&state.section)
                    ),
                )))?;
                continue;
            }
            _ => {
                state
                    .seen
                    .insert(key.to_owned(), (state.section.clone(), here));
            }
        }
        // PIN, full name, e-mail, pager, and the options: the rest of the
        // line, commas and all.
        let mut fields = rest.splitn(5, ',').map(str::trim);
        let mut inc = Incoming::new(line, key.to_owned());
        inc.included_at = quiet.then(|| at.here());
        let pin = fields.next().unwrap_or("");
        let pin = pin.strip_prefix('-').unwrap_or(pin);
        inc.voicemail_pin = if pin.is_empty() {
            FieldEdit::Keep
        } else {
            FieldEdit::Set(pin.to_owned())
        };
        (inc.first_name, inc.last_name) = split_full_name(fields.next().unwrap_or(""));
        inc.email = cell(fields.next().unwrap_or(""));
        // The pager address is not kept; the options are, as they are,
        // so that the mailbox's export loses none of them.
        let _pager = fields.next();
        inc.voicemail_options = cell(fields.next().unwrap_or(""));
        sink(Ok(inc))?;
    }
}

/// Where a line of a voicemail.conf is: its file, its number there, and
/// the line of the outermost file's `#include` that brought that file in.
#[derive(Clone, Copy)]
pub(super) struct Place<'a> {
    name: &'a str,
    number: u64,
    within: Option<u64>,
}

impl Place<'_> {
    /// The line problems are reported at: this one, or the `#include`
    /// line of the outermost file.
    fn line(&self) -> u64 {
        self.within.unwrap_or(self.number)
    }

    /// `line N`, or `FILE line N` in an included file.
    fn here(&self) -> String {
        match self.within {
            Some(_) => format!("{} line {}", self.name, self.number),
            None => format!("line {}", self.number),
        }
    }

    /// A problem at this line, naming the included file it is in.
    fn problem(&self, what: &str) -> RowError {
        match self.within {
            Some(_) => RowError::included(self.line(), format!("{}: {what}", self.here())),
            None => RowError::new(self.line(), what),
        }
    }
}

/// Follows `#include` (`optional`: `#tryinclude`) of `target` at `at`.
pub(super) fn include(
    conf: &VoicemailConf,
    at: &Place<'_>,
    target: &str,
    optional: bool,
    state: &mut VoicemailState,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let directive = if optional { "#tryinclude" } else { "#include" };
    let Some(current) = state.stack.last().cloned() else {
        return sink(Err(at.problem(&format!(
            "{directive} cannot be followed when reading standard input; import the file by its path"
        ))));
    };
    if target.is_empty() {
        return sink(Err(at.problem(&format!("{directive} names no file"))));
    }
    let folder = current.parent().map(Path::to_path_buf).unwrap_or_default();
    let path = folder.join(target);
    let shown = crate::text::path(&path);
    // Resolved as Asterisk resolves it (relative to the including file),
    // links followed; then kept to the folders allowed.
    let canonical = match std::fs::canonicalize(&path) {
        Ok(c) => c,
        Err(e) if optional && e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return sink(Err(at.problem(&format!("{directive} {shown}: {e}")))),
    };
    if !state.roots.iter().any(|root| canonical.starts_with(root)) {
        let top = state
            .roots
            .first()
            .map(|r| crate::text::path(r))
            .unwrap_or_default();
        return sink(Err(at.problem(&format!(
            "{directive} {shown} is outside {top}; pass --include-dir FOLDER to read from another folder"
        ))));
    }
    if state.stack.contains(&canonical) {
        return sink(Err(at.problem(&format!(
            "{directive} {shown} includes a file that is already being read (a loop)"
        ))));
    }
    // The stack holds the outermost file and every include below it.
    if state.stack.len() > MAX_INCLUDE_DEPTH {
        return sink(Err(at.problem(&format!(
            "{directive} {shown}: includes nest deeper than {MAX_INCLUDE_DEPTH}"
        ))));
    }
    // A regular file only: a FIFO or a device would make the import wait
    // or read without end.
    let opened = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(crate::sys::OPEN_NONBLOCK_NOCTTY)
        .open(&canonical)
        .and_then(|f| f.metadata().map(|m| (f, m)));
    let (file, meta) = match opened {
        Ok((f, m)) if m.is_file() => (f, m),
        Ok(_) => {
            return sink(Err(
                at.problem(&format!("{directive} {shown} is not a regular file"))
            ));
        }
        Err(e) => return sink(Err(at.problem(&format!("{directive} {shown}: {e}")))),
    };
    state.opened.push((canonical.clone(), FileId::of(&meta)));
    state.stack.push(canonical);
    let result = voicemail_lines(
        io::BufReader::new(LineLimit::new(file)),
        conf,
        &shown,
        Some(at.line()),
        state,
        sink,
    );
    state.stack.pop();
    result
}
