//! `gazette watch add|list|remove|import`: the saved watches of an index.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use serde::Serialize;

use super::filters::FilterArgs;
use super::{Cli, Exit};
use crate::analysis::AliasTable;
use crate::index::{self, GazetteIndex};
use crate::watch::{self, alerts, Watch};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  gazette watch add Budanov 'Budanov'              # any spelling, any script
  gazette watch add 'Kharkiv strikes' 'Kharkiv AND strike' --lang uk,ru --since 2024
  gazette watch import leak.csv                    # label,query[,lang,source,since,until,entity]
  gazette watch list
  gazette watch remove Budanov
Then `gazette index --alerts` (from cron) prints what each job brought that a watch matches.")]
pub struct WatchArgs {
    #[command(subcommand)]
    pub action: WatchAction,
}

#[derive(Subcommand, Debug)]
pub enum WatchAction {
    /// Watch a name or query: what later jobs bring that it matches is alerted.
    Add {
        /// What the watch is called in alerts.
        label: String,
        /// The query, as `gazette search` takes it.
        query: String,
        #[command(flatten)]
        filters: FilterArgs,
        /// Replace a watch of the same label (its alert history starts again).
        #[arg(long)]
        replace: bool,
    },
    /// List the watches, with how many articles each has alerted on.
    List {
        /// One JSON record per watch.
        #[arg(long)]
        json: bool,
    },
    /// Remove watches, with what they alerted on.
    Remove {
        #[arg(required = true, value_name = "LABEL")]
        labels: Vec<String>,
    },
    /// Watch every entry of a list (a text file of one query per line, or a CSV with
    /// `label,query` and optional filter columns, as `gazette batch` reads them).
    Import {
        file: PathBuf,
        /// Filters for the entries that do not set their own.
        #[command(flatten)]
        filters: FilterArgs,
        /// Replace watches of the same labels.
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Serialize)]
struct WatchRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    watch: &'a Watch,
    /// Articles it has alerted on so far.
    alerted: usize,
}

pub(super) fn run(cli: &Cli, args: &WatchArgs, table: Arc<AliasTable>) -> Result<Exit> {
    let dir = &cli.index;
    let mut out = io::stdout().lock();
    match &args.action {
        WatchAction::Add {
            label,
            query,
            filters,
            replace,
        } => {
            let w = Watch::new(label, &filters.options(query.clone())?)?;
            if index::exists(dir) {
                let gi = GazetteIndex::open(dir, table)?;
                watch::validate(&gi, &w).with_context(|| format!("watch {label:?}"))?;
            }
            let done = watch::add(dir, vec![w], *replace)?;
            if !done.kept.is_empty() {
                anyhow::bail!(
                    "a watch labelled {label:?} exists (see `gazette watch list`); remove it first, or give --replace"
                );
            }
            let verb = if done.replaced.is_empty() {
                "added"
            } else {
                "replaced"
            };
            writeln!(
                out,
                "watch {label:?} {verb}: it alerts on what the next jobs bring"
            )?;
            Ok(Exit::Hits)
        }
        WatchAction::List { json } => {
            let watches = watch::list(dir)?;
            let counts = alerts::alerted_counts(dir)?;
            let alerted = |w: &Watch| counts.get(&w.label).copied().unwrap_or(0);
            if *json {
                for w in &watches {
                    serde_json::to_writer(
                        &mut out,
                        &WatchRecord {
                            kind: "watch",
                            watch: w,
                            alerted: alerted(w),
                        },
                    )?;
                    writeln!(out)?;
                }
            } else {
                let width = |f: &dyn Fn(&Watch) -> usize, head: &str| {
                    watches.iter().map(f).max().unwrap_or(0).max(head.len())
                };
                let lw = width(&|w| w.label.chars().count(), "LABEL");
                let qw = width(&|w| w.query.chars().count(), "QUERY");
                let fw = width(&|w| w.filter_text().chars().count(), "FILTERS");
                writeln!(
                    out,
                    "{:lw$}  {:qw$}  {:fw$}  ALERTED",
                    "LABEL", "QUERY", "FILTERS"
                )?;
                for w in &watches {
                    writeln!(
                        out,
                        "{:lw$}  {:qw$}  {:fw$}  {}",
                        w.label,
                        w.query,
                        w.filter_text(),
                        alerted(w)
                    )?;
                }
            }
            Ok(if watches.is_empty() {
                Exit::NoHits
            } else {
                Exit::Hits
            })
        }
        WatchAction::Remove { labels } => {
            let gone = watch::remove(dir, labels)?;
            for w in gone {
                writeln!(out, "watch {:?} removed", w.label)?;
            }
            Ok(Exit::Hits)
        }
        WatchAction::Import {
            file,
            filters,
            replace,
        } => {
            let (entries, mut bad) = crate::batch::parse(file)?;
            let base = filters.options(String::new())?;
            let gi = if index::exists(dir) {
                Some(GazetteIndex::open(dir, table)?)
            } else {
                None
            };
            let mut new = Vec::new();
            for e in &entries {
                let checked = Watch::from_entry(e, &base).and_then(|w| {
                    if let Some(gi) = &gi {
                        watch::validate(gi, &w)?;
                    }
                    Ok(w)
                });
                match checked {
                    Ok(w) => new.push(w),
                    Err(err) => bad.push(crate::Error::Parse {
                        path: file.clone(),
                        line: e.line,
                        reason: err.to_string(),
                    }),
                }
            }
            let done = watch::add(dir, new, *replace)?;
            writeln!(
                out,
                "{} watches added, {} replaced, {} already watched (kept; --replace replaces them), {} lines not taken",
                done.added.len(),
                done.replaced.len(),
                done.kept.len(),
                bad.len()
            )?;
            for e in &bad {
                eprintln!("gazette: {e}");
            }
            Ok(if bad.is_empty() {
                Exit::Hits
            } else {
                Exit::Error
            })
        }
    }
}
