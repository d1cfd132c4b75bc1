//! The binary: prepares the process, parses the command line, runs the
//! library and turns the result into an exit status.
//!
//! `no_main`: Rust's own start-up would open `/dev/null` on a closed
//! standard output before `main`, so that `export >&-` could not tell it
//! was closed; [`console::start_process`] does that part and remembers.

#![no_main]

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

use pinprotect::cli::Cli;
use pinprotect::commands;
use pinprotect::console::{self, Console};

#[unsafe(no_mangle)]
extern "C" fn main(argc: std::ffi::c_int, argv: *const *const std::ffi::c_char) -> std::ffi::c_int {
    console::start_process();
    // SAFETY: the C runtime passes argc valid, NUL-terminated strings.
    let args = (0..argc.max(0) as usize).map(|i| unsafe {
        use std::os::unix::ffi::OsStrExt;
        std::ffi::OsStr::from_bytes(std::ffi::CStr::from_ptr(*argv.add(i)).to_bytes()).to_owned()
    });
    let matches = Cli::command().get_matches_from(args);
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.global.now_from_env = matches.value_source("now") == Some(ValueSource::EnvVariable);
    let mut console = Console::new(cli.global.color, cli.global.quiet);
    let code = match commands::run(cli, &mut console) {
        Ok(code) => code,
        Err(err) => {
            console.report(&err);
            err.exit_code()
        }
    };
    drop(console);
    // Flushes standard output and exits as Rust's own start-up would.
    std::process::exit(code as i32)
}
