//! The lines of a typo-keys file (`key<TAB>spelling`, sorted by key) and their index: a
//! finite-state map from each key to where its first line begins. "Did you mean" walks
//! that map with a Levenshtein automaton, visiting only the keys that can still come
//! within the budget, where it measured all 109,000 lines of the built-in table (20 M of
//! the 26 M instructions of a search whose word the index has nothing near). `build.rs`
//! includes this file to index the built-in table's keys; the indexing job indexes a
//! user table's.

/// The `key<TAB>spelling` lines of a keys file, split on their bytes (`str::lines` and
/// `split_once` set up a searcher for each line). A line without a tab is skipped.
pub fn key_lines(keys: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = keys;
    std::iter::from_fn(move || loop {
        if rest.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        // Both separators are ASCII: the cuts fall on character boundaries.
        let line = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or("");
        if let Some(tab) = memchr::memchr(b'\t', line.as_bytes()) {
            return Some((&line[..tab], &line[tab + 1..]));
        }
    })
}

/// The index of `keys`: each distinct key mapped to the byte offset of its first line.
/// Fails when the keys are not sorted (a file that is not one of ours).
pub fn index_keys(keys: &str) -> Result<Vec<u8>, tantivy_fst::Error> {
    let mut builder = tantivy_fst::MapBuilder::memory();
    let mut last: Option<&str> = None;
    for (key, _) in key_lines(keys) {
        if last == Some(key) {
            continue;
        }
        // The key opens its line: its offset in the text is the line's.
        let at = key.as_ptr() as usize - keys.as_ptr() as usize;
        builder.insert(key, at as u64)?;
        last = Some(key);
    }
    builder.into_inner()
}
