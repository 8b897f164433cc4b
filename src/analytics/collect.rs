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
    /// The last day seen and its bucket: articles come in runs of the same day, and
    /// working out a month or an ISO week costs more than the rest of the count.
    Date(Option<Column<DateTime>>, Dim, std::cell::Cell<(i64, u64)>),
}

impl Reader {
    fn values(&self, doc: DocId, out: &mut Vec<u64>) {
        out.clear();
        match self {
            Reader::Str(Some(col)) => out.extend(col.term_ords(doc)),
            Reader::Date(Some(col), dim, last) => {
                if let Some(d) = col.first(doc) {
                    let day = d.into_timestamp_secs().div_euclid(86_400);
                    let (seen, bucket) = last.get();
                    if seen == day && bucket != MISSING {
                        out.push(bucket);
                    } else {
                        let bucket = dim.bucket(day * 86_400) as u32 as u64;
                        last.set((day, bucket));
                        out.push(bucket);
                    }
                }
            }
            _ => {}
        }
        if out.is_empty() {
            out.push(MISSING);
        }
    }

    /// The values of sorted ordinals (dates are their own value; `MISSING` is none).
    fn names(&self, ords: &[u64]) -> FxHashMap<u64, Val> {
        let mut out = FxHashMap::default();
        match self {
            Reader::Str(Some(col)) => {
                let known: Vec<u64> = ords.iter().copied().filter(|&o| o != MISSING).collect();
                let mut at = known.iter();
                let _ = col.dictionary().sorted_ords_to_term_cb(&known, |bytes| {
                    if let Some(&o) = at.next() {
                        out.insert(o, Val::Str(String::from_utf8_lossy(bytes).into_owned()));
                    }
                });
            }
            Reader::Date(..) => {
                for &o in ords.iter().filter(|&&o| o != MISSING) {
                    out.insert(o, Val::Day(o as u32 as i32));
                }
            }
            Reader::Str(None) => {}
        }
        out
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
                None => Reader::Date(
                    ff.date("date").ok(),
                    dim,
                    std::cell::Cell::new((i64::MIN, MISSING)),
                ),
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
        // Cells keyed by ordinal, then each dimension's ordinals named in one sorted
        // pass over its dictionary (a lookup per ordinal reads a block per ordinal).
        let cells: Vec<((u64, u64), u64)> = match self.dense {
            Some((counts, missing)) => counts
                .into_iter()
                .enumerate()
                .filter(|(_, n)| *n > 0)
                .map(|(ord, n)| ((ord as u64, MISSING), u64::from(n)))
                .chain((missing > 0).then_some(((MISSING, MISSING), missing)))
                .collect(),
            None => self.cells.into_iter().collect(),
        };
        let names: Vec<FxHashMap<u64, Val>> = (0..2)
            .map(|i| match self.readers.get(i) {
                Some(r) => {
                    let mut ords: Vec<u64> = cells
                        .iter()
                        .map(|((a, b), _)| if i == 0 { *a } else { *b })
                        .collect();
                    ords.sort_unstable();
                    ords.dedup();
                    r.names(&ords)
                }
                None => FxHashMap::default(),
            })
            .collect();
        for ((a, b), n) in cells {
            let name = |i: usize, v: u64| names[i].get(&v).cloned().unwrap_or(Val::None);
            *out.cells.entry((name(0, a), name(1, b))).or_default() += n;
        }
        out
    }
}
