//! The SQLite store: every SQL statement of pinprotect lives here, behind
//! functions named for what they do.
//!
//! Reads go through a [`Reader`]; writes only through a [`Writer`], which
//! exists only inside [`Store::write`], one `BEGIN IMMEDIATE` transaction
//! that commits when the closure succeeds and rolls back otherwise.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{
    Connection, ErrorCode, OpenFlags, OptionalExtension, Row, ToSql, TransactionBehavior, params,
};

use crate::error::{Error, Result};
use crate::lockout::PinEntryState;
use crate::policy::{Email, Extension, Grant, Name, Pin, PinDuration, Protection, Timestamp};
use crate::settings::Settings;
use crate::text;

/// `PRAGMA application_id` of a pinprotect database: "PINP".
pub const APPLICATION_ID: i32 = 0x5049_4E50;

/// How long a command waits for another process's write to finish.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The numbered migrations; migration N brings `user_version` from N-1 to N.
const MIGRATIONS: &[&str] = &[
    // 1: extensions with their voicemail PIN and pin-protect state.
    "CREATE TABLE extensions (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE
            CHECK (length(number) BETWEEN 2 AND 10 AND number NOT GLOB '*[^0-9]*'),
        first_name TEXT,
        last_name TEXT,
        email TEXT,
        voicemail_pin TEXT NOT NULL
            CHECK (length(voicemail_pin) BETWEEN 4 AND 10 AND voicemail_pin NOT GLOB '*[^0-9]*'),
        pin_protect INTEGER NOT NULL DEFAULT 0 CHECK (pin_protect IN (0, 1)),
        pin_protect_duration_s INTEGER CHECK (pin_protect_duration_s BETWEEN 1 AND 86400),
        granted_at INTEGER,
        unlocked_until INTEGER,
        CHECK (pin_protect = 0 OR pin_protect_duration_s IS NOT NULL),
        CHECK ((granted_at IS NULL) = (unlocked_until IS NULL))
    ) STRICT;
    CREATE INDEX extensions_numeric_order ON extensions (CAST(number AS INTEGER), number);",
    // 2: settings, PIN-entry lockout, and the append-only audit log.
    "CREATE TABLE settings (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;
    ALTER TABLE extensions ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0
        CHECK (failed_attempts >= 0);
    ALTER TABLE extensions ADD COLUMN locked_out_until INTEGER;
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        user TEXT NOT NULL,
        kind TEXT NOT NULL,
        extension TEXT,
        detail TEXT NOT NULL DEFAULT ''
    ) STRICT;
    CREATE INDEX events_by_extension ON events (extension, id);
    CREATE INDEX events_by_time ON events (at, id);
    CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
];

/// The schema version this binary writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const SQL_ALL_IN_ORDER: &str = "SELECT number, first_name, last_name, email, voicemail_pin, \
     pin_protect, pin_protect_duration_s, granted_at, unlocked_until, failed_attempts, locked_out_until \
     FROM extensions ORDER BY CAST(number AS INTEGER), number";
const SQL_ONE: &str = "SELECT number, first_name, last_name, email, voicemail_pin, \
     pin_protect, pin_protect_duration_s, granted_at, unlocked_until, failed_attempts, locked_out_until \
     FROM extensions WHERE number = ?1";
const SQL_EXISTS: &str = "SELECT 1 FROM extensions WHERE number = ?1";

/// One extension as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionRecord {
    pub number: Extension,
    pub first_name: Option<Name>,
    pub last_name: Option<Name>,
    pub email: Option<Email>,
    pub pin: Pin,
    pub protection: Protection,
    pub entry: PinEntryState,
}

/// An extension's stored values, borrowed from the current row.
#[derive(Debug, Clone, Copy)]
pub struct RawExtension<'r> {
    pub number: &'r str,
    pub first_name: Option<&'r str>,
    pub last_name: Option<&'r str>,
    pub email: Option<&'r str>,
    pub pin: &'r str,
    pub pin_protect: bool,
    pub duration: Option<i64>,
    pub granted_at: Option<i64>,
    pub unlocked_until: Option<i64>,
}

impl RawExtension<'_> {
    /// The end of a grant active at `now` while protection is on.
    pub fn unlocked_until(&self, now: Timestamp) -> Option<Timestamp> {
        match (self.pin_protect, self.granted_at, self.unlocked_until) {
            (true, Some(from), Some(until)) if from <= now.unix() && now.unix() < until => {
                Some(Timestamp::from_unix(until))
            }
            _ => None,
        }
    }
}

/// The fields of a new extension.
#[derive(Debug, Clone)]
pub struct NewExtension {
    pub number: Extension,
    pub first_name: Option<Name>,
    pub last_name: Option<Name>,
    pub email: Option<Email>,
    pub pin: Pin,
}

/// A change to one optional field: leave it, clear it, or set it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FieldEdit<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> FieldEdit<T> {
    pub fn is_keep(&self) -> bool {
        matches!(self, FieldEdit::Keep)
    }
}

/// Changes to an extension's directory fields.
#[derive(Debug, Clone, Default)]
pub struct ExtensionEdit {
    pub first_name: FieldEdit<Name>,
    pub last_name: FieldEdit<Name>,
    pub email: FieldEdit<Email>,
}

/// What `init` found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitOutcome {
    Created,
    Upgraded { from: i64, to: i64 },
    UpToDate,
}

/// One event of the audit log, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub id: i64,
    pub at: Timestamp,
    pub user: String,
    pub kind: String,
    pub extension: Option<String>,
    pub detail: String,
}

const SQL_INSERT_RECORD: &str = "INSERT INTO extensions (number, first_name, last_name, email, \
     voicemail_pin, pin_protect, pin_protect_duration_s, granted_at, unlocked_until) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// Inserts records with one prepared statement.
pub struct RecordInserter<'c> {
    stmt: rusqlite::Statement<'c>,
    conn: &'c Connection,
    path: &'c Path,
}

impl RecordInserter<'_> {
    /// Inserts `rec` and returns its row id, or `None` when an extension
    /// with its number exists (nothing is written then).
    pub fn insert_if_new(&mut self, rec: &ExtensionRecord) -> Result<Option<i64>> {
        let stmt = &mut self.stmt;
        match Writer::with_record_params(rec, |p| stmt.execute(p)) {
            Ok(_) => Ok(Some(self.conn.last_insert_rowid())),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
            {
                Ok(None)
            }
            Err(e) => Err(db_error(self.path, e)),
        }
    }
}

/// Which extensions a bulk command applies to.
#[derive(Debug, Clone)]
pub enum Target {
    All,
    These(Vec<Extension>),
}

impl Target {
    /// The named extensions, or all when none is named.
    pub fn of(exts: &[Extension]) -> Target {
        if exts.is_empty() {
            Target::All
        } else {
            Target::These(exts.to_vec())
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
        Some(ErrorCode::DiskFull) => {
            Error::database(format!("database {shown}: the disk is full"), None)
        }
        _ => Error::database(format!("database {shown}: {e}"), None),
    }
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
    conn: Connection,
    path: PathBuf,
    /// Held while an `immutable` read-only connection is open.
    _lock: Option<SharedLock>,
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

/// Whether a read-only connection can use SQLite's shared memory: the
/// `-shm` file exists and is readable, or this user may create it.
fn shm_usable(path: &Path) -> bool {
    let shm = companion(path, "-shm");
    if shm.exists() {
        return fs::File::open(&shm).is_ok();
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Ok(dir) = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()) else {
        return false;
    };
    // SAFETY: a valid NUL-terminated path; access(2) only reads it.
    unsafe { libc::access(dir.as_ptr(), libc::W_OK) == 0 }
}

/// Holds a read lock on SQLite's SHARED byte range of the database file, as
/// a reading connection would: while it is held, no closing connection can
/// take the EXCLUSIVE lock it needs to checkpoint into the file and delete
/// the `-wal` file.
struct SharedLock {
    _file: fs::File,
}

impl SharedLock {
    /// SQLite's lock bytes: `PENDING_BYTE` (1 GiB) + 2, 510 bytes long.
    const SHARED_FIRST: i64 = 0x4000_0000 + 2;
    const SHARED_SIZE: i64 = 510;

    fn take(path: &Path, busy: Duration) -> Result<SharedLock> {
        use std::os::fd::AsRawFd;
        let file = fs::File::open(path)
            .map_err(|e| Error::database(format!("cannot read {}: {e}", text::path(path)), None))?;
        let deadline = std::time::Instant::now() + busy;
        loop {
            // SAFETY: an all-zero flock is valid; the fields are set below.
            let mut lock: libc::flock = unsafe { std::mem::zeroed() };
            lock.l_type = libc::F_RDLCK as libc::c_short;
            lock.l_whence = libc::SEEK_SET as libc::c_short;
            lock.l_start = Self::SHARED_FIRST as libc::off_t;
            lock.l_len = Self::SHARED_SIZE as libc::off_t;
            // SAFETY: a valid open descriptor and a valid flock.
            if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_SETLK, &lock) } == 0 {
                return Ok(SharedLock { _file: file });
            }
            if std::time::Instant::now() >= deadline {
                return Err(busy_error(path));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Opens a connection. A read-only connection to a database whose `-wal`
/// and `-shm` files do not exist, in a folder this user may not write,
/// cannot use SQLite's shared memory: with no `-wal` file the whole
/// database is in the main file, so it is read as it is (`immutable`),
/// under the lock that keeps other connections from checkpointing into it.
fn open_connection(
    path: &Path,
    access: Access,
    busy: Duration,
) -> Result<(Connection, Option<SharedLock>)> {
    let flags = OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let (conn, lock) = if access == Access::Read && !shm_usable(path) {
        let lock = SharedLock::take(path, busy)?;
        if companion(path, "-wal").exists() {
            return Err(Error::database(
                format!(
                    "cannot read database {} while another process writes to it: \
                     this user may not use its -shm file",
                    text::path(path)
                ),
                Some("give this user read access to the database's -shm and -wal files, or write access to its folder".into()),
            ));
        }
        let mut uri = String::from("file:");
        for b in path.as_os_str().as_encoded_bytes() {
            match b {
                b'/' | b'-' | b'.' | b'_' | b'~' => uri.push(char::from(*b)),
                b if b.is_ascii_alphanumeric() => uri.push(char::from(*b)),
                b => uri.push_str(&format!("%{b:02X}")),
            }
        }
        uri.push_str("?immutable=1");
        let conn = Connection::open_with_flags(&uri, flags | OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| db_error(path, e))?;
        (conn, Some(lock))
    } else {
        let mode = match access {
            Access::Read => OpenFlags::SQLITE_OPEN_READ_ONLY,
            Access::Write => OpenFlags::SQLITE_OPEN_READ_WRITE,
        };
        let conn =
            Connection::open_with_flags(path, mode | flags).map_err(|e| db_error(path, e))?;
        (conn, None)
    };
    conn.busy_timeout(busy).map_err(|e| db_error(path, e))?;
    if access == Access::Write {
        // A changed or removed PIN is overwritten, not left in a free page.
        // (A read-only connection deletes nothing: not worth a statement on
        // the path of every call check.)
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(|e| db_error(path, e))?;
    }
    Ok((conn, lock))
}

/// `(application_id, user_version, number of schema objects)`. The first
/// read of the file: a file that is not SQLite fails here.
fn identify(conn: &Connection, path: &Path) -> Result<(i32, i64, i64)> {
    conn.query_row(
        "SELECT (SELECT application_id FROM pragma_application_id), \
                (SELECT user_version FROM pragma_user_version), \
                (SELECT count(*) FROM sqlite_schema)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .map_err(|e| db_error(path, e))
}

fn not_pinprotect(path: &Path) -> Error {
    Error::database(
        format!(
            "{} is a SQLite database, but not a pinprotect database",
            text::path(path)
        ),
        Some("check the --db path (or PINPROTECT_DB); pinprotect leaves this file alone".into()),
    )
}

fn too_new(path: &Path, version: i64) -> Error {
    Error::database(
        format!(
            "database {} has schema version {version}, newer than this pinprotect understands ({SCHEMA_VERSION})",
            text::path(path)
        ),
        Some("install a newer pinprotect".into()),
    )
}

fn missing_hint() -> Option<String> {
    Some("run `pinprotect init` to create it, or pass --db PATH (or set PINPROTECT_DB) to use another file".into())
}

impl Store {
    /// Opens an existing, up-to-date pinprotect database for reading and
    /// writing. Never creates or changes a file that is not one.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_with(path, Access::Write, BUSY_TIMEOUT)
    }

    /// Opens an existing, up-to-date pinprotect database read-only.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        Self::open_with(path, Access::Read, BUSY_TIMEOUT)
    }

    /// Opens an existing, up-to-date pinprotect database, waiting at most
    /// `busy` for another process's lock.
    pub fn open_with(path: &Path, access: Access, busy: Duration) -> Result<Store> {
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
        let (conn, lock) = open_connection(path, access, busy)?;
        if access == Access::Read && lock.is_none() {
            // One read transaction for the whole command: every query sees
            // one snapshot, and while it lasts no other connection can take
            // the lock it needs to delete the -wal and -shm files that this
            // read-only connection has mapped.
            conn.execute_batch("BEGIN DEFERRED")
                .map_err(|e| db_error(path, e))?;
        }
        let (app_id, version, objects) = identify(&conn, path)?;
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
        Ok(Store {
            conn,
            path: path.to_owned(),
            _lock: lock,
        })
    }

    /// Creates the database (and missing parent folders, mode 0700) with
    /// mode 0600, or brings an existing pinprotect database up to date.
    /// Refuses any other non-empty file.
    pub fn init(path: &Path) -> Result<(Store, InitOutcome)> {
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
        let (mut conn, _) = open_connection(path, Access::Write, BUSY_TIMEOUT)?;
        let (app_id, version, objects) = identify(&conn, path)?;
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
            return Ok((
                Store {
                    conn,
                    path: path.to_owned(),
                    _lock: None,
                },
                InitOutcome::UpToDate,
            ));
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
        let outcome = if current == 0 {
            InitOutcome::Created
        } else if current == SCHEMA_VERSION {
            InitOutcome::UpToDate
        } else {
            InitOutcome::Upgraded {
                from: current,
                to: SCHEMA_VERSION,
            }
        };
        Ok((
            Store {
                conn,
                path: path.to_owned(),
                _lock: None,
            },
            outcome,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Commits on this connection no longer wait for the disk: after a
    /// power failure or an operating-system crash (not a process crash)
    /// the last of them may be missing, never half there. For the log of
    /// denied calls, written on every denied call at call time.
    pub fn relax_durability(&self) -> Result<()> {
        self.conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| db_error(&self.path, e))
    }

    /// Back to the default: every commit is on the disk before it returns.
    pub fn full_durability(&self) -> Result<()> {
        self.conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(|e| db_error(&self.path, e))
    }

    pub fn read(&self) -> Reader<'_> {
        Reader {
            conn: &self.conn,
            path: &self.path,
        }
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: all of it or nothing.
    pub fn write<T>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<T>) -> Result<T> {
        self.write_if(|w| f(w).map(|v| (v, true)))
    }

    /// Like [`Store::write`], but `f` also says whether to commit: a dry
    /// run or a change with errors returns `false` and nothing is written.
    pub fn write_if<T>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<(T, bool)>) -> Result<T> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| db_error(&path, e))?;
        let (value, commit) = f(&Writer {
            conn: &tx,
            path: &path,
        })?;
        if commit {
            tx.commit().map_err(|e| db_error(&path, e))?;
        } else {
            tx.rollback().map_err(|e| db_error(&path, e))?;
        }
        Ok(value)
    }
}

/// The pool's state under `mutex`, also after a thread panicked holding
/// it: every change to that state is made whole before the lock is let go.
fn locked<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// An event for the audit log, as written.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub at: Timestamp,
    pub user: String,
    pub kind: &'static str,
    pub extension: Option<Extension>,
    pub detail: String,
}

/// Connections that a long-running server keeps open between calls. They
/// are opened read-write, as the server's own writes are: an idle
/// read-only connection does not keep another connection's close from
/// deleting the `-wal` and `-shm` files it has mapped. A connection is used
/// again only while the path still names the same file (device and inode),
/// so a database restored from a backup is picked up by the next call.
///
/// At most [`ConnectionPool::MAX_OPEN`] connections are open at once: a
/// call that finds them all in use waits for one (queries take
/// microseconds), within its busy budget. The server's own writes take
/// turns in the process, so that they never wait on each other through
/// SQLite's lock, whose busy handler sleeps for milliseconds at a time;
/// other processes' writes still meet the busy timeout.
pub struct ConnectionPool {
    path: PathBuf,
    state: std::sync::Mutex<PoolState>,
    freed: std::sync::Condvar,
    /// Whether one of this process's writes is under way.
    writing: std::sync::Mutex<bool>,
    written: std::sync::Condvar,
    events: std::sync::Mutex<EventQueue>,
    events_written: std::sync::Condvar,
}

/// Events waiting to be written together, and whether a call is writing a
/// group of them now.
#[derive(Default)]
struct EventQueue {
    waiting: Vec<(NewEvent, Arc<Written>)>,
    writing: bool,
}

/// Set once the group an event went into is written: how that went.
type Written = std::sync::OnceLock<std::result::Result<(), String>>;

#[derive(Default)]
struct PoolState {
    idle: Vec<((u64, u64), Store)>,
    open: usize,
}

/// A connection taken from a [`ConnectionPool`]; it goes back when dropped.
pub struct Pooled<'p> {
    pool: &'p ConnectionPool,
    id: (u64, u64),
    store: Option<Store>,
}

impl std::ops::Deref for Pooled<'_> {
    type Target = Store;

    fn deref(&self) -> &Store {
        self.store.as_ref().expect("held until dropped")
    }
}

impl std::ops::DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        self.store.as_mut().expect("held until dropped")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        let mut state = locked(&self.pool.state);
        match self.store.take() {
            Some(store) => state.idle.push((self.id, store)),
            None => state.open -= 1,
        }
        drop(state);
        self.pool.freed.notify_one();
    }
}

impl ConnectionPool {
    /// Connections open at once.
    pub const MAX_OPEN: usize = 4;

    pub fn new(path: &Path) -> ConnectionPool {
        ConnectionPool {
            path: path.to_owned(),
            state: std::sync::Mutex::new(PoolState::default()),
            freed: std::sync::Condvar::new(),
            writing: std::sync::Mutex::new(false),
            written: std::sync::Condvar::new(),
            events: std::sync::Mutex::new(EventQueue::default()),
            events_written: std::sync::Condvar::new(),
        }
    }

    /// A connection, waiting at most `busy` for a free one and then for a
    /// lock.
    pub fn get(&self, busy: Duration) -> Result<Pooled<'_>> {
        use std::os::unix::fs::MetadataExt;
        let deadline = std::time::Instant::now() + busy;
        let id = fs::metadata(&self.path)
            .map(|m| (m.dev(), m.ino()))
            .unwrap_or((0, 0));
        let mut state = locked(&self.state);
        let reused = loop {
            // Connections to a file that was replaced are closed.
            let before = state.idle.len();
            state.idle.retain(|(i, _)| *i == id);
            state.open -= before - state.idle.len();
            if let Some((_, store)) = state.idle.pop() {
                break Some(store);
            }
            if state.open < Self::MAX_OPEN {
                state.open += 1;
                break None;
            }
            state = self.wait(&self.freed, state, deadline)?;
        };
        drop(state);
        // From here on the slot is ours: a failure gives it back.
        let mut pooled = Pooled {
            pool: self,
            id,
            store: None,
        };
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let store = match reused {
            Some(store) => {
                store
                    .conn
                    .busy_timeout(left)
                    .map_err(|e| db_error(&self.path, e))?;
                store
            }
            None => {
                let store = Store::open_with(&self.path, Access::Write, left)?;
                // A small page cache per connection: the server's memory
                // stays flat however many calls it takes.
                store
                    .conn
                    .pragma_update(None, "cache_size", -64)
                    .map_err(|e| db_error(&self.path, e))?;
                store
            }
        };
        pooled.store = Some(store);
        Ok(pooled)
    }

    /// Waits for `signal` until `deadline`; the busy error once it passed.
    fn wait<'g, T>(
        &self,
        signal: &std::sync::Condvar,
        guard: std::sync::MutexGuard<'g, T>,
        deadline: std::time::Instant,
    ) -> Result<std::sync::MutexGuard<'g, T>> {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(busy_error(&self.path));
        }
        Ok(signal
            .wait_timeout(guard, left)
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .0)
    }

    /// Runs `f` on a connection for a change, one writer of this process
    /// at a time; `busy` bounds the whole wait, for the turn, a connection
    /// and the lock.
    pub fn write<T>(&self, busy: Duration, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        let deadline = std::time::Instant::now() + busy;
        let mut writing = locked(&self.writing);
        while *writing {
            writing = self.wait(&self.written, writing, deadline)?;
        }
        *writing = true;
        drop(writing);
        struct Turn<'a>(&'a ConnectionPool);
        impl Drop for Turn<'_> {
            fn drop(&mut self) {
                *locked(&self.0.writing) = false;
                self.0.written.notify_one();
            }
        }
        let _turn = Turn(self);
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        f(&mut *self.get(left)?)
    }

    /// Writes an event that is logged at call time (a denied call): many
    /// calls' events are committed together, and each call returns once
    /// its event is written. The commit does not wait for the disk: after
    /// a power failure or an operating-system crash (not a process crash)
    /// the last events may be missing, never half there.
    pub fn log_grouped(&self, busy: Duration, event: NewEvent) -> Result<()> {
        let done = Arc::new(std::sync::OnceLock::new());
        let mut queue = locked(&self.events);
        queue.waiting.push((event, Arc::clone(&done)));
        loop {
            if let Some(result) = done.get() {
                return result.clone().map_err(|e| Error::database(e, None));
            }
            if !queue.writing {
                break;
            }
            queue = self
                .events_written
                .wait(queue)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        // This call writes the group: its own event and every one waiting.
        queue.writing = true;
        let group = std::mem::take(&mut queue.waiting);
        drop(queue);
        // Whatever happens below (a panic too), the group gets an answer
        // and the next call may write.
        struct Done<'a> {
            pool: &'a ConnectionPool,
            group: Vec<(NewEvent, Arc<Written>)>,
            written: std::result::Result<(), String>,
        }
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                let mut queue = locked(&self.pool.events);
                for (_, slot) in &self.group {
                    let _ = slot.set(self.written.clone());
                }
                queue.writing = false;
                drop(queue);
                self.pool.events_written.notify_all();
            }
        }
        let mut done = Done {
            pool: self,
            group,
            written: Err("the group was not written".into()),
        };
        done.written = self
            .write(busy, |store| {
                store.relax_durability()?;
                let written =
                    store.write(|w| done.group.iter().try_for_each(|(e, _)| w.log_event(e)));
                let restored = store.full_durability();
                written.and(restored)
            })
            .map_err(|e| e.to_string());
        let written = done.written.clone();
        drop(done);
        written.map_err(|e| Error::database(e, None))
    }
}

/// What the first 100 bytes of a file and its length say, before SQLite
/// sees the file.
#[derive(Debug, PartialEq, Eq)]
enum Header {
    /// No bytes: an empty database.
    Empty,
    /// A SQLite header whose page count and length agree.
    Whole,
    /// Not a SQLite file at all.
    NotSqlite,
    /// Damaged for certain: the page size, which never changes, is invalid.
    Damaged(String),
    /// Shorter than the header says, or not a whole number of pages. This is
    /// damage, or a moment in a checkpoint (which writes page 1 before it
    /// extends the file), or what a crash or a full disk during one left
    /// behind; in the last three the `-wal` file holds the pages.
    Short(String),
}

fn read_header(path: &Path) -> Result<Header> {
    use std::io::Read;
    let cannot_read =
        |e: io::Error| Error::database(format!("cannot read {}: {e}", text::path(path)), None);
    let mut file = fs::File::open(path).map_err(cannot_read)?;
    // Length and header from one open file, one right after the other.
    let len = file.metadata().map_err(cannot_read)?.len();
    if len == 0 {
        return Ok(Header::Empty);
    }
    let mut header = [0u8; 100];
    if len < 100 || file.read_exact(&mut header).is_err() || &header[..16] != b"SQLite format 3\0" {
        return Ok(Header::NotSqlite);
    }
    let page_size = match u32::from(u16::from_be_bytes([header[16], header[17]])) {
        1 => 65536,
        n if (512..=32768).contains(&n) && n.is_power_of_two() => n,
        n => {
            return Ok(Header::Damaged(format!(
                "its header gives an invalid page size ({n})"
            )));
        }
    };
    if len % u64::from(page_size) != 0 {
        return Ok(Header::Short(format!(
            "its size ({len} bytes) is not a whole number of {page_size}-byte pages"
        )));
    }
    let pages = u32::from_be_bytes([header[28], header[29], header[30], header[31]]);
    let change_counter = &header[24..28];
    let valid_for = &header[92..96];
    if pages > 0 && change_counter == valid_for && len < u64::from(pages) * u64::from(page_size) {
        return Ok(Header::Short(format!(
            "it is cut short: {len} bytes where its header says {pages} pages of {page_size} bytes"
        )));
    }
    Ok(Header::Whole)
}

/// The file beside the database with `suffix` (`-wal`, `-shm`, `-journal`).
pub fn companion(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// True when a `-wal` file with at least one frame lies beside `path`:
/// SQLite then reads pages from it, and the main file may be shorter.
fn wal_has_frames(path: &Path) -> bool {
    const WAL_HEADER: u64 = 32;
    fs::metadata(companion(path, "-wal")).is_ok_and(|m| m.len() > WAL_HEADER)
}

/// The checks before SQLite sees a file: a regular file, and either empty
/// or a SQLite file that is not visibly damaged. Never refuses a file that
/// SQLite reads as a healthy database: a file shorter than its header says
/// is refused only when no `-wal` file could hold the rest, and only after
/// it stayed short over a few reads (a checkpoint in another process may
/// be extending it at this very moment).
fn check_file(path: &Path, meta: &fs::Metadata) -> Result<()> {
    if meta.is_dir() {
        return Err(Error::database(
            format!("{} is a folder, not a database file", text::path(path)),
            Some("give the path of the database file itself".into()),
        ));
    }
    if !meta.is_file() {
        return Err(Error::database(
            format!(
                "{} is not a regular file (a device, FIFO or socket): it cannot be a database",
                text::path(path)
            ),
            Some("check the --db path (or PINPROTECT_DB)".into()),
        ));
    }
    const READS: u32 = 4;
    for read in 1..=READS {
        match read_header(path)? {
            Header::Empty | Header::Whole => return Ok(()),
            Header::NotSqlite => return Err(not_sqlite(path)),
            Header::Damaged(why) => return Err(damaged(path, &why)),
            Header::Short(_) if wal_has_frames(path) => return Ok(()),
            Header::Short(why) if read == READS => return Err(damaged(path, &why)),
            Header::Short(_) => std::thread::sleep(Duration::from_millis(u64::from(read) * 5)),
        }
    }
    Ok(())
}

fn not_sqlite(path: &Path) -> Error {
    Error::database(
        format!(
            "{} is not a SQLite database, or it is encrypted or damaged",
            text::path(path)
        ),
        Some("check the --db path; restore the file from a backup if it is damaged".into()),
    )
}

fn damaged(path: &Path, why: &str) -> Error {
    Error::database(
        format!("database {} is damaged: {why}", text::path(path)),
        Some("restore it from a backup; `sqlite3 FILE 'PRAGMA integrity_check'` tells more".into()),
    )
}

/// Creates the database file with mode 0600 and its missing parent folders
/// with mode 0700. Returns whether the file was created.
fn create_file(path: &Path) -> Result<bool> {
    let fail = |what: &str, p: &Path, e: io::Error| {
        Error::database(format!("cannot create {what} {}: {e}", p.display()), None)
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)
            .map_err(|e| fail("folder", parent, e))?;
    }
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            // A folder, a device, a FIFO: refused before anything touches it.
            let meta = fs::metadata(path).map_err(|e| {
                Error::database(format!("cannot read {}: {e}", text::path(path)), None)
            })?;
            check_file(path, &meta)?;
            Ok(false)
        }
        Err(e) => Err(fail("database", path, e)),
    }
}

fn opt_parse<T: std::str::FromStr>(
    path: &Path,
    what: &str,
    v: Option<String>,
) -> Result<Option<T>> {
    v.map(|s| s.parse().map_err(|_| corrupt_row(path, what)))
        .transpose()
}

fn record_from_row(path: &Path, r: &Row<'_>) -> rusqlite::Result<Result<ExtensionRecord>> {
    let number: String = r.get(0)?;
    let first: Option<String> = r.get(1)?;
    let last: Option<String> = r.get(2)?;
    let email: Option<String> = r.get(3)?;
    let pin: String = r.get(4)?;
    let enabled: i64 = r.get(5)?;
    let duration: Option<i64> = r.get(6)?;
    let granted_at: Option<i64> = r.get(7)?;
    let until: Option<i64> = r.get(8)?;
    let failed: i64 = r.get(9)?;
    let locked_out_until: Option<i64> = r.get(10)?;
    Ok((|| {
        let number: Extension = number
            .parse()
            .map_err(|_| corrupt_row(path, "extension number"))?;
        let grant = match (granted_at, until) {
            (Some(a), Some(b)) => Some(Grant {
                granted_at: Timestamp::from_unix(a),
                until: Timestamp::from_unix(b),
            }),
            _ => None,
        };
        Ok(ExtensionRecord {
            first_name: opt_parse(path, "first name", first)?,
            last_name: opt_parse(path, "last name", last)?,
            email: opt_parse(path, "e-mail address", email)?,
            pin: pin
                .parse()
                .map_err(|_| corrupt_row(path, &format!("PIN of extension {number}")))?,
            protection: Protection {
                enabled: enabled != 0,
                duration: duration
                    .map(PinDuration::from_secs)
                    .transpose()
                    .map_err(|_| corrupt_row(path, "duration"))?,
                grant,
            },
            entry: PinEntryState {
                failed_attempts: u32::try_from(failed)
                    .map_err(|_| corrupt_row(path, "failed attempts"))?,
                locked_out_until: locked_out_until.map(Timestamp::from_unix),
            },
            number,
        })
    })())
}

/// Read-only queries, on the store or inside a write transaction.
#[derive(Clone, Copy)]
pub struct Reader<'c> {
    conn: &'c Connection,
    path: &'c Path,
}

impl Reader<'_> {
    fn err(&self, e: rusqlite::Error) -> Error {
        db_error(self.path, e)
    }

    /// One extension, or `None` when there is no such extension.
    pub fn extension(&self, ext: &Extension) -> Result<Option<ExtensionRecord>> {
        let mut stmt = self.conn.prepare_cached(SQL_ONE).map_err(|e| self.err(e))?;
        let row = stmt
            .query_row([ext.as_str()], |r| record_from_row(self.path, r))
            .optional()
            .map_err(|e| self.err(e))?;
        row.transpose()
    }

    /// One extension; `UnknownExtensions` when there is no such extension.
    pub fn require(&self, ext: &Extension) -> Result<ExtensionRecord> {
        self.extension(ext)?
            .ok_or_else(|| Error::UnknownExtensions(vec![ext.clone()]))
    }

    /// The given extensions in the given order (duplicates dropped), or
    /// `UnknownExtensions` naming every one that does not exist.
    pub fn extensions(&self, exts: &[Extension]) -> Result<Vec<ExtensionRecord>> {
        let mut found = Vec::with_capacity(exts.len());
        let mut unknown = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for ext in exts {
            if !seen.insert(ext) {
                continue;
            }
            match self.extension(ext)? {
                Some(r) => found.push(r),
                None => unknown.push(ext.clone()),
            }
        }
        if unknown.is_empty() {
            Ok(found)
        } else {
            Err(Error::UnknownExtensions(unknown))
        }
    }

    /// Reads the first extension in numeric order: a cheap check that the
    /// extensions can be read at all (their table's root page, say) before
    /// something is logged about reading them.
    pub fn probe_extensions(&self) -> Result<()> {
        let sql = format!("{SQL_ALL_IN_ORDER} LIMIT 1");
        self.each_row(&sql, [], |row| {
            record_from_row(self.path, row).map_err(|e| self.err(e))??;
            Ok(())
        })
    }

    /// Whether the audit log names `ext` (also after it was removed).
    pub fn has_events(&self, ext: &Extension) -> Result<bool> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM events WHERE extension = ?1 LIMIT 1")
            .map_err(|e| self.err(e))?;
        stmt.exists([ext.as_str()]).map_err(|e| self.err(e))
    }

    pub fn exists(&self, ext: &Extension) -> Result<bool> {
        let mut stmt = self
            .conn
            .prepare_cached(SQL_EXISTS)
            .map_err(|e| self.err(e))?;
        stmt.exists([ext.as_str()]).map_err(|e| self.err(e))
    }

    pub fn count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM extensions", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        Ok(n as u64)
    }

    /// Runs `sql` with `params` and calls `f` with each row, one at a time.
    fn each_row(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        mut f: impl FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let mut rows = stmt.query(params).map_err(|e| self.err(e))?;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            f(row)?;
        }
        Ok(())
    }

    /// Calls `f` for every extension in numeric order of extension number
    /// (`099`, `99`, `0100`, `100`), one row at a time.
    pub fn for_each_extension(
        &self,
        mut f: impl FnMut(ExtensionRecord) -> Result<()>,
    ) -> Result<()> {
        self.each_row(SQL_ALL_IN_ORDER, [], |row| {
            f(record_from_row(self.path, row).map_err(|e| self.err(e))??)
        })
    }

    /// Calls `f` for every extension in numeric order with the stored
    /// values as they are, borrowed from SQLite: the fast path for exports.
    /// Their shape is guaranteed by the schema's checks and by validation
    /// on every write.
    pub fn for_each_raw_extension(
        &self,
        mut f: impl FnMut(&RawExtension<'_>) -> Result<()>,
    ) -> Result<()> {
        self.each_row(SQL_ALL_IN_ORDER, [], |row| {
            let raw = (|| -> rusqlite::Result<RawExtension<'_>> {
                let text = |i: usize| -> rusqlite::Result<Option<&str>> {
                    Ok(row.get_ref(i)?.as_str_or_null()?)
                };
                let int = |i: usize| -> rusqlite::Result<Option<i64>> {
                    Ok(row.get_ref(i)?.as_i64_or_null()?)
                };
                Ok(RawExtension {
                    number: text(0)?.unwrap_or_default(),
                    first_name: text(1)?,
                    last_name: text(2)?,
                    email: text(3)?,
                    pin: text(4)?.unwrap_or_default(),
                    pin_protect: int(5)? == Some(1),
                    duration: int(6)?,
                    granted_at: int(7)?,
                    unlocked_until: int(8)?,
                })
            })()
            .map_err(|e| self.err(e))?;
            f(&raw)
        })
    }

    /// Calls `f` for the targeted extensions: all in numeric order, or the
    /// named ones in the given order after checking that all exist.
    pub fn for_each_target(
        &self,
        target: &Target,
        f: impl FnMut(ExtensionRecord) -> Result<()>,
    ) -> Result<()> {
        match target {
            Target::All => self.for_each_extension(f),
            Target::These(exts) => self.extensions(exts)?.into_iter().try_for_each(f),
        }
    }

    /// The settings: stored values over the defaults.
    pub fn settings(&self) -> Result<Settings> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        self.each_row("SELECT key, value FROM settings", [], |row| {
            let pair = (|| Ok((row.get(0)?, row.get(1)?)))().map_err(|e| self.err(e))?;
            pairs.push(pair);
            Ok(())
        })?;
        Settings::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| corrupt_row(self.path, &format!("setting ({e})")))
    }

    /// Groups of extensions that share one PIN (two or more each), in
    /// numeric order of their first extension. The PINs are not returned.
    pub fn shared_pin_groups(&self, mut f: impl FnMut(Vec<Extension>) -> Result<()>) -> Result<()> {
        let sql = "SELECT group_concat(number, ',') FROM \
                   (SELECT number, voicemail_pin FROM extensions ORDER BY CAST(number AS INTEGER), number) \
                   GROUP BY voicemail_pin HAVING count(*) > 1 \
                   ORDER BY min(CAST(number AS INTEGER))";
        self.each_row(sql, [], |row| {
            let list: String = row.get(0).map_err(|e| self.err(e))?;
            let group = list
                .split(',')
                .map(|n| {
                    n.parse()
                        .map_err(|_| corrupt_row(self.path, "extension number"))
                })
                .collect::<Result<Vec<Extension>>>()?;
            f(group)
        })
    }

    /// Audit-log events, oldest first: for one extension or all, since a
    /// time, and at most the `limit` most recent.
    pub fn for_each_event(
        &self,
        ext: Option<&Extension>,
        since: Option<Timestamp>,
        limit: Option<u64>,
        mut f: impl FnMut(EventRow) -> Result<()>,
    ) -> Result<()> {
        let sql = "SELECT id, at, user, kind, extension, detail FROM ( \
                   SELECT * FROM events \
                   WHERE (?1 IS NULL OR extension = ?1) AND (?2 IS NULL OR at >= ?2) \
                   ORDER BY id DESC LIMIT ?3) ORDER BY id";
        let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let params = params![
            ext.map(Extension::as_str),
            since.map(Timestamp::unix),
            limit
        ];
        self.each_row(sql, params, |row| {
            let event = (|| {
                Ok(EventRow {
                    id: row.get(0)?,
                    at: Timestamp::from_unix(row.get(1)?),
                    user: row.get(2)?,
                    kind: row.get(3)?,
                    extension: row.get(4)?,
                    detail: row.get(5)?,
                })
            })()
            .map_err(|e| self.err(e))?;
            f(event)
        })
    }

    /// Calls `f` with each extension that got a generated PIN in the last
    /// import on this connection, in numeric order.
    pub fn for_each_generated(
        &self,
        mut f: impl FnMut(&Extension, &Pin) -> Result<()>,
    ) -> Result<()> {
        let sql = "SELECT e.number, e.voicemail_pin FROM extensions e \
                   JOIN temp.import_generated g ON g.id = e.id \
                   ORDER BY CAST(e.number AS INTEGER), e.number";
        self.each_row(sql, [], |row| {
            let number: String = row.get(0).map_err(|e| self.err(e))?;
            let pin: String = row.get(1).map_err(|e| self.err(e))?;
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
        self.each_row(sql, [], |row| {
            let number: String = row.get(0).map_err(|e| self.err(e))?;
            let number = number
                .parse()
                .map_err(|_| corrupt_row(self.path, "extension number"))?;
            f(&number)
        })
    }

    /// How many of `target` have no stored pin-protect duration.
    pub fn count_without_duration(&self, target: &Target) -> Result<u64> {
        match target {
            Target::All => self
                .conn
                .query_row(
                    "SELECT count(*) FROM extensions WHERE pin_protect_duration_s IS NULL",
                    [],
                    |r| r.get::<_, i64>(0),
                )
                .map(|n| n as u64)
                .map_err(|e| self.err(e)),
            Target::These(exts) => Ok(self
                .extensions(exts)?
                .iter()
                .filter(|r| r.protection.duration.is_none())
                .count() as u64),
        }
    }
}

/// Writes, inside one `BEGIN IMMEDIATE` transaction.
pub struct Writer<'c> {
    conn: &'c Connection,
    path: &'c Path,
}

impl Writer<'_> {
    pub fn read(&self) -> Reader<'_> {
        Reader {
            conn: self.conn,
            path: self.path,
        }
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        db_error(self.path, e)
    }

    fn execute(&self, sql: &str, params: impl rusqlite::Params) -> Result<usize> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        stmt.execute(params).map_err(|e| self.err(e))
    }

    /// Adds an extension; an existing number is an `Invalid` error.
    pub fn add_extension(&self, new: &NewExtension) -> Result<()> {
        if self.read().exists(&new.number)? {
            return Err(Error::invalid_with_hint(
                format!("extension {} already exists", new.number),
                "use `pinprotect ext edit` to change it",
            ));
        }
        self.execute(
            "INSERT INTO extensions (number, first_name, last_name, email, voicemail_pin) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                new.number.as_str(),
                new.first_name.as_ref().map(Name::as_str),
                new.last_name.as_ref().map(Name::as_str),
                new.email.as_ref().map(Email::as_str),
                new.pin.expose(),
            ],
        )?;
        Ok(())
    }

    /// Applies `edit` to an existing extension.
    pub fn edit_extension(&self, ext: &Extension, edit: &ExtensionEdit) -> Result<()> {
        fn value<T>(f: &FieldEdit<T>, s: impl Fn(&T) -> &str) -> (bool, Option<&str>) {
            match f {
                FieldEdit::Keep => (false, None),
                FieldEdit::Clear => (true, None),
                FieldEdit::Set(v) => (true, Some(s(v))),
            }
        }
        let (f_set, f) = value(&edit.first_name, Name::as_str);
        let (l_set, l) = value(&edit.last_name, Name::as_str);
        let (e_set, e) = value(&edit.email, Email::as_str);
        let n = self.execute(
            "UPDATE extensions SET \
               first_name = CASE WHEN ?2 THEN ?3 ELSE first_name END, \
               last_name = CASE WHEN ?4 THEN ?5 ELSE last_name END, \
               email = CASE WHEN ?6 THEN ?7 ELSE email END \
             WHERE number = ?1",
            params![ext.as_str(), f_set, f, l_set, l, e_set, e],
        )?;
        if n == 0 {
            return Err(Error::UnknownExtensions(vec![ext.clone()]));
        }
        Ok(())
    }

    /// Sets the voicemail PIN and ends any grant.
    pub fn set_pin(&self, ext: &Extension, pin: &Pin) -> Result<()> {
        let n = self.execute(
            "UPDATE extensions SET voicemail_pin = ?2, granted_at = NULL, unlocked_until = NULL \
             WHERE number = ?1",
            params![ext.as_str(), pin.expose()],
        )?;
        if n == 0 {
            return Err(Error::UnknownExtensions(vec![ext.clone()]));
        }
        Ok(())
    }

    /// Removes the extensions; all must exist.
    pub fn remove_extensions(&self, exts: &[Extension]) -> Result<usize> {
        let records = self.read().extensions(exts)?;
        for r in &records {
            self.execute(
                "DELETE FROM extensions WHERE number = ?1",
                [r.number.as_str()],
            )?;
        }
        Ok(records.len())
    }

    /// Turns pin protect on. An extension that was unprotected starts
    /// locked; one already protected keeps its grant. `duration`, when
    /// given, replaces the stored one.
    /// Turns pin protect on with `duration`, or else the stored one, or
    /// else `fallback`.
    pub fn enable(
        &self,
        target: &Target,
        duration: Option<PinDuration>,
        fallback: PinDuration,
    ) -> Result<usize> {
        const SQL: &str = "UPDATE extensions SET \
               pin_protect_duration_s = COALESCE(?1, pin_protect_duration_s, ?2), \
               granted_at = CASE WHEN pin_protect = 1 THEN granted_at END, \
               unlocked_until = CASE WHEN pin_protect = 1 THEN unlocked_until END, \
               pin_protect = 1";
        let secs = duration.map(PinDuration::as_secs);
        self.for_target(target, SQL, &[&secs, &fallback.as_secs()])
    }

    /// Turns pin protect off, clearing the grant and keeping the duration.
    pub fn disable(&self, target: &Target) -> Result<usize> {
        const SQL: &str =
            "UPDATE extensions SET pin_protect = 0, granted_at = NULL, unlocked_until = NULL";
        self.for_target(target, SQL, &[])
    }

    /// Clears grants.
    pub fn revoke(&self, target: &Target) -> Result<usize> {
        const SQL: &str = "UPDATE extensions SET granted_at = NULL, unlocked_until = NULL";
        self.for_target(target, SQL, &[])
    }

    /// Runs an `UPDATE ... SET ...` whose SET part binds `set_params` as
    /// `?1`, `?2`, ...: on all extensions, or on each named one after
    /// checking that all exist.
    fn for_target(
        &self,
        target: &Target,
        update: &str,
        set_params: &[&dyn ToSql],
    ) -> Result<usize> {
        match target {
            Target::All => self.execute(update, set_params),
            Target::These(exts) => {
                let records = self.read().extensions(exts)?;
                let sql = format!("{update} WHERE number = ?{}", set_params.len() + 1);
                for r in &records {
                    let number = r.number.as_str();
                    let mut p = set_params.to_vec();
                    p.push(&number);
                    self.execute(&sql, &p[..])?;
                }
                Ok(records.len())
            }
        }
    }

    /// Prepares an import: returns the highest row id so far, so that rows
    /// added by this import can be told from rows that were there before.
    pub fn import_begin(&self) -> Result<i64> {
        self.conn
            .execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS import_updated (number TEXT PRIMARY KEY) WITHOUT ROWID;
                 CREATE TEMP TABLE IF NOT EXISTS import_generated (id INTEGER PRIMARY KEY);
                 CREATE TEMP TABLE IF NOT EXISTS import_removed (number TEXT PRIMARY KEY) WITHOUT ROWID;
                 DELETE FROM temp.import_updated;
                 DELETE FROM temp.import_generated;
                 DELETE FROM temp.import_removed;",
            )
            .map_err(|e| self.err(e))?;
        self.conn
            .query_row("SELECT coalesce(max(id), 0) FROM extensions", [], |r| {
                r.get(0)
            })
            .map_err(|e| self.err(e))
    }

    /// An extension with its row id, for an import.
    pub fn lookup_with_id(&self, ext: &Extension) -> Result<Option<(i64, ExtensionRecord)>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT number, first_name, last_name, email, voicemail_pin, \
                 pin_protect, pin_protect_duration_s, granted_at, unlocked_until, failed_attempts, \
                 locked_out_until, id \
                 FROM extensions WHERE number = ?1",
            )
            .map_err(|e| self.err(e))?;
        let row = stmt
            .query_row([ext.as_str()], |r| {
                let id: i64 = r.get(11)?;
                Ok(record_from_row(self.path, r)?.map(|rec| (id, rec)))
            })
            .optional()
            .map_err(|e| self.err(e))?;
        row.transpose()
    }

    /// Notes that this import updated `ext`; false if it already had.
    pub fn mark_updated(&self, ext: &Extension) -> Result<bool> {
        let n = self.execute(
            "INSERT OR IGNORE INTO temp.import_updated (number) VALUES (?1)",
            [ext.as_str()],
        )?;
        Ok(n == 1)
    }

    /// Removes the extensions that were there before this import
    /// (`max_id_before`, from [`Writer::import_begin`]) and that it neither
    /// added nor updated: `import --sync`. With the rows go their grants
    /// and lockouts. Returns how many; [`Reader::for_each_removed`] lists
    /// them.
    pub fn remove_unseen(&self, max_id_before: i64) -> Result<u64> {
        self.execute(
            "INSERT INTO temp.import_removed (number) \
             SELECT number FROM extensions WHERE id <= ?1 \
             AND number NOT IN (SELECT number FROM temp.import_updated)",
            [max_id_before],
        )?;
        let n = self.execute(
            "DELETE FROM extensions WHERE number IN (SELECT number FROM temp.import_removed)",
            [],
        )?;
        Ok(n as u64)
    }

    /// Notes that the row `id` got a generated PIN.
    pub fn mark_generated(&self, id: i64) -> Result<()> {
        self.execute("INSERT INTO temp.import_generated (id) VALUES (?1)", [id])?;
        Ok(())
    }

    /// Calls `f` with the values of `rec` as `?1` to `?9` in column order:
    /// number, names, e-mail, PIN, pin protect, duration, grant.
    fn with_record_params<T>(rec: &ExtensionRecord, f: impl FnOnce(&[&dyn ToSql]) -> T) -> T {
        let grant = rec.protection.grant;
        f(&[
            &rec.number.as_str(),
            &rec.first_name.as_ref().map(Name::as_str),
            &rec.last_name.as_ref().map(Name::as_str),
            &rec.email.as_ref().map(Email::as_str),
            &rec.pin.expose(),
            &rec.protection.enabled,
            &rec.protection.duration.map(PinDuration::as_secs),
            &grant.map(|g| g.granted_at.unix()),
            &grant.map(|g| g.until.unix()),
        ])
    }

    /// Inserts a whole record; returns its row id.
    pub fn insert_record(&self, rec: &ExtensionRecord) -> Result<i64> {
        Self::with_record_params(rec, |p| self.execute(SQL_INSERT_RECORD, p))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// A prepared insert for many records in a row (an import).
    pub fn record_inserter(&self) -> Result<RecordInserter<'_>> {
        let stmt = self
            .conn
            .prepare(SQL_INSERT_RECORD)
            .map_err(|e| self.err(e))?;
        Ok(RecordInserter {
            stmt,
            conn: self.conn,
            path: self.path,
        })
    }

    /// Replaces every field of the row `id` with `rec`.
    pub fn replace_record(&self, id: i64, rec: &ExtensionRecord) -> Result<()> {
        Self::with_record_params(rec, |p| {
            let mut p = p.to_vec();
            p.push(&id);
            self.execute(
                "UPDATE extensions SET number = ?1, first_name = ?2, last_name = ?3, email = ?4, \
                 voicemail_pin = ?5, pin_protect = ?6, pin_protect_duration_s = ?7, granted_at = ?8, \
                 unlocked_until = ?9 WHERE id = ?10",
                &p[..],
            )
        })?;
        Ok(())
    }

    /// Stores a setting, already checked.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// Records the outcome of a PIN entry.
    pub fn set_pin_entry(&self, ext: &Extension, entry: PinEntryState) -> Result<()> {
        self.execute(
            "UPDATE extensions SET failed_attempts = ?2, locked_out_until = ?3 WHERE number = ?1",
            params![
                ext.as_str(),
                entry.failed_attempts,
                entry.locked_out_until.map(Timestamp::unix)
            ],
        )?;
        Ok(())
    }

    /// Appends an event to the audit log.
    pub fn log_event(&self, event: &NewEvent) -> Result<()> {
        self.execute(
            "INSERT INTO events (at, user, kind, extension, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                event.at.unix(),
                event.user,
                event.kind,
                event.extension.as_ref().map(Extension::as_str),
                event.detail
            ],
        )?;
        Ok(())
    }

    /// Records a grant.
    pub fn set_grant(&self, ext: &Extension, grant: Grant) -> Result<()> {
        self.execute(
            "UPDATE extensions SET granted_at = ?2, unlocked_until = ?3 WHERE number = ?1",
            params![ext.as_str(), grant.granted_at.unix(), grant.until.unix()],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let (store, outcome) = Store::init(&dir.path().join("db")).unwrap();
        assert_eq!(outcome, InitOutcome::Created);
        (dir, store)
    }

    fn plan(conn: &Connection, sql: &str) -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let nulls = vec![rusqlite::types::Null; stmt.parameter_count()];
        let rows = stmt
            .query_map(rusqlite::params_from_iter(nulls), |r| r.get::<_, String>(3))
            .unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn lookups_use_indexes_and_export_needs_no_sort() {
        let (_dir, store) = fresh();
        for sql in [SQL_ONE, SQL_EXISTS] {
            let p = plan(&store.conn, sql);
            assert!(p.contains("SEARCH extensions USING"), "{sql}: {p}");
            assert!(!p.contains("SCAN"), "{sql}: {p}");
        }
        let p = plan(&store.conn, SQL_ALL_IN_ORDER);
        assert!(p.contains("extensions_numeric_order"), "{p}");
        assert!(!p.contains("TEMP B-TREE"), "{p}");
    }

    #[test]
    fn init_is_idempotent_and_sets_identity() {
        let (dir, store) = fresh();
        let path = store.path().to_owned();
        drop(store);
        let (_, outcome) = Store::init(&path).unwrap();
        assert_eq!(outcome, InitOutcome::UpToDate);
        let conn = Connection::open(&path).unwrap();
        let app: i32 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap();
        let ver: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            (app, ver, mode.as_str()),
            (APPLICATION_ID, SCHEMA_VERSION, "wal")
        );
        drop(dir);
    }

    #[test]
    fn an_older_schema_is_upgraded_by_init_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        conn.execute(
            "INSERT INTO extensions (number, voicemail_pin) VALUES ('0100', '0042')",
            [],
        )
        .unwrap();
        drop(conn);
        let before = std::fs::read(&path).unwrap();
        let err = Store::open(&path).err().unwrap();
        assert!(err.to_string().contains("has schema version 1"), "{err}");
        assert!(err.hint().unwrap().contains("pinprotect init"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let (store, outcome) = Store::init(&path).unwrap();
        assert_eq!(
            outcome,
            InitOutcome::Upgraded {
                from: 1,
                to: SCHEMA_VERSION
            }
        );
        let rec = store.read().require(&"0100".parse().unwrap()).unwrap();
        assert_eq!(rec.pin.expose(), "0042");
        assert_eq!(rec.entry, PinEntryState::default());
        assert_eq!(store.read().settings().unwrap(), Settings::default());
    }

    fn event(i: usize) -> NewEvent {
        NewEvent {
            at: Timestamp::from_unix(1_800_000_000),
            user: "test".into(),
            kind: "call_denied",
            extension: None,
            detail: format!("call {i}"),
        }
    }

    fn count_events(path: &Path) -> i64 {
        Connection::open(path)
            .unwrap()
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn pool_opens_at_most_max_open_and_a_caller_waits_for_a_free_one() {
        let (_dir, store) = fresh();
        let pool = ConnectionPool::new(store.path());
        let held: Vec<_> = (0..ConnectionPool::MAX_OPEN)
            .map(|_| pool.get(Duration::from_secs(1)).unwrap())
            .collect();
        // All in use: a caller gives up after its wait, with the busy error.
        let started = std::time::Instant::now();
        let err = pool.get(Duration::from_millis(100)).err().unwrap();
        assert!(started.elapsed() >= Duration::from_millis(100));
        assert!(err.to_string().contains("is busy"), "{err}");
        // One goes back: a waiting caller gets it, and nothing more is opened.
        std::thread::scope(|s| {
            let waiter = s.spawn(|| pool.get(Duration::from_secs(10)).map(|_| ()));
            std::thread::sleep(Duration::from_millis(50));
            drop(held);
            waiter.join().unwrap().unwrap();
        });
        let state = pool.state.lock().unwrap();
        assert_eq!(state.open, ConnectionPool::MAX_OPEN);
        assert_eq!(state.idle.len(), ConnectionPool::MAX_OPEN);
    }

    #[test]
    fn pool_logs_every_event_of_many_threads_once() {
        let (_dir, store) = fresh();
        let pool = ConnectionPool::new(store.path());
        std::thread::scope(|s| {
            for t in 0..32 {
                let pool = &pool;
                s.spawn(move || {
                    for i in 0..25 {
                        pool.log_grouped(BUSY_TIMEOUT, event(t * 100 + i)).unwrap();
                    }
                });
            }
        });
        assert_eq!(count_events(store.path()), 32 * 25);
        let distinct: i64 = Connection::open(store.path())
            .unwrap()
            .query_row("SELECT count(DISTINCT detail) FROM events", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(distinct, 32 * 25);
    }

    #[test]
    fn a_grouped_event_that_cannot_be_written_is_an_error_for_its_caller() {
        let (_dir, store) = fresh();
        let pool = ConnectionPool::new(store.path());
        // Another process holds the write lock longer than the wait.
        let blocker = Connection::open(store.path()).unwrap();
        blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
        let err = pool
            .log_grouped(Duration::from_millis(100), event(1))
            .err()
            .unwrap();
        assert!(err.to_string().contains("is busy"), "{err}");
        blocker.execute_batch("ROLLBACK").unwrap();
        // The pool's connection went back with full durability, and works.
        pool.log_grouped(BUSY_TIMEOUT, event(2)).unwrap();
        assert_eq!(count_events(store.path()), 1);
        let sync: i64 = pool
            .get(BUSY_TIMEOUT)
            .unwrap()
            .conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "FULL");
    }

    #[test]
    fn pool_writes_take_turns_within_the_process() {
        let (_dir, store) = fresh();
        let pool = ConnectionPool::new(store.path());
        let inside = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..10 {
                        pool.write(BUSY_TIMEOUT, |_| {
                            let n = inside.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            assert_eq!(n, 0, "two writers at once");
                            std::thread::sleep(Duration::from_millis(1));
                            inside.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                            Ok(())
                        })
                        .unwrap();
                    }
                });
            }
        });
        // A writer that cannot get its turn in time gives up.
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::channel();
            let pool = &pool;
            s.spawn(move || {
                pool.write(BUSY_TIMEOUT, |_| {
                    tx.send(()).unwrap();
                    std::thread::sleep(Duration::from_millis(300));
                    Ok(())
                })
                .unwrap();
            });
            rx.recv().unwrap();
            let err = pool
                .write(Duration::from_millis(50), |_| Ok(()))
                .err()
                .unwrap();
            assert!(err.to_string().contains("is busy"), "{err}");
        });
    }

    #[test]
    fn failed_write_rolls_back() {
        let (_dir, mut store) = fresh();
        let new = NewExtension {
            number: "100".parse().unwrap(),
            first_name: None,
            last_name: None,
            email: None,
            pin: "0042".parse().unwrap(),
        };
        let r: Result<()> = store.write(|w| {
            w.add_extension(&new)?;
            Err(Error::invalid("stop"))
        });
        assert!(r.is_err());
        assert_eq!(store.read().count().unwrap(), 0);
    }

    #[test]
    fn schema_rejects_what_the_types_reject() {
        let (_dir, store) = fresh();
        for (number, pin) in [
            ("1", "1234"),
            ("12a", "1234"),
            ("100", "123"),
            ("100", "12a4"),
            ("100", "12345678901"),
        ] {
            let r = store.conn.execute(
                "INSERT INTO extensions (number, voicemail_pin) VALUES (?1, ?2)",
                [number, pin],
            );
            assert!(r.is_err(), "{number} {pin}");
        }
        // STRICT: a fraction is not silently stored in an integer column.
        let r = store.conn.execute(
            "INSERT INTO extensions (number, voicemail_pin, pin_protect_duration_s) VALUES ('100', '1234', 1.5)",
            [],
        );
        assert!(r.is_err());
        let r = store.conn.execute(
            "INSERT INTO extensions (number, voicemail_pin, pin_protect) VALUES ('100', '1234', 1)",
            [],
        );
        assert!(r.is_err(), "protected without a duration");
    }
}
