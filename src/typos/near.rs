//! The words of the index near a query word: the exact-spelling term dictionaries
//! streamed through a Levenshtein automaton, in parts by first letter, and kept per
//! searcher for the rest of the search.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::query::FuzzyTermQuery;
use tantivy::{Searcher, Term};

use crate::index::GazetteIndex;

/// The words of the exact-spelling fields within `distance` edits of `word` (lower
/// case), a different first letter counting as two edits, as Meilisearch counts it,
/// with the number of articles holding each, most frequent first. People rarely
/// mistype the letter a word starts with, and the rule is what keeps the search cheap
/// (see [`Near`]).
pub fn near_words(
    gi: &GazetteIndex,
    searcher: &Searcher,
    word: &str,
    distance: u8,
) -> Vec<(String, u64)> {
    let mut parts = vec![Near::SameFirst(distance)];
    if distance >= 2 {
        parts.push(Near::OtherFirst(distance - 1));
    }
    let mut found: HashMap<String, u64> = HashMap::new();
    for part in parts {
        for (w, &df) in near(gi, searcher, word, part).iter() {
            let e = found.entry(w.clone()).or_default();
            *e = (*e).max(df);
        }
    }
    sorted(&found)
}

/// A part of a word's near words, streamed on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Near {
    /// Within this many edits, starting with the word's first letter: a range of the
    /// term dictionary, streamed through the automaton alone (a twentieth of the
    /// dictionary for a common letter, where a distance-2 automaton over the whole of
    /// it was two thirds of a `--fuzzy` search).
    SameFirst(u8),
    /// Within this many edits, the first letter's among them: the rest of the
    /// dictionary, whose branches the automaton cuts after the first letter but for a
    /// few exact paths at distance 1.
    OtherFirst(u8),
}

/// The words of `part` with the number of articles holding each, streamed once per
/// searcher: a `--fuzzy` search expands its words, then "did you mean" looks at the same
/// words' near words (the one-edit part then read from the two-edit one, as the
/// automaton's distance is [`strsim::osa_distance`]; a unit test holds it).
pub(super) fn near(gi: &GazetteIndex, searcher: &Searcher, word: &str, part: Near) -> Found {
    let segments = searcher.generation().segments();
    let (kept, two) = {
        let mut memo = MEMO.lock().unwrap_or_else(|e| e.into_inner());
        if memo.segments != *segments {
            *memo = Memo {
                segments: segments.clone(),
                parts: Vec::new(),
            };
        }
        (memo.get(word, part), memo.get(word, Near::SameFirst(2)))
    };
    if let Some(found) = kept {
        return found;
    }
    // Streamed without the lock: searches on other threads need not wait for it.
    let found = Arc::new(match (part, two) {
        (Near::SameFirst(1), Some(two)) => two
            .iter()
            .filter(|(w, _)| strsim::osa_distance(word, w) <= 1)
            .map(|(w, &df)| (w.clone(), df))
            .collect(),
        _ => stream(gi, searcher, word, part),
    });
    let mut memo = MEMO.lock().unwrap_or_else(|e| e.into_inner());
    if memo.segments == *segments {
        if memo.parts.len() >= MEMO_PARTS {
            memo.parts.clear();
        }
        memo.parts.push((word.to_string(), part, found.clone()));
    }
    found
}

/// The near words streamed for the searcher of these segments (a process that searches
/// another index, or the same after a job, starts afresh).
struct Memo {
    segments: BTreeMap<SegmentId, Option<u64>>,
    parts: Vec<(String, Near, Found)>,
}

/// Near words with the number of articles holding each.
type Found = Arc<HashMap<String, u64>>;

impl Memo {
    fn get(&self, word: &str, part: Near) -> Option<Found> {
        self.parts
            .iter()
            .find(|(w, p, _)| w == word && *p == part)
            .map(|(_, _, found)| found.clone())
    }
}

static MEMO: Mutex<Memo> = Mutex::new(Memo {
    segments: BTreeMap::new(),
    parts: Vec::new(),
});
/// Parts kept at most (a query's words, three parts each; a long-lived process that
/// searches many queries starts afresh past it).
const MEMO_PARTS: usize = 64;

/// The words of `part`, streamed from the exact-spelling fields' term dictionaries.
fn stream(gi: &GazetteIndex, searcher: &Searcher, word: &str, part: Near) -> HashMap<String, u64> {
    let mut found: HashMap<String, u64> = HashMap::new();
    let (Near::SameFirst(d) | Near::OtherFirst(d)) = part;
    let Some(first) = word.chars().next().filter(|_| d > 0) else {
        return found;
    };
    // [from, to): the words that start with `first` (no UTF-8 byte is 0xFF).
    let from = first.to_string().into_bytes();
    let mut to = from.clone();
    if let Some(last) = to.last_mut() {
        *last += 1;
    }
    // The automaton is the word's, whatever field the term names: built once for both
    // fields.
    let term = Term::from_field_text(gi.fields.body_exact, word);
    let Ok(automaton) = FuzzyTermQuery::new(term, d, true).automaton() else {
        return found;
    };
    for field in [gi.fields.body_exact, gi.fields.title_exact] {
        for reader in searcher.segment_readers() {
            let Ok(inverted) = reader.inverted_index(field) else {
                continue;
            };
            let terms = inverted.terms();
            let streams = match part {
                Near::SameFirst(_) => vec![terms.search(&automaton).ge(&from).lt(&to)],
                Near::OtherFirst(_) => vec![
                    terms.search(&automaton).lt(&from),
                    terms.search(&automaton).ge(&to),
                ],
            };
            for builder in streams {
                let Ok(mut stream) = builder.into_stream() else {
                    continue;
                };
                while stream.advance() {
                    if let Ok(w) = std::str::from_utf8(stream.key()) {
                        let df = u64::from(stream.value().doc_freq);
                        let e = found.entry(w.to_string()).or_default();
                        // A word in a title and a body of one article counts once per
                        // field; the larger field count is the better estimate.
                        *e = (*e).max(df);
                    }
                }
            }
        }
    }
    found
}

/// Words with their article counts, most frequent first.
pub(super) fn sorted(found: &HashMap<String, u64>) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = found.iter().map(|(w, &df)| (w.clone(), df)).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use tantivy_fst::{IntoStreamer, Map, Streamer};

    use super::super::key_index::key_lines;
    use super::super::keys::BUILTIN_KEYS;
    use super::*;

    fn accepted(set: &Map<Vec<u8>>, word: &str, d: u8) -> Vec<String> {
        let term = Term::from_field_text(tantivy::schema::Field::from_field_id(0), word);
        let automaton = FuzzyTermQuery::new(term, d, true).automaton().unwrap();
        let mut stream = set.search(automaton).into_stream();
        let mut out = Vec::new();
        while let Some((w, _)) = stream.next() {
            out.push(String::from_utf8(w.to_vec()).unwrap());
        }
        out
    }

    #[test]
    fn one_edit_words_are_the_two_edit_words_one_edit_away() {
        // The table's spellings, Latin and Cyrillic, as a dictionary; typed words are
        // some of them with a letter dropped, two swapped or one doubled.
        let mut words: Vec<&str> = key_lines(BUILTIN_KEYS).map(|(_, s)| s).collect();
        words.sort_unstable();
        words.dedup();
        let set = Map::from_iter(words.iter().map(|w| (w, 0))).unwrap();
        let mut checked = 0;
        for w in words.iter().step_by(2_503) {
            let cs: Vec<char> = w.chars().collect();
            let mut typed = vec![w.to_string(), cs[1..].iter().collect()];
            if cs.len() > 3 {
                let mut swapped = cs.clone();
                swapped.swap(1, 2);
                typed.push(swapped.into_iter().collect());
                let mut doubled = cs.clone();
                doubled.insert(2, cs[2]);
                typed.push(doubled.into_iter().collect());
            }
            for t in typed {
                let one = accepted(&set, &t, 1);
                let derived: Vec<String> = accepted(&set, &t, 2)
                    .into_iter()
                    .filter(|w| strsim::osa_distance(&t, w) <= 1)
                    .collect();
                assert_eq!(one, derived, "{t}");
                checked += one.len();
            }
        }
        assert!(checked > 100, "{checked}");
    }
}
