//! `pinprotect enable|disable|revoke|status`: pin protect on and off, and
//! where each extension stands.

use std::borrow::Cow;

use serde::Serialize;

use super::{Ctx, list_records};
use crate::error::{Error, ExitCode, ExtList, Result};
use crate::output::{Format, Record, bool_field, human_duration, num_field, on_off, opt_field};
use crate::policy::{Extension, PinDuration, Protection, Timestamp};
use crate::store::Target;

fn described(target: &Target, count: usize) -> String {
    match target {
        Target::All => format!("all {count} extension{}", if count == 1 { "" } else { "s" }),
        Target::These(exts) => {
            let mut unique: Vec<Extension> = Vec::new();
            for e in exts {
                if !unique.contains(e) {
                    unique.push(e.clone());
                }
            }
            format!(
                "extension{} {}",
                if unique.len() == 1 { "" } else { "s" },
                ExtList(&unique)
            )
        }
    }
}

pub fn enable(
    ctx: &mut Ctx<'_>,
    target: &Target,
    duration: Option<PinDuration>,
) -> Result<ExitCode> {
    let mut store = ctx.open()?;
    let count = store.write(|w| {
        if duration.is_none() {
            let missing = w.read().without_duration(target)?;
            if !missing.is_empty() {
                return Err(Error::invalid_with_hint(
                    format!("no pin protect duration stored for {}", ExtList(&missing)),
                    "give one with --duration, e.g. --duration 15m",
                ));
            }
        }
        w.enable(target, duration)
    })?;
    let how = match duration {
        Some(d) => format!(", duration {d}"),
        None => String::new(),
    };
    ctx.console.info(format_args!(
        "pin protect on for {}{how}",
        described(target, count)
    ));
    Ok(ExitCode::Success)
}

pub fn disable(ctx: &mut Ctx<'_>, target: &Target) -> Result<ExitCode> {
    let mut store = ctx.open()?;
    let count = store.write(|w| w.disable(target))?;
    ctx.console.info(format_args!(
        "pin protect off for {}",
        described(target, count)
    ));
    Ok(ExitCode::Success)
}

pub fn revoke(ctx: &mut Ctx<'_>, target: &Target) -> Result<ExitCode> {
    let mut store = ctx.open()?;
    let count = store.write(|w| w.revoke(target))?;
    ctx.console.info(format_args!(
        "grants ended for {}",
        described(target, count)
    ));
    Ok(ExitCode::Success)
}

/// The pin-protect part of a row, shared by `status` and `ext show|list`.
#[derive(Serialize)]
pub struct ProtectionView {
    pin_protect: bool,
    pin_protect_duration_s: Option<u32>,
    state: &'static str,
    unlocked_until: Option<String>,
}

impl ProtectionView {
    pub const HEADERS: [&'static str; 4] = [
        "pin_protect",
        "pin_protect_duration_s",
        "state",
        "unlocked_until",
    ];

    pub fn new(p: &Protection, now: Timestamp) -> Self {
        let state = p.state(now);
        ProtectionView {
            pin_protect: p.enabled,
            pin_protect_duration_s: p.duration.map(PinDuration::as_secs),
            state: state.name(),
            unlocked_until: state.unlocked_until().map(Timestamp::to_rfc3339),
        }
    }

    pub fn csv_fields(&self) -> [Cow<'_, str>; 4] {
        [
            bool_field(self.pin_protect),
            num_field(self.pin_protect_duration_s),
            self.state.into(),
            opt_field(self.unlocked_until.as_ref()),
        ]
    }

    pub fn table_cells(&self) -> [String; 4] {
        [
            on_off(self.pin_protect),
            human_duration(self.pin_protect_duration_s),
            self.state.into(),
            self.unlocked_until.clone().unwrap_or_default(),
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
    list_records(ctx, &Target::of(exts), format, headers, |w, r, now| {
        w.write(&StatusRow {
            extension: r.number.as_str(),
            protection: ProtectionView::new(&r.protection, now),
        })
    })
}
