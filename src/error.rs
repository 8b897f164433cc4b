//! The library's error type: every failure that touches a file names that file (and line).

use std::path::PathBuf;

/// Result alias used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong inside Gazette. Variants that involve a file carry its
/// path so that the message printed at the edge (`{:#}`) is actionable on its own.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
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
    #[error("index {path}: {source}")]
    Index {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error("query: {0}")]
    Query(String),
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn index(path: impl Into<PathBuf>, source: tantivy::TantivyError) -> Self {
        let path = path.into();
        match source {
            tantivy::TantivyError::LockFailure(..) => Error::Locked { path },
            source => Error::Index { path, source },
        }
    }
}
