//! Fuzzes the query path end to end on a small real index: any query string gives
//! results or a query error, never a panic.
#![no_main]

use std::sync::OnceLock;

use gazette::analysis::AliasTable;
use gazette::index::GazetteIndex;
use gazette::job::{self, IndexOptions};
use gazette::search::{self, SearchOptions};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    _dir: tempfile::TempDir,
    index: GazetteIndex,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let opts = IndexOptions {
            roots: vec![fixtures],
            threads: 1,
            ..IndexOptions::default()
        };
        let idx = dir.path().join("idx");
        job::run(&idx, AliasTable::builtin(), &opts, &|_| {}).unwrap();
        let index = GazetteIndex::open(&idx, AliasTable::builtin()).unwrap();
        Fixture { _dir: dir, index }
    })
}

fuzz_target!(|data: &[u8]| {
    let query = String::from_utf8_lossy(data).into_owned();
    let f = fixture();
    for exact in [false, true] {
        let opts = SearchOptions {
            query: query.clone(),
            exact,
            ..SearchOptions::default()
        };
        if let Ok(r) = search::search(&f.index, &opts) {
            for h in r.hits {
                for m in h.matches.iter().chain(&h.entities) {
                    assert!(m.start < m.end && m.end <= h.text.len());
                    assert!(h.text.is_char_boundary(m.start) && h.text.is_char_boundary(m.end));
                }
            }
        }
    }
});
