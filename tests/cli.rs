//! The command-line contract: indexing reports, exit codes, errors, colour, stats.

use crate::util::*;

#[test]
fn index_reports_what_it_read() {
    let d = Dir::new();
    d.copy_fixtures("corpus");
    d.write("corpus/README.md", "# about this corpus\n");
    d.write("corpus/photo.jpg", [0xffu8, 0xd8, 0xff]);
    d.write(
        "corpus/bad.jsonl",
        "{\"title\": \"ok\", \"body\": \"zanzibarquux\"}\n{not json\n",
    );
    let out = d.run(&["index", "corpus", "--index", "idx", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a failed line makes the job exit 2"
    );
    let rec: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(rec["type"], "index");
    assert_eq!(
        rec["articles"], 18,
        "15 fixture articles, 2 seeds, 1 good line: {rec}"
    );
    assert_eq!(rec["skipped"], 2, "README.md and photo.jpg: {rec}");
    let failed = rec["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["line"], 2);
    assert!(failed[0]["path"].as_str().unwrap().ends_with("bad.jsonl"));
    assert!(
        stderr(&out).contains("bad.jsonl:2: invalid article JSON"),
        "{}",
        stderr(&out)
    );
    // The good articles are searchable all the same.
    let (recs, code) = d.search_json(&["zanzibarquux"]);
    assert_eq!(code, 0);
    assert_eq!(passages(&recs)[0]["article"]["title"], "ok");
}

#[test]
fn exit_codes() {
    let d = Dir::indexed();
    assert_eq!(d.search_json(&["Kiev"]).1, 0);
    assert_eq!(d.search_json(&["zzzyxqnotaword"]).1, 1);
    let out = d.run(&["search", "--index", "idx", "title:(unbalanced"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("gazette: query: "),
        "{}",
        stderr(&out)
    );
    let out = d.run(&["search", "--index", "idx", "nosuchfield:x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown field `nosuchfield:`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn errors_name_the_path_without_backtraces() {
    let d = Dir::new();
    let out = d.run(&["search", "--index", "missing", "Kiev"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("gazette: index missing: no index here"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let out = d.run(&["index", "no/such/dir", "--index", "idx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("gazette: no/such/dir: "),
        "{}",
        stderr(&out)
    );
    d.write("junk/meta.json", "this is not json");
    let out = d.run(&["search", "--index", "junk", "Kiev"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("gazette: index junk: "),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("panicked"));
}

#[test]
fn broken_pipe_exits_zero() {
    let d = Dir::new();
    let line = r#"{"title":"Kiev news","body":"Kiev again and again. Kiev is mentioned. Kiev."}"#;
    let many: String = (0..3000)
        .map(|i| line.replace("news", &format!("news {i}")) + "\n")
        .collect();
    d.write("corpus/many.jsonl", many);
    assert!(d
        .run(&["index", "corpus", "--index", "idx"])
        .status
        .success());
    let bin = assert_cmd::cargo::cargo_bin("gazette");
    let out = std::process::Command::new("bash")
        .current_dir(d.path())
        .arg("-c")
        .arg(format!("'{}' search Kiev --index idx -n 3000 --json | head -c 100 >/dev/null; exit ${{PIPESTATUS[0]}}", bin.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let d = Dir::indexed();
    let esc = |o: &std::process::Output| stdout(o).contains('\u{1b}');
    assert!(esc(&d.run(&[
        "search", "--index", "idx", "--color", "always", "Kiev"
    ])));
    assert!(!esc(
        &d.run(&["search", "--index", "idx", "--color", "never", "Kiev"])
    ));
    // Not a terminal: auto means no colour, and NO_COLOR agrees.
    assert!(!esc(&d.run(&["search", "--index", "idx", "Kiev"])));
    let out = d
        .cmd()
        .env("NO_COLOR", "1")
        .args(["search", "--index", "idx", "Kiev"])
        .output()
        .unwrap();
    assert!(!esc(&out));
}

#[test]
fn terminal_output_shows_rank_title_and_passage() {
    let d = Dir::indexed();
    let out = d.run(&[
        "search",
        "--index",
        "idx",
        "--color",
        "never",
        "-n",
        "1",
        "Kiev prisoner swap",
    ]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0], " 1. Russia launches missile strikes on Kiev hours after largest prisoner swap",
        "{text}"
    );
    assert!(
        lines[1].starts_with("    en · corpus/000_dd97ec9fae2a9342.txt · score "),
        "{text}"
    );
    assert_eq!(lines[2], "    +1 similar: NationPress (May 24)", "{text}");
    assert!(lines[3].starts_with("    Russia launched drone and missile strikes on Kiev ⟨Kyiv⟩ hours after the largest prisoner swap"), "{text}");
    assert_eq!(lines[4], "");
    assert!(
        lines[5].starts_with("1 passage from 11 matching articles ("),
        "{text}"
    );
}

#[test]
fn search_builds_the_default_index_on_first_use() {
    let d = Dir::new();
    d.copy_fixtures("corpus");
    std::fs::create_dir(d.path().join("index")).unwrap();
    let out = d.run(&["search", "Kyiv", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1);
    assert!(stderr(&out).contains("building it from corpus/"));
    let out = d.run(&["search", "Kyiv", "--json"]);
    assert!(
        stderr(&out).is_empty(),
        "second run uses the index: {}",
        stderr(&out)
    );
}

#[test]
fn stats_counts_languages_and_sources() {
    let d = Dir::indexed();
    let out = d.run(&["stats", "--index", "idx", "--json"]);
    assert!(out.status.success());
    let s: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(s["articles"], 17);
    let langs: std::collections::HashMap<String, u64> = s["langs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b[0].as_str().unwrap().to_string(), b[1].as_u64().unwrap()))
        .collect();
    assert_eq!(langs.get("en"), Some(&9), "{langs:?}");
    assert_eq!(langs.get("ru"), Some(&4), "{langs:?}");
    assert_eq!(langs.get("uk"), Some(&4), "{langs:?}");
    assert!(s["size_bytes"].as_u64().unwrap() > 0);
    assert!(s["info"]["built_at"].as_u64().unwrap() > 1_700_000_000);
    let human = stdout(&d.run(&["stats", "--index", "idx"]));
    assert!(human.contains("articles   17"), "{human}");
}

#[test]
fn first_searches_started_together_both_get_full_answers() {
    let d = Dir::new();
    d.copy_fixtures("corpus");
    std::fs::create_dir(d.path().join("index")).unwrap();
    let spawn = || d.run(&["search", "Kyiv", "--json", "--no-group"]);
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().unwrap(), b.join().unwrap())
    });
    for out in [a, b] {
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(!stderr(&out).contains("stale"), "{}", stderr(&out));
        let last = stdout(&out).lines().last().unwrap().to_string();
        let s: serde_json::Value = serde_json::from_str(&last).unwrap();
        assert_eq!(s["hits"], 11, "{s}");
    }
}
