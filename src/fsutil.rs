//! Files that appear whole or not at all, and never in the wrong place.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::error::{Error, Result};
use crate::text;

/// The name of a temporary file of [`write_atomically`]:
/// `.pinprotect-XXXXXX.tmp`.
const TEMP_PREFIX: &str = ".pinprotect-";
const TEMP_SUFFIX: &str = ".tmp";
const TEMP_RANDOM_LEN: usize = 6;

/// How old a temporary file must be before another export removes it: an
/// export that is still running writes to its file all the time.
const STALE_AFTER: Duration = Duration::from_secs(60);

/// The folder a file name is in: its parent, or `.` for a bare name.
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn refused(path: &Path, why: &str, hint: &str) -> Error {
    Error::OutputRefused {
        message: format!("refusing to write {}: {why}", text::path(path)),
        hint: Some(hint.into()),
    }
}

/// Checks that `path` may be replaced by an output file: it does not exist
/// yet, or it is a regular file (also behind a symbolic link) that is not
/// the database at `db` nor one of its `-wal`, `-shm` and `-journal` files,
/// by any path (compared by device and inode, and by name).
pub fn check_output_target(path: &Path, db: Option<&Path>) -> Result<()> {
    const REGULAR: &str = "give the name of a regular file (new or to be replaced), \
                           or leave out --output to write to standard output";
    let companions = ["", "-wal", "-shm", "-journal"];
    let protected: Vec<std::path::PathBuf> = db
        .map(|db| {
            companions
                .iter()
                .map(|s| crate::store::companion(db, s))
                .collect()
        })
        .unwrap_or_default();
    if leads_into_dev_or_proc(path) {
        return Err(refused(path, "it is a device or process file", REGULAR));
    }
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => return Err(refused(path, "it is a folder", REGULAR)),
        Ok(m) if !m.is_file() => {
            return Err(refused(
                path,
                "it is not a regular file (a device, FIFO or socket)",
                REGULAR,
            ));
        }
        Ok(m) => {
            let same = protected
                .iter()
                .any(|p| fs::metadata(p).is_ok_and(|d| d.dev() == m.dev() && d.ino() == m.ino()));
            if same {
                return Err(refused(
                    path,
                    "it is the database or one of its files",
                    "choose an output file outside the database's own files",
                ));
            }
        }
        Err(_) => {}
    }
    // A name that would become one of the database's files once written.
    let parent_of = |p: &Path| fs::canonicalize(folder_of(p)).ok();
    if let (Some(dir), Some(name)) = (parent_of(path), path.file_name()) {
        let clash = protected
            .iter()
            .any(|p| parent_of(p).as_ref() == Some(&dir) && p.file_name() == Some(name));
        if clash {
            return Err(refused(
                path,
                "it is the database or one of its files",
                "choose an output file outside the database's own files",
            ));
        }
    }
    Ok(())
}

/// True when `path` lies in /dev or /proc, or is a symbolic link whose
/// chain passes through them (`/dev/stdout`, a link to `/proc/self/fd/1`),
/// whatever the chain ends at.
fn leads_into_dev_or_proc(path: &Path) -> bool {
    let special = |p: &Path| p.starts_with("/dev") || p.starts_with("/proc");
    let mut current = match std::path::absolute(path) {
        Ok(p) => p,
        Err(_) => return false,
    };
    for _ in 0..40 {
        let parent = current
            .parent()
            .map(|d| fs::canonicalize(d).unwrap_or(d.to_owned()));
        let resolved = match (&parent, current.file_name()) {
            (Some(d), Some(name)) => d.join(name),
            _ => current.clone(),
        };
        if special(&current) || special(&resolved) {
            return true;
        }
        match fs::read_link(&resolved) {
            Ok(target) => {
                current = match &parent {
                    Some(d) if target.is_relative() => d.join(target),
                    _ => target,
                }
            }
            Err(_) => return false,
        }
    }
    true
}

/// True for a name that [`write_atomically`] gives its temporary files.
fn is_temporary_name(name: &str) -> bool {
    name.strip_prefix(TEMP_PREFIX)
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|random| {
            random.len() == TEMP_RANDOM_LEN && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Removes temporary files that a killed export left in `dir`: only
/// regular files with pinprotect's temporary name, owned by this user and
/// not written to for a minute.
pub fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let me = crate::sys::effective_uid();
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_str().is_some_and(is_temporary_name) {
            continue;
        }
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        let stale = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age >= STALE_AFTER);
        if meta.is_file() && meta.uid() == me && stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// A new temporary file in `dir`, mode 0600, named so that
/// [`remove_stale_temporaries`] knows it, removed when dropped unless it
/// is persisted. Made here rather than by tempfile so that an error is the
/// operating system's own, without the temporary file's path.
fn create_temporary(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::OpenOptionsExt;
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    loop {
        let mut name = String::from(TEMP_PREFIX);
        for _ in 0..TEMP_RANDOM_LEN {
            let r = getrandom::u32().map_err(std::io::Error::other)?;
            name.push(char::from(LETTERS[r as usize % LETTERS.len()]));
        }
        name.push_str(TEMP_SUFFIX);
        let path = dir.join(name);
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(file) => {
                return match tempfile::TempPath::try_from_path(&path) {
                    Ok(temp) => Ok(tempfile::NamedTempFile::from_parts(file, temp)),
                    Err(e) => {
                        let _ = fs::remove_file(&path);
                        Err(e)
                    }
                };
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// A private copy of the regular file `source` in `dir` (mode 0600, a
/// temporary file's name), with no descriptor of it left open: SQLite may
/// open it. Removed when dropped.
pub fn temporary_copy(source: &Path, dir: &Path) -> Result<tempfile::TempPath> {
    let mut from =
        File::open(source).map_err(|e| Error::input(text::path(source).to_string(), e))?;
    let meta = from
        .metadata()
        .map_err(|e| Error::input(text::path(source).to_string(), e))?;
    if !meta.is_file() {
        return Err(Error::invalid_with_hint(
            format!("{} is not a regular file", text::path(source)),
            "give the path of a backup file that `pinprotect backup` wrote",
        ));
    }
    remove_stale_temporaries(dir);
    let mut tmp = create_temporary(dir)
        .map_err(|e| Error::system("make a temporary file beside the database", without_path(e)))?;
    std::io::copy(&mut from, tmp.as_file_mut())
        .map_err(|e| Error::input(text::path(source).to_string(), e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::system("write a temporary file beside the database", e))?;
    Ok(tmp.into_temp_path())
}

/// An error of tempfile's (creating or renaming the temporary file)
/// without the temporary file's path, which tempfile adds to the message:
/// the OS error code when there is one, else the kind.
fn without_path(e: std::io::Error) -> std::io::Error {
    match e.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => std::io::Error::from(e.kind()),
    }
}

/// Writes `path` atomically: `write` fills a temporary file (mode 0600) in
/// the same folder, which is flushed and synced; then `commit` runs (the
/// audit log entry), and only when it succeeds is the file renamed over
/// `path` and the folder synced. On any failure the temporary file is
/// removed and an existing file at `path` stays as it was. A symbolic link
/// at `path` is replaced, never followed. Temporary files that a killed
/// run left in the folder are removed first.
pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<&File>) -> Result<T>,
    commit: impl FnOnce(&T) -> Result<()>,
) -> Result<T> {
    let staged = StagedFile::new(path)?;
    // Written through the file itself, so that a write error is the
    // operating system's own, without the temporary file's path.
    let value = {
        let mut w = BufWriter::with_capacity(64 * 1024, staged.file());
        let value = write(&mut w).map_err(|e| match e {
            Error::Output { path: None, source } => staged.failed(source),
            Error::BrokenPipe => staged.failed(std::io::ErrorKind::BrokenPipe.into()),
            other => other,
        })?;
        w.flush().map_err(|e| staged.failed(e))?;
        value
    };
    staged.sync()?;
    commit(&value)?;
    staged.replace()?;
    Ok(value)
}

/// A file about to replace `path`: a temporary file (mode 0600) in the
/// same folder, removed when dropped unless [`StagedFile::replace`] renamed
/// it over `path`. Errors name `path`, never the temporary file.
pub struct StagedFile {
    tmp: tempfile::NamedTempFile,
    path: std::path::PathBuf,
}

impl StagedFile {
    /// Starts a file that will replace `path`; its folder must exist.
    /// Temporary files that a killed run left there are removed first.
    pub fn new(path: &Path) -> Result<StagedFile> {
        let dir = folder_of(path);
        if !dir.is_dir() {
            return Err(Error::OutputRefused {
                message: format!(
                    "cannot write {}: the folder {} does not exist",
                    text::path(path),
                    text::path(dir)
                ),
                hint: Some("create the folder first, e.g. with `install -d -m 700 FOLDER`".into()),
            });
        }
        remove_stale_temporaries(dir);
        let tmp = create_temporary(dir)
            .map_err(|e| Error::output(Some(path.to_owned()), without_path(e)))?;
        Ok(StagedFile {
            tmp,
            path: path.to_owned(),
        })
    }

    /// The temporary file, empty at first.
    pub fn file(&self) -> &File {
        self.tmp.as_file()
    }

    /// The temporary file's path, for a writer that takes a path (SQLite's
    /// `VACUUM INTO`).
    pub fn temporary_path(&self) -> &Path {
        self.tmp.path()
    }

    /// An I/O error while filling the file, as an error about `path`.
    pub fn failed(&self, e: std::io::Error) -> Error {
        Error::output(Some(self.path.clone()), without_path(e))
    }

    /// Writes the file's data to the disk.
    pub fn sync(&self) -> Result<()> {
        self.tmp.as_file().sync_all().map_err(|e| self.failed(e))
    }

    /// Renames the file over `path` and writes the folder to the disk.
    pub fn replace(self) -> Result<()> {
        let path = self.path.clone();
        let fail = |e: std::io::Error| Error::output(Some(path.clone()), without_path(e));
        self.tmp.persist(&path).map_err(|e| fail(e.error))?;
        File::open(folder_of(&path))
            .and_then(|d| d.sync_all())
            .map_err(fail)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::IoContext;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn failure_keeps_the_old_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old").unwrap();
        let r: Result<()> = write_atomically(
            &path,
            |w| {
                w.write_all(b"partial").writing_output()?;
                Err(Error::invalid("boom"))
            },
            |_| Ok(()),
        );
        assert!(r.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        // A failed commit (the audit log) leaves no file either.
        let r: Result<()> = write_atomically(
            &path,
            |w| w.write_all(b"new").writing_output(),
            |_| Err(Error::database("log refused", None)),
        );
        assert!(r.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        write_atomically(&path, |w| w.write_all(b"new").writing_output(), |_| Ok(())).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn dev_and_proc_are_found_through_links() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("out");
        std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
        assert!(leads_into_dev_or_proc(&link));
        let hop = dir.path().join("hop");
        std::os::unix::fs::symlink("out", &hop).unwrap();
        assert!(leads_into_dev_or_proc(&hop));
        assert!(leads_into_dev_or_proc(Path::new("/dev/stdout")));
        assert!(leads_into_dev_or_proc(Path::new("/dev/../dev/null")));
        let plain = dir.path().join("plain.csv");
        assert!(!leads_into_dev_or_proc(&plain));
        let to_plain = dir.path().join("to-plain");
        std::os::unix::fs::symlink(&plain, &to_plain).unwrap();
        assert!(!leads_into_dev_or_proc(&to_plain));
    }

    #[test]
    fn temporary_names() {
        assert!(is_temporary_name(".pinprotect-aZ09xY.tmp"));
        for other in [
            ".pinprotect-aZ09x.tmp",
            ".pinprotect-aZ09xYz.tmp",
            ".pinprotect-aZ0-xY.tmp",
            "pinprotect-aZ09xY.tmp",
            ".pinprotect-aZ09xY.csv",
            "export.csv",
        ] {
            assert!(!is_temporary_name(other), "{other}");
        }
    }
}
