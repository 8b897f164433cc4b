//! Watch lists: saved watches (add, list, remove, import) kept with the index through a
//! rebuild and an upgrade; alerts across jobs for new, changed, unchanged and deleted
//! articles, never twice per watch, a watch in one spelling alerted by another; CSV
//! quoting of lists and exports; an export larger than any page.

use serde_json::{json, Value};

use crate::util::{stderr, stdout, Dir};

fn line(v: Value) -> String {
    format!("{v}\n")
}

/// a1 Kiev, a2 Kharkiv, a3 nothing watched, a5 Kyiv.
fn first_day() -> String {
    [
        json!({"id":"a1","title":"Drones over Kiev","body":"Air defence worked through the night.","date":"2024-03-01","source":"Wire A","lang":"en"}),
        json!({"id":"a2","title":"Strike","body":"A missile struck Kharkiv on Tuesday.","date":"2024-03-02","source":"Wire A","lang":"en"}),
        json!({"id":"a3","title":"Markets","body":"Shares rose in London.","date":"2024-03-02","source":"Wire B","lang":"en"}),
        json!({"id":"a5","title":"Parliament","body":"Deputies met in Kyiv.","date":"2024-03-03","source":"Wire B","lang":"en"}),
    ]
    .into_iter()
    .map(line)
    .collect()
}

fn run_ok(d: &Dir, args: &[&str]) -> String {
    let out = d.run(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// (watch, article id, change) of each alert record, and the records.
fn alerts(d: &Dir, args: &[&str]) -> (Vec<(String, String, String)>, Vec<Value>) {
    let out = d.run(args);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        stderr(&out)
    );
    let recs: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut keys: Vec<(String, String, String)> = recs
        .iter()
        .map(|r| {
            assert_eq!(r["type"], "alert");
            (
                r["watch"].as_str().unwrap().to_string(),
                r["article"]["id"].as_str().unwrap().to_string(),
                r["change"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    keys.sort();
    (keys, recs)
}

fn key(w: &str, id: &str, change: &str) -> (String, String, String) {
    (w.into(), id.into(), change.into())
}

const JOB: &[&str] = &["index", "corpus", "--index", "idx", "--alerts", "--json"];

#[test]
fn alerts_across_jobs_name_new_and_changed_articles_once() {
    let d = Dir::new();
    d.write("corpus/wire.jsonl", first_day());
    run_ok(&d, &["index", "corpus", "--index", "idx"]);
    run_ok(&d, &["--index", "idx", "watch", "add", "Capital", "Kyiv"]);
    run_ok(
        &d,
        &["--index", "idx", "watch", "add", "Second city", "Kharkiv"],
    );
    // A job that brings nothing alerts on nothing: the articles the index held
    // before the watches are not news.
    let out = d.run(JOB);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "nothing new: nothing printed");
    assert!(
        stderr(&out).contains("0 added"),
        "the report goes to stderr"
    );

    // Second day: a1 unchanged; a2 edited, still on Kharkiv; a3 edited to name the
    // capital in Ukrainian; a4 new, spelling it Kiev; a5 deleted.
    let second = [
        json!({"id":"a1","title":"Drones over Kiev","body":"Air defence worked through the night.","date":"2024-03-01","source":"Wire A","lang":"en"}),
        json!({"id":"a2","title":"Strike","body":"A missile struck Kharkiv on Tuesday; two were hurt.","date":"2024-03-02","source":"Wire A","lang":"en"}),
        json!({"id":"a3","title":"Markets","body":"Shares rose in London. Київ said nothing.","date":"2024-03-02","source":"Wire B","lang":"en"}),
        json!({"id":"a4","title":"Night","body":"Sirens sounded in Kiev at dawn.","date":"2024-03-04","source":"Wire A","lang":"en"}),
    ];
    d.write(
        "corpus/wire.jsonl",
        second.iter().cloned().map(line).collect::<String>(),
    );
    let (keys, recs) = alerts(&d, JOB);
    assert_eq!(
        keys,
        [
            key("Capital", "a3", "changed"),
            key("Capital", "a4", "new"),
            key("Second city", "a2", "changed"),
        ]
    );
    // The record: the watch, the article, its passages with the spelling written.
    let a4 = recs.iter().find(|r| r["article"]["id"] == "a4").unwrap();
    assert_eq!(a4["article"]["title"], "Night");
    assert_eq!(a4["article"]["date"], "2024-03-04");
    let passage = &a4["passages"][0];
    assert_eq!(passage["text"], "Sirens sounded in Kiev at dawn.");
    assert_eq!(passage["spellings"], json!(["Kiev"]));
    assert_eq!(passage["matches"][0]["text"], "Kiev");
    let a3 = recs.iter().find(|r| r["article"]["id"] == "a3").unwrap();
    assert_eq!(a3["passages"][0]["spellings"], json!(["Київ"]));
    // `gazette alerts` shows the last check's alerts again, recording nothing.
    let (again, _) = alerts(&d, &["--index", "idx", "alerts", "--json"]);
    assert_eq!(again, keys);

    // Third day: the same file again, unchanged: nothing. Then a4 edited, still
    // naming Kiev (alerted already: not again), a new a6, and a rebuild.
    let (keys, _) = alerts(&d, JOB);
    assert_eq!(keys, []);
    let mut third: Vec<Value> = second.to_vec();
    third[3]["body"] = json!("Sirens sounded in Kiev at dawn and again at noon.");
    third.push(json!({"id":"a6","title":"Metro","body":"The Kyiv metro sheltered people.","date":"2024-03-05","source":"Wire B","lang":"en"}));
    d.write(
        "corpus/wire.jsonl",
        third.iter().cloned().map(line).collect::<String>(),
    );
    let (keys, _) = alerts(&d, JOB);
    assert_eq!(keys, [key("Capital", "a6", "new")]);
    let (keys, _) = alerts(
        &d,
        &[
            "index",
            "corpus",
            "--index",
            "idx",
            "--rebuild",
            "--alerts",
            "--json",
        ],
    );
    assert_eq!(keys, [], "a rebuild brings nothing new");
    // The article deleted on the second day comes back. It predates the watches and
    // was never alerted on: it is news now, once; gone and back again, it is not.
    third.push(json!({"id":"a5","title":"Parliament","body":"Deputies met in Kyiv.","date":"2024-03-03","source":"Wire B","lang":"en"}));
    d.write(
        "corpus/wire.jsonl",
        third.iter().cloned().map(line).collect::<String>(),
    );
    let (keys, _) = alerts(&d, JOB);
    assert_eq!(keys, [key("Capital", "a5", "new")]);
    d.write(
        "corpus/wire.jsonl",
        third[..third.len() - 1]
            .iter()
            .cloned()
            .map(line)
            .collect::<String>(),
    );
    run_ok(&d, &["index", "corpus", "--index", "idx"]);
    d.write(
        "corpus/wire.jsonl",
        third.iter().cloned().map(line).collect::<String>(),
    );
    let (keys, _) = alerts(&d, JOB);
    assert_eq!(keys, [], "a5 was alerted once for Capital: never again");
    // The terminal form: one heading per watch, then the passages.
    run_ok(&d, &["--index", "idx", "watch", "add", "Metro", "metro"]);
    third[4]["body"] = json!("The Kyiv metro sheltered people all night.");
    d.write(
        "corpus/wire.jsonl",
        third.iter().cloned().map(line).collect::<String>(),
    );
    let out = d.run(&["index", "corpus", "--index", "idx", "--alerts", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "--quiet: no report");
    assert_eq!(
        stdout(&out),
        "Metro  1 changed\n \
         1. Metro\n    \
         Wire B · 2024-03-05 · en · corpus/wire.jsonl · score 1.54\n    \
         The Kyiv metro sheltered people all night.\n\n"
    );
}

#[test]
fn watches_are_listed_replaced_removed_and_kept_through_an_upgrade() {
    let d = Dir::new();
    d.write("corpus/wire.jsonl", first_day());
    run_ok(&d, &["index", "corpus", "--index", "idx"]);
    run_ok(
        &d,
        &[
            "--index", "idx", "watch", "add", "Capital", "Kyiv", "--lang", "en", "--since", "2024",
        ],
    );
    // A list with quoted labels, a filter column and a bad line.
    d.write(
        "leak.csv",
        "label,query,source\n\"Mayor, \"\"Kharkiv\"\"\",Kharkiv,Wire A\nBad,\"(Odesa\",\nCapital,Kyiv,\n",
    );
    let out = d.run(&["--index", "idx", "watch", "import", "leak.csv"]);
    assert_eq!(out.status.code(), Some(2), "a bad line fails the import");
    assert!(
        stderr(&out).contains("leak.csv:3: query: "),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        stdout(&out),
        "1 watches added, 0 replaced, 1 already watched (kept; --replace replaces them), 1 lines not taken\n"
    );
    let list = run_ok(&d, &["--index", "idx", "watch", "list"]);
    assert_eq!(
        list,
        "LABEL             QUERY    FILTERS                   ALERTED\n\
         Capital           Kyiv     lang=en since=2024-01-01  0\n\
         Mayor, \"Kharkiv\"  Kharkiv  source=Wire A             0\n"
    );
    // The same label again: refused, or replaced.
    let out = d.run(&["--index", "idx", "watch", "add", "Capital", "Kiev"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--replace"), "{}", stderr(&out));
    run_ok(
        &d,
        &[
            "--index",
            "idx",
            "watch",
            "add",
            "Capital",
            "Kiev",
            "--replace",
        ],
    );
    // A bad query is refused when added.
    let out = d.run(&["--index", "idx", "watch", "add", "Broken", "\"unclosed"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("watch \"Broken\""),
        "{}",
        stderr(&out)
    );
    let out = d.run(&["--index", "idx", "watch", "remove", "Nobody"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no watch labelled \"Nobody\""));

    // An upgrade: an index of an older Gazette (another schema) holding a1 and a2.
    for e in std::fs::read_dir(d.path().join("idx")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        if !["watches.json", "alerts.json"].contains(&name.as_str()) {
            std::fs::remove_file(&p).unwrap();
        }
    }
    {
        let mut b = tantivy::schema::Schema::builder();
        let id = b.add_text_field("id", tantivy::schema::STRING | tantivy::schema::STORED);
        let title = b.add_text_field("title", tantivy::schema::TEXT);
        let index = tantivy::Index::create_in_dir(d.path().join("idx"), b.build()).unwrap();
        let mut w: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        for a in ["a1", "a2"] {
            w.add_document(tantivy::doc!(id => a, title => "old"))
                .unwrap();
        }
        w.commit().unwrap();
    }
    // a5 edited and a4 new; a1 and a2, which the old index held, are no news.
    let lines = first_day().replace("Deputies met in Kyiv.", "Deputies met in Kyiv again.")
        + &line(
            json!({"id":"a4","title":"Night","body":"Sirens in Kiev.","date":"2024-03-04","lang":"en"}),
        );
    d.write("corpus/wire.jsonl", lines);
    let (keys, _) = alerts(&d, JOB);
    assert_eq!(
        keys,
        [key("Capital", "a4", "new"), key("Capital", "a5", "new")],
        "after the upgrade: what the old index did not hold"
    );
    let list = run_ok(&d, &["--index", "idx", "watch", "list", "--json"]);
    let labels: Vec<Value> = list
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["label"].clone())
        .collect();
    assert_eq!(labels, [json!("Capital"), json!("Mayor, \"Kharkiv\"")]);
    let out = run_ok(&d, &["--index", "idx", "watch", "remove", "Capital"]);
    assert_eq!(out, "watch \"Capital\" removed\n");
    let out = d.run(&["--index", "idx", "alerts", "--json"]);
    assert_eq!(out.status.code(), Some(1), "its alerts went with it");
}

#[test]
fn exports_quote_csv_and_stream_more_than_any_page() {
    let d = Dir::new();
    let mut lines = String::new();
    lines += &line(
        json!({"id":"q1","title":"Kyiv, \"the capital\"","body":"Line one,\nline \"two\" in Kyiv.","date":"2024-01-01","lang":"en"}),
    );
    // More articles than a search fetches at first (200) or any page.
    for i in 0..1_200 {
        lines += &line(
            json!({"id": format!("n{i:04}"), "title": format!("Report {i}"), "body": format!("Drones were seen near Kyiv, report {i}."), "lang":"en"}),
        );
    }
    d.write("corpus/many.jsonl", lines);
    run_ok(&d, &["index", "corpus", "--index", "idx"]);
    let out = run_ok(
        &d,
        &[
            "--index",
            "idx",
            "export",
            "Kyiv",
            "--format",
            "csv",
            "--fields",
            "id,title,body",
        ],
    );
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1_201, "every match, no page limit");
    let mut ids: Vec<&str> = rows.iter().map(|r| r.get(0).unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1_201, "each once");
    let q1 = rows.iter().find(|r| r.get(0) == Some("q1")).unwrap();
    assert_eq!(q1.get(1), Some("Kyiv, \"the capital\""));
    assert_eq!(q1.get(2), Some("Line one,\nline \"two\" in Kyiv."));
    let out = run_ok(&d, &["--index", "idx", "export", "--fields", "id"]);
    assert_eq!(out.lines().count(), 1_201);
}
