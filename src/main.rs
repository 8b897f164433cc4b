//! The `gazette` binary: parses flags, runs the command, maps the outcome to an exit
//! code (0 hits, 1 no hits, 2 error; a closed pipe is not an error).

use std::process::ExitCode;

use gazette::cli::{self, Exit};

fn main() -> ExitCode {
    let args = std::env::args_os().collect();
    let cli = match cli::parse_args(args, &|name| std::env::var_os(name)) {
        Ok(cli) => cli,
        // --help and --version print and exit 0; a bad flag exits 2 with clap's message.
        Err(cli::ParseError::Clap(e)) => e.exit(),
        Err(cli::ParseError::Config(e)) => {
            eprintln!("gazette: {e:#}");
            return ExitCode::from(Exit::Error as u8);
        }
    };
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
