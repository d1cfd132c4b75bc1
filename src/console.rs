//! Standard streams: data to stdout, messages and errors to stderr, colour
//! only where it is wanted, prompts only on a terminal.

use std::fmt::Display;
use std::io::{self, BufRead, BufWriter, IsTerminal, Read, Write};

use crate::cli::ColorChoice;
use crate::error::IoContext;
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

/// Reads one line from the terminal on standard input without echoing it
/// (the Enter key still moves to the next line); `None` at the end of
/// input (Ctrl-D). Ctrl-C restores the terminal and exits 130.
pub fn read_hidden_line(prompt: &str) -> io::Result<Option<zeroize::Zeroizing<String>>> {
    // Echo goes off before the prompt shows, so that nothing typed as soon
    // as it shows is echoed; the terminal is put back however the prompt
    // ends.
    let _restore = crate::sys::hide_input()?;
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

/// `prefix` (syslog's `<3>` for errors, `<4>` for warnings) when standard
/// error is systemd's journal, which files the line at that priority;
/// nothing otherwise.
pub fn journal_priority(prefix: &'static str) -> &'static str {
    static JOURNAL: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *JOURNAL.get_or_init(crate::sys::stderr_is_journal) {
        prefix
    } else {
        ""
    }
}

/// Standard output, or an error on every write when it was closed.
pub struct StdoutSink;

impl Write for StdoutSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if crate::sys::stdout_was_closed() {
            return Err(closed_stdout());
        }
        io::stdout().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        if crate::sys::stdout_was_closed() {
            return Ok(());
        }
        io::stdout().flush()
    }
}

fn closed_stdout() -> io::Error {
    io::Error::from(rustix::io::Errno::BADF)
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
        if crate::sys::stdout_was_closed() {
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
        // A prompt that cannot be shown still gets its answer read.
        let _ = write!(err, "{question} [y/N] ");
        let _ = err.flush();
        drop(err);
        let mut line = String::new();
        let read = io::stdin()
            .lock()
            .read_line(&mut line)
            .reading("the answer on standard input")?;
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
                "{}{} {msg}",
                journal_priority("<4>"),
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
            "{}{} {msg}",
            journal_priority("<3>"),
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
        let p = journal_priority("<3>");
        let _ = writeln!(e, "{p}{} {err}", paint(self.color_err, Tone::Bad, "error:"));
        if let Some(hint) = err.hint() {
            let _ = writeln!(
                e,
                "{p}{} {hint}",
                paint(self.color_err, Tone::Strong, "hint:")
            );
        }
    }

    pub fn flush(&mut self) -> Result<()> {
        self.out.flush().writing_output()
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
