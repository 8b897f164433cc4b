//! Trust: every matching article reaches the reader (headlines without a body, queries
//! of filters only, folding, paging), and adding to the archive never removes from it
//! (roots, missing disks, a full disk, an empty index).

use std::collections::BTreeSet;
use std::path::Path;

use gazette::analysis::AliasTable;
use gazette::index::GazetteIndex;
use gazette::job::{self, IndexOptions};
use gazette::search::{self, Filters, Grouping, SearchOptions, Sort};
use serde_json::Value;

use crate::util::{passages, stderr, stdout, summary, Dir};

/// Three wire items: two headlines without a body (one says Kiev, one Kyiv), one with.
const WIRE: &str = r#"{"id":"w1","title":"Kiev shelled overnight","source":"wire","date":"2024-05-01"}
{"id":"w2","title":"Strikes hit Kyiv","source":"wire","date":"2024-05-02"}
{"id":"w3","title":"Summit ends","source":"wire","date":"2024-05-03","body":"Leaders met in Kyiv on Monday and agreed on nothing."}
"#;

#[test]
fn headline_only_articles_answer_with_their_title() {
    let d = Dir::new();
    d.write("wire/w.jsonl", WIRE);
    assert!(d.run(&["index", "wire", "--index", "idx"]).status.success());
    let text = stdout(&d.run(&["search", "Kiev", "--index", "idx", "--color", "never"]));
    assert!(
        text.ends_with("3 passages from 3 matching articles")
            || text.contains("3 passages from 3 matching articles ("),
        "{text}"
    );
    assert!(
        text.contains("    title: Kiev ⟨Kyiv⟩ shelled overnight\n"),
        "{text}"
    );
    let (recs, code) = d.search_json(&["Kiev"]);
    assert_eq!(code, 0);
    let ps = passages(&recs);
    assert_eq!(ps.len(), 3, "{recs:?}");
    let by_id = |id: &str| *ps.iter().find(|p| p["article"]["id"] == id).unwrap();
    let w1 = by_id("w1");
    assert_eq!(w1["field"], "title");
    assert_eq!(w1["text"], "Kiev shelled overnight");
    assert_eq!(
        (w1["start"].as_u64(), w1["end"].as_u64()),
        (Some(0), Some(22))
    );
    assert_eq!(crate::util::spans(w1, "matches"), ["Kiev"]);
    assert_eq!(w1["entities"][0]["id"], "kyiv");
    assert_eq!(by_id("w2")["field"], "title");
    assert_eq!(crate::util::spans(by_id("w2"), "matches"), ["Kyiv"]);
    assert_eq!(by_id("w3")["field"], "body");
    // Two headlines that share only a name are not one story.
    assert!(ps.iter().all(|p| p["same_story_as"].is_null()));
    // A match in the title only: the title, then the lead.
    let (recs, _) = d.search_json(&["summit"]);
    let fields: Vec<&str> = passages(&recs)
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "body"]);
    assert_eq!(
        passages(&recs)[1]["text"],
        "Leaders met in Kyiv on Monday and agreed on nothing."
    );
    // A query of filters only answers with every article's lead (or its title).
    let (recs, _) = d.search_json(&["source:wire", "--sort", "date"]);
    let got: Vec<(String, String)> = passages(&recs)
        .iter()
        .map(|p| {
            (
                p["article"]["id"].as_str().unwrap().to_string(),
                p["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [("w3", "body"), ("w2", "title"), ("w1", "title")];
    assert_eq!(
        got,
        want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec()
    );
}

#[test]
fn an_empty_index_answers_none_of_none() {
    let d = Dir::new();
    d.write("empty/README.md", "nothing");
    assert!(d
        .run(&["index", "empty", "--index", "idx"])
        .status
        .success());
    let out = d.run(&["search", "Kiev", "--index", "idx", "--color", "never"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("0 passages from 0 matching articles"));
    assert_eq!(stderr(&out), "");
    let (recs, code) = d.search_json(&["Kiev"]);
    assert_eq!((code, summary(&recs)["hits"].as_u64()), (1, Some(0)));
}

#[test]
fn an_index_inside_the_archive_is_not_read_as_articles() {
    let d = Dir::new();
    d.write("archive/a.jsonl", WIRE);
    assert!(d
        .run(&["index", "archive", "--index", "archive/idx"])
        .status
        .success());
    // The index now lies in the folder it indexes: a job over it reads no index file.
    let out = d.run(&["index", "archive", "--index", "archive/idx", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rep: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rep["failed"], serde_json::json!([]), "{rep}");
    assert_eq!(
        (rep["unchanged"].as_u64(), rep["skipped"].as_u64()),
        (Some(1), Some(0))
    );
}

fn roots_json(d: &Dir) -> Vec<Value> {
    stdout(&d.run(&["roots", "--json", "--index", "idx"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn total(d: &Dir) -> u64 {
    let out = d.run(&["stats", "--json", "--index", "idx"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["articles"].as_u64().unwrap()
}

#[test]
fn indexing_a_new_folder_keeps_the_others() {
    let d = Dir::new();
    d.write("day1/a.jsonl", WIRE);
    d.write(
        "day2/b.txt",
        "Odesa port reopens\n\nThe port of Odessa reopened.\n",
    );
    let out = d.run(&["index", "day1", "--index", "idx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = d.run(&["index", "day2", "--index", "idx", "--json"]);
    let rep: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (rep["added"].as_u64(), rep["deleted"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(rep["total_articles"], 4);
    let roots = roots_json(&d);
    let listed: Vec<(&str, u64)> = roots
        .iter()
        .map(|r| (r["root"].as_str().unwrap(), r["articles"].as_u64().unwrap()))
        .collect();
    assert_eq!(listed, [("day1", 3), ("day2", 1)]);
    assert!(stdout(&d.run(&["stats", "--index", "idx"]))
        .contains("roots\n        3  day1\n        1  day2\n"));
    // The same root in another spelling, or from another directory, is the same root.
    let out = d.run(&["index", "./day1/", "--index", "idx", "--json"]);
    let rep: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (rep["unchanged"].as_u64(), rep["added"].as_u64()),
        (Some(1), Some(0))
    );
    let out = d
        .cmd()
        .current_dir(d.path().join("day2"))
        .args(["index", "--index", "../idx", "--json"])
        .output()
        .unwrap();
    let rep: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (rep["unchanged"].as_u64(), rep["total_articles"].as_u64()),
        (Some(2), Some(4)),
        "{}",
        stderr(&out)
    );
    assert_eq!(roots_json(&d).len(), 2);
    // No path: every root is walked again; a file gone from a walked root goes.
    std::fs::remove_file(d.path().join("day2/b.txt")).unwrap();
    let out = d.run(&["index", "--index", "idx", "--json"]);
    let rep: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (rep["deleted"].as_u64(), rep["total_articles"].as_u64()),
        (Some(1), Some(3))
    );
    assert_eq!(total(&d), 3);
}

#[test]
fn a_missing_root_keeps_its_articles_and_fails_the_job() {
    let d = Dir::new();
    d.write("day1/a.jsonl", WIRE);
    d.write(
        "day2/b.txt",
        "Odesa port reopens\n\nThe port of Odessa reopened.\n",
    );
    assert!(d.run(&["index", "day1", "--index", "idx"]).status.success());
    assert!(d.run(&["index", "day2", "--index", "idx"]).status.success());
    // The disk holding day1 is not mounted at 3 a.m.
    std::fs::rename(d.path().join("day1"), d.path().join("unmounted")).unwrap();
    d.write("day2/c.txt", "Kharkiv\n\nNews from Kharkov.\n");
    let out = d.run(&["index", "--index", "idx", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let rep: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rep["failed"][0]["path"], "day1");
    assert_eq!(
        rep["failed"][0]["error"],
        "root day1: not found (not mounted, moved or deleted?); its 3 articles are kept"
    );
    assert_eq!(
        (rep["added"].as_u64(), rep["deleted"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(rep["total_articles"], 5);
    assert!(stderr(&out).contains("gazette: root day1: not found"));
    let roots = roots_json(&d);
    assert_eq!(roots[0]["present"], false);
    assert_eq!(roots[0]["articles"], 3);
    // A rebuild would lose them: refused, and the index stays as it was.
    let out = d.run(&["index", "--rebuild", "--index", "idx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("rebuilding now would lose its 3 articles"),
        "{}",
        stderr(&out)
    );
    assert_eq!(total(&d), 5);
    // Back again: nothing to do for it.
    std::fs::rename(d.path().join("unmounted"), d.path().join("day1")).unwrap();
    let out = d.run(&["index", "--index", "idx", "--json"]);
    assert!(out.status.success());
    let rep: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (rep["unchanged"].as_u64(), rep["added"].as_u64()),
        (Some(3), Some(0))
    );
    // Removing a root is explicit.
    let out = d.run(&["roots", "remove", "day1", "--index", "idx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "idx: removed day1; 1 files and their articles deleted; 2 articles in the index\n"
    );
    assert_eq!(roots_json(&d).len(), 1);
    let out = d.run(&["roots", "remove", "nowhere", "--index", "idx"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "gazette: nowhere is not a root of index idx (its roots: day2); see `gazette roots`\n"
    );
    // An unreadable folder inside a root keeps what the index has under it.
    let (recs, _) = d.search_json(&["Odessa"]);
    assert_eq!(passages(&recs).len(), 1);
}

#[test]
fn an_index_from_before_roots_had_a_base_keeps_working() {
    let d = Dir::new();
    d.write("corpus/a.jsonl", WIRE);
    assert!(d.run(&["index", "--index", "idx"]).status.success());
    // Rewrite the commit's payload as Gazette wrote it before: roots as typed, no base.
    let meta_path = d.path().join("idx/meta.json");
    let mut meta: Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    let mut info: Value = serde_json::from_str(meta["payload"].as_str().unwrap()).unwrap();
    info.as_object_mut().unwrap().remove("base");
    info["roots"] = serde_json::json!(["corpus"]);
    meta["payload"] = Value::String(info.to_string());
    std::fs::write(&meta_path, meta.to_string()).unwrap();
    let out = d.run(&["index", "--index", "idx", "--json"]);
    let rep: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            rep["unchanged"].as_u64(),
            rep["added"].as_u64(),
            rep["total_articles"].as_u64()
        ),
        (Some(1), Some(0), Some(3)),
        "{}",
        stderr(&out)
    );
}

/// Mounts a tmpfs of `kb` KiB at `dir`; false where this machine cannot (not root, no
/// mount in the sandbox).
fn mount_tmpfs(dir: &Path, kb: u64) -> bool {
    std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={kb}k"), "tmpfs"])
        .arg(dir)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn a_full_disk_fails_in_one_line_and_leaves_the_last_commit() {
    let d = Dir::new();
    let small = d.path().join("small");
    std::fs::create_dir_all(&small).unwrap();
    if !mount_tmpfs(&small, 1024) {
        eprintln!("skipped: cannot mount a tmpfs here (needs root and mount)");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(&small);
    d.write("small/day1/a.jsonl", WIRE);
    let run = |args: &[&str]| d.cmd().current_dir(&small).args(args).output().unwrap();
    assert!(run(&["index", "day1", "--index", "idx"]).status.success());
    // 2.3 MB of articles (outside the small disk) do not fit in what is left of 1 MB.
    let big = d.path().join("big");
    std::fs::create_dir_all(&big).unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for f in ["news-en.jsonl", "telegram-ru.jsonl", "bruk-uk.jsonl"] {
        std::fs::copy(corpus.join(f), big.join(f)).unwrap();
    }
    // The index's segment files (not its lock files or meta.json).
    let segment_files = || -> BTreeSet<String> {
        std::fs::read_dir(small.join("idx"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.') && n != "meta.json")
            .collect()
    };
    let files_before = segment_files();
    let out = run(&[
        "index",
        big.to_str().unwrap(),
        "--index",
        "idx",
        "--memory",
        "15",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("gazette: index idx: no space left on the device (this job reads 2."),
        "{err}"
    );
    assert!(err.contains("nothing was committed"), "{err}");
    // What it wrote is gone; the last commit answers.
    assert_eq!(files_before, segment_files());
    let out = run(&["search", "Kiev", "--index", "idx", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(r#""hits":3"#));
    // The next job runs normally (the failed root was never recorded).
    d.write("small/day1/b.txt", "Lviv\n\nNews from Lvov.\n");
    let out = run(&["index", "--index", "idx", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rep: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rep["total_articles"], 4);
}

/// How far the property test pages through each answer.
const PAGED: usize = 40;

/// The property: for any query, filters and mode, the articles of a large enough answer
/// are exactly the matching articles (the `hits`), apart from repeats folded into a
/// shown article's `similar`; and pages of any size concatenate to the large answer.
#[test]
fn every_matching_article_is_shown_and_pages_lose_nothing() {
    let d = Dir::new();
    d.write("extra/headlines.jsonl", WIRE);
    d.write(
        "extra/posts.jsonl",
        concat!(
            r#"{"id":"p1","title":"Вибухи у Києві","lang":"uk","date":"2024-06-01"}"#,
            "\n",
            r#"{"id":"p2","title":"В Киеве слышны взрывы","lang":"ru","date":"2024-06-02"}"#,
            "\n",
            r#"{"id":"p3","title":"Zelensky visits Kharkiv","date":"2024-06-03","source":"wire"}"#,
            "\n",
        ),
    );
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let idx = d.path().join("idx");
    let table = AliasTable::builtin();
    let opts = IndexOptions {
        roots: vec![corpus, d.path().join("extra")],
        ..IndexOptions::default()
    };
    job::run(&idx, table.clone(), &opts, &|_| {}).unwrap();
    let gi = GazetteIndex::open(&idx, table).unwrap();

    let words = [
        "Kiev",
        "Kyiv",
        "Київ",
        "Киев",
        "Kijów",
        "Kiew",
        "Києві",
        "Харків",
        "Kharkov",
        "Odessa",
        "Zelensky",
        "Зеленский",
        "war",
        "said",
        "strikes",
        "україна",
        "война",
        "summit",
        "Lviv",
        "oil",
    ];
    let shapes: [fn(&str, &str) -> String; 10] = [
        |a, _| a.to_string(),
        |a, b| format!("{a} {b}"),
        |a, b| format!("{a} AND {b}"),
        |a, b| format!("{a} -{b}"),
        |a, b| format!("\"{a} {b}\""),
        |a, _| format!("title:{a}"),
        |a, _| format!("body:{a} lang:en"),
        |a, _| format!("+{a} +lang:uk"),
        |a, _| format!("{}*", a.chars().take(4).collect::<String>()),
        |a, b| format!("({a} OR {b}) -source:bbc"),
    ];
    let mut queries: Vec<String> = Vec::new();
    for (i, a) in words.iter().enumerate() {
        for (j, shape) in shapes.iter().enumerate() {
            let b = words[(i * 7 + j * 3 + 1) % words.len()];
            queries.push(shape(a, b));
        }
    }
    queries.extend(
        [
            "\"Krivoy Rog\"",
            "\"prisoner swap\"",
            "source:wire",
            "lang:uk",
        ]
        .map(String::from),
    );
    let filters = |k: usize| -> Filters {
        match k % 5 {
            0 => Filters::default(),
            1 => Filters {
                langs: vec!["ru".into(), "uk".into()],
                ..Filters::default()
            },
            2 => Filters {
                since: gazette::index::parse_date("2017-01"),
                ..Filters::default()
            },
            3 => Filters {
                entity: Some("kyiv".into()),
                ..Filters::default()
            },
            _ => Filters {
                until: gazette::index::parse_date("2024-11-20"),
                source: Some("telegram".into()),
                ..Filters::default()
            },
        }
    };
    let mut checked = 0;
    let mut nonempty = 0;
    for (k, q) in queries.iter().enumerate() {
        for exact in [false, true] {
            let base = SearchOptions {
                query: q.clone(),
                exact,
                filters: filters(k + exact as usize),
                sort: if k % 3 == 0 {
                    Sort::Date
                } else {
                    Sort::Relevance
                },
                ..SearchOptions::default()
            };
            let all_ids: BTreeSet<String> = search::matching_ids(&gi, &base)
                .unwrap_or_else(|e| panic!("{q}: {e}"))
                .into_iter()
                .collect();
            let large = |group: Grouping, per_article: usize| {
                let mut o = base.clone();
                o.limit = 100_000;
                o.group = group;
                o.similar_listed = usize::MAX;
                o.passages.per_article = per_article;
                search::search(&gi, &o).unwrap()
            };
            // JSON (every passage kept): exactly the matching articles.
            let json = large(Grouping::Annotate, 2);
            assert_eq!(json.total_articles, all_ids.len(), "{q} exact={exact}");
            let shown: BTreeSet<String> = json.hits.iter().map(|h| h.article.id.clone()).collect();
            assert_eq!(shown, all_ids, "{q} exact={exact}: shown ≠ hits");
            // Terminal (folded): shown plus folded repeats, none both.
            let folded = large(Grouping::Fold, 2);
            let shown: BTreeSet<String> =
                folded.hits.iter().map(|h| h.article.id.clone()).collect();
            let similar: BTreeSet<String> = folded
                .hits
                .iter()
                .flat_map(|h| h.similar.iter().map(|a| a.id.clone()))
                .collect();
            assert!(shown.is_disjoint(&similar), "{q}: folded and shown");
            let union: BTreeSet<String> = shown.union(&similar).cloned().collect();
            assert_eq!(union, all_ids, "{q} exact={exact}: folded answer ≠ hits");
            // Pages: concatenated, the large answer; with one passage per article no
            // article twice.
            let one = large(Grouping::Annotate, 1);
            let key = |h: &search::Hit| (h.article.id.clone(), h.field, h.start);
            let want: Vec<_> = one.hits.iter().map(key).collect();
            let size = 3 + k % 5;
            let mut got = Vec::new();
            let mut offset = 0;
            loop {
                let mut o = base.clone();
                o.limit = size;
                o.offset = offset;
                o.group = Grouping::Annotate;
                o.passages.per_article = 1;
                let page = search::search(&gi, &o).unwrap();
                if page.hits.is_empty() {
                    break;
                }
                for (i, h) in page.hits.iter().enumerate() {
                    assert_eq!(h.rank, offset + i + 1);
                }
                got.extend(page.hits.iter().map(key));
                offset += size;
                // Pages cost in proportion to their offset: the first forty passages
                // tell whether paging loses or repeats anything.
                if offset >= PAGED {
                    break;
                }
            }
            let upto = want.len().min(got.len().max(PAGED.min(want.len())));
            assert_eq!(got, want[..upto], "{q} exact={exact}: pages of {size}");
            let distinct: BTreeSet<_> = got.iter().map(|k| k.0.clone()).collect();
            assert_eq!(distinct.len(), got.len(), "{q}: an article twice");
            checked += 1;
            nonempty += usize::from(!all_ids.is_empty());
        }
    }
    assert!(checked >= 400, "{checked} queries");
    assert!(
        nonempty >= checked / 3,
        "only {nonempty} of {checked} queries matched"
    );
}
