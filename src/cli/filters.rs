//! The flags that choose which articles answer, shared by every command that queries
//! the index (`search`, `count`, `spellings`): matching rules and filters.

use anyhow::Result;
use clap::Args;

use crate::index;
use crate::search::{Filters, SearchOptions};

#[derive(Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// Match the spelling typed only (no aliases, no stemming).
    #[arg(long, conflicts_with = "fuzzy")]
    pub exact: bool,
    /// Also match words within a few typos of each query word (1 edit from 5 letters, 2
    /// from 9; `word~N` asks for N on one word), ranked below exact and alias matches.
    #[arg(long)]
    pub fuzzy: bool,
    /// Only articles in these languages (ISO codes, comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub lang: Vec<String>,
    /// Only articles whose source contains this.
    #[arg(long)]
    pub source: Option<String>,
    /// Only articles dated on or after (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only articles dated on or before (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only articles mentioning this entity (an id from `gazette aliases`, or a
    /// recognised name's key).
    #[arg(long, value_name = "ID")]
    pub entity: Option<String>,
}

impl FilterArgs {
    /// The search options for `query` with these flags (ranking and paging left at
    /// their defaults).
    pub fn options(&self, query: String) -> Result<SearchOptions> {
        let date = |flag: &str, s: &Option<String>| -> Result<Option<tantivy::DateTime>> {
            s.as_deref()
                .map(|d| index::parse_date_arg(flag, d).map_err(anyhow::Error::msg))
                .transpose()
        };
        Ok(SearchOptions {
            query,
            exact: self.exact,
            fuzzy: self.fuzzy,
            filters: Filters {
                langs: self.lang.clone(),
                source: self.source.clone(),
                since: date("--since", &self.since)?,
                until: date("--until", &self.until)?,
                entity: self.entity.clone(),
                jobs: None,
            },
            ..SearchOptions::default()
        })
    }
}
