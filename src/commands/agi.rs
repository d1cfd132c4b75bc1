//! `pinprotect agi` and the calls of `pinprotect serve`: Asterisk asks at
//! call time. A thin shell: the bytes are [`crate::agi`]'s, the decision is
//! `check`'s ([`call::call_decision`]) and the PIN entry is `dial`'s
//! ([`call::enter_pin`]), so a decision never differs by the way it was
//! asked.

use std::io::{BufRead, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use zeroize::Zeroizing;

use super::Ctx;
use super::call::{self, Entry};
use crate::agi::{
    Command, Entered, Environment, EnvironmentReader, ProtocolError, Reply, ReplyReader,
};
use crate::error::{Error, ExitCode, Result};
use crate::events::EventKind;
use crate::policy::{DialedNumber, Extension, Timestamp};
use crate::records::ExtensionRecord;
use crate::settings::{AgiSettings, Settings};
use crate::store::Store;

/// Why a session ended early.
#[derive(Debug)]
pub enum SessionEnd {
    /// The caller hung up (or Asterisk closed the connection).
    Gone,
    /// Asterisk sent something that is not AGI.
    Protocol(ProtocolError),
    /// Reading or writing failed.
    Io(std::io::Error),
}

impl From<std::io::Error> for SessionEnd {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::BrokenPipe
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::UnexpectedEof => SessionEnd::Gone,
            _ => SessionEnd::Io(e),
        }
    }
}

impl From<ProtocolError> for SessionEnd {
    fn from(e: ProtocolError) -> Self {
        SessionEnd::Protocol(e)
    }
}

impl std::fmt::Display for SessionEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SessionEnd::Gone => f.write_str("the caller hung up"),
            SessionEnd::Protocol(e) => write!(f, "{e}"),
            SessionEnd::Io(e) => write!(f, "{e}"),
        }
    }
}

type SessionResult<T> = std::result::Result<T, SessionEnd>;

/// One AGI conversation: one command, then its reply, never two in flight.
pub struct Session<'h, R, W> {
    input: R,
    output: W,
    /// Set by SIGHUP (local AGI) when the caller hangs up.
    hangup_signal: &'h AtomicBool,
    /// The caller hung up: a `HANGUP` line, `result=-1`, `511` or SIGHUP.
    pub gone: bool,
    line: Vec<u8>,
}

impl<'h, R: BufRead, W: Write> Session<'h, R, W> {
    pub fn new(input: R, output: W, hangup_signal: &'h AtomicBool) -> Self {
        Session {
            input,
            output,
            hangup_signal,
            gone: false,
            line: Vec::new(),
        }
    }

    /// Reads one line of at most [`crate::agi::MAX_LINE_BYTES`]; end of
    /// input is the caller gone.
    fn read_line(&mut self) -> SessionResult<&[u8]> {
        self.line.clear();
        let limit = crate::agi::MAX_LINE_BYTES as u64 + 1;
        let n = (&mut self.input)
            .take(limit)
            .read_until(b'\n', &mut self.line)?;
        if n == 0 {
            return Err(SessionEnd::Gone);
        }
        if !self.line.ends_with(b"\n") && n as u64 >= limit {
            return Err(SessionEnd::Protocol(ProtocolError(
                "a line from Asterisk is too long".into(),
            )));
        }
        Ok(&self.line)
    }

    /// Reads the environment block, up to its blank line.
    pub fn environment(&mut self) -> SessionResult<Environment> {
        let mut reader = EnvironmentReader::default();
        loop {
            let line = self.read_line()?;
            if let Some(env) = reader.push(line)? {
                return Ok(env);
            }
        }
    }

    /// Sends a command and reads its reply. A `HANGUP` line on the way is
    /// noted; once the caller is gone only SET VARIABLE is still sent (a
    /// dead channel answers it), every other command returns `Gone`.
    pub fn send(&mut self, command: &Command<'_>) -> SessionResult<Reply> {
        if self.hangup_signal.load(Ordering::SeqCst) {
            self.gone = true;
        }
        if self.gone && !matches!(command, Command::SetVariable { .. }) {
            return Err(SessionEnd::Gone);
        }
        let line = command.to_line()?;
        self.output.write_all(line.as_bytes())?;
        self.output.flush()?;
        let mut reader = ReplyReader::default();
        loop {
            let line = self.read_line()?;
            let reply = reader.push(line)?;
            if reader.hangup {
                self.gone = true;
            }
            match reply {
                None => continue,
                Some(Reply::Gone) => {
                    self.gone = true;
                    return Ok(Reply::Gone);
                }
                Some(reply) => return Ok(reply),
            }
        }
    }

    /// Sends a command whose reply only matters when the caller is gone.
    fn act(&mut self, command: &Command<'_>) -> SessionResult<()> {
        match self.send(command)? {
            Reply::Gone => Err(SessionEnd::Gone),
            _ => Ok(()),
        }
    }

    fn set(&mut self, name: &str, value: &str) -> SessionResult<()> {
        self.send(&Command::SetVariable { name, value }).map(|_| ())
    }
}

/// What a call asked and how it ended: one line on stderr per call.
#[derive(Debug, Clone, Default)]
pub struct CallSummary {
    pub request: String,
    pub extension: String,
    pub number: String,
    pub result: String,
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

/// The `i`-th argument, or the environment's value when it is missing or
/// empty.
fn arg_or<'a>(args: &'a [String], i: usize, env: &'a Environment, name: &str) -> String {
    match args.get(i).map(|s| s.trim()) {
        Some(a) if !a.is_empty() => a.to_owned(),
        _ => env.get(name).unwrap_or("").trim().to_owned(),
    }
}

/// The stored settings, for a call.
fn call_settings(ctx: &mut Ctx<'_>) -> Result<Settings> {
    call::with_store(ctx, |store, _| store.read().settings())
}

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

/// `(permitted, reason, unlocked until)` for a check; a denied call is
/// written to the audit log.
fn check_answer(
    ctx: &mut Ctx<'_>,
    ext_text: &str,
    number_text: &str,
) -> Result<(bool, &'static str, Option<Timestamp>)> {
    let number: DialedNumber = number_text.parse()?;
    let decided = match ext_text.parse::<Extension>() {
        Ok(ext) => match call::call_decision(ctx, &ext, &number) {
            Ok((_, d)) => Some(d),
            Err(Error::UnknownExtensions(_)) => None,
            Err(e) => return Err(e),
        },
        // Not an extension number at all (a caller ID such as "anonymous"):
        // only an emergency number goes through.
        Err(_) => call::emergency_only(ctx, &number)?,
    };
    let (permitted, reason, until) = match decided {
        Some(d) => (d.permitted, d.reason.name(), d.unlocked_until),
        None => (false, "unknown_extension", None),
    };
    if !permitted {
        log_denied(ctx, ext_text, number_text, reason);
    }
    Ok((permitted, reason, until))
}

/// Writes a denied call to the audit log; a failure to log is reported on
/// stderr and does not change the answer.
fn log_denied(ctx: &mut Ctx<'_>, ext: &str, number: &str, reason: &'static str) {
    let logged = (|| {
        let extension = ext.parse::<Extension>().ok();
        let event = ctx.event(
            EventKind::CallDenied,
            extension.as_ref(),
            format_args!(
                "{} -> {}: {reason}",
                crate::text::shown(ext),
                crate::text::shown(number)
            ),
        );
        match ctx.pool.clone() {
            Some(pool) => pool.log_grouped(crate::store::BUSY_TIMEOUT, (event, reason)),
            None => {
                let mut store = Store::open(&ctx.db)?;
                store.relax_durability()?;
                store.write(|w| w.log_denied_call(&event, reason))
            }
        }
    })();
    if let Err(e) = logged {
        ctx.console
            .warn(format_args!("agi: the denied call was not logged: {e}"));
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
    let prepared = (|| -> Result<(Settings, Option<ExtensionRecord>)> {
        let settings = call_settings(ctx)?;
        let record = match ext_text.parse::<Extension>() {
            Ok(ext) => call::with_store(ctx, |store, _| store.read().extension(&ext))?,
            Err(_) => None,
        };
        Ok((settings, record))
    })();
    let (settings, record) = match prepared {
        Ok(p) => p,
        Err(e) => {
            ctx.console.warn(format_args!("agi: {e}"));
            return finish(session, summary, "error", None, None);
        }
    };
    let agi = settings.agi.clone();
    let Some(record) = record else {
        session.act(&Command::Answer)?;
        return finish(
            session,
            summary,
            "unknown_extension",
            Some(&agi.refused_prompt),
            None,
        );
    };
    let ext = record.number.clone();
    session.act(&Command::Answer)?;
    if !record.protection.enabled {
        return finish(
            session,
            summary,
            "not_protected",
            Some(&agi.goodbye_prompt),
            None,
        );
    }
    if record.entry.locked_out(ctx.now).is_some() {
        return finish(
            session,
            summary,
            "locked_out",
            Some(&agi.refused_prompt),
            None,
        );
    }
    let mut wrong = 0;
    loop {
        let entered = get_pin(session, &agi)?;
        let Some(entered) = entered else {
            return finish(session, summary, "timeout", Some(&agi.goodbye_prompt), None);
        };
        let result = if crate::policy::Pin::is_attempt(&entered) {
            match call::with_writer(ctx, |store, ctx| {
                call::enter_pin(ctx, store, &ext, &entered)
            }) {
                Ok(entry) => entry,
                Err(e) => {
                    ctx.console.warn(format_args!("agi: {e}"));
                    return finish(session, summary, "error", Some(&agi.goodbye_prompt), None);
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
                return finish(
                    session,
                    summary,
                    "granted",
                    Some(&agi.granted_prompt),
                    Some(grant.until),
                );
            }
            Entry::NotNeeded => {
                return finish(
                    session,
                    summary,
                    "not_protected",
                    Some(&agi.goodbye_prompt),
                    None,
                );
            }
            Entry::LockedOut { .. } | Entry::Refused { .. } => {
                return finish(
                    session,
                    summary,
                    "locked_out",
                    Some(&agi.refused_prompt),
                    None,
                );
            }
            Entry::Wrong { .. } => {
                wrong += 1;
                session.act(&Command::StreamFile(&agi.wrong_pin_prompt))?;
                if wrong >= agi.pin_tries {
                    return finish(
                        session,
                        summary,
                        "wrong_pin",
                        Some(&agi.goodbye_prompt),
                        None,
                    );
                }
            }
        }
    }
}

/// Plays the PIN prompt and collects digits. `None` for an empty entry (a
/// bare `#`) or silence until the timeout: not a wrong PIN.
fn get_pin<R: BufRead, W: Write>(
    session: &mut Session<'_, R, W>,
    agi: &AgiSettings,
) -> SessionResult<Option<Zeroizing<String>>> {
    let reply = session.send(&Command::GetData {
        prompt: &agi.pin_prompt,
        timeout_ms: agi.pin_timeout_seconds * 1000,
        max_digits: crate::policy::Pin::MAX_LEN as u32,
    })?;
    match reply {
        Reply::Gone => Err(SessionEnd::Gone),
        Reply::Failed(why) => Err(SessionEnd::Protocol(ProtocolError(format!(
            "GET DATA failed: {why}"
        )))),
        Reply::Ok { result, .. } => {
            let result = Zeroizing::new(result);
            Ok(match Entered::from_result(&result) {
                Entered::Nothing => None,
                Entered::Digits(d) => Some(Zeroizing::new(d)),
            })
        }
    }
}

/// Sets the result variables, plays `prompt` and hangs up.
fn finish<R: BufRead, W: Write>(
    session: &mut Session<'_, R, W>,
    summary: &mut CallSummary,
    result: &str,
    prompt: Option<&str>,
    until: Option<Timestamp>,
) -> SessionResult<()> {
    summary.result = result.into();
    session.set(RESULT, result)?;
    session.set(UNTIL, &until.map(Timestamp::to_rfc3339).unwrap_or_default())?;
    if let Some(prompt) = prompt {
        session.act(&Command::StreamFile(prompt))?;
    }
    session.act(&Command::Hangup)
}

/// No core dump and no ptrace from other users: a PIN entered in a call
/// must not end up in a file.
pub fn protect_memory() {
    // SAFETY: plain system calls with constant arguments.
    unsafe {
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &none);
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// SIGHUP from Asterisk: the caller hung up.
static HANGUP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sighup(_: libc::c_int) {
    HANGUP.store(true, Ordering::SeqCst);
}

/// `pinprotect agi`: one call on standard input and output.
pub fn run(ctx: &mut Ctx<'_>, argv: &[String]) -> Result<ExitCode> {
    protect_memory();
    ctx.console.escape_messages();
    // SAFETY: the handler only stores to an atomic.
    unsafe {
        libc::signal(
            libc::SIGHUP,
            on_sighup as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
    let started = Instant::now();
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut session = Session::new(stdin.lock(), stdout.lock(), &HANGUP);
    let summary = run_call(ctx, &mut session, argv);
    ctx.console
        .info(format_args!("agi: {}", summary.line(started)));
    Ok(ExitCode::Success)
}
