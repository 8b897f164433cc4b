//! The hostile corpus generator: a folder of everything a real archive may hold besides
//! articles — binary files, invalid UTF-8, empty files, huge files and lines, malformed
//! and mistyped JSON, symlink loops, dangling links — with a few good articles among
//! them. Tests index it and check the report; `many` sets the size of the big JSON
//! Lines file (a million lines makes the large-input run).

use std::path::Path;

/// What the generated folder holds, for the tests to check against.
pub struct Hostile {
    /// Articles that must be indexed and searchable by the word `hostilegood`.
    pub good: usize,
    /// Paths (relative to the corpus root) that must be reported as failed, with a
    /// fragment of the reason and the line (for JSON Lines).
    pub failed: Vec<(&'static str, Option<usize>, &'static str)>,
    /// Files that are not articles and must be skipped.
    pub skipped: usize,
}

pub fn generate(root: &Path, many: usize) -> Hostile {
    let w = |rel: &str, bytes: &[u8]| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    };
    let mut good = 0;
    w(
        "good/one.txt",
        b"Hostilegood one\nA good article among bad ones, about Kharkov.\n",
    );
    w(
        "good/two.md",
        "# Hostilegood two\n\nГарна стаття про Київ.\n".as_bytes(),
    );
    good += 2;
    // Invalid UTF-8 is decoded with replacement characters: indexed, not failed.
    w(
        "latin1.txt",
        b"Hostilegood caf\xe9\nBody in Latin-1: na\xefve r\xe9sum\xe9.\n",
    );
    good += 1;
    w(
        "binary.txt",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00binary\x00\x00",
    );
    w("empty.txt", b"");
    w("blank.md", b"\n \n\t\n");
    w("empty.jsonl", b"");
    let mixed = [
        r#"{"id": "m1", "title": "Hostilegood mixed 1", "body": "fine"}"#,
        r#"{"id": "m2", "title": "broken"#,
        r#"{"id": "m3", "title": 5, "body": "wrong type"}"#,
        r#"["an", "array"]"#,
        r#"{}"#,
        r#"{"id": "m6", "title": "Hostilegood mixed 6", "text": "body under another name"}"#,
    ]
    .join("\n");
    w("mixed.jsonl", mixed.as_bytes());
    good += 2;
    let mut long = String::from(r#"{"title": "too long", "body": ""#);
    long.push_str(&"a".repeat(17 << 20));
    long.push_str("\"}\n");
    long.push_str(r#"{"title": "Hostilegood after the long line", "body": "still read"}"#);
    w("longline.jsonl", long.as_bytes());
    good += 1;
    // Larger than one article may be (32 MB): refused, not read into memory.
    w(
        "huge.txt",
        format!("Huge\n{}", "word ".repeat(7 << 20)).as_bytes(),
    );
    let mut lines = String::with_capacity(many * 80);
    for i in 0..many {
        lines.push_str(&format!(
            "{{\"id\": \"many-{i}\", \"title\": \"Item {i}\", \"body\": \"Hostilegood bulk article number {i}.\"}}\n"
        ));
    }
    w("many.jsonl", lines.as_bytes());
    good += many;
    w("photo.jpg", b"\xff\xd8\xff\xe0 not an article");
    w("data.bin", b"\x00\x01\x02");
    std::os::unix::fs::symlink("..", root.join("good/loop")).unwrap();
    std::os::unix::fs::symlink("nowhere.txt", root.join("dangling.txt")).unwrap();
    Hostile {
        good,
        failed: vec![
            ("binary.txt", None, "binary file"),
            ("empty.txt", None, "empty file"),
            ("blank.md", None, "empty file"),
            ("mixed.jsonl", Some(2), "invalid article JSON"),
            ("mixed.jsonl", Some(3), "invalid type"),
            ("mixed.jsonl", Some(4), "expected an object"),
            ("mixed.jsonl", Some(5), "neither title nor body"),
            ("longline.jsonl", Some(1), "line longer than 16 MB"),
            ("huge.txt", None, "too large for one article"),
            ("good/loop", None, "symlink loop"),
            ("dangling.txt", None, "No such file"),
        ],
        skipped: 2,
    }
}
