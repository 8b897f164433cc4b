//! The same article in several files: a page captured by two crawls (two WARC files),
//! an item in two fetches of a feed, a story in two daily exports. The index keeps every
//! copy — deleting the older one would lose it for good when the newer file goes — and
//! each job lists the copies that a later one supersedes, in its commit. Every query
//! (search, count, export) leaves those out, so that the latest copy answers alone, and
//! removing the newer file brings the older one back at the next job.
//!
//! Two documents are copies of one article when they have the same id and the id is a
//! URL, URN or tag (what web archives and feeds give), or they have the same source: two
//! unrelated CSV files that both number their rows 1, 2, 3 are not one archive.

use serde::{Deserialize, Serialize};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::termdict::TermMerger;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::index::{Fields, GazetteIndex};

/// A document another copy of its article supersedes: its id and the file it is from
/// (the pair names it: a file holds an id once).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Superseded {
    pub id: String,
    pub file: String,
}

/// Whether an id names the same article wherever it appears.
fn global_id(id: &str) -> bool {
    id.contains("://") || id.starts_with("urn:") || id.starts_with("tag:")
}

/// One copy of an id, with what decides which copy is the latest.
struct Copy {
    file: String,
    source: Option<String>,
    /// When a web archive captured it, else its date (both ISO 8601 in UTC: compared as
    /// text), else nothing.
    when: (Option<String>, Option<i64>),
    mtime: u64,
}

/// Every document of the committed index that a later copy of its article supersedes.
/// Streams the id dictionaries of all segments at once; only ids in several documents
/// are looked at further.
pub fn find(gi: &GazetteIndex, searcher: &Searcher) -> Result<Vec<Superseded>> {
    let err = |e| Error::index(&gi.path, e);
    let f = gi.fields;
    let segments = searcher.segment_readers();
    let mut indexes = Vec::with_capacity(segments.len());
    for seg in segments {
        indexes.push(seg.inverted_index(f.id).map_err(err)?);
    }
    let streams = indexes
        .iter()
        .map(|ii| ii.terms().stream())
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| Error::io(&gi.path, e))?;
    let mut merger = TermMerger::new(streams);
    let mut out = Vec::new();
    while merger.advance() {
        let infos: Vec<_> = merger.current_segment_ords_and_term_infos().collect();
        if infos.iter().map(|(_, ti)| ti.doc_freq).sum::<u32>() < 2 {
            continue;
        }
        // Postings count deleted documents until a merge: look for live ones.
        let mut docs = Vec::new();
        for (ord, ti) in infos {
            let seg = &segments[ord];
            let mut postings = indexes[ord]
                .read_postings_from_terminfo(&ti, IndexRecordOption::Basic)
                .map_err(|e| Error::io(&gi.path, e))?;
            use tantivy::DocSet;
            let mut doc = postings.doc();
            while doc != tantivy::TERMINATED {
                if seg.alive_bitset().is_none_or(|a| a.is_alive(doc)) {
                    docs.push(DocAddress::new(ord as u32, doc));
                }
                doc = postings.advance();
            }
        }
        if docs.len() < 2 {
            continue;
        }
        let id = String::from_utf8_lossy(merger.key()).into_owned();
        let copies = docs
            .into_iter()
            .map(|a| copy_of(searcher, &f, a))
            .collect::<tantivy::Result<Vec<_>>>()
            .map_err(err)?;
        out.extend(losers(&id, copies));
    }
    out.sort();
    Ok(out)
}

fn copy_of(searcher: &Searcher, f: &Fields, at: DocAddress) -> tantivy::Result<Copy> {
    let doc: TantivyDocument = searcher.doc(at)?;
    let text = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let date = doc
        .get_first(f.date)
        .and_then(|v| v.as_datetime())
        .map(|d| d.into_timestamp_secs());
    let mtime = searcher
        .segment_reader(at.segment_ord)
        .fast_fields()
        .u64("file_mtime")
        .ok()
        .and_then(|c| c.first(at.doc_id))
        .unwrap_or(0);
    Ok(Copy {
        file: text(f.path).unwrap_or_default(),
        source: text(f.source),
        when: (text(f.captured), date),
        mtime,
    })
}

/// The copies of `id` that a later one supersedes, grouped into articles (by source
/// unless the id is global).
fn losers(id: &str, mut copies: Vec<Copy>) -> Vec<Superseded> {
    // Latest last: capture time, then date, then the file changed last, then its name
    // (so that the choice never depends on segment order).
    copies.sort_by(|a, b| {
        (&a.when.0, a.when.1, a.mtime, &a.file).cmp(&(&b.when.0, b.when.1, b.mtime, &b.file))
    });
    let mut out = Vec::new();
    let global = global_id(id);
    for (i, c) in copies.iter().enumerate() {
        let later = copies[i + 1..]
            .iter()
            .any(|l| l.file != c.file && (global || l.source == c.source));
        if later {
            out.push(Superseded {
                id: id.to_string(),
                file: c.file.clone(),
            });
        }
    }
    out
}

/// The query matching every superseded document, to leave out of every answer (`None`
/// when there is none).
pub fn exclusion(f: &Fields, list: &[Superseded]) -> Option<Box<dyn Query>> {
    if list.is_empty() {
        return None;
    }
    let term = |field, s: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, s),
            IndexRecordOption::Basic,
        ))
    };
    let each: Vec<(Occur, Box<dyn Query>)> = list
        .iter()
        .map(|s| {
            let both = BooleanQuery::new(vec![
                (Occur::Must, term(f.id, &s.id)),
                (Occur::Must, term(f.file, &s.file)),
            ]);
            (Occur::Should, Box::new(both) as Box<dyn Query>)
        })
        .collect();
    Some(Box::new(BooleanQuery::new(each)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(file: &str, source: Option<&str>, captured: Option<&str>, date: i64) -> Copy {
        Copy {
            file: file.into(),
            source: source.map(str::to_string),
            when: (captured.map(str::to_string), Some(date)),
            mtime: 0,
        }
    }

    #[test]
    fn the_latest_copy_of_an_article_stays() {
        let files = |v: Vec<Superseded>| v.into_iter().map(|s| s.file).collect::<Vec<_>>();
        // Two crawls of one URL: the later capture wins, whatever the dates say.
        let url = "https://news.example/a";
        let got = losers(
            url,
            vec![
                copy("b.warc", None, Some("2024-05-02T00:00:00Z"), 1),
                copy("a.warc", None, Some("2024-05-01T00:00:00Z"), 9),
            ],
        );
        assert_eq!(files(got), ["a.warc"]);
        // Row numbers of two unrelated exports are two articles each...
        let got = losers(
            "7",
            vec![
                copy("x.csv", Some("A"), None, 1),
                copy("y.csv", Some("B"), None, 2),
            ],
        );
        assert!(got.is_empty());
        // ...but one outlet's daily exports of the same story are one article.
        let got = losers(
            "7",
            vec![
                copy("x.csv", Some("A"), None, 2),
                copy("y.csv", Some("A"), None, 1),
            ],
        );
        assert_eq!(files(got), ["y.csv"]);
    }
}
