//! Near-duplicate stories: a signature of each article's salient terms, computed at
//! index time, and the similarity used at query time to group passages of articles that
//! report the same story ("+2 similar").
//!
//! Salient terms are what a rewrite of the same report keeps: names (entity terms, so
//! Kiev and Kyiv count as one), other capitalised words, and numbers of two or more
//! digits (270 prisoners, 1,000), taken from the title and the lead (the first 2,000
//! bytes). The signature is the sorted set of 32-bit hashes of those terms (at most
//! [`MAX_TERMS`]); two articles are *similar* when the Jaccard index of their sets is at
//! least [`SIMILAR`]. Exact sets rather than a MinHash sketch: a query compares at most a
//! few dozen candidates, and an estimate's noise (±0.05 with 64 values) was enough to
//! group unrelated articles that share a few country names. Measured on
//! `news-large.jsonl`, 0.07% of random article pairs reach 0.25, while the two seed
//! articles (the same prisoner swap, one saying Kiev, the other Kyiv) are above it.

use std::hash::{Hash, Hasher};

use tantivy::tokenizer::Token;

use crate::analysis::normalize::{normalize_into, Fold};
use crate::analysis::ENTITY_PREFIX;

/// Most salient terms kept per article (the lead of a story has far fewer).
pub const MAX_TERMS: usize = 256;
/// Jaccard similarity from which two articles are the same story.
pub const SIMILAR: f32 = 0.25;
/// Salient terms two articles must share to be the same story, whatever their Jaccard
/// index: two headlines that both name Kyiv and nothing else are not one story.
pub const MIN_SHARED: usize = 3;

/// The salient terms of a text, given its tokens from the alias-aware analyzer.
pub fn salient_terms(text: &str, tokens: &[Token]) -> Vec<String> {
    let mut out: Vec<String> = tokens
        .iter()
        .filter_map(|t| salient_term(text, t))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The salient term a token of `text` gives, if it is salient: an entity term, a
/// capitalised word (normalised but not stemmed, so that the signature does not depend
/// on the stemmer of the article's language), or a number of two or more digits
/// (`#digits`).
pub fn salient_term(text: &str, t: &Token) -> Option<String> {
    let mut term = String::new();
    write_salient(text, t, &mut term).then_some(term)
}

/// The hash of [`salient_term`] as [`Signature`] takes it, written through `buf` with no
/// allocation of its own: the indexer asks this of every token of every lead.
pub fn salient_hash(text: &str, t: &Token, buf: &mut String) -> Option<u32> {
    write_salient(text, t, buf).then(|| term_hash(buf))
}

/// Writes the salient term of `t` into `buf` (cleared first); false when there is none.
fn write_salient(text: &str, t: &Token, buf: &mut String) -> bool {
    buf.clear();
    let Some(original) = text.get(t.offset_from..t.offset_to) else {
        return false;
    };
    if t.text.starts_with(ENTITY_PREFIX) {
        buf.push_str(&t.text);
        return true;
    }
    // Most words: neither a number nor capitalised.
    if original
        .as_bytes()
        .first()
        .is_none_or(u8::is_ascii_lowercase)
    {
        return false;
    }
    if original.bytes().any(|b| b.is_ascii_digit())
        && original
            .chars()
            .all(|c| c.is_ascii_digit() || ",.".contains(c))
    {
        buf.push('#');
        buf.extend(original.chars().filter(char::is_ascii_digit));
        return buf.len() >= 3;
    }
    let mut chars = original.chars();
    let capitalised = chars.next().is_some_and(char::is_uppercase)
        && chars.clone().count() >= 2
        && chars.any(char::is_lowercase);
    if capitalised {
        normalize_into(original, Fold::CaseAndDiacritics, buf);
    }
    capitalised
}

/// A salient term's 32-bit hash.
fn term_hash(term: &str) -> u32 {
    let mut h = rustc_hash::FxHasher::default();
    term.hash(&mut h);
    let v = h.finish();
    (v ^ (v >> 32)) as u32
}

/// The sorted, deduplicated 32-bit hashes of an article's salient terms.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature(pub Vec<u32>);

impl Signature {
    /// The signature of a set of terms; `None` for an empty set (nothing to compare).
    pub fn of(terms: &[String]) -> Option<Signature> {
        Signature::from_hashes(terms.iter().map(|t| term_hash(t)).collect())
    }

    /// The signature of terms given by their hashes (see [`salient_hash`]), in any order
    /// and repeated or not; `None` for none.
    pub fn from_hashes(mut hashes: Vec<u32>) -> Option<Signature> {
        if hashes.is_empty() {
            return None;
        }
        hashes.sort_unstable();
        hashes.dedup();
        hashes.truncate(MAX_TERMS);
        Some(Signature(hashes))
    }

    /// Jaccard similarity of the two term sets; 0 when they share fewer than
    /// [`MIN_SHARED`] terms.
    pub fn similarity(&self, other: &Signature) -> f32 {
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j, mut both) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    both += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        let union = a.len() + b.len() - both;
        if union == 0 || both < MIN_SHARED {
            0.0
        } else {
            both as f32 / union as f32
        }
    }

    /// A 64-bit key of the whole set, never 0 (which stands for no signature): equal
    /// keys are equal sets, for all practical purposes, and equal sets are the same story
    /// when they hold [`MIN_SHARED`] terms or more (see [`Signature::folds_by_key`]).
    pub fn key(&self) -> u64 {
        xxhash_rust::xxh3::xxh3_64(&self.to_bytes()).max(1)
    }

    /// Whether an article with this signature is the same story as any other with the
    /// same key (Jaccard 1 needs [`MIN_SHARED`] terms, as [`Signature::similarity`]).
    pub fn folds_by_key(&self) -> bool {
        self.0.len() >= MIN_SHARED
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Signature> {
        if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
            return None;
        }
        Some(Signature(
            bytes
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keys_are_equal_for_equal_sets_and_never_zero() {
        let a = Signature::of(&terms(&["Kyiv", "Zelensky", "270"])).unwrap();
        let b = Signature::of(&terms(&["270", "Zelensky", "Kyiv", "Kyiv"])).unwrap();
        let c = Signature::of(&terms(&["Kyiv", "Zelensky", "271"])).unwrap();
        assert_eq!(a.key(), b.key());
        assert_ne!(a.key(), c.key());
        assert_ne!(a.key(), 0);
        assert!(a.folds_by_key());
        assert!(!Signature::of(&terms(&["Kyiv", "Zelensky"]))
            .unwrap()
            .folds_by_key());
    }

    #[test]
    fn similarity_is_jaccard() {
        let a: Vec<String> = (0..100).map(|i| format!("t{i}")).collect();
        let b: Vec<String> = (50..150).map(|i| format!("t{i}")).collect();
        let (sa, sb) = (Signature::of(&a).unwrap(), Signature::of(&b).unwrap());
        let est = sa.similarity(&sb);
        assert!((est - 1.0 / 3.0).abs() < 0.01, "{est}");
        assert_eq!(sa.similarity(&sa), 1.0);
        assert_eq!(Signature::from_bytes(&sa.to_bytes()), Some(sa));
        assert!(Signature::of(&terms(&[])).is_none());
    }

    #[test]
    fn headlines_sharing_a_name_or_two_are_not_one_story() {
        let a = Signature::of(&terms(&["@kyiv"])).unwrap();
        let b = Signature::of(&terms(&["@kyiv", "Strikes"])).unwrap();
        assert_eq!(a.similarity(&b), 0.0);
        let c = Signature::of(&terms(&["@kyiv", "Strikes", "270"])).unwrap();
        let d = Signature::of(&terms(&["@kyiv", "Strikes", "270", "Monday"])).unwrap();
        assert_eq!(c.similarity(&d), 0.75);
    }

    #[test]
    fn salient_terms_are_names_and_numbers() {
        let text = "Russia freed 270 soldiers and 1,000 more in Kyiv on day 5.";
        let toks: Vec<Token> = text
            .split(' ')
            .scan(0, |pos, w| {
                let from = text.find(w).unwrap();
                let w = w.trim_end_matches('.');
                *pos += 1;
                Some(Token {
                    offset_from: from,
                    offset_to: from + w.len(),
                    position: *pos,
                    text: if w == "Kyiv" {
                        "@kyiv".into()
                    } else {
                        w.to_lowercase()
                    },
                    position_length: 1,
                })
            })
            .collect();
        assert_eq!(
            salient_terms(text, &toks),
            terms(&["#1000", "#270", "@kyiv", "russia"])
        );
    }

    /// The indexer hashes salient terms without building them: the signatures it stores
    /// are those of the terms, on real text (a change would make old and new articles of
    /// one story fail to fold together).
    #[test]
    fn hashed_salient_terms_give_the_same_signature() {
        let table = crate::analysis::AliasTable::builtin();
        let mut checked = 0;
        for (file, lang) in [("news-en.jsonl", "en"), ("telegram-ru.jsonl", "ru")] {
            let text = std::fs::read_to_string(std::path::Path::new("corpus").join(file)).unwrap();
            let mut an = crate::analysis::analyzer(&table, lang);
            for line in text.lines() {
                let toks = crate::analysis::analyze(&mut an, line);
                let mut buf = String::new();
                let hashes: Vec<u32> = toks
                    .iter()
                    .filter_map(|t| salient_hash(line, t, &mut buf))
                    .collect();
                let of_terms = Signature::of(&salient_terms(line, &toks));
                assert_eq!(Signature::from_hashes(hashes), of_terms, "{line}");
                checked += usize::from(of_terms.is_some());
            }
        }
        assert!(checked > 800, "{checked}");
    }
}
