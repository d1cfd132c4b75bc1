//! Rendering shared by every command: tables for people, CSV, JSON and
//! JSON lines for programs. Everything streams one record at a time; a
//! table measures its first rows to fix its column widths.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

use crate::error::Result;

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
    /// Escape control and invisible format characters in tables and CSV.
    escape: bool,
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
            escape: true,
        }
    }

    /// Writes CSV values exactly as stored, for exports that must round
    /// trip byte for byte (whose values were checked on the way in).
    pub fn verbatim(mut self) -> Self {
        self.escape = false;
        self
    }

    /// In CSV, prefixes cells that start with `=`, `+`, `-`, `@`, a tab or
    /// a carriage return with `'`, so that spreadsheets show them as text
    /// instead of running them (CSV injection).
    pub fn spreadsheet_safe(mut self, on: bool) -> Self {
        self.spreadsheet_safe = on;
        self
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
                if self.spreadsheet_safe {
                    for f in &mut fields {
                        if spreadsheet_unsafe(f) {
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
                out.write_all(sep)?;
                serde_json::to_writer(&mut *out, record)?;
            }
            Format::Jsonl => {
                let out = self.out();
                serde_json::to_writer(&mut *out, record)?;
                out.write_all(b"\n")?;
            }
        }
        self.count += 1;
        Ok(())
    }

    /// Ends the output; returns the number of records written.
    pub fn finish(mut self, stdout_is_terminal: bool) -> Result<u64> {
        match self.format {
            Format::Table => {
                let _ = stdout_is_terminal;
                let out = self.out.as_deref_mut().expect("held until finish");
                self.table.finish(&self.headers, out)?;
                self.out().flush()?;
            }
            Format::Csv => self.csv()?.flush()?,
            Format::Json => {
                let end: &[u8] = if self.count == 0 { b"[]\n" } else { b"\n]\n" };
                let out = self.out();
                out.write_all(end)?;
                out.flush()?;
            }
            Format::Jsonl => self.out().flush()?,
        }
        Ok(self.count)
    }
}

/// Columns of free text, shortened with `…` to fit a terminal; every other
/// column (numbers, states, times) is shown whole.
const SHORTENED: [&str; 5] = ["first_name", "last_name", "email", "user", "detail"];

/// Rows measured before a table's widths are fixed; the rest stream.
const MEASURED_ROWS: usize = 1000;

/// The width of a terminal on standard output, if it is one.
fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    // SAFETY: TIOCGWINSZ fills a winsize.
    let cols = unsafe {
        let mut ws: libc::winsize = std::mem::zeroed();
        if libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) != 0 {
            return None;
        }
        ws.ws_col
    };
    (cols > 0).then_some(usize::from(cols))
}

fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` cut to `width` columns, with `…` when it was longer.
fn shortened(s: &str, width: usize) -> Cow<'_, str> {
    if display_width(s) <= width {
        return Cow::Borrowed(s);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// How a table is laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// Columns of these widths.
    Columns(Vec<usize>),
    /// One record at a time, a `TITLE: value` line per field, for a
    /// terminal too narrow for the columns.
    Records { width: usize },
}

/// The layout of `rows` under `headers`: columns, every value whole,
/// unless a terminal of `limit` columns is too narrow; then the free-text
/// columns share what the others leave (each at least its header's
/// width); when even that does not fit, one record at a time.
pub fn layout(headers: &[&str], rows: &[Vec<String>], limit: Option<usize>) -> Layout {
    let widths = column_widths(headers, rows, limit);
    match limit {
        Some(limit)
            if widths.iter().sum::<usize>() + 2 * headers.len().saturating_sub(1) > limit =>
        {
            Layout::Records { width: limit }
        }
        _ => Layout::Columns(widths),
    }
}

fn column_widths(headers: &[&str], rows: &[Vec<String>], limit: Option<usize>) -> Vec<usize> {
    let titles: Vec<String> = headers.iter().map(|h| table_header(h)).collect();
    let mut widths: Vec<usize> = titles.iter().map(|t| display_width(t)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(display_width(cell));
        }
    }
    let Some(limit) = limit else {
        return widths;
    };
    let gaps = 2 * headers.len().saturating_sub(1);
    let total: usize = widths.iter().sum::<usize>() + gaps;
    if total <= limit {
        return widths;
    }
    let flexible: Vec<usize> = (0..headers.len())
        .filter(|&i| SHORTENED.contains(&headers[i]))
        .collect();
    if flexible.is_empty() {
        return widths;
    }
    let fixed: usize = (0..headers.len())
        .filter(|i| !flexible.contains(i))
        .map(|i| widths[i])
        .sum::<usize>()
        + gaps;
    let mut room = limit.saturating_sub(fixed);
    // The narrowest first: one that needs less than its share gives the
    // rest to the others.
    let mut order = flexible.clone();
    order.sort_by_key(|&i| widths[i]);
    for (k, &i) in order.iter().enumerate() {
        let share = room / (order.len() - k);
        let floor = display_width(&titles[i]).max(4);
        let w = widths[i].min(share.max(floor));
        widths[i] = w;
        room = room.saturating_sub(w);
    }
    widths
}

/// A table written as it comes: the first rows fix the column widths,
/// later rows follow them (free text shortened with `…`, other values
/// whole), so memory does not grow with the rows.
#[derive(Default)]
struct TableLayout {
    measuring: Vec<Vec<String>>,
    layout: Option<Layout>,
    written: u64,
    shorten: bool,
}

impl TableLayout {
    fn push(&mut self, headers: &[&str], row: Vec<String>, out: &mut impl Write) -> Result<()> {
        match &self.layout {
            Some(layout) => {
                let layout = layout.clone();
                self.write(out, headers, &layout, &row)
            }
            None => {
                self.measuring.push(row);
                if self.measuring.len() >= MEASURED_ROWS {
                    self.start(headers, out)?;
                }
                Ok(())
            }
        }
    }

    fn start(&mut self, headers: &[&str], out: &mut impl Write) -> Result<()> {
        let limit = terminal_width();
        // Free text is shortened only to fit a terminal: piped, every value
        // is whole.
        self.shorten = limit.is_some();
        let layout = layout(headers, &self.measuring, limit);
        if let Layout::Columns(widths) = &layout {
            let titles: Vec<String> = headers.iter().map(|h| table_header(h)).collect();
            write_row(out, &[], widths, &titles)?;
        }
        for row in std::mem::take(&mut self.measuring) {
            self.write(out, headers, &layout, &row)?;
        }
        self.layout = Some(layout);
        Ok(())
    }

    fn write(
        &mut self,
        out: &mut impl Write,
        headers: &[&str],
        layout: &Layout,
        row: &[String],
    ) -> Result<()> {
        match layout {
            Layout::Columns(widths) if self.shorten => write_row(out, headers, widths, row)?,
            Layout::Columns(widths) => write_row(out, &[], widths, row)?,
            Layout::Records { width } => {
                if self.written > 0 {
                    writeln!(out)?;
                }
                let titles: Vec<String> = headers
                    .iter()
                    .map(|h| format!("{}:", table_header(h)))
                    .collect();
                write_fields(out, headers, &titles, row, 1, Some(*width))?;
            }
        }
        self.written += 1;
        Ok(())
    }

    fn finish(&mut self, headers: &[&str], out: &mut impl Write) -> Result<()> {
        if self.layout.is_none() && !self.measuring.is_empty() {
            self.start(headers, out)?;
        }
        Ok(())
    }
}

/// One line of a table: cells padded to their widths, two spaces apart,
/// free text shortened (only columns named in `headers` are; a header row
/// passes none).
fn write_row(
    out: &mut impl Write,
    headers: &[&str],
    widths: &[usize],
    cells: &[String],
) -> Result<()> {
    let mut line = String::new();
    for (i, (cell, &w)) in cells.iter().zip(widths).enumerate() {
        let shown = match headers.get(i) {
            Some(h) if SHORTENED.contains(h) => shortened(cell, w),
            _ => Cow::Borrowed(cell.as_str()),
        };
        line.push_str(&shown);
        if i + 1 < cells.len() {
            let pad = w.saturating_sub(display_width(&shown)) + 2;
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    writeln!(out, "{}", line.trim_end())?;
    Ok(())
}

/// A record as `TITLE: value` lines, the values aligned `gap` columns
/// after the longest title; free text shortened to fit `width` columns
/// (when there is a limit), every other value whole.
fn write_fields(
    out: &mut impl Write,
    headers: &[&str],
    titles: &[String],
    cells: &[String],
    gap: usize,
    width: Option<usize>,
) -> Result<()> {
    let pad = titles.iter().map(|t| display_width(t)).max().unwrap_or(0) + gap;
    for ((h, title), cell) in headers.iter().zip(titles).zip(cells) {
        let shown = match width {
            Some(width) if SHORTENED.contains(h) => {
                shortened(cell, width.saturating_sub(pad).max(4))
            }
            _ => Cow::Borrowed(cell.as_str()),
        };
        let line = format!("{title}{}{shown}", " ".repeat(pad - display_width(title)));
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

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
fn spreadsheet_unsafe(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Does `s` need quoting in CSV (as the csv crate decides)?
fn csv_needs_quotes(s: &[u8]) -> bool {
    s.iter().any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
}

/// Does `s` need escaping in a JSON string (as serde_json decides)?
fn json_needs_escape(s: &[u8]) -> bool {
    s.iter().any(|&b| b == b'"' || b == b'\\' || b < 0x20)
}

/// A fast writer for flat rows, for exports of a million rows: the same
/// bytes as [`ListWriter`] (the csv crate's CSV, serde_json's JSON) without
/// building a record per row. Nothing is written before the first row or
/// `finish`.
pub struct RowEncoder {
    format: Format,
    headers: Vec<&'static str>,
    count: u64,
    spreadsheet_safe: bool,
    int_buf: itoa_buf::Buffer,
}

mod itoa_buf {
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
            int_buf: itoa_buf::Buffer::new(),
        }
    }

    /// See [`ListWriter::spreadsheet_safe`].
    pub fn spreadsheet_safe(mut self, on: bool) -> Self {
        self.spreadsheet_safe = on;
        self
    }

    fn csv_text(out: &mut impl Write, s: &str, safe: bool) -> std::io::Result<()> {
        let prefix = safe && spreadsheet_unsafe(s);
        let bytes = s.as_bytes();
        if !csv_needs_quotes(bytes) {
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
            out.write_all(b"\"")?;
            out.write_all(s.as_bytes())?;
            out.write_all(b"\"")?;
        }
        Ok(())
    }

    fn header(&self, out: &mut impl Write) -> std::io::Result<()> {
        for (i, h) in self.headers.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            Self::csv_text(out, h, false)?;
        }
        out.write_all(b"\n")
    }

    /// Writes one row; `cells` are in header order.
    pub fn row(&mut self, out: &mut impl Write, cells: &[Cell<'_>]) -> Result<()> {
        match self.format {
            Format::Csv => {
                if self.count == 0 {
                    self.header(out)?;
                }
                for (i, cell) in cells.iter().enumerate() {
                    if i > 0 {
                        out.write_all(b",")?;
                    }
                    match *cell {
                        Cell::Text(s) => Self::csv_text(out, s, self.spreadsheet_safe)?,
                        Cell::Int(n) => out.write_all(self.int_buf.format(n))?,
                        Cell::Bool(b) => out.write_all(if b { b"true" } else { b"false" })?,
                        Cell::Null => {}
                    }
                }
                out.write_all(b"\n")?;
            }
            Format::Json | Format::Jsonl => {
                if self.format == Format::Json {
                    out.write_all(if self.count == 0 { b"[\n  " } else { b",\n  " })?;
                }
                out.write_all(b"{")?;
                for (i, (key, cell)) in self.headers.iter().zip(cells).enumerate() {
                    if i > 0 {
                        out.write_all(b",")?;
                    }
                    Self::json_text(out, key)?;
                    out.write_all(b":")?;
                    match *cell {
                        Cell::Text(s) => Self::json_text(out, s)?,
                        Cell::Int(n) => out.write_all(self.int_buf.format(n))?,
                        Cell::Bool(b) => out.write_all(if b { b"true" } else { b"false" })?,
                        Cell::Null => out.write_all(b"null")?,
                    }
                }
                out.write_all(b"}")?;
                if self.format == Format::Jsonl {
                    out.write_all(b"\n")?;
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
            Format::Csv if self.count == 0 => self.header(out)?,
            Format::Json => out.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?,
            _ => {}
        }
        out.flush()?;
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
            out.write_all(b"\n")?;
        }
        Format::Csv => {
            let mut w = ListWriter::new(Format::Csv, headers.to_vec(), out);
            w.write(record)?;
            w.finish(false)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// A number for CSV: "" when absent.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct R {
        a: &'static str,
        b: Option<u32>,
    }

    impl Record for R {
        fn csv_fields(&self) -> Vec<Cow<'_, str>> {
            vec![
                self.a.into(),
                self.b.map(|b| b.to_string()).unwrap_or_default().into(),
            ]
        }
    }

    fn render(format: Format, rows: &[R]) -> String {
        let mut out = Vec::new();
        let mut w = ListWriter::new(format, vec!["a", "b"], &mut out);
        for r in rows {
            w.write(r).unwrap();
        }
        assert_eq!(w.finish(false).unwrap(), rows.len() as u64);
        String::from_utf8(out).unwrap()
    }

    #[derive(Serialize)]
    struct Mixed {
        a: String,
        n: Option<i64>,
        b: bool,
        t: Option<String>,
    }

    impl Record for Mixed {
        fn csv_fields(&self) -> Vec<Cow<'_, str>> {
            vec![
                Cow::Borrowed(self.a.as_str()),
                self.n
                    .map(|n| Cow::Owned(n.to_string()))
                    .unwrap_or_default(),
                bool_field(self.b),
                opt_field(self.t.as_ref()),
            ]
        }
    }

    fn both(format: Format, rows: &[Mixed], safe: bool) -> (String, String) {
        let mut slow = Vec::new();
        let mut w = ListWriter::new(format, vec!["a", "n", "b", "t"], &mut slow)
            .spreadsheet_safe(safe)
            .verbatim();
        for r in rows {
            w.write(r).unwrap();
        }
        w.finish(false).unwrap();
        let mut fast = Vec::new();
        let mut e = RowEncoder::new(format, vec!["a", "n", "b", "t"]).spreadsheet_safe(safe);
        for r in rows {
            let cells = [
                Cell::Text(&r.a),
                r.n.map_or(Cell::Null, Cell::Int),
                Cell::Bool(r.b),
                r.t.as_deref().map_or(Cell::Null, Cell::Text),
            ];
            e.row(&mut fast, &cells).unwrap();
        }
        e.finish(&mut fast).unwrap();
        (
            String::from_utf8(slow).unwrap(),
            String::from_utf8(fast).unwrap(),
        )
    }

    proptest::proptest! {
        #[test]
        fn row_encoder_writes_the_same_bytes(
            rows in proptest::collection::vec(
                ("\\PC{0,12}|[=+@,\"\r\n\t\\\\ -]{0,6}", proptest::option::of(0i64..100_000), proptest::bool::ANY, proptest::option::of("\\PC{0,8}")),
                0..6,
            ),
            safe in proptest::bool::ANY,
        ) {
            let rows: Vec<Mixed> = rows.into_iter().map(|(a, n, b, t)| Mixed { a, n, b, t }).collect();
            for format in [Format::Csv, Format::Json, Format::Jsonl] {
                let safe = safe && format == Format::Csv;
                let (slow, fast) = both(format, &rows, safe);
                proptest::prop_assert_eq!(slow, fast);
            }
        }
    }

    #[test]
    fn spreadsheet_safe_defuses_formulas() {
        let rows = [
            R { a: "=1+2", b: None },
            R {
                a: "+49",
                b: Some(1),
            },
            R { a: "-x", b: None },
            R {
                a: "@SUM(A1)",
                b: None,
            },
            R { a: "\tx", b: None },
            R { a: "\rx", b: None },
            R {
                a: "plain=",
                b: None,
            },
        ];
        let mut out = Vec::new();
        let mut w = ListWriter::new(Format::Csv, vec!["a", "b"], &mut out)
            .spreadsheet_safe(true)
            .verbatim();
        for r in &rows {
            w.write(r).unwrap();
        }
        w.finish(false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,b\n'=1+2,\n'+49,1\n'-x,\n'@SUM(A1),\n'\tx,\n\"'\rx\",\nplain=,\n"
        );
    }

    #[test]
    fn formats() {
        let rows = [
            R {
                a: "x, \"y\"",
                b: Some(1),
            },
            R { a: "0042", b: None },
        ];
        assert_eq!(
            render(Format::Csv, &rows),
            "a,b\n\"x, \"\"y\"\"\",1\n0042,\n"
        );
        assert_eq!(
            render(Format::Json, &rows),
            "[\n  {\"a\":\"x, \\\"y\\\"\",\"b\":1},\n  {\"a\":\"0042\",\"b\":null}\n]\n"
        );
        assert_eq!(
            render(Format::Jsonl, &rows),
            "{\"a\":\"x, \\\"y\\\"\",\"b\":1}\n{\"a\":\"0042\",\"b\":null}\n"
        );
        assert_eq!(
            render(Format::Table, &rows),
            "A       B\nx, \"y\"  1\n0042\n"
        );
        assert_eq!(render(Format::Json, &[]), "[]\n");
        assert_eq!(render(Format::Csv, &[]), "a,b\n");
        assert_eq!(render(Format::Table, &[]), "");
    }
}
