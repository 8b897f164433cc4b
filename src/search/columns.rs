//! A bytes column of every segment, opened when a segment is first asked for: what the
//! story signatures and the `meta` column are read through, by article address.

use tantivy::columnar::BytesColumn;
use tantivy::{DocAddress, Searcher};

pub(crate) struct BytesColumns<'a> {
    searcher: &'a Searcher,
    name: &'static str,
    columns: Vec<Option<Option<BytesColumn>>>,
    buf: Vec<u8>,
}

impl<'a> BytesColumns<'a> {
    pub(crate) fn new(searcher: &'a Searcher, name: &'static str) -> Self {
        BytesColumns {
            searcher,
            name,
            columns: vec![None; searcher.segment_readers().len()],
            buf: Vec::new(),
        }
    }

    /// The article's value; `None` when its segment has no such column or the article
    /// no value.
    pub(crate) fn get(&mut self, addr: DocAddress) -> Option<&[u8]> {
        let seg = addr.segment_ord as usize;
        let (searcher, name) = (self.searcher, self.name);
        let column = self.columns[seg]
            .get_or_insert_with(|| {
                searcher.segment_readers()[seg]
                    .fast_fields()
                    .bytes(name)
                    .ok()
                    .flatten()
            })
            .as_ref()?;
        let ord = column.ords().first(addr.doc_id)?;
        self.buf.clear();
        column
            .ord_to_bytes(ord, &mut self.buf)
            .ok()?
            .then_some(self.buf.as_slice())
    }
}
