//! The tagger's features: hashed facts about a word and its neighbours (the word,
//! affixes, shape, punctuation around it, the alias table's verdict, the name lists,
//! the labels already given), one `u64` each. Hashing keeps the model a fixed-size
//! array: no feature dictionary to ship or look up. No feature allocates: each is a
//! hash of a tag and a few hashes or bytes.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use super::key::word_key;
use super::lists::Lists;
use super::tokens::{shape_chars, Word};

/// What the alias table says of a word: part of a listed entity of some kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Listed {
    #[default]
    No,
    /// (kind index 0 person, 1 organisation, 2 place/country; whether it starts the name)
    Yes(u8, bool),
}

impl Listed {
    fn code(self) -> u64 {
        match self {
            Listed::No => 0,
            Listed::Yes(k, first) => 1 + 2 * k as u64 + u64::from(first),
        }
    }
}

/// Whether the tagger looks at word `i` at all: a capitalised word, or any word right
/// after a name (which may continue it: "Ministry of Defence", "Пакистанською
/// християнською асоціацією"). The others are outside every name; skipping them keeps
/// recognition to a fraction of indexing.
///
/// A common word that opens a sentence ("The", "But", "Police") and is not followed by
/// another capitalised word is skipped too: it is capitalised for the sentence's sake.
/// That is half of the capitalised words of English news.
///
/// Words of a table entity are skipped as well: a recognised name over them gives way
/// to the table's mark anyway (`ner::outside_table`).
pub fn scored(
    words: &[Word],
    listed: &[Listed],
    cache: &mut FactCache,
    lists: &Lists,
    i: usize,
    prev_label: u8,
) -> bool {
    if listed[i] != Listed::No {
        return false;
    }
    if prev_label != 0 {
        return true;
    }
    if !words[i].caps {
        return false;
    }
    let me = cache.get(words, lists, i);
    !(me.opens && me.common && !words.get(i + 1).is_some_and(|w| w.caps))
}

/// What the features need of one word, computed once.
#[derive(Clone, Copy, Default)]
pub struct Facts {
    lower: u64,
    shape: u64,
    suffix3: u64,
    gap: u64,
    /// The word opens a sentence (or the text): capitalised whatever it is.
    opens: bool,
    /// In the person-name list; in the place-name list (capitalised words only).
    person: bool,
    place: bool,
    /// In the organisation-word list (capitalised words only).
    org: bool,
    /// Written in Latin letters (a company or brand inside Cyrillic text, often).
    latin: bool,
    /// A common word (see `Lists::common`).
    common: bool,
}

/// Per-word facts of one text, computed on first use (most words are never looked at).
pub struct FactCache<'t> {
    text: &'t str,
    facts: Vec<Option<Facts>>,
    /// A lower-cased word, and which word it is.
    lower: String,
    lower_of: Option<usize>,
}

impl<'t> FactCache<'t> {
    pub fn new(text: &'t str, n: usize) -> FactCache<'t> {
        FactCache {
            text,
            facts: vec![None; n],
            lower: String::new(),
            lower_of: None,
        }
    }

    /// Facts of word `i`.
    pub fn get(&mut self, words: &[Word], lists: &Lists, i: usize) -> Facts {
        if let Some(f) = self.facts[i] {
            return f;
        }
        let w = &words[i];
        self.lower.clear();
        // Most words are lower case already: no case mapping for them.
        if w.caps || w.text.chars().any(char::is_uppercase) {
            self.lower
                .extend(w.text.chars().flat_map(char::to_lowercase));
        } else {
            self.lower.push_str(w.text);
        }
        self.lower_of = Some(i);
        let lower = &self.lower;
        let lower_h = xxh3_64(lower.as_bytes());
        let cut = lower.char_indices().rev().nth(2).map_or(0, |(b, _)| b);
        let (person, place, org) = if w.caps {
            listed_in(lists, lower_h, w.text)
        } else {
            (false, false, false)
        };
        // The gap (`Word::gap`) in a stack buffer: no allocation per word.
        let mut buf = [0u8; 12];
        let mut len = 0;
        for c in w.gap_chars(self.text) {
            len += c.encode_utf8(&mut buf[len..]).len();
        }
        let gap = std::str::from_utf8(&buf[..len]).unwrap_or("");
        let opens = w.opens(self.text, i == 0);
        let f = Facts {
            lower: lower_h,
            shape: shape_hash(w.text),
            suffix3: xxh3_64(&lower.as_bytes()[cut..]),
            gap: xxh3_64(gap.as_bytes()),
            opens,
            person,
            place,
            org,
            latin: w.text.starts_with(|c: char| c.is_ascii_alphabetic()),
            common: lists.common(lower_h),
        };
        self.facts[i] = Some(f);
        f
    }

    /// Word `i` lower-cased (in a buffer reused from word to word; `get` may have
    /// filled it already).
    fn lower(&mut self, words: &[Word], i: usize) -> &str {
        if self.lower_of != Some(i) {
            self.lower.clear();
            self.lower
                .extend(words[i].text.chars().flat_map(char::to_lowercase));
            self.lower_of = Some(i);
        }
        &self.lower
    }
}

/// Whether a capitalised word's key is in the person, place and organisation lists. Keys are
/// cached per thread by the lower-cased word: names repeat, and a key costs more
/// than the rest of a word's features.
fn listed_in(lists: &Lists, lower_h: u64, word: &str) -> (bool, bool, bool) {
    use std::cell::RefCell;
    /// (the lists it was filled from, lower-cased word hash → (person, place))
    type Seen = (usize, rustc_hash::FxHashMap<u64, (bool, bool, bool)>);
    thread_local! {
        static SEEN: RefCell<Seen> = RefCell::new((0, Default::default()));
    }
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        // One cache per list (training swaps lists); bounded.
        let id = lists as *const Lists as usize;
        if seen.0 != id || seen.1.len() > 200_000 {
            seen.0 = id;
            seen.1.clear();
        }
        *seen.1.entry(lower_h).or_insert_with(|| {
            let k = word_key(word);
            (lists.person(&k), lists.place(&k), lists.org(&k))
        })
    })
}

/// The hash of a word's shape (`tokens::shape`), made in a stack buffer.
fn shape_hash(word: &str) -> u64 {
    let mut buf = [0u8; 48];
    let mut len = 0;
    for s in shape_chars(word) {
        if len + 4 > buf.len() {
            break;
        }
        len += s.encode_utf8(&mut buf[len..]).len();
    }
    xxh3_64(&buf[..len])
}

/// The features of word `i` that do not depend on the labels.
pub fn static_features(
    words: &[Word],
    listed: &[Listed],
    lists: &Lists,
    cache: &mut FactCache,
    lang: &str,
    i: usize,
    out: &mut Vec<u64>,
) {
    out.clear();
    let w = &words[i];
    let near: [Option<Facts>; 2] =
        [i.wrapping_sub(1), i + 1].map(|j| (j < words.len()).then(|| cache.get(words, lists, j)));
    let me = cache.get(words, lists, i);
    let lower = cache.lower(words, i);
    let lang_h = xxh3_64(lang.as_bytes());
    let ctx = u64::from(me.opens) | u64::from(w.caps) << 1;
    // The word's own features, each with a per-language twin.
    out.push(f(1, &[]));
    out.push(f(2, &[me.lower]));
    out.push(f(3, &[me.shape]));
    out.push(f(5, &[me.suffix3]));
    for (tag, k) in [(7, 2), (8, 4)] {
        if let Some((b, _)) = lower.char_indices().rev().nth(k - 1) {
            out.push(h(tag, &lower.as_bytes()[b..]));
        }
    }
    if let Some((b, _)) = lower.char_indices().nth(3) {
        out.push(h(9, &lower.as_bytes()[..b]));
    }
    out.push(f(10, &[ctx]));
    out.push(f(14, &[u64::from(me.person), u64::from(me.place), ctx]));
    per_language(out, lang_h);
    // Shared only.
    out.push(f(11, &[me.gap, ctx]));
    out.push(f(12, &[me.gap, me.shape]));
    out.push(f(13, &[listed[i].code(), ctx]));
    out.push(f(16, &[u64::from(me.common), ctx]));
    for (k, (tag, j)) in [(20u64, i.wrapping_sub(1)), (30, i + 1)]
        .into_iter()
        .enumerate()
    {
        let Some(of) = near[k] else {
            out.push(f(tag, &[]));
            continue;
        };
        out.push(f(tag + 1, &[of.lower]));
        out.push(f(tag + 2, &[of.shape, me.shape]));
        {
            out.push(f(tag + 3, &[of.suffix3]));
            out.push(f(tag + 5, &[listed[j].code(), listed[i].code()]));
            out.push(f(
                tag + 6,
                &[
                    u64::from(of.person),
                    u64::from(of.place),
                    u64::from(me.person),
                ],
            ));
            out.push(f(tag + 8, &[u64::from(of.common), u64::from(me.common)]));
        }
        if tag == 30 {
            out.push(f(tag + 7, &[of.gap]));
        }
    }
    wider_features(words, lists, cache, lang_h, i, me, near, out);
}

/// Features beyond the next word: the last word of the capitalised run this word is in
/// ("Ukrainian Air *Force*", "Russian Defence *Ministry*": a run's last word says what
/// kind of name it is), the script against the text's language, and the organisation
/// list.
#[allow(clippy::too_many_arguments)]
fn wider_features(
    words: &[Word],
    lists: &Lists,
    cache: &mut FactCache,
    lang_h: u64,
    i: usize,
    me: Facts,
    near: [Option<Facts>; 2],
    out: &mut Vec<u64>,
) {
    if words[i].caps {
        let mut j = i;
        while j + 1 < words.len() && words[j + 1].caps && words[j + 1].joined(cache.text) {
            j += 1;
        }
        if j > i {
            let head = cache.get(words, lists, j);
            out.push(f(44, &[head.lower]));
            out.push(f(45, &[head.suffix3, (j - i).min(3) as u64]));
            out.push(f(49, &[u64::from(head.org)]));
        }
    }
    out.push(f(
        46,
        &[u64::from(me.latin), lang_h, u64::from(words[i].caps)],
    ));
    out.push(f(47, &[u64::from(me.org), u64::from(me.opens)]));
    let next_org = near[1].map_or(2, |n| u64::from(n.org));
    let prev_org = near[0].map_or(2, |n| u64::from(n.org));
    out.push(f(48, &[prev_org, u64::from(me.org), next_org]));
}

/// The features of word `i` that depend on the labels of the two words before it.
pub fn label_features(
    words: &[Word],
    cache: &mut FactCache,
    lists: &Lists,
    i: usize,
    prev: u8,
    prev2: u8,
    out: &mut Vec<u64>,
) {
    let me = cache.get(words, lists, i);
    let (p, p2) = (prev as u64, prev2 as u64);
    out.push(f(90, &[p]));
    out.push(f(91, &[p, p2]));
    out.push(f(92, &[p, me.lower]));
    out.push(f(93, &[p, me.shape]));
    out.push(f(94, &[p, u64::from(words[i].caps)]));
}

/// Which of the tagger's two feature spaces a language's text uses: 0 for English and
/// other Latin-script languages, 1 for the Cyrillic ones. Training one space on both
/// cost the Cyrillic texts 2–5 points: English capitalisation (every nationality, month
/// and title capitalised) taught the shared features what Russian and Ukrainian do not
/// do, and the per-language twins alone did not undo it.
pub fn space(lang: &str) -> u64 {
    u64::from(matches!(
        lang,
        "ru" | "uk" | "be" | "bg" | "sr" | "mk" | "kk"
    ))
}

/// Moves a word's features into a language's space ([`space`]).
pub fn into_space(space: u64, out: &mut [u64]) {
    if space != 0 {
        for x in out {
            *x = f(98, &[*x, space]);
        }
    }
}

/// A feature from a tag and some values.
fn f(tag: u64, values: &[u64]) -> u64 {
    let mut x = tag.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for v in values {
        x = (x ^ v).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x ^= x >> 31;
    }
    x.wrapping_mul(0x94D0_49BB_1331_11EB) ^ (x >> 29)
}

fn h(tag: u64, bytes: &[u8]) -> u64 {
    xxh3_64_with_seed(bytes, tag)
}

/// Gives every feature so far a per-language twin ("frustratingly easy domain
/// adaptation"): the shared copy learns what holds in every language, the twin what
/// holds in this one, so that a large English training set does not drown Russian and
/// Ukrainian.
fn per_language(out: &mut Vec<u64>, lang_h: u64) {
    let n = out.len();
    for k in 0..n {
        let twin = f(99, &[out[k], lang_h]);
        out.push(twin);
    }
}
