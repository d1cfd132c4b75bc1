//! `pinprotect settings`: the policy, shown and changed.

use std::borrow::Cow;

use serde::Serialize;

use super::Ctx;
use std::io::Write;

use crate::error::{Error, ExitCode, IoContext, Result};
use crate::events::EventKind;
use crate::output::{Format, Record, write_one};
use crate::policy::Extension;
use crate::settings::{KEYS, Settings, Typed};

/// All settings as one record: an object of typed values in JSON, one row
/// of text in CSV.
struct SettingsRecord(Vec<(&'static str, String, Typed)>);

impl Serialize for SettingsRecord {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, _, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Record for SettingsRecord {
    fn csv_fields(&self) -> Vec<Cow<'_, str>> {
        self.0
            .iter()
            .map(|(_, v, _)| Cow::Borrowed(v.as_str()))
            .collect()
    }

    fn table_cells(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|(_, v, _)| {
                if v.is_empty() {
                    "(none)".to_string()
                } else {
                    v.clone()
                }
            })
            .collect()
    }
}

fn record(settings: &Settings) -> SettingsRecord {
    SettingsRecord(
        KEYS.iter()
            .map(|k| {
                let typed = settings.typed(k).expect("every key has a value");
                (*k, settings.get(k).unwrap_or_default(), typed)
            })
            .collect(),
    )
}

/// Every setting: in a table each under the key `settings set` takes.
pub fn show(ctx: &mut Ctx<'_>, format: Format) -> Result<ExitCode> {
    let store = ctx.open()?;
    let settings = store.read().settings()?;
    let record = record(&settings);
    if format != Format::Table {
        let tty = ctx.console.stdout_is_terminal();
        write_one(format, &KEYS, &record, ctx.console.out(), tty)?;
        return Ok(ExitCode::Success);
    }
    let width = KEYS.iter().map(|k| k.len()).max().unwrap_or(0) + 2;
    let out = ctx.console.out();
    for (key, value) in KEYS.iter().zip(record.table_cells()) {
        writeln!(out, "{key:width$}{}", crate::text::escaped(&value)).writing_output()?;
    }
    Ok(ExitCode::Success)
}

/// `settings get KEY`: the value alone, as `settings set` takes it (an
/// empty line for an empty outbound_prefix).
pub fn get(ctx: &mut Ctx<'_>, key: &str) -> Result<ExitCode> {
    let store = ctx.open()?;
    let settings = store.read().settings()?;
    let value = settings.get(key).ok_or_else(|| {
        Error::invalid_with_hint(
            crate::settings::unknown_key(key).0,
            "`pinprotect settings show` lists every setting under its key",
        )
    })?;
    writeln!(ctx.console.out(), "{}", crate::text::escaped(&value)).writing_output()?;
    Ok(ExitCode::Success)
}

pub fn set(ctx: &mut Ctx<'_>, key: &str, value: &str) -> Result<ExitCode> {
    let mut store = ctx.open_for_change()?;
    let (old, new) = store.write(|w| {
        let mut settings = w.read().settings()?;
        let old = settings.get(key).unwrap_or_default();
        settings.set(key, value).map_err(|e| {
            Error::invalid_with_hint(
                e.0,
                "`pinprotect settings show` lists every setting under its key, with its value",
            )
        })?;
        if key == "feature_code" {
            if let Ok(ext) = settings.plan.feature_code.as_str().parse::<Extension>() {
                if w.read().exists(&ext)? {
                    return Err(Error::invalid_with_hint(
                        format!("extension {ext} exists, so {ext} cannot be the feature code"),
                        "choose a feature code that is not an extension number",
                    ));
                }
            }
        }
        if matches!(key, "emergency_numbers" | "outbound_prefix") {
            for ext in settings.plan.emergency_extensions() {
                if w.read().exists(&ext)? {
                    return Err(Error::invalid_with_hint(
                        format!(
                            "extension {ext} exists, so {key} {} would make it an emergency number",
                            crate::text::shown(value.trim())
                        ),
                        "remove or renumber that extension first, or leave its number out",
                    ));
                }
            }
        }
        let new = settings.get(key).unwrap_or_default();
        w.set_setting(key, &new)?;
        if new != old {
            ctx.log(
                w,
                EventKind::SettingsChanged,
                None,
                format_args!("{key}: '{old}' -> '{new}'"),
            )?;
        }
        Ok((old, new))
    })?;
    if let Some(warning) = crate::settings::sound_warning(key, &new) {
        ctx.console.warn(warning);
    }
    if old == new {
        ctx.console.info(format_args!("{key} is '{new}' already"));
    } else {
        ctx.console.info(format_args!("{key}: '{old}' -> '{new}'"));
    }
    Ok(ExitCode::Success)
}
