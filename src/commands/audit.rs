//! `pinprotect audit` and `pinprotect log`: the report on how well the
//! policy is kept, and the trail of who did what.

use std::borrow::Cow;
use std::path::Path;

use serde::Serialize;

use super::Ctx;
use crate::error::{Error, ExitCode, ExtList, Result};
use crate::events::{EventFilter, EventKind, EventRow};
use crate::fsutil::{check_output_target, write_atomically};
use crate::localtime::shown;
use crate::output::{Format, ListWriter, Record, opt_field, rfc3339, time_field};
use crate::policy::{Extension, Timestamp, UnknownExtensions};
use crate::store::Store;
use crate::sys::Signal;
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
                detail: weak_pin_detail(&r.number),
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
    if settings.plan.unknown_extensions == UnknownExtensions::Permit {
        report(Finding {
            extension: String::new(),
            finding: "unknown_extensions",
            detail: "unknown_extensions is permit: an extension pinprotect does not know may call out without a PIN".into(),
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
        match w.finish() {
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

const EVENT_HEADERS: [&str; 7] = [
    "id",
    "time",
    "user",
    "event",
    "extension",
    "count",
    "detail",
];

#[derive(Serialize)]
struct EventRecord<'a> {
    id: i64,
    #[serde(serialize_with = "rfc3339")]
    time: Timestamp,
    user: &'a str,
    event: &'a str,
    extension: Option<&'a str>,
    count: u64,
    detail: &'a str,
}

impl<'a> EventRecord<'a> {
    fn of(e: &'a EventRow) -> Self {
        EventRecord {
            id: e.id,
            time: e.at,
            user: &e.user,
            event: &e.kind,
            extension: e.extension.as_deref(),
            count: e.count,
            detail: &e.detail,
        }
    }
}

impl Record for EventRecord<'_> {
    fn csv_fields(&self) -> Vec<Cow<'_, str>> {
        vec![
            Cow::Owned(self.id.to_string()),
            time_field(self.time),
            self.user.into(),
            self.event.into(),
            opt_field(self.extension.as_ref()),
            Cow::Owned(self.count.to_string()),
            self.detail.into(),
        ]
    }

    /// The time as people read it, in their zone.
    fn table_cells(&self) -> Vec<String> {
        let mut cells: Vec<String> = self.csv_fields().into_iter().map(Cow::into_owned).collect();
        cells[1] = shown(self.time).to_string();
        cells
    }
}

/// How often `log --follow` looks for new events.
const FOLLOW_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

pub fn log(
    ctx: &mut Ctx<'_>,
    mut filter: EventFilter<'_>,
    limit: Option<u64>,
    follow: bool,
    format: Format,
) -> Result<ExitCode> {
    if follow && format == Format::Json {
        return Err(Error::invalid_with_hint(
            "--follow cannot write --format json: a JSON array ends only when the log does",
            "use --format jsonl (one JSON object a line) or csv",
        ));
    }
    if let (Some(since), Some(until)) = (filter.since, filter.until)
        && until <= since
    {
        return Err(Error::invalid_with_hint(
            format!(
                "--until ({}) is not after --since ({}): no event can be between them",
                shown(until),
                shown(since)
            ),
            "give --since the earlier time",
        ));
    }
    let store = ctx.open()?;
    if let Some(ext) = filter.extension {
        // An extension that never existed is an error, as everywhere; one
        // that was removed still has its events (and one added later
        // appears when --follow is asked).
        if !follow && !store.read().exists(ext)? && !store.read().has_events(ext)? {
            return Err(Error::UnknownExtensions(vec![ext.clone()]));
        }
    }
    if follow {
        for signal in [Signal::Interrupt, Signal::Terminate] {
            crate::sys::catch(signal);
        }
    }
    let db = ctx.db.clone();
    let mut w = ListWriter::new(format, EVENT_HEADERS.to_vec(), ctx.console.out());
    let mut last = None;
    let mut each = |e: EventRow| {
        last = Some(e.id);
        w.write(&EventRecord::of(&e))
    };
    store.read().for_each_event(&filter, limit, &mut each)?;
    if !follow {
        if w.finish()? == 0 && format == Format::Table {
            ctx.console.info("no events");
        }
        return Ok(ExitCode::Success);
    }
    // The events so far are out; from here on, each as it comes.
    w.flush()?;
    if last.is_none() {
        // Nothing matched: start after the last event of all.
        last = store.read().last_event_id()?;
    }
    // A reading connection sees one snapshot for as long as it is open:
    // each look opens one of its own. Ids only grow in commit order
    // (writes take turns, on PostgreSQL too), so "after the last id shown"
    // misses nothing.
    drop(store);
    let stopped =
        || crate::sys::received(Signal::Interrupt) || crate::sys::received(Signal::Terminate);
    while !stopped() {
        std::thread::sleep(FOLLOW_EVERY);
        filter.after_id = last;
        let mut each = |e: EventRow| {
            last = Some(e.id);
            w.write(&EventRecord::of(&e))
        };
        Store::open_read_only(&db)?
            .read()
            .for_each_event(&filter, None, &mut each)?;
        w.flush()?;
    }
    w.finish()?;
    Ok(ExitCode::Success)
}

/// What `audit` says of any weak PIN, whatever rule it breaks: the
/// command that shows which, for this extension.
fn weak_pin_detail(ext: &Extension) -> String {
    format!("the PIN is weak; `pinprotect pins {ext}` shows why")
}

/// `pinprotect log prune`: removes the head of the log up to the last
/// event logged before `before` (in log order: after a clock that jumped
/// back, a few later events go with it), in one transaction, after
/// writing it to `archive` when given; a `log_pruned` event takes its
/// place.
pub fn prune(
    ctx: &mut Ctx<'_>,
    before: Timestamp,
    archive: Option<&Path>,
    yes: bool,
) -> Result<ExitCode> {
    if let Some(path) = archive {
        // Before anything else: a refused target is left as it is.
        check_output_target(path, ctx.db.file())?;
    }
    let mut store = ctx.open_for_change()?;
    if before > ctx.now {
        return Err(Error::invalid_with_hint(
            format!(
                "--before {} is still to come; nothing was removed",
                shown(before)
            ),
            "give a time in the past: the events logged before it go",
        ));
    }
    let Some((count, through)) = store.read().log_head_before(before)? else {
        ctx.console.info(format_args!(
            "no events before {}; nothing was removed",
            shown(before)
        ));
        return Ok(ExitCode::Success);
    };
    let what = format!(
        "{} logged before {}",
        crate::text::plural(count, "event"),
        shown(before)
    );
    // With an archive nothing is lost, so nothing is asked.
    if !ctx.go_ahead(
        yes || archive.is_some(),
        &format!("removing {what}"),
        "pass --archive FILE to keep them in a file, or --yes to remove them for good",
        &format!("Remove {what} for good (--archive FILE keeps them)?"),
        "nothing removed",
    )? {
        return Ok(ExitCode::Denied);
    }
    // The archive first, whole and synced; then the removal. Should the
    // removal fail, the events are in the archive and still in the log.
    let archived = match archive {
        Some(path) => Some(write_atomically(
            path,
            |f| {
                let mut w = ListWriter::new(Format::Jsonl, EVENT_HEADERS.to_vec(), f);
                store
                    .read()
                    .for_each_event_through(through, |e| w.write(&EventRecord::of(&e)))?;
                w.finish()
            },
            |_| Ok(()),
        )?),
        None => None,
    };
    let kept = archive
        .map(|p| format!(", archived to {}", crate::text::path(p)))
        .unwrap_or_default();
    let removed = store.write(|w| {
        let removed = w.prune_events(through, |n| {
            ctx.event(
                EventKind::LogPruned,
                None,
                format_args!(
                    "{} logged before {before} removed{kept}",
                    crate::text::plural(n, "event")
                ),
            )
        })?;
        match archived {
            Some(n) if n != removed => Err(Error::invalid_with_hint(
                format!(
                    "the log changed while it was archived ({n} archived, {removed} to remove); nothing was removed"
                ),
                "run the prune again (is another prune running?)",
            )),
            _ => Ok(removed),
        }
    })?;
    ctx.console.info(format_args!(
        "removed {} logged before {}{kept}",
        crate::text::plural(removed, "event"),
        shown(before)
    ));
    Ok(ExitCode::Success)
}
