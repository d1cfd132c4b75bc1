//! The command line as typed: clap derive structs only.
//!
//! Longer than the other modules, on purpose: every command, flag and help
//! text is here, in one file, because `--help`, the man pages and the shell
//! completions are all generated from it, and reading the whole command
//! line in one place is how it stays consistent.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

use crate::localtime::TimeSpec;
use crate::output::Delimiter;
use crate::policy::{DialedNumber, Extension, PinDuration, Timestamp};

/// Parses a value of the command line with its type's own message, which
/// already shows the value (shortened): clap's default would show it a
/// second time, in full (`invalid value 'X' for '<EXT>': ... 'X'`).
#[derive(Clone)]
pub struct Checked<T>(std::marker::PhantomData<T>);

impl<T> clap::builder::TypedValueParser for Checked<T>
where
    T: std::str::FromStr<Err = crate::policy::ParseError> + Clone + Send + Sync + 'static,
{
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let name = arg.map(ToString::to_string).unwrap_or_default();
        let fail = |message: String| {
            let mut cmd = cmd.clone();
            cmd.error(clap::error::ErrorKind::ValueValidation, message)
        };
        let text = value
            .to_str()
            .ok_or_else(|| fail(format!("{name}: the value is not UTF-8 text")))?;
        text.parse()
            .map_err(|e: crate::policy::ParseError| fail(format!("{name}: {e}")))
    }
}

macro_rules! checked {
    ($($t:ty),*) => {$(
        impl clap::builder::ValueParserFactory for $t {
            type Parser = Checked<$t>;
            fn value_parser() -> Self::Parser {
                Checked(std::marker::PhantomData)
            }
        }
    )*};
}

checked!(
    Extension,
    DialedNumber,
    PinDuration,
    Timestamp,
    TimeSpec,
    Delimiter
);

/// A global option's environment variable that is set but unusable
/// (`PINPROTECT_DB=` empty, a `PINPROTECT_NOW` that is no time). It is taken
/// out of the environment before the command line is parsed, so that the
/// error names the variable rather than the option, and so that an
/// emergency call and a live AGI call are still answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadVariable {
    pub name: &'static str,
    pub problem: String,
}

impl std::fmt::Display for BadVariable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.problem)
    }
}

/// The command line of this process, parsed; clap's errors end the
/// process (exit 2) as usual. Runs first, before any thread starts.
pub fn parse() -> Cli {
    use clap::parser::ValueSource;
    use clap::{CommandFactory, FromArgMatches};
    let mut bad = Vec::new();
    for (name, check) in [
        (
            "PINPROTECT_DB",
            check_db_variable as fn(&str) -> Option<String>,
        ),
        ("PINPROTECT_NOW", check_now_variable),
    ] {
        let Some(value) = std::env::var_os(name) else {
            continue;
        };
        let problem = match value.to_str() {
            Some(text) => check(text),
            None => Some("the value is not UTF-8 text".into()),
        };
        if let Some(problem) = problem {
            crate::sys::remove_env(name);
            bad.push(BadVariable { name, problem });
        }
    }
    let matches = Cli::command().get_matches_from(std::env::args_os());
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.global.now_from_env = matches.value_source("now") == Some(ValueSource::EnvVariable);
    cli.global.db_from_env = matches.value_source("db") == Some(ValueSource::EnvVariable);
    // A flag wins over its variable: then the variable does not matter.
    bad.retain(|b| match b.name {
        "PINPROTECT_DB" => cli.global.db.is_none(),
        _ => cli.global.now.is_none(),
    });
    cli.global.bad_variables = bad;
    cli
}

fn check_db_variable(value: &str) -> Option<String> {
    value.is_empty().then(|| {
        "set but empty; unset it (`unset PINPROTECT_DB`) to use the config file's or the default \
         database, or set it to a database file or postgres:// URL"
            .into()
    })
}

fn check_now_variable(value: &str) -> Option<String> {
    value
        .parse::<Timestamp>()
        .err()
        .map(|e| format!("{e}; or unset it (`unset PINPROTECT_NOW`) to use the system clock"))
}

/// `--event KIND`: one of the audit log's event kinds, offered to shell
/// completion.
fn event_kind() -> impl clap::builder::TypedValueParser<Value = crate::events::EventKind> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(crate::events::EventKind::ALL.map(|k| k.name()))
        .map(|name| crate::events::EventKind::from_name(&name).expect("a listed kind"))
}

/// The main `-h` epilogue: examples.
const EXAMPLES: &str = "Examples:
  pinprotect init
  pinprotect ext add 100 --first-name Alice
  pinprotect enable 100 --duration 15m
  pinprotect check 100 +49301234567";

/// The main `--help` epilogue: the exit codes (from their one definition),
/// then the examples.
fn after_long_help() -> String {
    format!("{}\n{EXAMPLES}", crate::error::ExitCode::help_text())
}

/// Pin protect for outbound calls on Asterisk and FreePBX
///
/// An extension with pin protect on cannot place outbound calls until its
/// user dials the feature code (7777) and enters the voicemail PIN; then
/// outbound calls are allowed for the extension's duration. Emergency
/// numbers are never blocked. pinprotect keeps its own database of
/// extensions and PINs (SQLite, or PostgreSQL for several PBX nodes),
/// imported from and kept in step with Asterisk, FreePBX and 3CX files; the
/// PBX asks it at call time over AGI or FastAGI.
#[derive(Debug, Parser)]
#[command(name = "pinprotect", version, after_help = EXAMPLES, after_long_help = after_long_help(), max_term_width = 100, args_override_self = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The database: a SQLite file, or a postgres:// URL (passwords go in ~/.pgpass, not here) [default: `db` in the config file, else ~/.local/share/pinprotect/pbx.sqlite3]
    #[arg(long, global = true, env = "PINPROTECT_DB", value_name = "PATH|URL", value_hint = ValueHint::FilePath)]
    pub db: Option<PathBuf>,

    /// Answer as if it were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z); changes refuse it unless clock_override is on, agi and serve ignore it
    #[arg(long, global = true, env = "PINPROTECT_NOW", value_name = "TIME")]
    pub now: Option<Timestamp>,

    /// When to use colour: auto honours NO_COLOR and uses none when not on a terminal
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print no messages, only data and errors
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Show times in UTC, not local time, in tables and messages (JSON, CSV and the log's machine formats are always UTC)
    #[arg(long, global = true)]
    pub utc: bool,

    /// Whether `now` came from PINPROTECT_NOW rather than the command line.
    #[arg(skip)]
    pub now_from_env: bool,

    /// Whether `db` came from PINPROTECT_DB rather than the command line.
    #[arg(skip)]
    pub db_from_env: bool,

    /// Variables of the global options that were set but unusable.
    #[arg(skip)]
    pub bad_variables: Vec<BadVariable>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database, or bring an existing one up to date
    #[command(
        after_help = "Examples:\n  pinprotect init\n  pinprotect --db /var/lib/pbx/pbx.sqlite3 init"
    )]
    Init,

    /// Add, change, show, list and remove extensions
    #[command(
        subcommand,
        after_help = "Examples:\n  pinprotect ext add 100 --first-name Alice\n  pinprotect ext list --format csv\n  pinprotect ext remove 100 --yes"
    )]
    Ext(ExtCommand),

    /// Turn pin protect on: outbound calls need the PIN (starts locked)
    #[command(
        override_usage = "pinprotect enable [OPTIONS] <EXT>...\n       pinprotect enable [OPTIONS] --all",
        after_help = "Examples:\n  pinprotect enable 100 101 --duration 15m\n  pinprotect enable --all --duration 1h30m\n  pinprotect enable 100   # keep the stored duration"
    )]
    Enable {
        #[command(flatten)]
        target: TargetArgs,

        /// How long outbound calls stay allowed after the PIN: 300, 90s, 15m, 2h, 1h30m (1s to 24h).
        /// Without it, an extension keeps its stored duration or gets the default_duration setting.
        #[arg(short, long, value_name = "D", allow_hyphen_values = true)]
        duration: Option<PinDuration>,
    },

    /// Turn pin protect off (the duration is kept, the grant cleared)
    #[command(
        override_usage = "pinprotect disable [OPTIONS] <EXT>...\n       pinprotect disable [OPTIONS] --all",
        after_help = "Examples:\n  pinprotect disable 100\n  pinprotect disable --all"
    )]
    Disable {
        #[command(flatten)]
        target: TargetArgs,
    },

    /// End active grants now: the extensions are locked again
    #[command(
        override_usage = "pinprotect revoke [OPTIONS] <EXT>...\n       pinprotect revoke [OPTIONS] --all",
        after_help = "Examples:\n  pinprotect revoke 100\n  pinprotect revoke --all"
    )]
    Revoke {
        #[command(flatten)]
        target: TargetArgs,
    },

    /// Show pin protect, duration and state (unrestricted, locked, unlocked)
    #[command(after_help = "Examples:\n  pinprotect status\n  pinprotect status 100 --format json")]
    Status {
        /// Extensions to show [default: all]
        #[arg(value_name = "EXT")]
        extensions: Vec<Extension>,

        /// Output format
        #[arg(short, long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },

    /// Show voicemail PINs
    #[command(
        after_help = "Examples:\n  pinprotect pins 100\n  pinprotect pins --format csv > pins.csv"
    )]
    Pins {
        /// Extensions to show [default: all]
        #[arg(value_name = "EXT")]
        extensions: Vec<Extension>,

        /// Output format
        #[arg(short, long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },

    /// Export all extensions in numeric order to CSV, JSON, JSON lines, 3CX CSV or voicemail.conf
    #[command(
        after_help = "--output refuses (exit 5, nothing written, nothing logged) a device, FIFO,
socket or folder, a link into /dev or /proc, and the database and its -wal,
-shm and -journal files by any path. The export is logged before the file
appears; if it cannot be logged, no file appears (exit 4).

Examples:\n  pinprotect export --output extensions.csv\n  pinprotect export --format json --no-pins\n  pinprotect export --format 3cx --output 3cx-import.csv"
    )]
    Export {
        /// Output format
        #[arg(short, long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,

        /// Write to FILE (atomically, mode 0600) instead of standard output
        #[arg(short, long, value_name = "FILE", value_hint = ValueHint::FilePath)]
        output: Option<PathBuf>,

        /// Leave out the voicemail PINs (the 3cx format keeps the VMPIN column, empty)
        #[arg(long)]
        no_pins: bool,

        /// Prefix CSV cells that start with = + - @ tab or CR with ' so spreadsheets show them as text
        #[arg(long)]
        spreadsheet_safe: bool,

        /// voicemail-conf: the context (section) of the mailboxes [default: default]
        #[arg(long, value_name = "NAME")]
        context: Option<String>,

        /// csv and 3cx: separate fields with C: ',' (default), ';' (spreadsheets where the comma is the decimal mark), '|' or tab
        #[arg(long, value_name = "C")]
        delimiter: Option<Delimiter>,
    },

    /// Import extensions from a file: all or nothing
    #[command(
        after_help = "Formats: csv, json and jsonl as `pinprotect export` writes them (columns in
any order; a missing voicemail_pin is generated and printed once), 3cx (a 3CX
v20 or v15/v16 bulk extension CSV), freepbx (a FreePBX Bulk Handler
extensions CSV; a row without voicemail or PIN gets a generated PIN) and
voicemail-conf (Asterisk mailbox lines). If any record is invalid, every
problem is listed with its line and nothing is written.

--sync lists the extensions it removes on standard output (with --dry-run:
those it would remove). It refuses a file without any extension.

Examples:
  pinprotect import 3cx-export.csv --duration 10m
  pinprotect import freepbx-extensions.csv --update --dry-run
  pinprotect -q import /etc/asterisk/voicemail.conf --context default --sync"
    )]
    Import {
        /// The file to import, or - for standard input
        #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
        file: PathBuf,

        /// The file's format; auto goes by the file name and its first line
        #[arg(short, long, value_enum, default_value_t = ImportFormat::Auto)]
        format: ImportFormat,

        /// Update extensions that exist already (the fields the file gives)
        #[arg(long)]
        update: bool,

        /// Make the database match the file: add, update, and remove the extensions the file does not have (with their grants and lockouts)
        #[arg(long)]
        sync: bool,

        /// Check everything and report what would change; write nothing
        #[arg(long)]
        dry_run: bool,

        /// Duration for records that turn pin protect on without one (e.g. 3CX v15/v16 files); default: the default_duration setting
        #[arg(short, long, value_name = "D", allow_hyphen_values = true)]
        duration: Option<PinDuration>,

        /// Accept weak PINs (each override is logged)
        #[arg(long)]
        allow_weak: bool,

        /// voicemail.conf: import only this context (section); repeatable
        #[arg(long, value_name = "NAME")]
        context: Vec<String>,

        /// voicemail.conf: let #include read files from FOLDER too, besides the file's own folder; repeatable
        #[arg(long, value_name = "FOLDER", value_hint = ValueHint::DirPath)]
        include_dir: Vec<PathBuf>,

        /// With --sync: remove at most N extensions [default: 5 or a tenth of the extensions, whichever is more]
        #[arg(long, value_name = "N", requires = "sync")]
        max_removals: Option<u64>,

        /// csv, 3cx and freepbx: the file's fields are separated by C: ',' (default), ';', '|' or tab
        #[arg(long, value_name = "C")]
        delimiter: Option<Delimiter>,
    },

    /// Simulate EXT dialing DIGITS; the feature code 7777 asks for the PIN
    #[command(
        after_help = "The PIN for the feature code is read from a hidden prompt on a terminal, else
from the first line of standard input.

Examples:
  pinprotect dial 100 7777 < pin.txt
  pinprotect dial 100 0049301234567"
    )]
    Dial {
        /// Extension number (2 to 10 digits)
        #[arg(value_name = "EXT")]
        extension: Extension,

        /// The digits dialed (digits, *, #, a leading +; spaces - . ( ) ignored)
        #[arg(value_name = "DIGITS", allow_hyphen_values = true)]
        digits: DialedNumber,
    },

    /// May EXT call NUMBER now? Exit 0 if permitted, 1 if not
    #[command(
        after_help = "Decision, first match wins: emergency number, feature code, an existing
extension (internal), EXT not protected, EXT unlocked; otherwise locked.
An emergency number is permitted (exit 0) even for an unknown EXT, and even
when the database is missing, unreadable, busy or damaged (then the built-in
911, 112, 999 and 000, also after a prefix, with a warning on stderr).
--now answers as if it were that time; nothing is changed.

Examples:
  pinprotect check 100 911
  pinprotect check 100 '+49 30 1234567' --format json
  pinprotect -q check 100 0049301234567 && echo allowed"
    )]
    Check {
        /// Extension number (2 to 10 digits)
        #[arg(value_name = "EXT")]
        extension: Extension,

        /// The number to call (digits, *, #, a leading +; spaces - . ( ) ignored)
        #[arg(value_name = "NUMBER", allow_hyphen_values = true)]
        number: DialedNumber,

        /// Output format
        #[arg(short, long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },

    /// Clear an extension's PIN-entry lockout and wrong-PIN count
    #[command(after_help = "Examples:\n  pinprotect reset-lockout 100")]
    ResetLockout {
        /// Extension number (2 to 10 digits)
        #[arg(value_name = "EXT")]
        extension: Extension,
    },

    /// Show or change the settings (feature code, emergency numbers, PIN policy, lockout)
    #[command(
        after_help = format!(
            "{}
Examples:
  pinprotect settings
  pinprotect settings set outbound_prefix 9
  pinprotect settings set lockout_attempts 3",
            crate::settings::help_text()
        )
    )]
    Settings {
        #[command(subcommand)]
        action: Option<SettingsCommand>,
    },

    /// Report weak PINs, PINs shared by several extensions, and extensions without pin protect
    #[command(
        after_help = "Exit status 1 when anything is found, 0 when clean: fit for cron.

Examples:
  pinprotect audit
  pinprotect audit --format json"
    )]
    Audit {
        /// Output format
        #[arg(short, long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },

    /// Show the audit log: who changed what, unlocked whom, saw which PINs
    #[command(
        args_conflicts_with_subcommands = true,
        after_help = "Denied calls of one extension for one reason within a minute are one
call_denied event with a count.

TIME is an RFC 3339 time (2026-11-29T09:00:00Z, 2026-11-29T10:00:00+01:00), a
date (2026-11-29: local midnight), a time back from now (90m, 1h, 2d, 1h30m;
units s m h d w), today or yesterday. The table shows local time with its
offset (--utc: UTC); csv, json and jsonl show RFC 3339 in UTC.

--follow prints the events that match, then each new one as it is logged,
until interrupted (Ctrl-C, SIGTERM: exit 0); with --format jsonl or csv a
script can read it line by line.

Examples:
  pinprotect log 100 --since today --event wrong_pin --event lockout
  pinprotect log --since 2026-11-01 --until 2026-12-01 --format csv
  pinprotect log --follow --format jsonl"
    )]
    Log {
        #[command(subcommand)]
        action: Option<LogCommand>,

        /// Only events of this extension
        #[arg(value_name = "EXT")]
        extension: Option<Extension>,

        /// Only events at or after TIME: RFC 3339, a date, 90m/1h/2d back, today, yesterday
        #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
        since: Option<TimeSpec>,

        /// Only events before TIME (same forms as --since)
        #[arg(
            long,
            value_name = "TIME",
            conflicts_with = "follow",
            allow_hyphen_values = true
        )]
        until: Option<TimeSpec>,

        /// Go on printing new events as they are logged, until interrupted
        #[arg(long)]
        follow: bool,

        /// Only events of this kind, such as grant or call_denied (repeatable)
        #[arg(long, value_name = "KIND", value_parser = event_kind())]
        event: Vec<crate::events::EventKind>,

        /// Only the N most recent events
        #[arg(long, value_name = "N")]
        limit: Option<u64>,

        /// Output format
        #[arg(short, long, value_enum, default_value_t = LogFormat::Table)]
        format: LogFormat,
    },

    /// Copy the database to FILE while it is in use: one consistent snapshot
    #[command(
        after_help = "An online copy: serve, agi and cron jobs go on reading and writing while it
is taken, and the copy is one consistent moment of the database (SQLite's
VACUUM INTO; from PostgreSQL, one snapshot copied into a new SQLite file),
with every setting, extension, grant, lockout and the whole audit log. FILE is written atomically (a temporary file in its folder,
renamed into place), mode 0600: it holds every PIN. Never over the database
or its -wal and -shm files, a device, FIFO, socket or folder. The backup is
logged in the database. `pinprotect --db FILE verify` checks a copy.

Examples:
  pinprotect backup /var/backups/pinprotect/pbx-$(date +%F).sqlite3
  pinprotect --db /var/backups/pinprotect/pbx-2026-11-29.sqlite3 verify"
    )]
    Backup {
        /// Where the copy goes (replaced atomically when it exists)
        #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
        file: PathBuf,
    },

    /// Replace the database's content with a backup's (asks first on a terminal)
    #[command(
        after_help = "FILE must be a pinprotect database that `verify` finds sound, of this
binary's schema or an older one (brought up to date on the way); anything
else is refused and the database is left as it was. The content is copied in
through SQLite (its backup API, one write transaction; into PostgreSQL, one
transaction), so a running serve and every other user of the database read
the restored content at their next call, and no -wal file of another
database is ever mixed in. The restore is
logged in the restored database. On a terminal, asks [y/N]; scripts pass
--yes.

Examples:
  pinprotect restore /var/backups/pinprotect/pbx-2026-11-28.sqlite3
  pinprotect restore /var/backups/pinprotect/pbx-2026-11-28.sqlite3 --yes"
    )]
    Restore {
        /// A backup that `pinprotect backup` wrote
        #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
        file: PathBuf,

        /// Do not ask; required when standard input is not a terminal
        #[arg(short, long)]
        yes: bool,
    },

    /// Copy the whole database into another one: SQLite to PostgreSQL and back
    #[command(
        after_help = "Copies every extension (with its grant and lockout), every setting and the
whole audit log, row ids kept, from the database (--db) into TARGET: a new
SQLite file, or an empty PostgreSQL database (`createdb` it first; migrate
makes the tables). All or nothing: one transaction on TARGET, the counts
checked before it commits; a file this run made is removed when it fails.
The move is logged on both sides. The database is read as one snapshot
while it stays in use; stop writers (serve, cron) first so that nothing
written after the snapshot stays behind. Passwords belong in ~/.pgpass
(mode 0600) or PGPASSWORD, not in the URL.

Examples:
  pinprotect --db /var/lib/pinprotect/pbx.sqlite3 migrate --to postgres://pinprotect@db.example/pinprotect?sslmode=verify-full
  pinprotect --db postgres://pinprotect@db.example/pinprotect migrate --to /var/lib/pinprotect/pbx.sqlite3"
    )]
    Migrate {
        /// Where the copy goes: a new SQLite file or an empty PostgreSQL database (postgres://...)
        #[arg(long, value_name = "PATH|URL", value_hint = ValueHint::FilePath)]
        to: PathBuf,
    },

    /// Check the database: pages and indexes, schema version, append-only audit log
    #[command(
        after_help = "Exit 0 when the database is a pinprotect database of this binary's schema,
SQLite's integrity_check finds nothing, and the triggers that keep the audit
log append-only are there as the schema makes them (on PostgreSQL: there,
enabled, and their function unchanged; damaged pages are pg_amcheck's to
find); exit 4 otherwise, with each problem on standard error. Reads only: for cron and monitoring, and for
checking a backup before it is needed.

Examples:
  pinprotect verify
  pinprotect --db /var/backups/pinprotect/pbx-2026-11-29.sqlite3 verify"
    )]
    Verify,

    /// Print the completion script for a shell
    #[command(after_help = "Examples:
  pinprotect completions bash > ~/.local/share/bash-completion/completions/pinprotect
  pinprotect completions zsh > ~/.zfunc/_pinprotect
  pinprotect completions fish > ~/.config/fish/completions/pinprotect.fish")]
    Completions {
        #[arg(value_enum, value_name = "SHELL")]
        shell: clap_complete::Shell,
    },

    /// Answer Asterisk for one call over AGI on standard input and output
    #[command(
        after_help = "Started by Asterisk's AGI() for one call; speaks AGI on standard input and
output (nothing else goes to standard output) and writes one line about the
call on standard error. The request is the first argument after `agi`:

  check[,EXT[,NUMBER]]  may EXT call NUMBER? EXT defaults to the caller ID,
                        NUMBER to the dialed extension, only when left out:
                        an empty EXT is denied (no_extension). Sets
                        PINPROTECT_RESULT (permitted, denied or error),
                        PINPROTECT_REASON and PINPROTECT_UNTIL. Plays nothing.
  unlock[,EXT]          the 7777 flow: answers, asks for the PIN, grants the
                        window as `dial EXT 7777` does, hangs up. Sets
                        PINPROTECT_RESULT (granted, wrong_pin, locked_out,
                        timeout, hangup, not_protected, unknown_extension,
                        no_extension, error) and PINPROTECT_UNTIL.

Each PIN is checked and logged when it arrives. A prompt sound Asterisk
cannot play (CHANNEL STATUS shows the channel still up) is named on
standard error and logged as agi_error.

Asterisk passes AGI()'s arguments as the command line: global options such
as --db first, then `agi`, then the request and its arguments. Calls are
decided at the system clock's time: --now and PINPROTECT_NOW are ignored,
with a warning.

Examples (extensions.conf; link /var/lib/asterisk/agi-bin/pinprotect to the binary):
  same => n,AGI(pinprotect,--db,/var/lib/pinprotect/pbx.sqlite3,agi,check,${CHANNEL(endpoint)},${EXTEN})
  exten => 7777,1,AGI(pinprotect,--db,/var/lib/pinprotect/pbx.sqlite3,agi,unlock,${CHANNEL(endpoint)})"
    )]
    Agi {
        /// The request and its arguments, as AGI() passes them (also read from the environment block)
        #[arg(
            value_name = "ARG",
            trailing_var_arg = true,
            allow_hyphen_values = true
        )]
        args: Vec<String>,
    },

    /// Answer Asterisk's calls over FastAGI (agi://HOST:4573/REQUEST)
    #[command(
        after_help = "A FastAGI server for AGI(agi://HOST[:PORT]/REQUEST,...): the requests and
variables of `pinprotect agi` (check, unlock), the path of the URL naming the
request. Every call runs on its own, so a slow call never delays another. One
line per call on standard error (request, extension, number, result, time in
ms; never a PIN). SIGTERM or SIGINT stops accepting calls, lets the calls in
progress finish within --grace, and exits 0; SIGHUP changes nothing. Peers
outside --allow are closed at once. A peer whose whole environment block has
not arrived within 5 s is dropped; peers still sending their block are at
most --max-calls (at least 32) apart from the calls, the oldest dropped to
make room for a new one. Calls are decided at the system clock's time: --now and
PINPROTECT_NOW are ignored, with a warning.

Examples:
  pinprotect --db /var/lib/pinprotect/pbx.sqlite3 serve
  pinprotect serve --listen 0.0.0.0:4573 --allow 192.0.2.10 --allow 127.0.0.1
  same => n,AGI(agi://127.0.0.1/check,${CHANNEL(endpoint)},${EXTEN})"
    )]
    Serve {
        /// Address (or host name) and port to listen on (repeatable); a name listens on each of its addresses [default: serve.listen in the config file, else 127.0.0.1:4573]
        #[arg(long, value_name = "ADDR:PORT")]
        listen: Vec<crate::net::ListenAddr>,

        /// Peers allowed to connect: an address or ADDRESS/BITS (repeatable) [default: serve.allow in the config file, else 127.0.0.0/8, ::1]
        #[arg(long, value_name = "CIDR")]
        allow: Vec<crate::net::Cidr>,

        /// Calls at once, past their environment block; further calls are closed at once [default: serve.max_calls in the config file, else 256]
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=crate::config::MAX_CALLS_LIMIT as i64))]
        max_calls: Option<u32>,

        /// Answer GET /metrics (Prometheus) and GET /healthz over HTTP at ADDR:PORT [default: serve.metrics in the config file, else none]
        #[arg(long, value_name = "ADDR:PORT")]
        metrics: Option<std::net::SocketAddr>,

        /// Seconds that calls in progress may take to finish after SIGTERM (0 to 3600)
        #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(0..=3600))]
        grace: u64,
    },

    /// Show the configuration in effect and where each value comes from
    #[command(subcommand)]
    Config(ConfigCommand),

    /// A narrated tour on a throwaway database (never yours)
    #[command(
        after_help = "Examples:\n  pinprotect demo\n  pinprotect demo --now 2026-11-26T09:00:00Z"
    )]
    Demo,
}

#[derive(Debug, Args)]
pub struct TargetArgs {
    /// Extensions (all must exist, or nothing changes)
    #[arg(
        value_name = "EXT",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub extensions: Vec<Extension>,

    /// Every extension
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct PersonArgs {
    /// First name ("" clears it on edit)
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    pub first_name: Option<String>,

    /// Last name ("" clears it on edit)
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    pub last_name: Option<String>,

    /// E-mail address ("" clears it on edit)
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ExtCommand {
    /// Add an extension; without --pin-stdin a random 6-digit PIN is generated and printed once
    #[command(
        after_help = "Examples:\n  pinprotect ext add 100 --first-name Alice --last-name Smith\n  printf '4826\\n' | pinprotect ext add 0101 --pin-stdin"
    )]
    Add {
        /// Extension number (2 to 10 digits)
        #[arg(value_name = "EXT")]
        extension: Extension,

        #[command(flatten)]
        person: PersonArgs,

        /// Read the voicemail PIN from the first line of standard input
        #[arg(long)]
        pin_stdin: bool,

        /// Accept a weak PIN (the override is logged)
        #[arg(long)]
        allow_weak: bool,
    },

    /// Change an extension's name or e-mail address
    #[command(
        after_help = "Examples:\n  pinprotect ext edit 100 --email alice@example.com\n  pinprotect ext edit 100 --last-name ''"
    )]
    Edit {
        /// Extension number (2 to 10 digits)
        #[arg(value_name = "EXT")]
        extension: Extension,

        #[command(flatten)]
        person: PersonArgs,
    },

    /// Change the voicemail PIN (ends an active grant)
    #[command(
        after_help = "Without a flag, asks twice on a hidden prompt (terminal only).

Examples:
  pinprotect ext set-pin 100
  printf '4826\\n' | pinprotect ext set-pin 100 --pin-stdin
  pinprotect ext set-pin 100 --generate"
    )]
    SetPin {
        /// Extension number (2 to 10 digits)
        #[arg(value_name = "EXT")]
        extension: Extension,

        /// Read the PIN from the first line of standard input
        #[arg(long, conflicts_with = "generate")]
        pin_stdin: bool,

        /// Generate a random 6-digit PIN and print it once
        #[arg(long)]
        generate: bool,

        /// Accept a weak PIN (the override is logged)
        #[arg(long)]
        allow_weak: bool,
    },

    /// Show one extension
    #[command(
        after_help = "Examples:\n  pinprotect ext show 100\n  pinprotect ext show 100 --format json"
    )]
    Show {
        /// Extension number (2 to 10 digits)
        #[arg(value_name = "EXT")]
        extension: Extension,

        /// Output format
        #[arg(short, long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },

    /// List all extensions in numeric order
    #[command(after_help = "Examples:\n  pinprotect ext list\n  pinprotect ext list --format csv")]
    List {
        /// Output format
        #[arg(short, long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },

    /// Remove extensions (asks first on a terminal)
    #[command(
        after_help = "On a terminal, asks `[y/N]` and reads the whole line: y or yes (any case)\nremove, anything else (or Ctrl-D) keeps the extensions and exits 1.\n\nExamples:\n  pinprotect ext remove 100\n  pinprotect ext remove 100 101 --yes"
    )]
    Remove {
        /// Extension numbers (2 to 10 digits each)
        #[arg(value_name = "EXT", required = true)]
        extensions: Vec<Extension>,

        /// Do not ask; required when standard input is not a terminal
        #[arg(short, long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Show every setting (the default)
    #[command(
        after_help = "Examples:\n  pinprotect settings show\n  pinprotect settings show --format json"
    )]
    Show {
        /// Output format
        #[arg(short, long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },

    /// Print one setting's value, as `settings set` takes it
    #[command(
        after_help = "The value alone on one line, for scripts (an empty line for an empty\noutbound_prefix); exit 2 for a key that is not a setting.\n\nExamples:\n  pinprotect settings get feature_code\n  prefix=$(pinprotect settings get outbound_prefix)"
    )]
    Get {
        /// A setting, such as feature_code or lockout_attempts (`pinprotect settings show` lists them all)
        #[arg(value_name = "KEY")]
        key: String,
    },

    /// Change a setting
    #[command(
        after_help = "Examples:\n  pinprotect settings set feature_code '*77'\n  pinprotect settings set emergency_numbers 911,112\n  pinprotect settings set pin_min_length 6"
    )]
    Set {
        /// A setting, such as feature_code or lockout_attempts (`pinprotect settings show` lists them all)
        #[arg(value_name = "KEY")]
        key: String,

        /// The new value ("" for an empty outbound_prefix)
        #[arg(value_name = "VALUE", allow_hyphen_values = true)]
        value: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Each key's value in effect, and where it comes from
    #[command(
        after_help = "The config files say where this host's database is and how serve listens;
the settings (feature code, emergency numbers, lockout, ...) are the shared
policy and live in the database (`pinprotect settings`). Files, later ones
winning key by key: /etc/pinprotect/pinprotect.toml, then
$XDG_CONFIG_HOME/pinprotect/config.toml (~/.config/pinprotect/config.toml);
or only the file PINPROTECT_CONFIG names. A flag or environment variable
(--db, PINPROTECT_DB) wins over both. Keys: db, and in [serve] listen, allow
(lists of strings), max_calls and metrics (ADDRESS:PORT).

Examples:
  pinprotect config show
  PINPROTECT_CONFIG=./test.toml pinprotect config show"
    )]
    Show,
}

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Remove the events logged before a time, archiving them first with --archive
    #[command(
        after_help = "The head of the log goes, up to the last event logged before TIME (after a
clock that jumped back, a few later events go with it), in one transaction,
and a log_pruned event takes its place as the first event of the log. With
--archive the events are first written to FILE as JSON lines (the fields of
`log --format json`), whole or not at all, mode 0600; without it they are
gone for good, so prune asks on a terminal and needs --yes otherwise. The
rest of the log stays append-only.

Examples:
  pinprotect log prune --before 2026-08-01T00:00:00Z --archive log-2026-07.jsonl
  pinprotect log prune --before 2025-01-01T00:00:00Z --yes"
    )]
    Prune {
        /// Remove the events logged before TIME (RFC 3339, a date, 90d back...: the forms of `log --since`); not a time to come
        #[arg(long, value_name = "TIME")]
        before: TimeSpec,

        /// Write the events to FILE (JSON lines) before they are removed
        #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
        archive: Option<PathBuf>,

        /// Remove without asking (needed without a terminal unless --archive keeps them)
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for people
    Table,
    /// One JSON array of objects
    Json,
    /// CSV with a header line
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Aligned columns for people
    Table,
    /// One JSON array of objects
    Json,
    /// One JSON object a line (fit for --follow)
    Jsonl,
    /// CSV with a header line
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// CSV with a header line
    Csv,
    /// One JSON array of objects
    Json,
    /// One JSON object a line
    Jsonl,
    /// A 3CX v20 bulk extension CSV
    #[value(name = "3cx")]
    ThreeCx,
    /// Asterisk voicemail.conf mailbox lines (EXT => PIN,First Last,email)
    VoicemailConf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// By the file name and the first line
    Auto,
    /// CSV as `pinprotect export` writes it
    Csv,
    /// A JSON array as `pinprotect export --format json` writes it
    Json,
    /// JSON lines as `pinprotect export --format jsonl` writes them
    Jsonl,
    /// A 3CX bulk extension CSV (v20 or v15/v16)
    #[value(name = "3cx")]
    ThreeCx,
    /// A FreePBX Bulk Handler extensions CSV
    #[value(name = "freepbx")]
    FreePbx,
    /// Asterisk voicemail.conf mailbox lines
    VoicemailConf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// One line for people
    Text,
    /// One JSON object
    Json,
}

/// The completion script for `shell` (`pinprotect completions SHELL`).
pub fn completion(shell: clap_complete::Shell) -> Vec<u8> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "pinprotect", &mut out);
    out
}
