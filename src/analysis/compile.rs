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
//! This file is also compiled into the build script: it uses only `super::segment`,
//! `super::normalize` and crates listed under `[build-dependencies]`.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tantivy_tokenizer_api::{TokenStream, Tokenizer};

use super::normalize::{normalize, Fold};
use super::segment::WordTokenizer;

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
pub const COMMON_FORMS: &str = include_str!("common_forms.txt");

/// Secondary one-word spellings of places that are the name of a bigger city elsewhere
/// (Vladimir: Volodymyr in Ukraine, and Vladimir in Russia): two places never merge on
/// them, so they only count inside longer names. Made by the same example.
pub const SHARED_FORMS: &str = include_str!("shared_forms.txt");

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

/// The file format: `[[entity]]` tables, and `[[ambiguous]]` tables naming spellings
/// that no entity takes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    entity: Vec<toml::Spanned<RawEntity>>,
    #[serde(default)]
    ambiguous: Vec<toml::Spanned<RawAmbiguous>>,
}

/// A spelling that two or more entities of comparable standing share (Georgia: the
/// country and the US state). It is no entity's: the table leaves it unmarked, and the
/// recogniser decides from the context whether it is a name and of what kind. The
/// entities are listed to say why, and must exist.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAmbiguous {
    spelling: String,
    entities: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntity {
    id: String,
    name: String,
    kind: Kind,
    spellings: Vec<String>,
    #[serde(default)]
    cased: Vec<String>,
    #[serde(default)]
    solo: Vec<String>,
}

/// Russian and Ukrainian case endings of masculine and neuter nouns (Київ → Києва,
/// Дніпро → Дніпра), singular and the common plural cases. No feminine -ой/-ою: Львовой
/// is the surname Львова, not Lviv.
const MASC_ENDINGS: &[&str] = &[
    "ові", "еві", "єві", "ом", "ем", "ём", "єм", "ах", "ях", "а", "я", "у", "ю", "е", "є", "і", "",
];
/// Endings of nouns in -ь, masculine and feminine (Ярославль → Ярославля; Тверь → Твери,
/// Тверью; Гомель → Гомелі).
const SOFT_ENDINGS: &[&str] = &[
    "ові", "еві", "єві", "ом", "ем", "ём", "єм", "ах", "ях", "а", "я", "у", "ю", "е", "є", "і",
    "и", "ью", "ю", "ь",
];
/// Endings of feminine nouns in -а/-я (Одеса → Одесі, Одесою; Одесса → Одессы).
const FEM_ENDINGS: &[&str] = &[
    "ою", "ею", "єю", "ой", "ей", "ах", "ях", "а", "я", "и", "ы", "і", "е", "є", "у", "ю",
];
/// Endings of adjectival names (Зеленський → Зеленського, Кривий → Кривому). Never
/// applied to noun names: Украинск + их would be the adjective "украинских".
const ADJ_ENDINGS: &[&str] = &[
    "ого", "его", "ому", "ему", "ими", "ыми", "ій", "ий", "ый", "ой", "им", "ім", "ым", "ом", "их",
    "іх", "ых", "ая", "яя", "ую", "юю", "ої", "ей", "",
];
/// Endings of neuter adjectival names (Рівне → Рівного, у Рівному; Кривое → в Кривом):
/// only the oblique cases, never the masculine or feminine nominative (рівний, рівна).
const NEUT_ENDINGS: &[&str] = &["ого", "его", "ому", "ему", "им", "ім", "ым", "ом", "ем", ""];
/// Stems shorter than this are only inflected inside multi-word names (Суми → "суму"
/// would otherwise merge with the word for "sum").
const MIN_STEM_CHARS: usize = 4;

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
    let mut max_words = 1;
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
        for s in &e.spellings {
            let words = words_of(s);
            if words.is_empty() {
                continue;
            }
            spelling_count += 1;
            max_words = max_words.max(words.len());
            let multi = words.len() > 1;
            for w in &words {
                let next = word_ids.len() as u32;
                let wid = *word_ids.entry(w.clone()).or_insert(next);
                if !multi {
                    alone.insert(wid);
                }
                for (i, (form, short)) in inflections(w, multi).into_iter().enumerate() {
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
        max_words,
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

fn is_cyrillic_word(w: &str) -> bool {
    w.chars()
        .all(|c| ('\u{0400}'..='\u{04FF}').contains(&c) || c == '\'')
}

/// A word and its generated case forms, hashed, each with whether its stem is short
/// (such forms are only trusted inside multi-word names). Latin words are not inflected.
fn inflections(word: &str, multi: bool) -> Vec<(u64, bool)> {
    let word_hash = form_hash(word);
    let mut out = vec![(word_hash, false)];
    each_case_form(word, multi, &mut |form, short| {
        let hash = form_hash(form);
        if hash != word_hash {
            out.push((hash, short));
        }
    });
    out
}

/// The generated case forms of a word (not the word itself), as strings: for tools
/// that compare them with other names (`examples/common_forms.rs`).
pub fn case_forms(word: &str, multi: bool) -> Vec<String> {
    let mut out = Vec::new();
    each_case_form(word, multi, &mut |form, _| {
        if form != word && !out.iter().any(|o: &String| o == form) {
            out.push(form.to_string());
        }
    });
    out
}

/// Calls `emit` with every generated case form of a word and whether its stem is short.
fn each_case_form(word: &str, multi: bool, emit: &mut dyn FnMut(&str, bool)) {
    if !is_cyrillic_word(word) {
        return;
    }
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    let mut stems: Vec<String> = Vec::new();
    let tail2: String = chars[n.saturating_sub(2)..].iter().collect();
    let last = chars[n - 1];
    // Adjectival names inflect as adjectives: masculine Кривий, Кривой; feminine Біла;
    // neuter Кривое, Золотое (Russian) and Рівне, Золоте (Ukrainian: a consonant and -е),
    // whose noun endings would be common words (рівні "equal", золота "of gold").
    let before_e = n > 4 && last == 'е' && !"аеиіїоуяюєыэьй'".contains(chars[n - 2]);
    let adjectival = n > 4
        && matches!(
            tail2.as_str(),
            "ий" | "ій" | "ый" | "ой" | "ая" | "яя" | "ое" | "ее"
        );
    if adjectival {
        stems.push(chars[..n - 2].iter().collect());
    } else if before_e
        || matches!(
            last,
            'а' | 'я' | 'о' | 'е' | 'є' | 'ь' | 'й' | 'и' | 'ы' | 'і'
        )
    {
        // The ending goes (a neuter adjective's -е too: its endings are chosen below).
        stems.push(chars[..n - 1].iter().collect());
    } else {
        stems.push(word.to_string());
        // Ukrainian і/ї in the last closed syllable alternates: Київ → Києва,
        // Харків → Харкова, Львів → Львова, Ріг → Рогу.
        if let Some(i) = chars.iter().rposition(|c| "аеиіїоуяюєыэ".contains(*c)) {
            if i + 1 < n && n - i <= 3 {
                for alt in match chars[i] {
                    'і' => &['о', 'е'][..],
                    'ї' => &['є'][..],
                    _ => &[][..],
                } {
                    let mut c = chars.clone();
                    c[i] = *alt;
                    stems.push(c.into_iter().collect());
                }
            }
        }
    }
    for stem in stems {
        let len = stem.chars().count();
        let short = len < MIN_STEM_CHARS;
        if short && (!multi || len < 2) {
            continue;
        }
        let endings = if before_e || (adjectival && matches!(tail2.as_str(), "ое" | "ее")) {
            NEUT_ENDINGS
        } else if adjectival {
            ADJ_ENDINGS
        } else if matches!(last, 'а' | 'я') {
            FEM_ENDINGS
        } else if last == 'ь' {
            SOFT_ENDINGS
        } else {
            MASC_ENDINGS
        };
        // Forms are made in one reused buffer: no string is kept per form.
        let mut buf = String::with_capacity(stem.len() + 8);
        for e in endings {
            buf.clear();
            buf.push_str(&stem);
            buf.push_str(e);
            emit(&buf, short);
        }
        // Ukrainian dative/locative softens a final г, к, х before -і: Ріг → Розі,
        // Кривий Ріг → у Кривому Розі.
        if !adjectival && !before_e {
            let mut c: Vec<char> = stem.chars().collect();
            if let Some(soft) = c.last().and_then(|l| match l {
                'г' => Some('з'),
                'к' => Some('ц'),
                'х' => Some('с'),
                _ => None,
            }) {
                *c.last_mut().expect("non-empty stem") = soft;
                c.push('і');
                emit(&c.into_iter().collect::<String>(), short);
            }
        }
    }
}

/// The key of a word form: a 64-bit hash, so that the table holds no string per form
/// (~200,000 generated Russian and Ukrainian case forms); a collision between a text word
/// and a name form is about a 1 in 10^14 chance per word. xxh3 gives the same value on
/// every platform, which the table baked at build time relies on; 0 marks an empty slot.
pub fn form_hash(form: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(form.as_bytes()).max(1)
}

/// Parses a table file. Errors give the line.
pub fn parse(text: &str) -> Result<Vec<Entity>, ParseError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| ParseError {
        line: e
            .span()
            .map(|s| Lines::new(text).line_of(s.start))
            .unwrap_or(0),
        reason: e.message().to_string(),
    })?;
    let lines = Lines::new(text);
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    let mut seen_spellings: HashMap<String, (String, usize)> = HashMap::new();
    let mut out = Vec::with_capacity(raw.entity.len());
    let ambiguous: std::collections::HashSet<String> = raw
        .ambiguous
        .iter()
        .map(|a| spelling_key(&a.get_ref().spelling))
        .collect();
    for spanned in raw.entity {
        let line = lines.line_of(spanned.span().start);
        let e = spanned.into_inner();
        let err = |reason: String| ParseError { line, reason };
        if e.id.is_empty()
            || !e
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.".contains(c))
        {
            return Err(err(format!(
                "entity id {:?} must be lower-case ASCII letters, digits, '_', '-' or '.'",
                e.id
            )));
        }
        if let Some(first) = seen_ids.insert(e.id.clone(), line) {
            return Err(err(format!(
                "duplicate entity id `{}` (first at line {first})",
                e.id
            )));
        }
        if e.name.trim().is_empty() {
            return Err(err(format!("entity `{}` has an empty name", e.id)));
        }
        // Tabs, line breaks and other control characters are never part of a name (and
        // would break the binary form's entity lines).
        if let Some(bad) = std::iter::once(&e.name)
            .chain(&e.spellings)
            .chain(&e.cased)
            .find(|s| s.chars().any(char::is_control))
        {
            return Err(err(format!(
                "entity `{}`: spelling {bad:?} contains a control character",
                e.id
            )));
        }
        let mut spellings = Vec::with_capacity(e.spellings.len() + 1);
        for s in std::iter::once(&e.name).chain(&e.spellings) {
            let key = spelling_key(s);
            if key.is_empty() {
                return Err(err(format!(
                    "entity `{}` has an empty spelling {s:?}",
                    e.id
                )));
            }
            // An ambiguous spelling is no entity's, not even the one it names.
            if ambiguous.contains(&key) {
                continue;
            }
            match seen_spellings.get(&key) {
                Some((other, _)) if *other == e.id => continue,
                Some((other, oline)) => {
                    return Err(err(format!(
                        "spelling {s:?} of `{}` is already a spelling of `{other}` (line {oline})",
                        e.id
                    )))
                }
                None => {
                    seen_spellings.insert(key, (e.id.clone(), line));
                    spellings.push(s.trim().to_string());
                }
            }
        }
        out.push(Entity {
            id: e.id,
            name: e.name.trim().to_string(),
            kind: e.kind,
            spellings,
            cased: e.cased,
            solo: e.solo,
        });
    }
    for spanned in &raw.ambiguous {
        let a = spanned.get_ref();
        let line = lines.line_of(spanned.span().start);
        if let Some(missing) = a.entities.iter().find(|id| !seen_ids.contains_key(*id)) {
            return Err(ParseError {
                line,
                reason: format!(
                    "ambiguous spelling {:?} names entity `{missing}`, which the table does not have",
                    a.spelling
                ),
            });
        }
    }
    Ok(out)
}

/// Byte offset → line number, for error messages (the table has a thousand entities:
/// counting newlines from the start for each would be quadratic).
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        Lines(text.match_indices('\n').map(|(i, _)| i).collect())
    }

    /// 1-based line of a byte offset.
    fn line_of(&self, byte: usize) -> usize {
        self.0.partition_point(|&nl| nl < byte) + 1
    }
}

/// Who claims a word form while the table is built.
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

/// A table file error: the line (1-based, 0 when unknown) and the cause.
#[derive(Debug)]
pub struct ParseError {
    pub line: usize,
    pub reason: String,
}

/// Bumped whenever the analysis of a text changes, a retrained tagger
/// (`src/ner/*.bin`) included: part of the table fingerprint, so an index built by an
/// older analyzer is noticed and rebuilt.
pub const ANALYZER_VERSION: &str = "gazette-analyzer-7";

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
    max_words: usize,
    spelling_count: usize,
}

/// Size of the word-form Bloom filter: 8 bits per form (the table is at most half
/// full: 4 bits per slot), for about 5% false positives; at least 2^21 bits.
fn bloom_bytes(slots: usize) -> usize {
    (slots / 2).max(1 << 18)
}

/// The two filter bits of a form hash, from bits the slot index does not use.
fn bloom_bits(hash: u64, bloom_bytes: usize) -> [usize; 2] {
    let m = bloom_bytes * 8 - 1;
    [(hash >> 41) as usize & m, (hash >> 22) as usize & m]
}

/// Magic and version of the binary form; bump the digit when the layout changes.
const MAGIC: &[u8; 8] = b"GZALIAS5";
/// Header: slots, keys, classes, entities, text bytes, max words (still written, no longer
/// read: the analyzer looks ahead by the longest spelling per first word), spellings (u32
/// each), then the 16-character fingerprint.
const HEADER: usize = MAGIC.len() + 7 * 4 + 16;
/// Case rule bits in a key's packed entity.
const CASE_SHIFT: u32 = 30;
/// The solo bit of a key's packed entity (see [`Entity::solo`]).
const SOLO: u32 = 1 << 29;
/// The entity index in a key's packed entity.
const ENTITY_MASK: u32 = SOLO - 1;

/// Lays a compiled table out as the bytes [`Baked`] reads in place. Sections, after the
/// header (little-endian throughout):
/// - word forms: an open-addressing table with linear probing, at most half full so
///   that a miss (most words are no name) costs one or two probes: u64 form hashes (0:
///   empty) then u32 packed [`Form`]s, `slots` of each; then a Bloom filter of the forms
///   (two bits each), which fits in the CPU cache where the table does not;
/// - spelling keys, sorted by class sequence: u32 start of each key's classes (one more
///   than the keys), u32 entity index and case rule per key, then the classes;
/// - entities: u32 byte offset of each entity's line (one more than the entities), the
///   entity indices sorted by id, each entity's keys (u32 start per entity, one more
///   than the entities, then the key indices), then the lines: id, name, kind,
///   spellings, cased and solo spellings separated by tabs, list items by U+001F.
pub fn encode(entities: &[Entity], c: &Compiled) -> Vec<u8> {
    let slots = (c.forms.len() * 2).next_power_of_two().max(16);
    let mask = slots - 1;
    // In hash order, so that the same table always gives the same bytes.
    let mut forms: Vec<(u64, u32)> = c.forms.iter().map(|(h, f)| (*h, f.pack())).collect();
    forms.sort_unstable();
    let mut form_keys = vec![0u64; slots];
    let mut form_values = vec![0u32; slots];
    let mut bloom = vec![0u8; bloom_bytes(slots)];
    for (hash, value) in forms {
        for bit in bloom_bits(hash, bloom.len()) {
            bloom[bit / 8] |= 1 << (bit % 8);
        }
        let mut i = hash as usize & mask;
        while form_keys[i] != 0 {
            i = (i + 1) & mask;
        }
        form_keys[i] = hash;
        form_values[i] = value;
    }
    let mut key_start = vec![0u32];
    let mut key_meta = Vec::new();
    let mut classes = Vec::new();
    for (seq, entity, case, solo) in &c.keys {
        classes.extend_from_slice(seq);
        key_start.push(classes.len() as u32);
        key_meta.push(entity | (*case as u32) << CASE_SHIFT | if *solo { SOLO } else { 0 });
    }
    let mut text = String::new();
    let mut entity_start = vec![0u32];
    for e in entities {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            e.id,
            e.name,
            e.kind.as_str(),
            e.spellings.join("\u{1f}"),
            e.cased.join("\u{1f}"),
            e.solo.join("\u{1f}")
        ));
        entity_start.push(text.len() as u32);
    }
    let mut id_order: Vec<u32> = (0..entities.len() as u32).collect();
    id_order.sort_by(|&a, &b| entities[a as usize].id.cmp(&entities[b as usize].id));
    // Each entity's keys, so that its word classes are found without a scan of all keys.
    let mut by_entity: Vec<Vec<u32>> = vec![Vec::new(); entities.len()];
    for (k, (_, entity, _, _)) in c.keys.iter().enumerate() {
        by_entity[*entity as usize].push(k as u32);
    }
    let mut entity_keys_start = vec![0u32];
    let mut entity_keys = Vec::with_capacity(c.keys.len());
    for list in by_entity {
        entity_keys.extend(list);
        entity_keys_start.push(entity_keys.len() as u32);
    }

    let mut out = MAGIC.to_vec();
    for n in [
        slots,
        c.keys.len(),
        classes.len(),
        entities.len(),
        text.len(),
        c.max_words,
        c.spelling_count,
    ] {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    out.extend_from_slice(fingerprint(entities).as_bytes());
    form_keys
        .iter()
        .for_each(|k| out.extend_from_slice(&k.to_le_bytes()));
    form_values
        .iter()
        .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    out.extend_from_slice(&bloom);
    for section in [
        &key_start,
        &key_meta,
        &classes,
        &entity_start,
        &id_order,
        &entity_keys_start,
        &entity_keys,
    ] {
        section
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    }
    out.extend_from_slice(text.as_bytes());
    out
}

/// A table laid out by [`encode`], read in place: nothing is decoded or built when it is
/// opened, so the table baked into the binary costs a process nothing at start-up.
pub struct Baked {
    bytes: Cow<'static, [u8]>,
    slots: usize,
    keys: usize,
    entities: usize,
    spelling_count: usize,
    // Byte offsets of the sections.
    form_values: usize,
    bloom: usize,
    key_start: usize,
    key_meta: usize,
    classes: usize,
    entity_start: usize,
    id_order: usize,
    entity_keys_start: usize,
    entity_keys: usize,
    text: usize,
}

impl Baked {
    /// Checks the layout of `bytes`; `None` if they are not a table of this version.
    pub fn new(bytes: Cow<'static, [u8]>) -> Option<Baked> {
        let b = bytes.strip_prefix(MAGIC)?;
        let h = |i: usize| read_u32(b, i) as usize;
        if b.len() < HEADER - MAGIC.len() {
            return None;
        }
        let (slots, keys, classes, entities, text_len) = (h(0), h(1), h(2), h(3), h(4));
        if !slots.is_power_of_two() {
            return None;
        }
        let form_keys = HEADER;
        let form_values = form_keys + slots * 8;
        let bloom = form_values + slots * 4;
        let key_start = bloom + bloom_bytes(slots);
        let key_meta = key_start + (keys + 1) * 4;
        let class_at = key_meta + keys * 4;
        let entity_start = class_at + classes * 4;
        let id_order = entity_start + (entities + 1) * 4;
        let entity_keys_start = id_order + entities * 4;
        let entity_keys = entity_keys_start + (entities + 1) * 4;
        let text = entity_keys + keys * 4;
        if bytes.len() != text + text_len {
            return None;
        }
        // The fingerprint must read as text; entity lines are checked one by one as
        // they are read (checking the whole text here cost more than the rest of opening).
        std::str::from_utf8(&bytes[HEADER - 16..HEADER]).ok()?;
        let baked = Baked {
            slots,
            keys,
            entities,
            spelling_count: h(6),
            form_values,
            bloom,
            key_start,
            key_meta,
            classes: class_at,
            entity_start,
            id_order,
            entity_keys_start,
            entity_keys,
            text,
            bytes,
        };
        // Offsets inside their sections, so that reads never go out of bounds. Only
        // `encode` writes tables (the built-in one at build time), so release builds
        // trust them: checking 150,000 keys and 46,000 entities is ~0.5 ms of every
        // process, and debug builds (the tests) still check each one.
        let ok = !cfg!(debug_assertions)
            || (0..=keys).all(|k| baked.u32_at(key_start, k) as usize <= classes)
                && (0..=entities).all(|e| baked.u32_at(entity_start, e) as usize <= text_len)
                && (0..keys).all(|k| (baked.u32_at(key_meta, k) & ENTITY_MASK) < entities as u32)
                && (0..entities).all(|e| (baked.u32_at(id_order, e) as usize) < entities)
                && (0..=entities).all(|e| baked.u32_at(entity_keys_start, e) as usize <= keys)
                && (0..keys).all(|k| (baked.u32_at(entity_keys, k) as usize) < keys);
        ok.then_some(baked)
    }

    fn u32_at(&self, section: usize, i: usize) -> u32 {
        read_u32(&self.bytes[section..], i)
    }

    pub fn fingerprint(&self) -> &str {
        std::str::from_utf8(&self.bytes[HEADER - 16..HEADER]).expect("checked in new")
    }

    /// The layout as [`encode`] wrote it.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn spelling_count(&self) -> usize {
        self.spelling_count
    }

    /// The form of a word form's hash (see [`form_hash`]).
    pub fn form(&self, hash: u64) -> Option<Form> {
        let size = bloom_bytes(self.slots);
        let bloom = &self.bytes[self.bloom..self.bloom + size];
        if !bloom_bits(hash, size)
            .iter()
            .all(|&bit| bloom[bit / 8] & (1 << (bit % 8)) != 0)
        {
            return None;
        }
        let keys = &self.bytes[HEADER..self.form_values];
        let mask = self.slots - 1;
        let mut i = hash as usize & mask;
        loop {
            match read_u64(keys, i) {
                0 => return None,
                k if k == hash => return Some(Form::unpack(self.u32_at(self.form_values, i))),
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// How many word forms the table holds (counted: only tests and tools ask).
    pub fn form_count(&self) -> usize {
        let keys = &self.bytes[HEADER..self.form_values];
        (0..self.slots).filter(|&i| read_u64(keys, i) != 0).count()
    }

    /// The entity a class sequence spells, and its case rule: a binary search on the
    /// first class (one read per step), then the few keys that start with it. (The
    /// analyzer asks [`Baked::keys_from`] and [`Baked::prefixes_of`] instead.)
    #[cfg(test)]
    pub fn lookup(&self, seq: &[u32]) -> Option<(u32, Case)> {
        let mut found = None;
        let (keys, _) = self.keys_from(*seq.first()?);
        self.prefixes_of(keys, seq, |len, entity, case, _| {
            if len == seq.len() && found.is_none() {
                found = Some((entity, case));
            }
        });
        found
    }

    /// The keys that start with class `first` (by index, in key order) and the most
    /// words any of them has: 0 when no spelling starts with that class, so that a word
    /// that only ever ends a name needs no look-ahead.
    pub fn keys_from(&self, first: u32) -> (std::ops::Range<usize>, usize) {
        let (mut lo, mut hi) = (0, self.keys);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.key_class(mid, 0) < first {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let mut end = lo;
        let mut longest = 0;
        while end < self.keys && self.key_len(end) > 0 && self.key_class(end, 0) == first {
            longest = longest.max(self.key_len(end));
            end += 1;
        }
        (lo..end, longest)
    }

    /// Calls `each(words, entity, case, solo)` for every spelling of `keys` (see
    /// [`Baked::keys_from`]) whose class sequence is a prefix of `seq`, in key order.
    pub fn prefixes_of(
        &self,
        keys: std::ops::Range<usize>,
        seq: &[u32],
        mut each: impl FnMut(usize, u32, Case, bool),
    ) {
        for k in keys {
            let len = self.key_len(k);
            if len <= seq.len() && (1..len).all(|i| self.key_class(k, i) == seq[i]) {
                let packed = self.u32_at(self.key_meta, k);
                let case = match packed >> CASE_SHIFT {
                    1 => Case::Capitalised,
                    2 => Case::Upper,
                    _ => Case::Any,
                };
                each(len, packed & ENTITY_MASK, case, packed & SOLO != 0);
            }
        }
    }

    /// Class `i` of key `k`.
    fn key_class(&self, k: usize, i: usize) -> u32 {
        self.u32_at(self.classes, self.u32_at(self.key_start, k) as usize + i)
    }

    /// How many words key `k` has.
    fn key_len(&self, k: usize) -> usize {
        (self.u32_at(self.key_start, k + 1) - self.u32_at(self.key_start, k)) as usize
    }

    /// Every word class used by a spelling of entity `entity`.
    pub fn classes_of(&self, entity: u32) -> Vec<u32> {
        let (first, last) = (
            self.u32_at(self.entity_keys_start, entity as usize) as usize,
            self.u32_at(self.entity_keys_start, entity as usize + 1) as usize,
        );
        let mut out: Vec<u32> = (first..last)
            .map(|i| self.u32_at(self.entity_keys, i) as usize)
            .flat_map(|k| {
                let (from, to) = (
                    self.u32_at(self.key_start, k) as usize,
                    self.u32_at(self.key_start, k + 1) as usize,
                );
                (from..to).map(move |i| self.u32_at(self.classes, i))
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn entity_count(&self) -> usize {
        self.entities
    }

    /// Entity `i`, decoded from its line.
    pub fn entity(&self, i: usize) -> Entity {
        let line = self.line(i);
        let mut f = line.split('\t');
        let mut next = || f.next().unwrap_or_default();
        let list = |s: &str| -> Vec<String> {
            if s.is_empty() {
                Vec::new()
            } else {
                s.split('\u{1f}').map(str::to_string).collect()
            }
        };
        let (id, name, kind) = (next(), next(), next());
        Entity {
            id: id.to_string(),
            name: name.to_string(),
            kind: Kind::parse(kind).unwrap_or(Kind::Place),
            spellings: list(next()),
            cased: list(next()),
            solo: list(next()),
        }
    }

    fn line(&self, i: usize) -> &str {
        std::str::from_utf8(self.line_bytes(i))
            .unwrap_or_default()
            .trim_end_matches('\n')
    }

    /// Entity line `i` as bytes (a line read from a damaged table is empty rather than a
    /// panic).
    fn line_bytes(&self, i: usize) -> &[u8] {
        let (from, to) = (
            self.u32_at(self.entity_start, i) as usize,
            self.u32_at(self.entity_start, i + 1) as usize,
        );
        self.bytes
            .get(self.text + from..self.text + to)
            .unwrap_or_default()
    }

    /// The index of the entity with id `id` (binary search over the ids).
    pub fn entity_index(&self, id: &str) -> Option<u32> {
        let mut lo = 0;
        let mut hi = self.entities;
        while lo < hi {
            let mid = (lo + hi) / 2;
            let e = self.u32_at(self.id_order, mid);
            // The id is the line's first field; comparing bytes spares validating the
            // whole line (hundreds of spellings for some places) at every step.
            let line = self.line_bytes(e as usize);
            let this = line.split(|&b| b == b'\t').next().unwrap_or_default();
            match this.cmp(id.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(e),
            }
        }
        None
    }
}

fn read_u64(bytes: &[u8], slot: usize) -> u64 {
    u64::from_le_bytes(bytes[slot * 8..slot * 8 + 8].try_into().expect("8 bytes"))
}

fn read_u32(bytes: &[u8], slot: usize) -> u32 {
    u32::from_le_bytes(bytes[slot * 4..slot * 4 + 4].try_into().expect("4 bytes"))
}
