//! The `meta` column: an article's metadata (id, title, date, source, language, file,
//! URL, place, author, capture time) kept as one value per article in a fast field, so
//! that a search lists the copies folded into a hit (`similar`) without reading their
//! stored documents.
//!
//! Why: a stored document is read by decompressing its whole 4 KB block, ~33,000
//! instructions a copy; at 10× news-large a fresh `search sorghum` read 82 copies for
//! its `+9 similar` lines, a fifth of the process (BENCHMARKS.md, 2026-12-04). A column
//! value is an ordinal and a step through the column's dictionary. The document store
//! stays what export, show and passages read; this is a copy of the same fields.

use serde::{Deserialize, Serialize};
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::columns::BytesColumns;
use super::ArticleMeta;
use crate::error::{Error, Result};
use crate::index::GazetteIndex;
use crate::lang::Lang;

/// The column's name in the schema.
pub(crate) const COLUMN: &str = "meta";

/// The wire form of a column value (postcard: a length and the bytes per string, a
/// byte per absent field). Field order is the format: append, never reorder.
#[derive(Serialize, Deserialize)]
pub(crate) struct Wire<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub date: Option<&'a str>,
    pub source: Option<&'a str>,
    pub lang: &'a str,
    pub path: &'a str,
    pub url: Option<&'a str>,
    pub place: Option<&'a str>,
    pub author: Option<&'a str>,
    pub captured: Option<&'a str>,
}

impl Wire<'_> {
    /// The column value (borrowed strings into a Vec: serialising cannot fail).
    pub(crate) fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }
}

#[cfg(test)]
fn encode(meta: &ArticleMeta) -> Vec<u8> {
    Wire {
        id: &meta.id,
        title: &meta.title,
        date: meta.date.as_deref(),
        source: meta.source.as_deref(),
        lang: meta.lang.code(),
        path: &meta.path,
        url: meta.url.as_deref(),
        place: meta.place.as_deref(),
        author: meta.author.as_deref(),
        captured: meta.captured.as_deref(),
    }
    .encode()
}

fn decode(bytes: &[u8]) -> Option<ArticleMeta> {
    let w: Wire = postcard::from_bytes(bytes).ok()?;
    let owned = |s: Option<&str>| s.map(str::to_string);
    Some(ArticleMeta {
        id: w.id.to_string(),
        title: w.title.to_string(),
        date: owned(w.date),
        source: owned(w.source),
        lang: Lang::from_code(w.lang),
        path: w.path.to_string(),
        url: owned(w.url),
        place: owned(w.place),
        author: owned(w.author),
        captured: owned(w.captured),
    })
}

/// Reads articles' metadata from the column, segment by segment as they are asked for;
/// from the stored document where a segment has no such column (an index built before
/// it, still searched while its rebuild is pending).
pub(crate) struct MetaReader<'s> {
    gi: &'s GazetteIndex,
    searcher: &'s Searcher,
    column: BytesColumns<'s>,
}

impl<'s> MetaReader<'s> {
    pub(crate) fn new(gi: &'s GazetteIndex, searcher: &'s Searcher) -> Self {
        MetaReader {
            gi,
            searcher,
            column: BytesColumns::new(searcher, COLUMN),
        }
    }

    pub(crate) fn get(&mut self, addr: DocAddress) -> Result<ArticleMeta> {
        if let Some(meta) = self.column.get(addr).and_then(decode) {
            return Ok(meta);
        }
        let doc: TantivyDocument = self
            .searcher
            .doc(addr)
            .map_err(|e| Error::index(&self.gi.path, e))?;
        Ok(super::meta_of(&self.gi.fields, &doc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_round_trips_with_absent_fields() {
        let meta = ArticleMeta {
            id: "urn:x:1".into(),
            title: "Київ, 3 березня".into(),
            date: Some("2024-03-03".into()),
            source: None,
            lang: Lang::from_code("uk"),
            path: "a/b.jsonl".into(),
            url: Some("https://example.org/1".into()),
            place: None,
            author: Some("Олена".into()),
            captured: None,
        };
        let back = decode(&encode(&meta)).unwrap();
        assert_eq!(format!("{back:?}"), format!("{meta:?}"));
        assert!(decode(b"\xff\xff").is_none());
    }
}
