//! Segmentation: splits text into words, the first stage of every Gazette analyzer.
//! Offsets are byte offsets into the original text.
//!
//! The rules follow Unicode word boundaries (UAX #29) where news text needs them —
//! letters and digits with their combining marks form words, an apostrophe between
//! letters and a dot or comma between digits stay inside a word, each CJK ideograph is a
//! word — in one pass over the characters, which is several times faster than the full
//! UAX #29 state machine (a profile showed segmentation as the largest cost of indexing).

use tantivy_tokenizer_api::{Token, TokenStream, Tokenizer};
use unicode_normalization::char::is_combining_mark;

/// Splits text into words. Keeps apostrophes inside words (Ukrainian м'ясо, O'Brien) but
/// drops an English possessive `'s` from the token's span, so that "Kyiv's" is the word
/// "Kyiv" at the same bytes. Hyphenated words are split ("Kyiv-based" → Kyiv, based).
/// Letters joined by a dot stay one word only as initialisms ("U.S."); where the part
/// after the dot is a word of two or more letters they split ("м.Києва" → м, Києва;
/// "kiev.ua" → kiev, ua).
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

pub struct WordTokenStream<'a> {
    text: &'a str,
    /// Byte offset of the first character not yet read.
    at: usize,
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
            at: 0,
            token: &mut self.token,
            position: 0,
            pieces: Vec::new(),
        }
    }
}

/// Makes `token` the word `text` at bytes `from..to` and `position`, reusing its buffer
/// (shared by the tokenizers and filters that emit tokens of their own).
pub fn set_token(token: &mut Token, text: &str, from: usize, to: usize, position: usize) {
    token.text.clear();
    token.text.push_str(text);
    token.offset_from = from;
    token.offset_to = to;
    token.position = position;
    token.position_length = 1;
}

/// The length of a trailing possessive `'s` / `’s` on a word, if any.
fn possessive_len(word: &str) -> usize {
    if !word.ends_with(['s', 'S']) {
        return 0;
    }
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

/// Characters that make up words.
fn is_word_char(c: char) -> bool {
    cyrillic_letter(c) || c.is_alphanumeric() || (c > '\u{2ff}' && is_combining_mark(c))
}

/// The Cyrillic block's letters (all but its sign ҂ and its combining marks), tested
/// without Unicode's tables: half the text of a Russian or Ukrainian archive.
#[inline]
fn cyrillic_letter(c: char) -> bool {
    matches!(c, '\u{400}'..='\u{481}' | '\u{48a}'..='\u{52f}')
}

/// CJK ideographs and kana: each one is a word of its own (as in UAX #29).
fn is_ideographic(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2fa1f}')
}

impl WordTokenStream<'_> {
    /// The character at byte `i`, which must be a character boundary, if any. ASCII is
    /// read as a byte: most news text is ASCII, and decoding it was most of the cost of
    /// segmentation.
    #[inline]
    fn char_at(&self, i: usize) -> Option<char> {
        match self.text.as_bytes().get(i) {
            Some(&b) if b.is_ascii() => Some(b as char),
            Some(_) => self.text[i..].chars().next(),
            None => None,
        }
    }

    /// The next word's byte span, or `None` at the end of the text.
    fn next_word(&mut self) -> Option<(usize, usize)> {
        let bytes = self.text.as_bytes();
        let (start, first) = loop {
            // Skip ASCII that cannot start a word without decoding it.
            while bytes
                .get(self.at)
                .is_some_and(|b| b.is_ascii() && !b.is_ascii_alphanumeric())
            {
                self.at += 1;
            }
            let c = self.char_at(self.at)?;
            let i = self.at;
            self.at += c.len_utf8();
            if cyrillic_letter(c) || c.is_alphanumeric() {
                break (i, c);
            }
        };
        let mut end = self.at;
        if !first.is_ascii() && is_ideographic(first) {
            return Some((start, end));
        }
        let mut prev = first;
        while let Some(c) = self.char_at(self.at) {
            // ASCII letters and digits first: most of the text, and the cheapest test.
            if c.is_ascii_alphanumeric() || (!c.is_ascii() && is_word_char(c) && !is_ideographic(c))
            {
                self.at += c.len_utf8();
                end = self.at;
                prev = c;
                continue;
            }
            // A joiner stays inside the word when a word character follows it:
            // apostrophes between letters (м'ясо, O'Brien), dots between letters or
            // digits (U.S., 3.5), commas between digits (3,000).
            let joins = match c {
                '\'' | '’' | 'ʼ' => prev.is_alphabetic(),
                '.' => prev.is_alphanumeric(),
                ',' => prev.is_numeric(),
                _ => false,
            };
            if !joins {
                break;
            }
            let next = self.char_at(self.at + c.len_utf8());
            let ok = match (c, next) {
                ('\'' | '’' | 'ʼ', Some(n)) => n.is_alphabetic(),
                ('.', Some(n)) => {
                    (prev.is_alphabetic() && n.is_alphabetic())
                        || (prev.is_numeric() && n.is_numeric())
                }
                (',', Some(n)) => n.is_numeric(),
                _ => false,
            };
            if !ok {
                break;
            }
            self.at += c.len_utf8();
            prev = c;
        }
        // A joiner read but not followed by a word character is not part of the word;
        // reading resumes right after the word.
        self.at = end;
        Some((start, end))
    }
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let (start, end) = match self.pieces.pop() {
            Some(piece) => piece,
            None => {
                let Some((start, end)) = self.next_word() else {
                    return false;
                };
                let word = &self.text[start..end];
                let end = end - possessive_len(word);
                // Dotted words are rare: only they go through the piece stack.
                if self.text.as_bytes()[start..end].contains(&b'.') {
                    split_dotted(&self.text[start..end], start, &mut self.pieces);
                    self.pieces.pop().expect("a word has a piece")
                } else {
                    (start, end)
                }
            }
        };
        set_token(
            self.token,
            &self.text[start..end],
            start,
            end,
            self.position,
        );
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
    fn cyrillic_letters_are_unicodes() {
        for c in '\u{400}'..='\u{52f}' {
            assert_eq!(
                cyrillic_letter(c),
                c.is_alphabetic(),
                "{c:?} U+{:04X}",
                c as u32
            );
        }
    }

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
    fn numbers_cjk_marks_and_punctuation() {
        let toks = tokens(
            WordTokenizer::default(),
            "3,000 troops, 2.5% — 東京 Kijo\u{301}w 'quoted' rock'n'roll",
        );
        let got: Vec<_> = toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            got,
            [
                "3,000",
                "troops",
                "2.5",
                "東",
                "京",
                "Kijo\u{301}w",
                "quoted",
                "rock'n'roll"
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
