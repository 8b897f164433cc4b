//! Measures the same-story similarity (`src/similar.rs`) on real news:
//! `cargo run --release --example eval_similar -- ../shared/data corpus/seeds`
//!
//! Prints the similarity of the two seed articles (the same events, Kiev vs Kyiv) and
//! how often random pairs of `news-large.jsonl` articles reach the grouping threshold.

use std::path::PathBuf;

use gazette::analysis::{self, AliasTable};
use gazette::reader::{floor_char_boundary, parse_text, read_file, Article, Format};
use gazette::similar::{salient_terms, Signature, SIMILAR};

fn signature(a: &Article, an: &mut tantivy::tokenizer::TextAnalyzer) -> Option<Signature> {
    let lead = &a.body[..floor_char_boundary(&a.body, 2000)];
    let mut terms = salient_terms(&a.title, &analysis::analyze(an, &a.title));
    terms.extend(salient_terms(lead, &analysis::analyze(an, lead)));
    terms.sort_unstable();
    terms.dedup();
    Signature::of(&terms)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let data = PathBuf::from(args.next().unwrap_or_else(|| "../shared/data".into()));
    let seeds = PathBuf::from(args.next().unwrap_or_else(|| "corpus/seeds".into()));
    let table = AliasTable::builtin();
    // As `gazette index` does: each article's tokens from the analyzer of its language
    // (all the articles here are English); salient words are taken unstemmed.
    let mut an = analysis::analyzer(&table, "en");
    let mut seed_sigs = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&seeds)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for f in files {
        let a = parse_text(&f, &std::fs::read_to_string(&f).unwrap()).unwrap();
        seed_sigs.push(signature(&a, &mut an).unwrap());
    }
    println!(
        "seed articles: similarity {:.3} (threshold {SIMILAR})",
        seed_sigs[0].similarity(&seed_sigs[1])
    );
    let mut sigs = Vec::new();
    read_file(
        &data.join("news-large.jsonl"),
        Format::JsonLines,
        &mut |a| {
            if let Some(s) = signature(&a, &mut an) {
                sigs.push(s);
            }
        },
    );
    // A fixed pseudo-random sequence of pairs (xorshift), reproducible run to run.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let n = 200_000;
    let mut sims: Vec<f32> = (0..n)
        .map(|_| {
            let (i, j) = (next() as usize % sigs.len(), next() as usize % sigs.len());
            if i == j {
                0.0
            } else {
                sigs[i].similarity(&sigs[j])
            }
        })
        .collect();
    sims.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| sims[((n as f64) * q) as usize];
    let over = sims.iter().filter(|&&s| s >= SIMILAR).count();
    println!(
        "{n} random pairs of news-large.jsonl: median {:.3}, 99th percentile {:.3}, 99.9th {:.3}; {:.3}% at or above {SIMILAR}",
        at(0.5),
        at(0.99),
        at(0.999),
        100.0 * over as f64 / n as f64
    );
}
