//! Per-document language dispatch at index time. tantivy gives a field one tokenizer,
//! but Gazette stems each article in its own language. The indexer prefixes the text of
//! the analysed fields with a marker naming the stemming group (`\u{1}ru\u{1}…`); this
//! tokenizer reads the marker, skips it and analyses the rest with that group's
//! analyzer. Queries carry no marker: they are parsed once per group with the group's
//! analyzer (see `search`). Offsets in the index are therefore shifted by the marker,
//! which is harmless: highlighting re-analyses the stored text and never reads them.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::tokenizer::{BoxTokenStream, TextAnalyzer, Tokenizer};

use super::alias::AliasTable;
use super::{analyzer, stem_key, NO_STEM};

const MARK: char = '\u{1}';

/// Prefixes `text` with the marker of a language's stemming group.
pub fn mark(lang: &str, text: &str) -> String {
    let key = stem_key(lang);
    let mut out = String::with_capacity(text.len() + key.len() + 2);
    out.push(MARK);
    out.push_str(key);
    out.push(MARK);
    out.push_str(text);
    out
}

/// The tokenizer registered for the analysed fields of an index.
#[derive(Clone)]
pub struct LangDispatch {
    table: Arc<AliasTable>,
    analyzers: HashMap<&'static str, TextAnalyzer>,
}

impl LangDispatch {
    pub fn new(table: Arc<AliasTable>) -> LangDispatch {
        LangDispatch {
            table,
            analyzers: HashMap::new(),
        }
    }
}

impl Tokenizer for LangDispatch {
    type TokenStream<'a> = BoxTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BoxTokenStream<'a> {
        let (key, rest) = match text.strip_prefix(MARK).and_then(|t| t.split_once(MARK)) {
            Some((key, rest)) => (stem_key(key), rest),
            None => (NO_STEM, text),
        };
        let table = &self.table;
        self.analyzers
            .entry(key)
            .or_insert_with(|| analyzer(table, key))
            .token_stream(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tests::tokens;

    #[test]
    fn the_marker_picks_the_stemmer_and_yields_no_token() {
        let table = AliasTable::builtin();
        let terms = |text: &str| -> Vec<String> {
            tokens(LangDispatch::new(table.clone()), text)
                .into_iter()
                .map(|t| t.text)
                .collect()
        };
        assert_eq!(
            terms(&mark("en", "Strikes on Kiev")),
            ["strike", "on", "@kyiv"]
        );
        assert_eq!(
            terms(&mark("uk", "Strikes on Kiev")),
            ["strikes", "on", "@kyiv"]
        );
        assert_eq!(terms("Strikes on Kiev"), ["strikes", "on", "@kyiv"]);
        let toks = tokens(LangDispatch::new(table), &mark("en", "Kiev"));
        assert_eq!(toks[0].position, 0);
    }
}
