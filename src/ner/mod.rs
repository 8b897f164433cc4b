//! Entity recognition: finds person, organisation and place names in a text whether or
//! not the alias table lists them, and gives each a key that is the same across scripts
//! and case forms (Буданова, Budanov → `budanov`). The one home of recognised names:
//! indexing, search, passages and counts all call it.
//!
//! Stages: the analyzers' words ([`tokens`]) → the alias table's verdict on each word
//! (a feature, not a rule) → an averaged perceptron over hashed features ([`features`],
//! [`model`]) with weights baked into the binary → names → keys ([`key`]).

mod cues;
pub mod features;
pub mod key;
pub mod lists;
pub mod model;
mod products;
pub mod tokens;

use std::sync::{Arc, OnceLock};

use tantivy::tokenizer::TokenStream;

use crate::analysis::{self, AliasTable, Kind};
use features::Listed;
use lists::Lists;
use model::{Baked, Weights};
use tokens::Word;

/// The weights `examples/ner_train.rs` made (see the README, "Entities").
static WEIGHTS: &[u8] = include_bytes!("weights.bin");

/// A recognised name: byte offsets into the text, its kind and its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    pub key: String,
}

/// What a mark says of a recognised name: its kind and key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameRef {
    pub kind: Kind,
    pub key: String,
}

impl Name {
    pub fn as_ref(&self) -> NameRef {
        NameRef {
            kind: self.kind,
            key: self.key.clone(),
        }
    }
}

fn baked() -> &'static Baked {
    static B: OnceLock<Baked> = OnceLock::new();
    B.get_or_init(|| Baked::new(WEIGHTS).expect("src/ner/weights.bin is a Gazette tagger"))
}

/// The kind of a label's kind index.
pub fn kind_of(index: u8) -> Kind {
    match index {
        0 => Kind::Person,
        1 => Kind::Organisation,
        _ => Kind::Place,
    }
}

fn kind_index(kind: Kind) -> u8 {
    match kind {
        Kind::Person => 0,
        Kind::Organisation => 1,
        Kind::Place | Kind::Country => 2,
    }
}

/// A word as the analyzer gave it: its bytes, and the table entity's kind when it is
/// one (a multi-word name is one word here: "Vitali Klitschko").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Analysed {
    pub start: usize,
    pub end: usize,
    pub entity: Option<Kind>,
}

/// The kind of the entity an index term stands for, if it is an entity term.
pub fn entity_kind(table: &AliasTable, term: &str) -> Option<Kind> {
    table.entity_of_term(term).map(|e| e.kind)
}

/// A text's words as the alias-aware analyzer splits them. The indexer has them from
/// its own analysis (see `index::DocBuilder`); this is for everything else.
pub fn analyse(text: &str, table: &Arc<AliasTable>) -> Vec<Analysed> {
    let mut out = Vec::new();
    let mut an = analysis::analyzer(table, analysis::NO_STEM);
    let mut stream = an.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        out.push(Analysed {
            start: t.offset_from,
            end: t.offset_to,
            entity: entity_kind(table, &t.text),
        });
    }
    out
}

/// The table's entity spans among analysed words: (start, end, kind).
pub fn table_spans(words: &[Analysed]) -> Vec<(usize, usize, Kind)> {
    words
        .iter()
        .filter_map(|w| w.entity.map(|k| (w.start, w.end, k)))
        .collect()
}

/// What the tagger sees of a text: its words and the table's verdict on each. The
/// words are the analyzer's, so the text is segmented once.
pub fn view<'a>(text: &'a str, analysed: &[Analysed]) -> (Vec<Word<'a>>, Vec<Listed>) {
    let mut words = Vec::with_capacity(analysed.len());
    let mut listed = Vec::with_capacity(analysed.len());
    let mut prev_end = 0;
    for a in analysed {
        let Some(t) = text.get(a.start..a.end) else {
            continue;
        };
        words.push(Word {
            start: a.start,
            end: a.end,
            text: t,
            gap_from: prev_end.min(a.start),
            caps: tokens::capitalised(t),
        });
        listed.push(match a.entity {
            Some(kind) => Listed::Yes(kind_index(kind), true),
            None => Listed::No,
        });
        prev_end = a.end;
    }
    (words, listed)
}

/// The names in `text`, written in language `lang` (an ISO 639-1 code; some features
/// are per language), in order, given its analysed words ([`analyse`]).
pub fn recognise(text: &str, lang: &str, analysed: &[Analysed]) -> Vec<Name> {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    let lists = LISTS.get_or_init(Lists::baked);
    let (words, listed) = view(text, analysed);
    let labels = model::decode(baked(), text, &words, &listed, lists, lang);
    names_of(text, &words, &listed, &labels, lists, lang)
}

/// [`recognise`] with other weights and lists (for training).
pub fn recognise_with(
    weights: &dyn Weights,
    lists: &Lists,
    words: &[Word],
    listed: &[Listed],
    lang: &str,
    text: &str,
) -> Vec<Name> {
    let labels = model::decode(weights, text, words, listed, lists, lang);
    names_of(text, words, listed, &labels, lists, lang)
}

/// Whether a name of these words is kept: not a common word alone ("Mayor", "Air" at
/// a sentence's start or in a headline), nor in English common words only ("Russian
/// President", "At Least") unless an organisation's last word ends them.
fn keep(text: &str, words: &[Word], from: usize, to: usize, lists: &Lists, latin: bool) -> bool {
    // A letter alone ("G", "C" of a list or a formula; not the G of "G-20") or a Roman
    // numeral (a century, a congress: "XXI", "VII съезде") names nothing.
    let alone = |i: usize| !text[words[i].end..].starts_with(['-', '‑', '–']);
    if (from == to && words[from].text.chars().nth(1).is_none() && alone(from))
        || (from..=to).all(|i| is_roman_numeral(words[i].text))
    {
        return false;
    }
    if from != to && (!latin || lists.org(&key::word_key(words[to].text))) {
        // Organisations' names are common words too ("Air Force", "Supreme Court").
        return true;
    }
    !(from..=to).all(|i| {
        let lower = words[i].text.to_lowercase();
        // An English plural of a common word is common too ("Blackouts" opening a
        // headline): the plural itself may be too rare for the list.
        common(lists, &lower)
            || (latin
                && lower.len() > 4
                && lower.strip_suffix('s').is_some_and(|w| common(lists, w)))
    })
}

/// Whether a word is a Roman numeral in its canonical form with an I, V or X ("XIX",
/// "IV"; not "DC", "CDC" or "MC", which are more often abbreviations).
fn is_roman_numeral(w: &str) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
            .expect("valid Roman numeral regex")
    });
    w.contains(['I', 'V', 'X']) && re.is_match(w)
}

/// Whether a lower-cased word is in the common-word list.
fn common(lists: &Lists, lower: &str) -> bool {
    lists.common(xxhash_rust::xxh3::xxh3_64(lower.as_bytes()))
}

/// The kind of a name of several words whose last word mostly ends organisations'
/// names in the silver labels ("Ukrainian Air *Force*", "Foreign *Ministry*"): an
/// organisation, whatever the tagger said.
fn kind_by_head(words: &[Word], from: usize, to: usize, lists: &Lists, kind: Kind) -> Kind {
    if to > from && lists.org(&key::word_key(words[to].text)) {
        Kind::Organisation
    } else {
        kind
    }
}

fn names_of(
    text: &str,
    words: &[Word],
    listed: &[Listed],
    labels: &[u8],
    lists: &Lists,
    lang: &str,
) -> Vec<Name> {
    // English capitalises every word of a name; Russian and Ukrainian only the first
    // ("Государственная дума"), so the rules on all of a name's words are English ones.
    let latin = features::space(lang) == 0;
    let mut out: Vec<Name> = Vec::new();
    let mut open: Option<(usize, usize, u8)> = None;
    let close = |open: &mut Option<(usize, usize, u8)>, out: &mut Vec<Name>| {
        if let Some((from, to, kind)) = open.take() {
            if !keep(text, words, from, to, lists, latin) {
                return;
            }
            let span = &text[words[from].start..words[to].end];
            out.push(Name {
                start: words[from].start,
                end: words[to].end,
                kind: if latin {
                    kind_by_head(words, from, to, lists, kind_of(kind))
                } else {
                    kind_of(kind)
                },
                key: key::name_key(span),
            });
        }
    };
    for (i, &l) in labels.iter().enumerate() {
        match model::label_kind(l) {
            None => close(&mut open, &mut out),
            Some(kind) => {
                // A name does not run on over a comma or a bracket ("Los Angeles,
                // Houston"): the tagger, seeing only the labels before, sometimes does.
                let broken = words[i]
                    .gap_chars(text)
                    .any(|c| matches!(c, ',' | ';' | '(' | ')'));
                if model::label_begins(l) || broken || open.is_none_or(|o| o.2 != kind) {
                    close(&mut open, &mut out);
                    open = Some((i, i, kind));
                } else if let Some(o) = open.as_mut() {
                    o.1 = i;
                }
            }
        }
    }
    close(&mut open, &mut out);
    if latin {
        organisation_runs(text, words, listed, lists, &mut out);
    } else {
        headed_organisations(text, words, listed, &mut out);
    }
    lone_places(text, lists, &mut out);
    lone_organisations(text, lists, &mut out);
    credited_agencies(text, &mut out);
    products::drop_products(text, latin, &mut out);
    out.retain(|n| {
        !is_title(&text[n.start..n.end]) && !is_common_abbreviation(&text[n.start..n.end])
    });
    one_kind_per_name(&mut out);
    out
}

/// Whether a name is a form of address alone ("a younger Mr Trump": the tagger, seeing
/// Trump taken by the table, made a place of "Mr"): a title names no one by itself.
/// Written in capitals it may be an abbreviation (MS, DR) and is left alone.
fn is_title(name: &str) -> bool {
    if !name.chars().any(char::is_lowercase) {
        return false;
    }
    const TITLES: &[&str] = &[
        "mr",
        "mrs",
        "ms",
        "miss",
        "messrs",
        "dr",
        "prof",
        "mme",
        "mlle",
        "herr",
        "frau",
        "г-н",
        "г-жа",
        "господин",
        "госпожа",
        "пан",
        "пані",
        "пане",
    ];
    let word = name.trim_end_matches('.').to_lowercase();
    TITLES.contains(&word.as_str())
}

/// Whether a name is an abbreviation of a common noun, which Russian and Ukrainian
/// write in capitals like an organisation's ("СМИ", the media; "ВВП", GDP; "ДТП", a
/// road accident): the tagger, seeing the shape of ФСБ, takes them for organisations.
fn is_common_abbreviation(name: &str) -> bool {
    const COMMON: &[&str] = &[
        "СМИ", "ЗМІ", "ВВП", "ДТП", "ЧП", "НДС", "ПДВ", "ВУЗ", "ВНЗ", "ЖКХ", "ЖКГ", "ПВО", "ППО",
        "БПЛА", "РСЗО", "СИЗО", "ЛЭП", "ЛЕП", "ОС", "ПО", "ИТ", "ІТ",
    ];
    COMMON.contains(&name)
}

/// Makes an organisation of the news agency a dateline credits ("MOSCOW, February 6.
/// /TASS/.", "LONDON (Reuters) -"): the tagger, seeing a place before it in the same
/// place a place stands in other datelines, took TASS for a place in 198 articles of
/// news-large.
fn credited_agencies(text: &str, names: &mut [Name]) {
    static DATELINE: OnceLock<regex::Regex> = OnceLock::new();
    let dateline = DATELINE.get_or_init(|| {
        // A line opening with a place in capitals, then perhaps a date, then the
        // credit's opening slash or bracket.
        regex::Regex::new(r"^\s*\p{Lu}[\p{Lu}\-' .]+(,[^\n,/()]{0,25})?\s*[/(]\s*$")
            .expect("valid dateline regex")
    });
    for n in names.iter_mut() {
        if n.kind == Kind::Organisation || !text[n.end..].starts_with(['/', ')']) {
            continue;
        }
        let line = text[..n.start].rfind('\n').map_or(0, |at| at + 1);
        if n.start - line <= 60 && dateline.is_match(&text[line..n.start]) {
            n.kind = Kind::Organisation;
        }
    }
}

/// Makes a place of a one-word "person" that the place list holds and the person list
/// does not ("Plano, Texas", "Kamchatka"): no one is called that, the tagger's context
/// misled it.
fn lone_places(text: &str, lists: &Lists, names: &mut [Name]) {
    for n in names.iter_mut() {
        let w = &text[n.start..n.end];
        if n.kind == Kind::Person && !w.contains([' ', '-']) {
            let k = key::word_key(w);
            if lists.place(&k) && !lists.person(&k) {
                n.kind = Kind::Place;
            }
        }
    }
}

/// Makes an organisation of a one-word "place" that both the place list and the
/// organisation names hold ("as reported by Xinhua", "Nokia", "Toyota"): the place list
/// is a gazetteer, where any town of that name counts, while the organisation names are
/// the words the news itself writes inside organisations' names most of the times it
/// writes them. The tagger, led by the place list and one sentence's context, is
/// outvoted by the word's uses. So is a Latin-script abbreviation in capitals that the
/// organisation names hold ("the USDA said", AFP, BBC), in the place list or not:
/// places written so (US, UK) are the table's.
fn lone_organisations(text: &str, lists: &Lists, names: &mut [Name]) {
    for n in names.iter_mut() {
        let w = &text[n.start..n.end];
        if n.kind == Kind::Place && !w.contains([' ', '-']) {
            let k = key::word_key(w);
            // Latin script only: in Russian news the same rule took places written so
            // (МКС, the space station, a place to factRuEval) for organisations. And
            // without dots: B.C. (British Columbia) has the key of BBC.
            let abbreviation = w.chars().filter(|c| c.is_alphabetic()).count() >= 2
                && w.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            if (lists.place(&k) || abbreviation) && lists.org_name(&k) {
                n.kind = Kind::Organisation;
            }
        }
    }
}

/// Marks as one organisation each run of capitalised English words that an
/// organisation's last word ends ("the Ukrainian Air Force", "the Russian Defence
/// Ministry"), over whatever the tagger marked inside it: such names are common words
/// the tagger leaves alone, or cuts short. Leading common words ("The") stay out.
fn organisation_runs(
    text: &str,
    words: &[Word],
    listed: &[Listed],
    lists: &Lists,
    names: &mut Vec<Name>,
) {
    let joined = |i: usize| words[i].caps && words[i].joined(text);
    let mut i = 0;
    while i < words.len() {
        if !words[i].caps {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < words.len() && joined(j + 1) {
            j += 1;
        }
        let mut from = i;
        while from < j && {
            let lower = words[from].text.to_lowercase();
            common(lists, &lower) && lower.len() <= 3
        } {
            from += 1;
        }
        if lists.org(&key::word_key(words[j].text)) {
            // "Department of Justice", "University of Chicago": the head, "of", and
            // the capitalised words after it are one name. Not over a word the table
            // holds ("Association of America"): the table's mark wins an overlap,
            // and the organisation would be lost whole.
            let mut k = j + 2;
            let of = k < words.len()
                && words[j + 1].text == "of"
                && words[j + 1].joined(text)
                && joined(k);
            if of {
                while k + 1 < words.len() && joined(k + 1) {
                    k += 1;
                }
            }
            if of && listed[j + 2..=k].iter().all(|l| matches!(l, Listed::No)) {
                claim_organisation(text, names, words[from].start, words[k].end);
                i = k + 1;
                continue;
            }
            if j > from {
                claim_organisation(text, names, words[from].start, words[j].end);
            }
        }
        i = j + 1;
    }
}

/// Marks as one organisation each Russian or Ukrainian name that a head noun makes one
/// ([`cues`]: "Генеральная прокуратура", "Служби безпеки України"), over whatever the
/// tagger marked inside it.
fn headed_organisations(text: &str, words: &[Word], listed: &[Listed], names: &mut Vec<Name>) {
    let mut found = cues::adjective_headed(text, words);
    found.extend(cues::capitalised_heads(text, words, listed));
    for (from, to) in found {
        claim_organisation(text, names, words[from].start, words[to].end);
    }
}

/// Makes `start..end` one organisation over the names inside it, unless a name reaches
/// out of it (that one stays, and the organisation is not marked).
fn claim_organisation(text: &str, names: &mut Vec<Name>, start: usize, end: usize) {
    if names
        .iter()
        .any(|n| n.start < end && start < n.end && (n.start < start || n.end > end))
    {
        return;
    }
    names.retain(|n| !(n.start < end && start < n.end));
    let at = names.partition_point(|n| n.start < start);
    names.insert(
        at,
        Name {
            start,
            end,
            kind: Kind::Organisation,
            key: key::name_key(&text[start..end]),
        },
    );
}

/// Gives every mention of a name in one text the same kind: the kind most of its
/// mentions got, and a person's for a lone word that is the last word of a person's
/// full name there ("Kyrylo Budanov" … "Budanov"). One sentence's context can mislead
/// the tagger ("Vestas" a place); the text's other mentions outvote it.
fn one_kind_per_name(names: &mut [Name]) {
    if names.len() < 2 {
        return;
    }
    let mut votes: rustc_hash::FxHashMap<&str, [u32; 3]> = Default::default();
    let mut surnames: rustc_hash::FxHashSet<&str> = Default::default();
    for n in names.iter() {
        votes.entry(n.key.as_str()).or_default()[kind_index(n.kind) as usize] += 1;
        if n.kind == Kind::Person {
            if let Some((_, last)) = n.key.rsplit_once(' ') {
                surnames.insert(last);
            }
        }
    }
    let chosen: Vec<Option<Kind>> = names
        .iter()
        .map(|n| {
            if n.key.is_empty() {
                return None;
            }
            if !n.key.contains(' ') && surnames.contains(n.key.as_str()) {
                return Some(Kind::Person);
            }
            let v = votes[n.key.as_str()];
            let own = kind_index(n.kind);
            let best = (0..3u8).max_by_key(|&k| (v[k as usize], k == own))?;
            (v[best as usize] > v[own as usize]).then(|| kind_of(best))
        })
        .collect();
    for (n, k) in names.iter_mut().zip(chosen) {
        if let Some(k) = k {
            n.kind = k;
        }
    }
}

/// The index terms of an article's names (the `names` field): each name's whole key
/// (words joined by `_`) and each of its words' keys of three letters or more, so that
/// `Budanov` finds "Кирило Буданов" and `entity:kiril_budanov` the whole name.
pub fn index_terms<'a>(names: impl Iterator<Item = &'a Name>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if n.key.is_empty() {
            continue;
        }
        out.push(n.key.replace(' ', "_"));
        if n.key.contains(' ') {
            out.extend(
                n.key
                    .split(' ')
                    .filter(|w| w.chars().count() >= 3)
                    .map(str::to_string),
            );
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The one-letter code of a kind in the stored form.
fn kind_code(kind: Kind) -> u8 {
    match kind {
        Kind::Person => b'p',
        Kind::Organisation => b'o',
        Kind::Place | Kind::Country => b'l',
    }
}

/// An article's names as the index stores them: per name, its field (0 body, 1 title),
/// start and end (u32 little-endian), kind (`p`, `o`, `l`), then its key's length (u16)
/// and bytes. Binary because search decodes it for every article it cuts passages from.
pub fn encode(title: &[Name], body: &[Name]) -> Vec<u8> {
    let mut out = Vec::new();
    for (field, n) in body
        .iter()
        .map(|n| (0u8, n))
        .chain(title.iter().map(|n| (1u8, n)))
    {
        let key = &n.key.as_bytes()[..n.key.len().min(u16::MAX as usize)];
        out.push(field);
        out.extend_from_slice(&(n.start as u32).to_le_bytes());
        out.extend_from_slice(&(n.end as u32).to_le_bytes());
        out.push(kind_code(n.kind));
        out.extend_from_slice(&(key.len() as u16).to_le_bytes());
        out.extend_from_slice(key);
    }
    out
}

/// The stored names back: (title names, body names). Bytes that do not parse end the
/// list: what parsed is kept.
pub fn decode(bytes: &[u8]) -> (Vec<Name>, Vec<Name>) {
    let (mut title, mut body) = (Vec::new(), Vec::new());
    let mut at = 0;
    while at + 12 <= bytes.len() {
        let u32_at =
            |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let field = bytes[at];
        let (start, end) = (u32_at(at + 1) as usize, u32_at(at + 5) as usize);
        let kind = match bytes[at + 9] {
            b'p' => Kind::Person,
            b'o' => Kind::Organisation,
            _ => Kind::Place,
        };
        let len = u16::from_le_bytes([bytes[at + 10], bytes[at + 11]]) as usize;
        let Some(key) = bytes.get(at + 12..at + 12 + len) else {
            break;
        };
        at += 12 + len;
        let name = Name {
            start,
            end,
            kind,
            key: String::from_utf8_lossy(key).into_owned(),
        };
        if field == 1 {
            title.push(name);
        } else {
            body.push(name);
        }
    }
    (title, body)
}

/// Drops the names that overlap a table entity: the table's mark (with its id) wins.
pub fn outside_table(names: Vec<Name>, spans: &[(usize, usize, Kind)]) -> Vec<Name> {
    names
        .into_iter()
        .filter(|n| !spans.iter().any(|&(s, e, _)| s < n.end && n.start < e))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str, lang: &str) -> Vec<(String, Kind)> {
        let table = AliasTable::builtin();
        let words = analyse(text, &table);
        outside_table(recognise(text, lang, &words), &table_spans(&words))
            .into_iter()
            .map(|n| (text[n.start..n.end].to_string(), n.kind))
            .collect()
    }

    #[test]
    fn roman_numerals_and_lone_letters_are_no_names() {
        for w in ["XXI", "XIX", "VII", "IV", "I", "MCMXCIV"] {
            assert!(is_roman_numeral(w), "{w}");
        }
        for w in [
            "DC", "CDC", "MC", "IIII", "VX", "XIXI", "Vestas", "IVF", "iv",
        ] {
            assert!(!is_roman_numeral(w), "{w}");
        }
        // Real sentences of the Russian gold that gave organisations "XXI" and "G".
        let found = names("В XXI веке компания G и Vestas построили завод.", "ru");
        assert!(
            found.iter().all(|(n, _)| n != "XXI" && n != "G"),
            "{found:?}"
        );
    }

    #[test]
    fn a_head_noun_makes_an_organisation_of_russian_and_ukrainian_names() {
        for (text, lang, organisation) in [
            (
                "Решение обжаловала Генеральная прокуратура в понедельник.",
                "ru",
                "Генеральная прокуратура",
            ),
            // A capitalised head noun inside a sentence, up to the table's США.
            (
                "Законопроєкт надіслали до Конгресу США вчора.",
                "uk",
                "Конгресу",
            ),
            (
                "Про це повідомила Поштова служба вранці.",
                "uk",
                "Поштова служба",
            ),
        ] {
            let found = names(text, lang);
            assert!(
                found.contains(&(organisation.to_string(), Kind::Organisation)),
                "{found:?}"
            );
        }
    }

    #[test]
    fn the_shipped_tagger_finds_unlisted_names() {
        let found = names(
            "Начальник ГУР Кирило Буданов зустрівся з міністром Умєровим у Вашингтоні.",
            "uk",
        );
        assert!(
            found
                .iter()
                .any(|(t, k)| t.contains("Буданов") && *k == Kind::Person),
            "{found:?}"
        );
        let found = names("Regional governor Oleh Kiper said two people died.", "en");
        assert!(
            found.contains(&("Oleh Kiper".to_string(), Kind::Person)),
            "{found:?}"
        );
        // A headline's first word, the plural of a common word, is no name.
        let found = names("Blackouts hit Kyiv after strikes", "en");
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_name_takes_one_kind_in_a_text() {
        let n = |kind, key: &str| Name {
            start: 0,
            end: 1,
            kind,
            key: key.into(),
        };
        let mut names = vec![
            n(Kind::Organisation, "vestas"),
            n(Kind::Place, "vestas"),
            n(Kind::Organisation, "vestas"),
            n(Kind::Person, "kiril budanov"),
            n(Kind::Place, "budanov"),
            // A tie keeps each mention's own kind.
            n(Kind::Person, "jordan"),
            n(Kind::Place, "jordan"),
        ];
        one_kind_per_name(&mut names);
        let kinds: Vec<Kind> = names.iter().map(|n| n.kind).collect();
        use Kind::*;
        assert_eq!(
            kinds,
            [
                Organisation,
                Organisation,
                Organisation,
                Person,
                Person,
                Person,
                Place
            ]
        );
    }

    #[test]
    fn a_lone_person_only_the_place_list_knows_is_a_place() {
        let (texas, jordan) = (key::word_key("Texas"), key::word_key("Jordan"));
        let lists = Lists::from_keys(
            [jordan.as_str()].into_iter(),
            [jordan.as_str(), texas.as_str()].into_iter(),
            std::iter::empty(),
            std::iter::empty(),
        );
        let text = "Texas Jordan";
        let n = |start, end| Name {
            start,
            end,
            kind: Kind::Person,
            key: String::new(),
        };
        let mut names = vec![n(0, 5), n(6, 12)];
        lone_places(text, &lists, &mut names);
        // Texas is no one's name; Jordan is also a name, so the tagger's word stands.
        assert_eq!(names[0].kind, Kind::Place);
        assert_eq!(names[1].kind, Kind::Person);
    }

    #[test]
    fn a_lone_place_the_organisation_list_also_holds_is_an_organisation() {
        let key = |w: &str| key::word_key(w);
        let (xinhua, plano, nokia) = (key("Xinhua"), key("Plano"), key("Nokia"));
        let lists = Lists::from_keys(
            std::iter::empty(),
            [xinhua.as_str(), plano.as_str()].into_iter(),
            std::iter::empty(),
            std::iter::empty(),
        )
        .with_org_names([xinhua.as_str(), nokia.as_str(), key("USDA").as_str()].into_iter());
        let text = "Xinhua Plano Nokia Xinhua-Net USDA Usda USSR";
        let n = |start, end, kind| Name {
            start,
            end,
            kind,
            key: String::new(),
        };
        let mut names = vec![
            n(0, 6, Kind::Place),
            n(7, 12, Kind::Place),
            n(13, 18, Kind::Person),
            n(19, 29, Kind::Place),
            n(30, 34, Kind::Place),
            n(35, 39, Kind::Place),
            n(40, 44, Kind::Place),
        ];
        lone_organisations(text, &lists, &mut names);
        let kinds: Vec<Kind> = names.iter().map(|n| n.kind).collect();
        // Xinhua: both lists, an organisation. Plano: only the place list. Nokia: not a
        // place the tagger saw, so no conflict to settle. Xinhua-Net: not one word.
        // USDA: an abbreviation the organisation names hold, though no place list does;
        // written Usda it is no abbreviation; USSR is no organisation's name.
        assert_eq!(
            kinds,
            [
                Kind::Organisation,
                Kind::Place,
                Kind::Person,
                Kind::Place,
                Kind::Organisation,
                Kind::Place,
                Kind::Place
            ]
        );
    }

    #[test]
    fn a_title_alone_names_no_one() {
        for t in ["Mr", "Mrs.", "Dr", "пан", "Г-н"] {
            assert!(is_title(t), "{t}");
        }
        // Abbreviations in capitals, and names that merely begin like a title.
        for t in ["MS", "DR", "Mraz", "Drake", "Miss Universe"] {
            assert!(!is_title(t), "{t}");
        }
        let text =
            "Social media has been flooded with photos of a younger Mr Trump clad in a robe.";
        let found = names(text, "en");
        assert!(found.iter().all(|(w, _)| w != "Mr"), "{found:?}");
    }

    #[test]
    fn a_common_noun_in_capitals_is_no_organisation() {
        for t in ["СМИ", "ЗМІ", "ВВП", "ДТП"] {
            assert!(is_common_abbreviation(t), "{t}");
        }
        for t in ["ФСБ", "СБУ", "Сми"] {
            assert!(!is_common_abbreviation(t), "{t}");
        }
        // A sentence of the Russian gold that made an organisation of СМИ.
        let found = names("Об этом сообщают СМИ со ссылкой на ФСБ.", "ru");
        assert!(found.iter().all(|(w, _)| w != "СМИ"), "{found:?}");
    }

    #[test]
    fn the_agency_a_dateline_credits_is_an_organisation() {
        // Real datelines of news-large, where the tagger took TASS for a place.
        for text in [
            "MOSCOW, February 8. /TASS/. Russia is preparing to hand over a batch of uranium.",
            "PRAGUE, February 7. /TASS/. A personal meeting between the presidents is planned.",
            "LONDON (Reuters) - Britain sent its fighter jets on Thursday.",
        ] {
            let found = names(text, "en");
            let agency = if text.contains("TASS") {
                "TASS"
            } else {
                "Reuters"
            };
            assert!(
                found.contains(&(agency.to_string(), Kind::Organisation)),
                "{text}: {found:?}"
            );
        }
        // A slash elsewhere credits no one.
        let mut n = [Name {
            start: 16,
            end: 20,
            kind: Kind::Place,
            key: "tas".into(),
        }];
        credited_agencies("Trade between / Tass / rose.", &mut n);
        assert_eq!(n[0].kind, Kind::Place);
    }

    #[test]
    fn an_organisations_head_takes_the_of_phrase_after_it() {
        // Reuters' hard line breaks, from news-large (Department was a place in 92
        // articles).
        for (text, organisation) in [
            (
                "The U.S. Department of Transportation\nsaid it gave final approval.",
                "Department of Transportation",
            ),
            (
                "the merger was approved by the U.S.\nDepartment of Justice.",
                "Department of Justice",
            ),
            (
                "Figures from the Bureau of Labor Statistics showed rates would hold.",
                "Bureau of Labor Statistics",
            ),
            // The table holds America: the organisation stops before it.
            (
                "inviting the Motion Picture Association of America and other groups",
                "Motion Picture Association",
            ),
        ] {
            let found = names(text, "en");
            assert!(
                found.contains(&(organisation.to_string(), Kind::Organisation)),
                "{text}: {found:?}"
            );
        }
    }

    #[test]
    fn the_shipped_tagger_makes_an_organisation_of_xinhua() {
        let found = names(
            "Russian forces launched drones at the capital, according to a statement from the city military administration, as reported by Xinhua.",
            "en",
        );
        assert!(
            found.contains(&("Xinhua".to_string(), Kind::Organisation)),
            "{found:?}"
        );
    }

    #[test]
    fn stored_names_round_trip_and_index_by_word() {
        let n = |start, end, kind, key: &str| Name {
            start,
            end,
            kind,
            key: key.into(),
        };
        let title = vec![n(0, 5, Kind::Organisation, "ksinhua")];
        let body = vec![
            n(3, 17, Kind::Person, "kiril budanov"),
            n(20, 30, Kind::Place, "bahmut"),
        ];
        assert_eq!(
            decode(&encode(&title, &body)),
            (title.clone(), body.clone())
        );
        assert_eq!(
            index_terms(title.iter().chain(&body)),
            ["bahmut", "budanov", "kiril", "kiril_budanov", "ksinhua"]
        );
        // A name over a table entity gives way to it.
        let kept = outside_table(body, &[(0, 4, Kind::Place)]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].key, "bahmut");
    }
}
