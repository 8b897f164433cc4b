//! `gazette stats`: what the index holds.

use std::io::{self, Write};
use std::sync::Arc;

use anyhow::Result;
use clap::Args;

use super::{Cli, Exit};
use crate::analysis::AliasTable;
use crate::index::{self, GazetteIndex};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  gazette stats
  gazette stats --index /srv/archive/index --json")]
pub struct StatsArgs {
    #[arg(long)]
    pub json: bool,
}

pub(super) fn run(cli: &Cli, args: &StatsArgs, table: Arc<AliasTable>) -> Result<Exit> {
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
    // Searches of a large index start faster over fewer segments (`--compact`); the
    // policy leaves about eight full ones and the levels below them.
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let tip = if s.segments > 4 * cores && s.articles >= crate::merge::MIN_CAP as u64 {
        format!(" (`gazette index --compact` merges them into {cores}: searches start faster)")
    } else {
        String::new()
    };
    writeln!(
        out,
        "size       {:.1} MB in {} segments{tip}",
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
        writeln!(out, "aliases    {}", info.alias_fingerprint)?;
        if !info.superseded.is_empty() {
            writeln!(
                out,
                "copies     {} older copies of an article hidden by a later one",
                info.superseded.len()
            )?;
        }
    }
    writeln!(out, "roots")?;
    for r in &s.roots {
        let state = if r.present { "" } else { "  (missing)" };
        writeln!(out, "  {:>7}  {}{state}", r.articles, r.root)?;
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
