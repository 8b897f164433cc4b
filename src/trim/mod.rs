//! Keeps a long indexing job's resident memory to what it is using: index files the job
//! has mapped (segments read by merges) are released from its page tables as soon as
//! they grow by [`GROWTH`] (and at least every [`MAX_INTERVAL`]), so that they stop
//! counting in its RSS.
//!
//! Why: tantivy reads segments through read-only memory maps. A merge of segments of
//! 357,000 articles touches ~800 MB of them once, and every page it touched stayed
//! resident in the job, counted in its RSS (1.6–1.8 GB peak at 100× news-large, of which
//! ~400 MB was heap). Those pages are page cache: `MADV_DONTNEED` on a shared, read-only
//! file mapping drops the job's references to them, they stay cached (for the next job
//! and for searches), and a later read faults the same bytes back in (a minor fault,
//! ~0.1 µs per 4 KB page when still cached).
//!
//! Safety of the advice: segment files are written once and never changed while they
//! exist (tantivy writes new files, deletes old ones), and tantivy maps them `PROT_READ`
//! and `MAP_SHARED` (memmap2's `Mmap`). For such a mapping, Linux documents that after
//! `MADV_DONTNEED` "subsequent accesses of pages in the range will succeed, but will
//! result in repopulating the memory contents from the up-to-date contents of the
//! underlying mapped file" (madvise(2)): every reader sees the same bytes before and
//! after. Only mappings that are read-only, shared, and of a segment file (a 32-digit
//! hex name) inside the index folder are advised.
//!
//! The heap, too: tantivy's indexing arena grows in 1 MB pages, freed when a segment is
//! written. glibc serves the first ones with `mmap`, then (its threshold rising to the
//! size of the first chunk freed) from its per-thread heaps, where a freed page in the
//! middle stays resident until the heap's top is free. [`return_freed_heap`] fixes the
//! threshold below 1 MB, so those pages (and the segment serialiser's and hash
//! tables' large buffers) go back to the kernel when freed.

mod directory;

pub use directory::ReleasingDirectory;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the job's mappings of index files are released when the process's
/// resident file pages cannot be read (see [`TICK`]). A merge stacking stored blocks
/// reads its segments at several hundred MB/s: at 250 ms, 100× peaks sampled 200–290 MB
/// of mapped files between two releases.
pub const INTERVAL: Duration = Duration::from_millis(50);
/// How often the trimmer reads how many file pages the process has resident
/// (`/proc/self/statm`, a few microseconds).
pub const TICK: Duration = Duration::from_millis(5);
/// Resident file pages grown by this much since the last release trigger the next one.
/// Why not a shorter [`INTERVAL`]: a merge reads its segments' maps at several hundred
/// MB/s; a timer of 50 ms let a 100× build's file pages jump by up to 120 MB between
/// two releases (its peak RSS 595 MB, against 236 MB of heap), while most of the job
/// they do not grow at all. (The largest such read, the copy of stored blocks, now
/// releases its own pages: [`ReleasingDirectory`].)
pub const GROWTH: u64 = 8 << 20;
/// The longest time between two releases, however little the file pages grew.
pub const MAX_INTERVAL: Duration = Duration::from_millis(250);

/// A running trimmer; stopped (and its thread joined) when dropped.
pub struct Trimmer {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Trimmer {
    /// Starts releasing this process's mappings of segment files under `dir`. Where it
    /// cannot work (not Linux, an index folder that cannot be resolved), it does nothing.
    pub fn start(dir: &Path) -> Trimmer {
        return_freed_heap();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = std::fs::canonicalize(dir)
            .ok()
            .filter(|_| cfg!(target_os = "linux"))
            .and_then(|dir| {
                let stop = Arc::clone(&stop);
                std::thread::Builder::new()
                    .name("gazette-trim".into())
                    .spawn(move || {
                        let statm = std::fs::File::open("/proc/self/statm").ok();
                        let file_bytes = || statm.as_ref().and_then(resident_file_bytes);
                        let mut base = file_bytes();
                        let mut last = std::time::Instant::now();
                        while !stop.load(Ordering::Relaxed) {
                            let now = file_bytes();
                            let due = match (base, now) {
                                (Some(b), Some(n)) => {
                                    n >= b + GROWTH || last.elapsed() >= MAX_INTERVAL
                                }
                                _ => last.elapsed() >= INTERVAL,
                            };
                            if due {
                                release_mapped(&dir);
                                base = file_bytes();
                                last = std::time::Instant::now();
                            }
                            std::thread::park_timeout(if now.is_some() { TICK } else { INTERVAL });
                        }
                    })
                    .ok()
            });
        Trimmer { stop, thread }
    }
}

impl Drop for Trimmer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

/// Allocations of [`MMAP_THRESHOLD`] bytes or more are mapped on their own, so that
/// freeing one returns it to the kernel (see the module comment). Process-wide, and
/// set once: the heap of the rest of the process is unchanged below the threshold.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn return_freed_heap() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: mallopt only changes glibc's allocation policy for later calls.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD as libc::c_int);
        }
    });
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn return_freed_heap() {}

/// The allocation size from which glibc maps memory rather than carving it from a heap:
/// below tantivy's 1 MB arena pages, above what words and documents take.
pub const MMAP_THRESHOLD: usize = 512 << 10;

/// The bytes of file pages (and shared memory) resident in this process, from an open
/// `/proc/self/statm` (its third field, in pages), read again from its start.
#[cfg(target_os = "linux")]
fn resident_file_bytes(statm: &std::fs::File) -> Option<u64> {
    use std::os::unix::fs::FileExt;
    let mut buf = [0u8; 128];
    let n = statm.read_at(&mut buf, 0).ok()?;
    let text = std::str::from_utf8(&buf[..n]).ok()?;
    let pages: u64 = text.split_ascii_whitespace().nth(2)?.parse().ok()?;
    Some(pages * page_size() as u64)
}

/// The system's memory page size.
#[cfg(target_os = "linux")]
fn page_size() -> usize {
    // SAFETY: sysconf reads a constant of the system.
    usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096)
}

#[cfg(not(target_os = "linux"))]
fn resident_file_bytes(_: &std::fs::File) -> Option<u64> {
    None
}

/// One mapping of `/proc/self/maps` that may be released: its address range.
#[derive(Debug, PartialEq)]
struct Mapping {
    start: usize,
    end: usize,
}

/// The mappings of `maps` (the text of `/proc/self/maps`) that are read-only, shared, and
/// of a segment file directly inside `dir`.
fn segment_mappings(maps: &str, dir: &Path) -> Vec<Mapping> {
    maps.lines()
        .filter_map(|line| {
            let mut fields = line.splitn(6, ' ');
            let range = fields.next()?;
            let perms = fields.next()?;
            let path = fields.nth(3)?.trim_start();
            if perms != "r--s" {
                return None;
            }
            let path = Path::new(path.strip_suffix(" (deleted)").unwrap_or(path));
            if path.parent() != Some(dir) || !is_segment_file(path) {
                return None;
            }
            let (start, end) = range.split_once('-')?;
            Some(Mapping {
                start: usize::from_str_radix(start, 16).ok()?,
                end: usize::from_str_radix(end, 16).ok()?,
            })
        })
        .collect()
}

/// A tantivy segment component: 32 hex digits (the segment id), a dot, an extension.
fn is_segment_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let Some((id, ext)) = name.split_once('.') else {
        return false;
    };
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) && !ext.is_empty()
}

/// Releases this process's pages of every segment file of `dir` it has mapped; returns
/// how many mappings were advised.
pub fn release_mapped(dir: &Path) -> usize {
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
        return 0;
    };
    let mappings = segment_mappings(&maps, dir);
    for m in &mappings {
        advise_dontneed(m);
    }
    mappings.len()
}

#[cfg(target_os = "linux")]
fn advise_dontneed(m: &Mapping) {
    // SAFETY: the range is (in) a read-only shared file mapping of an immutable segment
    // file (see the module comment): the advice changes no byte any reader sees. A
    // mapping unmapped since /proc was read makes madvise fail with ENOMEM, harmlessly.
    unsafe {
        libc::madvise(
            m.start as *mut libc::c_void,
            m.end - m.start,
            libc::MADV_DONTNEED,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_dontneed(_: &Mapping) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_read_only_shared_segment_maps_inside_the_index_are_chosen() {
        let dir = Path::new("/data/idx");
        let maps = "\
7f0000000000-7f0000100000 r--s 00000000 fd:01 123 /data/idx/0123456789abcdef0123456789abcdef.store
7f0000100000-7f0000200000 r--s 00000000 fd:01 124 /data/idx/0123456789abcdef0123456789abcdef.idx (deleted)
7f0000200000-7f0000300000 rw-s 00000000 fd:01 125 /data/idx/0123456789abcdef0123456789abcdef.pos
7f0000300000-7f0000400000 r--p 00000000 fd:01 126 /data/idx/0123456789abcdef0123456789abcdef.term
7f0000400000-7f0000500000 r--s 00000000 fd:01 127 /data/idx/meta.json
7f0000500000-7f0000600000 r--s 00000000 fd:01 128 /data/idx/sub/0123456789abcdef0123456789abcdef.store
7f0000600000-7f0000700000 r--s 00000000 fd:01 129 /data/other/0123456789abcdef0123456789abcdef.store
7f0000700000-7f0000800000 r-xp 00000000 fd:01 130 /usr/bin/gazette
7f0000800000-7f0000900000 rw-p 00000000 00:00 0
";
        assert_eq!(
            segment_mappings(maps, dir),
            [
                Mapping {
                    start: 0x7f0000000000,
                    end: 0x7f0000100000
                },
                Mapping {
                    start: 0x7f0000100000,
                    end: 0x7f0000200000
                },
            ]
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_process_file_pages_can_be_read() {
        let statm = std::fs::File::open("/proc/self/statm").unwrap();
        // The test binary's own code is file pages; reading twice reads from the start.
        let first = resident_file_bytes(&statm).unwrap();
        assert!(first > 0);
        assert!(resident_file_bytes(&statm).unwrap() > 0);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_copy_from_a_segment_map_keeps_two_chunks_of_it_resident() {
        use std::io::Write;
        use tantivy::directory::{Directory, MmapDirectory, TerminatingWrite};
        let bytes: Vec<u8> = (0..40u32 << 20).map(|i| (i % 251) as u8).collect();
        let (_tmp, dir, path, map) = mapped_segment(&bytes);
        let copy = |directory: &dyn Directory, name: &str| {
            let mut w = directory.open_write(Path::new(name)).unwrap();
            w.write_all(&map[..]).unwrap();
            w.flush().unwrap();
            let resident = mapping_rss_kb(&path);
            w.terminate().unwrap();
            assert_eq!(std::fs::read(dir.join(name)).unwrap(), bytes, "{name}");
            resident
        };
        // tantivy's own directory: the whole map stays resident.
        let plain = copy(
            &MmapDirectory::open(&dir).unwrap(),
            "ffeeddccbbaa99887766554433221100.store",
        );
        assert!(plain >= 40 << 10, "{plain} kB");
        release_mapped(&dir);
        let released = copy(
            &ReleasingDirectory::open(&dir).unwrap(),
            "0f0e0d0c0b0a09080706050403020100.store",
        );
        assert!(
            released <= 2 * (directory::CHUNK as u64 >> 10),
            "{released} kB"
        );
    }

    /// The resident set of the mapping of `path` alone (its /proc/self/smaps entry): the
    /// process's whole RSS moves with what other test threads allocate.
    #[cfg(target_os = "linux")]
    fn mapping_rss_kb(path: &Path) -> u64 {
        // The whole path: the tests' segment files share a name in folders of their own.
        let name = path.to_str().unwrap();
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        smaps
            .lines()
            .skip_while(|l| !l.ends_with(name))
            .find_map(|l| l.strip_prefix("Rss:"))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
            .unwrap()
    }

    /// A segment file holding `bytes` in a new folder (kept while the first value lives),
    /// its folder, its path and its map.
    #[cfg(target_os = "linux")]
    fn mapped_segment(
        bytes: &[u8],
    ) -> (
        tempfile::TempDir,
        std::path::PathBuf,
        std::path::PathBuf,
        memmap2::Mmap,
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = std::fs::canonicalize(tmp.path()).unwrap();
        let path = dir.join("00112233445566778899aabbccddeeff.store");
        std::fs::write(&path, bytes).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        // SAFETY: the file is ours and not changed while mapped.
        let map = unsafe { memmap2::Mmap::map(&file) }.unwrap();
        (tmp, dir, path, map)
    }

    /// A running trimmer releases a segment file's pages soon after they are read, and
    /// stops when dropped.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_trimmer_releases_pages_as_they_are_read() {
        let (_tmp, dir, path, map) = mapped_segment(&vec![7u8; 16 << 20]);
        let trimmer = Trimmer::start(&dir);
        let sum: u64 = map.iter().map(|&b| u64::from(b)).sum();
        assert_eq!(sum, 7 * (16 << 20));
        // 16 MB read is past the growth that triggers a release; the longest interval
        // releases it anyway, whatever other test threads map meanwhile.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while mapping_rss_kb(&path) > 4096 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(
            mapping_rss_kb(&path) <= 4096,
            "{} kB",
            mapping_rss_kb(&path)
        );
        drop(trimmer);
        assert_eq!(map.iter().map(|&b| u64::from(b)).sum::<u64>(), sum);
    }

    /// A mapped segment file reads the same after its pages are released, and they no
    /// longer count as resident.
    #[cfg(target_os = "linux")]
    #[test]
    fn released_pages_read_back_the_same_bytes() {
        let bytes: Vec<u8> = (0..8 << 20).map(|i: u32| (i % 251) as u8).collect();
        let (_tmp, dir, path, map) = mapped_segment(&bytes);
        let sum = |m: &[u8]| m.iter().map(|&b| u64::from(b)).sum::<u64>();
        let expected = sum(&bytes);
        assert_eq!(sum(&map), expected);
        let resident = |m: &[u8]| {
            let pages = m.len().div_ceil(4096);
            let mut vec = vec![0u8; pages];
            // SAFETY: the range is the mapping; vec holds one byte per page.
            let rc = unsafe {
                libc::mincore(m.as_ptr() as *mut libc::c_void, m.len(), vec.as_mut_ptr())
            };
            assert_eq!(rc, 0);
            vec.iter().filter(|&&v| v & 1 == 1).count()
        };
        let rss_file_kb = || mapping_rss_kb(&path);
        assert!(resident(&map) > 0);
        let before = rss_file_kb();
        assert!(release_mapped(&dir) >= 1);
        let after = rss_file_kb();
        // At least 4 MB of the 8 MB mapping left the process's resident set.
        assert!(before >= after + 4096, "{before} kB → {after} kB");
        assert_eq!(sum(&map), expected);
    }
}
