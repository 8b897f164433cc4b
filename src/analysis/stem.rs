//! Stemming: reduces words to their stem in the article's language ("strikes" →
//! "strike"), the last stage. Entity terms (`@id`) are left alone so that stemming never
//! breaks canonicalisation; offsets are untouched so highlighting still lands on the
//! original bytes.

use std::borrow::Cow;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::alias::ENTITY_PREFIX;

/// Languages Gazette stems: those tantivy stems, by ISO 639-1 code.
pub const STEMMED: &[(&str, frostem::Algorithm)] = &[
    ("ar", frostem::Algorithm::Arabic),
    ("da", frostem::Algorithm::Danish),
    ("de", frostem::Algorithm::German),
    ("el", frostem::Algorithm::Greek),
    ("en", frostem::Algorithm::English),
    ("es", frostem::Algorithm::Spanish),
    ("fi", frostem::Algorithm::Finnish),
    ("fr", frostem::Algorithm::French),
    ("hu", frostem::Algorithm::Hungarian),
    ("it", frostem::Algorithm::Italian),
    ("nl", frostem::Algorithm::Dutch),
    ("no", frostem::Algorithm::Norwegian),
    ("nb", frostem::Algorithm::Norwegian),
    ("pt", frostem::Algorithm::Portuguese),
    ("ro", frostem::Algorithm::Romanian),
    ("ru", frostem::Algorithm::Russian),
    ("sv", frostem::Algorithm::Swedish),
    ("ta", frostem::Algorithm::Tamil),
    ("tr", frostem::Algorithm::Turkish),
];

/// The stemming algorithm for a language code, if Gazette stems it.
pub fn algorithm_for(lang: &str) -> Option<frostem::Algorithm> {
    STEMMED.iter().find(|(c, _)| *c == lang).map(|(_, a)| *a)
}

/// Token filter stemming every word but entity terms.
#[derive(Clone, Copy)]
pub struct StemFilter(pub frostem::Algorithm);

impl TokenFilter for StemFilter {
    type Tokenizer<T: Tokenizer> = StemTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> StemTokenizer<T> {
        StemTokenizer {
            inner,
            algorithm: self.0,
        }
    }
}

#[derive(Clone)]
pub struct StemTokenizer<T> {
    inner: T,
    algorithm: frostem::Algorithm,
}

impl<T: Tokenizer> Tokenizer for StemTokenizer<T> {
    type TokenStream<'a> = StemStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemStream {
            tail: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(self.algorithm),
        }
    }
}

pub struct StemStream<T> {
    tail: T,
    stemmer: frostem::Stemmer,
}

impl<T: TokenStream> TokenStream for StemStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if token.text.starts_with(ENTITY_PREFIX) {
            return true;
        }
        // A borrowed stem may still be shorter than the word (a prefix of it).
        let stemmed = match self.stemmer.stem(&token.text) {
            Cow::Borrowed(s) if s.len() == token.text.len() => None,
            other => Some(other.into_owned()),
        };
        if let Some(stemmed) = stemmed {
            token.text = stemmed;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}
