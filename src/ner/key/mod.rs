//! Name keys: one spelling-independent key per name word, the same in Cyrillic and
//! Latin and across case forms (Буданов, Буданова, Budanov → `budanov`; Сырский,
//! Сирського, Syrskyi → `sirsk`; Цахкна, Tsahkna → `cahkn`), so that a recognised name
//! no table lists is one entity across articles and scripts.
//!
//! A key is a *skeleton*: Cyrillic is romanised letter by letter, Latin digraphs and
//! letters that romanisations use for one sound are folded (kh/h/g/г → h, ts/tz/ц → c,
//! y/j/i/й/и/ы → i, w → v), doubled letters collapse, and one case ending is taken off
//! the end of the skeleton. Both scripts go through the same steps, so the ending rule
//! treats them alike; the price is that some distinct names share a key (Petra, Petro
//! → `petr`), which only matters for unlisted names.

use tantivy::tokenizer::{TokenStream, Tokenizer};

use crate::analysis::normalize::{normalize, Fold};
use crate::analysis::segment::WordTokenizer;

/// Case endings taken off a skeleton, longest first (Сирського → sirskoho → sirsk).
const ENDINGS: &[&str] = &[
    "oho", "omu", "ovi", "evi", "imi", "oiu", "eiu", "ami", "ah", "am", "oi", "ei", "ii", "im",
    "om", "em", "ih", "a", "u", "e", "i", "o",
];
/// Stems shorter than this keep their ending (Ли, Ма).
const MIN_STEM: usize = 3;

/// The key of a whole name: its words' keys, space-separated. Keys are cached per
/// thread by the name's hash: an archive names the same people again and again.
pub fn name_key(name: &str) -> String {
    use std::cell::RefCell;
    thread_local! {
        static KEYS: RefCell<rustc_hash::FxHashMap<u64, String>> = RefCell::default();
    }
    let h = xxhash_rust::xxh3::xxh3_64(name.as_bytes());
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if keys.len() > 100_000 {
            keys.clear();
        }
        keys.entry(h)
            .or_insert_with(|| compute_name_key(name))
            .clone()
    })
}

fn compute_name_key(name: &str) -> String {
    let mut seg = WordTokenizer::default();
    let mut stream = seg.token_stream(name);
    let mut out = String::new();
    while stream.advance() {
        let k = word_key(&stream.token().text);
        if k.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&k);
    }
    out
}

/// The key of one word.
pub fn word_key(word: &str) -> String {
    // Romanised, lower-cased, Latin diacritics off: ASCII bytes from here on.
    let folded = normalize(word, Fold::CaseAndDiacritics);
    let mut latin: Vec<u8> = Vec::with_capacity(folded.len() + 4);
    for c in folded.chars() {
        latin.extend_from_slice(romanise(c).as_bytes());
    }
    // Digraphs and letters that romanisations use for one sound, in one pass, longest
    // first at each position.
    const DIGRAPHS: &[(&[u8], &[u8])] = &[
        (b"shch", b"sh"),
        (b"tsch", b"ch"),
        (b"sch", b"sh"),
        (b"tch", b"ch"),
        (b"cz", b"ch"),
        (b"sz", b"sh"),
        (b"ch", b"ch"),
        (b"kh", b"h"),
        (b"ts", b"c"),
        (b"tz", b"c"),
        (b"ck", b"k"),
        (b"ph", b"f"),
    ];
    let mut sounds: Vec<u8> = Vec::with_capacity(latin.len());
    let mut i = 0;
    'next: while i < latin.len() {
        for (from, to) in DIGRAPHS {
            if latin[i..].starts_with(from) {
                sounds.extend_from_slice(to);
                i += from.len();
                continue 'next;
            }
        }
        match latin[i] {
            b'w' => sounds.push(b'v'),
            b'q' => sounds.push(b'k'),
            b'x' => sounds.extend_from_slice(b"ks"),
            b'y' | b'j' => sounds.push(b'i'),
            b'g' => sounds.push(b'h'),
            c => sounds.push(c),
        }
        i += 1;
    }
    // i before a vowel is the vowel's softening (iu, ia, ie, io: ю, я, є, ё), and
    // doubled letters are one.
    let mut out = String::with_capacity(sounds.len());
    for (k, &c) in sounds.iter().enumerate() {
        if c == b'i' && matches!(sounds.get(k + 1), Some(b'u' | b'a' | b'e' | b'o')) {
            continue;
        }
        if c.is_ascii_alphanumeric() && out.as_bytes().last() != Some(&c) {
            out.push(c as char);
        }
    }
    for e in ENDINGS {
        if let Some(stem) = out.strip_suffix(e) {
            if stem.len() >= MIN_STEM {
                out.truncate(stem.len());
                break;
            }
        }
    }
    out
}

/// One letter romanised (Ukrainian and Russian letters; others as they are).
fn romanise(c: char) -> &'static str {
    match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ґ' | 'х' => "h",
        'д' => "d",
        'е' | 'ё' | 'є' | 'э' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' | 'ї' | 'й' | 'ы' => "i",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'ц' => "c",
        'ч' => "ch",
        'ш' | 'щ' => "sh",
        'ь' | 'ъ' | '\'' | '’' => "",
        'ю' => "u",
        'я' => "a",
        _ => {
            // Other characters pass through: a static string per ASCII letter or digit.
            const ASCII: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
            match ASCII.find(c) {
                Some(i) => &ASCII[i..i + 1],
                None => "",
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_agree_across_scripts_and_cases() {
        for group in [
            &["Budanov", "Буданов", "Буданова", "Буданову", "Будановим"][..],
            &[
                "Syrskyi",
                "Syrsky",
                "Сырский",
                "Сирський",
                "Сирського",
                "Сырского",
            ],
            &["Tsahkna", "Цахкна", "Цахкны"],
            &["Umerov", "Умеров", "Умерова", "Умєров"],
            &["Shmyhal", "Шмыгаль", "Шмигаль", "Шмигаля"],
        ] {
            let keys: Vec<String> = group.iter().map(|w| word_key(w)).collect();
            assert!(keys.iter().all(|k| *k == keys[0]), "{group:?}: {keys:?}");
        }
        assert_ne!(word_key("Budanov"), word_key("Umerov"));
        assert_eq!(name_key("Кирило Буданов"), "kiril budanov");
    }
}
