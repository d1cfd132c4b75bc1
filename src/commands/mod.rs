//! The imperative shell: one module per command family. Each command takes
//! a [`Ctx`] (database path, the current time, the dial plan, the console)
//! and returns the exit code of a completed run, or a typed error.

use std::io::{self, BufRead, BufWriter, Read};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use std::fmt::Display;

use crate::cli::{Cli, Command, LogCommand, SettingsCommand, TargetArgs};
use crate::console::Console;
use crate::error::IoContext;
use crate::error::{Error, ExitCode, Result};
use crate::events::EventKind;
use crate::events::NewEvent;
use crate::output::{Format, ListWriter};
use crate::policy::{Extension, Pin, Timestamp};
use crate::records::{ExtensionRecord, Target};
use crate::settings::Settings;
use crate::store::{Store, Writer};
use crate::weakpin::{Weakness, weakness};
use zeroize::Zeroizing;

pub mod agi;
pub mod audit;
pub mod call;
pub mod demo;
pub mod export;
pub mod ext;
pub mod formats;
pub mod import;
pub mod init;
pub mod protect;
pub mod serve;
pub mod settings;

/// What every command works with.
pub struct Ctx<'a> {
    pub db: PathBuf,
    /// The time decisions are made for: the time given with `--now` (or
    /// `PINPROTECT_NOW`) as a what-if, else the system clock.
    pub now: Timestamp,
    /// The time given with `--now` or `PINPROTECT_NOW`, if any.
    given_now: Option<Timestamp>,
    /// The time events are logged at: the system clock, or the given time
    /// in a change that the database's `clock_override` allows.
    logged_at: Timestamp,
    pub console: &'a mut Console,
    /// Connections a server keeps open between calls.
    pub pool: Option<std::sync::Arc<crate::store::ConnectionPool>>,
    /// Where a PIN entry came from, for its audit events: the channel,
    /// caller ID and call of an AGI call.
    pub origin: Option<String>,
}

impl<'a> Ctx<'a> {
    /// A context at the system time `system_now`, or answering as if it
    /// were `given_now`.
    pub fn new(
        db: PathBuf,
        given_now: Option<Timestamp>,
        system_now: Timestamp,
        console: &'a mut Console,
    ) -> Self {
        Ctx {
            db,
            now: given_now.unwrap_or(system_now),
            given_now,
            logged_at: system_now,
            console,
            pool: None,
            origin: None,
        }
    }

    /// Moves the clock on to this moment, unless a time was given: a step
    /// that waited for a person (a PIN prompt, a GET DATA) is decided and
    /// logged at the time it happens, not when the command or call began.
    pub fn tick(&mut self) {
        if self.given_now.is_none() {
            let now = system_now();
            self.now = now;
            self.logged_at = now;
        }
    }

    /// Opens the initialised database read-only, for a command that only
    /// reads and logs nothing.
    pub fn open(&self) -> Result<Store> {
        Store::open_read_only(&self.db)
    }

    /// Opens the database for a command that only reads but logs what it
    /// showed (`pins`, `export`): its events carry the system clock's time
    /// even when `--now` is given.
    pub fn open_to_log(&self) -> Result<Store> {
        Store::open(&self.db).map_err(|e| {
            // Readable but not writable: say why nothing is shown.
            if Store::open_read_only(&self.db).is_ok() {
                cannot_log(e)
            } else {
                e
            }
        })
    }

    /// Opens the database for a command that changes it. Changes happen at
    /// the system clock's time: a time given with `--now` or
    /// `PINPROTECT_NOW` is refused (exit 2, nothing changed) unless the
    /// database's `clock_override` setting is on, and then it is used.
    pub fn open_for_change(&mut self) -> Result<Store> {
        let store = Store::open(&self.db)?;
        self.allow_change(&store.read().settings()?)?;
        Ok(store)
    }

    /// Refuses a change at a given time unless `settings` allow it; when
    /// they do, the change and its events happen at that time.
    pub fn allow_change(&mut self, settings: &Settings) -> Result<()> {
        if let Some(at) = self.given_now {
            if !settings.clock_override {
                return Err(clock_refused(at));
            }
            self.logged_at = at;
        }
        Ok(())
    }

    /// The time given with `--now` or `PINPROTECT_NOW`, if any.
    pub fn given_now(&self) -> Option<Timestamp> {
        self.given_now
    }

    /// Moves the given clock (the demo's "five minutes later").
    pub fn set_given_now(&mut self, at: Timestamp) {
        self.given_now = Some(at);
        self.now = at;
        self.logged_at = at;
    }

    /// The local user running the command.
    pub fn user(&self) -> &str {
        // One lookup per process: a server logs for many calls.
        static USER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        USER.get_or_init(local_user)
    }

    /// Appends an event to the audit log, in the caller's transaction.
    pub fn log(
        &self,
        w: &Writer<'_>,
        kind: EventKind,
        ext: Option<&Extension>,
        detail: impl Display,
    ) -> Result<()> {
        w.log_event(&self.event(kind, ext, detail))
    }

    /// An event as this command logs it: at its time, by its user.
    pub fn event(
        &self,
        kind: EventKind,
        ext: Option<&Extension>,
        detail: impl Display,
    ) -> NewEvent {
        NewEvent {
            at: self.logged_at,
            user: crate::text::escaped(self.user()).into_owned(),
            kind: kind.name(),
            extension: ext.cloned(),
            detail: crate::text::escaped(&detail.to_string()).into_owned(),
        }
    }
}

/// The error when the viewing of PINs cannot be written to the audit log:
/// then no PIN is shown.
pub fn cannot_log(err: Error) -> Error {
    match err {
        Error::Database { message, .. } => Error::database(
            format!("{message}; no PINs shown"),
            Some(
                "PINs are shown only once the audit log records it, which needs write access \
                 to the database file and its folder"
                    .into(),
            ),
        ),
        other => other,
    }
}

fn clock_refused(at: Timestamp) -> Error {
    Error::invalid_with_hint(
        format!(
            "refusing to change the database as if it were {at}: changes happen at the system clock's time"
        ),
        "--now and PINPROTECT_NOW are a what-if for commands that only read; run without them \
         (unset PINPROTECT_NOW), or on a test database turn on `pinprotect settings set clock_override on`",
    )
}

/// Checks that `ext` may be an extension of this PBX (not the feature code,
/// not an emergency number).
pub fn check_extension_number(settings: &Settings, ext: &Extension) -> Result<()> {
    settings
        .plan
        .check_extension(ext)
        .map_err(|e| Error::invalid_with_hint(e.0, "choose another extension number"))
}

/// The audit-log detail of an accepted weak PIN: never which rule it
/// breaks, which would narrow the PIN down.
pub const WEAK_PIN_ALLOWED: &str = "a weak PIN accepted with --allow-weak";

/// Applies the weak-PIN policy to a PIN chosen by a person: a weak PIN is
/// refused unless `allow_weak`, and then its weakness is returned so that
/// the caller logs the override.
pub fn check_pin_strength(
    settings: &Settings,
    ext: &Extension,
    pin: &Pin,
    allow_weak: bool,
) -> Result<Option<Weakness>> {
    match weakness(pin, ext, settings.pin_min_length) {
        None => Ok(None),
        Some(w) if allow_weak => Ok(Some(w)),
        Some(w) => Err(Error::invalid_with_hint(
            format!("the PIN for extension {ext} is weak: {w}"),
            "choose another PIN, or pass --allow-weak to keep it (the override is logged)",
        )),
    }
}

/// The name of the user running this process: the owner of the process
/// (not an environment variable, which anyone can set) looked up in
/// /etc/passwd, with the sudo caller when there is one.
fn local_user() -> String {
    use std::os::unix::fs::MetadataExt;
    let uid = match std::fs::metadata("/proc/self") {
        Ok(m) => m.uid(),
        Err(_) => return std::env::var("USER").unwrap_or_else(|_| "unknown".into()),
    };
    let name = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| {
            passwd.lines().find_map(|line| {
                let mut f = line.split(':');
                let name = f.next()?;
                let id = f.nth(1)?;
                (id.parse() == Ok(uid)).then(|| name.to_owned())
            })
        })
        .unwrap_or_else(|| format!("uid {uid}"));
    match std::env::var("SUDO_USER") {
        Ok(by) if uid == 0 && !by.is_empty() => format!("{name} (sudo by {by})"),
        _ => name,
    }
}

/// The default database path: `pbx.sqlite3` in the user's data directory.
pub fn default_db_path() -> Result<PathBuf> {
    directories::ProjectDirs::from("", "", "pinprotect")
        .map(|d| d.data_dir().join("pbx.sqlite3"))
        .ok_or_else(|| {
            Error::invalid_with_hint(
                "cannot find a home folder for the default database",
                "pass --db PATH or set PINPROTECT_DB",
            )
        })
}

/// The system clock, in whole seconds.
pub fn system_now() -> Timestamp {
    let secs = match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64) - 1,
    };
    Timestamp::from_unix(secs)
}

/// Runs the command line: the library's entry point for the binary.
pub fn run(cli: Cli, console: &mut Console) -> Result<ExitCode> {
    let db = match cli.global.db {
        Some(p) => p,
        None => default_db_path()?,
    };
    // Live calls are decided at the system clock's time, always: a time
    // left in the environment (or a hostile caller's) must not open grants
    // or end lockouts. The what-if stays with `check` and the other reads.
    let live = matches!(cli.command, Command::Agi { .. } | Command::Serve { .. });
    let given_now = match cli.global.now {
        Some(at) if live => {
            let from = if cli.global.now_from_env {
                "PINPROTECT_NOW"
            } else {
                "--now"
            };
            console.warn(format_args!(
                "{from} ({at}) is ignored: agi and serve decide calls at the system clock's time"
            ));
            None
        }
        Some(at) if cli.global.now_from_env => {
            console.warn(format_args!(
                "PINPROTECT_NOW is set: answering as if it were {at}; commands that change the database refuse it"
            ));
            Some(at)
        }
        given => given,
    };
    let mut ctx = Ctx::new(db, given_now, system_now(), console);
    let code = dispatch(&mut ctx, cli.command)?;
    match ctx.console.flush() {
        // The reader went away (`| head`): the command's answer still stands.
        Ok(()) | Err(Error::BrokenPipe) => Ok(code),
        Err(e) => Err(e),
    }
}

fn dispatch(ctx: &mut Ctx<'_>, command: Command) -> Result<ExitCode> {
    match command {
        Command::Init => init::init(ctx),
        Command::Ext(cmd) => ext::run(ctx, cmd),
        Command::Enable { target, duration } => protect::enable(ctx, &target.into(), duration),
        Command::Disable { target } => protect::disable(ctx, &target.into()),
        Command::Revoke { target } => protect::revoke(ctx, &target.into()),
        Command::Status { extensions, format } => protect::status(ctx, &extensions, format.into()),
        Command::Pins { extensions, format } => export::pins(ctx, &extensions, format.into()),
        Command::Export {
            format,
            output,
            no_pins,
            spreadsheet_safe,
            context,
        } => {
            let opts = export::ExportOptions {
                format,
                with_pins: !no_pins,
                spreadsheet_safe,
                context,
            };
            export::export(ctx, &opts, output.as_deref())
        }
        Command::Import {
            file,
            format,
            update,
            sync,
            dry_run,
            duration,
            allow_weak,
            context,
            include_dir,
            max_removals,
        } => {
            let opts = import::ImportOptions {
                format: format.into(),
                update,
                sync,
                dry_run,
                default_duration: duration,
                allow_weak,
                contexts: context,
                include_dirs: include_dir,
                max_removals,
            };
            import::import(ctx, &file, &opts)
        }
        Command::ResetLockout { extension } => protect::reset_lockout(ctx, &extension),
        Command::Settings { action } => match action {
            None => settings::show(ctx, Format::Table),
            Some(SettingsCommand::Show { format }) => settings::show(ctx, format.into()),
            Some(SettingsCommand::Set { key, value }) => settings::set(ctx, &key, &value),
        },
        Command::Audit { format } => audit::audit(ctx, format.into()),
        Command::Log {
            action:
                Some(LogCommand::Prune {
                    before,
                    archive,
                    yes,
                }),
            ..
        } => audit::prune(ctx, before, archive.as_deref(), yes),
        Command::Log {
            action: None,
            extension,
            since,
            event,
            limit,
            format,
        } => audit::log(ctx, extension.as_ref(), since, &event, limit, format.into()),
        Command::Dial { extension, digits } => {
            call::dial(ctx, &extension, &digits, &mut call::PinSource::Interactive)
        }
        Command::Check {
            extension,
            number,
            format,
        } => call::check(ctx, &extension, &number, format),
        Command::Demo => demo::run(ctx),
        // The arguments arrive in the environment block too, which is what
        // the session reads.
        Command::Agi { args } => agi::run(ctx, &args),
        Command::Serve {
            listen,
            allow,
            max_calls,
            grace,
        } => {
            let options = serve::ServeOptions {
                listen,
                allow: if allow.is_empty() {
                    crate::net::Cidr::loopback()
                } else {
                    allow
                },
                max_calls: max_calls as usize,
                hello_timeout: std::time::Duration::from_secs(5),
                reply_timeout: std::time::Duration::from_secs(300),
                grace: std::time::Duration::from_secs(grace),
            };
            serve::run(ctx, options)
        }
        Command::Completions { shell } => {
            use std::io::Write;
            ctx.console
                .out()
                .write_all(&crate::generate::completion(shell))
                .writing_output()?;
            Ok(ExitCode::Success)
        }
    }
}

impl From<TargetArgs> for Target {
    fn from(t: TargetArgs) -> Self {
        if t.all {
            Target::All
        } else {
            Target::These(t.extensions)
        }
    }
}

/// Writes one record per targeted extension to standard output through
/// `row`; says so on stderr when a table would be empty.
pub fn list_records(
    ctx: &mut Ctx<'_>,
    store: &Store,
    target: &Target,
    format: Format,
    headers: Vec<&'static str>,
    mut row: impl FnMut(
        &mut ListWriter<'_, BufWriter<crate::console::StdoutSink>>,
        ExtensionRecord,
        Timestamp,
    ) -> Result<()>,
) -> Result<ExitCode> {
    let now = ctx.now;
    let tty = ctx.console.stdout_is_terminal();
    let mut w = ListWriter::new(format, headers, ctx.console.out());
    store
        .read()
        .for_each_target(target, |r| row(&mut w, r, now))?;
    if w.finish(tty)? == 0 && format == Format::Table {
        ctx.console
            .info("no extensions yet; add one with `pinprotect ext add EXT`");
    }
    Ok(ExitCode::Success)
}

/// Reads the first line of standard input (at most 1 KiB), without its
/// line ending; wiped from memory when dropped. `None` when standard input
/// is empty.
pub fn read_stdin_line() -> Result<Option<Zeroizing<String>>> {
    read_first_line(io::stdin().lock())
}

fn read_first_line(input: impl Read) -> Result<Option<Zeroizing<String>>> {
    let mut line = Zeroizing::new(String::new());
    let n = io::BufReader::new(input.take(1024))
        .read_line(&mut line)
        .reading("standard input")?;
    if n == 0 {
        return Ok(None);
    }
    let len = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(len);
    Ok(Some(line))
}

/// One hidden entry on the terminal after `prompt`; `None` at Ctrl-D.
pub fn hidden_pin_entry(prompt: &str) -> Result<Option<Zeroizing<String>>> {
    crate::console::read_hidden_line(prompt).reading("the PIN from the terminal")
}

/// Asks for a new PIN on the terminal, twice: each entry is checked for
/// format and weakness before the second is asked; three tries, then exit
/// 2. Ctrl-D aborts (exit 2), Ctrl-C exits 130 with the terminal restored.
pub fn ask_new_pin(
    ctx: &mut Ctx<'_>,
    ext: &Extension,
    check: impl Fn(&Pin) -> Result<()>,
) -> Result<Pin> {
    const TRIES: u32 = 3;
    let aborted = || Error::invalid("no PIN entered (Ctrl-D); nothing changed");
    for _ in 0..TRIES {
        let Some(first) = hidden_pin_entry(&format!("New voicemail PIN for extension {ext}"))?
        else {
            return Err(aborted());
        };
        let pin = match first.parse::<Pin>().map_err(Error::from).and_then(|p| {
            check(&p)?;
            Ok(p)
        }) {
            Ok(p) => p,
            Err(e) => {
                ctx.console.error_line(&e);
                continue;
            }
        };
        let Some(second) = hidden_pin_entry("Repeat the PIN")? else {
            return Err(aborted());
        };
        if *second == *first {
            return Ok(pin);
        }
        ctx.console.error_line("the two PINs differ");
    }
    Err(Error::invalid_with_hint(
        format!("no PIN set for extension {ext} after {TRIES} tries; nothing changed"),
        "a PIN is 4 to 10 digits, not easy to guess; run the command again",
    ))
}

/// Reads a PIN from the first line of standard input (`--pin-stdin`); on a
/// terminal, from a hidden prompt.
pub fn pin_from_stdin() -> Result<Pin> {
    if std::io::IsTerminal::is_terminal(&io::stdin()) {
        return match hidden_pin_entry("PIN")? {
            Some(line) if !line.is_empty() => Ok(line.parse::<Pin>()?),
            _ => Err(Error::invalid("no PIN entered; nothing changed")),
        };
    }
    match read_stdin_line()? {
        Some(line) if !line.is_empty() => Ok(line.parse::<Pin>()?),
        _ => Err(no_pin_on_stdin("pinprotect ...")),
    }
}

/// Standard input had no PIN: the error, with `command` in the hint's
/// example.
pub fn no_pin_on_stdin(command: &str) -> Error {
    Error::invalid_with_hint(
        "no PIN on standard input",
        format!("pipe the PIN as the first line, e.g. printf '4826\\n' | {command}"),
    )
}

/// Prints a generated PIN: the only time it is shown unasked.
pub fn print_generated_pin(ctx: &mut Ctx<'_>, ext: &Extension, pin: &Pin) -> Result<()> {
    use std::io::Write;
    writeln!(
        ctx.console.out(),
        "voicemail PIN for extension {ext}: {}",
        pin.expose()
    )
    .writing_output()?;
    Ok(())
}

/// A random PIN from the operating system's generator, as long as the
/// PIN policy asks (at least 6 digits).
pub fn generate_pin(settings: &Settings, ext: &Extension) -> Result<Pin> {
    crate::weakpin::generate(ext, settings.pin_min_length, getrandom::u32)
        .map_err(|e| Error::system("get random numbers for a PIN", std::io::Error::other(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_only_without_line_ending() {
        let first = |input: &[u8]| read_first_line(input).unwrap().map(|s| s.to_string());
        assert_eq!(first(b"0042\r\nrest\n").as_deref(), Some("0042"));
        assert_eq!(first(b"0042").as_deref(), Some("0042"));
        assert_eq!(first(b""), None);
        assert_eq!(first(b"\n").as_deref(), Some(""));
    }
}
