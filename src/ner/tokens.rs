//! The tagger's view of a text: its words (the analyzers' segmentation, so a recognised
//! name lands on the same bytes as an index term) with what lies between them.

use tantivy::tokenizer::{TokenStream, Tokenizer};

use crate::analysis::segment::WordTokenizer;

/// One word of the text. Nothing is copied: most words are never looked at closely.
#[derive(Clone, Copy, Debug)]
pub struct Word<'a> {
    /// Byte offsets into the text.
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    /// Where the previous word ends (the gap before this word is `gap_from..start`).
    pub gap_from: usize,
    /// Whether the word starts with a capital letter.
    pub caps: bool,
}

impl Word<'_> {
    /// The non-space characters between the previous word and this one (at most
    /// three), and whether that gap holds a line break.
    pub fn gap(&self, text: &str) -> (String, bool) {
        (self.gap_chars(text).collect(), self.gap_breaks_line(text))
    }

    /// The characters of [`Word::gap`], for callers that keep them without allocating.
    pub fn gap_chars<'t>(&self, text: &'t str) -> impl Iterator<Item = char> + 't {
        text[self.gap_from..self.start]
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(3)
    }

    /// Whether the gap before the word holds a line break.
    pub fn gap_breaks_line(&self, text: &str) -> bool {
        text[self.gap_from..self.start].contains('\n')
    }

    /// Whether only white space lies between the previous word and this one: the two
    /// may be one name.
    pub fn joined(&self, text: &str) -> bool {
        self.gap_chars(text).next().is_none()
    }

    /// Whether the word opens a sentence (`first`: it opens the text), so that it is
    /// capitalised whatever it is: after a line break, a sentence's end, a colon or an
    /// opening quote.
    pub fn opens(&self, text: &str, first: bool) -> bool {
        first
            || self.gap_breaks_line(text)
            || self
                .gap_chars(text)
                .any(|c| matches!(c, '.' | '!' | '?' | ':' | '"' | '«' | '“'))
    }
}

/// The words of `text`, in order.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut out: Vec<Word> = Vec::with_capacity(text.len() / 6);
    let mut seg = WordTokenizer::default();
    let mut stream = seg.token_stream(text);
    let mut prev_end = 0;
    while stream.advance() {
        let t = stream.token();
        let (start, end) = (t.offset_from, t.offset_to);
        out.push(Word {
            start,
            end,
            text: &text[start..end],
            gap_from: prev_end.min(start),
            caps: capitalised(&text[start..end]),
        });
        prev_end = end;
    }
    out
}

/// A word's shape: runs of upper-case letters `X`, lower-case `x`, digits `d`, other
/// characters themselves; runs longer than two are cut to two ("Kyiv" → "Xxx",
/// "NATO" → "XX", "2024" → "dd", "O'Brien" → "X'Xx").
pub fn shape(word: &str) -> String {
    shape_chars(word).collect()
}

/// The characters of a word's [`shape`].
pub fn shape_chars(word: &str) -> impl Iterator<Item = char> + '_ {
    let (mut last, mut run) = ('\0', 0);
    word.chars().filter_map(move |c| {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        };
        if s == last {
            run += 1;
            if run >= 2 {
                return None;
            }
        } else {
            run = 0;
            last = s;
        }
        Some(s)
    })
}

/// Whether a word starts with an upper-case letter.
pub fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_gaps() {
        assert_eq!(shape("Kyiv"), "Xxx");
        assert_eq!(shape("NATO"), "XX");
        assert_eq!(shape("2024"), "dd");
        assert_eq!(shape("Iskander-M"), "Xxx-X");
        let text = "Said «Газпром».\nThe";
        let w = words(text);
        let texts: Vec<&str> = w.iter().map(|w| w.text).collect();
        assert_eq!(texts, ["Said", "Газпром", "The"]);
        assert_eq!(w[1].gap(text), ("«".to_string(), false));
        assert_eq!(w[2].gap(text), ("».".to_string(), true));
    }
}
