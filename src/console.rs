//! Standard streams: data to stdout, messages and errors to stderr, colour
//! only where it is wanted, prompts only on a terminal.

use std::fmt::Display;
use std::io::{self, BufRead, BufWriter, IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::ColorChoice;
use crate::error::{Error, Result};

/// A colour for a word of output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Bad,
    Strong,
}

impl Tone {
    fn code(self) -> &'static str {
        match self {
            Tone::Good => "1;32",
            Tone::Bad => "1;31",
            Tone::Strong => "1",
        }
    }
}

fn paint(enabled: bool, tone: Tone, text: &str) -> String {
    if enabled {
        format!("\x1b[{}m{text}\x1b[0m", tone.code())
    } else {
        text.to_owned()
    }
}

fn color_enabled(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Whether standard output was closed when the process started (`>&-`).
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Prepares the process; the binary calls it before anything else. A
/// standard stream that was closed (`>&-`) is opened on `/dev/null`, so
/// that no file pinprotect opens later takes its number, and a closed
/// standard output is remembered: data written to it is then an error
/// (exit 5), never a silent success. SIGPIPE is ignored, so that a reader
/// going away (`| head`) is an error on write, which listings treat as the
/// normal end.
pub fn start_process() {
    for fd in 0..=2 {
        // SAFETY: fcntl, open, dup2 and close on plain descriptor numbers.
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
    // SAFETY: setting a signal's disposition to ignore.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

/// The terminal settings a hidden prompt replaced, for the Ctrl-C handler.
static mut SAVED_TERMIOS: Option<libc::termios> = None;

extern "C" fn restore_and_exit(_: libc::c_int) {
    // SAFETY: tcsetattr, write and _exit are async-signal-safe; the saved
    // settings were written before this handler was installed.
    unsafe {
        if let Some(t) = *std::ptr::addr_of!(SAVED_TERMIOS) {
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &t);
        }
        libc::write(libc::STDERR_FILENO, b"\n".as_ptr().cast(), 1);
        libc::_exit(130);
    }
}

/// Reads one line from the terminal on standard input without echoing it
/// (the Enter key still moves to the next line); `None` at the end of
/// input (Ctrl-D). Ctrl-C restores the terminal and exits 130.
pub fn read_hidden_line(prompt: &str) -> io::Result<Option<zeroize::Zeroizing<String>>> {
    /// The terminal as it was, put back however the prompt ends.
    struct Restore(libc::termios);
    impl Drop for Restore {
        fn drop(&mut self) {
            // SAFETY: termios and signal calls on standard input.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &self.0);
                libc::signal(libc::SIGINT, libc::SIG_DFL);
            }
        }
    }
    // Echo goes off before the prompt shows, so that nothing typed as soon
    // as it shows is echoed.
    // SAFETY: termios calls on standard input, a terminal; the handler
    // only reads the saved settings, written before it is installed.
    let _restore = unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(libc::STDIN_FILENO, &mut t) != 0 {
            return Err(io::Error::last_os_error());
        }
        *std::ptr::addr_of_mut!(SAVED_TERMIOS) = Some(t);
        let handler = restore_and_exit as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::signal(libc::SIGINT, handler);
        let mut quiet = t;
        quiet.c_lflag &= !libc::ECHO;
        quiet.c_lflag |= libc::ECHONL | libc::ICANON;
        libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &quiet);
        Restore(t)
    };
    let mut err = io::stderr().lock();
    write!(err, "{prompt}: ")?;
    err.flush()?;
    drop(err);
    let mut line = zeroize::Zeroizing::new(String::new());
    if io::stdin().lock().take(1024).read_line(&mut line)? == 0 {
        let _ = writeln!(io::stderr());
        return Ok(None);
    }
    let len = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(len);
    Ok(Some(line))
}

/// Standard output, or an error on every write when it was closed.
pub struct StdoutSink;

impl Write for StdoutSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if STDOUT_CLOSED.load(Ordering::Relaxed) {
            return Err(closed_stdout());
        }
        io::stdout().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        if STDOUT_CLOSED.load(Ordering::Relaxed) {
            return Ok(());
        }
        io::stdout().flush()
    }
}

fn closed_stdout() -> io::Error {
    io::Error::from_raw_os_error(libc::EBADF)
}

pub struct Console {
    out: BufWriter<StdoutSink>,
    quiet: bool,
    color_out: bool,
    color_err: bool,
    stdin_tty: bool,
    /// Messages are escaped whole: a call's messages may quote what a
    /// peer sent, and go to the journal.
    escape_messages: bool,
}

impl Console {
    pub fn new(color: ColorChoice, quiet: bool) -> Console {
        Console {
            out: BufWriter::with_capacity(64 * 1024, StdoutSink),
            quiet,
            color_out: color_enabled(color, io::stdout().is_terminal()),
            color_err: color_enabled(color, io::stderr().is_terminal()),
            stdin_tty: io::stdin().is_terminal(),
            escape_messages: false,
        }
    }

    /// The console of one call a server takes: no colours, nothing asked
    /// of a terminal, and no buffer, as a call writes only to stderr.
    pub fn for_call(quiet: bool) -> Console {
        Console {
            out: BufWriter::with_capacity(0, StdoutSink),
            quiet,
            color_out: false,
            color_err: false,
            stdin_tty: false,
            escape_messages: true,
        }
    }

    /// Standard output, buffered.
    pub fn out(&mut self) -> &mut BufWriter<StdoutSink> {
        &mut self.out
    }

    /// Fails when standard output was closed: for commands that log what
    /// they are about to show, before they log it.
    pub fn require_stdout(&self) -> Result<()> {
        if STDOUT_CLOSED.load(Ordering::SeqCst) {
            return Err(Error::output(None, closed_stdout()));
        }
        Ok(())
    }

    pub fn quiet(&self) -> bool {
        self.quiet
    }

    pub fn stdin_is_terminal(&self) -> bool {
        self.stdin_tty
    }

    pub fn stderr_is_terminal(&self) -> bool {
        io::stderr().is_terminal()
    }

    pub fn stdout_is_terminal(&self) -> bool {
        io::stdout().is_terminal()
    }

    /// Asks a yes/no question on the terminal and reads a whole line: `y`
    /// or `yes`, in any case, confirm; anything else, or the end of input
    /// (Ctrl-D), declines.
    pub fn confirm(&mut self, question: &str) -> Result<bool> {
        let _ = self.out.flush();
        let mut err = io::stderr().lock();
        write!(err, "{question} [y/N] ")?;
        err.flush()?;
        drop(err);
        let mut line = String::new();
        let read = io::stdin().lock().read_line(&mut line)?;
        if read == 0 {
            // Ctrl-D: end the prompt's line before the next message.
            let _ = writeln!(io::stderr());
        }
        Ok(answer_is_yes(&line))
    }

    /// `text` coloured for standard output.
    pub fn paint_out(&self, tone: Tone, text: &str) -> String {
        paint(self.color_out, tone, text)
    }

    /// A message for the person at the terminal, on stderr, unless quiet.
    pub fn info(&mut self, msg: impl Display) {
        if !self.quiet {
            let _ = self.out.flush();
            let msg = self.message(msg);
            let _ = writeln!(io::stderr(), "{msg}");
        }
    }

    /// A `warning: ...` line on stderr, unless quiet.
    pub fn warn(&mut self, msg: impl Display) {
        if !self.quiet {
            let _ = self.out.flush();
            let msg = self.message(msg);
            let _ = writeln!(
                io::stderr(),
                "{} {msg}",
                paint(self.color_err, Tone::Strong, "warning:")
            );
        }
    }

    /// From now on every message is escaped whole (`agi`: its messages
    /// may quote caller IDs and dialed numbers, and go to Asterisk's log).
    pub fn escape_messages(&mut self) {
        self.escape_messages = true;
    }

    /// `msg` as written: escaped whole in a call's console.
    fn message(&self, msg: impl Display) -> String {
        let msg = msg.to_string();
        if self.escape_messages {
            crate::text::escaped(&msg).into_owned()
        } else {
            msg
        }
    }

    /// One `error: ...` line on stderr, for problems listed before the
    /// final error.
    pub fn error_line(&mut self, msg: impl Display) {
        let _ = self.out.flush();
        let msg = self.message(msg);
        let _ = writeln!(
            io::stderr(),
            "{} {msg}",
            paint(self.color_err, Tone::Bad, "error:")
        );
    }

    /// `error: ...` and `hint: ...` on stderr.
    pub fn report(&mut self, err: &Error) {
        let _ = self.out.flush();
        if matches!(err, Error::BrokenPipe) {
            return;
        }
        let mut e = io::stderr().lock();
        let _ = writeln!(e, "{} {err}", paint(self.color_err, Tone::Bad, "error:"));
        if let Some(hint) = err.hint() {
            let _ = writeln!(e, "{} {hint}", paint(self.color_err, Tone::Strong, "hint:"));
        }
    }

    pub fn flush(&mut self) -> Result<()> {
        self.out.flush().map_err(Error::from)
    }
}

/// Whether a typed answer confirms: `y` or `yes`, in any case, around
/// spaces.
pub fn answer_is_yes(line: &str) -> bool {
    matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::answer_is_yes;

    #[test]
    fn only_y_and_yes_confirm() {
        for yes in ["y\n", "Y", "yes\n", "YES", " Yes \r\n"] {
            assert!(answer_is_yes(yes), "{yes:?}");
        }
        for no in [
            "", "\n", "n", "no", "yeah", "yellow", "ye", "y es", "oui", "1",
        ] {
            assert!(!answer_is_yes(no), "{no:?}");
        }
    }
}
