//! The key of one word (romanised, folded, one ending off) and the table of a list of
//! spellings by key. Depends on normalisation only, so that `build.rs` can include it
//! and key the built-in table's spellings once, at build time (see `typos`).

use crate::analysis::normalize::{normalize, Fold};

/// Case endings taken off a skeleton, longest first (Сирського → sirskoho → sirsk).
const ENDINGS: &[&str] = &[
    "oho", "omu", "ovi", "evi", "imi", "oiu", "eiu", "ami", "ah", "am", "oi", "ei", "ii", "im",
    "om", "em", "ih", "a", "u", "e", "i", "o",
];
/// Stems shorter than this keep their ending (Ли, Ма).
const MIN_STEM: usize = 3;

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
        // Every digraph starts with one of these: most letters skip the list.
        let starts = matches!(latin[i], b's' | b't' | b'c' | b'k' | b'p');
        for (from, to) in DIGRAPHS.iter().filter(|_| starts) {
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

const ASCII: &str = "abcdefghijklmnopqrstuvwxyz0123456789";

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
        // Other characters: a static string per ASCII letter or digit, nothing else.
        'a'..='z' => {
            let i = c as usize - 'a' as usize;
            &ASCII[i..i + 1]
        }
        '0'..='9' => {
            let i = 26 + c as usize - '0' as usize;
            &ASCII[i..i + 1]
        }
        _ => "",
    }
}

/// `key<TAB>spelling` lines, sorted and each once, of the one-word spellings among
/// `spellings` (lower-cased): the table "did you mean" reads (see `typos`).
pub fn sound_lines<'a>(spellings: impl IntoIterator<Item = &'a str>) -> String {
    let mut pairs: Vec<(String, String)> = spellings
        .into_iter()
        .filter(|s| !s.contains(' '))
        .map(|s| {
            let s = s.to_lowercase();
            (word_key(&s), s)
        })
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut text = String::with_capacity(pairs.iter().map(|(k, s)| k.len() + s.len() + 2).sum());
    for (k, s) in pairs {
        text.push_str(&k);
        text.push('\t');
        text.push_str(&s);
        text.push('\n');
    }
    text
}
