//! Passages of one search: each matching article cut into its best passages, with the
//! query's literals and the passage prefilter made once per stemming group, and the
//! entity marks (table and recognised) of each passage.

use std::collections::HashMap;

use tantivy::query_grammar::UserInputAst;
use tantivy::schema::Value;
use tantivy::{Searcher, TantivyDocument};

use super::query::{literals, NAME_KEY_BOOST};
use super::SearchOptions;
use crate::analysis;
use crate::index::GazetteIndex;
use crate::ner;
use crate::passage::{self, Literal, Mark, PassageOptions};

/// A passage cut from an article: the field it comes from, the passage (offsets into
/// that field) and its entity spans (relative to the passage).
pub(crate) struct Cut {
    pub(crate) field: passage::Field,
    pub(crate) passage: passage::Passage,
    pub(crate) entities: Vec<Mark>,
}

/// Cuts article bodies into passages for one search: the analyzers, and the query's
/// literals and prefilter per stemming group (analysed, and weighed from the index, once
/// per group).
pub(crate) struct Cutter<'a> {
    gi: &'a GazetteIndex,
    searcher: &'a Searcher,
    ast: &'a UserInputAst,
    opts: &'a SearchOptions,
    analyzers: analysis::Analyzers,
    exact: tantivy::tokenizer::TextAnalyzer,
    normalizer: tantivy::tokenizer::TextAnalyzer,
    by_group: HashMap<&'static str, (Vec<Literal>, Option<passage::Prefilter>)>,
}

impl<'a> Cutter<'a> {
    pub(crate) fn new(
        gi: &'a GazetteIndex,
        searcher: &'a Searcher,
        ast: &'a UserInputAst,
        opts: &'a SearchOptions,
    ) -> Cutter<'a> {
        Cutter {
            gi,
            searcher,
            ast,
            opts,
            analyzers: gi.take_analyzers(),
            exact: analysis::exact_analyzer(),
            normalizer: analysis::normalizer(),
            by_group: HashMap::new(),
        }
    }

    /// The best passages of a body in language `lang`, each with its entity spans
    /// (relative to the passage).
    pub(crate) fn cut(
        &mut self,
        lang: &str,
        title: &str,
        body: &str,
        names: &StoredNames,
    ) -> Vec<Cut> {
        self.cut_shared(lang, title, body, names, &mut Analysed::default())
    }

    /// [`Cutter::cut`], keeping the analysis of the article's text in `analysed` for
    /// the next query cutting the same article (alerts: every watch matching it).
    pub(crate) fn cut_shared(
        &mut self,
        lang: &str,
        title: &str,
        body: &str,
        names: &StoredNames,
        analysed_text: &mut Analysed,
    ) -> Vec<Cut> {
        let (gi, opts) = (self.gi, self.opts);
        let group = if opts.exact {
            "exact"
        } else {
            analysis::stem_key(lang)
        };
        let (literals, prefilter) = self.by_group.entry(group).or_insert_with(|| {
            let lits = if opts.exact {
                literals(
                    self.ast,
                    &mut self.exact,
                    self.searcher,
                    gi.fields.body_exact,
                    false,
                )
            } else {
                let analyzer = self.analyzers.get(lang);
                literals(self.ast, analyzer, self.searcher, gi.fields.body, true)
            };
            let mut lits = lits;
            let pf = passage::Prefilter::new(&lits, (!opts.exact).then_some(group), &gi.table);
            // A literal's matches by recognised names weigh less than its own: each
            // key becomes a literal of its own, which only names match (no terms).
            for i in 0..lits.len() {
                if !lits[i].key.is_empty() {
                    let key = std::mem::take(&mut lits[i].key);
                    lits.push(Literal {
                        terms: Vec::new(),
                        prefix: false,
                        slop: 0,
                        weight: lits[i].weight * NAME_KEY_BOOST as f32,
                        key,
                    });
                }
            }
            (lits, pf)
        });
        let sents = analysed_text.sentences(body, opts.passages.chars.max(20));
        let sents = &sents[..];
        // Only the sentences that can hold a match are analysed in full (some have
        // their matches found by the prefilter itself).
        let candidates: Vec<passage::Candidate> = match prefilter {
            Some(pf) => pf.candidates(&mut self.normalizer, &gi.table, body, sents),
            None => (0..sents.len()).map(passage::Candidate::Analyse).collect(),
        };
        let analyzer = self.analyzers.get(lang);
        let mut matches = Vec::new();
        // The spots of each sentence analysed for matches, entity terms included, so
        // that the passages chosen from them need no second analysis. (In exact mode
        // matches come from the exact analyzer, which knows no entities.)
        let mut analysed: Vec<Option<Vec<passage::Spot>>> = vec![None; sents.len()];
        for candidate in candidates {
            let i = match candidate {
                passage::Candidate::Found(_, found) => {
                    matches.extend(found);
                    continue;
                }
                passage::Candidate::Analyse(i) => i,
            };
            let (from, to, _) = sents[i];
            let an = if opts.exact {
                &mut self.exact
            } else {
                &mut *analyzer
            };
            let spots = analysed_text.spots(an, &body[from..to], opts.exact, literals, !opts.exact);
            matches.extend(
                passage::find_matches(&spots, literals)
                    .into_iter()
                    .map(|m| Mark {
                        start: m.start + from,
                        end: m.end + from,
                        ..m
                    }),
            );
            if !opts.exact {
                analysed[i] = Some(spots);
            }
        }
        // Recognised names whose key is a literal's count as its matches: `Budanov`
        // marks "Буданова" (the index found the article by that key).
        for (li, lit) in literals.iter().enumerate() {
            if lit.key.is_empty() || !lit.terms.is_empty() {
                continue;
            }
            for n in &names.1 {
                let hit = n.key == lit.key || n.key.split(' ').any(|w| w == lit.key);
                if hit && !matches.iter().any(|m| m.start < n.end && n.start < m.end) {
                    matches.push(Mark {
                        start: n.start,
                        end: n.end,
                        literal: li,
                        entity: None,
                        name: Some(n.as_ref()),
                    });
                }
            }
        }
        matches.sort_by_key(|m| (m.start, m.end));
        let body_matched = !matches.is_empty();
        let mut cuts: Vec<Cut> = Vec::new();
        if !body_matched && (!literals.is_empty() || body.is_empty()) {
            // No match in the body (a headline without a body, or a match in the title
            // only): the title is the passage, with its matches and entities, and the
            // lead follows it. Every matching article thus has a passage.
            let whole = [(0, title.len(), title.chars().count())];
            let title_matches = if literals.is_empty() {
                Vec::new()
            } else {
                let an = if opts.exact {
                    &mut self.exact
                } else {
                    &mut *analyzer
                };
                passage::find_matches(
                    &analysed_text.spots(an, title, opts.exact, literals, false),
                    literals,
                )
            };
            let one = PassageOptions {
                chars: usize::MAX,
                per_article: 1,
            };
            if let Some(p) = passage::select(&whole, &title_matches, literals, one)
                .into_iter()
                .next()
            {
                let entities = with_names(
                    passage::find_entities(&analysed_text.spots(analyzer, title, false, &[], true)),
                    &names.0,
                    0,
                    title.len(),
                );
                cuts.push(Cut {
                    field: passage::Field::Title,
                    passage: p,
                    entities,
                });
            } else {
                // An article with neither title nor body still answers (empty text).
                cuts.push(Cut {
                    field: passage::Field::Title,
                    passage: passage::Passage {
                        start: 0,
                        end: 0,
                        score: 0.0,
                        matches: Vec::new(),
                    },
                    entities: Vec::new(),
                });
            }
        }
        let room = opts.passages.per_article.saturating_sub(cuts.len());
        let body_cuts = passage::select(sents, &matches, literals, opts.passages)
            .into_iter()
            .take(room)
            .map(|p| {
                // Entities are only shown in passages: only passages are analysed for
                // them, sentence by sentence (a passage is whole sentences).
                let mut entities = Vec::new();
                let first = sents.partition_point(|s| s.0 < p.start);
                for (k, &(from, to, _)) in sents.iter().enumerate().skip(first) {
                    if to > p.end {
                        break;
                    }
                    let spots = analysed[k].take().unwrap_or_else(|| {
                        analysed_text.spots(analyzer, &body[from..to], false, &[], true)
                    });
                    entities.extend(passage::find_entities(&spots).into_iter().map(|m| Mark {
                        start: m.start + from - p.start,
                        end: m.end + from - p.start,
                        ..m
                    }));
                }
                Cut {
                    field: passage::Field::Body,
                    entities: with_names(entities, &names.1, p.start, p.end),
                    passage: p,
                }
            })
            .collect::<Vec<_>>();
        cuts.extend(body_cuts);
        cuts
    }

    /// Gives the analyzers back to the index for the next search.
    pub(crate) fn finish(self) {
        self.gi.return_analyzers(self.analyzers);
    }
}

/// A body's sentence spans (see [`passage::sentences`]), shared.
type Sentences = std::rc::Rc<Vec<(usize, usize, usize)>>;

/// The analysed tokens of one article's texts (title, sentences, passages), kept for
/// every query that cuts it: what a text analyses to does not depend on the query, only
/// which of its tokens are kept. Off (`keep` false) for a single search, which analyses
/// each text once anyway. Texts are known by where they are in memory: the article's
/// strings must outlive the cache's use, and it is cleared for the next article.
#[derive(Default)]
pub(crate) struct Analysed {
    keep: bool,
    tokens: HashMap<(usize, usize, bool), Vec<tantivy::tokenizer::Token>>,
    /// The body's sentences, for a passage length.
    sentences: Option<(usize, Sentences)>,
}

impl Analysed {
    /// A cache that keeps what it analyses.
    pub(crate) fn keeping() -> Analysed {
        Analysed {
            keep: true,
            ..Analysed::default()
        }
    }

    /// Forgets the last article's texts.
    pub(crate) fn clear(&mut self) {
        self.tokens.clear();
        self.sentences = None;
    }

    /// [`passage::sentences`] of the article's body, split once per passage length.
    fn sentences(&mut self, body: &str, chars: usize) -> Sentences {
        match &self.sentences {
            Some((c, s)) if self.keep && *c == chars => s.clone(),
            _ => {
                let s = std::rc::Rc::new(passage::sentences(body, chars));
                if self.keep {
                    self.sentences = Some((chars, s.clone()));
                }
                s
            }
        }
    }

    /// [`passage::spots`] of `text`, analysed by `analyzer` (`exact`: the exact-spelling
    /// analyzer) once per article.
    fn spots(
        &mut self,
        analyzer: &mut tantivy::tokenizer::TextAnalyzer,
        text: &str,
        exact: bool,
        literals: &[Literal],
        entities: bool,
    ) -> Vec<passage::Spot> {
        if !self.keep {
            return passage::spots(analyzer, text, literals, entities);
        }
        let tokens = self
            .tokens
            .entry((text.as_ptr() as usize, text.len(), exact))
            .or_insert_with(|| passage::all_tokens(analyzer, text));
        passage::spots_of(tokens, literals, entities)
    }
}

/// An article's recognised names as stored: (title's, body's).
pub(crate) type StoredNames = (Vec<ner::Name>, Vec<ner::Name>);

/// The recognised names a stored document holds.
pub(crate) fn stored_names(gi: &GazetteIndex, doc: &TantivyDocument) -> StoredNames {
    doc.get_first(gi.fields.names_stored)
        .and_then(|v| v.as_bytes())
        .map(ner::decode)
        .unwrap_or_default()
}

/// A passage's table entity marks (relative to the passage at `from..to` of its field)
/// with the recognised names inside it added, except where the table marks the same
/// words: the table's mark, with its id, wins. In order.
pub(crate) fn with_names(
    mut marks: Vec<Mark>,
    names: &[ner::Name],
    from: usize,
    to: usize,
) -> Vec<Mark> {
    let table_marks = marks.len();
    for n in names {
        if n.start < from || n.end > to {
            continue;
        }
        let (start, end) = (n.start - from, n.end - from);
        if marks[..table_marks]
            .iter()
            .any(|m| m.start < end && start < m.end)
        {
            continue;
        }
        marks.push(Mark {
            start,
            end,
            literal: usize::MAX,
            entity: None,
            name: Some(n.as_ref()),
        });
    }
    marks.sort_by_key(|m| (m.start, m.end));
    marks
}
