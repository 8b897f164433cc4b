//! Alerts: the articles that the jobs since the last check brought or edited (see
//! `versions`) and that a watch matches, each article at most once per watch, ever.
//! Each watch's query is run with the jobs' articles as a filter: tantivy drives the
//! intersection from the shorter posting list, so a check costs what the jobs brought,
//! not what the archive holds. What was alerted, and up to which job, is kept in
//! `alerts.json` beside the watches.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::Watch;
use crate::analysis::AliasTable;
use crate::error::{Error, Result};
use crate::index::GazetteIndex;
use crate::passage::PassageOptions;
use crate::search::{self, meta_of, stored_names, text_of, ArticleMeta, Hit};

/// The alert state's file, in the index folder.
pub const STATE_FILE: &str = "alerts.json";

const FORMAT: u32 = 1;

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
        for w in &watches {
            let ids: HashSet<&str> = last
                .alerts
                .iter()
                .filter(|(label, _)| *label == w.label)
                .map(|(_, id)| id.as_str())
                .collect();
            if ids.is_empty() {
                continue;
            }
            let range = (last.after_job.max(w.after_job), last.through_job);
            match collect(&gi, &searcher, w, range, opts, &mut |id| ids.contains(id)) {
                Ok(found) => out.alerts.extend(found),
                Err(e) => out.failed.push((w.label.clone(), e.to_string())),
            }
        }
        return Ok(out);
    }
    out.fresh = true;
    out.jobs = (state.through_job, last_job);
    for w in &watches {
        let after = state.through_job.max(w.after_job);
        if after >= last_job {
            continue;
        }
        let seen = state.alerted.entry(w.label.clone()).or_default();
        let mut fresh: Vec<u64> = Vec::new();
        let found = collect(&gi, &searcher, w, (after, last_job), opts, &mut |id| {
            let h = id_hash(id);
            let new = seen.binary_search(&h).is_err() && !fresh.contains(&h);
            if new {
                fresh.push(h);
            }
            new
        });
        match found {
            Ok(found) => {
                seen.extend(fresh);
                seen.sort_unstable();
                out.alerts.extend(found);
            }
            Err(e) => out.failed.push((w.label.clone(), e.to_string())),
        }
    }
    state.version = FORMAT;
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

/// The articles of jobs `range` (after the first, up to the second) that `watch`
/// matches and `keep` accepts (by id), newest first, with their passages.
fn collect(
    gi: &GazetteIndex,
    searcher: &Searcher,
    watch: &Watch,
    (after, through): (u64, u64),
    opts: &AlertOptions,
    keep: &mut dyn FnMut(&str) -> bool,
) -> Result<Vec<Alert>> {
    let err = |e| Error::index(&gi.path, e);
    let mut sopts = watch.options()?;
    sopts.filters.jobs = Some((after, through));
    sopts.passages = opts.passages;
    let prepared = search::prepare(gi, searcher, &sopts)?;
    let mut docs: Vec<DocAddress> = prepared
        .search(searcher, DocSetCollector)
        .map_err(err)?
        .into_iter()
        .collect();
    if docs.is_empty() {
        return Ok(Vec::new());
    }
    docs.sort();
    let mut cutter = search::Cutter::new(gi, searcher, &prepared.ast, &sopts);
    let mut out = Vec::new();
    for at in docs {
        let doc: TantivyDocument = searcher.doc(at).map_err(err)?;
        let id = text_of(&doc, gi.fields.id);
        if !keep(&id) {
            continue;
        }
        let ff = searcher.segment_reader(at.segment_ord).fast_fields();
        let first_job = ff.u64("first_job").map_err(err)?.first(at.doc_id);
        let job = ff.u64("job").map_err(err)?.first(at.doc_id).unwrap_or(0);
        let meta = Arc::new(meta_of(&gi.fields, &doc));
        let body = text_of(&doc, gi.fields.body_text);
        let names = stored_names(gi, &doc);
        let cuts = cutter.cut(meta.lang.code(), &meta.title, &body, &names);
        let mut passages = search::hits_of(cuts, &meta, &meta.title, &body, 0.0);
        passages.sort_by(|a, b| b.score.total_cmp(&a.score));
        for (i, p) in passages.iter_mut().enumerate() {
            p.rank = i + 1;
        }
        out.push(Alert {
            watch: watch.label.clone(),
            change: if first_job.is_some_and(|f| f <= after) {
                Change::Changed
            } else {
                Change::New
            },
            job,
            article: meta,
            passages,
        });
    }
    cutter.finish();
    // Newest first; undated last; then by id, for a stable order.
    let date = |a: &Alert| crate::index::parse_date(a.article.date.as_deref().unwrap_or(""));
    out.sort_by(|a, b| {
        date(b)
            .cmp(&date(a))
            .then_with(|| a.article.id.cmp(&b.article.id))
    });
    Ok(out)
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
    let path = index.join(STATE_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::default()),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let state: State = serde_json::from_str(&text).map_err(|e| Error::Parse {
        path: path.clone(),
        line: e.line(),
        reason: format!("not an alert state file ({e})"),
    })?;
    if state.version > FORMAT {
        return Err(Error::BadFile {
            path,
            reason: format!(
                "written by a newer Gazette (format {}; this one reads {FORMAT})",
                state.version
            ),
        });
    }
    Ok(state)
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
