//! `gazette search`: flags → [`SearchOptions`]; opening (on first use, building) the
//! index; the printer for the chosen output.

use std::io;
use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use termcolor::{BufferedStandardStream, ColorChoice};

use super::filters::FilterArgs;
use super::{Cli, Exit, Origin, DEFAULT_CORPUS, DEFAULT_INDEX};
use crate::analysis::AliasTable;
use crate::index::{self, GazetteIndex};
use crate::job::{self, IndexOptions};
use crate::output::json::JsonPrinter;
use crate::output::terminal::TerminalPrinter;
use crate::output::{print_results, Printer};
use crate::passage::PassageOptions;
use crate::search::{self, Grouping, SearchOptions, Sort};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  gazette search Kiev                       # every spelling: Kyiv, Київ, Киеве…
  gazette search --exact Kiev --since 2022 --lang en
  gazette search '\"Krivoy Rog\" AND drones' --json -n 50")]
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
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Passage length in characters.
    #[arg(long, value_name = "N", default_value_t = 320)]
    pub passage_chars: usize,
    /// At most K passages per article.
    #[arg(long, value_name = "K", default_value_t = 2)]
    pub per_article: usize,
    /// Order: best passages first, or newest articles first.
    #[arg(long, value_enum, default_value = "relevance")]
    pub sort: SortBy,
    /// List articles that tell the same story separately instead of as "+N similar".
    #[arg(long)]
    pub no_group: bool,
    /// Name at most N of the articles folded into a story's "+N similar" line (all are
    /// counted).
    #[arg(long, value_name = "N", default_value_t = search::DEFAULT_SIMILAR_LISTED)]
    pub similar: usize,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum SortBy {
    Relevance,
    Date,
}

/// Opens the index for reading. The default index (`./index`, no flag, no
/// `GAZETTE_INDEX`, no config file naming one) is built from `./corpus` on first use,
/// with one line on stderr saying so; a configured archive is never built by a search.
pub(super) fn open_for_search(cli: &Cli, table: Arc<AliasTable>) -> Result<GazetteIndex> {
    let is_default =
        cli.index_origin == Some(Origin::Default) && cli.index == Path::new(DEFAULT_INDEX);
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
    if is_default && !index::exists(&cli.index) {
        bail!(
            "no index in ./{DEFAULT_INDEX} and no ./{DEFAULT_CORPUS} folder to build one from; \
             build one with `gazette index PATH/TO/NEWS`, then run `gazette search QUERY` \
             (or point GAZETTE_INDEX or the config file's `index` at an existing archive; see `gazette config`)"
        );
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

pub(super) fn run(
    cli: &Cli,
    args: &SearchArgs,
    table: Arc<AliasTable>,
    color: ColorChoice,
) -> Result<Exit> {
    let opts = SearchOptions {
        limit: args.limit,
        offset: args.offset,
        passages: PassageOptions {
            chars: args.passage_chars.max(20),
            per_article: args.per_article.max(1),
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
        similar_listed: args.similar,
        ..args.filters.options(args.query.join(" "))?
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
    super::release_at_exit(gi);
    if !args.json {
        for s in &results.suggestions {
            eprintln!(
                "did you mean {} ({} article{})?",
                s.query,
                crate::output::table::thousands(s.hits as u64),
                if s.hits == 1 { "" } else { "s" }
            );
        }
    }
    Ok(if results.total_articles == 0 {
        Exit::NoHits
    } else {
        Exit::Hits
    })
}
