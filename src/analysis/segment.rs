//! Segmentation: splits text into words by Unicode word boundaries (UAX #29), the first
//! stage of every Gazette analyzer. Offsets are byte offsets into the original text.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_segmentation::{UWordBoundIndices, UnicodeSegmentation};

/// Splits text into words. Keeps apostrophes inside words (Ukrainian м'ясо, O'Brien) but
/// drops an English possessive `'s` from the token's span, so that "Kyiv's" is the word
/// "Kyiv" at the same bytes. Hyphenated words are split ("Kyiv-based" → Kyiv, based).
/// UAX #29 keeps letters joined by a dot in one word; Gazette splits them where the part
/// after the dot is a word of two or more letters ("м.Києва" → м, Києва; "kiev.ua" →
/// kiev, ua) but keeps initialisms whole ("U.S.").
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

pub struct WordTokenStream<'a> {
    text: &'a str,
    words: UWordBoundIndices<'a>,
    token: &'a mut Token,
    position: usize,
    /// Pieces of a dotted word still to emit, in reverse order.
    pieces: Vec<(usize, usize)>,
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
            pieces: Vec::new(),
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

/// Splits a word at dots followed by two or more characters starting with a letter;
/// pushes the pieces onto `out` in reverse order.
fn split_dotted(word: &str, start: usize, out: &mut Vec<(usize, usize)>) {
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut cur = (start, start);
    let mut from = 0;
    for (i, piece) in word.split('.').enumerate() {
        let (s, e) = (start + from, start + from + piece.len());
        from += piece.len() + 1;
        if i == 0 {
            cur = (s, e);
            continue;
        }
        let starts_word = piece.chars().next().is_some_and(char::is_alphabetic);
        if starts_word && piece.chars().count() >= 2 {
            pieces.push(cur);
            cur = (s, e);
        } else {
            cur.1 = e;
        }
    }
    pieces.push(cur);
    out.extend(pieces.into_iter().rev().filter(|(s, e)| s < e));
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        while self.pieces.is_empty() {
            let Some((start, word)) = self.words.next() else {
                return false;
            };
            if !word.chars().any(char::is_alphanumeric) {
                continue;
            }
            // UAX #29 keeps trailing apostrophes off words; leading ones cannot occur.
            let word = &word[..word.len() - possessive_len(word)];
            if word.contains('.') {
                split_dotted(word, start, &mut self.pieces);
            } else {
                self.pieces.push((start, start + word.len()));
            }
        }
        let (start, end) = self.pieces.pop().expect("not empty");
        self.token.text.clear();
        self.token.text.push_str(&self.text[start..end]);
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.position;
        self.token.position_length = 1;
        self.position += 1;
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

    #[test]
    fn dotted_words_split_but_initialisms_stay() {
        let toks = tokens(WordTokenizer::default(), "м.Києва U.S. kiev.ua 3.5 Ph.D");
        let got: Vec<_> = toks
            .iter()
            .map(|t| (t.text.as_str(), t.offset_from, t.offset_to))
            .collect();
        assert_eq!(
            got,
            vec![
                ("м", 0, 2),
                ("Києва", 3, 13),
                ("U.S", 14, 17),
                ("kiev", 19, 23),
                ("ua", 24, 26),
                ("3.5", 27, 30),
                ("Ph.D", 31, 35),
            ]
        );
    }
}
