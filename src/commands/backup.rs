//! `pinprotect backup`, `restore` and `verify`: an online, consistent copy
//! of the database, putting one back while the database is in use, and
//! the check that a database (or a copy) is sound.

use std::path::Path;

use super::Ctx;
use crate::error::{Error, ExitCode, Result};
use crate::events::EventKind;
use crate::fsutil::{StagedFile, check_output_target, folder_of, temporary_copy};
use crate::store::{BUSY_TIMEOUT, InitOutcome, Location, SCHEMA_VERSION, Store};

/// The SQLite file of the database; `backup` and `restore` of a
/// PostgreSQL database are PostgreSQL's own tools' work.
fn sqlite_file(ctx: &Ctx<'_>, command: &str) -> Result<std::path::PathBuf> {
    match &ctx.db {
        Location::File(p) => Ok(p.clone()),
        Location::Postgres(url) => Err(Error::invalid_with_hint(
            format!("`pinprotect {command}` works on a SQLite file; {url} is a PostgreSQL database"),
            "use PostgreSQL's own backups (pg_dump, pg_basebackup, point-in-time recovery), \
             or `pinprotect migrate --to FILE` for a SQLite copy",
        )),
    }
}

/// `pinprotect backup FILE`: copies the database into a temporary file
/// beside FILE (SQLite's `VACUUM INTO`: one snapshot, while others write),
/// checks the copy, logs the backup, and renames the copy over FILE.
pub fn backup(ctx: &mut Ctx<'_>, file: &Path) -> Result<ExitCode> {
    sqlite_file(ctx, "backup")?;
    // Before anything else: a refused target is left as it is.
    check_output_target(file, ctx.db.file())?;
    let mut store = ctx.open_for_change()?;
    let staged = StagedFile::new(file)?;
    store.copy_into(staged.temporary_path())?;
    staged.sync()?;
    // The copy is read back before it may replace an older one. The staged
    // file's own descriptor stays open until `replace`, after this
    // connection to the copy is closed: closing it while SQLite held the
    // copy's locks would drop them.
    let (extensions, problems) = {
        let copy = Store::open_read_only(&Location::File(staged.temporary_path().to_owned()))?;
        (copy.read().count()?, copy.problems()?)
    };
    remove_companions(staged.temporary_path());
    if let Some(first) = problems.first() {
        return Err(Error::database(
            format!(
                "the copy of {} is not sound ({first}); {} was left as it was",
                ctx.db,
                crate::text::path(file)
            ),
            Some("run `pinprotect verify` on the database".into()),
        ));
    }
    store.write(|w| {
        ctx.log(
            w,
            EventKind::Backup,
            None,
            format_args!(
                "to {} ({})",
                crate::text::path(file),
                crate::text::plural(extensions, "extension")
            ),
        )
    })?;
    staged.replace()?;
    ctx.console.info(format_args!(
        "backed up {} to {} ({}, schema version {SCHEMA_VERSION})",
        ctx.db,
        crate::text::path(file),
        crate::text::plural(extensions, "extension")
    ));
    Ok(ExitCode::Success)
}

/// Removes the `-wal` and `-shm` files that reading a copy may leave
/// beside it (a read that found it in WAL mode).
fn remove_companions(path: &Path) {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(crate::store::companion(path, suffix));
    }
}

/// `pinprotect verify`: exit 0 when the database is sound, 4 with each
/// problem otherwise.
pub fn verify(ctx: &mut Ctx<'_>) -> Result<ExitCode> {
    let store = ctx.open()?;
    let problems = store.problems()?;
    let extensions = store.read().count()?;
    drop(store);
    if problems.is_empty() {
        ctx.console.info(format_args!(
            "{} is sound: schema version {SCHEMA_VERSION}, integrity check passed, audit log append-only ({})",
            ctx.db,
            crate::text::plural(extensions, "extension")
        ));
        return Ok(ExitCode::Success);
    }
    for p in &problems {
        ctx.console.error_line(p);
    }
    Err(Error::database(
        format!(
            "{} is not sound: {}",
            ctx.db,
            crate::text::plural(problems.len() as u64, "problem")
        ),
        Some(
            "replace it, with the server stopped, by a backup that `pinprotect --db BACKUP verify` \
             finds sound (leave out the old file's -wal and -shm); \
             keep the damaged file for inspection"
                .into(),
        ),
    ))
}

/// `pinprotect restore FILE`: checks a private copy of FILE made beside the
/// database (nothing is written beside FILE), then copies its content into
/// the database through SQLite, and logs the restore there.
pub fn restore(ctx: &mut Ctx<'_>, file: &Path, yes: bool) -> Result<ExitCode> {
    let shown = crate::text::path(file).to_string();
    let db = sqlite_file(ctx, "restore")?;
    if !db.exists() {
        return Err(Error::database(
            format!(
                "no database at {} to restore into",
                ctx.db
            ),
            Some(format!(
                "run `pinprotect init` (it makes an empty one, with the right mode), then `pinprotect restore {shown}`"
            )),
        ));
    }
    let copy = temporary_copy(file, folder_of(&db))?;
    // Errors about the copy name FILE, not the temporary file.
    let about_file = |e: Error| -> Error {
        // The path as the copy's errors show it.
        let tmp = crate::text::path(&copy).to_string();
        match e {
            Error::Database { message, hint } => Error::database(
                format!(
                    "{}; the database was left as it was",
                    message.replace(&tmp, &shown)
                ),
                hint,
            ),
            other => other,
        }
    };
    // An empty file would be made a new, empty database: refused.
    if std::fs::metadata(&copy).map(|m| m.len()).unwrap_or(0) == 0 {
        return Err(Error::database(
            format!("{shown} is empty, not a backup; the database was left as it was"),
            Some("give a file that `pinprotect backup` wrote".into()),
        ));
    }
    let (source, outcome) =
        Store::init(&Location::File(copy.to_path_buf())).map_err(about_file)?;
    let problems = source.problems().map_err(about_file)?;
    if let Some(first) = problems.first() {
        return Err(Error::database(
            format!("{shown} is not sound ({first}); the database was left as it was"),
            Some("choose another backup; `pinprotect --db FILE verify` checks one".into()),
        ));
    }
    let settings = source.read().settings().map_err(about_file)?;
    ctx.allow_change(&settings)?;
    let extensions = source.read().count().map_err(about_file)?;
    if !ctx.go_ahead(
        yes,
        &format!("restoring {shown}"),
        "pass --yes to replace the database's content with the backup's",
        &format!(
            "Replace everything in {} with {shown} ({})?",
            ctx.db,
            crate::text::plural(extensions, "extension")
        ),
        "nothing restored",
    )? {
        return Ok(ExitCode::Denied);
    }
    source.restore_into(&db, BUSY_TIMEOUT)?;
    drop(source);
    remove_companions(&copy);
    drop(copy);
    let mut store = Store::open(&ctx.db)?;
    store.write(|w| {
        ctx.log(
            w,
            EventKind::Restore,
            None,
            format_args!(
                "from {shown} ({}{})",
                crate::text::plural(extensions, "extension"),
                match outcome {
                    InitOutcome::Upgraded { from, to } =>
                        format!(", schema {from} upgraded to {to}"),
                    _ => String::new(),
                }
            ),
        )
    })?;
    ctx.console.info(format_args!(
        "restored {} from {shown} ({})",
        ctx.db,
        crate::text::plural(extensions, "extension")
    ));
    Ok(ExitCode::Success)
}
