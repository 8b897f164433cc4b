//! `gazette show ID`: one stored article, whole, with its entities marked.

use std::io;
use std::sync::Arc;

use anyhow::{bail, Result};
use clap::Args;
use termcolor::{ColorChoice, StandardStream};

use super::{Cli, Exit};
use crate::analysis::AliasTable;
use crate::index::GazetteIndex;
use crate::output::json;
use crate::output::terminal::TerminalPrinter;
use crate::show;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  gazette show corpus/seeds/000_dd97ec9fae2a9342.txt
  gazette show https://news.example/kyiv --json")]
pub struct ShowArgs {
    /// The article's id, as a search prints it (`article.id` in JSON).
    pub id: String,
    /// Print a JSON record instead.
    #[arg(long)]
    pub json: bool,
}

pub(super) fn run(
    cli: &Cli,
    args: &ShowArgs,
    table: Arc<AliasTable>,
    color: ColorChoice,
) -> Result<Exit> {
    let gi = GazetteIndex::open(&cli.index, table.clone())?;
    let Some(shown) = show::article(&gi, &args.id)? else {
        bail!(
            "no article with id `{}` in {} (ids are what `gazette search` prints)",
            args.id,
            cli.index.display()
        );
    };
    if args.json {
        json::write_article(&mut io::stdout().lock(), &table, &shown)?;
    } else {
        let out = StandardStream::stdout(color);
        TerminalPrinter::new(out.lock(), table).article(&shown)?;
    }
    Ok(Exit::Hits)
}
