//! `gazette spellings ENTITY`: who writes which spelling of a name, overall, by outlet
//! or by period.

use std::io;
use std::sync::Arc;

use anyhow::Result;
use clap::Args;
use termcolor::{BufferedStandardStream, ColorChoice};

use super::count::{CountOutput, Format};
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
    #[arg(value_name = "ENTITY")]
    pub name: String,
    /// Count per source or period: source, lang, year, month, week or day.
    #[arg(long, value_name = "DIM")]
    pub by: Option<String>,
    /// Only articles that also match this query.
    #[arg(long, short = 'q', value_name = "QUERY")]
    pub query: Option<String>,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub output: CountOutput,
}

pub(super) fn run(
    cli: &Cli,
    args: &SpellingsArgs,
    table: Arc<AliasTable>,
    color: ColorChoice,
) -> Result<Exit> {
    args.output.check()?;
    let query = args.query.clone().unwrap_or_default();
    let opts = args.filters.options(query.clone())?;
    let req = SpellingRequest {
        entity: args.name.clone(),
        by: args.by.as_deref().map(Dim::parse).transpose()?,
    };
    let gi = open_for_search(cli, table)?;
    let result = analytics::spellings(&gi, &opts, &req)?;
    super::release_at_exit(gi);
    let title = match req.by {
        Some(d) => format!("Spellings of {} by {d}", result.entity.name),
        None => format!("Spellings of {}", result.entity.name),
    };
    match args.output.format() {
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
    if let Some(path) = &args.output.plot {
        crate::plot::plot(&result.count, &title, path)?;
    }
    Ok(if result.count.articles == 0 {
        Exit::NoHits
    } else {
        Exit::Hits
    })
}
