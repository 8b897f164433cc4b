//! The alias table's one-word spellings by romanisation-blind key ([`super::sound_key`]),
//! for "did you mean": where they come from (the binary for the built-in table, the
//! index folder for a table with a user file) and the spellings whose keys are within an
//! edit distance of a word's.

use std::borrow::Cow;
use std::path::Path;
use std::sync::{Arc, Mutex};

use tantivy_fst::{Automaton, IntoStreamer, Map, Streamer};

use super::key_index::{index_keys, key_lines};
use crate::analysis::AliasTable;

/// The built-in table's keys, made by `build.rs` with [`crate::ner::key::sound_lines`].
pub(super) static BUILTIN_KEYS: &str = include_str!(concat!(env!("OUT_DIR"), "/typo-keys.tsv"));
/// Their index ([`index_keys`]), made by `build.rs` too.
static BUILTIN_INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/typo-keys.fst"));

/// A table's `key<TAB>spelling` lines, sorted by key, and their index.
pub(super) struct TableKeys {
    text: Cow<'static, str>,
    index: Map<Cow<'static, [u8]>>,
}

impl TableKeys {
    fn builtin() -> TableKeys {
        TableKeys {
            text: Cow::Borrowed(BUILTIN_KEYS),
            index: fst_map(Cow::Borrowed(BUILTIN_INDEX))
                .expect("build.rs indexes the built-in keys"),
        }
    }

    /// The keys of `text` with their index: `index` if it is one, else made here.
    /// `None` when the text is not sorted by key (not a keys file of ours).
    fn new(text: String, index: Option<Vec<u8>>) -> Option<TableKeys> {
        let index = match index.and_then(|b| fst_map(Cow::Owned(b)).ok()) {
            Some(map) => map,
            None => fst_map(Cow::Owned(index_keys(&text).ok()?)).ok()?,
        };
        Some(TableKeys {
            text: Cow::Owned(text),
            index,
        })
    }

    /// The `(key, spelling)` lines whose key `automaton` accepts, in key order (the order
    /// of the lines).
    pub(super) fn accepted<A: Automaton>(&self, automaton: A) -> Vec<(&str, &str)> {
        let mut out = Vec::new();
        let mut stream = self.index.search(automaton).into_stream();
        while let Some((key, at)) = stream.next() {
            // An offset that does not open a line of this key (a damaged file) yields
            // nothing rather than another key's spellings.
            let Some(rest) = usize::try_from(at).ok().and_then(|at| self.text.get(at..)) else {
                continue;
            };
            out.extend(key_lines(rest).take_while(|(k, _)| k.as_bytes() == key));
        }
        out
    }

    #[cfg(test)]
    pub(super) fn text(&self) -> &str {
        &self.text
    }
}

fn fst_map(bytes: Cow<'static, [u8]>) -> tantivy_fst::Result<Map<Cow<'static, [u8]>>> {
    tantivy_fst::raw::Fst::new(bytes).map(Map::from)
}

/// The alias table's one-word spellings (lower case) by key, as sorted `key<TAB>spelling`
/// lines: the built-in table's from the binary; a table with a user file's from the
/// index folder, where the indexing job wrote them and their index
/// ([`write_table_keys`]), else computed (keying 109,000 spellings takes about 0.2 s).
/// Kept per process.
pub(super) fn table_keys(table: &AliasTable, index: Option<&Path>) -> Arc<TableKeys> {
    static CACHE: Mutex<Option<(String, Arc<TableKeys>)>> = Mutex::new(None);
    if is_builtin(table) {
        return Arc::new(TableKeys::builtin());
    }
    let mut slot = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((fp, keys)) = slot.as_ref() {
        if fp == table.fingerprint() {
            return keys.clone();
        }
    }
    let (text_name, index_name) = file_names(table);
    let read = index.and_then(|dir| {
        let text = std::fs::read_to_string(dir.join(&text_name)).ok()?;
        TableKeys::new(text, std::fs::read(dir.join(&index_name)).ok())
    });
    let keys = Arc::new(read.unwrap_or_else(|| {
        TableKeys::new(compute_table_keys(table), None).expect("computed keys are sorted")
    }));
    *slot = Some((table.fingerprint().to_string(), keys.clone()));
    keys
}

fn is_builtin(table: &AliasTable) -> bool {
    table.fingerprint() == AliasTable::builtin().fingerprint()
}

pub(super) fn compute_table_keys(table: &AliasTable) -> String {
    crate::ner::key::sound_lines(
        table
            .entities()
            .iter()
            .flat_map(|e| e.spellings.iter().map(String::as_str)),
    )
}

/// The keys file of a table and its index.
fn file_names(table: &AliasTable) -> (String, String) {
    let stem = format!("typo-keys-{}", table.fingerprint());
    (format!("{stem}.tsv"), format!("{stem}.fst"))
}

/// Writes the spelling keys of a table with a user file into the index folder (one
/// `key<TAB>spelling` line each) with their index, for the "did you mean" of later
/// searches, and removes those of other tables (the built-in table's are in the binary:
/// nothing is written). Each is written to a temporary name and renamed: a search reads
/// a whole file or none. The index is made from the keys file as it is on disk, so the
/// two agree even where an older binary wrote the keys.
pub fn write_table_keys(index: &Path, table: &AliasTable) -> std::io::Result<()> {
    let names = (!is_builtin(table)).then(|| file_names(table));
    if let Some((text_name, index_name)) = &names {
        // Both there (every job but the first with this table): nothing to read.
        let unindexed = !index.join(index_name).exists();
        if unindexed || !index.join(text_name).exists() {
            let text = match std::fs::read_to_string(index.join(text_name)) {
                Ok(text) => text,
                Err(_) => {
                    let text = compute_table_keys(table);
                    write_whole(index, text_name, text.as_bytes())?;
                    text
                }
            };
            if unindexed {
                let bytes = index_keys(&text).map_err(std::io::Error::other)?;
                write_whole(index, index_name, &bytes)?;
            }
        }
    }
    for e in std::fs::read_dir(index)?.flatten() {
        let n = e.file_name();
        let n = n.to_string_lossy();
        let ours = names
            .as_ref()
            .is_some_and(|(t, i)| n.as_ref() == t || n.as_ref() == i);
        if n.starts_with("typo-keys-") && !ours {
            let _ = std::fs::remove_file(e.path());
        }
    }
    Ok(())
}

/// Writes `bytes` to `dir/name` through a temporary file: a write that fails (a full
/// disk) leaves no part-written file behind.
fn write_whole(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = dir.join(format!(".{name}.{}", std::process::id()));
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, dir.join(name)))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typos::sound_key;

    /// What a scan of every line finds: the lines whose keys are within 1 and within 2
    /// edits of `key` (a transposition one). (Keys are ASCII: a length in bytes is one in
    /// letters, and no key whose length is further than 2 from the key's is within 2.)
    fn scanned<'a>(lines: &[(&'a str, &'a str)], key: &str) -> [Vec<(&'a str, &'a str)>; 2] {
        let mut within = [Vec::new(), Vec::new()];
        for &(k, s) in lines {
            if k.len().abs_diff(key.len()) <= 2 {
                let d = strsim::osa_distance(k, key);
                for (i, w) in within.iter_mut().enumerate() {
                    if d <= i + 1 {
                        w.push((k, s));
                    }
                }
            }
        }
        within
    }

    fn automaton(key: &str, d: u8) -> tantivy::query::DfaWrapper {
        let field = tantivy::schema::Field::from_field_id(0);
        tantivy::query::FuzzyTermQuery::new(tantivy::Term::from_field_text(field, key), d, true)
            .automaton()
            .unwrap()
    }

    #[test]
    fn the_index_finds_what_a_scan_of_every_key_finds() {
        let keys = TableKeys::builtin();
        assert_eq!(index_keys(BUILTIN_KEYS).unwrap(), BUILTIN_INDEX);
        // Keys of the table and typos of them: a letter dropped, two swapped, one added.
        let mut typed: Vec<String> = Vec::new();
        for (k, _) in key_lines(BUILTIN_KEYS).step_by(10_007) {
            let cs: Vec<char> = k.chars().collect();
            typed.push(k.to_string());
            typed.push(cs.iter().skip(1).collect());
            if cs.len() > 3 {
                let mut swapped = cs.clone();
                swapped.swap(1, 2);
                typed.push(swapped.into_iter().collect());
            }
            typed.push(format!("{k}a"));
        }
        typed.extend(["klichko", "harkv", "xisile"].map(sound_key));
        let lines: Vec<(&str, &str)> = key_lines(BUILTIN_KEYS).collect();
        let mut found = 0;
        for t in &typed {
            for (d, want) in (1..=2).zip(scanned(&lines, t)) {
                assert_eq!(keys.accepted(automaton(t, d)), want, "{t} within {d}");
                found += want.len();
            }
        }
        assert!(found > typed.len(), "{found}");
    }

    #[test]
    fn a_user_tables_keys_are_read_with_their_index_or_without_it() {
        let table = crate::analysis::AliasTable::builtin();
        let text = compute_table_keys(&table);
        assert_eq!(text, BUILTIN_KEYS);
        let key = sound_key("kharkiv");
        let lines: Vec<(&str, &str)> = key_lines(&text).collect();
        let [want, _] = scanned(&lines, &key);
        assert!(want.contains(&(key.as_str(), "kharkiv")), "{want:?}");
        // Its index built here, read from a file, or damaged (then built again).
        let built = TableKeys::new(text.clone(), None).unwrap();
        let read = TableKeys::new(text.clone(), Some(BUILTIN_INDEX.to_vec())).unwrap();
        let damaged = TableKeys::new(text.clone(), Some(b"not an index".to_vec())).unwrap();
        for keys in [built, read, damaged] {
            assert_eq!(keys.text(), text);
            assert_eq!(keys.accepted(automaton(&key, 1)), want);
        }
        // Lines out of order are no keys file of ours.
        assert!(TableKeys::new("b\tx\na\ty\n".to_string(), None).is_none());
        // So an index of the built-in table gets no keys file, and loses an old one.
        let dir = tempfile::tempdir().unwrap();
        for old in ["typo-keys-0123.tsv", "typo-keys-0123.fst"] {
            std::fs::write(dir.path().join(old), "k\tv\n").unwrap();
        }
        write_table_keys(dir.path(), &table).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn key_lines_split_as_lines_and_tabs_do() {
        let theirs: Vec<(&str, &str)> = BUILTIN_KEYS
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .collect();
        assert!(theirs.len() > 100_000);
        assert!(key_lines(BUILTIN_KEYS).eq(theirs.iter().copied()));
        let odd = "a\tкиїв\n\nno tab\nb\tc\td\ne\t";
        assert_eq!(
            key_lines(odd).collect::<Vec<_>>(),
            [("a", "київ"), ("b", "c\td"), ("e", "")]
        );
    }
}
