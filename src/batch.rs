//! Batch search: a list of names or queries — a text file, one per line, or a CSV with
//! `label,query` and optional filter columns — run against the index in one process,
//! each entry answered with its matching articles, first and last date, and best
//! passages. A bad line is reported with its position; the others still run.

use std::path::Path;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::error::{Error, Result};
use crate::index::{parse_date_arg, GazetteIndex};
use crate::search::{self, Filters, SearchOptions, SearchResults};

/// One entry of a list.
#[derive(Clone, Debug)]
pub struct Entry {
    /// What the entry is called in the answer: the CSV's `label`, else the line itself.
    pub label: String,
    pub query: String,
    pub filters: Filters,
    /// Its line in the file (1-based).
    pub line: usize,
}

/// The entries of a list file, and the lines that could not be taken (as errors
/// naming the file and line).
pub fn parse(path: &Path) -> Result<(Vec<Entry>, Vec<Error>)> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    let is_csv = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        parse_csv(path, text)
    } else {
        let entries = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim()))
            .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
            .map(|(line, l)| Entry {
                label: l.to_string(),
                query: l.to_string(),
                filters: Filters::default(),
                line,
            })
            .collect();
        Ok((entries, Vec::new()))
    }
}

fn parse_csv(path: &Path, text: &str) -> Result<(Vec<Entry>, Vec<Error>)> {
    let bad = |line: usize, reason: String| Error::Parse {
        path: path.to_path_buf(),
        line,
        reason,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| bad(1, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let Some(query_at) = col("query") else {
        return Err(bad(
            1,
            format!(
                "no `query` column (columns: {}); a list is `label,query` with optional lang, source, since, until, entity",
                headers.join(", ")
            ),
        ));
    };
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for rec in reader.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                errors.push(bad(line, e.to_string()));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let get = |name: &str| {
            col(name)
                .and_then(|i| rec.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let Some(query) = rec.get(query_at).map(str::trim).filter(|q| !q.is_empty()) else {
            errors.push(bad(line, "the query is empty".into()));
            continue;
        };
        let date = |name: &str| get(name).map(|d| parse_date_arg(name, d)).transpose();
        let (since, until) = match (date("since"), date("until")) {
            (Ok(s), Ok(u)) => (s, u),
            (Err(e), _) | (_, Err(e)) => {
                errors.push(bad(line, e));
                continue;
            }
        };
        entries.push(Entry {
            label: get("label").unwrap_or(query).to_string(),
            query: query.to_string(),
            filters: Filters {
                langs: get("lang")
                    .map(|l| {
                        l.split([',', ' '])
                            .filter(|s| !s.is_empty())
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default(),
                source: get("source").map(String::from),
                since,
                until,
                entity: get("entity").map(String::from),
                jobs: None,
            },
            line,
        });
    }
    Ok((entries, errors))
}

/// What one entry found.
#[derive(Debug)]
pub struct Answer {
    pub results: SearchResults,
    /// The earliest and latest dates of its matching articles (UTC, `YYYY-MM-DD`).
    pub first_date: Option<String>,
    pub last_date: Option<String>,
}

/// Runs one entry with the list's options (`base`: passages, exact, fuzzy, and filters
/// the entry does not set).
pub fn run(gi: &GazetteIndex, entry: &Entry, base: &SearchOptions) -> Result<Answer> {
    let f = &entry.filters;
    let opts = SearchOptions {
        query: entry.query.clone(),
        filters: Filters {
            langs: if f.langs.is_empty() {
                base.filters.langs.clone()
            } else {
                f.langs.clone()
            },
            source: f.source.clone().or_else(|| base.filters.source.clone()),
            since: f.since.or(base.filters.since),
            until: f.until.or(base.filters.until),
            entity: f.entity.clone().or_else(|| base.filters.entity.clone()),
            jobs: f.jobs.or(base.filters.jobs),
        },
        ..base.clone()
    };
    let start = std::time::Instant::now();
    let searcher = gi.searcher()?;
    let prepared = search::prepare(gi, &searcher, &opts)?;
    let results = search::search_prepared(gi, &searcher, &prepared, &opts, start)?;
    let (first, last) = prepared
        .search(&searcher, DateRange)
        .map_err(|e| Error::index(&gi.path, e))?;
    let day = |secs: i64| crate::analytics::Dim::Day.label((secs.div_euclid(86_400)) as i32);
    Ok(Answer {
        results,
        first_date: first.map(day),
        last_date: last.map(day),
    })
}

/// The earliest and latest date of the matching articles (seconds since the epoch).
struct DateRange;

struct SegmentRange {
    dates: Option<Column<DateTime>>,
    range: (Option<i64>, Option<i64>),
}

impl Collector for DateRange {
    type Fruit = (Option<i64>, Option<i64>);
    type Child = SegmentRange;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentRange> {
        Ok(SegmentRange {
            dates: reader.fast_fields().date("date").ok(),
            range: (None, None),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().fold((None, None), |(a, b), (c, d)| {
            (a.into_iter().chain(c).min(), b.into_iter().chain(d).max())
        }))
    }
}

impl SegmentCollector for SegmentRange {
    type Fruit = (Option<i64>, Option<i64>);

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(d) = self.dates.as_ref().and_then(|c| c.first(doc)) {
            let s = d.into_timestamp_secs();
            self.range = (
                Some(self.range.0.map_or(s, |m| m.min(s))),
                Some(self.range.1.map_or(s, |m| m.max(s))),
            );
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.range
    }
}
