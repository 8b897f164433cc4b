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

/// The writer of Gazette's jobs: its documents carry their share of the queue's budget
/// (see `pipeline`).
pub type Writer = IndexWriter<crate::pipeline::Queued>;

/// Every writer Gazette opens, with the policy set: a writer left with tantivy's own
/// (the one that only committed the superseded list) merged a 100× index into one
/// segment of 2.67 million articles after a daily job.
pub fn writer(index: &Index, threads: usize, memory: usize) -> tantivy::Result<Writer> {
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

/// Merges the index's segments into `target` segments of about equal size (`gazette
/// index --compact`), and returns how many it had before and has after.
///
/// Why: the policy above keeps a growing archive at about [`SEGMENTS`] full segments
/// plus the levels below them, which is what daily jobs can afford to merge; a search
/// process pays for each segment (files opened, dictionaries looked up, footers
/// read). At 2.86 million articles a whole `gazette search` took 18.7 ms over the 17
/// segments a build left, 12.5 ms over 6 and 10.8 ms over 2 (BENCHMARKS.md). A search
/// runs one thread per segment, so one segment per core keeps every core busy. The
/// segments made are larger than the policy's cap, so later jobs leave them alone and
/// merge only their own new segments.
///
/// The merges run in parallel, on a writer of their own that merges nothing else. Each
/// lands as tantivy lands every merge: the new segment's files are written, then
/// `meta.json` replaced at once, the last commit's payload kept. A search meanwhile
/// sees the segments it opened; a process killed meanwhile leaves the last commit (and
/// files no commit names, which the next job removes).
pub fn compact(index: &Index, target: usize) -> tantivy::Result<(usize, usize)> {
    let metas = index.searchable_segment_metas()?;
    let before = metas.len();
    let sizes: Vec<u64> = metas.iter().map(|m| u64::from(m.num_docs())).collect();
    let merges: Vec<Vec<SegmentId>> = groups(&sizes, target)
        .into_iter()
        .filter(|g| g.len() > 1)
        .map(|g| g.into_iter().map(|i| metas[i].id()).collect())
        .collect();
    if merges.is_empty() {
        return Ok((before, before));
    }
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    let running: Vec<_> = merges.iter().map(|g| writer.merge(g)).collect();
    for merge in running {
        merge.wait()?;
    }
    writer.wait_merging_threads()?;
    Ok((before, index.searchable_segment_metas()?.len()))
}

/// Segments (by size) put into at most `target` groups of about equal size: each, the
/// largest first, into the group that holds the fewest articles so far.
fn groups(sizes: &[u64], target: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
    let mut groups: Vec<(u64, Vec<usize>)> = vec![(0, Vec::new()); target.max(1)];
    for i in order {
        let lightest = groups
            .iter_mut()
            .min_by_key(|g| g.0)
            .expect("at least one group");
        lightest.0 += sizes[i];
        lightest.1.push(i);
    }
    groups
        .into_iter()
        .map(|(_, g)| g)
        .filter(|g| !g.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compaction_groups_take_every_segment_once_in_groups_of_about_equal_size() {
        let sizes = [
            2_060, 2_685, 27_218, 28_106, 107_161, 184_265, 188_060, 202_407, 204_603, 205_500,
            207_775, 213_569, 216_494, 220_201, 271_700, 271_824, 307_772,
        ];
        for target in [1, 2, 6, 17, 40] {
            let g = groups(&sizes, target);
            assert_eq!(g.len(), target.min(sizes.len()));
            let mut all: Vec<usize> = g.iter().flatten().copied().collect();
            all.sort();
            assert_eq!(all, (0..sizes.len()).collect::<Vec<_>>());
            let totals: Vec<u64> = g
                .iter()
                .map(|g| g.iter().map(|&i| sizes[i]).sum())
                .collect();
            let (lo, hi) = (totals.iter().min().unwrap(), totals.iter().max().unwrap());
            // No group exceeds another by more than the largest segment.
            assert!(hi - lo <= 307_772, "{target}: {totals:?}");
        }
        assert_eq!(groups(&[], 2), Vec::<Vec<usize>>::new());
    }

    #[test]
    fn compacting_merges_an_index_into_the_segments_asked_for_and_keeps_every_document() {
        let mut b = tantivy::schema::Schema::builder();
        let n = b.add_u64_field("n", tantivy::schema::INDEXED | tantivy::schema::FAST);
        let index = Index::create_in_ram(b.build());
        let mut w: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        w.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        for seg in 0..5u64 {
            for i in 0..=seg * 10 {
                w.add_document(tantivy::doc!(n => seg * 100 + i)).unwrap();
            }
            w.commit().unwrap();
        }
        drop(w);
        assert_eq!(compact(&index, 2).unwrap(), (5, 2));
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.num_docs(), 1 + 11 + 21 + 31 + 41);
        assert_eq!(compact(&index, 2).unwrap(), (2, 2));
        assert_eq!(compact(&index, 1).unwrap(), (2, 1));
    }

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
