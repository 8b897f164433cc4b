//! Search: parses a query with the same analyzers the articles were indexed with, runs
//! it over the index (BM25, title boosted), and turns the best articles into ranked
//! passages with match and entity spans.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tantivy::collector::{Collector, Count, FilterCollector, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::query_grammar::{self, UserInputAst, UserInputLeaf};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DateTime, Searcher, TantivyDocument, Term};

use crate::analysis;
use crate::error::{Error, Result};
use crate::index::{Fields, GazetteIndex, QUERY_FIELDS};
use crate::lang::Lang;
use crate::ner;
use crate::passage::{self, Literal, Mark, PassageOptions};
use crate::similar::{self, Signature};
use crate::supersede;
use crate::typos;

/// Longest query accepted, in characters: far beyond any typed query, short enough that
/// parsing and matching stay fast.
pub const MAX_QUERY_CHARS: usize = 10_000;
/// Deepest parenthesis nesting accepted (the parser recurses per level).
pub const MAX_QUERY_DEPTH: usize = 32;

/// How many of the best articles the first collection keeps: more than a page needs, so
/// that an archive holding many copies of its stories rarely needs a second collection
/// (which runs the whole query again: a phrase of common words at 286,000 articles
/// did so twice). Keeping a few hundred costs next to nothing against scoring every match.
const FIRST_FETCH: usize = 200;

/// How many articles further down a passage may come from and still be ranked above the
/// best passage of an article (see `search`).
const LOOKAHEAD: usize = 5;

/// Title matches count this much more than body matches.
pub const TITLE_BOOST: f32 = 2.0;
/// How much of the article's own score a passage inherits.
const ARTICLE_WEIGHT: f32 = 0.3;

/// Restrictions on which articles may answer.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub langs: Vec<String>,
    pub source: Option<String>,
    pub since: Option<DateTime>,
    pub until: Option<DateTime>,
    pub entity: Option<String>,
}

/// The order of the answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best passages first.
    #[default]
    Relevance,
    /// Newest articles first (undated last), best passages first within an article.
    Date,
}

/// How articles telling the same story (see `similar`) are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    /// Their passages fold into the best-ranked one's, which lists them in `similar`
    /// (for people: one story, one entry).
    Fold,
    /// Their passages stay, each naming the article it repeats in `same_story_as`; the
    /// best-ranked one lists the others in `similar` (for programs, which decide).
    Annotate,
    /// No grouping.
    Off,
}

/// A search request.
#[derive(Clone, Debug)]
pub struct SearchOptions {
    pub query: String,
    /// Passages to return.
    pub limit: usize,
    /// Passages to skip (paging).
    pub offset: usize,
    /// Match the spelling typed only (no aliases, no stemming).
    pub exact: bool,
    /// Each word also matches the index's words within its edit budget (see `typos`).
    pub fuzzy: bool,
    pub passages: PassageOptions,
    pub filters: Filters,
    pub sort: Sort,
    /// What to do with articles that tell the same story as a better-ranked one.
    pub group: Grouping,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            query: String::new(),
            limit: 10,
            offset: 0,
            exact: false,
            fuzzy: false,
            passages: PassageOptions::default(),
            filters: Filters::default(),
            sort: Sort::Relevance,
            group: Grouping::Fold,
        }
    }
}

/// What a hit says about its article.
#[derive(Clone, Debug)]
pub struct ArticleMeta {
    pub id: String,
    pub title: String,
    pub date: Option<String>,
    pub source: Option<String>,
    pub lang: Lang,
    pub path: String,
    pub url: Option<String>,
    pub place: Option<String>,
    pub author: Option<String>,
    /// When a web archive captured the page.
    pub captured: Option<String>,
}

/// One ranked passage.
#[derive(Clone, Debug)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    pub article: Arc<ArticleMeta>,
    /// The field the passage is cut from; offsets are into it.
    pub field: passage::Field,
    /// The passage text.
    pub text: String,
    /// Byte offsets of the passage in its field (the body, or the title).
    pub start: usize,
    pub end: usize,
    /// Spans in `text` (byte offsets relative to the passage).
    pub matches: Vec<Mark>,
    pub entities: Vec<Mark>,
    /// Other articles telling the same story (best first); on the first passage of the
    /// best-ranked article of a story.
    pub similar: Vec<Arc<ArticleMeta>>,
    /// The better-ranked article this one tells the same story as (`Grouping::Annotate`).
    pub same_story_as: Option<Arc<ArticleMeta>>,
}

/// The answer to a search.
#[derive(Clone, Debug)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// Matching articles in the whole index (not cut by the limit).
    pub total_articles: usize,
    /// Corrected queries that find more, when a query word is not in the index.
    pub suggestions: Vec<typos::Suggestion>,
    pub elapsed: Duration,
}

/// A parsed query, ready to run: the tantivy query and the literals to highlight.
struct Prepared {
    query: Box<dyn Query>,
    ast: UserInputAst,
    /// `--since` / `--until`, checked by [`Prepared::search`].
    window: Option<DateWindow>,
}

/// The dates `--since` and `--until` allow (inclusive). They are checked on the date of
/// each article the query matches, as it is collected, not by a range query: tantivy's
/// fast-field range scan reads every date from the start of a segment up to the first
/// one in the window, which for the newest articles of an archive indexed in date order
/// is most of the segment (2 ms of a 2.6 ms search on news-large).
#[derive(Clone, Copy, Debug)]
struct DateWindow {
    since: Option<DateTime>,
    until: Option<DateTime>,
}

impl DateWindow {
    fn contains(self, date: DateTime) -> bool {
        self.since.is_none_or(|s| date >= s) && self.until.is_none_or(|u| date <= u)
    }
}

impl Prepared {
    /// Runs the query with `collector`, keeping only articles in the date window.
    fn search<C: Collector>(&self, searcher: &Searcher, collector: C) -> tantivy::Result<C::Fruit> {
        match self.window {
            None => searcher.search(&self.query, &collector),
            Some(window) => searcher.search(
                &self.query,
                &FilterCollector::new(
                    "date".to_string(),
                    move |date: DateTime| window.contains(date),
                    collector,
                ),
            ),
        }
    }
}

/// Searches `gi` and returns ranked passages.
pub fn search(gi: &GazetteIndex, opts: &SearchOptions) -> Result<SearchResults> {
    let start = Instant::now();
    let searcher = gi.searcher()?;
    let prepared = prepare(gi, &searcher, opts)?;
    let want = opts.offset + opts.limit;
    // Passages come from the best articles; a few more than needed let a strong passage
    // of a lower-ranked article surface. Folding can leave a page short (an archive
    // holding many copies of one story): then more articles are fetched, four times as
    // many each time.
    let mut limit = (want + 10).max(opts.limit * 2).max(FIRST_FETCH);
    let fetch = |limit: usize| -> Result<(Vec<(f32, tantivy::DocAddress)>, usize)> {
        match opts.sort {
            Sort::Relevance => prepared.search(
                &searcher,
                (TopDocs::with_limit(limit).order_by_score(), Count),
            ),
            Sort::Date => prepared
                .search(
                    &searcher,
                    (
                        TopDocs::with_limit(limit)
                            .order_by_fast_field::<DateTime>("date", tantivy::Order::Desc),
                        Count,
                    ),
                )
                .map(|(docs, n)| (docs.into_iter().map(|(_, a)| (0.0, a)).collect(), n)),
        }
        .map_err(|e| Error::index(&gi.path, e))
    };
    let (mut top, total) = fetch(limit)?;

    let mut signatures: HashMap<String, Option<Signature>> = HashMap::new();
    let mut dates: HashMap<String, Option<i64>> = HashMap::new();
    let mut cutter = Cutter::new(gi, &searcher, &prepared.ast, opts);
    // Folding: the articles cut so far with their signatures, and what folds into them.
    let mut leaders: Vec<(String, Signature)> = Vec::new();
    let mut folded: HashMap<String, Vec<Arc<ArticleMeta>>> = HashMap::new();
    // The answer is emitted one passage at a time: the best passage among those of the
    // first LOOKAHEAD + k + 1 articles (in the order of their own scores, folded repeats
    // not counted) not emitted yet is the passage at rank k + 1. A strong passage of a
    // lower-ranked article can so rise by up to LOOKAHEAD articles, and the order is a
    // function of the index and the query alone, not of `-n` or `--offset`: pages
    // concatenate to the answer of one large page (sorting whatever the page happened to
    // cut lost or repeated passages between pages). Articles are cut lazily, in order:
    // cutting is the costly part of a search (each body is analysed again).
    let mut pool: Vec<Hit> = Vec::new();
    let mut all: Vec<Hit> = Vec::new();
    let mut next = 0; // the next article of `top` to look at
    let mut cut = 0; // articles cut (not folded)
    let mut exhausted = false;
    let order = |a: &Hit, b: &Hit, dates: &HashMap<String, Option<i64>>| -> std::cmp::Ordering {
        // Equal scores are ordered by article id and place in the text: tantivy orders
        // them by document address, which depends on which indexing thread took the
        // article, so two builds of one corpus listed them differently.
        let ties = |a: &Hit, b: &Hit| {
            a.article
                .id
                .cmp(&b.article.id)
                .then(a.field.cmp(&b.field))
                .then(a.start.cmp(&b.start))
        };
        match opts.sort {
            Sort::Relevance => b.score.total_cmp(&a.score).then_with(|| ties(a, b)),
            Sort::Date => {
                let (da, db) = (dates[&a.article.id], dates[&b.article.id]);
                db.cmp(&da)
                    .then(b.score.total_cmp(&a.score))
                    .then_with(|| ties(a, b))
            }
        }
    };
    while all.len() < want {
        // Cut articles until the pool holds the first LOOKAHEAD + k + 1.
        while !exhausted && cut < LOOKAHEAD + all.len() + 1 {
            if next == top.len() {
                // Every fetched article is looked at: fetch more, if the index has
                // more (the order of the first ones does not change).
                if top.len() < limit {
                    exhausted = true;
                    break;
                }
                limit *= 4;
                top = fetch(limit)?.0;
                if next == top.len() {
                    exhausted = true;
                    break;
                }
            }
            let (score, addr) = top[next];
            next += 1;
            let doc: TantivyDocument = searcher.doc(addr).map_err(|e| Error::index(&gi.path, e))?;
            let meta = Arc::new(meta_of(&gi.fields, &doc));
            signatures.insert(
                meta.id.clone(),
                doc.get_first(gi.fields.minhash)
                    .and_then(|v| v.as_bytes())
                    .and_then(Signature::from_bytes),
            );
            dates.insert(
                meta.id.clone(),
                doc.get_first(gi.fields.date)
                    .and_then(|v| v.as_datetime())
                    .map(|d| d.into_timestamp_secs()),
            );
            if opts.group == Grouping::Fold {
                // An article telling the story of a better-ranked one is only listed
                // in that one's `similar`: its passages would be folded away, so they
                // are not cut at all. (Every article cut has a passage: see `cut`.)
                let sig = signatures[&meta.id].as_ref();
                let leader = sig.and_then(|sig| {
                    leaders.iter().position(|(_, ls): &(String, Signature)| {
                        ls.similarity(sig) >= similar::SIMILAR
                    })
                });
                if let Some(l) = leader {
                    folded.entry(leaders[l].0.clone()).or_default().push(meta);
                    continue;
                }
                if let Some(sig) = sig {
                    leaders.push((meta.id.clone(), sig.clone()));
                }
            }
            let title = text_of(&doc, gi.fields.title_text);
            let body = text_of(&doc, gi.fields.body_text);
            let names = stored_names(gi, &doc);
            cut += 1;
            for c in cutter.cut(meta.lang.code(), &title, &body, &names) {
                let p = c.passage;
                let text = match c.field {
                    passage::Field::Title => &title,
                    passage::Field::Body => &body,
                };
                let rel = |m: &Mark| Mark {
                    start: m.start - p.start,
                    end: m.end - p.start,
                    ..m.clone()
                };
                pool.push(Hit {
                    rank: 0,
                    score: p.score + ARTICLE_WEIGHT * score,
                    article: meta.clone(),
                    field: c.field,
                    text: text[p.start..p.end].to_string(),
                    start: p.start,
                    end: p.end,
                    matches: p.matches.iter().map(rel).collect(),
                    entities: c.entities,
                    similar: Vec::new(),
                    same_story_as: None,
                });
            }
        }
        let Some(best) = (0..pool.len()).min_by(|&a, &b| order(&pool[a], &pool[b], &dates)) else {
            break;
        };
        all.push(pool.swap_remove(best));
    }
    cutter.finish();
    match opts.group {
        // The best passage of each article lists the articles folded into it.
        Grouping::Fold => {
            for hit in &mut all {
                if let Some(members) = folded.remove(&hit.article.id) {
                    hit.similar = members;
                }
            }
        }
        Grouping::Annotate => all = annotate_similar(all, &signatures),
        Grouping::Off => {}
    }
    let hits: Vec<Hit> = all
        .into_iter()
        .enumerate()
        .skip(opts.offset)
        .take(opts.limit)
        .map(|(i, mut h)| {
            h.rank = i + 1;
            h
        })
        .collect();
    let suggestions = suggest(gi, &searcher, opts, total)?;
    Ok(SearchResults {
        hits,
        total_articles: total,
        suggestions,
        elapsed: start.elapsed(),
    })
}

/// A suggestion is made when a query word is not in the index and the corrected query
/// finds more than twice as many articles (any, when the query finds none). Nothing is
/// computed when every word is in the index.
fn suggest(
    gi: &GazetteIndex,
    searcher: &Searcher,
    opts: &SearchOptions,
    total: usize,
) -> Result<Vec<typos::Suggestion>> {
    let Some(fixes) = typos::corrections(gi, searcher, &opts.query) else {
        return Ok(Vec::new());
    };
    if fixes.is_empty() {
        return Ok(Vec::new());
    }
    let query = typos::corrected(&opts.query, &fixes);
    let corrected = SearchOptions {
        query: query.clone(),
        fuzzy: false,
        ..opts.clone()
    };
    let prepared = prepare(gi, searcher, &corrected)?;
    let hits = prepared
        .search(searcher, Count)
        .map_err(|e| Error::index(&gi.path, e))?;
    Ok(if hits > total.saturating_mul(2) {
        vec![typos::Suggestion { query, hits }]
    } else {
        Vec::new()
    })
}

/// A passage cut from an article: the field it comes from, the passage (offsets into
/// that field) and its entity spans (relative to the passage).
struct Cut {
    field: passage::Field,
    passage: passage::Passage,
    entities: Vec<Mark>,
}

/// Cuts article bodies into passages for one search: the analyzers, and the query's
/// literals and prefilter per stemming group (analysed, and weighed from the index, once
/// per group).
struct Cutter<'a> {
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
    fn new(
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
    fn cut(&mut self, lang: &str, title: &str, body: &str, names: &StoredNames) -> Vec<Cut> {
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
        let sents = passage::sentences(body, opts.passages.chars.max(20));
        // Only the sentences that can hold a match are analysed in full (some have
        // their matches found by the prefilter itself).
        let candidates: Vec<passage::Candidate> = match prefilter {
            Some(pf) => pf.candidates(&mut self.normalizer, &gi.table, body, &sents),
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
            let spots = passage::spots(an, &body[from..to], literals, !opts.exact);
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
                passage::find_matches(&passage::spots(an, title, literals, false), literals)
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
                    passage::find_entities(&passage::spots(analyzer, title, &[], true)),
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
        let body_cuts = passage::select(&sents, &matches, literals, opts.passages)
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
                    let spots = analysed[k]
                        .take()
                        .unwrap_or_else(|| passage::spots(analyzer, &body[from..to], &[], true));
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
    fn finish(self) {
        self.gi.return_analyzers(self.analyzers);
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

/// The ids of every article a search with `opts` matches (alias-aware unless
/// `opts.exact`, filters applied), unranked: for evaluation, and for checking that the
/// ranked answer shows every one of them.
pub fn matching_ids(gi: &GazetteIndex, opts: &SearchOptions) -> Result<Vec<String>> {
    let searcher = gi.searcher()?;
    let prepared = prepare(gi, &searcher, opts)?;
    let docs = prepared
        .search(&searcher, tantivy::collector::DocSetCollector)
        .map_err(|e| Error::index(&gi.path, e))?;
    docs.into_iter()
        .map(|addr| {
            let doc: TantivyDocument = searcher.doc(addr).map_err(|e| Error::index(&gi.path, e))?;
            Ok(text_of(&doc, gi.fields.id))
        })
        .collect()
}

/// Marks the passages of articles that tell the same story as a better-ranked article
/// (`same_story_as`), and lists them in that article's first passage (`similar`), for
/// `Grouping::Annotate`. (`Grouping::Fold` decides before cutting passages, in `search`.)
fn annotate_similar(hits: Vec<Hit>, signatures: &HashMap<String, Option<Signature>>) -> Vec<Hit> {
    let mut leaders: Vec<(String, usize)> = Vec::new(); // article id → index in `out`
    let mut leader_of: HashMap<String, Option<usize>> = HashMap::new(); // None: is a leader
    let mut out: Vec<Hit> = Vec::with_capacity(hits.len());
    for hit in hits {
        let id = hit.article.id.clone();
        match leader_of.get(&id) {
            Some(None) => {
                out.push(hit);
                continue;
            }
            Some(Some(at)) => {
                let leader = out[*at].article.clone();
                out.push(Hit {
                    same_story_as: Some(leader),
                    ..hit
                });
                continue;
            }
            None => {}
        }
        let sig = signatures.get(&id).and_then(Option::as_ref);
        let leader = sig.and_then(|sig| {
            leaders.iter().find(|(lid, _)| {
                signatures
                    .get(lid)
                    .and_then(Option::as_ref)
                    .is_some_and(|ls| ls.similarity(sig) >= similar::SIMILAR)
            })
        });
        match leader {
            Some(&(_, at)) => {
                out[at].similar.push(hit.article.clone());
                leader_of.insert(id, Some(at));
                let leader = out[at].article.clone();
                out.push(Hit {
                    same_story_as: Some(leader),
                    ..hit
                });
            }
            None => {
                leaders.push((id.clone(), out.len()));
                leader_of.insert(id, None);
                out.push(hit);
            }
        }
    }
    out
}

fn prepare(gi: &GazetteIndex, searcher: &Searcher, opts: &SearchOptions) -> Result<Prepared> {
    let text = opts.query.trim();
    if text.is_empty() {
        return Err(Error::Query("the query is empty".into()));
    }
    if !text.chars().any(char::is_alphanumeric) {
        return Err(Error::Query(format!("{text:?} has no words to search for")));
    }
    let chars = text.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(Error::Query(format!(
            "the query is {chars} characters long; the limit is {MAX_QUERY_CHARS}"
        )));
    }
    let mut depth = 0usize;
    for (i, c) in text.chars().enumerate() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_QUERY_DEPTH {
            return Err(Error::Query(format!(
                "parentheses nested more than {MAX_QUERY_DEPTH} deep at character {}",
                i + 1
            )));
        }
    }
    let (mut ast, errors) = query_grammar::parse_query_lenient(text);
    if let Some(e) = errors.first() {
        return Err(Error::Query(format!(
            "{} at character {} of {:?}",
            e.message,
            text[..e.pos.min(text.len())].chars().count() + 1,
            text
        )));
    }
    check_fields(&ast)?;
    let f = gi.fields;
    let schema = gi.index.schema();
    let mut query: Box<dyn Query> = if opts.exact {
        rename_fields(&mut ast);
        rewrite_names(&mut ast, gi, false);
        let mut parser = QueryParser::new(
            schema,
            vec![f.title_exact, f.body_exact],
            analysis::tokenizers(&gi.table, analysis::NO_STEM),
        );
        parser.set_field_boost(f.title_exact, TITLE_BOOST);
        parse_ast(&parser, ast.clone())?
    } else {
        // Articles of each stemming group are matched by the query analyzed for that
        // group; each article belongs to exactly one group. Groups whose analysis of
        // the query is the same (names, numbers, words no stemmer changes) share one
        // clause, restricted to all of them; when one clause serves every group in the
        // index it needs no restriction. (One clause per group built the whole query's
        // scorers once per language present: a third of a search on news-large.)
        //
        // A clause is restricted to its groups by requiring one of them, except the
        // clause of the most articles, which excludes the others' groups instead:
        // requiring the group of nearly every article meant walking its whole posting
        // list on every search.
        struct Clause {
            /// The query's description, which names every term, field and boost.
            shape: String,
            query: Box<dyn Query>,
            groups: Vec<Term>,
            articles: u64,
        }
        rewrite_names(&mut ast, gi, true);
        // `--fuzzy`, and `word~N`: near words as lower-weighted alternatives.
        typos::expand(&mut ast, gi, searcher, opts.fuzzy);
        let mut clauses: Vec<Clause> = Vec::new();
        for key in analysis::stem_keys() {
            let group_term = Term::from_field_text(f.stem, key);
            let articles = searcher.doc_freq(&group_term).unwrap_or(0);
            if articles == 0 {
                continue;
            }
            let mut parser = QueryParser::new(
                schema.clone(),
                vec![f.title, f.body],
                analysis::tokenizers(&gi.table, key),
            );
            parser.set_field_boost(f.title, TITLE_BOOST);
            let query = parse_ast(&parser, ast.clone())?;
            let shape = format!("{query:?}");
            match clauses.iter_mut().find(|c| c.shape == shape) {
                Some(c) => {
                    c.groups.push(group_term);
                    c.articles += articles;
                }
                None => clauses.push(Clause {
                    shape,
                    query,
                    groups: vec![group_term],
                    articles,
                }),
            }
        }
        if clauses.is_empty() {
            // An empty index (no article of any stemming group): nothing can match.
            Box::new(tantivy::query::EmptyQuery)
        } else if clauses.len() == 1 {
            clauses.pop().expect("one clause").query
        } else {
            let largest = (0..clauses.len())
                .max_by_key(|&i| clauses[i].articles)
                .expect("clauses");
            let others: Vec<Term> = clauses
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != largest)
                .flat_map(|(_, c)| c.groups.iter().cloned())
                .collect();
            let any_of = |terms: Vec<Term>| -> Box<dyn Query> {
                let qs: Vec<(Occur, Box<dyn Query>)> = terms
                    .into_iter()
                    .map(|t| {
                        (
                            Occur::Should,
                            Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>,
                        )
                    })
                    .collect();
                filter(BooleanQuery::new(qs))
            };
            let should: Vec<(Occur, Box<dyn Query>)> = clauses
                .into_iter()
                .enumerate()
                .map(|(i, c)| {
                    let restriction = if i == largest {
                        (Occur::MustNot, any_of(others.clone()))
                    } else {
                        (Occur::Must, any_of(c.groups))
                    };
                    (
                        Occur::Should,
                        Box::new(BooleanQuery::new(vec![(Occur::Must, c.query), restriction]))
                            as Box<dyn Query>,
                    )
                })
                .collect();
            Box::new(BooleanQuery::new(should))
        }
    };
    let filters = filter_clauses(gi, &opts.filters)?;
    let superseded = gi
        .info
        .as_ref()
        .and_then(|i| supersede::exclusion(&gi.fields, &i.superseded));
    if !filters.is_empty() || superseded.is_some() {
        let mut clauses = vec![(Occur::Must, query)];
        clauses.extend(filters.into_iter().map(|q| (Occur::Must, q)));
        clauses.extend(superseded.map(|q| (Occur::MustNot, q)));
        query = Box::new(BooleanQuery::new(clauses));
    }
    let window =
        (opts.filters.since.is_some() || opts.filters.until.is_some()).then_some(DateWindow {
            since: opts.filters.since,
            until: opts.filters.until,
        });
    Ok(Prepared { query, ast, window })
}

fn parse_ast(parser: &QueryParser, ast: UserInputAst) -> Result<Box<dyn Query>> {
    parser
        .build_query_from_user_input_ast(ast)
        .map_err(|e| Error::Query(e.to_string()))
}

/// A query that restricts without adding to the score.
fn filter(q: impl Query) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(Box::new(q), 0.0))
}

fn filter_clauses(gi: &GazetteIndex, f: &Filters) -> Result<Vec<Box<dyn Query>>> {
    let fields = gi.fields;
    let mut out = Vec::new();
    if !f.langs.is_empty() {
        let qs: Vec<(Occur, Box<dyn Query>)> = f
            .langs
            .iter()
            .map(|l| {
                let t = Term::from_field_text(fields.lang, &Lang::from_code(l).to_string());
                (
                    Occur::Should,
                    Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>,
                )
            })
            .collect();
        out.push(filter(BooleanQuery::new(qs)));
    }
    if let Some(src) = &f.source {
        let parser = QueryParser::new(
            gi.index.schema(),
            vec![fields.source],
            gi.index.tokenizers().clone(),
        );
        let q = parser
            .parse_query(&format!("\"{}\"", src.replace('"', " ")))
            .map_err(|e| Error::Query(format!("--source: {e}")))?;
        out.push(Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>);
    }
    if let Some(id) = &f.entity {
        if gi.table.entity(id).is_some() {
            let term = format!("{}{id}", analysis::ENTITY_PREFIX);
            let qs: Vec<(Occur, Box<dyn Query>)> = [fields.title, fields.body]
                .into_iter()
                .map(|field| {
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(
                            Term::from_field_text(field, &term),
                            IndexRecordOption::Basic,
                        )) as Box<dyn Query>,
                    )
                })
                .collect();
            out.push(filter(BooleanQuery::new(qs)));
        } else {
            // A recognised name's key (`gazette search --json` shows them).
            let term = Term::from_field_text(fields.names, &names_term(id));
            let known = gi
                .searcher()
                .map(|s| s.doc_freq(&term).unwrap_or(0) > 0)
                .unwrap_or(false);
            if !known {
                return Err(Error::Query(format!(
                    "--entity: `{id}` is neither a table id (see `gazette aliases NAME`) nor the key of a name recognised in this index"
                )));
            }
            out.push(filter(TermQuery::new(term, IndexRecordOption::Basic)));
        }
    }
    Ok(out)
}

/// How much a match by a recognised name's key (across scripts) counts against a match
/// of the words as typed or of a table entity.
const NAME_KEY_BOOST: f64 = 0.5;

/// The key a query word or phrase gives recognised names, when it is long enough to be
/// a name (four letters or more: shorter keys would match too much).
fn name_query_key(phrase: &str) -> Option<String> {
    let key = ner::key::name_key(phrase);
    (key.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 4).then_some(key)
}

/// The `names` term of a key as typed by a user (`kiril_budanov`, `Кирило Буданов`).
fn names_term(typed: &str) -> String {
    ner::key::name_key(&typed.replace('_', " ")).replace(' ', "_")
}

/// Rewrites the query for recognised names. `entity:X` becomes the table entity's term
/// (X an id) or the recognised names with key X; with `cross_script`, every word or
/// phrase may also match the recognised names with its key, at a lower weight
/// (`Budanov` finds "Буданова"), unless the table knows it.
fn rewrite_names(ast: &mut UserInputAst, gi: &GazetteIndex, cross_script: bool) {
    let literal = |field: &str, phrase: String| {
        UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(
            query_grammar::UserInputLiteral {
                field_name: Some(field.to_string()),
                phrase,
                delimiter: query_grammar::Delimiter::DoubleQuotes,
                slop: 0,
                prefix: false,
            },
        )))
    };
    match ast {
        UserInputAst::Clause(children) => {
            for (_, c) in children {
                rewrite_names(c, gi, cross_script);
            }
        }
        UserInputAst::Boost(inner, _) => rewrite_names(inner, gi, cross_script),
        UserInputAst::Leaf(leaf) => {
            let UserInputLeaf::Literal(l) = leaf.as_ref() else {
                return;
            };
            let should = |a: UserInputAst, b: UserInputAst| {
                UserInputAst::Clause(vec![
                    (Some(query_grammar::Occur::Should), a),
                    (Some(query_grammar::Occur::Should), b),
                ])
            };
            match l.field_name.as_deref() {
                Some("entity") => {
                    let id = l.phrase.trim();
                    *ast = if gi.table.entity(id).is_some() {
                        let term = format!("{}{id}", analysis::ENTITY_PREFIX);
                        should(literal("title", term.clone()), literal("body", term))
                    } else {
                        literal("names", names_term(id))
                    };
                }
                None | Some("title" | "body") if cross_script && !l.prefix => {
                    // Only a word written as a name (capitalised, or in another script
                    // than Latin) whose key some recognised name has: a common word
                    // typed in lower case costs the query nothing.
                    let as_name = l.phrase.chars().next().is_some_and(char::is_uppercase)
                        || !l.phrase.is_ascii();
                    if !as_name {
                        return;
                    }
                    let in_table = analysis::analyze(
                        &mut analysis::analyzer(&gi.table, analysis::NO_STEM),
                        &l.phrase,
                    )
                    .iter()
                    .any(|t| t.text.starts_with(analysis::ENTITY_PREFIX));
                    if in_table {
                        return;
                    }
                    let known = |key: &str| {
                        let term = Term::from_field_text(gi.fields.names, &key.replace(' ', "_"));
                        gi.searcher()
                            .is_ok_and(|s| s.doc_freq(&term).unwrap_or(0) > 0)
                    };
                    if let Some(key) = name_query_key(&l.phrase).filter(|k| known(k)) {
                        let names = UserInputAst::Boost(
                            Box::new(literal("names", key.replace(' ', "_"))),
                            NAME_KEY_BOOST.into(),
                        );
                        let original = std::mem::replace(ast, UserInputAst::Clause(Vec::new()));
                        *ast = should(original, names);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Rejects field names users cannot query, naming the ones they can.
fn check_fields(ast: &UserInputAst) -> Result<()> {
    let mut bad = None;
    visit_leaves(ast, false, &mut |leaf, _| {
        let field = match leaf {
            UserInputLeaf::Literal(l) => l.field_name.as_deref(),
            UserInputLeaf::Range { field, .. }
            | UserInputLeaf::Set { field, .. }
            | UserInputLeaf::Regex { field, .. } => field.as_deref(),
            UserInputLeaf::Exists { field } => Some(field.as_str()),
            UserInputLeaf::All => None,
        };
        if let Some(f) = field {
            if !QUERY_FIELDS.contains(&f) && bad.is_none() {
                bad = Some(f.to_string());
            }
        }
    });
    match bad {
        Some(f) => Err(Error::Query(format!(
            "unknown field `{f}:` (fields: {})",
            QUERY_FIELDS.join(", ")
        ))),
        None => Ok(()),
    }
}

/// In exact mode `title:` and `body:` address the exact-spelling fields.
fn rename_fields(ast: &mut UserInputAst) {
    match ast {
        UserInputAst::Clause(children) => children.iter_mut().for_each(|(_, c)| rename_fields(c)),
        UserInputAst::Boost(inner, _) => rename_fields(inner),
        UserInputAst::Leaf(leaf) => {
            if let UserInputLeaf::Literal(l) = leaf.as_mut() {
                if let Some(name) = &l.field_name {
                    if name == "title" || name == "body" {
                        l.field_name = Some(format!("{name}_exact"));
                    }
                }
            }
        }
    }
}

fn visit_leaves(ast: &UserInputAst, negated: bool, f: &mut dyn FnMut(&UserInputLeaf, bool)) {
    match ast {
        UserInputAst::Clause(children) => {
            for (occur, child) in children {
                let neg = negated ^ matches!(occur, Some(query_grammar::Occur::MustNot));
                visit_leaves(child, neg, f);
            }
        }
        UserInputAst::Boost(inner, _) => visit_leaves(inner, negated, f),
        UserInputAst::Leaf(leaf) => f(leaf, negated),
    }
}

/// The literals of a query that can appear in a body, analyzed with `analyzer`, with
/// their weights from the index. Negated literals are not highlighted.
fn literals(
    ast: &UserInputAst,
    analyzer: &mut tantivy::tokenizer::TextAnalyzer,
    searcher: &Searcher,
    field: tantivy::schema::Field,
    names: bool,
) -> Vec<Literal> {
    let mut raw = Vec::new();
    visit_leaves(ast, false, &mut |leaf, negated| {
        if let UserInputLeaf::Literal(l) = leaf {
            let text_field = matches!(
                l.field_name.as_deref(),
                None | Some("title" | "body" | "title_exact" | "body_exact")
            );
            if !negated && text_field {
                raw.push((l.phrase.clone(), l.prefix, l.slop));
            }
        }
    });
    let n = searcher.num_docs().max(1) as f32;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (phrase, prefix, slop) in raw {
        let terms: Vec<String> = analysis::analyze(analyzer, &phrase)
            .into_iter()
            .map(|t| t.text)
            .collect();
        if terms.is_empty() || !seen.insert((terms.clone(), prefix)) {
            continue;
        }
        let df = terms
            .iter()
            .map(|t| {
                searcher
                    .doc_freq(&Term::from_field_text(field, t))
                    .unwrap_or(0)
            })
            .min()
            .unwrap_or(0) as f32;
        let weight = (1.0 + (n - df + 0.5) / (df + 0.5)).ln().max(0.05);
        // A literal the table knows needs no recognised names to match across scripts.
        let as_name = phrase.chars().next().is_some_and(char::is_uppercase) || !phrase.is_ascii();
        let key =
            if names && as_name && !terms.iter().any(|t| t.starts_with(analysis::ENTITY_PREFIX)) {
                name_query_key(&phrase).unwrap_or_default()
            } else {
                String::new()
            };
        out.push(Literal {
            terms,
            prefix,
            slop,
            weight,
            key,
        });
    }
    out
}

pub(crate) fn text_of(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

fn opt_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

pub(crate) fn meta_of(f: &Fields, doc: &TantivyDocument) -> ArticleMeta {
    ArticleMeta {
        id: text_of(doc, f.id),
        title: text_of(doc, f.title_text),
        date: opt_text(doc, f.date_text),
        source: opt_text(doc, f.source),
        lang: Lang::from_code(&text_of(doc, f.lang)),
        path: text_of(doc, f.path),
        url: opt_text(doc, f.url),
        place: opt_text(doc, f.place),
        author: opt_text(doc, f.author),
        captured: opt_text(doc, f.captured),
    }
}
