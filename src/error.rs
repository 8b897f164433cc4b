//! The library's error type: every failure that touches a file names that file (and line).

use std::path::PathBuf;

/// Result alias used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong inside Gazette. Variants that involve a file carry its
/// path so that the message printed at the edge (`{:#}`) is actionable on its own.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    // The cause is part of the message, not a `source`: `{:#}` would print it twice.
    #[error("{path}: {cause}")]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{path}:{line}: {reason}")]
    Parse {
        path: PathBuf,
        /// 1-based line number; 0 when the problem is not tied to one line.
        line: usize,
        reason: String,
    },
    #[error("{path}: {reason}")]
    BadFile { path: PathBuf, reason: String },
    /// A record of a web archive (1-based), its neighbours still read.
    #[error("{path}:record {record}: {reason}")]
    Record {
        path: PathBuf,
        record: usize,
        reason: String,
    },
    #[error(
        "index {path}: no index here; build one with `gazette index` (corpus defaults to ./corpus)"
    )]
    NoIndex { path: PathBuf },
    #[error("index {path}: {reason}")]
    BadIndex { path: PathBuf, reason: String },
    #[error(
        "index {path}: another `gazette index` is writing to this index; wait for it or pass --wait"
    )]
    Locked { path: PathBuf },
    #[error("index {path}: {cause}")]
    Index {
        path: PathBuf,
        cause: tantivy::TantivyError,
    },
    #[error(
        "index {path}: no space left on the device{}; nothing was committed: the index is as the last job left it, and the next job runs normally once there is room",
        if detail.is_empty() { String::new() } else { format!(" ({detail})") }
    )]
    NoSpace { path: PathBuf, detail: String },
    #[error("query: {0}")]
    Query(String),
    #[error("{0}")]
    Invalid(String),
}

/// The message a panic was raised with (`panic!("…")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("unknown cause")
}

impl Error {
    /// The file or folder the error is about, if any.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            Error::Io { path, .. }
            | Error::Parse { path, .. }
            | Error::BadFile { path, .. }
            | Error::Record { path, .. } => Some(path),
            _ => None,
        }
    }

    pub fn io(path: impl Into<PathBuf>, cause: std::io::Error) -> Self {
        if cause.kind() == std::io::ErrorKind::StorageFull {
            return Error::NoSpace {
                path: path.into(),
                detail: String::new(),
            };
        }
        Error::Io {
            path: path.into(),
            cause,
        }
    }

    pub fn index(path: impl Into<PathBuf>, source: tantivy::TantivyError) -> Self {
        let path = path.into();
        if is_no_space(&source) {
            return Error::NoSpace {
                path,
                detail: String::new(),
            };
        }
        match source {
            tantivy::TantivyError::LockFailure(tantivy::directory::error::LockError::IoError(e), _) => {
                Error::BadIndex {
                    path,
                    reason: format!(
                        "cannot take tantivy's lock file in it ({e}); tantivy needs to write a lock file even to read: make the folder writable, or search a writable copy"
                    ),
                }
            }
            tantivy::TantivyError::LockFailure(..) => Error::Locked { path },
            // tantivy's own words for a damaged file are long and technical; what the user
            // needs is that the index is damaged and how to repair it.
            tantivy::TantivyError::OpenReadError(_)
            | tantivy::TantivyError::DataCorruption(_)
            | tantivy::TantivyError::IoError(_) => {
                let what = match source {
                    tantivy::TantivyError::OpenReadError(_) => "a file of the index cannot be read",
                    tantivy::TantivyError::DataCorruption(_) => "corrupted data",
                    _ => "an I/O error while reading it",
                };
                Error::BadIndex {
                    path,
                    reason: format!("damaged ({what}); rebuild it with `gazette index --rebuild`"),
                }
            }
            cause => Error::Index { path, cause },
        }
    }
}

/// Whether tantivy failed for want of disk space (its errors wrap the I/O error in
/// several ways; all of them print the OS's words).
fn is_no_space(e: &tantivy::TantivyError) -> bool {
    let text = format!("{e:?} {e}");
    text.contains("StorageFull") || text.contains("os error 28") || text.contains("No space left")
}
