//! Article versions: which job brought each article's current text into the index. A
//! job numbers itself (one more than the last commit's), and gives each article it
//! writes the number of the job that first held that text: an article re-read unchanged
//! (its file was touched, a feed fetched again, a rebuild, a file moved) keeps its old
//! number, a new or edited one takes the job's. Watch-list alerts read these numbers
//! to see what a job brought, without comparing the archive again.

use std::sync::Arc;

use tantivy::columnar::Column;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, InvertedIndexReader, Searcher, TantivyDocument, Term, TERMINATED};

use crate::index::Fields;
use crate::reader::Article;

/// The version of an article's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version {
    /// The job that brought this text.
    pub job: u64,
    /// The job that first brought an article of this id (older than `job` when the
    /// article was edited since).
    pub first_job: u64,
}

/// A digest of what a reader sees of an article: title, body, date, source, URL,
/// author and place; not its id, file or capture time, so that the same text moved to
/// another file, or captured again, is recognised.
pub fn digest(a: &Article) -> u64 {
    let mut h = blake3::Hasher::new();
    for part in [
        Some(a.title.as_str()),
        Some(a.body.as_str()),
        a.date.as_deref(),
        a.source.as_deref(),
        a.url.as_deref(),
        a.author.as_deref(),
        a.place.as_deref(),
    ] {
        // A length prefix keeps ("ab", "c") apart from ("a", "bc").
        let part = part.unwrap_or("\u{0}");
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    u64::from_le_bytes(h.finalize().as_bytes()[..8].try_into().expect("8 bytes"))
}

/// Adds an article's version and digest to its document.
pub fn add_to(doc: &mut TantivyDocument, fields: &Fields, v: Version, digest: u64) {
    doc.add_u64(fields.job, v.job);
    doc.add_u64(fields.first_job, v.first_job);
    doc.add_u64(fields.digest, digest);
}

/// The index as a job found it: what decides an article's version.
pub enum Previous {
    /// A new or empty index: every article is new.
    None,
    /// An index of this schema.
    Versioned(Vec<SegmentVersions>),
    /// An index of an older schema (being rebuilt): it records ids but no versions, so an
    /// article it held counts as held since before any job (0) — an upgrade does not
    /// turn the whole archive into news.
    IdsOnly(
        Vec<(
            Arc<InvertedIndexReader>,
            Option<tantivy::fastfield::AliveBitSet>,
        )>,
    ),
}

/// One segment's lookups.
pub struct SegmentVersions {
    ids: Arc<InvertedIndexReader>,
    digests: Arc<InvertedIndexReader>,
    alive: Option<tantivy::fastfield::AliveBitSet>,
    digest: Column<u64>,
    job: Column<u64>,
    first_job: Column<u64>,
}

impl Previous {
    /// The lookups on `searcher`, a snapshot of the index before the job.
    pub fn of(searcher: &Searcher, fields: &Fields) -> tantivy::Result<Previous> {
        if searcher.num_docs() == 0 {
            return Ok(Previous::None);
        }
        let mut segments = Vec::new();
        for seg in searcher.segment_readers() {
            let ff = seg.fast_fields();
            segments.push(SegmentVersions {
                ids: seg.inverted_index(fields.id)?,
                digests: seg.inverted_index(fields.digest)?,
                alive: seg.alive_bitset().cloned(),
                digest: ff.u64("digest")?,
                job: ff.u64("job")?,
                first_job: ff.u64("first_job")?,
            });
        }
        Ok(Previous::Versioned(segments))
    }

    /// The lookups on an index of another schema, by its `id` field; none when it has
    /// none or cannot be read (every article is then new).
    pub fn of_older(path: &std::path::Path) -> Previous {
        let read = || -> tantivy::Result<Option<Previous>> {
            let index = tantivy::Index::open_in_dir(path)?;
            let Ok(id) = index.schema().get_field("id") else {
                return Ok(None);
            };
            let searcher = index.reader()?.searcher();
            let segments = searcher
                .segment_readers()
                .iter()
                .map(|s| Ok((s.inverted_index(id)?, s.alive_bitset().cloned())))
                .collect::<tantivy::Result<Vec<_>>>()?;
            Ok(Some(Previous::IdsOnly(segments)))
        };
        read().ok().flatten().unwrap_or(Previous::None)
    }

    /// The version an article of id `id` and digest `digest` takes in job `job`.
    pub fn version(&self, id: &str, digest: u64, job: u64, fields: &Fields) -> Version {
        let new = Version {
            job,
            first_job: job,
        };
        match self {
            Previous::None => new,
            Previous::IdsOnly(segments) => {
                let term = Term::from_field_text(fields.id, id);
                let held = segments
                    .iter()
                    .any(|(ids, alive)| first_alive(ids, &term, alive.as_ref()).is_some());
                if held {
                    Version {
                        job: 0,
                        first_job: 0,
                    }
                } else {
                    new
                }
            }
            Previous::Versioned(segments) => {
                // The same id: unchanged when some copy has the same text, else edited.
                let term = Term::from_field_text(fields.id, id);
                let mut edited: Option<u64> = None;
                let mut same: Option<Version> = None;
                for s in segments {
                    each_alive(&s.ids, &term, s.alive.as_ref(), &mut |doc| {
                        let first_job = s.first_job.first(doc).unwrap_or(0);
                        if s.digest.first(doc) == Some(digest) {
                            same = Some(Version {
                                job: s.job.first(doc).unwrap_or(0),
                                first_job,
                            });
                            return false;
                        }
                        edited = Some(edited.map_or(first_job, |e| e.min(first_job)));
                        true
                    });
                    if let Some(v) = same {
                        return v;
                    }
                }
                if let Some(first_job) = edited {
                    return Version { job, first_job };
                }
                // Another id, the same text: the article was moved or renamed.
                let term = Term::from_field_u64(fields.digest, digest);
                for s in segments {
                    if let Some(doc) = first_alive(&s.digests, &term, s.alive.as_ref()) {
                        return Version {
                            job: s.job.first(doc).unwrap_or(0),
                            first_job: s.first_job.first(doc).unwrap_or(0),
                        };
                    }
                }
                new
            }
        }
    }
}

/// Calls `f` with each live document of one segment holding `term`, until it returns
/// false.
fn each_alive(
    inverted: &InvertedIndexReader,
    term: &Term,
    alive: Option<&tantivy::fastfield::AliveBitSet>,
    f: &mut dyn FnMut(tantivy::DocId) -> bool,
) {
    let Ok(Some(mut postings)) = inverted.read_postings(term, IndexRecordOption::Basic) else {
        return;
    };
    let mut doc = postings.doc();
    while doc != TERMINATED {
        if alive.is_none_or(|a| a.is_alive(doc)) && !f(doc) {
            return;
        }
        doc = postings.advance();
    }
}

fn first_alive(
    inverted: &InvertedIndexReader,
    term: &Term,
    alive: Option<&tantivy::fastfield::AliveBitSet>,
) -> Option<tantivy::DocId> {
    let mut first = None;
    each_alive(inverted, term, alive, &mut |d| {
        first = Some(d);
        false
    });
    first
}

/// The documents of jobs after `after` up to `through`, as a query clause.
pub fn jobs_query(field: Field, after: u64, through: u64) -> Box<dyn tantivy::query::Query> {
    use std::ops::Bound;
    if through == after + 1 {
        return Box::new(tantivy::query::TermQuery::new(
            Term::from_field_u64(field, through),
            IndexRecordOption::Basic,
        ));
    }
    Box::new(tantivy::query::RangeQuery::new(
        Bound::Excluded(Term::from_field_u64(field, after)),
        Bound::Included(Term::from_field_u64(field, through)),
    ))
}
