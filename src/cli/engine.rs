//! `gazette export-engine manticore|opensearch DIR`: the archive and its name rules in
//! the formats a distributed engine loads.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::{Cli, Exit};
use crate::analysis::AliasTable;
use crate::engine::{self, EngineOptions};
use crate::index::GazetteIndex;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Engine {
    /// Manticore Search, or Sphinx 2.2+: node configs, TSV for `indexer`, wordforms.
    Manticore,
    /// OpenSearch (or Elasticsearch): index settings and mappings, `_bulk` NDJSON.
    Opensearch,
}

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  gazette export-engine manticore out/                       # one node
  gazette export-engine manticore out/ --shards 2 --agent 10.0.0.2:9312
  gazette export-engine opensearch out/ --bulk-mb 20
  gazette export-engine opensearch out/ --since-last         # what the last job brought")]
pub struct EngineArgs {
    pub engine: Engine,
    /// The folder to write into (created).
    pub dir: PathBuf,
    /// Split the articles into this many shards (Manticore: one node each).
    #[arg(long, default_value_t = 1)]
    pub shards: usize,
    /// `HOST:PORT` of the node holding shard 1, 2, … (its binary-protocol port; its
    /// SphinxQL port is the next one). Give one per shard after the first.
    #[arg(long, value_name = "HOST:PORT")]
    pub agent: Vec<String>,
    /// The first node's binary-protocol port (SphinxQL on the next one).
    #[arg(long, default_value_t = 9312)]
    pub port: u16,
    /// Only the articles the last job brought or changed.
    #[arg(long)]
    pub since_last: bool,
    /// OpenSearch: the most megabytes in one bulk file.
    #[arg(long, value_name = "MB", default_value_t = 10)]
    pub bulk_mb: usize,
}

pub(super) fn run(cli: &Cli, args: &EngineArgs, table: Arc<AliasTable>) -> Result<Exit> {
    let gi = GazetteIndex::open(&cli.index, table)?;
    let opts = EngineOptions {
        dir: args.dir.clone(),
        shards: args.shards.max(1),
        agents: args.agent.clone(),
        port: args.port,
        since_last: args.since_last,
        bulk_bytes: args.bulk_mb.max(1) * 1_000_000,
    };
    let written = match args.engine {
        Engine::Manticore => engine::manticore::export(&gi, &opts)?,
        Engine::Opensearch => engine::opensearch::export(&gi, &opts)?,
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {} articles, {} name rules, {} files",
        args.dir.display(),
        written.articles,
        written.rules,
        written.files.len()
    )?;
    Ok(Exit::Hits)
}
