//! The imperative shell: one module per command family, and the dispatch
//! from the command line to them. Each command takes a [`Ctx`] (database
//! path, the clocks, the console) and returns the exit code of a completed
//! run, or a typed error.

use std::io::BufWriter;

use crate::cli::{Cli, Command, ConfigCommand, LogCommand, SettingsCommand, TargetArgs};
use crate::config::Origin;
use crate::console::Console;
use crate::error::{Error, ExitCode, IoContext, Result};
use crate::output::{Format, ListWriter};
use crate::policy::{Extension, Timestamp};
use crate::records::{ExtensionRecord, Target};
use crate::settings::Settings;
use crate::store::{Location, Store};

pub mod answer;
pub mod audit;
pub mod backup;
pub mod call;
mod config_show;
mod context;
pub mod demo;
pub mod export;
pub mod ext;
pub mod formats;
pub mod import;
pub mod init;
mod local_user;
pub mod monitor;
mod new_pin;
mod pin_entry;
pub mod protect;
pub mod serve;
pub mod settings_command;

pub use context::{Ctx, cannot_log, default_db_path, system_now};
pub use new_pin::{generate_pin, print_generated_pin};
pub use pin_entry::{
    WEAK_PIN_ALLOWED, ask_new_pin, check_pin_strength, hidden_pin_entry, no_pin_on_stdin,
    pin_from_stdin, read_stdin_line,
};

/// Whether `command` goes on when the config files cannot be read: a
/// check or dial of a built-in emergency number, and the live calls of
/// `agi`.
fn answers_despite_config(command: &Command) -> bool {
    match command {
        Command::Check { number, .. } | Command::Dial { digits: number, .. } => {
            crate::policy::DialPlan::is_built_in_emergency(number)
        }
        Command::Agi { .. } => true,
        // They use no database of the host's.
        Command::Completions { .. } | Command::Demo => true,
        _ => false,
    }
}

/// Checks that `ext` may be an extension of this PBX (not the feature code,
/// not an emergency number).
pub fn check_extension_number(settings: &Settings, ext: &Extension) -> Result<()> {
    settings
        .plan
        .check_extension(ext)
        .map_err(|e| Error::invalid_with_hint(e.0, "choose another extension number"))
}

/// Runs the command line: the library's entry point for the binary.
pub fn run(cli: Cli, console: &mut Console) -> Result<ExitCode> {
    crate::localtime::show_utc(cli.global.utc);
    // Live calls are decided at the system clock's time, always: a time
    // left in the environment (or a hostile caller's) must not open grants
    // or end lockouts. The what-if stays with `check` and the other reads.
    let live = matches!(cli.command, Command::Agi { .. } | Command::Serve { .. });
    // An unusable PINPROTECT_DB or PINPROTECT_NOW: an error naming it,
    // except where an answer must come anyway (an emergency number, a
    // live call), which go on without it and warn; and agi and serve,
    // which never use a time given, pass over a PINPROTECT_NOW.
    for bad in &cli.global.bad_variables {
        let unused = live && bad.name == "PINPROTECT_NOW";
        if answers_despite_config(&cli.command) || unused {
            console.warn(format_args!("{bad}; it is ignored"));
        } else {
            return Err(Error::invalid_with_hint(
                bad.to_string(),
                "a flag wins over its variable: --db over PINPROTECT_DB, --now over PINPROTECT_NOW",
            ));
        }
    }
    let config = match crate::config::Config::load() {
        Ok(config) => config,
        // Emergency first: a broken config file does not stand between an
        // emergency number and its answer, nor keeps a live call from
        // being answered; the database then is the one given, or the
        // default, and any other number gets the database's error.
        Err(e) if answers_despite_config(&cli.command) => {
            console.warn(format_args!("{e}; the config file is ignored"));
            crate::config::Config::default()
        }
        Err(e) => return Err(e),
    };
    let db_origin = match (&cli.global.db, &config.db) {
        (Some(_), _) if cli.global.db_from_env => Origin::Env("PINPROTECT_DB"),
        (Some(_), _) => Origin::Flag("--db"),
        (None, Some(c)) => c.origin.clone(),
        (None, None) => Origin::Default,
    };
    let db = match (cli.global.db, &config.db) {
        (Some(p), _) => p,
        (None, Some(c)) => c.value.clone(),
        (None, None) => default_db_path()?,
    };
    let db = Location::parse(db.as_os_str());
    if let Location::Postgres(url) = &db
        && url.has_password()
    {
        console.warn(format_args!(
            "the database URL from {db_origin} holds a password, which `ps`, shell history and a dialplan show; \
             put it in ~/.pgpass (mode 0600, or PGPASSFILE) or PGPASSWORD instead"
        ));
    }
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
                "PINPROTECT_NOW is set: answering as if it were {}; commands that change the database refuse it",
                crate::localtime::shown(at)
            ));
            Some(at)
        }
        given => given,
    };
    let mut ctx = Ctx::new(db, given_now, system_now(), console);
    ctx.config = config;
    ctx.db_origin = db_origin;
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
            delimiter,
        } => {
            let opts = export::ExportOptions {
                format,
                with_pins: !no_pins,
                spreadsheet_safe,
                context,
                delimiter,
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
            delimiter,
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
                delimiter,
            };
            import::import(ctx, &file, &opts)
        }
        Command::ResetLockout { extension } => protect::reset_lockout(ctx, &extension),
        Command::Settings { action } => match action {
            None => settings_command::show(ctx, Format::Table),
            Some(SettingsCommand::Show { format }) => settings_command::show(ctx, format.into()),
            Some(SettingsCommand::Set { key, value }) => settings_command::set(ctx, &key, &value),
            Some(SettingsCommand::Get { key }) => settings_command::get(ctx, &key),
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
        } => {
            let before = before.resolve(ctx.now);
            audit::prune(ctx, before, archive.as_deref(), yes)
        }
        Command::Log {
            action: None,
            extension,
            since,
            until,
            follow,
            event,
            limit,
            format,
        } => {
            let now = ctx.now;
            let filter = crate::events::EventFilter {
                extension: extension.as_ref(),
                since: since.map(|t| t.resolve(now)),
                until: until.map(|t| t.resolve(now)),
                kinds: &event,
                after_id: None,
            };
            audit::log(ctx, filter, limit, follow, format.into())
        }
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
        Command::Agi { args } => answer::run(ctx, &args),
        Command::Serve {
            listen,
            allow,
            max_calls,
            grace,
            metrics,
        } => {
            // A flag, else the config file, else the built-in default.
            let config = &ctx.config;
            let listen = if listen.is_empty() {
                match &config.listen {
                    Some(l) => l.value.clone(),
                    None => vec![serve::ServeOptions::DEFAULT_LISTEN.parse()?],
                }
            } else {
                listen
            };
            let allow = if allow.is_empty() {
                match &config.allow {
                    Some(a) => a.value.clone(),
                    None => crate::net::Cidr::loopback(),
                }
            } else {
                allow
            };
            let max_calls = max_calls
                .or(config.max_calls.as_ref().map(|m| m.value))
                .unwrap_or(serve::ServeOptions::DEFAULT_MAX_CALLS);
            let options = serve::ServeOptions {
                listen,
                allow,
                max_calls: max_calls as usize,
                hello_timeout: std::time::Duration::from_secs(5),
                reply_timeout: std::time::Duration::from_secs(300),
                grace: std::time::Duration::from_secs(grace),
                metrics: metrics.or(ctx.config.metrics.as_ref().map(|m| m.value)),
            };
            serve::run(ctx, options)
        }
        Command::Backup { file } => backup::backup(ctx, &file),
        Command::Config(ConfigCommand::Show) => config_show::show(ctx),
        Command::Verify => backup::verify(ctx),
        Command::Restore { file, yes } => backup::restore(ctx, &file, yes),
        Command::Migrate { to } => backup::migrate(ctx, &to),
        Command::Completions { shell } => {
            use std::io::Write;
            ctx.console
                .out()
                .write_all(&crate::cli::completion(shell))
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
/// `row`; says so on stderr when a table would be empty. A table leaves
/// out the `optional` columns that are empty in every row.
pub fn list_records(
    ctx: &mut Ctx<'_>,
    store: &Store,
    target: &Target,
    format: Format,
    headers: Vec<&'static str>,
    optional: &[&'static str],
    mut row: impl FnMut(
        &mut ListWriter<'_, BufWriter<crate::console::StdoutSink>>,
        ExtensionRecord,
        Timestamp,
    ) -> Result<()>,
) -> Result<ExitCode> {
    let now = ctx.now;
    let mut w = ListWriter::new(format, headers, ctx.console.out()).optional_columns(optional);
    store
        .read()
        .for_each_target(target, |r| row(&mut w, r, now))?;
    if w.finish()? == 0 && format == Format::Table {
        ctx.console
            .info("no extensions yet; add one with `pinprotect ext add EXT`");
    }
    Ok(ExitCode::Success)
}
