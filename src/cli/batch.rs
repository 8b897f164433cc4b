//! `gazette batch FILE`: every entry of a list run in one process; per entry its
//! articles, first and last date and best passages, as text, JSON Lines or CSV.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use clap::Args;
use serde::Serialize;
use termcolor::{BufferedStandardStream, ColorChoice, ColorSpec, WriteColor};

use super::filters::FilterArgs;
use super::search::open_for_search;
use super::{Cli, Exit};
use crate::analysis::AliasTable;
use crate::batch;
use crate::output::json::JsonPrinter;
use crate::output::terminal::TerminalPrinter;
use crate::output::Printer;
use crate::passage::PassageOptions;
use crate::search::Grouping;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  gazette batch names.txt                 # one name or query per line (# comments)
  gazette batch leak.csv --json           # label,query[,lang,source,since,until,entity]
  gazette batch towns.txt --csv -n 0 > summary.csv")]
pub struct BatchArgs {
    /// The list: a text file (one query per line) or a CSV with a `query` column.
    pub file: PathBuf,
    /// Best passages per entry.
    #[arg(short = 'n', long = "limit", default_value_t = 3)]
    pub limit: usize,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Print JSON Lines: passage records carrying `label`, one `entry` record per entry.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print one CSV row per entry: label, query, hits, first_date, last_date.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Serialize)]
struct EntryRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    label: &'a str,
    query: &'a str,
    line: usize,
    hits: usize,
    first_date: Option<&'a str>,
    last_date: Option<&'a str>,
}

pub(super) fn run(
    cli: &Cli,
    args: &BatchArgs,
    table: Arc<AliasTable>,
    color: ColorChoice,
) -> Result<Exit> {
    let (entries, mut bad) = batch::parse(&args.file)?;
    let base = crate::search::SearchOptions {
        limit: args.limit,
        passages: PassageOptions {
            per_article: 1,
            ..PassageOptions::default()
        },
        group: Grouping::Off,
        ..args.filters.options(String::new())?
    };
    let gi = open_for_search(cli, table.clone())?;
    let mut json = JsonPrinter::new(io::BufWriter::new(io::stdout().lock()), table.clone());
    let mut csv_out = args.csv.then(|| csv::Writer::from_writer(io::stdout()));
    if let Some(w) = csv_out.as_mut() {
        w.write_record(["label", "query", "hits", "first_date", "last_date"])?;
    }
    let mut terminal = (!args.json && !args.csv)
        .then(|| TerminalPrinter::new(BufferedStandardStream::stdout(color), table.clone()));
    let mut any = false;
    for entry in &entries {
        let answer = match batch::run(&gi, entry, &base) {
            Ok(a) => a,
            Err(e) => {
                bad.push(crate::Error::Parse {
                    path: args.file.clone(),
                    line: entry.line,
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let hits = answer.results.total_articles;
        any |= hits > 0;
        if args.json {
            json.set_label(Some(entry.label.clone()));
            for hit in &answer.results.hits {
                json.hit(hit)?;
            }
            json.record(&EntryRecord {
                kind: "entry",
                label: &entry.label,
                query: &entry.query,
                line: entry.line,
                hits,
                first_date: answer.first_date.as_deref(),
                last_date: answer.last_date.as_deref(),
            })?;
        } else if let Some(w) = csv_out.as_mut() {
            w.write_record([
                entry.label.as_str(),
                entry.query.as_str(),
                &hits.to_string(),
                answer.first_date.as_deref().unwrap_or(""),
                answer.last_date.as_deref().unwrap_or(""),
            ])?;
        } else if let Some(t) = terminal.as_mut() {
            let span = match (&answer.first_date, &answer.last_date) {
                (Some(a), Some(b)) if a == b => format!(", {a}"),
                (Some(a), Some(b)) => format!(", {a} … {b}"),
                _ => String::new(),
            };
            let out = t.writer();
            let mut head = ColorSpec::new();
            head.set_bold(true);
            out.set_color(&head)?;
            write!(out, "{}", entry.label)?;
            out.reset()?;
            writeln!(
                out,
                "  {} article{}{span}",
                crate::output::table::thousands(hits as u64),
                if hits == 1 { "" } else { "s" }
            )?;
            for hit in &answer.results.hits {
                t.hit(hit)?;
            }
        }
    }
    json.flush()?;
    if let Some(mut w) = csv_out {
        w.flush()?;
    }
    if let Some(mut t) = terminal {
        t.writer().flush()?;
    }
    for e in &bad {
        eprintln!("gazette: {e}");
    }
    Ok(if !bad.is_empty() {
        Exit::Error
    } else if any {
        Exit::Hits
    } else {
        Exit::NoHits
    })
}
