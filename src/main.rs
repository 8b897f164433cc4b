//! The `gazette` binary: parses flags, runs the command, maps the outcome to an exit
//! code (0 hits, 1 no hits, 2 error; a closed pipe is not an error).

use std::process::ExitCode;

use clap::Parser;
use gazette::cli::{self, Cli, Exit};

fn main() -> ExitCode {
    let cli = Cli::parse();
    cli::quiet_panics();
    let code = match cli::run(cli) {
        Ok(exit) => exit,
        Err(err) if cli::is_broken_pipe(&err) => Exit::Hits,
        Err(err) => {
            eprintln!("gazette: {err:#}");
            Exit::Error
        }
    };
    ExitCode::from(code as u8)
}
