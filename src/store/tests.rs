use super::columns::{SQL_ALL_IN_ORDER, SQL_EXISTS, SQL_ONE};
use super::file::shm_usable;
use super::schema::MIGRATIONS;
use super::*;
use crate::events::NewEvent;
use crate::lockout::PinEntryState;
use crate::policy::Timestamp;
use crate::records::NewExtension;
use crate::settings::Settings;

/// The SQLite file at `path`.
pub(super) fn at(path: impl AsRef<std::path::Path>) -> Location {
    Location::File(path.as_ref().to_owned())
}

pub(super) fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let (store, outcome) = Store::init(&at(dir.path().join("db"))).unwrap();
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
    for sql in [&*SQL_ONE, SQL_EXISTS] {
        let p = plan(store.sqlite().unwrap(), sql);
        assert!(p.contains("SEARCH extensions USING"), "{sql}: {p}");
        assert!(!p.contains("SCAN"), "{sql}: {p}");
    }
    let p = plan(store.sqlite().unwrap(), &SQL_ALL_IN_ORDER);
    assert!(p.contains("extensions_numeric_order"), "{p}");
    assert!(!p.contains("TEMP B-TREE"), "{p}");
}

#[test]
fn init_is_idempotent_and_sets_identity() {
    let (dir, store) = fresh();
    let path = store.path().to_owned();
    drop(store);
    let (_, outcome) = Store::init(&at(&path)).unwrap();
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
    let err = Store::open(&at(&path)).err().unwrap();
    assert!(err.to_string().contains("has schema version 1"), "{err}");
    assert!(err.hint().unwrap().contains("pinprotect init"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let (store, outcome) = Store::init(&at(&path)).unwrap();
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

/// A call from extension `2NN` (`ext` = NN) to number `i`, denied at
/// `at` for being locked.
fn denied(ext: usize, i: usize, at: i64) -> DeniedCall {
    let number = format!("2{ext:02}");
    (
        NewEvent {
            at: Timestamp::from_unix(at),
            user: "test".into(),
            kind: "call_denied",
            detail: format!("{number} -> {i}: locked"),
            extension: Some(number.parse().unwrap()),
        },
        "locked",
    )
}

fn event(i: usize) -> DeniedCall {
    denied(i, i, 1_800_000_000)
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
    let pool = ConnectionPool::new(&at(store.path()));
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
fn pool_counts_every_denied_call_of_many_threads_once() {
    let (_dir, store) = fresh();
    let pool = ConnectionPool::new(&at(store.path()));
    std::thread::scope(|s| {
        for t in 0..32 {
            let pool = &pool;
            s.spawn(move || {
                for i in 0..25 {
                    // Extensions 200 to 215, each from two threads.
                    pool.log_grouped(BUSY_TIMEOUT, denied(t % 16, i, 1_800_000_000 + i as i64))
                        .unwrap();
                }
            });
        }
    });
    let conn = Connection::open(store.path()).unwrap();
    let (rows, calls): (i64, i64) = conn
        .query_row("SELECT count(*), sum(count) FROM events", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((rows, calls), (16, 32 * 25));
}

#[test]
fn denied_calls_are_counted_by_extension_reason_user_and_minute() {
    let (_dir, mut store) = fresh();
    let t0 = 1_800_000_000;
    let log = |store: &mut Store, call: DeniedCall| {
        store.write(|w| w.log_denied_call(&call.0, call.1)).unwrap()
    };
    log(&mut store, denied(1, 1, t0));
    log(&mut store, denied(1, 2, t0 + 59));
    // Another extension, another reason, another user: events of their own.
    log(&mut store, denied(2, 1, t0 + 1));
    let (mut other, _) = denied(1, 3, t0 + 2);
    other.detail = "201 -> 3: unknown_extension".into();
    log(&mut store, (other, "unknown_extension"));
    let (mut by_root, reason) = denied(1, 4, t0 + 3);
    by_root.user = "root".into();
    log(&mut store, (by_root, reason));
    // A minute after the first: a new event.
    log(&mut store, denied(1, 5, t0 + 60));
    let mut seen = Vec::new();
    store
        .read()
        .for_each_event(&Default::default(), None, |e| {
            seen.push((e.extension.unwrap(), e.user, e.detail, e.count));
            Ok(())
        })
        .unwrap();
    let seen: Vec<(&str, &str, &str, u64)> = seen
        .iter()
        .map(|(x, u, d, c)| (x.as_str(), u.as_str(), d.as_str(), *c))
        .collect();
    assert_eq!(
        seen,
        [
            ("201", "test", "201 -> 1: locked", 2),
            ("202", "test", "202 -> 1: locked", 1),
            ("201", "test", "201 -> 3: unknown_extension", 1),
            ("201", "root", "201 -> 4: locked", 1),
            ("201", "test", "201 -> 5: locked", 1),
        ]
    );
}

#[test]
fn the_log_stays_append_only_but_for_counts_and_prunes() {
    let (_dir, mut store) = fresh();
    store
        .write(|w| {
            w.log_denied_call(&denied(1, 1, 1_800_000_000).0, "locked")?;
            w.log_event(&NewEvent {
                at: Timestamp::from_unix(1_800_000_100),
                user: "test".into(),
                kind: "grant",
                extension: None,
                detail: "until then".into(),
            })
        })
        .unwrap();
    let conn = Connection::open(store.path()).unwrap();
    for sql in [
        "UPDATE events SET detail = 'x' WHERE id = 1",
        "UPDATE events SET count = count + 1, detail = 'x' WHERE id = 1",
        "UPDATE events SET count = 0 WHERE id = 1",
        "UPDATE events SET count = count + 1 WHERE id = 2",
        "UPDATE events SET at = at + 1 WHERE id = 1",
        "DELETE FROM events WHERE id = 1",
        "DELETE FROM events",
    ] {
        let err = conn
            .execute(sql, [])
            .err()
            .unwrap_or_else(|| panic!("{sql}"));
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    conn.execute("UPDATE events SET count = count + 1 WHERE id = 1", [])
        .unwrap();
    // A prune removes up to the id it names, and only in its transaction.
    let removed = store
        .write(|w| {
            w.prune_events(1, |n| NewEvent {
                at: Timestamp::from_unix(1_800_000_200),
                user: "test".into(),
                kind: "log_pruned",
                extension: None,
                detail: format!("{n} removed"),
            })
        })
        .unwrap();
    assert_eq!(removed, 1);
    let rows: Vec<(i64, String)> = conn
        .prepare("SELECT id, kind FROM events ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows, [(1, "log_pruned".into()), (2, "grant".into())]);
    let err = conn.execute("DELETE FROM events", []).err().unwrap();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn a_grouped_event_that_cannot_be_written_is_an_error_for_its_caller() {
    let (_dir, store) = fresh();
    let pool = ConnectionPool::new(&at(store.path()));
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
        .sqlite()
        .unwrap()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sync, 2, "FULL");
}

#[test]
fn pool_writes_take_turns_within_the_process() {
    let (_dir, store) = fresh();
    let pool = ConnectionPool::new(&at(store.path()));
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
        let r = store.sqlite().unwrap().execute(
            "INSERT INTO extensions (number, voicemail_pin) VALUES (?1, ?2)",
            [number, pin],
        );
        assert!(r.is_err(), "{number} {pin}");
    }
    // STRICT: a fraction is not silently stored in an integer column.
    let r = store.sqlite().unwrap().execute(
            "INSERT INTO extensions (number, voicemail_pin, pin_protect_duration_s) VALUES ('100', '1234', 1.5)",
            [],
        );
    assert!(r.is_err());
    let r = store.sqlite().unwrap().execute(
        "INSERT INTO extensions (number, voicemail_pin, pin_protect) VALUES ('100', '1234', 1)",
        [],
    );
    assert!(r.is_err(), "protected without a duration");
}

/// The POSIX locks this process holds on `path`'s file, from /proc/locks.
fn own_locks_on(path: &Path) -> Vec<String> {
    use std::os::unix::fs::MetadataExt;
    let ino = fs::metadata(path).unwrap().ino();
    let pid = std::process::id();
    fs::read_to_string("/proc/locks")
        .unwrap()
        .lines()
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.get(4) == Some(&pid.to_string().as_str())
                && f.get(5).is_some_and(|id| id.ends_with(&format!(":{ino}")))
        })
        .map(String::from)
        .collect()
}

#[test]
fn opening_more_connections_keeps_the_locks_of_those_open() {
    let (_dir, store) = fresh();
    let path = store.path().to_owned();
    drop(store);
    let first = Store::open(&at(&path)).unwrap();
    first.read().settings().unwrap();
    let held = own_locks_on(&path);
    assert!(
        !held.is_empty(),
        "a WAL connection holds a lock on the file"
    );
    // Each open reads the file's header before SQLite sees it; the
    // descriptor it read through must not be closed while `first` lives.
    for access in [Access::Write, Access::Read, Access::Write] {
        let more = Store::open_with(&at(&path), access, BUSY_TIMEOUT).unwrap();
        more.read().settings().unwrap();
        drop(more);
        assert_eq!(own_locks_on(&path), held, "after a {access:?} connection");
    }
    drop(first);
    assert!(own_locks_on(&path).is_empty());
}

#[test]
fn shared_memory_is_usable_when_the_shm_file_is_there_or_may_be_made() {
    let (_dir, store) = fresh();
    let path = store.path().to_owned();
    store.read().settings().unwrap();
    assert!(fs::metadata(companion(&path, "-shm")).is_ok());
    assert!(shm_usable(&path));
    drop(store);
    // The last connection closed and took the -shm file with it (as one
    // may between any two looks of another process): the folder decides.
    assert!(fs::metadata(companion(&path, "-shm")).is_err());
    assert!(shm_usable(&path));
}

#[test]
fn version_2_events_are_kept_with_a_count_of_one_by_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    let conn = Connection::open(&path).unwrap();
    for (i, sql) in MIGRATIONS[..2].iter().enumerate() {
        conn.execute_batch(sql).unwrap();
        conn.pragma_update(None, "user_version", i as i64 + 1)
            .unwrap();
    }
    conn.pragma_update(None, "application_id", APPLICATION_ID)
        .unwrap();
    conn.execute(
        "INSERT INTO events (at, user, kind, extension, detail) \
         VALUES (1800000000, 'admin', 'call_denied', '201', '201 -> 5: locked')",
        [],
    )
    .unwrap();
    drop(conn);
    let (mut store, outcome) = Store::init(&at(&path)).unwrap();
    assert_eq!(
        outcome,
        InitOutcome::Upgraded {
            from: 2,
            to: SCHEMA_VERSION
        }
    );
    // The old event is counted into, as a new one would be.
    let (event, reason) = denied(1, 6, 1_800_000_030);
    let event = NewEvent {
        user: "admin".into(),
        ..event
    };
    store.write(|w| w.log_denied_call(&event, reason)).unwrap();
    let mut seen = Vec::new();
    store
        .read()
        .for_each_event(&Default::default(), None, |e| {
            seen.push((e.detail, e.count));
            Ok(())
        })
        .unwrap();
    assert_eq!(seen, [("201 -> 5: locked".to_string(), 2)]);
}
