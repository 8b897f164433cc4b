//! The story columns: each article's near-duplicate signature and its key, read by
//! address from the index's columns, so that folding a copy never reads its document.

use tantivy::columnar::Column;
use tantivy::{DocAddress, Searcher};

use super::columns::BytesColumns;
use crate::similar::Signature;

/// Per-segment readers of the `story` and `minhash` columns, opened as needed (a segment
/// without one answers 0 / none).
pub(crate) struct Stories<'a> {
    searcher: &'a Searcher,
    keys: Vec<Option<Option<Column<u64>>>>,
    signatures: BytesColumns<'a>,
}

impl<'a> Stories<'a> {
    pub(crate) fn new(searcher: &'a Searcher) -> Self {
        let n = searcher.segment_readers().len();
        Stories {
            searcher,
            keys: vec![None; n],
            signatures: BytesColumns::new(searcher, "minhash"),
        }
    }

    /// The article's story key (`Signature::key`; 0: none).
    pub(crate) fn key(&mut self, addr: DocAddress) -> u64 {
        let seg = addr.segment_ord as usize;
        let searcher = self.searcher;
        self.keys[seg]
            .get_or_insert_with(|| {
                searcher.segment_readers()[seg]
                    .fast_fields()
                    .u64("story")
                    .ok()
            })
            .as_ref()
            .and_then(|c| c.first(addr.doc_id))
            .unwrap_or(0)
    }

    /// The article's signature, if it has one.
    pub(crate) fn signature(&mut self, addr: DocAddress) -> Option<Signature> {
        Signature::from_bytes(self.signatures.get(addr)?)
    }
}
