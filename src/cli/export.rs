//! `gazette export`: every matching article (or the whole archive) as JSON Lines or
//! CSV, with the fields asked for.

use std::io::{self, Write};
use std::sync::Arc;

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};

use super::filters::FilterArgs;
use super::search::open_for_search;
use super::{Cli, Exit};
use crate::analysis::AliasTable;
use crate::export::{self, Exported, DEFAULT_FIELDS, FIELDS};
use crate::output;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  gazette export Kyiv --since 2022 > kyiv.jsonl
  gazette export 'Bakhmut OR Artemivsk' --format csv --fields id,date,source,title,passage > review.csv
  gazette export --format csv --fields id,date,source,entities   # the whole archive")]
pub struct ExportArgs {
    /// The query (as for `search`); none exports every article.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: ExportFormat,
    /// The fields, in order: id, title, date, source, lang, url, author, captured, path,
    /// passage, entities, body [default: all but body].
    #[arg(long, value_delimiter = ',', value_name = "FIELD,...")]
    pub fields: Vec<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    Jsonl,
    Csv,
}

pub(super) fn run(cli: &Cli, args: &ExportArgs, table: Arc<AliasTable>) -> Result<Exit> {
    let fields: Vec<String> = if args.fields.is_empty() {
        DEFAULT_FIELDS.iter().map(|f| f.to_string()).collect()
    } else {
        args.fields.iter().map(|f| f.trim().to_string()).collect()
    };
    if let Some(bad) = fields.iter().find(|f| !FIELDS.contains(&f.as_str())) {
        bail!(
            "--fields: `{bad}` is not a field (fields: {})",
            FIELDS.join(", ")
        );
    }
    let opts = args.filters.options(args.query.join(" "))?;
    let gi = open_for_search(cli, table)?;
    let stdout = io::stdout().lock();
    let with_body = fields.iter().any(|f| f == "body");
    let mut failed: Option<io::Error> = None;
    let n = match args.format {
        ExportFormat::Jsonl => {
            let mut out = io::BufWriter::new(stdout);
            let n = export::export(&gi, &opts, with_body, &mut |a: Exported| {
                kept(
                    output::json::write_exported(&mut out, &a, &fields),
                    &mut failed,
                )
            })?;
            if failed.is_none() {
                failed = out.flush().err();
            }
            n
        }
        ExportFormat::Csv => {
            let mut w = output::csv::ExportWriter::new(stdout, &fields)?;
            let n = export::export(&gi, &opts, with_body, &mut |a: Exported| {
                kept(w.row(&a), &mut failed)
            })?;
            if failed.is_none() {
                failed = w.finish().err();
            }
            n
        }
    };
    if let Some(e) = failed {
        return Err(e.into());
    }
    Ok(if n == 0 { Exit::NoHits } else { Exit::Hits })
}

/// Whether a record was written; a write error is kept to report, and stops the export.
fn kept(written: io::Result<()>, failed: &mut Option<io::Error>) -> bool {
    match written {
        Ok(()) => true,
        Err(e) => {
            *failed = Some(e);
            false
        }
    }
}
