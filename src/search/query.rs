//! Queries: parsing what a user typed with the analyzers the articles were indexed with
//! (one clause per stemming group), the names rewritten for recognised entities, the
//! filters, and the literals that passages highlight.

use std::collections::HashSet;

use tantivy::collector::{Collector, FilterCollector};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::query_grammar::{self, UserInputAst, UserInputLeaf};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, Searcher, Term};

use super::grouped::GroupedQuery;
use super::{Filters, SearchOptions, MAX_QUERY_CHARS, MAX_QUERY_DEPTH, TITLE_BOOST};
use crate::analysis;
use crate::error::{Error, Result};
use crate::index::{GazetteIndex, QUERY_FIELDS};
use crate::lang::Lang;
use crate::ner;
use crate::passage::Literal;
use crate::supersede;
use crate::typos;

/// A parsed query, ready to run: the tantivy query and the literals to highlight.
pub(crate) struct Prepared {
    pub(crate) query: Box<dyn Query>,
    pub(crate) ast: UserInputAst,
    /// `--since` / `--until`, checked by [`Prepared::search`].
    pub(crate) window: Option<DateWindow>,
}

/// The dates `--since` and `--until` allow (inclusive). They are checked on the date of
/// each article the query matches, as it is collected, not by a range query: tantivy's
/// fast-field range scan reads every date from the start of a segment up to the first
/// one in the window, which for the newest articles of an archive indexed in date order
/// is most of the segment (2 ms of a 2.6 ms search on news-large).
#[derive(Clone, Copy, Debug)]
pub(crate) struct DateWindow {
    since: Option<DateTime>,
    until: Option<DateTime>,
}

impl DateWindow {
    pub(crate) fn contains(self, date: DateTime) -> bool {
        self.since.is_none_or(|s| date >= s) && self.until.is_none_or(|u| date <= u)
    }
}

impl Prepared {
    /// Runs the query with `collector`, keeping only articles in the date window.
    pub(crate) fn search<C: Collector>(
        &self,
        searcher: &Searcher,
        collector: C,
    ) -> tantivy::Result<C::Fruit> {
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

pub(crate) fn prepare(
    gi: &GazetteIndex,
    searcher: &Searcher,
    opts: &SearchOptions,
) -> Result<Prepared> {
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
    let query: Box<dyn Query> = if opts.exact {
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
        // list on every search. Ranking and counting run that clause without its
        // restriction, so that tantivy still prunes it (`grouped::GroupedQuery`).
        struct Clause {
            /// The query's description, which names every term, field and boost.
            shape: String,
            query: Box<dyn Query>,
            groups: Vec<Term>,
            /// The same groups as `analysis::stem_key`s.
            keys: Vec<&'static str>,
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
                    c.keys.push(key);
                    c.articles += articles;
                }
                None => clauses.push(Clause {
                    shape,
                    query,
                    groups: vec![group_term],
                    keys: vec![key],
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
            let main = clauses[largest].query.box_clone();
            let others_keys: Vec<&'static str> = clauses
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != largest)
                .flat_map(|(_, c)| c.keys.iter().copied())
                .collect();
            let mut rest: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let should: Vec<(Occur, Box<dyn Query>)> = clauses
                .into_iter()
                .enumerate()
                .map(|(i, c)| {
                    let restriction = if i == largest {
                        (Occur::MustNot, any_of(others.clone()))
                    } else {
                        (Occur::Must, any_of(c.groups))
                    };
                    let clause: Box<dyn Query> =
                        Box::new(BooleanQuery::new(vec![(Occur::Must, c.query), restriction]));
                    if i != largest {
                        rest.push((Occur::Should, clause.box_clone()));
                    }
                    (Occur::Should, clause)
                })
                .collect();
            Box::new(GroupedQuery {
                whole: Box::new(BooleanQuery::new(should)),
                main,
                others: others_keys,
                other_terms: others,
                rest: Box::new(BooleanQuery::new(rest)),
                seekable: !has_phrase(&ast),
            })
        }
    };
    restrict(gi, query, ast, opts)
}

/// A query for every article of the index (`gazette count` with no query), the
/// filters applied.
pub(crate) fn prepare_all(gi: &GazetteIndex, opts: &SearchOptions) -> Result<Prepared> {
    restrict(
        gi,
        Box::new(tantivy::query::AllQuery),
        UserInputAst::Clause(Vec::new()),
        opts,
    )
}

/// The query with the filters of `opts`, without the copies a later one supersedes.
fn restrict(
    gi: &GazetteIndex,
    mut query: Box<dyn Query>,
    ast: UserInputAst,
    opts: &SearchOptions,
) -> Result<Prepared> {
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

/// The entities a query names, as `entities` values' keys: table entities as their
/// term (`@kyiv`), recognised names as `~key`. What `count --by entity` leaves out of
/// its ranking, and the entities whose spellings `--by spelling` counts.
pub(crate) fn query_entities(gi: &GazetteIndex, ast: &UserInputAst) -> Vec<String> {
    let mut out = Vec::new();
    let mut an = analysis::analyzer(&gi.table, analysis::NO_STEM);
    visit_leaves(ast, false, &mut |leaf, negated| {
        let UserInputLeaf::Literal(l) = leaf else {
            return;
        };
        if negated {
            return;
        }
        match l.field_name.as_deref() {
            Some("names") => out.push(format!("~{}", l.phrase.replace('_', " "))),
            Some("title" | "body" | "title_exact" | "body_exact") | None => {
                for t in analysis::analyze(&mut an, &l.phrase) {
                    if t.text.starts_with(analysis::ENTITY_PREFIX) {
                        out.push(t.text);
                    }
                }
            }
            _ => {}
        }
    });
    out.sort();
    out.dedup();
    out
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
    if let Some((after, through)) = f.jobs {
        out.push(Box::new(ConstScoreQuery::new(
            crate::versions::jobs_query(fields.job, after, through),
            0.0,
        )));
    }
    Ok(out)
}

/// How much a match by a recognised name's key (across scripts) counts against a match
/// of the words as typed or of a table entity.
pub(crate) const NAME_KEY_BOOST: f64 = 0.5;

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
    let literal = |field: &str, phrase: String| quoted(Some(field.to_string()), phrase);
    match ast {
        UserInputAst::Clause(children) => {
            join_table_names(children, gi);
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

/// `phrase` in double quotes, in `field` or the default fields.
fn quoted(field_name: Option<String>, phrase: String) -> UserInputAst {
    UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(
        query_grammar::UserInputLiteral {
            field_name,
            phrase,
            delimiter: query_grammar::Delimiter::DoubleQuotes,
            slop: 0,
            prefix: false,
        },
    )))
}

/// The most words typed apart that [`join_table_names`] joins into one name.
const NAME_WORDS: usize = 6;

/// Joins words typed apart that together are a name the table holds (`Middle East`,
/// `Ближний Восток`) into that name, as if quoted. The table indexes such a
/// name as one term, so its words alone do not find it: `Middle East` was *middle* OR
/// *east*, 891 articles of news-large, most of them not among the 284 that name the
/// Middle East. The longest name from each word on wins (`New York Times` joins `New
/// York`); words joined must be plain (no field, quotes or prefix) and of the same
/// occurrence (`+Middle +East` joins, `Middle -East` does not).
fn join_table_names(
    children: &mut Vec<(Option<query_grammar::Occur>, UserInputAst)>,
    gi: &GazetteIndex,
) {
    let plain = |c: &(Option<query_grammar::Occur>, UserInputAst)| -> Option<String> {
        let UserInputAst::Leaf(leaf) = &c.1 else {
            return None;
        };
        match leaf.as_ref() {
            UserInputLeaf::Literal(l)
                if l.field_name.is_none()
                    && l.delimiter == query_grammar::Delimiter::None
                    && !l.prefix =>
            {
                Some(l.phrase.clone())
            }
            _ => None,
        }
    };
    let mut analyzer = analysis::analyzer(&gi.table, analysis::NO_STEM);
    let mut i = 0;
    while i < children.len() {
        let occur = children[i].0;
        let run: Vec<String> = children[i..]
            .iter()
            .take(NAME_WORDS)
            .map_while(|c| plain(c).filter(|_| c.0 == occur))
            .collect();
        for n in (2..=run.len()).rev() {
            let phrase = run[..n].join(" ");
            let tokens = analysis::analyze(&mut analyzer, &phrase);
            if let [t] = tokens.as_slice() {
                if t.text.starts_with(analysis::ENTITY_PREFIX) {
                    children.splice(i..i + n, [(occur, quoted(None, phrase))]);
                    break;
                }
            }
        }
        i += 1;
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

impl Prepared {
    /// Whether the query holds a phrase of several words (positions to check in every
    /// candidate article, which a second, counting pass would repeat).
    pub(crate) fn has_phrase(&self) -> bool {
        has_phrase(&self.ast)
    }
}

fn has_phrase(ast: &UserInputAst) -> bool {
    let mut phrase = false;
    visit_leaves(ast, false, &mut |leaf, _| {
        if let UserInputLeaf::Literal(l) = leaf {
            phrase |= l.phrase.split_whitespace().nth(1).is_some();
        }
    });
    phrase
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
pub(crate) fn literals(
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
