//! Rendering shared by every command: tables for people, CSV, JSON and
//! JSON lines for programs. Everything streams one record at a time; a
//! table measures its first rows to fix its column widths.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

use crate::error::IoContext;
use crate::error::Result;

mod encoder;
mod table;
#[cfg(test)]
mod tests;

use encoder::formula_like;
use table::{TableLayout, terminal_width, write_fields};

pub use encoder::{Cell, RowEncoder};
pub use table::{Layout, layout};

/// What separates the fields of a CSV line: a comma, or a semicolon (as
/// spreadsheets write CSV where the comma is the decimal separator), a
/// tab or a `|`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiter(u8);

impl Delimiter {
    pub const COMMA: Delimiter = Delimiter(b',');

    pub fn byte(self) -> u8 {
        self.0
    }
}

impl Default for Delimiter {
    fn default() -> Self {
        Delimiter::COMMA
    }
}

impl std::str::FromStr for Delimiter {
    type Err = crate::policy::ParseError;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "," | "comma" => Ok(Delimiter(b',')),
            ";" | "semicolon" => Ok(Delimiter(b';')),
            "\t" | "tab" | "\\t" => Ok(Delimiter(b'\t')),
            "|" | "pipe" => Ok(Delimiter(b'|')),
            _ => Err(crate::policy::ParseError(format!(
                "'{}' is not a delimiter: use ',' ';' '|' or tab",
                crate::text::shown(s)
            ))),
        }
    }
}

/// The shapes a list of records can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Jsonl,
}

/// A record that can be shown in every format. JSON comes from `Serialize`;
/// the field order of CSV and tables is the header order of the writer.
pub trait Record: Serialize {
    /// Machine values for CSV: `true`/`false`, seconds, RFC 3339, "" for none.
    fn csv_fields(&self) -> Vec<Cow<'_, str>>;

    /// Values for people; by default the CSV values.
    fn table_cells(&self) -> Vec<String> {
        self.csv_fields().into_iter().map(Cow::into_owned).collect()
    }
}

/// Writes records one at a time in one format. Nothing reaches `out`
/// before the first record or `finish`, so an error found before the first
/// record (an unknown extension, say) prints no partial output.
pub struct ListWriter<'w, W: Write> {
    format: Format,
    headers: Vec<&'static str>,
    /// `out`, until the CSV writer takes it.
    out: Option<&'w mut W>,
    csv: Option<csv::Writer<&'w mut W>>,
    table: TableLayout,
    count: u64,
    spreadsheet_safe: bool,
    /// CSV cells written so far that a spreadsheet would run as formulas
    /// (defused or not).
    formula_like: u64,
    /// Escape control and invisible format characters in tables and CSV.
    escape: bool,
    delimiter: Delimiter,
}

/// The words people see for a field: the JSON key, shortened where the
/// key carries a unit or a prefix that the table values make plain.
fn title(key: &str) -> String {
    match key {
        "pin_protect_duration_s" => "duration".into(),
        "voicemail_pin" => "voicemail pin".into(),
        other => other.replace('_', " "),
    }
}

fn table_header(key: &str) -> String {
    title(key).to_uppercase()
}

impl<'w, W: Write> ListWriter<'w, W> {
    pub fn new(format: Format, headers: Vec<&'static str>, out: &'w mut W) -> Self {
        ListWriter {
            format,
            headers,
            out: Some(out),
            csv: None,
            table: TableLayout::default(),
            count: 0,
            spreadsheet_safe: false,
            formula_like: 0,
            escape: true,
            delimiter: Delimiter::COMMA,
        }
    }

    /// Separates CSV fields with `delimiter` rather than a comma.
    pub fn delimiter(mut self, delimiter: Delimiter) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// Writes CSV values exactly as stored, for exports that must round
    /// trip byte for byte (whose values were checked on the way in).
    pub fn verbatim(mut self) -> Self {
        self.escape = false;
        self
    }

    /// In a table, leaves out these columns when they are empty in every
    /// row (a table of at most 1000 rows, which is measured whole).
    pub fn optional_columns(mut self, columns: &[&'static str]) -> Self {
        self.table.optional = columns.to_vec();
        self
    }

    /// In CSV, prefixes cells that start with `=`, `+`, `-`, `@`, a tab or
    /// a carriage return with `'`, so that spreadsheets show them as text
    /// instead of running them (CSV injection).
    pub fn spreadsheet_safe(mut self, on: bool) -> Self {
        self.spreadsheet_safe = on;
        self
    }

    /// How many CSV cells so far begin as a formula would (`=`, `+`, `-`,
    /// `@`, a tab or a carriage return), defused or not.
    pub fn formula_like_cells(&self) -> u64 {
        self.formula_like
    }

    fn out(&mut self) -> &mut W {
        self.out
            .as_deref_mut()
            .expect("output is held by the writer until finish")
    }

    /// The CSV writer, created with the header line on first use.
    fn csv(&mut self) -> Result<&mut csv::Writer<&'w mut W>> {
        if self.csv.is_none() {
            let out = self
                .out
                .take()
                .expect("output is free before the CSV writer starts");
            let mut csv = csv::WriterBuilder::new()
                .buffer_capacity(64 * 1024)
                .delimiter(self.delimiter.byte())
                .from_writer(out);
            csv.write_record(&self.headers)?;
            self.csv = Some(csv);
        }
        Ok(self.csv.as_mut().expect("just created"))
    }

    pub fn write(&mut self, record: &impl Record) -> Result<()> {
        match self.format {
            // Nothing raw reaches a terminal: control and invisible format
            // characters are escaped in tables and CSV (JSON escapes by its
            // own rules).
            Format::Table => {
                let row: Vec<String> = record
                    .table_cells()
                    .into_iter()
                    .map(|c| crate::text::escaped(&c).into_owned())
                    .collect();
                let out = self.out.as_deref_mut().expect("held until finish");
                self.table.push(&self.headers, row, out)?;
            }
            Format::Csv => {
                let escape = self.escape;
                let mut fields: Vec<Cow<'_, str>> = record
                    .csv_fields()
                    .into_iter()
                    .map(|f| match crate::text::escaped(&f) {
                        Cow::Owned(e) if escape => Cow::Owned(e),
                        _ => f,
                    })
                    .collect();
                for f in &mut fields {
                    if formula_like(f) {
                        self.formula_like += 1;
                        if self.spreadsheet_safe {
                            *f = Cow::Owned(format!("'{f}"));
                        }
                    }
                }
                self.csv()?
                    .write_record(fields.iter().map(|f| f.as_bytes()))?;
            }
            Format::Json => {
                let sep: &[u8] = if self.count == 0 { b"[\n  " } else { b",\n  " };
                let out = self.out();
                out.write_all(sep).writing_output()?;
                serde_json::to_writer(&mut *out, record)?;
            }
            Format::Jsonl => {
                let out = self.out();
                serde_json::to_writer(&mut *out, record)?;
                out.write_all(b"\n").writing_output()?;
            }
        }
        self.count += 1;
        Ok(())
    }

    /// Writes out what is held so far: a table fixes its columns by the
    /// rows it has (later rows follow them), and everything is flushed.
    /// For output that goes on (`log --follow`).
    pub fn flush(&mut self) -> Result<()> {
        match self.format {
            Format::Table => {
                let out = self.out.as_deref_mut().expect("held until finish");
                self.table.settle(&self.headers, out, false)?;
            }
            Format::Csv => self.csv()?.flush().writing_output()?,
            Format::Json | Format::Jsonl => {}
        }
        self.out().flush().writing_output()
    }

    /// Ends the output; returns the number of records written.
    pub fn finish(mut self) -> Result<u64> {
        match self.format {
            Format::Table => {
                let out = self.out.as_deref_mut().expect("held until finish");
                self.table.settle(&self.headers, out, true)?;
                self.out().flush().writing_output()?;
            }
            Format::Csv => self.csv()?.flush().writing_output()?,
            Format::Json => {
                let end: &[u8] = if self.count == 0 { b"[]\n" } else { b"\n]\n" };
                let out = self.out();
                out.write_all(end).writing_output()?;
                out.flush().writing_output()?;
            }
            Format::Jsonl => self.out().flush().writing_output()?,
        }
        Ok(self.count)
    }
}

/// Writes a single record: an object in JSON, a header and a row in CSV,
/// and a two-column table of fields and values for people.
pub fn write_one(
    format: Format,
    headers: &[&'static str],
    record: &impl Record,
    out: &mut impl Write,
    stdout_is_terminal: bool,
) -> Result<()> {
    match format {
        Format::Table => {
            // `field: value` lines; free text shortened to fit a terminal,
            // every other value whole.
            let limit = if stdout_is_terminal {
                terminal_width()
            } else {
                None
            };
            let titles: Vec<String> = headers.iter().map(|h| format!("{}:", title(h))).collect();
            let cells: Vec<String> = record
                .table_cells()
                .into_iter()
                .map(|v| crate::text::escaped(&v).into_owned())
                .collect();
            write_fields(out, headers, &titles, &cells, 2, limit)?;
        }
        // Compact, one document per line, as every JSON output.
        Format::Json | Format::Jsonl => {
            serde_json::to_writer(&mut *out, record)?;
            out.write_all(b"\n").writing_output()?;
        }
        Format::Csv => {
            let mut w = ListWriter::new(Format::Csv, headers.to_vec(), out);
            w.write(record)?;
            w.finish()?;
        }
    }
    out.flush().writing_output()?;
    Ok(())
}

/// A number for CSV: "" when absent.
/// A time as JSON shows it, RFC 3339 in UTC, or null when absent: for
/// `#[serde(serialize_with = "rfc3339")]` on a `Timestamp` or an
/// `Option<Timestamp>`.
pub fn rfc3339<T, S>(t: &T, s: S) -> std::result::Result<S::Ok, S::Error>
where
    T: Copy + Into<Option<crate::policy::Timestamp>>,
    S: serde::Serializer,
{
    match (*t).into() {
        Some(t) => s.serialize_str(&t.to_rfc3339()),
        None => s.serialize_none(),
    }
}

/// A time for CSV: RFC 3339 in UTC, "" when absent.
pub fn time_field(t: impl Into<Option<crate::policy::Timestamp>>) -> Cow<'static, str> {
    t.into()
        .map_or(Cow::Borrowed(""), |t| Cow::Owned(t.to_rfc3339()))
}

pub fn num_field(v: Option<u32>) -> Cow<'static, str> {
    v.map_or(Cow::Borrowed(""), |n| Cow::Owned(n.to_string()))
}

/// `on`/`off` for people.
pub fn on_off(b: bool) -> String {
    (if b { "on" } else { "off" }).to_string()
}

/// A duration for people, `15m`, or `-` when there is none.
pub fn human_duration(secs: Option<u32>) -> String {
    secs.and_then(|s| crate::policy::PinDuration::from_secs(i64::from(s)).ok())
        .map_or_else(|| "-".to_string(), |d| d.to_string())
}

/// `true`/`false` for CSV.
pub fn bool_field(b: bool) -> Cow<'static, str> {
    Cow::Borrowed(if b { "true" } else { "false" })
}

/// An optional text field: "" when absent.
pub fn opt_field<T: AsRef<str>>(v: Option<&T>) -> Cow<'_, str> {
    Cow::Borrowed(v.map_or("", AsRef::as_ref))
}
