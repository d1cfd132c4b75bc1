//! Standard streams: data to stdout, messages and errors to stderr, colour
//! only where it is wanted, prompts only on a terminal.

use std::fmt::Display;
use std::io::{self, BufWriter, IsTerminal, Stdout, Write};

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

pub struct Console {
    out: BufWriter<Stdout>,
    quiet: bool,
    color_out: bool,
    color_err: bool,
    stdin_tty: bool,
}

impl Console {
    pub fn new(color: ColorChoice, quiet: bool) -> Console {
        Console {
            out: BufWriter::with_capacity(64 * 1024, io::stdout()),
            quiet,
            color_out: color_enabled(color, io::stdout().is_terminal()),
            color_err: color_enabled(color, io::stderr().is_terminal()),
            stdin_tty: io::stdin().is_terminal(),
        }
    }

    /// The console of one call a server takes: no colours, nothing asked
    /// of a terminal, and no buffer, as a call writes only to stderr.
    pub fn for_call(quiet: bool) -> Console {
        Console {
            out: BufWriter::with_capacity(0, io::stdout()),
            quiet,
            color_out: false,
            color_err: false,
            stdin_tty: false,
        }
    }

    /// Standard output, buffered.
    pub fn out(&mut self) -> &mut BufWriter<Stdout> {
        &mut self.out
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

    /// `text` coloured for standard output.
    pub fn paint_out(&self, tone: Tone, text: &str) -> String {
        paint(self.color_out, tone, text)
    }

    /// A message for the person at the terminal, on stderr, unless quiet.
    pub fn info(&mut self, msg: impl Display) {
        if !self.quiet {
            let _ = self.out.flush();
            let _ = writeln!(io::stderr(), "{msg}");
        }
    }

    /// A `warning: ...` line on stderr, unless quiet.
    pub fn warn(&mut self, msg: impl Display) {
        if !self.quiet {
            let _ = self.out.flush();
            let _ = writeln!(
                io::stderr(),
                "{} {msg}",
                paint(self.color_err, Tone::Strong, "warning:")
            );
        }
    }

    /// One `error: ...` line on stderr, for problems listed before the
    /// final error.
    pub fn error_line(&mut self, msg: impl Display) {
        let _ = self.out.flush();
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
