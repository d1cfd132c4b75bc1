//! `pinprotect check` and `pinprotect dial`: the PBX's decision for a call,
//! and the feature-code PIN entry that unlocks outbound calling.

use std::io::Write;
use std::time::Duration;

use serde::Serialize;
use zeroize::Zeroizing;

use super::{Ctx, read_stdin_line};
use crate::cli::CheckFormat;
use crate::console::Tone;
use crate::error::IoContext;
use crate::error::{Error, ExitCode, Result};
use crate::events::EventKind;
use crate::lockout::{Attempt, attempt};
use crate::policy::{
    Decision, DialPlan, DialedNumber, Extension, Grant, Pin, PinDuration, Reason, Timestamp, decide,
};
use crate::store::{Access, BUSY_TIMEOUT, Reader, Store};

/// Where `dial` gets the PIN entered after the feature code.
pub enum PinSource {
    /// A hidden prompt on a terminal, else the first line of standard input.
    Interactive,
    /// A PIN typed by a script, such as the demo.
    Given(String),
}

impl PinSource {
    fn read(&mut self, ext: &Extension, stdin_is_terminal: bool) -> Result<Zeroizing<String>> {
        match self {
            PinSource::Given(s) => Ok(Zeroizing::new(std::mem::take(s))),
            PinSource::Interactive if stdin_is_terminal => {
                super::hidden_pin_entry(&format!("Voicemail PIN for extension {ext}"))?
                    .ok_or_else(|| Error::invalid("no PIN entered (Ctrl-D); nothing counted"))
            }
            PinSource::Interactive => match read_stdin_line()? {
                Some(line) if !line.is_empty() => Ok(line),
                _ => Err(super::no_pin_on_stdin("pinprotect dial EXT 7777")),
            },
        }
    }
}

/// How long a command that may be answering an emergency call waits for
/// another process's lock before it answers from the built-in list.
const EMERGENCY_BUSY_TIMEOUT: Duration = Duration::from_secs(1);

/// The decision for `ext` calling `number` now; an `ext` pinprotect does
/// not know gets `unknown_extension`, permitted or not as the
/// `unknown_extensions` setting says (emergency numbers always).
fn decision(
    reader: Reader<'_>,
    now: Timestamp,
    plan: &DialPlan,
    ext: &Extension,
    number: &DialedNumber,
) -> Result<Decision> {
    if let Some(mut d) = plan.emergency_decision(number) {
        // Nothing about the caller may stand in the way; its grant is
        // reported when it can be read.
        if let Ok(Some(caller)) = reader.extension(ext) {
            d.unlocked_until = caller.protection.state(now).unlocked_until();
        }
        return Ok(d);
    }
    let Some(caller) = reader.extension(ext)? else {
        return Ok(plan.unknown_caller_decision(number));
    };
    let mut lookup_error = None;
    let d = decide(plan, &caller.protection, number, now, |e| {
        reader.exists(e).unwrap_or_else(|err| {
            lookup_error = Some(err);
            false
        })
    });
    match lookup_error {
        Some(err) => Err(err),
        None => Ok(d),
    }
}

/// Opens the database for a call to `number`; a number that may be an
/// emergency number waits less for a lock, so that it is answered soon.
fn open_for_call(ctx: &Ctx<'_>, number: &DialedNumber, access: Access) -> Result<Store> {
    Store::open_with(&ctx.db, access, busy_for(ctx, number))
}

/// `1 more wrong PIN locks PIN entry`, `2 more wrong PINs lock PIN entry`.
fn more_wrong_pins(remaining: u32) -> String {
    if remaining == 1 {
        "1 more wrong PIN locks PIN entry".into()
    } else {
        format!("{remaining} more wrong PINs lock PIN entry")
    }
}

fn busy_for(ctx: &Ctx<'_>, number: &DialedNumber) -> Duration {
    if DialPlan::is_built_in_emergency(number) || ctx.remembers_emergency(number) {
        EMERGENCY_BUSY_TIMEOUT
    } else {
        BUSY_TIMEOUT
    }
}

/// Emergency first: when the database cannot answer (missing, unreadable,
/// busy, damaged, foreign, a server gone), a built-in emergency number is
/// still permitted, and in a server one of the emergency numbers it last
/// read too, with a warning that says why. Any other number gets the error.
pub fn emergency_despite(
    ctx: &mut Ctx<'_>,
    number: &DialedNumber,
    err: Error,
) -> Result<(DialPlan, Decision)> {
    let remembered = ctx.remembered_plan();
    if DialPlan::is_built_in_emergency(number) {
        ctx.console.warn(format_args!(
            "{err}; {number} is a built-in emergency number, so the call is permitted"
        ));
    } else if remembered.as_ref().is_some_and(|p| p.is_emergency(number)) {
        ctx.console.warn(format_args!(
            "{err}; {number} is an emergency number of the settings last read, so the call is permitted"
        ));
    } else {
        return Err(err);
    }
    let plan = remembered.unwrap_or_default();
    let d = Decision {
        permitted: true,
        reason: Reason::Emergency,
        unlocked_until: None,
    };
    Ok((plan, d))
}

fn explain(plan: &DialPlan, ext: &Extension, number: &DialedNumber, d: &Decision) -> String {
    match d.reason {
        Reason::Emergency => {
            format!("{number} is an emergency number; emergency calls are never blocked")
        }
        Reason::FeatureCode => format!("{number} is the pin protect feature code"),
        Reason::Internal => format!("{number} is an internal extension"),
        Reason::NotProtected => format!("extension {ext} is not pin protected"),
        Reason::Unlocked => match d.unlocked_until {
            Some(t) => format!(
                "extension {ext} is unlocked until {}",
                crate::localtime::shown(t)
            ),
            None => format!("extension {ext} is unlocked"),
        },
        Reason::Locked => format!(
            "extension {ext} is pin protected and locked; dial {} and enter the voicemail PIN first",
            plan.feature_code
        ),
        Reason::UnknownExtension => format!(
            "extension {ext} is not in pinprotect's database, and unknown_extensions is {}",
            plan.unknown_extensions.name()
        ),
    }
}

/// On the command line an extension pinprotect does not know is an error
/// (exit 3) unless `unknown_extensions` permits its call.
fn unknown_denied(ext: &Extension, d: &Decision) -> Result<()> {
    if is_unknown_denied(d) {
        return Err(Error::UnknownExtensions(vec![ext.clone()]));
    }
    Ok(())
}

fn is_unknown_denied(d: &Decision) -> bool {
    d.reason == Reason::UnknownExtension && !d.permitted
}

fn exit_for(d: &Decision) -> ExitCode {
    if d.permitted {
        ExitCode::Success
    } else {
        ExitCode::Denied
    }
}

#[derive(Serialize)]
struct CheckJson<'a> {
    extension: &'a str,
    number: &'a str,
    permitted: bool,
    reason: &'static str,
    #[serde(serialize_with = "crate::output::rfc3339")]
    unlocked_until: Option<Timestamp>,
}

/// The decision for `ext` calling `number` now, as `check` gives it:
/// emergency numbers first (also when the database cannot answer), then
/// the rule. The same for `check`, `agi` and `serve`.
pub fn call_decision(
    ctx: &mut Ctx<'_>,
    ext: &Extension,
    number: &DialedNumber,
) -> Result<(DialPlan, Decision)> {
    let (ext, called) = (ext.clone(), number.clone());
    let now = ctx.now;
    let answer = with_reader_within(ctx, number, move |store| {
        let plan = store.read().settings()?.plan;
        let d = decision(store.read(), now, &plan, &ext, &called)?;
        Ok((plan, d))
    });
    match answer {
        Ok(answer) => {
            ctx.remember_plan(&answer.0);
            Ok(answer)
        }
        Err(err) => emergency_despite(ctx, number, err),
    }
}

/// The emergency answer for a caller that is not an extension number at
/// all (a caller ID such as `anonymous`): `None` for any other number.
pub fn emergency_only(ctx: &mut Ctx<'_>, number: &DialedNumber) -> Result<Option<Decision>> {
    match with_reader_within(ctx, number, |store| store.read().settings()) {
        Ok(settings) => {
            ctx.remember_plan(&settings.plan);
            Ok(settings.plan.emergency_decision(number))
        }
        Err(err) => emergency_despite(ctx, number, err).map(|(_, d)| Some(d)),
    }
}

/// [`with_reader`] with a limit on the whole: on PostgreSQL `f` runs on a
/// thread of its own and the call waits at most twice its lock wait (and
/// half a second), so that a server that accepted a connection and then
/// stopped answering (a stuck postmaster, a frozen disk) keeps no call, an
/// emergency call least of all, waiting. A thread that never returns holds
/// a pooled connection, of which there are few. (A SQLite file has its
/// busy timeout.)
fn with_reader_within<T: Send + 'static>(
    ctx: &Ctx<'_>,
    number: &DialedNumber,
    f: impl FnOnce(&Store) -> Result<T> + Send + 'static,
) -> Result<T> {
    if ctx.db.file().is_some() {
        return with_reader(ctx, number, |store, _| f(store));
    }
    let busy = busy_for(ctx, number);
    let (db, pool) = (ctx.db.clone(), ctx.pool.clone());
    within(&ctx.db, busy, move || match pool {
        Some(pool) => pool.get(busy).and_then(|store| f(&store)),
        None => Store::open_with(&db, Access::Read, busy).and_then(|store| f(&store)),
    })
}

/// Runs `work`, which waits at most `busy` for locks, on a thread of its
/// own, and waits for it at most twice that (and half a second): the
/// database error of a server that stopped answering when it takes
/// longer. `work` goes on by itself; it holds what it holds (a pooled
/// connection) until the server answers or the connection breaks.
pub fn within<T: Send + 'static>(
    db: &crate::store::Location,
    busy: Duration,
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let limit = busy * 2 + Duration::from_millis(500);
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("pinprotect-db".into())
        .spawn(move || {
            let _ = tx.send(work());
        });
    if let Err(e) = spawned {
        return Err(Error::system("cannot start a thread for the database", e));
    }
    rx.recv_timeout(limit).unwrap_or_else(|_| {
        Err(Error::database(
            format!(
                "the database at {db} did not answer within {:.1} s",
                limit.as_secs_f64()
            ),
            Some("check that PostgreSQL runs and is not stuck; calls to emergency numbers are still permitted".into()),
        ))
    })
}

/// Runs `f` on a read-only connection for a call to `number`: the server's
/// pooled one, or a new one.
fn with_reader<T>(
    ctx: &Ctx<'_>,
    number: &DialedNumber,
    f: impl FnOnce(&Store, &Ctx<'_>) -> Result<T>,
) -> Result<T> {
    match ctx.pool.clone() {
        Some(pool) => f(&*pool.get(busy_for(ctx, number))?, ctx),
        None => f(&open_for_call(ctx, number, Access::Read)?, ctx),
    }
}

/// Runs `f` on a connection for a change: the server's pooled one, its
/// writes one at a time, or a new one.
pub fn with_writer<T>(
    ctx: &Ctx<'_>,
    f: impl FnOnce(&mut Store, &Ctx<'_>) -> Result<T>,
) -> Result<T> {
    match ctx.pool.clone() {
        Some(pool) => pool.write(BUSY_TIMEOUT, |store| f(store, ctx)),
        None => f(&mut Store::open(&ctx.db)?, ctx),
    }
}

/// Runs `f` on a connection for reading settings and records: the
/// server's pooled one, or a new one.
pub fn with_store<T>(ctx: &Ctx<'_>, f: impl FnOnce(&Store, &Ctx<'_>) -> Result<T>) -> Result<T> {
    match ctx.pool.clone() {
        Some(pool) => f(&*pool.get(BUSY_TIMEOUT)?, ctx),
        None => f(&Store::open(&ctx.db)?, ctx),
    }
}

pub fn check(
    ctx: &mut Ctx<'_>,
    ext: &Extension,
    number: &DialedNumber,
    format: CheckFormat,
) -> Result<ExitCode> {
    let (plan, d) = call_decision(ctx, ext, number)?;
    // A script reading JSON gets its answer for an unknown extension too;
    // the text form leaves it to the error. The error and its exit code
    // follow either way.
    match format {
        CheckFormat::Json => {
            let json = CheckJson {
                extension: ext.as_str(),
                number: number.as_str(),
                permitted: d.permitted,
                reason: d.reason.name(),
                unlocked_until: d.unlocked_until,
            };
            let out = ctx.console.out();
            serde_json::to_writer(&mut *out, &json)?;
            out.write_all(b"\n").writing_output()?;
        }
        CheckFormat::Text if !ctx.console.quiet() && !is_unknown_denied(&d) => {
            let verdict = if d.permitted {
                ctx.console.paint_out(Tone::Good, "permitted")
            } else {
                ctx.console.paint_out(Tone::Bad, "denied")
            };
            let why = explain(&plan, ext, number, &d);
            writeln!(ctx.console.out(), "{verdict}: {why}").writing_output()?;
        }
        CheckFormat::Text => {}
    }
    unknown_denied(ext, &d)?;
    Ok(exit_for(&d))
}

/// Checks a PIN entered after the feature code for `ext`, in one IMMEDIATE
/// transaction: the lockout is read, counted and updated, the PIN compared
/// and the grant recorded together, so that parallel entries from many
/// processes are counted one after the other and no more than the allowed
/// number of wrong PINs is ever compared. The same for `dial`, `agi` and
/// `serve`.
pub fn enter_pin(
    ctx: &Ctx<'_>,
    store: &mut Store,
    ext: &Extension,
    entered: &str,
) -> Result<Entry> {
    let now = ctx.now;
    store.write(|w| {
        let lockout = w.read().settings()?.lockout;
        let rec = w.read().require(ext)?;
        let (outcome, state) = attempt(lockout, rec.entry, now, || rec.pin.matches(entered));
        if state != rec.entry {
            w.set_pin_entry(ext, state)?;
        }
        let detail = |d: String| ctx.with_origin(d);
        Ok(match outcome {
            Attempt::Refused { until } => {
                ctx.log(
                    w,
                    EventKind::PinEntryRefused,
                    Some(ext),
                    detail(format!("locked out until {until}")),
                )?;
                Entry::Refused { until }
            }
            Attempt::Wrong { remaining } => {
                ctx.log(
                    w,
                    EventKind::WrongPin,
                    Some(ext),
                    detail(more_wrong_pins(remaining)),
                )?;
                Entry::Wrong { remaining }
            }
            Attempt::LockedOut { until } => {
                ctx.log(w, EventKind::WrongPin, Some(ext), detail(String::new()))?;
                ctx.log(
                    w,
                    EventKind::Lockout,
                    Some(ext),
                    detail(format!("until {until}")),
                )?;
                Entry::LockedOut { until }
            }
            Attempt::Accepted => match (rec.protection.enabled, rec.protection.duration) {
                (true, Some(duration)) => {
                    let grant = Grant::start(now, duration);
                    w.set_grant(ext, grant)?;
                    ctx.log(
                        w,
                        EventKind::Grant,
                        Some(ext),
                        detail(format!("until {}", grant.until)),
                    )?;
                    Entry::Granted(grant, duration)
                }
                _ => Entry::NotNeeded,
            },
        })
    })
}

/// What a PIN entry did.
pub enum Entry {
    Granted(Grant, PinDuration),
    NotNeeded,
    Wrong { remaining: u32 },
    LockedOut { until: crate::policy::Timestamp },
    Refused { until: crate::policy::Timestamp },
}

/// What `dial` prints for a number that is not the feature code.
fn print_connected(
    ctx: &mut Ctx<'_>,
    plan: &DialPlan,
    ext: &Extension,
    digits: &DialedNumber,
    d: &Decision,
) -> Result<()> {
    if !ctx.console.quiet() {
        let verdict = if d.permitted {
            ctx.console.paint_out(Tone::Good, "connected")
        } else {
            ctx.console.paint_out(Tone::Bad, "blocked")
        };
        let why = explain(plan, ext, digits, d);
        writeln!(ctx.console.out(), "{verdict}: {ext} -> {digits}: {why}").writing_output()?;
    }
    Ok(())
}

pub fn dial(
    ctx: &mut Ctx<'_>,
    ext: &Extension,
    digits: &DialedNumber,
    pin: &mut PinSource,
) -> Result<ExitCode> {
    let opened = (|| {
        let store = open_for_call(ctx, digits, Access::Write)?;
        let settings = store.read().settings()?;
        Ok((store, settings))
    })();
    let (mut store, settings) = match opened {
        Ok(opened) => opened,
        Err(err) => {
            let (plan, d) = emergency_despite(ctx, digits, err)?;
            print_connected(ctx, &plan, ext, digits, &d)?;
            return Ok(exit_for(&d));
        }
    };
    let plan = settings.plan.clone();
    // Emergency first: not even a refused clock stands in the way.
    if let Some(d) = plan.emergency_decision(digits) {
        print_connected(ctx, &plan, ext, digits, &d)?;
        return Ok(exit_for(&d));
    }
    ctx.allow_change(&settings)?;
    if !plan.feature_code.is_dialed(digits) {
        let d = decision(store.read(), ctx.now, &plan, ext, digits)?;
        unknown_denied(ext, &d)?;
        print_connected(ctx, &plan, ext, digits, &d)?;
        return Ok(exit_for(&d));
    }
    if !store.read().exists(ext)? {
        return Err(Error::UnknownExtensions(vec![ext.clone()]));
    }
    let entered = pin.read(ext, ctx.console.stdin_is_terminal())?;
    // The entry happens now, not when the prompt was shown.
    ctx.tick();
    if !Pin::is_attempt(&entered) {
        // Not even a try: the lockout does not count it.
        return Err(Error::invalid_with_hint(
            "that is not a PIN: a PIN is digits only; nothing was counted",
            "enter the extension's voicemail PIN, digits 0 to 9",
        ));
    }
    let entry = enter_pin(ctx, &mut store, ext, &entered)?;
    let c = &ctx.console;
    let (code, line) = match entry {
        Entry::Granted(g, duration) => (
            ExitCode::Success,
            format!(
                "{}: extension {ext} may place outbound calls until {} ({duration})",
                c.paint_out(Tone::Good, "PIN accepted"),
                crate::localtime::shown(g.until),
            ),
        ),
        Entry::NotNeeded => (
            ExitCode::Success,
            format!(
                "{}: extension {ext} is not pin protected, so no PIN is needed for outbound calls",
                c.paint_out(Tone::Good, "PIN accepted")
            ),
        ),
        Entry::Wrong { remaining } => (
            ExitCode::Denied,
            format!(
                "{}: nothing granted; outbound calls from extension {ext} stay as they were \
                 ({})",
                c.paint_out(Tone::Bad, "wrong PIN"),
                more_wrong_pins(remaining)
            ),
        ),
        Entry::LockedOut { until } => (
            ExitCode::Denied,
            format!(
                "{}: too many wrong PINs; PIN entry for extension {ext} is locked until {}",
                c.paint_out(Tone::Bad, "wrong PIN"),
                crate::localtime::shown(until)
            ),
        ),
        Entry::Refused { until } => (
            ExitCode::Denied,
            format!(
                "{}: PIN entry for extension {ext} is locked after too many wrong PINs; try again at {}",
                c.paint_out(Tone::Bad, "locked out"),
                crate::localtime::shown(until)
            ),
        ),
    };
    if !ctx.console.quiet() {
        writeln!(ctx.console.out(), "{line}").writing_output()?;
    }
    Ok(code)
}
