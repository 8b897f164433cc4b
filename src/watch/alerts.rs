//! Alerts: the articles that the jobs since the last check brought or edited (see
//! `versions`) and that a watch matches, each article at most once per watch, ever.
//! Each watch's query is run with the jobs' articles as a filter: tantivy drives the
//! intersection from the shorter posting list, so a check costs what the jobs brought,
//! not what the archive holds. What was alerted, and up to which job, is kept in
//! `alerts.json` beside the watches.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::columnar::Column;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::Watch;
use crate::analysis::AliasTable;
use crate::error::{Error, Result};
use crate::index::GazetteIndex;
use crate::passage::PassageOptions;
use crate::search::{self, meta_of, stored_names, text_of, ArticleMeta, Hit};

/// The alert state's file, in the index folder.
pub const STATE_FILE: &str = "alerts.json";

/// What has been alerted.
#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    version: u32,
    /// Every job up to this one has been checked.
    through_job: u64,
    /// Per watch, the articles it alerted on (hashes of their ids, sorted).
    alerted: BTreeMap<String, Vec<u64>>,
    /// The last check that found something to check.
    last: Option<Last>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Last {
    after_job: u64,
    through_job: u64,
    /// Seconds since the Unix epoch.
    at: u64,
    /// Watch label and article id of each alert.
    alerts: Vec<(String, String)>,
}

/// Whether an alerted article is new to the index or an edit of one it held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    New,
    Changed,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Changed => "changed",
        }
    }
}

/// One article a watch alerts on.
#[derive(Clone, Debug)]
pub struct Alert {
    pub watch: String,
    pub change: Change,
    /// The job that brought this version of the article.
    pub job: u64,
    pub article: Arc<ArticleMeta>,
    /// Its best passages for the watch's query (none when only a filter matched).
    pub passages: Vec<Hit>,
}

/// What a check found.
#[derive(Debug, Default)]
pub struct Checked {
    /// The jobs checked: after the first, up to the second.
    pub jobs: (u64, u64),
    /// By watch (in the order of the list), then newest article first.
    pub alerts: Vec<Alert>,
    /// False when no job ran since the last check: its alerts are shown again
    /// (nothing is alerted twice).
    pub fresh: bool,
    /// Watches in the list.
    pub watches: usize,
    /// Watches that could not run (label, reason); the others ran.
    pub failed: Vec<(String, String)>,
}

/// How alerts are shown.
#[derive(Clone, Copy, Debug, Default)]
pub struct AlertOptions {
    pub passages: PassageOptions,
}

/// Checks every watch of the index at `index` against what the jobs since the last
/// check brought, records the alerts, and returns them. When no job ran since, returns
/// the last check's alerts again (`fresh` false), recording nothing.
pub fn check(index: &Path, table: Arc<AliasTable>, opts: &AlertOptions) -> Result<Checked> {
    let _lock = super::lock(index)?;
    let watches = super::list(index)?;
    let mut out = Checked {
        watches: watches.len(),
        ..Checked::default()
    };
    if watches.is_empty() {
        return Ok(out);
    }
    let gi = GazetteIndex::open(index, table)?;
    let searcher = gi.searcher()?;
    let last_job = gi.info.as_ref().map_or(0, |i| i.job);
    let mut state = load(index)?;
    if last_job <= state.through_job {
        // Nothing new: the last check's alerts, as they were.
        let Some(last) = &state.last else {
            out.jobs = (state.through_job, state.through_job);
            return Ok(out);
        };
        out.jobs = (last.after_job, last.through_job);
        let shown: Vec<HashSet<&str>> = watches
            .iter()
            .map(|w| {
                last.alerts
                    .iter()
                    .filter(|(label, _)| *label == w.label)
                    .map(|(_, id)| id.as_str())
                    .collect()
            })
            .collect();
        let runs: Vec<(&Watch, (u64, u64))> = watches
            .iter()
            .zip(&shown)
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(w, _)| (w, (last.after_job.max(w.after_job), last.through_job)))
            .collect();
        let index_of = |w: &Watch| watches.iter().position(|x| x.label == w.label);
        let (alerts, failed) = collect(&gi, &searcher, &runs, opts, &|w, id| {
            index_of(w).is_some_and(|i| shown[i].contains(id))
        })?;
        out.alerts = alerts;
        out.failed = failed;
        return Ok(out);
    }
    out.fresh = true;
    let runs: Vec<(&Watch, (u64, u64))> = watches
        .iter()
        .map(|w| (w, (state.through_job.max(w.after_job), last_job)))
        .filter(|(_, (after, through))| after < through)
        .collect();
    let first = runs.iter().map(|(_, (after, _))| *after).min();
    out.jobs = (first.unwrap_or(last_job), last_job);
    // What each watch alerted on before is not alerted again.
    let alerted = &state.alerted;
    let (alerts, failed) = collect(&gi, &searcher, &runs, opts, &|w, id| {
        alerted
            .get(&w.label)
            .is_none_or(|seen| seen.binary_search(&id_hash(id)).is_err())
    })?;
    for a in &alerts {
        state
            .alerted
            .entry(a.watch.clone())
            .or_default()
            .push(id_hash(&a.article.id));
    }
    for seen in state.alerted.values_mut() {
        seen.sort_unstable();
        seen.dedup();
    }
    out.alerts = alerts;
    out.failed = failed;
    state.version = super::FORMAT;
    state.through_job = last_job;
    state.last = Some(Last {
        after_job: out.jobs.0,
        through_job: last_job,
        at: super::now(),
        alerts: out
            .alerts
            .iter()
            .map(|a| (a.watch.clone(), a.article.id.clone()))
            .collect(),
    });
    save(index, &state)?;
    Ok(out)
}

/// An article loaded once for every watch that matches it.
struct Loaded {
    id: String,
    meta: Arc<ArticleMeta>,
    body: String,
    names: crate::search::StoredNames,
    job: u64,
    first_job: Option<u64>,
}

/// The articles of each run's jobs (after the first number, up to the second) that its
/// watch matches and `keep` accepts (by watch and id), with their passages: by watch in
/// the order of `runs`, newest first. Each article is read once, however many watches
/// it alerts; a watch that cannot run is reported, the others run.
#[allow(clippy::type_complexity)]
fn collect(
    gi: &GazetteIndex,
    searcher: &Searcher,
    runs: &[(&Watch, (u64, u64))],
    opts: &AlertOptions,
    keep: &(dyn Fn(&Watch, &str) -> bool + Sync),
) -> Result<(Vec<Alert>, Vec<(String, String)>)> {
    let err = |e| Error::index(&gi.path, e);
    let mut failed = Vec::new();
    // Each watch's query, restricted to the jobs' articles, and what it matches.
    let mut prepared: Vec<Option<(search::Prepared, search::SearchOptions)>> = Vec::new();
    let mut matched: Vec<(DocAddress, usize)> = Vec::new();
    for (i, (watch, (after, through))) in runs.iter().enumerate() {
        let ready = watch.options().and_then(|mut o| {
            o.filters.jobs = Some((*after, *through));
            o.passages = opts.passages;
            let p = search::prepare(gi, searcher, &o)?;
            let docs = p.search(searcher, DocSetCollector).map_err(err)?;
            Ok((p, o, docs))
        });
        match ready {
            Ok((p, o, docs)) => {
                matched.extend(docs.into_iter().map(|d| (d, i)));
                prepared.push(Some((p, o)));
            }
            Err(e) => {
                failed.push((watch.label.clone(), e.to_string()));
                prepared.push(None);
            }
        }
    }
    matched.sort_unstable();
    // Articles are cut on every core, in runs of whole articles, in address order.
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(matched.len().div_ceil(MIN_PER_THREAD))
        .max(1);
    let mut bounds = vec![0];
    for t in 1..threads {
        let mut b = matched.len() * t / threads;
        while b > 0 && b < matched.len() && matched[b].0 == matched[b - 1].0 {
            b += 1;
        }
        bounds.push(b.max(*bounds.last().expect("one bound")));
    }
    bounds.push(matched.len());
    let prepared = &prepared;
    let parts: Vec<Result<Vec<Vec<Alert>>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = bounds
            .windows(2)
            .map(|b| {
                let part = &matched[b[0]..b[1]];
                scope.spawn(move || cut_alerts(gi, searcher, runs, prepared, part, keep))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut by_watch: Vec<Vec<Alert>> = (0..runs.len()).map(|_| Vec::new()).collect();
    for part in parts {
        for (w, alerts) in part?.into_iter().enumerate() {
            by_watch[w].extend(alerts);
        }
    }
    // An id twice among a watch's articles (two files numbering rows alike) is
    // alerted once, for its first document; newest first, undated last, then by id.
    let mut out = Vec::new();
    for mut alerts in by_watch {
        let mut ids: HashSet<u64> = HashSet::new();
        alerts.retain(|a| ids.insert(id_hash(&a.article.id)));
        alerts.sort_by_cached_key(|a| {
            let date = crate::index::parse_date(a.article.date.as_deref().unwrap_or(""));
            (std::cmp::Reverse(date), a.article.id.clone())
        });
        out.extend(alerts);
    }
    Ok((out, failed))
}

/// Below this many (article, watch) pairs per thread, one thread cuts them all.
const MIN_PER_THREAD: usize = 2_000;

/// The alerts of `matched` (articles in address order, each with a watch matching it),
/// by watch: each article read once, its text analysed once for all its watches.
fn cut_alerts(
    gi: &GazetteIndex,
    searcher: &Searcher,
    runs: &[(&Watch, (u64, u64))],
    prepared: &[Option<(search::Prepared, search::SearchOptions)>],
    matched: &[(DocAddress, usize)],
    keep: &(dyn Fn(&Watch, &str) -> bool + Sync),
) -> Result<Vec<Vec<Alert>>> {
    let err = |e| Error::index(&gi.path, e);
    let mut cutters: Vec<Option<search::Cutter>> = (0..runs.len()).map(|_| None).collect();
    let mut by_watch: Vec<Vec<Alert>> = (0..runs.len()).map(|_| Vec::new()).collect();
    let mut columns: HashMap<u32, (Column<u64>, Column<u64>)> = HashMap::new();
    let mut analysed = search::Analysed::keeping();
    let mut at = 0;
    while at < matched.len() {
        let addr = matched[at].0;
        let end = at + matched[at..].iter().take_while(|m| m.0 == addr).count();
        analysed.clear();
        let mut loaded: Option<Loaded> = None;
        for &(_, w) in &matched[at..end] {
            let Some((p, o)) = &prepared[w] else { continue };
            let a = match &loaded {
                Some(a) => a,
                None => {
                    let doc: TantivyDocument = searcher.doc(addr).map_err(err)?;
                    let (job, first_job) = match columns.entry(addr.segment_ord) {
                        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                        std::collections::hash_map::Entry::Vacant(e) => {
                            let ff = searcher.segment_reader(addr.segment_ord).fast_fields();
                            e.insert((
                                ff.u64("job").map_err(err)?,
                                ff.u64("first_job").map_err(err)?,
                            ))
                        }
                    };
                    loaded.insert(Loaded {
                        id: text_of(&doc, gi.fields.id),
                        meta: Arc::new(meta_of(&gi.fields, &doc)),
                        body: text_of(&doc, gi.fields.body_text),
                        names: stored_names(gi, &doc),
                        job: job.first(addr.doc_id).unwrap_or(0),
                        first_job: first_job.first(addr.doc_id),
                    })
                }
            };
            let (watch, (after, _)) = runs[w];
            if !keep(watch, &a.id) {
                continue;
            }
            let cutter =
                cutters[w].get_or_insert_with(|| search::Cutter::new(gi, searcher, &p.ast, o));
            let cuts = cutter.cut_shared(
                a.meta.lang.code(),
                &a.meta.title,
                &a.body,
                &a.names,
                &mut analysed,
            );
            let mut passages = search::hits_of(cuts, &a.meta, &a.meta.title, &a.body, 0.0);
            passages.sort_by(|x, y| y.score.total_cmp(&x.score));
            for (i, h) in passages.iter_mut().enumerate() {
                h.rank = i + 1;
            }
            by_watch[w].push(Alert {
                watch: watch.label.clone(),
                change: if a.first_job.is_some_and(|f| f <= after) {
                    Change::Changed
                } else {
                    Change::New
                },
                job: a.job,
                article: a.meta.clone(),
                passages,
            });
        }
        at = end;
    }
    for c in cutters.into_iter().flatten() {
        c.finish();
    }
    Ok(by_watch)
}

/// Forgets what watches `labels` alerted on (removed or replaced). Under the lock.
pub(super) fn forget(index: &Path, labels: &[String]) -> Result<()> {
    if labels.is_empty() || !index.join(STATE_FILE).is_file() {
        return Ok(());
    }
    let mut state = load(index)?;
    for l in labels {
        state.alerted.remove(l);
        if let Some(last) = &mut state.last {
            last.alerts.retain(|(w, _)| w != l);
        }
    }
    save(index, &state)
}

/// The last job checked (0: none, or no state).
pub(super) fn through_job(index: &Path) -> u64 {
    load(index).map_or(0, |s| s.through_job)
}

/// How many articles each watch has alerted on so far.
pub fn alerted_counts(index: &Path) -> Result<BTreeMap<String, usize>> {
    Ok(load(index)?
        .alerted
        .into_iter()
        .map(|(l, ids)| (l, ids.len()))
        .collect())
}

fn load(index: &Path) -> Result<State> {
    let state = super::read_versioned(
        &index.join(STATE_FILE),
        "an alert state file",
        |s: &State| s.version,
    )?;
    Ok(state.unwrap_or_default())
}

fn save(index: &Path, state: &State) -> Result<()> {
    let text = serde_json::to_string(state).expect("alert state serializes");
    super::write_atomic(&index.join(STATE_FILE), text.as_bytes())
}

/// An article id's key in the alert history.
fn id_hash(id: &str) -> u64 {
    let h = blake3::hash(id.as_bytes());
    u64::from_le_bytes(h.as_bytes()[..8].try_into().expect("8 bytes"))
}
