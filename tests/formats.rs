//! Formats: compressed files of any supported format, CSV and TSV exports, and
//! `gazette show`, run through the real binary.

use std::io::Write;

use crate::util::{article_ids, passages, stderr, stdout, Dir};

const JSONL: &str = r#"{"id":"a1","title":"Strikes on Kyiv","body":"Drones hit the capital overnight.","lang":"en"}
{"id":"a2","title":"Harvest news","body":"Sorghum prices rose in Kharkiv.","lang":"en"}
"#;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn compressed_files_are_read_streamed() {
    let d = Dir::new();
    // Two gzip members in one file (cat a.gz b.gz): both are read.
    let (first, second) = JSONL.split_at(JSONL.find('\n').unwrap() + 1);
    let mut multi = gzip(first.as_bytes());
    multi.extend(gzip(second.as_bytes()));
    d.write("corpus/day1.jsonl.gz", multi);
    d.write(
        "corpus/day2.jsonl.zst",
        zstd::encode_all(
            r#"{"id":"z1","title":"Kiev talks","body":"Talks in Kiev."}"#.as_bytes(),
            3,
        )
        .unwrap(),
    );
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    bz.write_all(b"Kyiv update\n\nPower cuts across Kyiv.\n")
        .unwrap();
    d.write("corpus/note.txt.bz2", bz.finish().unwrap());
    let out = d.run(&["index", "corpus", "--index", "idx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The report counts articles per format (a compressed file as its format).
    assert!(
        stdout(&out).contains("4 articles (jsonl 3, text 1) read"),
        "{}",
        stdout(&out)
    );
    let (recs, _) = d.search_json(&["Kyiv OR sorghum"]);
    let mut ids = article_ids(&recs);
    ids.sort();
    assert_eq!(
        ids,
        ["a1", "a2", "corpus/note.txt.bz2", "z1"],
        "{}",
        stdout(&out)
    );
    // A corrupt stream keeps what came before it and names the file.
    let mut broken = gzip(JSONL.as_bytes());
    broken.truncate(broken.len() - 12);
    d.write("corpus/broken.jsonl.gz", broken);
    let out = d.run(&["index", "corpus", "--index", "idx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("broken.jsonl.gz"), "{}", stderr(&out));
}

#[test]
fn csv_exports_with_synonyms_and_tabs() {
    let d = Dir::new();
    d.write(
        "corpus/cms.csv",
        "\u{feff}Headline;Article Text;Published_At;Publisher\r\n\
         Strikes on Kiev;\"Drones hit\r\nthe city.\";2024-11-17;Wire\r\n\
         ;;;\r\n\
         Grain deal;Sorghum exports resume.;2024-11-18;Wire\r\n",
    );
    d.write(
        "corpus/more.tsv",
        "id\ttitle\tbody\nt1\tKyiv metro\tTrains run.\nt2\t\t\n",
    );
    let out = d.run(&["index", "corpus", "--index", "idx"]);
    // The TSV's empty record is reported with its line; the rest is indexed.
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("more.tsv:3: record has neither title nor body"),
        "{}",
        stderr(&out)
    );
    let (recs, _) = d.search_json(&["Kyiv", "-n", "10"]);
    let ps = passages(&recs);
    assert_eq!(article_ids(&recs).len(), 2, "{recs:?}");
    let cms = ps
        .iter()
        .find(|p| p["article"]["path"].as_str().unwrap().ends_with("cms.csv"))
        .expect("the CSV article");
    assert_eq!(cms["article"]["title"], "Strikes on Kiev");
    assert_eq!(cms["article"]["date"], "2024-11-17");
    assert_eq!(cms["article"]["source"], "Wire");
    assert!(cms["article"]["id"]
        .as_str()
        .unwrap()
        .ends_with("cms.csv#2"));
    let (recs, _) = d.search_json(&["sorghum", "--since", "2024-11-18"]);
    assert_eq!(article_ids(&recs).len(), 1);
}

#[test]
fn show_prints_one_article_whole() {
    let d = Dir::indexed();
    let (recs, _) = d.search_json(&["Kiper", "-n", "1"]);
    let id = passages(&recs)[0]["article"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let out = d.run(&["show", "--index", "idx", &id, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rec: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(rec["type"], "article");
    assert_eq!(rec["article"]["id"].as_str(), Some(id.as_str()));
    let body = rec["body"].as_str().unwrap();
    assert!(body.contains("Oleh Kiper") && body.contains('\n'));
    let texts: Vec<&str> = rec["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let (s, t) = (e["start"].as_u64().unwrap(), e["end"].as_u64().unwrap());
            let text = &body[s as usize..t as usize];
            assert_eq!(e["text"].as_str(), Some(text));
            text
        })
        .collect();
    assert!(
        texts.contains(&"Oleh Kiper") && texts.contains(&"Odesa"),
        "{texts:?}"
    );
    // The terminal view keeps the body's line breaks.
    let out = d.run(&["show", "--index", "idx", &id, "--color", "never"]);
    let text = stdout(&out);
    assert!(text.starts_with("Did Russia and Ukraine"), "{text}");
    assert!(text.contains(&format!("id {id}\n\n")), "{text}");
    assert!(text.lines().count() > 10);
    let out = d.run(&["show", "--index", "idx", "no-such-id"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no article with id `no-such-id`"));
}
