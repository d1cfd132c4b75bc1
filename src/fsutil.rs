//! Files that appear whole or not at all.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// Writes `path` atomically: `write` fills a temporary file (mode 0600) in
/// the same folder, which is flushed, synced and renamed over `path`; the
/// folder is then synced. On any failure the temporary file is removed and
/// an existing file at `path` stays as it was. A symbolic link at `path` is
/// replaced, never followed.
pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<NamedTempFile>) -> Result<T>,
) -> Result<T> {
    let fail = |e: std::io::Error| Error::output(Some(path.to_owned()), e);
    if path.is_dir() {
        return Err(Error::invalid(format!(
            "{} is a folder; give a file name",
            path.display()
        )));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".pinprotect-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    let mut w = BufWriter::with_capacity(64 * 1024, tmp);
    let value = write(&mut w).map_err(|e| match e {
        Error::Output { path: None, source } => fail(source),
        Error::BrokenPipe => fail(std::io::ErrorKind::BrokenPipe.into()),
        other => other,
    })?;
    w.flush().map_err(fail)?;
    let tmp = w.into_inner().map_err(|e| fail(e.into_error()))?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    File::open(dir).and_then(|d| d.sync_all()).map_err(fail)?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn failure_keeps_the_old_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old").unwrap();
        let r: Result<()> = write_atomically(&path, |w| {
            w.write_all(b"partial")?;
            Err(Error::invalid("boom"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        write_atomically(&path, |w| Ok(w.write_all(b"new")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
