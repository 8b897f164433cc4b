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
}

/// A word form's class and whether it may only be used inside a multi-word name.
#[derive(Clone, Copy, Debug)]
pub struct Form {
    pub class: u32,
    /// Inflected forms of short stems ("Рогу" from "Ріг") are too ambiguous alone.
    pub multi_only: bool,
}

impl Form {
    const MULTI_ONLY: u32 = 1 << 31;

    fn pack(self) -> u32 {
        self.class | if self.multi_only { Self::MULTI_ONLY } else { 0 }
    }

    fn unpack(v: u32) -> Form {
        Form {
            class: v & !Self::MULTI_ONLY,
            multi_only: v & Self::MULTI_ONLY != 0,
        }
    }
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

/// The file format: `[[entity]]` tables.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    entity: Vec<toml::Spanned<RawEntity>>,
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
}

/// Russian and Ukrainian case endings of masculine and neuter nouns (Київ → Києва,
/// Дніпро → Дніпра), singular and the common plural cases. No feminine -ой/-ою: Львовой
/// is the surname Львова, not Lviv.
const MASC_ENDINGS: &[&str] = &[
    "ові", "еві", "єві", "ом", "ем", "ём", "єм", "ах", "ях", "а", "я", "у", "ю", "е", "є", "і", "",
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
/// Stems shorter than this are only inflected inside multi-word names (Суми → "суму"
/// would otherwise merge with the word for "sum").
const MIN_STEM_CHARS: usize = 4;

/// Compiles entities into the lookups. Fails with every conflict found: a spelling
/// (after normalisation and inflection) claimed by two entities.
pub fn compile(entities: &[Entity]) -> Result<Compiled, Vec<String>> {
    // Pass 1: every word of every spelling gets an id; every form (the word itself
    // and its generated case forms) records who claims it.
    let mut word_ids: HashMap<String, u32> = HashMap::new();
    let mut claims: Vec<(u64, Claim)> = Vec::new();
    let mut spelled: Vec<(u32, Vec<String>, Case)> = Vec::new();
    let mut max_words = 1;
    let mut spelling_count = 0;
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
            spelled.push((ei as u32, words, case));
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
        let cl: Vec<&Claim> = group.iter().map(|(_, c)| c).collect();
        let owners: Vec<u32> = match cl.iter().find(|c| c.base) {
            Some(b) => cl
                .iter()
                .filter(|c| c.base || cl.iter().any(|o| o.base && o.entity == c.entity))
                .map(|c| c.word)
                .chain(std::iter::once(b.word))
                .collect(),
            None if cl.iter().all(|c| c.entity == cl[0].entity) => {
                cl.iter().map(|c| c.word).collect()
            }
            None => continue,
        };
        for w in &owners[1..] {
            uf.union(owners[0], *w);
        }
        let multi_only = cl.iter().all(|c| c.short && !c.base);
        forms.insert(
            form,
            Form {
                class: owners[0],
                multi_only,
            },
        );
    }
    for f in forms.values_mut() {
        f.class = uf.find(f.class);
    }
    let mut keys: HashMap<Vec<u32>, (u32, Case)> = HashMap::new();
    let mut conflicts = Vec::new();
    for (ei, words, case) in spelled {
        let seq: Vec<u32> = words.iter().map(|w| forms[&form_hash(w)].class).collect();
        match keys.get(&seq) {
            Some(&(other, _)) if other != ei => conflicts.push(format!(
                "spelling \"{}\" of entity `{}` is also a spelling of `{}`",
                words.join(" "),
                entities[ei as usize].id,
                entities[other as usize].id
            )),
            Some(_) => {}
            None => {
                keys.insert(seq, (ei, case));
            }
        }
    }
    if !conflicts.is_empty() {
        return Err(conflicts);
    }
    let mut keys: Vec<(Vec<u32>, u32, Case)> =
        keys.into_iter().map(|(seq, (e, c))| (seq, e, c)).collect();
    keys.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(Compiled {
        forms: FormTable::build(forms),
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

/// A word and its generated case forms, each with whether its stem is short (such forms
/// are only trusted inside multi-word names). Latin words are not inflected.
fn inflections(word: &str, multi: bool) -> Vec<(u64, bool)> {
    let word_hash = form_hash(word);
    let mut out = vec![(word_hash, false)];
    if !is_cyrillic_word(word) {
        return out;
    }
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    let mut stems: Vec<String> = Vec::new();
    let tail2: String = chars[n.saturating_sub(2)..].iter().collect();
    let last = chars[n - 1];
    let adjectival = n > 4 && matches!(tail2.as_str(), "ий" | "ій" | "ый" | "ой" | "ая" | "яя");
    if adjectival {
        stems.push(chars[..n - 2].iter().collect());
    } else if matches!(
        last,
        'а' | 'я' | 'о' | 'е' | 'є' | 'ь' | 'й' | 'и' | 'ы' | 'і'
    ) {
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
        let endings = if adjectival {
            ADJ_ENDINGS
        } else if matches!(last, 'а' | 'я') {
            FEM_ENDINGS
        } else {
            MASC_ENDINGS
        };
        // Forms are hashed in one reused buffer: no string is kept per form.
        let mut buf = String::with_capacity(stem.len() + 8);
        for e in endings {
            buf.clear();
            buf.push_str(&stem);
            buf.push_str(e);
            let form = form_hash(&buf);
            if form != word_hash {
                out.push((form, short));
            }
        }
        // Ukrainian dative/locative softens a final г, к, х before -і: Ріг → Розі,
        // Кривий Ріг → у Кривому Розі.
        if !adjectival {
            let mut c: Vec<char> = stem.chars().collect();
            if let Some(soft) = c.last().and_then(|l| match l {
                'г' => Some('з'),
                'к' => Some('ц'),
                'х' => Some('с'),
                _ => None,
            }) {
                *c.last_mut().expect("non-empty stem") = soft;
                c.push('і');
                out.push((form_hash(&c.into_iter().collect::<String>()), short));
            }
        }
    }
    out
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
        let mut spellings = Vec::with_capacity(e.spellings.len() + 1);
        for s in std::iter::once(&e.name).chain(&e.spellings) {
            let key = spelling_key(s);
            if key.is_empty() {
                return Err(err(format!(
                    "entity `{}` has an empty spelling {s:?}",
                    e.id
                )));
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
        });
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

/// A compiled table: the word-form lookup and the spellings as class sequences.
pub struct Compiled {
    pub forms: FormTable,
    /// Class sequence → entity index and case rule, sorted by sequence.
    pub keys: Vec<(Vec<u32>, u32, Case)>,
    pub max_words: usize,
    pub spelling_count: usize,
}

/// Word-form hash → packed [`Form`], an open-addressing table with linear probing kept
/// as little-endian bytes, so that the built-in table is used straight from the binary
/// (no start-up work, pages read on demand). Most words looked up are not names: the
/// table is at most half full so that a miss costs one or two probes.
pub struct FormTable {
    keys: Cow<'static, [u8]>,
    values: Cow<'static, [u8]>,
    mask: usize,
    /// A Bloom filter of the forms (two bits each, [`BLOOM_BYTES`]): it fits in the CPU
    /// cache where the table does not, and turns away ~97% of words that are no name
    /// before they cost a cache miss in the table.
    bloom: Cow<'static, [u8]>,
}

/// Size of the Bloom filter: 2^21 bits.
const BLOOM_BYTES: usize = 1 << 18;

/// The two filter bits of a form hash, from bits the slot index does not use.
fn bloom_bits(hash: u64) -> [usize; 2] {
    let m = BLOOM_BYTES * 8 - 1;
    [(hash >> 43) as usize & m, (hash >> 22) as usize & m]
}

impl FormTable {
    fn build(forms: HashMap<u64, Form>) -> FormTable {
        // In hash order, so that the same table always gives the same bytes.
        let mut forms: Vec<(u64, u32)> = forms.into_iter().map(|(h, f)| (h, f.pack())).collect();
        forms.sort_unstable();
        let slots = (forms.len() * 2).next_power_of_two().max(16);
        let mask = slots - 1;
        let mut keys = vec![0u8; slots * 8];
        let mut values = vec![0u8; slots * 4];
        let mut bloom = vec![0u8; BLOOM_BYTES];
        for (hash, value) in forms {
            for bit in bloom_bits(hash) {
                bloom[bit / 8] |= 1 << (bit % 8);
            }
            let mut i = hash as usize & mask;
            while read_u64(&keys, i) != 0 {
                i = (i + 1) & mask;
            }
            keys[i * 8..i * 8 + 8].copy_from_slice(&hash.to_le_bytes());
            values[i * 4..i * 4 + 4].copy_from_slice(&value.to_le_bytes());
        }
        FormTable {
            keys: Cow::Owned(keys),
            values: Cow::Owned(values),
            mask,
            bloom: Cow::Owned(bloom),
        }
    }

    /// The form of a word form's hash (see [`form_hash`]).
    pub fn get(&self, hash: u64) -> Option<Form> {
        if !bloom_bits(hash)
            .iter()
            .all(|&bit| self.bloom[bit / 8] & (1 << (bit % 8)) != 0)
        {
            return None;
        }
        let mut i = hash as usize & self.mask;
        loop {
            match read_u64(&self.keys, i) {
                0 => return None,
                k if k == hash => return Some(Form::unpack(read_u32(&self.values, i))),
                _ => i = (i + 1) & self.mask,
            }
        }
    }

    /// How many forms the table holds (counted: only tests and `stats` ask).
    pub fn count(&self) -> usize {
        (0..=self.mask)
            .filter(|&i| read_u64(&self.keys, i) != 0)
            .count()
    }
}

fn read_u64(bytes: &[u8], slot: usize) -> u64 {
    u64::from_le_bytes(bytes[slot * 8..slot * 8 + 8].try_into().expect("8 bytes"))
}

fn read_u32(bytes: &[u8], slot: usize) -> u32 {
    u32::from_le_bytes(bytes[slot * 4..slot * 4 + 4].try_into().expect("4 bytes"))
}

/// Magic and version of the binary form; bump the digit when the layout changes.
const MAGIC: &[u8; 8] = b"GZALIAS2";

/// The binary form of a compiled table with its entities:
/// `MAGIC`, then u32 slots, key count, max words, spelling count, entity bytes; then the
/// form keys (u64 × slots), values (u32 × slots) and Bloom filter; then each key as u32 entity, u32
/// case, u32 length and the classes; then the entities, one per line, fields separated
/// by tabs and lists by U+001F.
pub fn encode(entities: &[Entity], c: &Compiled) -> Vec<u8> {
    let mut text = String::new();
    for e in entities {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            e.id,
            e.name,
            e.kind.as_str(),
            e.spellings.join("\u{1f}"),
            e.cased.join("\u{1f}")
        ));
    }
    let mut out = MAGIC.to_vec();
    for n in [
        c.forms.mask + 1,
        c.keys.len(),
        c.max_words,
        c.spelling_count,
        text.len(),
    ] {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    out.extend_from_slice(&c.forms.keys);
    out.extend_from_slice(&c.forms.values);
    out.extend_from_slice(&c.forms.bloom);
    for (seq, entity, case) in &c.keys {
        for n in [*entity, *case as u32, seq.len() as u32] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        for class in seq {
            out.extend_from_slice(&class.to_le_bytes());
        }
    }
    out.extend_from_slice(text.as_bytes());
    out
}

/// Reads what [`encode`] wrote; the form lookup borrows `bytes`. `None` if the bytes are
/// not such a table.
pub fn decode(bytes: &'static [u8]) -> Option<(Vec<Entity>, Compiled)> {
    let mut r = Cursor(bytes.strip_prefix(MAGIC)?);
    let slots = r.u32()? as usize;
    let n_keys = r.u32()? as usize;
    let max_words = r.u32()? as usize;
    let spelling_count = r.u32()? as usize;
    let text_len = r.u32()? as usize;
    if !slots.is_power_of_two() {
        return None;
    }
    let forms = FormTable {
        keys: Cow::Borrowed(r.take(slots * 8)?),
        values: Cow::Borrowed(r.take(slots * 4)?),
        mask: slots - 1,
        bloom: Cow::Borrowed(r.take(BLOOM_BYTES)?),
    };
    let mut keys = Vec::with_capacity(n_keys);
    for _ in 0..n_keys {
        let entity = r.u32()?;
        let case = match r.u32()? {
            0 => Case::Any,
            1 => Case::Capitalised,
            2 => Case::Upper,
            _ => return None,
        };
        let len = r.u32()?;
        let seq = (0..len).map(|_| r.u32()).collect::<Option<Vec<u32>>>()?;
        keys.push((seq, entity, case));
    }
    let text = std::str::from_utf8(r.take(text_len)?).ok()?;
    let list = |s: &str| -> Vec<String> {
        if s.is_empty() {
            Vec::new()
        } else {
            s.split('\u{1f}').map(str::to_string).collect()
        }
    };
    let mut entities = Vec::new();
    for line in text.lines() {
        let mut f = line.split('\t');
        let (id, name, kind, spellings, cased) =
            (f.next()?, f.next()?, f.next()?, f.next()?, f.next()?);
        entities.push(Entity {
            id: id.to_string(),
            name: name.to_string(),
            kind: Kind::parse(kind)?,
            spellings: list(spellings),
            cased: list(cased),
        });
    }
    let compiled = Compiled {
        forms,
        keys,
        max_words,
        spelling_count,
    };
    Some((entities, compiled))
}

/// Reads the binary form front to back.
struct Cursor(&'static [u8]);

impl Cursor {
    fn take(&mut self, n: usize) -> Option<&'static [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}
