//! The database file before and around SQLite: checks made before a file
//! is opened (devices, FIFOs, damage, a checkpoint in progress), creating
//! it with the right modes, and opening connections.
//!
//! One rule holds for every file of a database (the file, its `-wal` and
//! `-shm`): in a process with an open SQLite connection, no descriptor of
//! such a file is closed outside SQLite. Closing any descriptor of a file
//! drops every POSIX lock the process holds on it, SQLite's included; the
//! next process to close its connection would then believe itself the
//! last, checkpoint, and delete the `-wal` and `-shm` files that this
//! process still uses. So pinprotect's own descriptors of the database
//! file ([`OutsideFile`]) are closed only while no connection is open
//! ([`Live`] counts them), and the `-shm` and `-wal` files are only looked
//! at (`stat`, `access`), never opened.

use std::sync::Mutex;

use super::{Access, Store, busy_error, db_error};
use crate::error::{Error, Result};
use crate::text;
use rusqlite::{Connection, OpenFlags};
use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// This process's open SQLite connections, and the descriptors of
/// database files that pinprotect opened itself and that wait for the
/// last connection to close before they are closed.
struct Outside {
    connections: usize,
    retired: Vec<fs::File>,
}

static OUTSIDE: Mutex<Outside> = Mutex::new(Outside {
    connections: 0,
    retired: Vec::new(),
});

fn outside() -> std::sync::MutexGuard<'static, Outside> {
    crate::sync::locked(&OUTSIDE)
}

/// One SQLite connection of this process, counted from before it opens
/// until after it closes (a [`Store`] holds it after its connection).
pub(super) struct Live(());

impl Live {
    pub(super) fn new() -> Live {
        outside().connections += 1;
        Live(())
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        let mut outside = outside();
        outside.connections -= 1;
        if outside.connections == 0 {
            // No connection left whose locks a close could drop; a new one
            // waits for the lock, so none opens meanwhile.
            outside.retired.clear();
        }
    }
}

/// A descriptor of a database file opened outside SQLite (to read its
/// header, to hold a lock). Dropped, it is closed at once when no SQLite
/// connection of this process is open, else when the last one closes.
pub(super) struct OutsideFile(Option<fs::File>);

impl OutsideFile {
    /// Opens `path` for reading; a FIFO put in its place meanwhile does not
    /// block the open.
    pub(super) fn open(path: &Path) -> io::Result<OutsideFile> {
        let file = fs::OpenOptions::new()
            .read(true)
            .custom_flags(crate::sys::OPEN_NONBLOCK_NOCTTY)
            .open(path)?;
        Ok(OutsideFile(Some(file)))
    }

    pub(super) fn new(file: fs::File) -> OutsideFile {
        OutsideFile(Some(file))
    }

    fn file(&self) -> &fs::File {
        self.0.as_ref().expect("held until dropped")
    }
}

impl Drop for OutsideFile {
    fn drop(&mut self) {
        if let Some(file) = self.0.take() {
            let mut outside = outside();
            if outside.connections > 0 {
                outside.retired.push(file);
            } else {
                // Closed here, under the lock: no connection opens meanwhile.
                drop(file);
            }
        }
    }
}

/// Whether a read-only connection can use SQLite's shared memory: the
/// `-shm` file is readable, or (when there is none, or it was deleted a
/// moment ago by a closing connection) this user may create it. Looked
/// at, never opened (see the module's rule).
pub(super) fn shm_usable(path: &Path) -> bool {
    use rustix::fs::{Access, access};
    match access(companion(path, "-shm"), Access::READ_OK) {
        Ok(()) => true,
        Err(rustix::io::Errno::NOENT) => {
            access(crate::fsutil::folder_of(path), Access::WRITE_OK).is_ok()
        }
        Err(_) => false,
    }
}

/// Holds a read lock on SQLite's SHARED byte range of the database file, as
/// a reading connection would: while it is held, no closing connection can
/// take the EXCLUSIVE lock it needs to checkpoint into the file and delete
/// the `-wal` file.
pub(super) struct SharedLock {
    pub(super) _file: OutsideFile,
}

impl SharedLock {
    /// SQLite's lock bytes: `PENDING_BYTE` (1 GiB) + 2, 510 bytes long.
    const SHARED_FIRST: i64 = 0x4000_0000 + 2;
    const SHARED_SIZE: i64 = 510;

    pub(super) fn take(path: &Path, busy: Duration) -> Result<SharedLock> {
        use std::os::fd::AsFd;
        let file = OutsideFile::open(path)
            .map_err(|e| Error::database(format!("cannot read {}: {e}", text::path(path)), None))?;
        let deadline = std::time::Instant::now() + busy;
        loop {
            let taken = crate::sys::try_read_lock(
                file.file().as_fd(),
                Self::SHARED_FIRST,
                Self::SHARED_SIZE,
            )
            .map_err(|e| Error::database(format!("cannot lock {}: {e}", text::path(path)), None))?;
            if taken {
                return Ok(SharedLock { _file: file });
            }
            if std::time::Instant::now() >= deadline {
                return Err(busy_error(path));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Opens a connection (a [`Store`] not yet checked). A read-only connection to a database whose `-wal`
/// and `-shm` files do not exist, in a folder this user may not write,
/// cannot use SQLite's shared memory: with no `-wal` file the whole
/// database is in the main file, so it is read as it is (`immutable`),
/// under the lock that keeps other connections from checkpointing into it.
pub(super) fn open_connection(path: &Path, access: Access, busy: Duration) -> Result<Store> {
    // Counted before SQLite opens the file: from here on no descriptor of
    // ours is closed under its locks.
    let live = Live::new();
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
    Ok(Store {
        engine: super::Engine::Sqlite {
            conn,
            _lock: lock,
            _live: live,
        },
        path: path.to_owned(),
    })
}

/// What the first 100 bytes of a file and its length say, before SQLite
/// sees the file.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Header {
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

pub(super) fn read_header(path: &Path) -> Result<Header> {
    use std::io::Read;
    let cannot_read =
        |e: io::Error| Error::database(format!("cannot read {}: {e}", text::path(path)), None);
    let file = OutsideFile::open(path).map_err(cannot_read)?;
    // Length and header from one open file, one right after the other.
    let meta = file.file().metadata().map_err(cannot_read)?;
    if !meta.is_file() {
        return Ok(Header::NotSqlite);
    }
    let len = meta.len();
    if len == 0 {
        return Ok(Header::Empty);
    }
    let mut header = [0u8; 100];
    if len < 100
        || Read::read_exact(&mut file.file(), &mut header).is_err()
        || &header[..16] != b"SQLite format 3\0"
    {
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
pub(super) fn wal_has_frames(path: &Path) -> bool {
    const WAL_HEADER: u64 = 32;
    fs::metadata(companion(path, "-wal")).is_ok_and(|m| m.len() > WAL_HEADER)
}

/// The checks before SQLite sees a file: a regular file, and either empty
/// or a SQLite file that is not visibly damaged. Never refuses a file that
/// SQLite reads as a healthy database: a file shorter than its header says
/// is refused only when no `-wal` file could hold the rest, and only after
/// it stayed short over a few reads (a checkpoint in another process may
/// be extending it at this very moment).
pub(super) fn check_file(path: &Path, meta: &fs::Metadata) -> Result<()> {
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

pub(super) fn not_sqlite(path: &Path) -> Error {
    Error::database(
        format!(
            "{} is not a SQLite database, or it is encrypted or damaged",
            text::path(path)
        ),
        Some("check the --db path; restore the file from a backup if it is damaged".into()),
    )
}

pub(super) fn damaged(path: &Path, why: &str) -> Error {
    Error::database(
        format!("database {} is damaged: {why}", text::path(path)),
        Some("restore it from a backup; `sqlite3 FILE 'PRAGMA integrity_check'` tells more".into()),
    )
}

/// Creates the database file with mode 0600 and its missing parent folders
/// with mode 0700. Returns whether the file was created.
pub(super) fn create_file(path: &Path) -> Result<bool> {
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
        Ok(file) => {
            drop(OutsideFile::new(file));
            Ok(true)
        }
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
