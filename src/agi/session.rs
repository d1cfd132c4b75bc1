//! One AGI conversation over any byte streams: standard input and output
//! for `pinprotect agi`, a TCP connection for `pinprotect serve`. One
//! command, then its reply, never two in flight; hangups, `HANGUP` lines
//! and a reply that does not come after one are handled here, as the
//! transcripts of a real Asterisk 22 show them.

use std::cell::Cell;
use std::io::{BufRead, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::{Command, Environment, EnvironmentReader, ProtocolError, Reply, ReplyReader};

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

pub type SessionResult<T> = std::result::Result<T, SessionEnd>;

/// How long a FastAGI call waits for the reply that is due once a
/// `HANGUP` line has arrived (Asterisk sends it within milliseconds).
pub const AFTER_HANGUP: Duration = Duration::from_secs(3);

/// One AGI conversation: one command, then its reply, never two in flight.
pub struct Session<'h, R, W> {
    input: R,
    output: W,
    /// Set by SIGHUP (local AGI) when the caller hangs up.
    hangup_signal: &'h AtomicBool,
    /// The deadline of the reads (FastAGI): set [`AFTER_HANGUP`] ahead when
    /// a `HANGUP` line arrives, so that a peer that then sends nothing
    /// does not hold the call.
    deadline: Option<&'h Cell<Option<Instant>>>,
    /// The caller hung up: a `HANGUP` line, `511`, SIGHUP, or `result=-1`
    /// on a channel that `CHANNEL STATUS` finds gone.
    pub gone: bool,
    line: Vec<u8>,
}

impl<'h, R: BufRead, W: Write> Session<'h, R, W> {
    pub fn new(input: R, output: W, hangup_signal: &'h AtomicBool) -> Self {
        Session {
            input,
            output,
            hangup_signal,
            deadline: None,
            gone: false,
            line: Vec::new(),
        }
    }

    /// Reads through `deadline` (which the input obeys): after a `HANGUP`
    /// line it is set [`AFTER_HANGUP`] ahead.
    pub fn with_deadline(mut self, deadline: &'h Cell<Option<Instant>>) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Reads one line of at most [`crate::agi::MAX_LINE_BYTES`]; end of
    /// input, also in the middle of a line, is the caller gone.
    fn read_line(&mut self) -> SessionResult<&[u8]> {
        self.line.clear();
        let limit = crate::agi::MAX_LINE_BYTES as u64 + 1;
        let n = (&mut self.input)
            .take(limit)
            .read_until(b'\n', &mut self.line)?;
        if n == 0 {
            return Err(SessionEnd::Gone);
        }
        if !self.line.ends_with(b"\n") {
            if n as u64 >= limit {
                return Err(SessionEnd::Protocol(ProtocolError(
                    "a line from Asterisk is too long".into(),
                )));
            }
            // The input ended before the line did: not a line at all.
            return Err(SessionEnd::Gone);
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

    /// Writes a command and reads its whole reply, noting a `HANGUP` line
    /// on the way; after one, a reply that does not come within
    /// [`AFTER_HANGUP`] ends the call as a hangup.
    fn exchange(&mut self, command: &Command<'_>) -> SessionResult<Reply> {
        let line = command.to_line()?;
        self.output.write_all(line.as_bytes())?;
        self.output.flush()?;
        let mut reader = ReplyReader::default();
        loop {
            let gone = self.gone;
            let line = match self.read_line() {
                Ok(line) => line,
                Err(SessionEnd::Io(e))
                    if gone
                        && matches!(
                            e.kind(),
                            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                        ) =>
                {
                    return Err(SessionEnd::Gone);
                }
                Err(end) => return Err(end),
            };
            let reply = reader.push(line)?;
            if reader.hangup && !self.gone {
                self.gone = true;
                if let Some(deadline) = self.deadline {
                    deadline.set(Some(Instant::now() + AFTER_HANGUP));
                }
            }
            if let Some(reply) = reply {
                return Ok(reply);
            }
        }
    }

    fn signalled(&mut self) -> bool {
        if self.hangup_signal.load(Ordering::SeqCst) {
            self.gone = true;
        }
        self.gone
    }

    /// Sends a command and reads its reply. Once the caller is gone only
    /// SET VARIABLE is still sent (a dead channel answers it); every other
    /// command returns `Gone`. A `result=-1` is asked about: `Gone` when
    /// the caller hung up, `Ended` when the channel is still up and the
    /// command could not run (a sound that does not exist).
    pub fn send(&mut self, command: &Command<'_>) -> SessionResult<Reply> {
        if self.signalled() && !matches!(command, Command::SetVariable { .. }) {
            return Err(SessionEnd::Gone);
        }
        match self.exchange(command)? {
            Reply::Gone => {
                self.gone = true;
                Ok(Reply::Gone)
            }
            Reply::Ended => {
                // A hangup answers -1 too, and then a SIGHUP or a HANGUP
                // line follows; a dead channel answers CHANNEL STATUS with
                // 511, a live one with its state.
                if !self.signalled() {
                    if let Reply::Ok { .. } = self.exchange(&Command::ChannelStatus)? {
                        if !self.signalled() {
                            return Ok(Reply::Ended);
                        }
                    }
                }
                self.gone = true;
                Ok(Reply::Gone)
            }
            reply => Ok(reply),
        }
    }

    /// Sends a command whose reply only matters when the caller is gone.
    pub fn act(&mut self, command: &Command<'_>) -> SessionResult<()> {
        match self.send(command)? {
            Reply::Gone => Err(SessionEnd::Gone),
            _ => Ok(()),
        }
    }

    pub fn set(&mut self, name: &str, value: &str) -> SessionResult<()> {
        self.send(&Command::SetVariable { name, value }).map(|_| ())
    }
}
