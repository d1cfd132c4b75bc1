//! pinprotect: pin protect for outbound calls on a local SQLite PBX
//! database.
//!
//! The modules, from the pure core outwards:
//!
//! - [`policy`]: the decision core: value types that cannot hold invalid
//!   values (`values`), the dial plan, the grant window and the rule "may
//!   EXT call NUMBER at time T". No I/O, no clock: time is passed in.
//! - [`lockout`]: PIN-entry lockout arithmetic; [`weakpin`]: the weak-PIN
//!   rules and the PIN generator; [`settings`]: every setting, its default,
//!   its checks and its description.
//! - [`records`]: extensions as stored and the edits asked of the store,
//!   with the one definition of the record's columns; [`events`]: the
//!   audit log's events.
//! - [`store`]: all SQL (split by concern: schema, file checks, reads,
//!   writes, import bookkeeping, the server's pool); its API has no type of
//!   the SQLite library.
//! - [`input`]: the import formats, read one record at a time (own CSV,
//!   3CX, FreePBX, JSON, voicemail.conf); [`output`]: tables, CSV and JSON,
//!   streamed.
//! - [`agi`]: the AGI protocol as bytes, no sockets; [`net`]: address
//!   ranges for `serve --allow`.
//! - [`text`]: user text made safe to show; [`fsutil`]: atomic output
//!   files; [`sync`]: locks shared between threads; [`error`]: the error type and the exit codes; [`console`]: the
//!   process's standard streams and prompts.
//! - [`cli`]: the command line (clap), depending on the core only;
//!   [`generate`]: man pages and completions from it.
//! - [`commands`]: one file per command family, the AGI runner and the
//!   FastAGI server: thin shells over the core and the store.
//!
//! The binary only prepares the process, parses the command line, calls
//! [`commands::run`] and turns the result into an exit code.

pub mod agi;
pub mod cli;
pub mod commands;
pub mod console;
pub mod error;
pub mod events;
pub mod fsutil;
pub mod generate;
pub mod input;
pub mod internal;
pub mod lockout;
pub mod net;
pub mod output;
pub mod policy;
pub mod records;
pub mod settings;
pub mod store;
pub mod sync;
pub mod sys;
pub mod text;
pub mod weakpin;
