//! Export: every article a query matches, or the whole archive, streamed with its
//! metadata, its best passage and its entities — no result limit — for review in a
//! spreadsheet or a notebook. Read from the index, never from the corpus.

use std::collections::HashMap;

use tantivy::collector::DocSetCollector;
use tantivy::{DocAddress, TantivyDocument};

use crate::analytics::{entity_ref, EntityRef};
use crate::error::{Error, Result};
use crate::index::{GazetteIndex, SPELLING_SEPARATOR};
use crate::passage;
use crate::search::{self, meta_of, stored_names, text_of, ArticleMeta, SearchOptions};

/// The fields an export can hold, in their default order.
pub const FIELDS: &[&str] = &[
    "id", "title", "date", "source", "lang", "url", "author", "captured", "path", "passage",
    "entities", "body",
];

/// What is exported by default: everything but the body.
pub const DEFAULT_FIELDS: &[&str] = &[
    "id", "title", "date", "source", "lang", "url", "author", "captured", "path", "passage",
    "entities",
];

/// One exported article.
#[derive(Clone, Debug)]
pub struct Exported {
    pub meta: ArticleMeta,
    /// The best passage for the query (none when exporting without a query).
    pub passage: Option<String>,
    /// Each entity of the article once: table entities and recognised names.
    pub entities: Vec<EntityRef>,
    /// The whole body, when asked for.
    pub body: Option<String>,
    /// The article's story signature (see `similar`), for engines.
    pub story: Option<Vec<u8>>,
}

/// Streams every article `opts` matches (its query may be empty: the whole archive) to
/// `each`, in index order; returns how many were exported. `each` returns false to stop
/// (its writer failed, a closed pipe).
pub fn export(
    gi: &GazetteIndex,
    opts: &SearchOptions,
    with_body: bool,
    each: &mut dyn FnMut(Exported) -> bool,
) -> Result<u64> {
    let err = |e| Error::index(&gi.path, e);
    let searcher = gi.searcher()?;
    let all = opts.query.trim().is_empty();
    let prepared = if all {
        search::prepare_all(gi, opts)?
    } else {
        search::prepare(gi, &searcher, opts)?
    };
    let mut docs: Vec<DocAddress> = prepared
        .search(&searcher, DocSetCollector)
        .map_err(err)?
        .into_iter()
        .collect();
    docs.sort();
    let one = SearchOptions {
        passages: passage::PassageOptions {
            per_article: 1,
            ..opts.passages
        },
        ..opts.clone()
    };
    let mut cutter = search::Cutter::new(gi, &searcher, &prepared.ast, &one);
    let mut columns: HashMap<u32, Option<tantivy::columnar::StrColumn>> = HashMap::new();
    let mut stories = search::Stories::new(&searcher);
    let mut n = 0;
    let mut value = String::new();
    for at in docs {
        let doc: TantivyDocument = searcher.doc(at).map_err(err)?;
        let meta = meta_of(&gi.fields, &doc);
        let body = text_of(&doc, gi.fields.body_text);
        let passage = if all {
            None
        } else {
            let names = stored_names(gi, &doc);
            cutter
                .cut(meta.lang.code(), &meta.title, &body, &names)
                .into_iter()
                .next()
                .map(|c| {
                    let text = match c.field {
                        passage::Field::Title => &meta.title,
                        passage::Field::Body => &body,
                    };
                    text[c.passage.start..c.passage.end].to_string()
                })
        };
        let column = columns.entry(at.segment_ord).or_insert_with(|| {
            searcher
                .segment_reader(at.segment_ord)
                .fast_fields()
                .str("entities")
                .ok()
                .flatten()
        });
        let mut entities = Vec::new();
        if let Some(col) = column {
            for ord in col.term_ords(at.doc_id) {
                value.clear();
                if !col.ord_to_str(ord, &mut value).unwrap_or(false) {
                    continue;
                }
                let (key, written) = match value.split_once(SPELLING_SEPARATOR) {
                    Some((k, w)) => (k, Some(w)),
                    None => (value.as_str(), None),
                };
                if let Some(mut e) = entity_ref(gi, key) {
                    if let Some(w) = written {
                        e.name = w.to_string();
                    }
                    entities.push(e);
                }
            }
        }
        n += 1;
        let record = Exported {
            meta,
            passage,
            entities,
            body: with_body.then_some(body),
            story: stories.signature(at).map(|s| s.to_bytes()),
        };
        if !each(record) {
            break;
        }
    }
    cutter.finish();
    Ok(n)
}
