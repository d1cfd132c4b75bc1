//! The store: every SQL statement of pinprotect lives here, behind
//! functions named for what they do, on either engine: a SQLite file
//! (one host) or PostgreSQL (several PBX nodes), chosen by [`Location`].
//!
//! Reads go through a [`Reader`]; writes only through a [`Writer`], which
//! exists only inside [`Store::write`], one write transaction (SQLite's
//! `BEGIN IMMEDIATE`, PostgreSQL's writer lock: see `pg`) that commits
//! when the closure succeeds and rolls back otherwise.
//!
//! The public API speaks in pinprotect's own types ([`crate::records`],
//! [`crate::events`], [`crate::policy`]); nothing of either engine's
//! library shows through it.
//!
//! - this module: [`Store`] (opening, `init`, the transaction rules) and
//!   how SQLite errors become pinprotect's;
//! - `sql`: the one way shared code runs a statement on either engine;
//! - `pg`: PostgreSQL's connections, schema and errors;
//! - `schema`: the numbered migrations and how a pinprotect file is known;
//! - `file`: the file before SQLite sees it (pre-open checks, creation
//!   with safe modes) and opening connections;
//! - `columns`: the one definition of the extension record's columns;
//! - `read`, `write`: [`Reader`] and [`Writer`];
//! - `import`: bulk inserts and the bookkeeping of an import;
//! - `pool`: the connection pool of `serve`.

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, TransactionBehavior};

use crate::error::{Error, Result};
use crate::text;

/// `PRAGMA application_id` of a pinprotect database: "PINP".
pub const APPLICATION_ID: i32 = 0x5049_4E50;

/// How long a command waits for another process's write to finish.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

mod columns;
mod copy;
mod file;
mod import;
mod location;
mod pg;
mod pool;
mod read;
mod schema;
mod sql;
#[cfg(test)]
mod tests;
mod write;

use file::{Live, SharedLock, check_file, create_file, damaged, not_sqlite, open_connection};
use schema::{
    MIGRATIONS, expected_triggers, identify, not_pinprotect, too_new, trigger_problem, triggers,
};
use sql::Conn;

pub use copy::Contents;
pub use file::companion;
pub use import::{RecordInserter, Removed};
pub use location::Location;
pub use pg::PgUrl;
pub use pool::{ConnectionPool, DeniedCall, Pooled};
pub use read::Reader;
pub use schema::SCHEMA_VERSION;
pub use write::Writer;

/// What `init` found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitOutcome {
    Created,
    Upgraded { from: i64, to: i64 },
    UpToDate,
}

impl InitOutcome {
    /// The outcome of bringing a database of schema version `found` (0:
    /// none yet) to [`SCHEMA_VERSION`].
    fn after(found: i64) -> InitOutcome {
        match found {
            0 => InitOutcome::Created,
            SCHEMA_VERSION => InitOutcome::UpToDate,
            from => InitOutcome::Upgraded {
                from,
                to: SCHEMA_VERSION,
            },
        }
    }
}

fn db_error(path: &Path, e: rusqlite::Error) -> Error {
    let code = e.sqlite_error_code();
    let shown = text::path(path);
    match code {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => busy_error(path),
        Some(ErrorCode::NotADatabase) => not_sqlite(path),
        Some(ErrorCode::DatabaseCorrupt) => damaged(path, &e.to_string()),
        Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen) => {
            Error::database(
                format!("cannot open database {shown} for writing: {e}"),
                Some("check the file's owner and permissions and those of its folder".into()),
            )
        }
        Some(ErrorCode::DiskFull) => disk_full(path),
        // A full disk met while SQLite grows its -shm or -wal file, syncs or
        // truncates comes as an I/O error.
        Some(ErrorCode::SystemIoFailure) if disk_is_full(path) => disk_full(path),
        _ => Error::database(format!("database {shown}: {e}"), None),
    }
}

fn disk_full(path: &Path) -> Error {
    let folder = crate::fsutil::folder_of(path);
    Error::database(
        format!("database {}: the disk is full", text::path(path)),
        Some(format!(
            "nothing was changed; free some space on the file system of {} (`df -h {}` shows it) and try again",
            text::path(folder),
            text::path(folder)
        )),
    )
}

/// Whether the file system of `path` has (next to) no space left for
/// this user: less than 1 MiB.
fn disk_is_full(path: &Path) -> bool {
    let Ok(fs) = rustix::fs::statvfs(crate::fsutil::folder_of(path)) else {
        return false;
    };
    let blocks = if rustix::process::geteuid().is_root() {
        fs.f_bfree
    } else {
        fs.f_bavail
    };
    blocks.saturating_mul(fs.f_frsize) < 1 << 20
}

fn busy_error(path: &Path) -> Error {
    Error::database(
        format!(
            "database {} is busy: it stayed in use longer than the wait allows",
            text::path(path)
        ),
        Some("try again; if it persists, look for a stuck process using the database".into()),
    )
}

fn corrupt_row(path: &Path, what: &str) -> Error {
    Error::database(
        format!("database {}: stored {what} is invalid", text::path(path)),
        Some("the file was changed outside pinprotect; restore it from a backup".into()),
    )
}

/// An open, initialised pinprotect database.
pub struct Store {
    engine: Engine,
    /// The file, or for PostgreSQL the URL as messages show it.
    path: PathBuf,
}

/// A connection of one engine.
enum Engine {
    Sqlite {
        /// Closed first: the fields below outlive it (see `file`'s rule).
        conn: Connection,
        /// Held while an `immutable` read-only connection is open.
        _lock: Option<SharedLock>,
        _live: Live,
    },
    Postgres(Box<pg::PgConn>),
}

/// How a command opens the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only: the file is opened read-only, so a user who may only
    /// read it (file mode, read-only mount) can still run the command.
    Read,
    /// Reads and writes.
    Write,
}

/// Refuses a schema version other than this binary's.
fn check_version(path: &Path, version: i64) -> Result<()> {
    if version > SCHEMA_VERSION {
        return Err(too_new(path, version));
    }
    if version < SCHEMA_VERSION {
        return Err(Error::database(
            format!(
                "database {} has schema version {version}; this pinprotect needs version {SCHEMA_VERSION}",
                text::path(path)
            ),
            Some("run `pinprotect init` to upgrade it (back it up first)".into()),
        ));
    }
    Ok(())
}

fn missing_hint() -> Option<String> {
    Some("run `pinprotect init` to create it, or pass --db PATH (or set PINPROTECT_DB) to use another file".into())
}

impl Store {
    /// Opens an existing, up-to-date pinprotect database for reading and
    /// writing. Never creates or changes a file that is not one.
    pub fn open(location: &Location) -> Result<Store> {
        Self::open_with(location, Access::Write, BUSY_TIMEOUT)
    }

    /// Opens an existing, up-to-date pinprotect database read-only.
    pub fn open_read_only(location: &Location) -> Result<Store> {
        Self::open_with(location, Access::Read, BUSY_TIMEOUT)
    }

    /// Opens an existing, up-to-date pinprotect database, waiting at most
    /// `busy` for another process's lock (and for PostgreSQL, for the
    /// server).
    pub fn open_with(location: &Location, access: Access, busy: Duration) -> Result<Store> {
        match location {
            Location::File(path) => Self::open_file(path, access, busy),
            Location::Postgres(url) => {
                let path = PathBuf::from(url.to_string());
                let conn = pg::PgConn::connect(url, busy, &path)?;
                if access == Access::Read {
                    conn.begin_read(&path)?;
                }
                let (marked, app_id, version, objects) =
                    pg::identify(Conn::Postgres(&conn), &path)?;
                if !marked {
                    return Err(if objects == 0 {
                        Error::database(
                            format!(
                                "no database at {url}: PostgreSQL answers, but the database holds no pinprotect tables"
                            ),
                            missing_hint(),
                        )
                    } else {
                        pg::not_pinprotect(&path)
                    });
                }
                if app_id != i64::from(APPLICATION_ID) {
                    return Err(pg::not_pinprotect(&path));
                }
                check_version(&path, version)?;
                Ok(Store {
                    engine: Engine::Postgres(Box::new(conn)),
                    path,
                })
            }
        }
    }

    fn open_file(path: &Path, access: Access, busy: Duration) -> Result<Store> {
        match fs::metadata(path) {
            Ok(m) => check_file(path, &m)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(Error::database(
                    format!("no database at {}", text::path(path)),
                    missing_hint(),
                ));
            }
            Err(e) => {
                return Err(Error::database(
                    format!("cannot read {}: {e}", text::path(path)),
                    Some("check the file's owner and permissions and those of its folder".into()),
                ));
            }
        }
        let store = open_connection(path, access, busy)?;
        let Engine::Sqlite { conn, _lock, .. } = &store.engine else {
            unreachable!("open_connection opens SQLite")
        };
        if access == Access::Read && _lock.is_none() {
            // One read transaction for the whole command: every query sees
            // one snapshot, and while it lasts no other connection can take
            // the lock it needs to delete the -wal and -shm files that this
            // read-only connection has mapped.
            conn.execute_batch("BEGIN DEFERRED")
                .map_err(|e| db_error(path, e))?;
        }
        let (app_id, version, objects) = identify(conn, path)?;
        if app_id != APPLICATION_ID || version < 0 {
            if app_id == 0 && version == 0 && objects == 0 {
                return Err(Error::database(
                    format!(
                        "{} is empty: it is not an initialised pinprotect database",
                        text::path(path)
                    ),
                    missing_hint(),
                ));
            }
            return Err(not_pinprotect(path));
        }
        check_version(path, version)?;
        Ok(store)
    }

    /// Creates the database (and missing parent folders, mode 0700) with
    /// mode 0600, or brings an existing pinprotect database up to date.
    /// Refuses any other non-empty file. On PostgreSQL the database must
    /// exist (`createdb`); `init` makes the tables in it, and refuses one
    /// that holds tables of something else.
    pub fn init(location: &Location) -> Result<(Store, InitOutcome)> {
        match location {
            Location::File(path) => Self::init_path(path),
            Location::Postgres(url) => {
                let path = PathBuf::from(url.to_string());
                let conn = pg::PgConn::connect(url, BUSY_TIMEOUT, &path)?;
                let mut store = Store {
                    engine: Engine::Postgres(Box::new(conn)),
                    path,
                };
                let outcome = store.write(pg::init)?;
                Ok((store, outcome))
            }
        }
    }

    fn init_path(path: &Path) -> Result<(Store, InitOutcome)> {
        let created = create_file(path)?;
        let result = Self::init_file(path, created);
        if result.is_err() && created {
            // Leave nothing behind that the failed run created.
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = fs::remove_file(companion(path, suffix));
            }
        }
        result
    }

    fn init_file(path: &Path, created: bool) -> Result<(Store, InitOutcome)> {
        let meta = fs::metadata(path)
            .map_err(|e| Error::database(format!("cannot read {}: {e}", text::path(path)), None))?;
        check_file(path, &meta)?;
        // Read-write connections never need the lock of an immutable read.
        let mut store = open_connection(path, Access::Write, BUSY_TIMEOUT)?;
        let Engine::Sqlite { conn, .. } = &mut store.engine else {
            unreachable!("open_connection opens SQLite")
        };
        let (app_id, version, objects) = identify(conn, path)?;
        let fresh = app_id == 0 && version == 0 && objects == 0;
        if !fresh && (app_id != APPLICATION_ID || version < 0) {
            return Err(not_pinprotect(path));
        }
        if version > SCHEMA_VERSION {
            return Err(too_new(path, version));
        }
        if fresh && !created {
            // An existing empty file becomes the database: make it private.
            fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(|e| {
                Error::database(
                    format!("cannot set the mode of {}: {e}", text::path(path)),
                    None,
                )
            })?;
        }
        if version == SCHEMA_VERSION {
            return Ok((store, InitOutcome::UpToDate));
        }
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| db_error(path, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::database(
                format!(
                    "database {}: cannot switch to WAL mode (got {mode})",
                    text::path(path)
                ),
                Some(
                    "WAL needs a local file system; network file systems are not supported".into(),
                ),
            ));
        }
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| db_error(path, e))?;
        // Read again under the write lock: another init may have run meanwhile.
        let current: i64 = tx
            .query_row("SELECT user_version FROM pragma_user_version", [], |r| {
                r.get(0)
            })
            .map_err(|e| db_error(path, e))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            tx.execute_batch(sql).map_err(|e| db_error(path, e))?;
            tx.pragma_update(None, "user_version", i as i64 + 1)
                .map_err(|e| db_error(path, e))?;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(|e| db_error(path, e))?;
        tx.commit().map_err(|e| db_error(path, e))?;
        Ok((store, InitOutcome::after(current)))
    }

    /// Copies the whole database into `target`, an empty file, as one
    /// consistent snapshot taken while other connections go on writing
    /// (SQLite's `VACUUM INTO`, which also leaves out free pages).
    pub fn copy_into(&self, target: &Path) -> Result<()> {
        let conn = self.sqlite()?;
        let name = target.to_str().ok_or_else(|| {
            Error::invalid(format!(
                "{} is not a UTF-8 path, which SQLite needs for the copy",
                text::path(target)
            ))
        })?;
        conn.execute("VACUUM INTO ?1", [name])
            .map_err(|e| db_error(&self.path, e))?;
        Ok(())
    }

    /// Replaces the whole content of the pinprotect database at `path` with
    /// `source`'s, through SQLite's backup API: one write transaction on
    /// `path`, so that other connections (a running `serve`) read the new
    /// content at their next transaction, and no `-wal` of another file
    /// is ever mixed in. `path` must be a pinprotect database (of any
    /// schema version); waits at most `busy` for another writer.
    pub fn restore_into(&self, path: &Path, busy: Duration) -> Result<()> {
        use rusqlite::backup::{Backup, StepResult};
        let source = self.sqlite()?;
        let mut dest = open_connection(path, Access::Write, busy)?;
        let Engine::Sqlite { conn: dest, .. } = &mut dest.engine else {
            unreachable!("open_connection opens SQLite")
        };
        let (app_id, _, _) = identify(dest, path)?;
        if app_id != APPLICATION_ID {
            return Err(not_pinprotect(path));
        }
        let backup = Backup::new(source, dest).map_err(|e| db_error(path, e))?;
        let deadline = std::time::Instant::now() + busy;
        loop {
            match backup.step(-1).map_err(|e| db_error(path, e))? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked => {
                    if std::time::Instant::now() >= deadline {
                        return Err(busy_error(path));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                _ => return Err(busy_error(path)),
            }
        }
        Ok(())
    }

    /// What is wrong with the database, one line each: damaged pages or
    /// indexes (`integrity_check`), and audit-log triggers missing or not
    /// as the schema makes them. Empty when it is sound.
    pub fn problems(&self) -> Result<Vec<String>> {
        let conn = match &self.engine {
            Engine::Sqlite { conn, .. } => conn,
            Engine::Postgres(pg) => return pg::problems(Conn::Postgres(pg), &self.path),
        };
        let mut problems = Vec::new();
        {
            let mut stmt = conn
                .prepare("PRAGMA integrity_check(20)")
                .map_err(|e| db_error(&self.path, e))?;
            let rows = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(|e| db_error(&self.path, e))?;
            for row in rows {
                let row = row.map_err(|e| db_error(&self.path, e))?;
                if row != "ok" {
                    problems.push(format!("damaged: {}", text::escaped(&row)));
                }
            }
        }
        let found = triggers(conn, &self.path)?;
        for (name, sql) in expected_triggers()? {
            match found.iter().find(|(n, _)| *n == name) {
                None => problems.push(trigger_problem(&name, "is missing")),
                Some((_, s)) if *s != sql => {
                    problems.push(trigger_problem(&name, "has been changed"))
                }
                Some(_) => {}
            }
        }
        Ok(problems)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Commits on this connection no longer wait for the disk: after a
    /// power failure or an operating-system crash (not a process crash)
    /// the last of them may be missing, never half there. For the log of
    /// denied calls, written on every denied call at call time.
    pub fn relax_durability(&self) -> Result<()> {
        match &self.engine {
            Engine::Sqlite { conn, .. } => conn
                .pragma_update(None, "synchronous", "NORMAL")
                .map_err(|e| db_error(&self.path, e)),
            Engine::Postgres(pg) => pg.batch(&self.path, "SET synchronous_commit = off"),
        }
    }

    /// Back to the default: every commit is on the disk before it returns.
    pub fn full_durability(&self) -> Result<()> {
        match &self.engine {
            Engine::Sqlite { conn, .. } => conn
                .pragma_update(None, "synchronous", "FULL")
                .map_err(|e| db_error(&self.path, e)),
            Engine::Postgres(pg) => pg.batch(&self.path, "SET synchronous_commit = on"),
        }
    }

    pub fn read(&self) -> Reader<'_> {
        Reader {
            conn: self.conn(),
            path: &self.path,
        }
    }

    fn conn(&self) -> Conn<'_> {
        match &self.engine {
            Engine::Sqlite { conn, .. } => Conn::Sqlite(conn),
            Engine::Postgres(pg) => Conn::Postgres(pg),
        }
    }

    /// The SQLite connection, for what only a SQLite file can do (copy
    /// the file, restore into a file).
    fn sqlite(&self) -> Result<&Connection> {
        match &self.engine {
            Engine::Sqlite { conn, .. } => Ok(conn),
            Engine::Postgres(_) => Err(Error::invalid_with_hint(
                format!(
                    "{} is a PostgreSQL database: this works on a SQLite file only",
                    self.path.display()
                ),
                "on PostgreSQL use its own tools (pg_dump, pg_restore, pg_amcheck), or `pinprotect migrate --to FILE` for a SQLite copy",
            )),
        }
    }

    /// Whether the database's server answers at all within `wait`: always
    /// for a SQLite file, whose checks are [`Store::open`]'s.
    pub fn server_answers(location: &Location, wait: Duration) -> bool {
        match location {
            Location::File(_) => true,
            Location::Postgres(url) => pg::server_answers(url, wait),
        }
    }

    /// Whether the connection was lost (PostgreSQL): it is not used again.
    pub fn is_broken(&self) -> bool {
        match &self.engine {
            Engine::Sqlite { .. } => false,
            Engine::Postgres(pg) => pg.is_broken(),
        }
    }

    /// Whether this is a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        matches!(self.engine, Engine::Postgres(_))
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: all of it or nothing.
    pub fn write<T>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<T>) -> Result<T> {
        self.write_if(|w| f(w).map(|v| (v, true)))
    }

    /// Like [`Store::write`], but `f` also says whether to commit: a dry
    /// run or a change with errors returns `false` and nothing is written.
    pub fn write_if<T>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<(T, bool)>) -> Result<T> {
        let path = self.path.clone();
        match &mut self.engine {
            Engine::Sqlite { conn, .. } => {
                let tx = conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(|e| db_error(&path, e))?;
                let (value, commit) = f(&Writer {
                    conn: Conn::Sqlite(&tx),
                    path: &path,
                })?;
                if commit {
                    crate::internal::test_panic("commit");
                    tx.commit().map_err(|e| db_error(&path, e))?;
                } else {
                    tx.rollback().map_err(|e| db_error(&path, e))?;
                }
                Ok(value)
            }
            Engine::Postgres(pg) => {
                pg.begin_write(&path)?;
                // Rolled back when `f` fails or panics.
                struct Open<'a>(Option<&'a pg::PgConn>);
                impl Drop for Open<'_> {
                    fn drop(&mut self) {
                        if let Some(pg) = self.0 {
                            pg.rollback();
                        }
                    }
                }
                let mut open = Open(Some(pg));
                let (value, commit) = f(&Writer {
                    conn: Conn::Postgres(pg),
                    path: &path,
                })?;
                if commit {
                    crate::internal::test_panic("commit");
                    open.0 = None;
                    pg.commit(&path)?;
                }
                drop(open);
                Ok(value)
            }
        }
    }
}
