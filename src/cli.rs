//! The command line: clap flags, turned into the library's option structs; colour and
//! output decisions; exit codes. The only module that knows about terminals and the
//! process environment.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;
use termcolor::{BufferedStandardStream, ColorChoice};

use crate::analysis::{self, AliasTable};
use crate::index::{self, GazetteIndex};
use crate::job::{self, IndexOptions, IndexReport, Progress};
use crate::output::json::JsonPrinter;
use crate::output::terminal::TerminalPrinter;
use crate::output::{print_results, Printer};
use crate::passage::PassageOptions;
use crate::search::{self, Filters, Grouping, SearchOptions, Sort};

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
    /// Show what the index holds.
    Stats(StatsArgs),
    /// Show the entity a name belongs to, with all its spellings.
    Aliases(AliasesArgs),
}

#[derive(Args, Debug)]
pub struct IndexArgs {
    /// Folders or files to index (.txt, .md, .json, .jsonl, .ndjson).
    #[arg(value_name = "PATH", default_values_t = [DEFAULT_CORPUS.to_string()])]
    pub paths: Vec<String>,
    /// Re-read every file, changed or not.
    #[arg(long)]
    pub rebuild: bool,
    /// If another job is writing to the index, wait for it instead of failing.
    #[arg(long)]
    pub wait: bool,
    /// Print the report as one JSON record.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Indexing memory budget in MB.
    #[arg(long, value_name = "MB", default_value_t = 200)]
    pub memory: usize,
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// The query (tantivy syntax: AND OR -, "phrases", title:, body:, lang:, source:).
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// Passages to show.
    #[arg(short = 'n', long = "limit", default_value_t = 10)]
    pub limit: usize,
    /// Passages to skip (for paging).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Print JSON Lines instead of text.
    #[arg(long)]
    pub json: bool,
    /// Match the spelling typed only (no aliases, no stemming).
    #[arg(long)]
    pub exact: bool,
    /// Passage length in characters.
    #[arg(long, value_name = "N", default_value_t = 320)]
    pub passage_chars: usize,
    /// At most K passages per article.
    #[arg(long, value_name = "K", default_value_t = 2)]
    pub per_article: usize,
    /// Only articles in these languages (ISO codes, comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub lang: Vec<String>,
    /// Only articles whose source contains this.
    #[arg(long)]
    pub source: Option<String>,
    /// Only articles dated on or after (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only articles dated on or before (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only articles mentioning this entity (an id from `gazette aliases`).
    #[arg(long, value_name = "ID")]
    pub entity: Option<String>,
    /// Order: best passages first, or newest articles first.
    #[arg(long, value_enum, default_value = "relevance")]
    pub sort: SortBy,
    /// List articles that tell the same story separately instead of as "+N similar".
    #[arg(long)]
    pub no_group: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum SortBy {
    Relevance,
    Date,
}

#[derive(Args, Debug)]
pub struct StatsArgs {
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct AliasesArgs {
    /// Any spelling of a name, or an entity id.
    #[arg(value_name = "NAME", required_unless_present = "stats")]
    pub name: Option<String>,
    /// Count entities and spellings by kind.
    #[arg(long)]
    pub stats: bool,
    #[arg(long)]
    pub json: bool,
}

/// Runs a parsed command line. A panic (tantivy can panic on a damaged index file) is
/// turned into one line of error: the user sees what to do, not a backtrace.
pub fn run(cli: Cli) -> Result<Exit> {
    let color = color_choice(cli.color);
    let table = load_table(cli.aliases.as_deref())?;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &cli.command {
        Command::Index(args) => run_index(&cli, args, table),
        Command::Search(args) => run_search(&cli, args, table, color),
        Command::Stats(args) => run_stats(&cli, args, table),
        Command::Aliases(args) => run_aliases(args, &table),
    }));
    outcome.unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("unknown cause");
        Err(match &cli.command {
            Command::Search(_) | Command::Stats(_) => anyhow::anyhow!(
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

fn run_index(cli: &Cli, args: &IndexArgs, table: Arc<AliasTable>) -> Result<Exit> {
    let opts = IndexOptions {
        roots: args.paths.iter().map(PathBuf::from).collect(),
        threads: args.threads,
        memory: args.memory.max(15) * 1_000_000,
        rebuild: args.rebuild,
        wait: args.wait,
    };
    let bar = (!args.quiet && io::stderr().is_terminal()).then(progress_bar);
    let report = job::run(&cli.index, table, &opts, &|p: Progress| {
        if let Some(bar) = &bar {
            bar.set_length(p.bytes_total);
            bar.set_position(p.bytes_done);
            bar.set_message(format!(
                "{}/{} files, {} articles",
                p.files_done, p.files_total, p.articles
            ));
        }
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let mut stdout = io::stdout().lock();
    for f in &report.failed {
        eprintln!("gazette: {}", f.error);
    }
    if args.json {
        serde_json::to_writer(&mut stdout, &IndexRecord::new(&report))?;
        writeln!(stdout)?;
    } else {
        writeln!(stdout, "{}", summary_line(&report, &cli.index))?;
    }
    Ok(if report.failed.is_empty() {
        Exit::Hits
    } else {
        Exit::Error
    })
}

fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {bytes}/{total_bytes} ({binary_bytes_per_sec}, ETA {eta}) {msg}",
        )
        .expect("valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// The one-line report of an indexing job.
fn summary_line(r: &IndexReport, index: &Path) -> String {
    let secs = r.elapsed_ms as f64 / 1e3;
    let rebuilt = r
        .rebuilt
        .as_deref()
        .map_or(String::new(), |why| format!(" (rebuilt: {why})"));
    format!(
        "{}: {} added, {} updated, {} deleted, {} unchanged files; {} articles read in {:.2} s ({:.1} MB/s); {} skipped, {} failed; {} articles in the index{rebuilt}",
        index.display(),
        r.added,
        r.updated,
        r.deleted,
        r.unchanged,
        r.articles,
        secs,
        r.bytes as f64 / 1e6 / secs.max(1e-3),
        r.skipped,
        r.failed.len(),
        r.total_articles,
    )
}

/// The `--json` report of an indexing job (documented in the README).
#[derive(Serialize)]
struct IndexRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    report: &'a IndexReport,
}

impl<'a> IndexRecord<'a> {
    fn new(report: &'a IndexReport) -> Self {
        IndexRecord {
            kind: "index",
            report,
        }
    }
}

/// Opens the index for reading. The default index is built from the default corpus on
/// first use, with one line on stderr saying so.
fn open_for_search(cli: &Cli, table: Arc<AliasTable>) -> Result<GazetteIndex> {
    let is_default = cli.index == Path::new(DEFAULT_INDEX);
    // No index yet, or one another first search is still building (created, never
    // committed): build it, or wait for that build.
    let unbuilt = || {
        !index::exists(&cli.index)
            || GazetteIndex::open(&cli.index, table.clone()).is_ok_and(|gi| gi.info.is_none())
    };
    if is_default && Path::new(DEFAULT_CORPUS).is_dir() && unbuilt() {
        eprintln!(
            "gazette: no index in {}/ yet; building it from {}/ (once)",
            DEFAULT_INDEX, DEFAULT_CORPUS
        );
        // Two first searches at once: the second waits for the first one's build.
        let opts = IndexOptions {
            wait: true,
            ..IndexOptions::default()
        };
        job::run(&cli.index, table.clone(), &opts, &|_| {})?;
    }
    let gi = GazetteIndex::open(&cli.index, table)?;
    if let Some(why) = gi.staleness() {
        eprintln!(
            "gazette: warning: index {} is stale: {why}; run `gazette index` to rebuild it",
            gi.path.display()
        );
    }
    Ok(gi)
}

fn run_search(
    cli: &Cli,
    args: &SearchArgs,
    table: Arc<AliasTable>,
    color: ColorChoice,
) -> Result<Exit> {
    let date = |flag: &str, s: &Option<String>| -> Result<Option<tantivy::DateTime>> {
        s.as_deref()
            .map(|d| {
                index::parse_date(d).with_context(|| {
                    format!("{flag} {d:?}: expected a date as YYYY, YYYY-MM or YYYY-MM-DD")
                })
            })
            .transpose()
    };
    let opts = SearchOptions {
        query: args.query.join(" "),
        limit: args.limit,
        offset: args.offset,
        exact: args.exact,
        passages: PassageOptions {
            chars: args.passage_chars.max(20),
            per_article: args.per_article.max(1),
        },
        filters: Filters {
            langs: args.lang.clone(),
            source: args.source.clone(),
            since: date("--since", &args.since)?,
            until: date("--until", &args.until)?,
            entity: args.entity.clone(),
        },
        sort: match args.sort {
            SortBy::Relevance => Sort::Relevance,
            SortBy::Date => Sort::Date,
        },
        // People get one entry per story; JSON keeps every passage and says which
        // repeat which, so that programs decide.
        group: if args.no_group {
            Grouping::Off
        } else if args.json {
            Grouping::Annotate
        } else {
            Grouping::Fold
        },
    };
    let gi = open_for_search(cli, table.clone())?;
    let results = search::search(&gi, &opts)?;
    let mut printer: Box<dyn Printer> = if args.json {
        Box::new(JsonPrinter::new(
            io::BufWriter::new(io::stdout().lock()),
            table,
        ))
    } else {
        // Buffered: one write per screenful, not one per coloured span (the printer
        // flushes after the summary).
        Box::new(TerminalPrinter::new(
            BufferedStandardStream::stdout(color),
            table,
        ))
    };
    print_results(printer.as_mut(), &opts.query, &results)?;
    Ok(if results.total_articles == 0 {
        Exit::NoHits
    } else {
        Exit::Hits
    })
}

fn run_stats(cli: &Cli, args: &StatsArgs, table: Arc<AliasTable>) -> Result<Exit> {
    let gi = GazetteIndex::open(&cli.index, table)?;
    let s = index::stats(&gi)?;
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &s)?;
        writeln!(out)?;
        return Ok(Exit::Hits);
    }
    writeln!(out, "index      {}", s.path)?;
    writeln!(out, "articles   {}", s.articles)?;
    writeln!(
        out,
        "size       {:.1} MB in {} segments",
        s.size_bytes as f64 / 1e6,
        s.segments
    )?;
    if let Some(info) = &s.info {
        writeln!(
            out,
            "built      {} (unix time {})",
            format_time(info.built_at),
            info.built_at
        )?;
        writeln!(out, "from       {}", info.roots.join(", "))?;
        writeln!(out, "aliases    {}", info.alias_fingerprint)?;
    }
    if let Some(why) = &s.stale {
        writeln!(out, "stale      {why}")?;
    }
    writeln!(out, "languages")?;
    for (lang, n) in &s.langs {
        writeln!(out, "  {lang:<8} {n}")?;
    }
    writeln!(out, "sources")?;
    for (src, n) in &s.sources {
        writeln!(out, "  {n:>7}  {src}")?;
    }
    if s.no_source > 0 {
        writeln!(out, "  {:>7}  (no source)", s.no_source)?;
    }
    Ok(Exit::Hits)
}

fn format_time(unix: u64) -> String {
    tantivy::time::OffsetDateTime::from_unix_timestamp(unix as i64)
        .ok()
        .and_then(|t| {
            t.format(&tantivy::time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

/// The JSON form of an entity.
#[derive(Serialize)]
struct EntityRecord<'a> {
    #[serde(rename = "type")]
    kind_tag: &'static str,
    #[serde(flatten)]
    entity: &'a analysis::Entity,
}

fn run_aliases(args: &AliasesArgs, table: &Arc<AliasTable>) -> Result<Exit> {
    let mut out = io::stdout().lock();
    if args.stats {
        let mut by_kind: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
        for e in table.entities() {
            let c = by_kind.entry(e.kind.as_str()).or_default();
            c.0 += 1;
            c.1 += e.spellings.len();
        }
        if args.json {
            let v: serde_json::Value = by_kind
                .iter()
                .map(|(k, (e, s))| {
                    (
                        k.to_string(),
                        serde_json::json!({"entities": e, "spellings": s}),
                    )
                })
                .collect::<serde_json::Map<_, _>>()
                .into();
            let total = serde_json::json!({
                "type": "alias_stats",
                "entities": table.entities().len(),
                "spellings": table.spelling_count(),
                "fingerprint": table.fingerprint(),
                "by_kind": v,
            });
            writeln!(out, "{total}")?;
        } else {
            writeln!(out, "{:<14} {:>8} {:>10}", "kind", "entities", "spellings")?;
            for (k, (e, s)) in &by_kind {
                writeln!(out, "{k:<14} {e:>8} {s:>10}")?;
            }
            writeln!(
                out,
                "{:<14} {:>8} {:>10}\nfingerprint {}",
                "total",
                table.entities().len(),
                table.spelling_count(),
                table.fingerprint()
            )?;
        }
        return Ok(Exit::Hits);
    }
    let name = args.name.as_deref().unwrap_or_default();
    let Some(entity) = find_entity(table, name) else {
        if args.json {
            writeln!(
                out,
                "{}",
                serde_json::json!({"type": "no_entity", "name": name})
            )?;
        } else {
            writeln!(out, "{name:?} is not a spelling of any known entity")?;
        }
        return Ok(Exit::NoHits);
    };
    if args.json {
        serde_json::to_writer(
            &mut out,
            &EntityRecord {
                kind_tag: "entity",
                entity,
            },
        )?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "{} ({}, id {})",
            entity.name,
            entity.kind.as_str(),
            entity.id
        )?;
        for s in &entity.spellings {
            writeln!(out, "  {s}")?;
        }
    }
    Ok(Exit::Hits)
}

/// The entity a whole name spells (any spelling, any case form), or whose id it is.
fn find_entity<'a>(table: &'a Arc<AliasTable>, name: &str) -> Option<&'a analysis::Entity> {
    if let Some(e) = table.entity(name.trim()) {
        return Some(e);
    }
    let tokens = analysis::analyze(&mut analysis::analyzer(table, analysis::NO_STEM), name);
    match tokens.as_slice() {
        [only] => table.entity_of_term(&only.text),
        _ => None,
    }
}
