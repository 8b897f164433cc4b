//! Counts: `count --by` one dimension or a pivot, with exact expected counts on a small
//! archive (undated articles, a spelling in a title only, an entity in two spellings in
//! one article); `spellings` with shares per outlet; entity association; the three
//! outputs and the chart.

use serde_json::{json, Value};

use crate::util::{stderr, stdout, Dir};

/// Five articles: a1 writes Kiev in its title only; a2 writes Kyiv and Києві (two
/// spellings, one entity); a3 is undated; a5 does not mention drones.
fn archive() -> Dir {
    let d = Dir::new();
    let lines = [
        json!({"id":"a1","title":"Drones over Kiev","body":"Air defence worked through the night.","date":"2022-03-01","source":"Wire A","lang":"en"}),
        json!({"id":"a2","title":"Night attack","body":"Drones hit Kyiv before dawn. Residents of the city, Києві in Ukrainian news, took shelter.","date":"2022-05-10","source":"Wire B","lang":"en"}),
        json!({"id":"a3","title":"Report","body":"Drones were seen near Kyiv again.","source":"Wire B","lang":"en"}),
        json!({"id":"a4","title":"Strike","body":"Drones struck Kharkiv on Tuesday.","date":"2024-01-02","source":"Wire A","lang":"en"}),
        json!({"id":"a5","title":"Markets","body":"Shares rose in London.","date":"2023-07-01","source":"Wire A","lang":"en"}),
    ];
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    d.write("corpus/wire.jsonl", body);
    let out = d.run(&["index", "corpus", "--index", "idx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    d
}

fn records(d: &Dir, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["--index", "idx"];
    all.extend_from_slice(args);
    all.push("--json");
    let out = d.run(&all);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{args:?}: {}",
        stderr(&out)
    );
    stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// (key, articles) of each bucket, in order.
fn buckets(recs: &[Value]) -> Vec<(Value, u64)> {
    recs.iter()
        .filter(|r| r["type"] == "bucket" || r["type"] == "spelling")
        .map(|r| {
            let key = if r["type"] == "spelling" {
                json!({"spelling": r["spelling"], "key": r["key"]})
            } else {
                r["key"].clone()
            };
            (key, r["articles"].as_u64().unwrap())
        })
        .collect()
}

#[test]
fn counts_by_one_dimension_and_a_pivot_are_exact() {
    let d = archive();
    let recs = records(&d, &["count", "drones", "--by", "source"]);
    assert_eq!(
        buckets(&recs),
        [
            (json!({"source": "Wire A"}), 2),
            (json!({"source": "Wire B"}), 2)
        ]
    );
    let summary = recs.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["articles"], 4);
    assert_eq!(summary["index_articles"], 5);
    // Years: the empty 2023 shown as zero, the undated article last.
    let recs = records(&d, &["count", "drones", "--by", "year"]);
    assert_eq!(
        buckets(&recs),
        [
            (json!({"year": "2022"}), 2),
            (json!({"year": "2023"}), 0),
            (json!({"year": "2024"}), 1),
            (json!({"year": null}), 1)
        ]
    );
    assert_eq!(recs[0]["share"], 0.5);
    // Every filter applies; no query counts the whole archive.
    let recs = records(
        &d,
        &["count", "drones", "--by", "source", "--since", "2022-04"],
    );
    assert_eq!(
        buckets(&recs),
        [
            (json!({"source": "Wire A"}), 1),
            (json!({"source": "Wire B"}), 1)
        ]
    );
    let recs = records(&d, &["count", "--by", "source"]);
    assert_eq!(
        buckets(&recs),
        [
            (json!({"source": "Wire A"}), 3),
            (json!({"source": "Wire B"}), 2)
        ]
    );
    // A pivot: every (source, year) cell, gaps included.
    let recs = records(&d, &["count", "drones", "--by", "source,year"]);
    let cells = buckets(&recs);
    assert!(cells.contains(&(json!({"source": "Wire A", "year": "2022"}), 1)));
    assert!(cells.contains(&(json!({"source": "Wire A", "year": "2023"}), 0)));
    assert!(cells.contains(&(json!({"source": "Wire B", "year": null}), 1)));
    assert_eq!(cells.iter().map(|c| c.1).sum::<u64>(), 4);
    // Month buckets.
    let recs = records(
        &d,
        &["count", "Kyiv", "--by", "month", "--until", "2022-12"],
    );
    assert_eq!(buckets(&recs)[0], (json!({"month": "2022-03"}), 1));
    assert_eq!(buckets(&recs).len(), 3, "2022-03, -04 (empty), -05");
}

#[test]
fn spellings_count_each_spelling_once_per_article_and_share_by_outlet() {
    let d = archive();
    // Kiev is in a1's title only; a2 writes Kyiv and Києві (counted as Київ).
    let recs = records(&d, &["spellings", "Kyiv"]);
    let mut got = buckets(&recs);
    got.sort_by_key(|a| a.0.to_string());
    assert_eq!(
        got,
        [
            (json!({"spelling": "Kiev", "key": {}}), 1),
            (json!({"spelling": "Kyiv", "key": {}}), 2),
            (json!({"spelling": "Київ", "key": {}}), 1),
        ]
    );
    assert_eq!(recs[0]["entity"], "kyiv");
    assert_eq!(
        recs.last().unwrap()["articles"],
        3,
        "three articles name Kyiv"
    );
    // Any spelling names the entity; shares are of the outlet's articles on it.
    let recs = records(&d, &["spellings", "Києва", "--by", "source"]);
    let share = |spelling: &str, source: &str| -> f64 {
        recs.iter()
            .find(|r| r["spelling"] == spelling && r["key"]["source"] == source)
            .unwrap_or_else(|| panic!("{spelling} in {source}"))["share"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(share("Kiev", "Wire A"), 1.0);
    assert_eq!(share("Kyiv", "Wire B"), 1.0);
    assert_eq!(share("Київ", "Wire B"), 0.5);
    // The entity is counted once per article: by entity, Kyiv has three.
    let recs = records(
        &d,
        &["count", "drones", "--by", "entity", "--rank", "count"],
    );
    let kyiv = recs
        .iter()
        .find(|r| r["key"]["entity"] == "kyiv")
        .expect("kyiv bucket");
    assert_eq!(kyiv["articles"], 3);
    assert_eq!(kyiv["entity"]["source"], "table");
    assert_eq!(kyiv["background"], 3);
    // A query's own entity is left out of its ranking.
    let recs = records(&d, &["count", "Kyiv", "--by", "entity"]);
    assert!(recs.iter().all(|r| r["key"]["entity"] != "kyiv"));
    let out = d.run(&["--index", "idx", "spellings", "Ruritania"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no entity of the alias table"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn tables_csv_and_charts() {
    let d = archive();
    let out = d.run(&[
        "--index", "idx", "--color", "never", "count", "drones", "--by", "year",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert_eq!(
        text,
        "drones: articles by year  4 of 5 articles
year       articles   share
2022              2   50.0%  ██████████████████████████████
2023              0    0.0%
2024              1   25.0%  ███████████████
(undated)         1   25.0%  ███████████████
2022  █ ▅  2024
"
    );
    let out = d.run(&[
        "--index", "idx", "count", "drones", "--by", "source", "--csv",
    ]);
    assert_eq!(
        stdout(&out),
        "source,articles,share\nWire A,2,0.500000\nWire B,2,0.500000\n"
    );
    let out = d.run(&[
        "--index",
        "idx",
        "spellings",
        "kyiv",
        "--by",
        "source",
        "--csv",
    ]);
    assert!(stdout(&out).starts_with("entity,spelling,source,articles,share\nkyiv,"));
    for chart in ["chart.svg", "chart.png"] {
        let out = d.run(&[
            "--index", "idx", "count", "drones", "--by", "month", "--plot", chart,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let bytes = std::fs::read(d.path().join(chart)).unwrap();
        if chart.ends_with(".svg") {
            let svg = String::from_utf8(bytes).unwrap();
            assert!(svg.starts_with("<svg") && svg.contains("drones: articles by month"));
        } else {
            assert_eq!(&bytes[1..4], b"PNG");
        }
    }
    // Bad requests: named, before any work.
    let bad = [
        (
            vec!["count", "drones", "--by", "colour"],
            "`colour` is not a dimension",
        ),
        (vec!["count", "drones", "--by", "year,year"], "must differ"),
        (
            vec!["count", "drones", "--by", "year", "--kind", "person"],
            "--kind applies to --by entity",
        ),
        (
            vec!["count", "drones", "--by", "year", "--plot", "x.gif"],
            "must end in .svg or .png",
        ),
    ];
    for (args, msg) in bad {
        let mut all = vec!["--index", "idx"];
        all.extend(args.iter());
        let out = d.run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(msg), "{args:?}: {}", stderr(&out));
    }
    // Nothing matches: exit 1, the summary says 0.
    let recs = records(&d, &["count", "zeppelins", "--by", "source"]);
    assert_eq!(recs.last().unwrap()["articles"], 0);
}

#[test]
fn batch_reports_every_entry_and_each_bad_line() {
    let d = archive();
    d.write(
        "names.txt",
        "Kyiv\n# a comment\n\nKharkiv\nzeppelins\n\"unclosed\n",
    );
    let out = d.run(&["--index", "idx", "batch", "names.txt", "--json", "-n", "5"]);
    assert_eq!(out.status.code(), Some(2), "a bad line fails the batch");
    assert!(
        stderr(&out).starts_with("gazette: names.txt:6: query: missing delimiter"),
        "{}",
        stderr(&out)
    );
    let recs: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let entries: Vec<(String, u64, Value, Value)> = recs
        .iter()
        .filter(|r| r["type"] == "entry")
        .map(|r| {
            (
                r["label"].as_str().unwrap().to_string(),
                r["hits"].as_u64().unwrap(),
                r["first_date"].clone(),
                r["last_date"].clone(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("Kyiv".into(), 3, json!("2022-03-01"), json!("2022-05-10")),
            (
                "Kharkiv".into(),
                1,
                json!("2024-01-02"),
                json!("2024-01-02")
            ),
            ("zeppelins".into(), 0, Value::Null, Value::Null),
        ]
    );
    // Each passage says which entry found it and how the text spells it.
    let kiev = recs
        .iter()
        .find(|r| r["type"] == "passage" && r["article"]["id"] == "a1")
        .expect("a1's passage");
    assert_eq!(kiev["label"], "Kyiv");
    assert_eq!(kiev["spellings"], json!(["Kiev"]));
    // A CSV list with filter columns; a bad date is reported by line.
    d.write(
        "list.csv",
        "label,query,since\nCapital,Kyiv,2022-04\nSecond city,Kharkiv,\nBad,Odesa,someday\n",
    );
    let out = d.run(&["--index", "idx", "batch", "list.csv", "--csv"]);
    assert_eq!(
        stdout(&out),
        "label,query,hits,first_date,last_date\nCapital,Kyiv,1,2022-05-10,2022-05-10\nSecond city,Kharkiv,1,2024-01-02,2024-01-02\n"
    );
    assert!(
        stderr(&out).contains("list.csv:4: since \"someday\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn export_streams_every_match_with_the_fields_asked_for() {
    let d = archive();
    let out = d.run(&[
        "--index",
        "idx",
        "export",
        "drones",
        "--fields",
        "id,date,passage,entities",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let recs: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    ids.sort();
    assert_eq!(ids, ["a1", "a2", "a3", "a4"]);
    let a2 = recs.iter().find(|r| r["id"] == "a2").unwrap();
    let keys: Vec<&String> = a2.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["type", "id", "date", "passage", "entities"],
        "fields in the order asked"
    );
    assert!(a2["passage"].as_str().unwrap().contains("Drones hit Kyiv"));
    assert!(a2["entities"]
        .as_array()
        .unwrap()
        .contains(&json!({"id": "kyiv", "name": "Kyiv", "kind": "place", "source": "table"})));
    // CSV of the whole archive.
    let out = d.run(&[
        "--index",
        "idx",
        "export",
        "--format",
        "csv",
        "--fields",
        "id,source",
    ]);
    let text = stdout(&out);
    assert!(text.starts_with("id,source\n"));
    assert_eq!(text.lines().count(), 6, "a header and five articles");
    let out = d.run(&[
        "--index",
        "idx",
        "export",
        "drones",
        "--fields",
        "id,colour",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`colour` is not a field"));
}
