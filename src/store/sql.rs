//! The one way the store's shared code runs SQL, whatever the engine:
//! [`Conn`] (a connection of either engine), [`P`] (a parameter) and
//! [`RowView`] (a row of a result).
//!
//! Shared statements are written once, in the SQL both engines take, with
//! SQLite's `?N` parameters; [`postgres_dialect`] turns them into
//! PostgreSQL's. What differs beyond that is written per engine where it
//! is used, as a `match` on the [`Conn`].

use std::path::Path;

use super::{db_error, pg};
use crate::error::{Error, Result};

/// A connection of either engine, borrowed for a statement.
#[derive(Clone, Copy)]
pub(super) enum Conn<'c> {
    Sqlite(&'c rusqlite::Connection),
    Postgres(&'c pg::PgConn),
}

/// A parameter of a statement: the three kinds of value pinprotect stores.
#[derive(Debug, Clone, Copy)]
pub(super) enum P<'a> {
    Null,
    Int(i64),
    Text(&'a str),
}

impl From<i64> for P<'_> {
    fn from(v: i64) -> Self {
        P::Int(v)
    }
}

impl From<u32> for P<'_> {
    fn from(v: u32) -> Self {
        P::Int(i64::from(v))
    }
}

impl From<bool> for P<'_> {
    fn from(v: bool) -> Self {
        P::Int(i64::from(v))
    }
}

impl<'a> From<&'a str> for P<'a> {
    fn from(v: &'a str) -> Self {
        P::Text(v)
    }
}

impl<'a> From<&'a String> for P<'a> {
    fn from(v: &'a String) -> Self {
        P::Text(v)
    }
}

impl<'a, T: Into<P<'a>>> From<Option<T>> for P<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(P::Null, Into::into)
    }
}

impl rusqlite::ToSql for P<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match *self {
            P::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            P::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(v)),
            P::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

/// A row of a result, its columns by index.
pub(super) trait RowView {
    fn int(&self, i: usize) -> Result<Option<i64>>;
    fn text(&self, i: usize) -> Result<Option<&str>>;
}

struct SqliteRow<'a, 'r> {
    row: &'a rusqlite::Row<'r>,
    path: &'a Path,
}

impl RowView for SqliteRow<'_, '_> {
    fn int(&self, i: usize) -> Result<Option<i64>> {
        self.row
            .get_ref(i)
            .and_then(|v| Ok(v.as_i64_or_null()?))
            .map_err(|e| db_error(self.path, e))
    }

    fn text(&self, i: usize) -> Result<Option<&str>> {
        self.row
            .get_ref(i)
            .and_then(|v| Ok(v.as_str_or_null()?))
            .map_err(|e| db_error(self.path, e))
    }
}

/// A shared statement as PostgreSQL takes it: `$N` for `?N`, 64-bit
/// integers for SQLite's `INTEGER` casts, `pg_temp` for `temp`.
pub(super) fn postgres_dialect(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted && chars.peek().is_some_and(char::is_ascii_digit) => out.push('$'),
            _ => out.push(c),
        }
    }
    out.replace(" AS INTEGER)", " AS BIGINT)")
        .replace(" temp.", " pg_temp.")
}

impl<'c> Conn<'c> {
    /// Runs a statement that returns no rows; how many rows it changed.
    pub(super) fn execute(&self, path: &Path, sql: &str, params: &[P<'_>]) -> Result<u64> {
        match self {
            Conn::Sqlite(conn) => {
                let mut stmt = conn.prepare_cached(sql).map_err(|e| db_error(path, e))?;
                stmt.execute(rusqlite::params_from_iter(params))
                    .map(|n| n as u64)
                    .map_err(|e| db_error(path, e))
            }
            Conn::Postgres(conn) => conn.execute(path, sql, params),
        }
    }

    /// Runs statements without parameters, one after the other.
    pub(super) fn batch(&self, path: &Path, sql: &str) -> Result<()> {
        match self {
            Conn::Sqlite(conn) => conn.execute_batch(sql).map_err(|e| db_error(path, e)),
            Conn::Postgres(conn) => conn.batch(path, sql),
        }
    }

    /// Calls `f` with each row of the result, one at a time.
    pub(super) fn each(
        &self,
        path: &Path,
        sql: &str,
        params: &[P<'_>],
        mut f: impl FnMut(&dyn RowView) -> Result<()>,
    ) -> Result<()> {
        match self {
            Conn::Sqlite(conn) => {
                let mut stmt = conn.prepare_cached(sql).map_err(|e| db_error(path, e))?;
                let mut rows = stmt
                    .query(rusqlite::params_from_iter(params))
                    .map_err(|e| db_error(path, e))?;
                while let Some(row) = rows.next().map_err(|e| db_error(path, e))? {
                    f(&SqliteRow { row, path })?;
                }
                Ok(())
            }
            Conn::Postgres(conn) => conn.each(path, sql, params, f),
        }
    }

    /// `f` of the first row, or `None` when there is none.
    pub(super) fn optional<T>(
        &self,
        path: &Path,
        sql: &str,
        params: &[P<'_>],
        f: impl FnOnce(&dyn RowView) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut f = Some(f);
        let mut found = None;
        self.each(path, sql, params, |row| {
            if let Some(f) = f.take() {
                found = Some(f(row)?);
            }
            Ok(())
        })?;
        Ok(found)
    }

    /// `f` of the first row of a statement that always returns one.
    pub(super) fn one<T>(
        &self,
        path: &Path,
        sql: &str,
        params: &[P<'_>],
        f: impl FnOnce(&dyn RowView) -> Result<T>,
    ) -> Result<T> {
        self.optional(path, sql, params, f)?.ok_or_else(|| {
            Error::database(
                format!(
                    "database {}: a query returned no row",
                    crate::text::path(path)
                ),
                None,
            )
        })
    }

    /// Whether the statement returns a row.
    pub(super) fn exists(&self, path: &Path, sql: &str, params: &[P<'_>]) -> Result<bool> {
        Ok(self.optional(path, sql, params, |_| Ok(()))?.is_some())
    }

    /// The integer of a statement that returns one row of one column.
    pub(super) fn int(&self, path: &Path, sql: &str, params: &[P<'_>]) -> Result<Option<i64>> {
        self.one(path, sql, params, |r| r.int(0))
    }

    pub(super) fn is_postgres(&self) -> bool {
        matches!(self, Conn::Postgres(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_postgres_dialect_renumbers_parameters_outside_quotes_only() {
        assert_eq!(
            postgres_dialect(
                "SELECT ?1, '?2' FROM t WHERE CAST(n AS INTEGER) = ?12 AND x IN (SELECT y FROM temp.z)"
            ),
            "SELECT $1, '?2' FROM t WHERE CAST(n AS BIGINT) = $12 AND x IN (SELECT y FROM pg_temp.z)"
        );
    }
}
