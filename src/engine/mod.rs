//! Exports to distributed engines: the archive and Gazette's analysis — every spelling
//! and case form of every table entity contracted to one term, per-language stemming, the
//! exact spellings — written in the formats Manticore Search / Sphinx ([`manticore`]) and
//! OpenSearch ([`opensearch`]) load. What both need is here: the name rules (which
//! spellings, in which forms, map to which entity term, checked against Gazette's own
//! analyzer), the character folding, and the articles read from the index.

pub mod manticore;
pub mod opensearch;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::normalize::{normalize, Fold};
use crate::analysis::{self, AliasTable};
use crate::error::{Error, Result};
use crate::export::{self, Exported};
use crate::index::GazetteIndex;
use crate::search::SearchOptions;

/// How an export is asked for.
#[derive(Clone, Debug, Default)]
pub struct EngineOptions {
    pub dir: PathBuf,
    /// How many shards the articles are split into (by a hash of their id).
    pub shards: usize,
    /// `host:port` of the nodes holding shards 1.. (shard 0 is the first node's).
    pub agents: Vec<String>,
    /// The first node's ports: the binary protocol (agents) on `port`, SphinxQL on
    /// `port + 1`; node k's are its agent's port and the one after.
    pub port: u16,
    /// Only the articles the last job brought (see `versions`).
    pub since_last: bool,
    /// OpenSearch bulk files are cut at this many bytes.
    pub bulk_bytes: usize,
}

/// What an export wrote.
#[derive(Clone, Debug, Default)]
pub struct Written {
    pub articles: u64,
    /// Name rules: (spelling or case form → entity term) lines.
    pub rules: usize,
    pub files: Vec<PathBuf>,
}

/// The term an entity is contracted to in an engine: `ent_` and its id, with what an
/// engine's word characters lack made `_` (`ent_kryvyi_rih`). The prefix keeps it apart
/// from every word a stemmer can make (a city called Nice, the stem of "nicely").
pub fn entity_term(id: &str) -> String {
    let body: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("ent_{body}")
}

/// One name rule: the words of a spelling or one of its case forms (normalised: lower
/// case, Latin diacritics folded) and the entity they name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct NameRule {
    pub words: Vec<String>,
    pub id: String,
}

/// Most case-form combinations one spelling of two words yields, and one of three words
/// or more ("Британська територія в Індійському океані"): such long names, rare in
/// oblique cases, made most of the rules (and an engine loads its rules once per
/// table). Past these, a name's rarer combinations are left to Gazette.
const MAX_COMBINATIONS: usize = 2_000;
const MAX_LONG_COMBINATIONS: usize = 100;

/// What an index's articles hold of the table: the entities they name (the `entities`
/// field) and which words of those entities' case forms their text contains (the exact
/// fields, folded). Name rules are cut to it: of 3.6 million case-form combinations the
/// table yields, an archive holds a small share, and an engine loads its rules once per
/// table.
#[derive(Debug, Default)]
pub struct Present {
    entities: HashSet<String>,
    words: HashSet<String>,
}

impl Present {
    /// Reads the term dictionaries of `gi`'s committed segments.
    pub fn read(gi: &GazetteIndex) -> Result<Present> {
        let searcher = gi.searcher()?;
        let f = gi.fields;
        let mut entities = HashSet::new();
        each_term(gi, &searcher, f.entities, &mut |t| {
            if let Some(id) = t.strip_prefix(analysis::ENTITY_PREFIX) {
                entities.insert(id.to_string());
            }
        })?;
        // The words the present entities' case forms are made of: only these are looked
        // for in the (much bigger) text vocabulary.
        let mut wanted: HashSet<String> = HashSet::new();
        for e in gi.table.entities() {
            if !entities.contains(&e.id) {
                continue;
            }
            for s in &e.spellings {
                let words = spelling_words(s);
                let multi = words.len() > 1;
                for (i, w) in words.iter().enumerate() {
                    let given = analysis::compile::is_given_name(e.kind, words.len(), i);
                    for form in analysis::compile::case_forms(w, multi, given) {
                        wanted.insert(normalize(&form, Fold::CaseAndDiacritics));
                    }
                }
            }
        }
        let mut words = HashSet::new();
        for field in [f.title_exact, f.body_exact] {
            each_term(gi, &searcher, field, &mut |t| {
                // Exact terms are lower case with their diacritics: fold as rules do.
                let folded = normalize(t, Fold::CaseAndDiacritics);
                if wanted.contains(&folded) {
                    words.insert(folded);
                }
            })?;
        }
        Ok(Present { entities, words })
    }

    fn holds(&self, word: &str) -> bool {
        self.words
            .contains(&normalize(word, Fold::CaseAndDiacritics))
    }
}

/// Calls `each` with every term of `field` in every segment (a term in several segments
/// more than once).
fn each_term(
    gi: &GazetteIndex,
    searcher: &tantivy::Searcher,
    field: tantivy::schema::Field,
    each: &mut dyn FnMut(&str),
) -> Result<()> {
    for seg in searcher.segment_readers() {
        let ii = seg
            .inverted_index(field)
            .map_err(|e| Error::index(&gi.path, e))?;
        let mut stream = ii.terms().stream().map_err(|e| Error::io(&gi.path, e))?;
        while stream.advance() {
            if let Ok(t) = std::str::from_utf8(stream.key()) {
                each(t);
            }
        }
    }
    Ok(())
}

/// Every spelling of every table entity, and the combinations of its words' case forms
/// that Gazette's analyzer reads as that entity (each is checked: capitalised, inside a
/// sentence, it must analyse to the entity's term alone). With `present`, case forms are
/// cut to the entities the archive names and the words its text holds; the spellings
/// themselves are all kept, so that a query in any listed spelling still contracts.
/// Spellings that are common words and need a capital ("Nice", "US") are left out: an
/// engine's word rules ignore case, and would take the word for the name everywhere.
pub fn name_rules(table: &Arc<AliasTable>, present: Option<&Present>) -> Vec<NameRule> {
    let mut an = analysis::analyzer(table, analysis::NO_STEM);
    let mut out: Vec<NameRule> = Vec::new();
    for e in table.entities() {
        let term = format!("{}{}", analysis::ENTITY_PREFIX, e.id);
        let with_forms = present.is_none_or(|p| p.entities.contains(&e.id));
        let cased: Vec<String> = e
            .cased
            .iter()
            .map(|s| spelling_words(s).join(" "))
            .collect();
        for s in &e.spellings {
            let words = spelling_words(s);
            if words.is_empty() || cased.contains(&words.join(" ")) {
                continue;
            }
            let multi = words.len() > 1;
            let forms: Vec<Vec<String>> = words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let mut f = vec![w.clone()];
                    if with_forms {
                        let given = analysis::compile::is_given_name(e.kind, words.len(), i);
                        f.extend(
                            analysis::compile::case_forms(w, multi, given)
                                .into_iter()
                                .filter(|form| present.is_none_or(|p| p.holds(form))),
                        );
                    }
                    f
                })
                .collect();
            let max = if words.len() > 2 {
                MAX_LONG_COMBINATIONS
            } else {
                MAX_COMBINATIONS
            };
            for combo in combinations(&forms, max) {
                // A combination of case forms, the spelling aside: every word of it must
                // be in the archive (each is, alone; together is left to the engine).
                if combo != words && present.is_some_and(|p| !combo.iter().all(|w| p.holds(w))) {
                    continue;
                }
                let text: Vec<String> = combo.iter().map(|w| capitalise(w)).collect();
                let tokens = analysis::analyze(&mut an, &text.join(" "));
                if tokens.len() == 1 && tokens[0].text == term {
                    // Generated forms may hold ё, which text folds to е.
                    let words = combo
                        .iter()
                        .map(|w| normalize(w, Fold::CaseAndDiacritics))
                        .collect();
                    out.push(NameRule {
                        words,
                        id: e.id.clone(),
                    });
                }
            }
        }
    }
    out.sort();
    out.dedup();
    // A form two entities claim names neither (Gazette drops it too).
    let mut i = 0;
    let mut kept = Vec::with_capacity(out.len());
    while i < out.len() {
        let j = i + out[i..]
            .iter()
            .take_while(|r| r.words == out[i].words)
            .count();
        if j == i + 1 {
            kept.push(out[i].clone());
        }
        i = j;
    }
    kept
}

/// A spelling's words as Gazette splits and normalises them.
fn spelling_words(s: &str) -> Vec<String> {
    analysis::compile::words_of(s)
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The first `max` combinations of one form per word, in order.
fn combinations(forms: &[Vec<String>], max: usize) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for f in forms {
        let mut next = Vec::new();
        'outer: for prefix in &out {
            for w in f {
                if next.len() == max {
                    break 'outer;
                }
                let mut p = prefix.clone();
                p.push(w.clone());
                next.push(p);
            }
        }
        out = next;
    }
    out
}

/// The characters words are made of, with how each folds (`(c, folded)`), as Gazette
/// folds them: ASCII letters and digits, Latin letters with diacritics (folded to the
/// bare letter), Cyrillic (lower case; ё as е), and `_` (entity terms).
pub fn word_chars() -> Vec<(char, char)> {
    let ranges = [
        ('0', '9'),
        ('A', 'Z'),
        ('a', 'z'),
        ('\u{c0}', '\u{24f}'),
        ('\u{400}', '\u{4ff}'),
    ];
    let mut out = vec![('_', '_')];
    for (from, to) in ranges {
        for c in from..=to {
            if !c.is_alphanumeric() {
                continue;
            }
            let f = normalize(&c.to_string(), Fold::CaseAndDiacritics);
            let mut chars = f.chars();
            if let (Some(one), None) = (chars.next(), chars.next()) {
                if one.is_alphanumeric() {
                    out.push((c, one));
                }
            }
        }
    }
    out
}

/// One article as engines get it.
pub struct Row {
    pub exported: Exported,
    /// Its stemming group (`en`, `ru`, … or `none`): the table it goes to.
    pub group: &'static str,
    /// 63 bits of its id's hash: a document id engines accept, the same in every export.
    pub doc_id: u64,
    pub shard: usize,
}

/// Streams the articles of the index (all, or the last job's) to `each`.
pub fn rows(
    gi: &GazetteIndex,
    opts: &EngineOptions,
    each: &mut dyn FnMut(Row) -> Result<()>,
) -> Result<u64> {
    let mut sopts = SearchOptions::default();
    if opts.since_last {
        let job = gi.info.as_ref().map_or(0, |i| i.job);
        sopts.filters.jobs = Some((job.saturating_sub(1), job));
    }
    let shards = opts.shards.max(1);
    let mut failed: Option<Error> = None;
    let n = export::export(gi, &sopts, true, &mut |a| {
        let h = blake3::hash(a.meta.id.as_bytes());
        let doc_id =
            (u64::from_le_bytes(h.as_bytes()[..8].try_into().expect("8 bytes")) >> 1).max(1);
        let row = Row {
            group: analysis::stem_key(a.meta.lang.code()),
            shard: (doc_id % shards as u64) as usize,
            doc_id,
            exported: a,
        };
        match each(row) {
            Ok(()) => true,
            Err(e) => {
                failed = Some(e);
                false
            }
        }
    })?;
    match failed {
        Some(e) => Err(e),
        None => Ok(n),
    }
}

/// The folder an export writes to, created; an error names it.
pub(crate) fn prepare_dir(dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    std::fs::canonicalize(dir).map_err(|e| Error::io(dir, e))
}

/// Writes `bytes` to `path`, naming it in an error.
pub(crate) fn write(path: &Path, bytes: impl AsRef<[u8]>) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}
