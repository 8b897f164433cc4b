//! Segmentation: splits text into words by Unicode word boundaries (UAX #29), the first
//! stage of every Gazette analyzer. Offsets are byte offsets into the original text.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_segmentation::{UWordBoundIndices, UnicodeSegmentation};

/// Splits text into words. Keeps apostrophes inside words (Ukrainian м'ясо, O'Brien) but
/// drops an English possessive `'s` from the token's span, so that "Kyiv's" is the word
/// "Kyiv" at the same bytes. Hyphenated words are split ("Kyiv-based" → Kyiv, based).
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

pub struct WordTokenStream<'a> {
    text: &'a str,
    words: UWordBoundIndices<'a>,
    token: &'a mut Token,
    position: usize,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.token.reset();
        WordTokenStream {
            text,
            words: text.split_word_bound_indices(),
            token: &mut self.token,
            position: 0,
        }
    }
}

/// The length of a trailing possessive `'s` / `’s` on a word, if any.
fn possessive_len(word: &str) -> usize {
    for suffix in ["'s", "’s", "'S", "’S"] {
        if word.len() > suffix.len() && word.ends_with(suffix) {
            return suffix.len();
        }
    }
    0
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        for (start, word) in self.words.by_ref() {
            if !word.chars().any(char::is_alphanumeric) {
                continue;
            }
            // UAX #29 keeps trailing apostrophes off words; leading ones cannot occur.
            let end = start + word.len() - possessive_len(word);
            self.token.text.clear();
            self.token.text.push_str(&self.text[start..end]);
            self.token.offset_from = start;
            self.token.offset_to = end;
            self.token.position = self.position;
            self.token.position_length = 1;
            self.position += 1;
            return true;
        }
        false
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

    #[test]
    fn words_possessives_and_hyphens() {
        let toks = tokens(WordTokenizer::default(), "Kyiv's mayor, Kyiv-based м'ясо.");
        let got: Vec<_> = toks
            .iter()
            .map(|t| (t.text.as_str(), t.position, t.offset_from, t.offset_to))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Kyiv", 0, 0, 4),
                ("mayor", 1, 7, 12),
                ("Kyiv", 2, 14, 18),
                ("based", 3, 19, 24),
                ("м'ясо", 4, 25, 34),
            ]
        );
    }
}
