//! The command line: clap flags, turned into the library's option structs; colour and
//! output decisions; exit codes. The only module that knows about terminals and the
//! process environment. Each subcommand has its own file, which turns its flags into
//! the library's options and prints the outcome.

mod aliases;
mod index;
mod roots;
mod search;
mod show;
mod stats;

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use termcolor::ColorChoice;

use crate::analysis::AliasTable;

pub use aliases::AliasesArgs;
pub use index::IndexArgs;
pub use roots::RootsArgs;
pub use search::{SearchArgs, SortBy};
pub use show::ShowArgs;
pub use stats::StatsArgs;

/// Exit codes, in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Something was found (or a command other than search succeeded).
    Hits = 0,
    /// The search found nothing.
    NoHits = 1,
    /// An error, or an indexing job in which some files failed.
    Error = 2,
}

/// The default index location, relative to the working directory.
pub const DEFAULT_INDEX: &str = "index";
/// The default corpus location.
pub const DEFAULT_CORPUS: &str = "corpus";

#[derive(Parser, Debug)]
#[command(
    name = "gazette",
    version,
    about = "Search news archives: ranked passages, alias-aware names"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Index directory.
    #[arg(long, global = true, value_name = "DIR", default_value = DEFAULT_INDEX)]
    pub index: PathBuf,
    /// When to use colour: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorWhen,
    /// Extra alias file (TOML, same format as the built-in table): adds or overrides entities.
    #[arg(long, global = true, value_name = "FILE")]
    pub aliases: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the index from corpus folders or files.
    Index(IndexArgs),
    /// Search the index and print ranked passages.
    Search(SearchArgs),
    /// Print one article whole, with its entities marked.
    Show(ShowArgs),
    /// Show what the index holds.
    Stats(StatsArgs),
    /// List the folders and files the index is built from, or remove one with its articles.
    Roots(RootsArgs),
    /// Show the entity a name belongs to, with all its spellings.
    Aliases(AliasesArgs),
}

/// Runs a parsed command line. A panic (tantivy can panic on a damaged index file) is
/// turned into one line of error: the user sees what to do, not a backtrace.
pub fn run(cli: Cli) -> Result<Exit> {
    let color = color_choice(cli.color);
    let table = load_table(cli.aliases.as_deref())?;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &cli.command {
        Command::Index(args) => index::run(&cli, args, table),
        Command::Search(args) => search::run(&cli, args, table, color),
        Command::Show(args) => show::run(&cli, args, table, color),
        Command::Stats(args) => stats::run(&cli, args, table),
        Command::Roots(args) => roots::run(&cli, args, table),
        Command::Aliases(args) => aliases::run(args, &table),
    }));
    outcome.unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("unknown cause");
        Err(match &cli.command {
            Command::Search(_) | Command::Show(_) | Command::Stats(_) | Command::Roots(RootsArgs { action: None, .. }) => anyhow::anyhow!(
                "index {}: damaged or unreadable ({what}); rebuild it with `gazette index --rebuild`",
                cli.index.display()
            ),
            _ => anyhow::anyhow!("internal error ({what}); nothing was committed"),
        })
    })
}

/// Keeps panic messages off the terminal: `run` reports them as errors.
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|_| {}));
}

/// Whether an error is a closed pipe (`gazette search x | head`): not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// `auto` means colour on a terminal unless NO_COLOR is set (https://no-color.org).
fn color_choice(when: ColorWhen) -> ColorChoice {
    match when {
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
        ColorWhen::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
            if !no_color && !dumb && io::stdout().is_terminal() {
                ColorChoice::Always
            } else {
                ColorChoice::Never
            }
        }
    }
}

fn load_table(user: Option<&Path>) -> Result<Arc<AliasTable>> {
    Ok(match user {
        None => AliasTable::builtin(),
        Some(path) => Arc::new(AliasTable::with_user_file(path)?),
    })
}
