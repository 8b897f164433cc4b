//! `gazette index`: flags → [`IndexOptions`], the progress bar, the job's report.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use super::{Cli, Exit};
use crate::analysis::AliasTable;
use crate::job::{self, IndexOptions, IndexReport, Progress};
use crate::reader::FieldMap;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  gazette index corpus                      # build or update ./index from ./corpus
  gazette index /mnt/crawl --index /srv/archive/index --json
  gazette index --field title=headline,body=article_text exports/")]
pub struct IndexArgs {
    /// Folders or files to index: .txt .md .json .jsonl .ndjson .csv .tsv .html .htm
    /// .warc .arc .rss .atom .xml, each also as .gz .bz2 .zst.
    /// Added to the index's roots; none: every recorded root (./corpus for a new index).
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// Re-read every file, changed or not.
    #[arg(long)]
    pub rebuild: bool,
    /// If another job is writing to the index, wait for it instead of failing.
    #[arg(long)]
    pub wait: bool,
    /// Print the report as one JSON record (with --alerts: the alerts as JSON Lines).
    #[arg(long)]
    pub json: bool,
    /// After the job, print what it brought that each watch matches (see `gazette
    /// watch`), and nothing when nothing is new; the job's report then goes to stderr
    /// (none with --quiet), so that cron mails only news and failures.
    #[arg(long)]
    pub alerts: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Indexing memory budget in MB.
    #[arg(long, value_name = "MB", default_value_t = 200)]
    pub memory: usize,
    /// Read a field of CSV and JSON files from another column or key, e.g.
    /// `--field title=headline,body=article_text` (fields: id title body date source url
    /// lang author). Recorded with the index for later jobs; a new mapping re-reads
    /// every file.
    #[arg(long, value_name = "FIELD=NAME,...")]
    pub field: Vec<String>,
    /// After the job, merge the index into N segments of about equal size (`--compact`:
    /// one per core, as a search runs one thread per segment). Fewer segments make each
    /// search process quicker to start; about a minute per million articles, and
    /// searches meanwhile see the index as it was.
    #[arg(
        long,
        value_name = "N",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "0"
    )]
    pub compact: Option<usize>,
}

pub(super) fn run(
    cli: &Cli,
    args: &IndexArgs,
    table: Arc<AliasTable>,
    color: termcolor::ColorChoice,
) -> Result<Exit> {
    // A new index with no path given is built from the config file's `corpus`.
    let roots: Vec<PathBuf> = if args.paths.is_empty() && !crate::index::exists(&cli.index) {
        cli.config.corpus.clone()
    } else {
        args.paths.iter().map(PathBuf::from).collect()
    };
    let opts = IndexOptions {
        roots,
        remove: false,
        threads: args.threads,
        memory: args.memory.max(15) * 1_000_000,
        rebuild: args.rebuild,
        wait: args.wait,
        fields: if args.field.is_empty() {
            None
        } else {
            Some(FieldMap::parse(args.field.iter().map(String::as_str))?)
        },
        compact: args.compact,
    };
    let bar = (!args.quiet && io::stderr().is_terminal()).then(progress_bar);
    let report = job::run(&cli.index, table.clone(), &opts, &|p: Progress| {
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
    for f in &report.failed {
        eprintln!("gazette: {}", f.error);
    }
    if args.alerts {
        // The report goes to stderr, the alerts to stdout.
        if !args.quiet {
            eprintln!("{}", summary_line(&report, &cli.index));
        }
        let checked =
            crate::watch::alerts::check(&cli.index, table.clone(), &super::alerts::options(2))
                .map_err(|e| {
                    anyhow::anyhow!(
                        "the job is committed, but its alerts could not be checked: {e}"
                    )
                })?;
        super::alerts::print(&checked, args.json, table, color)?;
    } else {
        let mut stdout = io::stdout().lock();
        if args.json {
            serde_json::to_writer(&mut stdout, &IndexRecord::new(&report))?;
            writeln!(stdout)?;
        } else {
            writeln!(stdout, "{}", summary_line(&report, &cli.index))?;
        }
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
    // The files' reading, without the compaction after it.
    let secs = r
        .elapsed_ms
        .saturating_sub(r.compacted.as_ref().map_or(0, |c| c.elapsed_ms)) as f64
        / 1e3;
    let rebuilt = r
        .rebuilt
        .as_deref()
        .map_or(String::new(), |why| format!(" (rebuilt: {why})"));
    // Per format, when the job read more than one.
    let formats = if r.formats.len() > 1 {
        let parts: Vec<String> = r.formats.iter().map(|(f, n)| format!("{f} {n}")).collect();
        format!(" ({})", parts.join(", "))
    } else {
        String::new()
    };
    // Web archive records and files that held no article, by kind.
    let records = if r.records_skipped.is_empty() {
        String::new()
    } else {
        let total: usize = r.records_skipped.values().sum();
        let parts: Vec<String> = r
            .records_skipped
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        format!(" ({total} records not articles: {})", parts.join(", "))
    };
    let compacted = r.compacted.as_ref().map_or(String::new(), |c| {
        format!(
            "; {} → {} segments in {:.1} s",
            c.segments_before,
            c.segments,
            c.elapsed_ms as f64 / 1e3
        )
    });
    format!(
        "{}: {} added, {} updated, {} deleted, {} unchanged files; {} articles{formats} read in {:.2} s ({:.1} MB/s); {} skipped{records}, {} failed; {} articles in the index{rebuilt}{compacted}",
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
