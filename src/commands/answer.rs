//! `pinprotect agi` and the calls of `pinprotect serve`: Asterisk asks at
//! call time. A thin shell: the bytes are [`crate::agi`]'s, the decision is
//! `check`'s ([`call::call_decision`]) and the PIN entry is `dial`'s
//! ([`call::enter_pin`]), so a decision never differs by the way it was
//! asked.

use std::io::{BufRead, Write};
use std::time::Instant;

use zeroize::Zeroizing;

use super::Ctx;
use super::call::{self, Entry};
use crate::agi::session::{Session, SessionEnd, SessionResult};
use crate::agi::{Command, Entered, Environment, ProtocolError, Reply};
use crate::error::{ExitCode, Result};
use crate::events::EventKind;
use crate::policy::{DialedNumber, Extension, Timestamp};
use crate::records::ExtensionRecord;
use crate::settings::{AgiSettings, Prompt, Settings};
use crate::store::Store;
use crate::sys::Signal;

/// What a call asked and how it ended: one line on stderr per call.
#[derive(Debug, Clone, Default)]
pub struct CallSummary {
    pub request: String,
    pub extension: String,
    pub number: String,
    pub result: String,
    /// The database could not answer (for the metrics).
    pub database_error: bool,
}

impl CallSummary {
    pub fn line(&self, started: Instant) -> String {
        format!(
            "{} extension={} number={} result={} {}ms",
            crate::text::shown(if self.request.is_empty() {
                "-"
            } else {
                &self.request
            }),
            crate::text::shown(if self.extension.is_empty() {
                "-"
            } else {
                &self.extension
            }),
            crate::text::shown(if self.number.is_empty() {
                "-"
            } else {
                &self.number
            }),
            self.result,
            started.elapsed().as_millis()
        )
    }
}

/// The channel variables pinprotect sets.
pub const RESULT: &str = "PINPROTECT_RESULT";
pub const REASON: &str = "PINPROTECT_REASON";
pub const UNTIL: &str = "PINPROTECT_UNTIL";

/// Runs one call: reads the environment, answers the request, sets the
/// variables. Returns what happened; the caller hanging up is a normal end.
pub fn run_call<R: BufRead, W: Write>(
    ctx: &mut Ctx<'_>,
    session: &mut Session<'_, R, W>,
    argv: &[String],
) -> CallSummary {
    match session.environment() {
        Ok(env) => answer_call(ctx, session, &env, argv),
        Err(end) => unheard(ctx, end),
    }
}

/// What a call that ended before its environment block was whole is.
pub fn unheard(ctx: &mut Ctx<'_>, end: SessionEnd) -> CallSummary {
    let result = match end {
        SessionEnd::Gone => "hangup",
        end => {
            ctx.console.warn(format_args!("agi: {end}"));
            "error"
        }
    };
    CallSummary {
        result: result.into(),
        ..CallSummary::default()
    }
}

/// Answers the request of a call whose environment block is `env`.
///
/// `argv` is what a local AGI program was started with after `agi`: Asterisk
/// passes `AGI(program,a,b,...)`'s arguments both on the command line and
/// as `agi_arg_N`, and the latter then also hold the command line's own
/// words (`agi`, `--db PATH`), so the command line names the request. Over
/// FastAGI (or with no arguments) the environment does.
pub fn answer_call<R: BufRead, W: Write>(
    ctx: &mut Ctx<'_>,
    session: &mut Session<'_, R, W>,
    env: &Environment,
    argv: &[String],
) -> CallSummary {
    let mut summary = CallSummary::default();
    ctx.origin = Some(origin(env));
    crate::internal::test_panic("call");
    let outcome = (|| -> SessionResult<()> {
        let (request, args) = match argv.split_first() {
            Some((request, args)) => (Some(request.clone()), args.to_vec()),
            None => env.request(),
        };
        summary.request = request.clone().unwrap_or_default();
        match request.as_deref() {
            Some("check") => check(ctx, session, env, &args, &mut summary),
            Some("unlock") => unlock(ctx, session, env, &args, &mut summary),
            other => {
                summary.result = "error".into();
                let why = match other {
                    Some(r) => format!("unknown request '{}'", crate::text::shown(r)),
                    None => "no request".into(),
                };
                ctx.console.warn(format_args!(
                    "agi: {why}; use AGI(pinprotect,check,...) or AGI(pinprotect,unlock,...)"
                ));
                session.set(RESULT, "error")?;
                session.set(REASON, "error")
            }
        }
    })();
    match outcome {
        Ok(()) => {}
        Err(SessionEnd::Gone) => {
            if summary.result.is_empty() {
                summary.result = "hangup".into();
            }
            // A dead channel still takes variables, for the `h` extension.
            if summary.result == "hangup" {
                let _ = session.set(RESULT, "hangup");
            }
        }
        Err(end) => {
            summary.result = "error".into();
            ctx.console.warn(format_args!("agi: {end}"));
        }
    }
    summary
}

/// Where a call comes from, for the audit log: its channel, caller ID and
/// unique id, each as Asterisk sent it (escaped and cut short).
fn origin(env: &Environment) -> String {
    let value = |name: &str| {
        let v = env.get(name).unwrap_or("").trim();
        if v.is_empty() {
            "-".to_string()
        } else {
            crate::text::shown(v).to_string()
        }
    };
    format!(
        "{} (caller ID {}, call {})",
        value("channel"),
        value("callerid"),
        value("uniqueid")
    )
}

/// The `i`-th argument of a request. An argument the dialplan passes is
/// used as it is, even empty (`${CHANNEL(endpoint)}` on a channel that has
/// no endpoint); only a missing one falls back to the environment's value.
fn arg_or(args: &[String], i: usize, env: &Environment, name: &str) -> String {
    match args.get(i) {
        Some(a) => a.trim().to_owned(),
        None => env.get(name).unwrap_or("").trim().to_owned(),
    }
}

/// The stored settings, for a call.
fn call_settings(ctx: &mut Ctx<'_>) -> Result<Settings> {
    call::with_store(ctx, |store, _| store.read().settings())
}

/// Why a call is denied when it names no extension: the extension
/// argument is empty, or not an extension number (a caller ID such as
/// `anonymous`).
const NO_EXTENSION: &str = "no_extension";

fn check<R: BufRead, W: Write>(
    ctx: &mut Ctx<'_>,
    session: &mut Session<'_, R, W>,
    env: &Environment,
    args: &[String],
    summary: &mut CallSummary,
) -> SessionResult<()> {
    let ext_text = arg_or(args, 0, env, "callerid");
    let number_text = arg_or(args, 1, env, "extension");
    summary.extension = ext_text.clone();
    summary.number = number_text.clone();
    let answer = check_answer(ctx, &ext_text, &number_text);
    let (result, reason, until) = match &answer {
        Ok((permitted, reason, until)) => (
            if *permitted { "permitted" } else { "denied" },
            *reason,
            until.map(Timestamp::to_rfc3339).unwrap_or_default(),
        ),
        Err(e) => {
            summary.database_error = matches!(e, crate::error::Error::Database { .. });
            ctx.console.warn(format_args!("agi: {e}"));
            ("error", "error", String::new())
        }
    };
    summary.result = format!("{result}/{reason}");
    session.set(RESULT, result)?;
    session.set(REASON, reason)?;
    session.set(UNTIL, &until)?;
    Ok(())
}

/// `(permitted, reason, unlocked until)` for a check, at this moment; a
/// denied call is written to the audit log.
fn check_answer(
    ctx: &mut Ctx<'_>,
    ext_text: &str,
    number_text: &str,
) -> Result<(bool, &'static str, Option<Timestamp>)> {
    ctx.tick();
    let number: DialedNumber = number_text.parse()?;
    let decided = match ext_text.parse::<Extension>() {
        Ok(ext) => Some(call::call_decision(ctx, &ext, &number)?.1),
        // No extension (an empty argument, or a caller ID such as
        // "anonymous"): only an emergency number goes through.
        Err(_) => call::emergency_only(ctx, &number)?,
    };
    let (permitted, reason, until) = match decided {
        Some(d) => (d.permitted, d.reason.name(), d.unlocked_until),
        None => (false, NO_EXTENSION, None),
    };
    if !permitted {
        log_denied(ctx, ext_text, number_text, reason);
    }
    Ok((permitted, reason, until))
}

/// Writes a denied call to the audit log; a failure to log is reported on
/// stderr and does not change the answer.
fn log_denied(ctx: &mut Ctx<'_>, ext: &str, number: &str, reason: &'static str) {
    let extension = ext.parse::<Extension>().ok();
    let event = ctx.event(
        EventKind::CallDenied,
        extension.as_ref(),
        format_args!(
            "{} -> {}: {reason}",
            if ext.is_empty() {
                "(no extension)".to_string()
            } else {
                crate::text::shown(ext).to_string()
            },
            crate::text::shown(number)
        ),
    );
    let (pool, db) = (ctx.pool.clone(), ctx.db.clone());
    let write = move || match pool {
        Some(pool) => pool.log_grouped(crate::store::BUSY_TIMEOUT, (event, reason)),
        None => {
            let mut store = Store::open(&db)?;
            store.relax_durability()?;
            store.write(|w| w.log_denied_call(&event, reason))
        }
    };
    // A PostgreSQL server that froze after the decision keeps the call no
    // longer than its limit (see `call::within`).
    let logged = match ctx.db.file() {
        Some(_) => write(),
        None => call::within(&ctx.db, crate::store::BUSY_TIMEOUT, write),
    };
    if let Err(e) = logged {
        ctx.console
            .warn(format_args!("agi: the denied call was not logged: {e}"));
    }
}

/// Writes an `agi_error` event (a problem of the dialplan or the PBX that
/// made a call fail): `detail`, and where the call came from.
fn log_agi_error(ctx: &mut Ctx<'_>, ext: Option<&Extension>, detail: &str) {
    ctx.tick();
    let detail = ctx.with_origin(detail.to_owned());
    let logged = call::with_writer(ctx, |store, ctx| {
        store.write(|w| ctx.log(w, EventKind::AgiError, ext, &detail))
    });
    if let Err(e) = logged {
        ctx.console
            .warn(format_args!("agi: the error was not logged: {e}"));
    }
}

/// A 7777 call in progress: what it plays and who it is for.
struct Flow<'s, 'h, R, W> {
    session: &'s mut Session<'h, R, W>,
    summary: &'s mut CallSummary,
    agi: AgiSettings,
    /// The caller's language, as Asterisk sent it.
    language: String,
    ext: Option<Extension>,
}

impl<R: BufRead, W: Write> Flow<'_, '_, R, W> {
    /// Plays `prompt`. A sound that does not exist (Asterisk answers -1 on
    /// a channel that is still up) is reported and the call goes on.
    fn play(&mut self, ctx: &mut Ctx<'_>, prompt: Prompt) -> SessionResult<()> {
        match self
            .session
            .send(&Command::StreamFile(self.agi.sound(prompt)))?
        {
            Reply::Gone => Err(SessionEnd::Gone),
            Reply::Ended => {
                self.sound_missing(ctx, prompt);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Says on stderr and in the audit log that `prompt`'s sound could not
    /// be played.
    fn sound_missing(&mut self, ctx: &mut Ctx<'_>, prompt: Prompt) {
        let detail = format!(
            "the sound '{}' of {} could not be played (language '{}'): Asterisk answered -1 and the channel is still up",
            crate::text::shown(self.agi.sound(prompt)),
            prompt.key(),
            crate::text::shown(&self.language),
        );
        ctx.console.warn(format_args!(
            "agi: {detail}; install the sound for that language or choose another with `pinprotect settings set {} NAME`",
            prompt.key()
        ));
        log_agi_error(ctx, self.ext.as_ref(), &detail);
    }

    /// Plays the PIN prompt and collects digits. `Ok(None)` for an empty
    /// entry (a bare `#`) or silence until the timeout: not a wrong PIN.
    /// `Err(Ok(()))`: the prompt could not be played.
    fn get_pin(
        &mut self,
        ctx: &mut Ctx<'_>,
    ) -> SessionResult<std::result::Result<Option<Zeroizing<String>>, ()>> {
        let reply = self.session.send(&Command::GetData {
            prompt: self.agi.sound(Prompt::Pin),
            timeout_ms: self.agi.pin_timeout_seconds * 1000,
            max_digits: crate::policy::Pin::MAX_LEN as u32,
        })?;
        match reply {
            Reply::Gone => Err(SessionEnd::Gone),
            Reply::Ended => {
                self.sound_missing(ctx, Prompt::Pin);
                Ok(Err(()))
            }
            Reply::Failed(why) => Err(SessionEnd::Protocol(ProtocolError(format!(
                "GET DATA failed: {why}"
            )))),
            Reply::Ok { result, .. } => {
                let result = Zeroizing::new(result);
                Ok(Ok(match Entered::from_result(&result) {
                    Entered::Nothing => None,
                    Entered::Digits(d) => Some(Zeroizing::new(d)),
                }))
            }
        }
    }

    /// Sets the result variables, plays `prompt` and hangs up.
    fn finish(
        &mut self,
        ctx: &mut Ctx<'_>,
        result: &str,
        prompt: Option<Prompt>,
        until: Option<Timestamp>,
    ) -> SessionResult<()> {
        self.summary.result = result.into();
        self.session.set(RESULT, result)?;
        self.session
            .set(UNTIL, &until.map(Timestamp::to_rfc3339).unwrap_or_default())?;
        if let Some(prompt) = prompt {
            self.play(ctx, prompt)?;
        }
        self.session.act(&Command::Hangup)
    }
}

fn unlock<R: BufRead, W: Write>(
    ctx: &mut Ctx<'_>,
    session: &mut Session<'_, R, W>,
    env: &Environment,
    args: &[String],
    summary: &mut CallSummary,
) -> SessionResult<()> {
    let ext_text = arg_or(args, 0, env, "callerid");
    summary.extension = ext_text.clone();
    summary.number = env.get("extension").unwrap_or("").to_owned();
    let ext = ext_text.parse::<Extension>().ok();
    let prepared = (|| -> Result<(Settings, Option<ExtensionRecord>)> {
        let settings = call_settings(ctx)?;
        let record = match &ext {
            Some(ext) => call::with_store(ctx, |store, _| store.read().extension(ext))?,
            None => None,
        };
        Ok((settings, record))
    })();
    let (settings, record) = match prepared {
        Ok(p) => p,
        Err(e) => {
            summary.database_error = matches!(e, crate::error::Error::Database { .. });
            ctx.console.warn(format_args!("agi: {e}"));
            summary.result = "error".into();
            session.set(RESULT, "error")?;
            session.set(UNTIL, "")?;
            return session.act(&Command::Hangup);
        }
    };
    let mut flow = Flow {
        session,
        summary,
        agi: settings.agi.clone(),
        language: env.get("language").unwrap_or("").to_owned(),
        ext: ext.clone(),
    };
    let Some(ext) = ext else {
        flow.session.act(&Command::Answer)?;
        log_agi_error(
            ctx,
            None,
            &format!(
                "unlock without an extension: the extension argument is '{}', not an extension number",
                crate::text::shown(&ext_text)
            ),
        );
        return flow.finish(ctx, NO_EXTENSION, Some(Prompt::Refused), None);
    };
    let Some(record) = record else {
        flow.session.act(&Command::Answer)?;
        return flow.finish(ctx, "unknown_extension", Some(Prompt::Refused), None);
    };
    flow.session.act(&Command::Answer)?;
    if !record.protection.enabled {
        return flow.finish(ctx, "not_protected", Some(Prompt::Goodbye), None);
    }
    ctx.tick();
    if record.entry.locked_out(ctx.now).is_some() {
        return flow.finish(ctx, "locked_out", Some(Prompt::Refused), None);
    }
    let mut wrong = 0;
    loop {
        let entered = match flow.get_pin(ctx)? {
            Ok(entered) => entered,
            Err(()) => return flow.finish(ctx, "error", Some(Prompt::Goodbye), None),
        };
        let Some(entered) = entered else {
            return flow.finish(ctx, "timeout", Some(Prompt::Goodbye), None);
        };
        // The PIN is checked, counted and logged at the moment it arrives.
        ctx.tick();
        let result = if crate::policy::Pin::is_attempt(&entered) {
            match call::with_writer(ctx, |store, ctx| {
                call::enter_pin(ctx, store, &ext, &entered)
            }) {
                Ok(entry) => entry,
                Err(e) => {
                    flow.summary.database_error = matches!(e, crate::error::Error::Database { .. });
                    ctx.console.warn(format_args!("agi: {e}"));
                    return flow.finish(ctx, "error", Some(Prompt::Goodbye), None);
                }
            }
        } else {
            // `*` or other keys: not a PIN, so not a wrong PIN for the
            // lockout; it uses up one of this call's tries.
            Entry::Wrong {
                remaining: u32::MAX,
            }
        };
        match result {
            Entry::Granted(grant, _) => {
                return flow.finish(ctx, "granted", Some(Prompt::Granted), Some(grant.until));
            }
            Entry::NotNeeded => {
                return flow.finish(ctx, "not_protected", Some(Prompt::Goodbye), None);
            }
            Entry::LockedOut { .. } | Entry::Refused { .. } => {
                return flow.finish(ctx, "locked_out", Some(Prompt::Refused), None);
            }
            Entry::Wrong { .. } => {
                wrong += 1;
                flow.play(ctx, Prompt::WrongPin)?;
                if wrong >= flow.agi.pin_tries {
                    return flow.finish(ctx, "wrong_pin", Some(Prompt::Goodbye), None);
                }
            }
        }
    }
}

/// `pinprotect agi`: one call on standard input and output.
pub fn run(ctx: &mut Ctx<'_>, argv: &[String]) -> Result<ExitCode> {
    crate::sys::protect_memory();
    ctx.console.escape_messages();
    // SIGHUP from Asterisk: the caller hung up.
    crate::sys::catch(Signal::Hangup);
    let started = Instant::now();
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut session = Session::new(
        stdin.lock(),
        stdout.lock(),
        crate::sys::flag(Signal::Hangup),
    );
    let summary = run_call(ctx, &mut session, argv);
    ctx.console
        .info(format_args!("agi: {}", summary.line(started)));
    Ok(ExitCode::Success)
}
