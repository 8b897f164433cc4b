//! Saved watches: named queries with filters, stored in the index folder beside the
//! index (`watches.json`), kept when a job rebuilds or upgrades the index. What each
//! job brings is checked against them in [`alerts`].

pub mod alerts;

use std::fs::File;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::DateTime;

use crate::batch::Entry;
use crate::error::{Error, Result};
use crate::index::parse_date_arg;
use crate::search::{Filters, SearchOptions};

/// The file the watches are kept in, in the index folder.
pub const WATCHES_FILE: &str = "watches.json";

/// The files of the index folder that are not the index and outlive it: a job that
/// builds a new index beside the old one carries them over.
pub const STATE_FILES: &[&str] = &[WATCHES_FILE, alerts::STATE_FILE];

/// The lock taken to change the watches or the alert state.
const LOCK_FILE: &str = ".gazette-watch.lock";

/// The version of the watches file this Gazette writes; it reads older ones.
const FORMAT: u32 = 1;

/// One saved watch.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Watch {
    pub label: String,
    pub query: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub exact: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub fuzzy: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lang: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Dates as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// When it was added, seconds since the Unix epoch.
    #[serde(default)]
    pub added: u64,
    /// The index's last job when it was added: it alerts on what later jobs bring.
    #[serde(default)]
    pub after_job: u64,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Watch {
    /// A watch from the options of `gazette watch add` (`opts`: query and filters).
    pub fn new(label: &str, opts: &SearchOptions) -> Result<Watch> {
        let label = label.trim();
        if label.is_empty() {
            return Err(Error::Invalid("a watch needs a label".into()));
        }
        let f = &opts.filters;
        Ok(Watch {
            label: label.to_string(),
            query: opts.query.trim().to_string(),
            exact: opts.exact,
            fuzzy: opts.fuzzy,
            lang: f.langs.clone(),
            source: f.source.clone(),
            since: f.since.map(day),
            until: f.until.map(day),
            entity: f.entity.clone(),
            added: now(),
            after_job: 0,
        })
    }

    /// A watch from an entry of a list (`gazette watch import`).
    pub fn from_entry(e: &Entry, base: &SearchOptions) -> Result<Watch> {
        let mut opts = base.clone();
        opts.query = e.query.clone();
        let f = &e.filters;
        if !f.langs.is_empty() {
            opts.filters.langs = f.langs.clone();
        }
        opts.filters.source = f.source.clone().or(opts.filters.source);
        opts.filters.since = f.since.or(opts.filters.since);
        opts.filters.until = f.until.or(opts.filters.until);
        opts.filters.entity = f.entity.clone().or(opts.filters.entity);
        Watch::new(&e.label, &opts)
    }

    /// The search options the watch runs with.
    pub fn options(&self) -> Result<SearchOptions> {
        let date = |what: &str, d: &Option<String>| {
            d.as_deref()
                .map(|d| parse_date_arg(what, d).map_err(Error::Invalid))
                .transpose()
        };
        Ok(SearchOptions {
            query: self.query.clone(),
            exact: self.exact,
            fuzzy: self.fuzzy,
            filters: Filters {
                langs: self.lang.clone(),
                source: self.source.clone(),
                since: date("since", &self.since)?,
                until: date("until", &self.until)?,
                entity: self.entity.clone(),
                jobs: None,
            },
            ..SearchOptions::default()
        })
    }

    /// The filters, as `gazette watch list` shows them (`lang=uk since=2024`).
    pub fn filter_text(&self) -> String {
        let mut parts = Vec::new();
        if self.exact {
            parts.push("exact".to_string());
        }
        if self.fuzzy {
            parts.push("fuzzy".to_string());
        }
        if !self.lang.is_empty() {
            parts.push(format!("lang={}", self.lang.join(",")));
        }
        for (name, v) in [
            ("source", &self.source),
            ("since", &self.since),
            ("until", &self.until),
            ("entity", &self.entity),
        ] {
            if let Some(v) = v {
                parts.push(format!("{name}={v}"));
            }
        }
        parts.join(" ")
    }
}

/// A date as `YYYY-MM-DD` (UTC).
fn day(d: DateTime) -> String {
    crate::analytics::Dim::Day.label(d.into_timestamp_secs().div_euclid(86_400) as i32)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[derive(Serialize, Deserialize)]
struct WatchesFile {
    version: u32,
    watches: Vec<Watch>,
}

/// The watches of the index at `index` (none when it has none).
pub fn list(index: &Path) -> Result<Vec<Watch>> {
    let file: Option<WatchesFile> = read_versioned(
        &index.join(WATCHES_FILE),
        "a watches file",
        |f: &WatchesFile| f.version,
    )?;
    Ok(file.map(|f| f.watches).unwrap_or_default())
}

/// Reads a JSON state file of this folder: `None` when there is none; an error naming
/// it when it is not `what`, or a newer Gazette wrote it.
pub(crate) fn read_versioned<T: serde::de::DeserializeOwned>(
    path: &Path,
    what: &str,
    version: impl Fn(&T) -> u32,
) -> Result<Option<T>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let value: T = serde_json::from_str(&text).map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        line: e.line(),
        reason: format!("not {what} ({e})"),
    })?;
    let v = version(&value);
    if v > FORMAT {
        return Err(Error::BadFile {
            path: path.to_path_buf(),
            reason: format!("written by a newer Gazette (format {v}; this one reads {FORMAT})"),
        });
    }
    Ok(Some(value))
}

fn save(index: &Path, watches: &[Watch]) -> Result<()> {
    let file = WatchesFile {
        version: FORMAT,
        watches: watches.to_vec(),
    };
    let text = serde_json::to_string_pretty(&file).expect("watches serialize");
    write_atomic(&index.join(WATCHES_FILE), text.as_bytes())
}

/// Writes `path` whole or not at all (a temporary file renamed over it).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// The lock on the watches and the alert state of `index`, held until dropped. Changes
/// are short: a second writer waits.
pub(crate) fn lock(index: &Path) -> Result<File> {
    std::fs::create_dir_all(index).map_err(|e| Error::io(index, e))?;
    let path = index.join(LOCK_FILE);
    let file = lock_file(&path)?;
    file.lock().map_err(|e| Error::io(&path, e))?;
    Ok(file)
}

/// Opens (creating) a lock file, not locked yet: the job's and the watches'.
pub(crate) fn lock_file(path: &Path) -> Result<File> {
    File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))
}

/// What adding watches did.
#[derive(Debug, Default)]
pub struct Added {
    pub added: Vec<String>,
    /// Labels already watched, left as they were.
    pub kept: Vec<String>,
    /// Labels already watched, replaced (`replace`).
    pub replaced: Vec<String>,
}

/// Adds watches to the index at `index`; they alert on what jobs after the index's
/// last one bring. A label already watched is kept, or replaced when `replace` (its
/// alert history then starts again).
pub fn add(index: &Path, new: Vec<Watch>, replace: bool) -> Result<Added> {
    let _lock = lock(index)?;
    let mut watches = list(index)?;
    let last_job = crate::index::last_job(index);
    let mut out = Added::default();
    let mut forget = Vec::new();
    for mut w in new {
        w.after_job = last_job;
        match watches.iter().position(|x| x.label == w.label) {
            Some(at) if replace => {
                forget.push(w.label.clone());
                out.replaced.push(w.label.clone());
                watches[at] = w;
            }
            Some(_) => out.kept.push(w.label),
            None => {
                out.added.push(w.label.clone());
                watches.push(w);
            }
        }
    }
    save(index, &watches)?;
    alerts::forget(index, &forget)?;
    Ok(out)
}

/// Removes the watches labelled `labels` with their alert history; an unknown label
/// is an error and nothing is removed.
pub fn remove(index: &Path, labels: &[String]) -> Result<Vec<Watch>> {
    let _lock = lock(index)?;
    let mut watches = list(index)?;
    let unknown: Vec<&String> = labels
        .iter()
        .filter(|l| !watches.iter().any(|w| &w.label == *l))
        .collect();
    if !unknown.is_empty() {
        let names: Vec<String> = unknown.iter().map(|l| format!("{l:?}")).collect();
        return Err(Error::Invalid(format!(
            "no watch labelled {} in index {} (see `gazette watch list`)",
            names.join(", "),
            index.display()
        )));
    }
    let (gone, kept): (Vec<Watch>, Vec<Watch>) =
        watches.drain(..).partition(|w| labels.contains(&w.label));
    save(index, &kept)?;
    alerts::forget(index, labels)?;
    Ok(gone)
}

/// Copies the watches and alert state of the index folder `from` into `to` (a job
/// swapping in a rebuilt index).
pub fn carry_over(from: &Path, to: &Path) -> Result<()> {
    for name in STATE_FILES {
        let src: PathBuf = from.join(name);
        if src.is_file() {
            let dst = to.join(name);
            std::fs::copy(&src, &dst).map_err(|e| Error::io(&dst, e))?;
        }
    }
    Ok(())
}

/// Whether `watch`'s query can run on `gi` (its syntax, fields and dates); a recognised
/// name as `--entity` may be one the index does not hold yet.
pub fn validate(gi: &crate::index::GazetteIndex, watch: &Watch) -> Result<()> {
    let mut opts = watch.options()?;
    opts.filters.entity = None;
    let searcher = gi.searcher()?;
    crate::search::prepare(gi, &searcher, &opts).map(|_| ())
}

/// The highest job number the watches and alert state of `index` refer to: a job
/// numbers itself above it, so that an index rebuilt from nothing (an upgrade from a
/// Gazette whose commits it cannot read) does not reuse numbers its watches have seen.
pub fn highest_job(index: &Path) -> u64 {
    let watched = list(index)
        .unwrap_or_default()
        .iter()
        .map(|w| w.after_job)
        .max()
        .unwrap_or(0);
    watched.max(alerts::through_job(index))
}
