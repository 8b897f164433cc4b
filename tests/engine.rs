//! Exports to distributed engines. Manticore / Sphinx end to end: the bundled corpus in
//! two shards, two `searchd` nodes on loopback ports, the distributed table queried over
//! SphinxQL with the alias query set, answering the same articles as Gazette (skipped,
//! with a message, where Debian's `sphinxsearch` and a MySQL client are absent).
//! OpenSearch: settings and mappings against a golden file, bulk files against the
//! `_bulk` format and their size bound.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::{stderr, stdout, Dir};

/// The alias query set: every spelling of Kyiv, Kharkiv, Odesa and Zelensky the issue
/// names, and a phrase of two words in another script.
const QUERIES: &[&str] = &[
    "Kiev",
    "Kyiv",
    "Київ",
    "Киев",
    "Kiew",
    "Kijów",
    "Києві",
    "Kharkiv",
    "Kharkov",
    "Харків",
    "Харьков",
    "Odesa",
    "Odessa",
    "Одеса",
    "Одесса",
    "Zelensky",
    "Zelenskyy",
    "Зеленський",
    "Зеленский",
    "\"Krivoy Rog\"",
];

/// The repository's bundled corpus, indexed in a temporary folder.
fn bundled() -> Dir {
    let d = Dir::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    copy_dir(&src, &d.path().join("corpus"));
    let out = d.run(&["index", "corpus", "--index", "idx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    d
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

/// The ids Gazette matches for `query` (every one: `export`).
fn gazette_ids(d: &Dir, query: &str) -> BTreeSet<String> {
    let out = d.run(&["--index", "idx", "export", query, "--fields", "id"]);
    assert!(out.status.success(), "{query}: {}", stderr(&out));
    stdout(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn on_path(tool: &str) -> bool {
    Command::new(tool)
        .arg("--help")
        .output()
        .is_ok_and(|o| o.status.code().is_some())
}

/// Two consecutive free loopback ports, twice (binary protocol, SphinxQL).
fn free_ports() -> (u16, u16) {
    let pair = |avoid: u16| loop {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let p = l.local_addr().unwrap().port();
        drop(l);
        if p < 65_000
            && p.abs_diff(avoid) > 2
            && std::net::TcpListener::bind(("127.0.0.1", p + 1)).is_ok()
        {
            return p;
        }
    };
    let a = pair(0);
    (a, pair(a))
}

/// Stops a `searchd` node when the test ends, however it ends.
struct Node(PathBuf);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = Command::new("searchd")
            .arg("--config")
            .arg(&self.0)
            .arg("--stopwait")
            .output();
    }
}

fn sphinxql(port: u16, query: &str) -> Option<BTreeSet<String>> {
    let out = Command::new("mysql")
        .args(["-h", "127.0.0.1", "-P", &port.to_string(), "-N", "-B", "-e"])
        .arg(format!(
            "SELECT article_id FROM gazette WHERE MATCH('{}') LIMIT 10000 OPTION max_matches=10000",
            query.replace('\'', "\\'")
        ))
        .output()
        .ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    })
}

#[test]
fn a_two_node_sphinx_cluster_answers_the_alias_queries_as_gazette_does() {
    if !on_path("searchd") || !on_path("indexer") || !on_path("mysql") {
        eprintln!(
            "skipped: searchd, indexer (Debian's sphinxsearch) or a mysql client is not installed"
        );
        return;
    }
    let d = bundled();
    let (p0, p1) = free_ports();
    let agent = format!("127.0.0.1:{p1}");
    let out = d.run(&[
        "--index",
        "idx",
        "export-engine",
        "manticore",
        "out",
        "--shards",
        "2",
        "--agent",
        &agent,
        "--port",
        &p0.to_string(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(" articles, "), "{}", stdout(&out));
    let dir = d.path().join("out");
    let wordforms = std::fs::read_to_string(dir.join("wordforms.txt")).unwrap();
    assert!(wordforms.contains("\nкривому розі > ent_kryvyi_rih\n"));
    assert!(wordforms.contains("\nkiev > ent_kyiv\n"));
    let mut nodes = Vec::new();
    for k in [1, 0] {
        let conf = dir.join(format!("node-{k}.conf"));
        let built = Command::new("indexer")
            .arg("--config")
            .arg(&conf)
            .arg("--all")
            .output()
            .unwrap();
        assert!(
            built.status.success(),
            "indexer node {k}: {}",
            String::from_utf8_lossy(&built.stdout)
        );
        let started = Command::new("searchd")
            .arg("--config")
            .arg(&conf)
            .output()
            .unwrap();
        nodes.push(Node(conf));
        assert!(
            started.status.success(),
            "searchd node {k}: {}",
            String::from_utf8_lossy(&started.stdout)
        );
    }
    // The first node answers once both are up.
    let mut ready = false;
    for _ in 0..100 {
        if sphinxql(p0 + 1, "Kyiv").is_some_and(|ids| !ids.is_empty()) {
            ready = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        ready,
        "the distributed table did not answer on port {}",
        p0 + 1
    );
    let mut total = 0;
    for q in QUERIES {
        let expect = gazette_ids(&d, q);
        assert!(!expect.is_empty(), "{q}: Gazette finds something");
        let got = sphinxql(p0 + 1, q).unwrap_or_else(|| panic!("{q}: SphinxQL failed"));
        assert_eq!(got, expect, "{q}: the cluster answers as Gazette does");
        total += got.len();
    }
    assert!(total > 500, "{total}");
    drop(nodes);
}

#[test]
fn opensearch_settings_match_the_golden_file_and_bulk_files_are_bounded() {
    let d = Dir::indexed();
    let out = d.run(&[
        "--index",
        "idx",
        "export-engine",
        "opensearch",
        "os",
        "--bulk-mb",
        "1",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = d.path().join("os");
    let got: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("indices/gazette-en.json")).unwrap(),
    )
    .unwrap();
    let golden: Value =
        serde_json::from_str(include_str!("fixtures/engine/opensearch-gazette-en.json")).unwrap();
    assert_eq!(got, golden, "indices/gazette-en.json");
    let synonyms = std::fs::read_to_string(dir.join("analysis/gazette-synonyms.txt")).unwrap();
    let kyiv = synonyms
        .lines()
        .find(|l| l.ends_with("=> ent_kyiv"))
        .expect("a rule for Kyiv");
    let forms: Vec<&str> = kyiv.split(" => ").next().unwrap().split(", ").collect();
    // Every spelling, whether the articles hold it or not (a query may be in any), and
    // the case forms the articles hold; not the case forms they do not.
    for form in [
        "kiev",
        "kyiv",
        "київ",
        "киев",
        "kijow",
        "kiew",
        "києва",
        "киева",
    ] {
        assert!(forms.contains(&form), "{form}: {forms:?}");
    }
    for form in ["києві", "киеве", "києвом"] {
        assert!(!forms.contains(&form), "{form}: {forms:?}");
    }
    // Bulk: action and document lines in pairs, each action naming its index and id.
    let mut docs = 0;
    for e in std::fs::read_dir(dir.join("bulk")).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        assert!(text.len() <= 1_000_000);
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len() % 2, 0);
        for pair in lines.chunks(2) {
            let action = &pair[0]["index"];
            assert!(action["_index"].as_str().unwrap().starts_with("gazette-"));
            assert_eq!(action["_id"], pair[1]["article_id"]);
            docs += 1;
        }
    }
    let stats = d.run(&["--index", "idx", "stats", "--json"]);
    let articles = serde_json::from_str::<Value>(&stdout(&stats)).unwrap()["articles"].clone();
    assert_eq!(Value::from(docs), articles);
    let aliases: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("aliases.json")).unwrap()).unwrap();
    assert!(aliases["actions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["add"]["alias"] == "gazette"));
}
