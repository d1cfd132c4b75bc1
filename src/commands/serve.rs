//! `pinprotect serve`: a FastAGI server. Every call gets a thread of its
//! own, so one slow or stuck call never delays another; the calls
//! themselves are [`super::agi`]'s, the same as `pinprotect agi`.

use std::io::BufReader;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::agi::{Session, protect_memory, run_call};
use super::{Ctx, system_now};
use crate::cli::ColorChoice;
use crate::console::Console;
use crate::error::{Error, ExitCode, Result};
use crate::net::Cidr;
use crate::policy::Timestamp;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: Vec<SocketAddr>,
    pub allow: Vec<Cidr>,
    /// Calls at once; a connection beyond is closed at once.
    pub max_calls: usize,
    /// How long a peer may take to send its environment block.
    pub hello_timeout: Duration,
    /// How long a reply may take once the call runs (GET DATA waits for a
    /// person).
    pub reply_timeout: Duration,
    /// How long calls in progress may take to finish after SIGTERM.
    pub grace: Duration,
}

impl ServeOptions {
    pub const DEFAULT_LISTEN: &str = "127.0.0.1:4573";
}

/// Set by SIGTERM and SIGINT.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_stop(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// A caller hanging up over FastAGI arrives as a `HANGUP` line, never as a
/// signal: this flag stays false.
static NO_SIGNAL: AtomicBool = AtomicBool::new(false);

struct Shared {
    db: PathBuf,
    pool: Arc<crate::store::ConnectionPool>,
    given_now: Option<Timestamp>,
    quiet: bool,
    options: ServeOptions,
    active: AtomicUsize,
}

/// Decrements the count of active calls when a call's thread ends.
struct Active<'a>(&'a AtomicUsize);

impl Drop for Active<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn say(quiet: bool, line: std::fmt::Arguments<'_>) {
    if !quiet {
        eprintln!("serve: {line}");
    }
}

fn handle(shared: &Shared, stream: TcpStream, peer: SocketAddr) {
    let started = Instant::now();
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(shared.options.hello_timeout));
    let _ = stream.set_write_timeout(Some(shared.options.reply_timeout));
    let Ok(reader) = stream.try_clone() else {
        return;
    };
    let mut console = Console::new(ColorChoice::Never, shared.quiet);
    let mut ctx = Ctx::new(
        shared.db.clone(),
        shared.given_now,
        system_now(),
        &mut console,
    );
    ctx.pool = Some(Arc::clone(&shared.pool));
    let mut session = Session::new(BufReader::new(reader), &stream, &NO_SIGNAL);
    let reply_timeout = shared.options.reply_timeout;
    let timed = &stream;
    session.on_environment(move || {
        let _ = timed.set_read_timeout(Some(reply_timeout));
    });
    let summary = run_call(&mut ctx, &mut session);
    let _ = stream.shutdown(std::net::Shutdown::Both);
    say(
        shared.quiet,
        format_args!("{peer} {}", summary.line(started)),
    );
}

/// Waits until `listener` has a connection, or 100 ms pass (so that a stop
/// is seen soon).
fn wait_readable(listener: &TcpListener) {
    use std::os::fd::AsRawFd;
    let mut fd = libc::pollfd {
        fd: listener.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd for the duration of the call.
    unsafe {
        libc::poll(&mut fd, 1, 100);
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>, rejected: Arc<AtomicUsize>) {
    while !STOP.load(Ordering::SeqCst) {
        let (stream, peer) = match listener.accept() {
            Ok(conn) => conn,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                wait_readable(&listener);
                continue;
            }
            Err(e) => {
                say(shared.quiet, format_args!("accept failed: {e}"));
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let _ = stream.set_nonblocking(false);
        if !shared.options.allow.iter().any(|c| c.contains(peer.ip())) {
            let n = rejected.fetch_add(1, Ordering::SeqCst) + 1;
            say(
                shared.quiet,
                format_args!("{peer} refused: not in --allow ({n} refused so far)"),
            );
            drop(stream);
            continue;
        }
        if shared.active.load(Ordering::SeqCst) >= shared.options.max_calls {
            say(
                shared.quiet,
                format_args!(
                    "{peer} refused: {} calls in progress already",
                    shared.options.max_calls
                ),
            );
            drop(stream);
            continue;
        }
        shared.active.fetch_add(1, Ordering::SeqCst);
        let shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("call".into())
            .stack_size(256 * 1024)
            .spawn(move || {
                let _active = Active(&shared.active);
                handle(&shared, stream, peer);
            });
        if let Err(e) = spawned {
            say(true, format_args!("cannot start a thread: {e}"));
        }
    }
}

/// `pinprotect serve`.
pub fn run(
    ctx: &mut Ctx<'_>,
    options: ServeOptions,
    given_now: Option<Timestamp>,
) -> Result<ExitCode> {
    protect_memory();
    // One thread per call: without a cap, glibc gives threads arenas of
    // their own and the resident size creeps up with the calls served.
    // SAFETY: a setting of the allocator, made before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
    // The database must be there before the first call.
    crate::store::Store::open(&ctx.db)?;
    let mut listeners = Vec::new();
    for addr in &options.listen {
        let listener = TcpListener::bind(addr).map_err(|e| {
            Error::invalid_with_hint(
                format!("cannot listen on {addr}: {e}"),
                "choose another --listen address or port, or stop what uses it",
            )
        })?;
        listener
            .set_nonblocking(true)
            .map_err(|e| Error::invalid(format!("cannot listen on {addr}: {e}")))?;
        listeners.push(listener);
    }
    // SAFETY: the handler only stores to an atomic.
    unsafe {
        let handler = on_stop as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::signal(libc::SIGTERM, handler);
        libc::signal(libc::SIGINT, handler);
    }
    let quiet = ctx.console.quiet();
    let shared = Arc::new(Shared {
        db: ctx.db.clone(),
        pool: Arc::new(crate::store::ConnectionPool::new(&ctx.db)),
        given_now,
        quiet,
        options: options.clone(),
        active: AtomicUsize::new(0),
    });
    let rejected = Arc::new(AtomicUsize::new(0));
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
            crate::text::path(&ctx.db),
            options
                .allow
                .iter()
                .map(Cidr::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    let threads: Vec<_> = listeners
        .into_iter()
        .map(|l| {
            let shared = Arc::clone(&shared);
            let rejected = Arc::clone(&rejected);
            std::thread::spawn(move || accept_loop(l, shared, rejected))
        })
        .collect();
    for t in threads {
        let _ = t.join();
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
