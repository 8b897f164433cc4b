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
use tantivy::{IndexWriter, Term};

use crate::analysis::AliasTable;
use crate::error::{Error, Result};
use crate::index::{self, DocBuilder, FileState, GazetteIndex};
use crate::lang::SourcePrior;
use crate::reader::{self, Article, Format, Found};

/// Articles handed to a worker at once; also the unit in which languages are decided
/// together (a source's language shows within a few hundred articles).
const BATCH: usize = 512;

/// Segments with more articles than this are not merged further (see `run`).
const MAX_MERGE_DOCS: usize = 100_000;

/// How to run an indexing job.
#[derive(Clone, Debug)]
pub struct IndexOptions {
    pub roots: Vec<PathBuf>,
    /// Worker threads for parsing, language detection and analysis (0: one per core).
    pub threads: usize,
    /// tantivy's indexing memory budget, in bytes.
    pub memory: usize,
    /// Re-read every file, whether it changed or not.
    pub rebuild: bool,
    /// Wait for another job on the same index instead of failing.
    pub wait: bool,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            roots: vec![PathBuf::from("corpus")],
            threads: 0,
            memory: 200_000_000,
            rebuild: false,
            wait: false,
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
    /// Articles in the index after the job.
    pub total_articles: u64,
    /// Bytes of the files read.
    pub bytes: u64,
    pub elapsed_ms: u64,
    /// Why every file was re-read, if it was (`--rebuild`, another alias table…).
    pub rebuilt: Option<String>,
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
    for root in &opts.roots {
        std::fs::metadata(root).map_err(|e| Error::io(root, e))?;
    }
    std::fs::create_dir_all(path).map_err(|e| Error::io(path, e))?;
    let _lock = JobLock::acquire(path, opts.wait)?;

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
    let rebuilt = if let Some(reason) = &swap_from {
        Some(format!("the old index could not be used: {reason}"))
    } else if opts.rebuild {
        Some("--rebuild".to_string())
    } else if gi.info.is_none() && gi.index.load_metas().is_ok_and(|m| m.segments.is_empty()) {
        None // a new, empty index: nothing to rebuild
    } else {
        gi.staleness()
    };
    // A rebuild compares against nothing: every file is read again.
    let empty = HashMap::new();
    let known = if rebuilt.is_some() { &empty } else { &before };

    let mut report = IndexReport {
        rebuilt: rebuilt.clone(),
        ..IndexReport::default()
    };
    let mut todo = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for found in reader::walk(&opts.roots) {
        match found {
            Found::Skipped(_) => report.skipped += 1,
            Found::Failed(e) => report.failed.push(failure(&e)),
            Found::Article(p, format) => {
                let key = p.display().to_string();
                if !seen.insert(key.clone()) {
                    continue; // the same file reached twice (overlapping roots)
                }
                match plan(&p, format, known.get(&key), before.contains_key(&key)) {
                    Ok(Some(t)) => todo.push(t),
                    Ok(None) => report.unchanged += 1,
                    Err(e) => report.failed.push(failure(&e)),
                }
            }
        }
    }
    // Files the index knew that are gone (or unreadable, reported above, and kept).
    let failed_paths: HashSet<&str> = report.failed.iter().map(|f| f.path.as_str()).collect();
    let gone: Vec<String> = before
        .keys()
        .filter(|k| !seen.contains(*k) && !failed_paths.contains(k.as_str()))
        .cloned()
        .collect();

    let writer: IndexWriter = gi
        .index
        .writer_with_num_threads(indexing_threads(opts.threads), opts.memory)
        .map_err(|e| Error::index(&gi.path, e))?;
    // Merging segments takes memory in proportion to their size: capping the size of
    // segments that are merged keeps a job's memory from growing with the corpus.
    let mut policy = tantivy::indexer::LogMergePolicy::default();
    policy.set_max_docs_before_merge(MAX_MERGE_DOCS);
    writer.set_merge_policy(Box::new(policy));
    if rebuilt.is_some() && swap_from.is_none() {
        writer
            .delete_all_documents()
            .map_err(|e| Error::index(&gi.path, e))?;
    }
    for g in &gone {
        writer.delete_term(Term::from_field_text(gi.fields.file, g));
    }
    report.deleted = gone.len();

    let counts = index_files(&gi, &writer, &table, todo, opts, progress, &mut report)?;
    report.articles = counts;
    index::commit(writer, &gi, &opts.roots)?;
    report.total_articles = gi
        .index
        .reader()
        .map_err(|e| Error::index(&gi.path, e))?
        .searcher()
        .num_docs();
    if swap_from.is_some() {
        drop(gi);
        swap_in(&sibling(path, "rebuild"), path)?;
    }
    report.elapsed_ms = start.elapsed().as_millis() as u64;
    Ok(report)
}

/// Decides whether a file needs (re)indexing: `None` when the index has it unchanged.
fn plan(
    path: &Path,
    format: Format,
    known: Option<&FileState>,
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
/// threads that detect languages, analyse and add documents. Returns articles indexed.
fn index_files(
    gi: &GazetteIndex,
    writer: &IndexWriter,
    table: &Arc<AliasTable>,
    todo: Vec<Todo>,
    opts: &IndexOptions,
    progress: &(dyn Fn(Progress) + Sync),
    report: &mut IndexReport,
) -> Result<usize> {
    let threads = worker_threads(opts.threads);
    let articles = AtomicUsize::new(0);
    let bytes_done = AtomicU64::new(0);
    let total = Progress {
        files_total: todo.len(),
        bytes_total: todo.iter().map(|t| t.state.size).sum(),
        ..Progress::default()
    };
    let (tx, rx) = mpsc::sync_channel::<Batch>(threads * 2);
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
                        // add_document fails only when tantivy's threads died; the
                        // commit reports that.
                        let _ = writer.add_document(builder.document(&mut a, &batch.state));
                        articles.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
        for (done, t) in todo.into_iter().enumerate() {
            let path_str = t.path.display().to_string();
            let mut batch = Vec::with_capacity(BATCH);
            let mut sent_any = false;
            let send = |batch: &mut Vec<Article>, sent_any: &mut bool| {
                if !*sent_any && t.replace {
                    // The file is readable: now its old articles may go. Deletes apply
                    // to documents added before them, so this precedes the new ones.
                    writer.delete_term(Term::from_field_text(gi.fields.file, &path_str));
                }
                *sent_any = true;
                let articles = std::mem::replace(batch, Vec::with_capacity(BATCH));
                // Workers only stop when the channel closes.
                let _ = tx.send(Batch {
                    articles,
                    state: t.state,
                });
            };
            let errors = reader::read_file(&t.path, t.format, &mut |a| {
                batch.push(a);
                if batch.len() == BATCH {
                    send(&mut batch, &mut sent_any);
                }
            });
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
        Error::Io { path, .. } | Error::BadFile { path, .. } => (path.display().to_string(), None),
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
fn swap_in(fresh: &Path, path: &Path) -> Result<()> {
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
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
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
