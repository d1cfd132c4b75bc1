//! `pinprotect serve`: a FastAGI server. Every call gets a thread of its
//! own (one waiting for calls, or a new one), so one slow or stuck call
//! never delays another; the calls
//! themselves are [`super::answer`]'s, the same as `pinprotect agi`.

use std::cell::Cell;
use std::collections::VecDeque;
use std::io::{BufReader, Read};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::answer::answer_call;
use super::{Ctx, system_now};
use crate::agi::session::{Session, SessionEnd};
use crate::console::Console;
use crate::error::{Error, ExitCode, Result};
use crate::net::Cidr;
use crate::sync::locked;
use crate::sys::Signal;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: Vec<crate::net::ListenAddr>,
    pub allow: Vec<Cidr>,
    /// Calls at once (past their environment block); a call beyond is
    /// closed at once. Peers still sending their block are as many again
    /// at most (at least 32), apart from these.
    pub max_calls: usize,
    /// How long a peer may take to send its whole environment block.
    pub hello_timeout: Duration,
    /// How long a reply may take once the call runs (GET DATA waits for a
    /// person).
    pub reply_timeout: Duration,
    /// How long calls in progress may take to finish after SIGTERM.
    pub grace: Duration,
    /// Where to answer `GET /metrics` and `GET /healthz`, if anywhere.
    pub metrics: Option<SocketAddr>,
}

impl ServeOptions {
    pub const DEFAULT_LISTEN: &str = "127.0.0.1:4573";
    pub const DEFAULT_MAX_CALLS: u32 = 256;
}

/// Whether SIGTERM or SIGINT asked the server to stop.
fn stopping() -> bool {
    crate::sys::received(Signal::Terminate) || crate::sys::received(Signal::Interrupt)
}

/// A caller hanging up over FastAGI arrives as a `HANGUP` line, never as a
/// signal: this flag stays false.
static NO_SIGNAL: AtomicBool = AtomicBool::new(false);

struct Shared {
    db: crate::store::Location,
    pool: Arc<crate::store::ConnectionPool>,
    /// The dial plan last read: emergency numbers when the database fails.
    known_plan: Arc<Mutex<Option<crate::policy::DialPlan>>>,
    quiet: bool,
    options: ServeOptions,
    /// Calls past their environment block.
    active: Arc<AtomicUsize>,
    /// What `--metrics` shows.
    metrics: Arc<super::monitor::Metrics>,
    /// Peers still sending their environment block.
    greeting: Mutex<Greeting>,
    /// Connections refused for their address.
    rejected: AtomicUsize,
}

/// Peers still sending their environment block, oldest first.
///
/// A real Asterisk sends its block at once; a peer that has not finished
/// it is slow, broken or hostile. Such peers do not take the places of
/// calls (`--max-calls` counts calls past their block), and there are at
/// most as many of them as calls (at least [`Greeting::AT_LEAST`], so that
/// a small `--max-calls` never drops a real call that arrived a moment
/// before another): when that many are waiting, the oldest is dropped to
/// make room for the newcomer. So no number of slow peers keeps a call,
/// an emergency call above all, from being answered, and the threads a
/// server holds stay bounded.
#[derive(Default)]
struct Greeting {
    next: u64,
    peers: VecDeque<(u64, TcpStream)>,
}

impl Greeting {
    const AT_LEAST: usize = 32;

    /// How many peers may be sending their block at once.
    fn places(max_calls: usize) -> usize {
        max_calls.max(Self::AT_LEAST)
    }
}

/// A peer's place among those still sending their block; given up when
/// dropped.
struct Greeter<'a> {
    shared: &'a Shared,
    id: u64,
}

impl<'a> Greeter<'a> {
    /// Takes a place for `stream`, dropping the oldest peer still greeting
    /// when all places are taken. `None` when the stream cannot be kept.
    fn admit(shared: &'a Shared, stream: &TcpStream) -> Option<Greeter<'a>> {
        let watched = stream.try_clone().ok()?;
        let mut greeting = locked(&shared.greeting);
        while greeting.peers.len() >= Greeting::places(shared.options.max_calls) {
            let Some((_, oldest)) = greeting.peers.pop_front() else {
                break;
            };
            // Its thread's read ends at once; it says why.
            let _ = oldest.shutdown(Shutdown::Both);
        }
        greeting.next += 1;
        let id = greeting.next;
        greeting.peers.push_back((id, watched));
        Some(Greeter { shared, id })
    }

    /// Whether this peer was dropped to make room for another.
    fn dropped(&self) -> bool {
        let greeting = locked(&self.shared.greeting);
        !greeting.peers.iter().any(|(id, _)| *id == self.id)
    }
}

impl Drop for Greeter<'_> {
    fn drop(&mut self) {
        let mut greeting = locked(&self.shared.greeting);
        greeting.peers.retain(|(id, _)| *id != self.id);
    }
}

/// The call's socket, read with one deadline for the whole environment
/// block (a peer that sends a byte every few seconds cannot stretch it),
/// then with a limit per read once the call runs.
struct CallStream<'a> {
    stream: &'a TcpStream,
    deadline: &'a Cell<Option<Instant>>,
}

impl Read for CallStream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some(deadline) = self.deadline.get() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(std::io::ErrorKind::TimedOut.into());
            }
            self.stream.set_read_timeout(Some(left))?;
        }
        (&mut &*self.stream).read(buf)
    }
}

/// Decrements the count of active calls when a call's thread ends.
struct Active<'a>(&'a AtomicUsize);

impl Drop for Active<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One line on stderr, written at once; anything a peer sent that it
/// quotes is escaped, so that no peer can forge or rewrite journal lines.
fn say(quiet: bool, line: std::fmt::Arguments<'_>) {
    say_at(quiet, Priority::Info, line);
}

/// How a line matters, for journald when stderr goes to it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Priority {
    Error,
    Warning,
    Info,
}

/// [`say`] at `priority`: when standard error is the journal, warnings and
/// errors carry syslog's `<4>` and `<3>`, so that `journalctl -p warning`
/// shows them.
fn say_at(quiet: bool, priority: Priority, line: std::fmt::Arguments<'_>) {
    if !quiet {
        use std::io::Write;
        let prefix = match priority {
            Priority::Error => crate::console::journal_priority("<3>"),
            Priority::Warning => crate::console::journal_priority("<4>"),
            Priority::Info => "",
        };
        let line = format!(
            "{prefix}serve: {}\n",
            crate::text::escaped(&line.to_string())
        );
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}

fn handle(shared: &Shared, stream: TcpStream, peer: SocketAddr) {
    let started = Instant::now();
    let Some(greeter) = Greeter::admit(shared, &stream) else {
        say(
            shared.quiet,
            format_args!("{peer} refused: its connection cannot be watched"),
        );
        return;
    };
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(shared.options.reply_timeout));
    let deadline = Cell::new(Some(started + shared.options.hello_timeout));
    let mut console = Console::for_call(shared.quiet);
    let mut ctx = Ctx::new(shared.db.clone(), None, system_now(), &mut console);
    ctx.pool = Some(Arc::clone(&shared.pool));
    ctx.known_plan = Some(Arc::clone(&shared.known_plan));
    // Lines are short; a long one is read in pieces.
    let reader = BufReader::with_capacity(
        1024,
        CallStream {
            stream: &stream,
            deadline: &deadline,
        },
    );
    let mut session = Session::new(reader, &stream, &NO_SIGNAL).with_deadline(&deadline);
    let env = match session.environment() {
        Ok(env) => env,
        Err(end) => {
            let why = match &end {
                _ if greeter.dropped() => {
                    "dropped to make room for a new call: its environment block was not whole yet"
                        .to_string()
                }
                SessionEnd::Io(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                    ) =>
                {
                    format!(
                        "dropped: no whole environment block within {} s",
                        shared.options.hello_timeout.as_secs()
                    )
                }
                SessionEnd::Gone => "closed before its environment block was whole".into(),
                end => format!("dropped: {end}"),
            };
            drop(session);
            drop(greeter);
            if !matches!(end, SessionEnd::Gone) {
                shared.metrics.slow_peer();
            }
            say(shared.quiet, format_args!("{peer} {why}"));
            return;
        }
    };
    drop(greeter);
    // A call now: it takes one of the places of `--max-calls`.
    let max = shared.options.max_calls;
    let taken = shared
        .active
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            (n < max).then_some(n + 1)
        });
    if taken.is_err() || stopping() {
        let why = if taken.is_ok() {
            shared.active.fetch_sub(1, Ordering::SeqCst);
            "the server is stopping".to_string()
        } else {
            format!("{max} calls in progress already")
        };
        say(shared.quiet, format_args!("{peer} refused: {why}"));
        return;
    }
    let _active = Active(&shared.active);
    deadline.set(None);
    let _ = stream.set_read_timeout(Some(shared.options.reply_timeout));
    let summary = answer_call(&mut ctx, &mut session, &env, &[]);
    drop(session);
    drop(stream);
    shared.metrics.call(
        &summary.request,
        &summary.result,
        started.elapsed(),
        summary.database_error,
    );
    let priority = match summary.result.as_str() {
        r if r.starts_with("error") => Priority::Error,
        "locked_out" => Priority::Warning,
        _ => Priority::Info,
    };
    say_at(
        shared.quiet,
        priority,
        format_args!("{peer} {}", summary.line(started)),
    );
}

/// Answers a call; a bug that panics while doing so ends that call only
/// (its peer is told `error` when it can be), and the server goes on.
fn answer_or_survive(shared: &Shared, stream: TcpStream, peer: SocketAddr) {
    let spare = stream.try_clone();
    let answered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        handle(shared, stream, peer)
    }));
    if answered.is_err() {
        say(
            shared.quiet,
            format_args!("{peer} ended by an internal error"),
        );
        if let Ok(mut stream) = spare {
            use std::io::Write;
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            if stream
                .write_all(b"SET VARIABLE PINPROTECT_RESULT \"error\"\n")
                .is_ok()
            {
                // Its reply, so that the variable is set before the close.
                let _ =
                    std::io::BufRead::read_line(&mut BufReader::new(&stream), &mut String::new());
            }
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

/// One listening socket and the threads that take its calls. A thread
/// waits in `accept`, takes the call that arrives and answers it itself;
/// when it was the last one waiting, it first starts another, so that a
/// slow or stuck call never keeps the next from being taken. After a call
/// a thread waits for the next one, unless enough others already do.
/// (Handing each call from one accepting thread to another costs a wake-up
/// and a context switch per call; starting a thread per call costs more
/// than the call itself.)
struct Listener {
    socket: TcpListener,
    /// Threads waiting in `accept` (or about to).
    waiting: AtomicUsize,
}

impl Listener {
    /// Threads started waiting for calls, and kept waiting after a burst:
    /// the server's size is set at the start, not by the busiest moment
    /// so far.
    const KEEP_WAITING: usize = 32;

    /// Starts a thread that takes calls.
    fn add_thread(self: &Arc<Self>, shared: &Arc<Shared>) -> std::io::Result<()> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let listener = Arc::clone(self);
        let shared_for_thread = Arc::clone(shared);
        let spawned = std::thread::Builder::new()
            .name("call".into())
            .stack_size(256 * 1024)
            .spawn(move || listener.take_calls(&shared_for_thread));
        if let Err(e) = spawned {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            say(shared.quiet, format_args!("cannot start a thread: {e}"));
            return Err(e);
        }
        Ok(())
    }

    fn take_calls(self: &Arc<Self>, shared: &Arc<Shared>) {
        loop {
            let accepted = self.socket.accept();
            if stopping() {
                // Stopping: a connection taken just now is closed unanswered.
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                return;
            }
            let (stream, peer) = match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    say(shared.quiet, format_args!("accept failed: {e}"));
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
            };
            // An accepted socket is blocking (on Linux it does not inherit
            // O_NONBLOCK; the listener is blocking anyway).
            if !shared.options.allow.iter().any(|c| c.contains(peer.ip())) {
                let n = shared.rejected.fetch_add(1, Ordering::SeqCst) + 1;
                say(
                    shared.quiet,
                    format_args!("{peer} refused: not in --allow ({n} refused so far)"),
                );
                continue;
            }
            if self.waiting.fetch_sub(1, Ordering::SeqCst) == 1 {
                // The last one waiting: another takes the next call.
                let _ = self.add_thread(shared);
            }
            answer_or_survive(shared, stream, peer);
            let back = self
                .waiting
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                    (n < Self::KEEP_WAITING).then_some(n + 1)
                });
            if back.is_err() || stopping() {
                if back.is_ok() {
                    self.waiting.fetch_sub(1, Ordering::SeqCst);
                }
                return;
            }
        }
    }

    /// Wakes every thread waiting in `accept` (Linux: a listening socket
    /// shut down for reading fails their `accept`).
    fn stop(&self) {
        crate::sys::stop_accepting(&self.socket);
    }
}

/// `pinprotect serve`.
pub fn run(ctx: &mut Ctx<'_>, options: ServeOptions) -> Result<ExitCode> {
    crate::sys::protect_memory();
    // A thread per call in progress.
    crate::sys::limit_allocator_arenas(2);
    // The database must be there before the first call; but a PostgreSQL
    // server that does not answer yet (a node booting during a failover)
    // does not keep the server from answering emergency calls meanwhile.
    if crate::store::Store::server_answers(&ctx.db, crate::store::BUSY_TIMEOUT) {
        crate::store::Store::open(&ctx.db)?;
    } else {
        ctx.console.warn(format_args!(
            "the PostgreSQL server of {} does not answer; serving anyway: calls to emergency numbers are permitted, others end in error until it answers",
            ctx.db
        ));
    }
    let mut listeners = Vec::new();
    for listen in &options.listen {
        let mut bound = 0;
        for addr in &listen.addrs {
            match TcpListener::bind(addr) {
                Ok(listener) => {
                    listeners.push(listener);
                    bound += 1;
                }
                // A name's address this host cannot use (`::1` with IPv6
                // turned off): its other addresses serve.
                Err(e)
                    if listen.addrs.len() > 1
                        && e.kind() == std::io::ErrorKind::AddrNotAvailable =>
                {
                    say(
                        ctx.console.quiet(),
                        format_args!("not listening on {addr} ({listen}): {e}"),
                    );
                }
                Err(e) => {
                    return Err(Error::invalid_with_hint(
                        format!("cannot listen on {addr} ({listen}): {e}"),
                        "choose another --listen address or port, or stop what uses it",
                    ));
                }
            }
        }
        if bound == 0 {
            return Err(Error::invalid_with_hint(
                format!("cannot listen on {listen}: none of its addresses is on this host"),
                "choose another --listen address",
            ));
        }
    }
    // SIGTERM and SIGINT stop the server; SIGHUP (a terminal gone, an
    // admin asking for a reload) must not.
    for signal in [Signal::Terminate, Signal::Interrupt, Signal::Hangup] {
        crate::sys::catch(signal);
    }
    let quiet = ctx.console.quiet();
    let shared = Arc::new(Shared {
        db: ctx.db.clone(),
        pool: Arc::new(crate::store::ConnectionPool::new(&ctx.db)),
        quiet,
        options: options.clone(),
        active: Arc::new(AtomicUsize::new(0)),
        metrics: Arc::new(super::monitor::Metrics::default()),
        greeting: Mutex::new(Greeting::default()),
        rejected: AtomicUsize::new(0),
        known_plan: Arc::new(Mutex::new(None)),
    });
    let addrs: Vec<String> = listeners
        .iter()
        .filter_map(|l| l.local_addr().ok())
        .map(|a| a.to_string())
        .collect();
    say(
        quiet,
        format_args!(
            "listening on {} for {} (allowed: {})",
            addrs.join(", "),
            ctx.db,
            options
                .allow
                .iter()
                .map(Cidr::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    let listeners: Vec<Arc<Listener>> = listeners
        .into_iter()
        .map(|socket| {
            Arc::new(Listener {
                socket,
                waiting: AtomicUsize::new(0),
            })
        })
        .collect();
    for l in &listeners {
        for _ in 0..Listener::KEEP_WAITING {
            l.add_thread(&shared)
                .map_err(|e| Error::system("start the threads that take calls", e))?;
        }
    }
    let _endpoint = match options.metrics {
        Some(addr) => {
            let active = Arc::clone(&shared.active);
            let endpoint = super::monitor::Endpoint::start(
                addr,
                Arc::clone(&shared.metrics),
                move || active.load(Ordering::SeqCst),
                ctx.db.clone(),
            )?;
            if let Some(at) = endpoint.local_addr() {
                say(
                    quiet,
                    format_args!("metrics on http://{at}/metrics and /healthz"),
                );
            }
            Some(endpoint)
        }
        None => None,
    };
    // systemd (Type=notify): ready now, and the watchdog fed from here on.
    let mut notifier = super::monitor::Notifier::ready();
    while !stopping() {
        std::thread::sleep(Duration::from_millis(50));
        notifier.tick();
        if crate::sys::take(Signal::Hangup) {
            say(
                quiet,
                format_args!(
                    "SIGHUP: nothing to reload, every call reads the settings from the database; still serving"
                ),
            );
        }
    }
    notifier.stopping();
    for l in &listeners {
        l.stop();
    }
    // Stopped: no new calls; those in progress may finish.
    let deadline = Instant::now() + options.grace;
    let mut in_progress = shared.active.load(Ordering::SeqCst);
    say(
        quiet,
        format_args!("stopping: {in_progress} calls in progress"),
    );
    while in_progress > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        in_progress = shared.active.load(Ordering::SeqCst);
    }
    if in_progress > 0 {
        say(
            quiet,
            format_args!(
                "stopped with {in_progress} calls still in progress after the grace period"
            ),
        );
    } else {
        say(quiet, format_args!("stopped"));
    }
    Ok(ExitCode::Success)
}
