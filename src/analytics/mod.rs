//! Research counts over the whole index: how many matching articles fall in each source,
//! language, period, entity or spelling (one dimension or a pivot of two), which entities
//! appear with a query more often than in the archive, and who writes which spelling of
//! a name. Counts read fast fields only ([`collect`]); requests are plain data.

pub mod collect;
pub mod dims;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::analysis::{Kind, ENTITY_PREFIX};
use crate::error::{Error, Result};
use crate::index::{GazetteIndex, SPELLING_SEPARATOR};
use crate::search::{self, SearchOptions};
use collect::{CountCollector, Val};
pub use dims::Dim;

/// How `--by entity` orders its buckets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Rank {
    /// Most articles first.
    Count,
    /// Most over-represented first: share among the matches over share in the index.
    Lift,
    /// Dunning's log-likelihood ratio (G²) of appearing with the query, signed: strong
    /// and frequent associations first, chance co-occurrence last.
    #[default]
    Llr,
}

/// What to count. The query and filters are a search's (`SearchOptions`); an empty
/// query counts every article.
#[derive(Clone, Debug)]
pub struct CountRequest {
    pub by: Vec<Dim>,
    /// Only entities of this kind (`--by entity`).
    pub kind: Option<Kind>,
    /// Keep the K largest buckets (of the first dimension, for a pivot); a date
    /// dimension keeps every period.
    pub top: Option<usize>,
    pub rank: Rank,
}

/// One value of a bucket's key.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyPart {
    pub dim: Dim,
    /// `None`: the article has no value (undated, no source).
    pub value: Option<String>,
    /// An entity's kind, display name and where it comes from.
    pub entity: Option<EntityRef>,
}

/// An entity as counts name it.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityRef {
    /// The table's id, or the recognised name's key.
    pub id: String,
    pub name: String,
    pub kind: Kind,
    /// `table` or `recognised`.
    pub source: &'static str,
}

/// How strongly an entity goes with the query (`--by entity`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Association {
    /// Articles of the whole index with the entity.
    pub background: u64,
    pub lift: f64,
    pub llr: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Bucket {
    pub key: Vec<KeyPart>,
    pub articles: u64,
    /// Of the matching articles (an article with two entities counts in both buckets).
    pub share: f64,
    pub association: Option<Association>,
}

#[derive(Clone, Debug)]
pub struct CountResult {
    pub dims: Vec<Dim>,
    pub buckets: Vec<Bucket>,
    /// Matching articles.
    pub articles: u64,
    /// Articles in the index.
    pub index_articles: u64,
    /// Buckets left out by `--top`.
    pub more: usize,
    pub elapsed: Duration,
}

/// Counts the articles `opts` matches (the whole index, not cut by a limit) by the
/// request's dimensions.
pub fn count(gi: &GazetteIndex, opts: &SearchOptions, req: &CountRequest) -> Result<CountResult> {
    let start = Instant::now();
    let searcher = gi.searcher()?;
    let prepared = if opts.query.trim().is_empty() {
        search::prepare_all(gi, opts)?
    } else {
        search::prepare(gi, &searcher, opts)?
    };
    let named = search::query_entities(gi, &prepared.ast);
    let counts = prepared
        .search(
            &searcher,
            CountCollector {
                dims: req.by.clone(),
            },
        )
        .map_err(|e| Error::index(&gi.path, e))?;
    let index_articles = searcher.num_docs();
    let total = counts.articles;
    // Cells whose values the request leaves out: entities of another kind, the
    // query's own entities in an entity ranking, spellings of other entities.
    let keep = |dim: Dim, v: &Val| -> bool {
        let Val::Str(s) = v else {
            return dim != Dim::Entity && dim != Dim::Spelling;
        };
        match dim {
            Dim::Entity => {
                let kind_ok = req
                    .kind
                    .is_none_or(|k| entity_ref(gi, s).is_some_and(|e| e.kind == k));
                let own = named
                    .iter()
                    .any(|n| n == s || (n.starts_with('~') && s.ends_with(n.as_str())));
                kind_ok && !(own && req.by.len() == 1)
            }
            Dim::Spelling => {
                let ids: Vec<&str> = named
                    .iter()
                    .filter_map(|n| n.strip_prefix(ENTITY_PREFIX))
                    .collect();
                ids.is_empty()
                    || s.split(SPELLING_SEPARATOR)
                        .next()
                        .is_some_and(|id| ids.contains(&id))
            }
            _ => true,
        }
    };
    let (cells, labels) = merge_names(counts.cells, &req.by);
    let mut cells: Vec<((Val, Val), u64)> = cells
        .into_iter()
        .filter(|((a, b), _)| keep(req.by[0], a) && req.by.get(1).is_none_or(|&d| keep(d, b)))
        .collect();
    // Date dimensions show every period from the first to the last, gaps as zero.
    for (i, &dim) in req.by.iter().enumerate() {
        if dim.is_date() {
            fill_gaps(&mut cells, i, dim);
        }
    }
    let mut buckets: Vec<Bucket> = cells
        .into_iter()
        .map(|((a, b), n)| {
            let mut key = vec![key_part(gi, req.by[0], a, &labels)];
            if let Some(&d) = req.by.get(1) {
                key.push(key_part(gi, d, b, &labels));
            }
            Bucket {
                key,
                articles: n,
                share: if total == 0 {
                    0.0
                } else {
                    n as f64 / total as f64
                },
                association: None,
            }
        })
        .collect();
    if req.by == [Dim::Entity] {
        for b in &mut buckets {
            if let Some(e) = &b.key[0].entity {
                let background = entity_articles(gi, &searcher, e)?;
                b.association = Some(associate(b.articles, total, background, index_articles));
            }
        }
    }
    order(&mut buckets, req);
    let more = cut_top(&mut buckets, req);
    Ok(CountResult {
        dims: req.by.clone(),
        buckets,
        articles: total,
        index_articles,
        more,
        elapsed: start.elapsed(),
    })
}

/// Runs a tantivy aggregation request (its JSON form) over the articles `opts` matches:
/// for requests counts do not cover, and to compare counts with tantivy's own
/// aggregations over the same query (the benchmark suite does).
pub fn aggregate(
    gi: &GazetteIndex,
    opts: &SearchOptions,
    request: serde_json::Value,
) -> Result<serde_json::Value> {
    use tantivy::aggregation::{agg_req::Aggregations, AggregationCollector};
    let searcher = gi.searcher()?;
    let prepared = if opts.query.trim().is_empty() {
        search::prepare_all(gi, opts)?
    } else {
        search::prepare(gi, &searcher, opts)?
    };
    let req: Aggregations = serde_json::from_value(request)
        .map_err(|e| Error::Invalid(format!("aggregation request: {e}")))?;
    let collector = AggregationCollector::from_aggs(req, Default::default());
    let res = prepared
        .search(&searcher, collector)
        .map_err(|e| Error::index(&gi.path, e))?;
    serde_json::to_value(res).map_err(|e| Error::Invalid(format!("aggregation result: {e}")))
}

/// Adds the empty periods between the first and last of dimension `i`.
fn fill_gaps(cells: &mut Vec<((Val, Val), u64)>, i: usize, dim: Dim) {
    let day = |c: &((Val, Val), u64)| -> Option<i32> {
        match if i == 0 { &c.0 .0 } else { &c.0 .1 } {
            Val::Day(d) => Some(*d),
            _ => None,
        }
    };
    let (Some(first), Some(last)) = (
        cells.iter().filter_map(day).min(),
        cells.iter().filter_map(day).max(),
    ) else {
        return;
    };
    // The other dimension's values: each gets the full run of periods.
    let mut others: Vec<Val> = cells
        .iter()
        .map(|c| {
            if i == 0 {
                c.0 .1.clone()
            } else {
                c.0 .0.clone()
            }
        })
        .collect();
    others.sort();
    others.dedup();
    let present: std::collections::HashSet<(Val, Val)> =
        cells.iter().map(|c| c.0.clone()).collect();
    let mut d = first;
    let mut steps = 0;
    while d <= last && steps < 100_000 {
        for o in &others {
            let k = if i == 0 {
                (Val::Day(d), o.clone())
            } else {
                (o.clone(), Val::Day(d))
            };
            if !present.contains(&k) {
                cells.push((k, 0));
            }
        }
        d = dim.next(d);
        steps += 1;
    }
}

/// A recognised name's values (`p~key` + its spelling in each article) counted as one
/// entity per key, named by its most frequent spelling. An article holds one value per
/// key, so the sums are articles. Returns the cells and each key's name.
fn merge_names(
    cells: rustc_hash::FxHashMap<(Val, Val), u64>,
    by: &[Dim],
) -> (
    rustc_hash::FxHashMap<(Val, Val), u64>,
    HashMap<String, String>,
) {
    let Some(at) = by.iter().position(|&d| d == Dim::Entity) else {
        return (cells, HashMap::new());
    };
    let mut spellings: HashMap<String, HashMap<String, u64>> = HashMap::new();
    let mut out: rustc_hash::FxHashMap<(Val, Val), u64> = Default::default();
    for ((a, b), n) in cells {
        let mut k = (a, b);
        let v = if at == 0 { &mut k.0 } else { &mut k.1 };
        if let Val::Str(s) = v {
            if let Some((key, written)) = s.split_once(SPELLING_SEPARATOR) {
                *spellings
                    .entry(key.to_string())
                    .or_default()
                    .entry(written.to_string())
                    .or_default() += n;
                *s = key.to_string();
            }
        }
        *out.entry(k).or_default() += n;
    }
    let labels = spellings
        .into_iter()
        .filter_map(|(key, ws)| {
            let best = ws
                .into_iter()
                .max_by(|x, y| x.1.cmp(&y.1).then_with(|| y.0.cmp(&x.0)))?;
            Some((key, best.0))
        })
        .collect();
    (out, labels)
}

fn key_part(gi: &GazetteIndex, dim: Dim, v: Val, labels: &HashMap<String, String>) -> KeyPart {
    match v {
        Val::None => KeyPart {
            dim,
            value: None,
            entity: None,
        },
        Val::Day(d) => KeyPart {
            dim,
            value: Some(dim.label(d)),
            entity: None,
        },
        Val::Str(s) => match dim {
            Dim::Entity => {
                let mut e = entity_ref(gi, &s);
                if let (Some(e), Some(label)) = (e.as_mut(), labels.get(&s)) {
                    e.name = label.clone();
                }
                KeyPart {
                    dim,
                    value: Some(e.as_ref().map_or(s, |e| e.id.clone())),
                    entity: e,
                }
            }
            Dim::Spelling => {
                let (id, spelling) = s.split_once(SPELLING_SEPARATOR).unwrap_or(("", &s));
                KeyPart {
                    dim,
                    value: Some(spelling.to_string()),
                    entity: entity_ref(gi, &format!("{ENTITY_PREFIX}{id}")),
                }
            }
            _ => KeyPart {
                dim,
                value: Some(s),
                entity: None,
            },
        },
    }
}

/// The entity an `entities` value names.
pub fn entity_ref(gi: &GazetteIndex, value: &str) -> Option<EntityRef> {
    if let Some(e) = gi.table.entity_of_term(value) {
        return Some(EntityRef {
            id: e.id.clone(),
            name: e.name.clone(),
            kind: e.kind,
            source: "table",
        });
    }
    let (code, key) = value.split_once('~')?;
    let kind = match code {
        "p" => Kind::Person,
        "o" => Kind::Organisation,
        _ => Kind::Place,
    };
    Some(EntityRef {
        id: key.to_string(),
        name: title_case(key),
        kind,
        source: "recognised",
    })
}

/// A recognised name's key written as a name: `kiril budanov` → `Kiril Budanov`.
fn title_case(key: &str) -> String {
    key.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Articles of the whole index holding an entity (one term lookup).
fn entity_articles(gi: &GazetteIndex, searcher: &tantivy::Searcher, e: &EntityRef) -> Result<u64> {
    let term = if e.source == "table" {
        tantivy::Term::from_field_text(gi.fields.entities, &format!("{ENTITY_PREFIX}{}", e.id))
    } else {
        tantivy::Term::from_field_text(
            gi.fields.entity_keys,
            &crate::index::recognised_value(e.kind, &e.id),
        )
    };
    searcher
        .doc_freq(&term)
        .map_err(|e| Error::index(&gi.path, e))
}

/// Lift and signed log-likelihood ratio of an entity in `a` of the `n` matching
/// articles and `b` of the `total` articles of the index.
pub fn associate(a: u64, n: u64, b: u64, total: u64) -> Association {
    let (a, n, b, total) = (a as f64, n as f64, b.max(a) as f64, total.max(1) as f64);
    let lift = if n == 0.0 || b == 0.0 {
        0.0
    } else {
        (a / n) / (b / total)
    };
    // The 2×2 table: with the entity or not, matching or not.
    let k = [a, n - a, b - a, total - n - b + a];
    let rows = [n, total - n];
    let cols = [b, total - b];
    let mut g2 = 0.0;
    for (i, &kij) in k.iter().enumerate() {
        let expected = rows[i / 2] * cols[i % 2] / total;
        if kij > 0.0 && expected > 0.0 {
            g2 += kij * (kij / expected).ln();
        }
    }
    let g2 = (2.0 * g2).max(0.0);
    Association {
        background: b as u64,
        lift,
        llr: if lift < 1.0 { -g2 } else { g2 },
    }
}

fn order(buckets: &mut [Bucket], req: &CountRequest) {
    use std::cmp::Ordering;
    // Keys with no value (undated, no source) go last; dates in time order, others
    // by count (or association), then by key.
    let part = |a: &KeyPart, b: &KeyPart| -> Ordering {
        a.value
            .is_none()
            .cmp(&b.value.is_none())
            .then_with(|| a.value.cmp(&b.value))
    };
    let whole = |x: &Bucket, y: &Bucket| -> Ordering {
        x.key
            .iter()
            .zip(&y.key)
            .map(|(a, b)| part(a, b))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    };
    let totals: HashMap<Option<String>, u64> = buckets.iter().fold(HashMap::new(), |mut m, b| {
        *m.entry(b.key[0].value.clone()).or_default() += b.articles;
        m
    });
    let score = |b: &Bucket| match (req.rank, b.association) {
        (Rank::Lift, Some(a)) => a.lift,
        (Rank::Llr, Some(a)) => a.llr,
        _ => totals[&b.key[0].value] as f64,
    };
    let first_is_date = req.by[0].is_date();
    let second_is_date = req.by.get(1).is_some_and(|d| d.is_date());
    buckets.sort_by(|x, y| {
        let none_last = x.key[0].value.is_none().cmp(&y.key[0].value.is_none());
        let first = if first_is_date {
            none_last.then_with(|| part(&x.key[0], &y.key[0]))
        } else {
            none_last
                .then_with(|| score(y).total_cmp(&score(x)))
                .then_with(|| part(&x.key[0], &y.key[0]))
        };
        first.then_with(|| {
            if second_is_date {
                whole(x, y)
            } else {
                y.articles.cmp(&x.articles).then_with(|| whole(x, y))
            }
        })
    });
}

/// Keeps the buckets of the `top` first values of the first dimension; returns how
/// many values were left out.
fn cut_top(buckets: &mut Vec<Bucket>, req: &CountRequest) -> usize {
    let Some(top) = req.top else {
        return 0;
    };
    if req.by[0].is_date() {
        return 0;
    }
    // An entity's id with its kind: a recognised key can name a person and a place.
    let mut kept: Vec<(Option<String>, Option<Kind>)> = Vec::new();
    let mut left = std::collections::HashSet::new();
    buckets.retain(|b| {
        let v = &(
            b.key[0].value.clone(),
            b.key[0].entity.as_ref().map(|e| e.kind),
        );
        if kept.contains(v) {
            return true;
        }
        if kept.len() < top {
            kept.push(v.clone());
            true
        } else {
            left.insert(v.clone());
            false
        }
    });
    left.len()
}

/// Spellings of one entity: which articles write which of its spellings, overall or
/// by source or period (`gazette spellings`).
#[derive(Clone, Debug)]
pub struct SpellingRequest {
    /// A table id or any spelling of the entity.
    pub entity: String,
    /// `None`, or `source`, `year`, `month`, …
    pub by: Option<Dim>,
}

/// The entity `spellings` counts, and its buckets (spelling first, then the `--by` key).
#[derive(Clone, Debug)]
pub struct SpellingResult {
    pub entity: EntityRef,
    pub count: CountResult,
}

/// Counts the articles writing each spelling of an entity.
pub fn spellings(
    gi: &GazetteIndex,
    opts: &SearchOptions,
    req: &SpellingRequest,
) -> Result<SpellingResult> {
    let id = resolve_entity(gi, &req.entity)?;
    let e = gi.table.entity(&id).expect("resolved");
    let entity = EntityRef {
        id: e.id.clone(),
        name: e.name.clone(),
        kind: e.kind,
        source: "table",
    };
    let mut by = vec![Dim::Spelling];
    if let Some(d) = req.by {
        if d == Dim::Spelling || d == Dim::Entity {
            return Err(Error::Invalid(format!(
                "spellings --by {d}: by source, lang or a period"
            )));
        }
        by.push(d);
    }
    let mut opts = opts.clone();
    let user_query = opts.query.trim().to_string();
    opts.query = if user_query.is_empty() {
        format!("entity:{id}")
    } else {
        format!("entity:{id} AND ({user_query})")
    };
    let request = |by: Vec<Dim>| CountRequest {
        by,
        kind: None,
        top: None,
        rank: Rank::Count,
    };
    let mut result = count(gi, &opts, &request(by))?;
    // A spelling's share is of the articles naming the entity in its source or period
    // ("of Reuters's articles on Kyiv, 80% write Kiev"); an article writing two
    // spellings counts for both.
    if let Some(d) = req.by {
        let groups = count(gi, &opts, &request(vec![d]))?;
        let of: HashMap<Option<String>, u64> = groups
            .buckets
            .iter()
            .map(|b| (b.key[0].value.clone(), b.articles))
            .collect();
        for b in &mut result.buckets {
            let n = of.get(&b.key[1].value).copied().unwrap_or(0);
            b.share = if n == 0 {
                0.0
            } else {
                b.articles as f64 / n as f64
            };
        }
    }
    Ok(SpellingResult {
        entity,
        count: result,
    })
}

/// A table id from an id or any spelling.
fn resolve_entity(gi: &GazetteIndex, typed: &str) -> Result<String> {
    let typed = typed.trim();
    if gi.table.entity(typed).is_some() {
        return Ok(typed.to_string());
    }
    let mut an = crate::analysis::analyzer(&gi.table, crate::analysis::NO_STEM);
    let terms = crate::analysis::analyze(&mut an, typed);
    match &terms[..] {
        [t] if t.text.starts_with(ENTITY_PREFIX) => {
            Ok(t.text[ENTITY_PREFIX.len()..].to_string())
        }
        _ => Err(Error::Invalid(format!(
            "`{typed}` is no entity of the alias table (see `gazette aliases {typed}`); spellings are counted for table entities"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn association_favours_what_goes_with_the_query() {
        // 10,000 articles, 100 match. A mayor in 30 of them and 40 overall; Russia in 50
        // of them and 5,000 overall.
        let mayor = associate(30, 100, 40, 10_000);
        let russia = associate(50, 100, 5_000, 10_000);
        assert!(
            mayor.lift > 70.0 && russia.lift == 1.0,
            "{mayor:?} {russia:?}"
        );
        assert!(mayor.llr > russia.llr);
        assert!(russia.llr.abs() < 1e-6);
        // Rarer with the query than without: negative.
        assert!(associate(1, 100, 5_000, 10_000).llr < 0.0);
        assert_eq!(title_case("kiril budanov"), "Kiril Budanov");
    }
}
