//! `gazette count`: flags → [`CountRequest`]; the table, JSON Lines or CSV, and the
//! chart.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use clap::{Args, ValueEnum};
use termcolor::{BufferedStandardStream, ColorChoice};

use super::filters::FilterArgs;
use super::search::open_for_search;
use super::{Cli, Exit};
use crate::analysis::{AliasTable, Kind};
use crate::analytics::{self, CountRequest, CountResult, Dim, Rank};
use crate::output;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  gazette count Kyiv --by month                 # a timeline of coverage
  gazette count Kyiv --by source,year --csv     # a pivot, for a spreadsheet
  gazette count Bakhmut --by entity --kind person --top 10
  gazette count --by lang                       # the whole archive
  gazette count Kyiv --by month --plot kyiv.svg")]
pub struct CountArgs {
    /// The query (as for `search`); none counts every article.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// What to count by: source, lang, year, month, week, day, entity or spelling; two
    /// separated by a comma make a pivot (`source,year`).
    #[arg(long, value_name = "DIM[,DIM]")]
    pub by: String,
    /// With `--by entity`: only entities of this kind.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Keep the K largest buckets; 0 keeps all [default: 25 for `--by entity`, else
    /// all]. A date dimension keeps every period.
    #[arg(long, value_name = "K")]
    pub top: Option<usize>,
    /// With `--by entity`: order by association with the query (log-likelihood, the
    /// default), by lift, or by count.
    #[arg(long, value_enum, default_value = "llr")]
    pub rank: RankArg,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub output: CountOutput,
}

/// How counts are printed (`count`, `spellings`): a table, JSON Lines or CSV, and a chart.
#[derive(Args, Debug)]
pub struct CountOutput {
    /// Print JSON Lines: one record per bucket (`bucket`, or `spelling`), then a `summary`.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV with a header row.
    #[arg(long)]
    pub csv: bool,
    /// Also draw the counts as a chart (SVG or PNG, by the file's extension).
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
}

impl CountOutput {
    pub(super) fn format(&self) -> Format {
        Format::of(self.json, self.csv)
    }

    /// Refuses a chart file Gazette cannot draw, before any work.
    pub(super) fn check(&self) -> Result<()> {
        if let Some(path) = &self.plot {
            crate::plot::check_path(path)?;
        }
        Ok(())
    }
}

/// Entities listed by `--by entity` unless `--top` says otherwise: a ranking, not an
/// inventory (an archive names thousands).
const DEFAULT_ENTITY_TOP: usize = 25;

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum KindArg {
    Person,
    #[value(alias = "organization", alias = "org")]
    Organisation,
    Place,
    Country,
}

impl KindArg {
    pub fn kind(self) -> Kind {
        match self {
            KindArg::Person => Kind::Person,
            KindArg::Organisation => Kind::Organisation,
            KindArg::Place => Kind::Place,
            KindArg::Country => Kind::Country,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum RankArg {
    Llr,
    Lift,
    Count,
}

/// The output chosen by `--json` / `--csv`.
pub(super) enum Format {
    Table,
    Json,
    Csv,
}

impl Format {
    pub(super) fn of(json: bool, csv: bool) -> Format {
        if json {
            Format::Json
        } else if csv {
            Format::Csv
        } else {
            Format::Table
        }
    }
}

pub(super) fn run(
    cli: &Cli,
    args: &CountArgs,
    table: Arc<AliasTable>,
    color: ColorChoice,
) -> Result<Exit> {
    let query = args.query.join(" ");
    let opts = args.filters.options(query.clone())?;
    args.output.check()?;
    let by = Dim::parse_list(&args.by)?;
    let top = match args.top {
        Some(0) => None,
        Some(k) => Some(k),
        None if by[0] == Dim::Entity => Some(DEFAULT_ENTITY_TOP),
        None => None,
    };
    let req = CountRequest {
        by,
        kind: args.kind.map(KindArg::kind),
        top,
        rank: match args.rank {
            RankArg::Llr => Rank::Llr,
            RankArg::Lift => Rank::Lift,
            RankArg::Count => Rank::Count,
        },
    };
    if args.kind.is_some() && !req.by.contains(&Dim::Entity) {
        anyhow::bail!("--kind applies to --by entity");
    }
    let gi = open_for_search(cli, table)?;
    let result = analytics::count(&gi, &opts, &req)?;
    super::release_at_exit(gi);
    let title = title(&query, &req.by);
    print(&result, &title, &query, args.output.format(), color)?;
    if let Some(path) = &args.output.plot {
        crate::plot::plot(&result, &title, path)?;
    }
    Ok(if result.articles == 0 {
        Exit::NoHits
    } else {
        Exit::Hits
    })
}

fn title(query: &str, by: &[Dim]) -> String {
    let by = by
        .iter()
        .map(|d| d.as_str())
        .collect::<Vec<_>>()
        .join(" × ");
    if query.trim().is_empty() {
        format!("All articles by {by}")
    } else {
        format!("{query}: articles by {by}")
    }
}

fn print(
    result: &CountResult,
    title: &str,
    query: &str,
    format: Format,
    color: ColorChoice,
) -> Result<()> {
    match format {
        Format::Json => {
            output::json::write_counts(&mut io::BufWriter::new(io::stdout().lock()), query, result)?
        }
        Format::Csv => output::csv::write_counts(io::stdout().lock(), result)?,
        Format::Table => {
            output::table::print_counts(&mut BufferedStandardStream::stdout(color), title, result)?
        }
    }
    Ok(())
}
