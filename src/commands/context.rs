//! The context every command works with: the database path, the clocks
//! (the time decisions are made for, the time events are logged at), the
//! console, and for calls the server's connections and the call's origin.

use std::fmt::Display;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::console::Console;
use crate::error::{Error, Result};
use crate::events::{EventKind, NewEvent};
use crate::policy::{Extension, Timestamp};
use crate::settings::Settings;
use crate::store::{Location, Store, Writer};

/// What every command works with.
pub struct Ctx<'a> {
    pub db: Location,
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
    /// What the config files say.
    pub config: crate::config::Config,
    /// Where `db` came from.
    pub db_origin: crate::config::Origin,
    /// The dial plan a server last read from the database: its emergency
    /// numbers are still permitted when the database cannot answer.
    pub known_plan: Option<std::sync::Arc<std::sync::Mutex<Option<crate::policy::DialPlan>>>>,
}

impl<'a> Ctx<'a> {
    /// A context at the system time `system_now`, or answering as if it
    /// were `given_now`.
    pub fn new(
        db: Location,
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
            config: crate::config::Config::default(),
            db_origin: crate::config::Origin::Default,
            known_plan: None,
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

    /// Remembers the dial plan just read (a server's calls).
    pub fn remember_plan(&self, plan: &crate::policy::DialPlan) {
        if let Some(known) = &self.known_plan {
            let mut known = crate::sync::locked(known);
            if known.as_ref() != Some(plan) {
                *known = Some(plan.clone());
            }
        }
    }

    /// The dial plan a server last read, if any.
    pub fn remembered_plan(&self) -> Option<crate::policy::DialPlan> {
        self.known_plan
            .as_ref()
            .and_then(|k| crate::sync::locked(k).clone())
    }

    /// Whether `number` is an emergency number of the dial plan a server
    /// last read (asked on every call: no copy of the plan is made).
    pub fn remembers_emergency(&self, number: &crate::policy::DialedNumber) -> bool {
        self.known_plan.as_ref().is_some_and(|k| {
            crate::sync::locked(k)
                .as_ref()
                .is_some_and(|p| p.is_emergency(number))
        })
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

    /// `detail` of an event, followed by where the call that caused it came
    /// from (an AGI call's channel, caller ID and call), when it came from
    /// one: so that the log says who did it and from which phone.
    pub fn with_origin(&self, detail: String) -> String {
        match (&self.origin, detail.is_empty()) {
            (Some(o), true) => format!("from {o}"),
            (Some(o), false) => format!("{detail}; from {o}"),
            (None, _) => detail,
        }
    }

    /// Whether to go on with something that cannot be undone (`doing`,
    /// such as "removing extension 100"): yes with `yes`; else the
    /// terminal is asked `question` (`nothing` is said when the answer is
    /// no); without a terminal, an error with `hint`, since nobody is there
    /// to confirm.
    pub fn go_ahead(
        &mut self,
        yes: bool,
        doing: &str,
        hint: &str,
        question: &str,
        nothing: &str,
    ) -> Result<bool> {
        if yes {
            return Ok(true);
        }
        if !self.console.stdin_is_terminal() {
            return Err(Error::invalid_with_hint(
                format!(
                    "not {doing}: standard input is not a terminal, so there is nobody to confirm"
                ),
                hint,
            ));
        }
        if self.console.confirm(question)? {
            return Ok(true);
        }
        self.console.info(nothing);
        Ok(false)
    }

    /// The local user running the command.
    pub fn user(&self) -> &str {
        // One lookup per process: a server logs for many calls.
        static USER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        USER.get_or_init(super::local_user::local_user)
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
            "refusing to change the database as if it were {}: changes happen at the system clock's time",
            crate::localtime::shown(at)
        ),
        "--now and PINPROTECT_NOW are a what-if for commands that only read; run without them \
         (unset PINPROTECT_NOW), or on a test database turn on `pinprotect settings set clock_override on`",
    )
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
