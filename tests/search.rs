//! Searching the fixtures: ranking, passages, highlights, JSON fields, exact mode.

use crate::util::*;

const SEED_KIEV: &str = "corpus/000_dd97ec9fae2a9342.txt";
const SEED_KYIV: &str = "corpus/001_0c9b0d15cb702e20.txt";

#[test]
fn kyiv_finds_both_seeds_and_highlights_the_spelling_in_the_text() {
    let d = Dir::indexed();
    let (recs, code) = d.search_json(&["Kyiv", "-n", "50", "--no-group"]);
    assert_eq!(code, 0);
    let ids = article_ids(&recs);
    assert!(
        ids.contains(&SEED_KIEV.to_string()) && ids.contains(&SEED_KYIV.to_string()),
        "{ids:?}"
    );
    for p in passages(&recs) {
        let id = p["article"]["id"].as_str().unwrap();
        let marked = spans(p, "matches");
        if id == SEED_KIEV {
            assert!(marked.iter().all(|m| m == "Kiev"), "{marked:?}");
        }
        if id == SEED_KYIV {
            assert!(marked.iter().all(|m| m == "Kyiv"), "{marked:?}");
        }
        for m in p["matches"].as_array().unwrap() {
            assert_eq!(m["entity"], "kyiv");
        }
    }
}

#[test]
fn first_passage_for_kiev_prisoner_swap_holds_all_terms() {
    let d = Dir::indexed();
    let (recs, _) = d.search_json(&["Kiev prisoner swap"]);
    let first = passages(&recs)[0];
    let text = first["text"].as_str().unwrap().to_lowercase();
    assert!(text.contains("prisoner swap"), "{text}");
    assert!(text.contains("kiev") || text.contains("kyiv"), "{text}");
    assert_eq!(first["rank"], 1);
}

#[test]
fn every_spelling_returns_the_same_articles() {
    let d = Dir::indexed();
    let sets: Vec<Vec<String>> = ["Kiev", "Kyiv", "Київ", "Киев", "Kijów", "Kiew"]
        .iter()
        .map(|q| article_ids(&d.search_json(&[q, "-n", "200", "--per-article", "1"]).0))
        .collect();
    assert!(sets[0].len() >= 8, "{:?}", sets[0]);
    for s in &sets[1..] {
        assert_eq!(s, &sets[0]);
    }
}

#[test]
fn exact_mode_finds_only_the_spelling_typed() {
    let d = Dir::indexed();
    let (recs, code) = d.search_json(&["--exact", "Kiev", "-n", "100"]);
    assert_eq!(code, 0);
    let ids = article_ids(&recs);
    assert!(ids.contains(&SEED_KIEV.to_string()));
    assert!(!ids.contains(&SEED_KYIV.to_string()));
    for p in passages(&recs) {
        assert!(spans(p, "matches")
            .iter()
            .all(|m| m.to_lowercase() == "kiev"));
    }
    let (recs, _) = d.search_json(&["--exact", "Kyiv", "-n", "100"]);
    assert!(!article_ids(&recs).contains(&SEED_KIEV.to_string()));
}

#[test]
fn phrase_in_one_spelling_finds_another() {
    let d = Dir::indexed();
    let (recs, code) = d.search_json(&["\"Krivoy Rog\"", "-n", "20"]);
    assert_eq!(code, 0);
    let marked: Vec<String> = passages(&recs)
        .iter()
        .flat_map(|p| spans(p, "matches"))
        .collect();
    assert!(marked.iter().any(|m| m == "Кривого Рога"), "{marked:?}");
    assert!(marked.iter().any(|m| m == "Кривому Розі"), "{marked:?}");
}

#[test]
fn phrase_highlights_only_true_phrase_occurrences() {
    let d = Dir::indexed();
    let (recs, _) = d.search_json(&["\"prisoner swap\"", "-n", "20"]);
    for p in passages(&recs) {
        for m in spans(p, "matches") {
            assert_eq!(m.to_lowercase(), "prisoner swap");
        }
    }
}

#[test]
fn entities_are_marked_with_their_kind() {
    let d = Dir::indexed();
    let mut kinds = std::collections::BTreeMap::new();
    let (mut recs, _) = d.search_json(&["Zelensky sanctions", "-n", "20"]);
    recs.extend(d.search_json(&["port facilities", "-n", "20"]).0);
    for p in passages(&recs) {
        spans(p, "entities");
        for e in p["entities"].as_array().unwrap() {
            // Table marks carry the entity id; recognised ones a key (see entities.rs).
            let Some(id) = e["id"].as_str() else {
                assert_eq!(e["source"], "recognised", "{e}");
                continue;
            };
            assert_eq!(e["source"], "table", "{e}");
            kinds.insert(id.to_string(), e["kind"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(
        kinds.get("volodymyr_zelenskyy").map(String::as_str),
        Some("person")
    );
    assert_eq!(
        kinds.get("odesa").map(String::as_str),
        Some("place"),
        "{kinds:?}"
    );
}

#[test]
fn stemming_follows_the_article_language() {
    let d = Dir::indexed();
    let (recs, code) = d.search_json(&["strike", "-n", "50"]);
    assert_eq!(code, 0);
    let marked: Vec<String> = passages(&recs)
        .iter()
        .flat_map(|p| spans(p, "matches"))
        .collect();
    assert!(marked.iter().any(|m| m == "strikes"), "{marked:?}");
}

#[test]
fn json_records_have_the_documented_fields() {
    let d = Dir::indexed();
    let (recs, _) = d.search_json(&["Kiev", "-n", "3"]);
    let p = passages(&recs)[0];
    for k in [
        "rank", "score", "article", "text", "start", "end", "matches", "entities",
    ] {
        assert!(!p[k].is_null(), "missing {k}");
    }
    for k in ["id", "title", "lang", "path"] {
        assert!(p["article"][k].is_string(), "missing article.{k}");
    }
    let s = summary(&recs);
    assert_eq!(s["query"], "Kiev");
    assert_eq!(s["passages"], 3);
    assert!(
        s["hits"].as_u64().unwrap() > 3,
        "hits counts all matching articles: {s}"
    );
    assert!(s["elapsed_ms"].is_number());
}

#[test]
fn cyrillic_passages_are_not_cut_inside_words() {
    let d = Dir::indexed();
    let bodies: std::collections::HashMap<String, String> =
        std::fs::read_to_string(fixtures().join("news.jsonl"))
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (
                    v["id"].as_str().unwrap().to_string(),
                    v["body"].as_str().unwrap().to_string(),
                )
            })
            .collect();
    let (recs, _) = d.search_json(&["Київ", "--lang", "uk", "--passage-chars", "80", "-n", "20"]);
    let ps = passages(&recs);
    assert!(ps.len() >= 2);
    for p in ps {
        let text = p["text"].as_str().unwrap();
        assert!(
            text.chars().count() <= 80,
            "longer than 80 characters: {text}"
        );
        let body = &bodies[p["article"]["id"].as_str().unwrap()];
        let (s, e) = (
            p["start"].as_u64().unwrap() as usize,
            p["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            &body[s..e],
            text,
            "start/end are byte offsets into the body"
        );
        let before = body[..s].chars().next_back();
        let after = body[e..].chars().next();
        assert!(
            !before.is_some_and(char::is_alphanumeric),
            "cut inside a word: {text}"
        );
        assert!(
            !after.is_some_and(char::is_alphanumeric),
            "cut inside a word: {text}"
        );
    }
}

#[test]
fn languages_are_detected_when_not_given() {
    let d = Dir::indexed();
    for (q, lang) in [("Киева", "ru"), ("Києва", "uk"), ("Kiev", "en")] {
        let (recs, _) = d.search_json(&[q, "--lang", lang, "-n", "5"]);
        let ps = passages(&recs);
        assert!(!ps.is_empty(), "{q} in {lang}");
        assert!(ps.iter().all(|p| p["article"]["lang"] == lang));
    }
}

#[test]
fn paging_with_offset_continues_the_ranking() {
    let d = Dir::indexed();
    let (all, _) = d.search_json(&["Kiev", "-n", "6"]);
    let (page2, _) = d.search_json(&["Kiev", "-n", "3", "--offset", "3"]);
    let texts = |r: &[serde_json::Value]| {
        passages(r)
            .iter()
            .map(|p| p["text"].to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(&all)[3..], texts(&page2)[..]);
    assert_eq!(passages(&page2)[0]["rank"], 4);
}

#[test]
fn same_story_from_two_outlets_is_grouped() {
    let d = Dir::indexed();
    // On a terminal the story is one entry: the other outlet folds into "+1 similar".
    let text = stdout(&d.run(&[
        "search", "--index", "idx", "--color", "never", "-n", "50", "Kyiv",
    ]));
    assert_eq!(text.matches("+1 similar: ").count(), 1, "{text}");
    let shown = |seed: &str| text.contains(&format!("· {seed} ·"));
    assert!(
        shown(SEED_KIEV) != shown(SEED_KYIV),
        "one seed folds into the other: {text}"
    );
    // JSON keeps every passage and says which article repeats which.
    let (recs, _) = d.search_json(&["Kyiv", "-n", "50"]);
    let ids = article_ids(&recs);
    assert!(ids.contains(&SEED_KIEV.to_string()) && ids.contains(&SEED_KYIV.to_string()));
    let ps = passages(&recs);
    let leader = ps
        .iter()
        .find(|p| !p["similar"].as_array().unwrap().is_empty())
        .expect("a passage listing similar articles");
    let leader_id = leader["article"]["id"].as_str().unwrap();
    let similar: Vec<&str> = leader["similar"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    let member = if leader_id == SEED_KIEV {
        SEED_KYIV
    } else {
        SEED_KIEV
    };
    assert_eq!(similar, [member]);
    for p in &ps {
        let id = p["article"]["id"].as_str().unwrap();
        let expect = if id == member {
            serde_json::json!(leader_id)
        } else {
            serde_json::Value::Null
        };
        assert_eq!(p["same_story_as"], expect, "{id}");
    }
    // --no-group: no grouping at all.
    let (recs, _) = d.search_json(&["Kyiv", "-n", "50", "--no-group"]);
    for p in passages(&recs) {
        assert!(p["similar"].as_array().unwrap().is_empty());
        assert!(p["same_story_as"].is_null());
    }
}

#[test]
fn filters_restrict_the_articles() {
    let d = Dir::indexed();
    let all = |args: &[&str]| {
        let mut a = vec!["Kiev", "-n", "100", "--no-group"];
        a.extend_from_slice(args);
        d.search_json(&a).0
    };
    let recs = all(&["--lang", "ru"]);
    assert!(!passages(&recs).is_empty());
    assert!(passages(&recs).iter().all(|p| p["article"]["lang"] == "ru"));
    let recs = all(&["--source", "dw.com"]);
    assert!(!passages(&recs).is_empty());
    assert!(passages(&recs)
        .iter()
        .all(|p| p["article"]["source"] == "newsarticles:www.dw.com"));
    let recs = all(&["--since", "2024-01", "--until", "2024-12-31"]);
    assert!(!passages(&recs).is_empty());
    for p in passages(&recs) {
        assert!(
            p["article"]["date"].as_str().unwrap().starts_with("2024"),
            "{}",
            p["article"]
        );
    }
    let (recs, code) = d.search_json(&["prisoners", "--entity", "volodymyr_zelenskyy", "-n", "50"]);
    assert_eq!(code, 0);
    for p in passages(&recs) {
        assert!(
            p["article"]["path"].as_str().unwrap().ends_with(".txt"),
            "only the seeds name Zelensky in English: {}",
            p["article"]
        );
    }
    let out = d.run(&["search", "--index", "idx", "Kiev", "--entity", "ruritania"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`ruritania` is neither a table id"),
        "{}",
        stderr(&out)
    );
    let out = d.run(&["search", "--index", "idx", "Kiev", "--since", "last week"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--since \"last week\": expected a date"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn sort_by_date_puts_the_newest_first() {
    let d = Dir::indexed();
    let (recs, _) = d.search_json(&["Kiev", "--sort", "date", "-n", "100", "--no-group"]);
    let dates: Vec<String> = passages(&recs)
        .iter()
        .filter_map(|p| p["article"]["date"].as_str())
        .filter(|d| d.starts_with(|c: char| c.is_ascii_digit()))
        .map(|d| d[..4].to_string())
        .collect();
    // Undated articles (no date, or "May 24" from a dateline without a year) come last.
    let dated: Vec<bool> = passages(&recs)
        .iter()
        .map(|p| {
            p["article"]["date"]
                .as_str()
                .is_some_and(|d| d.starts_with(|c: char| c.is_ascii_digit()))
        })
        .collect();
    assert!(dated.windows(2).all(|w| w[0] || !w[1]), "{dated:?}");
    assert!(dates.len() >= 5);
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    assert_eq!(dates[0], "2024");
}

/// Many copies of one story must not crowd the others off a page: the copies fold into
/// one entry and the page still fills with other stories.
#[test]
fn copies_of_one_story_fold_and_the_page_still_fills() {
    let d = Dir::new();
    let mut lines = String::new();
    for i in 0..60 {
        lines.push_str(&format!(
            "{{\"id\":\"copy-{i}\",\"title\":\"Sorghum harvest in Kansas hits 120 million bushels\",\
             \"source\":\"Wire\",\"body\":\"Sorghum growers in Kansas and Nebraska reported a record \
             harvest of 120 million bushels, said the Sorghum Council in Topeka on Monday.\"}}\n"
        ));
    }
    let others = [
        "Sudan plants sorghum across Darfur as rains return to El Fasher",
        "Ethiopia sorghum prices fall in Addis Ababa after Tigray convoys arrive",
        "Texas sorghum exports to China rise at Houston port, says Cargill",
    ];
    for (i, title) in others.iter().enumerate() {
        lines.push_str(&format!(
            "{{\"id\":\"other-{i}\",\"title\":\"{title}\",\"source\":\"Desk {i}\",\
             \"body\":\"{title}. Traders quoted {} figures.\"}}\n",
            11 + i * 17
        ));
    }
    d.write("c/news.jsonl", lines);
    d.run(&["index", "c", "--index", "idx", "-q"]);
    let text = stdout(&d.run(&[
        "search", "--index", "idx", "--color", "never", "-n", "4", "sorghum",
    ]));
    assert!(text.contains("+59 similar"), "{text}");
    assert!(
        text.contains("4 passages from 63 matching articles"),
        "{text}"
    );
    for title in others {
        assert!(text.contains(title), "{title} missing: {text}");
    }
}

/// Passages of equal score come in article id order, whatever order the index holds the
/// articles in (which depends on the indexing threads).
#[test]
fn equal_scores_are_ordered_by_article_id() {
    let d = Dir::new();
    let body = "Grain exports from Odesa resumed on Monday after a week of talks.";
    let lines: Vec<String> = ["c", "a", "b"]
        .iter()
        .map(|id| {
            serde_json::json!({"id": id, "title": "Grain deal", "body": body, "lang": "en"})
                .to_string()
        })
        .collect();
    d.write("c/news.jsonl", lines.join("\n") + "\n");
    let out = d.run(&["index", "c", "--index", "idx", "-q", "--threads", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (recs, code) = d.search_json(&["grain", "--no-group"]);
    assert_eq!(code, 0);
    let ps = passages(&recs);
    let scores: Vec<f64> = ps.iter().map(|p| p["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] == w[1]), "{scores:?}");
    let ids: Vec<&str> = ps
        .iter()
        .map(|p| p["article"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
}

/// A wire story copied word for word by five outlets is one entry whose "+N similar"
/// line counts every copy and names as many as `--similar` asks (copies with one
/// signature fold by its key, without their documents being read).
#[test]
fn wire_copies_fold_into_one_entry_naming_as_many_as_asked() {
    let d = Dir::new();
    let body = "Farmers in Tigray Region harvested sorghum again after the Addis Ababa \
                talks, the World Food Programme said on Monday, citing 120,000 tonnes.";
    let lines: String = ["Reuters", "AP", "AFP", "DPA", "EFE"]
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "{{\"id\": \"w{i}\", \"title\": \"Tigray sorghum harvest resumes\", \
                 \"date\": \"2024-05-0{}\", \"source\": \"{s}\", \"body\": \"{body}\"}}\n",
                i + 1
            )
        })
        .collect();
    d.write("news/wire.jsonl", lines);
    let out = d.run(&["index", "-q", "--index", "idx", "news"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let search = |extra: &[&str]| {
        let mut args = vec!["search", "--index", "idx", "--color", "never", "sorghum"];
        args.extend_from_slice(extra);
        let text = stdout(&d.run(&args));
        let similar: Vec<String> = text
            .lines()
            .filter(|l| l.contains("similar"))
            .map(|l| l.trim().to_string())
            .collect();
        (text, similar)
    };
    let (text, similar) = search(&[]);
    assert_eq!(text.matches(" 1. ").count(), 1, "{text}");
    assert_eq!(similar.len(), 1, "{text}");
    assert!(similar[0].starts_with("+4 similar: "), "{text}");
    assert_eq!(similar[0].matches(" (2024-05-0").count(), 4, "{text}");
    // Each copy is named by its own source and date (read from the `meta` column); the
    // copy that leads (any of the five: they score alike) is the entry itself.
    for (i, s) in ["Reuters", "AP", "AFP", "DPA", "EFE"].iter().enumerate() {
        let date = format!("2024-05-0{}", i + 1);
        let leads = text.contains(&format!("    {s} · {date} · "));
        let named = similar[0].contains(&format!(" {s} ({date})"));
        assert!(leads != named, "{s}: {text}");
    }
    let (text, similar) = search(&["--similar", "2"]);
    assert_eq!(similar.len(), 1, "{text}");
    assert!(similar[0].starts_with("+4 similar: "), "{text}");
    assert!(similar[0].ends_with(", 2 more"), "{text}");
    assert_eq!(similar[0].matches(" (2024-05-0").count(), 2, "{text}");
    let (text, similar) = search(&["--similar", "0"]);
    assert_eq!(similar, ["+4 similar"], "{text}");
}

/// A name of several words the table holds is one term in the index: typed without
/// quotes, its words are joined into it, so `Middle East` finds what `"Middle East"`
/// finds (it was *middle* OR *east*, which an article that only names the region lacks).
#[test]
fn a_table_name_typed_without_quotes_finds_the_articles_that_name_it() {
    let d = Dir::new();
    let lines = [
        (
            "m1",
            "Peace talks in the Middle East resumed on Monday.",
            "en",
        ),
        ("m2", "Переговоры на Ближнем Востоке возобновились.", "ru"),
        ("e1", "The east wing of the museum reopened.", "en"),
        (
            "s1",
            "Экипаж вернулся с Международной космической станции.",
            "ru",
        ),
        ("s2", "The crew left the International Space Station.", "en"),
    ]
    .iter()
    .map(|(id, body, lang)| {
        serde_json::json!({"id": id, "title": "News", "body": body, "lang": lang}).to_string()
    })
    .collect::<Vec<_>>()
    .join("\n");
    d.write("corpus/a.jsonl", lines);
    assert!(d
        .run(&["index", "corpus", "--index", "idx"])
        .status
        .success());
    let ids = |q: &str| {
        let mut ids = article_ids(&d.search_json(&[q, "-n", "20"]).0);
        ids.sort();
        ids
    };
    for q in [
        "Middle East",
        "\"Middle East\"",
        "Ближний Восток",
        "+Middle +East",
    ] {
        assert_eq!(ids(q), ["m1", "m2"], "{q}");
    }
    assert_eq!(ids("Middle East museum"), ["e1", "m1", "m2"]);
    assert_eq!(ids("International Space Station"), ["s1", "s2"]);
    // Words of other occurrences, or a field's, stay words.
    assert!(ids("Middle -East").is_empty());
    assert_eq!(ids("title:Middle East"), ["e1"]);
}
