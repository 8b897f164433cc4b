//! Bounds the analysed articles waiting in tantivy's indexing queue, so that an
//! indexing job's memory does not grow with how far its analysis runs ahead.
//!
//! Why: tantivy's writer queues up to 10,000 documents for its indexing threads. When
//! one of them stops to write its segment (seconds at 10× and 100×), the job's analysis
//! threads keep adding articles, and the queue fills: heaptrack showed 37–52 MB of
//! waiting documents at the peaks of a 10× build (each holds the stored text and four
//! term strings). A megabyte of waiting text (some 700 news articles) keeps tantivy's
//! threads fed as well: the 10× build's peak RSS went from 427–434 MB to 325 MB (4 MB:
//! 347–348 MB) in the same time.
//!
//! How: each document goes to tantivy wrapped in a [`Queued`] that carries its share of
//! a [`Pipeline`]'s budget and gives it back when tantivy drops it, right after adding
//! it to a segment. A thread that would take the pipeline past its budget waits for
//! that; it never waits longer than [`MAX_WAIT`] for one document, so a writer whose
//! threads have died slows a job down but cannot hang it (the commit reports the error).

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use tantivy::schema::document::CompactDocValue;
use tantivy::schema::{Document, Field};
use tantivy::TantivyDocument;

/// Bytes of article text waiting in tantivy's queue at most (a document's estimate is
/// its title and body, which its terms and stored copies multiply by about four).
pub const BUDGET: usize = 1 << 20;
/// The longest one document waits for room in the queue.
pub const MAX_WAIT: Duration = Duration::from_secs(1);

/// The budget shared by the documents of one writer.
#[derive(Debug)]
pub struct Pipeline {
    budget: usize,
    waiting: Mutex<usize>,
    room: Condvar,
}

impl Pipeline {
    pub fn new(budget: usize) -> Arc<Pipeline> {
        Arc::new(Pipeline {
            budget,
            waiting: Mutex::new(0),
            room: Condvar::new(),
        })
    }

    /// Wraps `doc` for the writer, once the queue has room for `bytes` more (or at
    /// once when it is empty: a document larger than the budget still goes).
    pub fn queue(self: &Arc<Self>, doc: TantivyDocument, bytes: usize) -> Queued {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        let deadline = std::time::Instant::now() + MAX_WAIT;
        while *waiting > 0 && *waiting + bytes > self.budget {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                break;
            }
            waiting = self
                .room
                .wait_timeout(waiting, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        *waiting += bytes;
        Queued {
            doc,
            bytes,
            pipeline: Arc::clone(self),
        }
    }

    /// Bytes of documents queued and not yet indexed.
    #[cfg(test)]
    fn waiting(&self) -> usize {
        *self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn release(&self, bytes: usize) {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        *waiting = waiting.saturating_sub(bytes);
        self.room.notify_all();
    }
}

/// A document on its way through tantivy's queue; gives its share of the budget back
/// when dropped (tantivy drops it once it is in a segment, or with the queue).
pub struct Queued {
    doc: TantivyDocument,
    bytes: usize,
    pipeline: Arc<Pipeline>,
}

impl Drop for Queued {
    fn drop(&mut self) {
        self.pipeline.release(self.bytes);
    }
}

impl Document for Queued {
    type Value<'a> = CompactDocValue<'a>;
    // tantivy's own iterator type is not public; boxing it costs one allocation for
    // each of the three times a document is read (postings, columns, store).
    type FieldsValuesIter<'a> = Box<dyn Iterator<Item = (Field, CompactDocValue<'a>)> + 'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        Box::new(self.doc.iter_fields_and_values())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_wait_for_room_and_give_it_back() {
        let p = Pipeline::new(100);
        let a = p.queue(TantivyDocument::default(), 60);
        let b = p.queue(TantivyDocument::default(), 30);
        assert_eq!(p.waiting(), 90);
        // A third would pass the budget: it waits until one is dropped.
        let p2 = Arc::clone(&p);
        let t = std::thread::spawn(move || {
            let _c = p2.queue(TantivyDocument::default(), 30);
            p2.waiting()
        });
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(p.waiting(), 90, "the third document waited");
        drop(a);
        assert_eq!(t.join().unwrap(), 60);
        drop(b);
        assert_eq!(p.waiting(), 0);
        // Alone, a document larger than the budget goes at once.
        let big = p.queue(TantivyDocument::default(), 500);
        assert_eq!(p.waiting(), 500);
        drop(big);
    }
}
