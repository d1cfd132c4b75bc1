//! pinprotect: pin protect for outbound calls on a local SQLite PBX
//! database.
//!
//! The pure decision core is [`policy`]; all SQL is in [`store`]; output
//! rendering in [`output`]; the commands in [`commands`]. The binary only
//! parses the command line, calls [`commands::run`] and turns the result
//! into an exit code.

pub mod cli;
pub mod commands;
pub mod console;
pub mod error;
pub mod fsutil;
pub mod generate;
pub mod input;
pub mod output;
pub mod policy;
pub mod store;
