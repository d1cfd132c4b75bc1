//! Tables for people: widths fixed by the first rows, free text shortened
//! to fit a terminal, records as `FIELD: value` lines when it is too
//! narrow.

use super::table_header;
use crate::error::IoContext;
use crate::error::Result;
use std::borrow::Cow;
use std::io::Write;

/// Columns of free text, shortened with `…` to fit a terminal; every other
/// column (numbers, states, times) is shown whole.
pub(super) const SHORTENED: [&str; 5] = ["first_name", "last_name", "email", "user", "detail"];

/// Rows measured before a table's widths are fixed; the rest stream.
pub(super) const MEASURED_ROWS: usize = 1000;

/// The width of a terminal on standard output, if it is one.
pub(super) fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    crate::sys::terminal_columns().map(usize::from)
}

pub(super) fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` cut to `width` columns, with `…` when it was longer.
pub(super) fn shortened(s: &str, width: usize) -> Cow<'_, str> {
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

pub(super) fn column_widths(
    headers: &[&str],
    rows: &[Vec<String>],
    limit: Option<usize>,
) -> Vec<usize> {
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
pub(super) struct TableLayout {
    measuring: Vec<Vec<String>>,
    layout: Option<Layout>,
    written: u64,
    shorten: bool,
    /// Columns left out when they are empty in every row of a table that
    /// was measured whole.
    pub(super) optional: Vec<&'static str>,
    /// The columns shown, by index, once the layout is fixed: `None` when
    /// every column is (no row is copied then).
    kept: Option<Vec<usize>>,
}

impl TableLayout {
    pub(super) fn push(
        &mut self,
        headers: &[&str],
        row: Vec<String>,
        out: &mut impl Write,
    ) -> Result<()> {
        match &self.layout {
            Some(layout) => {
                let layout = layout.clone();
                match self.kept.clone() {
                    None => self.write(out, headers, &layout, &row),
                    Some(kept) => {
                        let headers: Vec<&str> = kept.iter().map(|&i| headers[i]).collect();
                        let row = project(&kept, row);
                        self.write(out, &headers, &layout, &row)
                    }
                }
            }
            None => {
                self.measuring.push(row);
                if self.measuring.len() >= MEASURED_ROWS {
                    self.start(headers, out, false)?;
                }
                Ok(())
            }
        }
    }

    /// Fixes the layout by the rows measured; `whole` when no row follows
    /// them, so that optional columns empty in all of them can go.
    fn start(&mut self, headers: &[&str], out: &mut impl Write, whole: bool) -> Result<()> {
        let kept: Vec<usize> = (0..headers.len())
            .filter(|&i| {
                !(whole
                    && self.optional.contains(&headers[i])
                    && self.measuring.iter().all(|r| r[i].is_empty()))
            })
            .collect();
        let mut shown = headers.to_vec();
        if kept.len() < headers.len() {
            shown = kept.iter().map(|&i| headers[i]).collect();
            self.measuring = std::mem::take(&mut self.measuring)
                .into_iter()
                .map(|r| project(&kept, r))
                .collect();
            self.kept = Some(kept);
        }
        let headers = &shown[..];
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
                    writeln!(out).writing_output()?;
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

    /// Fixes the layout by the rows measured, if not yet fixed: `whole`
    /// when the table ends here, or more rows are to come.
    pub(super) fn settle(
        &mut self,
        headers: &[&str],
        out: &mut impl Write,
        whole: bool,
    ) -> Result<()> {
        if self.layout.is_none() && !self.measuring.is_empty() {
            self.start(headers, out, whole)?;
        }
        Ok(())
    }
}

/// The cells of the columns `kept`, moved out of `row`.
fn project(kept: &[usize], mut row: Vec<String>) -> Vec<String> {
    kept.iter().map(|&i| std::mem::take(&mut row[i])).collect()
}

/// One line of a table: cells padded to their widths, two spaces apart,
/// free text shortened (only columns named in `headers` are; a header row
/// passes none).
pub(super) fn write_row(
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
    writeln!(out, "{}", line.trim_end()).writing_output()?;
    Ok(())
}

/// A record as `TITLE: value` lines, the values aligned `gap` columns
/// after the longest title; free text shortened to fit `width` columns
/// (when there is a limit), every other value whole.
pub(super) fn write_fields(
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
        writeln!(out, "{}", line.trim_end()).writing_output()?;
    }
    Ok(())
}
