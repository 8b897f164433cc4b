//! Pre-analysed text for the index. The indexer analyses each article's title and body
//! once, in its worker threads, in the article's language (the near-duplicate signature
//! reads the same tokens, and the exact-spelling terms are written on the way), and hands
//! tantivy the resulting terms separated by spaces; the tokenizer registered for both
//! field families splits them again. tantivy gives a
//! field one tokenizer, but Gazette stems each article in its own language: this way
//! the choice is made where the language is known, and no text is analysed twice.
//!
//! Terms never hold a space (words are split at whitespace; entity ids have none), and
//! the analyzer numbers positions one by one (a name of several words takes one), so
//! splitting gives back the same terms at the same positions. Offsets in the index are
//! those of the term string, which is harmless: highlighting re-analyses the stored
//! text and never reads them. Queries are analysed with the analyzer itself.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::segment::set_token;

/// Appends the tokens of `stream` to `out` as space-separated terms, calling `each` on
/// every token on the way.
pub fn write_terms(stream: &mut dyn TokenStream, out: &mut String, each: &mut dyn FnMut(&Token)) {
    while stream.advance() {
        let t = stream.token();
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&t.text);
        each(t);
    }
}

/// Splits a term string written by [`write_terms`]: one token per term, positions in
/// order.
#[derive(Clone, Default)]
pub struct TermsTokenizer {
    token: Token,
}

pub struct TermsStream<'a> {
    text: &'a str,
    at: usize,
    position: usize,
    token: &'a mut Token,
}

impl Tokenizer for TermsTokenizer {
    type TokenStream<'a> = TermsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TermsStream<'a> {
        self.token.reset();
        TermsStream {
            text,
            at: 0,
            position: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for TermsStream<'_> {
    fn advance(&mut self) -> bool {
        // Bytes, not `str` patterns: terms are a few bytes long, and the generic
        // searcher's set-up cost more than the search (a profile of indexing showed this
        // stream at half the cost of segmenting the text).
        let bytes = self.text.as_bytes();
        let mut start = self.at;
        while bytes.get(start) == Some(&b' ') {
            start += 1;
        }
        if start >= bytes.len() {
            return false;
        }
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b' ')
            .map_or(bytes.len(), |i| start + i);
        set_token(
            self.token,
            &self.text[start..end],
            start,
            end,
            self.position,
        );
        self.position += 1;
        self.at = end;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tests::tokens;
    use crate::analysis::{analyzer, AliasTable};

    /// Terms written and split again are the analyzer's own, at the same positions.
    #[test]
    fn split_terms_are_the_analyzers_tokens() {
        let table = AliasTable::builtin();
        let mut an = analyzer(&table, "en");
        let text = "Strikes on Kiev's outskirts; the Kryvyi Rih plant, U.S. says.";
        let mut terms = String::new();
        let mut direct = Vec::new();
        write_terms(&mut an.token_stream(text), &mut terms, &mut |t| {
            direct.push((t.text.clone(), t.position))
        });
        let split: Vec<(String, usize)> = tokens(TermsTokenizer::default(), &terms)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect();
        assert_eq!(split, direct);
        assert!(direct.iter().any(|(t, _)| t == "@kyiv"));
        assert_eq!(direct[0].0, "strike");
        assert!(tokens(TermsTokenizer::default(), "").is_empty());
    }
}
