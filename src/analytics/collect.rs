//! The tantivy collector behind every count: for each matching article, the values of
//! one or two dimensions read from fast fields (term ordinals, the date column), counted
//! per segment in ordinal space and named only once per segment, when harvested. No
//! stored document is read.

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use super::dims::Dim;

/// A dimension's value: no value (an undated article, one without a source), a text
/// value, or a date bucket (its first day, days since 1970-01-01).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Val {
    None,
    Day(i32),
    Str(String),
}

/// What the collector gives: articles per cell (pairs of values; the second is
/// `Val::None` for one dimension) and the articles counted.
#[derive(Debug, Default)]
pub struct Counts {
    pub cells: FxHashMap<(Val, Val), u64>,
    pub articles: u64,
}

/// Counts matching articles by `dims` (one or two).
pub struct CountCollector {
    pub dims: Vec<Dim>,
}

const MISSING: u64 = u64::MAX;

enum Reader {
    Str(Option<StrColumn>),
    Date(Option<Column<DateTime>>, Dim),
}

impl Reader {
    fn values(&self, doc: DocId, out: &mut Vec<u64>) {
        out.clear();
        match self {
            Reader::Str(Some(col)) => out.extend(col.term_ords(doc)),
            Reader::Date(Some(col), dim) => {
                if let Some(d) = col.first(doc) {
                    out.push(dim.bucket(d.into_timestamp_secs()) as u32 as u64);
                }
            }
            _ => {}
        }
        if out.is_empty() {
            out.push(MISSING);
        }
    }

    fn name(&self, v: u64, buf: &mut String) -> Val {
        if v == MISSING {
            return Val::None;
        }
        match self {
            Reader::Str(Some(col)) => {
                buf.clear();
                match col.ord_to_str(v, buf) {
                    Ok(true) => Val::Str(buf.clone()),
                    _ => Val::None,
                }
            }
            Reader::Date(..) => Val::Day(v as u32 as i32),
            Reader::Str(None) => Val::None,
        }
    }
}

pub struct SegmentCounter {
    readers: Vec<Reader>,
    /// One text dimension: counts by ordinal (the common case, and the fastest).
    dense: Option<(Vec<u32>, u64)>,
    cells: FxHashMap<(u64, u64), u64>,
    scratch: [Vec<u64>; 2],
    articles: u64,
}

impl Collector for CountCollector {
    type Fruit = Counts;
    type Child = SegmentCounter;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCounter> {
        let ff = reader.fast_fields();
        let mut readers = Vec::new();
        for &dim in &self.dims {
            readers.push(match dim.column() {
                Some(name) => Reader::Str(ff.str(name)?),
                None => Reader::Date(ff.date("date").ok(), dim),
            });
        }
        let dense = match (&readers[..], self.dims.len()) {
            ([Reader::Str(Some(col))], 1) => Some((vec![0; col.num_terms()], 0)),
            _ => None,
        };
        Ok(SegmentCounter {
            readers,
            dense,
            cells: FxHashMap::default(),
            scratch: [Vec::new(), Vec::new()],
            articles: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut out = Counts::default();
        for f in fruits {
            out.articles += f.articles;
            for (k, n) in f.cells {
                *out.cells.entry(k).or_default() += n;
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.articles += 1;
        let [a, b] = &mut self.scratch;
        self.readers[0].values(doc, a);
        if let Some((counts, missing)) = &mut self.dense {
            for &v in a.iter() {
                match counts.get_mut(v as usize) {
                    Some(c) => *c += 1,
                    None => *missing += 1,
                }
            }
            return;
        }
        match self.readers.get(1) {
            None => {
                for &v in a.iter() {
                    *self.cells.entry((v, MISSING)).or_default() += 1;
                }
            }
            Some(second) => {
                second.values(doc, b);
                for &v in a.iter() {
                    for &w in b.iter() {
                        *self.cells.entry((v, w)).or_default() += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> Counts {
        let mut out = Counts {
            articles: self.articles,
            ..Counts::default()
        };
        let mut buf = String::new();
        if let Some((counts, missing)) = self.dense {
            for (ord, n) in counts.into_iter().enumerate() {
                if n > 0 {
                    let v = self.readers[0].name(ord as u64, &mut buf);
                    *out.cells.entry((v, Val::None)).or_default() += u64::from(n);
                }
            }
            if missing > 0 {
                *out.cells.entry((Val::None, Val::None)).or_default() += missing;
            }
            return out;
        }
        for ((v, w), n) in self.cells {
            let a = self.readers[0].name(v, &mut buf);
            let b = match self.readers.get(1) {
                Some(r) => r.name(w, &mut buf),
                None => Val::None,
            };
            *out.cells.entry((a, b)).or_default() += n;
        }
        out
    }
}
