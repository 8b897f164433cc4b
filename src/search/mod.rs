//! Search: parses a query with the same analyzers the articles were indexed with, runs
//! it over the index (BM25, title boosted), and turns the best articles into ranked
//! passages with match and entity spans. The query is made in [`query`], the passages
//! are cut in [`cut`].

mod collapse;
mod columns;
mod cut;
mod grouped;
pub(crate) mod meta;
mod query;
mod stories;

pub(crate) use cut::{stored_names, with_names, StoredNames};
pub(crate) use cut::{Analysed, Cutter};
pub(crate) use query::{prepare, prepare_all, query_entities, Prepared};
pub(crate) use stories::Stories;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::EnableScoring;
use tantivy::schema::Value;
use tantivy::{DateTime, Searcher, TantivyDocument};

use crate::error::{Error, Result};
use crate::index::{Fields, GazetteIndex};
use crate::lang::Lang;
use crate::passage::{self, Mark, PassageOptions};
use crate::similar::{self, Signature};
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

/// How many folded articles a hit lists unless asked otherwise (`--similar`).
pub const DEFAULT_SIMILAR_LISTED: usize = 10;

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
    /// Only articles that jobs after the first number, up to the second, brought or
    /// edited (see `versions`): what a watch alerts on.
    pub jobs: Option<(u64, u64)>,
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
    /// How many of a story's folded articles a hit lists (`Grouping::Fold`; all are
    /// counted): a wire story copied by a hundred outlets is one line, not a hundred
    /// documents read.
    pub similar_listed: usize,
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
            similar_listed: DEFAULT_SIMILAR_LISTED,
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
    /// best-ranked article of a story. With `Grouping::Fold`, the first
    /// `SearchOptions::similar_listed` of them.
    pub similar: Vec<Arc<ArticleMeta>>,
    /// How many articles tell the same story (`similar` may list fewer).
    pub similar_total: usize,
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

/// Searches `gi` and returns ranked passages.
pub fn search(gi: &GazetteIndex, opts: &SearchOptions) -> Result<SearchResults> {
    let start = Instant::now();
    let searcher = gi.searcher()?;
    let prepared = prepare(gi, &searcher, opts)?;
    search_prepared(gi, &searcher, &prepared, opts, start)
}

/// [`search`] with the query already prepared from `opts` (a caller that runs other
/// collectors over the same query prepares it once); `start` is when the search began.
pub(crate) fn search_prepared(
    gi: &GazetteIndex,
    searcher: &Searcher,
    prepared: &Prepared,
    opts: &SearchOptions,
    start: Instant,
) -> Result<SearchResults> {
    let want = opts.offset + opts.limit;
    // Passages come from the best articles; a few more than needed let a strong passage
    // of a lower-ranked article surface. Folding can leave a page short (an archive
    // holding many copies of one story): then more articles are fetched, four times as
    // many each time.
    // Folding by relevance collects one article per story key, with its copies (see
    // `collapse`); the other orders and groupings fold, if at all, what they fetch.
    let collapsing = opts.group == Grouping::Fold && opts.sort == Sort::Relevance;
    // Stories, when collapsing: the page and its lookahead, and as many again for
    // near copies (other keys) that fold when compared; articles otherwise.
    let mut limit = if collapsing {
        want.saturating_add(LOOKAHEAD + 1).saturating_mul(2)
    } else {
        (want + 10).max(opts.limit * 2).max(FIRST_FETCH)
    };
    type Copies = HashMap<tantivy::DocAddress, (usize, Vec<tantivy::DocAddress>)>;
    type Top = Vec<(f32, tantivy::DocAddress)>;
    let fetch = |limit: usize| -> Result<(Top, usize, Copies)> {
        if collapsing {
            let prune = !prepared.has_phrase();
            let mut collector = collapse::Collapse::new(limit, opts.similar_listed, prune);
            if prune && prepared.window.is_none() {
                let counter = prepared
                    .query
                    .weight(EnableScoring::disabled_from_searcher(searcher))
                    .map_err(|e| Error::index(&gi.path, e))?;
                collector = collector.counting_with(counter);
            }
            let (stories, total) = prepared
                .search(searcher, collector)
                .map_err(|e| Error::index(&gi.path, e))?;
            let mut copies = Copies::new();
            let mut top = Vec::with_capacity(stories.len());
            for s in stories {
                top.push((s.score, s.addr));
                if s.copies > 0 {
                    let members = s.members.into_iter().map(|(_, a)| a).collect();
                    copies.insert(s.addr, (s.copies, members));
                }
            }
            return Ok((top, total, copies));
        }
        match opts.sort {
            Sort::Relevance => prepared.search(
                searcher,
                (TopDocs::with_limit(limit).order_by_score(), Count),
            ),
            Sort::Date => prepared
                .search(
                    searcher,
                    (
                        TopDocs::with_limit(limit)
                            .order_by_fast_field::<DateTime>("date", tantivy::Order::Desc),
                        Count,
                    ),
                )
                .map(|(docs, n)| (docs.into_iter().map(|(_, a)| (0.0, a)).collect(), n)),
        }
        .map(|(top, n)| (top, n, Copies::new()))
        .map_err(|e| Error::index(&gi.path, e))
    };
    let (mut top, total, mut copies) = fetch(limit)?;

    let mut signatures: HashMap<String, Option<Signature>> = HashMap::new();
    let mut dates: HashMap<String, Option<i64>> = HashMap::new();
    let mut cutter = Cutter::new(gi, searcher, &prepared.ast, opts);
    // Folding: the articles cut so far with their signatures, and what folds into them
    // (listed by address: only the page's hits read the ones they list).
    let mut leaders: Vec<(String, Signature)> = Vec::new();
    // (how many, the first of them)
    let mut folded: HashMap<String, (usize, Vec<tantivy::DocAddress>)> = HashMap::new();
    // The leader of every story key seen (see `similar::Signature::key`): a copy with
    // the key of an article already compared folds without its document being read.
    let mut by_key: HashMap<u64, usize> = HashMap::new();
    let mut stories = Stories::new(searcher);
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
                // Each fetch runs the whole query again: ask for as many as the
                // folding seen so far says the page needs (a hundred copies of every
                // story took three runs of four times as many), and at least four
                // times as many.
                let per_cut = next as f64 / cut.max(1) as f64;
                let needed = (per_cut * (LOOKAHEAD + want + 1) as f64 * 1.25) as usize;
                limit = needed.max(limit * 4);
                (top, _, copies) = fetch(limit)?;
                if next == top.len() {
                    exhausted = true;
                    break;
                }
            }
            let (score, addr) = top[next];
            next += 1;
            let (doc, meta) = if opts.group == Grouping::Fold {
                // An article telling the story of a better-ranked one is only listed
                // in that one's `similar`: its passages would be folded away, so they
                // are not cut, nor its document read. (Every article cut has a
                // passage: see `cut`.) Its signature comes from a column; a copy with
                // a key already seen is not even compared.
                let key = stories.key(addr);
                // This article and the copies the collector folded into it.
                let mut fold_into = |leader: &str, folded: &mut HashMap<_, _>| {
                    let (n, members): &mut (usize, Vec<_>) =
                        folded.entry(leader.to_string()).or_default();
                    *n += 1;
                    members.push(addr);
                    if let Some((more, theirs)) = copies.remove(&addr) {
                        *n += more;
                        members.extend(theirs);
                    }
                };
                if let Some(&l) = by_key.get(&key).filter(|_| key != 0) {
                    fold_into(&leaders[l].0, &mut folded);
                    continue;
                }
                let sig = stories.signature(addr);
                let leader = sig.as_ref().and_then(|sig| {
                    leaders.iter().position(|(_, ls): &(String, Signature)| {
                        ls.similarity(sig) >= similar::SIMILAR
                    })
                });
                if let Some(l) = leader {
                    if key != 0 {
                        by_key.insert(key, l);
                    }
                    fold_into(&leaders[l].0, &mut folded);
                    continue;
                }
                let doc: TantivyDocument =
                    searcher.doc(addr).map_err(|e| Error::index(&gi.path, e))?;
                let meta = Arc::new(meta_of(&gi.fields, &doc));
                if let Some(theirs) = copies.remove(&addr) {
                    folded.insert(meta.id.clone(), theirs);
                }
                if let Some(sig) = sig {
                    if key != 0 {
                        by_key.insert(key, leaders.len());
                    }
                    leaders.push((meta.id.clone(), sig));
                }
                (doc, meta)
            } else {
                let doc: TantivyDocument =
                    searcher.doc(addr).map_err(|e| Error::index(&gi.path, e))?;
                let meta = Arc::new(meta_of(&gi.fields, &doc));
                if opts.group == Grouping::Annotate {
                    signatures.insert(meta.id.clone(), stories.signature(addr));
                }
                (doc, meta)
            };
            dates.insert(
                meta.id.clone(),
                doc.get_first(gi.fields.date)
                    .and_then(|v| v.as_datetime())
                    .map(|d| d.into_timestamp_secs()),
            );
            let title = text_of(&doc, gi.fields.title_text);
            let body = text_of(&doc, gi.fields.body_text);
            let names = stored_names(gi, &doc);
            cut += 1;
            let cuts = cutter.cut(meta.lang.code(), &title, &body, &names);
            pool.extend(hits_of(cuts, &meta, &title, &body, ARTICLE_WEIGHT * score));
        }
        let Some(best) = (0..pool.len()).min_by(|&a, &b| order(&pool[a], &pool[b], &dates)) else {
            break;
        };
        all.push(pool.swap_remove(best));
    }
    cutter.finish();
    match opts.group {
        // The best passage of each article lists the articles folded into it, read
        // only when that passage is on the page asked for.
        Grouping::Fold => {
            let page = opts.offset..opts.offset.saturating_add(opts.limit);
            let mut metas = meta::MetaReader::new(gi, searcher);
            for (i, hit) in all.iter_mut().enumerate() {
                let Some((total, members)) = folded.remove(&hit.article.id) else {
                    continue;
                };
                hit.similar_total = total;
                if page.contains(&i) {
                    hit.similar = members
                        .into_iter()
                        .take(opts.similar_listed)
                        .map(|addr| metas.get(addr).map(Arc::new))
                        .collect::<Result<_>>()?;
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
    let suggestions = suggest(gi, searcher, opts, total)?;
    Ok(SearchResults {
        hits,
        total_articles: total,
        suggestions,
        elapsed: start.elapsed(),
    })
}

/// The passages cut from one article as hits (unranked), each scored by its own score
/// plus `bonus`.
pub(crate) fn hits_of(
    cuts: Vec<cut::Cut>,
    meta: &Arc<ArticleMeta>,
    title: &str,
    body: &str,
    bonus: f32,
) -> Vec<Hit> {
    cuts.into_iter()
        .map(|c| {
            let p = c.passage;
            let text = match c.field {
                passage::Field::Title => title,
                passage::Field::Body => body,
            };
            let rel = |m: &Mark| Mark {
                start: m.start - p.start,
                end: m.end - p.start,
                ..m.clone()
            };
            Hit {
                rank: 0,
                score: p.score + bonus,
                article: meta.clone(),
                field: c.field,
                text: text[p.start..p.end].to_string(),
                start: p.start,
                end: p.end,
                matches: p.matches.iter().map(rel).collect(),
                entities: c.entities,
                similar: Vec::new(),
                similar_total: 0,
                same_story_as: None,
            }
        })
        .collect()
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

/// The query of `opts` run with tantivy's own collectors alone (the best `opts.limit`
/// articles by score, and the count): no passages, folding or printing. What a search
/// cannot go below, for the benchmarks; returns the count.
pub fn rank_only(gi: &GazetteIndex, opts: &SearchOptions) -> Result<usize> {
    let searcher = gi.searcher()?;
    let prepared = prepare(gi, &searcher, opts)?;
    let (_, total) = prepared
        .search(
            &searcher,
            (
                TopDocs::with_limit(opts.limit.max(1)).order_by_score(),
                Count,
            ),
        )
        .map_err(|e| Error::index(&gi.path, e))?;
    Ok(total)
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
                out[at].similar_total += 1;
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
