//! A whole database copied into another, of either engine: `migrate`,
//! and `backup` and `restore` of a PostgreSQL database.

use super::columns::{ID_INDEX, SQL_ALL_WITH_ID, SQL_INSERT_RECORD_WITH_ID, with_record_params};
use super::corrupt_row;
use super::read::{Reader, record_from_row};
use super::sql::P;
use super::write::Writer;
use crate::error::{Error, Result};

/// How much a database holds: what a copy is checked by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Contents {
    pub extensions: u64,
    pub settings: u64,
    pub events: u64,
}

impl Contents {
    pub fn is_empty(&self) -> bool {
        *self == Contents::default()
    }
}

impl Reader<'_> {
    /// How much the database holds.
    pub fn contents(&self) -> Result<Contents> {
        let count = |table: &str| -> Result<u64> {
            let n = self
                .conn
                .int(self.path, &format!("SELECT count(*) FROM {table}"), &[])?;
            Ok(n.unwrap_or(0) as u64)
        };
        Ok(Contents {
            extensions: count("extensions")?,
            settings: count("settings")?,
            events: count("events")?,
        })
    }
}

impl Writer<'_> {
    /// Replaces everything this database holds (extensions with their
    /// grants and lockouts, settings, the whole audit log, row ids kept)
    /// with `source`'s, inside this write transaction, and checks that the
    /// counts agree. Returns what was copied.
    pub fn replace_with(&self, source: Reader<'_>) -> Result<Contents> {
        self.remove_everything()?;
        let mut extensions = Batch::new(self, &SQL_INSERT_RECORD_WITH_ID);
        source.each_row(&SQL_ALL_WITH_ID, &[], |row| {
            let id = row
                .int(ID_INDEX)?
                .ok_or_else(|| corrupt_row(source.path, "row id"))?;
            let rec = record_from_row(source.path, row)?;
            with_record_params(&rec, Some(id), |p| extensions.push(p))
        })?;
        extensions.flush()?;
        source.each_row("SELECT key, value FROM settings ORDER BY key", &[], |row| {
            self.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                &[row.text(0)?.into(), row.text(1)?.into()],
            )?;
            Ok(())
        })?;
        let mut events = Batch::new(self, SQL_INSERT_EVENT_ROW);
        source.for_each_event_through(i64::MAX, |e| {
            let count = i64::try_from(e.count).unwrap_or(i64::MAX);
            events.push(&[
                P::Int(e.id),
                e.at.unix().into(),
                e.user.as_str().into(),
                e.kind.as_str().into(),
                e.extension.as_deref().into(),
                e.detail.as_str().into(),
                P::Int(count),
            ])
        })?;
        events.flush()?;
        if self.conn.is_postgres() {
            // Rows given their ids leave the id sequences behind.
            for table in ["extensions", "events"] {
                self.conn.int(
                    self.path,
                    &format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                         coalesce(max(id), 0) + 1, false) FROM {table}"
                    ),
                    &[],
                )?;
            }
        }
        let copied = self.read().contents()?;
        let wanted = source.contents()?;
        if copied != wanted {
            return Err(Error::database(
                format!(
                    "the copy does not add up: {wanted:?} in {}, {copied:?} in the copy; nothing was written",
                    crate::text::path(source.path)
                ),
                None,
            ));
        }
        Ok(copied)
    }

    /// Empties every table, the audit log too (through the one way the
    /// append-only log allows: a prune of everything).
    fn remove_everything(&self) -> Result<()> {
        self.execute("DELETE FROM extensions", &[])?;
        self.execute("DELETE FROM settings", &[])?;
        self.execute(
            "INSERT INTO events_prune (through_id) SELECT coalesce(max(id), 0) FROM events",
            &[],
        )?;
        self.execute("DELETE FROM events", &[])?;
        self.execute("DELETE FROM events_prune", &[])?;
        Ok(())
    }
}

/// An event as it was stored elsewhere: id and count kept.
const SQL_INSERT_EVENT_ROW: &str = "INSERT INTO events (id, at, \"user\", kind, extension, detail, count) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/// A value of a row waiting in a [`Batch`].
enum Owned {
    Null,
    Int(i64),
    Text(String),
}

/// Rows for one `INSERT ... VALUES (...)` statement, written many to a
/// statement: a copy of a million rows is a few thousand statements, not
/// a million round trips to PostgreSQL.
struct Batch<'w, 'c> {
    writer: &'w Writer<'c>,
    /// The statement up to its `VALUES`, and the number of columns.
    head: String,
    columns: usize,
    rows: Vec<Vec<Owned>>,
}

impl<'w, 'c> Batch<'w, 'c> {
    /// Rows in a statement: well under both engines' limits on parameters.
    const ROWS: usize = 500;

    /// A batch of `insert`, a one-row `INSERT ... VALUES (?1, ...)`.
    fn new(writer: &'w Writer<'c>, insert: &str) -> Self {
        let (head, values) = insert.split_once("VALUES").expect("an INSERT ... VALUES");
        Batch {
            writer,
            head: format!("{head}VALUES "),
            columns: values.matches('?').count(),
            rows: Vec::with_capacity(Self::ROWS),
        }
    }

    fn push(&mut self, row: &[P<'_>]) -> Result<()> {
        debug_assert_eq!(row.len(), self.columns);
        self.rows.push(
            row.iter()
                .map(|p| match *p {
                    P::Null => Owned::Null,
                    P::Int(v) => Owned::Int(v),
                    P::Text(t) => Owned::Text(t.to_owned()),
                })
                .collect(),
        );
        if self.rows.len() == Self::ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut sql = self.head.clone();
        let mut n = 0;
        for (i, _) in self.rows.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..self.columns {
                n += 1;
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("?{n}"));
            }
            sql.push(')');
        }
        let params: Vec<P<'_>> = self
            .rows
            .iter()
            .flatten()
            .map(|v| match v {
                Owned::Null => P::Null,
                Owned::Int(i) => P::Int(*i),
                Owned::Text(t) => P::Text(t),
            })
            .collect();
        self.writer.execute(&sql, &params)?;
        self.rows.clear();
        Ok(())
    }
}
