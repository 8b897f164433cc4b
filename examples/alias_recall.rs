//! Measures alias recall and false merges on real news:
//! `cargo run --release --example alias_recall -- ../shared/data [INDEX_DIR]`
//!
//! Indexes `news-multilingual.jsonl` and `news-large.jsonl` (into INDEX_DIR, default a
//! temporary folder), then for each entity finds the articles that contain any of its
//! spellings, written with a capital, by regular expression over the raw text (the
//! ground truth, independent of the analyzer) and checks which of them a search for each spelling returns (recall),
//! and how many returned articles contain none (false merges).

use std::collections::HashSet;
use std::path::PathBuf;

use gazette::analysis::AliasTable;
use gazette::index::{self, GazetteIndex};
use gazette::job::{self, IndexOptions};
use gazette::reader::{read_file, Article, Format};
use gazette::search;
use regex::Regex;

/// (entity, ground-truth pattern over raw text, query spellings)
const ENTITIES: &[(&str, &str, &[&str])] = &[
    (
        "Kyiv",
        r"(?:Kyiv|Kiev|Kyjiw|Kiew|Kijów|киев|киева|киеву|киевом|киеве|київ|києва|києву|києвом|києві|києве)",
        &["Kyiv", "Kiev", "Київ", "Киев", "Kijów", "Kiew"],
    ),
    (
        "Kharkiv",
        r"(?:Kharkiv|Kharkov|харків|харкова|харкову|харковом|харкові|харьков|харькова|харькову|харьковом|харькове)",
        &["Kharkiv", "Kharkov", "Харків", "Харьков"],
    ),
    (
        "Odesa",
        r"(?:Odesa|Odessa|одеса|одеси|одесі|одесу|одесою|одесса|одессы|одессе|одессу|одессой)",
        &["Odesa", "Odessa", "Одеса", "Одесса"],
    ),
    (
        "Lviv",
        r"(?:Lviv|Lvov|Lwów|львів|львова|львову|львовом|львові|львов|львове)",
        &["Lviv", "Lvov", "Львів", "Львов"],
    ),
    (
        "Mykolaiv",
        r"(?:Mykolaiv|Mykolayiv|Nikolaev|Nikolayev|миколаїв|миколаєва|миколаєву|миколаєві|николаев|николаева|николаеве)",
        &["Mykolaiv", "Nikolaev", "Миколаїв", "Николаев"],
    ),
    (
        "Zelensky",
        r"(?:Zelensky|Zelenskyy|Zelenskiy|зеленський|зеленського|зеленському|зеленським|зеленский|зеленского|зеленскому|зеленским|зеленском)",
        &[
            "Zelensky",
            "Zelenskyy",
            "Zelenskiy",
            "Зеленський",
            "Зеленский",
        ],
    ),
];

fn main() {
    let data = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "../shared/data".into()),
    );
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::env::args()
        .nth(2)
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().join("idx"));
    let files = [
        data.join("news-multilingual.jsonl"),
        data.join("news-large.jsonl"),
    ];
    let table = AliasTable::builtin();
    if !index::exists(&dir) {
        let opts = IndexOptions {
            roots: files.to_vec(),
            ..IndexOptions::default()
        };
        let r = job::run(&dir, table.clone(), &opts, &|_| {}).unwrap();
        eprintln!("indexed {} articles in {} ms", r.articles, r.elapsed_ms);
    }
    let gi = GazetteIndex::open(&dir, table).unwrap();
    let mut articles: Vec<Article> = Vec::new();
    for f in &files {
        read_file(f, Format::JsonLines, &mut |a| articles.push(a));
    }
    println!("| entity | articles with a spelling | query | found | recall | false merges |");
    println!("|---|---|---|---|---|---|");
    for (name, pattern, spellings) in ENTITIES {
        // The spellings may follow any non-letter: `\b` would miss "⚡\u{fe0f}Зеленский"
        // (a variation selector counts as a word character).
        // Longest alternatives first: the regex crate takes the first that matches.
        let mut alts: Vec<&str> = pattern
            .trim_start_matches("(?:")
            .trim_end_matches(')')
            .split('|')
            .collect();
        alts.sort_by_key(|a| std::cmp::Reverse(a.chars().count()));
        // A name is written with a capital: the first letter must be upper case, the
        // rest any case ("парк львов" is a park of lions, not Lviv).
        let alts: Vec<String> = alts
            .iter()
            .map(|a| {
                let mut chars = a.chars();
                let first = chars.next().expect("non-empty");
                format!(
                    "{}(?i:{})",
                    first.to_uppercase().collect::<String>(),
                    chars.as_str()
                )
            })
            .collect();
        let re = Regex::new(&format!("(?:^|[^\\p{{L}}\\p{{N}}])(?:{})", alts.join("|"))).unwrap();
        // A match followed by an apostrophe is a Ukrainian demonym (Львів'янин), not
        // the place; the regex crate has no look-ahead, so it is checked here.
        let mentions = |text: &str| {
            re.find_iter(text).any(|m| {
                let rest = &text[m.end()..];
                let possessive = ["'s", "’s"].iter().any(|p| {
                    rest.starts_with(p) && !rest[p.len()..].starts_with(char::is_alphanumeric)
                });
                possessive || !rest.starts_with(|c: char| c.is_alphanumeric() || "'’ʼ".contains(c))
            })
        };
        let truth: HashSet<String> = articles
            .iter()
            .filter(|a| mentions(&a.title) || mentions(&a.body))
            .map(|a| a.id.clone())
            .collect();
        for q in *spellings {
            let found: HashSet<String> = search::matching_ids(
                &gi,
                &search::SearchOptions {
                    query: q.to_string(),
                    ..Default::default()
                },
            )
            .unwrap()
            .into_iter()
            .collect();
            let hit = truth.intersection(&found).count();
            let false_merges = found.difference(&truth).count();
            println!(
                "| {name} | {} | {q} | {} | {:.1}% | {false_merges} |",
                truth.len(),
                found.len(),
                100.0 * hit as f64 / truth.len().max(1) as f64
            );
            if std::env::var_os("SHOW").is_some() {
                for id in truth.difference(&found).take(3) {
                    let a = articles.iter().find(|a| &a.id == id).unwrap();
                    for text in [&a.title, &a.body] {
                        for m in re.find_iter(text) {
                            let after: String = text[m.end()..].chars().take(3).collect();
                            eprintln!("  missed {id}: {:?} then {after:?}", m.as_str());
                        }
                    }
                }
                let mut an = gazette::analysis::analyzer(&gi.table, gazette::analysis::NO_STEM);
                let term = gazette::analysis::analyze(&mut an, q)[0].text.clone();
                for id in found.difference(&truth).take(5) {
                    let a = articles.iter().find(|a| &a.id == id).unwrap();
                    for text in [&a.title, &a.body] {
                        for t in gazette::analysis::analyze(&mut an, text) {
                            if t.text == term {
                                eprintln!(
                                    "  extra {name} {id}: {:?}",
                                    &text[t.offset_from..t.offset_to]
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}
