//! Measures language detection against labelled data:
//! `cargo run --release --example eval_lang -- ../shared/data`
//!
//! 1. `news-multilingual.jsonl`: real Russian and Ukrainian posts with a gold `lang`,
//!    detected from title + body as `gazette index` does (the gold field is ignored).
//! 2. `langid/sentences/<iso>.txt`: 1,000 single sentences per language (harder than
//!    articles: short). Reported for the languages of the bundled corpus and overall.

use std::collections::BTreeMap;
use std::path::PathBuf;

use gazette::reader::{assign_languages, read_file, Article, Format};

fn main() {
    let data = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "../shared/data".into()),
    );
    let mut per: BTreeMap<String, (usize, usize, BTreeMap<String, usize>)> = BTreeMap::new();
    let errors = read_file(
        &data.join("news-multilingual.jsonl"),
        Format::JsonLines,
        &mut |a: Article| {
            let gold = a.lang.clone().map(|l| l.to_string()).unwrap_or_default();
            let mut blind = Article { lang: None, ..a };
            let got = blind.detect_lang().to_string();
            let e = per.entry(gold.clone()).or_default();
            e.0 += 1;
            if got == gold {
                e.1 += 1;
            } else {
                *e.2.entry(got).or_default() += 1;
            }
        },
    );
    assert!(errors.is_empty(), "{errors:?}");
    println!("news-multilingual.jsonl (articles, title + body):");
    for (lang, (n, ok, wrong)) in &per {
        println!(
            "  {lang}: {ok}/{n} = {:.2}%  wrong: {wrong:?}",
            100.0 * *ok as f64 / *n as f64
        );
    }

    // news-large.jsonl is all English (Reuters, BBC, CNN, DW, Al Jazeera…): detected
    // alone, and as `gazette index` does it (batches with the source prior).
    let mut all = Vec::new();
    read_file(
        &data.join("news-large.jsonl"),
        Format::JsonLines,
        &mut |a: Article| all.push(a),
    );
    let alone = all
        .iter()
        .filter(|a| gazette::lang::detect(&format!("{}.\n{}", a.title, a.body)).code() == "en")
        .count();
    let mut wrong_en: BTreeMap<String, usize> = BTreeMap::new();
    let mut ok_en = 0;
    for batch in all.chunks_mut(512) {
        assign_languages(batch, &mut gazette::lang::SourcePrior::default());
        for a in batch.iter() {
            match a.lang.as_ref().map(|l| l.to_string()).as_deref() {
                Some("en") => ok_en += 1,
                other => {
                    *wrong_en
                        .entry(other.unwrap_or("none").to_string())
                        .or_default() += 1
                }
            }
        }
    }
    let n_en = all.len();
    println!(
        "news-large.jsonl (all English), each article alone: {alone}/{n_en} = {:.2}%",
        100.0 * alone as f64 / n_en as f64
    );
    println!("news-large.jsonl, as `gazette index` assigns: {ok_en}/{n_en} = {:.2}%  wrong: {wrong_en:?}", 100.0 * ok_en as f64 / n_en as f64);

    let mut sentences: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut confused: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let dir = data.join("langid/sentences");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("langid/sentences")
        .flatten()
        .collect();
    files.sort_by_key(|e| e.file_name());
    // What trusting a source known to write English risks (`lang::detect_given`): other
    // languages' texts taken as English that detection alone would not call English, as
    // single sentences (short, like headlines) and as texts of eight sentences.
    let en = gazette::lang::Lang::from("en");
    let (mut risked, mut taken, mut long_risked, mut long_taken) = (0, 0, 0, 0);
    for f in files {
        let lang = f.path().file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(f.path()).unwrap();
        if lang != "en" {
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            let flipped = |t: &str| {
                gazette::lang::detect_given(t, Some(&en)).lang == en
                    && gazette::lang::detect(t) != en
            };
            for line in &lines {
                risked += 1;
                taken += usize::from(flipped(line));
            }
            for chunk in lines.chunks(8) {
                long_risked += 1;
                long_taken += usize::from(flipped(&chunk.join(" ")));
            }
        }
        let e = sentences.entry(lang.clone()).or_default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            e.0 += 1;
            let got = gazette::lang::detect(line);
            if got.code() == lang {
                e.1 += 1;
            } else {
                *confused
                    .entry(lang.clone())
                    .or_default()
                    .entry(got.to_string())
                    .or_default() += 1;
            }
        }
    }
    let (n, ok) = sentences
        .values()
        .fold((0, 0), |(a, b), (n, ok)| (a + n, b + ok));
    println!(
        "langid sentences (single sentences, {} languages): {:.2}% overall",
        sentences.len(),
        100.0 * ok as f64 / n as f64
    );
    for lang in ["en", "ru", "uk", "de", "fr", "pl", "es", "it", "be", "bg"] {
        if let Some((n, ok)) = sentences.get(lang) {
            println!(
                "  {lang}: {ok}/{n} = {:.2}%",
                100.0 * *ok as f64 / *n as f64
            );
        }
    }
    println!(
        "other languages taken as English for a source that writes English: \
         {taken}/{risked} single sentences ({:.2}%), {long_taken}/{long_risked} texts of eight \
         sentences ({:.2}%)",
        100.0 * taken as f64 / risked as f64,
        100.0 * long_taken as f64 / long_risked as f64
    );
    let mut worst: Vec<_> = sentences
        .iter()
        .map(|(l, (n, ok))| (*ok as f64 / *n as f64, l))
        .collect();
    worst.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (r, l) in worst.iter().take(12) {
        let mut c: Vec<_> = confused
            .get(*l)
            .map(|m| m.iter().collect())
            .unwrap_or_default();
        c.sort_by(|a, b| b.1.cmp(a.1));
        println!(
            "  {l} {:.1}%: detected as {:?}",
            r * 100.0,
            &c[..c.len().min(3)]
        );
    }
}
