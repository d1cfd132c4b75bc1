//! `pinprotect pins` and `pinprotect export`: the commands that show PINs.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::{Ctx, list_records};
use crate::cli::ExportFormat;
use crate::error::IoContext;
use crate::error::{Error, ExitCode, ExtList, Result};
use crate::events::EventKind;
use crate::fsutil::{check_output_target, write_atomically};
use crate::input::{THREECX_V20_HEADER, v20};
use crate::output::{
    Cell, Delimiter, Format, ListWriter, Record, RowEncoder, num_field, opt_field,
};
use crate::policy::{Email, Extension, Name, PinDuration, Timestamp};
use crate::records::{Column, EXPORTED, Target};
use crate::store::Store;
use crate::weakpin::weakness;

const PINS_HEADERS: [&str; 5] = [
    "extension",
    "first_name",
    "last_name",
    "voicemail_pin",
    "weak_pin",
];

#[derive(Serialize)]
struct PinRow<'a> {
    extension: &'a str,
    first_name: Option<&'a str>,
    last_name: Option<&'a str>,
    voicemail_pin: &'a str,
    /// Which weak-PIN rule the PIN breaks: shown only next to the PIN,
    /// never in `audit` or the log, where it would narrow the PIN down.
    weak_pin: Option<String>,
}

impl Record for PinRow<'_> {
    fn csv_fields(&self) -> Vec<Cow<'_, str>> {
        vec![
            self.extension.into(),
            opt_field(self.first_name.as_ref()),
            opt_field(self.last_name.as_ref()),
            self.voicemail_pin.into(),
            opt_field(self.weak_pin.as_ref()),
        ]
    }
}

pub fn pins(ctx: &mut Ctx<'_>, exts: &[Extension], format: Format) -> Result<ExitCode> {
    let mut store = ctx.open_to_log()?;
    let target = Target::of(exts);
    // Logged before anything is shown: no PIN without its audit event, and
    // no event when standard output is closed.
    ctx.console.require_stdout()?;
    store
        .write(|w| {
            let what = match &target {
                Target::All => {
                    w.read().probe_extensions()?;
                    "all extensions".to_string()
                }
                Target::These(exts) => {
                    let shown: Vec<Extension> = w
                        .read()
                        .extensions(exts)?
                        .into_iter()
                        .map(|r| r.number)
                        .collect();
                    ExtList(&shown).to_string()
                }
            };
            ctx.log(w, EventKind::PinsShown, None, what)
        })
        .map_err(super::cannot_log)?;
    let min_len = store.read().settings()?.pin_min_length;
    list_records(
        ctx,
        &store,
        &target,
        format,
        PINS_HEADERS.to_vec(),
        &[],
        |w, r, _| {
            w.write(&PinRow {
                extension: r.number.as_str(),
                first_name: r.first_name.as_ref().map(Name::as_str),
                last_name: r.last_name.as_ref().map(Name::as_str),
                voicemail_pin: r.pin.expose(),
                weak_pin: weakness(&r.pin, &r.number, min_len).map(|w| w.to_string()),
            })
        },
    )
}

/// A row of a 3CX v20 bulk extension CSV: the fields pinprotect knows,
/// the rest empty.
#[derive(Serialize)]
struct ThreeCxRow<'a> {
    number: &'a str,
    first_name: &'a str,
    last_name: &'a str,
    email: &'a str,
    vm_pin: &'a str,
    pin_protected: bool,
    pin_timeout: Option<u32>,
}

impl Record for ThreeCxRow<'_> {
    fn csv_fields(&self) -> Vec<Cow<'_, str>> {
        let mut v: Vec<Cow<'_, str>> = vec![Cow::Borrowed(""); THREECX_V20_HEADER.len()];
        v[v20::NUMBER] = self.number.into();
        v[v20::FIRST_NAME] = self.first_name.into();
        v[v20::LAST_NAME] = self.last_name.into();
        v[v20::EMAIL] = self.email.into();
        v[v20::VMPIN] = self.vm_pin.into();
        v[v20::PIN_PROTECTED] = (if self.pin_protected { "1" } else { "0" }).into();
        v[v20::PIN_TIMEOUT] = num_field(self.pin_timeout);
        v
    }
}

/// What an export wrote: its records, and how many of its CSV cells
/// begin as a spreadsheet formula would.
#[derive(Debug, Clone, Copy)]
struct Written {
    records: u64,
    formula_like: u64,
}

fn write_export(
    store: &Store,
    now: Timestamp,
    opts: &ExportOptions,
    out: &mut impl Write,
) -> Result<Written> {
    let (format, with_pins) = (opts.format, opts.with_pins);
    if format == ExportFormat::VoicemailConf {
        return Ok(Written {
            records: write_voicemail_conf(store, opts, out)?,
            formula_like: 0,
        });
    }
    if format == ExportFormat::ThreeCx {
        let mut w = ListWriter::new(Format::Csv, THREECX_V20_HEADER.to_vec(), out)
            .spreadsheet_safe(opts.spreadsheet_safe)
            .delimiter(opts.delimiter.unwrap_or_default())
            .verbatim();
        store.read().for_each_extension(|r| {
            w.write(&ThreeCxRow {
                number: r.number.as_str(),
                first_name: r.first_name.as_ref().map_or("", Name::as_str),
                last_name: r.last_name.as_ref().map_or("", Name::as_str),
                email: r.email.as_ref().map_or("", Email::as_str),
                vm_pin: if with_pins { r.pin.expose() } else { "" },
                pin_protected: r.protection.enabled,
                pin_timeout: r.protection.duration.map(PinDuration::as_secs),
            })
        })?;
        let formula_like = w.formula_like_cells();
        return Ok(Written {
            records: w.finish()?,
            formula_like,
        });
    }
    let format = match format {
        ExportFormat::Json => Format::Json,
        ExportFormat::Jsonl => Format::Jsonl,
        ExportFormat::Csv | ExportFormat::ThreeCx | ExportFormat::VoicemailConf => Format::Csv,
    };
    let columns: Vec<Column> = EXPORTED
        .into_iter()
        .filter(|c| with_pins || *c != Column::VoicemailPin)
        .collect();
    let headers = columns.iter().filter_map(|c| c.key()).collect();
    let mut e = RowEncoder::new(format, headers)
        .spreadsheet_safe(opts.spreadsheet_safe)
        .delimiter(opts.delimiter.unwrap_or_default());
    store.read().for_each_raw_extension(|r| {
        let until = r.unlocked_until(now).map(Timestamp::to_rfc3339);
        let mut cells = [Cell::Null; EXPORTED.len()];
        for (cell, column) in cells.iter_mut().zip(&columns) {
            *cell = match column {
                Column::Number => Cell::Text(r.number),
                Column::FirstName => Cell::text(r.first_name),
                Column::LastName => Cell::text(r.last_name),
                Column::Email => Cell::text(r.email),
                Column::VoicemailPin => Cell::Text(r.pin),
                Column::PinProtect => Cell::Bool(r.pin_protect),
                Column::Duration => r.duration.map_or(Cell::Null, Cell::Int),
                Column::UnlockedUntil => Cell::text(until.as_deref()),
                Column::VoicemailOptions => Cell::text(r.voicemail_options),
                // Runtime state, not exported (no key).
                Column::GrantedAt | Column::FailedAttempts | Column::LockedOutUntil => Cell::Null,
            };
        }
        e.row(out, &cells[..columns.len()])
    })?;
    let formula_like = e.formula_like_cells();
    Ok(Written {
        records: e.finish(out)?,
        formula_like,
    })
}

/// Says once when cells of a CSV export would run as formulas in a
/// spreadsheet; the export itself stays exact.
fn warn_formula_like(ctx: &mut Ctx<'_>, opts: &ExportOptions, written: Written) {
    if written.formula_like > 0 && !opts.spreadsheet_safe {
        ctx.console.warn(format_args!(
            "{} of the export begin{} with =, +, -, @, a tab or a carriage return, which a \
             spreadsheet may run as a formula; --spreadsheet-safe exports them as text (with a \
             leading ')",
            crate::text::plural(written.formula_like, "value"),
            if written.formula_like == 1 { "s" } else { "" }
        ));
    }
}

/// What `pinprotect export` was asked to write.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub format: ExportFormat,
    pub with_pins: bool,
    /// Defuse CSV cells that spreadsheets would run as formulas.
    pub spreadsheet_safe: bool,
    /// voicemail-conf: the context of the mailboxes (`default`).
    pub context: Option<String>,
    /// CSV: what separates the fields (a comma when `None`).
    pub delimiter: Option<Delimiter>,
}

/// Checks what a voicemail.conf export needs before anything is written:
/// PINs, a plain context name, and names and e-mails without the
/// characters that would break a mailbox line.
fn check_voicemail_conf(store: &Store, opts: &ExportOptions) -> Result<()> {
    if !opts.with_pins {
        return Err(Error::invalid_with_hint(
            "a voicemail.conf mailbox needs its PIN, so --no-pins cannot be used with voicemail-conf",
            "leave out --no-pins, or export another format",
        ));
    }
    let context = opts.context.as_deref().unwrap_or("default");
    if context.is_empty()
        || !context
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(Error::invalid_with_hint(
            format!("'{}' is not a context name", crate::text::shown(context)),
            "use letters, digits, - _ and . (such as default)",
        ));
    }
    store.read().for_each_extension(|r| {
        let name = voicemail_name(&r);
        let email = r.email.as_ref().map_or("", Email::as_str);
        for (what, value) in [("name", name.as_str()), ("e-mail", email)] {
            if let Some(c) = value.chars().find(|c| matches!(c, ',' | ';' | '\n' | '\r' | '|')) {
                return Err(Error::invalid_with_hint(
                    format!(
                        "the {what} of extension {} contains '{}', which a voicemail.conf mailbox line cannot hold",
                        r.number,
                        c.escape_default()
                    ),
                    "change it with `pinprotect ext edit`, or export another format",
                ));
            }
        }
        Ok(())
    })
}

/// `First Last` as voicemail.conf's full name.
fn voicemail_name(r: &crate::records::ExtensionRecord) -> String {
    [r.first_name.as_ref(), r.last_name.as_ref()]
        .into_iter()
        .flatten()
        .map(Name::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Mailbox lines of one context, as `#include`d by Asterisk's
/// voicemail.conf.
fn write_voicemail_conf(store: &Store, opts: &ExportOptions, out: &mut impl Write) -> Result<u64> {
    let context = opts.context.as_deref().unwrap_or("default");
    writeln!(out, "; pinprotect export: voicemail mailboxes").writing_output()?;
    writeln!(out, "[{context}]").writing_output()?;
    let mut n = 0;
    store.read().for_each_extension(|r| {
        // The options a mailbox came with go back after an empty pager.
        let options = match &r.voicemail_options {
            Some(o) => format!(",,{}", o.as_str()),
            None => String::new(),
        };
        writeln!(
            out,
            "{} => {},{},{}{options}",
            r.number,
            r.pin.expose(),
            voicemail_name(&r),
            r.email.as_ref().map_or("", Email::as_str)
        )
        .writing_output()?;
        n += 1;
        Ok(())
    })?;
    out.flush().writing_output()?;
    Ok(n)
}

pub fn export(ctx: &mut Ctx<'_>, opts: &ExportOptions, output: Option<&Path>) -> Result<ExitCode> {
    let is_csv = matches!(opts.format, ExportFormat::Csv | ExportFormat::ThreeCx);
    for (given, flag) in [
        (opts.spreadsheet_safe, "--spreadsheet-safe"),
        (opts.delimiter.is_some(), "--delimiter"),
    ] {
        if given && !is_csv {
            return Err(Error::invalid_with_hint(
                format!(
                    "{flag} is for CSV exports (csv, 3cx), not {}",
                    super::formats::export_format_name(opts.format)
                ),
                format!("leave out {flag}, or use --format csv or --format 3cx"),
            ));
        }
    }
    if let Some(path) = output {
        // Before anything else: a refused target is left as it is.
        check_output_target(path, ctx.db.file())?;
    }
    if opts.context.is_some() && opts.format != ExportFormat::VoicemailConf {
        return Err(Error::invalid_with_hint(
            "--context is for voicemail-conf exports",
            "use --format voicemail-conf with it",
        ));
    }
    let mut store = ctx.open_to_log()?;
    if opts.format == ExportFormat::VoicemailConf {
        check_voicemail_conf(&store, opts)?;
    }
    let now = ctx.now;
    let format_name = super::formats::export_format_name(opts.format);
    let pins = if opts.with_pins {
        "with PINs"
    } else {
        "without PINs"
    };
    match output {
        Some(path) => {
            // The file is written and synced, then the export is logged, and
            // only then does the file appear under its name.
            let store = std::cell::RefCell::new(store);
            let written = write_atomically(
                path,
                |f| write_export(&store.borrow(), now, opts, f),
                |written| {
                    let n = written.records;
                    store
                        .borrow_mut()
                        .write(|w| {
                            ctx.log(
                                w,
                                EventKind::Export,
                                None,
                                format_args!(
                                    "{format_name}, {pins}, {n} extensions, to {}",
                                    crate::text::path(path)
                                ),
                            )
                        })
                        .map_err(super::cannot_log)
                },
            )?;
            let n = written.records;
            warn_formula_like(ctx, opts, written);
            ctx.console.info(format_args!(
                "exported {n} extension{} to {}{}",
                crate::text::s(n),
                crate::text::path(path),
                if opts.with_pins {
                    " (with voicemail PINs; mode 0600)"
                } else {
                    ""
                }
            ));
        }
        None => {
            // Logged before anything is written; nothing is logged when
            // nothing can be.
            ctx.console.require_stdout()?;
            store
                .write(|w| {
                    w.read().probe_extensions()?;
                    ctx.log(
                        w,
                        EventKind::Export,
                        None,
                        format_args!("{format_name}, {pins}, to standard output"),
                    )
                })
                .map_err(super::cannot_log)?;
            let written = write_export(&store, now, opts, ctx.console.out())?;
            warn_formula_like(ctx, opts, written);
        }
    }
    Ok(ExitCode::Success)
}
