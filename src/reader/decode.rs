//! Opening corpus files: the decompression every format shares (`.gz` of any number of
//! members, `.bz2`, `.zst`, chosen by the file's last extension and streamed, never
//! unpacked to disk) and the bounded whole-file read of one-article formats.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::error::Error;

/// How a file is compressed, by its last extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    /// gzip; every member is read (`cat a.gz b.gz > c.gz`, and WARC's gzip per record).
    Gzip,
    Bzip2,
    Zstd,
}

impl Compression {
    pub fn of(path: &Path) -> Compression {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("gz" | "gzip") => Compression::Gzip,
            Some("bz2") => Compression::Bzip2,
            Some("zst" | "zstd") => Compression::Zstd,
            _ => Compression::None,
        }
    }

    /// The path without its compression extension (`a.jsonl.gz` → `a.jsonl`).
    pub fn inner(path: &Path) -> &Path {
        match Compression::of(path) {
            Compression::None => path,
            _ => path.file_stem().map(Path::new).unwrap_or(path),
        }
    }
}

/// The file's content, decompressed as it is read.
pub fn open(path: &Path) -> Result<Box<dyn BufRead>, Error> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    const BUF: usize = 1 << 16;
    Ok(match Compression::of(path) {
        Compression::None => Box::new(BufReader::with_capacity(BUF, file)),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            BUF,
            flate2::read::MultiGzDecoder::new(BufReader::new(file)),
        )),
        Compression::Bzip2 => Box::new(BufReader::with_capacity(
            BUF,
            bzip2::read::MultiBzDecoder::new(BufReader::new(file)),
        )),
        Compression::Zstd => Box::new(BufReader::with_capacity(
            BUF,
            zstd::stream::read::Decoder::new(file).map_err(|e| Error::io(path, e))?,
        )),
    })
}

/// Largest one-article file (`.txt`, `.md`, `.json`, decompressed): beyond this it is
/// not an article but a dump, and reading it whole would make memory grow with it.
pub const MAX_ARTICLE_BYTES: u64 = 32 << 20;

/// Reads a whole one-article file as UTF-8 (a BOM dropped). Invalid UTF-8 is decoded
/// lossily (U+FFFD) rather than losing the article; a file with NUL bytes is binary and
/// refused, and so is one too large to be an article.
pub fn read_to_string(path: &Path) -> Result<String, Error> {
    let bytes = read_bytes(path)?;
    if bytes.contains(&0) {
        return Err(Error::BadFile {
            path: path.to_path_buf(),
            reason: "binary file (contains NUL bytes), not an article".into(),
        });
    }
    Ok(text_of(bytes))
}

/// Reads a whole one-article file, decompressed, refusing one too large to be an article.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    open(path)?
        .take(MAX_ARTICLE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_ARTICLE_BYTES {
        return Err(Error::BadFile {
            path: path.to_path_buf(),
            reason: format!(
                "more than {} MB is too large for one article; use JSON Lines or CSV for collections",
                MAX_ARTICLE_BYTES >> 20
            ),
        });
    }
    Ok(bytes)
}

/// Bytes as text: a UTF-8 BOM dropped, invalid sequences as U+FFFD.
pub fn text_of(bytes: Vec<u8>) -> String {
    let mut s = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    if s.starts_with('\u{feff}') {
        s.drain(..3);
    }
    s
}
