//! The binary: prepares the process, parses the command line, runs the
//! library and turns the result into an exit status.

#![no_main]

use pinprotect::commands;
use pinprotect::console::Console;
use pinprotect::error::ExitCode;

// Not Rust's own start-up, which would open `/dev/null` on a closed
// standard output before `main`, hiding `export >&-` (see `sys`).
pinprotect::entry_point!(run);

fn run() -> std::ffi::c_int {
    pinprotect::sys::start_process();
    pinprotect::internal::report_panics();
    let code = std::panic::catch_unwind(command_line).unwrap_or(ExitCode::Internal);
    // Flushes standard output and exits as Rust's own start-up would.
    std::process::exit(code as i32)
}

/// Parses the command line and runs it.
fn command_line() -> ExitCode {
    let cli = pinprotect::cli::parse();
    let mut console = Console::new(cli.global.color, cli.global.quiet);
    pinprotect::internal::test_panic("command");
    let code = match commands::run(cli, &mut console) {
        Ok(code) => code,
        Err(err) => {
            console.report(&err);
            err.exit_code()
        }
    };
    drop(console);
    code
}
