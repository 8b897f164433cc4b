//! `gazette spellings ENTITY`: who writes which spelling of a name, overall, by outlet
//! or by period.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use clap::Args;
use termcolor::{BufferedStandardStream, ColorChoice};

use super::count::Format;
use super::filters::FilterArgs;
use super::search::open_for_search;
use super::{Cli, Exit};
use crate::analysis::AliasTable;
use crate::analytics::{self, Dim, SpellingRequest};
use crate::output;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  gazette spellings Kyiv                     # Kiev, Kyiv, Київ, Киев… and how often
  gazette spellings Kiev --by source         # who writes Kiev?
  gazette spellings kyiv --by year --plot switch.svg")]
pub struct SpellingsArgs {
    /// The entity: its id or any of its spellings.
    pub entity: String,
    /// Count per source or period: source, lang, year, month, week or day.
    #[arg(long, value_name = "DIM")]
    pub by: Option<String>,
    /// Only articles that also match this query.
    #[arg(long, short = 'q', value_name = "QUERY")]
    pub query: Option<String>,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Print JSON Lines: one `spelling` record per bucket, then a `summary`.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV with a header row.
    #[arg(long)]
    pub csv: bool,
    /// Also draw the counts as a chart (SVG or PNG, by the file's extension).
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
}

pub(super) fn run(
    cli: &Cli,
    args: &SpellingsArgs,
    table: Arc<AliasTable>,
    color: ColorChoice,
) -> Result<Exit> {
    if let Some(path) = &args.plot {
        crate::plot::check_path(path)?;
    }
    let query = args.query.clone().unwrap_or_default();
    let opts = args.filters.options(query.clone())?;
    let req = SpellingRequest {
        entity: args.entity.clone(),
        by: args.by.as_deref().map(Dim::parse).transpose()?,
    };
    let gi = open_for_search(cli, table)?;
    let result = analytics::spellings(&gi, &opts, &req)?;
    let title = match req.by {
        Some(d) => format!("Spellings of {} by {d}", result.entity.name),
        None => format!("Spellings of {}", result.entity.name),
    };
    match Format::of(args.json, args.csv) {
        Format::Json => output::json::write_spellings(
            &mut io::BufWriter::new(io::stdout().lock()),
            &query,
            &result,
        )?,
        Format::Csv => output::csv::write_spellings(io::stdout().lock(), &result)?,
        Format::Table => output::table::print_counts(
            &mut BufferedStandardStream::stdout(color),
            &title,
            &result.count,
        )?,
    }
    if let Some(path) = &args.plot {
        crate::plot::plot(&result.count, &title, path)?;
    }
    Ok(if result.count.articles == 0 {
        Exit::NoHits
    } else {
        Exit::Hits
    })
}
