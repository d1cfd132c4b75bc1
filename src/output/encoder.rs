//! A fast writer of flat rows in CSV and JSON, for exports of a million
//! rows.

use super::{Delimiter, Format};
use crate::error::IoContext;
use crate::error::Result;
use std::io::Write;

/// One cell of a [`RowEncoder`] row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    Text(&'a str),
    Int(i64),
    Bool(bool),
    Null,
}

impl<'a> Cell<'a> {
    /// Text, or null when absent.
    pub fn text(v: Option<&'a str>) -> Self {
        v.map_or(Cell::Null, Cell::Text)
    }
}

/// Would a spreadsheet run `s` as a formula (CSV injection)? Such cells get
/// a leading `'` with `--spreadsheet-safe`.
pub(super) fn formula_like(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Does `s` need quoting in CSV separated by `delimiter` (as the csv crate
/// decides)?
pub(super) fn csv_needs_quotes(s: &[u8], delimiter: u8) -> bool {
    s.iter()
        .any(|&b| b == delimiter || matches!(b, b'"' | b'\r' | b'\n'))
}

/// Does `s` need escaping in a JSON string (as serde_json decides)?
pub(super) fn json_needs_escape(s: &[u8]) -> bool {
    s.iter().any(|&b| b == b'"' || b == b'\\' || b < 0x20)
}

/// A fast writer for flat rows, for exports of a million rows: the same
/// bytes as [`ListWriter`](super::ListWriter) (the csv crate's CSV, serde_json's JSON) without
/// building a record per row. Nothing is written before the first row or
/// `finish`.
pub struct RowEncoder {
    format: Format,
    headers: Vec<&'static str>,
    count: u64,
    spreadsheet_safe: bool,
    /// See [`ListWriter::formula_like_cells`](super::ListWriter::formula_like_cells).
    formula_like: u64,
    int_buf: itoa_buf::Buffer,
    delimiter: u8,
}

pub(super) mod itoa_buf {
    /// Formats integers without going through `fmt`.
    pub struct Buffer([u8; 20]);

    impl Buffer {
        pub fn new() -> Self {
            Buffer([0; 20])
        }

        pub fn format(&mut self, n: i64) -> &[u8] {
            let mut v = n.unsigned_abs();
            let mut i = self.0.len();
            loop {
                i -= 1;
                self.0[i] = b'0' + (v % 10) as u8;
                v /= 10;
                if v == 0 {
                    break;
                }
            }
            if n < 0 {
                i -= 1;
                self.0[i] = b'-';
            }
            &self.0[i..]
        }
    }
}

impl RowEncoder {
    /// `format` is `Csv`, `Json` or `Jsonl`.
    pub fn new(format: Format, headers: Vec<&'static str>) -> Self {
        RowEncoder {
            format,
            headers,
            count: 0,
            spreadsheet_safe: false,
            formula_like: 0,
            int_buf: itoa_buf::Buffer::new(),
            delimiter: b',',
        }
    }

    /// Separates CSV fields with `delimiter` rather than a comma.
    pub fn delimiter(mut self, delimiter: Delimiter) -> Self {
        self.delimiter = delimiter.byte();
        self
    }

    /// See [`ListWriter::spreadsheet_safe`](super::ListWriter::spreadsheet_safe).
    pub fn spreadsheet_safe(mut self, on: bool) -> Self {
        self.spreadsheet_safe = on;
        self
    }

    /// See [`ListWriter::formula_like_cells`](super::ListWriter::formula_like_cells).
    pub fn formula_like_cells(&self) -> u64 {
        self.formula_like
    }

    fn csv_text(out: &mut impl Write, s: &str, safe: bool, delimiter: u8) -> std::io::Result<()> {
        let prefix = safe && formula_like(s);
        let bytes = s.as_bytes();
        if !csv_needs_quotes(bytes, delimiter) {
            if prefix {
                out.write_all(b"'")?;
            }
            return out.write_all(bytes);
        }
        out.write_all(if prefix { b"\"'" } else { b"\"" })?;
        let mut rest = bytes;
        while let Some(i) = rest.iter().position(|&b| b == b'"') {
            out.write_all(&rest[..=i])?;
            out.write_all(b"\"")?;
            rest = &rest[i + 1..];
        }
        out.write_all(rest)?;
        out.write_all(b"\"")
    }

    fn json_text(out: &mut impl Write, s: &str) -> Result<()> {
        if json_needs_escape(s.as_bytes()) {
            serde_json::to_writer(&mut *out, s)?;
        } else {
            out.write_all(b"\"").writing_output()?;
            out.write_all(s.as_bytes()).writing_output()?;
            out.write_all(b"\"").writing_output()?;
        }
        Ok(())
    }

    fn header(&self, out: &mut impl Write) -> std::io::Result<()> {
        for (i, h) in self.headers.iter().enumerate() {
            if i > 0 {
                out.write_all(&[self.delimiter])?;
            }
            Self::csv_text(out, h, false, self.delimiter)?;
        }
        out.write_all(b"\n")
    }

    /// Writes one row; `cells` are in header order.
    pub fn row(&mut self, out: &mut impl Write, cells: &[Cell<'_>]) -> Result<()> {
        match self.format {
            Format::Csv => {
                if self.count == 0 {
                    self.header(out).writing_output()?;
                }
                for (i, cell) in cells.iter().enumerate() {
                    if i > 0 {
                        out.write_all(&[self.delimiter]).writing_output()?;
                    }
                    match *cell {
                        Cell::Text(s) => {
                            self.formula_like += u64::from(formula_like(s));
                            Self::csv_text(out, s, self.spreadsheet_safe, self.delimiter)
                                .writing_output()?
                        }
                        Cell::Int(n) => out.write_all(self.int_buf.format(n)).writing_output()?,
                        Cell::Bool(b) => out
                            .write_all(if b { b"true" } else { b"false" })
                            .writing_output()?,
                        Cell::Null => {}
                    }
                }
                out.write_all(b"\n").writing_output()?;
            }
            Format::Json | Format::Jsonl => {
                if self.format == Format::Json {
                    out.write_all(if self.count == 0 { b"[\n  " } else { b",\n  " })
                        .writing_output()?;
                }
                out.write_all(b"{").writing_output()?;
                for (i, (key, cell)) in self.headers.iter().zip(cells).enumerate() {
                    if i > 0 {
                        out.write_all(b",").writing_output()?;
                    }
                    Self::json_text(out, key)?;
                    out.write_all(b":").writing_output()?;
                    match *cell {
                        Cell::Text(s) => Self::json_text(out, s)?,
                        Cell::Int(n) => out.write_all(self.int_buf.format(n)).writing_output()?,
                        Cell::Bool(b) => out
                            .write_all(if b { b"true" } else { b"false" })
                            .writing_output()?,
                        Cell::Null => out.write_all(b"null").writing_output()?,
                    }
                }
                out.write_all(b"}").writing_output()?;
                if self.format == Format::Jsonl {
                    out.write_all(b"\n").writing_output()?;
                }
            }
            Format::Table => unreachable!("RowEncoder writes CSV and JSON only"),
        }
        self.count += 1;
        Ok(())
    }

    /// Ends the output; returns the number of rows.
    pub fn finish(self, out: &mut impl Write) -> Result<u64> {
        match self.format {
            Format::Csv if self.count == 0 => self.header(out).writing_output()?,
            Format::Json => out
                .write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })
                .writing_output()?,
            _ => {}
        }
        out.flush().writing_output()?;
        Ok(self.count)
    }
}
