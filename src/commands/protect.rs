//! `pinprotect enable|disable|revoke|status|reset-lockout`: pin protect on
//! and off, and where each extension stands.

use std::borrow::Cow;

use serde::Serialize;

use super::{Ctx, list_records};
use crate::error::{ExitCode, ExtList, Result};
use crate::events::EventKind;
use crate::lockout::PinEntryState;
use crate::output::{
    Format, Record, bool_field, human_duration, num_field, on_off, rfc3339, time_field,
};
use crate::policy::{Extension, PinDuration, Timestamp};
use crate::records::{ExtensionRecord, Target};
use crate::store::Writer;

fn described(target: &Target, count: usize) -> String {
    match target {
        Target::All if count == 1 => "1 extension".into(),
        Target::All => format!("all {count} extensions"),
        Target::These(exts) => {
            let mut unique: Vec<Extension> = Vec::new();
            for e in exts {
                if !unique.contains(e) {
                    unique.push(e.clone());
                }
            }
            format!(
                "extension{} {}",
                crate::text::s(unique.len()),
                ExtList(&unique)
            )
        }
    }
}

/// Logs a bulk change: one event for `--all`, else one per named
/// extension that `event` says changed (given its state before).
fn log_change(
    ctx: &Ctx<'_>,
    w: &Writer<'_>,
    target: &Target,
    before: &[ExtensionRecord],
    count: usize,
    all: (EventKind, String),
    event: impl Fn(&ExtensionRecord) -> Option<(EventKind, String)>,
) -> Result<()> {
    match target {
        Target::All => {
            let (kind, detail) = all;
            ctx.log(
                w,
                kind,
                None,
                format_args!("all {count} extensions{detail}"),
            )
        }
        Target::These(_) => {
            for r in before {
                if let Some((kind, detail)) = event(r) {
                    ctx.log(w, kind, Some(&r.number), detail)?;
                }
            }
            Ok(())
        }
    }
}

/// The named extensions as they are before a change (none for `--all`).
fn before_change(w: &Writer<'_>, target: &Target) -> Result<Vec<ExtensionRecord>> {
    match target {
        Target::All => Ok(Vec::new()),
        Target::These(exts) => w.read().extensions(exts),
    }
}

pub fn enable(
    ctx: &mut Ctx<'_>,
    target: &Target,
    duration: Option<PinDuration>,
) -> Result<ExitCode> {
    let mut store = ctx.open_for_change()?;
    let (count, defaulted, fallback) = store.write(|w| {
        let fallback = w.read().settings()?.default_duration;
        let defaulted = match duration {
            Some(_) => 0,
            None => w.read().count_without_duration(target)?,
        };
        let before = before_change(w, target)?;
        let count = w.enable(target, duration, fallback)?;
        let all_detail = match duration {
            Some(d) => format!(", duration {d}"),
            None if defaulted > 0 => {
                format!(", default_duration {fallback} for {defaulted} without a duration")
            }
            None => String::new(),
        };
        log_change(
            ctx,
            w,
            target,
            &before,
            count,
            (EventKind::PinProtectEnabled, all_detail),
            |r| {
                let new = duration.or(r.protection.duration).unwrap_or(fallback);
                if !r.protection.enabled {
                    Some((EventKind::PinProtectEnabled, format!("duration {new}")))
                } else if r.protection.duration != Some(new) {
                    let old = human_duration(r.protection.duration.map(PinDuration::as_secs));
                    Some((EventKind::DurationChanged, format!("{old} -> {new}")))
                } else {
                    None
                }
            },
        )?;
        Ok((count, defaulted, fallback))
    })?;
    let how = match duration {
        Some(d) => format!(", duration {d}"),
        None => String::new(),
    };
    let defaults = match defaulted {
        0 => String::new(),
        _ if count == 1 => {
            format!("; no duration was stored, so it got default_duration {fallback}")
        }
        n => format!("; {n} had no duration stored and got default_duration {fallback}"),
    };
    ctx.console.info(format_args!(
        "pin protect on for {}{how}{defaults}",
        described(target, count)
    ));
    Ok(ExitCode::Success)
}

pub fn disable(ctx: &mut Ctx<'_>, target: &Target) -> Result<ExitCode> {
    let mut store = ctx.open_for_change()?;
    let count = store.write(|w| {
        let before = before_change(w, target)?;
        let count = w.disable(target)?;
        log_change(
            ctx,
            w,
            target,
            &before,
            count,
            (EventKind::PinProtectDisabled, String::new()),
            |r| {
                r.protection
                    .enabled
                    .then(|| (EventKind::PinProtectDisabled, String::new()))
            },
        )?;
        Ok(count)
    })?;
    ctx.console.info(format_args!(
        "pin protect off for {}",
        described(target, count)
    ));
    Ok(ExitCode::Success)
}

pub fn revoke(ctx: &mut Ctx<'_>, target: &Target) -> Result<ExitCode> {
    let mut store = ctx.open_for_change()?;
    let now = ctx.now;
    let (count, ended) = store.write(|w| {
        let before = before_change(w, target)?;
        let (ended, all_detail) = match target {
            Target::All => {
                let n = w.read().count_active_grants(now)?;
                let detail = format!(", {} ended", crate::text::plural(n, "running grant"));
                (Ended::Counted(n), detail)
            }
            Target::These(_) => {
                let running = before
                    .iter()
                    .filter(|r| r.protection.active_grant(now).is_some())
                    .map(|r| r.number.clone());
                (Ended::These(running.collect()), String::new())
            }
        };
        let count = w.revoke(target)?;
        log_change(
            ctx,
            w,
            target,
            &before,
            count,
            (EventKind::Revoke, all_detail),
            |r| {
                let g = r.protection.active_grant(now)?;
                Some((EventKind::Revoke, format!("grant until {} ended", g.until)))
            },
        )?;
        Ok((count, ended))
    })?;
    let message = match ended {
        Ended::Counted(0) => format!(
            "no grant was running, so none ended ({} checked)",
            described(target, count)
        ),
        Ended::Counted(n) => format!(
            "{} ended ({} checked)",
            crate::text::plural(n, "running grant"),
            described(target, count)
        ),
        Ended::These(exts) if exts.is_empty() => {
            format!(
                "no grant was running for {}, so none ended",
                described(target, count)
            )
        }
        Ended::These(exts) => {
            let idle = count - exts.len();
            let rest = match idle {
                0 => String::new(),
                n => format!("; {} had none", crate::text::plural(n as u64, "other")),
            };
            format!(
                "grant{} ended for {}{rest}",
                crate::text::s(exts.len()),
                described(&Target::These(exts), 0)
            )
        }
    };
    ctx.console.info(message);
    Ok(ExitCode::Success)
}

/// What `revoke` ended: a count for `--all`, else the extensions named
/// that had a grant running.
enum Ended {
    Counted(u64),
    These(Vec<Extension>),
}

pub fn reset_lockout(ctx: &mut Ctx<'_>, ext: &Extension) -> Result<ExitCode> {
    let mut store = ctx.open_for_change()?;
    let now = ctx.now;
    let before = store.write(|w| {
        let r = w.read().require(ext)?;
        w.set_pin_entry(ext, PinEntryState::default())?;
        let detail = match r.entry.locked_out(now) {
            Some(until) => format!("lockout until {until} cleared"),
            None => format!("{} wrong PINs forgotten", r.entry.failed_attempts),
        };
        ctx.log(w, EventKind::LockoutReset, Some(ext), detail)?;
        Ok(r.entry)
    })?;
    match before.locked_out(now) {
        Some(until) => ctx.console.info(format_args!(
            "cleared the lockout of extension {ext} (it would have ended at {})",
            crate::localtime::shown(until)
        )),
        None => ctx.console.info(format_args!(
            "extension {ext} was not locked out; its count of wrong PINs is reset"
        )),
    }
    Ok(ExitCode::Success)
}

/// The pin-protect part of a row, shared by `status` and `ext show|list`.
#[derive(Serialize)]
pub struct ProtectionView {
    pin_protect: bool,
    pin_protect_duration_s: Option<u32>,
    state: &'static str,
    #[serde(serialize_with = "rfc3339")]
    unlocked_until: Option<Timestamp>,
    #[serde(serialize_with = "rfc3339")]
    locked_out_until: Option<Timestamp>,
    /// The time the state is for: tables leave out its date.
    #[serde(skip)]
    now: Timestamp,
}

impl ProtectionView {
    /// Columns a table leaves out when no row shown has a value in them.
    pub const OPTIONAL: [&'static str; 2] = ["unlocked_until", "locked_out_until"];

    pub const HEADERS: [&'static str; 5] = [
        "pin_protect",
        "pin_protect_duration_s",
        "state",
        "unlocked_until",
        "locked_out_until",
    ];

    /// The state is `locked_out` while PIN entry is locked out, whatever
    /// the grant (a running grant still permits calls: see `unlocked_until`).
    pub fn new(r: &ExtensionRecord, now: Timestamp) -> Self {
        let p = &r.protection;
        let state = p.state(now);
        let locked_out = r.entry.locked_out(now);
        ProtectionView {
            pin_protect: p.enabled,
            pin_protect_duration_s: p.duration.map(PinDuration::as_secs),
            state: if locked_out.is_some() {
                "locked_out"
            } else {
                state.name()
            },
            unlocked_until: state.unlocked_until(),
            locked_out_until: locked_out,
            now,
        }
    }

    pub fn csv_fields(&self) -> [Cow<'_, str>; 5] {
        [
            bool_field(self.pin_protect),
            num_field(self.pin_protect_duration_s),
            self.state.into(),
            time_field(self.unlocked_until),
            time_field(self.locked_out_until),
        ]
    }

    /// Times in the zone people read, the date left out on the day of `now`.
    pub fn table_cells(&self) -> [String; 5] {
        let time = |t: Option<Timestamp>| {
            t.map(|t| crate::localtime::shown_near(t, self.now).to_string())
                .unwrap_or_default()
        };
        [
            on_off(self.pin_protect),
            human_duration(self.pin_protect_duration_s),
            self.state.into(),
            time(self.unlocked_until),
            time(self.locked_out_until),
        ]
    }
}

#[derive(Serialize)]
struct StatusRow<'a> {
    extension: &'a str,
    #[serde(flatten)]
    protection: ProtectionView,
}

impl Record for StatusRow<'_> {
    fn csv_fields(&self) -> Vec<Cow<'_, str>> {
        let mut v = vec![Cow::Borrowed(self.extension)];
        v.extend(self.protection.csv_fields());
        v
    }

    fn table_cells(&self) -> Vec<String> {
        let mut v = vec![self.extension.to_string()];
        v.extend(self.protection.table_cells());
        v
    }
}

pub fn status(ctx: &mut Ctx<'_>, exts: &[Extension], format: Format) -> Result<ExitCode> {
    let mut headers = vec!["extension"];
    headers.extend(ProtectionView::HEADERS);
    let store = ctx.open()?;
    list_records(
        ctx,
        &store,
        &Target::of(exts),
        format,
        headers,
        &ProtectionView::OPTIONAL,
        |w, r, now| {
            w.write(&StatusRow {
                extension: r.number.as_str(),
                protection: ProtectionView::new(&r, now),
            })
        },
    )
}
