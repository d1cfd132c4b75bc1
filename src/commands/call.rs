//! `pinprotect check` and `pinprotect dial`: the PBX's decision for a call,
//! and the 7777 PIN entry that unlocks outbound calling.

use std::io::Write;

use serde::Serialize;

use super::{Ctx, read_stdin_line};
use crate::cli::CheckFormat;
use crate::console::Tone;
use crate::error::{Error, ExitCode, Result};
use crate::policy::{Decision, DialedNumber, Extension, Grant, PinDuration, Reason, decide};
use crate::store::{Reader, Store};

/// Where `dial` gets the PIN entered after the feature code.
pub enum PinSource {
    /// A hidden prompt on a terminal, else the first line of standard input.
    Interactive,
    /// A PIN typed by a script, such as the demo.
    Given(String),
}

impl PinSource {
    fn read(&mut self, ext: &Extension, stdin_is_terminal: bool) -> Result<String> {
        match self {
            PinSource::Given(s) => Ok(std::mem::take(s)),
            PinSource::Interactive if stdin_is_terminal => dialoguer::Password::new()
                .with_prompt(format!("Voicemail PIN for extension {ext}"))
                .interact()
                .map_err(|e| Error::invalid(format!("cannot read the PIN from the terminal: {e}"))),
            PinSource::Interactive => match read_stdin_line()? {
                Some(line) if !line.is_empty() => Ok(line),
                _ => Err(Error::invalid_with_hint(
                    "no PIN on standard input",
                    "pipe the PIN as the first line, e.g. printf '4826\\n' | pinprotect dial EXT 7777",
                )),
            },
        }
    }
}

/// The decision for `ext` calling `number` now; unknown `ext` is an error.
fn decision(
    reader: Reader<'_>,
    ctx: &Ctx<'_>,
    ext: &Extension,
    number: &DialedNumber,
) -> Result<Decision> {
    let caller = reader.require(ext)?;
    let mut lookup_error = None;
    let d = decide(&ctx.plan, &caller.protection, number, ctx.now, |e| {
        reader.exists(e).unwrap_or_else(|err| {
            lookup_error = Some(err);
            false
        })
    });
    match lookup_error {
        Some(err) => Err(err),
        None => Ok(d),
    }
}

fn explain(ctx: &Ctx<'_>, ext: &Extension, number: &DialedNumber, d: &Decision) -> String {
    match d.reason {
        Reason::Emergency => {
            format!("{number} is an emergency number; emergency calls are never blocked")
        }
        Reason::FeatureCode => format!("{number} is the pin protect feature code"),
        Reason::Internal => format!("{number} is an internal extension"),
        Reason::NotProtected => format!("extension {ext} is not pin protected"),
        Reason::Unlocked => match d.unlocked_until {
            Some(t) => format!("extension {ext} is unlocked until {t}"),
            None => format!("extension {ext} is unlocked"),
        },
        Reason::Locked => format!(
            "extension {ext} is pin protected and locked; dial {} and enter the voicemail PIN first",
            ctx.plan.feature_code
        ),
    }
}

fn exit_for(d: &Decision) -> ExitCode {
    if d.permitted {
        ExitCode::Success
    } else {
        ExitCode::Denied
    }
}

#[derive(Serialize)]
struct CheckJson<'a> {
    extension: &'a str,
    number: &'a str,
    permitted: bool,
    reason: &'static str,
    unlocked_until: Option<String>,
}

pub fn check(
    ctx: &mut Ctx<'_>,
    ext: &Extension,
    number: &DialedNumber,
    format: CheckFormat,
) -> Result<ExitCode> {
    let store = Store::open(&ctx.db)?;
    let d = decision(store.read(), ctx, ext, number)?;
    match format {
        CheckFormat::Json => {
            let json = CheckJson {
                extension: ext.as_str(),
                number: number.as_str(),
                permitted: d.permitted,
                reason: d.reason.name(),
                unlocked_until: d.unlocked_until.map(|t| t.to_rfc3339()),
            };
            let out = ctx.console.out();
            serde_json::to_writer(&mut *out, &json)?;
            out.write_all(b"\n")?;
        }
        CheckFormat::Text if !ctx.console.quiet() => {
            let verdict = if d.permitted {
                ctx.console.paint_out(Tone::Good, "permitted")
            } else {
                ctx.console.paint_out(Tone::Bad, "denied")
            };
            let why = explain(ctx, ext, number, &d);
            writeln!(ctx.console.out(), "{verdict}: {why}")?;
        }
        CheckFormat::Text => {}
    }
    Ok(exit_for(&d))
}

/// What a PIN entry did.
enum Entry {
    Granted(Grant, PinDuration),
    NotNeeded,
    Wrong,
}

pub fn dial(
    ctx: &mut Ctx<'_>,
    ext: &Extension,
    digits: &DialedNumber,
    pin: &mut PinSource,
) -> Result<ExitCode> {
    let mut store = Store::open(&ctx.db)?;
    if !ctx.plan.feature_code.is_dialed(digits) {
        let d = decision(store.read(), ctx, ext, digits)?;
        if !ctx.console.quiet() {
            let verdict = if d.permitted {
                ctx.console.paint_out(Tone::Good, "connected")
            } else {
                ctx.console.paint_out(Tone::Bad, "blocked")
            };
            let why = explain(ctx, ext, digits, &d);
            writeln!(ctx.console.out(), "{verdict}: {ext} -> {digits}: {why}")?;
        }
        return Ok(exit_for(&d));
    }
    if !store.read().exists(ext)? {
        return Err(Error::UnknownExtensions(vec![ext.clone()]));
    }
    let entered = pin.read(ext, ctx.console.stdin_is_terminal())?;
    let now = ctx.now;
    // Read, compare and grant in one IMMEDIATE transaction, so parallel
    // entries and admin changes never interleave.
    let entry = store.write(|w| {
        let rec = w.read().require(ext)?;
        if !rec.pin.matches(&entered) {
            return Ok(Entry::Wrong);
        }
        match (rec.protection.enabled, rec.protection.duration) {
            (true, Some(duration)) => {
                let grant = Grant::start(now, duration);
                w.set_grant(ext, grant)?;
                Ok(Entry::Granted(grant, duration))
            }
            _ => Ok(Entry::NotNeeded),
        }
    })?;
    let quiet = ctx.console.quiet();
    let (code, line) = match entry {
        Entry::Granted(g, duration) => (
            ExitCode::Success,
            format!(
                "{}: extension {ext} may place outbound calls until {} ({duration})",
                ctx.console.paint_out(Tone::Good, "PIN accepted"),
                g.until,
            ),
        ),
        Entry::NotNeeded => (
            ExitCode::Success,
            format!(
                "{}: extension {ext} is not pin protected, so no PIN is needed for outbound calls",
                ctx.console.paint_out(Tone::Good, "PIN accepted")
            ),
        ),
        Entry::Wrong => (
            ExitCode::Denied,
            format!(
                "{}: nothing granted; outbound calls from extension {ext} stay as they were",
                ctx.console.paint_out(Tone::Bad, "wrong PIN")
            ),
        ),
    };
    if !quiet {
        writeln!(ctx.console.out(), "{line}")?;
    }
    Ok(code)
}
