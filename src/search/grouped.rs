//! A query analysed once per stemming group, run so that tantivy can still prune it:
//! the clause of the most articles unrestricted, the articles of the other groups
//! skipped as they are collected, then the other clauses.
//!
//! An archive of several languages matches a word by one clause per stemming group,
//! each restricted to its groups' articles (see `query::prepare`). As one boolean query,
//! (clause AND NOT other groups) OR (clause AND its groups) …, tantivy scores every
//! article any clause matches: block-max WAND only drives a union of plain terms. At
//! 2.86 million articles `market` scored all 498,700 of its articles because the Danish
//! and German stemmers, for ten of them, make *mark* of it.

use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};
use tantivy_common::BitSet;

use crate::analysis;

/// `whole`, the query as one boolean query, with its parts: `main`, the clause of the
/// most articles without its restriction, whose matches in the `others` stemming groups
/// are not its own; and `rest`, the other clauses, each restricted to its groups.
/// Scored, counted or iterated, it matches what `whole` matches with the same scores.
#[derive(Debug)]
pub(crate) struct GroupedQuery {
    pub(crate) whole: Box<dyn Query>,
    pub(crate) main: Box<dyn Query>,
    /// The stemming groups (`analysis::stem_key`s) `main` does not serve.
    pub(crate) others: Vec<&'static str>,
    /// Terms of the `stem` field for `others`, to count `main`'s matches among them.
    pub(crate) other_terms: Vec<Term>,
    pub(crate) rest: Box<dyn Query>,
    /// Whether `main` seeks cheaply: it holds no phrase (see [`GroupedWeight::count`]).
    pub(crate) seekable: bool,
}

impl Clone for GroupedQuery {
    fn clone(&self) -> Self {
        GroupedQuery {
            whole: self.whole.box_clone(),
            main: self.main.box_clone(),
            others: self.others.clone(),
            other_terms: self.other_terms.clone(),
            rest: self.rest.box_clone(),
            seekable: self.seekable,
        }
    }
}

impl Query for GroupedQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let groups = self
            .other_terms
            .iter()
            .map(|t| {
                tantivy::query::TermQuery::new(t.clone(), tantivy::schema::IndexRecordOption::Basic)
                    .weight(EnableScoring::disabled_from_schema(scoring.schema()))
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(GroupedWeight {
            whole: self.whole.weight(scoring)?,
            main: self.main.weight(scoring)?,
            others: self.others.clone(),
            groups,
            rest: self.rest.weight(scoring)?,
            seekable: self.seekable,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.whole.query_terms(visitor);
    }
}

struct GroupedWeight {
    whole: Box<dyn Weight>,
    main: Box<dyn Weight>,
    others: Vec<&'static str>,
    /// One weight per group of `others`, on the `stem` field.
    groups: Vec<Box<dyn Weight>>,
    rest: Box<dyn Weight>,
    seekable: bool,
}

/// Which articles of a segment belong to the groups `main` does not serve, read from the
/// `lang` column (an article's stemming group is its language's `stem_key`).
struct Others {
    ords: Option<Column<u64>>,
    /// By the column's term ordinal: whether that language is in one of the groups.
    excluded: Vec<bool>,
    /// Whether an article without a language (group `none`) is.
    none: bool,
}

impl Others {
    fn new(reader: &SegmentReader, others: &[&'static str]) -> tantivy::Result<Others> {
        let none = others.contains(&analysis::NO_STEM);
        let Some(col): Option<StrColumn> = reader.fast_fields().str("lang")? else {
            return Ok(Others {
                ords: None,
                excluded: Vec::new(),
                none,
            });
        };
        let mut excluded = Vec::with_capacity(col.num_terms());
        let mut code = String::new();
        for ord in 0..col.num_terms() as u64 {
            col.ord_to_str(ord, &mut code)?;
            excluded.push(others.contains(&analysis::stem_key(&code)));
        }
        Ok(Others {
            ords: Some(col.ords().clone()),
            excluded,
            none,
        })
    }

    fn contains(&self, doc: DocId) -> bool {
        match self.ords.as_ref().and_then(|c| c.first(doc)) {
            Some(ord) => self.excluded.get(ord as usize).copied().unwrap_or(false),
            None => self.none,
        }
    }
}

impl GroupedWeight {
    /// `main`'s own count (a union of terms counts its articles block by block, with no
    /// call per article), less its matches among the other groups' articles, found by
    /// seeking `main` to each of them (few, beside the main group's).
    fn count_seeking(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        let alive = reader.alive_bitset();
        let mut n = self.main.count(reader)?;
        for group in &self.groups {
            // Started again for each group: the groups' articles interleave.
            let mut main = self.main.scorer(reader, 1.0)?;
            let mut docs = group.scorer(reader, 1.0)?;
            let mut doc = docs.doc();
            while doc != TERMINATED {
                if main.doc() < doc && main.seek(doc) == TERMINATED {
                    break;
                }
                if main.doc() == doc && alive.is_none_or(|a| a.is_alive(doc)) {
                    n -= 1;
                }
                doc = docs.advance();
            }
        }
        Ok(n)
    }

    /// `main`'s matches, each checked against a bit set of the other groups' articles.
    /// For a phrase, whose `seek` checks the positions of every article on the way to
    /// the next match (a union passes no cheaper seek down): at 2.86 million articles
    /// `"interest rates"` counted in 8.6 ms so, 15 ms seeking. A bit set, not the `lang`
    /// column `Others` reads: one column read per match cost 8.3 M instructions more
    /// (7%) of a fresh `"interest rtaes"` did-you-mean at 100×.
    fn count_marking(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        let mut others = BitSet::with_max_value(reader.max_doc());
        for group in &self.groups {
            let mut docs = group.scorer(reader, 1.0)?;
            let mut doc = docs.doc();
            while doc != TERMINATED {
                others.insert(doc);
                doc = docs.advance();
            }
        }
        let alive = reader.alive_bitset();
        let mut n = 0u32;
        self.main.for_each_no_score(reader, &mut |docs| {
            for &doc in docs {
                if !others.contains(doc) && alive.is_none_or(|a| a.is_alive(doc)) {
                    n += 1;
                }
            }
        })?;
        Ok(n)
    }
}

impl Weight for GroupedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.whole.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.whole.explain(reader, doc)
    }

    /// `main`'s matches outside the other groups, and `rest`'s.
    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        let n = if self.seekable {
            self.count_seeking(reader)?
        } else {
            self.count_marking(reader)?
        };
        Ok(n + self.rest.count(reader)?)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let others = Others::new(reader, &self.others)?;
        let mut bound = threshold;
        self.main
            .for_each_pruning(threshold, reader, &mut |doc, score| {
                if !others.contains(doc) {
                    bound = callback(doc, score);
                }
                bound
            })?;
        // `rest`'s articles come after `main`'s, out of document order: collectors
        // break ties of score by document, not by arrival.
        self.rest.for_each_pruning(bound, reader, callback)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tantivy::collector::{Count, TopDocs};

    use super::*;
    use crate::analysis::AliasTable;
    use crate::index::GazetteIndex;
    use crate::job::{self, IndexOptions};
    use crate::search::query::prepare;
    use crate::search::SearchOptions;

    /// English articles that say *market* a varying number of times; German and Danish
    /// ones, whose own stemmers make *mark* of it. Danish stems *Marketer* as English
    /// stems *market*: the English clause matches the Danish articles that say it, and
    /// must not count or rank them.
    fn index(dir: &std::path::Path) -> GazetteIndex {
        let mut lines = String::new();
        let mut line = |id: String, title: &str, body: String, lang: &str| {
            let v = serde_json::json!({"id": id, "title": title, "body": body, "lang": lang});
            lines.push_str(&format!("{v}\n"));
        };
        for i in 0..90 {
            let title = if i % 9 == 0 {
                "Market news"
            } else {
                "Daily news"
            };
            let body = format!(
                "Report {i}. {}Weather and {}other things were discussed.",
                "The market fell, interest rates rose. ".repeat(i % 7 + 1),
                "many ".repeat(i % 11)
            );
            line(format!("en-{i}"), title, body, "en");
        }
        for i in 0..9 {
            let mark = if i % 2 == 0 { "Die Mark stieg. " } else { "" };
            let body = format!(
                "Bericht {i}. {mark}Die Zinsen auch. {}Das Wetter war gut.",
                "Die Markets in Frankfurt. ".repeat(i % 3)
            );
            line(format!("de-{i}"), "Nachrichten", body, "de");
        }
        for i in 0..6 {
            let words = if i % 2 == 0 {
                "Market og marked"
            } else {
                "Marketer"
            };
            let body = format!("Rapport {i}. {words}, interest rates. Vejret var godt.");
            line(format!("da-{i}"), "Nyheder", body, "da");
        }
        let corpus = dir.join("c");
        std::fs::create_dir_all(&corpus).unwrap();
        std::fs::write(corpus.join("a.jsonl"), lines).unwrap();
        let idx = dir.join("idx");
        let table = AliasTable::builtin();
        let opts = IndexOptions {
            roots: vec![corpus],
            ..IndexOptions::default()
        };
        job::run(&idx, Arc::clone(&table), &opts, &|_| {}).unwrap();
        GazetteIndex::open(&idx, table).unwrap()
    }

    #[test]
    fn a_grouped_query_ranks_and_counts_as_the_whole_query_does() {
        let tmp = tempfile::tempdir().unwrap();
        let gi = index(tmp.path());
        let searcher = gi.searcher().unwrap();
        for q in [
            "market",
            "markets",
            "\"interest rates\"",
            "market OR weather",
        ] {
            let opts = SearchOptions {
                query: q.to_string(),
                ..SearchOptions::default()
            };
            let prepared = prepare(&gi, &searcher, &opts).unwrap();
            let grouped = prepared
                .query
                .downcast_ref::<GroupedQuery>()
                .unwrap_or_else(|| panic!("{q}: one clause per stemming group"));
            let whole = &grouped.whole;
            let count = searcher.search(&prepared.query, &Count).unwrap();
            assert_eq!(count, searcher.search(whole, &Count).unwrap(), "{q}");
            assert!(count > 50, "{q}: {count}");
            // Alone, top documents prune (`for_each_pruning`); beside a count they score
            // every match with `whole`'s scorer.
            for k in [1, 5, 20, 200] {
                let pruned = searcher
                    .search(&prepared.query, &TopDocs::with_limit(k).order_by_score())
                    .unwrap();
                let (all, _) = searcher
                    .search(whole, &(TopDocs::with_limit(k).order_by_score(), Count))
                    .unwrap();
                assert_eq!(pruned, all, "{q}, {k}");
            }
        }
        // Danish and German articles stem *market* apart from English ones, and are
        // found by their own clause alone: the German ones that say *Mark* or
        // *Markets* (8 of 9), the Danish ones that say *market* (3 of 6), not those
        // that say *Marketer*.
        let opts = SearchOptions {
            query: "market".into(),
            ..SearchOptions::default()
        };
        let prepared = prepare(&gi, &searcher, &opts).unwrap();
        assert_eq!(
            searcher.search(&prepared.query, &Count).unwrap(),
            90 + 8 + 3
        );
    }
}
