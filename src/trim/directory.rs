//! The index folder as tantivy sees it: its memory-mapped directory, whose writers copy
//! a mapped segment's bytes in chunks and release each chunk's pages once it is copied.
//!
//! Why: a merge stacks each merged segment's stored blocks (hundreds of MB at 100×) with
//! one `write` straight from the segment's map, and the kernel faults every page of it
//! into the job's resident set at over a GB/s. The trimmer ([`super::Trimmer`]) releases
//! them within milliseconds when it is scheduled; on two busy cores it sometimes is not,
//! and a 100× build's peak RSS was set by such a copy (file pages at 103–141 MB on top
//! of a 280–291 MB heap, against a 400 MB target). Here the copy itself holds at most two
//! chunks of the map resident.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, FileSlice, Lock, MmapDirectory,
    TerminatingWrite, WatchCallback, WatchHandle, WritePtr,
};

/// Bytes copied per `write` of a mapped segment.
pub const CHUNK: usize = 4 << 20;

/// Writes smaller than this are not looked up in the process's maps (a read of
/// `/proc/self/maps`): only a copy of a whole segment's blocks is this large.
const LOOKED_UP: usize = 2 * CHUNK;

/// tantivy's memory-mapped directory, with writers that release what they copy from a
/// segment's map (see the module comment); everything else is the inner directory's.
#[derive(Clone, Debug)]
pub struct ReleasingDirectory {
    inner: MmapDirectory,
    /// The folder, resolved as `/proc/self/maps` names it.
    dir: Arc<PathBuf>,
}

impl ReleasingDirectory {
    pub fn open(path: &Path) -> Result<ReleasingDirectory, OpenDirectoryError> {
        let inner = MmapDirectory::open(path)?;
        let dir = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        Ok(ReleasingDirectory {
            inner,
            dir: Arc::new(dir),
        })
    }
}

impl Directory for ReleasingDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn open_read(&self, path: &Path) -> Result<FileSlice, OpenReadError> {
        self.inner.open_read(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let inner =
            self.inner
                .open_write(path)?
                .into_inner()
                .map_err(|e| OpenWriteError::IoError {
                    io_error: Arc::new(e.into_error()),
                    filepath: path.to_path_buf(),
                })?;
        Ok(BufWriter::new(Box::new(ReleasingWriter {
            inner,
            dir: Arc::clone(&self.dir),
            copying: None,
        })))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

/// A file being written. When a write's bytes lie in a segment file's map, it takes one
/// [`CHUNK`] of them and returns: the `write_all` above it (and tantivy's checksum,
/// which reads the bytes a write took after it returns) then comes back with the rest,
/// and that call releases the chunk before.
struct ReleasingWriter {
    inner: Box<dyn TerminatingWrite + Send + Sync>,
    dir: Arc<PathBuf>,
    copying: Option<Copying>,
}

/// The chunk a write of mapped bytes took last, and how many bytes followed it.
struct Copying {
    start: usize,
    len: usize,
    rest: usize,
}

impl Write for ReleasingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let at = buf.as_ptr() as usize;
        // The same copy going on: the rest of the bytes that the last chunk came from,
        // so still borrowed by the caller, and the map they lie in still there.
        let continuing = match self.copying.take() {
            Some(c) if c.start + c.len == at && c.rest == buf.len() => {
                release(c.start, c.len);
                true
            }
            _ => false,
        };
        if !continuing && (buf.len() < LOOKED_UP || !in_segment_map(at, buf.len(), &self.dir)) {
            return self.inner.write(buf);
        }
        let n = buf.len().min(CHUNK);
        self.inner.write_all(&buf[..n])?;
        if n < buf.len() {
            self.copying = Some(Copying {
                start: at,
                len: n,
                rest: buf.len() - n,
            });
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl TerminatingWrite for ReleasingWriter {
    fn terminate_ref(&mut self, token: AntiCallToken) -> io::Result<()> {
        self.inner.terminate_ref(token)
    }
}

/// Whether `len` bytes at `at` lie in one read-only shared map of a segment file of
/// `dir`.
fn in_segment_map(at: usize, len: usize, dir: &Path) -> bool {
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
        return false;
    };
    super::segment_mappings(&maps, dir)
        .iter()
        .any(|m| m.start <= at && at + len <= m.end)
}

/// Releases the whole pages of `len` bytes at `start`, which lie in a segment's map.
#[cfg(target_os = "linux")]
fn release(start: usize, len: usize) {
    let page = super::page_size();
    let from = start.div_ceil(page) * page;
    let to = (start + len) / page * page;
    if to > from {
        super::advise_dontneed(&super::Mapping {
            start: from,
            end: to,
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn release(_: usize, _: usize) {}
