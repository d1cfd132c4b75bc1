use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

use pinprotect::cli::Cli;
use pinprotect::commands;
use pinprotect::console::Console;

fn main() -> std::process::ExitCode {
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.global.now_from_env = matches.value_source("now") == Some(ValueSource::EnvVariable);
    let mut console = Console::new(cli.global.color, cli.global.quiet);
    match commands::run(cli, &mut console) {
        Ok(code) => code.into(),
        Err(err) => {
            console.report(&err);
            err.exit_code().into()
        }
    }
}
