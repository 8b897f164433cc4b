//! `gazette roots`: the folders and files the index is built from, with their article
//! counts; `gazette roots remove PATH` takes a root and its articles out of the index.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use clap::{Args, Subcommand};
use serde::Serialize;

use super::{Cli, Exit};
use crate::analysis::AliasTable;
use crate::index::GazetteIndex;
use crate::job::{self, IndexOptions};
use crate::roots::RootInfo;

#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  gazette roots\n  gazette roots remove /mnt/old-crawl")]
pub struct RootsArgs {
    #[command(subcommand)]
    pub action: Option<RootsAction>,
    /// Print one JSON record per root.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum RootsAction {
    /// Remove roots and all their articles from the index (one commit).
    Remove {
        /// Recorded roots, as `gazette roots` lists them or as a path from here.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// If another job is writing to the index, wait for it instead of failing.
        #[arg(long)]
        wait: bool,
    },
}

/// One root, as `--json` prints it (documented in the README).
#[derive(Serialize)]
struct RootRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    root: &'a RootInfo,
}

pub(super) fn run(cli: &Cli, args: &RootsArgs, table: Arc<AliasTable>) -> Result<Exit> {
    let mut out = io::stdout().lock();
    if let Some(RootsAction::Remove { paths, wait }) = &args.action {
        let opts = IndexOptions {
            roots: paths.clone(),
            remove: true,
            wait: *wait,
            ..IndexOptions::default()
        };
        let report = job::run(&cli.index, table, &opts, &|_| {})?;
        writeln!(
            out,
            "{}: removed {}; {} files and their articles deleted; {} articles in the index",
            cli.index.display(),
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            report.deleted,
            report.total_articles
        )?;
        return Ok(Exit::Hits);
    }
    let gi = GazetteIndex::open(&cli.index, table)?;
    let roots = crate::roots::list(&gi)?;
    for r in &roots {
        if args.json {
            serde_json::to_writer(
                &mut out,
                &RootRecord {
                    kind: "root",
                    root: r,
                },
            )?;
            writeln!(out)?;
        } else {
            let state = if r.present { "" } else { "  (missing)" };
            writeln!(
                out,
                "{:>8} articles {:>6} files  {}{state}",
                r.articles, r.files, r.root
            )?;
        }
    }
    Ok(Exit::Hits)
}
