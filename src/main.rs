use clap::Parser;

use pinprotect::cli::Cli;
use pinprotect::commands;
use pinprotect::console::Console;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let mut console = Console::new(cli.global.color, cli.global.quiet);
    match commands::run(cli, &mut console) {
        Ok(code) => code.into(),
        Err(err) => {
            console.report(&err);
            err.exit_code().into()
        }
    }
}
