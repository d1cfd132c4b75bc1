//! The machinery of `import`: bulk inserts, and the temporary tables that
//! remember what an import added, updated, generated and removed.

use super::columns::{
    ID_INDEX, SQL_INSERT_RECORD, SQL_INSERT_RECORD_IF_NEW, SQL_ONE_WITH_ID, SQL_REPLACE_RECORD,
    with_record_params,
};
use super::read::Reader;
use super::read::record_from_row;
use super::sql::Conn;
use super::write::Writer;
use super::{corrupt_row, db_error};
use crate::error::Result;
use crate::policy::{Extension, Pin, Timestamp};
use crate::records::ExtensionRecord;
use std::path::Path;

/// Inserts many records, one prepared statement for all.
pub struct RecordInserter<'c> {
    pub(super) engine: Inserter<'c>,
    pub(super) path: &'c Path,
}

pub(super) enum Inserter<'c> {
    /// The statement stays prepared; a number that exists is a constraint
    /// error, which leaves a SQLite transaction as it was.
    Sqlite {
        stmt: rusqlite::Statement<'c>,
        conn: &'c rusqlite::Connection,
    },
    /// A failed statement would abort the whole PostgreSQL transaction: a
    /// number that exists inserts nothing (`ON CONFLICT DO NOTHING`).
    Postgres(Conn<'c>),
}

impl RecordInserter<'_> {
    /// Inserts `rec` and returns its row id, or `None` when an extension
    /// with its number exists (nothing is written then).
    pub fn insert_if_new(&mut self, rec: &ExtensionRecord) -> Result<Option<i64>> {
        match &mut self.engine {
            Inserter::Sqlite { stmt, conn } => {
                match with_record_params(rec, None, |p| stmt.execute(rusqlite::params_from_iter(p)))
                {
                    Ok(_) => Ok(Some(conn.last_insert_rowid())),
                    Err(rusqlite::Error::SqliteFailure(e, _))
                        if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
                    {
                        Ok(None)
                    }
                    Err(e) => Err(db_error(self.path, e)),
                }
            }
            Inserter::Postgres(conn) => {
                let id = with_record_params(rec, None, |p| {
                    conn.optional(self.path, &SQL_INSERT_RECORD_IF_NEW, p, |r| r.int(0))
                })?;
                Ok(id.flatten())
            }
        }
    }
}

impl Reader<'_> {
    /// Calls `f` with each extension that got a generated PIN in the last
    /// import on this connection, in numeric order.
    pub fn for_each_generated(
        &self,
        mut f: impl FnMut(&Extension, &Pin) -> Result<()>,
    ) -> Result<()> {
        let sql = "SELECT e.number, e.voicemail_pin FROM extensions e \
                   JOIN temp.import_generated g ON g.id = e.id \
                   ORDER BY CAST(e.number AS INTEGER), e.number";
        self.each_row(sql, &[], |row| {
            let number = row.text(0)?.unwrap_or("");
            let pin = row.text(1)?.unwrap_or("");
            let number = number
                .parse()
                .map_err(|_| corrupt_row(self.path, "extension number"))?;
            let pin = pin.parse().map_err(|_| corrupt_row(self.path, "PIN"))?;
            f(&number, &pin)
        })
    }

    /// The extensions the last `import --sync` on this connection removed,
    /// in number order.
    pub fn for_each_removed(&self, mut f: impl FnMut(&Extension) -> Result<()>) -> Result<()> {
        let sql = "SELECT number FROM temp.import_removed ORDER BY CAST(number AS INTEGER), number";
        self.each_row(sql, &[], |row| {
            let number = row.text(0)?.unwrap_or("");
            let number = number
                .parse()
                .map_err(|_| corrupt_row(self.path, "extension number"))?;
            f(&number)
        })
    }
}

impl Writer<'_> {
    /// Prepares an import: returns the highest row id so far, so that rows
    /// added by this import can be told from rows that were there before.
    pub fn import_begin(&self) -> Result<i64> {
        let rowid = if self.conn.is_postgres() {
            ""
        } else {
            " WITHOUT ROWID"
        };
        let id_type = if self.conn.is_postgres() {
            "BIGINT"
        } else {
            "INTEGER"
        };
        self.conn.batch(
            self.path,
            &format!(
                "CREATE TEMP TABLE IF NOT EXISTS import_updated (number TEXT PRIMARY KEY){rowid};
                 CREATE TEMP TABLE IF NOT EXISTS import_generated (id {id_type} PRIMARY KEY);
                 CREATE TEMP TABLE IF NOT EXISTS import_removed (number TEXT PRIMARY KEY){rowid};
                 DELETE FROM temp.import_updated;
                 DELETE FROM temp.import_generated;
                 DELETE FROM temp.import_removed;"
            ),
        )?;
        Ok(self
            .conn
            .int(
                self.path,
                "SELECT coalesce(max(id), 0) FROM extensions",
                &[],
            )?
            .unwrap_or(0))
    }

    /// An extension with its row id, for an import.
    pub fn lookup_with_id(&self, ext: &Extension) -> Result<Option<(i64, ExtensionRecord)>> {
        self.conn
            .optional(self.path, &SQL_ONE_WITH_ID, &[ext.as_str().into()], |r| {
                let id = r
                    .int(ID_INDEX)?
                    .ok_or_else(|| corrupt_row(self.path, "row id"))?;
                Ok((id, record_from_row(self.path, r)?))
            })
    }

    /// Notes that this import updated `ext`; false if it already had.
    pub fn mark_updated(&self, ext: &Extension) -> Result<bool> {
        let n = self.execute(
            "INSERT INTO temp.import_updated (number) VALUES (?1) ON CONFLICT DO NOTHING",
            &[ext.as_str().into()],
        )?;
        Ok(n == 1)
    }

    /// Removes the extensions that were there before this import
    /// (`max_id_before`, from [`Writer::import_begin`]) and that it neither
    /// added nor updated: `import --sync`. With the rows go their grants
    /// and lockouts. Returns how many, and how many of them were pin
    /// protected or unlocked at `now`; [`Reader::for_each_removed`] lists
    /// them.
    pub fn remove_unseen(&self, max_id_before: i64, now: Timestamp) -> Result<Removed> {
        self.execute(
            "INSERT INTO temp.import_removed (number) \
             SELECT number FROM extensions WHERE id <= ?1 \
             AND number NOT IN (SELECT number FROM temp.import_updated)",
            &[max_id_before.into()],
        )?;
        let (protected, unlocked) = self.conn.one(
            self.path,
            "SELECT count(*) FILTER (WHERE pin_protect = 1), \
                    count(*) FILTER (WHERE granted_at <= ?1 AND ?1 < unlocked_until) \
             FROM extensions WHERE number IN (SELECT number FROM temp.import_removed)",
            &[now.unix().into()],
            |r| Ok((r.int(0)?.unwrap_or(0), r.int(1)?.unwrap_or(0))),
        )?;
        let n = self.execute(
            "DELETE FROM extensions WHERE number IN (SELECT number FROM temp.import_removed)",
            &[],
        )?;
        Ok(Removed {
            count: n as u64,
            protected: protected as u64,
            unlocked: unlocked as u64,
        })
    }

    /// Notes that the row `id` got a generated PIN.
    pub fn mark_generated(&self, id: i64) -> Result<()> {
        self.execute(
            "INSERT INTO temp.import_generated (id) VALUES (?1)",
            &[id.into()],
        )?;
        Ok(())
    }

    /// Inserts a whole record; returns its row id.
    pub fn insert_record(&self, rec: &ExtensionRecord) -> Result<i64> {
        let id = with_record_params(rec, None, |p| {
            self.conn
                .one(self.path, &SQL_INSERT_RECORD, p, |r| r.int(0))
        })?;
        id.ok_or_else(|| corrupt_row(self.path, "row id"))
    }

    /// A prepared insert for many records in a row (an import).
    pub fn record_inserter(&self) -> Result<RecordInserter<'_>> {
        let engine = match self.conn {
            Conn::Sqlite(conn) => {
                // The plain insert: SQLite's RETURNING costs a result row.
                let sql = SQL_INSERT_RECORD.replace(" RETURNING id", "");
                let stmt = conn.prepare(&sql).map_err(|e| db_error(self.path, e))?;
                Inserter::Sqlite { stmt, conn }
            }
            postgres => Inserter::Postgres(postgres),
        };
        Ok(RecordInserter {
            engine,
            path: self.path,
        })
    }

    /// Replaces every field of the row `id` with `rec`.
    pub fn replace_record(&self, id: i64, rec: &ExtensionRecord) -> Result<()> {
        with_record_params(rec, Some(id), |p| self.execute(&SQL_REPLACE_RECORD, p))?;
        Ok(())
    }
}

/// What `import --sync` removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Removed {
    pub count: u64,
    /// Of them, pin protected.
    pub protected: u64,
    /// Of them, unlocked by a grant at the time of the import.
    pub unlocked: u64,
}
