//! The schema: numbered migrations tracked in `PRAGMA user_version`, and
//! how a file is recognised as a pinprotect database.

use super::db_error;
use crate::error::{Error, Result};
use crate::text;
use rusqlite::Connection;
use std::path::Path;

/// The numbered migrations; migration N brings `user_version` from N-1 to N.
pub(super) const MIGRATIONS: &[&str] = &[
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
    // 3: denied calls counted into one event a minute; `log prune`. The
    // log stays append-only but for two changes: raising the count of a
    // `call_denied` event (nothing else of it), and removing the events up
    // to the id a prune puts in `events_prune`, inside its transaction.
    "ALTER TABLE events ADD COLUMN count INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1);
    CREATE TABLE events_prune (through_id INTEGER NOT NULL) STRICT;
    DROP TRIGGER events_are_append_only_update;
    CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
        WHEN NOT (OLD.kind = 'call_denied' AND NEW.count > OLD.count
            AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.user = OLD.user
            AND NEW.kind = OLD.kind AND NEW.extension IS OLD.extension
            AND NEW.detail = OLD.detail)
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    DROP TRIGGER events_are_append_only_delete;
    CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
        WHEN NOT EXISTS (SELECT 1 FROM events_prune WHERE OLD.id <= through_id)
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
    // 4: a voicemail.conf mailbox's options, kept as read.
    "ALTER TABLE extensions ADD COLUMN voicemail_options TEXT;",
];

/// The schema version this binary writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// `(application_id, user_version, number of schema objects)`. The first
/// read of the file: a file that is not SQLite fails here.
pub(super) fn identify(conn: &Connection, path: &Path) -> Result<(i32, i64, i64)> {
    conn.query_row(
        "SELECT (SELECT application_id FROM pragma_application_id), \
                (SELECT user_version FROM pragma_user_version), \
                (SELECT count(*) FROM sqlite_schema)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .map_err(|e| db_error(path, e))
}

pub(super) fn not_pinprotect(path: &Path) -> Error {
    Error::database(
        format!(
            "{} is a SQLite database, but not a pinprotect database",
            text::path(path)
        ),
        Some("check the --db path (or PINPROTECT_DB); pinprotect leaves this file alone".into()),
    )
}

pub(super) fn too_new(path: &Path, version: i64) -> Error {
    Error::database(
        format!(
            "database {} has schema version {version}, newer than this pinprotect understands ({SCHEMA_VERSION})",
            text::path(path)
        ),
        Some("install a newer pinprotect".into()),
    )
}

/// A problem with the trigger `name`, which keeps the audit log
/// append-only: `what` is `is missing`, `is disabled`, ...
pub(super) fn trigger_problem(name: &str, what: &str) -> String {
    format!("the trigger {name}, which keeps the audit log append-only, {what}")
}

/// The triggers the migrations make, `(name, SQL)` by name: what keeps
/// the audit log append-only, read from a schema built in memory so that
/// it is defined once, by the migrations.
pub(super) fn expected_triggers() -> Result<Vec<(String, String)>> {
    let mem = Connection::open_in_memory().map_err(|e| db_error(Path::new(":memory:"), e))?;
    for sql in MIGRATIONS {
        mem.execute_batch(sql)
            .map_err(|e| db_error(Path::new(":memory:"), e))?;
    }
    triggers(&mem, Path::new(":memory:"))
}

/// The triggers of a database, `(name, SQL)` by name.
pub(super) fn triggers(conn: &Connection, path: &Path) -> Result<Vec<(String, String)>> {
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name")
        .map_err(|e| db_error(path, e))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(|e| db_error(path, e))?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(|e| db_error(path, e))
}
