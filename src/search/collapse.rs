//! The collapsing collector: the best articles of a query, one per story key (the
//! `story` column; see `similar::Signature::key`), each with how many of its copies
//! matched and the first of them. An archive that holds a story a hundred times answers
//! from one run of the query, where the top articles by score were a hundred copies of
//! the first stories and took the query run three times over, ever more articles each
//! time. Collected alone (no count collector beside it), the query is pruned as tantivy
//! prunes its own top documents (block-max WAND for unions of terms); the total is
//! counted by the query's own `count`, which reads no score.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// One story of the answer: its best-scoring article and its other matching copies.
#[derive(Clone, Debug)]
pub(crate) struct Collapsed {
    /// The story key (0: none; such an article is a story of its own).
    pub key: u64,
    pub score: Score,
    pub addr: DocAddress,
    /// Copies that matched besides `addr` and score at least as the answer's last story
    /// (every exact copy of a story in the answer, as copies score alike).
    pub copies: usize,
    /// The best of those copies, at most `Collapse::members` of them.
    pub members: Vec<(Score, DocAddress)>,
}

/// The best `limit` stories (articles without a key are each their own), and the number
/// of matching articles.
pub(crate) struct Collapse {
    limit: usize,
    members: usize,
    /// Whether to prune: the count is then a second pass over the query without scores,
    /// cheap for terms (their document frequency) but a second run of a phrase's
    /// positions; a phrase is better counted in the one pass that scores it.
    prune: bool,
    /// The best of the segments' thresholds so far, shared by all of them.
    bound: Arc<Bound>,
    /// The query's weight without scores, to count with when pruning (see
    /// [`Collapse::counting_with`]).
    counter: Option<Box<dyn Weight>>,
}

impl Collapse {
    pub(crate) fn new(limit: usize, members: usize, prune: bool) -> Self {
        Collapse {
            limit,
            members,
            prune,
            bound: Arc::new(Bound::default()),
            counter: None,
        }
    }

    /// Counts, when pruning, with `weight`: the same query built without scores
    /// (`EnableScoring::disabled_from_searcher`). Counted with the scoring weight, a
    /// union of terms (a word in several fields) scored every article it matched, BM25
    /// and field norm included, only to count it: at 2.86 million articles a common
    /// word's 498,700 articles.
    pub(crate) fn counting_with(mut self, weight: Box<dyn Weight>) -> Self {
        self.counter = Some(weight);
        self
    }
}

/// A score below which no article can enter the answer, shared by the segments: a
/// segment that has `limit` stories scoring `s` or more proves that the whole answer
/// has, so every other segment may skip what scores less. Without it each segment
/// started from nothing: it scored, and read the story key of, every match above its
/// own `limit`-th story, and tantivy's block-max pruning only began to skip after that
/// segment's first `2 × limit` stories (whole 100× processes: 10–25% faster with it). Which bound a segment starts from depends on which segments
/// finished first; what is kept does not (see [`Collapse::merge_fruits`]).
struct Bound(AtomicU32);

impl Default for Bound {
    fn default() -> Self {
        Bound(AtomicU32::new(Score::MIN.to_bits()))
    }
}

impl Bound {
    fn get(&self) -> Score {
        Score::from_bits(self.0.load(Ordering::Relaxed))
    }

    fn raise(&self, score: Score) {
        let mut now = self.0.load(Ordering::Relaxed);
        while score > Score::from_bits(now) {
            match self.0.compare_exchange_weak(
                now,
                score.to_bits(),
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(seen) => now = seen,
            }
        }
    }
}

impl Collector for Collapse {
    type Fruit = (Vec<Collapsed>, usize);
    type Child = SegmentCollapse;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(SegmentCollapse {
            ord,
            keys: segment.fast_fields().u64("story").ok(),
            limit: self.limit.max(1),
            members: self.members,
            bound: Arc::clone(&self.bound),
            entries: Vec::new(),
            by_key: FxHashMap::default(),
            threshold: Score::MIN,
            kept: 0,
            count: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        ord: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<(Vec<Part>, usize)> {
        let mut child = self.for_segment(ord, reader)?;
        if !self.prune {
            let alive = reader.alive_bitset();
            weight.for_each(reader, &mut |doc, score| {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    child.collect(doc, score);
                }
            })?;
            return Ok(child.harvest());
        }
        let count = self.counter.as_deref().unwrap_or(weight).count(reader)? as usize;
        let alive = reader.alive_bitset();
        let start = self.bound.get().next_down();
        weight.for_each_pruning(start, reader, &mut |doc, score| {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                child.push(doc, score);
            }
            // Copies of a story kept score as its article does, the last one's too:
            // they must still come (tantivy passes only scores above the bound).
            child.threshold().next_down()
        })?;
        let (out, _) = child.harvest();
        Ok((out, count))
    }

    fn merge_fruits(&self, fruits: Vec<(Vec<Part>, usize)>) -> tantivy::Result<Self::Fruit> {
        let count = fruits.iter().map(|(_, n)| n).sum();
        // The same story in several segments: one entry, its best article leading.
        let mut merged: Vec<Part> = Vec::new();
        let mut at: FxHashMap<u64, usize> = FxHashMap::default();
        for (entries, _) in fruits {
            for c in entries {
                let key = c.story.key;
                match at.get(&key).filter(|_| key != 0) {
                    None => {
                        at.insert(key, merged.len());
                        merged.push(c);
                    }
                    Some(&i) => {
                        let m = &mut merged[i];
                        let (lead, other) = if better(&c.story, &m.story) {
                            (c, m.clone())
                        } else {
                            (m.clone(), c)
                        };
                        let mut members = lead.story.members;
                        members.push((other.story.score, other.story.addr));
                        members.extend(other.story.members);
                        members.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                        members.truncate(self.members);
                        let mut copies = lead.copies;
                        copies.push(other.story.score);
                        copies.extend(other.copies);
                        *m = Part {
                            story: Collapsed {
                                key,
                                score: lead.story.score,
                                addr: lead.story.addr,
                                copies: 0,
                                members,
                            },
                            copies,
                        };
                    }
                }
            }
        }
        merged.sort_by(|a, b| {
            let (a, b) = (&a.story, &b.story);
            b.score.total_cmp(&a.score).then(a.addr.cmp(&b.addr))
        });
        merged.truncate(self.limit);
        // Copies are counted from the last story's score up: each segment saw every
        // article scoring that much (no segment's bound can pass it), and only some
        // of those scoring less, depending on the order segments finished in.
        let last = match merged.len() {
            n if n == self.limit && n > 0 => merged[n - 1].story.score,
            _ => Score::MIN,
        };
        let out = merged
            .into_iter()
            .map(|p| {
                let mut story = p.story;
                story.copies = p.copies.iter().filter(|&&s| s >= last).count();
                story.members.retain(|m| m.0 >= last);
                story
            })
            .collect();
        Ok((out, count))
    }
}

/// A story as a segment hands it over: with its copies' scores, counted once merged.
#[derive(Clone)]
pub(crate) struct Part {
    story: Collapsed,
    copies: Vec<Score>,
}

/// Whether `a` leads `b`: a higher score, or the same and an earlier address (the order
/// tantivy's own top documents use, so that folding picks the article it picked).
fn better(a: &Collapsed, b: &Collapsed) -> bool {
    a.score > b.score || (a.score == b.score && a.addr < b.addr)
}

/// How many more stories than asked a segment keeps when they tie (see
/// [`SegmentCollapse::cut`]); past that (a query whose every article scores alike, as a
/// filter alone does), copies in other segments may go uncounted.
const TIES: usize = 4;

pub(crate) struct SegmentCollapse {
    ord: SegmentOrdinal,
    keys: Option<Column<u64>>,
    limit: usize,
    members: usize,
    bound: Arc<Bound>,
    /// Stories collected, unordered; cut back to `limit` when twice that many.
    entries: Vec<Entry>,
    by_key: FxHashMap<u64, usize>,
    /// The `limit`-th best story's score at the last cut: an article scoring lower
    /// cannot enter (nor, pruning, be scored), one scoring the same only as a copy.
    threshold: Score,
    /// Stories the last cut kept.
    kept: usize,
    count: usize,
}

struct Entry {
    key: u64,
    score: Score,
    doc: DocId,
    /// The scores of the copies besides `doc`.
    copies: Vec<Score>,
    members: Vec<(Score, DocId)>,
}

impl SegmentCollapse {
    /// The score an article must reach: this segment's own threshold or a better one
    /// another segment found.
    fn threshold(&self) -> Score {
        self.threshold.max(self.bound.get())
    }

    fn push(&mut self, doc: DocId, score: Score) {
        if score < self.threshold() {
            return;
        }
        let key = self.keys.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
        if key != 0 {
            if let Some(&i) = self.by_key.get(&key) {
                let e = &mut self.entries[i];
                // An equal score keeps the earlier document leading (documents may come
                // out of order: see `grouped`).
                let member = if score > e.score || (score == e.score && doc < e.doc) {
                    let old = (e.score, e.doc);
                    e.score = score;
                    e.doc = doc;
                    old
                } else {
                    (score, doc)
                };
                e.copies.push(member.0);
                e.members.push(member);
                if e.members.len() > self.members.max(1).saturating_mul(2) {
                    trim(&mut e.members, self.members);
                }
                return;
            }
            self.by_key.insert(key, self.entries.len());
        }
        self.entries.push(Entry {
            key,
            score,
            doc,
            copies: Vec::new(),
            members: Vec::new(),
        });
        // Cut when twice as many as the last cut kept: the threshold rises early (each
        // article over it costs a read of its key), and ties kept do not make every
        // new one cut again.
        if self.entries.len() >= self.kept.max(self.limit).saturating_mul(2) {
            self.cut();
        }
    }

    /// Keeps the best `limit` stories, and those scoring as the last of them (up to
    /// `TIES` times as many in all), and raises the threshold to that score. Ties are
    /// kept because segments order them by their own addresses: a story the answer
    /// keeps may tie, in another segment, with stories that lose there, and its copies
    /// there must still be counted.
    fn cut(&mut self) {
        self.entries
            .sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        if self.entries.len() >= self.limit {
            let last = self.entries[self.limit - 1].score;
            let keep = self.limit
                + self.entries[self.limit..]
                    .iter()
                    .take_while(|e| e.score == last)
                    .count();
            self.entries
                .truncate(keep.min(self.limit.saturating_mul(TIES)));
            self.threshold = last;
            // `limit` stories of this segment score `last` or more.
            self.bound.raise(last);
        }
        self.kept = self.entries.len();
        self.by_key.clear();
        for (i, e) in self.entries.iter().enumerate() {
            if e.key != 0 {
                self.by_key.insert(e.key, i);
            }
        }
    }
}

fn trim(members: &mut Vec<(Score, DocId)>, n: usize) {
    members.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    members.truncate(n);
}

impl SegmentCollector for SegmentCollapse {
    type Fruit = (Vec<Part>, usize);

    fn collect(&mut self, doc: DocId, score: Score) {
        self.count += 1;
        self.push(doc, score);
    }

    fn harvest(mut self) -> Self::Fruit {
        self.cut();
        let ord = self.ord;
        let members = self.members;
        let out = self
            .entries
            .into_iter()
            .map(|mut e| {
                trim(&mut e.members, members);
                Part {
                    story: Collapsed {
                        key: e.key,
                        score: e.score,
                        addr: DocAddress::new(ord, e.doc),
                        copies: 0,
                        members: e
                            .members
                            .into_iter()
                            .map(|(s, d)| (s, DocAddress::new(ord, d)))
                            .collect(),
                    },
                    copies: e.copies,
                }
            })
            .collect();
        (out, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{EnableScoring, QueryParser};
    use tantivy::schema::{Schema, FAST, TEXT};
    use tantivy::{doc, Index};

    /// An index of stories told several times over, in three segments: story `k` is
    /// told `k % 4 + 1` times, with `k % 7 + 1` repetitions of the query word (so copies
    /// score alike, but for every third copy, one word longer: a near copy scoring a
    /// little less), and every fifth article has no story key.
    fn index() -> (Index, tantivy::schema::Field) {
        let mut b = Schema::builder();
        let body = b.add_text_field("body", TEXT);
        let story = b.add_u64_field("story", FAST);
        let index = Index::create_in_ram(b.build());
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut n = 0u64;
        for seg in 0..3 {
            for k in 0..60u64 {
                for copy in 0..(k % 4 + 1) {
                    if (k + copy) % 3 != seg {
                        continue;
                    }
                    n += 1;
                    let key = if n.is_multiple_of(5) { 0 } else { k + 1 };
                    let longer = usize::from(copy == 2);
                    let words =
                        "oil ".repeat((k % 7 + 1) as usize) + &"filler ".repeat(20 + longer);
                    w.add_document(doc!(body => words, story => key)).unwrap();
                }
            }
            w.commit().unwrap();
        }
        (index, body)
    }

    #[test]
    fn one_article_per_story_with_its_copies_counted_pruned_or_not() {
        let (mut index, body) = index();
        for threads in [1, 2] {
            if threads > 1 {
                index.set_multithread_executor(threads).unwrap();
            }
            let searcher = index.reader().unwrap().searcher();
            assert_eq!(searcher.segment_readers().len(), 3);
            let query = QueryParser::for_index(&index, vec![body])
                .parse_query("oil")
                .unwrap();
            // What collapsing must give: every article by score, the first of each key
            // kept, its copies counted when they score at least as the last story kept.
            let (all, total) = searcher
                .search(
                    &query,
                    &(TopDocs::with_limit(10_000).order_by_score(), Count),
                )
                .unwrap();
            let key = |a: DocAddress| {
                searcher
                    .segment_reader(a.segment_ord)
                    .fast_fields()
                    .u64("story")
                    .unwrap()
                    .first(a.doc_id)
                    .unwrap()
            };
            let mut all: Vec<(Score, DocAddress)> = all;
            all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut stories: Vec<(u64, Score, DocAddress, Vec<Score>)> = Vec::new();
            for (score, addr) in all {
                let k = key(addr);
                match stories.iter_mut().find(|e| e.0 == k && k != 0) {
                    Some(e) => e.3.push(score),
                    None => stories.push((k, score, addr, Vec::new())),
                }
            }
            // Near copies, scoring less than their story's article, are there.
            assert!(stories.iter().any(|s| s.3.iter().any(|&c| c < s.1)));
            for (prune, counter) in [(false, false), (true, false), (true, true)] {
                for limit in [3, 10, 1_000] {
                    let mut c = Collapse::new(limit, 2, prune);
                    if counter {
                        let scoreless = EnableScoring::disabled_from_searcher(&searcher);
                        c = c.counting_with(query.weight(scoreless).unwrap());
                    }
                    let (got, count) = searcher.search(&query, &c).unwrap();
                    let what =
                        format!("threads {threads} prune {prune} counter {counter} limit {limit}");
                    assert_eq!(count, total, "{what}");
                    let want = &stories[..limit.min(stories.len())];
                    let last = match want.len() {
                        n if n == limit => want[n - 1].1,
                        _ => Score::MIN,
                    };
                    assert_eq!(got.len(), want.len(), "{what}");
                    for (g, w) in got.iter().zip(want) {
                        assert_eq!((g.key, g.score, g.addr), (w.0, w.1, w.2), "{what}");
                        let copies = w.3.iter().filter(|&&c| c >= last).count();
                        assert_eq!(g.copies, copies, "key {} {what}", g.key);
                        assert_eq!(g.members.len(), copies.min(2), "{what}");
                        for (_, m) in &g.members {
                            assert_eq!(key(*m), g.key);
                            assert_ne!(*m, g.addr);
                        }
                    }
                }
            }
        }
    }
}
