//! Re-indexing jobs: incremental runs, the writer lock, searches during a rebuild, and
//! jobs killed at several points.

use std::time::{Duration, Instant};

use crate::util::*;

fn report(d: &Dir, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["index", "corpus", "--index", "idx", "--json"];
    args.extend_from_slice(extra);
    let out = d.run(&args);
    assert!(out.status.code() == Some(0), "{}", stderr(&out));
    serde_json::from_str(stdout(&out).trim()).unwrap()
}

fn counts(r: &serde_json::Value) -> [u64; 5] {
    ["added", "updated", "deleted", "unchanged", "total_articles"].map(|k| r[k].as_u64().unwrap())
}

#[test]
fn incremental_runs_only_do_what_changed() {
    let d = Dir::new();
    d.copy_fixtures("corpus");
    assert_eq!(counts(&report(&d, &[])), [3, 0, 0, 0, 17]);
    let again = report(&d, &[]);
    assert_eq!(counts(&again), [0, 0, 0, 3, 17]);
    assert_eq!(again["articles"], 0, "nothing re-read");

    // Change one file, delete one, add one; touch another without changing it.
    let seed = d.path().join("corpus/000_dd97ec9fae2a9342.txt");
    let text = std::fs::read_to_string(&seed)
        .unwrap()
        .replace("Kiev", "Kyivzzz");
    std::fs::write(&seed, text).unwrap();
    std::fs::remove_file(d.path().join("corpus/001_0c9b0d15cb702e20.txt")).unwrap();
    d.write(
        "corpus/new/late.md",
        "# Late news from Odessa\n\nA ferry left Odessa today.\n",
    );
    let news = d.path().join("corpus/news.jsonl");
    let body = std::fs::read(&news).unwrap();
    std::fs::write(&news, body).unwrap(); // new mtime, same content
    let r = report(&d, &[]);
    assert_eq!(counts(&r), [1, 1, 1, 1, 17], "{r}");
    assert_eq!(r["articles"], 2);

    let ids = |q: &str| article_ids(&d.search_json(&[q, "-n", "100", "--no-group"]).0);
    assert!(ids("Kyivzzz").contains(&"corpus/000_dd97ec9fae2a9342.txt".to_string()));
    assert!(
        ids("NationPress").is_empty(),
        "the deleted file's article is gone"
    );
    assert_eq!(ids("ferry"), ["corpus/new/late.md"]);
    assert!(ids("Odesa").contains(&"corpus/new/late.md".to_string()));
    // A rebuild re-reads everything and ends in the same state.
    let r = report(&d, &["--rebuild"]);
    assert_eq!(counts(&r), [0, 3, 0, 0, 17], "{r}");
    assert_eq!(r["rebuilt"], "--rebuild");
}

#[test]
fn a_file_that_turns_bad_keeps_its_articles() {
    let d = Dir::new();
    d.copy_fixtures("corpus");
    report(&d, &[]);
    // The seed becomes unreadable as an article (binary): its old article stays.
    d.write(
        "corpus/000_dd97ec9fae2a9342.txt",
        b"\0\0\0binary".as_slice(),
    );
    let out = d.run(&["index", "corpus", "--index", "idx", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let r: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(r["failed"][0]["path"], "corpus/000_dd97ec9fae2a9342.txt");
    assert_eq!(r["total_articles"], 17);
    let (recs, _) = d.search_json(&["Klitschko", "--no-group"]);
    assert_eq!(article_ids(&recs), ["corpus/000_dd97ec9fae2a9342.txt"]);
}

#[test]
fn another_alias_table_triggers_a_rebuild() {
    let d = Dir::new();
    d.copy_fixtures("corpus");
    report(&d, &[]);
    let file = d.write(
        "mine.toml",
        "[[entity]]\nid = \"cocoa_board\"\nname = \"Cocobod\"\nkind = \"organisation\"\nspellings = [\"Ghana Cocoa Board\"]\n",
    );
    let r = report(&d, &["--aliases", file.to_str().unwrap()]);
    assert!(
        r["rebuilt"].as_str().unwrap().contains("alias table"),
        "{r}"
    );
    assert_eq!(r["updated"], 3);
}

/// A corpus big enough for a job to take a while: the fixtures' articles repeated under
/// new ids, in several files.
fn big_corpus(d: &Dir, copies: usize) {
    let lines: Vec<String> = std::fs::read_to_string(fixtures().join("news.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    for f in 0..4 {
        let mut out = String::new();
        for c in 0..copies {
            for (i, l) in lines.iter().enumerate() {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["id"] = format!("copy-{f}-{c}-{i}").into();
                out.push_str(&v.to_string());
                out.push('\n');
            }
        }
        d.write(&format!("corpus/part{f}.jsonl"), out);
    }
}

#[test]
fn second_job_stops_at_once_or_waits() {
    let d = Dir::new();
    big_corpus(&d, 60);
    let mut first = d.spawn(&["index", "corpus", "--index", "idx", "--quiet"]);
    // Wait until the first job holds the lock (its lock file exists), then start a second.
    let t = Instant::now();
    while !d.path().join("idx/.gazette-job.lock").exists() && t.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = d.run(&["index", "corpus", "--index", "idx"]);
    let waited = d
        .cmd()
        .args(["index", "corpus", "--index", "idx", "--wait", "--json"])
        .output()
        .unwrap();
    assert!(first.wait().unwrap().success());
    if out.status.code() == Some(2) {
        assert!(
            stderr(&out).contains("another `gazette index` is writing to this index"),
            "{}",
            stderr(&out)
        );
    } else {
        // The first job was already done: then the second simply found nothing to do.
        assert!(out.status.success());
    }
    assert!(waited.status.success(), "{}", stderr(&waited));
    let r: serde_json::Value = serde_json::from_str(stdout(&waited).trim()).unwrap();
    assert_eq!(r["total_articles"], 60 * 15 * 4);
}

#[test]
fn searches_during_a_rebuild_always_get_a_full_answer() {
    let d = Dir::new();
    big_corpus(&d, 40);
    report(&d, &[]);
    let full = d.search_json(&["Kiev", "-n", "5"]).0;
    let hits = summary(&full)["hits"].clone();
    assert!(hits.as_u64().unwrap() > 100);
    let mut job = d.spawn(&["index", "corpus", "--index", "idx", "--rebuild", "--quiet"]);
    let mut searches = 0;
    while job.try_wait().unwrap().is_none() {
        let (recs, code) = d.search_json(&["Kiev", "-n", "5"]);
        assert_eq!(code, 0);
        assert_eq!(summary(&recs)["hits"], hits, "a search saw a partial index");
        searches += 1;
    }
    assert!(job.wait().unwrap().success());
    assert!(searches >= 1);
    let (recs, _) = d.search_json(&["Kiev", "-n", "5"]);
    assert_eq!(summary(&recs)["hits"], hits);
}

#[test]
fn a_killed_job_leaves_the_last_commit_and_the_next_run_finishes() {
    let d = Dir::new();
    big_corpus(&d, 40);
    report(&d, &[]);
    let total = 40 * 15 * 4;
    // Grow the corpus, then kill jobs at several moments.
    d.write(
        "corpus/extra.md",
        "# Extra\n\nAn extra article about Kharkov.\n",
    );
    for delay_ms in [0u64, 30, 120, 400] {
        let mut job = d.spawn(&["index", "corpus", "--index", "idx", "--rebuild", "--quiet"]);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = job.kill(); // SIGKILL
        let _ = job.wait();
        let (recs, code) = d.search_json(&["Kiev", "-n", "1"]);
        assert_eq!(
            code, 0,
            "the index opens and answers after a kill at {delay_ms} ms"
        );
        let out = d.run(&["stats", "--index", "idx", "--json"]);
        let s: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let n = s["articles"].as_u64().unwrap();
        assert!(
            n == total || n == total + 1,
            "old or new state, not partial: {n}"
        );
        assert!(summary(&recs)["hits"].as_u64().unwrap() > 0);
    }
    let r = report(&d, &[]);
    assert_eq!(r["total_articles"], total + 1, "{r}");
    let again = report(&d, &[]);
    assert_eq!(counts(&again), [0, 0, 0, 5, total + 1]);
    // Compactions killed at several moments leave every article searchable.
    let hits = |d: &Dir| {
        let (recs, code) = d.search_json(&["Kharkiv", "-n", "1"]);
        assert_eq!(code, 0);
        summary(&recs)["hits"].as_u64().unwrap()
    };
    let kharkiv = hits(&d);
    for delay_ms in [0u64, 30, 120, 400] {
        let args = [
            "index",
            "corpus",
            "--index",
            "idx",
            "--compact=1",
            "--quiet",
        ];
        let mut job = d.spawn(&args);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = job.kill();
        let _ = job.wait();
        let out = d.run(&["stats", "--index", "idx", "--json"]);
        let s: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(s["articles"], total + 1, "after a kill at {delay_ms} ms");
        assert_eq!(hits(&d), kharkiv, "after a kill at {delay_ms} ms");
    }
    let r = report(&d, &["--compact=1"]);
    assert_eq!(r["compacted"]["segments"], 1, "{r}");
    assert_eq!(counts(&r), [0, 0, 0, 5, total + 1]);
}

/// `--compact=N` merges what several jobs committed into N segments: the same answers,
/// reported, and a second run has nothing to merge.
#[test]
fn compacting_merges_the_segments_and_every_answer_stays() {
    let d = Dir::new();
    d.copy_fixtures("corpus");
    let segments = || {
        let meta = std::fs::read_to_string(d.path().join("idx/meta.json")).unwrap();
        let meta: serde_json::Value = serde_json::from_str(&meta).unwrap();
        meta["segments"].as_array().unwrap().len()
    };
    let first = report(&d, &[]);
    assert!(first["compacted"].is_null(), "{first}");
    // Three more jobs, each committing a segment of its own (the merge policy merges
    // some of them).
    for n in 0..3 {
        d.write(
            &format!("corpus/late/{n}.md"),
            format!("# Ferry {n} leaves Odessa\n\nFerry number {n} left Odessa today.\n"),
        );
        report(&d, &[]);
    }
    let before = segments();
    assert!(before >= 2, "{before} segments");
    let answer = |q: &str| {
        let out = d.run(&["search", q, "--index", "idx", "-n", "100", "--no-group"]);
        let text = stdout(&out);
        // The summary line ends with the time the search took.
        text.lines()
            .filter(|l| !l.contains("matching articles"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let queries = ["Kyiv", "ferry", "Odesa", "prisoner swap"];
    let answers: Vec<String> = queries.iter().map(|q| answer(q)).collect();

    let r = report(&d, &["--compact=1"]);
    assert_eq!(
        (
            r["compacted"]["segments_before"].as_u64(),
            r["compacted"]["segments"].as_u64()
        ),
        (Some(before as u64), Some(1)),
        "{r}"
    );
    assert_eq!(segments(), 1);
    // The merged segments' files are gone.
    let mut ids: Vec<String> = std::fs::read_dir(d.path().join("idx"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            let (id, _) = name.split_once('.')?;
            (id.len() == 32).then(|| id.to_string())
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(
        r["total_articles"],
        first["total_articles"].as_u64().unwrap() + 3
    );
    for (q, a) in queries.iter().zip(&answers) {
        assert_eq!(&answer(q), a, "{q}");
    }
    let again = report(&d, &["--compact=1"]);
    assert_eq!(again["compacted"]["segments_before"], 1, "{again}");
    assert_eq!(again["compacted"]["segments"], 1);

    // The summary line says it too; `--compact` alone asks for one segment per core.
    let out = d.run(&["index", "corpus", "--index", "idx", "--compact"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("; 1 → 1 segments in "),
        "{}",
        stdout(&out)
    );
}
