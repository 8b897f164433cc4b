//! Test harness: a temporary directory with a corpus and an index, and the real
//! `gazette` binary run in it with a cleared environment (no NO_COLOR, TERM, …).

#![allow(dead_code)]

pub mod hostile;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

/// The repository's test fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A temporary working directory for one test.
pub struct Dir {
    pub tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A directory with the fixtures copied into `corpus/` and indexed into `idx/`.
    pub fn indexed() -> Dir {
        let d = Dir::new();
        d.copy_fixtures("corpus");
        let out = d.run(&["index", "corpus", "--index", "idx"]);
        assert!(out.status.success(), "index failed: {}", stderr(&out));
        d
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn copy_fixtures(&self, to: &str) {
        let dest = self.path().join(to);
        std::fs::create_dir_all(&dest).unwrap();
        for e in std::fs::read_dir(fixtures()).unwrap() {
            let e = e.unwrap();
            // The fixtures' README (attribution) is no corpus file.
            if e.file_type().unwrap().is_file() && e.file_name() != "README.md" {
                std::fs::copy(e.path(), dest.join(e.file_name())).unwrap();
            }
        }
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, contents).unwrap();
        p
    }

    /// The binary, run in this directory with an empty environment.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("gazette").unwrap();
        c.current_dir(self.path()).env_clear();
        c
    }

    /// Starts the binary in this directory without waiting for it (stdout discarded).
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("gazette"))
            .current_dir(self.path())
            .env_clear()
            .args(args)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap()
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// `gazette search --json ARGS --index idx`: the parsed records and the exit code.
    pub fn search_json(&self, args: &[&str]) -> (Vec<Value>, i32) {
        let mut all = vec!["search", "--json", "--index", "idx"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        let recs = String::from_utf8(out.stdout.clone())
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
            .collect();
        (recs, out.status.code().unwrap())
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The passage records of a search.
pub fn passages(recs: &[Value]) -> Vec<&Value> {
    recs.iter().filter(|r| r["type"] == "passage").collect()
}

/// The distinct article ids among passage records, sorted.
pub fn article_ids(recs: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = passages(recs)
        .iter()
        .map(|p| p["article"]["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The summary record of a search.
pub fn summary(recs: &[Value]) -> &Value {
    recs.iter()
        .find(|r| r["type"] == "summary")
        .expect("a summary record")
}

/// The texts of the spans in `key` ("matches" or "entities") of a passage, checking that
/// each span's offsets point at its text.
pub fn spans(p: &Value, key: &str) -> Vec<String> {
    let text = p["text"].as_str().unwrap();
    p[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let (s, e) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            assert!(
                text.is_char_boundary(s) && text.is_char_boundary(e),
                "offsets on char boundaries"
            );
            assert_eq!(
                &text[s..e],
                m["text"].as_str().unwrap(),
                "offsets point at the text"
            );
            m["text"].as_str().unwrap().to_string()
        })
        .collect()
}
