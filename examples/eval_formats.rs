//! Measures the web readers against `../shared/data/formats`: body-text token F1 and
//! metadata of the 51 gold pages, pages found in the 27 web archives against their
//! descriptions, items of the 22 feeds against feed-rs's reference parse, and each
//! reader's throughput.
//!
//!     cargo run --release --example eval_formats -- ../shared/data/formats

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use gazette::reader::{read_file, read_file_with, Article, Format, ReadOptions, Skipped};

fn main() {
    let base = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "../shared/data/formats".into()),
    );
    html(&base.join("html"));
    warc(&base.join("warc"));
    feeds(&base.join("feeds"));
}

/// Words (lower-cased letters and digits), and each CJK character on its own: the
/// tokens of the F1 the extraction benchmarks report.
fn tokens(s: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, m: &mut HashMap<String, usize>| {
        if !cur.is_empty() {
            *m.entry(std::mem::take(cur)).or_default() += 1;
        }
    };
    for c in s.chars() {
        let cjk = matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x9fff | 0xac00..=0xd7af | 0xf900..=0xfaff);
        if cjk {
            flush(&mut cur, &mut m);
            *m.entry(c.to_string()).or_default() += 1;
        } else if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
        } else {
            flush(&mut cur, &mut m);
        }
    }
    flush(&mut cur, &mut m);
    m
}

fn f1(got: &str, gold: &str) -> (f64, f64, f64) {
    let (g, t) = (tokens(got), tokens(gold));
    let common: usize = g
        .iter()
        .map(|(k, v)| (*v).min(*t.get(k).unwrap_or(&0)))
        .sum();
    let (ng, nt): (usize, usize) = (g.values().sum(), t.values().sum());
    if ng == 0 || nt == 0 {
        return (0.0, 0.0, 0.0);
    }
    let (p, r) = (common as f64 / ng as f64, common as f64 / nt as f64);
    (
        p,
        r,
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        },
    )
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn one(path: &Path, format: Format) -> (Vec<Article>, Vec<String>, Skipped) {
    let mut out = Vec::new();
    let mut skipped = Skipped::new();
    let errors = read_file_with(
        path,
        format,
        &ReadOptions::default(),
        &mut |a| out.push(a),
        &mut skipped,
    );
    (out, errors.iter().map(|e| e.to_string()).collect(), skipped)
}

fn html(dir: &Path) {
    let gold = std::fs::read_to_string(dir.join("gold.jsonl")).expect("gold.jsonl");
    println!("## HTML pages ({})\n", dir.display());
    println!("| page | precision | recall | F1 | title | date | byline | site | lang |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut per_set: HashMap<String, (f64, usize)> = HashMap::new();
    let (mut titles, mut title_n, mut dates, mut date_n, mut bylines, mut byline_n) =
        (0, 0, 0, 0, 0, 0);
    let (mut sites, mut site_n, mut langs, mut lang_n) = (0, 0, 0, 0);
    let (mut with, mut with_n, mut without, mut without_n) = (0, 0, 0, 0);
    let (mut bytes, mut secs) = (0u64, 0f64);
    for line in gold.lines() {
        let d: serde_json::Value = serde_json::from_str(line).expect("gold row");
        let file = d["file"].as_str().unwrap();
        let set = d["set"].as_str().unwrap_or("").to_string();
        let path = dir.join(file);
        bytes += std::fs::metadata(&path).map_or(0, |m| m.len());
        let t = Instant::now();
        let (articles, errors, _) = one(&path, Format::Html);
        secs += t.elapsed().as_secs_f64();
        let mut articles = articles;
        // Pages that declare no language are detected, as the indexer does.
        articles.iter_mut().for_each(|a| {
            a.detect_lang();
        });
        let Some(a) = articles.first() else {
            println!("| {file} | error: {} |", errors.join("; "));
            continue;
        };
        let yes = |b: bool| if b { "✓" } else { "✗" };
        let mut cells = vec![file.to_string()];
        if let Some(body) = d["gold_article_body"].as_str() {
            let (p, r, f) = f1(&a.body, body);
            let e = per_set.entry(set.clone()).or_default();
            e.0 += f;
            e.1 += 1;
            cells.extend([format!("{p:.3}"), format!("{r:.3}"), format!("{f:.3}")]);
        } else {
            let body = norm(&a.body);
            let w: Vec<&str> = d["gold_with"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|v| v.as_str())
                .collect();
            let wo: Vec<&str> = d["gold_without"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|v| v.as_str())
                .collect();
            let found = w.iter().filter(|s| body.contains(&norm(s))).count();
            let left = wo.iter().filter(|s| !body.contains(&norm(s))).count();
            (with, with_n, without, without_n) = (
                with + found,
                with_n + w.len(),
                without + left,
                without_n + wo.len(),
            );
            cells.extend([
                format!("with {found}/{}", w.len()),
                format!("without {left}/{}", wo.len()),
                String::new(),
            ]);
        }
        let check = |gold: Option<&str>,
                     got: Option<&str>,
                     ok: &mut usize,
                     n: &mut usize,
                     f: fn(&str, &str) -> bool| {
            match gold {
                Some(g) if !g.is_empty() => {
                    *n += 1;
                    let hit = got.is_some_and(|x| f(g, x));
                    *ok += hit as usize;
                    format!(
                        "{}{}",
                        yes(hit),
                        if hit {
                            String::new()
                        } else {
                            format!(" {}", got.unwrap_or("—"))
                        }
                    )
                }
                _ => String::new(),
            }
        };
        cells.push(check(
            d["title"].as_str(),
            Some(&a.title),
            &mut titles,
            &mut title_n,
            |g, x| norm(g) == norm(x),
        ));
        cells.push(check(
            d["published"].as_str(),
            a.date.as_deref(),
            &mut dates,
            &mut date_n,
            |g, x| {
                // The day, in the page's own time zone or in UTC.
                let day = &x[..x.len().min(10)];
                g.starts_with(day) || gazette::reader::html::normalise_date(g).starts_with(day)
            },
        ));
        cells.push(check(
            d["byline"].as_str(),
            a.author.as_deref(),
            &mut bylines,
            &mut byline_n,
            |g, x| norm(x).contains(&norm(g)) || norm(g).contains(&norm(x)),
        ));
        cells.push(check(
            d["site"].as_str(),
            a.source.as_deref(),
            &mut sites,
            &mut site_n,
            |g, x| norm(g) == norm(x),
        ));
        let lang = a.lang.as_ref().map(|l| l.code().to_string());
        cells.push(check(
            d["lang_curated"].as_str(),
            lang.as_deref(),
            &mut langs,
            &mut lang_n,
            |g, x| g == x,
        ));
        println!("| {} |", cells.join(" | "));
    }
    println!();
    let mut all = (0.0, 0);
    for (set, (f, n)) in &per_set {
        println!("- {set}: mean body F1 {:.3} over {n} pages", f / *n as f64);
        all = (all.0 + f, all.1 + n);
    }
    println!(
        "- all gold bodies: mean F1 {:.3} over {} pages",
        all.0 / all.1 as f64,
        all.1
    );
    println!("- trafilatura snippets: {with}/{with_n} of the article's found, {without}/{without_n} of the boilerplate left out");
    println!("- titles {titles}/{title_n}, dates {dates}/{date_n}, bylines {bylines}/{byline_n}, sites {sites}/{site_n}, languages {langs}/{lang_n}");
    println!(
        "- throughput: {:.1} MB/s ({:.1} MB in {:.2} s, one core)\n",
        bytes as f64 / 1e6 / secs,
        bytes as f64 / 1e6,
        secs
    );
}

fn warc(dir: &Path) {
    let info = std::fs::read_to_string(dir.join("INFO.jsonl")).expect("INFO.jsonl");
    println!("## Web archives ({})\n", dir.display());
    println!(
        "| file | HTML pages described | distinct URLs | articles | records skipped | errors |"
    );
    println!("|---|---|---|---|---|---|");
    let (mut bytes, mut secs, mut total) = (0u64, 0f64, 0);
    for line in info.lines() {
        let d: serde_json::Value = serde_json::from_str(line).expect("info row");
        let file = d["file"].as_str().unwrap();
        let path = dir.join(file);
        if gazette::reader::Format::of(&path) != Some(Format::Warc) {
            println!(
                "| {file} | {} | | (not read: not a WARC/ARC name) | | |",
                d["html_docs"]
            );
            continue;
        }
        bytes += std::fs::metadata(&path).map_or(0, |m| m.len());
        let t = Instant::now();
        let (articles, errors, skipped) = one(&path, Format::Warc);
        secs += t.elapsed().as_secs_f64();
        total += articles.len();
        let distinct: std::collections::HashSet<&str> = d["html_uris"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let skipped: Vec<String> = skipped.iter().map(|(k, n)| format!("{k} {n}")).collect();
        println!(
            "| {file} | {} | {} | {} | {} | {} |",
            d["html_docs"],
            distinct.len(),
            articles.len(),
            skipped.join(", "),
            errors.join("; ").replace('|', "\\|")
        );
    }
    println!(
        "\n- {total} articles; throughput {:.1} MB/s ({:.2} MB compressed in {:.2} s)\n",
        bytes as f64 / 1e6 / secs,
        bytes as f64 / 1e6,
        secs
    );
}

fn feeds(dir: &Path) {
    println!("## Feeds ({})\n", dir.display());
    println!("| feed | items (feed-rs) | articles | titles as feed-rs | error |");
    println!("|---|---|---|---|---|");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| {
            let n = p.to_string_lossy();
            !n.ends_with(".feed-rs.json") && (n.ends_with(".xml") || n.ends_with(".json"))
        })
        .collect();
    files.sort();
    for path in files {
        let format = Format::of(&path).unwrap_or(Format::Feed);
        let mut articles = Vec::new();
        let errors = read_file(&path, format, &mut |a| articles.push(a));
        let reference = path.with_file_name(format!(
            "{}.feed-rs.json",
            path.file_stem().unwrap().to_string_lossy()
        ));
        let (items, same) = match std::fs::read_to_string(&reference) {
            Ok(r) => {
                let v: serde_json::Value = serde_json::from_str(&r).expect("reference");
                let entries = v["entries"].as_array().cloned().unwrap_or_default();
                let same = entries
                    .iter()
                    .zip(&articles)
                    .filter(|(e, a)| {
                        let t = e["title"]["content"].as_str().unwrap_or("");
                        norm(&gazette::reader::html::html_to_text(t)) == norm(&a.title)
                    })
                    .count();
                (
                    entries.len().to_string(),
                    format!("{same}/{}", entries.len()),
                )
            }
            Err(_) => ("—".into(), String::new()),
        };
        let name = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .display()
            .to_string();
        let errors: Vec<String> = errors
            .iter()
            .map(|e| {
                let s = e.to_string();
                s.split_once(": ").map_or(s.clone(), |(_, r)| r.to_string())
            })
            .collect();
        println!(
            "| {name} | {items} | {} | {same} | {} |",
            articles.len(),
            errors.join("; ").replace('|', "\\|")
        );
    }
}
