//! Typed errors, each with its exit code and an optional hint.

use std::fmt;
use std::path::PathBuf;

use crate::policy::{Extension, ParseError};

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    /// Success, call permitted, PIN accepted.
    Success = 0,
    /// Call denied, PIN rejected.
    Denied = 1,
    /// Usage error or invalid input.
    Usage = 2,
    /// Unknown extension.
    UnknownExtension = 3,
    /// Database missing, foreign, corrupt, too new or busy.
    Database = 4,
    /// An output file or stream could not be written.
    Io = 5,
    /// Input could not be read (standard input, the terminal, a file).
    Input = 6,
    /// The system refused something pinprotect needs.
    System = 7,
    /// A bug in pinprotect.
    Internal = 70,
}

impl ExitCode {
    /// Every exit code, in order.
    pub const ALL: [ExitCode; 9] = [
        ExitCode::Success,
        ExitCode::Denied,
        ExitCode::Usage,
        ExitCode::UnknownExtension,
        ExitCode::Database,
        ExitCode::Io,
        ExitCode::Input,
        ExitCode::System,
        ExitCode::Internal,
    ];

    /// What the code means: the one text `--help`, the man page and the
    /// README's table show.
    pub fn meaning(self) -> &'static str {
        match self {
            ExitCode::Success => "Success; the call is permitted; the PIN was accepted.",
            ExitCode::Denied => {
                "The call is denied; the PIN was rejected or PIN entry is locked out; audit found something; a removal was declined at the prompt."
            }
            ExitCode::Usage => {
                "Usage error or invalid input: a bad value, a weak PIN, a duplicate extension, a collision with the feature code or an emergency number, a missing --yes or PIN, an invalid import record, an entry after the feature code that is not digits, a change asked for at a time given with --now while clock_override is off."
            }
            ExitCode::UnknownExtension => "Unknown extension.",
            ExitCode::Database => {
                "Database problem: missing, not a regular file, not a pinprotect database, damaged, a schema newer than this binary, busy past the timeout, or not writable where the command must write (pins and export log first). Never for an emergency number with check or dial."
            }
            ExitCode::Io => {
                "Output could not be written: an output file (full disk, missing folder), a closed standard output, or an --output that names something pinprotect will not replace (a device, FIFO, socket or folder, or the database and its files)."
            }
            ExitCode::Input => {
                "Input could not be read: standard input, the terminal or an input file failed while it was read (a record that is read but invalid is 2)."
            }
            ExitCode::System => {
                "The system refused something pinprotect needs: a thread, random numbers for a PIN, or its own temporary file."
            }
            ExitCode::Internal => {
                "Internal error: a bug in pinprotect, reported on standard error as one line; please report it. A change in progress is rolled back, and no core file is written."
            }
        }
    }

    /// The exit codes as `--help` lists them.
    pub fn help_text() -> String {
        let mut out = String::from("Exit status:\n");
        for code in Self::ALL {
            out.push_str(&format!("  {}  {}\n", code as u8, code.meaning()));
        }
        out
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}

/// A list of extensions for messages: `100, 0101 and 102`.
pub struct ExtList<'a>(pub &'a [Extension]);

impl ExtList<'_> {
    /// How many extensions a list shows; the rest are counted.
    pub const SHOWN: usize = 10;
}

impl fmt::Display for ExtList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ExtListOf(self.0, self.0.len()).fmt(f)
    }
}

/// The first extensions of a longer list of `.1` for messages: `100, 101
/// and 5 more`.
pub struct ExtListOf<'a>(pub &'a [Extension], pub usize);

impl fmt::Display for ExtListOf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.1;
        let shown = self.0.len().min(ExtList::SHOWN).min(n);
        for (i, e) in self.0.iter().take(shown).enumerate() {
            if i > 0 {
                f.write_str(if i + 1 == n { " and " } else { ", " })?;
            }
            write!(f, "{e}")?;
        }
        if n > shown {
            write!(f, " and {} more", n - shown)?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: a malformed value, a missing flag, a conflicting request.
    #[error("{message}")]
    Invalid {
        message: String,
        hint: Option<String>,
    },

    #[error("unknown extension{} {}", crate::text::s(.0.len()), ExtList(.0))]
    UnknownExtensions(Vec<Extension>),

    #[error("{message}")]
    Database {
        message: String,
        hint: Option<String>,
    },

    #[error("cannot write {}: {source}", .path.as_ref().map_or_else(|| "standard output".to_string(), |p| crate::text::path(p)))]
    Output {
        path: Option<PathBuf>,
        source: std::io::Error,
    },

    /// An output file that pinprotect will not write (a device, the
    /// database itself): nothing was written.
    #[error("{message}")]
    OutputRefused {
        message: String,
        hint: Option<String>,
    },

    /// Reading input failed: standard input, the terminal or a file.
    #[error("cannot read {what}: {source}")]
    Input {
        what: String,
        source: std::io::Error,
    },

    /// The system refused something pinprotect needs (a thread, random
    /// numbers, its own temporary file).
    #[error("cannot {what}: {source}")]
    System {
        what: String,
        source: std::io::Error,
    },

    /// The reader of standard output went away: not worth a message.
    #[error("broken pipe")]
    BrokenPipe,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid {
            message: message.into(),
            hint: None,
        }
    }

    pub fn invalid_with_hint(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Invalid {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    pub fn database(message: impl Into<String>, hint: Option<String>) -> Self {
        Error::Database {
            message: message.into(),
            hint,
        }
    }

    /// An error while writing to standard output (or a file, with a path).
    pub fn output(path: Option<PathBuf>, source: std::io::Error) -> Self {
        if path.is_none() && source.kind() == std::io::ErrorKind::BrokenPipe {
            Error::BrokenPipe
        } else {
            Error::Output { path, source }
        }
    }

    /// Reading `what` (standard input, a file) failed.
    pub fn input(what: impl Into<String>, source: std::io::Error) -> Self {
        Error::Input {
            what: what.into(),
            source,
        }
    }

    /// The system refused to `what` (start a thread, ...).
    pub fn system(what: impl Into<String>, source: std::io::Error) -> Self {
        Error::System {
            what: what.into(),
            source,
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Input { .. } => ExitCode::Input,
            Error::System { .. } => ExitCode::System,
            Error::Invalid { .. } => ExitCode::Usage,
            Error::UnknownExtensions(_) => ExitCode::UnknownExtension,
            Error::Database { .. } => ExitCode::Database,
            Error::Output { .. } | Error::OutputRefused { .. } => ExitCode::Io,
            // As `head` closing the pipe is normal use, this is not a failure.
            Error::BrokenPipe => ExitCode::Success,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Invalid { hint, .. }
            | Error::Database { hint, .. }
            | Error::OutputRefused { hint, .. } => hint.clone(),
            Error::UnknownExtensions(_) => {
                Some("`pinprotect ext list` shows the extensions there are".into())
            }
            Error::Output {
                path: Some(_),
                source,
            } => match source.kind() {
                std::io::ErrorKind::PermissionDenied => Some(
                    "this user may not create files in that folder: choose another, or check its owner and mode".into(),
                ),
                std::io::ErrorKind::StorageFull => {
                    Some("free some space on that file system, or write elsewhere".into())
                }
                std::io::ErrorKind::ReadOnlyFilesystem => {
                    Some("that file system is mounted read-only: write elsewhere".into())
                }
                _ => None,
            },
            Error::Output { path: None, .. } => {
                Some("standard output is closed or cannot be written; redirect it to a file".into())
            }
            Error::Input { .. } => Some(
                "check that the input is a readable file or pipe; nothing was changed".into(),
            ),
            Error::System { .. } => Some(
                "the machine is short of a resource (memory, threads, entropy, disk); try again, and see the system log".into(),
            ),
            Error::BrokenPipe => None,
        }
    }
}

/// Says where an I/O error happened, so that no `?` on one can report a
/// failure somewhere else (a failed read of standard input as a failed
/// write of standard output).
pub trait IoContext<T> {
    /// Writing the command's output (standard output, or the stream a
    /// listing goes to): exit 5.
    fn writing_output(self) -> Result<T>;
    /// Reading `what`: exit 6.
    fn reading(self, what: &str) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn writing_output(self) -> Result<T> {
        self.map_err(|e| Error::output(None, e))
    }

    fn reading(self, what: &str) -> Result<T> {
        self.map_err(|e| Error::input(what, e))
    }
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        Error::invalid(e.0)
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        if !e.is_io_error() {
            // Shown with Display: a CSV error's Debug form is not a message.
            return Error::output(None, std::io::Error::other(e.to_string()));
        }
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::output(None, io),
            _ => Error::output(None, std::io::Error::other("a CSV error")),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        match e.io_error_kind() {
            Some(kind) => Error::output(None, std::io::Error::new(kind, e)),
            None => Error::output(None, std::io::Error::other(e)),
        }
    }
}
