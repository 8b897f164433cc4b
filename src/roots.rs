//! The archive's roots: the folders and files an index is built from, recorded with each
//! commit, and the file keys that tie every article to its root.
//!
//! A key is a path relative to the index's *base* directory (the working directory of
//! the job that created the index), or an absolute path for files outside it; keys are
//! normalised lexically (`./corpus/../corpus/a.txt` is `corpus/a.txt`), so one file has
//! one key whichever spelling of its root a job was given, and whichever directory the
//! job runs in.

use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::index::{self, GazetteIndex};

/// The base directory and the recorded roots (as keys).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Roots {
    pub base: PathBuf,
    pub roots: Vec<String>,
}

impl Roots {
    /// The roots recorded in an index (`base` None: an index written before roots had a
    /// base, whose keys are relative to the directory its jobs ran in, taken to be `cwd`).
    pub fn recorded(base: Option<&str>, roots: &[String], cwd: &Path) -> Roots {
        let base = base.map_or_else(|| cwd.to_path_buf(), PathBuf::from);
        let mut out = Roots {
            base,
            roots: Vec::new(),
        };
        // Recorded keys are relative to the base (normalised again: older indexes
        // recorded roots as typed).
        let base = out.base.clone();
        for r in roots {
            let key = out.key(&base, Path::new(r));
            out.add(key);
        }
        out
    }

    /// The key of a path given on the command line in `cwd`.
    pub fn key(&self, cwd: &Path, given: &Path) -> String {
        let abs = normalise(&cwd.join(given));
        match abs.strip_prefix(&self.base) {
            Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
            Ok(rel) => rel.display().to_string(),
            Err(_) => abs.display().to_string(),
        }
    }

    /// The path to walk for a key, from `cwd`: the key itself when the job runs in the
    /// base directory (so that messages name paths as the user wrote them).
    pub fn walk_path(&self, cwd: &Path, key: &str) -> PathBuf {
        if normalise(cwd) == self.base || Path::new(key).is_absolute() {
            PathBuf::from(key)
        } else {
            self.base.join(key)
        }
    }

    /// Adds a root unless it is recorded already; whether it was new.
    pub fn add(&mut self, key: String) -> bool {
        if self.roots.contains(&key) {
            return false;
        }
        self.roots.push(key);
        true
    }

    /// The recorded root that holds the file with key `file`, if any.
    pub fn root_of(&self, file: &str) -> Option<&str> {
        self.roots
            .iter()
            .map(String::as_str)
            .filter(|r| contains(r, file))
            // The innermost root of nested ones.
            .max_by_key(|r| r.len())
    }
}

/// A recorded root with what the index holds of it.
#[derive(Clone, Debug, Serialize)]
pub struct RootInfo {
    /// The root's key, as recorded.
    pub root: String,
    /// Where it is on disk.
    pub path: String,
    /// Articles and files the index holds from it.
    pub articles: u64,
    pub files: u64,
    /// Whether it is there now (a missing root keeps its articles).
    pub present: bool,
}

/// The recorded roots of an index with their article and file counts. Files that no
/// root holds (an index from before roots were recorded) are listed under their own
/// folder, so that every article is counted once.
pub fn list(gi: &GazetteIndex) -> Result<Vec<RootInfo>> {
    let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    let roots = match &gi.info {
        Some(i) => Roots::recorded(i.base.as_deref(), &i.roots, &cwd),
        None => Roots::recorded(None, &[], &cwd),
    };
    let mut out: Vec<RootInfo> = roots
        .roots
        .iter()
        .map(|r| {
            let path = roots.walk_path(&cwd, r);
            RootInfo {
                root: r.clone(),
                present: path.exists(),
                path: roots.base.join(r).display().to_string(),
                articles: 0,
                files: 0,
            }
        })
        .collect();
    for (file, (_, n)) in index::manifest(gi)? {
        let at = match roots.root_of(&file) {
            Some(r) => out.iter().position(|i| i.root == r),
            None => None,
        };
        let at = at.unwrap_or_else(|| {
            let folder = Path::new(&file)
                .parent()
                .map_or(".".to_string(), |p| p.display().to_string());
            match out.iter().position(|i| i.root == folder) {
                Some(i) => i,
                None => {
                    out.push(RootInfo {
                        path: roots.base.join(&folder).display().to_string(),
                        present: roots.walk_path(&cwd, &folder).exists(),
                        root: folder,
                        articles: 0,
                        files: 0,
                    });
                    out.len() - 1
                }
            }
        });
        out[at].articles += n;
        out[at].files += 1;
    }
    Ok(out)
}

/// Whether the root with key `root` holds the file or folder with key `key`.
pub fn contains(root: &str, key: &str) -> bool {
    if root == "." {
        return !Path::new(key).is_absolute();
    }
    Path::new(key).starts_with(root)
}

/// `path` with `.` and `..` resolved without asking the file system (symlinks stay as
/// written: a root reached through a link keeps the link's name).
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_relative_to_the_base_whatever_the_spelling_or_directory() {
        let r = Roots::recorded(Some("/archive"), &[], Path::new("/archive"));
        assert_eq!(r.key(Path::new("/archive"), Path::new("corpus")), "corpus");
        assert_eq!(
            r.key(Path::new("/archive"), Path::new("./corpus/")),
            "corpus"
        );
        assert_eq!(
            r.key(Path::new("/archive/corpus"), Path::new("a.txt")),
            "corpus/a.txt"
        );
        assert_eq!(
            r.key(Path::new("/elsewhere"), Path::new("../archive/x")),
            "x"
        );
        assert_eq!(r.key(Path::new("/archive"), Path::new(".")), ".");
        assert_eq!(
            r.key(Path::new("/archive"), Path::new("/mnt/day1")),
            "/mnt/day1"
        );
        assert_eq!(
            r.walk_path(Path::new("/archive"), "corpus"),
            Path::new("corpus")
        );
        assert_eq!(
            r.walk_path(Path::new("/tmp"), "corpus"),
            Path::new("/archive/corpus")
        );
    }

    #[test]
    fn a_root_holds_what_is_below_it_only() {
        assert!(contains("corpus", "corpus/a.txt"));
        assert!(contains("corpus", "corpus"));
        assert!(!contains("corpus", "corpus2/a.txt"));
        assert!(contains(".", "corpus/a.txt"));
        assert!(!contains(".", "/mnt/a.txt"));
        let mut r = Roots::recorded(Some("/a"), &["day1".into()], Path::new("/a"));
        assert!(r.add("day1/sub".into()));
        assert!(!r.add("day1".into()));
        assert_eq!(r.root_of("day1/sub/x.txt"), Some("day1/sub"));
        assert_eq!(r.root_of("day1/x.txt"), Some("day1"));
        assert_eq!(r.root_of("day2/x.txt"), None);
    }
}
