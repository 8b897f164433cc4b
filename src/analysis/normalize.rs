//! Normalisation: lower case and Latin diacritic folding (Kijów = Kijow), the second
//! stage. Cyrillic keeps its letters (й, ї are letters, not accents) but ё folds to е
//! as Russian writers use them interchangeably. Offsets are never touched.
//!
//! When indexing, the same pass also writes each word folded for case only — the terms
//! of the exact-spelling fields — into an [`ExactSink`], so that no text is segmented
//! twice.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tantivy_tokenizer_api::{Token, TokenFilter, TokenStream, Tokenizer};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// How much a token is normalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fold {
    /// Lower case only: the exact-spelling fields keep diacritics.
    Case,
    /// Lower case and diacritics folded: the alias-aware fields.
    CaseAndDiacritics,
}

/// Normalises `src` into `out` (cleared first).
pub fn normalize_into(src: &str, fold: Fold, out: &mut String) {
    out.clear();
    normalize_append(src, fold, out);
}

/// Normalises `src` onto the end of `out`.
fn normalize_append(src: &str, fold: Fold, out: &mut String) {
    let mut prev_latin = false;
    for c in src.chars() {
        // Fast paths for the two scripts of nearly every word (same results as the
        // general path below, which looks each character up in Unicode's case tables):
        // ASCII, and the 64 basic Cyrillic letters А–я.
        if c.is_ascii() {
            let lc = c.to_ascii_lowercase();
            out.push(if lc == '`' { '\'' } else { lc });
            prev_latin = lc.is_ascii_alphabetic();
            continue;
        }
        if ('А'..='я').contains(&c) {
            out.push(if c <= 'Я' {
                char::from_u32(c as u32 + 0x20).unwrap_or(c)
            } else {
                c
            });
            prev_latin = false;
            continue;
        }
        for lc in c.to_lowercase() {
            let folded = fold == Fold::CaseAndDiacritics;
            match lc {
                '’' | 'ʼ' | 'ʻ' | '`' | '´' => out.push('\''),
                'ё' => out.push('е'),
                _ if !folded => out.push(lc),
                'ß' => out.push_str("ss"),
                'ł' => out.push('l'),
                'đ' | 'ð' => out.push('d'),
                'ø' => out.push('o'),
                'æ' => out.push_str("ae"),
                'œ' => out.push_str("oe"),
                'ı' => out.push('i'),
                'þ' => out.push_str("th"),
                _ if is_latin_extended(lc) => {
                    decompose_canonical(lc, |d| {
                        if !is_combining_mark(d) {
                            out.push(d)
                        }
                    });
                }
                // Decomposed input (NFD): drop marks that follow a Latin letter.
                _ if prev_latin && is_combining_mark(lc) => continue,
                _ => out.push(lc),
            }
            prev_latin = lc.is_ascii_alphabetic() || is_latin_extended(lc);
        }
    }
}

/// Normalises a whole string (used to build alias keys the same way as tokens).
pub fn normalize(src: &str, fold: Fold) -> String {
    let mut out = String::with_capacity(src.len());
    normalize_into(src, fold, &mut out);
    out
}

fn is_latin_extended(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}

/// Token filter applying [`normalize_into`].
#[derive(Clone, Copy)]
pub struct Normalizer(pub Fold);

impl TokenFilter for Normalizer {
    type Tokenizer<T: Tokenizer> = NormalizerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> NormalizerFilter<T> {
        NormalizerFilter::new(inner, self.0, None)
    }
}

/// Receives the exact-spelling terms of every text a [`NormalizerAndExact`] filter
/// reads: each word folded for case only ([`Fold::Case`]), in order, separated by
/// spaces, as `analysis::terms::TermsTokenizer` splits them (words hold no space).
/// Shared with the filter; [`ExactSink::take`] empties it after each text. A stream holds
/// the sink while it is open: one text at a time (the indexer's way), or a second stream
/// would wait for the first.
#[derive(Clone, Default)]
pub struct ExactSink(Arc<Mutex<String>>);

impl ExactSink {
    /// The terms written since the last call.
    pub fn take(&self) -> String {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, String> {
        // The string is only appended to: a panic elsewhere cannot leave it inconsistent.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Token filter folding case and diacritics, like `Normalizer(Fold::CaseAndDiacritics)`,
/// that also writes the exact-spelling terms into its sink.
#[derive(Clone)]
pub struct NormalizerAndExact(pub ExactSink);

impl TokenFilter for NormalizerAndExact {
    type Tokenizer<T: Tokenizer> = NormalizerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> NormalizerFilter<T> {
        NormalizerFilter::new(inner, Fold::CaseAndDiacritics, Some(self.0))
    }
}

#[derive(Clone)]
pub struct NormalizerFilter<T> {
    inner: T,
    fold: Fold,
    buffer: String,
    exact: Option<ExactSink>,
}

impl<T> NormalizerFilter<T> {
    fn new(inner: T, fold: Fold, exact: Option<ExactSink>) -> Self {
        NormalizerFilter {
            inner,
            fold,
            buffer: String::new(),
            exact,
        }
    }
}

impl<T: Tokenizer> Tokenizer for NormalizerFilter<T> {
    type TokenStream<'a> = NormalizerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        NormalizerStream {
            tail: self.inner.token_stream(text),
            fold: self.fold,
            buffer: &mut self.buffer,
            // Locked once for the whole text, not once per word.
            exact: self.exact.as_ref().map(ExactSink::lock),
        }
    }
}

pub struct NormalizerStream<'a, T> {
    tail: T,
    fold: Fold,
    buffer: &'a mut String,
    exact: Option<MutexGuard<'a, String>>,
}

impl<T: TokenStream> TokenStream for NormalizerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(exact) = &mut self.exact {
            if !exact.is_empty() {
                exact.push(' ');
            }
        }
        // ASCII lower case needs no allocation: the common case in English news. (No
        // ASCII character that `normalize_into` maps otherwise occurs inside a word.)
        if token.text.is_ascii() {
            token.text.make_ascii_lowercase();
            if let Some(exact) = &mut self.exact {
                exact.push_str(&token.text);
            }
            return true;
        }
        if let Some(exact) = &mut self.exact {
            normalize_append(&token.text, Fold::Case, exact);
        }
        normalize_into(&token.text, self.fold, self.buffer);
        std::mem::swap(&mut token.text, self.buffer);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_paths_lower_case_as_unicode_does() {
        for c in ('\0'..='\u{7f}').chain('А'..='я') {
            let want = if c == '`' {
                "'".to_string()
            } else {
                c.to_lowercase().to_string()
            };
            for fold in [Fold::Case, Fold::CaseAndDiacritics] {
                assert_eq!(normalize(&c.to_string(), fold), want, "{c:?}");
            }
        }
        // A combining mark after an ASCII letter still goes (NFD input).
        assert_eq!(normalize("Kijo\u{301}w", Fold::CaseAndDiacritics), "kijow");
    }

    #[test]
    fn folds_latin_keeps_cyrillic() {
        assert_eq!(normalize("Kijów", Fold::CaseAndDiacritics), "kijow");
        assert_eq!(normalize("Łódź", Fold::CaseAndDiacritics), "lodz");
        assert_eq!(normalize("Kijów", Fold::Case), "kijów");
        assert_eq!(normalize("Київ", Fold::CaseAndDiacritics), "київ");
        assert_eq!(normalize("Зелёный", Fold::CaseAndDiacritics), "зеленый");
        assert_eq!(normalize("Kyiv’s", Fold::CaseAndDiacritics), "kyiv's");
        // NFD input folds like NFC input.
        assert_eq!(normalize("Kijo\u{301}w", Fold::CaseAndDiacritics), "kijow");
    }

    #[test]
    fn the_exact_sink_gets_the_words_folded_for_case_only() {
        use crate::analysis::segment::WordTokenizer;
        use tantivy_tokenizer_api::TokenFilter;

        let sink = ExactSink::default();
        let tokenizer = NormalizerAndExact(sink.clone()).transform(WordTokenizer::default());
        let text = "KIJÓW, Kyiv’s mayor; Зелёный";
        let terms: Vec<String> = crate::analysis::tests::tokens(tokenizer, text)
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(terms, ["kijow", "kyiv", "mayor", "зеленый"]);
        assert_eq!(sink.take(), "kijów kyiv mayor зеленый");
        assert_eq!(sink.take(), "");
    }
}
