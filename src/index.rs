//! The index: Gazette's tantivy schema, opening and creating it (always registering the
//! analyzers), turning articles into documents, the metadata committed with them (schema
//! version, alias fingerprint, build time), the file manifest and statistics. The
//! indexing job that drives it is in `job`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::{DateTime, Index, TantivyDocument};

use crate::analysis::{self, terms, AliasTable};
use crate::error::{Error, Result};
use crate::ner;
use crate::reader::{Article, FieldMap};
use crate::roots::Roots;
use crate::similar;

/// Bumped whenever the schema changes; an index of another version must be rebuilt.
pub const SCHEMA_VERSION: u32 = 11;

/// Handles to every field of the schema.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// Article id (raw, for lookups and deletes).
    pub id: Field,
    /// The file the article came from (raw).
    pub path: Field,
    /// Alias-aware, stemmed in the article's language (analysed by the indexer, see
    /// `analysis::terms`).
    pub title: Field,
    pub body: Field,
    /// Exact spelling (lower case only), for `--exact`.
    pub title_exact: Field,
    pub body_exact: Field,
    /// Stored originals of title and body.
    pub title_text: Field,
    pub body_text: Field,
    pub lang: Field,
    /// Stemming group of the article's language (see `analysis::stem_key`).
    pub stem: Field,
    /// Source, tokenized so that `source:reuters` finds "isot-true:reuters".
    pub source: Field,
    /// Source as written, for statistics.
    pub source_key: Field,
    pub date: Field,
    pub date_text: Field,
    pub url: Field,
    pub place: Field,
    pub author: Field,
    pub captured: Field,
    pub line: Field,
    /// Signature of the article's salient terms (see `similar`), in a column: a search
    /// folds copies by it without reading their documents.
    pub minhash: Field,
    /// Keys of the names recognised in title and body (see `ner::index_terms`), and
    /// the names themselves with their offsets (`ner::encode`).
    pub names: Field,
    pub names_stored: Field,
    /// Every entity of the article once, for counts (see `analytics`): a table entity
    /// as its term (`@kyiv`), a recognised name as kind code, key and its first spelling
    /// in the article (`p~kiril budanov\u{1f}Кирило Буданов`).
    pub entities: Field,
    /// A recognised name's kind code and key alone (`p~kiril budanov`), indexed only:
    /// how many articles of the index hold it is one lookup.
    pub entity_keys: Field,
    /// Every spelling of a table entity the article writes, case forms under their
    /// spelling (`kyiv\u{1f}Київ` for "Києва"), for `gazette spellings`.
    pub spellings: Field,
    /// The source file, its content hash, size and modification time: what an
    /// incremental job compares to decide whether a file changed.
    pub file: Field,
    pub file_hash: Field,
    pub file_size: Field,
    pub file_mtime: Field,
    /// The job that brought the article's current text, the job that first brought
    /// its id, and a digest of its text (see `versions`).
    pub job: Field,
    pub first_job: Field,
    pub digest: Field,
    /// A 64-bit key of the near-duplicate signature (`Signature::key`; 0: none): a
    /// search folds a copy whose key equals a better-ranked article's from this column,
    /// without reading the copy's stored document.
    pub story: Field,
    /// The article's metadata in one column value (see `search::meta`): the copies a
    /// hit lists are read from it, not from their stored documents.
    pub meta: Field,
}

/// The field names users may write in queries, with the field they address.
pub const QUERY_FIELDS: &[&str] = &["title", "body", "lang", "source", "entity"];

impl Fields {
    pub fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let analyzed = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
        };
        let fields = Fields {
            id: b.add_text_field("id", STRING | STORED),
            path: b.add_text_field("path", STRING | STORED),
            title: b.add_text_field("title", analyzed(analysis::TOKENIZER)),
            body: b.add_text_field("body", analyzed(analysis::TOKENIZER)),
            title_exact: b.add_text_field("title_exact", analyzed(analysis::EXACT_TOKENIZER)),
            body_exact: b.add_text_field("body_exact", analyzed(analysis::EXACT_TOKENIZER)),
            title_text: b.add_text_field("title_text", STORED),
            body_text: b.add_text_field("body_text", STORED),
            lang: b.add_text_field("lang", STRING | STORED | FAST),
            stem: b.add_text_field("stem", STRING),
            source: b.add_text_field(
                "source",
                TextOptions::default()
                    .set_indexing_options(
                        TextFieldIndexing::default()
                            .set_tokenizer("default")
                            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
                    )
                    .set_stored(),
            ),
            source_key: b.add_text_field("source_key", STRING | FAST),
            date: b.add_date_field("date", INDEXED | STORED | FAST),
            date_text: b.add_text_field("date_text", STORED),
            url: b.add_text_field("url", STORED),
            place: b.add_text_field("place", STORED),
            author: b.add_text_field("author", STORED),
            captured: b.add_text_field("captured", STORED),
            line: b.add_u64_field("line", STORED),
            minhash: b.add_bytes_field("minhash", FAST),
            names: b.add_text_field("names", STRING),
            names_stored: b.add_bytes_field("names_stored", STORED),
            entities: b.add_text_field("entities", STRING | FAST),
            entity_keys: b.add_text_field("entity_keys", STRING),
            spellings: b.add_text_field("spellings", STRING | FAST),
            file: b.add_text_field("file", STRING | FAST),
            file_hash: b.add_u64_field("file_hash", FAST),
            file_size: b.add_u64_field("file_size", FAST),
            file_mtime: b.add_u64_field("file_mtime", FAST),
            job: b.add_u64_field("job", INDEXED | FAST),
            first_job: b.add_u64_field("first_job", FAST),
            digest: b.add_u64_field("digest", INDEXED | FAST),
            story: b.add_u64_field("story", FAST),
            meta: b.add_bytes_field(crate::search::meta::COLUMN, FAST),
        };
        (b.build(), fields)
    }
}

/// What the index records about itself with every commit.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct IndexInfo {
    pub schema: u32,
    pub alias_fingerprint: String,
    /// Seconds since the Unix epoch.
    pub built_at: u64,
    /// The roots the index is built from, as keys (see `roots`).
    pub roots: Vec<String>,
    /// The directory relative roots and file keys are relative to; absent in indexes
    /// written before Gazette recorded it (their jobs' working directory is assumed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// The `--field` mapping the files were read with.
    #[serde(default, skip_serializing_if = "FieldMap::is_empty")]
    pub fields: FieldMap,
    /// The documents a later copy of their article supersedes (see `supersede`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub superseded: Vec<crate::supersede::Superseded>,
    /// The number of the job that made this commit (see `versions`); 0 in indexes
    /// written before jobs were numbered.
    #[serde(default)]
    pub job: u64,
}

/// An opened Gazette index with its analyzers registered.
pub struct GazetteIndex {
    pub index: Index,
    pub fields: Fields,
    pub path: PathBuf,
    pub table: Arc<AliasTable>,
    pub info: Option<IndexInfo>,
    /// Articles in the commit opened (what [`GazetteIndex::searcher`] decides on
    /// threads by, without reading the index's meta.json a third time).
    articles: u64,
    /// Opened on first use and kept: opening a reader loads every segment's metadata,
    /// too costly to repeat per search in a long-lived process.
    reader: std::sync::OnceLock<tantivy::IndexReader>,
    /// Analyzers kept between searches, so that their stem caches stay warm in a
    /// long-lived process (one per concurrent search).
    analyzers: std::sync::Mutex<Vec<analysis::Analyzers>>,
}

/// Bytes of stored articles compressed together. Reading one article decompresses its
/// whole block, and a search reads one per passage and one per folded copy it names: at
/// 10× a fresh `gazette search` spent 39% of its instructions in tantivy's default 16 KB
/// blocks. 4 KB blocks cut a search's instructions by 23–27% at 10× (6–8% at 1×) for a
/// store 8% larger (BENCHMARKS.md, 2026-12-03). The size is kept in each index's
/// settings: indexes built before keep theirs.
const STORE_BLOCK_BYTES: usize = 4096;

/// From how many articles an index is searched on all cores (see
/// [`GazetteIndex::searcher`]).
const PARALLEL_SEARCH_ARTICLES: u64 = 100_000;

/// Whether `path` holds an index at all (tantivy's meta.json).
pub fn exists(path: &Path) -> bool {
    path.join("meta.json").is_file()
}

impl GazetteIndex {
    /// Opens an existing index and registers the analyzers built on `table`.
    pub fn open(path: &Path, table: Arc<AliasTable>) -> Result<GazetteIndex> {
        if !exists(path) {
            // A job swapping in a rebuilt index renames twice; look again once.
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        if !exists(path) {
            return Err(Error::NoIndex {
                path: path.to_path_buf(),
            });
        }
        let directory = crate::trim::ReleasingDirectory::open(path);
        let index = directory
            .map_err(tantivy::TantivyError::from)
            .and_then(Index::open);
        let index = index.map_err(|e| Error::BadIndex {
            path: path.to_path_buf(),
            reason: if format!("{e:?}").contains("PermissionDenied") {
                "permission denied reading it; check the folder's permissions".to_string()
            } else {
                format!("cannot open ({e}); rebuild it with `gazette index --rebuild`")
            },
        })?;
        let (schema, fields) = Fields::schema();
        if index.schema() != schema {
            return Err(Error::BadIndex {
                path: path.to_path_buf(),
                reason: "not a Gazette index of this version (schema differs); rebuild it with `gazette index --rebuild`".into(),
            });
        }
        analysis::register(&index);
        // Read once for both: parsing meta.json (its schema above all) is a fifth of
        // what a fresh process spends opening an index.
        let metas = index.load_metas().ok();
        let info = metas.as_ref().and_then(info_of);
        let articles = metas.map_or(0, |m| {
            m.segments.iter().map(|s| u64::from(s.num_docs())).sum()
        });
        Ok(GazetteIndex {
            index,
            fields,
            path: path.to_path_buf(),
            table,
            info,
            articles,
            reader: std::sync::OnceLock::new(),
            analyzers: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// Opens the index at `path`, creating an empty one when there is none.
    pub fn open_or_create(path: &Path, table: Arc<AliasTable>) -> Result<GazetteIndex> {
        if exists(path) {
            return Self::open(path, table);
        }
        std::fs::create_dir_all(path).map_err(|e| Error::io(path, e))?;
        let (schema, _) = Fields::schema();
        let settings = tantivy::IndexSettings {
            docstore_blocksize: STORE_BLOCK_BYTES,
            ..tantivy::IndexSettings::default()
        };
        Index::builder()
            .schema(schema)
            .settings(settings)
            .create_in_dir(path)
            .map_err(|e| Error::index(path, e))?;
        Self::open(path, table)
    }

    /// Analyzers for a search: kept ones if another search returned them.
    pub fn take_analyzers(&self) -> analysis::Analyzers {
        self.analyzers
            .lock()
            .ok()
            .and_then(|mut pool| pool.pop())
            .unwrap_or_else(|| analysis::Analyzers::new(&self.table))
    }

    /// Gives analyzers back for the next search.
    pub fn return_analyzers(&self, analyzers: analysis::Analyzers) {
        if let Ok(mut pool) = self.analyzers.lock() {
            pool.push(analyzers);
        }
    }

    /// A searcher on the index as of when it was first asked for (this process sees one
    /// commit: searches during a job keep seeing the commit they started with).
    pub fn searcher(&self) -> Result<tantivy::Searcher> {
        if let Some(r) = self.reader.get() {
            return Ok(r.searcher());
        }
        let mut index = self.index.clone();
        // A large index has several segments: they are searched in parallel, one
        // thread per core. (A phrase of common words at 286,000 articles took 5 ms on
        // one core. For small indexes starting the threads costs more than it saves.)
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        if self.articles >= PARALLEL_SEARCH_ARTICLES && cores > 1 {
            index
                .set_multithread_executor(cores)
                .map_err(|e| Error::index(&self.path, e))?;
        }
        let reader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| Error::index(&self.path, e))?;
        Ok(self.reader.get_or_init(|| reader).searcher())
    }

    /// Whether the index was built with another alias table or schema than this process
    /// uses; `Some(reason)` when it was.
    pub fn staleness(&self) -> Option<String> {
        match &self.info {
            None => Some("it records no Gazette build information".into()),
            Some(i) if i.schema != SCHEMA_VERSION => Some(format!(
                "it was built with schema version {} (this Gazette uses {SCHEMA_VERSION})",
                i.schema
            )),
            Some(i) if i.alias_fingerprint != self.table.fingerprint() => Some(format!(
                "it was built with alias table {} but this search uses {}",
                i.alias_fingerprint,
                self.table.fingerprint()
            )),
            Some(_) => None,
        }
    }
}

/// The number of the last job committed to the index at `path` (0: none yet).
pub fn last_job(path: &Path) -> u64 {
    Index::open_in_dir(path)
        .ok()
        .and_then(|i| i.load_metas().ok())
        .and_then(|m| info_of(&m))
        .map_or(0, |i| i.job)
}

/// The Gazette build information a commit carries as its payload.
fn info_of(metas: &tantivy::IndexMeta) -> Option<IndexInfo> {
    serde_json::from_str(metas.payload.as_deref()?).ok()
}

/// Commits everything the writer holds, with this build's [`IndexInfo`] as payload, and
/// waits for merges. The commit is atomic: readers see all of it or none.
pub fn commit(
    mut writer: crate::merge::Writer,
    gi: &GazetteIndex,
    roots: &Roots,
    fields: &FieldMap,
    superseded: Vec<crate::supersede::Superseded>,
    job: u64,
) -> Result<()> {
    let info = IndexInfo {
        schema: SCHEMA_VERSION,
        alias_fingerprint: gi.table.fingerprint().to_string(),
        built_at: SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        roots: roots.roots.clone(),
        base: Some(roots.base.display().to_string()),
        fields: fields.clone(),
        superseded,
        job,
    };
    let payload = serde_json::to_string(&info).expect("IndexInfo serializes");
    let mut prepared = writer
        .prepare_commit()
        .map_err(|e| Error::index(&gi.path, e))?;
    prepared.set_payload(&payload);
    prepared.commit().map_err(|e| Error::index(&gi.path, e))?;
    writer
        .wait_merging_threads()
        .map_err(|e| Error::index(&gi.path, e))?;
    Ok(())
}

/// Removes the segment files of `path` that its committed `meta.json` does not refer to:
/// what a killed job, or one stopped by a full disk, wrote before it stopped. Only run
/// under the job lock (no writer is running). Returns the bytes freed.
pub fn remove_orphan_files(path: &Path) -> u64 {
    let Ok(meta) = std::fs::read_to_string(path.join("meta.json")) else {
        return 0;
    };
    let Ok(meta) = serde_json::from_str::<serde_json::Value>(&meta) else {
        return 0;
    };
    let live: std::collections::HashSet<String> = meta["segments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["segment_id"].as_str())
        .map(|id| id.replace('-', ""))
        .collect();
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    let mut freed = 0;
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some((id, _ext)) = name.split_once('.') else {
            continue;
        };
        let segment_file = id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit());
        if segment_file && !live.contains(id) {
            let size = e.metadata().map_or(0, |m| m.len());
            if std::fs::remove_file(e.path()).is_ok() {
                freed += size;
            }
        }
    }
    freed
}

/// Bytes free for an unprivileged writer on the file system holding `path`.
#[cfg(unix)]
pub fn free_space(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a NUL-terminated path and `st` a writable statvfs.
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    Some(st.f_bavail as u64 * st.f_frsize as u64)
}

#[cfg(not(unix))]
pub fn free_space(_path: &Path) -> Option<u64> {
    None
}

/// How much of a body the near-duplicate signature looks at.
const SALIENT_BYTES: usize = 2000;

/// What the index remembers of a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileState {
    /// First 8 bytes of the BLAKE3 hash of the content.
    pub hash: u64,
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime: u64,
}

/// The files the committed index holds articles of, with their states and article
/// counts (read from fast fields: cheap even for hundreds of thousands of articles).
pub fn manifest(gi: &GazetteIndex) -> Result<HashMap<String, (FileState, u64)>> {
    let err = |e| Error::index(&gi.path, e);
    let searcher = gi.searcher()?;
    let mut out = HashMap::new();
    let mut name = String::new();
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        let Some(files) = ff.str("file").map_err(err)? else {
            continue;
        };
        let hash = ff.u64("file_hash").map_err(err)?;
        let size = ff.u64("file_size").map_err(err)?;
        let mtime = ff.u64("file_mtime").map_err(err)?;
        let alive = seg.alive_bitset();
        for doc in 0..seg.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            let Some(ord) = files.term_ords(doc).next() else {
                continue;
            };
            name.clear();
            if !files.ord_to_str(ord, &mut name).unwrap_or(false) {
                continue;
            }
            if let Some((_, n)) = out.get_mut(&name) {
                *n += 1;
                continue;
            }
            let state = FileState {
                hash: hash.first(doc).unwrap_or(0),
                size: size.first(doc).unwrap_or(0),
                mtime: mtime.first(doc).unwrap_or(0),
            };
            out.insert(name.clone(), (state, 1));
        }
    }
    Ok(out)
}

/// Turns articles into tantivy documents, keeping one analyzer per stemming group.
pub struct DocBuilder {
    fields: Fields,
    table: Arc<AliasTable>,
    analyzers: analysis::Analyzers,
    /// Where the analyzers write the exact-spelling terms of the text they read.
    exact: analysis::ExactSink,
    /// The `spellings` value of each mention (`@id` + separator + the text as written)
    /// met so far: an archive writes a name in a few ways, thousands of times.
    spellings: HashMap<String, String>,
}

impl DocBuilder {
    pub fn new(fields: Fields, table: &Arc<AliasTable>) -> DocBuilder {
        let exact = analysis::ExactSink::default();
        DocBuilder {
            fields,
            table: table.clone(),
            analyzers: analysis::Analyzers::indexing(table, &exact),
            exact,
            spellings: HashMap::new(),
        }
    }

    /// The document for an article read from a file in state `file`.
    pub fn document(&mut self, article: &mut Article, file: &FileState) -> TantivyDocument {
        let f = self.fields;
        let lang = article.detect_lang().clone();
        // Title and body are analysed once, here, in the article's language; tantivy gets
        // their terms, and those of the exact fields from the same pass (see
        // `analysis::terms`). The salient terms for near-duplicate
        // detection come from the same tokens, from the title and the lead (bounded
        // cost per article), where a story's names and numbers are. (Analysing the lead
        // a second time for them was a sixth of indexing.)
        let lead_end = crate::reader::floor_char_boundary(&article.body, SALIENT_BYTES);
        let analyzer = self.analyzers.get(lang.code());
        let mut salient: Vec<u32> = Vec::new();
        let mut term = String::new();
        let mut title_terms = String::with_capacity(article.title.len() + 16);
        // The analysed words (with the table's entities), for recognition: the tagger
        // reads the analyzer's words rather than segmenting the text again, and marks
        // only what the table does not.
        let table = &self.table;
        let mut words: Vec<ner::Analysed> = Vec::new();
        let word_of = |t: &tantivy::tokenizer::Token| ner::Analysed {
            start: t.offset_from,
            end: t.offset_to,
            entity: ner::entity_kind(table, &t.text),
        };
        // The table's mentions: the entity term and the text as written, joined.
        let mut mentions: Vec<String> = Vec::new();
        let mention = |t: &tantivy::tokenizer::Token, text: &str, out: &mut Vec<String>| {
            if t.text.starts_with(analysis::ENTITY_PREFIX) {
                if let Some(written) = text.get(t.offset_from..t.offset_to) {
                    out.push(format!("{}{SPELLING_SEPARATOR}{written}", t.text));
                }
            }
        };
        terms::write_terms(
            &mut analyzer.token_stream(&article.title),
            &mut title_terms,
            &mut |t| {
                salient.extend(similar::salient_hash(&article.title, t, &mut term));
                words.push(word_of(t));
                mention(t, &article.title, &mut mentions);
            },
        );
        let title_exact = self.exact.take();
        let title_names = ner::outside_table(
            ner::recognise(&article.title, lang.code(), &words),
            &ner::table_spans(&words),
        );
        words.clear();
        let mut body_terms = String::with_capacity(article.body.len() + 16);
        terms::write_terms(
            &mut analyzer.token_stream(&article.body),
            &mut body_terms,
            &mut |t| {
                if t.offset_to <= lead_end {
                    salient.extend(similar::salient_hash(&article.body, t, &mut term));
                }
                words.push(word_of(t));
                mention(t, &article.body, &mut mentions);
            },
        );
        let body_exact = self.exact.take();
        let body_names = ner::outside_table(
            ner::recognise(&article.body, lang.code(), &words),
            &ner::table_spans(&words),
        );
        let signature = similar::Signature::from_hashes(salient);
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &article.id);
        doc.add_text(f.path, &article.path);
        doc.add_text(f.title, title_terms);
        doc.add_text(f.body, body_terms);
        doc.add_text(f.title_exact, title_exact);
        doc.add_text(f.body_exact, body_exact);
        doc.add_text(f.title_text, &article.title);
        doc.add_text(f.body_text, &article.body);
        doc.add_text(f.lang, lang.code());
        doc.add_text(f.stem, analysis::stem_key(lang.code()));
        if let Some(s) = &article.source {
            doc.add_text(f.source, s);
            doc.add_text(f.source_key, s);
        }
        if let Some(d) = &article.date {
            doc.add_text(f.date_text, d);
            if let Some(dt) = parse_date(d) {
                doc.add_date(f.date, dt);
            }
        }
        if let Some(u) = &article.url {
            doc.add_text(f.url, u);
        }
        if let Some(p) = &article.place {
            doc.add_text(f.place, p);
        }
        if let Some(a) = &article.author {
            doc.add_text(f.author, a);
        }
        if let Some(c) = &article.captured {
            doc.add_text(f.captured, c);
        }
        if let Some(l) = article.line {
            doc.add_u64(f.line, l as u64);
        }
        if let Some(sig) = &signature {
            doc.add_bytes(f.minhash, &sig.to_bytes());
        }
        let story = signature.as_ref().filter(|s| s.folds_by_key());
        doc.add_u64(f.story, story.map_or(0, similar::Signature::key));
        for key in ner::index_terms(title_names.iter().chain(&body_names)) {
            doc.add_text(f.names, key);
        }
        if !title_names.is_empty() || !body_names.is_empty() {
            doc.add_bytes(f.names_stored, &ner::encode(&title_names, &body_names));
        }
        let (entities, spellings, keys) = self.entity_values(
            &mentions,
            title_names
                .iter()
                .map(|n| (n, &article.title))
                .chain(body_names.iter().map(|n| (n, &article.body))),
        );
        for value in entities {
            doc.add_text(f.entities, value);
        }
        for value in spellings {
            doc.add_text(f.spellings, value);
        }
        for value in keys {
            doc.add_text(f.entity_keys, value);
        }
        let meta = crate::search::meta::Wire {
            id: &article.id,
            title: &article.title,
            date: article.date.as_deref(),
            source: article.source.as_deref(),
            lang: lang.code(),
            path: &article.path,
            url: article.url.as_deref(),
            place: article.place.as_deref(),
            author: article.author.as_deref(),
            captured: article.captured.as_deref(),
        };
        doc.add_bytes(f.meta, &meta.encode());
        doc.add_text(f.file, &article.path);
        doc.add_u64(f.file_hash, file.hash);
        doc.add_u64(f.file_size, file.size);
        doc.add_u64(f.file_mtime, file.mtime);
        doc
    }
}

impl DocBuilder {
    /// The `entities`, `spellings` and `entity_keys` values of an article (see
    /// [`Fields`]): each once.
    fn entity_values<'a>(
        &mut self,
        mentions: &[String],
        names: impl Iterator<Item = (&'a ner::Name, &'a String)>,
    ) -> (Vec<String>, Vec<String>, Vec<String>) {
        let mut entities: Vec<String> = Vec::new();
        let mut spellings: Vec<String> = Vec::new();
        for m in mentions {
            let (term, written) = m.split_once(SPELLING_SEPARATOR).unwrap_or((m, ""));
            let value = match self.spellings.get(m) {
                Some(v) => v.clone(),
                None => {
                    let id = &term[analysis::ENTITY_PREFIX.len()..];
                    let spelling = self.table.spelling_of(id, written).unwrap_or(written);
                    let v = spelling_value(id, spelling);
                    self.spellings.insert(m.clone(), v.clone());
                    v
                }
            };
            entities.push(term.to_string());
            spellings.push(value);
        }
        // One value per recognised key, with the first spelling met.
        let mut keys: Vec<String> = Vec::new();
        for (n, text) in names {
            let key = recognised_value(n.kind, &n.key);
            if n.key.is_empty() || keys.contains(&key) {
                continue;
            }
            let written = text.get(n.start..n.end).unwrap_or_default();
            let written = written.split_whitespace().collect::<Vec<_>>().join(" ");
            entities.push(format!("{key}{SPELLING_SEPARATOR}{written}"));
            keys.push(key);
        }
        for v in [&mut entities, &mut spellings] {
            v.sort_unstable();
            v.dedup();
        }
        (entities, spellings, keys)
    }
}

/// Separates an entity's id from its spelling in a `spellings` value.
pub const SPELLING_SEPARATOR: char = '\u{1f}';

/// The `spellings` value of a spelling of table entity `id`.
pub fn spelling_value(id: &str, spelling: &str) -> String {
    format!("{id}{SPELLING_SEPARATOR}{spelling}")
}

/// The `entities` value of a recognised name, up to its spelling: its kind's code, `~`,
/// its key (then [`SPELLING_SEPARATOR`] and the name as the article first writes it).
pub fn recognised_value(kind: analysis::Kind, key: &str) -> String {
    let code = match kind {
        analysis::Kind::Person => 'p',
        analysis::Kind::Organisation => 'o',
        analysis::Kind::Place | analysis::Kind::Country => 'l',
    };
    format!("{code}~{key}")
}

/// A date given by a user (`--since`) or a list (a CSV's `until` column), or why it
/// is not one, naming `what`.
pub fn parse_date_arg(what: &str, s: &str) -> std::result::Result<DateTime, String> {
    parse_date(s)
        .ok_or_else(|| format!("{what} {s:?}: expected a date as YYYY, YYYY-MM or YYYY-MM-DD"))
}

/// Parses the date forms found in news data: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, and
/// `YYYY-MM-DDThh:mm[:ss]` (any zone suffix ignored, UTC assumed).
pub fn parse_date(s: &str) -> Option<DateTime> {
    let s = s.trim();
    let num = |a: usize, b: usize| -> Option<i64> { s.get(a..b)?.parse().ok() };
    let year = num(0, 4)?;
    let (month, day) = match s.len() {
        4 => (1, 1),
        7 => (num(5, 7)?, 1),
        _ => (num(5, 7)?, num(8, 10)?),
    };
    if s.len() > 4 && s.as_bytes().get(4) != Some(&b'-') {
        return None;
    }
    let (h, m, sec) = if s.len() >= 16 && matches!(s.as_bytes()[10], b'T' | b' ') {
        (num(11, 13)?, num(14, 16)?, num(17, 19).unwrap_or(0))
    } else {
        (0, 0, 0)
    };
    let date = tantivy::time::Date::from_calendar_date(
        year as i32,
        tantivy::time::Month::try_from(month as u8).ok()?,
        day as u8,
    )
    .ok()?;
    let t = tantivy::time::Time::from_hms(h as u8, m as u8, sec as u8).ok()?;
    let ts = date.with_time(t).assume_utc().unix_timestamp();
    Some(DateTime::from_timestamp_secs(ts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_news_data_parse() {
        let secs = |s| parse_date(s).map(|d| d.into_timestamp_secs());
        assert_eq!(secs("1970-01-02"), Some(86_400));
        assert_eq!(secs("1987-02-26T15:01:01"), Some(541_350_061));
        assert_eq!(secs("2016"), Some(1_451_606_400));
        assert_eq!(secs("May 24"), None);
        assert_eq!(secs("2017-13-01"), None);
    }
}

/// What `gazette stats` reports.
#[derive(Clone, Debug, Serialize)]
pub struct Stats {
    pub path: String,
    pub articles: u64,
    pub langs: Vec<(String, u64)>,
    pub sources: Vec<(String, u64)>,
    /// Articles without a source.
    pub no_source: u64,
    pub size_bytes: u64,
    pub segments: usize,
    /// The roots the index is built from, with their article counts.
    pub roots: Vec<crate::roots::RootInfo>,
    pub info: Option<IndexInfo>,
    /// Why the index needs a rebuild, if it does.
    pub stale: Option<String>,
}

/// Counts articles per language and source, and the index's size on disk.
pub fn stats(gi: &GazetteIndex) -> Result<Stats> {
    use tantivy::aggregation::agg_req::Aggregations;
    use tantivy::aggregation::AggregationCollector;
    let err = |e| Error::index(&gi.path, e);
    let searcher = gi.searcher()?;
    let req: Aggregations = serde_json::from_value(serde_json::json!({
        "lang": {"terms": {"field": "lang", "size": 1000}},
        "source": {"terms": {"field": "source_key", "size": 100000}},
    }))
    .expect("valid aggregation request");
    let collector = AggregationCollector::from_aggs(req, Default::default());
    let res = searcher
        .search(&tantivy::query::AllQuery, &collector)
        .map_err(err)?;
    let value = serde_json::to_value(&res).unwrap_or_default();
    let buckets = |name: &str| -> Vec<(String, u64)> {
        value[name]["buckets"]
            .as_array()
            .map(|bs| {
                bs.iter()
                    .filter_map(|b| {
                        Some((b["key"].as_str()?.to_string(), b["doc_count"].as_u64()?))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let articles = searcher.num_docs();
    let sources = buckets("source");
    let with_source: u64 = sources.iter().map(|(_, n)| n).sum();
    let size_bytes = walkdir::WalkDir::new(&gi.path)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    Ok(Stats {
        path: gi.path.display().to_string(),
        articles,
        langs: buckets("lang"),
        no_source: articles.saturating_sub(with_source),
        sources,
        size_bytes,
        segments: searcher.segment_readers().len(),
        roots: crate::roots::list(gi)?,
        info: gi.info.clone(),
        stale: gi.staleness(),
    })
}
