//! Typos and near-misses: the words of the index within an edit budget of a query word
//! (Damerau-Levenshtein: a transposition is one edit; tantivy's Levenshtein automaton
//! over the exact-spelling term dictionaries), the romanisation-blind key that makes
//! Klichko and Klitschko one name, `--fuzzy` (each word also matches its near words, at
//! a lower weight) and the "did you mean" suggestions of a search that finds little.

use serde::Serialize;

use tantivy::query::FuzzyTermQuery;
use tantivy::query_grammar::{self, UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::{Searcher, Term};

use crate::analysis;
use crate::index::GazetteIndex;

mod cost;
mod key_index;
mod keys;
mod near;

pub use cost::sound_key;
use cost::{cost, edits, TWO_EDITS_AT_LEAST};
pub use keys::write_table_keys;
pub use near::near_words;
use near::{near, sorted, Near};

/// The edits a word of this many letters tolerates, as Meilisearch counts them: none
/// below 5 letters, 1 from 5, 2 from 9; a different first letter counts as two (see
/// [`near_words`]).
pub fn budget(word: &str) -> u8 {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// How many near words one query word may expand to under `--fuzzy` (the most frequent
/// first): enough for the spellings of a name, not every rare typo of a common word.
const MAX_EXPANSIONS: usize = 24;
/// Weight of a near word against the word typed (or its aliases).
const FUZZY_BOOST: f64 = 0.3;

/// Keeps `cand` in `best` if it is within the budget and cheaper (then more frequent).
fn consider(best: &mut Option<(f32, u64, String)>, typed: &str, distance: u8, cand: &str, df: u64) {
    if df == 0 || cand == typed {
        return;
    }
    let Some(c) = within_budget(typed, cand, distance) else {
        return;
    };
    let better = match best {
        None => true,
        Some((bc, bdf, _)) => c < *bc || (c == *bc && df > *bdf),
    };
    if better {
        *best = Some((c, df, cand.to_string()));
    }
}

/// The [`cost`] of a candidate within the budget, `None` past it.
fn within_budget(typed: &str, cand: &str, distance: u8) -> Option<f32> {
    // Only a different first letter can make the edits exceed the budget where the
    // cost does not (and keying both words is the dearer part of `edits`).
    let other_first = typed.chars().next() != cand.chars().next();
    if other_first && edits(typed, cand) > distance {
        return None;
    }
    let c = cost(typed, cand);
    (c <= f32::from(distance)).then_some(c)
}

/// Articles that name the table entity `spelling` is a spelling of.
fn entity_articles(
    gi: &GazetteIndex,
    searcher: &Searcher,
    names: &mut tantivy::tokenizer::TextAnalyzer,
    spelling: &str,
) -> u64 {
    analysis::analyze(names, &styled_like("A", spelling))
        .iter()
        .filter(|t| t.text.starts_with(analysis::ENTITY_PREFIX))
        .map(|t| {
            searcher
                .doc_freq(&Term::from_field_text(gi.fields.body, &t.text))
                .unwrap_or(0)
        })
        .max()
        .unwrap_or(0)
}

/// Articles whose exact-spelling fields hold `word` (lower case).
fn word_articles(gi: &GazetteIndex, searcher: &Searcher, word: &str) -> u64 {
    [gi.fields.body_exact, gi.fields.title_exact]
        .iter()
        .map(|&f| {
            searcher
                .doc_freq(&Term::from_field_text(f, word))
                .unwrap_or(0)
        })
        .max()
        .unwrap_or(0)
}

/// One suggested query and how many articles it finds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suggestion {
    pub query: String,
    pub hits: usize,
}

/// The best correction of each query word the index does not hold, or `None` when every
/// word is there (then no suggestion is made, whatever the query finds). Candidates:
/// the index's words within the edit budget (at least one edit from 4 letters), and the
/// alias table's one-word spellings of the same romanisation-blind key or within the
/// budget; the cheapest wins, then the most frequent.
pub fn corrections(
    gi: &GazetteIndex,
    searcher: &Searcher,
    query: &str,
) -> Option<Vec<(String, String)>> {
    let (ast, errors) = query_grammar::parse_query_lenient(query);
    if !errors.is_empty() {
        return None;
    }
    let mut words = Vec::new();
    words_of(&ast, &mut words);
    let mut exact = analysis::exact_analyzer();
    let mut names = analysis::analyzer(&gi.table, analysis::NO_STEM);
    let mut fixes = Vec::new();
    for typed in words {
        let lower: String = analysis::analyze(&mut exact, &typed)
            .into_iter()
            .map(|t| t.text)
            .collect::<Vec<_>>()
            .join(" ");
        if lower.is_empty() || lower.contains(' ') || lower.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        // In the index, or a name of the table on its own (an entity term): no typo.
        let entity = analysis::analyze(&mut names, &typed)
            .iter()
            .any(|t| t.text.starts_with(analysis::ENTITY_PREFIX));
        // A word the index holds is a word, even in one article (an archive's own typo
        // "goverment" is in 8 of news-large's): no suggestion is made for it.
        if entity || word_articles(gi, searcher, &lower) > 0 {
            continue;
        }
        let distance = budget(&lower).max(u8::from(lower.chars().count() >= 4));
        let mut best: Option<(f32, u64, String)> = None;
        // One edit first, then a first letter's edit (a swap there, 0.85, may beat a
        // word one edit away): a word two edits away that starts as the word typed
        // does costs at least `TWO_EDITS_AT_LEAST`, so a nearer word that costs less
        // makes that search (most of a did-you-mean's time) pointless. What is
        // suggested is the same either way.
        let mut parts = vec![Near::SameFirst(1)];
        if distance >= 2 {
            parts.extend([Near::OtherFirst(1), Near::SameFirst(2)]);
        }
        for part in parts {
            if matches!(part, Near::SameFirst(2))
                && best.as_ref().is_some_and(|b| b.0 < TWO_EDITS_AT_LEAST)
            {
                break;
            }
            for (w, df) in sorted(&near(gi, searcher, &lower, part)) {
                consider(&mut best, &lower, distance, &w, df);
            }
        }
        let found_near = best.is_some();
        // The table adds the spellings of its names that the index's words lack (an
        // English archive that never writes "Kharkiv"), found by their romanisation-blind
        // keys within the budget. Only when the index has no near word: the table has
        // 109,000 one-word spellings to compare.
        if !found_near {
            let key = sound_key(&lower);
            let keys = keys::table_keys(&gi.table, Some(&gi.path));
            // The keys within the budget, walked through their index by the automaton
            // of the word's key (the same automaton `near` builds, and so cached).
            let term = Term::from_field_text(gi.fields.body_exact, &key);
            if let Ok(automaton) = FuzzyTermQuery::new(term, distance, true).automaton() {
                for (_, s) in keys.accepted(automaton) {
                    // The budget first: counting a spelling's articles analyses it.
                    if within_budget(&lower, s, distance).is_some() {
                        let df = entity_articles(gi, searcher, &mut names, s);
                        consider(&mut best, &lower, distance, s, df);
                    }
                }
            }
        }
        if let Some((_, _, fix)) = best {
            fixes.push((typed.clone(), styled_like(&typed, &fix)));
        }
    }
    Some(fixes)
}

/// `fix` written with the capitals of `typed` (Zelenksy → Zelensky, ZELENKSY → ZELENSKY).
fn styled_like(typed: &str, fix: &str) -> String {
    let letters: Vec<char> = typed.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        return fix.to_uppercase();
    }
    if letters.first().is_some_and(|c| c.is_uppercase()) {
        let mut cs = fix.chars();
        return cs
            .next()
            .map(|f| f.to_uppercase().chain(cs).collect())
            .unwrap_or_default();
    }
    fix.to_string()
}

/// The single words of a query that are not negated and not in a field other than the
/// text: the words a typo can be in.
fn words_of(ast: &UserInputAst, out: &mut Vec<String>) {
    match ast {
        UserInputAst::Clause(children) => {
            for (occur, child) in children {
                if !matches!(occur, Some(query_grammar::Occur::MustNot)) {
                    words_of(child, out);
                }
            }
        }
        UserInputAst::Boost(inner, _) => words_of(inner, out),
        UserInputAst::Leaf(leaf) => {
            if let UserInputLeaf::Literal(l) = leaf.as_ref() {
                if text_field(l) && !l.prefix {
                    // `word~N` asked for its near words already.
                    out.extend(
                        l.phrase
                            .split_whitespace()
                            .filter(|w| !w.contains('~'))
                            .map(str::to_string),
                    );
                }
            }
        }
    }
}

fn text_field(l: &UserInputLiteral) -> bool {
    matches!(l.field_name.as_deref(), None | Some("title" | "body"))
}

/// `--fuzzy`, and `word~N` on a single word: each such word of the query also matches
/// the index's words within the budget (or N edits, at most 2), most frequent first, at
/// [`FUZZY_BOOST`] of its weight, so that exact and alias matches rank first. The near
/// words are ordinary literals of the query: they are analysed, matched and highlighted
/// as the words typed are.
pub fn expand(ast: &mut UserInputAst, gi: &GazetteIndex, searcher: &Searcher, all_words: bool) {
    match ast {
        UserInputAst::Clause(children) => {
            for (occur, child) in children.iter_mut() {
                if !matches!(occur, Some(query_grammar::Occur::MustNot)) {
                    expand(child, gi, searcher, all_words);
                }
            }
        }
        UserInputAst::Boost(inner, _) => expand(inner, gi, searcher, all_words),
        UserInputAst::Leaf(leaf) => {
            let UserInputLeaf::Literal(l) = leaf.as_ref() else {
                return;
            };
            if !text_field(l) || l.prefix || l.phrase.contains(char::is_whitespace) {
                return;
            }
            // `word~N`: tantivy's grammar reads `~N` as part of a bare word (and as a
            // slop after a quoted one, meaningless on one word): either asks for N edits.
            let (word, asked) = match l.phrase.rsplit_once('~') {
                Some((w, n))
                    if !w.is_empty() && n.len() == 1 && n.as_bytes()[0].is_ascii_digit() =>
                {
                    (w.to_string(), Some((n.as_bytes()[0] - b'0').min(2)))
                }
                _ => (l.phrase.clone(), (l.slop > 0).then(|| l.slop.min(2) as u8)),
            };
            let distance = match (asked, all_words) {
                (None, false) => return,
                (None, true) => budget(&word),
                (Some(n), _) => n,
            };
            let lower = word.to_lowercase();
            // The closest near words only (within a quarter edit of the cheapest): a
            // typo of "negotiations" should not bring in "negotiators" as well.
            let mut near: Vec<(String, u64, f32)> = near_words(gi, searcher, &lower, distance)
                .into_iter()
                .filter(|(w, _)| *w != lower)
                .map(|(w, df)| {
                    let c = cost(&lower, &w);
                    (w, df, c)
                })
                .collect();
            let cheapest = near.iter().map(|n| n.2).fold(f32::INFINITY, f32::min);
            near.retain(|n| n.2 <= cheapest + 0.25);
            let mut plain = l.clone();
            plain.slop = 0;
            plain.phrase = word.clone();
            let mut alternatives: Vec<(Option<query_grammar::Occur>, UserInputAst)> = vec![(
                Some(query_grammar::Occur::Should),
                UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(plain.clone()))),
            )];
            for (w, _, _) in near.into_iter().take(MAX_EXPANSIONS) {
                let mut alt = plain.clone();
                // Written as the word was: a capital makes a name of the table match.
                alt.phrase = styled_like(&word, &w);
                alternatives.push((
                    Some(query_grammar::Occur::Should),
                    UserInputAst::Boost(
                        Box::new(UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(alt)))),
                        FUZZY_BOOST.into(),
                    ),
                ));
            }
            *ast = UserInputAst::Clause(alternatives);
        }
    }
}

/// The suggested query: `query` with each correction made, at word boundaries.
pub fn corrected(query: &str, fixes: &[(String, String)]) -> String {
    let mut out = query.to_string();
    for (typed, fix) in fixes {
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find(typed.as_str()) {
            let before = rest[..i].chars().last();
            let after = rest[i + typed.len()..].chars().next();
            let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
            result.push_str(&rest[..i]);
            if boundary(before) && boundary(after) {
                result.push_str(fix);
            } else {
                result.push_str(typed);
            }
            rest = &rest[i + typed.len()..];
        }
        result.push_str(rest);
        out = result;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_as_meilisearch() {
        assert_eq!(
            (
                budget("Kyiv"),
                budget("Odesa"),
                budget("Zelenksy"),
                budget("Klitschkos")
            ),
            (0, 1, 1, 2)
        );
    }

    #[test]
    fn a_typo_on_the_first_letter_counts_as_two() {
        assert_eq!(edits("xelensky", "zelensky"), 2);
        assert_eq!(edits("rpesident", "president"), 2);
        assert_eq!(edits("presdient", "president"), 1);
        // A romanisation is no typo (y, i and j are one sound).
        assert_eq!(edits("iakovlev", "yakovlev"), 0);
        // So a word of 5 to 8 letters, allowed one edit, gets none there; one of 9 or
        // more may spend both on it, and a swap (0.85) beats a plain edit (1.0).
        let mut best = None;
        consider(&mut best, "xelensky", budget("xelensky"), "zelensky", 10);
        assert_eq!(best, None);
        consider(&mut best, "rpesident", budget("rpesident"), "resident", 50);
        consider(&mut best, "rpesident", budget("rpesident"), "president", 10);
        assert_eq!(best.map(|b| b.2), Some("president".to_string()));
    }

    #[test]
    fn corrections_keep_the_query_around_them() {
        let fixes = vec![("Zelenksy".to_string(), "Zelensky".to_string())];
        assert_eq!(
            corrected("Zelenksy AND \"Zelenksy said\" Zelenksyy", &fixes),
            "Zelensky AND \"Zelensky said\" Zelenksyy"
        );
        assert_eq!(styled_like("ZELENKSY", "zelensky"), "ZELENSKY");
        assert_eq!(styled_like("Зеленськй", "зеленський"), "Зеленський");
    }
}
