//! The command line: clap flags, turned into the library's option structs; colour and
//! output decisions; exit codes. The only module that knows about terminals and the
//! process environment. Each subcommand has its own file, which turns its flags into
//! the library's options and prints the outcome.

mod alerts;
mod aliases;
mod batch;
pub mod config;
mod count;
mod engine;
mod export;
mod filters;
mod index;
mod lazy;
mod meta;
mod roots;
mod search;
mod show;
mod spellings;
mod stats;
mod watch;

use std::ffi::OsString;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use termcolor::ColorChoice;

use crate::analysis::AliasTable;
use lazy::Lazy;

pub use alerts::AlertsArgs;
pub use aliases::AliasesArgs;
pub use batch::BatchArgs;
pub use config::{Config, Origin};
pub use count::CountArgs;
pub use engine::EngineArgs;
pub use export::ExportArgs;
pub use filters::FilterArgs;
pub use index::IndexArgs;
pub use meta::{CompletionsArgs, ConfigArgs, ManArgs};
pub use roots::RootsArgs;
pub use search::{SearchArgs, SortBy};
pub use show::ShowArgs;
pub use spellings::SpellingsArgs;
pub use stats::StatsArgs;
pub use watch::{WatchAction, WatchArgs};

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
    about = "Search news archives: ranked passages, alias-aware names",
    // A flag default from the config file comes first; the flag typed replaces it.
    args_override_self = true,
    after_help = "The index is found from the --index flag, else GAZETTE_INDEX, else the config \
file's `index` ($GAZETTE_CONFIG, else $XDG_CONFIG_HOME/gazette/config.toml), else ./index. \
`gazette config` shows the settings in force and where each came from."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Index directory [default: GAZETTE_INDEX, the config file's `index`, else ./index].
    #[arg(long = "index", global = true, value_name = "DIR")]
    pub index_flag: Option<PathBuf>,
    /// When to use colour: auto (a terminal, unless NO_COLOR is set), always, never
    /// [default: the config file's `color`, else auto].
    #[arg(long = "color", global = true, value_name = "WHEN")]
    pub color_flag: Option<ColorWhen>,
    /// Extra alias file (TOML, same format as the built-in table): adds or overrides
    /// entities [default: the config file's `aliases`].
    #[arg(long = "aliases", global = true, value_name = "FILE")]
    pub aliases_flag: Option<PathBuf>,
    /// Read no config file.
    #[arg(long, global = true)]
    pub no_config: bool,
    /// The index in force (see [`parse_args`]).
    #[arg(skip)]
    pub index: PathBuf,
    #[arg(skip)]
    pub index_origin: Option<Origin>,
    /// The colour rule in force.
    #[arg(skip)]
    pub color: ColorWhen,
    /// The extra alias file in force.
    #[arg(skip)]
    pub aliases: Option<PathBuf>,
    /// The config file read, if any.
    #[arg(skip)]
    pub config: Config,
}

/// Why the command line could not be taken.
#[derive(Debug)]
pub enum ParseError {
    /// clap's own: a bad flag, or `--help` / `--version` (which print and exit 0).
    Clap(clap::Error),
    /// A bad or missing config file.
    Config(anyhow::Error),
}

/// Parses the command line in two stages (as ripgrep does): the config file's flag
/// defaults are put before the flags typed, then clap parses both; the index, colour
/// and alias file are resolved by precedence. `env` reads the environment.
pub fn parse_args(
    args: Vec<OsString>,
    env: &dyn Fn(&str) -> Option<OsString>,
) -> Result<Cli, ParseError> {
    let no_config = args
        .iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--no-config");
    let config = if no_config {
        Config::default()
    } else {
        Config::load(env).map_err(ParseError::Config)?
    };
    let args = config::with_flag_defaults(args, &config);
    let matches = Cli::command()
        .version(version_line())
        .try_get_matches_from(args)
        .map_err(ParseError::Clap)?;
    let mut cli = Cli::from_arg_matches(&matches).map_err(ParseError::Clap)?;
    let (index, origin) = config::resolve_index(cli.index_flag.as_deref(), env, &config);
    cli.index = index;
    cli.index_origin = Some(origin);
    cli.color = cli.color_flag.or(config.color).unwrap_or(ColorWhen::Auto);
    cli.aliases = cli.aliases_flag.clone().or_else(|| config.aliases.clone());
    cli.config = config;
    Ok(cli)
}

/// `gazette --version`: the version, the index schema it builds and the built-in alias
/// table's fingerprint (an index built with another table is rebuilt).
fn version_line() -> String {
    format!(
        "{} (index schema {}, alias table {})",
        env!("CARGO_PKG_VERSION"),
        crate::index::SCHEMA_VERSION,
        AliasTable::builtin().fingerprint()
    )
}

impl Cli {
    /// The clap command, for the config file's flag checks, completions and man pages.
    pub fn command_for_config() -> clap::Command {
        lazy::full_command::<Cli>()
    }
}

#[derive(Clone, Copy, Debug, Default, ValueEnum, PartialEq, Eq)]
pub enum ColorWhen {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the index from corpus folders or files.
    Index(Lazy<IndexArgs>),
    /// Search the index and print ranked passages.
    Search(Lazy<SearchArgs>),
    /// Run every name or query of a list (text or CSV) and report each one's articles.
    Batch(Lazy<BatchArgs>),
    /// Count the matching articles by source, language, period, entity or spelling.
    Count(Lazy<CountArgs>),
    /// Count who writes which spelling of an entity, overall, by outlet or by period.
    Spellings(Lazy<SpellingsArgs>),
    /// Write the archive and its name rules for Manticore / Sphinx or OpenSearch.
    ExportEngine(Lazy<EngineArgs>),
    /// Save, list and remove watches: queries whose new articles each job alerts on.
    Watch(Lazy<WatchArgs>),
    /// Print what the jobs since the last check brought that each watch matches.
    Alerts(Lazy<AlertsArgs>),
    /// Print every matching article (or the whole archive) as JSON Lines or CSV.
    Export(Lazy<ExportArgs>),
    /// Print one article whole, with its entities marked.
    Show(Lazy<ShowArgs>),
    /// Show what the index holds.
    Stats(Lazy<StatsArgs>),
    /// List the folders and files the index is built from, or remove one with its articles.
    Roots(Lazy<RootsArgs>),
    /// Show the entity a name belongs to, with all its spellings.
    Aliases(Lazy<AliasesArgs>),
    /// Show the settings in force (index, config file, flag defaults) and where each came from.
    Config(Lazy<ConfigArgs>),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(Lazy<CompletionsArgs>),
    /// Print the man page (of gazette, or of one subcommand) in roff.
    Man(Lazy<ManArgs>),
}

/// Runs a parsed command line. A panic (tantivy can panic on a damaged index file) is
/// turned into one line of error: the user sees what to do, not a backtrace.
pub fn run(cli: Cli) -> Result<Exit> {
    let color = color_choice(cli.color);
    let table = load_table(cli.aliases.as_deref())?;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &cli.command {
        Command::Index(args) => index::run(&cli, args, table, color),
        Command::Search(args) => search::run(&cli, args, table, color),
        Command::Batch(args) => batch::run(&cli, args, table, color),
        Command::Count(args) => count::run(&cli, args, table, color),
        Command::Spellings(args) => spellings::run(&cli, args, table, color),
        Command::Export(args) => export::run(&cli, args, table),
        Command::Watch(args) => watch::run(&cli, args, table),
        Command::ExportEngine(args) => engine::run(&cli, args, table),
        Command::Alerts(args) => alerts::run(&cli, args, table, color),
        Command::Show(args) => show::run(&cli, args, table, color),
        Command::Stats(args) => stats::run(&cli, args, table),
        Command::Roots(args) => roots::run(&cli, args, table),
        Command::Aliases(args) => aliases::run(args, &table),
        Command::Config(args) => meta::config(&cli, args),
        Command::Completions(args) => meta::completions(args),
        Command::Man(args) => meta::man(args),
    }));
    outcome.unwrap_or_else(|payload| {
        let what = crate::error::panic_message(payload.as_ref());
        Err(match &cli.command {
            Command::Search(_) | Command::Batch(_) | Command::Alerts(_) | Command::Count(_) | Command::Export(_) | Command::Spellings(_) | Command::Show(_) | Command::Stats(_) | Command::Roots(Lazy(RootsArgs { action: None, .. })) => anyhow::anyhow!(
                "index {}: damaged or unreadable ({what}); rebuild it with `gazette index --rebuild`",
                cli.index.display()
            ),
            _ => anyhow::anyhow!("internal error ({what}); nothing was committed"),
        })
    })
}

/// Leaves an index a command has finished with to the process's exit, which unmaps
/// all its files at once. Dropping it unmaps them one `munmap` at a time (six files
/// a segment), each a TLB shootdown to the cores the search threads ran on: at 10×
/// news-large (5 segments), a fresh `search` spent more time in the kernel than in
/// Gazette (BENCHMARKS.md, 2026-12-04). Only for a process about to exit: nothing
/// else is released, and a library caller keeps its index open as it likes.
pub(crate) fn release_at_exit(gi: crate::index::GazetteIndex) {
    std::mem::forget(gi);
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

/// Where compiled user alias tables are kept: `$GAZETTE_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/gazette`, else `~/.cache/gazette`; none when none is set.
fn cache_dir() -> Option<std::path::PathBuf> {
    let set = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    set("GAZETTE_CACHE_DIR")
        .map(std::path::PathBuf::from)
        .or_else(|| set("XDG_CACHE_HOME").map(|x| std::path::PathBuf::from(x).join("gazette")))
        .or_else(|| set("HOME").map(|h| std::path::PathBuf::from(h).join(".cache/gazette")))
}

fn load_table(user: Option<&Path>) -> Result<Arc<AliasTable>> {
    Ok(match user {
        None => AliasTable::builtin(),
        Some(path) => Arc::new(AliasTable::with_user_file(path, cache_dir().as_deref())?),
    })
}
