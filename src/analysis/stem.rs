//! Stemming: reduces words to their stem in the article's language ("strikes" →
//! "strike"), the last stage. Entity terms (`@id`) are left alone so that stemming never
//! breaks canonicalisation; offsets are untouched so highlighting still lands on the
//! original bytes.

use std::borrow::Cow;

use rustc_hash::FxHashMap;
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
            cache: FxHashMap::default(),
        }
    }
}

/// Words stemmed so far, kept per analyzer: news text repeats its words (Zipf), and a
/// hash lookup costs a fraction of running the Snowball stemmer again. `None`: the word
/// is its own stem.
///
/// Keyed by the word's 64-bit hash, not the word: comparing keys then reads no memory
/// outside the table (with boxed words each lookup chased a pointer, the largest cost of
/// stemming). Two of the cache's at most 50,000 words share a hash with odds of about
/// 1 in 10^10, as for the alias table's word forms (see `compile::form_hash`).
type StemCache = FxHashMap<u64, Option<Box<str>>>;

/// The cache is emptied when it holds this many words, bounding its memory (a few MB).
const CACHE_WORDS: usize = 50_000;

pub struct StemTokenizer<T> {
    inner: T,
    algorithm: frostem::Algorithm,
    cache: StemCache,
}

/// A clone starts with an empty cache (tantivy clones an analyzer per indexing thread).
impl<T: Clone> Clone for StemTokenizer<T> {
    fn clone(&self) -> Self {
        StemTokenizer {
            inner: self.inner.clone(),
            algorithm: self.algorithm,
            cache: FxHashMap::default(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for StemTokenizer<T> {
    type TokenStream<'a> = StemStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.cache.len() >= CACHE_WORDS {
            self.cache.clear();
        }
        StemStream {
            text,
            tail: self.inner.token_stream(text),
            algorithm: self.algorithm,
            stemmer: frostem::Stemmer::new(self.algorithm),
            cache: &mut self.cache,
        }
    }
}

pub struct StemStream<'a, T> {
    text: &'a str,
    tail: T,
    algorithm: frostem::Algorithm,
    stemmer: frostem::Stemmer,
    cache: &'a mut StemCache,
}

/// Whether `word` is too short for the stemmer to change: the English algorithm leaves
/// words of one or two letters alone ("a", "of", "in", "us": a fifth of English news),
/// and the cache lookup for them cost more than the rest of stemming (its table, of tens
/// of thousands of words, is rarely in cache while tantivy indexes).
fn short_word_stays(algorithm: frostem::Algorithm, word: &str) -> bool {
    algorithm == frostem::Algorithm::English && word.len() <= 2
}

thread_local! {
    /// The first letters (a–z, one bit each) of the terms the tokens analysed now are
    /// compared with, and [`GATED`], while [`only_first_letters`] runs; 0 when not set.
    static WANTED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// The bit of [`WANTED`] saying that the gate is on (with no letter bit: no term at all,
/// as when a passage is analysed for its entity marks only).
const GATED: u32 = 1 << 31;

/// The bit of a first letter in [`WANTED`]: an ASCII letter, lower case; other first
/// characters have none (their words are always stemmed).
fn letter_bit(c: u8) -> u32 {
    if c.is_ascii_lowercase() {
        1 << (c - b'a')
    } else {
        0
    }
}

/// Runs `f` with English stemming skipped for the words whose first letter begins none
/// of `terms`: the caller only looks for tokens equal to (or starting with) one of them,
/// and an English stem begins with its word's first letter (Porter2 rewrites suffixes
/// only, after R1; its exceptions keep the first letter too: *dying* → *die*), so such
/// a word could not become one. Passages stem only the words they could mark: a
/// tenth of a 10× `search market` process was stemming words no query term starts
/// like, and passages analysed for their entity marks alone stem nothing that starts
/// with a–z. A term that starts with anything but a–z turns the gate off (then every
/// word is stemmed).
pub fn only_first_letters<'t, R>(
    terms: impl IntoIterator<Item = &'t str>,
    f: impl FnOnce() -> R,
) -> R {
    let mut wanted = GATED;
    // An entity term matches only an entity token, which is never stemmed.
    for t in terms.into_iter().filter(|t| !t.starts_with(ENTITY_PREFIX)) {
        match t.bytes().next().map(letter_bit) {
            Some(0) | None => return f(),
            Some(bit) => wanted |= bit,
        }
    }
    /// Puts the gate back as it was, a panic in `f` included.
    struct Restore(u32);
    impl Drop for Restore {
        fn drop(&mut self) {
            WANTED.set(self.0);
        }
    }
    let _restore = Restore(WANTED.replace(wanted));
    f()
}

/// Whether a word need not be stemmed (see [`only_first_letters`]).
fn unwanted(algorithm: frostem::Algorithm, word: &str) -> bool {
    let wanted = WANTED.get();
    wanted != 0
        && algorithm == frostem::Algorithm::English
        && word
            .bytes()
            .next()
            .is_some_and(|c| letter_bit(c) != 0 && letter_bit(c) & wanted == 0)
}

/// Whether a Russian word is written as a surname: capitalised, with a surname suffix
/// (-ов, -ев, -ин and their case forms: Умеров, Умерова, Ивановым). Such a word is not
/// stemmed: the stemmer would make it a common word (Умеров → умер "died"). Its case
/// forms then differ as terms; recognised names (`ner`) join them by key.
fn written_as_surname(algorithm: frostem::Algorithm, original: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "ов", "ев", "ёв", "ин", "ын", "ова", "ева", "ёва", "ина", "ына", "ову", "еву", "ину",
        "ыну", "овым", "евым", "иным", "ыным", "овой", "евой", "иной", "ыной", "ове", "еве", "ине",
        "ыне", "овы", "евы", "иных", "овых", "евых",
    ];
    algorithm == frostem::Algorithm::Russian
        && original.chars().next().is_some_and(char::is_uppercase)
        && original.chars().count() > 4
        && {
            let lower = original.to_lowercase();
            SUFFIXES.iter().any(|s| lower.ends_with(s))
        }
}

impl<T: TokenStream> TokenStream for StemStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let short_stays = short_word_stays(self.algorithm, &self.tail.token().text)
            || unwanted(self.algorithm, &self.tail.token().text);
        let token = self.tail.token_mut();
        if token.text.starts_with(ENTITY_PREFIX) || short_stays {
            return true;
        }
        let original = self
            .text
            .get(token.offset_from..token.offset_to)
            .unwrap_or("");
        if written_as_surname(self.algorithm, original) {
            return true;
        }
        let key = xxhash_rust::xxh3::xxh3_64(token.text.as_bytes());
        if let Some(cached) = self.cache.get(&key) {
            if let Some(stem) = cached {
                token.text.clear();
                token.text.push_str(stem);
            }
            return true;
        }
        // A borrowed stem may still be shorter than the word (a prefix of it).
        let stemmed: Option<Box<str>> = match self.stemmer.stem(&token.text) {
            Cow::Borrowed(s) if s.len() == token.text.len() => None,
            other => Some(other.into()),
        };
        self.cache.insert(key, stemmed.clone());
        if let Some(stem) = stemmed {
            token.text.clear();
            token.text.push_str(&stem);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::segment::WordTokenizer;
    use crate::analysis::tests::tokens;
    use tantivy::tokenizer::TextAnalyzer;

    fn stems(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        crate::analysis::analyze(analyzer, text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    /// The English stemmer leaves every word of one or two letters as it is, so the
    /// stream need not ask it (see `short_word_stays`).
    #[test]
    fn english_short_words_are_their_own_stems() {
        let stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
        let letters: Vec<char> = ('a'..='z')
            .chain('0'..='9')
            .chain(['é', 'ß', 'и', '\''])
            .collect();
        let mut words: Vec<String> = letters.iter().map(|c| c.to_string()).collect();
        for a in &letters {
            for b in &letters {
                words.push(format!("{a}{b}"));
            }
        }
        for w in words.iter().filter(|w| w.len() <= 2) {
            assert_eq!(stemmer.stem(w), w.as_str(), "{w:?}");
        }
    }

    /// What [`only_first_letters`] rests on: an English stem begins with its word's
    /// first letter when that is a–z (the gate passes every other word to the stemmer,
    /// which strips a leading apostrophe: *'not* → *not*), over every word of the
    /// bundled English corpus and the stemmer's exceptions.
    #[test]
    fn english_stems_keep_the_first_letter() {
        let stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/news-en.jsonl"),
        )
        .unwrap();
        let extra = "dying lying tying skies skis idly gently ugly early only singly news \
                     yelling Yves ying yyy y's 'tis";
        let mut n = 0;
        for w in text
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .chain(extra.split(' '))
            .map(str::to_lowercase)
            .filter(|w| w.starts_with(|c: char| c.is_ascii_lowercase()))
        {
            let stem = stemmer.stem(&w);
            assert_eq!(stem.chars().next(), w.chars().next(), "{w:?} → {stem:?}");
            n += 1;
        }
        assert!(n > 100_000, "{n} words");
    }

    /// Words whose first letter no term has are left unstemmed, and only in English;
    /// the others stem as always.
    #[test]
    fn only_words_that_could_match_are_stemmed() {
        let mut an = TextAnalyzer::builder(WordTokenizer::default())
            .filter(StemFilter(frostem::Algorithm::English))
            .build();
        let text = "markets rallied as striking workers marked the market";
        let all = stems(&mut an, text);
        assert_eq!(
            all,
            ["market", "ralli", "as", "strike", "worker", "mark", "the", "market"]
        );
        let gated = only_first_letters(["market"], || stems(&mut an, text));
        assert_eq!(
            gated,
            ["market", "rallied", "as", "striking", "workers", "mark", "the", "market"]
        );
        assert_eq!(stems(&mut an, text), all, "the gate ends with the call");
        // No term at all (a passage analysed for its entity marks): nothing is stemmed.
        let none: [&str; 0] = [];
        assert_eq!(
            only_first_letters(none, || stems(&mut an, text)),
            text.split(' ').collect::<Vec<_>>()
        );
        // Entity terms do not count: entity tokens are never stemmed.
        assert_eq!(
            only_first_letters(["market", "@kyiv"], || stems(&mut an, text)),
            gated
        );
        // A term that starts with anything but a–z turns the gate off.
        assert_eq!(
            only_first_letters(["market", "3d"], || stems(&mut an, text)),
            all
        );
        let mut ru = TextAnalyzer::builder(WordTokenizer::default())
            .filter(StemFilter(frostem::Algorithm::Russian))
            .build();
        let before = stems(&mut ru, "ёлки палки");
        assert_eq!(
            only_first_letters(["market"], || stems(&mut ru, "ёлки палки")),
            before
        );
    }

    /// Cached stems are the stemmer's: a word seen before (in this text or an earlier
    /// one) stems as it did the first time, and words that are their own stem stay.
    #[test]
    fn cached_stems_equal_fresh_ones() {
        let text = "strikes hit the striking workers; strikes again, news";
        let fresh: Vec<String> = tokens(
            StemFilter(frostem::Algorithm::English).transform(WordTokenizer::default()),
            text,
        )
        .into_iter()
        .map(|t| t.text)
        .collect();
        assert_eq!(fresh[0], "strike");
        assert_eq!(fresh[5], "strike");
        let mut an = TextAnalyzer::builder(WordTokenizer::default())
            .filter(StemFilter(frostem::Algorithm::English))
            .build();
        assert_eq!(stems(&mut an, text), fresh);
        assert_eq!(stems(&mut an, text), fresh, "second pass, from the cache");
    }
}
