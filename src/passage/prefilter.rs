//! Which sentences of a body may hold a match, found before the costly analyser stages.

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use tantivy::tokenizer::{TextAnalyzer, TokenStream, Tokenizer};

use super::{Literal, Mark};
use crate::analysis::normalize::{normalize, Fold};
use crate::analysis::segment::WordTokenizer;
use crate::analysis::ENTITY_PREFIX;

/// Up to how many bytes of keys the byte search is a DFA (see [`Prefilter::new`]).
const DFA_KEY_BYTES: usize = 64;

/// Which sentences of a body can hold a match, found without the costly stages of the
/// analyzer. Words are segmented and normalised (the first, cheap stages); a word can
/// only analyse to a query term if it starts with that term's *key*, and only such words
/// are stemmed to check; an entity term can only come from a word whose alias-table form
/// belongs to one of that entity's spellings. Only the sentences holding a candidate are
/// then analysed in full (which also settles names of several words). Re-analysing
/// whole bodies was most of a search.
///
/// Keys: the term itself where nothing changes words after normalisation (exact mode,
/// unstemmed languages); the stem less its last character for English and Russian,
/// whose Snowball stemmers strip endings and change at most the last letter of what
/// remains ("happi" ← happy, "hope" ← hoping, "possibl" ← possibility, "sky" ← skies).
/// Other stemmers rewrite letters inside the word (German ß → ss): their articles are
/// analysed in full.
pub struct Prefilter {
    /// (key, term as the scan sees it, the term is a prefix).
    terms: Vec<(String, String, bool)>,
    /// Word classes of the entities the query names (sorted).
    classes: Vec<u32>,
    stemmer: Option<frostem::Stemmer>,
    /// The keys and the first words of the entities' spellings, found in text
    /// case-insensitively: set when all of them are ASCII letters and digits. See
    /// [`Prefilter::candidates`].
    ascii: Option<AhoCorasick>,
    /// Every literal is one word (no phrase, no name): a word the byte search finds is
    /// a match as it stands unless it may belong to a name. The literal of each term.
    direct: Option<Vec<usize>>,
    /// Whether the analyzer canonicalises names (not the exact-spelling one).
    aliases: bool,
}

/// A sentence that may hold a match (see [`Prefilter::candidates`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Candidate {
    /// To be analysed in full.
    Analyse(usize),
    /// Its matches, found without analysing it (offsets in the body).
    Found(usize, Vec<Mark>),
}

impl Candidate {
    pub fn sentence(&self) -> usize {
        match self {
            Candidate::Analyse(i) | Candidate::Found(i, _) => *i,
        }
    }
}

impl Prefilter {
    /// The prefilter for literals analysed for stemming group `group` (`None` for the
    /// exact analyzer); `None` when the group's stemmer does not allow one.
    pub fn new(
        literals: &[Literal],
        group: Option<&str>,
        table: &crate::analysis::AliasTable,
    ) -> Option<Prefilter> {
        let algorithm = match group {
            None | Some(crate::analysis::NO_STEM) => None,
            Some(g @ ("en" | "ru")) => crate::analysis::stem::algorithm_for(g),
            Some(_) => return None,
        };
        let mut terms = Vec::new();
        let mut classes = Vec::new();
        // The first words of the named entities' spellings, for the byte search (Latin
        // words have no inflected forms: in text whose letters are ASCII, an entity's
        // words are exactly its spellings' words), and whether they all are plain ASCII
        // words.
        let mut entity_keys: Vec<String> = Vec::new();
        let mut entity_keys_ok = true;
        let mut literal_of = Vec::new();
        // Exact-mode terms keep their diacritics, which the byte search cannot see: a
        // word found for "kijów" may be "Kijow", no match in exact mode.
        let direct_ok = literals.iter().all(|l| {
            l.terms.len() == 1
                && l.terms
                    .iter()
                    .all(|t| !t.starts_with(ENTITY_PREFIX) && (group.is_some() || t.is_ascii()))
        });
        for (li, lit) in literals.iter().enumerate() {
            for (i, term) in lit.terms.iter().enumerate() {
                if let Some(id) = term.strip_prefix(ENTITY_PREFIX) {
                    classes.extend(table.classes_of(id));
                    let Some(entity) = table.entity(id) else {
                        entity_keys_ok = false;
                        continue;
                    };
                    let spellings = std::iter::once(&entity.name)
                        .chain(&entity.spellings)
                        .chain(&entity.cased);
                    for spelling in spellings {
                        match crate::analysis::compile::words_of(spelling)
                            .into_iter()
                            .next()
                        {
                            // Cannot occur in text whose letters are ASCII.
                            Some(w) if !w.is_ascii() => {}
                            Some(w) if w.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                                entity_keys.push(w)
                            }
                            Some(_) => entity_keys_ok = false,
                            None => {}
                        }
                    }
                    continue;
                }
                let prefix = lit.prefix && i + 1 == lit.terms.len();
                // Exact-mode terms keep their diacritics; the scan folds them.
                let folded = normalize(term, Fold::CaseAndDiacritics);
                let key: String = if algorithm.is_some() {
                    let n = folded.chars().count();
                    folded.chars().take(n.saturating_sub(1).max(1)).collect()
                } else {
                    folded.clone()
                };
                terms.push((key, folded, prefix));
                literal_of.push(li);
            }
        }
        classes.sort_unstable();
        classes.dedup();
        entity_keys.sort_unstable();
        entity_keys.dedup();
        let ascii_keys = (!terms.is_empty() || !entity_keys.is_empty())
            && entity_keys_ok
            && terms
                .iter()
                .all(|(k, _, _)| !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric()));
        // A search scans a few articles: the DFA the builder picks for up to a hundred
        // keys scans fastest, but building it for an alias's spellings (every case form
        // of Kyiv) cost more than all the scanning it sped up, so many keys get a
        // contiguous NFA (a fresh `search Kiev`: 5.7% fewer instructions; two words
        // stay with the DFA, which scanned them 2% faster).
        let key_bytes: usize = terms.iter().map(|(k, _, _)| k.len()).sum::<usize>()
            + entity_keys.iter().map(|k| k.len()).sum::<usize>();
        let kind = if key_bytes <= DFA_KEY_BYTES {
            AhoCorasickKind::DFA
        } else {
            AhoCorasickKind::ContiguousNFA
        };
        let ascii = ascii_keys
            .then(|| {
                AhoCorasick::builder()
                    .kind(Some(kind))
                    .ascii_case_insensitive(true)
                    .build(terms.iter().map(|(k, _, _)| k).chain(&entity_keys))
                    .ok()
            })
            .flatten();
        Some(Prefilter {
            terms,
            classes,
            stemmer: algorithm.map(frostem::Stemmer::new),
            ascii,
            direct: direct_ok.then_some(literal_of),
            aliases: group.is_some(),
        })
    }

    /// The sentences (from [`sentences`](super::sentences)) that hold a candidate word, in order.
    /// `normalizer` segments and normalises only (see `analysis::normalizer`).
    ///
    /// A body whose letters are all ASCII (most of an English archive) is not segmented:
    /// the keys are searched for in its bytes, and only the words where one starts are
    /// looked at. Case is the only normalisation such text can need. When the query is
    /// single words, the words found are its matches, unless one may belong to a name
    /// (the analyzer would make it part of the name's term): only such sentences are
    /// left to analyse.
    pub fn candidates(
        &self,
        normalizer: &mut TextAnalyzer,
        table: &crate::analysis::AliasTable,
        body: &str,
        sents: &[(usize, usize, usize)],
    ) -> Vec<Candidate> {
        if let Some(keys) = &self.ascii {
            if letters_are_ascii(body) {
                return self.ascii_candidates(keys, table, body, sents);
            }
        }
        self.segmenting_candidates(normalizer, table, body, sents)
            .into_iter()
            .map(Candidate::Analyse)
            .collect()
    }

    /// [`Prefilter::candidates`] by segmenting and normalising the body.
    fn segmenting_candidates(
        &self,
        normalizer: &mut TextAnalyzer,
        table: &crate::analysis::AliasTable,
        body: &str,
        sents: &[(usize, usize, usize)],
    ) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let mut stream = normalizer.token_stream(body);
        let mut at = 0; // sentences before `at` end before the current token
        while stream.advance() {
            let t = stream.token();
            while at < sents.len() && sents[at].1 <= t.offset_from {
                at += 1;
            }
            if at == sents.len() {
                break;
            }
            if out.last() == Some(&at) || t.offset_to <= sents[at].0 {
                continue;
            }
            if self.is_candidate(&t.text, table) {
                out.push(at);
            }
        }
        out
    }

    /// [`Prefilter::candidates`] for a body with ASCII letters only.
    fn ascii_candidates(
        &self,
        keys: &AhoCorasick,
        table: &crate::analysis::AliasTable,
        body: &str,
        sents: &[(usize, usize, usize)],
    ) -> Vec<Candidate> {
        let mut words = WordTokenizer::default();
        let mut out: Vec<Candidate> = Vec::new();
        let mut at = 0; // sentences before `at` end before the current match
        for m in keys.find_iter(body) {
            let i = m.start();
            while at < sents.len() && sents[at].1 <= i {
                at += 1;
            }
            if at == sents.len() {
                break;
            }
            let last = out.last().filter(|c| c.sentence() == at);
            if matches!(last, Some(Candidate::Analyse(_))) || i < sents[at].0 {
                continue;
            }
            if last.is_some() && self.direct.is_none() {
                continue;
            }
            let before = body[..i].chars().next_back();
            let found = match before {
                // Inside a word: no word starts here.
                Some(c) if c.is_ascii_alphanumeric() => continue,
                // After a joiner a word may have begun earlier ("o'trade"): the
                // sentence is analysed in full rather than guessed at.
                Some('.' | ',' | '\'' | '’' | 'ʼ') => None,
                _ => {
                    // The word that starts here, as segmentation cuts it.
                    let mut stream = words.token_stream(&body[i..]);
                    if !stream.advance() {
                        continue;
                    }
                    let token = stream.token_mut();
                    token.text.make_ascii_lowercase();
                    match &self.direct {
                        Some(literal_of) => {
                            let literals = self.direct_marks(literal_of, &token.text);
                            if literals.is_empty() {
                                continue;
                            }
                            // A word of a name may become part of the name's term.
                            (!self.aliases || !may_join_a_name(table, &token.text, body, i)).then(
                                || {
                                    let (from, to) = (i + token.offset_from, i + token.offset_to);
                                    literals
                                        .into_iter()
                                        .map(|literal| Mark {
                                            start: from,
                                            end: to,
                                            literal,
                                            entity: None,
                                            name: None,
                                        })
                                        .collect()
                                },
                            )
                        }
                        None if self.is_candidate(&token.text, table) => None,
                        None => continue,
                    }
                }
            };
            match (found, out.last_mut().filter(|c| c.sentence() == at)) {
                (None, Some(last)) => *last = Candidate::Analyse(at),
                (None, None) => out.push(Candidate::Analyse(at)),
                (Some(marks), Some(Candidate::Found(_, found))) => found.extend(marks),
                (Some(marks), _) => out.push(Candidate::Found(at, marks)),
            }
        }
        // In the order full analysis gives them: by literal, then by place.
        for c in &mut out {
            if let Candidate::Found(_, marks) = c {
                marks.sort_by_key(|m| (m.literal, m.start));
            }
        }
        out
    }

    /// The literals a word found by the byte search matches (see
    /// [`Prefilter::direct`]), in order.
    fn direct_marks(&self, literal_of: &[usize], word: &str) -> Vec<usize> {
        let mut literals: Vec<usize> = self.matching_terms(word).map(|i| literal_of[i]).collect();
        literals.dedup();
        literals
    }

    /// The indices of the terms `word` matches: it starts with the term's key, and its
    /// stem is the term (or starts with it, for the last word of a prefix literal). The
    /// word is stemmed once, and only if a key fits.
    fn matching_terms<'a>(&'a self, word: &'a str) -> impl Iterator<Item = usize> + 'a {
        let mut stem: Option<std::borrow::Cow<'a, str>> = None;
        self.terms
            .iter()
            .enumerate()
            .filter_map(move |(i, (key, term, prefix))| {
                if !word.starts_with(key.as_str()) {
                    return None;
                }
                let s = stem.get_or_insert_with(|| match &self.stemmer {
                    Some(st) => st.stem(word),
                    None => std::borrow::Cow::Borrowed(word),
                });
                let hit = if *prefix {
                    s.starts_with(term.as_str())
                } else {
                    s == term
                };
                hit.then_some(i)
            })
    }

    fn is_candidate(&self, word: &str, table: &crate::analysis::AliasTable) -> bool {
        if self.matching_terms(word).next().is_some() {
            return true;
        }
        !self.classes.is_empty()
            && table
                .form(word)
                .is_some_and(|f| self.classes.binary_search(&f.class).is_ok())
    }
}

/// Whether `word`, starting at byte `at` of an ASCII-lettered `body`, may become part
/// of an entity's term: it is a word of some spelling, and either begins one, or
/// follows a word that is a word of some spelling too ("Said" in "Port Said", not in
/// "he said"). A big table has common words inside its names ("Market Harborough").
fn may_join_a_name(table: &crate::analysis::AliasTable, word: &str, body: &str, at: usize) -> bool {
    let Some(form) = table.form(word) else {
        return false;
    };
    if table.keys_from(form.class).1 > 0 {
        return true;
    }
    let before = body[..at].trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    let start = before
        .rfind(|c: char| !c.is_ascii_alphanumeric())
        .map_or(0, |p| p + 1);
    let previous = before[start..].to_ascii_lowercase();
    !previous.is_empty() && table.form(&previous).is_some()
}

/// Whether every letter, digit and combining mark of `text` is ASCII (punctuation, such
/// as curly quotes and dashes, may be anything).
fn letters_are_ascii(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|b| !b.is_ascii()) {
        i += off;
        let c = text[i..].chars().next().expect("a character starts here");
        if c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) {
            return false;
        }
        i += c.len_utf8();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passage::{find_matches, sentences, spots};

    /// The sentences the prefilter keeps are exactly those where the full analyzer finds
    /// a match, through stemming (hoping → hope, skies → sky, possibilities → possibl)
    /// and aliases (Kiev → @kyiv).
    #[test]
    fn prefilter_keeps_the_sentences_that_match() {
        let table = crate::analysis::AliasTable::builtin();
        let body = "Markets rallied on Monday.\nHe was hoping for a deal.\nThe skies over Kiev \
                    cleared.\nNothing here.\nPossibilities abound in Kyiv's markets.";
        let sents = sentences(body, 200);
        let mut full = crate::analysis::analyzer(&table, "en");
        let mut normalizer = crate::analysis::normalizer();
        for (query, expected) in [
            ("market", vec![0, 4]),
            ("hope", vec![1]),
            ("sky", vec![2]),
            ("Kyiv", vec![2, 4]),
            ("possibility", vec![4]),
            ("deal", vec![1]),
            ("rally*", vec![0]),
        ] {
            let (word, prefix) = match query.strip_suffix('*') {
                Some(w) => (w, true),
                None => (query, false),
            };
            let lits = vec![Literal {
                terms: crate::analysis::analyze(&mut full, word)
                    .into_iter()
                    .map(|t| t.text)
                    .collect(),
                prefix,
                slop: 0,
                weight: 1.0,
                key: String::new(),
            }];
            let truth: Vec<usize> = (0..sents.len())
                .filter(|&i| {
                    let text = &body[sents[i].0..sents[i].1];
                    !find_matches(&spots(&mut full, text, &lits, false), &lits).is_empty()
                })
                .collect();
            assert_eq!(truth, expected, "{query}: full analysis");
            let pf = Prefilter::new(&lits, Some("en"), &table).unwrap();
            let kept: Vec<usize> = pf
                .candidates(&mut normalizer, &table, body, &sents)
                .iter()
                .map(Candidate::sentence)
                .collect();
            assert_eq!(kept, expected, "{query}: prefilter");
        }
        // German stemming rewrites letters inside words: no prefilter.
        assert!(Prefilter::new(&[], Some("de"), &table).is_none());
    }

    /// In exact mode a term with diacritics is never matched by the byte search itself.
    #[test]
    fn exact_mode_leaves_diacritics_to_analysis() {
        let table = crate::analysis::AliasTable::builtin();
        let mut normalizer = crate::analysis::normalizer();
        let body = "Kijow went quiet. Nothing else.";
        let sents = sentences(body, 200);
        let lits = vec![Literal {
            terms: vec!["kijów".to_string()],
            prefix: false,
            slop: 0,
            weight: 1.0,
            key: String::new(),
        }];
        let pf = Prefilter::new(&lits, None, &table).unwrap();
        let kept = pf.candidates(&mut normalizer, &table, body, &sents);
        assert_eq!(kept, vec![Candidate::Analyse(0)]);
    }

    /// The byte search for ASCII bodies keeps every sentence the segmenting scan keeps
    /// (and, after a joiner, perhaps one more), on the bundled English articles, for
    /// words and for names; the matches it finds without analysis are exactly those full
    /// analysis finds.
    #[test]
    fn ascii_prefilter_agrees_with_the_segmenting_one() {
        let table = crate::analysis::AliasTable::builtin();
        let mut full = crate::analysis::analyzer(&table, "en");
        let mut normalizer = crate::analysis::normalizer();
        let text = std::fs::read_to_string("corpus/news-en.jsonl").unwrap();
        let bodies: Vec<String> = text
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["body"].as_str().unwrap_or("").to_string()
            })
            .chain([
                "O'Market rose. A market.com deal. US-markets fell. Submarkets, MARKETS! \
                 The marketing of 3,market."
                    .to_string(),
            ])
            .collect();
        let (mut ascii_bodies, mut kept, mut extra, mut found_directly) = (0, 0, 0, 0);
        let queries = [
            "market",
            "trade",
            "said",
            "oil",
            "rates",
            "hope",
            "possibility",
            "rally",
            "Kiev",
            "Moscow",
            "Germany",
            "Putin",
            "London",
            "Saudi Arabia",
        ];
        for query in queries {
            let lits = vec![Literal {
                terms: crate::analysis::analyze(&mut full, query)
                    .into_iter()
                    .map(|t| t.text)
                    .collect(),
                prefix: query == "rally",
                slop: 0,
                weight: 1.0,
                key: String::new(),
            }];
            let fast = Prefilter::new(&lits, Some("en"), &table).unwrap();
            assert!(fast.ascii.is_some(), "{query}: {lits:?}");
            let mut slow = Prefilter::new(&lits, Some("en"), &table).unwrap();
            slow.ascii = None;
            let names = lits[0].terms[0].starts_with(ENTITY_PREFIX);
            for body in &bodies {
                let sents = sentences(body, 200);
                let fast_found = fast.candidates(&mut normalizer, &table, body, &sents);
                let a: Vec<usize> = fast_found.iter().map(Candidate::sentence).collect();
                let b: Vec<usize> = slow
                    .candidates(&mut normalizer, &table, body, &sents)
                    .iter()
                    .map(Candidate::sentence)
                    .collect();
                let matches_in = |full: &mut TextAnalyzer, i: usize| -> Vec<Mark> {
                    let (from, to, _) = sents[i];
                    find_matches(&spots(full, &body[from..to], &lits, false), &lits)
                        .into_iter()
                        .map(|m| Mark {
                            start: m.start + from,
                            end: m.end + from,
                            ..m
                        })
                        .collect()
                };
                // Every sentence with a match is kept; matches found without analysis
                // are those analysis finds.
                for i in 0..sents.len() {
                    let truth = matches_in(&mut full, i);
                    match fast_found.iter().find(|c| c.sentence() == i) {
                        Some(Candidate::Found(_, marks)) => {
                            assert_eq!(*marks, truth, "{query}: sentence {i} of {body}");
                            found_directly += 1;
                        }
                        Some(Candidate::Analyse(_)) => {}
                        None => assert!(truth.is_empty(), "{query}: sentence {i} of {body}"),
                    }
                }
                ascii_bodies += usize::from(letters_are_ascii(body));
                if names {
                    // The segmenting scan keeps any word of any spelling ("of" in
                    // "Federal Republic of Germany"); the byte search only first words.
                    continue;
                }
                assert!(
                    b.iter().all(|i| a.contains(i)),
                    "{query}: {a:?} {b:?} in {body}"
                );
                kept += b.len();
                extra += a.len() - b.len();
            }
        }
        assert!(ascii_bodies > 1000, "{ascii_bodies}");
        assert!(extra * 100 <= kept, "{extra} extra sentences of {kept}");
        assert!(found_directly * 2 > kept, "{found_directly} of {kept}");
    }
}
