//! Reading extensions from files, one record at a time: pinprotect's own
//! CSV, JSON and JSON lines, the 3CX bulk extension CSV (v20 and v15/v16),
//! the FreePBX Bulk Handler extensions CSV, and Asterisk `voicemail.conf`
//! mailbox lines.
//!
//! Readers turn text into [`Incoming`] records, which say what the file
//! gives for each field; [`Incoming::validate`] turns them into typed
//! [`ImportRecord`]s with the same rules as `ext add`.

use std::cell::Cell;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::path::Path;
use std::rc::Rc;

use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::policy::{DialPlan, Email, Extension, Name, Pin, PinDuration};
use crate::records::FieldEdit;
use crate::records::{COLUMNS, Column, EXPORT_COLUMNS};

/// The import formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Csv,
    Json,
    Jsonl,
    ThreeCx,
    FreePbx,
    VoicemailConf,
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InputFormat::Csv => "csv",
            InputFormat::Json => "json",
            InputFormat::Jsonl => "jsonl",
            InputFormat::ThreeCx => "3cx",
            InputFormat::FreePbx => "freepbx",
            InputFormat::VoicemailConf => "voicemail-conf",
        })
    }
}

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
const THREECX_PREFIX: &str = "Number,FirstName,LastName,EmailAddress,";

/// Columns of a FreePBX Bulk Handler extensions CSV that no other format
/// has: a header with `extension` and one of these is FreePBX's.
const FREEPBX_MARKERS: [&str; 8] = [
    "name",
    "tech",
    "password",
    "secret",
    "voicemail",
    "voicemail_enable",
    "voicemail_vmpwd",
    "voicemail_email",
];

/// A problem with one record (or with the file at a line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub message: String,
}

impl RowError {
    /// A problem; the message is escaped and cut, since it may quote input.
    fn new(line: u64, message: impl Into<String>) -> Self {
        RowError {
            line,
            message: crate::text::message(&message.into()).to_string(),
        }
    }
}

/// The longest line an import reads: a longer one stops the import.
pub const MAX_LINE_BYTES: u64 = 1024 * 1024;

/// Passes bytes through until a line grows longer than [`MAX_LINE_BYTES`],
/// then fails with an error naming the line, so that no line is ever held
/// in memory whole.
pub struct LineLimit<R> {
    inner: R,
    line: u64,
    in_line: u64,
}

impl<R> LineLimit<R> {
    pub fn new(inner: R) -> Self {
        LineLimit {
            inner,
            line: 1,
            in_line: 0,
        }
    }
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if b == b'\n' {
                self.line += 1;
                self.in_line = 0;
            } else {
                self.in_line += 1;
                if self.in_line > MAX_LINE_BYTES {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "line {} is longer than {} MiB; the import stops there",
                            self.line,
                            MAX_LINE_BYTES / (1024 * 1024)
                        ),
                    ));
                }
            }
        }
        Ok(n)
    }
}

/// One record as the file gives it. `Keep` means the file has no such
/// field, `Clear` that it has the field and it is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    pub line: u64,
    pub extension: String,
    pub first_name: FieldEdit<String>,
    pub last_name: FieldEdit<String>,
    pub email: FieldEdit<String>,
    pub voicemail_pin: FieldEdit<String>,
    pub pin_protect: Option<bool>,
    pub duration_s: FieldEdit<i64>,
}

impl Incoming {
    fn new(line: u64, extension: String) -> Self {
        Incoming {
            line,
            extension,
            first_name: FieldEdit::Keep,
            last_name: FieldEdit::Keep,
            email: FieldEdit::Keep,
            voicemail_pin: FieldEdit::Keep,
            pin_protect: None,
            duration_s: FieldEdit::Keep,
        }
    }
}

/// A validated record, ready for the store.
#[derive(Debug, Clone)]
pub struct ImportRecord {
    pub line: u64,
    pub number: Extension,
    pub first_name: FieldEdit<Name>,
    pub last_name: FieldEdit<Name>,
    pub email: FieldEdit<Email>,
    /// `Keep` and `Clear` both mean "no PIN given".
    pub pin: FieldEdit<Pin>,
    pub pin_protect: Option<bool>,
    pub duration: FieldEdit<PinDuration>,
}

fn text_field<T: std::str::FromStr<Err = crate::policy::ParseError>>(
    what: &str,
    f: FieldEdit<String>,
    problems: &mut Vec<String>,
) -> FieldEdit<T> {
    match f {
        FieldEdit::Keep => FieldEdit::Keep,
        FieldEdit::Clear => FieldEdit::Clear,
        FieldEdit::Set(s) if s.is_empty() => FieldEdit::Clear,
        FieldEdit::Set(s) => match s.parse() {
            Ok(v) => FieldEdit::Set(v),
            Err(e) => {
                problems.push(format!("{what}: {e}"));
                FieldEdit::Keep
            }
        },
    }
}

impl Incoming {
    /// Applies the rules of `ext add` to every field; all problems of the
    /// record are reported together.
    pub fn validate(self, plan: &DialPlan) -> std::result::Result<ImportRecord, RowError> {
        let mut problems = Vec::new();
        let number = match self
            .extension
            .parse::<Extension>()
            .and_then(|n| plan.check_extension(&n).map(|()| n))
        {
            Ok(n) => Some(n),
            Err(e) => {
                problems.push(e.0);
                None
            }
        };
        let first_name = text_field::<Name>("first name", self.first_name, &mut problems);
        let last_name = text_field::<Name>("last name", self.last_name, &mut problems);
        let email = text_field::<Email>("e-mail", self.email, &mut problems);
        let pin = match self.voicemail_pin {
            FieldEdit::Set(s) if !s.is_empty() => match s.parse::<Pin>() {
                Ok(p) => FieldEdit::Set(p),
                Err(e) => {
                    let mut m = format!("voicemail PIN: {e}");
                    if s.len() < Pin::MIN_LEN && s.bytes().all(|b| b.is_ascii_digit()) {
                        m.push_str(" (did a spreadsheet drop its leading zeros?)");
                    }
                    problems.push(m);
                    FieldEdit::Keep
                }
            },
            FieldEdit::Keep => FieldEdit::Keep,
            FieldEdit::Set(_) | FieldEdit::Clear => FieldEdit::Clear,
        };
        let duration = match self.duration_s {
            FieldEdit::Keep => FieldEdit::Keep,
            FieldEdit::Clear => FieldEdit::Clear,
            FieldEdit::Set(s) => match PinDuration::from_secs(s) {
                Ok(d) => FieldEdit::Set(d),
                Err(e) => {
                    problems.push(format!("pin_protect_duration_s: {e}"));
                    FieldEdit::Keep
                }
            },
        };
        match (number, problems.is_empty()) {
            (Some(number), true) => Ok(ImportRecord {
                line: self.line,
                number,
                first_name,
                last_name,
                email,
                pin,
                pin_protect: self.pin_protect,
                duration,
            }),
            _ => Err(RowError::new(self.line, problems.join("; "))),
        }
    }
}

/// Counts the newlines that pass through, for line numbers in JSON.
struct LineCounter<R> {
    inner: R,
    newlines: Rc<Cell<u64>>,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let lines = buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        self.newlines.set(self.newlines.get() + lines);
        Ok(n)
    }
}

/// Turns CRLF line endings into LF, so that the CSV reader's line numbers
/// are right for files from Windows and 3CX (a lone CR stays).
struct CrlfToLf<R> {
    inner: R,
}

impl<R: BufRead> Read for CrlfToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut out = 0;
        while out < buf.len() {
            let data = self.inner.fill_buf()?;
            if data.is_empty() {
                break;
            }
            if data[0] == b'\r' {
                if data.len() == 1 {
                    // The CR ends the buffered data: look at the next byte.
                    if out > 0 {
                        break;
                    }
                    self.inner.consume(1);
                    let next = self.inner.fill_buf()?;
                    if next.first() == Some(&b'\n') {
                        self.inner.consume(1);
                        buf[out] = b'\n';
                    } else {
                        buf[out] = b'\r';
                    }
                    out += 1;
                    continue;
                }
                let skip = usize::from(data[1] == b'\n');
                self.inner.consume(skip);
                let data = self.inner.fill_buf()?;
                buf[out] = data[0];
                self.inner.consume(1);
                out += 1;
                continue;
            }
            // Copy up to the next CR.
            let n = data
                .iter()
                .take(buf.len() - out)
                .position(|&b| b == b'\r')
                .unwrap_or_else(|| data.len().min(buf.len() - out));
            buf[out..out + n].copy_from_slice(&data[..n]);
            self.inner.consume(n);
            out += n;
        }
        Ok(out)
    }
}

/// What a reader calls for every record: `Ok` records and `Err` problems.
/// Returning an error stops the reading (a database failure, say).
pub type Sink<'a> = dyn FnMut(std::result::Result<Incoming, RowError>) -> Result<()> + 'a;

/// Picks the format from the file name and the first bytes of the input.
pub fn detect(path: Option<&Path>, head: &[u8]) -> InputFormat {
    let ext = path
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("json") => return InputFormat::Json,
        Some("jsonl" | "ndjson") => return InputFormat::Jsonl,
        Some("conf") => return InputFormat::VoicemailConf,
        _ => {}
    }
    let text = String::from_utf8_lossy(head);
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if first.starts_with(THREECX_PREFIX) {
        InputFormat::ThreeCx
    } else if is_freepbx_header(first) {
        InputFormat::FreePbx
    } else if first.starts_with('{') {
        InputFormat::Jsonl
    } else if first.starts_with(';') || first.contains("=>") || is_section_header(first) {
        InputFormat::VoicemailConf
    } else if first.starts_with('[') {
        InputFormat::Json
    } else {
        InputFormat::Csv
    }
}

/// A header line with `extension` and a column only FreePBX writes.
fn is_freepbx_header(line: &str) -> bool {
    let names: Vec<String> = line
        .split(',')
        .map(|h| h.trim().trim_matches('"').trim().to_ascii_lowercase())
        .collect();
    names.iter().any(|n| n == "extension")
        && names.iter().any(|n| FREEPBX_MARKERS.contains(&n.as_str()))
}

fn is_section_header(line: &str) -> bool {
    line.strip_prefix('[')
        .and_then(|l| l.strip_suffix(']'))
        .is_some_and(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        })
}

/// Reads every record of `input` in `format`, calling `sink` for each.
pub fn read_records(format: InputFormat, input: impl BufRead, sink: &mut Sink<'_>) -> Result<()> {
    read_records_with(format, input, &VoicemailConf::default(), sink)
}

/// [`read_records`], with where a voicemail.conf comes from and which of
/// its contexts to read.
pub fn read_records_with(
    format: InputFormat,
    input: impl BufRead,
    conf: &VoicemailConf,
    sink: &mut Sink<'_>,
) -> Result<()> {
    match format {
        InputFormat::Csv => read_own_csv(input, sink),
        InputFormat::ThreeCx => read_3cx(input, sink),
        InputFormat::FreePbx => read_freepbx(input, sink),
        InputFormat::Json => read_json(input, sink),
        InputFormat::Jsonl => read_jsonl(input, sink),
        InputFormat::VoicemailConf => read_voicemail_conf(input, conf, sink),
    }
}

fn read_error(e: io::Error) -> Error {
    Error::invalid(format!("cannot read the input: {e}"))
}

fn csv_error_line(e: &csv::Error) -> u64 {
    e.position().map_or(0, |p| p.line())
}

/// A CSV error in plain words, without the library's positions (the line
/// is reported with it).
fn csv_error_text(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "this row has {len} field{}, the header has {expected_len}",
            if *len == 1 { "" } else { "s" }
        ),
        csv::ErrorKind::Utf8 { err, .. } => format!(
            "field {} is not UTF-8 text (save the file as UTF-8)",
            err.field() + 1
        ),
        _ => "this row is not valid CSV".to_string(),
    }
}

/// A CSV reader with a header; every record must have the header's width.
fn csv_reader<R: BufRead>(input: R) -> csv::Reader<CrlfToLf<R>> {
    let input = CrlfToLf { inner: input };
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(input)
}

fn headers_of<R: Read>(reader: &mut csv::Reader<R>) -> Result<Vec<String>> {
    let headers = reader.headers().map_err(|e| match e.kind() {
        csv::ErrorKind::Io(_) => Error::invalid(format!("cannot read the input: {e}")),
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

fn parse_bool(line: u64, column: &str, value: &str) -> std::result::Result<Option<bool>, RowError> {
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

fn parse_secs(
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

fn cell(value: &str) -> FieldEdit<String> {
    if value.is_empty() {
        FieldEdit::Clear
    } else {
        FieldEdit::Set(value.to_owned())
    }
}

/// Reads the records after the header, calling `row` with each record and
/// its line to make an [`Incoming`]; a malformed record is reported and
/// skipped.
fn for_each_csv_record<R: Read>(
    mut reader: csv::Reader<R>,
    sink: &mut Sink<'_>,
    mut row: impl FnMut(&csv::StringRecord, u64) -> std::result::Result<Incoming, RowError>,
) -> Result<()> {
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                sink(row(&record, line))?;
            }
            Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => {
                return Err(Error::invalid(format!("cannot read the input: {e}")));
            }
            Err(e) => sink(Err(RowError::new(csv_error_line(&e), csv_error_text(&e))))?,
        }
    }
}

/// The CSV that `pinprotect export` writes, columns in any order.
fn read_own_csv(input: impl BufRead, sink: &mut Sink<'_>) -> Result<()> {
    let mut reader = csv_reader(input);
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
                    "pinprotect reads comma-separated files: save the file as CSV with commas (in a spreadsheet, choose comma as the separator)",
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
fn read_3cx(input: impl BufRead, sink: &mut Sink<'_>) -> Result<()> {
    let mut reader = csv_reader(input);
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

/// A full name split at its last space into first and last name
/// ("Anna van der Berg" is "Anna van der" and "Berg"); one word is a first
/// name, nothing clears both.
fn split_full_name(full: &str) -> (FieldEdit<String>, FieldEdit<String>) {
    let full = full.trim();
    let (first, last) = match full.rsplit_once(' ') {
        Some((f, l)) => (f.trim_end(), l),
        None => (full, ""),
    };
    (cell(first), cell(last))
}

/// A FreePBX Bulk Handler extensions CSV (Admin > Bulk Handler > Export
/// Extensions): columns by name in any order; `extension` is needed, `name`,
/// `voicemail_enable`, `voicemail_vmpwd`, `voicemail_email` and
/// `voicemail` are read, the rest ignored. A row whose voicemail is off (or
/// that has no PIN) gives no PIN: a new extension gets a generated one, an
/// existing one keeps its own.
fn read_freepbx(input: impl BufRead, sink: &mut Sink<'_>) -> Result<()> {
    let mut reader = csv_reader(input);
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

/// One JSON object as `pinprotect export` writes it, keys in any order.
fn incoming_from_json(line: u64, value: Value) -> std::result::Result<Incoming, RowError> {
    let Value::Object(map) = value else {
        return Err(RowError::new(
            line,
            "expected an object with an \"extension\" key",
        ));
    };
    from_json_map(line, map)
}

fn from_json_map(line: u64, map: Map<String, Value>) -> std::result::Result<Incoming, RowError> {
    let mut problems = Vec::new();
    for key in map.keys() {
        if !EXPORT_COLUMNS.contains(&key.as_str()) {
            problems.push(format!("unknown key \"{}\"", crate::text::shown(key)));
        }
    }
    let text = |key: &str, problems: &mut Vec<String>| -> FieldEdit<String> {
        match map.get(key) {
            None => FieldEdit::Keep,
            Some(Value::Null) => FieldEdit::Clear,
            Some(Value::String(s)) => cell(s),
            Some(_) => {
                problems.push(format!(
                    "\"{key}\" must be a string or null (digits as text keep leading zeros)"
                ));
                FieldEdit::Keep
            }
        }
    };
    let key = |c: Column| c.key().unwrap_or_default();
    let extension = match text(key(Column::Number), &mut problems) {
        FieldEdit::Set(s) => s,
        FieldEdit::Keep | FieldEdit::Clear
            if !problems
                .iter()
                .any(|p| p.starts_with(&format!("\"{}\"", key(Column::Number)))) =>
        {
            problems.push(format!(
                "the key \"{}\" is missing or empty",
                key(Column::Number)
            ));
            String::new()
        }
        _ => String::new(),
    };
    let mut inc = Incoming::new(line, extension);
    inc.first_name = text(key(Column::FirstName), &mut problems);
    inc.last_name = text(key(Column::LastName), &mut problems);
    inc.email = text(key(Column::Email), &mut problems);
    inc.voicemail_pin = text(key(Column::VoicemailPin), &mut problems);
    inc.pin_protect = match map.get(key(Column::PinProtect)) {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            problems.push(format!(
                "\"{}\" must be true, false or null",
                key(Column::PinProtect)
            ));
            None
        }
    };
    inc.duration_s = match map.get(key(Column::Duration)) {
        None => FieldEdit::Keep,
        Some(Value::Null) => FieldEdit::Clear,
        Some(Value::Number(n)) if n.as_i64().is_some() => {
            FieldEdit::Set(n.as_i64().unwrap_or_default())
        }
        Some(_) => {
            problems.push(format!(
                "\"{}\" must be a whole number of seconds or null",
                key(Column::Duration)
            ));
            FieldEdit::Keep
        }
    };
    match map.get(key(Column::UnlockedUntil)) {
        None | Some(Value::Null) | Some(Value::String(_)) => {}
        Some(_) => problems.push(format!(
            "\"{}\" must be a string or null",
            key(Column::UnlockedUntil)
        )),
    }
    if problems.is_empty() {
        Ok(inc)
    } else {
        Err(RowError::new(line, problems.join("; ")))
    }
}

/// JSON lines: one object a line; empty lines are skipped.
fn read_jsonl(mut input: impl BufRead, sink: &mut Sink<'_>) -> Result<()> {
    let mut line = String::new();
    let mut number = 0;
    loop {
        line.clear();
        if input.read_line(&mut line).map_err(read_error)? == 0 {
            return Ok(());
        }
        number += 1;
        if line.trim().is_empty() {
            continue;
        }
        let parsed = serde_json::from_str::<Value>(&line)
            .map_err(|e| RowError::new(number, format!("invalid JSON: {e}")))
            .and_then(|v| incoming_from_json(number, v));
        sink(parsed)?;
    }
}

/// A JSON array of objects, read one element at a time.
fn read_json(input: impl BufRead, sink: &mut Sink<'_>) -> Result<()> {
    let newlines = Rc::new(Cell::new(0));
    let counted = LineCounter {
        inner: input,
        newlines: Rc::clone(&newlines),
    };
    let mut de = serde_json::Deserializer::from_reader(counted);
    let mut stopped = None;
    let seed = ArraySeed {
        sink,
        newlines: &newlines,
        stopped: &mut stopped,
    };
    let result = seed.deserialize(&mut de).and_then(|()| de.end());
    if let Some(e) = stopped {
        return Err(e);
    }
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.is_io() => Err(Error::invalid(format!("cannot read the input: {e}"))),
        Err(e) => {
            let line = e.line() as u64;
            let message = format!("invalid JSON: {e}");
            sink(Err(RowError::new(line, message)))
        }
    }
}

struct ArraySeed<'s, 'a> {
    sink: &'s mut Sink<'a>,
    newlines: &'s Rc<Cell<u64>>,
    stopped: &'s mut Option<Error>,
}

impl<'de> DeserializeSeed<'de> for ArraySeed<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ArraySeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of extension objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(value) = seq.next_element::<Value>()? {
            // The element ends on the line after the newlines read so far.
            let line = self.newlines.get() + 1;
            if let Err(e) = (self.sink)(incoming_from_json(line, value)) {
                *self.stopped = Some(e);
                return Err(serde::de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

/// Where a voicemail.conf comes from and which of its contexts to import.
#[derive(Debug, Clone, Default)]
pub struct VoicemailConf {
    /// The file, whose folder `#include` paths are relative to; `None` for
    /// standard input, where an include is an error.
    pub origin: Option<std::path::PathBuf>,
    /// Only these contexts (sections); all mailbox contexts when empty.
    pub contexts: Vec<String>,
}

/// How deep `#include`s may nest.
const MAX_INCLUDE_DEPTH: usize = 8;

/// What reading a voicemail.conf has seen so far, across its includes.
#[derive(Default)]
struct VoicemailState {
    /// `aliasescontext` from `[general]`.
    aliases: Option<String>,
    /// The section being read, lower case.
    section: String,
    /// Mailbox number -> where it was first seen (context, place).
    seen: std::collections::HashMap<String, (String, String)>,
    /// The files being read, outermost first (loops are refused).
    stack: Vec<std::path::PathBuf>,
    /// Every section met, lower case.
    sections: std::collections::BTreeSet<String>,
}

/// Asterisk's voicemail.conf: `[general]`, `[zonemessages]` and the alias
/// section are skipped; every other section is a mailbox context, read
/// unless `--context` names others. `#include` and `#tryinclude` are
/// followed relative to the including file's folder.
fn read_voicemail_conf(
    input: impl BufRead,
    conf: &VoicemailConf,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let mut state = VoicemailState::default();
    if let Some(origin) = &conf.origin {
        state
            .stack
            .push(std::fs::canonicalize(origin).unwrap_or_else(|_| origin.clone()));
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
    let contexts: Vec<&str> = state
        .sections
        .iter()
        .map(String::as_str)
        .filter(|s| !["general", "zonemessages", aliases.as_str()].contains(s))
        .collect();
    if let Some(missing) = conf
        .contexts
        .iter()
        .find(|c| !contexts.contains(&c.to_ascii_lowercase().as_str()))
    {
        return Err(Error::invalid_with_hint(
            format!(
                "{name} has no context [{}]; nothing was imported",
                crate::text::shown(missing)
            ),
            if contexts.is_empty() {
                "the file has no mailbox contexts".to_string()
            } else {
                format!("its contexts: {}", contexts.join(", "))
            },
        ));
    }
    Ok(())
}

/// A line without its comment: `;` starts one, `\;` is a semicolon.
fn without_comment(raw: &str) -> String {
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
fn voicemail_lines(
    mut input: impl BufRead,
    conf: &VoicemailConf,
    name: &str,
    within: Option<u64>,
    state: &mut VoicemailState,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let mut raw = String::new();
    let mut number = 0u64;
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
            state.sections.insert(state.section.clone());
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
            Some((context, first)) if *context != state.section => {
                sink(Err(RowError::new(
                    line,
                    format!(
                        "mailbox {} is in context [{context}] ({first}) and in [{}] ({here}); choose one with --context",
                        crate::text::shown(key),
                        state.section
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
        let mut fields = rest.split(',').map(str::trim);
        let mut inc = Incoming::new(line, key.to_owned());
        let pin = fields.next().unwrap_or("");
        let pin = pin.strip_prefix('-').unwrap_or(pin);
        inc.voicemail_pin = if pin.is_empty() {
            FieldEdit::Keep
        } else {
            FieldEdit::Set(pin.to_owned())
        };
        (inc.first_name, inc.last_name) = split_full_name(fields.next().unwrap_or(""));
        inc.email = cell(fields.next().unwrap_or(""));
        sink(Ok(inc))?;
    }
}

/// Where a line of a voicemail.conf is: its file, its number there, and
/// the line of the outermost file's `#include` that brought that file in.
#[derive(Clone, Copy)]
struct Place<'a> {
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
        let message = match self.within {
            Some(_) => format!("{}: {what}", self.here()),
            None => what.to_owned(),
        };
        RowError::new(self.line(), message)
    }
}

/// Follows `#include` (`optional`: `#tryinclude`) of `target` at `at`.
fn include(
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
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if optional && e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return sink(Err(at.problem(&format!("{directive} {shown}: {e}")))),
    };
    let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read(format: InputFormat, text: &str) -> Vec<std::result::Result<Incoming, RowError>> {
        let mut out = Vec::new();
        read_records(format, text.as_bytes(), &mut |r| {
            out.push(r);
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn v20_positions_name_their_columns() {
        let h = THREECX_V20_HEADER;
        assert_eq!(
            [
                h[v20::NUMBER],
                h[v20::FIRST_NAME],
                h[v20::LAST_NAME],
                h[v20::EMAIL]
            ],
            ["Number", "FirstName", "LastName", "EmailAddress"]
        );
        assert_eq!(
            [h[v20::VMPIN], h[v20::PIN_PROTECTED], h[v20::PIN_TIMEOUT]],
            ["VMPIN", "PinProtected", "PinTimeout"]
        );
        // The published header, as in the 3CX documentation.
        assert!(h.join(",").starts_with(THREECX_PREFIX));
        assert!(
            h.join(",")
                .ends_with("GoogleContactsDisabled,GoogleCalendarDisabled,BLF")
        );
    }

    #[test]
    fn crlf_becomes_lf_across_chunk_boundaries() {
        /// Hands out one byte at a time.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                match self.0.split_first() {
                    Some((b, rest)) if !buf.is_empty() => {
                        buf[0] = *b;
                        self.0 = rest;
                        Ok(1)
                    }
                    _ => Ok(0),
                }
            }
        }
        for input in [
            &b"a\r\nb\rc\r\n\r\r\n"[..],
            b"\r",
            b"x\r\r",
            b"\r\n\r\n",
            b"plain",
        ] {
            let expected: Vec<u8> = String::from_utf8_lossy(input)
                .replace("\r\n", "\n")
                .into_bytes();
            for capacity in [1, 2, 3, 64] {
                let mut out = Vec::new();
                let inner = io::BufReader::with_capacity(capacity, Trickle(input));
                CrlfToLf { inner }.read_to_end(&mut out).unwrap();
                assert_eq!(out, expected, "{input:?} {capacity}");
                // Reads into a one-byte buffer.
                let mut out = Vec::new();
                let mut r = CrlfToLf {
                    inner: io::BufReader::with_capacity(capacity, input),
                };
                let mut one = [0u8; 1];
                while r.read(&mut one).unwrap() == 1 {
                    out.push(one[0]);
                }
                assert_eq!(out, expected, "{input:?} {capacity} one byte at a time");
            }
        }
    }

    #[test]
    fn csv_line_numbers_with_crlf() {
        let rows = read(
            InputFormat::Csv,
            "extension\r\n100\r\n\"1\r\n01\"\r\n102\r\n",
        );
        let lines: Vec<u64> = rows.iter().map(|r| r.as_ref().unwrap().line).collect();
        assert_eq!(lines, [2, 3, 5]);
    }

    #[test]
    fn detection() {
        let d = |name: Option<&str>, head: &str| detect(name.map(Path::new), head.as_bytes());
        assert_eq!(d(Some("x.json"), ""), InputFormat::Json);
        assert_eq!(d(Some("x.JSONL"), ""), InputFormat::Jsonl);
        assert_eq!(d(Some("voicemail.conf"), ""), InputFormat::VoicemailConf);
        assert_eq!(
            d(
                Some("x.csv"),
                "Number,FirstName,LastName,EmailAddress,MobileNumber"
            ),
            InputFormat::ThreeCx
        );
        assert_eq!(d(Some("x.csv"), "extension,first_name"), InputFormat::Csv);
        assert_eq!(d(None, "\n[\n  {\"extension\":\"100\"}"), InputFormat::Json);
        assert_eq!(d(None, "[{\"extension\":\"100\"}]"), InputFormat::Json);
        assert_eq!(d(None, "{\"extension\":\"100\"}\n"), InputFormat::Jsonl);
        assert_eq!(
            d(None, "[general]\nformat=wav\n"),
            InputFormat::VoicemailConf
        );
        assert_eq!(d(None, "; comment\n"), InputFormat::VoicemailConf);
        assert_eq!(d(None, "1234 => 4242,A B\n"), InputFormat::VoicemailConf);
        assert_eq!(d(None, "extension\n100\n"), InputFormat::Csv);
        // FreePBX: `extension` with a column of its own, in any order.
        assert_eq!(
            d(Some("x.csv"), "extension,password,name,voicemail,ringtimer"),
            InputFormat::FreePbx
        );
        assert_eq!(
            d(None, "\"voicemail_vmpwd\",\"Extension\"\n"),
            InputFormat::FreePbx
        );
        assert_eq!(d(None, "name,voicemail_vmpwd\n"), InputFormat::Csv);
    }

    /// The own CSV reads every exported column: a header of all of them,
    /// derived from the column definition, sets every field it names.
    #[test]
    fn own_csv_reads_every_exported_column() {
        use crate::records::EXPORTED;
        let values: Vec<&str> = EXPORTED
            .iter()
            .map(|c| match c {
                Column::Number => "0100",
                Column::FirstName => "Zoë",
                Column::LastName => "Martin",
                Column::Email => "z@example.com",
                Column::VoicemailPin => "0042",
                Column::PinProtect => "true",
                Column::Duration => "90",
                Column::UnlockedUntil => "2026-11-26T09:10:00Z",
                Column::GrantedAt | Column::FailedAttempts | Column::LockedOutUntil => {
                    unreachable!("not exported")
                }
            })
            .collect();
        let text = format!("{}\n{}\n", EXPORT_COLUMNS.join(","), values.join(","));
        let rows = read(InputFormat::Csv, &text);
        let inc = rows[0].clone().unwrap();
        for c in EXPORTED {
            let read = match c {
                Column::Number => inc.extension == "0100",
                Column::FirstName => inc.first_name == FieldEdit::Set("Zoë".into()),
                Column::LastName => inc.last_name == FieldEdit::Set("Martin".into()),
                Column::Email => inc.email == FieldEdit::Set("z@example.com".into()),
                Column::VoicemailPin => inc.voicemail_pin == FieldEdit::Set("0042".into()),
                Column::PinProtect => inc.pin_protect == Some(true),
                Column::Duration => inc.duration_s == FieldEdit::Set(90),
                // A grant is runtime state: read and ignored.
                Column::UnlockedUntil => true,
                Column::GrantedAt | Column::FailedAttempts | Column::LockedOutUntil => false,
            };
            assert!(read, "{c:?}");
        }
    }

    #[test]
    fn full_names_split_at_the_last_space() {
        let set = |s: &str| FieldEdit::Set(s.to_owned());
        assert_eq!(
            split_full_name(" Anna van der  Berg "),
            (set("Anna van der"), set("Berg"))
        );
        assert_eq!(split_full_name("Bob"), (set("Bob"), FieldEdit::Clear));
        assert_eq!(split_full_name("  "), (FieldEdit::Clear, FieldEdit::Clear));
    }

    #[test]
    fn freepbx_voicemail_decides_the_pin() {
        let rows = read(
            InputFormat::FreePbx,
            "extension,voicemail,voicemail_enable,voicemail_vmpwd\n\
             100,default,yes,0042\n\
             101,default,,1234\n\
             102,default,YES,\n\
             103,novm,no,5678\n",
        );
        let pins: Vec<_> = rows.into_iter().map(|r| r.unwrap().voicemail_pin).collect();
        assert_eq!(
            pins,
            [
                FieldEdit::Set("0042".into()),
                FieldEdit::Keep,
                FieldEdit::Keep,
                FieldEdit::Keep
            ]
        );
        // Without voicemail_enable, `novm` in `voicemail` is the switch.
        let rows = read(
            InputFormat::FreePbx,
            "voicemail,extension,voicemail_vmpwd\nnovm,100,1234\ndefault,101,2345\n",
        );
        let pins: Vec<_> = rows.into_iter().map(|r| r.unwrap().voicemail_pin).collect();
        assert_eq!(pins, [FieldEdit::Keep, FieldEdit::Set("2345".into())]);
    }

    #[test]
    fn own_csv_in_any_column_order() {
        let rows = read(
            InputFormat::Csv,
            "voicemail_pin,extension,first_name,pin_protect,pin_protect_duration_s\n0042,0100,\"Zoë, \"\"Z\"\"\",true,90\n,101,,,\n",
        );
        let a = rows[0].clone().unwrap();
        assert_eq!(a.line, 2);
        assert_eq!(a.extension, "0100");
        assert_eq!(a.voicemail_pin, FieldEdit::Set("0042".into()));
        assert_eq!(a.first_name, FieldEdit::Set("Zoë, \"Z\"".into()));
        assert_eq!(a.last_name, FieldEdit::Keep);
        assert_eq!(a.pin_protect, Some(true));
        assert_eq!(a.duration_s, FieldEdit::Set(90));
        let b = rows[1].clone().unwrap();
        assert_eq!(
            (b.line, b.voicemail_pin, b.pin_protect, b.duration_s),
            (3, FieldEdit::Clear, None, FieldEdit::Clear)
        );
    }

    #[test]
    fn own_csv_unknown_column_is_named() {
        let err = read_records(
            InputFormat::Csv,
            "extension,pin\n100,1\n".as_bytes(),
            &mut |_| Ok(()),
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown column 'pin'"), "{err}");
        let err = read_records(InputFormat::Csv, "first_name\nA\n".as_bytes(), &mut |_| {
            Ok(())
        })
        .unwrap_err();
        assert!(err.to_string().contains("'extension' is missing"), "{err}");
    }

    #[test]
    fn json_array_with_line_numbers() {
        let rows = read(
            InputFormat::Json,
            "[\n  {\"extension\":\"100\",\"voicemail_pin\":\"0042\",\"pin_protect\":false,\"pin_protect_duration_s\":null},\n  {\"extension\":101}\n]\n",
        );
        let a = rows[0].clone().unwrap();
        assert_eq!(
            (a.line, a.extension.as_str(), a.duration_s),
            (2, "100", FieldEdit::Clear)
        );
        let b = rows[1].clone().unwrap_err();
        assert_eq!(b.line, 3);
        assert!(
            b.message.contains("\"extension\" must be a string"),
            "{}",
            b.message
        );
        let rows = read(
            InputFormat::Json,
            "[\n {\"extension\":\"100\"},\n {\"extension\": }\n]",
        );
        assert!(
            rows[1]
                .clone()
                .unwrap_err()
                .message
                .contains("invalid JSON")
        );
        assert_eq!(rows[1].clone().unwrap_err().line, 3);
        let rows = read(InputFormat::Json, "[{\"extension\":\"100\",\"pin\":\"1\"}]");
        assert!(
            rows[0]
                .clone()
                .unwrap_err()
                .message
                .contains("unknown key \"pin\"")
        );
    }

    #[test]
    fn jsonl_lines() {
        let rows = read(
            InputFormat::Jsonl,
            "{\"extension\":\"100\"}\n\n{\"extension\":\"101\",\"pin_protect\":\"yes\"}\nnot json\n",
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].clone().unwrap().line, 1);
        assert_eq!(rows[1].clone().unwrap_err().line, 3);
        assert_eq!(rows[2].clone().unwrap_err().line, 4);
    }

    #[test]
    fn voicemail_conf_mailboxes() {
        let text = "[general]\nformat=wav49\n\n[zonemessages]\neastern=America/New_York|'vm-received' Q 'digits/at' IMp\n\n\
                    [default]\n1234 => 4242,Example Mailbox,root@localhost ; a comment\n; 9999 => 1111,Commented Out\n\
                    0100 => -0042,Mary Ann Smith,,pager@x,attach=yes\n\n[other]\n200=>5555,Solo\n";
        let rows = read(InputFormat::VoicemailConf, text);
        assert_eq!(rows.len(), 3);
        let a = rows[0].clone().unwrap();
        assert_eq!((a.line, a.extension.as_str()), (8, "1234"));
        assert_eq!(a.voicemail_pin, FieldEdit::Set("4242".into()));
        assert_eq!(a.first_name, FieldEdit::Set("Example".into()));
        assert_eq!(a.last_name, FieldEdit::Set("Mailbox".into()));
        assert_eq!(a.email, FieldEdit::Set("root@localhost".into()));
        let b = rows[1].clone().unwrap();
        assert_eq!(b.voicemail_pin, FieldEdit::Set("0042".into()));
        assert_eq!(b.first_name, FieldEdit::Set("Mary Ann".into()));
        assert_eq!(b.last_name, FieldEdit::Set("Smith".into()));
        assert_eq!(b.email, FieldEdit::Clear);
        let c = rows[2].clone().unwrap();
        assert_eq!(
            (c.extension.as_str(), c.first_name, c.last_name),
            ("200", FieldEdit::Set("Solo".into()), FieldEdit::Clear)
        );
    }

    #[test]
    fn validation_reports_every_problem_of_a_record() {
        let mut inc = Incoming::new(7, "10a".into());
        inc.voicemail_pin = FieldEdit::Set("42".into());
        inc.email = FieldEdit::Set("nope".into());
        let e = inc.validate(&DialPlan::default()).unwrap_err();
        assert_eq!(e.line, 7);
        assert!(e.message.contains("only digits"), "{}", e.message);
        assert!(e.message.contains("leading zeros"), "{}", e.message);
        assert!(e.message.contains("e-mail"), "{}", e.message);
        assert!(
            !e.message.contains(" 42"),
            "never repeats a PIN: {}",
            e.message
        );
        let fc = Incoming::new(1, "7777".into())
            .validate(&DialPlan::default())
            .unwrap_err();
        assert!(fc.message.contains("feature code"));
    }
}
