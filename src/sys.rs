//! Every call into the operating system that the standard library does not
//! make for us: standard descriptors at start-up, signals, terminal
//! settings and size, SQLite-compatible byte-range locks, the process's
//! core-dump and ptrace settings, the allocator's arenas, the local time
//! zone's offset, and the program's entry point. Safe wrappers from `rustix` where it has them;
//! `libc` only for what it lacks, in the eight `unsafe` blocks of this
//! file, each with the reason it is sound.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, Ordering};

/// The program's entry point, `main` as the C runtime calls it.
///
/// Not Rust's own: its start-up opens `/dev/null` on a closed standard
/// output before `main` runs, so `export >&-` could not tell it was
/// closed; [`start_process`] does that part and remembers. The arguments
/// come from [`std::env::args_os`], which the standard library fills in
/// before any `main` on Linux.
#[macro_export]
macro_rules! entry_point {
    ($run:path) => {
        #[unsafe(no_mangle)]
        extern "C" fn main(
            _argc: std::ffi::c_int,
            _argv: *const *const std::ffi::c_char,
        ) -> std::ffi::c_int {
            $run()
        }
    };
}

/// Whether standard output was closed when the process started (`>&-`).
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Prepares the process before anything else: a standard stream that was
/// closed (`>&-`) is opened on `/dev/null`, so that no file opened later
/// takes its number, and a closed standard output is remembered (see
/// [`stdout_was_closed`]). SIGPIPE is ignored, so that a reader going away
/// (`| head`) is an error on write.
pub fn start_process() {
    for fd in 0..=2 {
        // SAFETY: fcntl, open, dup2 and close on plain descriptor numbers;
        // none of them touches memory of ours but the path, a valid C
        // string.
        unsafe {
            if libc::fcntl(fd, libc::F_GETFD) != -1 {
                continue;
            }
            if fd == libc::STDOUT_FILENO {
                STDOUT_CLOSED.store(true, Ordering::SeqCst);
            }
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC);
            if null >= 0 && null != fd {
                libc::dup2(null, fd);
                libc::close(null);
            } else if null == fd {
                // The lowest free number: already the right one; keep it
                // across exec like any standard stream.
                libc::fcntl(fd, libc::F_SETFD, 0);
            }
        }
    }
    set_disposition(Signal::Pipe, Disposition::Ignore);
}

/// Whether standard output was closed when the process started.
pub fn stdout_was_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::SeqCst)
}

/// The signals pinprotect handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Hangup,
    Interrupt,
    Terminate,
    Pipe,
}

impl Signal {
    const ALL: [Signal; 4] = [
        Signal::Hangup,
        Signal::Interrupt,
        Signal::Terminate,
        Signal::Pipe,
    ];

    fn number(self) -> libc::c_int {
        match self {
            Signal::Hangup => libc::SIGHUP,
            Signal::Interrupt => libc::SIGINT,
            Signal::Terminate => libc::SIGTERM,
            Signal::Pipe => libc::SIGPIPE,
        }
    }
}

/// One flag per signal, set by [`Disposition::Flag`]'s handler.
static RECEIVED: [AtomicBool; 4] = [const { AtomicBool::new(false) }; 4];

/// What a signal does.
enum Disposition {
    Default,
    Ignore,
    /// Sets the signal's flag ([`received`]).
    Flag,
    /// Puts back the terminal a hidden prompt changed and exits 130.
    RestoreTerminalAndExit,
}

extern "C" fn set_flag(number: libc::c_int) {
    if let Some(i) = Signal::ALL.iter().position(|s| s.number() == number) {
        RECEIVED[i].store(true, Ordering::SeqCst);
    }
}

/// The terminal settings a hidden prompt replaced, for Ctrl-C.
static SAVED_TERMINAL: std::sync::OnceLock<rustix::termios::Termios> = std::sync::OnceLock::new();

extern "C" fn restore_terminal_and_exit(_: libc::c_int) {
    // tcsetattr and write are system calls (async-signal-safe); the saved
    // settings were stored before this handler was installed.
    if let Some(t) = SAVED_TERMINAL.get() {
        let _ = rustix::termios::tcsetattr(
            rustix::stdio::stdin(),
            rustix::termios::OptionalActions::Now,
            t,
        );
    }
    let _ = rustix::io::write(rustix::stdio::stderr(), b"\n");
    // SAFETY: _exit ends the process at once, which is all a handler may
    // do after it was interrupted anywhere.
    unsafe { libc::_exit(130) }
}

fn set_disposition(signal: Signal, disposition: Disposition) {
    let handler = match disposition {
        Disposition::Default => libc::SIG_DFL,
        Disposition::Ignore => libc::SIG_IGN,
        Disposition::Flag => set_flag as extern "C" fn(libc::c_int) as libc::sighandler_t,
        Disposition::RestoreTerminalAndExit => {
            restore_terminal_and_exit as extern "C" fn(libc::c_int) as libc::sighandler_t
        }
    };
    // SAFETY: the handlers only store to atomics, or make
    // async-signal-safe system calls and `_exit`.
    unsafe {
        libc::signal(signal.number(), handler);
    }
}

/// From now on `signal` sets a flag that [`received`] reads, instead of
/// its default action.
pub fn catch(signal: Signal) {
    set_disposition(signal, Disposition::Flag);
}

/// Whether `signal` arrived since [`catch`] (or the last [`take`]).
pub fn received(signal: Signal) -> bool {
    RECEIVED[signal as usize].load(Ordering::SeqCst)
}

/// Whether `signal` arrived since the last look, clearing it.
pub fn take(signal: Signal) -> bool {
    RECEIVED[signal as usize].swap(false, Ordering::SeqCst)
}

/// The flag that `signal` sets, for code that watches an `AtomicBool`.
pub fn flag(signal: Signal) -> &'static AtomicBool {
    &RECEIVED[signal as usize]
}

/// Turns echo off on the terminal on standard input for as long as the
/// returned guard lives (the Enter key still moves to the next line);
/// Ctrl-C meanwhile puts the terminal back and exits 130.
pub fn hide_input() -> io::Result<HiddenInput> {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    let stdin = rustix::stdio::stdin();
    let saved = tcgetattr(stdin)?;
    let _ = SAVED_TERMINAL.set(saved.clone());
    set_disposition(Signal::Interrupt, Disposition::RestoreTerminalAndExit);
    let mut quiet = saved.clone();
    quiet.local_modes.remove(LocalModes::ECHO);
    quiet
        .local_modes
        .insert(LocalModes::ECHONL | LocalModes::ICANON);
    tcsetattr(stdin, OptionalActions::Now, &quiet)?;
    Ok(HiddenInput(saved))
}

/// The terminal as it was before [`hide_input`], put back when dropped.
pub struct HiddenInput(rustix::termios::Termios);

impl Drop for HiddenInput {
    fn drop(&mut self) {
        let _ = rustix::termios::tcsetattr(
            rustix::stdio::stdin(),
            rustix::termios::OptionalActions::Now,
            &self.0,
        );
        set_disposition(Signal::Interrupt, Disposition::Default);
    }
}

/// The width in columns of the terminal on standard output, if it is one.
pub fn terminal_columns() -> Option<u16> {
    let size = rustix::termios::tcgetwinsize(rustix::stdio::stdout()).ok()?;
    (size.ws_col > 0).then_some(size.ws_col)
}

/// Whether standard error goes to systemd's journal: `JOURNAL_STREAM`
/// names its device and inode (a variable inherited by a child whose
/// standard error goes elsewhere does not match).
pub fn stderr_is_journal() -> bool {
    let Some(value) = std::env::var_os("JOURNAL_STREAM") else {
        return false;
    };
    let Some((dev, ino)) = value.to_str().and_then(|v| v.split_once(':')) else {
        return false;
    };
    match rustix::fs::fstat(rustix::stdio::stderr()) {
        Ok(st) => dev.parse() == Ok(st.st_dev) && ino.parse() == Ok(st.st_ino),
        Err(_) => false,
    }
}

/// The effective user id.
pub fn effective_uid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// The name of the effective user, looked up in /etc/passwd (not an
/// environment variable, which anyone can set), else `uid N` (a user from
/// LDAP or SSSD: the binary may be static, with no NSS to ask).
pub fn user_name() -> String {
    let uid = effective_uid();
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| {
            passwd.lines().find_map(|line| {
                let mut f = line.split(':');
                let name = f.next()?;
                let id = f.nth(1)?;
                (id.parse() == Ok(uid)).then(|| name.to_owned())
            })
        })
        .unwrap_or_else(|| format!("uid {uid}"))
}

/// `open(2)` flags for a file that must not block (a FIFO) nor become
/// the controlling terminal (a terminal device).
pub const OPEN_NONBLOCK_NOCTTY: i32 = libc::O_NONBLOCK | libc::O_NOCTTY;

/// Takes a shared POSIX byte-range lock on `len` bytes from `start`, as
/// SQLite's own locks are (`fcntl(F_SETLK)`, not `flock`): false when a
/// writer holds them. The lock lives as long as the descriptor, and, as
/// every POSIX lock, is dropped by the close of any descriptor of the same
/// file in this process.
pub fn try_read_lock(fd: BorrowedFd<'_>, start: i64, len: i64) -> io::Result<bool> {
    use std::os::fd::AsRawFd;
    // SAFETY: an all-zero flock is valid and its fields are set before
    // use; fcntl reads it through a pointer valid for the call, on a
    // descriptor the borrow keeps open.
    let done = unsafe {
        let mut lock: libc::flock = std::mem::zeroed();
        lock.l_type = libc::F_RDLCK as libc::c_short;
        lock.l_whence = libc::SEEK_SET as libc::c_short;
        lock.l_start = start as libc::off_t;
        lock.l_len = len as libc::off_t;
        libc::fcntl(fd.as_raw_fd(), libc::F_SETLK, &lock)
    };
    if done == 0 {
        return Ok(true);
    }
    let err = io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EAGAIN) | Some(libc::EACCES) => Ok(false),
        _ => Err(err),
    }
}

/// No core dump and no ptrace from other users: a PIN entered in a call
/// must not end up in a file.
pub fn protect_memory() {
    use rustix::process::{DumpableBehavior, Resource, Rlimit, set_dumpable_behavior, setrlimit};
    let _ = setrlimit(
        Resource::Core,
        Rlimit {
            current: Some(0),
            maximum: Some(0),
        },
    );
    let _ = set_dumpable_behavior(DumpableBehavior::NotDumpable);
}

/// Caps glibc's allocator arenas: with a thread per call and no cap,
/// threads get arenas of their own and the resident size creeps up with
/// the calls served. Called before any thread starts.
pub fn limit_allocator_arenas(arenas: i32) {
    // SAFETY: a setting of the allocator, made before other threads exist.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

/// The offset from UTC, in seconds, of local time (the C library's: `TZ`,
/// else /etc/localtime) at `unix`; 0 when the C library cannot say.
pub fn local_offset(unix: i64) -> i32 {
    let t: libc::time_t = unix;
    unsafe extern "C" {
        // POSIX; the `libc` crate does not declare it.
        fn tzset();
    }
    // The zone is read once (`localtime_r` need not read it at all).
    static ZONE: std::sync::Once = std::sync::Once::new();
    // SAFETY: `tzset` only reads the environment and the zone file;
    // `localtime_r` writes only into the `tm` it is given, which lives on
    // this stack frame.
    ZONE.call_once(|| unsafe { tzset() });
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return 0;
        }
        i32::try_from(tm.tm_gmtoff).unwrap_or(0)
    }
}

/// Removes `var` from the process's environment. Called only at start-up,
/// before any thread exists.
pub fn remove_env(var: &str) {
    // SAFETY: no other thread exists yet to read the environment at the
    // same time (see the callers: `cli::parse` runs first in `main`).
    unsafe { std::env::remove_var(var) }
}

/// Stops reading on a listening socket: on Linux every thread waiting in
/// its `accept` wakes with an error.
pub fn stop_accepting(socket: &impl AsFd) {
    let _ = rustix::net::shutdown(socket, rustix::net::Shutdown::Read);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_signal_sets_its_flag_and_take_clears_it() {
        catch(Signal::Hangup);
        assert!(!received(Signal::Hangup));
        rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::HUP)
            .unwrap();
        // Another thread of the test process may take it, a moment later.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while !received(Signal::Hangup) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(received(Signal::Hangup));
        assert!(take(Signal::Hangup));
        assert!(!take(Signal::Hangup));
    }

    #[test]
    fn read_locks_need_a_descriptor_open_for_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"x").unwrap();
        let read = std::fs::File::open(&path).unwrap();
        assert!(try_read_lock(read.as_fd(), 10, 5).unwrap());
        let write_only = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        assert!(try_read_lock(write_only.as_fd(), 10, 5).is_err());
    }
}
