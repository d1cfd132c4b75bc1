//! pinprotect: pin protect for outbound calls on a local SQLite PBX
//! database.
//!
//! The pure decision core is [`policy`] (value types and the call rule),
//! with [`lockout`], [`weakpin`] and [`settings`]; all SQL is in [`store`];
//! output rendering in [`output`]; the AGI protocol as bytes in [`agi`]
//! (its runner and the FastAGI server are `commands::agi` and
//! `commands::serve`); user text made safe to show in [`text`]; the
//! commands in [`commands`]. The binary only
//! parses the command line, calls [`commands::run`] and turns the result
//! into an exit code.

pub mod agi;
pub mod cli;
pub mod commands;
pub mod console;
pub mod error;
pub mod events;
pub mod fsutil;
pub mod generate;
pub mod input;
pub mod lockout;
pub mod net;
pub mod output;
pub mod policy;
pub mod records;
pub mod settings;
pub mod store;
pub mod text;
pub mod weakpin;
