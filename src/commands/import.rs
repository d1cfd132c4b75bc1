//! `pinprotect import`: provisioning from files, all or nothing.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Ctx, generate_pin, print_generated_pin};
use crate::error::IoContext;
use crate::error::{Error, ExitCode, ExtList, ExtListOf, Result};
use crate::events::EventKind;
use crate::input::{
    FileId, ImportRecord, InputFormat, LineLimit, RowError, Spool, VoicemailConf, detect,
    read_records_with,
};
use crate::output::Delimiter;
use crate::policy::{Extension, Grant, Pin, PinDuration, Protection};
use crate::records::{ExtensionRecord, FieldEdit};
use crate::settings::Settings;
use crate::store::{RecordInserter, Writer};
use crate::weakpin::weakness;

/// What `pinprotect import` was asked to do.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// `None`: detect from the file name and first line.
    pub format: Option<InputFormat>,
    pub update: bool,
    /// Also remove the extensions the file does not have (implies update).
    pub sync: bool,
    pub dry_run: bool,
    pub default_duration: Option<PinDuration>,
    /// Accept weak PINs, logging each.
    pub allow_weak: bool,
    /// voicemail.conf: only these contexts (all when empty).
    pub contexts: Vec<String>,
    /// voicemail.conf: folders besides the file's own that `#include` may
    /// read from.
    pub include_dirs: Vec<PathBuf>,
    /// `--sync`: the most extensions it may remove; `None` for
    /// [`default_max_removals`].
    pub max_removals: Option<u64>,
    /// CSV: what separates the fields (a comma when `None`).
    pub delimiter: Option<Delimiter>,
}

impl ImportOptions {
    /// Whether extensions that exist may be changed.
    fn updates(&self) -> bool {
        self.update || self.sync
    }

    /// The verb for the summary, now and done: `import` or `sync`.
    fn verb(&self) -> (&'static str, &'static str) {
        if self.sync {
            ("sync", "synced")
        } else {
            ("import", "imported")
        }
    }
}

/// How many record errors are shown; the rest are counted.
pub const SHOWN_ERRORS: usize = 100;

/// Inputs larger than this get a progress bar on a terminal.
const PROGRESS_BYTES: u64 = 1 << 20;

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    added: u64,
    updated: u64,
    unchanged: u64,
    /// Extensions `--sync` removed.
    removed: u64,
    /// Of them, pin protected, and unlocked at the time of the import.
    removed_protected: u64,
    removed_unlocked: u64,
    generated: u64,
    /// Protected records that took the `default_duration` setting.
    defaulted: u64,
    /// That setting.
    default_duration: Option<PinDuration>,
}

impl Tally {
    /// The records of the file.
    fn total(&self) -> u64 {
        self.added + self.updated + self.unchanged
    }
}

enum Outcome {
    Added { generated: bool },
    Updated,
    Unchanged,
}

/// What happened to a record, and whether it took `default_duration`.
type Applied = (Outcome, bool);

/// The record as it will be stored: the file's fields over the existing
/// ones. A grant survives only while protection stays on and the PIN stays
/// the same, as with `enable` and `ext set-pin`.
///
/// A protected record without a duration (none in the file, none stored)
/// gets `--duration`, or else the `default_duration` setting: `Defaults`
/// says which it may use, and the result says whether the setting's was
/// taken.
fn merge(
    existing: Option<&ExtensionRecord>,
    rec: &ImportRecord,
    pin: Pin,
    defaults: Defaults,
) -> (ExtensionRecord, bool) {
    let was = existing.map(|e| e.protection).unwrap_or_default();
    let enabled = rec.pin_protect.unwrap_or(was.enabled);
    let mut duration = rec.duration.clone().applied_to(was.duration);
    let mut took_setting = false;
    if enabled && duration.is_none() {
        duration = Some(match defaults.given {
            Some(d) => d,
            None => {
                took_setting = true;
                defaults.setting
            }
        });
    }
    let pin_changed = existing.is_some_and(|e| e.pin != pin);
    let grant: Option<Grant> = if enabled && was.enabled && !pin_changed {
        was.grant
    } else {
        None
    };
    let record = ExtensionRecord {
        first_name: rec
            .first_name
            .clone()
            .applied_to(existing.and_then(|e| e.first_name.clone())),
        last_name: rec
            .last_name
            .clone()
            .applied_to(existing.and_then(|e| e.last_name.clone())),
        email: rec
            .email
            .clone()
            .applied_to(existing.and_then(|e| e.email.clone())),
        pin,
        protection: Protection {
            enabled,
            duration,
            grant,
        },
        entry: existing.map(|e| e.entry).unwrap_or_default(),
        voicemail_options: rec
            .voicemail_options
            .clone()
            .applied_to(existing.and_then(|e| e.voicemail_options.clone())),
        number: rec.number.clone(),
    };
    (record, took_setting)
}

/// The durations for protected records that have none.
#[derive(Clone, Copy)]
struct Defaults {
    /// `--duration`.
    given: Option<PinDuration>,
    /// The `default_duration` setting.
    setting: PinDuration,
}

/// Writes one record; a problem with it is an `Ok(Err(..))`.
fn apply(
    ctx: &Ctx<'_>,
    w: &Writer<'_>,
    inserter: &mut RecordInserter<'_>,
    settings: &Settings,
    rec: ImportRecord,
    opts: &ImportOptions,
    max_id_before: i64,
) -> Result<std::result::Result<Applied, RowError>> {
    let line = rec.line;
    let problem = |message: String| {
        Ok(Err(RowError {
            line,
            message,
            included: false,
        }))
    };
    if let FieldEdit::Set(pin) = &rec.pin {
        if let Some(weak) = weakness(pin, &rec.number, settings.pin_min_length) {
            if !opts.allow_weak {
                return problem(format!(
                    "the PIN for extension {} is weak: {weak} (--allow-weak accepts it, logged)",
                    rec.number
                ));
            }
            ctx.log(
                w,
                EventKind::WeakPinAllowed,
                Some(&rec.number),
                format_args!("{} (import)", super::WEAK_PIN_ALLOWED),
            )?;
        }
    }
    let twice =
        |n: &crate::policy::Extension| format!("extension {n} appears more than once in the file");
    // A record with its PIN is inserted straight away: a number that
    // exists comes back as a conflict and takes the lookup below. This
    // spares new extensions, the bulk of any import, a second search.
    let defaults = Defaults {
        given: opts.default_duration,
        setting: settings.default_duration,
    };
    if let FieldEdit::Set(pin) = &rec.pin {
        let (new, took) = merge(None, &rec, pin.clone(), defaults);
        if inserter.insert_if_new(&new)?.is_some() {
            return Ok(Ok((Outcome::Added { generated: false }, took)));
        }
    }
    match w.lookup_with_id(&rec.number)? {
        Some((id, _)) if id > max_id_before => problem(twice(&rec.number)),
        Some(_) if !opts.updates() => problem(format!(
            "extension {} exists already (add --update to change it)",
            rec.number
        )),
        Some((id, existing)) => {
            if !w.mark_updated(&rec.number)? {
                return problem(twice(&rec.number));
            }
            let pin = match &rec.pin {
                FieldEdit::Set(p) => p.clone(),
                FieldEdit::Keep | FieldEdit::Clear => existing.pin.clone(),
            };
            match merge(Some(&existing), &rec, pin, defaults) {
                (new, took) if new == existing => Ok(Ok((Outcome::Unchanged, took))),
                (new, took) => {
                    w.replace_record(id, &new)?;
                    Ok(Ok((Outcome::Updated, took)))
                }
            }
        }
        None => {
            let (pin, generated) = match &rec.pin {
                FieldEdit::Set(p) => (p.clone(), false),
                FieldEdit::Keep | FieldEdit::Clear => (generate_pin(settings, &rec.number)?, true),
            };
            let (new, took) = merge(None, &rec, pin, defaults);
            let id = w.insert_record(&new)?;
            if generated {
                w.mark_generated(id)?;
            }
            Ok(Ok((Outcome::Added { generated }, took)))
        }
    }
}

/// Opens the file or standard input (`-`), skipping a UTF-8 byte order
/// mark; returns the reader, a name for messages, and what the file was
/// when opened (a regular file only), to tell later whether it changed.
fn open_input(
    file: &Path,
    bar: &ProgressBar,
    last: &Rc<Cell<Option<u8>>>,
) -> Result<(Box<dyn BufRead>, String, Option<FileId>)> {
    let (reader, name, id): (Box<dyn Read>, String, Option<FileId>) = if file.as_os_str() == "-" {
        // Standard input redirected from a file has a size; a pipe has none.
        use std::os::fd::AsFd;
        let size = io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .map(File::from)
            .and_then(|f| f.metadata())
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        set_progress_total(bar, size);
        (Box::new(io::stdin()), "standard input".into(), None)
    } else {
        let f = File::open(file).map_err(|e| {
            Error::invalid_with_hint(
                format!("cannot open {}: {e}", crate::text::path(file)),
                "give the path of the file to import, or - for standard input",
            )
        })?;
        let mut id = None;
        if let Ok(m) = f.metadata() {
            if m.is_dir() {
                return Err(Error::invalid(format!(
                    "{} is a folder",
                    crate::text::path(file)
                )));
            }
            set_progress_total(bar, m.is_file().then_some(m.len()));
            id = m.is_file().then(|| FileId::of(&m));
        }
        (Box::new(f), crate::text::path(file), id)
    };
    let reader = LastByte {
        inner: reader,
        last: Rc::clone(last),
    };
    let mut input: Box<dyn BufRead> =
        Box::new(BufReader::with_capacity(64 * 1024, bar.wrap_read(reader)));
    let head = input
        .fill_buf()
        .map_err(|e| Error::input(name.to_string(), e))?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
    Ok((input, name, id))
}

/// Notes the last byte read: whether the input ends with a newline.
struct LastByte<R> {
    inner: R,
    last: Rc<Cell<Option<u8>>>,
}

impl<R: Read> Read for LastByte<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.last.set(Some(buf[n - 1]));
        }
        Ok(n)
    }
}

fn progress_bar(show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
}

/// A bar when the input's size is known; else (a pipe) a spinner with the
/// bytes and rows read so far and the rate.
fn set_progress_total(bar: &ProgressBar, size: Option<u64>) {
    let template = match size {
        Some(len) => {
            bar.set_length(len);
            "importing {bar:40} {bytes}/{total_bytes} {eta}"
        }
        None => "importing {spinner} {bytes} read, {msg}, {bytes_per_sec}",
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.set_message("0 rows");
}

/// Problems with records: the first [`SHOWN_ERRORS`] and how many in all.
#[derive(Default)]
struct Problems {
    shown: Vec<RowError>,
    count: u64,
}

impl Problems {
    fn note(&mut self, e: RowError) {
        self.count += 1;
        if self.shown.len() < SHOWN_ERRORS {
            self.shown.push(e);
        }
    }
}

/// The input, read and checked whole before the write transaction.
struct ReadAhead {
    spool: Spool,
    problems: Problems,
    name: String,
    format: InputFormat,
}

/// How often a file that changes while it is read is read again.
const READS: u32 = 3;

/// Reads the whole input into a spool, checking every record with the
/// rules of `settings`; no database connection is open meanwhile. A file
/// that changes while it is read (its size, times or inode, or those of
/// a file it includes) is read again, a few times, then refused; with
/// `--sync`, a file whose last line has no newline (the sign of a file
/// still being written) is refused.
fn read_ahead(
    ctx: &mut Ctx<'_>,
    file: &Path,
    opts: &ImportOptions,
    settings: &Settings,
    bar: &ProgressBar,
) -> Result<ReadAhead> {
    // Beside a SQLite database (its file system has room for it); for
    // PostgreSQL in the temporary folder.
    let temp = std::env::temp_dir();
    let spool_folder = match ctx.db.file() {
        Some(file) => crate::fsutil::folder_of(file),
        None => temp.as_path(),
    };
    for read in 1..=READS {
        let last = Rc::new(Cell::new(None));
        let (mut input, name, before) = open_input(file, bar, &last)?;
        if bar.length().is_some_and(|len| len < PROGRESS_BYTES) {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        let format = match opts.format {
            Some(f) => f,
            None => {
                let path = (file.as_os_str() != "-").then_some(file);
                let head = input
                    .fill_buf()
                    .map_err(|e| Error::input(name.to_string(), e))?;
                detect(path, head, opts.delimiter.unwrap_or_default())
            }
        };
        // Flags of some formats only: given for another, refused.
        let voicemail = format == InputFormat::VoicemailConf;
        let csv = matches!(
            format,
            InputFormat::Csv | InputFormat::ThreeCx | InputFormat::FreePbx
        );
        const VOICEMAIL: (&str, &str) = ("voicemail.conf files", "voicemail-conf");
        const CSV: (&str, &str) = ("CSV files (csv, 3cx, freepbx)", "csv, 3cx or freepbx");
        for (given, flag, applies, (files, formats)) in [
            (opts.delimiter.is_some(), "--delimiter", csv, CSV),
            (!opts.contexts.is_empty(), "--context", voicemail, VOICEMAIL),
            (
                !opts.include_dirs.is_empty(),
                "--include-dir",
                voicemail,
                VOICEMAIL,
            ),
        ] {
            if given && !applies {
                return Err(Error::invalid_with_hint(
                    format!("{flag} applies to {files}, not to {format}"),
                    format!("leave out {flag}, or give --format {formats}"),
                ));
            }
        }
        // Line-based formats never hold an overlong line in memory. (A JSON
        // array, as `export --format json` writes it, is one line.)
        if format != InputFormat::Json {
            input = Box::new(BufReader::with_capacity(64 * 1024, LineLimit::new(input)));
        }
        // An import keeps its records in a temporary file beside the
        // database (or in TMPDIR) until it writes them.
        let spool_error = |e: io::Error| {
            Error::system(
                "keep the records read ahead in a temporary file beside the database",
                e,
            )
        };
        let mut spool = Spool::new(spool_folder).map_err(spool_error)?;
        let mut problems = Problems::default();
        let mut rows: u64 = 0;
        let conf = VoicemailConf {
            origin: (file.as_os_str() != "-").then(|| file.to_path_buf()),
            contexts: opts.contexts.clone(),
            include_dirs: opts.include_dirs.clone(),
            whole_lines: opts.sync,
        };
        let delimiter = opts.delimiter.unwrap_or_default();
        let included = read_records_with(format, &mut input, &conf, delimiter, &mut |r| {
            rows += 1;
            if rows % 1024 == 0 {
                bar.set_message(crate::text::plural(rows, "row"));
            }
            match r.and_then(|inc| inc.validate(&settings.plan).map(|_| inc)) {
                Ok(inc) => spool.push(&inc).map_err(spool_error)?,
                Err(e) => problems.note(e),
            }
            Ok(())
        })?;
        drop(input);
        let changed = before.is_some_and(|id| FileId::now(file).as_ref() != Some(&id))
            || included
                .iter()
                .any(|(path, id)| FileId::now(path).as_ref() != Some(id));
        if changed {
            if read < READS {
                bar.reset();
                std::thread::sleep(std::time::Duration::from_millis(u64::from(read) * 200));
                continue;
            }
            return Err(Error::invalid_with_hint(
                format!("{name} changed while it was read, {READS} times; nothing was imported"),
                "import it once its writer is done (a systemd path unit runs when the writer \
                 closes the file)",
            ));
        }
        if opts.sync && last.get().is_some_and(|b| b != b'\n') {
            return Err(Error::invalid_with_hint(
                format!(
                    "{name} ends in the middle of a line (no newline at its end): it may still be \
                     being written or have been cut; --sync changed nothing"
                ),
                "sync again once the file is whole; if it is whole, end it with a newline \
                 (`echo >> FILE`)",
            ));
        }
        return Ok(ReadAhead {
            spool,
            problems,
            name,
            format,
        });
    }
    unreachable!("the last read returns")
}

/// What the removed extensions were: ` (2 of them pin protected, 1
/// unlocked)`, or nothing when none was either. A removed extension is
/// unknown to pinprotect from then on, so its calls follow
/// `unknown_extensions`.
fn removed_detail(tally: &Tally) -> String {
    let mut parts = Vec::new();
    if tally.removed_protected > 0 {
        parts.push(format!("{} pin protected", tally.removed_protected));
    }
    if tally.removed_unlocked > 0 {
        parts.push(format!("{} unlocked", tally.removed_unlocked));
    }
    if parts.is_empty() {
        String::new()
    } else {
        // "2 pin protected, 1 unlocked" -> "2 of them pin protected, 1 unlocked"
        format!(" ({})", parts.join(", ").replacen(' ', " of them ", 1))
    }
}

/// The most extensions `--sync` removes unless `--max-removals` says
/// otherwise: 5, or a tenth of the extensions, whichever is larger.
pub fn default_max_removals(extensions: u64) -> u64 {
    (extensions / 10).max(5)
}

fn open_store(ctx: &mut Ctx<'_>, opts: &ImportOptions) -> Result<crate::store::Store> {
    if opts.dry_run {
        ctx.open_to_log()
    } else {
        ctx.open_for_change()
    }
}

pub fn import(ctx: &mut Ctx<'_>, file: &Path, opts: &ImportOptions) -> Result<ExitCode> {
    // The settings (and the clock's check) first; the database is not
    // open while the input is read.
    let settings = open_store(ctx, opts)?.read().settings()?;
    let show_progress = !ctx.console.quiet() && ctx.console.stderr_is_terminal();
    let bar = progress_bar(show_progress);
    let ReadAhead {
        mut spool,
        mut problems,
        name,
        format,
    } = read_ahead(ctx, file, opts, &settings, &bar)?;
    let mut store = open_store(ctx, opts)?;
    if !bar.is_hidden() {
        bar.set_length(spool.len());
        bar.set_position(0);
        if let Ok(style) = ProgressStyle::with_template("writing {bar:40} {pos}/{len} {eta}") {
            bar.set_style(style);
        }
    }
    let tally = store.write_if(|w| {
        let settings = w.read().settings()?;
        let plan = &settings.plan;
        let max_id = w.import_begin()?;
        let mut inserter = w.record_inserter()?;
        let mut tally = Tally {
            default_duration: Some(settings.default_duration),
            ..Tally::default()
        };
        let extensions_before = if opts.sync { w.read().count()? } else { 0 };
        spool.for_each(|inc| {
            bar.inc(1);
            // Checked again: the settings may have changed since the read.
            let rec = match inc.validate(plan) {
                Ok(rec) => rec,
                Err(e) => {
                    problems.note(e);
                    return Ok(());
                }
            };
            match apply(ctx, w, &mut inserter, &settings, rec, opts, max_id)? {
                Ok((outcome, took_default)) => {
                    tally.defaulted += u64::from(took_default);
                    match outcome {
                        Outcome::Added { generated } => {
                            tally.added += 1;
                            tally.generated += u64::from(generated);
                        }
                        Outcome::Updated => tally.updated += 1,
                        Outcome::Unchanged => tally.unchanged += 1,
                    }
                }
                Err(e) => problems.note(e),
            }
            Ok(())
        })?;
        let mut removed_first: Vec<Extension> = Vec::new();
        if opts.sync && problems.count == 0 {
            let removed = w.remove_unseen(max_id, ctx.now)?;
            tally.removed = removed.count;
            tally.removed_protected = removed.protected;
            tally.removed_unlocked = removed.unlocked;
            if tally.removed > 0 && tally.total() == 0 {
                return Err(Error::invalid_with_hint(
                    format!(
                        "{name} has no extensions{}: --sync would remove all {}; nothing was changed",
                        if opts.contexts.is_empty() { "" } else { " in the given contexts" },
                        tally.removed
                    ),
                    "check the file (is it whole? the right --context?); to remove extensions, use `pinprotect ext remove`",
                ));
            }
            let out = ctx.console.out();
            w.read().for_each_removed(|ext| {
                if removed_first.len() < ExtList::SHOWN {
                    removed_first.push(ext.clone());
                }
                if opts.dry_run {
                    writeln!(out, "would remove extension {ext}").writing_output()?;
                }
                Ok(())
            })?;
            let (limit, named) = match opts.max_removals {
                Some(n) => (n, format!("--max-removals {n}")),
                None => {
                    let n = default_max_removals(extensions_before);
                    (n, format!("the {n} it removes without --max-removals"))
                }
            };
            if tally.removed > limit {
                return Err(Error::invalid_with_hint(
                    format!(
                        "--sync would remove {} of the {extensions_before} extensions ({}), more than {named}; nothing was changed",
                        tally.removed,
                        ExtListOf(&removed_first, tally.removed as usize),
                    ),
                    format!(
                        "check {name} (is it whole? the right --context?); if the removals are \
                         meant, sync again with --max-removals {} (without it, at most 5 or a \
                         tenth of the extensions, whichever is more, are removed)",
                        tally.removed
                    ),
                ));
            }
        }
        let commit = problems.count == 0 && !opts.dry_run;
        if commit {
            ctx.log(
                w,
                EventKind::Import,
                None,
                format_args!(
                    "{name} ({format}): {} added, {} updated, {} unchanged{}{}{}",
                    tally.added,
                    tally.updated,
                    tally.unchanged,
                    match tally.removed {
                        0 => String::new(),
                        n => format!(
                            ", {n} removed ({}){}",
                            ExtListOf(&removed_first, n as usize),
                            removed_detail(&tally)
                        ),
                    },
                    if opts.sync {
                        ", --sync"
                    } else if opts.update {
                        ", --update"
                    } else {
                        ""
                    },
                    match tally.defaulted {
                        0 => String::new(),
                        n => format!(", {n} took default_duration {}", settings.default_duration),
                    }
                ),
            )?;
        }
        Ok((tally, commit))
    })?;
    bar.finish_and_clear();
    drop(spool);

    if problems.count > 0 {
        let mut shown = problems.shown;
        // Problems found while reading and while writing, in line order.
        shown.sort_by_key(|e| e.line);
        for e in &shown {
            ctx.console.error_line(format_args!("{e}"));
        }
        if problems.count > shown.len() as u64 {
            ctx.console.error_line(format_args!(
                "... and {} more",
                problems.count - shown.len() as u64
            ));
        }
        return Err(Error::invalid_with_hint(
            format!(
                "{} in {name} ({format}); nothing was imported",
                crate::text::plural(problems.count, "invalid record")
            ),
            "fix the lines above and import again; --dry-run checks a file without writing",
        ));
    }
    let counts = format!(
        "{}: {} added, {} updated, {} unchanged{}{}",
        tally.total(),
        tally.added,
        tally.updated,
        tally.unchanged,
        if opts.sync {
            format!(", {} removed{}", tally.removed, removed_detail(&tally))
        } else {
            String::new()
        },
        match tally.defaulted {
            0 => String::new(),
            n => format!(
                "; {} without a duration {} default_duration {}",
                crate::text::plural(n, "protected extension"),
                if opts.dry_run { "would get" } else { "got" },
                tally
                    .default_duration
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            ),
        }
    );
    let generated = match tally.generated {
        0 => String::new(),
        n => format!(
            " ({} {} a generated PIN)",
            crate::text::plural(n, "extension"),
            if opts.dry_run { "would get" } else { "got" }
        ),
    };
    if opts.dry_run {
        ctx.console.info(format_args!(
            "dry run: would {} {counts}{generated}; nothing was written",
            opts.verb().0
        ));
        return Ok(ExitCode::Success);
    }
    ctx.console
        .info(format_args!("{} {counts}{generated}", opts.verb().1));
    if tally.removed > 0 {
        let out = ctx.console.out();
        store
            .read()
            .for_each_removed(|ext| writeln!(out, "removed extension {ext}").writing_output())?;
    }
    if tally.generated > 0 {
        store
            .read()
            .for_each_generated(|ext, pin| print_generated_pin(ctx, ext, pin))?;
    }
    Ok(ExitCode::Success)
}
