//! `pinprotect audit` and `pinprotect log`: the report on how well the
//! policy is kept, and the trail of who did what.

use std::borrow::Cow;

use serde::Serialize;

use super::Ctx;
use crate::error::{Error, ExitCode, ExtList, Result};
use crate::events::EventRow;
use crate::output::{Format, ListWriter, Record, opt_field};
use crate::policy::{Extension, Timestamp};
use crate::weakpin::weakness;

const FINDING_HEADERS: [&str; 3] = ["extension", "finding", "detail"];

#[derive(Serialize)]
struct Finding {
    extension: String,
    finding: &'static str,
    detail: String,
}

impl Record for Finding {
    fn csv_fields(&self) -> Vec<Cow<'_, str>> {
        vec![
            self.extension.as_str().into(),
            self.finding.into(),
            self.detail.as_str().into(),
        ]
    }
}

/// Weak PINs, PINs shared by several extensions, extensions without pin
/// protect. Never shows a PIN. Exit 1 when anything is found.
pub fn audit(ctx: &mut Ctx<'_>, format: Format) -> Result<ExitCode> {
    let store = ctx.open()?;
    let settings = store.read().settings()?;
    let tty = ctx.console.stdout_is_terminal();
    let mut w = ListWriter::new(format, FINDING_HEADERS.to_vec(), ctx.console.out());
    // Every finding is counted, also once the reader has gone away
    // (`audit | head -1`): the exit status still says whether there were any.
    let mut found = 0u64;
    let mut cut = false;
    let mut report = |finding: Finding| -> Result<()> {
        found += 1;
        if cut {
            return Ok(());
        }
        match w.write(&finding) {
            Err(Error::BrokenPipe) => {
                cut = true;
                Ok(())
            }
            other => other,
        }
    };
    store.read().for_each_extension(|r| {
        if weakness(&r.pin, &r.number, settings.pin_min_length).is_some() {
            // Which rule it breaks would narrow the PIN down: only `pins`,
            // which is logged, says that.
            report(Finding {
                extension: r.number.to_string(),
                finding: "weak_pin",
                detail: WEAK_PIN_DETAIL.into(),
            })?;
        }
        if !r.protection.enabled {
            report(Finding {
                extension: r.number.to_string(),
                finding: "not_protected",
                detail: "outbound calls need no PIN".into(),
            })?;
        }
        Ok(())
    })?;
    if settings.clock_override {
        report(Finding {
            extension: String::new(),
            finding: "clock_override",
            detail: "clock_override is on: changes may be made at any time given with --now".into(),
        })?;
    }
    store.read().shared_pin_groups(|group| {
        for ext in &group {
            let others: Vec<Extension> = group.iter().filter(|e| *e != ext).cloned().collect();
            report(Finding {
                extension: ext.to_string(),
                finding: "shared_pin",
                detail: format!("same PIN as {}", ExtList(&others)),
            })?;
        }
        Ok(())
    })?;
    if !cut {
        match w.finish(tty) {
            Ok(_) | Err(Error::BrokenPipe) => {}
            Err(e) => return Err(e),
        }
    } else {
        drop(w);
    }
    if found == 0 {
        ctx.console
            .info("audit: no weak PINs, no shared PINs, every extension pin protected");
        Ok(ExitCode::Success)
    } else {
        ctx.console.info(format_args!(
            "audit: {found} finding{}",
            crate::text::s(found)
        ));
        Ok(ExitCode::Denied)
    }
}

const EVENT_HEADERS: [&str; 6] = ["id", "time", "user", "event", "extension", "detail"];

#[derive(Serialize)]
struct EventRecord<'a> {
    id: i64,
    time: String,
    user: &'a str,
    event: &'a str,
    extension: Option<&'a str>,
    detail: &'a str,
}

impl Record for EventRecord<'_> {
    fn csv_fields(&self) -> Vec<Cow<'_, str>> {
        vec![
            Cow::Owned(self.id.to_string()),
            self.time.as_str().into(),
            self.user.into(),
            self.event.into(),
            opt_field(self.extension.as_ref()),
            self.detail.into(),
        ]
    }
}

pub fn log(
    ctx: &mut Ctx<'_>,
    ext: Option<&Extension>,
    since: Option<Timestamp>,
    limit: Option<u64>,
    format: Format,
) -> Result<ExitCode> {
    let store = ctx.open()?;
    let tty = ctx.console.stdout_is_terminal();
    if let Some(ext) = ext {
        // An extension that never existed is an error, as everywhere; one
        // that was removed still has its events.
        if !store.read().exists(ext)? && !store.read().has_events(ext)? {
            return Err(Error::UnknownExtensions(vec![ext.clone()]));
        }
    }
    let mut w = ListWriter::new(format, EVENT_HEADERS.to_vec(), ctx.console.out());
    store
        .read()
        .for_each_event(ext, since, limit, |e: EventRow| {
            w.write(&EventRecord {
                id: e.id,
                time: e.at.to_rfc3339(),
                user: &e.user,
                event: &e.kind,
                extension: e.extension.as_deref(),
                detail: &e.detail,
            })
        })?;
    if w.finish(tty)? == 0 && format == Format::Table {
        ctx.console.info("no events");
    }
    Ok(ExitCode::Success)
}

/// What `audit` says of any weak PIN, whatever rule it breaks.
pub const WEAK_PIN_DETAIL: &str = "the PIN is weak; `pinprotect pins EXT` shows why";
