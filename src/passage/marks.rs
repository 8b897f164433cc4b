//! The tokens of a text that passages care about, and the match and entity marks made of them.

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream};

use super::{Literal, Mark};
use crate::analysis::ENTITY_PREFIX;
use rustc_hash::FxHashSet as HashSet;

/// A token passages care about: one that matches a query literal's term, or an entity
/// term; `index` is its place among all the tokens of the text (the words of a phrase
/// must be adjacent).
#[derive(Clone, Debug)]
pub struct Spot {
    pub token: Token,
    pub index: usize,
}

/// Runs `analyzer` over `text` and keeps the [`Spot`]s: tokens equal to a literal's term
/// (or starting with it, for the last term of a prefix literal), and entity terms when
/// `entities` is set. Other tokens are not copied: most of a body matches nothing, and
/// copying every token was a large share of a search's time.
pub fn spots(
    analyzer: &mut TextAnalyzer,
    text: &str,
    literals: &[Literal],
    entities: bool,
) -> Vec<Spot> {
    let keep = Keep::new(literals, entities);
    let terms = literals
        .iter()
        .flat_map(|l| l.terms.iter().map(String::as_str));
    // Only a literal's terms are looked for (entity terms are never stemmed): a word
    // no term starts like need not be stemmed.
    crate::analysis::stem::only_first_letters(terms, || {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        let mut index = 0;
        while stream.advance() {
            let t = stream.token();
            if keep.keeps(t) {
                out.push(Spot {
                    token: t.clone(),
                    index,
                });
            }
            index += 1;
        }
        out
    })
}

/// Every token of `text`: what [`spots_of`] keeps the spots of, for several queries
/// over one text (alerts: one article, every watch matching it).
pub fn all_tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

/// The [`spots`] among tokens [`all_tokens`] analysed.
pub fn spots_of(tokens: &[Token], literals: &[Literal], entities: bool) -> Vec<Spot> {
    let keep = Keep::new(literals, entities);
    tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| keep.keeps(t))
        .map(|(index, t)| Spot {
            token: t.clone(),
            index,
        })
        .collect()
}

/// Which tokens are spots: a literal's term (or, for the last term of a prefix
/// literal, a token starting with it), and entity terms when asked for.
struct Keep<'a> {
    exact: HashSet<&'a str>,
    prefixes: Vec<&'a str>,
    entities: bool,
}

impl<'a> Keep<'a> {
    fn new(literals: &'a [Literal], entities: bool) -> Keep<'a> {
        Keep {
            exact: literals
                .iter()
                .flat_map(|l| l.terms.iter().map(String::as_str))
                .collect(),
            prefixes: literals
                .iter()
                .filter(|l| l.prefix)
                .filter_map(|l| l.terms.last().map(String::as_str))
                .collect(),
            entities,
        }
    }

    fn keeps(&self, t: &Token) -> bool {
        self.exact.contains(t.text.as_str())
            || (self.entities && t.text.starts_with(ENTITY_PREFIX))
            || self.prefixes.iter().any(|p| t.text.starts_with(p))
    }
}

/// Finds every occurrence of every literal among the spots of a text. Phrases only
/// match at consecutive positions, so their words scattered elsewhere are not marked.
pub fn find_matches(spots: &[Spot], literals: &[Literal]) -> Vec<Mark> {
    let mut out = Vec::new();
    for (li, lit) in literals.iter().enumerate() {
        let n = lit.terms.len();
        if n == 0 || spots.len() < n {
            continue;
        }
        let term_ok = |t: &Token, k: usize| {
            if k + 1 == n && lit.prefix {
                t.text.starts_with(lit.terms[k].as_str())
            } else {
                t.text == lit.terms[k]
            }
        };
        for i in 0..spots.len() {
            if !term_ok(&spots[i].token, 0) {
                continue;
            }
            // The phrase's words in order, each after the previous (the very next token
            // without slop), all within n + slop positions of the first.
            let limit = spots[i].token.position + n - 1 + lit.slop as usize;
            let mut last = i;
            let mut k = 1;
            while k < n {
                let Some(next) = (last + 1..spots.len())
                    .take_while(|&j| {
                        spots[j].token.position <= limit
                            && (lit.slop > 0 || spots[j].index == spots[last].index + 1)
                    })
                    .find(|&j| term_ok(&spots[j].token, k))
                else {
                    break;
                };
                last = next;
                k += 1;
            }
            if k == n {
                out.push(Mark {
                    start: spots[i].token.offset_from,
                    end: spots[last].token.offset_to,
                    literal: li,
                    entity: entity_id(&spots[i].token.text).filter(|_| n == 1),
                    name: None,
                });
            }
        }
    }
    out.sort_by_key(|m| (m.start, m.end));
    out
}

/// Every entity occurrence among the spots of a text.
pub fn find_entities(spots: &[Spot]) -> Vec<Mark> {
    spots
        .iter()
        .filter_map(|s| {
            entity_id(&s.token.text).map(|id| Mark {
                start: s.token.offset_from,
                end: s.token.offset_to,
                literal: usize::MAX,
                entity: Some(id),
                name: None,
            })
        })
        .collect()
}

fn entity_id(term: &str) -> Option<String> {
    term.strip_prefix(ENTITY_PREFIX).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(text: &str, pos: usize, from: usize, to: usize) -> Spot {
        Spot {
            token: Token {
                offset_from: from,
                offset_to: to,
                position: pos,
                text: text.into(),
                position_length: 1,
            },
            index: pos,
        }
    }

    #[test]
    fn phrases_match_only_consecutive_words() {
        let toks = vec![
            tok("prisoner", 0, 0, 8),
            tok("of", 1, 9, 11),
            tok("swap", 2, 12, 16),
            tok("prisoner", 3, 17, 25),
            tok("swap", 4, 26, 30),
        ];
        let mut lit = Literal {
            terms: vec!["prisoner".into(), "swap".into()],
            prefix: false,
            slop: 0,
            weight: 1.0,
            key: String::new(),
        };
        let m = find_matches(&toks, &[lit.clone()]);
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].start, m[0].end), (17, 30));
        // With slop 1, "prisoner of swap" matches too.
        lit.slop = 1;
        let m = find_matches(&toks, &[lit]);
        assert_eq!(
            m.iter().map(|m| (m.start, m.end)).collect::<Vec<_>>(),
            [(0, 16), (17, 30)]
        );
    }
}
