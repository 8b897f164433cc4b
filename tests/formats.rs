//! Formats: compressed files of any supported format, CSV and TSV exports, and
//! `gazette show`, run through the real binary.

use std::io::Write;

use crate::util::{article_ids, passages, stderr, stdout, summary, Dir};

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

/// The fixtures of real pages, archives and feeds (tests/fixtures/README.md), indexed.
fn web_formats() -> (Dir, std::process::Output) {
    let d = Dir::new();
    let src = crate::util::fixtures().join("formats");
    for e in walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&src).unwrap();
            d.write(
                &format!("corpus/{}", rel.display()),
                std::fs::read(e.path()).unwrap(),
            );
        }
    }
    let out = d.run(&["index", "corpus", "--index", "idx", "--json"]);
    (d, out)
}

fn show(d: &Dir, id: &str) -> serde_json::Value {
    let out = d.run(&["show", "--index", "idx", id, "--json"]);
    assert!(out.status.success(), "show {id}: {}", stderr(&out));
    serde_json::from_str(stdout(&out).trim()).unwrap()
}

#[test]
fn web_pages_archives_and_feeds_are_read() {
    let (d, out) = web_formats();
    // One truncated web archive: exit 2, its record named, everything else indexed.
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim(),
        "gazette: corpus/warc/solrwayback__transfer_compression_none_truncated.warc.gz:record 3: \
         truncated record: 366 of 553 bytes (the file ends inside it: incomplete deflate stream)"
    );
    let rec: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(
        rec["formats"],
        serde_json::json!({"feed": 5, "html": 3, "json": 3, "warc": 5}),
        "{rec}"
    );
    assert_eq!(
        rec["records_skipped"],
        serde_json::json!({"metadata": 1, "not HTML": 1, "request": 6, "revisit": 1, "warcinfo": 6}),
        "{rec}"
    );

    // A page: main text without the site's navigation, and its metadata.
    let heise = show(&d, "corpus/html/heise.html");
    let a = &heise["article"];
    assert_eq!(a["title"], "1Password für Mac generiert Einmal-Passwörter");
    assert_eq!(a["date"], "2015-04-08T12:46:00");
    assert_eq!(a["source"], "Mac & i");
    assert_eq!(a["lang"], "de");
    assert_eq!(
        a["url"],
        "http://www.heise.de/mac-and-i/meldung/1Password-fuer-Mac-generiert-Einmal-Passwoerter-2596987.html"
    );
    let body = heise["body"].as_str().unwrap();
    assert!(
        body.starts_with(
            "1Password scannt auch QR-Codes.\n\n(Bild: Hersteller)\n\nDas in der iOS-Version"
        ),
        "{body}"
    );
    for boilerplate in ["Newsletter", "Impressum", "Kommentare lesen"] {
        assert!(!body.contains(boilerplate), "{boilerplate}: {body}");
    }
    // GB2312 without a usable declaration; Japanese with furigana, which is no text.
    let zh = show(&d, "corpus/html/wayback-he.xinhuanet.com-zh-gb2312.html");
    assert_eq!(zh["article"]["title"], "话剧《约定无期限》河北各市巡演结束");
    assert!(zh["body"]
        .as_str()
        .unwrap()
        .contains("秦皇岛、承德、张家口等10个设区市演出(此前已在保定市演出多场)，引起强烈反响。"));
    assert!(!zh["body"].as_str().unwrap().contains("ICP证010042号"));
    let ja = show(&d, "corpus/html/nhk.or.jp-easy-ja.html");
    assert_eq!(ja["article"]["lang"], "ja");
    assert!(
        ja["body"]
            .as_str()
            .unwrap()
            .contains("法律では虐待をした親に専門家が子どもの育て方を"),
        "{}",
        ja["body"]
    );

    // Web archives: a capture is known by its URL, with its crawl date; gzip, brotli and
    // chunked payloads undone; ARC too.
    let iana = show(&d, "http://www.iana.org/");
    assert_eq!(
        iana["article"]["title"],
        "Internet Assigned Numbers Authority"
    );
    assert_eq!(iana["article"]["captured"], "2017-03-06T16:54:09Z");
    assert!(iana["body"].as_str().unwrap().starts_with("The global coordination of the DNS Root, IP addressing, and other Internet protocol resources is performed as the Internet Assigned Numbers Authority (IANA) functions."), "{}", iana["body"]);
    let example = show(&d, "http://example.com/");
    assert_eq!(example["article"]["title"], "Example Domain");
    assert!(
        example["body"]
            .as_str()
            .unwrap()
            .starts_with("This domain is"),
        "{}",
        example["body"]
    );
    let brotli = show(&d, "http://tokemon.sb.statsbiblioteket.dk/");
    assert!(!brotli["body"].as_str().unwrap().is_empty());

    // Feeds: one article per item, with link, date, author; ISO-8859-1 and EUC-KR decoded.
    let golem = show(&d, "https://www.golem.de/news/digitalministerium-neue-glasfaserfoerderung-mit-schnellkasse-2301-171451.html");
    let g = &golem["article"];
    assert_eq!(
        g["title"],
        "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse"
    );
    assert_eq!(g["source"], "Golem.de");
    assert_eq!(g["author"], "Achim Sawall");
    assert_eq!(g["date"], "2023-01-25T18:03:02Z");
    // A JSON Feed (in a .json file): items without an id are known by their URL.
    let (recs, _) = d.search_json(&["InfluxDB"]);
    let authors: Vec<(String, String)> = passages(&recs)
        .iter()
        .map(|p| {
            let a = &p["article"];
            (
                a["id"].as_str().unwrap().into(),
                a["author"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        authors,
        [
            ("https://www.influxdata.com/blog/influxdb-markedly-elasticsearch-in-time-series-data-metrics-benchmark".to_string(), "Chris Churilo".to_string()),
            ("https://www.influxdata.com/blog/influxdb-outperforms-graphite-in-time-series-data-metrics-benchmark".into(), "Fake Author 2, Chris Churilo, Fake Author 1".into()),
        ]
    );
    let (recs, _) = d.search_json(&["Satellites"]);
    assert_eq!(
        passages(&recs)[0]["article"]["source"],
        "The Register - Science"
    );
    let (recs, _) = d.search_json(&["년"]);
    assert_eq!(passages(&recs).len(), 1, "the EUC-KR item");
}

/// A WARC response record holding `html`, as crawlers write it.
fn warc_response(uri: &str, date: &str, html: &str) -> Vec<u8> {
    let http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{html}",
        html.len()
    );
    let mut rec = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n\
         Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        http.len()
    )
    .into_bytes();
    rec.extend(http.as_bytes());
    rec.extend(b"\r\n\r\n");
    gzip(&rec)
}

fn page(title: &str, text: &str) -> String {
    format!("<html><head><title>{title}</title></head><body><article><p>{text}</p></article></body></html>")
}

#[test]
fn a_url_captured_twice_is_one_article_and_a_broken_record_is_passed_over() {
    let d = Dir::new();
    let mut warc = warc_response(
        "https://news.example/kyiv",
        "2024-05-01T10:00:00Z",
        &page(
            "Kyiv at night",
            "First version: drones over Kyiv, twelve shot down by air defence.",
        ),
    );
    // A record whose header has no length: reported, the next record still read.
    warc.extend(gzip(
        b"WARC/1.0\r\nWARC-Type: response\r\n\r\nnot a record\r\n",
    ));
    warc.extend(warc_response(
        "https://news.example/kyiv",
        "2024-05-02T10:00:00Z",
        &page(
            "Kyiv at night",
            "Updated: drones over Kyiv, fourteen shot down by air defence.",
        ),
    ));
    warc.extend(warc_response(
        "https://news.example/kharkiv",
        "2024-05-02T11:00:00Z",
        &page(
            "Kharkiv",
            "Power cuts in Kharkiv after strikes on the grid overnight.",
        ),
    ));
    d.write("corpus/crawl.warc.gz", warc);
    let out = d.run(&["index", "corpus", "--index", "idx", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "gazette: corpus/crawl.warc.gz:record 2: no valid Content-Length; skipped"
    );
    let rec: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(rec["articles"], 2, "{rec}");
    assert_eq!(rec["records_skipped"]["earlier capture"], 1, "{rec}");
    let kyiv = show(&d, "https://news.example/kyiv");
    assert_eq!(kyiv["article"]["captured"], "2024-05-02T10:00:00Z");
    assert_eq!(
        kyiv["article"]["date"], "2024-05-02T10:00:00Z",
        "no published date: the capture's"
    );
    assert_eq!(
        kyiv["body"],
        "Updated: drones over Kyiv, fourteen shot down by air defence."
    );
}

fn rss(items: &[(&str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, title, text)| {
            format!("<item><guid>{guid}</guid><title>{title}</title><link>https://desk.example/{guid}</link><description>{text}</description></item>")
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Desk</title>{items}</channel></rss>"#
    )
}

#[test]
fn a_refetched_feed_adds_new_items_and_updates_seen_ones() {
    let d = Dir::new();
    d.write(
        "corpus/desk.rss",
        rss(&[
            ("a1", "Kyiv drones", "Twelve drones over Kyiv."),
            ("a2", "Odesa port", "Grain ships left Odesa."),
        ]),
    );
    let out = d.run(&["index", "corpus", "--index", "idx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The next fetch: a new item, one item changed, one dropped off the feed's end.
    d.write(
        "corpus/desk.rss",
        rss(&[
            ("a3", "Kharkiv grid", "Power cuts in Kharkiv."),
            (
                "a1",
                "Kyiv drones",
                "Fourteen drones over Kyiv, all shot down.",
            ),
        ]),
    );
    let out = d.run(&["index", "corpus", "--index", "idx", "--json"]);
    let rec: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(
        (rec["updated"].as_u64(), rec["articles"].as_u64()),
        (Some(1), Some(2)),
        "{rec}"
    );
    let (recs, _) = d.search_json(&["Kyiv OR Kharkiv"]);
    let mut ids = article_ids(&recs);
    ids.sort();
    assert_eq!(ids, ["a1", "a3"]);
    assert_eq!(
        show(&d, "a1")["body"],
        "Fourteen drones over Kyiv, all shot down."
    );
}

#[test]
fn field_mapping_reads_other_column_names_and_is_kept_for_later_jobs() {
    let d = Dir::new();
    d.write(
        "corpus/cms.csv",
        "story_headline,story_text,first_published\n\
         Kyiv drones,Twelve drones were shot down over Kyiv.,2024-05-02\n",
    );
    d.write(
        "corpus/dump.jsonl",
        "{\"hed\":\"Odesa port\",\"text\":\"a teaser\",\"article_text\":\"Grain ships left Odesa.\"}\n",
    );
    let out = d.run(&["index", "corpus", "--index", "idx"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "no title or body column: {}",
        stdout(&out)
    );
    let map = "title=story_headline,body=story_text,date=first_published";
    let out = d.run(&[
        "index",
        "corpus",
        "--index",
        "idx",
        "--json",
        "--field",
        map,
        "--field",
        "title=hed,body=article_text",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rec: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(rec["articles"], 2, "{rec}");
    let (recs, _) = d.search_json(&["Kyiv OR Odesa"]);
    let mut got: Vec<(String, String)> = passages(&recs)
        .iter()
        .map(|p| {
            let a = &p["article"];
            (
                a["title"].as_str().unwrap().into(),
                a["date"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("Kyiv drones".into(), "2024-05-02".into()),
            ("Odesa port".to_string(), String::new())
        ]
    );
    assert_eq!(
        show(&d, "corpus/dump.jsonl#1")["body"],
        "Grain ships left Odesa."
    );
    // A later job without --field reads a new file with the recorded mapping.
    d.write(
        "corpus/cms2.csv",
        "story_headline,story_text,first_published\nKharkiv grid,Power cuts in Kharkiv.,2024-05-03\n",
    );
    let out = d.run(&["index", "corpus", "--index", "idx", "--json"]);
    let rec: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(
        (
            rec["articles"].as_u64(),
            rec["failed"].as_array().map(Vec::len)
        ),
        (Some(1), Some(0)),
        "{rec}"
    );
    // Another mapping re-reads every file, and says why.
    let out = d.run(&[
        "index",
        "corpus",
        "--index",
        "idx",
        "--json",
        "--field",
        "title=story_text",
    ]);
    let rec: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(
        rec["rebuilt"],
        "the field mapping changed from body=story_text,body=article_text,date=first_published,title=story_headline,title=hed to title=story_text",
    );
    // A bad mapping is refused before anything is read.
    let out = d.run(&[
        "index",
        "corpus",
        "--index",
        "idx",
        "--field",
        "headline=story_headline",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`headline` is not a field Gazette reads"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_url_captured_by_two_crawls_answers_once_with_the_latest_capture() {
    let d = Dir::new();
    let url = "https://news.example/kyiv";
    d.write(
        "corpus/a.warc.gz",
        warc_response(
            url,
            "2024-05-02T10:00:00Z",
            &page("Kyiv", "Later: fourteen drones over Kyiv were shot down."),
        ),
    );
    d.write(
        "corpus/b.warc.gz",
        warc_response(
            url,
            "2024-05-01T10:00:00Z",
            &page("Kyiv", "Earlier: twelve drones over Kyiv were shot down."),
        ),
    );
    let out = d.run(&["index", "corpus", "--index", "idx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = show(&d, url);
    assert_eq!(shown["article"]["captured"], "2024-05-02T10:00:00Z");
    assert_eq!(
        shown["body"],
        "Later: fourteen drones over Kyiv were shot down."
    );
    // Search answers with the later capture alone, whichever words are asked for.
    let bodies = |q: &str| -> Vec<String> {
        passages(&d.search_json(&[q]).0)
            .iter()
            .map(|p| p["text"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        bodies("drones"),
        ["Later: fourteen drones over Kyiv were shot down."]
    );
    assert!(bodies("twelve").is_empty(), "the older capture is hidden");
    assert_eq!(summary(&d.search_json(&["Kyiv"]).0)["hits"], 1);
    // The newer crawl removed: the older capture is back, not lost.
    std::fs::remove_file(d.path().join("corpus/a.warc.gz")).unwrap();
    let out = d.run(&["index", "--index", "idx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        bodies("drones"),
        ["Earlier: twelve drones over Kyiv were shot down."]
    );
}
