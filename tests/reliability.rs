//! Hostile input, broken indexes and bad queries: clear errors naming the file (and
//! line), nothing lost, never a panic.

use crate::util::hostile;
use crate::util::*;

#[test]
fn hostile_corpus_is_reported_and_the_good_articles_are_indexed() {
    let d = Dir::new();
    let corpus = d.path().join("corpus");
    let h = hostile::generate(&corpus, 20_000);
    let out = d.run(&["index", "corpus", "--index", "idx", "--json"]);
    assert_eq!(out.status.code(), Some(2), "some files failed: exit 2");
    let r: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(r["total_articles"], h.good as u64, "{r}");
    assert_eq!(r["skipped"], h.skipped as u64, "{r}");
    let failed = r["failed"].as_array().unwrap();
    for (path, line, reason) in &h.failed {
        let hit = failed.iter().find(|f| {
            f["path"].as_str().unwrap().ends_with(path)
                && f["line"].as_u64().map(|l| l as usize) == *line
        });
        let f = hit.unwrap_or_else(|| panic!("{path}:{line:?} not reported in {failed:#?}"));
        assert!(f["error"].as_str().unwrap().contains(reason), "{f}");
        assert!(
            f["error"].as_str().unwrap().contains(path),
            "the error names the file: {f}"
        );
    }
    assert_eq!(failed.len(), h.failed.len(), "{failed:#?}");
    // Each failure is one line on stderr.
    assert_eq!(
        stderr(&out).lines().count(),
        h.failed.len(),
        "{}",
        stderr(&out)
    );
    // Every good article is searchable.
    let (recs, code) = d.search_json(&["hostilegood", "-n", "1"]);
    assert_eq!(code, 0);
    assert_eq!(summary(&recs)["hits"], h.good as u64);
    // Invalid UTF-8 was decoded with U+FFFD: the rest of the article is searchable.
    let (recs, _) = d.search_json(&["Latin"]);
    assert_eq!(passages(&recs)[0]["article"]["path"], "corpus/latin1.txt");
    // A second run finds nothing new, keeps reporting the bad files, loses nothing.
    let out = d.run(&["index", "corpus", "--index", "idx", "--json"]);
    let r: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(r["total_articles"], h.good as u64);
    assert_eq!(r["articles"], 0);
}

#[test]
fn broken_indexes_give_one_clear_line() {
    let d = Dir::indexed();
    let check = |index: &str, expect: &str| {
        let out = d.run(&["search", "--index", index, "Kiev"]);
        assert_eq!(out.status.code(), Some(2), "{index}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with(&format!("gazette: index {index}")), "{err}");
        assert!(err.contains(expect), "{err}");
        assert!(
            !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
            "{err}"
        );
    };
    // Another program's tantivy index.
    {
        let mut b = tantivy::schema::Schema::builder();
        b.add_text_field("text", tantivy::schema::TEXT);
        std::fs::create_dir(d.path().join("other")).unwrap();
        tantivy::Index::create_in_dir(d.path().join("other"), b.build()).unwrap();
    }
    check("other", "not a Gazette index");
    // Garbage meta.json.
    d.write("garbage/meta.json", "{ not json");
    check("garbage", "gazette index --rebuild");
    // A truncated segment file.
    let copy = d.path().join("trunc");
    std::fs::create_dir(&copy).unwrap();
    for e in std::fs::read_dir(d.path().join("idx")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), copy.join(e.file_name())).unwrap();
    }
    for e in std::fs::read_dir(&copy).unwrap() {
        let p = e.unwrap().path();
        let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
        if matches!(ext, "idx" | "store" | "term" | "pos") {
            let len = std::fs::metadata(&p).unwrap().len();
            let f = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
            f.set_len(len / 3).unwrap();
        }
    }
    check("trunc", "rebuild");
    // And a rebuild repairs it.
    let out = d.run(&["index", "corpus", "--index", "trunc", "--rebuild"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        d.run(&["search", "--index", "trunc", "Kiev"]).status.code(),
        Some(0)
    );
}

#[test]
fn bad_queries_give_clear_errors_or_sensible_results() {
    let d = Dir::indexed();
    let err = |q: &str| {
        let out = d.run(&["search", "--index", "idx", q]);
        assert_eq!(out.status.code(), Some(2), "{q:.40}");
        let e = stderr(&out);
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.starts_with("gazette: query: "), "{e}");
        e
    };
    assert!(err("\"prisoner swap").contains("at character"));
    assert!(err("(Kiev OR Kyiv").contains("at character"));
    assert!(err("nosuch:Kiev").contains("unknown field"));
    assert!(err("   ").contains("empty"));
    let long = "Kiev ".repeat(20_000);
    assert!(err(&long).contains("the limit is 10000"));
    let deep = format!("{}Kiev{}", "(".repeat(200), ")".repeat(200));
    assert!(err(&deep).contains("nested more than"));
    assert!(err("!!! ??? ...").contains("has no words to search for"));
    // A long but legal query works.
    let out = d.run(&["search", "--index", "idx", &"Kiev Kharkov ".repeat(300)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Runs the binary as the unprivileged user `nobody` (tests run as root here, and root
/// reads and writes everything): `None` where that is not possible.
fn as_nobody(d: &Dir, args: &[&str]) -> Option<std::process::Output> {
    let setpriv = std::path::Path::new("/usr/bin/setpriv");
    let root = std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
    if !root || !setpriv.exists() {
        return None;
    }
    let bin = assert_cmd::cargo::cargo_bin("gazette");
    // nobody must reach the binary and the test folder.
    let mut p = Some(bin.as_path());
    while let Some(dir) = p.and_then(|p| p.parent()) {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir).ok()?.permissions().mode();
        if mode & 0o001 == 0 {
            return None;
        }
        p = Some(dir);
    }
    std::process::Command::new(setpriv)
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(&bin)
        .args(args)
        .current_dir(d.path())
        .env_clear()
        .output()
        .ok()
}

#[test]
fn permission_denied_and_read_only_indexes_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let d = Dir::indexed();
    let open = |p: &std::path::Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    open(d.path(), 0o777);
    d.write("corpus/secret.txt", "Secret\nNobody may read this.\n");
    open(&d.path().join("corpus/secret.txt"), 0o000);
    d.write(
        "corpus/locked/inside.txt",
        "Locked\nInside a closed folder.\n",
    );
    open(&d.path().join("corpus/locked"), 0o000);
    // The index belongs to root: unreadable for nobody at first, then readable but not
    // writable.
    let Some(out) = as_nobody(&d, &["search", "--index", "idx", "Kiev", "--json"]) else {
        eprintln!("skipped: cannot run as nobody here");
        return;
    };
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("permission denied reading it"),
        "{}",
        stderr(&out)
    );
    for e in std::fs::read_dir(d.path().join("idx")).unwrap() {
        open(&e.unwrap().path(), 0o644);
    }
    // Readable but read-only: tantivy must write a lock file even to read; one line
    // says so.
    let out = as_nobody(&d, &["search", "--index", "idx", "Kiev", "--json"]).unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("gazette: index idx: cannot take tantivy's lock file"),
        "{err}"
    );
    assert!(err.contains("make the folder writable"), "{err}");
    // Indexing into it fails with one line naming the index.
    let out = as_nobody(&d, &["index", "corpus", "--index", "idx"]).unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("gazette: idx/.gazette-job.lock: Permission denied"),
        "{err}"
    );
    // Into a fresh index, unreadable files and folders are reported and the rest indexed.
    let out = as_nobody(&d, &["index", "corpus", "--index", "mine", "--json"]).unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let failed: Vec<String> = r["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["error"].as_str().unwrap().to_string())
        .collect();
    assert!(
        failed
            .iter()
            .any(|e| e.contains("corpus/secret.txt") && e.contains("Permission denied")),
        "{failed:?}"
    );
    assert!(
        failed
            .iter()
            .any(|e| e.contains("corpus/locked") && e.contains("Permission denied")),
        "{failed:?}"
    );
    assert_eq!(r["total_articles"], 17, "{r}");
}
