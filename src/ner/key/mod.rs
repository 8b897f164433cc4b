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

use crate::analysis::segment::WordTokenizer;

mod word;
pub use word::{sound_lines, word_key};

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
