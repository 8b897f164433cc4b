//! `gazette alerts` (and `gazette index --alerts`): what the jobs since the last check
//! brought that each watch matches, as text or JSON Lines; nothing when nothing is new.

use std::io::{self, Write};
use std::sync::Arc;

use anyhow::Result;
use clap::Args;
use termcolor::{BufferedStandardStream, ColorChoice, ColorSpec, WriteColor};

use super::{Cli, Exit};
use crate::analysis::AliasTable;
use crate::output::terminal::TerminalPrinter;
use crate::output::Printer;
use crate::passage::PassageOptions;
use crate::watch::alerts::{self, AlertOptions, Change, Checked};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  gazette alerts                    # what the last job brought for each watch
  gazette alerts --json             # one {\"type\":\"alert\",\"watch\":…} record per article and watch
  gazette index --alerts --quiet    # in cron: the job, then its alerts; mails only news")]
pub struct AlertsArgs {
    /// Print JSON Lines: one `alert` record per article and watch.
    #[arg(long)]
    pub json: bool,
    /// Passages per alerted article.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub passages: usize,
}

/// How alerts are shown: `passages` per article.
pub(super) fn options(passages: usize) -> AlertOptions {
    AlertOptions {
        passages: PassageOptions {
            per_article: passages,
            ..PassageOptions::default()
        },
    }
}

pub(super) fn run(
    cli: &Cli,
    args: &AlertsArgs,
    table: Arc<AliasTable>,
    color: ColorChoice,
) -> Result<Exit> {
    let checked = alerts::check(&cli.index, table.clone(), &options(args.passages))?;
    if checked.watches == 0 {
        eprintln!(
            "gazette: index {} has no watches; add one with `gazette watch add LABEL QUERY`",
            cli.index.display()
        );
    }
    print(&checked, args.json, table, color)
}

/// Prints a check's alerts; `Exit::NoHits` when there are none.
pub(super) fn print(
    checked: &Checked,
    json: bool,
    table: Arc<AliasTable>,
    color: ColorChoice,
) -> Result<Exit> {
    for (label, why) in &checked.failed {
        eprintln!("gazette: watch {label:?}: {why}");
    }
    if json {
        let mut out = io::BufWriter::new(io::stdout().lock());
        for a in &checked.alerts {
            crate::output::json::write_alert(&mut out, &table, a)?;
        }
        out.flush()?;
    } else if !checked.alerts.is_empty() {
        let mut t = TerminalPrinter::new(BufferedStandardStream::stdout(color), table);
        let mut at = 0;
        while at < checked.alerts.len() {
            let label = &checked.alerts[at].watch;
            let end = at
                + checked.alerts[at..]
                    .iter()
                    .take_while(|a| &a.watch == label)
                    .count();
            let group = &checked.alerts[at..end];
            let changed = group.iter().filter(|a| a.change == Change::Changed).count();
            let new = group.len() - changed;
            let out = t.writer();
            let mut head = ColorSpec::new();
            head.set_bold(true);
            out.set_color(&head)?;
            write!(out, "{label}")?;
            out.reset()?;
            let mut parts = Vec::new();
            if new > 0 {
                parts.push(format!("{new} new"));
            }
            if changed > 0 {
                parts.push(format!("{changed} changed"));
            }
            writeln!(out, "  {}", parts.join(", "))?;
            for (k, a) in group.iter().enumerate() {
                // Numbered by article within the watch: an article's passages share
                // its number.
                for hit in &a.passages {
                    let mut hit = hit.clone();
                    hit.rank = k + 1;
                    t.hit(&hit)?;
                }
                if a.passages.is_empty() {
                    // Matched by a filter alone: the article, without a passage.
                    writeln!(t.writer(), "  {}  ({})", a.article.title, a.article.id)?;
                }
            }
            at = end;
        }
        t.writer().flush()?;
    }
    if !checked.fresh && !checked.alerts.is_empty() {
        let (after, through) = checked.jobs;
        let jobs = if after + 1 == through {
            format!("job {through}")
        } else {
            format!("jobs {}–{through}", after + 1)
        };
        eprintln!("gazette: no job since the last check; these are the alerts of {jobs} again");
    }
    Ok(if checked.alerts.is_empty() {
        Exit::NoHits
    } else {
        Exit::Hits
    })
}
