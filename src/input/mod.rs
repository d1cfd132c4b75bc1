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

use crate::error::{Error, Result};
use crate::output::Delimiter;
use crate::policy::{DialPlan, Email, Extension, MailboxOptions, Name, Pin, PinDuration};
use crate::records::FieldEdit;

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

mod csv_formats;
mod json;
mod spool;
#[cfg(test)]
mod tests;
mod voicemail_conf;

use csv_formats::{THREECX_PREFIX, is_freepbx_header, read_3cx, read_freepbx, read_own_csv};
use json::{read_json, read_jsonl};
use voicemail_conf::read_voicemail_conf;

pub use csv_formats::{THREECX_V20_HEADER, v20};
pub use spool::Spool;
pub use voicemail_conf::VoicemailConf;

/// A problem with one record (or with the file at a line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The line of the file imported: for a problem in a file it
    /// `#include`s, the `#include` line.
    pub line: u64,
    pub message: String,
    /// The problem is in an included file, which `message` names with its
    /// own line (`FILE line N: ...`).
    pub included: bool,
}

impl RowError {
    /// A problem; the message is escaped and cut, since it may quote input.
    fn new(line: u64, message: impl Into<String>) -> Self {
        RowError {
            line,
            message: crate::text::message(&message.into()).to_string(),
            included: false,
        }
    }

    /// A problem in an included file, at the outer file's line `line`.
    fn included(line: u64, message: impl Into<String>) -> Self {
        RowError {
            included: true,
            ..RowError::new(line, message)
        }
    }
}

impl fmt::Display for RowError {
    /// `line N: ...`, or for an included file `FILE line N: ... (#include
    /// at line M)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.included {
            write!(f, "{} (#include at line {})", self.message, self.line)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
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
    /// voicemail.conf's mailbox options, opaque.
    pub voicemail_options: FieldEdit<String>,
    /// Where in a file that was `#include`d the record is (`FILE line
    /// N`): its problems name that place and the field, never its value
    /// (an include may point at a file of secrets).
    pub included_at: Option<String>,
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
            voicemail_options: FieldEdit::Keep,
            included_at: None,
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
    pub voicemail_options: FieldEdit<MailboxOptions>,
}

/// The problems of one record: each names its field, and says why unless
/// the record's values must not be echoed.
struct Problems {
    quiet: bool,
    list: Vec<String>,
}

impl Problems {
    fn add(&mut self, what: &str, why: impl std::fmt::Display) {
        self.list.push(if self.quiet {
            format!("{what}: invalid")
        } else {
            format!("{what}: {why}")
        });
    }
}

fn text_field<T: std::str::FromStr<Err = crate::policy::ParseError>>(
    what: &str,
    f: &FieldEdit<String>,
    problems: &mut Problems,
) -> FieldEdit<T> {
    match f {
        FieldEdit::Keep => FieldEdit::Keep,
        FieldEdit::Clear => FieldEdit::Clear,
        FieldEdit::Set(s) if s.is_empty() => FieldEdit::Clear,
        FieldEdit::Set(s) => match s.parse() {
            Ok(v) => FieldEdit::Set(v),
            Err(e) => {
                problems.add(what, e);
                FieldEdit::Keep
            }
        },
    }
}

impl Incoming {
    /// Applies the rules of `ext add` to every field; all problems of the
    /// record are reported together.
    pub fn validate(&self, plan: &DialPlan) -> std::result::Result<ImportRecord, RowError> {
        let mut problems = Problems {
            quiet: self.included_at.is_some(),
            list: Vec::new(),
        };
        let number = match self
            .extension
            .parse::<Extension>()
            .and_then(|n| plan.check_extension(&n).map(|()| n))
        {
            Ok(n) => Some(n),
            Err(e) if self.included_at.is_some() => {
                problems.add("mailbox number", e);
                None
            }
            Err(e) => {
                problems.list.push(e.0);
                None
            }
        };
        let first_name = text_field::<Name>("first name", &self.first_name, &mut problems);
        let last_name = text_field::<Name>("last name", &self.last_name, &mut problems);
        let email = text_field::<Email>("e-mail", &self.email, &mut problems);
        let voicemail_options = text_field::<MailboxOptions>(
            "voicemail options",
            &self.voicemail_options,
            &mut problems,
        );
        let pin = match &self.voicemail_pin {
            FieldEdit::Set(s) if !s.is_empty() => match s.parse::<Pin>() {
                Ok(p) => FieldEdit::Set(p),
                Err(e) => {
                    let mut m = e.to_string();
                    if s.len() < Pin::MIN_LEN && s.bytes().all(|b| b.is_ascii_digit()) {
                        m.push_str(" (did a spreadsheet drop its leading zeros?)");
                    }
                    problems.add("voicemail PIN", m);
                    FieldEdit::Keep
                }
            },
            FieldEdit::Keep => FieldEdit::Keep,
            FieldEdit::Set(_) | FieldEdit::Clear => FieldEdit::Clear,
        };
        let duration = match self.duration_s.clone() {
            FieldEdit::Keep => FieldEdit::Keep,
            FieldEdit::Clear => FieldEdit::Clear,
            FieldEdit::Set(s) => match PinDuration::from_secs(s) {
                Ok(d) => FieldEdit::Set(d),
                Err(e) => {
                    problems.add("pin_protect_duration_s", e);
                    FieldEdit::Keep
                }
            },
        };
        match (number, problems.list.is_empty()) {
            (Some(number), true) => Ok(ImportRecord {
                line: self.line,
                number,
                first_name,
                last_name,
                email,
                pin,
                pin_protect: self.pin_protect,
                duration,
                voicemail_options,
            }),
            _ => {
                let message = problems.list.join("; ");
                Err(match &self.included_at {
                    Some(at) => RowError::included(self.line, format!("{at}: {message}")),
                    None => RowError::new(self.line, message),
                })
            }
        }
    }
}

/// Counts the newlines that pass through, for line numbers in JSON.
pub(super) struct LineCounter<R> {
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
pub(super) struct CrlfToLf<R> {
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

/// Picks the format from the file name and the first bytes of the input,
/// whose CSV fields are separated by `delimiter`.
pub fn detect(path: Option<&Path>, head: &[u8], delimiter: Delimiter) -> InputFormat {
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
    // A header as it would be with commas.
    let comma = (delimiter.byte() as char).to_string();
    let csv_first = first.replace(comma.as_str(), ",");
    if csv_first.starts_with(THREECX_PREFIX) {
        InputFormat::ThreeCx
    } else if is_freepbx_header(&csv_first) {
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

pub(super) fn is_section_header(line: &str) -> bool {
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
    read_records_with(
        format,
        input,
        &VoicemailConf::default(),
        Delimiter::COMMA,
        sink,
    )
    .map(drop)
}

/// [`read_records`], with where a voicemail.conf comes from and which of
/// its contexts to read, and what separates the fields of a CSV. Returns the files read through `#include`, each
/// as it was when it was opened.
pub fn read_records_with(
    format: InputFormat,
    input: impl BufRead,
    conf: &VoicemailConf,
    delimiter: Delimiter,
    sink: &mut Sink<'_>,
) -> Result<Vec<(std::path::PathBuf, FileId)>> {
    match format {
        InputFormat::Csv => read_own_csv(input, delimiter, sink),
        InputFormat::ThreeCx => read_3cx(input, delimiter, sink),
        InputFormat::FreePbx => read_freepbx(input, delimiter, sink),
        InputFormat::Json => read_json(input, sink),
        InputFormat::Jsonl => read_jsonl(input, sink),
        InputFormat::VoicemailConf => return read_voicemail_conf(input, conf, sink),
    }
    .map(|()| Vec::new())
}

/// What a file is and holds as far as `stat` tells: the file itself
/// (device and inode), its size, and when its content and its inode last
/// changed. A file read whole whose identity is the same before and after
/// did not change meanwhile (short of a writer that restores all of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

impl FileId {
    pub fn of(meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
            len: meta.len(),
            modified: (meta.mtime(), meta.mtime_nsec()),
            changed: (meta.ctime(), meta.ctime_nsec()),
        }
    }

    /// What `path` names now; `None` when it cannot be looked at.
    pub fn now(path: &Path) -> Option<FileId> {
        std::fs::metadata(path).ok().map(|m| FileId::of(&m))
    }
}

/// A failed read of the input: exit 6, unless what was read is the
/// problem (a line too long, bytes that are not text), which is invalid
/// input (exit 2).
pub(super) fn read_error(e: io::Error) -> Error {
    if e.kind() == io::ErrorKind::InvalidData {
        Error::invalid(format!("cannot read the input: {e}"))
    } else {
        Error::input("the input", e)
    }
}

pub(super) fn cell(value: &str) -> FieldEdit<String> {
    if value.is_empty() {
        FieldEdit::Clear
    } else {
        FieldEdit::Set(value.to_owned())
    }
}

/// A full name split at its last space into first and last name
/// ("Anna van der Berg" is "Anna van der" and "Berg"); one word is a first
/// name, nothing clears both.
pub(super) fn split_full_name(full: &str) -> (FieldEdit<String>, FieldEdit<String>) {
    let full = full.trim();
    let (first, last) = match full.rsplit_once(' ') {
        Some((f, l)) => (f.trim_end(), l),
        None => (full, ""),
    };
    (cell(first), cell(last))
}
