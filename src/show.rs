//! One stored article, whole, with its entities: what `gazette show ID` prints. Read
//! from the index (stored text and names), never from the corpus.

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::index::GazetteIndex;
use crate::passage::{self, Mark};
use crate::search::{meta_of, stored_names, text_of, with_names, ArticleMeta};

/// A stored article with the entity marks of its title and body (offsets into each).
#[derive(Clone, Debug)]
pub struct Shown {
    pub meta: ArticleMeta,
    pub body: String,
    pub title_entities: Vec<Mark>,
    pub body_entities: Vec<Mark>,
}

/// The article with id `id` (as a passage's `article.id` gives it), if the index holds it.
pub fn article(gi: &GazetteIndex, id: &str) -> Result<Option<Shown>> {
    let searcher = gi.searcher()?;
    let query = TermQuery::new(
        Term::from_field_text(gi.fields.id, id),
        IndexRecordOption::Basic,
    );
    // One id in several files (the same URL in two web archives, one feed item in two
    // snapshots): the latest capture, else the latest dated, is the article.
    let top = searcher
        .search(&query, &TopDocs::with_limit(64).order_by_score())
        .map_err(|e| Error::index(&gi.path, e))?;
    let mut best: Option<(TantivyDocument, crate::search::ArticleMeta)> = None;
    for (_, address) in top {
        let doc: TantivyDocument = searcher
            .doc(address)
            .map_err(|e| Error::index(&gi.path, e))?;
        let meta = meta_of(&gi.fields, &doc);
        let newer =
            |m: &crate::search::ArticleMeta| (m.captured.clone(), m.date.clone(), m.path.clone());
        if best.as_ref().is_none_or(|(_, b)| newer(&meta) > newer(b)) {
            best = Some((doc, meta));
        }
    }
    let Some((doc, meta)) = best else {
        return Ok(None);
    };
    let body = text_of(&doc, gi.fields.body_text);
    let names = stored_names(gi, &doc);
    let mut analyzers = gi.take_analyzers();
    let analyzer = analyzers.get(meta.lang.code());
    let marks = |text: &str, analyzer: &mut tantivy::tokenizer::TextAnalyzer| {
        passage::find_entities(&passage::spots(analyzer, text, &[], true))
    };
    let title_entities = with_names(marks(&meta.title, analyzer), &names.0, 0, meta.title.len());
    let body_entities = with_names(marks(&body, analyzer), &names.1, 0, body.len());
    gi.return_analyzers(analyzers);
    Ok(Some(Shown {
        meta,
        body,
        title_entities,
        body_entities,
    }))
}
