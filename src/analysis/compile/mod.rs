//! Compiling an alias table: parsing the TOML file format, splitting spellings into
//! words, generating Russian and Ukrainian case forms, and building the word-form and
//! spelling lookups; plus the binary form of the result. `build.rs` runs this on the
//! built-in table so that the binary embeds it ready to use (compiling it took ~35 ms,
//! most of a search's start-up); user alias files are compiled at run time.
//!
//! Matching works on *word classes*: every word of every spelling, with its generated
//! Russian/Ukrainian case forms (Київ → Києва, Києві; Одесса → Одессе), gets a class id;
//! forms shared by two words put them in one class (Кривого is a form of both Кривий
//! and Кривой). A spelling is the sequence of its words' classes, so "Кривого Рогу"
//! matches the entity whose spellings include "Кривий Ріг". Two entities that claim the
//! same class sequence are a conflict, reported rather than merged.
//!
//! The parts: [`parse`] reads the file format, `forms` generates case forms, this file
//! builds the lookups, and `binary` lays them out ([`encode`]) and reads them ([`Baked`]).
//!
//! This folder is also compiled into the build script: it uses only `super::segment`,
//! `super::normalize` and crates listed under `[build-dependencies]`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tantivy_tokenizer_api::{TokenStream, Tokenizer};

use super::normalize::{normalize, Fold};
use super::segment::WordTokenizer;

mod binary;
mod forms;
mod parse;

pub use binary::{encode, Baked};
pub use forms::{case_forms, form_hash, is_given_name};
use forms::{inflections, is_indeclinable};
pub use parse::{parse, ParseError};

/// What kind of thing an entity is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Place,
    Country,
    Person,
    #[serde(alias = "organization")]
    Organisation,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Place => "place",
            Kind::Country => "country",
            Kind::Person => "person",
            Kind::Organisation => "organisation",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        [Kind::Place, Kind::Country, Kind::Person, Kind::Organisation]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One entity with all its spellings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entity {
    /// Stable id, also the index term (`@id`): lower case ASCII, digits, `_`, `-`, `.`.
    pub id: String,
    /// The display name (the spelling the entity's own people use, e.g. "Kyiv").
    pub name: String,
    pub kind: Kind,
    pub spellings: Vec<String>,
    /// Spellings that are also common words ("Nice", "Chad"): they match only when
    /// written with a capital letter.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cased: Vec<String>,
    /// One-word spellings that are also a person's given name or surname (Jordan,
    /// Paris): they name the entity only when no capitalised word that is not a common
    /// word stands right beside them ("Michael Jordan", "Paris Hilton" are no places).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub solo: Vec<String>,
    /// Cyrillic spellings of foreign names whose words in a vowel other than -а/-я/-и
    /// take no case endings (Совето, Токио, Республика Конго: see
    /// [`forms::is_indeclinable`]): no case forms are generated for those words, so
    /// Soweto's Совето never makes "Совета" ("of the council") a place.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indeclinable: Vec<String>,
}

/// A word form's class and whether it may only be used inside a multi-word name.
#[derive(Clone, Copy, Debug)]
pub struct Form {
    pub class: u32,
    /// Inflected forms of short stems ("Рогу" from "Ріг") are too ambiguous alone.
    pub multi_only: bool,
    /// The form is a common word in lower case (see [`COMMON_FORMS`]): alone, it names
    /// the entity only when written with a capital.
    pub cased: bool,
}

impl Form {
    const MULTI_ONLY: u32 = 1 << 31;
    const CASED: u32 = 1 << 30;

    fn pack(self) -> u32 {
        self.class
            | if self.multi_only { Self::MULTI_ONLY } else { 0 }
            | if self.cased { Self::CASED } else { 0 }
    }

    fn unpack(v: u32) -> Form {
        Form {
            class: v & !(Self::MULTI_ONLY | Self::CASED),
            multi_only: v & Self::MULTI_ONLY != 0,
            cased: v & Self::CASED != 0,
        }
    }
}

/// Word forms of the built-in table's names that the reference news writes in lower
/// case at least as often as capitalised (рівні "equal", золота "of gold", марок
/// "stamps", українські "Ukrainian"): the common-word rule for every spelling and
/// every generated case form, in every script. Made from `../shared/data` by
/// `cargo run --release --example common_forms` (see that file for the rule).
pub const COMMON_FORMS: &str = include_str!("../common_forms.txt");

/// Secondary one-word spellings of places that are the name of a bigger city elsewhere
/// (Vladimir: Volodymyr in Ukraine, and Vladimir in Russia): two places never merge on
/// them, so they only count inside longer names. Made by the same example.
pub const SHARED_FORMS: &str = include_str!("../shared_forms.txt");

fn form_set(list: &str) -> std::collections::HashSet<u64> {
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(form_hash)
        .collect()
}

/// What a spelling asks of the case of the text it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Case {
    /// Any case: the usual rule (the analyzer lower-cases everything).
    Any = 0,
    /// Each word must start with a capital ("Nice", not "nice").
    Capitalised = 1,
    /// Each word must be all capitals ("US", not "us" or "Us").
    Upper = 2,
}

/// Compiles entities into the lookups. Fails with every conflict found: a spelling
/// (after normalisation and inflection) claimed by two entities.
pub fn compile(entities: &[Entity]) -> Result<Compiled, Vec<String>> {
    compile_keys(entities, false).map_err(|conflicts| {
        conflicts
            .into_iter()
            .map(|(ei, words, other)| {
                format!(
                    "spelling \"{words}\" of entity `{}` is also a spelling of `{}`",
                    entities[ei].id, entities[other].id
                )
            })
            .collect()
    })
}

/// Compiles a table whose entity order is its priority order (the built-in one: see
/// `scripts/build_aliases.py`, which puts bigger places first). A spelling that
/// normalisation and inflection make another entity's too (Кале: Calais, and a form of
/// Cali) is dropped from the later entity, never merged; the dropped spellings are
/// returned as messages. A generated case form two entities share goes to the earlier
/// (у Кропивницькому: the city, not the village Кропивницьке) instead of to neither.
pub fn compile_first_wins(entities: &mut [Entity]) -> (Compiled, Vec<String>) {
    let mut dropped = Vec::new();
    loop {
        match compile_keys(entities, true) {
            Ok(c) => return (c, dropped),
            Err(conflicts) => {
                for (ei, words, other) in conflicts {
                    dropped.push(format!(
                        "\"{words}\": kept for `{}`, dropped from `{}`",
                        entities[other].id, entities[ei].id
                    ));
                    entities[ei].spellings.retain(|s| spelling_key(s) != words);
                }
            }
        }
    }
}

/// [`compile`], with conflicts as (entity index, spelling's words, other entity index);
/// `first_wins` as in [`compile_first_wins`].
fn compile_keys(
    entities: &[Entity],
    first_wins: bool,
) -> Result<Compiled, Vec<(usize, String, usize)>> {
    let common = form_set(COMMON_FORMS);
    let shared = form_set(SHARED_FORMS);
    // Pass 1: every word of every spelling gets an id; every form (the word itself
    // and its generated case forms) records who claims it.
    let mut word_ids: HashMap<String, u32> = HashMap::new();
    let mut claims: Vec<(u64, Claim)> = Vec::new();
    let mut spelled: Vec<(u32, Vec<String>, Case, bool)> = Vec::new();
    let mut spelling_count = 0;
    // Words that are a whole spelling on their own (not only part of longer names).
    let mut alone: std::collections::HashSet<u32> = std::collections::HashSet::new();
    for (ei, e) in entities.iter().enumerate() {
        let cased: Vec<(String, Case)> = e
            .cased
            .iter()
            .map(|s| {
                let letters = s.chars().filter(|c| c.is_alphabetic());
                let upper = s.chars().filter(|c| c.is_alphabetic()).count() >= 2
                    && letters.clone().all(char::is_uppercase);
                (
                    spelling_key(s),
                    if upper {
                        Case::Upper
                    } else {
                        Case::Capitalised
                    },
                )
            })
            .collect();
        let solo: Vec<String> = e.solo.iter().map(|s| spelling_key(s)).collect();
        let fixed: Vec<String> = e.indeclinable.iter().map(|s| spelling_key(s)).collect();
        for s in &e.spellings {
            let words = words_of(s);
            if words.is_empty() {
                continue;
            }
            let indeclinable = fixed.contains(&words.join(" "));
            spelling_count += 1;
            let multi = words.len() > 1;
            for (wi, w) in words.iter().enumerate() {
                let next = word_ids.len() as u32;
                let wid = *word_ids.entry(w.clone()).or_insert(next);
                if !multi {
                    alone.insert(wid);
                }
                let given = is_given_name(e.kind, words.len(), wi);
                let forms = if indeclinable && is_indeclinable(w) {
                    vec![(form_hash(w), false)]
                } else {
                    inflections(w, multi, given)
                };
                for (i, (form, short)) in forms.into_iter().enumerate() {
                    let claim = Claim {
                        word: wid,
                        entity: ei as u32,
                        // The first form is the word itself.
                        base: i == 0,
                        short,
                    };
                    claims.push((form, claim));
                }
            }
            let joined = words.join(" ");
            let case = cased
                .iter()
                .find(|(k, _)| *k == joined)
                .map_or(Case::Any, |(_, c)| *c);
            let solo = words.len() == 1 && solo.contains(&joined);
            spelled.push((ei as u32, words, case, solo));
        }
    }
    claims.sort_unstable_by_key(|(form, c)| (*form, c.word, !c.base));
    // Pass 2: a form joins the words that claim it into one class when they belong
    // to the same entity (Кривого: Кривий and Кривой). A form that is a spelling's
    // own word belongs to that word; a generated form claimed by two entities
    // (Нигера: Нигер and Нигерия) is ambiguous and dropped, so it merges nothing.
    let mut uf = UnionFind {
        parent: (0..word_ids.len() as u32).collect(),
    };
    let mut forms: HashMap<u64, Form> = HashMap::new();
    for group in claims.chunk_by(|a, b| a.0 == b.0) {
        let form = group[0].0;
        let all: Vec<&Claim> = group.iter().map(|(_, c)| c).collect();
        // A short stem's form of a one-word spelling is never used (such forms only
        // count inside longer names): it claims nothing (Розо, Roseau, would take
        // у Кривому Розі's розі).
        let usable: Vec<&Claim> = all
            .iter()
            .copied()
            .filter(|c| c.base || !(c.short && alone.contains(&c.word)))
            .collect();
        let cl = if usable.is_empty() { all } else { usable };
        let inner_only = cl.iter().all(|c| !alone.contains(&c.word));
        let owners: Vec<u32> = match cl.iter().find(|c| c.base) {
            // Words that only occur inside longer names, of several entities, are one
            // word, base or case form (Кривом: Кривий Ріг and Криве Озеро; у Кривому
            // Розі and Розі Люксембург, a street): their names still differ by their
            // other words.
            _ if inner_only => cl.iter().map(|c| c.word).collect(),
            Some(b) => cl
                .iter()
                .filter(|c| c.base || cl.iter().any(|o| o.base && o.entity == c.entity))
                .map(|c| c.word)
                .chain(std::iter::once(b.word))
                .collect(),
            None if cl.iter().all(|c| c.entity == cl[0].entity) => {
                cl.iter().map(|c| c.word).collect()
            }
            None if first_wins => {
                let first = cl.iter().map(|c| c.entity).min().unwrap_or_default();
                cl.iter()
                    .filter(|c| c.entity == first)
                    .map(|c| c.word)
                    .collect()
            }
            None => continue,
        };
        for w in &owners[1..] {
            uf.union(owners[0], *w);
        }
        let multi_only = cl.iter().all(|c| c.short && !c.base) || shared.contains(&form);
        forms.insert(
            form,
            Form {
                class: owners[0],
                multi_only,
                cased: common.contains(&form),
            },
        );
    }
    for f in forms.values_mut() {
        f.class = uf.find(f.class);
    }
    let mut keys: HashMap<Vec<u32>, (u32, Case, bool)> = HashMap::new();
    let mut conflicts = Vec::new();
    for (ei, words, case, solo) in spelled {
        let seq: Vec<u32> = words.iter().map(|w| forms[&form_hash(w)].class).collect();
        match keys.get(&seq) {
            Some(&(other, _, _)) if other != ei => {
                conflicts.push((ei as usize, words.join(" "), other as usize))
            }
            Some(_) => {}
            None => {
                keys.insert(seq, (ei, case, solo));
            }
        }
    }
    if !conflicts.is_empty() {
        return Err(conflicts);
    }
    let mut keys: Vec<(Vec<u32>, u32, Case, bool)> = keys
        .into_iter()
        .map(|(seq, (e, c, solo))| (seq, e, c, solo))
        .collect();
    keys.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(Compiled {
        forms,
        keys,
        spelling_count,
    })
}

/// A spelling's normalised words, split exactly as text is split.
pub fn words_of(spelling: &str) -> Vec<String> {
    let mut tokenizer = WordTokenizer::default();
    let mut stream = tokenizer.token_stream(spelling);
    let mut words = Vec::new();
    while stream.advance() {
        words.push(normalize(&stream.token().text, Fold::CaseAndDiacritics));
    }
    words
}

pub fn spelling_key(s: &str) -> String {
    words_of(s).join(" ")
}

struct Claim {
    word: u32,
    entity: u32,
    /// The form is the word itself, not a generated case form.
    base: bool,
    short: bool,
}

struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let up = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = up;
            x = up;
        }
        x
    }
    fn union(&mut self, a: u32, b: u32) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.parent[a.max(b) as usize] = a.min(b);
        }
    }
}

/// Bumped whenever the analysis of a text changes, a retrained tagger
/// (`src/ner/*.bin`) included: part of the table fingerprint, so an index built by an
/// older analyzer is noticed and rebuilt.
pub const ANALYZER_VERSION: &str = "gazette-analyzer-18";

/// Hex digest of a table's content and the analyzer version: stored with each index
/// commit so that an index built with another table is noticed.
pub fn fingerprint(entities: &[Entity]) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(ANALYZER_VERSION.as_bytes());
    // The word lists change what the same spellings match.
    h.update(COMMON_FORMS.as_bytes());
    h.update(SHARED_FORMS.as_bytes());
    for e in entities {
        for part in [e.id.as_str(), e.name.as_str(), e.kind.as_str()] {
            h.update(part.as_bytes());
            h.update(b"\0");
        }
        for s in e.spellings.iter().chain(&e.cased) {
            h.update(s.as_bytes());
            h.update(b"\x01");
        }
        for s in &e.solo {
            h.update(s.as_bytes());
            h.update(b"\x03");
        }
        for s in &e.indeclinable {
            h.update(s.as_bytes());
            h.update(b"\x04");
        }
        h.update(b"\x02");
    }
    format!("{:016x}", (h.digest128() >> 64) as u64)
}

/// A compiled table, before it is laid out by [`encode`].
pub struct Compiled {
    forms: HashMap<u64, Form>,
    /// Class sequence → entity index, case rule and whether it is solo (see
    /// [`Entity::solo`]), sorted by sequence.
    keys: Vec<(Vec<u32>, u32, Case, bool)>,
    spelling_count: usize,
}
