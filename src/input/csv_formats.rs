//! The CSV formats: pinprotect's own, 3CX's bulk extension file (v20 and
//! v15/v16) and FreePBX's Bulk Handler extensions file.

use super::{CrlfToLf, Incoming, RowError, Sink, cell, split_full_name};
use crate::error::{Error, Result};
use crate::output::Delimiter;
use crate::records::FieldEdit;
use crate::records::{COLUMNS, Column, EXPORT_COLUMNS};
use std::io::{BufRead, Read};

/// The 3CX v20 bulk extension header, in its published order.
pub const THREECX_V20_HEADER: [&str; 54] = [
    "Number",
    "FirstName",
    "LastName",
    "EmailAddress",
    "MobileNumber",
    "OutboundCallerID",
    "DID",
    "Role",
    "Department",
    "ClickToCallAuth",
    "WMApprove",
    "WebMeetingFriendlyName",
    "MAC",
    "Template",
    "Model",
    "Router",
    "Language",
    "Ringtone",
    "QRingtone",
    "VMEnable",
    "VMLanguage",
    "VMPlayMsgDateTime",
    "VMPIN",
    "VMEmailOptions",
    "VMNoPin",
    "VMPlayCallerID",
    "RecordCalls",
    "RecordExternal",
    "RecordCanSee",
    "RecordCanDelete",
    "RecordStartStop",
    "RecordNotify",
    "Disabled",
    "HideFWrules",
    "DisableExternalCalls",
    "HideInPhonebook",
    "CallScreening",
    "PinProtected",
    "PinTimeout",
    "Transcription",
    "AllowLanOnly",
    "SIPID",
    "DeliverAudio",
    "HotDesk",
    "SRTPMode",
    "EmailMissedCalls",
    "MS365SignInDisabled",
    "MS365CalendarDisabled",
    "MS365ContactsDisabled",
    "MS365TeamsDisabled",
    "GoogleSignInDisabled",
    "GoogleContactsDisabled",
    "GoogleCalendarDisabled",
    "BLF",
];

/// Positions of the columns pinprotect fills in [`THREECX_V20_HEADER`].
pub mod v20 {
    pub const NUMBER: usize = 0;
    pub const FIRST_NAME: usize = 1;
    pub const LAST_NAME: usize = 2;
    pub const EMAIL: usize = 3;
    pub const VMPIN: usize = 22;
    pub const PIN_PROTECTED: usize = 37;
    pub const PIN_TIMEOUT: usize = 38;
}

/// How every 3CX bulk CSV header begins.
pub(super) const THREECX_PREFIX: &str = "Number,FirstName,LastName,EmailAddress,";

/// Columns of a FreePBX Bulk Handler extensions CSV that no other format
/// has: a header with `extension` and one of these is FreePBX's.
pub(super) const FREEPBX_MARKERS: [&str; 8] = [
    "name",
    "tech",
    "password",
    "secret",
    "voicemail",
    "voicemail_enable",
    "voicemail_vmpwd",
    "voicemail_email",
];

/// A header line with `extension` and a column only FreePBX writes.
pub(super) fn is_freepbx_header(line: &str) -> bool {
    let names: Vec<String> = line
        .split(',')
        .map(|h| h.trim().trim_matches('"').trim().to_ascii_lowercase())
        .collect();
    names.iter().any(|n| n == "extension")
        && names.iter().any(|n| FREEPBX_MARKERS.contains(&n.as_str()))
}

pub(super) fn csv_error_line(e: &::csv::Error) -> u64 {
    e.position().map_or(0, |p| p.line())
}

/// A CSV error in plain words, without the library's positions (the line
/// is reported with it).
pub(super) fn csv_error_text(e: &::csv::Error) -> String {
    match e.kind() {
        ::csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "this row has {len} field{}, the header has {expected_len}",
            crate::text::s(*len)
        ),
        ::csv::ErrorKind::Utf8 { err, .. } => format!(
            "field {} is not UTF-8 text (save the file as UTF-8)",
            err.field() + 1
        ),
        _ => "this row is not valid CSV".to_string(),
    }
}

/// A CSV reader with a header; every record must have the header's width.
pub(super) fn csv_reader<R: BufRead>(input: R, delimiter: Delimiter) -> ::csv::Reader<CrlfToLf<R>> {
    let input = CrlfToLf { inner: input };
    ::csv::ReaderBuilder::new()
        .delimiter(delimiter.byte())
        .has_headers(true)
        .flexible(false)
        .from_reader(input)
}

/// A CSV reader's I/O error, as reading the input failing.
fn read_error(e: ::csv::Error) -> Error {
    let text = e.to_string();
    match e.into_kind() {
        ::csv::ErrorKind::Io(io) => super::read_error(io),
        _ => Error::invalid(format!("cannot read the input: {text}")),
    }
}

pub(super) fn headers_of<R: Read>(reader: &mut ::csv::Reader<R>) -> Result<Vec<String>> {
    let headers = reader.headers().map_err(|e| match e.kind() {
        ::csv::ErrorKind::Io(_) => read_error(e),
        _ => Error::invalid(format!(
            "line 1: cannot read the CSV header: {}",
            csv_error_text(&e)
        )),
    })?;
    // Header names match in any case (`Extension` is `extension`).
    Ok(headers
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect())
}

pub(super) fn parse_bool(
    line: u64,
    column: &str,
    value: &str,
) -> std::result::Result<Option<bool>, RowError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "true" | "1" => Ok(Some(true)),
        "false" | "0" => Ok(Some(false)),
        other => Err(RowError::new(
            line,
            format!(
                "{column}: '{}' is not true/false or 1/0",
                crate::text::shown(other)
            ),
        )),
    }
}

pub(super) fn parse_secs(
    line: u64,
    column: &str,
    value: &str,
) -> std::result::Result<FieldEdit<i64>, RowError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(FieldEdit::Clear);
    }
    v.parse::<i64>().map(FieldEdit::Set).map_err(|_| {
        RowError::new(
            line,
            format!(
                "{column}: '{}' is not a whole number of seconds",
                crate::text::shown(v)
            ),
        )
    })
}

/// Reads the records after the header, calling `row` with each record and
/// its line to make an [`Incoming`]; a malformed record is reported and
/// skipped.
pub(super) fn for_each_csv_record<R: Read>(
    mut reader: ::csv::Reader<R>,
    sink: &mut Sink<'_>,
    mut row: impl FnMut(&::csv::StringRecord, u64) -> std::result::Result<Incoming, RowError>,
) -> Result<()> {
    let mut record = ::csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                sink(row(&record, line))?;
            }
            Err(e) if matches!(e.kind(), ::csv::ErrorKind::Io(_)) => return Err(read_error(e)),
            Err(e) => sink(Err(RowError::new(csv_error_line(&e), csv_error_text(&e))))?,
        }
    }
}

/// The CSV that `pinprotect export` writes, columns in any order.
pub(super) fn read_own_csv(
    input: impl BufRead,
    delimiter: Delimiter,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let mut reader = csv_reader(input, delimiter);
    let headers = headers_of(&mut reader)?;
    // Which column of the file each of ours is in.
    let mut index = [None; COLUMNS.len()];
    for (i, h) in headers.iter().enumerate() {
        match Column::by_key(h) {
            Some(c) if index[c.index()].is_some() => {
                return Err(Error::invalid(format!(
                    "line 1: the column '{h}' appears twice"
                )));
            }
            Some(c) => index[c.index()] = Some(i),
            None if headers.len() == 1 && h.contains(';') => {
                return Err(Error::invalid_with_hint(
                    "line 1: the header is one column with ';' in it: the file is separated by semicolons",
                    "pass --delimiter ';' to read it as it is",
                ));
            }
            None => {
                return Err(Error::invalid_with_hint(
                    format!("line 1: unknown column '{}'", crate::text::shown(h)),
                    format!(
                        "the columns are those of `pinprotect export`: {}",
                        EXPORT_COLUMNS.join(",")
                    ),
                ));
            }
        }
    }
    let Some(ext_col) = index[Column::Number.index()] else {
        return Err(Error::invalid("line 1: the column 'extension' is missing"));
    };
    for_each_csv_record(reader, sink, |record, line| {
        let mut inc = Incoming::new(line, record[ext_col].trim().to_owned());
        for def in &COLUMNS {
            let Some(i) = index[def.column.index()] else {
                continue;
            };
            let v = &record[i];
            let key = def.key.unwrap_or(def.name);
            match def.column {
                Column::Number => {}
                Column::FirstName => inc.first_name = cell(v),
                Column::LastName => inc.last_name = cell(v),
                Column::Email => inc.email = cell(v),
                Column::VoicemailPin => inc.voicemail_pin = cell(v.trim()),
                Column::PinProtect => inc.pin_protect = parse_bool(line, key, v)?,
                Column::Duration => inc.duration_s = parse_secs(line, key, v)?,
                Column::VoicemailOptions => inc.voicemail_options = cell(v),
                // Grants are runtime state: an exported one is ignored.
                Column::UnlockedUntil => {}
                // Never exported, so never in the header.
                Column::GrantedAt | Column::FailedAttempts | Column::LockedOutUntil => {}
            }
        }
        Ok(inc)
    })
}

/// A 3CX bulk extension CSV, v20 (VMPIN, PinProtected, PinTimeout) or
/// v15/v16 (PIN, PinProtect). Other columns are ignored.
pub(super) fn read_3cx(
    input: impl BufRead,
    delimiter: Delimiter,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let mut reader = csv_reader(input, delimiter);
    let headers = headers_of(&mut reader)?;
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(number), Some(first), Some(last), Some(email)) = (
        col("Number"),
        col("FirstName"),
        col("LastName"),
        col("EmailAddress"),
    ) else {
        return Err(Error::invalid(
            "line 1: not a 3CX bulk extension header (Number, FirstName, LastName, EmailAddress)",
        ));
    };
    let (pin, protect, timeout) = match (
        col("VMPIN"),
        col("PinProtected"),
        col("PIN"),
        col("PinProtect"),
    ) {
        (Some(pin), Some(protect), _, _) => (pin, protect, col("PinTimeout")),
        (_, _, Some(pin), Some(protect)) => (pin, protect, None),
        _ => {
            return Err(Error::invalid(
                "line 1: a 3CX header needs VMPIN and PinProtected (v20) or PIN and PinProtect (v15/v16)",
            ));
        }
    };
    for_each_csv_record(reader, sink, |record, line| {
        let mut inc = Incoming::new(line, record[number].trim().to_owned());
        inc.first_name = cell(&record[first]);
        inc.last_name = cell(&record[last]);
        inc.email = cell(record[email].trim());
        // An empty PIN cell means "no PIN given": keep it, or generate one.
        let pin_cell = record[pin].trim();
        inc.voicemail_pin = if pin_cell.is_empty() {
            FieldEdit::Keep
        } else {
            FieldEdit::Set(pin_cell.to_owned())
        };
        inc.pin_protect = Some(parse_bool(line, "PinProtect", &record[protect])?.unwrap_or(false));
        // 3CX writes 0 or nothing for extensions without a timeout: keep ours.
        inc.duration_s = match timeout {
            Some(t) => match parse_secs(line, "PinTimeout", &record[t])? {
                FieldEdit::Set(0) | FieldEdit::Clear | FieldEdit::Keep => FieldEdit::Keep,
                set => set,
            },
            None => FieldEdit::Keep,
        };
        Ok(inc)
    })
}

/// A FreePBX Bulk Handler extensions CSV (Admin > Bulk Handler > Export
/// Extensions): columns by name in any order; `extension` is needed, `name`,
/// `voicemail_enable`, `voicemail_vmpwd`, `voicemail_email` and
/// `voicemail` are read, the rest ignored. A row whose voicemail is off (or
/// that has no PIN) gives no PIN: a new extension gets a generated one, an
/// existing one keeps its own.
pub(super) fn read_freepbx(
    input: impl BufRead,
    delimiter: Delimiter,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let mut reader = csv_reader(input, delimiter);
    let headers = headers_of(&mut reader)?;
    let col = |name: &str| headers.iter().position(|h| h == name);
    let Some(number) = col("extension") else {
        return Err(Error::invalid(
            "line 1: not a FreePBX Bulk Handler extensions header: the column 'extension' is missing",
        ));
    };
    let (name, enable, pwd, email, context) = (
        col("name"),
        col("voicemail_enable"),
        col("voicemail_vmpwd"),
        col("voicemail_email"),
        col("voicemail"),
    );
    for_each_csv_record(reader, sink, |record, line| {
        let mut inc = Incoming::new(line, record[number].trim().to_owned());
        if let Some(n) = name {
            (inc.first_name, inc.last_name) = split_full_name(&record[n]);
        }
        // FreePBX writes `yes` for a mailbox and leaves the cell empty
        // without one; its `voicemail` column says `novm` for none.
        let voicemail_on = match enable.map(|i| record[i].trim().to_ascii_lowercase()) {
            Some(v) => matches!(v.as_str(), "yes" | "y" | "true" | "1" | "on" | "enabled"),
            None => context.is_none_or(|i| !record[i].trim().eq_ignore_ascii_case("novm")),
        };
        let pin = pwd.map_or("", |i| record[i].trim());
        inc.voicemail_pin = if voicemail_on && !pin.is_empty() {
            FieldEdit::Set(pin.to_owned())
        } else {
            FieldEdit::Keep
        };
        if let Some(e) = email {
            inc.email = cell(record[e].trim());
        }
        Ok(inc)
    })
}
