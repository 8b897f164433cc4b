//! Writes a web archive the size of a real crawl, for the memory and throughput figures
//! of the WARC reader (see `support/crawl.rs`). `.warc.gz` gets one gzip member per
//! record.
//!
//!     cargo run --release --example make_warc -- /tmp/crawl.warc.gz 3000   # MB

use std::io::{BufWriter, Write};

use gazette::reader::{read_file, Article, Format};

#[path = "support/crawl.rs"]
mod crawl;

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .expect("usage: make_warc OUT.warc[.gz] MEGABYTES");
    let megabytes: u64 = args.next().and_then(|m| m.parse().ok()).unwrap_or(1000);
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/news-en.jsonl");
    let mut articles: Vec<Article> = Vec::new();
    read_file(&corpus, Format::JsonLines, &mut |a| articles.push(a));
    let mut file = BufWriter::new(std::fs::File::create(&out).expect("writable"));
    let (records, pages) =
        crawl::write_crawl(&articles, &mut file, megabytes << 20, out.ends_with(".gz"));
    file.flush().unwrap();
    let size = std::fs::metadata(&out).map_or(0, |m| m.len());
    println!(
        "{out}: {:.0} MB, {records} records, {pages} HTML pages",
        size as f64 / (1 << 20) as f64
    );
}
