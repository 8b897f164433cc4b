//! The merge policy: how indexing jobs merge segments, so that an archive of any size
//! is searched over a bounded number of segments that still keep both cores busy.
//!
//! Why a bound: every segment costs a search process its files opened and their pages
//! mapped, and each query word a lookup per segment. At 100× news-large, 40 segments of
//! at most 100,000 articles made a whole `gazette search` 27–48 ms; the same index in
//! 10 segments, 15–28 ms (BENCHMARKS.md). Why not one: a search runs one thread per
//! segment, and merging everything into one segment maps the whole index in one job.
//!
//! The policy: tantivy's log merge policy (segments of similar size, eight at a time),
//! with a largest segment of [`SEGMENTS`]th of the index (at least [`MIN_CAP`]
//! articles). What a merge *makes* is capped too: a candidate is split into groups of
//! at most the cap (tantivy caps only what a merge takes, and let eleven segments of
//! 26,000 articles merge into one of 286,000). So an index holds about [`SEGMENTS`]
//! full segments plus the log levels below them, and the daily jobs' small segments
//! merge among themselves until they reach the cap.

use tantivy::index::{SegmentId, SegmentMeta};
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};
use tantivy::{Index, IndexWriter};

/// Every writer Gazette opens, with the policy set: a writer left with tantivy's own
/// (the one that only committed the superseded list) merged a 100× index into one
/// segment of 2.67 million articles after a daily job.
pub fn writer(index: &Index, threads: usize, memory: usize) -> tantivy::Result<IndexWriter> {
    let writer = index.writer_with_num_threads(threads, memory)?;
    writer.set_merge_policy(Box::new(BoundedSegments));
    Ok(writer)
}

/// The share of the index the largest segment may hold: about this many full segments.
pub const SEGMENTS: usize = 8;
/// The smallest cap: below it, an index is small enough that its segment count does
/// not matter, and merges stay quick.
pub const MIN_CAP: usize = 100_000;
/// Segments of one size level merged at once (tantivy: 8): fewer leaves fewer segments
/// below the cap, at the price of merging more often.
pub const MIN_MERGE: usize = 4;

/// The largest segment a merge may make in an index of `docs` articles.
pub fn cap(docs: usize) -> usize {
    (docs / SEGMENTS).max(MIN_CAP)
}

/// See the module documentation.
#[derive(Debug, Default)]
pub struct BoundedSegments;

impl MergePolicy for BoundedSegments {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let total: usize = segments.iter().map(|m| m.num_docs() as usize).sum();
        let cap = cap(total);
        let mut log = LogMergePolicy::default();
        log.set_max_docs_before_merge(cap);
        log.set_min_num_segments(MIN_MERGE);
        let docs = |id: &SegmentId| {
            segments
                .iter()
                .find(|m| m.id() == *id)
                .map_or(0, |m| m.num_docs() as usize)
        };
        let mut out = Vec::new();
        for candidate in log.compute_merge_candidates(segments) {
            let mut group = Vec::new();
            let mut size = 0;
            for id in candidate.0 {
                let n = docs(&id);
                if size + n > cap && !group.is_empty() {
                    if group.len() > 1 {
                        out.push(MergeCandidate(std::mem::take(&mut group)));
                    }
                    group.clear();
                    size = 0;
                }
                group.push(id);
                size += n;
            }
            if group.len() > 1 {
                out.push(MergeCandidate(group));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_grows_with_the_index_from_its_floor() {
        assert_eq!(cap(0), MIN_CAP);
        assert_eq!(cap(286_140), MIN_CAP);
        assert_eq!(cap(2_861_400), 357_675);
        assert_eq!(cap(28_614_000), 3_576_750);
    }

    /// Runs the policy to a standstill over `sizes` (a merge's segment holds the sum of
    /// its inputs), as the writer would.
    fn settle(index: &tantivy::Index, sizes: &mut Vec<u32>) {
        loop {
            let metas: Vec<SegmentMeta> = sizes
                .iter()
                .map(|&n| index.new_segment_meta(SegmentId::generate_random(), n))
                .collect();
            // The first candidate merged; the metas changed, so ask again.
            let Some(c) = BoundedSegments
                .compute_merge_candidates(&metas)
                .into_iter()
                .next()
            else {
                return;
            };
            let merged: u32 = metas
                .iter()
                .filter(|m| c.0.contains(&m.id()))
                .map(|m| m.max_doc())
                .sum();
            assert!(merged as usize <= cap(sizes.iter().map(|&n| n as usize).sum()));
            *sizes = metas
                .iter()
                .filter(|m| !c.0.contains(&m.id()))
                .map(|m| m.max_doc())
                .collect();
            sizes.push(merged);
        }
    }

    /// A 100× build (segments of 20,000 articles as the indexing threads flush them),
    /// then 30 daily jobs adding 1% each (two segments a job, one per thread): the
    /// segment count stays bounded, and no merge makes more than the cap.
    #[test]
    fn thirty_days_of_daily_jobs_keep_the_segment_count_bounded() {
        let index = tantivy::Index::create_in_ram(tantivy::schema::Schema::builder().build());
        let mut sizes: Vec<u32> = Vec::new();
        for _ in 0..143 {
            sizes.push(20_000);
            settle(&index, &mut sizes);
        }
        let built = sizes.len();
        assert!(
            built <= 3 * SEGMENTS,
            "{built} segments after the build: {sizes:?}"
        );
        let mut most = built;
        for _ in 0..30 {
            sizes.extend([14_307, 14_307]);
            settle(&index, &mut sizes);
            most = most.max(sizes.len());
        }
        assert!(most <= 3 * SEGMENTS, "{most} segments: {sizes:?}");
    }
}
