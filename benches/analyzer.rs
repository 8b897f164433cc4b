//! Analyzer throughput (criterion): MB/s of article text through Gazette's analyzers
//! against tantivy's default analyzer (`SimpleTokenizer`, `RemoveLongFilter(40)`,
//! `LowerCaser`), on the bundled corpus so that it runs on a fresh clone:
//! `cargo bench --bench analyzer`. Entity recognition, which the indexer runs after the
//! analysis, is measured on the same texts, and so is reading them in each format and
//! compression.

use std::hint::black_box;
use std::io::BufRead;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gazette::analysis::{self, AliasTable};
use gazette::reader::{read_file, Article, Format};
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};

/// Title and body of every article of a bundled corpus file.
fn texts(file: &str) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    // Fail loudly rather than measure nothing.
    assert!(
        std::io::BufReader::new(std::fs::File::open(&path).expect("corpus file"))
            .lines()
            .next()
            .is_some(),
        "{} is empty",
        path.display()
    );
    let mut out = Vec::new();
    let errors = read_file(&path, Format::JsonLines, &mut |a: Article| {
        out.push(format!("{}\n{}", a.title, a.body))
    });
    assert!(errors.is_empty(), "{errors:?}");
    out
}

fn tokens(analyzer: &mut TextAnalyzer, texts: &[String]) -> usize {
    texts
        .iter()
        .map(|t| {
            let mut stream = analyzer.token_stream(t);
            let mut n = 0;
            while stream.advance() {
                n += black_box(stream.token()).position_length;
            }
            n
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let table = AliasTable::builtin();
    for (name, file, lang) in [
        ("en", "corpus/news-en.jsonl", "en"),
        ("ru", "corpus/telegram-ru.jsonl", "ru"),
    ] {
        let texts = texts(file);
        let bytes: usize = texts.iter().map(String::len).sum();
        let mut group = c.benchmark_group(format!("analyzer/{name}"));
        group.throughput(Throughput::Bytes(bytes as u64));
        let mut default = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .build();
        group.bench_function("tantivy default", |b| {
            b.iter(|| tokens(&mut default, &texts))
        });
        let mut gazette = analysis::analyzer(&table, analysis::stem_key(lang));
        group.bench_function("gazette (aliases, stemming)", |b| {
            b.iter(|| tokens(&mut gazette, &texts))
        });
        let mut exact = analysis::exact_analyzer();
        group.bench_function("gazette exact", |b| b.iter(|| tokens(&mut exact, &texts)));
        // What the indexer runs: both field families' terms from one pass.
        let sink = analysis::ExactSink::default();
        let mut indexing = analysis::indexing_analyzer(&table, analysis::stem_key(lang), &sink);
        group.bench_function("gazette indexing (both families)", |b| {
            b.iter(|| {
                let n = tokens(&mut indexing, &texts);
                black_box(sink.take());
                n
            })
        });
        // Entity recognition as the indexer runs it: after the analysis, given its
        // words (analysed once here, outside the loop).
        let spans: Vec<_> = texts
            .iter()
            .map(|t| gazette::ner::analyse(t, &table))
            .collect();
        group.bench_function("gazette entity recognition", |b| {
            b.iter(|| {
                texts
                    .iter()
                    .zip(&spans)
                    .map(|(t, s)| black_box(gazette::ner::recognise(t, lang, s)).len())
                    .sum::<usize>()
            })
        });
        group.finish();
    }
}

/// Reading throughput of the formats and compressions, on the bundled English corpus
/// written as JSON Lines (plain, gzip, zstd, bzip2) and as CSV: MB/s of article text
/// read into `Article`s.
fn readers(c: &mut Criterion) {
    use std::io::Write;
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/news-en.jsonl");
    let plain = std::fs::read(&src).expect("corpus file");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut articles = Vec::new();
    let errors = read_file(&src, Format::JsonLines, &mut |a: Article| articles.push(a));
    assert!(errors.is_empty(), "{errors:?}");
    let mut csv = String::from("id,title,body,date\n");
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    for a in &articles {
        csv.push_str(&format!(
            "{},{},{},{}\n",
            quote(&a.id),
            quote(&a.title),
            quote(&a.body),
            quote(a.date.as_deref().unwrap_or(""))
        ));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    bz.write_all(&plain).unwrap();
    let files = [
        ("jsonl", "news.jsonl", plain.clone()),
        ("jsonl.gz", "news.jsonl.gz", gz.finish().unwrap()),
        (
            "jsonl.zst",
            "news.jsonl.zst",
            zstd::encode_all(&plain[..], 3).unwrap(),
        ),
        ("jsonl.bz2", "news.jsonl.bz2", bz.finish().unwrap()),
        ("csv", "news.csv", csv.clone().into_bytes()),
    ];
    let mut group = c.benchmark_group("reader/en");
    group.throughput(Throughput::Bytes(plain.len() as u64));
    for (name, file, bytes) in files {
        let path = dir.path().join(file);
        std::fs::write(&path, bytes).unwrap();
        let format = Format::of(&path).expect("a format");
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut n = 0;
                let errors = read_file(&path, format, &mut |a: Article| n += a.body.len());
                assert!(errors.is_empty());
                n
            })
        });
    }
    // The same CSV under names only `--field` maps.
    let mapped = csv.replacen(
        "id,title,body,date",
        "story_id,hed,article_text,first_published",
        1,
    );
    let path = dir.path().join("mapped.csv");
    std::fs::write(&path, mapped).unwrap();
    let opts = gazette::reader::ReadOptions {
        fields: gazette::reader::FieldMap::parse([
            "id=story_id,title=hed,body=article_text,date=first_published",
        ])
        .unwrap(),
    };
    group.bench_function("csv --field", |b| {
        b.iter(|| {
            let mut n = 0;
            let errors = gazette::reader::read_file_with(
                &path,
                Format::Csv,
                &opts,
                &mut |a: Article| n += a.body.len(),
                &mut Default::default(),
            );
            assert!(errors.is_empty());
            n
        })
    });
    group.finish();
}

#[path = "../examples/support/crawl.rs"]
mod crawl;

/// The web readers: the real pages of the test fixtures (main-text extraction and
/// metadata), a crawl-like WARC of the bundled English articles as pages (with the
/// request, metadata and image records beside them), and the same articles as an RSS
/// feed; MB/s of file bytes.
fn web_readers(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut articles = Vec::new();
    read_file(
        &root.join("corpus/news-en.jsonl"),
        Format::JsonLines,
        &mut |a: Article| articles.push(a),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group("reader/web");
    let pages: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/formats/html"))
        .expect("fixtures")
        .map(|e| e.unwrap().path())
        .collect();
    let bytes: u64 = pages
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("html pages", |b| {
        b.iter(|| {
            let mut n = 0;
            for p in &pages {
                read_file(p, Format::Html, &mut |a: Article| n += a.body.len());
            }
            n
        })
    });
    for (name, gzip) in [("warc", false), ("warc.gz", true)] {
        let path = dir.path().join(format!("crawl.{name}"));
        let mut file = std::fs::File::create(&path).unwrap();
        crawl::write_crawl(&articles, &mut file, 24 << 20, gzip);
        drop(file);
        group.throughput(Throughput::Bytes(std::fs::metadata(&path).unwrap().len()));
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut n = 0;
                let errors = read_file(&path, Format::Warc, &mut |a: Article| n += a.body.len());
                assert!(errors.is_empty(), "{errors:?}");
                n
            })
        });
    }
    let items: String = articles
        .iter()
        .map(|a| {
            format!(
                "<item><guid>{}</guid><title><![CDATA[{}]]></title><description><![CDATA[<p>{}</p>]]></description></item>",
                a.id,
                a.title,
                a.body.replace("\n\n", "</p><p>")
            )
        })
        .collect();
    let rss = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>News</title>{items}</channel></rss>"#
    );
    let path = dir.path().join("news.rss");
    std::fs::write(&path, &rss).unwrap();
    group.throughput(Throughput::Bytes(rss.len() as u64));
    group.bench_function("rss", |b| {
        b.iter(|| {
            let mut n = 0;
            let errors = read_file(&path, Format::Feed, &mut |a: Article| n += a.body.len());
            assert!(errors.is_empty(), "{errors:?}");
            n
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench, readers, web_readers
}
criterion_main!(benches);
