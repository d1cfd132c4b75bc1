//! The connection pool of a long-running server, with its turn-taking
//! for writes and group commit of events.

use super::{Access, Engine, Location, Store, busy_error, db_error};
use crate::error::{Error, Result};
use crate::events::NewEvent;
use std::fs;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::sync::locked;

/// Connections that a long-running server keeps open between calls. They
/// are opened read-write, as the server's own writes are: an idle
/// read-only connection does not keep another connection's close from
/// deleting the `-wal` and `-shm` files it has mapped. A connection is used
/// again only while the path still names the same file (device and inode),
/// so a database restored from a backup is picked up by the next call.
/// On PostgreSQL a connection that was lost is closed, and the next call
/// connects again: a restarted server is found again without a restart
/// of `serve`.
///
/// At most [`ConnectionPool::MAX_OPEN`] connections are open at once: a
/// call that finds them all in use waits for one (queries take
/// microseconds), within its busy budget. The server's own writes take
/// turns in the process, so that they never wait on each other through
/// SQLite's lock, whose busy handler sleeps for milliseconds at a time;
/// other processes' writes still meet the busy timeout.
pub struct ConnectionPool {
    pub(super) location: Location,
    /// The file, or the URL as messages show it.
    pub(super) path: PathBuf,
    pub(super) state: std::sync::Mutex<PoolState>,
    freed: std::sync::Condvar,
    /// Whether one of this process's writes is under way.
    writing: std::sync::Mutex<bool>,
    pub(super) written: std::sync::Condvar,
    pub(super) events: std::sync::Mutex<EventQueue>,
    events_written: std::sync::Condvar,
}

/// Events waiting to be written together, and whether a call is writing a
/// group of them now.
#[derive(Default)]
pub(super) struct EventQueue {
    pub(super) waiting: Vec<(DeniedCall, Arc<Written>)>,
    writing: bool,
}

/// A denied call to log: its event and the reason it was denied.
pub type DeniedCall = (NewEvent, &'static str);

/// Set once the group an event went into is written: how that went.
pub(super) type Written = std::sync::OnceLock<std::result::Result<(), String>>;

#[derive(Default)]
pub(super) struct PoolState {
    pub(super) idle: Vec<((u64, u64), Store)>,
    pub(super) open: usize,
}

/// A connection taken from a [`ConnectionPool`]; it goes back when dropped.
pub struct Pooled<'p> {
    pub(super) pool: &'p ConnectionPool,
    id: (u64, u64),
    pub(super) store: Option<Store>,
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
            Some(store) if !store.is_broken() => state.idle.push((self.id, store)),
            _ => state.open -= 1,
        }
        drop(state);
        self.pool.freed.notify_one();
    }
}

impl ConnectionPool {
    /// Connections open at once.
    pub const MAX_OPEN: usize = 4;

    pub fn new(location: &Location) -> ConnectionPool {
        ConnectionPool {
            location: location.clone(),
            path: PathBuf::from(location.to_string()),
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
        let id = match &self.location {
            Location::File(path) => fs::metadata(path)
                .map(|m| (m.dev(), m.ino()))
                .unwrap_or((0, 0)),
            Location::Postgres(_) => (0, 0),
        };
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
                match &store.engine {
                    Engine::Sqlite { conn, .. } => conn
                        .busy_timeout(left)
                        .map_err(|e| db_error(&self.path, e))?,
                    // Rounded up to a quarter second: a limit that changed
                    // with every call would cost a round trip each.
                    Engine::Postgres(pg) => pg.set_busy(
                        &self.path,
                        Duration::from_millis(left.as_millis().div_ceil(250) as u64 * 250),
                    )?,
                }
                store
            }
            None => {
                let store = Store::open_with(&self.location, Access::Write, left)?;
                // A small page cache per connection: the server's memory
                // stays flat however many calls it takes.
                if let Engine::Sqlite { conn, .. } = &store.engine {
                    conn.pragma_update(None, "cache_size", -64)
                        .map_err(|e| db_error(&self.path, e))?;
                }
                store
            }
        };
        pooled.store = Some(store);
        Ok(pooled)
    }

    /// Waits for `signal` until `deadline`; the busy error once it passed.
    pub(super) fn wait<'g, T>(
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

    /// Logs a denied call ([`Writer::log_denied_call`](super::Writer::log_denied_call)) at call time:
    /// many calls' events are committed together, and each call returns
    /// once its event is written. The commit does not wait for the disk:
    /// after a power failure or an operating-system crash (not a process
    /// crash) the last events may be missing, never half there.
    pub fn log_grouped(&self, busy: Duration, event: DeniedCall) -> Result<()> {
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
            group: Vec<(DeniedCall, Arc<Written>)>,
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
                let written = store.write(|w| {
                    done.group
                        .iter()
                        .try_for_each(|((e, reason), _)| w.log_denied_call(e, reason))
                });
                let restored = store.full_durability();
                written.and(restored)
            })
            .map_err(|e| e.to_string());
        let written = done.written.clone();
        drop(done);
        written.map_err(|e| Error::database(e, None))
    }
}
