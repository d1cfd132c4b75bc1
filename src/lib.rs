//! pinprotect: pin protect for outbound calls on a local SQLite PBX
//! database.
//!
//! The pure decision core is [`policy`]; all SQL is in [`store`].

pub mod error;
pub mod policy;
pub mod store;
