//! Recognised entities: names no table lists are marked with their kind and key, found
//! across scripts and case forms, searchable by `entity:` and `--entity`, and never
//! stemmed into common words.

use crate::util::{article_ids, passages, spans, summary, Dir};

/// Unlisted names in four articles, in three scripts (made for these tests).
const NAMES: &str = r#"{"id":"ru1","title":"Разведка","body":"Глава ГУР Кирилл Буданов заявил, что удары продолжатся. Позже слова Буданова подтвердили в штабе.","lang":"ru"}
{"id":"uk1","title":"Розвідка","body":"Начальник ГУР Кирило Буданов розповів про операцію. Сирського призначили головнокомандувачем.","lang":"uk"}
{"id":"en1","title":"Intelligence","body":"Kyrylo Budanov, the head of military intelligence, said the strikes would go on. General Oleksandr Syrskyi agreed.","lang":"en"}
{"id":"ru2","title":"Новости","body":"Министр обороны Рустем Умеров провёл встречу с коллегами в Брюсселе.","lang":"ru"}
{"id":"ru3","title":"Культура","body":"Вчера умер известный актёр театра и кино.","lang":"ru"}
"#;

fn names_dir() -> Dir {
    let d = Dir::new();
    d.write("corpus/names.jsonl", NAMES);
    let out = d.run(&["index", "corpus", "--index", "idx"]);
    assert!(out.status.success(), "{}", crate::util::stderr(&out));
    d
}

/// The (text, kind, source) of every entity mark of a search's passages.
fn marks(d: &Dir, args: &[&str]) -> Vec<(String, String, String)> {
    let (recs, _) = d.search_json(args);
    let mut out = Vec::new();
    for p in passages(&recs) {
        let texts = spans(p, "entities");
        for (e, text) in p["entities"].as_array().unwrap().iter().zip(texts) {
            out.push((
                text,
                e["kind"].as_str().unwrap().to_string(),
                e["source"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

#[test]
fn unlisted_names_in_the_seeds_are_marked() {
    let d = Dir::indexed();
    let found = marks(&d, &["Odesa governor", "-n", "5"]);
    assert!(
        found.contains(&("Oleh Kiper".into(), "person".into(), "recognised".into())),
        "{found:?}"
    );
    let found = marks(&d, &["Kremlin ceasefire", "-n", "5"]);
    assert!(
        found.contains(&("Kremlin".into(), "organisation".into(), "recognised".into())),
        "{found:?}"
    );
    // A news agency that shares its name with a Chinese town is an organisation.
    let found = marks(&d, &["Xinhua", "-n", "5"]);
    assert!(
        found.contains(&("Xinhua".into(), "organisation".into(), "recognised".into())),
        "{found:?}"
    );
    // A missile is no person, and a table entity keeps its table mark.
    let found = marks(&d, &["Iskander", "-n", "5"]);
    assert!(
        !found
            .iter()
            .any(|(t, k, _)| t.contains("Iskander") && k == "person"),
        "{found:?}"
    );
    assert!(found.contains(&("Kyiv".into(), "place".into(), "table".into())));
}

#[test]
fn recognised_marks_carry_a_key_that_is_the_same_across_scripts() {
    let d = names_dir();
    let (recs, code) = d.search_json(&["Budanov"]);
    assert_eq!(code, 0);
    let mut keys = Vec::new();
    for p in passages(&recs) {
        for e in p["entities"].as_array().unwrap() {
            if e["source"] == "recognised" && e["kind"] == "person" {
                assert!(e.get("id").is_none(), "{e}");
                keys.push(e["key"].as_str().unwrap().to_string());
            }
        }
    }
    // Буданов, Буданова, Budanov: the same word key in every script and case form, and
    // Кирилл Буданов / Kyrylo Budanov one whole key.
    assert!(keys.len() >= 3, "{keys:?}");
    assert!(keys.iter().all(|k| k.ends_with("budanov")), "{keys:?}");
    assert!(
        keys.iter().filter(|k| *k == "kiril budanov").count() >= 2,
        "{keys:?}"
    );
}

#[test]
fn unlisted_names_are_found_across_scripts_and_case_forms() {
    let d = names_dir();
    for q in ["Budanov", "Буданов", "Буданова"] {
        let (recs, _) = d.search_json(&[q]);
        assert_eq!(article_ids(&recs), ["en1", "ru1", "uk1"], "{q}");
    }
    // The spelling as typed ranks first; the other scripts' passages mark the name.
    let (recs, _) = d.search_json(&["Budanov"]);
    let ps = passages(&recs);
    assert_eq!(ps[0]["article"]["id"], "en1");
    for p in &ps {
        let m = spans(p, "matches");
        assert!(
            m.iter()
                .any(|t| t.contains("Budanov") || t.contains("Буданов")),
            "{}: {m:?}",
            p["article"]["id"]
        );
    }
    // Adjectival surnames across scripts: Syrskyi = Сирського.
    let (recs, _) = d.search_json(&["Syrskyi"]);
    assert_eq!(article_ids(&recs), ["en1", "uk1"]);
    // --exact: only the spelling typed.
    let (recs, _) = d.search_json(&["Budanov", "--exact"]);
    assert_eq!(article_ids(&recs), ["en1"]);
    assert_eq!(summary(&recs)["hits"], 1);
}

#[test]
fn recognised_entities_are_searchable_by_key() {
    let d = names_dir();
    let (recs, code) = d.search_json(&["entity:budanov"]);
    assert_eq!(code, 0);
    assert_eq!(article_ids(&recs), ["en1", "ru1", "uk1"]);
    let (recs, _) = d.search_json(&["ГУР OR intelligence", "--entity", "budanov"]);
    assert_eq!(article_ids(&recs), ["en1", "ru1", "uk1"]);
    // Table ids still work in the query field.
    let (recs, _) = d.search_json(&["entity:brussels"]);
    assert_eq!(article_ids(&recs), ["ru2"]);
    let out = d.run(&["search", "--index", "idx", "x", "--entity", "nobody_at_all"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(crate::util::stderr(&out).contains("nor the key of a name recognised"));
}

#[test]
fn a_surname_is_never_stemmed_into_a_common_word() {
    let d = names_dir();
    // Умеров would stem to умер ("died").
    let (recs, _) = d.search_json(&["Умеров"]);
    assert_eq!(article_ids(&recs), ["ru2"]);
    let (recs, _) = d.search_json(&["умер"]);
    assert_eq!(article_ids(&recs), ["ru3"]);
}
