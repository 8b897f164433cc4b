//! Makes `src/analysis/common_forms.txt`: the word forms of the built-in table's names
//! (spellings' words and generated case forms) that the reference news writes in lower
//! case at least as often as with a capital, at least three times. Such a form is a
//! common word (рівні "equal", золота "of gold", марок "stamps", антрацит "anthracite"):
//! alone, it names the entity only when capitalised. One rule for every form in every
//! script, from data, not a list of examples.
//!
//! Lower-case uses inside web addresses, handles and hashtags (`wz.lviv.ua`, `#львов`)
//! are not counted: they say nothing about the word.
//!
//! It also makes `src/analysis/shared_forms.txt`: a place's secondary one-word spelling
//! (not its display name) that is the GeoNames primary name of a city more than twice
//! as big elsewhere (Vladimir, Russia, for Volodymyr, Ukraine, whose Russian name it
//! also is) names neither alone: it only counts inside longer names.
//!
//! `cargo run --release --example common_forms -- ../shared/data src/analysis [/usr/share/hunspell]`
//!
//! The reference news: `news-large.jsonl` (English) and `news-multilingual.jsonl`
//! (Russian posts, Ukrainian press), title and body; cities:
//! `names/geonames_cities.jsonl`.

use std::collections::HashMap;
use std::path::PathBuf;

use gazette::analysis::normalize::{normalize, Fold};
use gazette::analysis::segment::WordTokenizer;
use gazette::analysis::AliasTable;
use tantivy::tokenizer::{TokenStream, Tokenizer};

#[path = "support/news.rs"]
mod news;

/// Lower-case uses from which a form counts as a common word.
const MIN_LOWER: u32 = 1;
/// How much bigger the other city must be for a shared spelling to leave a place.
const BIGGER: u64 = 2;

fn main() {
    let data = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "../shared/data".into()),
    );
    let out_dir = PathBuf::from(
        std::env::args()
            .nth(2)
            .unwrap_or_else(|| "src/analysis".into()),
    );
    let table = AliasTable::builtin();
    // form → (lower-case uses, capitalised uses)
    let mut counts: HashMap<String, (u32, u32)> = HashMap::new();
    let mut words = WordTokenizer::default();
    news::each_text(&data, &mut |text| {
        let mut stream = words.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            let form = normalize(&t.text, Fold::CaseAndDiacritics);
            if !table.is_form(&form) {
                continue;
            }
            let original = &text[t.offset_from..t.offset_to];
            let before = text[..t.offset_from].chars().next_back();
            let after = text[t.offset_to..].chars().next();
            // The whitespace-delimited chunk holding the word: a link's slug
            // (`…/president-zelenskyy-of-ukraine`) is an address too.
            let chunk_start = text[..t.offset_from]
                .char_indices()
                .rev()
                .find(|(_, c)| c.is_whitespace())
                .map_or(0, |(i, c)| i + c.len_utf8());
            let chunk_end = text[t.offset_to..]
                .find(char::is_whitespace)
                .map_or(text.len(), |i| t.offset_to + i);
            let chunk = &text[chunk_start..chunk_end];
            let in_link = chunk.contains("://")
                || chunk.contains("www.")
                || chunk.contains(['/', '@'])
                || chunk.starts_with('#');
            let in_address = in_link
                || before.is_some_and(|c| "./#@_\\".contains(c))
                || after.is_some_and(|c| "./_@".contains(c))
                    && text[t.offset_to..]
                        .chars()
                        .nth(1)
                        .is_some_and(char::is_alphanumeric);
            if in_address {
                continue;
            }
            let lower = original.chars().next().is_some_and(char::is_lowercase);
            let c = counts.entry(form).or_default();
            if lower {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
    });
    let mut common: Vec<&String> = counts
        .iter()
        .filter(|(_, &(lower, upper))| lower >= MIN_LOWER && lower >= upper)
        .map(|(f, _)| f)
        .collect();
    // Dictionary words: a lower-case headword of the Hunspell dictionaries (Debian's
    // hunspell-ru, hunspell-uk, hunspell-en-us) that is a name form is a common word
    // too, seen in the news or not (антрацит "anthracite", лиман "estuary").
    let dicts = std::env::args()
        .nth(3)
        .unwrap_or_else(|| "/usr/share/hunspell".into());
    let mut from_dicts: std::collections::BTreeSet<String> = Default::default();
    let mut headwords: std::collections::HashSet<String> = Default::default();
    for dic in ["ru_RU.dic", "uk_UA.dic", "en_US.dic"] {
        let path = PathBuf::from(&dicts).join(dic);
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!(
                "{}: not found; install hunspell-ru hunspell-uk hunspell-en-us",
                path.display()
            );
            continue;
        };
        for line in text.lines().skip(1) {
            let word = line.split('/').next().unwrap_or("").trim();
            if !word.chars().next().is_some_and(char::is_lowercase) {
                continue;
            }
            let form = normalize(word, Fold::CaseAndDiacritics);
            if table.is_form(&form) {
                from_dicts.insert(form.clone());
            }
            headwords.insert(form);
        }
    }
    eprintln!("{} name forms are dictionary headwords", from_dicts.len());
    // A name word one of whose case forms is a headword inflects as that word does, so
    // all its forms are common words (Шахты, a city: шахта "mine", на шахті "at the
    // mine"; Суми: сума "sum").
    let mut inflected = 0;
    for e in table.entities() {
        for s in e.spellings.iter().chain(std::iter::once(&e.name)) {
            for w in gazette::analysis::compile::words_of(s) {
                let mut forms = gazette::analysis::compile::case_forms(&w, false, false);
                forms.push(w);
                if forms.iter().any(|f| headwords.contains(f)) {
                    for f in forms {
                        if table.is_form(&f) && from_dicts.insert(f) {
                            inflected += 1;
                        }
                    }
                }
            }
        }
    }
    eprintln!("{inflected} more forms of names that inflect as a headword");
    common.extend(from_dicts.iter());
    common.sort();
    common.dedup();
    let mut text = String::new();
    text.push_str("# Generated by `cargo run --release --example common_forms -- ../shared/data src/analysis`; do not edit.\n");
    text.push_str(&format!("# Name forms written in lower case at least as often as capitalised (at least {MIN_LOWER} times, web addresses and hashtags aside) in news-large.jsonl and news-multilingual.jsonl, and lower-case Hunspell headwords (ru, uk, en).\n"));
    for form in &common {
        text.push_str(form);
        text.push('\n');
    }
    std::fs::write(out_dir.join("common_forms.txt"), text).expect("writable");
    eprintln!(
        "common_forms.txt: {} common forms ({} name forms seen in the reference news)",
        common.len(),
        counts.len()
    );

    // Cities: (country, population, normalised primary name), every name's cities, and
    // each city's one-word names.
    let mut cities: Vec<(String, u64, String)> = Vec::new();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut names_of: Vec<Vec<String>> = Vec::new();
    let geo = std::fs::read_to_string(data.join("names/geonames_cities.jsonl")).expect("cities");
    for line in geo.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        let (Some(names), Some(pop), Some(country)) = (
            v["names"].as_array(),
            v["population"].as_u64(),
            v["country"].as_str(),
        ) else {
            continue;
        };
        let norm: Vec<String> = names
            .iter()
            .filter_map(|n| n.as_str())
            .map(|n| normalize(n, Fold::CaseAndDiacritics))
            .collect();
        let Some(primary) = norm.first().cloned() else {
            continue;
        };
        for n in &norm {
            by_name.entry(n.clone()).or_default().push(cities.len());
        }
        names_of.push(norm.into_iter().filter(|n| !n.contains(' ')).collect());
        cities.push((country.to_string(), pop, primary));
    }
    // Every one-word name of a city and its case forms → the biggest such city: a
    // secondary spelling's case form can be another city's (Кирово, Kropyvnytskyi's old
    // name → Кирова, Кирове; Kirov, Russia → Кирова, Кирове).
    let mut form_city: HashMap<String, usize> = HashMap::new();
    for (i, names) in names_of.iter().enumerate() {
        for n in names {
            for f in gazette::analysis::compile::case_forms(n, false, false) {
                let best = form_city.entry(f).or_insert(i);
                if cities[*best].1 < cities[i].1 {
                    *best = i;
                }
            }
        }
    }
    let mut shared: Vec<String> = Vec::new();
    for e in table.entities() {
        if e.kind != gazette::analysis::Kind::Place {
            continue;
        }
        let display = normalize(&e.name, Fold::CaseAndDiacritics);
        for s in &e.spellings {
            let words = gazette::analysis::compile::words_of(s);
            let [word] = words.as_slice() else { continue };
            if *word == display {
                continue;
            }
            // The place itself: the biggest city known by one of its other spellings.
            let home = std::iter::once(display.clone())
                .chain(
                    e.spellings
                        .iter()
                        .filter(|o| *o != s)
                        .map(|o| gazette::analysis::compile::words_of(o).join(" ")),
                )
                .filter_map(|n| by_name.get(&n))
                .flatten()
                .map(|&i| &cities[i])
                .max_by_key(|c| c.1);
            let Some(home) = home else { continue };
            let bigger_elsewhere =
                |c: &(String, u64, String)| c.0 != home.0 && c.1 > BIGGER * home.1.max(1);
            // The spelling itself: another city's primary name.
            let other = cities
                .iter()
                .filter(|c| c.2 == *word && bigger_elsewhere(c))
                .max_by_key(|c| c.1);
            if let Some(other) = other {
                eprintln!(
                    "shared: {s:?} of {} ({}, {}) is the name of a city of {} in {}",
                    e.id, home.0, home.1, other.1, other.0
                );
                shared.push(word.clone());
            }
            // Its case forms: a case form of any name of another city.
            for f in gazette::analysis::compile::case_forms(word, false, false) {
                let Some(other) = form_city.get(&f).map(|&i| &cities[i]) else {
                    continue;
                };
                if bigger_elsewhere(other) {
                    eprintln!(
                        "shared form: {f:?} of {s:?} ({}, {}, {}) is a form of {:?} ({}, {})",
                        e.id, home.0, home.1, other.2, other.0, other.1
                    );
                    shared.push(f);
                }
            }
        }
    }
    // A generated case form of a place's name that is a person's given name or surname
    // (rigour) names the place only inside longer names: Санниково gives санников, a
    // surname; Барра gives Барри.
    let mut name_parts: std::collections::HashSet<String> = Default::default();
    let parts = std::fs::read_to_string(data.join("names/rigour_person_names.jsonl"))
        .expect("names/rigour_person_names.jsonl");
    for line in parts.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        for n in v["names"].as_array().into_iter().flatten() {
            if let Some(n) = n.as_str().filter(|n| !n.contains(' ')) {
                name_parts.insert(normalize(n, Fold::CaseAndDiacritics));
            }
        }
    }
    let mut person_forms = 0;
    for e in table.entities() {
        if !matches!(e.kind, gazette::analysis::Kind::Place) {
            continue;
        }
        // The entity's own words are its spellings, not forms (Одесса, and a form of
        // the rarer spelling Одесс).
        let own: std::collections::HashSet<String> = e
            .spellings
            .iter()
            .chain(std::iter::once(&e.name))
            .flat_map(|s| gazette::analysis::compile::words_of(s))
            .collect();
        for s in e.spellings.iter().chain(std::iter::once(&e.name)) {
            let words = gazette::analysis::compile::words_of(s);
            let [word] = words.as_slice() else { continue };
            for f in gazette::analysis::compile::case_forms(word, false, false) {
                if !own.contains(&f) && name_parts.contains(&f) {
                    shared.push(f);
                    person_forms += 1;
                }
            }
        }
    }
    eprintln!("{person_forms} case forms of places are person-name parts");
    shared.sort();
    shared.dedup();
    let mut text = String::new();
    text.push_str("# Generated by `cargo run --release --example common_forms -- ../shared/data src/analysis`; do not edit.\n");
    text.push_str(&format!("# Secondary one-word spellings of places that are the GeoNames primary name of a city over {BIGGER}x as big elsewhere, and their case forms that are a case form of any name of such a city; case forms of places' names that are person-name parts (rigour): only used inside longer names.\n"));
    for w in &shared {
        text.push_str(w);
        text.push('\n');
    }
    std::fs::write(out_dir.join("shared_forms.txt"), text).expect("writable");
    eprintln!("shared_forms.txt: {} spellings and forms", shared.len());
}
