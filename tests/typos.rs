//! Typos: "did you mean" on stderr and in the JSON summary, never for a query whose
//! words are all in the index; `--fuzzy` and `word~N`, ranked below exact matches and
//! highlighted; `--exact` with `--fuzzy` refused.

use serde_json::Value;

use crate::util::{passages, stderr, stdout, summary, Dir};

fn indexed_with_ukrainian() -> Dir {
    let d = Dir::new();
    d.copy_fixtures("corpus");
    d.write(
        "corpus/uk.jsonl",
        "{\"id\":\"uk1\",\"title\":\"Звернення\",\"body\":\"Президент Зеленський звернувся до українців увечері.\",\"lang\":\"uk\"}\n",
    );
    let out = d.run(&["index", "corpus", "--index", "idx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    d
}

fn search(d: &Dir, args: &[&str]) -> std::process::Output {
    let mut all = vec!["search", "--index", "idx", "--color", "never"];
    all.extend_from_slice(args);
    d.run(&all)
}

#[test]
fn a_typo_gets_one_line_of_did_you_mean_and_a_right_query_none() {
    let d = indexed_with_ukrainian();
    let cases = [
        // A typo in a table name, a romanisation the table spells otherwise, a typo in
        // a common word, a Cyrillic typo (a letter dropped).
        ("Zelenksy", "did you mean Zelensky (4 articles)?", 1),
        ("Klichko", "did you mean Klitschko (1 article)?", 1),
        ("missiel", "did you mean missile (2 articles)?", 1),
        // A Cyrillic typo (a letter dropped). (It used to stem to the word left where a
        // sentence opened with Зеленський and the name was taken for a common word.)
        ("Зеленськй", "did you mean Зеленський (4 articles)?", 1),
    ];
    for (typed, line, code) in cases {
        let out = search(&d, &[typed]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{typed}: exit codes unchanged"
        );
        assert_eq!(stderr(&out).trim(), line, "{typed}");
    }
    // Every word in the index: no suggestion, whatever it finds.
    for right in ["Kyiv", "Zelensky", "missile", "Kyiv Zelenksy"] {
        let out = search(&d, &[right]);
        assert!(stderr(&out).is_empty(), "{right}: {}", stderr(&out));
    }
    let (recs, code) = d.search_json(&["Zelenksy"]);
    assert_eq!(code, 1);
    assert_eq!(
        summary(&recs)["suggestions"],
        serde_json::json!([{"query": "Zelensky", "hits": 4}])
    );
    let (recs, _) = d.search_json(&["Zelensky"]);
    assert_eq!(summary(&recs)["suggestions"], serde_json::json!([]));
}

#[test]
fn a_typo_on_the_first_letter_counts_as_two() {
    let d = indexed_with_ukrainian();
    // Nine letters may spend both edits on it (a swap at the start)...
    let out = search(&d, &["rpesident"]);
    assert!(
        stderr(&out).starts_with("did you mean president ("),
        "{}",
        stderr(&out)
    );
    // ...seven may not: no suggestion, and --fuzzy finds nothing either.
    let out = search(&d, &["xissile"]);
    assert_eq!(stderr(&out).trim(), "", "no suggestion");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(search(&d, &["xissile", "--fuzzy"]).status.code(), Some(1));
    // Two edits asked for (`~2`) pay for it; the same first letter needs one.
    let (two, code) = d.search_json(&["xissile~2"]);
    assert_eq!(code, 0);
    let (right, _) = d.search_json(&["missile"]);
    assert_eq!(summary(&two)["hits"], summary(&right)["hits"]);
    let (one, code) = d.search_json(&["misssile~1"]);
    assert_eq!(code, 0);
    assert_eq!(summary(&one)["hits"], summary(&right)["hits"]);
}

#[test]
fn fuzzy_finds_near_words_below_exact_matches_and_marks_them() {
    let d = indexed_with_ukrainian();
    let (exact, _) = d.search_json(&["Zelensky", "-n", "50"]);
    let (fuzzy, code) = d.search_json(&["Zelenksy", "--fuzzy", "-n", "50"]);
    assert_eq!(code, 0);
    let ids = |recs: &[Value]| {
        let mut v: Vec<String> = passages(recs)
            .iter()
            .map(|p| p["article"]["id"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(
        ids(&fuzzy),
        ids(&exact),
        "the typo finds what the name finds"
    );
    let marked: Vec<&str> = passages(&fuzzy)
        .iter()
        .flat_map(|p| p["matches"].as_array().unwrap())
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert!(marked.contains(&"Zelensky"), "{marked:?}");
    // `word~N` asks for N edits on one word; without it a typo finds nothing.
    let (tilde, _) = d.search_json(&["Zelenksy~1", "-n", "50"]);
    assert_eq!(ids(&tilde), ids(&exact));
    // An exact or alias match ranks above a near word: "missile" itself first.
    d.write(
        "corpus/near.jsonl",
        "{\"id\":\"n1\",\"title\":\"Missiles\",\"body\":\"Missles were seen.\",\"lang\":\"en\"}\n",
    );
    d.run(&["index", "corpus", "--index", "idx"]);
    let (recs, _) = d.search_json(&["missile", "--fuzzy", "-n", "50"]);
    let order: Vec<&str> = passages(&recs)
        .iter()
        .map(|p| p["article"]["id"].as_str().unwrap())
        .collect();
    assert!(order.contains(&"n1"), "{order:?}");
    assert_ne!(order[0], "n1", "{order:?}");
    let out = search(&d, &["Kyiv", "--exact", "--fuzzy"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the argument '--exact' cannot be used with '--fuzzy'"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());
}

#[test]
fn a_user_tables_names_are_suggested_from_the_keys_the_job_wrote() {
    let d = indexed_with_ukrainian();
    d.write(
        "corpus/ukroboronprom.jsonl",
        "{\"id\":\"u1\",\"title\":\"Ефір\",\"body\":\"Укроборонпром показав новий дрон.\",\"lang\":\"uk\"}\n",
    );
    let file = d.write(
        "mine.toml",
        "[[entity]]\nid = \"ukroboronprom\"\nname = \"Ukroboronprom\"\nkind = \"organisation\"\nspellings = [\"Ukroboronprom\", \"Укроборонпром\"]\n",
    );
    let file = file.to_str().unwrap();
    let out = d.run(&["index", "corpus", "--index", "idx", "--aliases", file]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The job keyed the table's spellings and indexed the keys.
    let mut written: Vec<String> = std::fs::read_dir(d.path().join("idx"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("typo-keys-"))
        .map(|n| n.rsplit('.').next().unwrap().to_string())
        .collect();
    written.sort();
    assert_eq!(written, ["fst", "tsv"]);
    // No Latin word of the index is near the typo: the table's spelling is suggested.
    let typo = [
        "search",
        "--index",
        "idx",
        "--aliases",
        file,
        "--color",
        "never",
        "Ukroboronporm",
    ];
    let line = "did you mean Ukroboronprom (1 article)?";
    let out = d.run(&typo);
    assert_eq!(stderr(&out).trim(), line);
    // An index whose keys an older binary wrote (no index of them): the same answer,
    // and the next job indexes them.
    let fst = std::fs::read_dir(d.path().join("idx"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "fst"))
        .unwrap();
    std::fs::remove_file(&fst).unwrap();
    assert_eq!(stderr(&d.run(&typo)).trim(), line);
    let out = d.run(&["index", "corpus", "--index", "idx", "--aliases", file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(fst.exists());
    assert_eq!(stderr(&d.run(&typo)).trim(), line);
}
