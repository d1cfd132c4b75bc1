//! Integration tests: the real binary on fresh temporary databases with a
//! fixed clock.

mod common;
mod test_agi;
mod test_call;
mod test_concurrency;
mod test_database;
mod test_demo;
mod test_export;
mod test_ext;
mod test_faults;
mod test_generated;
mod test_global;
mod test_import;
mod test_output;
mod test_protect;
mod test_readme;
mod test_scale;
mod test_security;
mod test_sync;
mod test_terminal;
mod test_trust;
