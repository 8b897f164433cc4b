//! The alias table from the command line: lookups, statistics, user alias files and the
//! fingerprint recorded in the index.

use crate::util::*;

#[test]
fn any_spelling_shows_its_entity() {
    let d = Dir::new();
    for name in ["Kiev", "Київ", "Києва", "Kijów", "kyiv"] {
        let out = d.run(&["aliases", name, "--json"]);
        assert!(out.status.success(), "{name}");
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(v["id"], "kyiv", "{name}");
        assert_eq!(v["kind"], "place");
        assert!(v["spellings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "Киев"));
    }
    let out = d.run(&["aliases", "Zelenskiy"]);
    assert!(stdout(&out).starts_with("Volodymyr Zelenskyy (person, id volodymyr_zelenskyy)"));
    let out = d.run(&["aliases", "cocoa"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn unrelated_entities_do_not_merge() {
    let d = Dir::new();
    let id = |name: &str| -> String {
        let out = d.run(&["aliases", name, "--json"]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        v["id"].as_str().unwrap_or("").to_string()
    };
    assert_ne!(id("Niger"), id("Nigeria"));
    assert_ne!(id("Нигера"), id("Нигерия"));
    assert_ne!(id("Kharkiv"), id("Kherson"));
    assert_eq!(
        id("украинских"),
        "",
        "an adjective is not the town Ukrainsk"
    );
    assert_eq!(id("Us"), "", "the pronoun is not the United States");
    assert_eq!(id("US"), "united_states");
}

#[test]
fn stats_count_entities_by_kind() {
    let d = Dir::new();
    let out = d.run(&["aliases", "--stats", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(v["entities"].as_u64().unwrap() > 900);
    assert!(v["by_kind"]["country"]["entities"].as_u64().unwrap() >= 240);
    assert!(v["by_kind"]["person"]["entities"].as_u64().unwrap() >= 40);
}

#[test]
fn user_alias_files_add_entities_and_mark_the_index() {
    let d = Dir::indexed();
    let file = d.write(
        "mine.toml",
        "[[entity]]\nid = \"cocoa_board\"\nname = \"Ghana Cocoa Board\"\nkind = \"organisation\"\nspellings = [\"Cocobod\", \"Cocoa Board\"]\n",
    );
    let file = file.to_str().unwrap();
    // The index was built with the built-in table: searching with another says so.
    let out = d.run(&[
        "search",
        "--index",
        "idx",
        "--aliases",
        file,
        "--json",
        "cocoa",
    ]);
    assert!(stderr(&out).contains("is stale"), "{}", stderr(&out));
    assert!(d
        .run(&["index", "corpus", "--index", "idx", "--aliases", file])
        .status
        .success());
    let cocobod = [
        "search",
        "--index",
        "idx",
        "--aliases",
        file,
        "--json",
        "Cocobod",
    ];
    let out = d.run(&cocobod);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let recs: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let marked: Vec<String> = passages(&recs)
        .iter()
        .flat_map(|p| spans(p, "matches"))
        .collect();
    assert!(
        marked.iter().any(|m| m == "Ghana Cocoa Board"),
        "{marked:?}"
    );
    // The same answer from a table compiled into the cache, then read back from it.
    let cache = d.path().join("cache");
    for _ in 0..2 {
        let cached = d
            .cmd()
            .env("GAZETTE_CACHE_DIR", &cache)
            .args(cocobod)
            .output()
            .unwrap();
        assert!(stderr(&cached).is_empty(), "{}", stderr(&cached));
        // All but the summary's elapsed time.
        let records = |o: &std::process::Output| -> Vec<serde_json::Value> {
            stdout(o)
                .lines()
                .map(|l| {
                    let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                    v.as_object_mut().unwrap().remove("elapsed_ms");
                    v
                })
                .collect()
        };
        assert_eq!(records(&cached), records(&out));
    }
}

#[test]
fn bad_alias_files_are_reported_with_file_and_line() {
    let d = Dir::new();
    let file = d.write(
        "bad.toml",
        "[[entity]]\nid = \"a\"\nname = \"A\"\nkind = \"place\"\nspellings = [\"X\"]\n\n[[entity]]\nid = \"a\"\nname = \"B\"\nkind = \"place\"\nspellings = []\n",
    );
    let out = d.run(&["aliases", "--stats", "--aliases", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("bad.toml:7: duplicate entity id `a`"), "{err}");
}

/// `gazette aliases NAME --json --aliases FILE` with the cache in `cache`.
fn lookup_cached(d: &Dir, cache: &std::path::Path, file: &str, name: &str) -> (String, i32) {
    let out = d
        .cmd()
        .env("GAZETTE_CACHE_DIR", cache)
        .args(["aliases", name, "--json", "--aliases", file])
        .output()
        .unwrap();
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    (stdout(&out), out.status.code().unwrap())
}

#[test]
fn a_compiled_user_table_is_cached_and_a_damaged_or_stale_cache_is_not_used() {
    let d = Dir::new();
    let cache = d.path().join("cache");
    let entity = |spelling: &str| {
        format!("[[entity]]\nid = \"cocoa_board\"\nname = \"Ghana Cocoa Board\"\nkind = \"organisation\"\nspellings = [\"{spelling}\"]\n")
    };
    let file = d.write("mine.toml", entity("Cocobod"));
    let file = file.to_str().unwrap();
    let cached = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&cache)
            .map(|r| r.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default()
    };
    // The first process compiles and keeps the table; the second reads it back.
    let first = lookup_cached(&d, &cache, file, "Cocobod");
    assert_eq!(first.1, 0);
    assert!(first.0.contains("\"cocoa_board\""), "{}", first.0);
    let files = cached();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(lookup_cached(&d, &cache, file, "Cocobod"), first);
    // The built-in table is whole in the cached one too.
    assert!(lookup_cached(&d, &cache, file, "Kiev")
        .0
        .contains("\"kyiv\""));
    // A cache file cut short is compiled again, and rewritten whole.
    let whole = std::fs::read(&files[0]).unwrap();
    std::fs::write(&files[0], &whole[..whole.len() / 2]).unwrap();
    assert_eq!(lookup_cached(&d, &cache, file, "Cocobod"), first);
    assert_eq!(std::fs::read(&files[0]).unwrap(), whole);
    // An edited file is another table: the old spelling is gone, the new one found.
    d.write("mine.toml", entity("Cocoa Marketing Board"));
    assert_eq!(lookup_cached(&d, &cache, file, "Cocobod").1, 1);
    let (new, code) = lookup_cached(&d, &cache, file, "Cocoa Marketing Board");
    assert_eq!(code, 0);
    assert!(new.contains("\"cocoa_board\""), "{new}");
    assert_eq!(cached().len(), 2);
}
