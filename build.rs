//! Compiles the built-in alias table (`src/analysis/aliases.toml`) into the binary form
//! the library embeds (`$OUT_DIR/aliases.bin`), so that no process pays for parsing and
//! compiling it at start-up. The compiler is the library's own code, included here.
//! It also keys the table's one-word spellings for "did you mean" (`typo-keys.tsv`, see
//! `typos`) with the library's `ner::key::word`, so no index job or search does, and
//! indexes the keys for the Levenshtein automaton (`typo-keys.fst`, `typos::key_index`).
//! On Linux it also links the `gazette` binary as a fixed-address executable (see
//! `main`).

// The included modules serve the library: what the build does not call is not dead there.
#![allow(dead_code, unused_imports)]

#[path = "src/analysis/compile/mod.rs"]
mod compile;
#[path = "src/typos/key_index.rs"]
mod key_index;
#[path = "src/analysis/normalize.rs"]
mod normalize;
#[path = "src/analysis/segment.rs"]
mod segment;
#[path = "src/ner/key/word.rs"]
mod word;
/// The paths the included modules use inside the library.
mod analysis {
    pub(crate) use super::normalize;
}

use std::path::PathBuf;

const SOURCE: &str = "src/analysis/aliases.toml";

fn main() {
    for input in [
        SOURCE,
        "build.rs",
        "src/analysis/compile/mod.rs",
        "src/analysis/common_forms.txt",
        "src/analysis/frequent_forms.txt",
        "src/analysis/shared_forms.txt",
        "src/analysis/normalize.rs",
        "src/analysis/segment.rs",
        "src/ner/key/word.rs",
        "src/typos/key_index.rs",
    ] {
        println!("cargo:rerun-if-changed={input}");
    }
    let text = std::fs::read_to_string(SOURCE).unwrap_or_else(|e| panic!("{SOURCE}: {e}"));
    let mut entities =
        compile::parse(&text).unwrap_or_else(|e| panic!("{SOURCE}:{}: {}", e.line, e.reason));
    // The generator orders entities by priority and settles the collisions it can see;
    // those only inflection reveals are settled the same way here, and listed.
    let (compiled, dropped) = compile::compile_first_wins(&mut entities);
    // A search is a short process: as a position-independent executable, the dynamic
    // loader first relocates ~50,000 pointers (most in whatlang's static trigram tables)
    // and copies the pages they sit on, ~1 ms and 290 page faults of a ~5 ms search.
    // Linked at a fixed address, that work is done once by the linker. Libraries, heap,
    // stack and the index maps are still placed at random.
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if linux {
        println!("cargo:rustc-link-arg-bin=gazette=-no-pie");
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("dropped.txt"), dropped.join("\n")).expect("OUT_DIR is writable");
    let bytes = compile::encode(&entities, &compiled);
    // What the compiler made of the built-in table: a cached table compiled with a user
    // file (see `AliasTable::with_user_file`) is only reused by a binary that made the
    // same, so a change to the compiler or the table invalidates it.
    let digest = xxhash_rust::xxh3::xxh3_128(&bytes);
    std::fs::write(out.join("aliases.digest"), format!("{digest:032x}"))
        .expect("OUT_DIR is writable");
    std::fs::write(out.join("aliases.bin"), bytes).expect("OUT_DIR is writable");
    let keys = word::sound_lines(
        entities
            .iter()
            .flat_map(|e| e.spellings.iter().map(String::as_str)),
    );
    let index = key_index::index_keys(&keys).expect("sound_lines sorts the keys");
    std::fs::write(out.join("typo-keys.fst"), index).expect("OUT_DIR is writable");
    std::fs::write(out.join("typo-keys.tsv"), keys).expect("OUT_DIR is writable");
}
