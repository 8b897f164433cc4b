//! The batch indexing job: walks the corpus, works out what changed since the last
//! commit (new, changed, deleted files, by size and modification time, then content
//! hash), reads and analyses the changed files in parallel, and commits once.
//!
//! Guarantees: one job at a time per index (a lock file; `--wait` waits for it);
//! searchers see the previous commit until the new one lands, whatever the job does,
//! a full rebuild included; a killed job leaves the last commit intact and the next run
//! redoes the work; a file that cannot be read keeps the articles it had.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant, UNIX_EPOCH};

use serde::Serialize;
use tantivy::Term;

use crate::merge::Writer;
use crate::pipeline::Pipeline;

use crate::analysis::AliasTable;
use crate::error::{Error, Result};
use crate::index::{self, DocBuilder, FileState, GazetteIndex};
use crate::lang::SourcePrior;
use crate::reader::{self, Article, FieldMap, Format, Found, ReadOptions};
use crate::roots::{self, Roots};
use crate::versions::{self, Previous};

/// What a new index is built from when no path is given.
pub const DEFAULT_ROOT: &str = "corpus";

/// Articles handed to a worker at once; also the unit in which languages are decided
/// together (a source's language shows within a few hundred articles).
const BATCH: usize = 512;

/// How to run an indexing job.
#[derive(Clone, Debug)]
pub struct IndexOptions {
    /// Folders or files to add to the roots and walk; empty: walk every recorded root
    /// (`./corpus` for a new index).
    pub roots: Vec<PathBuf>,
    /// Remove `roots` (recorded roots) and their articles instead of indexing them.
    pub remove: bool,
    /// Worker threads for parsing, language detection and analysis (0: one per core).
    pub threads: usize,
    /// tantivy's indexing memory budget, in bytes.
    pub memory: usize,
    /// Re-read every file of every root, whether it changed or not.
    pub rebuild: bool,
    /// Wait for another job on the same index instead of failing.
    pub wait: bool,
    /// `--field`: the columns and keys fields are read from; `None`: the mapping the
    /// index was built with. Another mapping than that re-reads every file.
    pub fields: Option<FieldMap>,
    /// `--compact`: after the commit, merge the index into this many segments (0: one
    /// per core); see [`crate::merge::compact`].
    pub compact: Option<usize>,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            roots: Vec::new(),
            remove: false,
            threads: 0,
            memory: 200_000_000,
            rebuild: false,
            wait: false,
            fields: None,
            compact: None,
        }
    }
}

/// A file or line that could not be indexed.
#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    pub path: String,
    pub line: Option<usize>,
    pub error: String,
}

/// What an indexing job did. File counts: `added + updated + unchanged` files are in
/// the index afterwards; `deleted` files' articles were removed.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IndexReport {
    pub added: usize,
    pub updated: usize,
    pub deleted: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub failed: Vec<Failure>,
    /// Articles read and indexed by this job.
    pub articles: usize,
    /// Of those, how many came from each format (`jsonl`, `csv`, `text`, `json`, `html`,
    /// `warc`, `feed`).
    pub formats: std::collections::BTreeMap<&'static str, usize>,
    /// What the files read held besides articles, by kind: web archive records that are
    /// no page (`request`, `metadata`, `revisit`, `not HTML`, `earlier capture`…),
    /// sitemaps.
    pub records_skipped: reader::Skipped,
    /// Articles in the index after the job.
    pub total_articles: u64,
    /// Bytes of the files read.
    pub bytes: u64,
    pub elapsed_ms: u64,
    /// Why every file was re-read, if it was (`--rebuild`, another alias table…).
    pub rebuilt: Option<String>,
    /// The job's number: its new and edited articles carry it (see `versions`).
    pub job: u64,
    /// What `--compact` did; `None` without it.
    pub compacted: Option<Compaction>,
}

/// What merging the index into fewer segments did (`--compact`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Compaction {
    pub segments_before: usize,
    pub segments: usize,
    pub elapsed_ms: u64,
}

/// Progress of a job, for a progress bar.
#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    pub files_done: usize,
    pub files_total: usize,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub articles: usize,
}

/// One file to (re)index.
struct Todo {
    path: PathBuf,
    /// The file's key in the index (see `roots`).
    key: String,
    format: Format,
    state: FileState,
    /// The index already has articles of this file (to be replaced).
    replace: bool,
}

/// Articles of one file, ready for a worker.
struct Batch {
    articles: Vec<Article>,
    state: FileState,
}

/// Runs an indexing job on the index at `path`.
pub fn run(
    path: &Path,
    table: Arc<AliasTable>,
    opts: &IndexOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<IndexReport> {
    let start = Instant::now();
    let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    if !opts.remove {
        // A new root that is not there is a typo, not an unmounted disk: nothing is done.
        for root in &opts.roots {
            std::fs::metadata(root).map_err(|e| Error::io(root, e))?;
        }
    }
    std::fs::create_dir_all(path).map_err(|e| Error::io(path, e))?;
    // Segments the job's merges read stop counting in its memory once read (`trim`).
    let _trim = crate::trim::Trimmer::start(path);
    let _lock = JobLock::acquire(path, opts.wait)?;
    // Segment files a killed job, or one stopped by a full disk, left behind: nothing
    // refers to them, and they may be what fills the disk.
    index::remove_orphan_files(path);
    let reading = AtomicU64::new(0);
    let result = run_locked(path, table, opts, progress, start, &cwd, &reading);
    if let Err(e) = &result {
        // Nothing was committed: what this job wrote goes, the last commit stays.
        index::remove_orphan_files(path);
        let _ = std::fs::remove_dir_all(sibling(path, "rebuild"));
        if let Error::NoSpace { path, .. } = e {
            return Err(Error::NoSpace {
                path: path.clone(),
                detail: space_detail(path, reading.load(Ordering::Relaxed)),
            });
        }
    }
    result
}

/// What a job that ran out of disk space can say about the space it needs.
fn space_detail(index: &Path, input: u64) -> String {
    let free = crate::index::free_space(index);
    // A Gazette index takes about 1.5 times the articles' size (news-large: 61 MB for
    // 40.8 MB), and tantivy merges need room for a copy of the segments they merge.
    let mb = |b: u64| b as f64 / 1e6;
    match free {
        Some(free) if input > 0 => format!(
            "this job reads {:.1} MB of articles, which need about {:.1} MB of index; {:.1} MB are free",
            mb(input),
            mb(input * 3 / 2),
            mb(free)
        ),
        Some(free) => format!("{:.1} MB are free", mb(free)),
        None => String::new(),
    }
}

/// The job proper, under the lock.
fn run_locked(
    path: &Path,
    table: Arc<AliasTable>,
    opts: &IndexOptions,
    progress: &(dyn Fn(Progress) + Sync),
    start: Instant,
    cwd: &Path,
    reading: &AtomicU64,
) -> Result<IndexReport> {
    let cwd = cwd.to_path_buf();

    // An index of another schema (older Gazette) cannot take the new documents: build a
    // fresh one beside it and swap it in when it is complete.
    // A damaged index is found out when opening it or reading its manifest.
    // The manifest (what the index holds, file by file) is read once, here.
    let opened = GazetteIndex::open_or_create(path, table.clone())
        .and_then(|gi| index::manifest(&gi).map(|m| (gi, m)));
    let (gi, before, swap_from) = match opened {
        Ok((gi, before)) => (gi, before, None),
        Err(Error::BadIndex { reason, .. }) => {
            let fresh = sibling(path, "rebuild");
            let _ = std::fs::remove_dir_all(&fresh);
            (
                GazetteIndex::open_or_create(&fresh, table.clone())?,
                HashMap::new(),
                Some(reason),
            )
        }
        Err(e) => return Err(e),
    };
    let recorded_fields = gi
        .info
        .as_ref()
        .map(|i| i.fields.clone())
        .unwrap_or_default();
    let fields = opts
        .fields
        .clone()
        .unwrap_or_else(|| recorded_fields.clone());
    let rebuilt = if let Some(reason) = &swap_from {
        Some(format!("the old index could not be used: {reason}"))
    } else if opts.rebuild {
        Some("--rebuild".to_string())
    } else if gi.info.is_none() && gi.index.load_metas().is_ok_and(|m| m.segments.is_empty()) {
        None // a new, empty index: nothing to rebuild
    } else {
        gi.staleness().or_else(|| {
            (fields != recorded_fields)
                .then(|| format!("the field mapping changed from {recorded_fields} to {fields}"))
        })
    };

    // The roots: those recorded (an unusable index's too, when its commit can be read),
    // plus the paths given. A job walks the paths given, or every root when none is
    // given or everything is read again.
    let info = gi.info.clone().or_else(|| {
        swap_from.as_ref().and_then(|_| {
            GazetteIndex::open(path, table.clone())
                .ok()
                .and_then(|old| old.info)
        })
    });
    let mut roots = match &info {
        Some(i) => Roots::recorded(i.base.as_deref(), &i.roots, &cwd),
        None => Roots::recorded(Some(&cwd.display().to_string()), &[], &cwd),
    };
    let given: Vec<String> = opts.roots.iter().map(|r| roots.key(&cwd, r)).collect();
    // Numbered above every job the index, its watches and its alerts have seen.
    // (The commit read above, else — an index this Gazette cannot open — its payload.)
    let job = info
        .as_ref()
        .map_or_else(|| index::last_job(path), |i| i.job)
        .max(crate::watch::highest_job(path))
        + 1;
    let mut report = IndexReport {
        rebuilt: rebuilt.clone(),
        job,
        ..IndexReport::default()
    };
    let articles_under = |root: &str| -> u64 {
        before
            .iter()
            .filter(|(k, _)| roots::contains(root, k))
            .map(|(_, (_, n))| n)
            .sum()
    };
    if opts.remove {
        return remove_roots(gi, roots, &given, &before, report, start, opts);
    }
    for key in &given {
        roots.add(key.clone());
    }
    if roots.roots.is_empty() {
        roots.add(DEFAULT_ROOT.to_string());
    }
    let walk: Vec<String> = if given.is_empty() || rebuilt.is_some() {
        roots.roots.clone()
    } else {
        given.clone()
    };
    // A root that is not there (an unmounted disk, a folder renamed) keeps its articles
    // and fails the job; a rebuild, which would lose them, is refused.
    let mut walk_paths: Vec<PathBuf> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    for key in &walk {
        let p = roots.walk_path(&cwd, key);
        match std::fs::metadata(&p) {
            Ok(_) => walk_paths.push(p),
            Err(e) => {
                let kept = articles_under(key);
                if rebuilt.is_some() && kept > 0 {
                    return Err(Error::Invalid(format!(
                        "root {}: {}; rebuilding now would lose its {kept} articles: make it readable again, or remove it with `gazette roots remove {key}`",
                        p.display(),
                        io_reason(&e)
                    )));
                }
                report.failed.push(Failure {
                    path: key.clone(),
                    line: None,
                    error: format!(
                        "root {}: {}; its {kept} articles are kept",
                        p.display(),
                        io_reason(&e)
                    ),
                });
                missing.push(key.clone());
            }
        }
    }
    // What the index held decides which articles are new or edited, a rebuild's too.
    let previous = match &swap_from {
        None => Previous::of(&gi.searcher()?, &gi.fields).map_err(|e| Error::index(&gi.path, e))?,
        Some(_) => Previous::of_older(path),
    };
    // A rebuild compares against nothing: every file is read again.
    let empty = HashMap::new();
    let known = if rebuilt.is_some() { &empty } else { &before };

    let mut todo = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    // Folders and files that could not be read: what the index has under them stays.
    let mut unreadable: Vec<String> = Vec::new();
    for found in reader::walk(&walk_paths) {
        match found {
            Found::Skipped(_) => report.skipped += 1,
            Found::Failed(e) => {
                if let Some(p) = e.path() {
                    unreadable.push(roots.key(&cwd, p));
                }
                report.failed.push(failure(&e));
            }
            Found::Article(p, format) => {
                let key = roots.key(&cwd, &p);
                if !seen.insert(key.clone()) {
                    continue; // the same file reached twice (overlapping roots)
                }
                match plan(&p, &key, format, known.get(&key), before.contains_key(&key)) {
                    Ok(Some(t)) => todo.push(t),
                    Ok(None) => report.unchanged += 1,
                    Err(e) => {
                        unreadable.push(key);
                        report.failed.push(failure(&e));
                    }
                }
            }
        }
    }
    // Files the index knew under the walked roots that are gone (files or folders that
    // could not be read are reported above, and kept).
    let gone: Vec<String> = before
        .keys()
        .filter(|k| !seen.contains(*k))
        .filter(|k| {
            walk.iter()
                .any(|r| !missing.contains(r) && roots::contains(r, k))
        })
        .filter(|k| !unreadable.iter().any(|u| roots::contains(u, k)))
        // Keys an older Gazette wrote as the root was typed ("./corpus/a.txt"): the
        // file read again now under its normalised key replaces them.
        .chain(before.keys().filter(|k| {
            let n = roots.key(&roots.base, Path::new(k));
            n != **k && seen.contains(&n)
        }))
        .cloned()
        .collect();

    reading.store(todo.iter().map(|t| t.state.size).sum(), Ordering::Relaxed);
    let writer: Writer = crate::merge::writer(
        &gi.index,
        indexing_threads(opts.threads),
        // tantivy wants at least 15 MB per indexing thread.
        opts.memory.max(15_000_000 * indexing_threads(opts.threads)),
    )
    .map_err(|e| Error::index(&gi.path, e))?;
    if rebuilt.is_some() && swap_from.is_none() {
        writer
            .delete_all_documents()
            .map_err(|e| Error::index(&gi.path, e))?;
    }
    for g in &gone {
        writer.delete_term(Term::from_field_text(gi.fields.file, g));
    }
    report.deleted = gone.len();

    // The files are read with the mapping in force (given, else recorded).
    let opts = &IndexOptions {
        fields: Some(fields.clone()),
        ..opts.clone()
    };
    let touched = !todo.is_empty();
    let versions = (&previous, job);
    let counts = index_files(
        &gi,
        &writer,
        &table,
        todo,
        opts,
        versions,
        progress,
        &mut report,
    )?;
    drop(previous);
    report.articles = counts;
    let changed = rebuilt.is_some() || !gone.is_empty() || touched;
    report.total_articles = commit_and_count(writer, &gi, &roots, &fields, changed, job)?;
    if let Some(target) = opts.compact {
        compact(&gi, target, &mut report);
    }
    if swap_from.is_some() {
        drop(gi);
        swap_in(&sibling(path, "rebuild"), path)?;
    }
    report.elapsed_ms = start.elapsed().as_millis() as u64;
    Ok(report)
}

/// `--compact`, after the commit: a failure is reported and leaves the commit as it is.
fn compact(gi: &GazetteIndex, target: usize, report: &mut IndexReport) {
    let started = Instant::now();
    let target = match target {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    };
    match crate::merge::compact(&gi.index, target) {
        Ok((segments_before, segments)) => {
            // The merged segments' files: tantivy keeps them while a reader of this
            // process holds them (the job's own), which left a 100× index at twice its
            // size until the next job. Other processes keep what they have mapped.
            index::remove_orphan_files(&gi.path);
            report.compacted = Some(Compaction {
                segments_before,
                segments,
                elapsed_ms: started.elapsed().as_millis() as u64,
            })
        }
        Err(e) => {
            // What a failed merge wrote (a full disk) goes; the segments stay.
            index::remove_orphan_files(&gi.path);
            report.failed.push(Failure {
                path: gi.path.display().to_string(),
                line: None,
                error: format!(
                    "{}: compacting the index failed, the job's commit stands: {}",
                    gi.path.display(),
                    Error::index(&gi.path, e)
                ),
            });
        }
    }
}

/// Removes recorded roots and every article of theirs, in one commit.
fn remove_roots(
    gi: GazetteIndex,
    mut roots: Roots,
    given: &[String],
    before: &HashMap<String, (FileState, u64)>,
    mut report: IndexReport,
    start: Instant,
    opts: &IndexOptions,
) -> Result<IndexReport> {
    for key in given {
        if !roots.roots.contains(key) {
            return Err(Error::Invalid(format!(
                "{key} is not a root of index {} (its roots: {}); see `gazette roots`",
                gi.path.display(),
                if roots.roots.is_empty() {
                    "none".to_string()
                } else {
                    roots.roots.join(", ")
                }
            )));
        }
    }
    roots.roots.retain(|r| !given.contains(r));
    let writer: Writer = crate::merge::writer(&gi.index, 1, opts.memory.min(50_000_000))
        .map_err(|e| Error::index(&gi.path, e))?;
    for (file, _) in before.iter() {
        // A file under a removed root stays when another root holds it too.
        let under_removed = given.iter().any(|g| roots::contains(g, file));
        if under_removed && roots.root_of(file).is_none() {
            writer.delete_term(Term::from_field_text(gi.fields.file, file));
            report.deleted += 1;
        }
    }
    let fields = gi
        .info
        .as_ref()
        .map(|i| i.fields.clone())
        .unwrap_or_default();
    let job = report.job;
    report.total_articles =
        commit_and_count(writer, &gi, &roots, &fields, report.deleted > 0, job)?;
    report.elapsed_ms = start.elapsed().as_millis() as u64;
    Ok(report)
}

/// Commits the job and counts the articles the index holds after it. When the job
/// changed anything, the copies of an article that a later one supersedes are listed
/// again (see `supersede`) and committed with the index's information: readers see the
/// job's articles a moment before the list that hides their older copies, never an
/// article lost.
fn commit_and_count(
    writer: Writer,
    gi: &GazetteIndex,
    roots: &Roots,
    fields: &FieldMap,
    changed: bool,
    job: u64,
) -> Result<u64> {
    let before = gi
        .info
        .as_ref()
        .map(|i| i.superseded.clone())
        .unwrap_or_default();
    index::commit(writer, gi, roots, fields, before.clone(), job)?;
    let reader = gi.index.reader().map_err(|e| Error::index(&gi.path, e))?;
    if changed {
        let superseded = crate::supersede::find(gi, &reader.searcher())?;
        if superseded != before {
            let writer: Writer = crate::merge::writer(&gi.index, 1, 15_000_000)
                .map_err(|e| Error::index(&gi.path, e))?;
            index::commit(writer, gi, roots, fields, superseded, job)?;
        }
    }
    // The table's spelling keys for "did you mean" (see `typos`): a cache, so a failure
    // to write it costs later searches time, not correctness.
    let _ = crate::typos::write_table_keys(&gi.path, &gi.table);
    Ok(reader.searcher().num_docs())
}

/// A short reason for an I/O error on a root.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "not found (not mounted, moved or deleted?)".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Decides whether a file needs (re)indexing: `None` when the index has it unchanged.
fn plan(
    path: &Path,
    key: &str,
    format: Format,
    known: Option<&(FileState, u64)>,
    in_index: bool,
) -> Result<Option<Todo>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    let mut state = FileState {
        hash: 0,
        size: meta.len(),
        mtime,
    };
    let known = known.map(|(k, _)| k);
    if let Some(k) = known {
        if k.size == state.size && k.mtime == state.mtime {
            return Ok(None);
        }
    }
    state.hash = hash_file(path)?;
    if let Some(k) = known {
        // Touched but not changed: nothing to do (the next run hashes it again).
        if k.hash == state.hash && k.size == state.size {
            return Ok(None);
        }
    }
    Ok(Some(Todo {
        path: path.to_path_buf(),
        key: key.to_string(),
        format,
        state,
        replace: in_index,
    }))
}

fn hash_file(path: &Path) -> Result<u64> {
    let mut hasher = blake3::Hasher::new();
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    hasher.update_reader(file).map_err(|e| Error::io(path, e))?;
    let bytes: [u8; 8] = hasher.finalize().as_bytes()[..8]
        .try_into()
        .expect("8 bytes");
    Ok(u64::from_le_bytes(bytes))
}

/// Reads the files in order on this thread and hands batches of articles to worker
/// threads that detect languages, analyse and add documents, each with its version
/// (`versions`: the index before the job, and the job's number). Returns articles
/// indexed.
#[allow(clippy::too_many_arguments)]
fn index_files(
    gi: &GazetteIndex,
    writer: &Writer,
    table: &Arc<AliasTable>,
    todo: Vec<Todo>,
    opts: &IndexOptions,
    (previous, job): (&Previous, u64),
    progress: &(dyn Fn(Progress) + Sync),
    report: &mut IndexReport,
) -> Result<usize> {
    let read = &ReadOptions {
        fields: opts.fields.clone().unwrap_or_default(),
    };
    let threads = worker_threads(opts.threads);
    let articles = AtomicUsize::new(0);
    let bytes_done = AtomicU64::new(0);
    let total = Progress {
        files_total: todo.len(),
        bytes_total: todo.iter().map(|t| t.state.size).sum(),
        ..Progress::default()
    };
    let (tx, rx) = mpsc::sync_channel::<Batch>(threads * 2);
    let pipeline = Pipeline::new(crate::pipeline::BUDGET);
    let rx = Mutex::new(rx);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut builder = DocBuilder::new(gi.fields, table);
                loop {
                    let batch = match rx.lock().expect("no worker panics holding it").recv() {
                        Ok(b) => b,
                        Err(_) => break,
                    };
                    let mut batch = batch;
                    // The prior is per batch (articles of one file): languages then do
                    // not depend on which worker saw what before.
                    reader::assign_languages(&mut batch.articles, &mut SourcePrior::default());
                    for mut a in batch.articles {
                        let digest = versions::digest(&a);
                        let bytes = a.title.len() + a.body.len();
                        let version = previous.version(&a.id, digest, job, &gi.fields);
                        let mut doc = builder.document(&mut a, &batch.state);
                        versions::add_to(&mut doc, &gi.fields, version, digest);
                        // add_document fails only when tantivy's threads died; the
                        // commit reports that.
                        let _ = writer.add_document(pipeline.queue(doc, bytes));
                        articles.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
        for (done, t) in todo.into_iter().enumerate() {
            let path_str = t.key.as_str();
            let walked = t.path.display().to_string();
            let mut batch = Vec::with_capacity(BATCH);
            let mut sent_any = false;
            let send = |batch: &mut Vec<Article>, sent_any: &mut bool| {
                if !*sent_any && t.replace {
                    // The file is readable: now its old articles may go. Deletes apply
                    // to documents added before them, so this precedes the new ones.
                    writer.delete_term(Term::from_field_text(gi.fields.file, path_str));
                }
                *sent_any = true;
                let articles = std::mem::replace(batch, Vec::with_capacity(BATCH));
                // Workers only stop when the channel closes.
                let _ = tx.send(Batch {
                    articles,
                    state: t.state,
                });
            };
            let mut skipped = reader::Skipped::new();
            // A reader that panics (a third-party parser meeting input it did not expect)
            // fails its file, not the job: what it read before stays in this job.
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                reader::read_file_with(
                    &t.path,
                    t.format,
                    read,
                    &mut |mut a| {
                        if walked != path_str {
                            // Read from elsewhere than its key (the job runs outside the base
                            // directory): the article is known by its key.
                            if let Some(rest) = a.id.strip_prefix(walked.as_str()) {
                                if a.id == a.path || rest.starts_with('#') {
                                    a.id = format!("{path_str}{rest}");
                                }
                            }
                            a.path = path_str.to_string();
                        }
                        batch.push(a);
                        *report.formats.entry(t.format.as_str()).or_default() += 1;
                        if batch.len() == BATCH {
                            send(&mut batch, &mut sent_any);
                        }
                    },
                    &mut skipped,
                )
            }));
            let errors = read.unwrap_or_else(|payload| {
                let what = crate::error::panic_message(payload.as_ref());
                vec![Error::BadFile {
                    path: t.path.clone(),
                    reason: format!("the {} reader failed on it ({what})", t.format.as_str()),
                }]
            });
            for (kind, n) in skipped {
                *report.records_skipped.entry(kind).or_default() += n;
            }
            if !batch.is_empty() {
                send(&mut batch, &mut sent_any);
            }
            if sent_any {
                if t.replace {
                    report.updated += 1;
                } else {
                    report.added += 1;
                }
            }
            report.failed.extend(errors.iter().map(failure));
            report.bytes += t.state.size;
            let b = bytes_done.fetch_add(t.state.size, Ordering::Relaxed) + t.state.size;
            progress(Progress {
                files_done: done + 1,
                bytes_done: b,
                articles: articles.load(Ordering::Relaxed),
                ..total
            });
        }
        drop(tx);
    });
    Ok(articles.into_inner())
}

/// Worker threads for `--threads N` (0: one per core).
fn worker_threads(threads: usize) -> usize {
    if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    }
}

/// tantivy's indexing threads: as many workers, within what tantivy accepts.
fn indexing_threads(threads: usize) -> usize {
    worker_threads(threads).clamp(1, 8)
}

fn failure(e: &Error) -> Failure {
    let (path, line) = match e {
        Error::Io { path, .. } | Error::BadFile { path, .. } | Error::Record { path, .. } => {
            (path.display().to_string(), None)
        }
        Error::Parse { path, line, .. } => (path.display().to_string(), Some(*line)),
        _ => (String::new(), None),
    };
    Failure {
        path,
        line,
        error: e.to_string(),
    }
}

/// A folder next to `path` for a replacement index.
fn sibling(path: &Path, what: &str) -> PathBuf {
    let name = path
        .file_name()
        .map_or("index".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

/// Puts a freshly built index in place of the old one. Two renames: a search starting
/// between them finds no index and retries (see `GazetteIndex::open`).
/// The watches and alert state, which are not the index, go with it, under their lock
/// (a `gazette watch add` meanwhile waits, then writes to the new folder).
fn swap_in(fresh: &Path, path: &Path) -> Result<()> {
    let _watch_lock = crate::watch::lock(path)?;
    crate::watch::carry_over(path, fresh)?;
    let old = sibling(path, "old");
    std::fs::rename(path, &old).map_err(|e| Error::io(path, e))?;
    std::fs::rename(fresh, path).map_err(|e| Error::io(path, e))?;
    // The old folder held our lock file; it is released when the job ends.
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// The job lock: an advisory lock on a file in the index folder, released by the OS
/// when the process ends, however it ends.
struct JobLock {
    _file: File,
}

impl JobLock {
    const NAME: &'static str = ".gazette-job.lock";

    fn acquire(index: &Path, wait: bool) -> Result<JobLock> {
        let path = index.join(Self::NAME);
        let file = crate::watch::lock_file(&path)?;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(JobLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) if wait => {
                    std::thread::sleep(Duration::from_millis(200))
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(Error::Locked {
                        path: index.to_path_buf(),
                    })
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
        }
    }
}
