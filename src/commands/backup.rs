//! `pinprotect backup`, `restore` and `verify`: an online, consistent copy
//! of the database, putting one back while the database is in use, and
//! the check that a database (or a copy) is sound.

use std::path::Path;

use super::Ctx;
use crate::error::{Error, ExitCode, Result};
use crate::events::EventKind;
use crate::fsutil::{StagedFile, check_output_target, folder_of, temporary_copy};
use crate::store::{BUSY_TIMEOUT, InitOutcome, Location, SCHEMA_VERSION, Store};

/// `pinprotect backup FILE`: copies the database into a temporary file
/// beside FILE (SQLite's `VACUUM INTO`: one snapshot, while others write;
/// from PostgreSQL, one repeatable-read snapshot copied into a new SQLite
/// file), checks the copy, logs the backup, and renames the copy over FILE.
pub fn backup(ctx: &mut Ctx<'_>, file: &Path) -> Result<ExitCode> {
    // Before anything else: a refused target is left as it is.
    check_output_target(file, ctx.db.file())?;
    let mut store = ctx.open_for_change()?;
    let staged = StagedFile::new(file)?;
    if store.is_postgres() {
        let snapshot = Store::open_read_only(&ctx.db)?;
        let (mut copy, _) = Store::init(&Location::File(staged.temporary_path().to_owned()))?;
        copy.write(|w| w.replace_with(snapshot.read()))?;
    } else {
        store.copy_into(staged.temporary_path())?;
    }
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
    let pages = if store.is_postgres() {
        // PostgreSQL's pages are pg_amcheck's to check.
        ""
    } else {
        " integrity check passed,"
    };
    drop(store);
    if problems.is_empty() {
        ctx.console.info(format_args!(
            "{} is sound: schema version {SCHEMA_VERSION},{pages} audit log append-only ({})",
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
    let temp = std::env::temp_dir();
    let folder = match &ctx.db {
        Location::File(db) => folder_of(db),
        Location::Postgres(_) => temp.as_path(),
    };
    if ctx.db.file().is_some_and(|db| !db.exists()) {
        return Err(Error::database(
            format!("no database at {} to restore into", ctx.db),
            Some(format!(
                "run `pinprotect init` (it makes an empty one, with the right mode), then `pinprotect restore {shown}`"
            )),
        ));
    }
    let copy = temporary_copy(file, folder)?;
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
    let (source, outcome) = Store::init(&Location::File(copy.to_path_buf())).map_err(about_file)?;
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
    match &ctx.db {
        Location::File(db) => source.restore_into(db, BUSY_TIMEOUT)?,
        Location::Postgres(_) => {
            Store::open(&ctx.db)?.write(|w| w.replace_with(source.read()))?;
        }
    }
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

/// `pinprotect migrate --to TARGET`: copies the whole database into an
/// empty one (a new SQLite file, or an empty PostgreSQL database), in one
/// transaction there, checks the counts, and logs the move on both sides.
pub fn migrate(ctx: &mut Ctx<'_>, to: &Path) -> Result<ExitCode> {
    let target = Location::parse(to.as_os_str());
    if let Location::Postgres(url) = &target
        && url.has_password()
    {
        ctx.console.warn(format_args!(
            "the --to URL holds a password, which `ps` and shell history show; \
             put it in ~/.pgpass (mode 0600, or PGPASSFILE) or PGPASSWORD instead"
        ));
    }
    if target == ctx.db {
        return Err(Error::invalid_with_hint(
            format!("--to names the database migrate copies from ({target})"),
            "give another database: a new file, or an empty PostgreSQL database",
        ));
    }
    let created = match &target {
        Location::File(path) => {
            check_output_target(path, ctx.db.file())?;
            !path.exists()
        }
        Location::Postgres(_) => false,
    };
    let mut source = ctx.open_for_change()?;
    let snapshot = Store::open_read_only(&ctx.db)?;
    let result = (|| {
        let (mut dest, _) = Store::init(&target)?;
        let there = dest.read().contents()?;
        if !there.is_empty() {
            return Err(Error::invalid_with_hint(
                format!(
                    "{target} already holds data ({}, {}): migrate copies into an empty database only",
                    crate::text::plural(there.extensions, "extension"),
                    crate::text::plural(there.events, "event")
                ),
                "give a new file, or an empty PostgreSQL database (`createdb`); nothing was copied",
            ));
        }
        dest.write(|w| {
            let copied = w.replace_with(snapshot.read())?;
            ctx.log(
                w,
                EventKind::Migrate,
                None,
                format_args!(
                    "from {} ({}, {})",
                    ctx.db,
                    crate::text::plural(copied.extensions, "extension"),
                    crate::text::plural(copied.events, "event")
                ),
            )?;
            Ok(copied)
        })
    })();
    let copied = match result {
        Ok(copied) => copied,
        Err(e) => {
            // A file this run made is not left behind half made.
            if let (true, Location::File(path)) = (created, &target) {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let _ = std::fs::remove_file(crate::store::companion(path, suffix));
                }
            }
            return Err(e);
        }
    };
    drop(snapshot);
    source.write(|w| {
        ctx.log(
            w,
            EventKind::Migrate,
            None,
            format_args!(
                "to {target} ({}, {})",
                crate::text::plural(copied.extensions, "extension"),
                crate::text::plural(copied.events, "event")
            ),
        )
    })?;
    ctx.console.info(format_args!(
        "copied {}, {} and {} from {} to {target}",
        crate::text::plural(copied.extensions, "extension"),
        crate::text::plural(copied.settings, "setting"),
        crate::text::plural(copied.events, "event"),
        ctx.db,
    ));
    Ok(ExitCode::Success)
}
